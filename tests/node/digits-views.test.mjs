// Tests of web/js/digits/views/conv-math.js: the sums the digits page's explain views write out
// (a kernel weight's gradient over positions, the full convolution with the kernel turned by
// 180°, max-pool routing), checked on cases worked by hand and against central differences of
// a tiny conv written here independently (nested arrays K[o][c][i][j], X[c][u][v]); and the pure
// helpers of the views (image-draw.js: colours, tiles, plane mapping; the PCA sentence).
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  convWeightIndex, convGeometry, kernelOf, rot180, kernelWeightSum, convForward, convInputDelta,
  fullConvolution, fullConvolutionAt, poolRouting, interpolationCodes, fitAxes, meanSquaredError,
  parseConvText, weightedLayerNames, layerInput, layerInputDelta, shiftedInput, topTerms, relativeDifference,
  largestWeightGradient, dilate,
} from '../../web/js/digits/views/conv-math.js';
import { maxAbs, inkRGB, paintCells, tileLayout, tileAt, planeToPixel, pixelToPlane, nearestPoint, cellFor, DIGIT_RGB } from '../../web/js/digits/views/image-draw.js';
import { shortNumber, factorText } from '../../web/js/digits/views/number-draw.js';
import { nonlinearitySentence } from '../../web/js/digits/views/pca-baseline-view.js';
import { coord } from '../../web/js/digits/views/interpolation-strip.js';
import { divergingRGB } from '../../web/js/shared/colors.js';
import fs from 'node:fs';
import { loadBackprop } from './load.mjs';

// The hand case: a 4×4 input and a 3×3 kernel, one channel in and out.
//   X = 1 2 0 1      K =  1 0 −1
//       0 1 3 1           0 1  0
//       2 1 0 0           2 0  1
//       1 0 2 1
// valid, stride 1 (Ho = Wo = 2):
//   Y[0,0] = 1·1 + 2·0 + 0·(−1) + 0·0 + 1·1 + 3·0 + 2·2 + 1·0 + 0·1 = 6
//   Y[0,1] = 2·1 + 0·0 + 1·(−1) + 1·0 + 3·1 + 1·0 + 1·2 + 0·0 + 0·1 = 6
//   Y[1,0] = 0·1 + 1·0 + 3·(−1) + 2·0 + 1·1 + 0·0 + 1·2 + 0·0 + 2·1 = 2
//   Y[1,1] = 1·1 + 3·0 + 1·(−1) + 1·0 + 0·1 + 0·0 + 0·2 + 2·0 + 1·1 = 1
// with δ = ∂L/∂Y = [1 −1; 2 0.5]:
//   ∂L/∂K[0,0] = X[0,0]·1 + X[0,1]·(−1) + X[1,0]·2 + X[1,1]·0.5 = 1 − 2 + 0 + 0.5 = −0.5
//   ∂L/∂K[1,2] = X[1,2]·1 + X[1,3]·(−1) + X[2,2]·2 + X[2,3]·0.5 = 3 − 1 + 0 + 0 = 2
//   ∂L/∂X[u,v] = Σ δ[y,x]·K[u−y, v−x]:
//     [0,0] = δ00·K00 = 1;  [0,3] = δ01·K02 = (−1)(−1) = 1;  [2,0] = δ00·K20 + δ10·K10 = 2 + 0 = 2
//     [1,1] = δ00·K11 + δ01·K10 + δ10·K01 + δ11·K00 = 1 + 0 + 0 + 0.5 = 1.5;  [3,3] = δ11·K22 = 0.5
// same (p = 1), stride 2 (Ho = ⌊(4 + 2 − 3)/2⌋ + 1 = 2): Y[0,0] sees X[0..1, 0..1] under K[1..2, 1..2]:
//   Y[0,0] = K11·X00 + K12·X01 + K21·X10 + K22·X11 = 1·1 + 0·2 + 0·0 + 1·1 = 2
//   Y[1,1] sees X[1..3, 1..3] under K:  1·1 + 3·0 + 1·(−1) + 1·0 + 0·1 + 0·0 + 0·2 + 2·0 + 1·1 = 1
const X = [1, 2, 0, 1, 0, 1, 3, 1, 2, 1, 0, 0, 1, 0, 2, 1];
const K = [1, 0, -1, 0, 1, 0, 2, 0, 1];
const DELTA = [1, -1, 2, 0.5];
const W1 = Float64Array.from(K);  // C_in·k·k × C_out with C_in = C_out = 1: W[i·3 + j] = K[i, j]

