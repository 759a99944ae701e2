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
//
// The first diagram is built one animation frame after it is asked for (the decision boundary of
// the page's first frame is drawn without waiting for it); whatever needs the diagram before then
// (its nodes, links, explain mode, a second frame) builds it at once (settle).
//
// This file wires the view together; the work is done by its parts, each a set of functions of
// the view: network-layout.js (columns, link geometry, hit testing), network-links.js (thumbnails
// and links on the canvas), network-overlay.js (explain mode's numbers) and network-editors.js
// (keyboard, pointer, tooltip and the two weight editors).

import { h, clear } from '../../shared/dom.js';
import { LIMITS } from '../state.js';
import * as geometry from './network-layout.js';
import * as drawing from './network-links.js';
import * as overlay from './network-overlay.js';
import * as editors from './network-editors.js';

export class NetworkView {
  /**
   * @param {object} on  callbacks: toggleFeature(name), addLayer(), removeLayer(),
   *   neurons(layer, delta), activation(layer, name), hoverNode(index | null),
   *   setWeight(layer, i, j, value), explainLink(layer, i, j), explainNode(index)
   */
  constructor(on) {
    this.on = on;
    this.structureKey = '';
    this.waiting = null;      // the first structure and frame, until they are built (settle)
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
    if (!this.structureKey && !this.waiting) {
      // the first diagram: one animation frame later (or when something needs it)
      this.waiting = { layout, frame: null };
      this.waitFrame = requestAnimationFrame(() => this.settle());
      return;
    }
    this.settle();
    this.buildStructure(layout);
  }

  /** Builds the first diagram now if it is still waiting (and draws the frame that came for it). */
  settle() {
    const w = this.waiting;
    if (!w) return;
    this.waiting = null;
    cancelAnimationFrame(this.waitFrame);
    this.buildStructure(w.layout);
    if (w.frame) this.update(w.frame);
  }

  // (getters: whoever reads the nodes or links gets those of the diagram asked for)
  get nodes() { this.settle(); return this.nodeList; }
  set nodes(list) { this.nodeList = list; }
  get links() { this.settle(); return this.linkList; }
  set links(list) { this.linkList = list; }

  buildStructure(layout) {
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
    geometry.buildColumns(this, layout);
    this.setFocusNode(this.nodes.length > this.inputCount ? this.inputCount : -1);
    if (this.explain) {
      if (!this.fits(this.explain)) this.explain.stale = true;
      this.applyExplain();
    }
    this.relayout();                                  // link geometry of these columns, now
    requestAnimationFrame(() => this.relayout());     // (and again once the fonts have settled)
  }

  /**
   * Draws the node thumbnails and links of a frame. Thumbnails are refreshed in turn within a
   * small time budget, so a network of hundreds of neurons never stalls the page (each one is
   * then a few frames old at most); small networks refresh every node every frame.
   */
  update(frame) {
    if (this.waiting) {
      this.waiting.frame = frame;   // drawn with the first diagram
      return true;
    }
    // A frame of another shape (one made before a change of layers or neurons) is not drawn:
    // the next one fits.
    if (!this.fitsColumns(frame.weights, frame.biases) || frame.nodeCount !== this.nodes.length) return false;
    drawing.drawThumbnails(this, frame);
    this.weights = frame.weights;
    this.biases = frame.biases;
    this.drawLinks();
    if (this.tipNode !== undefined && this.tipNode !== null) this.showNodeTip(this.tipNode);
    return true;
  }

  /** Labels written on links at the last draw (for tests): [{ l, i, j, text }]. */
  linkLabels() {
    this.settle();
    return this.labelled ? this.labelled.slice() : [];
  }

  destroy() {
    this.waiting = null;
    cancelAnimationFrame(this.waitFrame);
    this.resizeObserver.disconnect();
  }

  // ---- the parts (see the modules above) ------------------------------------------------------

  // layout and hit testing
  fitsColumns(weights, biases) { return geometry.fitsColumns(this, weights, biases); }
  featureThumb(name) { return geometry.featureThumb(this, name); }
  relayout() { geometry.relayout(this); }
  linkAt(x, y) { return geometry.linkAt(this, x, y); }
  localPoint(ev) { return geometry.localPoint(this, ev); }
  /** Viewport coordinates of the middle of link (l, i, j), or null (for tests and tours). */
  linkMidpoint(l, i, j) { return geometry.linkMidpoint(this, l, i, j); }
  weightOf(link) { return geometry.weightOf(this, link); }
  linkName(link) { return geometry.linkName(this, link); }

  // drawing
  drawLinks() { drawing.drawLinks(this); }
  drawExplainLinks(ctx) { drawing.drawExplainLinks(this, ctx); }
  drawLinkLabels(ctx, strong, sel) { drawing.drawLinkLabels(this, ctx, strong, sel); }

  // explain mode
  /**
   * Shows explain mode's numbers (or null to leave explain mode):
   * { notes: [{ lines: [{sym, value, derived}], state }] per node (engine order),
   *   links: [{ kind: 'w'|'grad'|'dw', values, state }] per weight layer,
   *   labels: [bool] per weight layer (write the values on its links),
   *   selectedLink: { l, i, j } | null, selectedNode: index | null }
   */
  setExplain(ex) { this.settle(); overlay.setExplain(this, ex); }
  fits(ex) { this.settle(); return overlay.fits(this, ex); }
  applyExplain() { overlay.applyExplain(this); }
  explainValue(link) { return overlay.explainValue(this, link); }

  // keyboard, pointer, tooltip, editors
  setFocusNode(idx) { editors.setFocusNode(this, idx); }
  nodeKey(ev) { editors.nodeKey(this, ev); }
  openNeuronEditor(idx) { editors.openNeuronEditor(this, idx); }
  pointerMove(ev) { editors.pointerMove(this, ev); }
  showNodeTip(idx) { editors.showNodeTip(this, idx); }
  showTooltip(x, y, text) { editors.showTooltip(this, x, y, text); }
  hideTooltip() { editors.hideTooltip(this); }
  click(ev) { editors.click(this, ev); }
  openEditor(link, x, y) { editors.openEditor(this, link, x, y); }
  closeEditor() { editors.closeEditor(this); }
}
