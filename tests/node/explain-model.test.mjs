// Tests of web/js/playground/explain/explain-model.js (what explain mode shows at each step) against real traces
// from the wasm module: the numbers it puts on nodes and links are the trace's own, its few
// derived figures are consistent with the core's (f'(z_j) · Σ_k w_jk δ_k = δ_j, W + Δw =
// W_after), and the Jacobian arrows point along the core's gradients.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadBackprop } from './load.mjs';
import {
  fmtNum, fmtSci, cycleSteps, phaseStart, nodeNotes, linkValues, labelledLayers, deltaW, deltaB,
  chainRulePath, activationSlope, lossInfo, relErrorVerdict, jacobianGridPoints, jacobianArrows,
  nearestPoint, stepCaption, traceShape, subscript, PHASES,
} from '../../web/js/playground/explain/explain-model.js';

let bp;
before(async () => {
  bp = await loadBackprop();
});

/** The layout as the page's worker gives it (hidden layers apart from the output). */
function pageLayout(s) {
  const l = s.layout();
  const layers = Array.from(l.layers, (x) => ({ size: x.size, activation: String(x.activation) }));
  const output = layers.pop();
  return { features: Array.from(l.features, String), hidden: layers, output, outputs: l.outputs, classes: l.classes, loss: String(l.loss) };
}

const CONFIGS = {
  tanh: { dataset: { name: 'xor', points: 200, seed: 2 }, network: { hidden: [3, 2], activation: 'tanh', seed: 3 }, training: { optimizer: 'momentum', learningRate: 0.05, batchSize: 8 } },
  relu3: { dataset: { name: 'spiral3', points: 150 }, features: ['x1', 'x2', 'x1x2'], network: { hidden: [5, 4], activation: 'relu', seed: 4 }, training: { optimizer: 'adam', learningRate: 0.01, batchSize: 6 } },
  sigmoidSq: { dataset: { name: 'circle', points: 120 }, network: { hidden: [4], activation: 'sigmoid', output: 'tanh', seed: 5 }, training: { batchSize: 5, regularization: 'l2', regularizationRate: 0.01 } },
  regress: { dataset: { name: 'plane', points: 100 }, network: { hidden: [3, 3], activation: 'leaky_relu', seed: 6 }, training: { batchSize: 4 } },
  linear: { dataset: { name: 'gaussians', points: 80 }, network: { hidden: [] }, training: { batchSize: 3 } },
};

function withSession(cfg, fn) {
  const s = new bp.Session(cfg);
  try {
    return fn(s);
  } finally {
    s.delete();
  }
}

test('fmtNum: 4 significant digits, a real minus, powers of ten outside 0.001 .. 10 000', () => {
  const cases = [
    [0, '0'], [1, '1'], [-2, '−2'], [0.1588283352, '0.1588'], [0.5, '0.5'], [1234.56, '1235'],
    [-0.00123456, '−0.001235'], [3.4e-11, '3.40×10⁻¹¹'], [-2.5e-5, '−2.50×10⁻⁵'], [123456, '1.23×10⁵'],
    [9999.96, '1.00×10⁴'], [NaN, '–'], [Infinity, '∞'], [-Infinity, '−∞'], [0.001, '0.001'],
  ];
  for (const [v, want] of cases) assert.equal(fmtNum(v), want, `fmtNum(${v})`);
  assert.equal(fmtSci(2.4701770734416203e-10), '2.47×10⁻¹⁰');
  assert.equal(fmtSci(1.5), '1.50');
  assert.equal(fmtSci(0), '0');
  assert.equal(subscript(12), '₁₂');
});

test('the cycle: inputs, each layer forward, the loss, each layer backward, the update', () => {
  const steps = cycleSteps(3);
  assert.deepEqual(steps.map((s) => `${s.phase}${s.layer}`),
    ['forward-1', 'forward0', 'forward1', 'forward2', 'loss2', 'backward2', 'backward1', 'backward0', 'update-1']);
  assert.equal(cycleSteps(1).length, 5);
  assert.equal(phaseStart(steps, 'loss'), 4);
  assert.equal(phaseStart(steps, 'backward'), 5);
  assert.equal(phaseStart(steps, 'update'), 8);
  assert.deepEqual(PHASES.map((p) => p.id), ['forward', 'loss', 'backward', 'update']);
  for (const s of steps) {
    for (const optimizer of ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam']) {
      const c = stepCaption(s, { L: 3, N: 1, optimizer, committed: false });
      assert.ok(c.title.length > 5 && c.text.length > 20);
    }
  }
  assert.deepEqual(labelledLayers({ phase: 'backward', layer: 1 }, 3), [false, true, true]);
  assert.deepEqual(labelledLayers({ phase: 'forward', layer: 0 }, 3), [true, false, false]);
});