const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);

test('conv forward of the hand case: valid stride 1 and same stride 2', () => {
  const g = convGeometry({ filters: 1, kernel: 3 }, { channels: 1, height: 4, width: 4 });
  assert.deepEqual([g.ho, g.wo, g.pad], [2, 2, 0]);
  assert.deepEqual([...convForward(X, W1, null, g)], [6, 6, 2, 1]);
  const g2 = convGeometry({ filters: 1, kernel: 3, stride: 2, padding: 'same' }, { channels: 1, height: 4, width: 4 });
  assert.deepEqual([g2.ho, g2.wo, g2.pad], [2, 2, 1]);
  const y2 = convForward(X, W1, [0.5], g2);
  assert.equal(y2[0], 2 + 0.5);
  assert.equal(y2[3], 1 + 0.5);
  assert.throws(() => convGeometry({ filters: 1, kernel: 9 }, { channels: 1, height: 8, width: 8 }), /kernel 9×9 is larger than its 8×8 input/);
});

test('a kernel weight gradient as the sum over positions (hand case)', () => {
  const g = convGeometry({ filters: 1, kernel: 3 }, { channels: 1, height: 4, width: 4 });
  const s00 = kernelWeightSum(X, DELTA, g, 0, 0, 0, 0);
  assert.equal(s00.total, -0.5);
  assert.deepEqual(s00.terms.map((t) => [t.u, t.v, t.input, t.delta, t.product]),
    [[0, 0, 1, 1, 1], [0, 1, 2, -1, -2], [1, 0, 0, 2, 0], [1, 1, 1, 0.5, 0.5]]);
  assert.equal(kernelWeightSum(X, DELTA, g, 0, 0, 1, 2).total, 2);
  // with padding, positions off the image drop out: same, stride 2, K[0,0] only meets X at y,x = 1
  const g2 = convGeometry({ filters: 1, kernel: 3, stride: 2, padding: 'same' }, { channels: 1, height: 4, width: 4 });
  const p = kernelWeightSum(X, DELTA, g2, 0, 0, 0, 0);
  assert.equal(p.padded, 3);
  assert.deepEqual(p.terms.map((t) => [t.u, t.v]), [[1, 1]]);
  assert.equal(p.total, X[5] * DELTA[3]);  // 1 · 0.5
});

test('the input δ is the full convolution with the kernel turned by 180° (hand case)', () => {
  assert.deepEqual([...rot180(K, 3)], [1, 0, 2, 0, 1, 0, -1, 0, 1]);
  assert.throws(() => rot180([1, 2, 3], 2), /expected 4 values/);
  const dx = fullConvolution(DELTA, 2, 2, K, 3, 0, 4, 4);
  assert.equal(dx[0], 1);
  assert.equal(dx[3], 1);
  assert.equal(dx[8], 2);
  assert.equal(dx[5], 1.5);
  assert.equal(dx[15], 0.5);
  const g = convGeometry({ filters: 1, kernel: 3 }, { channels: 1, height: 4, width: 4 });
  assert.deepEqual([...convInputDelta(DELTA, W1, g)], [...dx]);
  // one position with its nine terms: (1,1) has δ under rot[a,b] for a, b ≥ 1 (q = 2)
  const at = fullConvolutionAt(DELTA, 2, 2, rot180(K, 3), 3, 2, 1, 1);
  assert.equal(at.total, 1.5);
  assert.equal(at.terms.filter((t) => t.inside).length, 4);
});

