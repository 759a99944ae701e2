// views/network-layout.js: the network diagram's geometry. Builds the columns of nodes (the input
// features with their static thumbnails, the hidden layers with their header controls, the
// output), places the links between them, and finds the link under a point (hit testing). Each
// function takes the NetworkView it works on (views/network.js).

import { h } from '../../shared/dom.js';
import { FEATURES, ACTIVATIONS, ACTIVATION_LABELS, LIMITS } from '../state.js';
import { THUMB_LUT, lutIndex } from '../../shared/colors.js';

const FEATURE_THUMB = 40;
const DOMAIN = 6;

/** The plane as each input feature sees it, squashed to [-1, 1] for the thumbnail. */
const FEATURE_FIELDS = {
  x1: (x) => x / DOMAIN,
  x2: (x, y) => y / DOMAIN,
  x1sq: (x) => (x * x) / (DOMAIN * DOMAIN) * 2 - 1,
  x2sq: (x, y) => (y * y) / (DOMAIN * DOMAIN) * 2 - 1,
  x1x2: (x, y) => (x * y) / (DOMAIN * DOMAIN),
  sinx1: (x) => Math.sin(x),
  sinx2: (x, y) => Math.sin(y),
};

/**
 * Builds the columns of layout (the engine's layout: features, hidden, output) into view.cols,
 * and the view's nodes, columns and columnEls.
 */
export function buildColumns(view, layout) {
  // node sizes follow the tallest column
  const tallest = Math.max(FEATURES.length, ...layout.hidden.map((l) => l.size), layout.output.size);
  const size = Math.max(14, Math.min(44, Math.floor(400 / tallest) - 6));
  view.body.style.setProperty('--bp-node', `${size}px`);

  // input features: all of them, the enabled ones are the engine's inputs (in its order)
  const featCol = h('div', { class: 'bp-col bp-col-features' },
    h('div', { class: 'bp-col-head' }, h('span', { class: 'bp-col-title', text: 'Features' })));
  const inputEls = [];
  for (const f of FEATURES) {
    const on = layout.features.includes(f.name);
    const thumb = view.featureThumb(f.name);
    const btn = h('button', {
      type: 'button',
      class: ['bp-node', 'bp-feature', on ? 'bp-on' : 'bp-off'],
      'aria-pressed': on ? 'true' : 'false',
      'aria-label': `Input feature ${f.label}: ${on ? 'on' : 'off'}`,
      title: `${f.label}: click to turn ${on ? 'off' : 'on'}`,
      on: { click: () => view.on.toggleFeature(f.name) },
    }, thumb, h('span', { class: 'bp-node-label', text: f.label }));
    if (on) {
      const idx = layout.features.indexOf(f.name);
      // (the note is for the eye: a screen reader hears the node's aria-label, which explain mode
      // fills with the same numbers)
      const note = h('span', { class: 'bp-node-note', 'aria-hidden': 'true' });
      btn.append(note);
      btn.dataset.node = String(idx);
      inputEls[idx] = btn;
      view.nodes[idx] = { el: btn, note, activation: 'feature', label: `feature ${f.label}`, short: f.label, column: 0 };
      btn.addEventListener('pointerenter', () => view.on.hoverNode(idx));
      btn.addEventListener('pointerleave', () => view.on.hoverNode(null));
    }
    featCol.append(btn);
  }
  view.cols.append(featCol);
  view.columnEls = [featCol];

  let prev = inputEls;
  let nodeIndex = layout.features.length;
  const layers = [...layout.hidden, layout.output];
  layers.forEach((layer, l) => {
    const isOutput = l === layers.length - 1;
    const headChildren = [];
    if (isOutput) {
      headChildren.push(h('span', { class: 'bp-col-title', text: 'Output' }),
        h('span', { class: 'bp-col-sub', text: activationLabel(layer.activation) }));
    } else {
      const sel = h('select', {
        class: 'bp-act-select',
        'aria-label': `Activation of hidden layer ${l + 1}`,
        on: { change: () => view.on.activation(l, sel.value) },
      }, ACTIVATIONS.map((a) => h('option', { value: a, text: ACTIVATION_LABELS[a] })));
      sel.value = layer.activation;
      const size = layer.size;
      headChildren.push(
        h('div', { class: 'bp-neuron-btns bp-edit-only' },
          h('button', { type: 'button', class: 'bp-icon-btn', text: '+', 'aria-label': `Add a neuron to layer ${l + 1}`, disabled: size >= LIMITS.maxNeurons, on: { click: () => view.on.neurons(l, +1) } }),
          h('button', { type: 'button', class: 'bp-icon-btn', text: '−', 'aria-label': `Remove a neuron from layer ${l + 1}`, disabled: size <= 1, on: { click: () => view.on.neurons(l, -1) } })),
        h('span', { class: 'bp-col-title', text: `${size} neuron${size === 1 ? '' : 's'}` }),
        h('span', { class: 'bp-edit-only' }, sel),
        h('span', { class: 'bp-col-sub bp-view-only', text: activationLabel(layer.activation) }),
      );
    }
    const col = h('div', { class: ['bp-col', isOutput ? 'bp-col-output' : 'bp-col-layer'] },
      h('div', { class: 'bp-col-head' }, headChildren));
    const els = [];
    for (let j = 0; j < layer.size; j++) {
      const idx = nodeIndex++;
      const canvas = h('canvas', { class: 'bp-thumb', width: 1, height: 1 });
      const label = isOutput ? `output ${layer.size > 1 ? `(class ${j})` : ''}`.trim() : `layer ${l + 1}, neuron ${j + 1}`;
      const note = h('span', { class: 'bp-node-note', 'aria-hidden': 'true' });
      const el = h('div', {
        class: ['bp-node', isOutput ? 'bp-output-node' : 'bp-neuron'],
        role: 'button',
        tabindex: '-1',
        'aria-label': `${label}: Enter to see or type its weights`,
        dataset: { node: String(idx), layer: String(l), index: String(j) },
      }, canvas, note);
      el.addEventListener('pointerenter', () => { view.on.hoverNode(idx); view.showNodeTip(idx); });
      el.addEventListener('pointerleave', () => { view.on.hoverNode(null); view.hideTooltip(); });
      el.addEventListener('click', () => { if (view.explain && !view.explain.stale) view.on.explainNode(idx); });
      el.addEventListener('focus', () => view.setFocusNode(idx));
      el.addEventListener('blur', () => { if (view.keyHover) { view.keyHover = false; view.on.hoverNode(null); } });
      const short = isOutput ? (layer.size > 1 ? `output ${j}` : 'output') : `h${l + 1}.${j + 1}`;
      view.nodes[idx] = { el, note, canvas, ctx: canvas.getContext('2d'), image: null, activation: layer.activation, label, short, layer: l, j, column: l + 1 };
      els.push(el);
      col.append(el);
    }
    view.columns.push({ from: prev, to: els });
    prev = els;
    view.cols.append(col);
    view.columnEls.push(col);
  });
  view.inputCount = layout.features.length;
}

