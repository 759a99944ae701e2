// digits/confusion.js: the confusion matrix of the test digits, rows the true digit, columns the
// predicted one. Each cell is a button (keyboard and screen readers reach it; its label says what
// it counts); its shade is the cell's share of its row, on a white-to-blue ramp, and the count is
// written in it, so the colour is never the only cue. A click asks for the cell's digits.

import { h } from '../shared/dom.js';
import { CLASS_RGB, whiteTextOn } from '../shared/colors.js';

/** Row shares of a 10×10 count matrix ([true·10 + predicted]); a row with no digits gives 0s. */
export function rowShares(counts) {
  const out = new Float64Array(100);
  for (let t = 0; t < 10; t++) {
    let sum = 0;
    for (let p = 0; p < 10; p++) sum += counts[t * 10 + p];
    for (let p = 0; p < 10; p++) out[t * 10 + p] = sum > 0 ? counts[t * 10 + p] / sum : 0;
  }
  return out;
}

/** The background [r, g, b] of a cell with row share s: white to blue (diagonal) or vermillion, square-root spread. */
export function shareRGB(s, diagonal) {
  const t = Math.sqrt(Math.max(0, Math.min(1, s)));
  const end = diagonal ? CLASS_RGB[1] : [213, 94, 0];   // right in Okabe–Ito blue, errors in its vermillion
  return [255, 255, 255].map((w, k) => Math.round(w + (end[k] - w) * t));
}

export class ConfusionMatrix {
  /** @param {{ select: (t, p) => void }} on */
  constructor(on) {
    this.on = on;
    this.cells = [];
    this.selected = null;
    // a group of buttons, not an ARIA grid: each button's label names its row and column, and
    // Tab reaches every one (a grid would promise arrow-key navigation between cells)
    const grid = h('div', { class: 'dg-cm-grid', role: 'group', 'aria-label': 'Confusion matrix: rows the true digit, columns the prediction' });
    grid.append(h('span', { class: 'dg-cm-corner', text: 'true ↓ / predicted →' }));
    for (let p = 0; p < 10; p++) grid.append(h('span', { class: 'dg-cm-head', text: String(p) }));
    for (let t = 0; t < 10; t++) {
      grid.append(h('span', { class: 'dg-cm-head dg-cm-rowhead', text: String(t) }));
      for (let p = 0; p < 10; p++) {
        const b = h('button', {
          type: 'button', class: ['dg-cm-cell', t === p ? 'dg-cm-diag' : null], dataset: { t: String(t), p: String(p) },
          on: { click: () => this.pick(t, p) },
        });
        this.cells.push(b);
        grid.append(b);
      }
    }
    this.summary = h('p', { class: 'dg-note dg-cm-summary' });
    this.el = h('div', { class: 'dg-cm' }, grid, this.summary);
  }

  pick(t, p) {
    this.selected = [t, p];
    this.cells.forEach((c, i) => c.classList.toggle('dg-cm-selected', i === t * 10 + p));
    this.on.select(t, p);
  }

  /** counts: Float64Array(100) or null (no classes: the autoencoder). */
  update(counts) {
    if (!counts) return;
    const shares = rowShares(counts);
    let right = 0;
    let all = 0;
    for (let t = 0; t < 10; t++) {
      for (let p = 0; p < 10; p++) {
        const n = counts[t * 10 + p];
        all += n;
        if (t === p) right += n;
        const b = this.cells[t * 10 + p];
        b.textContent = n > 0 ? String(n) : '';
        const bg = shareRGB(shares[t * 10 + p], t === p);
        b.style.backgroundColor = `rgb(${bg[0]}, ${bg[1]}, ${bg[2]})`;
        // white or black text, whichever is readable on this shade (the count must stay legible)
        b.classList.toggle('dg-cm-dark', whiteTextOn(bg));
        b.setAttribute('aria-label', `true ${t}, predicted ${p}: ${n} digit${n === 1 ? '' : 's'}`);
      }
    }
    this.summary.textContent = all > 0
      ? `${right} of ${all} test digits right (${((100 * right) / all).toFixed(1)}%). Click a cell to see its digits.`
      : '';
  }
}