test('max-pool routes each window\'s δ to its arg-max, the first maximum winning ties', () => {
  // windows of X: [1 2; 0 1] → 2 at 1; [0 1; 3 1] → 3 at 6; [2 1; 1 0] → 2 at 8; [0 0; 2 1] → 2 at 14
  const r = poolRouting(X, 1, 4, 4, [10, 20, 30, 40]);
  assert.deepEqual([...r.argmax], [1, 6, 8, 14]);
  assert.deepEqual([...r.output], [2, 3, 2, 2]);
  const want = new Array(16).fill(0);
  want[1] = 10; want[6] = 20; want[8] = 30; want[14] = 40;
  assert.deepEqual([...r.routed], want);
  const tie = poolRouting([1, 1, 0, 1], 1, 2, 2, [5]);
  assert.deepEqual([...tie.argmax], [0]);
  assert.equal(poolRouting([0, 0, 0, 0, 0, 0], 1, 2, 3).argmax.length, 1);  // odd width: last column unused
  assert.throws(() => poolRouting([1, 2, 3], 1, 2, 2), /expected 1×2×2 = 4 values, got 3/);
});

// ---- against central differences of an independent tiny conv --------------------------------

function rng(seed) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 - 0.5; };
}

// K[o][c][i][j], Xn[c][u][v]; returns Y[o][y][x]
function tinyConv(Kn, Xn, k, s, p) {
  const C = Xn.length; const H = Xn[0].length; const Wd = Xn[0][0].length;
  const Ho = Math.floor((H + 2 * p - k) / s) + 1; const Wo = Math.floor((Wd + 2 * p - k) / s) + 1;
  return Kn.map((ko) => Array.from({ length: Ho }, (_, y) => Array.from({ length: Wo }, (__, x) => {
    let sum = 0;
    for (let c = 0; c < C; c++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      const u = s * y + i - p; const v = s * x + j - p;
      if (u >= 0 && v >= 0 && u < H && v < Wd) sum += ko[c][i][j] * Xn[c][u][v];
    }
    return sum;
  })));
}

for (const [stride, padding] of [[1, 'valid'], [1, 'same'], [2, 'valid'], [2, 'same']]) {
  test(`kernel-weight sums and input δ agree with central differences (stride ${stride}, ${padding})`, () => {
    const r = rng(7 + stride * 3 + padding.length);
    const cin = 2; const cout = 3; const k = 3; const H = 6; const Wd = 5;
    const g = convGeometry({ filters: cout, kernel: k, stride, padding }, { channels: cin, height: H, width: Wd });
    const Kn = Array.from({ length: cout }, () => Array.from({ length: cin }, () => Array.from({ length: k }, () => Array.from({ length: k }, r))));
    const Xn = Array.from({ length: cin }, () => Array.from({ length: H }, () => Array.from({ length: Wd }, r)));
    const R = Array.from({ length: cout * g.ho * g.wo }, r);  // L = ½ Σ (Y − R)², δ = Y − R
    const loss = () => tinyConv(Kn, Xn, k, stride, g.pad).flat(2).reduce((a, y, n) => a + 0.5 * (y - R[n]) ** 2, 0);
    const Y = tinyConv(Kn, Xn, k, stride, g.pad).flat(2);
    const delta = Y.map((y, n) => y - R[n]);
    const W = new Float64Array(cin * k * k * cout);
    for (let o = 0; o < cout; o++) for (let c = 0; c < cin; c++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) W[convWeightIndex(o, c, i, j, k, cout)] = Kn[o][c][i][j];
    const input = Xn.flat(2);
    assert.deepEqual([...convForward(input, W, null, g)].map((v) => v.toFixed(12)), Y.map((v) => v.toFixed(12)));
    assert.deepEqual([...kernelOf(W, g, 2, 1)], Kn[2][1].flat());
    const h = 1e-5;
    for (let o = 0; o < cout; o++) for (let c = 0; c < cin; c++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      const keep = Kn[o][c][i][j];
      Kn[o][c][i][j] = keep + h; const lp = loss();
      Kn[o][c][i][j] = keep - h; const lm = loss();
      Kn[o][c][i][j] = keep;
      close(kernelWeightSum(input, delta, g, o, c, i, j).total, (lp - lm) / (2 * h), 1e-8, `dK[${o},${c},${i},${j}]`);
    }
    const dx = convInputDelta(delta, W, g);
    for (let c = 0; c < cin; c++) for (let u = 0; u < H; u++) for (let v = 0; v < Wd; v++) {
      const keep = Xn[c][u][v];
      Xn[c][u][v] = keep + h; const lp = loss();
      Xn[c][u][v] = keep - h; const lm = loss();
      Xn[c][u][v] = keep;
      close(dx[(c * H + u) * Wd + v], (lp - lm) / (2 * h), 1e-8, `dX[${c},${u},${v}]`);
    }
    if (stride === 1) {
      // Σ_o full convolution of δ[o] with rot180(K[o, c]) is the same input δ
      for (let c = 0; c < cin; c++) {
        const sum = new Float64Array(H * Wd);
        for (let o = 0; o < cout; o++) {
          const part = fullConvolution(delta.slice(o * g.ho * g.wo, (o + 1) * g.ho * g.wo), g.ho, g.wo, kernelOf(W, g, o, c), k, g.pad, H, Wd);
          part.forEach((v, n) => { sum[n] += v; });
        }
        sum.forEach((v, n) => close(v, dx[c * H * Wd + n], 1e-12, `full conv [${c}, ${n}]`));
      }
    }
  });
}

