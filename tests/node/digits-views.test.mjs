// Tests of web/js/digits/views/conv-math.js: the sums the digits page's explain views write out
// (a kernel weight's gradient over positions, the full convolution with the kernel turned by
// 180°, max-pool routing), checked on cases worked by hand and against central differences of
// a tiny conv written here independently (nested arrays K[o][c][i][j], X[c][u][v]).
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  convWeightIndex, convGeometry, kernelOf, rot180, kernelWeightSum, convForward, convInputDelta,
  fullConvolution, fullConvolutionAt, poolRouting, interpolationCodes, fitAxes, meanSquaredError,
} from '../../web/js/digits/views/conv-math.js';

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