test('the notes on the nodes and the values on the links are the trace\'s own numbers', () => {
  for (const [name, cfg] of Object.entries(CONFIGS)) {
    withSession(cfg, (s) => {
      s.step(7);
      const t = s.explainNextBatch();
      const { N, F, sizes, L } = traceShape(t);
      const n = N - 1;
      for (const step of cycleSteps(L)) {
        const notes = nodeNotes(t, step, n);
        assert.equal(notes.length, F + sizes.reduce((a, b) => a + b, 0), name);
        for (let f = 0; f < F; f++) assert.equal(notes[f].lines[0].value, t.inputs[n * F + f]);
        let idx = F;
        for (let l = 0; l < L; l++) {
          const H = sizes[l];
          for (let j = 0; j < H; j++, idx++) {
            const byName = Object.fromEntries(notes[idx].lines.map((x) => [x.sym, x.value]));
            if ('z' in byName) assert.equal(byName.z, t.layers[l].z[n * H + j]);
            if ('a' in byName) assert.equal(byName.a, t.layers[l].a[n * H + j]);
            if ('δ' in byName) assert.equal(byName['δ'], t.layers[l].delta[n * H + j]);
            if ('t' in byName) assert.equal(byName.t, t.target[n * H + j]);
            if ('Δb' in byName) assert.equal(byName['Δb'], t.layers[l].bAfter[j] - t.layers[l].b[j]);
            if (step.phase === 'forward' && l <= step.layer) assert.ok('z' in byName && 'a' in byName);
            if (step.phase === 'backward' && l >= step.layer) assert.ok('δ' in byName);
          }
        }
        const links = linkValues(t, step);
        links.forEach((lv, l) => {
          const want = { w: t.layers[l].W, grad: t.layers[l].dW }[lv.kind];
          if (want) assert.deepEqual(Array.from(lv.values), Array.from(want));
          else assert.deepEqual(Array.from(lv.values), Array.from(deltaW(t, l)));
        });
      }
    });
  }
});

test('W + Δw is W_after, and committing the trace gives exactly W_after', () => {
  for (const cfg of Object.values(CONFIGS)) {
    withSession(cfg, (s) => {
      s.step(4);
      const t = s.explainNextBatch();
      s.commitExplained();
      t.layers.forEach((layer, l) => {
        const dw = deltaW(t, l);
        const db = deltaB(t, l);
        const W = s.weights(l);
        for (let k = 0; k < dw.length; k++) {
          assert.equal(W[k], layer.WAfter[k]);
          assert.ok(Math.abs(layer.W[k] + dw[k] - W[k]) <= 1e-15 * Math.max(1, Math.abs(W[k])));
        }
        for (let k = 0; k < db.length; k++) assert.ok(Math.abs(layer.b[k] + db[k] - layer.bAfter[k]) <= 1e-15 * Math.max(1, Math.abs(layer.bAfter[k])));
      });
    });
  }
});

test('the chain-rule path: f\'(z_j) · Σ_k w_jk δ_k is the core\'s δ_j, the output δ follows from a − t', () => {
  for (const [name, cfg] of Object.entries(CONFIGS)) {
    withSession(cfg, (s) => {
      s.step(9);
      const t = s.explainNextBatch();
      const layout = pageLayout(s);
      const { L, sizes, N } = traceShape(t);
      const info = lossInfo(layout);
      for (let l = 0; l < L; l++) {
        const fan = t.layers[l].W.length / sizes[l];
        for (let i = 0; i < fan; i++) {
          for (let j = 0; j < sizes[l]; j++) {
            const c = s.chainRule(l, i, j);
            for (let n = 0; n < N; n++) {
              const p = chainRulePath(t, layout, c, n);
              assert.equal(p.analytic, c.analytic);
              assert.equal(p.numeric, c.numeric);
              assert.equal(p.gradient, t.layers[l].dW[i * sizes[l] + j]);
              assert.equal(p.terms.length, N);
              assert.equal(p.path[0].kind, 'loss');
              const out = p.path[1];
              for (const o of out.outputs) {
                const slope = out.slope ? out.slope[o.k].value : 1;
                const want = (slope * (o.a - o.t)) / N;
                assert.ok(Math.abs(want - o.delta) <= 1e-12 * Math.max(1e-3, Math.abs(o.delta)), `${name} output δ ${want} vs ${o.delta}`);
              }
              assert.equal(out.slope === null, info.fused);
              const neuron = p.path.find((q) => q.kind === 'neuron');
              if (l < L - 1) {
                const prod = neuron.slope.value * neuron.sum.value;
                assert.ok(Math.abs(prod - neuron.delta) <= 1e-12 * Math.max(1e-6, Math.abs(neuron.delta)), `${name} l${l} (${i},${j}) n${n}: ${prod} vs ${neuron.delta}`);
                assert.equal(neuron.delta, t.layers[l].delta[n * sizes[l] + j]);
                assert.equal(p.path.filter((q) => q.kind === 'layer').length, L - 2 - l);
              } else {
                assert.equal(neuron, undefined);
              }
            }
          }
        }
      }
    });
  }
});

