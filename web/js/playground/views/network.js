// views/network.js: the network diagram. Columns of nodes (input features, hidden layers, the
// output), each node a thumbnail of its output over the input plane; links drawn on one canvas
// behind them, width by |w| and colour by sign. Hover a node to see its output in the big plot,
// hover a link to read its weight, click a link to type a new one. Layer and neuron counts and
// per-layer activations are edited in the column headers.
//
// Each node carries a `.bp-node-note` element where explain mode writes its numbers (forward z
// and a, the target, backward δ, the update's Δb); in explain mode the links show the weights,
// their gradients ∂L/∂w or their changes Δw (width and colour, and a label where one fits), and a
// click on a link or a neuron asks for its worked-out numbers (setExplain, on.explainLink,
// on.explainNode).
//
// Keyboard: the neurons form one tab stop; the arrow keys move between them (up/down in a
// column, left/right across layers) and Enter opens the weights into the focused neuron for
// typing (or, in explain mode, its numbers).

import { h, clear, fmt } from '../../shared/dom.js';
import { fmtNum } from '../explain/explain-model.js';
import { FEATURES, ACTIVATIONS, ACTIVATION_LABELS, LIMITS } from '../state.js';
import { THUMB_LUT, lutIndex, nodeColoring, CLASS_RGB } from '../../shared/colors.js';

