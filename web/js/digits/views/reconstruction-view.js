// reconstruction-view.js: what the autoencoder gives back. A grid with one column per digit: the
// input and its reconstruction; for a denoising autoencoder three rows: the noisy input the
// network sees, its reconstruction, and the clean digit it was trained to give back.
//
//   new ReconstructionView(host)          (no callbacks)
//   update({ rows, cols, inputs, outputs, noisy, labels, mse })
//     inputs   [Float64Array(rows·cols)]  the clean test digits (values in [0, 1])
//     outputs  [Float64Array]             s.reconstruct(noisy ? noisy[i] : inputs[i]) copies
//     noisy    optional [Float64Array]    the noisy inputs (denoising): adds the "noisy" row
//     labels   optional [number]          the digits' classes, written above each column
//     mse      optional number            the test-set reconstruction MSE (s.evaluate()), shown
// Under each reconstruction: its own squared error per pixel against the clean digit.

import { meanSquaredError } from './conv-math.js';
import { el, tileLayout, makeCanvas, paintTiles, cellFor, columnsThatFit, rowLabels } from './image-draw.js';
import { fmt } from '../../shared/dom.js';

const LEFT = 112;   // CSS px for the row names
const TOP = 16;    // for the labels
const BELOW = 14;  // for the per-digit error

export class ReconstructionView {
  constructor(host) {
    this.root = el('dv-view dv-recon');
    this.caption = el('dv-note');
    this.canvasBox = el('dv-recon-grid');
    this.root.append(this.caption, this.canvasBox);
    host.append(this.root);
  }

  update({ rows, cols, inputs, outputs, noisy = null, labels = null, mse }) {
    const rowsOf = noisy ? [['noisy input', noisy], ['reconstruction', outputs], ['clean', inputs]] : [['input', inputs], ['reconstruction', outputs]];
    const cell = cellFor(rows, cols, rows > 10 ? 56 : 48);
    const tw = cols * cell; const th = rows * cell;
    const gapX = 6;
    const gapY = 6;
    const n = columnsThatFit(this.canvasBox, Math.min(inputs.length, outputs.length), { left: LEFT, tile: tw, gap: gapX });
    const width = LEFT + n * tw + (n - 1) * gapX + 2;
    const height = TOP + rowsOf.length * th + (rowsOf.length - 1) * gapY + BELOW + 2;
    const canvas = makeCanvas(width, height, 'dv-grid', noisy
      ? `${n} noisy inputs, their reconstructions and the clean digits`
      : `${n} test digits and their reconstructions`);
    // the image tiles, placed by hand on one layout of (row, column) slots
    const slots = tileLayout(n * rowsOf.length, tw, th, { maxCols: n, gap: gapX });
    const place = { ...slots, x: (i) => LEFT + (i % n) * (tw + gapX), y: (i) => TOP + Math.floor(i / n) * (th + gapY) };
    const tiles = [];
    rowsOf.forEach(([, imgs]) => { for (let k = 0; k < n; k++) tiles.push({ values: imgs[k], rows, cols, mode: 'ink' }); });
    paintTiles(canvas, place, tiles, cell);
    const ctx = canvas.getContext('2d');
    rowLabels(ctx, rowsOf.map(([name]) => name), LEFT - 8, (r) => TOP + r * (th + gapY) + th / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    ctx.strokeStyle = '#d9dde3';
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const x = LEFT + k * (tw + gapX);
      for (let r = 0; r < rowsOf.length; r++) ctx.strokeRect(x - 0.5, TOP + r * (th + gapY) - 0.5, tw + 1, th + 1);
      if (labels) { ctx.fillStyle = '#5f6670'; ctx.font = '11px system-ui, sans-serif'; ctx.fillText(String(labels[k]), x + tw / 2, TOP - 4); }
      const e = meanSquaredError(outputs[k], inputs[k]);
      sum += e;
      ctx.fillStyle = '#5f6670';
      ctx.font = '10px ui-monospace, monospace';
      ctx.fillText(fmt(e, 2), x + tw / 2, height - 3);
    }
    this.canvasBox.replaceChildren(canvas);
    const mean = n ? sum / n : NaN;
    this.caption.textContent = `${noisy ? 'Denoising: the network sees the noisy digit and was trained to give back the clean one.' : 'Each test digit and what the autoencoder makes of it after squeezing it through the code.'}` +
      ` Under each: its error per pixel (mean ${fmt(mean, 3)} here${mse !== undefined ? `; test set ${fmt(mse, 3)}` : ''}).`;
    this.canvas = canvas;
    this.errors = { mean };
  }
}
