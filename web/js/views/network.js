// views/network.js: the network diagram. Columns of nodes (input features, hidden layers, the
// output), each node a thumbnail of its output over the input plane; links drawn on one canvas
// behind them, width by |w| and colour by sign. Hover a node to see its output in the big plot,
// hover a link to read its weight, click a link to type a new one. Layer and neuron counts and
// per-layer activations are edited in the column headers.
//
// Each node carries an empty `.bp-node-note` element: room for the numbers that explain mode
// (forward z and a, backward δ) will write next to it.

import { h, clear, fmt } from '../dom.js';
import { FEATURES, ACTIVATIONS, ACTIVATION_LABELS, LIMITS } from '../state.js';
import { THUMB_LUT, lutIndex, nodeColoring, CLASS_RGB } from '../colors.js';

const FEATURE_THUMB = 40;
const THUMB_BUDGET_MS = 4;   // time per frame for redrawing node thumbnails
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

export class NetworkView {
  /**
   * @param {object} on  callbacks: toggleFeature(name), addLayer(), removeLayer(),
   *   neurons(layer, delta), activation(layer, name), hoverNode(index | null),
   *   setWeight(layer, i, j, value)
   */
  constructor(on) {
    this.on = on;
    this.structureKey = '';
    this.nodes = [];          // engine node index -> { el, canvas, ctx, image, activation }
    this.columns = [];        // per weight layer l: { from: [node els], to: [node els] }
    this.weights = null;
    this.biases = null;
    this.links = [];          // geometry for hit-testing
    this.editing = null;

    this.layerCount = h('span', { class: 'bp-net-count' });
    this.addLayerBtn = h('button', { class: 'bp-icon-btn', type: 'button', 'aria-label': 'Add a hidden layer', title: 'Add a hidden layer', text: '+', on: { click: () => this.on.addLayer() } });
    this.removeLayerBtn = h('button', { class: 'bp-icon-btn', type: 'button', 'aria-label': 'Remove the last hidden layer', title: 'Remove the last hidden layer', text: '−', on: { click: () => this.on.removeLayer() } });
    this.head = h('div', { class: 'bp-net-head bp-edit-only' }, this.addLayerBtn, this.removeLayerBtn, this.layerCount);
    this.canvas = h('canvas', { class: 'bp-links', 'aria-hidden': 'true' });
    this.cols = h('div', { class: 'bp-net-cols' });
    this.tooltip = h('div', { class: 'bp-tooltip', role: 'tooltip', hidden: true });
    this.body = h('div', { class: 'bp-net-body' }, this.canvas, this.cols, this.tooltip);
    this.el = h('div', { class: 'bp-net' }, this.head, this.body);
    this.ctx = this.canvas.getContext('2d');

    this.featureImages = new Map();
    this.body.addEventListener('pointermove', (ev) => this.pointerMove(ev));
    this.body.addEventListener('pointerleave', () => this.hideTooltip());
    this.body.addEventListener('click', (ev) => this.click(ev));
    this.resizeObserver = new ResizeObserver(() => this.relayout());
    this.resizeObserver.observe(this.body);
  }