const FEATURE_THUMB = 40;
const THUMB_BUDGET_MS = 4;   // time per frame for redrawing node thumbnails
const DOMAIN = 6;
const MAX_LABELS = 120;      // explain mode writes at most this many values on links

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
   *   setWeight(layer, i, j, value), explainLink(layer, i, j), explainNode(index)
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
    this.explain = null;      // explain mode's view of the network (setExplain), or null
    this.focusNode = -1;      // the neuron that holds the diagram's tab stop

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
    this.cols.addEventListener('keydown', (ev) => this.nodeKey(ev));
    this.resizeObserver = new ResizeObserver(() => this.relayout());
    this.resizeObserver.observe(this.body);
  }

  /**
   * Builds the columns when the structure changes.
   * @param {object} state  the page state (features, hidden sizes and activations as the user set them)
   * @param {object} layout the engine's layout (normalized by the worker): features, hidden, output
   */
  setStructure(state, layout) {
    // Everything drawn comes from the engine's layout, never from the page's state: the state may
    // already hold a change the engine has not made yet (or will refuse), and a diagram of that
    // shape would meet weights of the other one.
    const key = JSON.stringify([layout.features, layout.hidden, layout.output]);
    if (key === this.structureKey) return;
    this.structureKey = key;
    this.hideTooltip();
    this.closeEditor();
    clear(this.cols);
    this.nodes = [];
    this.columns = [];
    this.links = [];          // geometry of the old columns must never meet the new ones
    this.weights = null;      // (nor their weights: the next frame brings the new ones)
    this.biases = null;
    this.hoverLink = null;
    const n = layout.hidden.length;
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
        const note = h('span', { class: 'bp-node-note' });
        btn.append(note);
        btn.dataset.node = String(idx);
        inputEls[idx] = btn;
        this.nodes[idx] = { el: btn, note, activation: 'feature', label: `feature ${f.label}`, short: f.label, column: 0 };
        btn.addEventListener('pointerenter', () => this.on.hoverNode(idx));
        btn.addEventListener('pointerleave', () => this.on.hoverNode(null));
      }
      featCol.append(btn);
    }
    this.cols.append(featCol);
    this.columnEls = [featCol];

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
        sel.value = layer.activation;
        const size = layer.size;
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
        const note = h('span', { class: 'bp-node-note' });
        const el = h('div', {
          class: ['bp-node', isOutput ? 'bp-output-node' : 'bp-neuron'],
          role: 'button',
          tabindex: '-1',
          'aria-label': `${label}: Enter to see or type its weights`,
          dataset: { node: String(idx), layer: String(l), index: String(j) },
        }, canvas, note);
        el.addEventListener('pointerenter', () => { this.on.hoverNode(idx); this.showNodeTip(idx); });
        el.addEventListener('pointerleave', () => { this.on.hoverNode(null); this.hideTooltip(); });
        el.addEventListener('click', () => { if (this.explain && !this.explain.stale) this.on.explainNode(idx); });
        el.addEventListener('focus', () => this.setFocusNode(idx));
        el.addEventListener('blur', () => { if (this.keyHover) { this.keyHover = false; this.on.hoverNode(null); } });
        const short = isOutput ? (layer.size > 1 ? `output ${j}` : 'output') : `h${l + 1}.${j + 1}`;
        this.nodes[idx] = { el, note, canvas, ctx: canvas.getContext('2d'), image: null, activation: layer.activation, label, short, layer: l, j, column: l + 1 };
        els.push(el);
        col.append(el);
      }
      this.columns.push({ from: prev, to: els });
      prev = els;
      this.cols.append(col);
      this.columnEls.push(col);
    });
    this.inputCount = layout.features.length;
    this.setFocusNode(this.nodes.length > this.inputCount ? this.inputCount : -1);
    if (this.explain) {
      if (!this.fits(this.explain)) this.explain.stale = true;
      this.applyExplain();
    }
    this.relayout();                                  // link geometry of these columns, now
    requestAnimationFrame(() => this.relayout());     // (and again once the fonts have settled)
  }

  /** Whether per-layer weights (or biases) have the shape of the columns on screen. */
  fitsColumns(weights, biases) {
    if (!weights || weights.length !== this.columns.length) return false;
    if (biases && biases.length !== this.columns.length) return false;
    return this.columns.every((col, l) => weights[l] && weights[l].length === col.from.length * col.to.length
      && (!biases || (biases[l] && biases[l].length === col.to.length)));
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
    // A frame of another shape (one made before a change of layers or neurons) is not drawn:
    // the next one fits.
    if (!this.fitsColumns(frame.weights, frame.biases) || frame.nodeCount !== this.nodes.length) return false;
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
    return true;
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
    if (this.explain) {
      this.drawExplainLinks(ctx);
      return;
    }
    if (!this.weights || !this.fitsColumns(this.weights)) return;
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
      addLink(path, link, curved);
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

  // ---- explain mode -------------------------------------------------------------------------------

  /**
   * Shows explain mode's numbers (or null to leave explain mode):
   * { notes: [{ lines: [{sym, value, derived}], state }] per node (engine order),
   *   links: [{ kind: 'w'|'grad'|'dw', values, state }] per weight layer,
   *   labels: [bool] per weight layer (write the values on its links),
   *   selectedLink: { l, i, j } | null, selectedNode: index | null }
   */
  setExplain(ex) {
    const was = !!this.explain;
    this.explain = ex;
    if (ex && !this.fits(ex)) ex.stale = true;   // numbers of an older network: show none until new ones come
    this.el.classList.toggle('bp-explaining', !!ex);
    if (!ex && was) {
      for (const node of this.nodes) {
        if (!node) continue;
        clear(node.note);
        node.el.classList.remove('bp-lit', 'bp-dim', 'bp-done', 'bp-selected');
        if (node.canvas) node.el.setAttribute('aria-label', `${node.label}: Enter to see or type its weights`);
      }
      for (const col of this.columnEls || []) col.classList.remove('bp-lit', 'bp-dim');
    }
    this.closeEditor();
    this.applyExplain();
    this.drawLinks();
  }

  /** Whether explain data has the shape of the network on screen. */
  fits(ex) {
    if (!ex.links || ex.links.length !== this.columns.length) return false;
    if (ex.notes.length !== this.nodes.length) return false;
    return this.columns.every((col, l) => ex.links[l].values.length === col.from.length * col.to.length);
  }

  applyExplain() {
    const ex = this.explain;
    if (!ex) return;
    if (ex.stale || !this.fits(ex)) {
      ex.stale = true;
      for (const node of this.nodes) {
        if (!node) continue;
        clear(node.note);
        node.el.classList.remove('bp-lit', 'bp-dim', 'bp-done', 'bp-selected');
      }
      return;
    }
    const colState = [];
    this.nodes.forEach((node, idx) => {
      if (!node) return;
      const note = ex.notes[idx];
      clear(node.note);
      node.el.classList.remove('bp-lit', 'bp-dim', 'bp-done');
      node.el.classList.toggle('bp-selected', ex.selectedNode === idx);
      if (!note) return;
      node.el.classList.add(`bp-${note.state}`);
      if (node.canvas) {
        // a screen reader hears the numbers too
        const said = note.lines.map((l) => `${l.sym} ${fmtNum(l.value)}`).join(', ');
        node.el.setAttribute('aria-label', `${node.label}${said ? `: ${said}` : ''}. Enter for its numbers written out`);
      }
      for (const line of note.lines) {
        node.note.append(h('span', { class: ['bp-note-line', line.derived && 'bp-derived'], dataset: { sym: line.sym } },
          h('span', { class: 'bp-note-sym', text: line.sym }),
          h('span', { class: 'bp-note-num', text: fmtNum(line.value) })));
      }
      const c = node.column;
      colState[c] = colState[c] === 'lit' || note.state === 'lit' ? 'lit' : note.state;
    });
    (this.columnEls || []).forEach((col, c) => {
      col.classList.toggle('bp-lit', colState[c] === 'lit');
      col.classList.toggle('bp-dim', colState[c] === 'dim');
    });
  }

  /** The value explain mode shows on link (l, i, j), and its kind. */
  explainValue(link) {
    const layer = this.explain && !this.explain.stale && this.explain.links[link.l];
    if (!layer || !this.columns[link.l]) return { kind: 'w', value: NaN, state: 'dim' };
    const fanOut = this.columns[link.l].to.length;
    return { kind: layer.kind, value: layer.values[link.i * fanOut + link.j], state: layer.state };
  }

  drawExplainLinks(ctx) {
    const ex = this.explain;
    if (ex.stale || !this.fits(ex)) {
      ex.stale = true;
      const dim = new Path2D();
      for (const link of this.links) addLink(dim, link, true);
      ctx.strokeStyle = 'rgba(120, 128, 138, 0.22)';
      ctx.lineWidth = 1;
      ctx.stroke(dim);
      this.labelled = [];
      return;
    }
    // One scale per kind over the whole network, so layers can be compared.
    const max = {};
    ex.links.forEach((layer) => {
      if (!layer || layer.state === 'dim') return;
      let m = max[layer.kind] || 0;
      for (let k = 0; k < layer.values.length; k++) if (Number.isFinite(layer.values[k])) m = Math.max(m, Math.abs(layer.values[k]));
      max[layer.kind] = m;
    });
    const curved = this.links.length <= 2000;
    const dim = new Path2D();
    const strong = [];
    for (const link of this.links) {
      const { kind, value, state } = this.explainValue(link);
      if (state === 'dim') { addLink(dim, link, curved); continue; }
      const rel = max[kind] > 0 ? Math.min(1, Math.abs(value) / max[kind]) : 0;
      strong.push({ link, value, rel, state });
    }
    ctx.strokeStyle = 'rgba(120, 128, 138, 0.22)';
    ctx.lineWidth = 1;
    ctx.stroke(dim);
    for (const { link, value, rel, state } of strong) {
      const c = CLASS_RGB[value >= 0 ? 1 : 0];
      const alpha = state === 'lit' ? 0.3 + 0.65 * rel : 0.2 + 0.45 * rel;
      ctx.strokeStyle = `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${alpha})`;
      ctx.lineWidth = 0.6 + 4.4 * rel;
      bezier(ctx, link.p0, link.p1);
      ctx.stroke();
    }
    const sel = ex.selectedLink && this.links.find((k) => k.l === ex.selectedLink.l && k.i === ex.selectedLink.i && k.j === ex.selectedLink.j);
    for (const [link, color, width] of [[this.hoverLink, 'rgba(31, 35, 40, 0.55)', 5], [sel, '#1f2328', 6]]) {
      if (!link) continue;
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      bezier(ctx, link.p0, link.p1);
      ctx.stroke();
      const { value } = this.explainValue(link);
      const c = CLASS_RGB[value >= 0 ? 1 : 0];
      ctx.strokeStyle = `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
      ctx.lineWidth = 2.5;
      ctx.stroke();
    }
    this.drawLinkLabels(ctx, strong, sel);
  }

  /**
   * Writes values on links where they fit: the selected link first, then the largest values;
   * each label tries a few positions along its link and is skipped if all of them would cover
   * another label or a node.
   */
  drawLinkLabels(ctx, strong, sel) {
    const ex = this.explain;
    const box = this.body.getBoundingClientRect();
    const blocked = [];
    for (const node of this.nodes) {
      if (!node) continue;
      const r = node.el.getBoundingClientRect();
      blocked.push([r.left - box.left + this.body.scrollLeft - 2, r.top - box.top + this.body.scrollTop - 2, r.width + 4, r.height + 4]);
      if (node.note.firstChild) {
        const n = node.note.getBoundingClientRect();
        blocked.push([n.left - box.left + this.body.scrollLeft, n.top - box.top + this.body.scrollTop, n.width, n.height]);
      }
    }
    // (exact zeros, e.g. behind a ReLU that is off, are left unlabelled: hover shows them)
    const wanted = strong.filter((s) => ex.labels[s.link.l] && s.value !== 0).sort((a, b) => (b.link === sel) - (a.link === sel) || b.rel - a.rel);
    if (sel && !wanted.some((s) => s.link === sel)) {
      const { value } = this.explainValue(sel);
      wanted.unshift({ link: sel, value, rel: 1 });
    }
    ctx.font = '600 11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    const overlaps = (a) => blocked.some((b) => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]);
    this.labelled = [];
    for (const { link, value } of wanted.slice(0, MAX_LABELS)) {
      const text = fmtNum(value);
      const w = ctx.measureText(text).width + 8;
      const hh = 15;
      let placed = null;
      for (const t of [0.5, 0.4, 0.6, 0.32, 0.68, 0.25, 0.75]) {
        const [x, y] = bezierPoint(link.p0, link.p1, t);
        const rect = [x - w / 2, y - hh / 2, w, hh];
        if (!overlaps(rect)) { placed = { x, y, rect }; break; }
      }
      if (!placed) continue;
      blocked.push(placed.rect);
      this.labelled.push({ l: link.l, i: link.i, j: link.j, text });
      const c = CLASS_RGB[value >= 0 ? 1 : 0];
      const [rx, ry, rw, rh] = placed.rect;
      ctx.fillStyle = link === sel ? '#1f2328' : 'rgba(255, 255, 255, 0.94)';
      ctx.strokeStyle = `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
      ctx.lineWidth = 1;
      roundRect(ctx, rx, ry, rw, rh, 4);
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = link === sel ? '#ffffff' : value >= 0 ? '#00507d' : '#8a5a00';
      ctx.fillText(text, placed.x, placed.y + 0.5);
    }
  }

  /** Labels written on links at the last draw (for tests): [{ l, i, j, text }]. */
  linkLabels() {
    return this.labelled ? this.labelled.slice() : [];
  }

  // ---- keyboard --------------------------------------------------------------------------------------

  /** Moves the diagram's single tab stop to neuron idx (engine node index). */
  setFocusNode(idx) {
    if (this.focusNode === idx && this.nodes[idx] && this.nodes[idx].el.tabIndex === 0) return;
    const old = this.nodes[this.focusNode];
    if (old && old.canvas) old.el.tabIndex = -1;
    this.focusNode = idx;
    const node = this.nodes[idx];
    if (node && node.canvas) node.el.tabIndex = 0;
  }

  nodeKey(ev) {
    const el = ev.target.closest && ev.target.closest('.bp-neuron, .bp-output-node');
    if (!el || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const idx = Number(el.dataset.node);
    const node = this.nodes[idx];
    if (!node) return;
    const moves = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
    if (ev.key in moves) {
      ev.preventDefault();
      const [dc, dj] = moves[ev.key];
      const layer = node.layer + dc;
      const col = this.columns[layer];
      if (!col) return;
      const j = Math.max(0, Math.min(col.to.length - 1, dc ? Math.round((node.j / Math.max(1, this.columns[node.layer].to.length - 1)) * (col.to.length - 1)) : node.j + dj));
      const target = this.nodes.findIndex((n) => n && n.layer === layer && n.j === j && n.canvas);
      if (target >= 0) {
        this.setFocusNode(target);
        this.nodes[target].el.focus();
        this.on.hoverNode(target);   // its output in the big plot, as on hover
        this.keyHover = true;
      }
    } else if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      if (this.explain) {
        if (!this.explain.stale) this.on.explainNode(idx);
      } else if (!this.el.classList.contains('bp-readonly')) {
        this.openNeuronEditor(idx);
      }
    }
  }

  /** A form with every weight into neuron idx (the keyboard's way to edit weights). */
  openNeuronEditor(idx) {
    const node = this.nodes[idx];
    if (!node || node.layer === undefined || !this.weights) return;
    this.closeEditor();
    const l = node.layer;
    const col = this.columns[l];
    const W = this.weights[l];
    const fanOut = col.to.length;
    const inputs = [];
    const rows = col.from.map((_, i) => {
      const from = l === 0 ? (this.nodes[i] ? this.nodes[i].short : `input ${i + 1}`) : (this.nodes.find((n) => n && n.layer === l - 1 && n.j === i) || {}).short;
      const input = h('input', {
        type: 'number', step: 'any', class: 'bp-weight-input', value: String(round(W[i * fanOut + node.j])),
        'aria-label': `Weight from ${from} to ${node.label}`,
      });
      input.bpOld = input.value;
      inputs.push(input);
      return h('label', { class: 'bp-weight-row' }, h('span', { class: 'bp-weight-from', text: `from ${from}` }), input);
    });
    const msg = h('span', { class: 'bp-weight-msg', 'aria-live': 'polite' });
    const close = () => { this.closeEditor(); node.el.focus(); };
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
          inputs.forEach((inp, i) => { if (inp.value !== inp.bpOld) this.on.setWeight(l, i, node.j, values[i]); });
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
    const box = this.body.getBoundingClientRect();
    const r = node.el.getBoundingClientRect();
    const x = r.left - box.left + this.body.scrollLeft;
    form.style.left = `${Math.max(0, Math.min(x - 100, this.body.scrollWidth - 250))}px`;
    form.style.top = `${r.bottom - box.top + this.body.scrollTop + 6}px`;
    this.body.append(form);
    this.editing = form;
    inputs[0].focus();
    inputs[0].select();
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
    if (link && this.explain) {
      const { kind, value } = this.explainValue(link);
      const name = { w: 'weight', grad: '∂L/∂w', dw: 'Δw' }[kind];
      this.showTooltip(x, y, `${name} ${fmtNum(value)} · ${this.linkName(link)} · click for the chain rule`);
    } else if (link) {
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
    const W = this.weights && this.columns[link.l] && this.weights[link.l];
    const k = W ? link.i * this.columns[link.l].to.length + link.j : -1;
    return k >= 0 && k < W.length ? W[k] : NaN;
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
    if (link && this.explain) {
      if (!this.explain.stale) this.on.explainLink(link.l, link.i, link.j);
    }
    else if (link) this.openEditor(link, x, y);
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

function addLink(path, link, curved) {
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

function roundRect(ctx, x, y, w, hh, r) {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + hh, r);
  ctx.arcTo(x + w, y + hh, x, y + hh, r);
  ctx.arcTo(x, y + hh, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
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
