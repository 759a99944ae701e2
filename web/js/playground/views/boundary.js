// views/boundary.js: the decision boundary over the input plane, the data points on top, and
// the legend. Two stacked canvases: `heat` holds one pixel per evaluated grid point (G x G,
// written with ImageData and scaled by CSS), `overlay` holds the points and axes at screen
// resolution. In "your own data" mode the overlay takes clicks and drags to add or erase points.
// Knows nothing of the engine: it is handed arrays and reports edits through callbacks.
//
// Explain mode adds: picking an example by clicking near a point (onPick), rings around the
// explained examples (setMarked), and the input Jacobian as a field of arrows with, under the
// pointer, the full matrix ∂output/∂(x, y) (setJacobian, onHover, showReadout).
//
// This file holds the view's state, its canvases and its pointer; boundary-draw.js paints the
// overlay (axes, points, rings, arrows) and boundary-labels.js writes the legend and the
// Jacobian's note and readout.

import { h, clear } from '../../shared/dom.js';
import { fillHeatmap } from '../../shared/colors.js';
import {
  drawAxes, drawPointSet, drawMarked, drawArrows, drawPointerRing, fillNodeField,
} from './boundary-draw.js';
import { fillLegend, jacobianNote, readoutContent } from './boundary-labels.js';

const MARKER_RADIUS = 4;     // CSS pixels
const PAINT_SPACING = 0.35;  // plane units between painted points
const ERASE_RADIUS = 0.6;    // plane units

