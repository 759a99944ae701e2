// image-draw.js: the drawing helpers every view of the digits page shares (one copy, no DOM at
// import time, so the pure half is tested in Node: tests/node/digits-views.test.mjs).
//
// Pure:    maxAbs, inkRGB, paintCells (values -> RGBA, nearest-neighbour upscaled, diverging or
//          ink), tileLayout / tileAt (small images on a grid, and which one a point falls in),
//          planeToPixel / pixelToPlane / nearestPoint (the code scatters), DIGIT_RGB, cellFor.
// DOM:     makeCanvas / sizeCanvas, paintTiles (one canvas holding many small images),
//          imageCanvas / repaintImage, eventPoint (a pointer event in the canvas's CSS pixels),
//          el (a div with a class), outline, scaleBar.
// Numbers in cells and sums written out: number-draw.js.
//
// Colours: weights, feature maps and δ maps use the playground's diverging map (colors.js,
// orange < 0 < blue, white at 0, Okabe–Ito ends, colour-blind safe) on a symmetric scale ±max;
// digit images use ink on paper (0 white, 1 near-black), as they were written.

import { SOLID_LUT, lutIndex } from '../../shared/colors.js';
import { fmt } from '../../shared/dom.js';

/**
 * Ten class colours. No ten-colour palette stays distinct for every form of colour blindness,
 * so the scatters also draw each point as its digit glyph: the colour helps, the glyph decides.
 * Okabe–Ito's eight (the yellow darkened to read on white) and two of Paul Tol's muted set.
 */
export const DIGIT_RGB = [
  [0, 114, 178], [230, 159, 0], [0, 158, 115], [213, 94, 0], [86, 180, 233],
  [204, 121, 167], [40, 40, 40], [176, 155, 0], [136, 34, 85], [120, 120, 120],
];
export const DIGIT_CSS = DIGIT_RGB.map(([r, g, b]) => `rgb(${r}, ${g}, ${b})`);

const PAPER = [255, 255, 255];
const INK = [20, 24, 30];

/** The largest |v| over values[start, end) (non-finite skipped); 0 when there is none. */
export function maxAbs(values, start = 0, end = values.length) {
  let m = 0;
  for (let n = start; n < end; n++) {
    const a = Math.abs(values[n]);
    if (a > m && Number.isFinite(a)) m = a;
  }
  return m;
}

/** RGB of an ink value v in [0, 1] (clamped; NaN as paper). */
export function inkRGB(v) {
  const t = v > 0 ? (v < 1 ? v : 1) : 0;
  return [0, 1, 2].map((k) => Math.round(PAPER[k] + (INK[k] - PAPER[k]) * t));
}

/**
 * Paints a rows×cols block of values into an RGBA buffer `pixels` of `width` pixels per row, at
 * (x0, y0), each value a scale×scale square.
 *   mode 'ink':       v in [0, 1], paper to ink
 *   mode 'diverging': v / vmax in [−1, 1] on the diverging map (vmax ≤ 0 paints all white)
 * values[offset + r·cols + c] is cell (r, c); `stride` steps between consecutive cells (a
 * column of a row-major matrix: stride = its width).
 */
export function paintCells(pixels, width, x0, y0, values, { rows, cols, scale = 1, mode = 'diverging', vmax = 1, offset = 0, stride = 1 }) {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = values[offset + (r * cols + c) * stride];
      let R; let G; let B;
      if (mode === 'ink') {
        [R, G, B] = inkRGB(v);
      } else {
        const li = lutIndex(vmax > 0 ? v / vmax : 0) * 4;
        R = SOLID_LUT[li]; G = SOLID_LUT[li + 1]; B = SOLID_LUT[li + 2];
      }
      for (let dy = 0; dy < scale; dy++) {
        let p = ((y0 + r * scale + dy) * width + x0 + c * scale) * 4;
        for (let dx = 0; dx < scale; dx++, p += 4) {
          pixels[p] = R; pixels[p + 1] = G; pixels[p + 2] = B; pixels[p + 3] = 255;
        }
      }
    }
  }
}

