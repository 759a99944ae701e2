// conv-math.js: the arithmetic the explain views of the digits page show, written out in JS so a
// learner can see each sum with the real numbers of one digit (pure functions, no DOM; tested in
// tests/node/digits-views.test.mjs against hand-worked cases and finite differences).
//
// Layout as in the core (core/nn/conv.hpp): NCHW, one image, cross-correlation.
//   forward   Y[o, y, x] = b[o] + Σ_c Σ_i Σ_j K[o, c, i, j] · X[c, s·y + i − p, s·x + j − p]
//   weight    ∂L/∂K[o, c, i, j] = Σ_y Σ_x X[c, s·y + i − p, s·x + j − p] · δ[o, y, x]
//             (δ = ∂L/∂Y; pixels outside the image are 0, so those terms vanish)
//   input     ∂L/∂X[c, u, v] = Σ_o Σ_y Σ_x δ[o, y, x] · K[o, c, u − s·y + p, v − s·x + p]
//             which for s = 1 is the FULL convolution of δ with the kernel turned by 180°:
//             pad δ with k − 1 − p zeros on every side and correlate it with rot180(K).
//   max-pool  each 2×2 window passes its largest value; backward, δ of the window goes only to
//             that arg-max cell (the first maximum in row-major order wins, as in core/nn/pool.cpp).
//
// The conv weight W of the engine is stored (C_in·k·k, C_out): row (c·k + i)·k + j, column o
// holds K[o, c, i, j] (docs/image-models.md).

// The layer helpers the views share (parseConvText, weightedLayerNames, layerInput,
// layerInputDelta) live in layer-math.js and are re-exported here.
export { parseConvText, weightedLayerNames, layerInput, layerInputDelta } from './layer-math.js';

/** Index into the engine's conv W (C_in·k·k, C_out), row-major, of the kernel entry K[o, c, i, j]. */
export function convWeightIndex(o, c, i, j, k, cout) {
  return ((c * k + i) * k + j) * cout + o;
}

/** Output size of a conv: Ho = ⌊(H + 2p − k)/s⌋ + 1. */
export function convOutputSize(size, k, stride, pad) {
  return Math.floor((size + 2 * pad - k) / stride) + 1;
}

/**
 * The geometry of a conv layer from its config entry and the shape it reads.
 * @param {{filters:number, kernel?:number, stride?:number, padding?:'same'|'valid'}} layer
 * @param {{channels:number, height:number, width:number}} input
 */
export function convGeometry(layer, input) {
  const k = layer.kernel ?? 3;
  const stride = layer.stride ?? 1;
  const pad = layer.padding === 'same' ? (k - 1) / 2 : 0;
  const cout = layer.filters;
  const height = convOutputSize(input.height, k, stride, pad);
  const width = convOutputSize(input.width, k, stride, pad);
  if (!(height > 0 && width > 0)) {
    throw new RangeError(`conv2d: kernel ${k}×${k} is larger than its ${input.height}×${input.width} input`);
  }
  return { cin: input.channels, h: input.height, w: input.width, cout, k, stride, pad, ho: height, wo: width };
}

/** The k×k kernel K[o, c, :, :] read out of the engine's W (C_in·k·k, C_out). */
export function kernelOf(W, g, o, c) {
  const out = new Float64Array(g.k * g.k);
  for (let i = 0; i < g.k; i++) {
    for (let j = 0; j < g.k; j++) out[i * g.k + j] = W[convWeightIndex(o, c, i, j, g.k, g.cout)];
  }
  return out;
}

/** The k×k kernel turned by 180°: rot[i, j] = K[k−1−i, k−1−j]. */
export function rot180(kernel, k) {
  if (kernel.length !== k * k) throw new RangeError(`rot180: expected ${k * k} values, got ${kernel.length}`);
  const out = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) out[i] = kernel[k * k - 1 - i];
  return out;
}

