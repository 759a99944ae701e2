// views/boundary.js: the decision boundary over the input plane, the data points on top, and
// the legend. Two stacked canvases: `heat` holds one pixel per evaluated grid point (G x G,
// written with ImageData and scaled by CSS), `overlay` holds the points and axes at screen
// resolution. In "your own data" mode the overlay takes clicks and drags to add or erase points.
// Knows nothing of the engine: it is handed arrays and reports edits through callbacks.
//
// Explain mode adds: picking an example by clicking near a point (onPick), rings around the
// explained examples (setMarked), and the input Jacobian as a field of arrows with, under the
// pointer, the full matrix ∂output/∂(x, y) (setJacobian, onHover, showReadout).

import { h, clear } from '../../shared/dom.js';
import { fmtNum } from '../explain/explain-model.js';
import {
  fillHeatmap, BACKGROUND_LUT, lutIndex, nodeColoring, labelClass, CLASS_CSS, MARKERS,
  MARKER_NAMES, SOLID_LUT,
} from '../../shared/colors.js';

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
    const { lut, index } = nodeColoring(activation, j, false);
    const px = this.image.data;
    for (let p = 0; p < field.length; p++) {
      const i = index(field[p]) * 4;
      px[p * 4] = lut[i];
      px[p * 4 + 1] = lut[i + 1];
      px[p * 4 + 2] = lut[i + 2];
      px[p * 4 + 3] = 255;
    }
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

  drawPoints() {
    const ctx = this.ctx;
    const W = this.overlay.width;
    const H = this.overlay.height;
    const dpr = window.devicePixelRatio || 1;
    ctx.clearRect(0, 0, W, H);
    this.drawAxes(ctx, W, H, dpr);
    const r = MARKER_RADIUS * dpr * (W < 300 * dpr ? 0.8 : 1);
    const drawSet = (pts, isTest) => {
      for (let i = 0; i + 2 < pts.length; i += 3) {
        const [px, py] = this.toPlot(pts[i], pts[i + 1]);
        const label = pts[i + 2];
        const cls = labelClass(label, this.classes);
        ctx.fillStyle = this.classes ? CLASS_CSS[cls % 3] : regressionCSS(label);
        ctx.strokeStyle = isTest ? '#1a1a1a' : '#ffffff';
        ctx.lineWidth = (isTest ? 1.6 : 1.2) * dpr;
        marker(ctx, this.classes ? MARKERS[cls % 3] : 'circle', px, py, r);
      }
    };
    drawSet(this.train, false);
    if (this.showTest || this.edit) drawSet(this.test, true);
    if (this.jacobian) this.drawArrows(ctx, dpr);
    if (this.marked) this.drawMarked(ctx, r, dpr);
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

  drawMarked(ctx, r, dpr) {
    const { xy, focus } = this.marked;
    for (let n = 0; 2 * n + 1 < xy.length; n++) {
      const [px, py] = this.toPlot(xy[2 * n], xy[2 * n + 1]);
      const main = n === focus;
      ctx.beginPath();
      ctx.arc(px, py, r + (main ? 6 : 4) * dpr, 0, 2 * Math.PI);
      ctx.lineWidth = (main ? 3.5 : 2) * dpr;
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
      ctx.lineWidth = (main ? 2 : 1.2) * dpr;
      ctx.strokeStyle = main ? '#1f2328' : 'rgba(31, 35, 40, 0.7)';
      ctx.stroke();
    }
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
    if (field) {
      const what = field.K > 1 ? 'each class\'s probability (in its colour)' : 'the output';
      this.jacobianNote.textContent = `Arrows: the direction in which ${what} grows fastest, ∂output/∂(x, y); the longest is |∇| = ${fmtNum(field.maxMagnitude, 3)}, length ∝ √|∇|. Hover for the matrix.`;
    }
    this.drawPoints();
  }

  drawArrows(ctx, dpr) {
    const { arrows, K } = this.jacobian;
    const unit = this.overlay.width / (2 * this.domain);   // pixels per plane unit
    ctx.save();
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const a of arrows) {
      const len = Math.hypot(a.dx, a.dy) * unit;
      if (!(len > 2.5 * dpr)) continue;   // no specks where the gradient is ~0
      const [x0, y0] = this.toPlot(a.x, a.y);
      // the arrow is centred on its grid point; +y is up on the plane, down on the canvas
      const ux = (a.dx * unit) / len;
      const uy = (-a.dy * unit) / len;
      const xs = x0 - (ux * len) / 2;
      const ys = y0 - (uy * len) / 2;
      const xe = x0 + (ux * len) / 2;
      const ye = y0 + (uy * len) / 2;
      const color = K > 1 ? ARROW_CSS[a.k % 3] : 'rgb(31, 35, 40)';
      const head = Math.min(6 * dpr, len * 0.45);
      // a white halo first, so the arrows read over the points and both colours
      for (const [style, width] of [['rgba(255, 255, 255, 0.85)', 3.4 * dpr], [color, 1.5 * dpr]]) {
        ctx.strokeStyle = style;
        ctx.fillStyle = style;
        ctx.lineWidth = width;
        ctx.beginPath();
        ctx.moveTo(xs, ys);
        ctx.lineTo(xe - ux * head * 0.6, ye - uy * head * 0.6);
        ctx.stroke();
        ctx.beginPath();
        ctx.moveTo(xe, ye);
        ctx.lineTo(xe - ux * head - uy * head * 0.5, ye - uy * head + ux * head * 0.5);
        ctx.lineTo(xe - ux * head + uy * head * 0.5, ye - uy * head - ux * head * 0.5);
        ctx.closePath();
        if (style !== color) ctx.stroke();
        ctx.fill();
      }
    }
    ctx.restore();
  }

  /**
   * Shows the Jacobian matrix at plane point (x, y) next to the pointer.
   * rows: [{ name, dx, dy }] one per output (K × 2).
   */
  showReadout(x, y, rows) {
    clear(this.readout);
    this.readout.append(
      h('div', { class: 'bp-readout-title', text: `∂output/∂(x, y) at (${fmtNum(x, 3)}, ${fmtNum(y, 3)})` }),
      h('table', { class: 'bp-readout-table' },
        h('thead', {}, h('tr', {}, h('th', { text: '' }), h('th', { text: '∂/∂x' }), h('th', { text: '∂/∂y' }))),
        h('tbody', {}, rows.map((r) => h('tr', {},
          h('th', { scope: 'row', text: r.name }),
          h('td', { text: fmtNum(r.dx) }),
          h('td', { text: fmtNum(r.dy) }))))));
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
    const ctx = this.ctx;
    ctx.beginPath();
    ctx.arc(px, py, 4 * dpr, 0, 2 * Math.PI);
    ctx.strokeStyle = '#1f2328';
    ctx.lineWidth = 1.5 * dpr;
    ctx.stroke();
  }

  hideReadout() {
    if (!this.readout.hidden) {
      this.readout.hidden = true;
      this.drawPoints();
    }
  }

  drawAxes(ctx, W, H, dpr) {
    ctx.save();
    ctx.font = `${10 * dpr}px system-ui, sans-serif`;
    ctx.fillStyle = 'rgba(40, 40, 40, 0.7)';
    ctx.strokeStyle = 'rgba(40, 40, 40, 0.18)';
    ctx.lineWidth = dpr;
    const d = this.domain;
    for (let v = -d + 2; v < d; v += 2) {
      const [px] = this.toPlot(v, 0);
      const [, py] = this.toPlot(0, v);
      ctx.beginPath();
      ctx.moveTo(px, H);
      ctx.lineTo(px, H - 5 * dpr);
      ctx.moveTo(0, py);
      ctx.lineTo(5 * dpr, py);
      ctx.stroke();
      const label = String(v).replace('-', '−');
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      ctx.fillText(label, px, H - 6 * dpr);
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillText(label, 7 * dpr, py);
    }
    ctx.restore();
  }

  /** Shows the legend for a problem. mode: sigmoid | tanh | softmax | regress */
  setLegend(mode, classes, discretize) {
    const key = `${mode}/${classes}/${discretize}`;
    if (this.legendKey === key) return;
    this.legendKey = key;
    clear(this.legend);
    const swatch = (k) => h('span', { class: `bp-mk bp-mk-${MARKERS[k % 3]} bp-c${k % 3}`, 'aria-hidden': 'true' });
    if (mode === 'regress') {
      this.legend.append(
        h('span', { class: 'bp-legend-end', text: '−1' }),
        gradientBar(),
        h('span', { class: 'bp-legend-end', text: '+1' }),
        h('span', { class: 'bp-legend-note', text: 'target / prediction' }),
      );
    } else if (mode === 'softmax') {
      for (let k = 0; k < classes; k++) {
        this.legend.append(h('span', { class: 'bp-legend-item' }, swatch(k), `class ${k} (${MARKER_NAMES[k % 3]})`));
      }
    } else {
      this.legend.append(
        h('span', { class: 'bp-legend-item' }, swatch(0), `class 0 (${MARKER_NAMES[0]})`),
        discretize ? h('span', { class: 'bp-legend-sep' }) : gradientBar(),
        h('span', { class: 'bp-legend-item' }, swatch(1), `class 1 (${MARKER_NAMES[1]})`),
      );
    }
    this.legend.append(h('span', { class: 'bp-legend-note' },
      h('span', { class: 'bp-mk bp-mk-circle bp-mk-train', 'aria-hidden': 'true' }), ' training  ',
      h('span', { class: 'bp-mk bp-mk-circle bp-mk-test', 'aria-hidden': 'true' }), ' test'));
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
    this.pick = false;       // explain mode: a click picks the example nearest to it
    this.marked = null;      // { xy: [x, y, ...], focus } examples being explained
    this.jacobian = null;    // { arrows, K, maxMagnitude } arrows of ∂output/∂(x, y)
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

const ARROW_CSS = ['rgb(170, 110, 0)', 'rgb(0, 84, 135)', 'rgb(0, 115, 84)'];   // darker class colours

function regressionCSS(v) {
  const i = lutIndex(v) * 4;
  return `rgb(${SOLID_LUT[i]}, ${SOLID_LUT[i + 1]}, ${SOLID_LUT[i + 2]})`;
}

function gradientBar() {
  const c = h('canvas', { class: 'bp-legend-bar', width: 128, height: 10, 'aria-hidden': 'true' });
  const ctx = c.getContext('2d');
  const img = ctx.createImageData(128, 10);
  for (let x = 0; x < 128; x++) {
    const i = Math.round((x / 127) * 255) * 4;
    for (let y = 0; y < 10; y++) {
      const o = (y * 128 + x) * 4;
      img.data[o] = BACKGROUND_LUT[i];
      img.data[o + 1] = BACKGROUND_LUT[i + 1];
      img.data[o + 2] = BACKGROUND_LUT[i + 2];
      img.data[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  return c;
}

/** Draws a filled, outlined marker centred at (x, y). */
export function marker(ctx, shape, x, y, r) {
  ctx.beginPath();
  if (shape === 'square') {
    const s = r * 0.9;
    ctx.rect(x - s, y - s, 2 * s, 2 * s);
  } else if (shape === 'triangle') {
    const s = r * 1.25;
    ctx.moveTo(x, y - s);
    ctx.lineTo(x + s * 0.95, y + s * 0.7);
    ctx.lineTo(x - s * 0.95, y + s * 0.7);
    ctx.closePath();
  } else {
    ctx.arc(x, y, r, 0, 2 * Math.PI);
  }
  ctx.fill();
  ctx.stroke();
}