/**
 * n tiles of tileW×tileH on a grid at most `maxCols` wide (0 = one row), `gap` apart, with a
 * `pad` border (and room for labels: `left`, `top` more on those sides).
 * Returns { cols, rows, width, height, x(i), y(i), ox, oy } (ox, oy: where tile 0 starts).
 */
export function tileLayout(n, tileW, tileH, { maxCols = 0, gap = 2, pad = 0, left = 0, top = 0 } = {}) {
  const cols = Math.max(1, maxCols > 0 ? Math.min(n, maxCols) : n);
  const rows = Math.max(1, Math.ceil(n / cols));
  const ox = pad + left;
  const oy = pad + top;
  return {
    cols, rows, tileW, tileH, gap, pad, ox, oy,
    width: 2 * pad + left + cols * tileW + (cols - 1) * gap,
    height: 2 * pad + top + rows * tileH + (rows - 1) * gap,
    x: (i) => ox + (i % cols) * (tileW + gap),
    y: (i) => oy + Math.floor(i / cols) * (tileH + gap),
  };
}

/** Which tile (index) and which cell (r, c) of it a point (px, py) of the layout is in, or null. */
export function tileAt(layout, px, py, n, cellSize = 1) {
  const gx = px - (layout.ox ?? layout.pad);
  const gy = py - (layout.oy ?? layout.pad);
  if (gx < 0 || gy < 0) return null;
  const col = Math.floor(gx / (layout.tileW + layout.gap));
  const row = Math.floor(gy / (layout.tileH + layout.gap));
  const ix = gx - col * (layout.tileW + layout.gap);
  const iy = gy - row * (layout.tileH + layout.gap);
  const index = row * layout.cols + col;
  if (col >= layout.cols || ix >= layout.tileW || iy >= layout.tileH || index >= n) return null;
  return { index, r: Math.floor(iy / cellSize), c: Math.floor(ix / cellSize) };
}

/** A point (x, y) of the code plane to the pixel (px, py) of a w×h plot (y up), `inset` border. */
export function planeToPixel(axes, w, h, x, y, inset = 0) {
  const px = inset + ((x - axes.xmin) / (axes.xmax - axes.xmin)) * (w - 2 * inset);
  const py = inset + ((axes.ymax - y) / (axes.ymax - axes.ymin)) * (h - 2 * inset);
  return [px, py];
}

/** The inverse of planeToPixel. */
export function pixelToPlane(axes, w, h, px, py, inset = 0) {
  const x = axes.xmin + ((px - inset) / (w - 2 * inset)) * (axes.xmax - axes.xmin);
  const y = axes.ymax - ((py - inset) / (h - 2 * inset)) * (axes.ymax - axes.ymin);
  return [x, y];
}

/** Index of the code (of N·dim values; dims dx, dy) nearest to (x, y), and its distance. */
export function nearestPoint(codes, dim, x, y, dx = 0, dy = 1) {
  let best = -1;
  let bestD = Infinity;
  for (let n = 0, i = 0; i + dim <= codes.length; n++, i += dim) {
    const d = (codes[i + dx] - x) ** 2 + (codes[i + dy] - y) ** 2;
    if (d < bestD) { bestD = d; best = n; }
  }
  return { index: best, distance: Math.sqrt(bestD) };
}

// ---- DOM ---------------------------------------------------------------------------------------

/** A div (or `tag`) with a class and optional text. */
export function el(className, text = null, tag = 'div') {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== null) e.textContent = text;
  return e;
}

const dpr = () => (typeof window !== 'undefined' && window.devicePixelRatio) || 1;

/** A canvas of w×h CSS pixels (backing store × devicePixelRatio), with an aria-label. */
export function makeCanvas(w, h, className = '', label = '') {
  const c = document.createElement('canvas');
  if (className) c.className = className;
  if (label) { c.setAttribute('role', 'img'); c.setAttribute('aria-label', label); }
  sizeCanvas(c, w, h);
  return c;
}

/**
 * How many of `n` columns (each `tile` CSS pixels wide, `gap` apart, after `left` pixels of row
 * names) fit in the width of `box`, at least `min`: a grid of digit columns shows as many as its
 * panel holds instead of running off its edge. A box not laid out yet (width 0) takes all n.
 */
