// views/network-overlay.js: explain mode on the network diagram. Writes each node's numbers into
// its `.bp-node-note` (forward z and a, the target, backward δ, the update's Δb), lights or dims
// nodes and columns, and gives the value explain mode shows on each link (views/network-links.js
// draws it). Each function takes the NetworkView it works on (views/network.js).

import { h, clear } from '../../shared/dom.js';
import { fmtNum } from '../explain/explain-model.js';

/**
 * Shows explain mode's numbers (or null to leave explain mode):
 * { notes: [{ lines: [{sym, value, derived}], state }] per node (engine order),
 *   links: [{ kind: 'w'|'grad'|'dw', values, state }] per weight layer,
 *   labels: [bool] per weight layer (write the values on its links),
 *   selectedLink: { l, i, j } | null, selectedNode: index | null }
 */
export function setExplain(view, ex) {
  const was = !!view.explain;
  view.explain = ex;
  if (ex && !view.fits(ex)) ex.stale = true;   // numbers of an older network: show none until new ones come
  view.el.classList.toggle('bp-explaining', !!ex);
  if (!ex && was) {
    for (const node of view.nodes) {
      if (!node) continue;
      clear(node.note);
      node.el.classList.remove('bp-lit', 'bp-dim', 'bp-done', 'bp-selected');
      node.el.setAttribute('aria-label', node.canvas ? `${node.label}: Enter to see or type its weights` : `Input ${node.label}: on`);
    }
    for (const col of view.columnEls || []) col.classList.remove('bp-lit', 'bp-dim');
  }
  view.closeEditor();
  view.applyExplain();
  view.drawLinks();
}

/** Whether explain data has the shape of the network on screen. */
export function fits(view, ex) {
  if (!ex.links || ex.links.length !== view.columns.length) return false;
  if (ex.notes.length !== view.nodes.length) return false;
  return view.columns.every((col, l) => ex.links[l].values.length === col.from.length * col.to.length);
}

export function applyExplain(view) {
  const ex = view.explain;
  if (!ex) return;
  if (ex.stale || !view.fits(ex)) {
    ex.stale = true;
    for (const node of view.nodes) {
      if (!node) continue;
      clear(node.note);
      node.el.classList.remove('bp-lit', 'bp-dim', 'bp-done', 'bp-selected');
    }
    return;
  }
  const colState = [];
  view.nodes.forEach((node, idx) => {
    if (!node) return;
    const note = ex.notes[idx];
    clear(node.note);
    node.el.classList.remove('bp-lit', 'bp-dim', 'bp-done');
    node.el.classList.toggle('bp-selected', ex.selectedNode === idx);
    if (!note) return;
    node.el.classList.add(`bp-${note.state}`);
    // a screen reader hears the numbers too, in the words the note shows (speech input users say
    // what they see: the name holds the visible text, WCAG 2.5.3)
    const said = note.lines.map((l) => `${l.sym} ${fmtNum(l.value)}`).join(', ');
    node.el.setAttribute('aria-label', node.canvas
      ? `${node.label}${said ? `: ${said}` : ''}. Enter for its numbers written out`
      : `Input ${node.label}${said ? `, ${said}` : ''}: on`);
    // (the spaces between the spans lay out as nothing, flex items all, but keep the words apart
    // in the text the note reads as: "a 0.53 z 0.59", not "a0.53z0.59")
    for (const line of note.lines) {
      node.note.append(' ', h('span', { class: ['bp-note-line', line.derived && 'bp-derived'], dataset: { sym: line.sym } },
        h('span', { class: 'bp-note-sym', text: line.sym }), ' ',
        h('span', { class: 'bp-note-num', text: fmtNum(line.value) })));
    }
    const c = node.column;
    colState[c] = colState[c] === 'lit' || note.state === 'lit' ? 'lit' : note.state;
  });
  (view.columnEls || []).forEach((col, c) => {
    col.classList.toggle('bp-lit', colState[c] === 'lit');
    col.classList.toggle('bp-dim', colState[c] === 'dim');
  });
}

/** The value explain mode shows on link (l, i, j), and its kind. */
export function explainValue(view, link) {
  const layer = view.explain && !view.explain.stale && view.explain.links[link.l];
  if (!layer || !view.columns[link.l]) return { kind: 'w', value: NaN, state: 'dim' };
  const fanOut = view.columns[link.l].to.length;
  return { kind: layer.kind, value: layer.values[link.i * fanOut + link.j], state: layer.state };
}

