// views/network-editors.js: the network diagram's interaction. The keyboard (one tab stop over
// the neurons, arrow keys between them, Enter to open a neuron's weights), the pointer over links
// (hover, tooltip, click), the tooltip itself, and the two weight editors: one link's weight, or
// every weight into one neuron. Each function takes the NetworkView it works on
// (views/network.js).

import { h, fmt } from '../../shared/dom.js';
import { fmtNum } from '../explain/explain-model.js';

/** Moves the diagram's single tab stop to neuron idx (engine node index). */
export function setFocusNode(view, idx) {
  if (view.focusNode === idx && view.nodes[idx] && view.nodes[idx].el.tabIndex === 0) return;
  const old = view.nodes[view.focusNode];
  if (old && old.canvas) old.el.tabIndex = -1;
  view.focusNode = idx;
  const node = view.nodes[idx];
  if (node && node.canvas) node.el.tabIndex = 0;
}

export function nodeKey(view, ev) {
  const el = ev.target.closest && ev.target.closest('.bp-neuron, .bp-output-node');
  if (!el || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const idx = Number(el.dataset.node);
  const node = view.nodes[idx];
  if (!node) return;
  const moves = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
  if (ev.key in moves) {
    ev.preventDefault();
    const [dc, dj] = moves[ev.key];
    const layer = node.layer + dc;
    const col = view.columns[layer];
    if (!col) return;
    const j = Math.max(0, Math.min(col.to.length - 1, dc ? Math.round((node.j / Math.max(1, view.columns[node.layer].to.length - 1)) * (col.to.length - 1)) : node.j + dj));
    const target = view.nodes.findIndex((n) => n && n.layer === layer && n.j === j && n.canvas);
    if (target >= 0) {
      view.setFocusNode(target);
      view.nodes[target].el.focus();
      view.on.hoverNode(target);   // its output in the big plot, as on hover
      view.keyHover = true;
    }
  } else if (ev.key === 'Enter' || ev.key === ' ') {
    ev.preventDefault();
    if (view.explain) {
      if (!view.explain.stale) view.on.explainNode(idx);
    } else if (!view.el.classList.contains('bp-readonly')) {
      view.openNeuronEditor(idx);
    }
  }
}

/** A form with every weight into neuron idx (the keyboard's way to edit weights). */
export function openNeuronEditor(view, idx) {
  const node = view.nodes[idx];
  if (!node || node.layer === undefined || !view.weights) return;
  view.closeEditor();
  const l = node.layer;
  const col = view.columns[l];
  const W = view.weights[l];
  const fanOut = col.to.length;
  const inputs = [];
  const rows = col.from.map((_, i) => {
    const from = l === 0 ? (view.nodes[i] ? view.nodes[i].short : `input ${i + 1}`) : (view.nodes.find((n) => n && n.layer === l - 1 && n.j === i) || {}).short;
    const input = h('input', {
      type: 'number', step: 'any', class: 'bp-weight-input', value: String(round(W[i * fanOut + node.j])),
      'aria-label': `Weight from ${from} to ${node.label}`,
    });
    input.bpOld = input.value;
    inputs.push(input);
    return h('label', { class: 'bp-weight-row' }, h('span', { class: 'bp-weight-from', text: `from ${from}` }), input);
  });
  const msg = h('span', { class: 'bp-weight-msg', 'aria-live': 'polite' });
  const close = () => { view.closeEditor(); node.el.focus(); };
  const form = h('form', {
    class: 'bp-weight-editor bp-neuron-editor',
    'aria-label': `Weights into ${node.label}`,
    on: {
      submit: (ev) => {
        ev.preventDefault();
        const values = inputs.map((inp) => Number(inp.value));
        const bad = inputs.findIndex((inp, i) => inp.value.trim() === '' || !Number.isFinite(values[i]) || Math.abs(values[i]) > 1e6);
        if (bad >= 0) {
          msg.textContent = 'Type numbers between −1000000 and 1000000.';
          inputs[bad].focus();
          return;
        }
        inputs.forEach((inp, i) => { if (inp.value !== inp.bpOld) view.on.setWeight(l, i, node.j, values[i]); });
        close();
      },
      keydown: (ev) => {
        if (ev.key === 'Escape') { ev.stopPropagation(); close(); return; }
        ev.stopPropagation();   // typing here must not trigger the page's shortcuts
      },
    },
  },
  h('span', { class: 'bp-weight-label', text: `Weights into ${node.label}` }),
  rows,
  h('div', { class: 'bp-weight-buttons' },
    h('button', { type: 'submit', class: 'bp-btn bp-btn-small', text: 'Set' }),
    h('button', { type: 'button', class: 'bp-btn bp-btn-small', text: 'Cancel', on: { click: close } })),
  msg);
  const box = view.body.getBoundingClientRect();
  const r = node.el.getBoundingClientRect();
  const x = r.left - box.left + view.body.scrollLeft;
  form.style.left = `${Math.max(0, Math.min(x - 100, view.body.scrollWidth - 250))}px`;
  form.style.top = `${r.bottom - box.top + view.body.scrollTop + 6}px`;
  view.body.append(form);
  view.editing = form;
  inputs[0].focus();
  inputs[0].select();
}

export function pointerMove(view, ev) {
  if (ev.target.closest('.bp-node, .bp-col-head, .bp-weight-editor')) {
    if (view.hoverLink) { view.hoverLink = null; view.drawLinks(); }
    return;
  }
  const [x, y] = view.localPoint(ev);
  const link = view.linkAt(x, y);
  if (link !== view.hoverLink) {
    view.hoverLink = link;
    view.drawLinks();
  }
  view.body.classList.toggle('bp-over-link', !!link);
  if (link && view.explain) {
    const { kind, value } = view.explainValue(link);
    const name = { w: 'weight', grad: '∂L/∂w', dw: 'Δw' }[kind];
    view.showTooltip(x, y, `${name} ${fmtNum(value)} · ${view.linkName(link)} · click for the chain rule`);
  } else if (link) {
    const w = view.weightOf(link);
    view.showTooltip(x, y, `weight ${fmt(w, 4)} · ${view.linkName(link)} · click to edit`);
  } else if (view.tipNode === null || view.tipNode === undefined) {
    view.hideTooltip();
  }
}

export function showNodeTip(view, idx) {
  const node = view.nodes[idx];
  if (!node || node.layer === undefined) return;
  view.tipNode = idx;
  const b = view.biases && view.biases[node.layer];
  const r = node.el.getBoundingClientRect();
  const box = view.body.getBoundingClientRect();
  view.showTooltip(r.right - box.left + view.body.scrollLeft + 4, r.top - box.top + view.body.scrollTop,
    `${node.label} · bias ${b ? fmt(b[node.j], 4) : '–'}`);
}

export function showTooltip(view, x, y, text) {
  view.tooltip.textContent = text;
  view.tooltip.hidden = false;
  const maxX = view.body.scrollWidth - view.tooltip.offsetWidth - 4;
  view.tooltip.style.left = `${Math.max(0, Math.min(x + 12, maxX))}px`;
  view.tooltip.style.top = `${Math.max(0, y - 28)}px`;
}

export function hideTooltip(view) {
  view.tipNode = null;
  view.tooltip.hidden = true;
  if (view.hoverLink) { view.hoverLink = null; view.drawLinks(); }
  view.body.classList.remove('bp-over-link');
}

export function click(view, ev) {
  if (ev.target.closest('.bp-node, .bp-col-head, .bp-weight-editor')) return;
  const [x, y] = view.localPoint(ev);
  const link = view.linkAt(x, y);
  if (link && view.explain) {
    if (!view.explain.stale) view.on.explainLink(link.l, link.i, link.j);
  }
  else if (link) view.openEditor(link, x, y);
  else view.closeEditor();
}

/** A small form to type a new weight for a link. */
export function openEditor(view, link, x, y) {
  view.closeEditor();
  const input = h('input', {
    type: 'number', step: 'any', class: 'bp-weight-input', value: String(round(view.weightOf(link))),
    'aria-label': `New weight for ${view.linkName(link)}`,
  });
  const msg = h('span', { class: 'bp-weight-msg', 'aria-live': 'polite' });
  const form = h('form', {
    class: 'bp-weight-editor',
    on: {
      submit: (ev) => {
        ev.preventDefault();
        const v = Number(input.value);
        if (input.value.trim() === '' || !Number.isFinite(v) || Math.abs(v) > 1e6) {
          msg.textContent = 'Type a number between −1000000 and 1000000.';
          return;
        }
        view.on.setWeight(link.l, link.i, link.j, v);
        view.closeEditor();
      },
      keydown: (ev) => {
        if (ev.key === 'Escape') { ev.stopPropagation(); view.closeEditor(); }
        ev.stopPropagation();   // typing here must not trigger the page's shortcuts
      },
    },
  },
  h('label', { class: 'bp-weight-label', text: view.linkName(link) }),
  input,
  h('button', { type: 'submit', class: 'bp-btn bp-btn-small', text: 'Set' }),
  h('button', { type: 'button', class: 'bp-btn bp-btn-small', text: 'Cancel', on: { click: () => view.closeEditor() } }),
  msg);
  form.style.left = `${Math.max(0, Math.min(x - 60, view.body.scrollWidth - 240))}px`;
  form.style.top = `${y + 10}px`;
  view.body.append(form);
  view.editing = form;
  input.focus();
  input.select();
}

export function closeEditor(view) {
  if (view.editing) {
    view.editing.remove();
    view.editing = null;
  }
}

export function round(v) {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : 0;
}
