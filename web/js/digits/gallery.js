// digits/gallery.js: small digit images in a row that wraps: the misclassified test digits with
// their top-3 guesses, the digits of a confusion-matrix cell, and (autoencoder) test digits beside
// their reconstructions. Images are drawn with views/image-draw.js (ink on paper).

import { h } from '../shared/dom.js';
import { imageCanvas } from './views/image-draw.js';

const pct = (p) => `${Math.round(p * 100)}%`;

/** "1 (62%) · 7 (30%) · 9 (4%)": the top-3 guesses of a misclassified digit. */
export function guessText(top, probability) {
  return top.map((k, i) => `${k} (${pct(probability[i])})`).join(' · ');
}

function tile(pixels, image, caption, title, cls = '') {
  const cell = image.rows >= 28 ? 2 : 6;
  return h('figure', { class: ['dg-tile', cls], title },
    imageCanvas(pixels, image.rows, image.cols, cell, { className: 'dg-img', label: title }),
    h('figcaption', { class: 'dg-tile-caption' }, caption));
}

export class Gallery {
  constructor(emptyText) {
    this.emptyText = emptyText;
    this.list = h('div', { class: 'dg-gallery' });
    this.note = h('p', { class: 'dg-note' });
    this.el = h('div', { class: 'dg-gallery-box' }, this.note, this.list);
  }

  /** Misclassified test digits: [{ index, label, top, probability, pixels }]. */
  showMisclassified(items, image, total) {
    this.list.replaceChildren(...items.map((m) => tile(m.pixels, image,
      [h('strong', { text: `${m.label} → ${m.top[0]}` }), h('br'), guessText(m.top, m.probability)],
      `test digit #${m.index}: a ${m.label} read as ${guessText(m.top, m.probability)}`)));
    this.note.textContent = items.length
      ? `${total} test digits are misclassified; the first ${items.length}, each with its true label → the network's top-3 guesses:`
      : this.emptyText;
  }

  /** The digits of one confusion cell: { t, p, count, indices, pixels, image }. */
  showCell(cell) {
    const n = cell.image.rows * cell.image.cols;
    const tiles = cell.indices.map((idx, k) => tile(cell.pixels.subarray(k * n, (k + 1) * n), cell.image,
      `#${idx}`, `test digit #${idx}: a ${cell.t} read as ${cell.p}`));
    this.list.replaceChildren(...tiles);
    const what = cell.t === cell.p ? `${cell.t}s read correctly` : `${cell.t}s read as ${cell.p}`;
    this.note.textContent = cell.count === 0 ? `No test digit is in this cell (${what}).`
      : `${cell.count} ${what}${cell.count > cell.indices.length ? `; the first ${cell.indices.length}` : ''}:`;
  }

  /** Autoencoder: test digits and their reconstructions: [{ index, label, pixels, recon }]. */
  showReconstructions(items, image) {
    this.list.replaceChildren(...items.map((m) => h('div', { class: 'dg-pair' },
      tile(m.pixels, image, `#${m.index} in`, `test digit #${m.index} (a ${m.label})`),
      tile(m.recon, image, 'out', `its reconstruction`, 'dg-tile-recon'))));
    this.note.textContent = 'Test digits (left) and what the autoencoder makes of them through its code (right):';
  }
}