/**
 * ∂L/∂K[o, c, i, j] as the sum over output positions, with every term:
 *   Σ_y Σ_x X[c, s·y + i − p, s·x + j − p] · δ[o, y, x]
 * input: C_in·H·W (the layer's input), delta: C_out·Ho·Wo (∂L/∂ its output, before any bias).
 * Returns { total, terms: [{ y, x, u, v, input, delta, product }], padded } where u, v is the input
 * pixel (terms outside the image, which are 0, are left out; `padded` counts them).
 */
export function kernelWeightSum(input, delta, g, o, c, i, j) {
  const terms = [];
  let total = 0;
  let padded = 0;
  for (let y = 0; y < g.ho; y++) {
    for (let x = 0; x < g.wo; x++) {
      const u = g.stride * y + i - g.pad;
      const v = g.stride * x + j - g.pad;
      if (u < 0 || v < 0 || u >= g.h || v >= g.w) { padded++; continue; }
      const xv = input[(c * g.h + u) * g.w + v];
      const d = delta[(o * g.ho + y) * g.wo + x];
      const product = xv * d;
      total += product;
      terms.push({ y, x, u, v, input: xv, delta: d, product });
    }
  }
  return { total, terms, padded };
}

/**
 * The receptive fields of a conv layer: visit(outIndex, inIndex, weightIndex) for every kernel tap
 * K[o, c, i, j] of every output pixel Y[o, y, x] that lands inside the image, at X[c, u, v] with
 * u = s·y + i − p, v = s·x + j − p (the padding's taps are 0 and left out), in the order
 * o, y, x, c, i, j. The forward pass gathers over these taps; the backward pass scatters back
 * through the same ones.
 */
function forEachTap(g, visit) {
  for (let o = 0; o < g.cout; o++) {
    for (let y = 0; y < g.ho; y++) {
      for (let x = 0; x < g.wo; x++) {
        const out = (o * g.ho + y) * g.wo + x;
        for (let c = 0; c < g.cin; c++) {
          for (let i = 0; i < g.k; i++) {
            const u = g.stride * y + i - g.pad;
            if (u < 0 || u >= g.h) continue;
            for (let j = 0; j < g.k; j++) {
              const v = g.stride * x + j - g.pad;
              if (v < 0 || v >= g.w) continue;
              visit(out, (c * g.h + u) * g.w + v, convWeightIndex(o, c, i, j, g.k, g.cout));
            }
          }
        }
      }
    }
  }
}

/** Forward of a conv layer in plain loops (for the views' checks and the tests): Y = b + Σ K·X. */
export function convForward(input, W, b, g) {
  const out = new Float64Array(g.cout * g.ho * g.wo);
  if (b) for (let o = 0; o < g.cout; o++) out.fill(b[o], o * g.ho * g.wo, (o + 1) * g.ho * g.wo);
  forEachTap(g, (yi, xi, wi) => { out[yi] += W[wi] * input[xi]; });
  return out;
}

/**
 * ∂L/∂X of a conv layer, every input channel: Σ_o δ[o] "scattered back" through K[o, c]
 * (the definition; for stride 1 it equals Σ_o fullConvolution(δ[o], rot180(K[o, c]))).
 */
export function convInputDelta(delta, W, g) {
  const dx = new Float64Array(g.cin * g.h * g.w);
  forEachTap(g, (yi, xi, wi) => {
    if (delta[yi] !== 0) dx[xi] += delta[yi] * W[wi];
  });
  return dx;
}

/**
 * The full convolution of one δ map (Ho×Wo) with a k×k kernel, stride 1, cropped to the
 * layer's H×W input: pad δ with q = k − 1 − p zeros on every side, correlate with rot180(K).
 *   out[u, v] = Σ_a Σ_b δpad[u + a, v + b] · rot[a, b]
 * Returns the H×W map.
 */
