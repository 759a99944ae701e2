// preprocess.js: a drawing on the page -> the input the network sees, made the way the two
// digit data sets were made. No DOM, no engine: plain arrays in, plain arrays out (Node tests it).
//
// The drawing is a grayscale raster { data, width, height }: `data` holds width·height ink values
// in 0..1, row-major, top row first (the canvas alpha / 255 is the natural choice). Values outside
// 0..1 are clamped; a pixel is ink when its value is above `inkThreshold` (default 0).
//
// MNIST, 28×28 (toMnist). The MNIST page (Y. LeCun, C. Cortes, C. J. C. Burges,
// http://yann.lecun.com/exdb/mnist/) says: the original bilevel NIST images "were size normalized
// to fit in a 20x20 pixel box while preserving their aspect ratio", the grey levels being "a result
// of the anti-aliasing technique used by the normalization algorithm", and "the images were centered
// in a 28x28 image by computing the center of mass of the pixels, and translating the image so as
// to position this point at the center of the 28x28 field." Here that is:
//   1. crop to the bounding box of the ink (w × h source pixels);
//   2. scale the box so its longer side is 20 px: the output box is bw × bh with
//      bw = max(1, round(w·20/L)), bh = max(1, round(h·20/L)), L = max(w, h); each output pixel is
//      the area average of the source pixels under it (a box filter: the anti-aliasing). The box
//      maps exactly onto bw × bh pixels, so the aspect ratio is kept to within the rounding of the
//      shorter side (< half an output pixel);
//   3. centre of mass: with pixel i covering [i, i+1), its centre is i + 0.5 and the field's
//      centre is the point (14, 14). The box is translated by a WHOLE number of pixels,
//      round(14 − c) for each axis, so the centre of mass lands within half a pixel of (14, 14)
//      and the box keeps its sharp grey levels (a sub-pixel bilinear shift would blur it once more).
//      Ink shifted beyond the 28×28 field (possible only for a very lopsided drawing) is dropped.
//   Output: Float64Array(784) in 0..1, row-major, as the MNIST loader gives (ink = 1).
//
// UCI 8×8 (toUci8x8). The optdigits description (E. Alpaydin, C. Kaynak, "Optical Recognition of
// Handwritten Digits", UCI Machine Learning Repository, 1998) says: "We used preprocessing
// programs made available by NIST to extract normalized bitmaps of handwritten digits from a
// preprinted form. [...] 32x32 bitmaps are divided into nonoverlapping blocks of 4x4 and the number
// of on pixels are counted in each block. This generates an input matrix of 8x8 where each element
// is an integer in the range 0..16." Here that is:
//   1. crop to the bounding box of the ink;
//   2. scale it (area average, as above) so its longer side is 32 px, aspect kept, and place it in
//      the middle of a 32×32 field by its box (offset floor((32 − size) / 2)): our choice, since
//      the description says only "normalized bitmaps" of 32×32 (NIST's routines are in
//      M. D. Garris et al., NIST Form-Based Handprint Recognition System, NISTIR 5469, 1994);
//   3. threshold to a bitmap: a pixel is on when its averaged ink is ≥ 0.5;
//   4. count the on pixels of each 4×4 block: 64 integers 0..16, row-major.
//   Output: the counts, and Float64Array(64) = counts / 16 in 0..1, the scale at which the
//   network sees data/optdigits-8x8.csv.gz: bp::load_digits_csv (core/datasets.hpp) divides by 16,
//   and the image files of core/image_data.hpp store the UCI pixels with pixel max M = 16 (p / M).
//
// An empty drawing (no pixel above the threshold) gives { pixels: null, reason }, never NaN.

export const MNIST_SIDE = 28;   // the field
export const MNIST_BOX = 20;    // the size-normalization box
export const UCI_BITMAP = 32;   // the normalized bitmap
export const UCI_BLOCK = 4;     // the counting block
export const UCI_SIDE = 8;      // UCI_BITMAP / UCI_BLOCK
export const MAX_RASTER_SIDE = 8192;

export const EMPTY_REASON = 'empty drawing: no ink to read';