test('interpolation codes run evenly from one code to the other', () => {
  const codes = interpolationCodes([0, 2], [1, -2], 5);
  assert.deepEqual(codes.map((c) => [...c]), [[0, 2], [0.25, 1], [0.5, 0], [0.75, -1], [1, -2]]);
  assert.throws(() => interpolationCodes([0], [1, 2], 3), /codes of 1 and 2 values/);
  assert.throws(() => interpolationCodes([0], [1], 1), /at least 2/);
});

test('scatter axes cover the data with a margin and survive degenerate codes', () => {
  // x from −1 to 3 (width 4, margin 0.06·4 = 0.24), y from 0 to 10 (margin 0.6); NaN skipped
  const a = fitAxes([-1, 0, 3, 10, NaN, 50, 1, 5]);
  close(a.xmin, -1.24, 1e-12, 'xmin'); close(a.xmax, 3.24, 1e-12, 'xmax');
  close(a.ymin, -0.6, 1e-12, 'ymin'); close(a.ymax, 10.6, 1e-12, 'ymax');
  assert.deepEqual(fitAxes([2, 2, 2, 2]), { xmin: 1, xmax: 3, ymin: 1, ymax: 3 });
  assert.deepEqual(fitAxes([]), { xmin: -1, xmax: 1, ymin: -1, ymax: 1 });
  // 3-D codes, the plane of dims 2 and 0
  const b = fitAxes([0, 9, 1, 4, 9, 3], 3, 2, 0, 0);
  assert.deepEqual(b, { xmin: 1, xmax: 3, ymin: 0, ymax: 4 });
});

test('mean squared error per pixel', () => {
  assert.equal(meanSquaredError([0, 1, 1, 0], [0, 0.5, 1, 1]), (0.25 + 1) / 4);
  assert.throws(() => meanSquaredError([1], [1, 2]), /1 and 2 values/);
});

test('conv layer text parsed as the core writes it; parameter names counted among weighted layers', () => {
  assert.deepEqual(parseConvText('conv2d 1→8 5×5 same'), { cin: 1, filters: 8, kernel: 5, padding: 'same', stride: 1 });
  assert.deepEqual(parseConvText('conv2d 8→16 3×3 valid stride 2'), { cin: 8, filters: 16, kernel: 3, padding: 'valid', stride: 2 });
  assert.equal(parseConvText('dense 784→10'), null);
  assert.equal(parseConvText('conv2d 1→8 5×5 sideways'), null);
  // the W4 CNN: conv1, conv2, dense3 (docs/image-models.md); the autoencoder 784-128-2-128-784
  const kinds = (ks) => ks.map((kind) => ({ kind }));
  assert.deepEqual(weightedLayerNames(kinds(['conv2d', 'activation', 'max_pool', 'conv2d', 'activation', 'max_pool', 'flatten', 'dense', 'activation'])),
    ['conv1', null, null, 'conv2', null, null, null, 'dense3', null]);
  assert.deepEqual(weightedLayerNames(kinds(['dense', 'activation', 'dense', 'dense', 'activation', 'dense'])),
    ['dense1', null, 'dense2', 'dense3', null, 'dense4']);
});