export function fullConvolution(delta, ho, wo, kernel, k, pad, h, w) {
  const rot = rot180(kernel, k);
  const q = k - 1 - pad;
  const out = new Float64Array(h * w);
  for (let u = 0; u < h; u++) {
    for (let v = 0; v < w; v++) out[u * w + v] = fullConvolutionAt(delta, ho, wo, rot, k, q, u, v).total;
  }
  return out;
}

/**
 * One output position (u, v) of the full convolution, with its k·k terms:
 * { total, terms: [{ a, b, y, x, delta, weight, product }] } where (y, x) = (u + a − q, v + b − q)
 * is the δ cell under rot[a, b] (terms on the zero padding have delta 0 and inside false).
 */
export function fullConvolutionAt(delta, ho, wo, rot, k, q, u, v) {
  const terms = [];
  let total = 0;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const y = u + a - q;
      const x = v + b - q;
      const inside = y >= 0 && x >= 0 && y < ho && x < wo;
      const d = inside ? delta[y * wo + x] : 0;
      const weight = rot[a * k + b];
      const product = d * weight;
      total += product;
      terms.push({ a, b, y, x, inside, delta: d, weight, product });
    }
  }
  return { total, terms };
}

/**
 * Max-pool (2×2, stride 2) routing from its forward input (C·H·W) and, optionally, the δ of its
 * output (C·⌊H/2⌋·⌊W/2⌋). Returns { channels, height, width, argmax: Int32Array (input index
 * of each window's winner), output: Float64Array (the pooled values), routed: Float64Array
 * (C·H·W, δ at the winners, 0 elsewhere; null without delta) }.
 */
export function poolRouting(input, channels, height, width, delta = null) {
  if (input.length !== channels * height * width) {
    throw new RangeError(`poolRouting: expected ${channels}×${height}×${width} = ${channels * height * width} values, got ${input.length}`);
  }
  const ho = Math.floor(height / 2);
  const wo = Math.floor(width / 2);
  const argmax = new Int32Array(channels * ho * wo);
  const output = new Float64Array(channels * ho * wo);
  const routed = delta ? new Float64Array(channels * height * width) : null;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < ho; y++) {
      for (let x = 0; x < wo; x++) {
        const top = (c * height + 2 * y) * width + 2 * x;
        const cells = [top, top + 1, top + width, top + width + 1];
        let best = cells[0];
        for (let n = 1; n < 4; n++) if (input[cells[n]] > input[best]) best = cells[n];  // first max wins
        const o = (c * ho + y) * wo + x;
        argmax[o] = best;
        output[o] = input[best];
        if (routed) routed[best] += delta[o];
      }
    }
  }
  return { channels, height, width, outHeight: ho, outWidth: wo, argmax, output, routed };
}

/** n codes evenly spaced on the segment from code a to code b, both ends included. */
export function interpolationCodes(a, b, n) {
  if (a.length !== b.length) throw new RangeError(`interpolationCodes: codes of ${a.length} and ${b.length} values`);
  if (!(n >= 2)) throw new RangeError('interpolationCodes: needs at least 2 steps');
  const codes = [];
  for (let s = 0; s < n; s++) {
    const t = s / (n - 1);
    const c = new Float64Array(a.length);
    for (let d = 0; d < a.length; d++) c[d] = a[d] + (b[d] - a[d]) * t;
    codes.push(c);
  }
  return codes;
}

/**
 * Axis ranges for a scatter of 2-D codes (N·dim values, dims dx, dy): the data's range with a
 * margin, non-finite values skipped, a zero-width range widened to ±1 around its value.
 * Returns { xmin, xmax, ymin, ymax }.
 */
export function fitAxes(codes, dim = 2, dx = 0, dy = 1, margin = 0.06) {
  let xmin = Infinity; let xmax = -Infinity; let ymin = Infinity; let ymax = -Infinity;
  for (let n = 0; n + dim <= codes.length; n += dim) {
    const x = codes[n + dx];
    const y = codes[n + dy];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < xmin) xmin = x;
    if (x > xmax) xmax = x;
    if (y < ymin) ymin = y;
    if (y > ymax) ymax = y;
  }
  if (xmin > xmax) return { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
  const widen = (lo, hi) => {
    if (hi - lo === 0) return [lo - 1, hi + 1];
    const m = (hi - lo) * margin;
    return [lo - m, hi + m];
  };
  const [x0, x1] = widen(xmin, xmax);
  const [y0, y1] = widen(ymin, ymax);
  return { xmin: x0, xmax: x1, ymin: y0, ymax: y1 };
}

