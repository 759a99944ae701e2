// code-scatter-view.js: the autoencoder's 2-D code of every test digit, coloured by class and
// drawn as digit glyphs; hover or click anywhere on the plane to see the image the decoder makes
// of that point; click two digits (or points) to ask for an interpolation strip between them.
//
//   new CodeScatterView(host, { decode, pick, interpolate })
//   update({ codes, labels, dim = 2, rows, cols, step })
//     codes   s.encodeTest() copy (Ntest·dim);  labels s.testLabels();  rows×cols the image shape
//     step    optional: the training step, shown in the caption
//   showDecoded(pixels, x, y)   puts an image (rows·cols values in [0, 1]) in the preview, as the
//                               decoder's answer for the point (x, y)
//   clearEnds()                 forgets the chosen ends A and B
//   keyboard: the plane takes focus; arrows move the decoded point, Enter/space picks an end
//   callbacks.decode(x, y)      on hover (at most once per animation frame) and on click; may
//                               return the image (Float64Array) or a Promise of it, which is then
//                               shown, or nothing (the page calls showDecoded itself)
//   callbacks.pick({ which: 'a' | 'b', code: [x, y], index })   on a click: which end was set;
//                               index: the test digit it snapped to (within 10 px) or −1
//   callbacks.interpolate({ a: [x, y], b: [x, y], aIndex, bIndex })  once both ends are set
//                               (after every later pick too); ends that snapped to a digit follow
//                               it as the codes move during training, without a new callback
//
// Only the first two code dimensions are drawn (the default code has 2 units).

import { ScatterPlot } from './scatter-plot.js';
import { el, imageCanvas, repaintImage, cellFor, outline } from './image-draw.js';
import { fmt } from '../../shared/dom.js';

const SNAP_PX = 10;

export class CodeScatterView {
  constructor(host, callbacks = {}) {
    this.callbacks = callbacks;
    this.root = el('dv-view dv-code');
    this.plot = new ScatterPlot(380, 'the 2-D code of every test digit, as a scatter coloured by class');
    this.caption = el('dv-note', 'Train the autoencoder: every test digit lands at its 2-D code.');
    this.side = el('dv-code-side');
    this.previewBox = el('dv-preview');
    this.previewCaption = el('dv-caption', 'hover the plane: decode(x, y)');
    this.endsNote = el('dv-note', 'Click two digits: A, then B, for an interpolation strip.');
    const clear = el('dv-btn', 'clear A, B', 'button');
    clear.type = 'button';
    clear.addEventListener('click', () => this.clearEnds());
    this.side.append(this.previewBox, this.previewCaption, this.endsNote, clear);
    const row = el('dv-code-row');
    row.append(this.plot.root, this.side);
    this.root.append(this.caption, row);
    host.append(this.root);
    this.rows = 28; this.cols = 28;
    this.preview = null;
    this.ends = { a: null, b: null };
    this.next = 'a';
    this.hover = null;
    this.pending = false;
    this.busy = false;
    const top = this.plot.top;
    top.addEventListener('pointermove', (e) => this.onMove(e));
    top.addEventListener('pointerleave', () => { this.hover = null; this.drawOverlay(); });
    top.addEventListener('click', (e) => this.onClick(e));
    // keyboard: the arrows move the decoded point (shift: 5× farther), Enter or space picks it
    top.tabIndex = 0;
    top.removeAttribute('aria-hidden');
    top.setAttribute('role', 'application');
    top.setAttribute('aria-label', 'Code plane: arrow keys move the decoded point, Enter picks it as end A or B');
    top.addEventListener('keydown', (e) => this.onKey(e));
  }

  onKey(e) {
    const a = this.plot.axes;
    const step = (e.shiftKey ? 0.1 : 0.02);
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    if (!this.hover) this.hover = [(a.xmin + a.xmax) / 2, (a.ymin + a.ymax) / 2];
    if (d) {
      e.preventDefault();
      const [x, y] = this.hover;
      this.hover = [Math.min(a.xmax, Math.max(a.xmin, x + d[0] * step * (a.xmax - a.xmin))),
        Math.min(a.ymax, Math.max(a.ymin, y + d[1] * step * (a.ymax - a.ymin)))];
      this.drawOverlay();
      this.ask(...this.hover);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.pickAt(...this.hover);
    }
  }

