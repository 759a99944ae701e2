// interpolation-strip.js: the decoder walking from code A to code B: decode((1 − t)·a + t·b) for
// evenly spaced t (conv-math's interpolationCodes makes the codes).
//
//   new InterpolationStrip(host)          (no callbacks)
//   update({ rows, cols, images, codes, from, to })
//     images  [Float64Array(rows·cols)]   s.decode(code) copies, A first, B last (≥ 2)
//     codes   optional [[x, y], ...]      the codes, written under the images
//     from/to optional labels of the ends (e.g. 'a 3', 'a 8'); default 'A', 'B'
//   clear()  empties the strip (shows the hint)

import { el, tileLayout, makeCanvas, paintTiles, cellFor } from './image-draw.js';
import { fmt } from '../../shared/dom.js';

/** A code coordinate with one decimal, a true minus sign, no "−0.0". */
export function coord(v) {
  const s = v.toFixed(1);
  return (Number(s) === 0 ? '0.0' : s).replace('-', '−');
}

const HINT = 'Pick two points A and B on the code plane to walk the decoder from one to the other.';

export class InterpolationStrip {
  constructor(host) {
    this.root = el('dv-view dv-interp');
    this.caption = el('dv-note', HINT);
    this.box = el('dv-interp-strip');
    this.root.append(this.caption, this.box);
    host.append(this.root);
  }

  clear() {
    this.caption.textContent = HINT;
    this.box.replaceChildren();
  }

  update({ rows, cols, images, codes = null, from = 'A', to = 'B' }) {
    const n = images.length;
    const cell = cellFor(rows, cols, rows > 10 ? 56 : 48);
    const layout = tileLayout(n, cols * cell, rows * cell, { gap: 10, pad: 1 });
    const below = codes ? 28 : 16;
    const canvas = makeCanvas(layout.width, layout.height + below, 'dv-grid', `${n} images decoded on the line from ${from} to ${to}`);
    paintTiles(canvas, layout, images.map((values) => ({ values, rows, cols, mode: 'ink' })), cell);
    const ctx = canvas.getContext('2d');
    ctx.textAlign = 'center';
    for (let k = 0; k < n; k++) {
      const x = layout.x(k) + (cols * cell) / 2;
      ctx.strokeStyle = k === 0 || k === n - 1 ? '#1f2328' : '#d9dde3';
      ctx.lineWidth = k === 0 || k === n - 1 ? 2 : 1;
      ctx.strokeRect(layout.x(k) - 0.5, layout.y(k) - 0.5, cols * cell + 1, rows * cell + 1);
      ctx.fillStyle = '#3a4047';
      ctx.font = k === 0 || k === n - 1 ? '600 11px system-ui, sans-serif' : '11px system-ui, sans-serif';
      const t = n > 1 ? k / (n - 1) : 0;
      ctx.fillText(k === 0 ? from : k === n - 1 ? to : `t=${fmt(t, 2)}`, x, layout.height + 12);
      if (codes) {
        ctx.fillStyle = '#8a9099';
        ctx.font = '9px ui-monospace, monospace';
        ctx.fillText(`${coord(codes[k][0])}, ${coord(codes[k][1])}`, x, layout.height + 24);
      }
    }
    this.box.replaceChildren(canvas);
    this.caption.textContent = `From ${from} to ${to} in ${n - 1} equal steps of the code: the decoder's picture changes smoothly where the code space is well filled.`;
  }
}