export function columnsThatFit(box, n, { left, tile, gap, min = 3 }) {
  const width = box.clientWidth;
  if (!width) return n;
  return Math.max(Math.min(n, min), Math.min(n, Math.floor((width - left - 2 + gap) / (tile + gap))));
}

/** Resizes a canvas to w×h CSS pixels; returns its 2-D context scaled to CSS pixels. */
export function sizeCanvas(c, w, h) {
  const r = dpr();
  c.width = Math.round(w * r);
  c.height = Math.round(h * r);
  c.style.width = `${w}px`;
  c.style.height = `${h}px`;
  const ctx = c.getContext('2d');
  ctx.setTransform(r, 0, 0, r, 0, 0);
  return ctx;
}

/**
 * Paints tiles of cells onto `canvas` (already sized by makeCanvas/sizeCanvas to the layout),
 * each tile { values, rows, cols, mode, vmax, offset, stride } at layout position i, with the
 * cells `cell` CSS pixels wide. The background stays transparent (the page shows through).
 */
export function paintTiles(canvas, layout, tiles, cell) {
  const r = dpr();
  const scale = Math.max(1, Math.round(cell * r));
  const W = canvas.width;
  const H = canvas.height;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(W, H);
  tiles.forEach((t, i) => {
    if (!t) return;
    const x0 = Math.round(layout.x(i) * r);
    const y0 = Math.round(layout.y(i) * r);
    if (x0 + t.cols * scale > W || y0 + t.rows * scale > H) return;
    paintCells(img.data, W, x0, y0, t.values, { ...t, scale });
  });
  ctx.putImageData(img, 0, 0);
}

/** One image in its own canvas: rows×cols values, `cell` CSS pixels per value. */
export function imageCanvas(values, rows, cols, cell, { mode = 'ink', vmax = 1, className = 'dv-img', label = '' } = {}) {
  const layout = tileLayout(1, cols * cell, rows * cell);
  const c = makeCanvas(layout.width, layout.height, className, label);
  if (values) paintTiles(c, layout, [{ values, rows, cols, mode, vmax }], cell);
  return c;
}

/** Repaints an imageCanvas with new values (same shape). */
export function repaintImage(canvas, values, rows, cols, cell, mode = 'ink', vmax = 1) {
  const layout = tileLayout(1, cols * cell, rows * cell);
  paintTiles(canvas, layout, [{ values, rows, cols, mode, vmax }], cell);
}

/** A pointer event's position in the canvas's CSS pixels. */
export function eventPoint(event, canvas) {
  const b = canvas.getBoundingClientRect();
  const sx = b.width ? canvas.width / dpr() / b.width : 1;
  const sy = b.height ? canvas.height / dpr() / b.height : 1;
  return [(event.clientX - b.left) * sx, (event.clientY - b.top) * sy];
}

/** An image side of `target` CSS pixels in whole cells: the cell size for a rows×cols image. */
export function cellFor(rows, cols, target) {
  return Math.max(1, Math.floor(target / Math.max(rows, cols)));
}

/** The names of rows of tiles, right-aligned at x = right, each centred on y = yOf(r). */
export function rowLabels(ctx, names, right, yOf) {
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = '#3a4047';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  names.forEach((name, r) => ctx.fillText(name, right, yOf(r)));
}

/** A rectangle outlined black and white (visible on any cell colour), in CSS pixels. */
export function outline(ctx, x, y, w, h) {
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#111';
  ctx.strokeRect(x + 1, y + 1, w - 2, h - 2);
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#fff';
  ctx.strokeRect(x + 2.5, y + 2.5, w - 5, h - 5);
}

/** "−m [orange–white–blue bar] +m": the diverging scale of a view, as a small inline element. */
export function scaleBar(vmax, width = 72) {
  const box = el('dv-scalebar', null, 'span');
  const c = makeCanvas(width, 8, 'dv-scalebar-bar');
  const values = Float64Array.from({ length: 8 * width }, (_, n) => (2 * (n % width)) / (width - 1) - 1);
  paintTiles(c, tileLayout(1, width, 8), [{ values, rows: 8, cols: width, mode: 'diverging', vmax: 1 }], 1);
  box.append(el('', `−${fmt(vmax)}`, 'span'), c, el('', `+${fmt(vmax)}`, 'span'));
  return box;
}