export class BoundaryView {
  /**
   * @param {{ onEdit: (edit) => void, onPick?: (x, y, radius) => void,
   *           onHover?: (x, y) => void }} handlers
   *   onEdit({ op: 'add', points: [[x, y], ...] }) or onEdit({ op: 'erase', x, y, radius })
   *   onPick(x, y, radius): a click in pick mode (plane units); onHover(x, y | null): the pointer
   *   over the plot while the Jacobian field is shown
   */
  constructor(handlers) {
    this.handlers = handlers;
    this.domain = 6;
    this.grid = 0;
    this.train = new Float64Array(0);
    this.test = new Float64Array(0);
    this.classes = 2;
    this.showTest = false;
    this.edit = null;        // { tool: 'add' | 'erase' } while editing your own data
    this.hint = '';          // shown over the plot (e.g. "click to add points")
    this.lastPaint = null;
    this.pick = false;       // explain mode: a click picks the example nearest to it
    this.marked = null;      // { xy: [x, y, ...], focus } examples being explained
    this.jacobian = null;    // { arrows, K, maxMagnitude } arrows of ∂output/∂(x, y)

    this.heat = h('canvas', { class: 'bp-heat', width: 1, height: 1, 'aria-hidden': 'true' });
    this.overlay = h('canvas', {
      class: 'bp-overlay',
      role: 'img',
      'aria-label': 'Decision boundary of the network over the input plane, with the data points',
    });
    this.caption = h('div', { class: 'bp-plot-caption', 'aria-live': 'polite' });
    this.readout = h('div', { class: 'bp-readout', hidden: true });
    this.plot = h('div', { class: 'bp-plot' }, this.heat, this.overlay, this.caption, this.readout);
    this.legend = h('div', { class: 'bp-legend' });
    this.jacobianNote = h('p', { class: 'bp-jacobian-note', hidden: true });
    this.el = h('div', { class: 'bp-boundary' }, this.plot, this.legend, this.jacobianNote);
    this.heatCtx = this.heat.getContext('2d');
    this.ctx = this.overlay.getContext('2d');

    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.plot);
    this.bindPointer();
  }

  resize() {
    const r = this.plot.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(r.width * dpr));
    const hh = Math.max(1, Math.round(r.height * dpr));
    if (this.overlay.width !== w || this.overlay.height !== hh) {
      this.overlay.width = w;
      this.overlay.height = hh;
      this.drawPoints();
    }
  }

  /** Draws the network's output (G*G*K, row 0 at the top). */
  drawOutput(output, K, grid, mode, discretize) {
    this.ensureGrid(grid);
    fillHeatmap(output, K, mode, discretize, this.image.data);
    this.heatCtx.putImageData(this.image, 0, 0);
    this.caption.textContent = this.hint;
    this.plot.classList.remove('bp-showing-node');
  }

  /** A short hint over the plot ('' for none); it never moves the layout. */
  setHint(text) {
    this.hint = text;
    if (!this.plot.classList.contains('bp-showing-node')) this.caption.textContent = text;
  }

  /** Draws one node's output field instead (while the user hovers that node). */
  drawNodeField(field, grid, activation, label, j = 0) {
    this.ensureGrid(grid);
    fillNodeField(field, activation, j, this.image.data);
    this.heatCtx.putImageData(this.image, 0, 0);
    this.caption.textContent = label;
    this.plot.classList.add('bp-showing-node');
  }

  ensureGrid(grid) {
    if (this.grid !== grid) {
      this.grid = grid;
      this.heat.width = grid;
      this.heat.height = grid;
      this.image = this.heatCtx.createImageData(grid, grid);
    }
  }

  /** New data points: flat [x, y, label, ...] arrays. */
  setPoints(train, test, classes) {
    this.train = train;
    this.test = test;
    this.classes = classes;
    this.drawPoints();
  }

  setShowTest(show) {
    if (this.showTest !== show) {
      this.showTest = show;
      this.drawPoints();
    }
  }

  toPlot(x, y) {
    const W = this.overlay.width;
    const H = this.overlay.height;
    const d = this.domain;
    return [((x + d) / (2 * d)) * W, ((d - y) / (2 * d)) * H];
  }

  fromEvent(ev) {
    const r = this.overlay.getBoundingClientRect();
    const d = this.domain;
    const x = ((ev.clientX - r.left) / r.width) * 2 * d - d;
    const y = d - ((ev.clientY - r.top) / r.height) * 2 * d;
    return [Math.max(-d, Math.min(d, x)), Math.max(-d, Math.min(d, y))];
  }

  /** What boundary-draw.js draws the overlay with (see there). */
  pen() {
    return { ctx: this.ctx, dpr: window.devicePixelRatio || 1, toPlot: (x, y) => this.toPlot(x, y) };
  }

  drawPoints() {
    const ctx = this.ctx;
    const W = this.overlay.width;
    const H = this.overlay.height;
    const pen = this.pen();
    const dpr = pen.dpr;
    ctx.clearRect(0, 0, W, H);
    drawAxes(pen, W, H, this.domain);
    const r = MARKER_RADIUS * dpr * (W < 300 * dpr ? 0.8 : 1);
    drawPointSet(pen, this.train, false, this.classes, r);
    if (this.showTest || this.edit) drawPointSet(pen, this.test, true, this.classes, r);
    if (this.jacobian) drawArrows(pen, this.jacobian, W / (2 * this.domain));   // pixels per plane unit
    if (this.marked) drawMarked(pen, this.marked, r);
  }

  // ---- explain mode ------------------------------------------------------------------------------

  /** Pick mode on or off (explain mode: a click picks the nearest example). */
  setPickMode(on) {
    this.pick = !!on;
    this.overlay.classList.toggle('bp-picking', this.pick);
  }

  /** Rings around the explained examples ([x, y, ...]); `focus` is the one whose numbers show. */
  setMarked(xy, focus = 0) {
    const key = xy ? `${Array.from(xy).join(',')}/${focus}` : '';
    if (key === this.markedKey) return;
    this.markedKey = key;
    this.marked = xy ? { xy: Array.from(xy), focus } : null;
    this.drawPoints();
  }

  /**
   * The input Jacobian as arrows (from explain-model's jacobianArrows), or null.
   * @param {{ arrows: Array<{x, y, k, dx, dy}>, K: number, maxMagnitude: number } | null} field
   */
  setJacobian(field) {
    this.jacobian = field;
    if (!field) this.hideReadout();
    this.overlay.classList.toggle('bp-jacobian', !!field);
    this.jacobianNote.hidden = !field;
    if (field) this.jacobianNote.textContent = jacobianNote(field);
    this.drawPoints();
  }

  /**
   * Shows the Jacobian matrix at plane point (x, y) next to the pointer.
   * rows: [{ name, dx, dy }] one per output (K × 2).
   */
  showReadout(x, y, rows) {
    clear(this.readout);
    this.readout.append(...readoutContent(x, y, rows));
    this.readout.hidden = false;
    const [px, py] = this.toPlot(x, y);
    const dpr = window.devicePixelRatio || 1;
    const W = this.overlay.width / dpr;
    const H = this.overlay.height / dpr;
    const left = px / dpr + 14;
    const top = py / dpr + 14;
    const rw = this.readout.offsetWidth;
    const rh = this.readout.offsetHeight;
    this.readout.style.left = `${left + rw > W ? Math.max(0, px / dpr - rw - 14) : left}px`;
    this.readout.style.top = `${top + rh > H ? Math.max(0, py / dpr - rh - 14) : top}px`;
    this.drawPoints();
    drawPointerRing(this.ctx, px, py, dpr);
  }

  hideReadout() {
    if (!this.readout.hidden) {
      this.readout.hidden = true;
      this.drawPoints();
    }
  }

  /** Shows the legend for a problem. mode: sigmoid | tanh | softmax | regress */
  setLegend(mode, classes, discretize) {
    const key = `${mode}/${classes}/${discretize}`;
    if (this.legendKey === key) return;
    this.legendKey = key;
    fillLegend(this.legend, mode, classes, discretize);
  }

  // ---- your own data ----------------------------------------------------------------------------

  /** Turns editing on ({ tool: 'add' | 'erase' }) or off (null). */
  setEditMode(edit) {
    this.edit = edit;
    this.overlay.classList.toggle('bp-editing', !!edit);
    this.overlay.classList.toggle('bp-erasing', !!edit && edit.tool === 'erase');
    this.drawPoints();
  }

  bindPointer() {
    const o = this.overlay;
    o.addEventListener('pointerdown', (ev) => {
      if (this.pick && this.handlers.onPick) {
        const [x, y] = this.fromEvent(ev);
        const r = o.getBoundingClientRect();
        this.handlers.onPick(x, y, (14 / Math.max(1, r.width)) * 2 * this.domain);
        return;
      }
      if (!this.edit) return;
      ev.preventDefault();
      o.setPointerCapture(ev.pointerId);
      this.painting = true;
      this.lastPaint = null;
      this.applyEdit(ev, true);
    });
    o.addEventListener('pointermove', (ev) => {
      if (this.painting && this.edit) this.applyEdit(ev, false);
      if (this.jacobian && this.handlers.onHover && !this.painting) this.handlers.onHover(...this.fromEvent(ev));
    });
    o.addEventListener('pointerleave', () => {
      if (this.jacobian && this.handlers.onHover) this.handlers.onHover(null, null);
    });
    const stop = () => { this.painting = false; };
    o.addEventListener('pointerup', stop);
    o.addEventListener('pointercancel', stop);
  }

  applyEdit(ev, first) {
    const [x, y] = this.fromEvent(ev);
    if (this.edit.tool === 'erase') {
      this.handlers.onEdit({ op: 'erase', x, y, radius: ERASE_RADIUS });
      return;
    }
    if (!first && this.lastPaint) {
      const dx = x - this.lastPaint[0];
      const dy = y - this.lastPaint[1];
      if (dx * dx + dy * dy < PAINT_SPACING * PAINT_SPACING) return;
    }
    this.lastPaint = [x, y];
    this.handlers.onEdit({ op: 'add', points: [[x, y]] });
  }

  /** The boundary and points as one PNG (for export). */
  toPNG(size = 600) {
    const c = h('canvas', { width: size, height: size });
    const ctx = c.getContext('2d');
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.heat, 0, 0, size, size);
    ctx.drawImage(this.overlay, 0, 0, size, size);
    return new Promise((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG export failed'))), 'image/png'));
  }

  destroy() {
    this.resizeObserver.disconnect();
  }
}
