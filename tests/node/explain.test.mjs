// Explain mode through the wasm module: the numbers the page shows are the core's, and
// applying the shown Δw is the next training step.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadBackprop } from './load.mjs';

let bp;
before(async () => {
  bp = await loadBackprop();
});

const cfg = {
  dataset: { name: 'xor', points: 200, seed: 2 },
  network: { hidden: [3, 2], activation: 'tanh', seed: 3 },
  training: { optimizer: 'momentum', learningRate: 0.05, batchSize: 8 },
};

test('explain(one point) returns every z, a, delta, dW and the update; commit applies exactly it', () => {
  const s = new bp.Session(cfg);
  const twin = new bp.Session(cfg);
  try {
    s.step(3);
    const e = s.explain([1.5, -2], [1]);
    assert.equal(e.N, 1);
    assert.equal(e.layers.length, 3);
    assert.equal(e.layers[0].z.length, 3);
    assert.equal(e.layers[0].dW.length, 2 * 3);
    // a = tanh(z) on the hidden layers, the output is a sigmoid
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(e.layers[0].a[j] - Math.tanh(e.layers[0].z[j])) < 1e-12);
    const out = e.layers[2].a[0];
    assert.ok(Math.abs(out - 1 / (1 + Math.exp(-e.layers[2].z[0]))) < 1e-12);
    // sigmoid + cross-entropy: δ_out = a − t for one example, loss = −log a
    assert.ok(Math.abs(e.layers[2].delta[0] - (out - 1)) < 1e-15);
    assert.ok(Math.abs(e.dataLoss + Math.log(out)) < 1e-12);
    // the core also gives ∂L/∂a and f'(z) per neuron: δ = f'(z) · ∂L/∂a on the hidden layers
    for (let l = 0; l < 2; l++) {
      const L = e.layers[l];
      for (let j = 0; j < L.delta.length; j++) assert.ok(Math.abs(L.delta[j] - L.slope[j] * L.da[j]) < 1e-15);
    }
    assert.equal(e.layers[2].da.length, 0, 'fused sigmoid + cross-entropy output has no separate ∂L/∂a');
    // explaining changed nothing
    assert.deepEqual(Array.from(s.weights(1)), Array.from(e.layers[1].W));
    s.commitExplained();
    assert.deepEqual(Array.from(s.weights(1)), Array.from(e.layers[1].WAfter));
    assert.deepEqual(Array.from(s.biases(2)), Array.from(e.layers[2].bAfter));
    assert.equal(s.stats().step, 4);
    assert.throws(() => s.commitExplained(), /explain/);
  } finally {
    s.delete();
    twin.delete();
  }
});

test('explainNextBatch + commit equals step(1); chain-rule gradients agree with finite differences', () => {
  const a = new bp.Session(cfg);
  const b = new bp.Session(cfg);
  try {
    a.step(5); b.step(5);
    const e = a.explainNextBatch();
    assert.equal(e.N, 8);
    for (let l = 0; l < e.layers.length; l++) {
      const fanIn = e.layers[l].W.length / e.layers[l].b.length;
      for (let i = 0; i < fanIn; i++) {
        for (let j = 0; j < e.layers[l].b.length; j++) {
          const c = a.chainRule(l, i, j);
          assert.ok(c.relError < 1e-6, `layer ${l} (${i},${j}) rel error ${c.relError}`);
          assert.equal(c.deltaJ.length, 8);
          const sum = c.deltaJ.reduce((acc, d, n) => acc + d * c.aI[n], 0);
          assert.ok(Math.abs(sum - c.dataGradient) < 1e-14);
        }
      }
    }
    a.commitExplained();
    b.step(1);
    for (let l = 0; l < 3; l++) assert.deepEqual(Array.from(a.weights(l)), Array.from(b.weights(l)));
  } finally {
    a.delete();
    b.delete();
  }
});

test('the input Jacobian matches finite differences of predict at sampled points', () => {
  const s = new bp.Session({ ...cfg, dataset: { name: 'spiral3', points: 150 }, features: ['x1', 'x2', 'x1x2', 'sinx1'] });
  try {
    s.step(40);
    const pts = [0.5, 1.5, -2.2, 3.1, 4.4, -0.9];
    const J = Array.from(s.inputJacobian(pts));
    const K = 3, h = 1e-5;
    for (let n = 0; n < 3; n++) {
      for (let d = 0; d < 2; d++) {
        const plus = pts.slice(), minus = pts.slice();
        plus[2 * n + d] += h; minus[2 * n + d] -= h;
        const yp = Array.from(s.predict(plus)), ym = Array.from(s.predict(minus));
        for (let k = 0; k < K; k++) {
          const numeric = (yp[n * K + k] - ym[n * K + k]) / (2 * h);
          const analytic = J[n * 2 * K + 2 * k + d];
          assert.ok(Math.abs(analytic - numeric) <= 1e-6 * Math.max(1, Math.abs(numeric)), `n${n} d${d} k${k}: ${analytic} vs ${numeric}`);
        }
      }
    }
  } finally {
    s.delete();
  }
});