/** Whether per-layer weights (or biases) have the shape of the columns on screen. */
export function fitsColumns(view, weights, biases) {
  if (!weights || weights.length !== view.columns.length) return false;
  if (biases && biases.length !== view.columns.length) return false;
  return view.columns.every((col, l) => weights[l] && weights[l].length === col.from.length * col.to.length
    && (!biases || (biases[l] && biases[l].length === col.to.length)));
}

export function featureThumb(view, name) {
  const c = h('canvas', { class: 'bp-thumb', width: FEATURE_THUMB, height: FEATURE_THUMB });
  let img = view.featureImages.get(name);
  const ctx = c.getContext('2d');
  if (!img) {
    img = ctx.createImageData(FEATURE_THUMB, FEATURE_THUMB);
    const f = FEATURE_FIELDS[name];
    const px = img.data;
    for (let r = 0; r < FEATURE_THUMB; r++) {
      for (let q = 0; q < FEATURE_THUMB; q++) {
        const x = -DOMAIN + (2 * DOMAIN * (q + 0.5)) / FEATURE_THUMB;
        const y = DOMAIN - (2 * DOMAIN * (r + 0.5)) / FEATURE_THUMB;
        const i = lutIndex(f(x, y)) * 4;
        const k = (r * FEATURE_THUMB + q) * 4;
        px[k] = THUMB_LUT[i];
        px[k + 1] = THUMB_LUT[i + 1];
        px[k + 2] = THUMB_LUT[i + 2];
        px[k + 3] = THUMB_LUT[i + 3];
      }
    }
    view.featureImages.set(name, img);
  }
  ctx.putImageData(img, 0, 0);
  return c;
}

