// digits-views-data.js: synthetic data in the shapes the digits module returns, for the views'
// demo page (web/test/digits-views.html) and its browser test. Nothing here is trained: the
// weights are seeded random numbers, but the trace is a real forward and backward pass of the
// W4 CNN (conv 1→8 5×5 same, relu, max_pool, conv 8→16 5×5 same, relu, max_pool, flatten,
// dense 784→10, softmax + cross-entropy) through those weights, computed with conv-math.js, so
// every δ and gradient the explain views show is the true one for these numbers.

import {
  convGeometry, convForward, convInputDelta, poolRouting, kernelWeightSum, convWeightIndex,
} from '../js/digits/views/conv-math.js';

/** A seeded generator in [0, 1) (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const gauss = (r) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

/** Digit glyphs rendered into rows×cols images in [0, 1] (a stand-in for handwriting). */
export function glyphImages(rows = 28, cols = 28) {
  const c = document.createElement('canvas');
  c.width = cols; c.height = rows;
  const ctx = c.getContext('2d', { willReadFrequently: true });
  const out = [];
  for (let d = 0; d < 10; d++) {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, cols, rows);
    ctx.fillStyle = '#fff';
    ctx.font = `700 ${Math.round(rows * 0.78)}px DejaVu Sans, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(String(d), cols / 2, rows / 2 + rows * 0.04);
    const px = ctx.getImageData(0, 0, cols, rows).data;
    out.push(Float64Array.from({ length: rows * cols }, (_, n) => px[n * 4] / 255));
  }
  return out;
}

function relu(a) { return a.map((v) => (v > 0 ? v : 0)); }

/** The trace of the W4 CNN for `input` (28×28), with weights and the gradients of this digit. */
export function cnnTrace(input, label, seed = 3) {
  const r = rng(seed);
  const he = (n, fanIn) => Float64Array.from({ length: n }, () => gauss(r) * Math.sqrt(2 / fanIn));
  const g1 = convGeometry({ filters: 8, kernel: 5, padding: 'same' }, { channels: 1, height: 28, width: 28 });
  const g2 = convGeometry({ filters: 16, kernel: 5, padding: 'same' }, { channels: 8, height: 14, width: 14 });
  const W1 = he(25 * 8, 25); const b1 = new Float64Array(8).fill(0.02);
  const W2 = he(200 * 16, 200); const b2 = new Float64Array(16).fill(0.01);
  const W3 = he(784 * 10, 784); const b3 = new Float64Array(10);
  // forward
  const z1 = convForward(input, W1, b1, g1); const a1 = relu(z1);
  const p1 = poolRouting(a1, 8, 28, 28);
  const z2 = convForward(p1.output, W2, b2, g2); const a2 = relu(z2);
  const p2 = poolRouting(a2, 16, 14, 14);
  const logits = new Float64Array(10);
  for (let h = 0; h < 10; h++) { let s = b3[h]; for (let d = 0; d < 784; d++) s += p2.output[d] * W3[d * 10 + h]; logits[h] = s; }
  const m = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - m)); const Z = e.reduce((a, b) => a + b, 0);
  const prob = e.map((v) => v / Z);
  // backward: softmax + cross-entropy, dZ = p − y
  const dLogits = prob.map((p, k) => p - (k === label ? 1 : 0));
  const dFlat = new Float64Array(784);
  for (let d = 0; d < 784; d++) { let s = 0; for (let h = 0; h < 10; h++) s += W3[d * 10 + h] * dLogits[h]; dFlat[d] = s; }
  const da2 = poolRouting(a2, 16, 14, 14, dFlat).routed;
  const dz2 = da2.map((v, n) => (z2[n] > 0 ? v : 0));
  const dp1 = convInputDelta(dz2, W2, g2);
  const da1 = poolRouting(a1, 8, 28, 28, dp1).routed;
  const dz1 = da1.map((v, n) => (z1[n] > 0 ? v : 0));
  const dx = convInputDelta(dz1, W1, g1);
  const grad = (inp, dz, g) => {
    const G = new Float64Array(g.cin * g.k * g.k * g.cout);
    for (let o = 0; o < g.cout; o++) for (let c = 0; c < g.cin; c++) for (let i = 0; i < g.k; i++) for (let j = 0; j < g.k; j++) {
      G[convWeightIndex(o, c, i, j, g.k, g.cout)] = kernelWeightSum(inp, dz, g, o, c, i, j).total;
    }
    return G;
  };
  const L = (text, kind, channels, height, width, output, delta) => ({ text, kind, channels, height, width, output, delta });
  const trace = {
    input, target: label, loss: -Math.log(prob[label]), inputDelta: dx,
    layers: [
      L('conv2d 1→8 5×5 same', 'conv2d', 8, 28, 28, z1, dz1),
      L('relu', 'activation', 8, 28, 28, a1, da1),
      L('max_pool 2×2', 'max_pool', 8, 14, 14, p1.output, dp1),
      L('conv2d 8→16 5×5 same', 'conv2d', 16, 14, 14, z2, dz2),
      L('relu', 'activation', 16, 14, 14, a2, da2),
      L('max_pool 2×2', 'max_pool', 16, 7, 7, p2.output, dFlat),
      L('flatten', 'flatten', 784, 1, 1, p2.output, dFlat),
      L('dense 784→10', 'dense', 10, 1, 1, logits, dLogits),
      L('softmax', 'activation', 10, 1, 1, prob, new Float64Array(0)),
    ],
  };
  const layers = trace.layers.map((l, li) => {
    const prev = li ? trace.layers[li - 1] : { channels: 1, height: 28, width: 28 };
    return { text: l.text, kind: l.kind, inChannels: prev.channels, inHeight: prev.height, inWidth: prev.width, channels: l.channels, height: l.height, width: l.width };
  });
  return {
    trace, layers,
    weights: { 'conv1.W': W1, 'conv2.W': W2, 'dense3.W': W3 },
    gradients: { 'conv1.W': grad(input, dz1, g1), 'conv2.W': grad(p1.output, dz2, g2) },
  };
}

/** Smooth random ±blobs as the 784→H first-layer weights of an MLP (W: (784, H) row-major). */
export function mlpWeights(H = 32, seed = 5) {
  const r = rng(seed);
  const W = new Float64Array(784 * H);
  for (let h = 0; h < H; h++) {
    const blobs = Array.from({ length: 3 }, () => [4 + r() * 20, 4 + r() * 20, 2 + r() * 4, (r() - 0.5) * 0.2]);
    for (let p = 0; p < 784; p++) {
      const y = Math.floor(p / 28); const x = p % 28;
      let v = 0.004 * gauss(r);
      for (const [cy, cx, s, a] of blobs) v += a * Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * s * s));
      W[p * H + h] = v;
    }
  }
  const layers = [
    { text: 'dense 784→32', kind: 'dense', inChannels: 784, inHeight: 1, inWidth: 1, channels: H, height: 1, width: 1 },
    { text: 'relu', kind: 'activation', inChannels: H, inHeight: 1, inWidth: 1, channels: H, height: 1, width: 1 },
    { text: 'dense 32→10', kind: 'dense', inChannels: H, inHeight: 1, inWidth: 1, channels: 10, height: 1, width: 1 },
  ];
  return { layers, weights: { 'dense1.W': W } };
}

/**
 * 2-D codes of N test digits in 10 clusters (autoencoder: well apart; PCA: squeezed and
 * overlapping), labels, and a decoder that blends the glyphs by closeness to the cluster centres.
 */
export function codeData(glyphs, N = 2000, seed = 11) {
  const r = rng(seed);
  const centres = Array.from({ length: 10 }, (_, k) => [3 * Math.cos((2 * Math.PI * k) / 10), 3 * Math.sin((2 * Math.PI * k) / 10)]);
  const labels = new Uint8Array(N);
  const ae = new Float64Array(2 * N);
  const pca = new Float64Array(2 * N);
  for (let n = 0; n < N; n++) {
    const k = Math.floor(r() * 10);
    labels[n] = k;
    ae[2 * n] = centres[k][0] + 0.45 * gauss(r);
    ae[2 * n + 1] = centres[k][1] + 0.45 * gauss(r);
    pca[2 * n] = 0.5 * centres[k][0] + 0.35 * centres[k][1] + 1.1 * gauss(r);
    pca[2 * n + 1] = 0.3 * centres[(k * 3) % 10][1] + 1.1 * gauss(r);
  }
  const decode = (x, y) => {
    const w = centres.map(([cx, cy]) => Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 1.2));
    const s = w.reduce((a, b) => a + b, 0) || 1;
    const out = new Float64Array(glyphs[0].length);
    glyphs.forEach((g, k) => { const t = w[k] / s; for (let p = 0; p < out.length; p++) out[p] += t * g[p]; });
    return out;
  };
  return { labels, ae, pca, decode, centres };
}

/** A 3×3 box blur (the demo's "reconstruction") and seeded salt noise (the "noisy input"). */
export function blur(img, rows, cols) {
  const out = new Float64Array(img.length);
  for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) {
    let s = 0; let n = 0;
    for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) {
      const u = y + a; const v = x + b;
      if (u >= 0 && v >= 0 && u < rows && v < cols) { s += img[u * cols + v]; n++; }
    }
    out[y * cols + x] = s / n;
  }
  return out;
}
export function noisy(img, seed, amount = 0.25) {
  const r = rng(seed);
  return img.map((v) => Math.min(1, Math.max(0, v + (r() < amount ? r() : 0) - (r() < 0.1 ? 0.5 : 0))));
}