  update({ codes, labels, dim = 2, rows, cols, step }) {
    if (rows && cols && (rows !== this.rows || cols !== this.cols || !this.preview)) {
      this.rows = rows; this.cols = cols;
      this.cell = cellFor(rows, cols, 112);
      this.preview = imageCanvas(null, rows, cols, this.cell, { label: 'decoded image' });
      this.previewBox.replaceChildren(this.preview);
    }
    this.codes = codes; this.dim = dim;
    this.plot.draw({ codes, labels, dim });
    const n = Math.floor(codes.length / dim);
    this.caption.textContent = `The code of each of the ${n} test digits${step !== undefined ? ` at step ${step}` : ''}` +
      `${dim > 2 ? ` (dimensions 0 and 1 of ${dim})` : ''}: similar digits should gather, and the decoder fills the gaps.`;
    for (const w of ['a', 'b']) {
      const e = this.ends[w];
      if (e && e.index >= 0) e.code = [codes[e.index * dim], codes[e.index * dim + 1]];
    }
    this.drawOverlay();
    if (!this.shownOnce) {
      this.shownOnce = true;
      const a = this.plot.axes;
      this.ask((a.xmin + a.xmax) / 2, (a.ymin + a.ymax) / 2);
    }
  }

  showDecoded(pixels, x, y) {
    if (!this.preview || !pixels) return;
    repaintImage(this.preview, pixels, this.rows, this.cols, this.cell);
    if (x !== undefined) this.previewCaption.textContent = `decode(${fmt(x, 3)}, ${fmt(y, 3)})`;
  }

  clearEnds() {
    this.ends = { a: null, b: null };
    this.next = 'a';
    this.endsNote.textContent = 'Click two digits: A, then B, for an interpolation strip.';
    this.drawOverlay();
  }

  onMove(e) {
    this.hover = this.plot.toPlane(e);
    if (!this.pending) {
      this.pending = true;
      requestAnimationFrame(() => { this.pending = false; this.drawOverlay(); this.ask(...this.hover || []); });
    }
  }

  /** Calls decode(x, y), one at a time: a point asked while one is in flight waits for it. */
  ask(x, y) {
    if (x === undefined || !this.callbacks.decode) return;
    if (this.busy) { this.queued = [x, y]; return; }
    const r = this.callbacks.decode(x, y);
    if (r && typeof r.then === 'function') {
      this.busy = true;
      r.then((img) => { if (img) this.showDecoded(img, x, y); }, () => {}).finally(() => {
        this.busy = false;
        if (this.queued) { const q = this.queued; this.queued = null; this.ask(...q); }
      });
    } else if (r) {
      this.showDecoded(r, x, y);
    }
  }

  onClick(e) {
    this.pickAt(...this.plot.toPlane(e));
  }

  /** Sets the next end (A, then B, ...) at (x, y), snapped to a test digit within 10 px. */
  pickAt(x, y) {
    const near = this.plot.nearest(x, y);
    const snap = near.index >= 0 && near.px <= SNAP_PX;
    const code = snap ? [this.codes[near.index * this.dim], this.codes[near.index * this.dim + 1]] : [x, y];
    const which = this.next;
    this.ends[which] = { code, index: snap ? near.index : -1 };
    this.next = which === 'a' ? 'b' : 'a';
    this.ask(code[0], code[1]);
    if (this.callbacks.pick) this.callbacks.pick({ which, code, index: snap ? near.index : -1 });
    const { a, b } = this.ends;
    const name = (w) => (w.index >= 0 ? `test digit #${w.index} (a ${this.plot.data.labels[w.index]})` : `(${fmt(w.code[0], 3)}, ${fmt(w.code[1], 3)})`);
    this.endsNote.textContent = a && b ? `A = ${name(a)}, B = ${name(b)}.` : `A = ${name(a)}; now click B.`;
    this.drawOverlay();
    if (a && b && this.callbacks.interpolate) this.callbacks.interpolate({ a: a.code, b: b.code, aIndex: a.index, bIndex: b.index });
  }

  drawOverlay() {
    this.plot.overlay((ctx) => {
      const { a, b } = this.ends;
      if (a && b) {
        const [ax, ay] = this.plot.toPixel(...a.code);
        const [bx, by] = this.plot.toPixel(...b.code);
        ctx.strokeStyle = '#1f2328';
        ctx.setLineDash([5, 4]);
        ctx.lineWidth = 1.5;
        ctx.beginPath(); ctx.moveTo(ax, ay); ctx.lineTo(bx, by); ctx.stroke();
        ctx.setLineDash([]);
      }
      for (const [w, e] of [['A', a], ['B', b]]) {
        if (!e) continue;
        const [px, py] = this.plot.toPixel(...e.code);
        ctx.fillStyle = '#1f2328';
        ctx.beginPath(); ctx.arc(px, py, 9, 0, 2 * Math.PI); ctx.fill();
        ctx.fillStyle = '#fff';
        ctx.font = '700 11px system-ui, sans-serif';
        ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
        ctx.fillText(w, px, py + 0.5);
      }
      if (this.hover) {
        const [px, py] = this.plot.toPixel(...this.hover);
        outline(ctx, px - 7, py - 7, 14, 14);
      }
    });
  }
}
