// digits/draw-pad.js: the large canvas a digit is drawn on, with mouse, pen or finger (pointer
// events, one pointer at a time), clear and undo, and the saliency overlay. Strokes are kept as
// point lists in the pad's own SIDE×SIDE coordinates, so the drawing does not depend on how large
// the canvas is shown. raster() gives the ink (alpha / 255) for preprocess.js; `onChange(raster)`
// fires while drawing (at most once per animation frame) and after clear / undo.

import { h } from '../shared/dom.js';
import { CLASS_RGB } from '../shared/colors.js';

const [ORANGE, BLUE] = CLASS_RGB;   // Okabe–Ito, as the diverging map of every page

export const SIDE = 280;              // the pad's coordinates (and the raster's size)
export const STROKE = 22;             // pen width: about 2 px once the digit is scaled into 20×20
const INK = '#1f2328';

export class DrawPad {
  /** @param {{ onChange: (raster) => void }} on */
  constructor(on) {
    this.on = on;
    this.strokes = [];
    this.active = null;      // the stroke being drawn, and its pointer id
    this.overlay = null;     // { values, rows, cols, map(x, y) -> [px, py, size] } or null
    this.showOverlay = true;
    this.canvas = h('canvas', {
      class: 'dg-pad', width: SIDE * 2, height: SIDE * 2, role: 'img',
      'aria-label': 'Drawing pad: draw a digit with the mouse, a pen or a finger',
    });
    this.ink = document.createElement('canvas');   // the strokes alone, for the raster
    this.ink.width = SIDE;
    this.ink.height = SIDE;
    this.hint = h('p', { class: 'dg-pad-hint', text: 'Draw a digit here' });
    this.el = h('div', { class: 'dg-pad-box' }, this.canvas, this.hint);
    this.pending = false;
    for (const [ev, fn] of [['pointerdown', this.down], ['pointermove', this.move], ['pointerup', this.up], ['pointercancel', this.up]]) {
      this.canvas.addEventListener(ev, fn.bind(this));
    }
    // no scrolling or zooming while a finger draws
    this.canvas.addEventListener('touchstart', (e) => e.preventDefault(), { passive: false });
    this.render();
  }

  point(ev) {
    const b = this.canvas.getBoundingClientRect();
    const x = ((ev.clientX - b.left) / (b.width || 1)) * SIDE;
    const y = ((ev.clientY - b.top) / (b.height || 1)) * SIDE;
    return [Math.max(0, Math.min(SIDE, x)), Math.max(0, Math.min(SIDE, y))];
  }

  down(ev) {
    if (this.active || (ev.pointerType === 'mouse' && ev.button !== 0)) return;
    ev.preventDefault();
    this.canvas.setPointerCapture?.(ev.pointerId);
    this.active = { id: ev.pointerId, points: [this.point(ev)] };
    this.strokes.push(this.active.points);
    this.changed();
  }

  move(ev) {
    if (!this.active || ev.pointerId !== this.active.id) return;
    ev.preventDefault();
    const events = ev.getCoalescedEvents ? ev.getCoalescedEvents() : [ev];
    for (const e of events.length ? events : [ev]) this.active.points.push(this.point(e));
    this.changed();
  }

  up(ev) {
    if (!this.active || ev.pointerId !== this.active.id) return;
    this.active = null;
    this.changed(true);
  }

  clear() {
    this.strokes = [];
    this.active = null;
    this.overlay = null;
    this.changed(true);
  }

  undo() {
    if (!this.strokes.length) return;
    this.strokes.pop();
    this.active = null;
    this.changed(true);
  }

  isEmpty() {
    return this.strokes.length === 0;
  }

  /** Replaces the drawing (tests, and a digit picked from the gallery is not drawn: strokes only). */
  setStrokes(strokes) {
    this.strokes = strokes.map((s) => s.map(([x, y]) => [x, y]));
    this.active = null;
    this.changed(true);
  }

  changed(now = false) {
    this.render();
    if (now) {
      this.on.onChange(this.raster());
      return;
    }
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.on.onChange(this.raster());
    });
  }

  drawStrokes(ctx, scale, color) {
    ctx.save();
    ctx.scale(scale, scale);
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = STROKE;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const s of this.strokes) {
      if (s.length === 1) {
        ctx.beginPath();
        ctx.arc(s[0][0], s[0][1], STROKE / 2, 0, 2 * Math.PI);
        ctx.fill();
        continue;
      }
      ctx.beginPath();
      ctx.moveTo(s[0][0], s[0][1]);
      for (let i = 1; i < s.length; i++) ctx.lineTo(s[i][0], s[i][1]);
      ctx.stroke();
    }
    ctx.restore();
  }

  /** The ink as { data, width, height } with values 0..1 (preprocess.js's raster). */
  raster() {
    const ctx = this.ink.getContext('2d', { willReadFrequently: true });
    ctx.clearRect(0, 0, SIDE, SIDE);
    this.drawStrokes(ctx, 1, '#000');
    const img = ctx.getImageData(0, 0, SIDE, SIDE).data;
    const data = new Float64Array(SIDE * SIDE);
    for (let i = 0; i < data.length; i++) data[i] = img[i * 4 + 3] / 255;
    return { data, width: SIDE, height: SIDE };
  }

  /**
   * The saliency over the drawing: values (rows·cols) with map(col, row) -> the pad rectangle
   * [x, y, w, h] the input pixel came from, or null to drop the overlay.
   */
  setOverlay(overlay) {
    this.overlay = overlay;
    this.render();
  }

  render() {
    const ctx = this.canvas.getContext('2d');
    const k = this.canvas.width / SIDE;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.drawStrokes(ctx, k, INK);
    const o = this.overlay;
    if (o && this.showOverlay && this.strokes.length) {
      let max = 0;
      for (const v of o.values) max = Math.max(max, Math.abs(v));
      if (max > 0) {
        for (let r = 0; r < o.rows; r++) {
          for (let c = 0; c < o.cols; c++) {
            const v = o.values[r * o.cols + c] / max;
            if (Math.abs(v) < 0.08) continue;
            const rect = o.map(c, r);
            if (!rect) continue;
            // blue: more ink here raises the class's probability; orange: lowers it (Okabe–Ito)
            const [cr, cg, cb] = v > 0 ? BLUE : ORANGE;
            ctx.fillStyle = `rgba(${cr}, ${cg}, ${cb}, ${0.65 * Math.abs(v)})`;
            ctx.fillRect(rect[0] * k, rect[1] * k, rect[2] * k, rect[3] * k);
          }
        }
      }
    }
    this.hint.hidden = this.strokes.length > 0;
  }
}