/** Mean squared error per pixel between two images of the same size. */
export function meanSquaredError(a, b) {
  if (a.length !== b.length) throw new RangeError(`meanSquaredError: ${a.length} and ${b.length} values`);
  let s = 0;
  for (let n = 0; n < a.length; n++) s += (a[n] - b[n]) ** 2;
  return a.length ? s / a.length : NaN;
}

/**
 * The input as kernel entry (i, j) of channel c sees it at every output position:
 *   S[y, x] = X[c, s·y + i − p, s·x + j − p]   (0 on the padding), an Ho×Wo map,
 * so ∂L/∂K[o, c, i, j] = Σ_y Σ_x S[y, x] · δ[o, y, x] is the sum of the product of two maps.
 */
export function shiftedInput(input, g, c, i, j) {
  const S = new Float64Array(g.ho * g.wo);
  for (let y = 0; y < g.ho; y++) {
    for (let x = 0; x < g.wo; x++) {
      const u = g.stride * y + i - g.pad;
      const v = g.stride * x + j - g.pad;
      if (u >= 0 && v >= 0 && u < g.h && v < g.w) S[y * g.wo + x] = input[(c * g.h + u) * g.w + v];
    }
  }
  return S;
}

/**
 * The n terms of a sum that weigh most (largest |product|, ties in their original order), and
 * what the others add up to: { shown, rest, restCount }.
 */
export function topTerms(terms, n) {
  const order = terms.map((t, k) => k).sort((a, b) => Math.abs(terms[b].product) - Math.abs(terms[a].product) || a - b);
  const keep = new Set(order.slice(0, n));
  const shown = [];
  let rest = 0;
  let restCount = 0;
  terms.forEach((t, k) => {
    if (keep.has(k)) shown.push(t);
    else { rest += t.product; restCount++; }
  });
  return { shown, rest, restCount };
}

/** Relative difference |a − b| / max(|a|, |b|) (0 when both are 0). */
export function relativeDifference(a, b) {
  const m = Math.max(Math.abs(a), Math.abs(b));
  return m === 0 ? 0 : Math.abs(a - b) / m;
}

/** The kernel weight (o, c, i, j) of a layer with the largest |∂L/∂K| for this digit: the default pick. */
export function largestWeightGradient(input, delta, g) {
  let best = { o: 0, c: 0, i: (g.k - 1) >> 1, j: (g.k - 1) >> 1 };
  let top = 0;
  for (let o = 0; o < g.cout; o++) for (let c = 0; c < g.cin; c++) for (let i = 0; i < g.k; i++) for (let j = 0; j < g.k; j++) {
    const v = Math.abs(kernelWeightSum(input, delta, g, o, c, i, j).total);
    if (v > top) { top = v; best = { o, c, i, j }; }
  }
  return best;
}

/**
 * δ spread out for a stride-s conv: s − 1 zeros between neighbouring cells, so that
 *   ∂L/∂X = fullConvolution(dilate(δ), rot180(K)) as for stride 1 (same p, cropped to H×W).
 * Returns { values, height: s·(Ho − 1) + 1, width: s·(Wo − 1) + 1 }.
 */
export function dilate(delta, ho, wo, s) {
  const height = s * (ho - 1) + 1;
  const width = s * (wo - 1) + 1;
  const values = new Float64Array(height * width);
  for (let y = 0; y < ho; y++) for (let x = 0; x < wo; x++) values[s * y * width + s * x] = delta[y * wo + x];
  return { values, height, width };
}