test('a layer reads the layer above (or the image); its input δ is the δ above (or inputDelta)', () => {
  const trace = { input: [1, 2, 3, 4], inputDelta: [9, 9, 9, 9],
    layers: [{ channels: 2, height: 1, width: 1, output: [5, 6], delta: [7, 8] }, { channels: 1, height: 1, width: 1, output: [0], delta: [] }] };
  assert.deepEqual(layerInput(trace, 0, 2, 2), { channels: 1, height: 2, width: 2, values: [1, 2, 3, 4] });
  assert.deepEqual(layerInput(trace, 1, 2, 2), { channels: 2, height: 1, width: 1, values: [5, 6] });
  assert.deepEqual(layerInputDelta(trace, 0), [9, 9, 9, 9]);
  assert.deepEqual(layerInputDelta(trace, 1), [7, 8]);
});

test('the shifted input: its product with δ sums to the kernel weight gradient (hand case)', () => {
  // valid 3×3 on the 4×4 X: K[0,0] sees X[y, x] for y, x in 0..1 = [1 2; 0 1]; K[1,2] sees X[y+1, x+2] = [3 1; 0 0]
  const g = convGeometry({ filters: 1, kernel: 3 }, { channels: 1, height: 4, width: 4 });
  assert.deepEqual([...shiftedInput(X, g, 0, 0, 0)], [1, 2, 0, 1]);
  assert.deepEqual([...shiftedInput(X, g, 0, 1, 2)], [3, 1, 0, 0]);
  // Σ S·δ: 3·1 + 1·(−1) + 0 + 0 = 2 = ∂L/∂K[1,2] from the hand case above
  assert.equal([...shiftedInput(X, g, 0, 1, 2)].reduce((a, v, n) => a + v * DELTA[n], 0), 2);
  // same, stride 2: K[0,0] at output (y, x) sees X[2y − 1, 2x − 1]: only (1, 1) is inside: X[1,1] = 1
  const g2 = convGeometry({ filters: 1, kernel: 3, stride: 2, padding: 'same' }, { channels: 1, height: 4, width: 4 });
  assert.deepEqual([...shiftedInput(X, g2, 0, 0, 0)], [0, 0, 0, 1]);
});

test('stride 2: the full convolution of the dilated δ is the input δ', () => {
  // δ = [1 −1; 2 0.5] spread out with one zero between cells: a 3×3 map
  const d = dilate(DELTA, 2, 2, 2);
  assert.deepEqual([d.height, d.width, ...d.values], [3, 3, 1, 0, -1, 0, 0, 0, 2, 0, 0.5]);
  // same, stride 2 on the 4×4 hand case (p = 1): against the definition (convInputDelta), and by
  // hand from ∂L/∂X[u,v] = Σ δ[y,x]·K[u − 2y + 1, v − 2x + 1]:
  //   X[0,0] = δ00·K[1,1] = 1 (the other outputs put K off its grid)
  //   X[1,1] = δ00·K[2,2] + δ01·K[2,0] + δ10·K[0,2] + δ11·K[0,0] = 1 − 2 − 2 + 0.5 = −2.5
  const g = convGeometry({ filters: 1, kernel: 3, stride: 2, padding: 'same' }, { channels: 1, height: 4, width: 4 });
  const full = fullConvolution(d.values, d.height, d.width, K, 3, g.pad, 4, 4);
  assert.deepEqual([...full], [...convInputDelta(DELTA, W1, g)]);
  assert.deepEqual([full[0], full[5]], [1, -2.5]);
  // valid, stride 2 on a 5×5 input with random numbers: the same identity
  const r = rng(3);
  const g5 = convGeometry({ filters: 1, kernel: 3, stride: 2 }, { channels: 1, height: 5, width: 5 });
  const d5 = Array.from({ length: g5.ho * g5.wo }, r);
  const W5 = Float64Array.from({ length: 9 }, r);
  const dd = dilate(d5, g5.ho, g5.wo, 2);
  const f5 = fullConvolution(dd.values, dd.height, dd.width, W5, 3, 0, 5, 5);
  convInputDelta(d5, W5, g5).forEach((v, n) => close(f5[n], v, 1e-12, `stride-2 full conv [${n}]`));
});