  /**
   * Builds the columns when the structure changes.
   * @param {object} state  the page state (features, hidden sizes and activations as the user set them)
   * @param {object} layout the engine's layout (normalized by the worker): features, hidden, output
   */
  setStructure(state, layout) {
    const key = JSON.stringify([state.features, state.hidden, state.activations, layout.features,
      layout.hidden, layout.output]);
    if (key === this.structureKey) return;
    this.structureKey = key;
    this.hideTooltip();
    this.closeEditor();
    clear(this.cols);
    this.nodes = [];
    this.columns = [];
    const n = state.hidden.length;
    this.layerCount.textContent = `${n} hidden layer${n === 1 ? '' : 's'}`;
    this.addLayerBtn.disabled = n >= LIMITS.maxHiddenLayers;
    this.removeLayerBtn.disabled = n === 0;

    // node sizes follow the tallest column
    const tallest = Math.max(FEATURES.length, ...layout.hidden.map((l) => l.size), layout.output.size);
    const size = Math.max(14, Math.min(44, Math.floor(400 / tallest) - 6));
    this.body.style.setProperty('--bp-node', `${size}px`);

    // input features: all of them, the enabled ones are the engine's inputs (in its order)
    const featCol = h('div', { class: 'bp-col bp-col-features' },
      h('div', { class: 'bp-col-head' }, h('span', { class: 'bp-col-title', text: 'Features' })));
    const inputEls = [];
    for (const f of FEATURES) {
      const on = layout.features.includes(f.name);
      const thumb = this.featureThumb(f.name);
      const btn = h('button', {
        type: 'button',
        class: ['bp-node', 'bp-feature', on ? 'bp-on' : 'bp-off'],
        'aria-pressed': on ? 'true' : 'false',
        'aria-label': `Input feature ${f.label}: ${on ? 'on' : 'off'}`,
        title: `${f.label}: click to turn ${on ? 'off' : 'on'}`,
        on: { click: () => this.on.toggleFeature(f.name) },
      }, thumb, h('span', { class: 'bp-node-label', text: f.label }));
      if (on) {
        const idx = layout.features.indexOf(f.name);
        inputEls[idx] = btn;
        this.nodes[idx] = { el: btn, activation: 'feature', label: `feature ${f.label}` };
        btn.addEventListener('pointerenter', () => this.on.hoverNode(idx));
        btn.addEventListener('pointerleave', () => this.on.hoverNode(null));
      }
      featCol.append(btn);
    }
    this.cols.append(featCol);

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
          on: { change: () => this.on.activation(l, sel.value) },
        }, ACTIVATIONS.map((a) => h('option', { value: a, text: ACTIVATION_LABELS[a] })));
        sel.value = state.activations[l] || layer.activation;
        const size = state.hidden[l] ?? layer.size;
        headChildren.push(
          h('div', { class: 'bp-neuron-btns bp-edit-only' },
            h('button', { type: 'button', class: 'bp-icon-btn', text: '+', 'aria-label': `Add a neuron to layer ${l + 1}`, disabled: size >= LIMITS.maxNeurons, on: { click: () => this.on.neurons(l, +1) } }),
            h('button', { type: 'button', class: 'bp-icon-btn', text: '−', 'aria-label': `Remove a neuron from layer ${l + 1}`, disabled: size <= 1, on: { click: () => this.on.neurons(l, -1) } })),
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
        const el = h('div', {
          class: ['bp-node', isOutput ? 'bp-output-node' : 'bp-neuron'],
          role: 'img',
          'aria-label': label,
          dataset: { node: String(idx), layer: String(l), index: String(j) },
        }, canvas, h('span', { class: 'bp-node-note' }));
        el.addEventListener('pointerenter', () => { this.on.hoverNode(idx); this.showNodeTip(idx); });
        el.addEventListener('pointerleave', () => { this.on.hoverNode(null); this.hideTooltip(); });
        this.nodes[idx] = { el, canvas, ctx: canvas.getContext('2d'), image: null, activation: layer.activation, label, layer: l, j };
        els.push(el);
        col.append(el);
      }
      this.columns.push({ from: prev, to: els });
      prev = els;
      this.cols.append(col);
    });
    requestAnimationFrame(() => this.relayout());
  }

  featureThumb(name) {
    const c = h('canvas', { class: 'bp-thumb', width: FEATURE_THUMB, height: FEATURE_THUMB });
    let img = this.featureImages.get(name);
    const ctx = c.getContext('2d');
    if (!img) {
      img = ctx.createImageData(FEATURE_THUMB, FEATURE_THUMB);
      const f = FEATURE_FIELDS[name];
      for (let r = 0; r < FEATURE_THUMB; r++) {
        for (let q = 0; q < FEATURE_THUMB; q++) {
          const x = -DOMAIN + (2 * DOMAIN * (q + 0.5)) / FEATURE_THUMB;
          const y = DOMAIN - (2 * DOMAIN * (r + 0.5)) / FEATURE_THUMB;
          const i = lutIndex(f(x, y)) * 4;
          img.data.set(THUMB_LUT.subarray(i, i + 4), (r * FEATURE_THUMB + q) * 4);
        }
      }
      this.featureImages.set(name, img);
    }
    ctx.putImageData(img, 0, 0);
    return c;
  }

  /**
   * Draws the node thumbnails and links of a frame. Thumbnails are refreshed in turn within a
   * small time budget, so a network of hundreds of neurons never stalls the page (each one is
   * then a few frames old at most); small networks refresh every node every frame.
   */
  update(frame) {
    const T = frame.thumb;
    const TT = T * T;
    const count = Math.min(this.nodes.length, frame.nodeCount);
    const t0 = performance.now();
    if (!(this.thumbCursor < count)) this.thumbCursor = 0;
    for (let done = 0; done < count; done++) {
      const n = this.thumbCursor;
      this.thumbCursor = (n + 1) % count;
      const node = this.nodes[n];
      if (!node || !node.canvas) continue;   // features keep their static pictures
      if (node.canvas.width !== T) {
        node.canvas.width = T;
        node.canvas.height = T;
        node.image = node.ctx.createImageData(T, T);
      }
      const { lut, index } = nodeColoring(node.activation, node.j);
      const px = node.image.data;
      const src = frame.nodes;
      const base = n * TT;
      for (let p = 0; p < TT; p++) {
        const i = index(src[base + p]) * 4;
        px[p * 4] = lut[i];
        px[p * 4 + 1] = lut[i + 1];
        px[p * 4 + 2] = lut[i + 2];
        px[p * 4 + 3] = 255;
      }
      node.ctx.putImageData(node.image, 0, 0);
      // (paused frames and small networks always draw every node)
      if (frame.playing && count > 40 && performance.now() - t0 > THUMB_BUDGET_MS) break;
    }
    this.weights = frame.weights;
    this.biases = frame.biases;
    this.drawLinks();
    if (this.tipNode !== undefined && this.tipNode !== null) this.showNodeTip(this.tipNode);
  }

  /** Recomputes link geometry after a structure change or a resize. */
  relayout() {
    const box = this.body.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(this.body.scrollWidth * dpr));
    const hh = Math.max(1, Math.round(this.body.scrollHeight * dpr));
    if (this.canvas.width !== w || this.canvas.height !== hh) {
      this.canvas.width = w;
      this.canvas.height = hh;
      this.canvas.style.width = `${this.body.scrollWidth}px`;
      this.canvas.style.height = `${this.body.scrollHeight}px`;
    }
    const centre = (el, side) => {
      const r = el.getBoundingClientRect();
      return [(side > 0 ? r.right : r.left) - box.left + this.body.scrollLeft, r.top + r.height / 2 - box.top + this.body.scrollTop];
    };
    this.links = [];
    this.columns.forEach((col, l) => {
      col.from.forEach((a, i) => {
        if (!a) return;
        const p0 = centre(a, +1);
        col.to.forEach((b, j) => {
          const p1 = centre(b, -1);
          this.links.push({ l, i, j, p0, p1 });
        });
      });
    });
    this.drawLinks();
  }

  drawLinks() {
    const ctx = this.ctx;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    if (!this.weights) return;
    // Width and opacity follow |w| on an absolute scale up to 1; in a layer whose weights grow
    // larger, relative to that layer's largest (so big networks stay readable).
    const scale = this.weights.map((W) => {
      let m = 1;
      for (let k = 0; k < (W ? W.length : 0); k++) m = Math.max(m, Math.abs(W[k]));
      return 1 / m;
    });
    // Links are stroked in buckets (sign x 8 strengths): a few canvas calls even for thousands.
    const BUCKETS = 8;
    const paths = [[], []].map(() => Array.from({ length: BUCKETS }, () => new Path2D()));
    const curved = this.links.length <= 2000;
    for (const link of this.links) {
      const W = this.weights[link.l];
      const fanOut = this.columns[link.l].to.length;
      const w = W ? W[link.i * fanOut + link.j] : 0;
      const a = Math.min(1, Math.abs(w) * scale[link.l]);
      const path = paths[w >= 0 ? 1 : 0][Math.min(BUCKETS - 1, Math.floor(a * BUCKETS))];
      const [x0, y0] = link.p0;
      const [x1, y1] = link.p1;
      path.moveTo(x0, y0);
      if (curved) {
        const mx = (x0 + x1) / 2;
        path.bezierCurveTo(mx, y0, mx, y1, x1, y1);
      } else {
        path.lineTo(x1, y1);
      }
    }
    for (let sgn = 0; sgn < 2; sgn++) {
      const c = CLASS_RGB[sgn];   // negative: orange (class 0), positive: blue (class 1)
      for (let b = 0; b < BUCKETS; b++) {
        const a = (b + 0.5) / BUCKETS;
        ctx.strokeStyle = `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${0.2 + 0.75 * a})`;
        ctx.lineWidth = 0.5 + 4 * a;
        ctx.stroke(paths[sgn][b]);
      }
    }
    if (this.hoverLink) {
      const w = this.weightOf(this.hoverLink);
      const c = CLASS_RGB[w >= 0 ? 1 : 0];
      ctx.strokeStyle = `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
      ctx.lineWidth = 2.5 + 4 * Math.min(1, Math.abs(w) * scale[this.hoverLink.l]);
      bezier(ctx, this.hoverLink.p0, this.hoverLink.p1);
      ctx.stroke();
    }
  }

  linkAt(x, y) {
    let best = null;
    let bestD = 6 * 6;
    for (const link of this.links) {
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

  localPoint(ev) {
    const box = this.body.getBoundingClientRect();
    return [ev.clientX - box.left + this.body.scrollLeft, ev.clientY - box.top + this.body.scrollTop];
  }

  pointerMove(ev) {
    if (ev.target.closest('.bp-node, .bp-col-head, .bp-weight-editor')) {
      if (this.hoverLink) { this.hoverLink = null; this.drawLinks(); }
      return;
    }
    const [x, y] = this.localPoint(ev);
    const link = this.linkAt(x, y);
    if (link !== this.hoverLink) {
      this.hoverLink = link;
      this.drawLinks();
    }
    this.body.classList.toggle('bp-over-link', !!link);
    if (link) {
      const w = this.weightOf(link);
      this.showTooltip(x, y, `weight ${fmt(w, 4)} · ${this.linkName(link)} · click to edit`);
    } else if (this.tipNode === null || this.tipNode === undefined) {
      this.hideTooltip();
    }
  }

  /** Viewport coordinates of the middle of link (l, i, j), or null (for tests and tours). */
  linkMidpoint(l, i, j) {
    const link = this.links.find((k) => k.l === l && k.i === i && k.j === j);
    if (!link) return null;
    const [x, y] = bezierPoint(link.p0, link.p1, 0.5);
    const box = this.body.getBoundingClientRect();
    return { x: x + box.left - this.body.scrollLeft, y: y + box.top - this.body.scrollTop };
  }

  weightOf(link) {
    const W = this.weights && this.weights[link.l];
    return W ? W[link.i * this.columns[link.l].to.length + link.j] : NaN;
  }

  linkName(link) {
    const from = link.l === 0 ? `input ${link.i + 1}` : `layer ${link.l}, neuron ${link.i + 1}`;
    const isOut = link.l === this.columns.length - 1;
    const to = isOut ? `output${this.columns[link.l].to.length > 1 ? ` ${link.j}` : ''}` : `layer ${link.l + 1}, neuron ${link.j + 1}`;
    return `${from} → ${to}`;
  }

  showNodeTip(idx) {
    const node = this.nodes[idx];
    if (!node || node.layer === undefined) return;
    this.tipNode = idx;
    const b = this.biases && this.biases[node.layer];
    const r = node.el.getBoundingClientRect();
    const box = this.body.getBoundingClientRect();
    this.showTooltip(r.right - box.left + this.body.scrollLeft + 4, r.top - box.top + this.body.scrollTop,
      `${node.label} · bias ${b ? fmt(b[node.j], 4) : '–'}`);
  }

  showTooltip(x, y, text) {
    this.tooltip.textContent = text;
    this.tooltip.hidden = false;
    const maxX = this.body.scrollWidth - this.tooltip.offsetWidth - 4;
    this.tooltip.style.left = `${Math.max(0, Math.min(x + 12, maxX))}px`;
    this.tooltip.style.top = `${Math.max(0, y - 28)}px`;
  }

  hideTooltip() {
    this.tipNode = null;
    this.tooltip.hidden = true;
    if (this.hoverLink) { this.hoverLink = null; this.drawLinks(); }
    this.body.classList.remove('bp-over-link');
  }

  click(ev) {
    if (ev.target.closest('.bp-node, .bp-col-head, .bp-weight-editor')) return;
    const [x, y] = this.localPoint(ev);
    const link = this.linkAt(x, y);
    if (link) this.openEditor(link, x, y);
    else this.closeEditor();
  }

  /** A small form to type a new weight for a link. */
  openEditor(link, x, y) {
    this.closeEditor();
    const input = h('input', {
      type: 'number', step: 'any', class: 'bp-weight-input', value: String(round(this.weightOf(link))),
      'aria-label': `New weight for ${this.linkName(link)}`,
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
          this.on.setWeight(link.l, link.i, link.j, v);
          this.closeEditor();
        },
        keydown: (ev) => {
          if (ev.key === 'Escape') { ev.stopPropagation(); this.closeEditor(); }
          ev.stopPropagation();   // typing here must not trigger the page's shortcuts
        },
      },
    },
    h('label', { class: 'bp-weight-label', text: this.linkName(link) }),
    input,
    h('button', { type: 'submit', class: 'bp-btn bp-btn-small', text: 'Set' }),
    h('button', { type: 'button', class: 'bp-btn bp-btn-small', text: 'Cancel', on: { click: () => this.closeEditor() } }),
    msg);
    form.style.left = `${Math.max(0, Math.min(x - 60, this.body.scrollWidth - 240))}px`;
    form.style.top = `${y + 10}px`;
    this.body.append(form);
    this.editing = form;
    input.focus();
    input.select();
  }

  closeEditor() {
    if (this.editing) {
      this.editing.remove();
      this.editing = null;
    }
  }

  destroy() {
    this.resizeObserver.disconnect();
  }
}

function activationLabel(a) {
  return ACTIVATION_LABELS[a] || (a === 'softmax' ? 'Softmax' : a);
}

function round(v) {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : 0;
}

function bezier(ctx, [x0, y0], [x1, y1]) {
  const mx = (x0 + x1) / 2;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.bezierCurveTo(mx, y0, mx, y1, x1, y1);
}

function bezierPoint([x0, y0], [x1, y1], t) {
  const mx = (x0 + x1) / 2;
  const u = 1 - t;
  const x = u * u * u * x0 + 3 * u * u * t * mx + 3 * u * t * t * mx + t * t * t * x1;
  const y = u * u * u * y0 + 3 * u * u * t * y0 + 3 * u * t * t * y1 + t * t * t * y1;
  return [x, y];
}

function segDist2(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  let t = len ? ((px - ax) * dx + (py - ay) * dy) / len : 0;
  t = Math.max(0, Math.min(1, t));
  const qx = ax + t * dx - px;
  const qy = ay + t * dy - py;
  return qx * qx + qy * qy;
}
