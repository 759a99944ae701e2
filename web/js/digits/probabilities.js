// digits/probabilities.js: the class probabilities of the drawn digit as a bar chart (one bar per
// digit 0..9, the winner in the accent blue and named in words as well, so colour is never the
// only cue), and the input as the network sees it (28×28 or 8×8) with the saliency beside it.

import { h } from '../shared/dom.js';
import { CLASS_CSS } from '../shared/colors.js';
import { imageCanvas, repaintImage, maxAbs } from './views/image-draw.js';

const W = 300;
const H = 150;
const BLUE = CLASS_CSS[1];   // Okabe–Ito blue
const GREY = '#9aa3ad';

export class ProbabilityBars {
  constructor() {
    this.canvas = h('canvas', { class: 'dg-probs', width: W * 2, height: H * 2, role: 'img', 'aria-label': 'Class probabilities' });
    this.answer = h('p', { class: 'dg-answer', 'aria-live': 'polite' });
    this.el = h('div', { class: 'dg-probs-box' }, this.answer, this.canvas);
    this.probs = null;
    this.update(null);
  }

  /** probs: 10 numbers (or null: nothing drawn yet); message: shown instead of the answer. */
  update(probs, message = '') {
    this.probs = probs ? Array.from(probs) : null;
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(2, 0, 0, 2, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const top = 18;
    const bottom = H - 18;
    const bw = W / 10;
    let best = -1;
    if (this.probs) best = this.probs.indexOf(Math.max(...this.probs));
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    for (let k = 0; k < 10; k++) {
      const p = this.probs ? Math.max(0, Math.min(1, this.probs[k])) : 0;
      const x = k * bw + bw * 0.15;
      const hgt = (bottom - top) * p;
      ctx.fillStyle = k === best ? BLUE : GREY;
      ctx.fillRect(x, bottom - hgt, bw * 0.7, hgt);
      ctx.fillStyle = '#1f2328';
      ctx.font = k === best ? 'bold 13px system-ui, sans-serif' : '12px system-ui, sans-serif';
      ctx.fillText(String(k), k * bw + bw / 2, H - 4);
      if (this.probs && p >= 0.01) {
        ctx.font = '10px system-ui, sans-serif';
        ctx.fillStyle = '#5f6670';
        ctx.fillText(`${Math.round(p * 100)}%`, k * bw + bw / 2, bottom - hgt - 3);
      }
    }
    ctx.strokeStyle = '#d9dde3';
    ctx.beginPath();
    ctx.moveTo(0, bottom + 0.5);
    ctx.lineTo(W, bottom + 0.5);
    ctx.stroke();
    if (message) this.answer.textContent = message;
    else if (best >= 0) this.answer.textContent = `The network reads a ${best} (${(this.probs[best] * 100).toFixed(1)}%).`;
    else this.answer.textContent = '';
    this.canvas.setAttribute('aria-label', this.probs
      ? `Class probabilities: ${this.probs.map((p, k) => `${k}: ${(p * 100).toFixed(1)}%`).join(', ')}`
      : 'Class probabilities: nothing drawn yet');
  }
}

/** The preprocessed input, and the saliency ∂p/∂x (diverging, ±max) or the reconstruction. */
export class InputView {
  constructor() {
    this.el = h('div', { class: 'dg-input-views' });
    this.shape = null;
  }

  setShape(rows, cols) {
    if (this.shape && this.shape.rows === rows && this.shape.cols === cols) return;
    this.shape = { rows, cols };
    const cell = Math.max(3, Math.floor(112 / Math.max(rows, cols)));
    this.cell = cell;
    this.inputCanvas = imageCanvas(null, rows, cols, cell, { className: 'dg-img dg-img-input', label: 'The drawing as the network sees it' });
    this.sideCanvas = imageCanvas(null, rows, cols, cell, { className: 'dg-img dg-img-side', label: 'Saliency' });
    this.sideTitle = h('span', { class: 'dg-img-title', text: 'saliency ∂p/∂x' });
    this.el.replaceChildren(
      h('figure', { class: 'dg-fig' }, this.inputCanvas, h('figcaption', { class: 'dg-img-title', text: `the network's input (${rows}×${cols})` })),
      h('figure', { class: 'dg-fig' }, this.sideCanvas, h('figcaption', {}, this.sideTitle)));
  }

  /** pixels: the input (or null); side: { kind: 'saliency' | 'recon', values } or null. */
  update(pixels, side) {
    const { rows, cols } = this.shape;
    const zero = new Float64Array(rows * cols);
    repaintImage(this.inputCanvas, pixels || zero, rows, cols, this.cell, 'ink');
    if (side && side.kind === 'saliency') {
      this.sideTitle.textContent = 'saliency ∂p/∂x (blue: more ink raises p)';
      repaintImage(this.sideCanvas, side.values, rows, cols, this.cell, 'diverging', maxAbs(side.values) || 1);
    } else if (side && side.kind === 'recon') {
      this.sideTitle.textContent = 'the reconstruction';
      repaintImage(this.sideCanvas, side.values, rows, cols, this.cell, 'ink');
    } else {
      repaintImage(this.sideCanvas, zero, rows, cols, this.cell, 'ink');
    }
  }
}