test('the default weight to explain: the largest |∂L/∂K| (hand case)', () => {
  // ∂L/∂K[i,j] = X[i,j]·1 + X[i,j+1]·(−1) + X[i+1,j]·2 + X[i+1,j+1]·0.5 on the 4×4 hand case:
  //   [0,0] = 1 − 2 + 0 + 0.5 = −0.5   [0,1] = 2 − 0 + 2 + 1.5 = 5.5   [0,2] = 0 − 1 + 6 + 0.5 = 5.5
  //   [1,0] = 0 − 1 + 4 + 0.5 = 3.5    [1,1] = 1 − 3 + 2 + 0 = 0       [1,2] = 3 − 1 + 0 + 0 = 2
  //   [2,0] = 2 − 1 + 2 + 0 = 3        [2,1] = 1 − 0 + 0 + 1 = 2       [2,2] = 0 − 0 + 4 + 0.5 = 4.5
  // largest |·| = 5.5, first at (0, 1)
  const g = convGeometry({ filters: 1, kernel: 3 }, { channels: 1, height: 4, width: 4 });
  const sums = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) sums.push(kernelWeightSum(X, DELTA, g, 0, 0, i, j).total);
  assert.deepEqual(sums, [-0.5, 5.5, 5.5, 3.5, 0, 2, 3, 2, 4.5]);
  assert.deepEqual(largestWeightGradient(X, DELTA, g), { o: 0, c: 0, i: 0, j: 1 });
  // all-zero δ: the centre of filter 0
  assert.deepEqual(largestWeightGradient(X, [0, 0, 0, 0], g), { o: 0, c: 0, i: 1, j: 1 });
});

test('the terms that weigh most, the rest summed; relative differences', () => {
  const terms = [1, -5, 0.5, 3, -3].map((product) => ({ product }));
  const { shown, rest, restCount } = topTerms(terms, 3);
  // |−5| > |3| = |−3| (tie: the earlier, 3, wins) > |1|: shown −5, 3, −3 in their order; rest 1 + 0.5
  assert.deepEqual(shown.map((t) => t.product), [-5, 3, -3]);
  assert.equal(rest, 1.5);
  assert.equal(restCount, 2);
  assert.deepEqual(topTerms(terms, 9).shown.length, 5);
  assert.equal(relativeDifference(1, 1.5), 0.5 / 1.5);
  assert.equal(relativeDifference(0, 0), 0);
  assert.equal(relativeDifference(-2, 2), 2);
});

test('cell colours: the diverging map on ±vmax, ink on paper, upscaled and strided', () => {
  assert.equal(maxAbs([0.5, -2, NaN, 1]), 2);
  assert.equal(maxAbs([]), 0);
  assert.equal(maxAbs([9, 1, -3], 1), 3);
  // ink: 0 → paper (255), 1 → (20, 24, 30), 0.5 → 255 + (20 − 255)/2 = 137.5 → 138 (and 140, 143)
  assert.deepEqual(inkRGB(0), [255, 255, 255]);
  assert.deepEqual(inkRGB(1), [20, 24, 30]);
  assert.deepEqual(inkRGB(0.5), [138, 140, 143]);
  assert.deepEqual(inkRGB(7), [20, 24, 30]);
  assert.deepEqual(inkRGB(NaN), [255, 255, 255]);
  // a 1×2 block, scale 2, into a 5-wide buffer at (1, 0): pixels (1..2, 0..1) and (3..4, 0..1)
  const px = new Uint8ClampedArray(5 * 2 * 4);
  paintCells(px, 5, 1, 0, [-2, 2], { rows: 1, cols: 2, scale: 2, vmax: 2 });
  const at = (x, y) => [...px.slice((y * 5 + x) * 4, (y * 5 + x) * 4 + 4)];
  assert.deepEqual(at(0, 0), [0, 0, 0, 0]);                       // untouched
  assert.deepEqual(at(1, 1), [...divergingRGB(-1, 1), 255]);      // −2/2 = −1: full orange
  assert.deepEqual(at(4, 0), [...divergingRGB(1, 1), 255]);       // +1: full blue
  assert.deepEqual(divergingRGB(-1, 1), [230, 159, 0]);
  // a column of a row-major 2×3 matrix (stride 3, offset 1): values 2 and 5 as ink
  const col = new Uint8ClampedArray(2 * 4);
  paintCells(col, 1, 0, 0, [0, 0, 0, 0, 0, 1], { rows: 2, cols: 1, mode: 'ink', offset: 2, stride: 3 });
  assert.deepEqual([...col], [255, 255, 255, 255, 20, 24, 30, 255]);
});