test('activation slopes and loss descriptions', () => {
  assert.equal(activationSlope('tanh', 0.3, 0.5).value, 0.75);
  assert.equal(activationSlope('sigmoid', 0, 0.5).value, 0.25);
  assert.equal(activationSlope('relu', -1, 0).value, 0);
  assert.equal(activationSlope('relu', 2, 2).value, 1);
  assert.equal(activationSlope('leaky_relu', -1, -0.01).value, 0.01);
  assert.equal(activationSlope('linear', 5, 5).value, 1);
  assert.equal(lossInfo({ output: { activation: 'softmax' }, loss: 'softmax_ce' }).fused, true);
  assert.equal(lossInfo({ output: { activation: 'tanh' }, loss: 'squared' }).fused, false);
  assert.equal(relErrorVerdict(1e-11).level, 'good');
  assert.equal(relErrorVerdict(3e-5).level, 'ok');
  assert.equal(relErrorVerdict(0.2).level, 'bad');
  assert.equal(relErrorVerdict(NaN).level, 'bad');
});

test('Jacobian arrows: one core call over a grid, each arrow along its gradient, the longest one cell', () => {
  withSession({ ...CONFIGS.relu3, network: { hidden: [6], activation: 'tanh', seed: 2 } }, (s) => {
    s.step(30);
    const side = 15;
    const pts = jacobianGridPoints(side);
    assert.equal(pts.length, 2 * side * side);
    assert.deepEqual([pts[0], pts[1]], [-6 + 0.4, 6 - 0.4]);
    const K = 3;
    const J = s.inputJacobian(pts).slice();
    assert.equal(J.length, side * side * K * 2);
    for (const sqrt of [true, false]) {
      const { arrows, maxMagnitude } = jacobianArrows(J, pts, K, { sqrt });
      assert.equal(arrows.length, side * side * K);
      let longest = 0;
      arrows.forEach((a, q) => {
        const p = Math.floor(q / K);
        const gx = J[p * 2 * K + 2 * a.k];
        const gy = J[p * 2 * K + 2 * a.k + 1];
        assert.equal(a.x, pts[2 * p]);
        assert.ok(Math.abs(a.dx * gy - a.dy * gx) <= 1e-9 * Math.max(1e-12, Math.hypot(gx, gy) * a.length), 'parallel');
        assert.ok(a.dx * gx + a.dy * gy >= 0, 'same direction');
        assert.ok(Math.abs(a.magnitude - Math.hypot(gx, gy)) < 1e-12);
        longest = Math.max(longest, a.length);
      });
      assert.ok(Math.abs(longest - 0.9 * (12 / side)) < 1e-12);
      assert.ok(maxMagnitude > 0);
    }
  });
});

test('nearestPoint finds the data point under a click', () => {
  const train = Float64Array.from([0, 0, 1, 2, 2, 0, -3, 1, 1]);
  const test = Float64Array.from([2.1, 2.1, 1]);
  assert.deepEqual(nearestPoint({ train, test }, 1.9, 2.05, 0.5), { x: 2, y: 2, label: 0, set: 'train', index: 1 });
  assert.deepEqual(nearestPoint({ train, test }, 2.12, 2.12, 0.5), { x: 2.1, y: 2.1, label: 1, set: 'test', index: 0 });
  assert.equal(nearestPoint({ train, test: null }, 5, 5, 0.5), null);
});