/**
 * Checks a raster and returns its values as a clamped Float64Array (NaN is an error, not ink).
 * @param {{data: ArrayLike<number>, width: number, height: number}} raster
 */
function readRaster(raster) {
  if (raster === null || typeof raster !== 'object') throw new TypeError('raster: must be an object { data, width, height }');
  const { data, width, height } = raster;
  for (const [name, v] of [['width', width], ['height', height]]) {
    if (!Number.isInteger(v) || v < 1 || v > MAX_RASTER_SIDE) {
      throw new RangeError(`${name}: ${v} is outside 1..${MAX_RASTER_SIDE}`);
    }
  }
  if (data === null || typeof data !== 'object' || typeof data.length !== 'number') {
    throw new TypeError('data: must be an array of width·height numbers');
  }
  if (data.length !== width * height) {
    throw new RangeError(`data: ${data.length} values do not fit ${width}×${height} (${width * height} expected)`);
  }
  const values = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`data[${i}]: must be a finite number`);
    values[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return { values, width, height };
}

/**
 * The bounding box of the ink: the smallest rectangle holding every pixel above `threshold`,
 * as { x0, y0, w, h } in pixels, or null when there is none.
 */
export function inkBox(values, width, height, threshold = 0) {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (values[row + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/**
 * Weights of a 1-D area-averaging resample: `n` source pixels [0, n) onto `m` output pixels.
 * Output pixel i covers the source interval [i·n/m, (i+1)·n/m); its value is the mean of the
 * source over it, so weight(i, s) = |[s, s+1) ∩ that interval| / (n/m). Measured in units of
 * 1/m of a source pixel every end point is an integer (output i spans [i·n, (i+1)·n), source s
 * spans [s·m, (s+1)·m)), so overlaps are exact and weight = overlap / n: a uniform area stays
 * exactly uniform. Returns, per output pixel, the first source index and its weights (sum 1).
 */
function areaWeights(n, m) {
  const out = [];
  for (let i = 0; i < m; i++) {
    const a = i * n, b = (i + 1) * n;               // in units of 1/m source pixel
    const first = Math.floor(a / m), last = Math.ceil(b / m) - 1;
    const w = [];
    for (let s = first; s <= last; s++) {
      const overlap = Math.min(b, (s + 1) * m) - Math.max(a, s * m);
      w.push(overlap / n);
    }
    out.push({ first, w });
  }
  return out;
}

/**
 * The box (x0, y0, w, h) of `values` resampled by area averaging to bw × bh pixels.
 * Separable: rows first (w -> bw), then columns (h -> bh). Returns Float64Array(bw·bh).
 */
function resampleBox(values, width, box, bw, bh) {
  const { x0, y0, w, h } = box;
  const wx = areaWeights(w, bw), wy = areaWeights(h, bh);
  const tmp = new Float64Array(h * bw);  // (h, bw): each source row shrunk to bw
  for (let r = 0; r < h; r++) {
    const src = (y0 + r) * width + x0;
    for (let i = 0; i < bw; i++) {
      const { first, w: ws } = wx[i];
      let s = 0;
      for (let t = 0; t < ws.length; t++) s += ws[t] * values[src + first + t];
      tmp[r * bw + i] = s;
    }
  }
  const out = new Float64Array(bh * bw);  // (bh, bw)
  for (let j = 0; j < bh; j++) {
    const { first, w: ws } = wy[j];
    for (let i = 0; i < bw; i++) {
      let s = 0;
      for (let t = 0; t < ws.length; t++) s += ws[t] * tmp[(first + t) * bw + i];
      out[j * bw + i] = s > 1 ? 1 : s;  // a sum of weights 1 may round a hair above 1
    }
  }
  return out;
}

/** Side lengths of the box scaled so its longer side is `target`, aspect kept. */
function fitSides(w, h, target) {
  const long = Math.max(w, h);
  return {
    bw: Math.max(1, Math.round((w * target) / long)),
    bh: Math.max(1, Math.round((h * target) / long)),
  };
}

/**
 * The centre of mass of an image in pixel-centre coordinates (pixel i spans [i, i+1)).
 * @returns {{x: number, y: number, mass: number}}
 */
export function centreOfMass(pixels, width, height) {
  let m = 0, mx = 0, my = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = pixels[y * width + x];
      m += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return { x: mx / m, y: my / m, mass: m };
}

/**
 * The MNIST 28×28 input for a drawing (see the top of this file).
 * @param {{data: ArrayLike<number>, width: number, height: number}} raster
 * @param {{inkThreshold?: number}} [options]
 * @returns {{pixels: Float64Array, box: object, scaled: {width: number, height: number},
 *            offset: {x: number, y: number}, centre: {x: number, y: number}} | {pixels: null, reason: string}}
 */
export function toMnist(raster, { inkThreshold = 0 } = {}) {
  const { values, width, height } = readRaster(raster);
  const box = inkBox(values, width, height, inkThreshold);
  if (box === null) return { pixels: null, reason: EMPTY_REASON };
  const { bw, bh } = fitSides(box.w, box.h, MNIST_BOX);
  const scaled = resampleBox(values, width, box, bw, bh);
  const c = centreOfMass(scaled, bw, bh);
  if (!(c.mass > 0)) return { pixels: null, reason: EMPTY_REASON };  // ink too faint to survive
  const centre = MNIST_SIDE / 2;
  const ox = Math.floor(centre - c.x + 0.5), oy = Math.floor(centre - c.y + 0.5);  // round half up
  const pixels = new Float64Array(MNIST_SIDE * MNIST_SIDE);
  for (let j = 0; j < bh; j++) {
    const y = oy + j;
    if (y < 0 || y >= MNIST_SIDE) continue;
    for (let i = 0; i < bw; i++) {
      const x = ox + i;
      if (x < 0 || x >= MNIST_SIDE) continue;
      pixels[y * MNIST_SIDE + x] = scaled[j * bw + i];
    }
  }
  return {
    pixels,
    box,
    scaled: { width: bw, height: bh },
    offset: { x: ox, y: oy },
    centre: { x: ox + c.x, y: oy + c.y },
  };
}

/**
 * The UCI optdigits 8×8 input for a drawing (see the top of this file).
 * @param {{data: ArrayLike<number>, width: number, height: number}} raster
 * @param {{inkThreshold?: number, onThreshold?: number}} [options]
 * @returns {{pixels: Float64Array, counts: Uint8Array, bitmap: Uint8Array, box: object}
 *          | {pixels: null, reason: string}}
 */
export function toUci8x8(raster, { inkThreshold = 0, onThreshold = 0.5 } = {}) {
  const { values, width, height } = readRaster(raster);
  const box = inkBox(values, width, height, inkThreshold);
  if (box === null) return { pixels: null, reason: EMPTY_REASON };
  const { bw, bh } = fitSides(box.w, box.h, UCI_BITMAP);
  const scaled = resampleBox(values, width, box, bw, bh);
  const ox = Math.floor((UCI_BITMAP - bw) / 2), oy = Math.floor((UCI_BITMAP - bh) / 2);
  const bitmap = new Uint8Array(UCI_BITMAP * UCI_BITMAP);  // 32×32, 1 = on
  let on = 0;
  for (let j = 0; j < bh; j++) {
    for (let i = 0; i < bw; i++) {
      if (scaled[j * bw + i] >= onThreshold) {
        bitmap[(oy + j) * UCI_BITMAP + ox + i] = 1;
        on++;
      }
    }
  }
  if (on === 0) return { pixels: null, reason: 'drawing too faint: no pixel of the 32×32 bitmap is on' };
  const counts = new Uint8Array(UCI_SIDE * UCI_SIDE);
  for (let y = 0; y < UCI_BITMAP; y++) {
    for (let x = 0; x < UCI_BITMAP; x++) {
      counts[((y / UCI_BLOCK) | 0) * UCI_SIDE + ((x / UCI_BLOCK) | 0)] += bitmap[y * UCI_BITMAP + x];
    }
  }
  const pixels = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) pixels[i] = counts[i] / 16;
  return { pixels, counts, bitmap, box };
}