/** Recomputes link geometry after a structure change or a resize. */
export function relayout(view) {
  if (view.waiting) return;   // (the first diagram is not built yet: settle() lays it out)
  const box = view.body.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(view.body.scrollWidth * dpr));
  const hh = Math.max(1, Math.round(view.body.scrollHeight * dpr));
  if (view.canvas.width !== w || view.canvas.height !== hh) {
    view.canvas.width = w;
    view.canvas.height = hh;
    view.canvas.style.width = `${view.body.scrollWidth}px`;
    view.canvas.style.height = `${view.body.scrollHeight}px`;
  }
  const centre = (el, side) => {
    const r = el.getBoundingClientRect();
    return [(side > 0 ? r.right : r.left) - box.left + view.body.scrollLeft, r.top + r.height / 2 - box.top + view.body.scrollTop];
  };
  view.links = [];
  view.columns.forEach((col, l) => {
    col.from.forEach((a, i) => {
      if (!a) return;
      const p0 = centre(a, +1);
      col.to.forEach((b, j) => {
        const p1 = centre(b, -1);
        view.links.push({ l, i, j, p0, p1 });
      });
    });
  });
  view.drawLinks();
}

export function linkAt(view, x, y) {
  let best = null;
  let bestD = 6 * 6;
  for (const link of view.links) {
    const [x0, y0] = link.p0;
    const [x1, y1] = link.p1;
    if (x < x0 - 4 || x > x1 + 4) continue;
    // the bezier's x is monotone: sample it as a short polyline
    let px = x0;
    let py = y0;
    for (let s = 1; s <= 12; s++) {
      const t = s / 12;
      const [qx, qy] = bezierPoint(link.p0, link.p1, t);
      const d = segDist2(x, y, px, py, qx, qy);
      if (d < bestD) { bestD = d; best = link; }
      px = qx;
      py = qy;
    }
  }
  return best;
}

export function localPoint(view, ev) {
  const box = view.body.getBoundingClientRect();
  return [ev.clientX - box.left + view.body.scrollLeft, ev.clientY - box.top + view.body.scrollTop];
}

/** Viewport coordinates of the middle of link (l, i, j), or null (for tests and tours). */
export function linkMidpoint(view, l, i, j) {
  const link = view.links.find((k) => k.l === l && k.i === i && k.j === j);
  if (!link) return null;
  const [x, y] = bezierPoint(link.p0, link.p1, 0.5);
  const box = view.body.getBoundingClientRect();
  return { x: x + box.left - view.body.scrollLeft, y: y + box.top - view.body.scrollTop };
}

export function weightOf(view, link) {
  const W = view.weights && view.columns[link.l] && view.weights[link.l];
  const k = W ? link.i * view.columns[link.l].to.length + link.j : -1;
  return k >= 0 && k < W.length ? W[k] : NaN;
}

export function linkName(view, link) {
  const from = link.l === 0 ? `input ${link.i + 1}` : `layer ${link.l}, neuron ${link.i + 1}`;
  const isOut = link.l === view.columns.length - 1;
  const to = isOut ? `output${view.columns[link.l].to.length > 1 ? ` ${link.j}` : ''}` : `layer ${link.l + 1}, neuron ${link.j + 1}`;
  return `${from} → ${to}`;
}

export function activationLabel(a) {
  return ACTIVATION_LABELS[a] || (a === 'softmax' ? 'Softmax' : a);
}

export function bezierPoint([x0, y0], [x1, y1], t) {
  const mx = (x0 + x1) / 2;
  const u = 1 - t;
  const x = u * u * u * x0 + 3 * u * u * t * mx + 3 * u * t * t * mx + t * t * t * x1;
  const y = u * u * u * y0 + 3 * u * u * t * y0 + 3 * u * t * t * y1 + t * t * t * y1;
  return [x, y];
}

export function segDist2(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  let t = len ? ((px - ax) * dx + (py - ay) * dy) / len : 0;
  t = Math.max(0, Math.min(1, t));
  const qx = ax + t * dx - px;
  const qy = ay + t * dy - py;
  return qx * qx + qy * qy;
}