test('tile layouts and hit tests', () => {
  // 5 tiles of 10×8, 3 a row, gap 2, pad 1, 6 px of labels on the left and 4 on top:
  // width 2 + 6 + 30 + 4 = 42, height 2 + 4 + 16 + 2 = 24; tile 4 at x = 7 + 12, y = 5 + 10
  const L = tileLayout(5, 10, 8, { maxCols: 3, gap: 2, pad: 1, left: 6, top: 4 });
  assert.deepEqual([L.cols, L.rows, L.width, L.height, L.x(4), L.y(4)], [3, 2, 42, 24, 19, 15]);
  assert.deepEqual(tileAt(L, 19 + 5, 15 + 3, 5, 2), { index: 4, r: 1, c: 2 });
  assert.equal(tileAt(L, 17.5, 15, 5), null);          // in the gap
  assert.equal(tileAt(L, 31 + 1, 15, 5), null);         // where a sixth tile would be
  assert.equal(tileAt(L, 3, 3, 5), null);               // on the labels
  const row = tileLayout(4, 5, 5);   // maxCols 0: one row, gap 2: 4·5 + 3·2 = 26 wide
  assert.deepEqual([row.cols, row.rows, row.width, row.height, row.x(3)], [4, 1, 26, 5, 21]);
  assert.equal(cellFor(28, 28, 84), 3);
  assert.equal(cellFor(8, 8, 56), 7);
  assert.equal(cellFor(5, 5, 3), 1);
});

test('the code plane and its pixels, y up; nearest point', () => {
  const axes = { xmin: -2, xmax: 2, ymin: 0, ymax: 10 };
  // 100×100 with a 10 px inset: x = −2 at px 10, +2 at 90; y = 10 at py 10, 0 at 90
  assert.deepEqual(planeToPixel(axes, 100, 100, -2, 10, 10), [10, 10]);
  assert.deepEqual(planeToPixel(axes, 100, 100, 1, 2.5, 10), [70, 70]);
  assert.deepEqual(pixelToPlane(axes, 100, 100, 70, 70, 10), [1, 2.5]);
  assert.deepEqual(pixelToPlane(axes, 100, 100, 50, 50, 10), [0, 5]);
  const near = nearestPoint([0, 0, 3, 4, 1, 1], 2, 2.5, 3.5);
  assert.equal(near.index, 1);
  assert.ok(Math.abs(near.distance - Math.SQRT1_2) < 1e-12);
  assert.equal(nearestPoint([], 2, 0, 0).index, -1);
  assert.equal(nearestPoint([0, 9, 5, 1, 0, 0], 3, 1, 0, 2, 0).index, 1);   // dims (2, 0): points (5, 0), (0, 1)
});

test('numbers for cells and sums: short, true minus signs, negatives in parentheses', () => {
  assert.equal(shortNumber(0), '0');
  assert.equal(shortNumber(-0.4567), '−0.46');
  assert.equal(shortNumber(12.34), '12');
  assert.equal(shortNumber(123.6), '124');
  assert.equal(shortNumber(0.0123, 3), '0.0123');
  assert.equal(shortNumber(-0.00031), '−3e−4');
  assert.equal(shortNumber(NaN), '–');
  assert.equal(factorText(-0.118), '(−0.118)');
  assert.equal(factorText(1), '1');
  assert.equal(coord(-1.1e-16), '0.0');
  assert.equal(coord(-0.93), '−0.9');
  assert.equal(coord(2.96), '3.0');
});

test('ten class colours, all different', () => {
  assert.equal(DIGIT_RGB.length, 10);
  assert.equal(new Set(DIGIT_RGB.map(String)).size, 10);
});

test('the PCA sentence follows the two errors', () => {
  // 1 − 0.0381/0.0556 = 0.3147: "31% less"
  assert.match(nonlinearitySentence(0.0381, 0.0556), /31% less squared error/);
  assert.match(nonlinearitySentence(0.05, 0.05), /about as well as PCA/);
  // 0.066/0.055 − 1 = 0.2: "20% above"
  assert.match(nonlinearitySentence(0.066, 0.055), /20% above PCA/);
  assert.match(nonlinearitySentence(NaN, 0.05), /Train the autoencoder/);
});

// The views read the engine's arrays by the rules above (conv W as (C_in·k·k, C_out), δ of a
// layer = ∂L/∂ its output, parameter names by weighted-layer count): on a real trace of the W4
// CNN (UCI 8×8, after 30 steps) every kernel weight's sum over positions is the engine's gradient
// of that digit, the full convolution is the δ of the layer below, and the routed δ of each
// max-pool is the engine's.
test('the explain sums agree with the digits engine on a real trace', async () => {
  const m = await loadBackprop('backprop-digits');
  const bytes = new Uint8Array(fs.readFileSync(new URL('../../web/data/optdigits-8x8.bpimg', import.meta.url)));
  const s = new m.ImageSession(m.defaultImageConfig('cnn', 'uci', 'relu'), bytes);
  try {
    s.step(30);
    const { rows, cols } = s.imageShape();
    const t = s.trace(s.testImage(3).slice(), s.testLabels()[3]);
    const names = weightedLayerNames(t.layers);
    assert.deepEqual(s.params().map((p) => p.name), names.filter(Boolean).flatMap((n) => [`${n}.W`, `${n}.b`]));
    let convs = 0; let pools = 0;
    t.layers.forEach((l, li) => {
      const inp = layerInput(t, li, rows, cols);
      if (l.kind === 'conv2d') {
        convs++;
        const g = convGeometry(parseConvText(l.text), inp);
        const W = s.param(`${names[li]}.W`).slice();
        const G = s.paramGradient(`${names[li]}.W`).slice();
        for (let o = 0; o < g.cout; o++) for (let c = 0; c < g.cin; c++) for (let i = 0; i < g.k; i++) for (let j = 0; j < g.k; j++) {
          close(kernelWeightSum(inp.values, l.delta, g, o, c, i, j).total, G[convWeightIndex(o, c, i, j, g.k, g.cout)], 1e-10, `${names[li]} dK[${o},${c},${i},${j}]`);
        }
        const below = layerInputDelta(t, li);
        convInputDelta(l.delta, W, g).forEach((v, n) => close(v, below[n], 1e-10, `${names[li]} dX[${n}]`));
      }
      if (l.kind === 'max_pool') {
        pools++;
        const r = poolRouting(inp.values, inp.channels, inp.height, inp.width, l.delta);
        assert.deepEqual([...r.routed], [...layerInputDelta(t, li)]);
        assert.deepEqual([...r.output], [...l.output]);
      }
    });
    assert.deepEqual([convs, pools], [2, 2]);
  } finally {
    s.delete();
  }
});

test('columnsThatFit: as many digit columns as the panel holds, at least 3, all before layout', async () => {
  const { columnsThatFit } = await import('../../web/js/digits/views/image-draw.js');
  const box = (w) => ({ clientWidth: w });
  // 112 px of row names, 48 px tiles 6 px apart: 112 + 2 + 5·48 + 4·6 = 378 px hold five columns
  assert.equal(columnsThatFit(box(378), 12, { left: 112, tile: 48, gap: 6 }), 5);
  assert.equal(columnsThatFit(box(377), 12, { left: 112, tile: 48, gap: 6 }), 4);
  assert.equal(columnsThatFit(box(5000), 12, { left: 112, tile: 48, gap: 6 }), 12, 'never more than there are');
  assert.equal(columnsThatFit(box(150), 12, { left: 112, tile: 48, gap: 6 }), 3, 'a narrow panel scrolls three');
  assert.equal(columnsThatFit(box(150), 2, { left: 112, tile: 48, gap: 6 }), 2);
  assert.equal(columnsThatFit(box(0), 12, { left: 112, tile: 48, gap: 6 }), 12, 'not laid out yet');
});
