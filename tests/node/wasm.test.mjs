// Tests of the wasm module from Node: it loads, trains, reports errors as JS errors with
// messages, does not leak, and agrees with the native build bit for bit where it must.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBackprop } from './load.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'build', 'native', 'backprop');
let bp;

before(async () => {
  bp = await loadBackprop();
});

const xorConfig = {
  dataset: { name: 'xor', points: 400, noise: 0.05, trainRatio: 0.5, seed: 3 },
  network: { hidden: [4, 4], activation: 'tanh', seed: 5 },
  training: { optimizer: 'sgd', learningRate: 0.03, batchSize: 10, seed: 7 },
};

function withSession(config, fn) {
  const s = new bp.Session(config);
  try {
    return fn(s);
  } finally {
    s.delete();
  }
}

test('the module loads and a session trains XOR to >= 97% test accuracy', () => {
  withSession(xorConfig, (s) => {
    const before = s.stats();
    assert.equal(before.step, 0);
    const stats = s.step(200 * s.stepsPerEpoch());
    assert.equal(stats.diverged, false);
    assert.ok(stats.testAccuracy >= 0.97, `test accuracy ${stats.testAccuracy}`);
    assert.ok(stats.trainLoss < before.trainLoss);
    assert.equal(stats.step, 200 * s.stepsPerEpoch());
  });
});

test('grid evaluation returns G*G outputs and every node output', () => {
  withSession(xorConfig, (s) => {
    s.evaluateGrid(50, -6, 6, -6, 6);
    const out = s.gridOutput();
    assert.equal(out.length, 50 * 50);
    const layout = s.layout();
    assert.deepEqual(layout.layers.map((l) => l.size), [4, 4, 1]);
    const nodes = layout.inputs + 4 + 4 + 1;
    const neurons = s.gridNeurons();
    assert.equal(neurons.length, nodes * 2500);
    // the last node block is the output itself
    const last = neurons.slice((nodes - 1) * 2500);
    assert.deepEqual(Array.from(last), Array.from(s.gridOutput()));
    // the first node is feature x1: column c of the grid has x = -6 + 12 c / 49
    const n2 = s.gridNeurons();
    assert.equal(n2[0], -6);
    assert.equal(n2[49], 6);
    // predict() agrees with the grid at a grid point (row 0 is y = 6)
    const p = s.predict(new Float64Array([-6, 6]));
    assert.ok(Math.abs(p[0] - s.gridOutput()[0]) < 1e-5, 'float32 grid within 1e-5 of the float64 prediction');
  });
});

test('bad arguments throw Error / RangeError naming the field; the session stays usable', () => {
  assert.throws(() => new bp.Session({ dataset: { name: 'spirale' } }), (e) => e instanceof Error && /\/dataset\/name/.test(e.message) && /spiral/.test(e.message));
  assert.throws(() => new bp.Session({ network: { hidden: [40, 2, 3, 4, 5, 6, 7, 8, 9] } }), RangeError);
  assert.throws(() => new bp.Session({ network: { hidden: [300] } }), (e) => e instanceof RangeError && /hidden\/0/.test(e.message));
  assert.throws(() => new bp.Session({ training: { learningRate: NaN } }), Error);
  assert.throws(() => new bp.Session({ trainig: {} }), (e) => /unknown field/.test(e.message));
  withSession(xorConfig, (s) => {
    const before = s.toJSON();
    assert.throws(() => s.step(0), RangeError);
    assert.throws(() => s.evaluateGrid(100000, -6, 6, -6, 6), RangeError);
    assert.throws(() => s.evaluateGrid(10, 6, -6, -6, 6), /x0 < x1/);
    assert.throws(() => s.weights(7), RangeError);
    assert.throws(() => s.setWeight(0, 99, 0, 1), RangeError);
    assert.throws(() => s.setWeight(0, 0, 0, Infinity), Error);
    assert.throws(() => s.updateTraining({ optimizer: 'adamw' }), /adam/);
    assert.throws(() => s.setPoints([1, 2]), /triples/);
    assert.throws(() => s.predict('nope'), /Array/);
    assert.throws(() => s.loadJSON('{"format": "something else"}'), /not a Backprop Playground model/);
    assert.throws(() => s.loadJSON('{"format": "backprop-pla'), /not valid JSON/);
    assert.equal(s.toJSON(), before, 'a failed call changed the session');
    const stats = s.step(10);
    assert.equal(stats.step, 10);
  });
});

test('a diverging learning rate is caught within one call and the weights are restored', () => {
  const cfg = {
    dataset: { name: 'plane', points: 200, seed: 1 },
    network: { hidden: [8], activation: 'relu', seed: 1 },
    training: { optimizer: 'sgd', learningRate: 10, batchSize: 10 },
  };
  withSession(cfg, (s) => {
    const before = Array.from(s.weights(0));
    const st = s.step(100);
    assert.equal(st.diverged, true);
    assert.match(st.message, /diverged/);
    assert.match(st.message, /smaller learning rate/);
    assert.equal(st.step, 0, 'progress rolled back');
    assert.deepEqual(Array.from(s.weights(0)), before, 'weights restored to those before the call');
    assert.ok(Number.isFinite(s.stats().trainLoss));
    // after lowering the rate, training goes on normally
    s.updateTraining({ optimizer: 'sgd', learningRate: 0.001, batchSize: 10 });
    const ok = s.step(100);
    assert.equal(ok.diverged, false);
    assert.ok(Number.isFinite(ok.trainLoss));
  });
});

test('export then import reproduces the predictions, the optimizer state and the progress', () => {
  const cfg = { ...xorConfig, training: { ...xorConfig.training, optimizer: 'adam', learningRate: 0.01 } };
  withSession(cfg, (a) => {
    a.step(300);
    const json = a.toJSON();
    withSession({}, (b) => {
      b.loadJSON(json);
      const pts = new Float64Array([0.5, 0.5, -3, 2, 4, -4]);
      assert.deepEqual(Array.from(b.predict(pts)), Array.from(a.predict(pts)));
      assert.equal(b.stats().step, 300);
      // continuing training from the file gives the same weights as continuing the original
      a.step(50);
      b.step(50);
      assert.deepEqual(Array.from(b.weights(1)), Array.from(a.weights(1)));
    });
  });
});

test('deleting sessions does not leak: heap in use is flat over 300 create/train/delete cycles', () => {
  const cycle = () => withSession(xorConfig, (s) => {
    s.step(20);
    s.evaluateGrid(40, -6, 6, -6, 6);
    s.gridNeurons();
    try { s.loadJSON('{}'); } catch { /* an error path must not leak either */ }
  });
  for (let i = 0; i < 20; i++) cycle(); // warm up: allocator pools settle
  const before = bp.Session.heapBytes();
  for (let i = 0; i < 300; i++) cycle();
  const after = bp.Session.heapBytes();
  assert.ok(after - before < 4096, `heap in use grew by ${after - before} bytes (before ${before}, after ${after})`);
});

test('a long run keeps the heap flat: 400 frames of training + grid + views', () => {
  withSession({ ...xorConfig, network: { hidden: [8, 8], activation: 'tanh' } }, (s) => {
    const frame = () => {
      s.step(250);
      s.evaluateGrid(100, -6, 6, -6, 6);
      s.gridOutput(); s.gridNeurons(); s.weights(1); s.gradNorms(); s.trainPoints();
    };
    for (let i = 0; i < 20; i++) frame();
    const before = bp.Session.heapBytes();
    for (let i = 0; i < 400; i++) frame();
    const after = bp.Session.heapBytes();
    assert.equal(after, before, `heap in use moved from ${before} to ${after} bytes over 100,000 training steps`);
  });
});

// ---- parity with the native build ---------------------------------------------------------
function nativeJSON(args, config) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-parity-'));
  const cfgPath = path.join(dir, 'run.json');
  fs.writeFileSync(cfgPath, JSON.stringify(config));
  const outPath = path.join(dir, 'model.json');
  const stdout = execFileSync(cli, [...args, '--config', cfgPath, ...(args[0] === 'train' ? ['--out', outPath] : [])], { encoding: 'utf8' });
  return args[0] === 'train' ? JSON.parse(fs.readFileSync(outPath, 'utf8')) : JSON.parse(stdout);
}

const parityConfigs = [
  { dataset: { name: 'spiral', points: 500, noise: 0.1, trainRatio: 0.5, seed: 7 }, network: { hidden: [8, 8], activation: 'tanh', init: 'glorot', seed: 11 } },
  { dataset: { name: 'circle', points: 300, noise: 0.2, seed: 2 }, features: ['x1', 'x2', 'x1sq', 'sinx2'], network: { hidden: [6], activation: 'relu', init: 'he', seed: 4 } },
  { dataset: { name: 'spiral3', points: 300, seed: 9 }, network: { hidden: [5, 5], activation: 'sigmoid', init: 'uniform', seed: 2 }, training: { optimizer: 'adam', learningRate: 0.01 } },
  { dataset: { name: 'multigaussian', points: 300, seed: 5 }, network: { hidden: [4], activation: 'leaky_relu', seed: 3 }, training: { optimizer: 'rmsprop', learningRate: 0.01 } },
];

test('native and wasm generate bit-identical datasets for the same seed', { skip: !fs.existsSync(cli) && 'native CLI not built' }, () => {
  for (const cfg of parityConfigs) {
    const native = nativeJSON(['data'], cfg);
    withSession(cfg, (s) => {
      assert.deepEqual(Array.from(s.trainPoints()), native.train.flat(), `${cfg.dataset.name} train points`);
      assert.deepEqual(Array.from(s.testPoints()), native.test.flat(), `${cfg.dataset.name} test points`);
    });
  }
});

test('native and wasm give bit-identical initial weights, and losses within 1e-9 after 100 steps', { skip: !fs.existsSync(cli) && 'native CLI not built' }, () => {
  for (const cfg of parityConfigs) {
    const initial = nativeJSON(['train', '--steps', '0'], cfg);
    const trained = nativeJSON(['train', '--steps', '100'], cfg);
    withSession(cfg, (s) => {
      const wasmInitial = JSON.parse(s.toJSON());
      assert.deepEqual(wasmInitial.weights, initial.weights, `${cfg.dataset.name}: initial weights`);
      s.step(100);
      withSession({}, (n) => {
        n.loadJSON(JSON.stringify(trained));
        const a = s.stats(), b = n.stats();
        for (const key of ['trainLoss', 'testLoss']) {
          const rel = Math.abs(a[key] - b[key]) / Math.max(Math.abs(b[key]), 1e-300);
          assert.ok(rel <= 1e-9, `${cfg.dataset.name} ${key}: wasm ${a[key]} native ${b[key]} (rel ${rel})`);
        }
      });
    });
  }
});

// Session.gradients(): the objective over all training points (data loss + penalty) and ∂/∂θ by
// model-file name, checked entry by entry against central differences (L(θ + h) − L(θ − h)) / 2h
// computed here, in JS, with the weights set through the model file and L read back from a
// second session's gradients().loss.
for (const [label, config] of [
  ['sigmoid cross-entropy, tanh', { dataset: { name: 'xor', points: 60, seed: 3 }, network: { hidden: [3, 2], activation: 'tanh', seed: 5 } }],
  ['softmax cross-entropy (3 classes), L2', { dataset: { name: 'spiral3', points: 60, seed: 2 },
    network: { hidden: [4], activation: 'sigmoid', seed: 1 }, training: { regularization: 'l2', regularizationRate: 0.01 } }],
  ['linear output, regression', { dataset: { name: 'plane', points: 60, seed: 1 }, network: { hidden: [3], activation: 'tanh', seed: 2 } }],
]) {
  test(`Session.gradients(): ${label}, against central differences computed in JS`, () => {
    withSession(config, (s) => {
      s.step(3);
      const text = s.toJSON(), stats = s.stats();
      const g = s.gradients();
      assert.equal(s.toJSON(), text, 'gradients() changed the session');
      assert.deepEqual(s.stats(), stats);
      assert.equal(g.points, s.trainPoints().length / 3);
      const file = JSON.parse(text);
      const names = Object.keys(g.gradients);
      assert.deepEqual(names, names.map((_, k) => `${k % 2 ? 'b' : 'W'}${(k >> 1) + 1}`));  // W1 b1 W2 b2 ...
      if (!config.training) assert.ok(Math.abs(g.loss - stats.trainLoss) <= 1e-12 * stats.trainLoss, `${g.loss} vs ${stats.trainLoss}`);
      const probe = new bp.Session(config);
      try {
        const loss = () => { probe.loadJSON(JSON.stringify(file)); return probe.gradients().loss; };
        let worst = 0, n = 0;
        const h = 1e-5;
        const visit = (name, rows) => {
          const gr = g.gradients[name];
          assert.deepEqual([gr.length, gr[0].length], [rows.length, rows[0].length], name);
          for (let i = 0; i < rows.length; i++) for (let j = 0; j < rows[i].length; j++) {
            const w0 = rows[i][j];
            rows[i][j] = w0 + h; const up = loss();
            rows[i][j] = w0 - h; const down = loss();
            rows[i][j] = w0;
            const numeric = (up - down) / (2 * h);
            worst = Math.max(worst, Math.abs(numeric - gr[i][j]) / Math.max(1e-3, Math.abs(numeric) + Math.abs(gr[i][j])));
            n++;
          }
        };
        // the model file holds weights as [{W, b}, ...] by layer; gradients() names them W1, b1, ...
        file.weights.forEach((layer, l) => { visit(`W${l + 1}`, layer.W); visit(`b${l + 1}`, layer.b); });
        assert.ok(n > 10);
        assert.ok(worst < 1e-6, `worst relative difference ${worst}`);
      } finally { probe.delete(); }
    });
  });
}

// issue 12, item 9: a gradient check that meets NaN fails (the maximum used to drop NaN and
// report 0 for a model whose weights are 1e200).
test('gradCheck(): passes on a trained XOR net, fails with NaN and a count on 1e200 weights', () => {
  withSession(xorConfig, (s) => {
    s.step(20);
    const ok = s.gradCheck();
    assert.equal(ok.passed, true);
    assert.equal(ok.nonfinite, 0);
    assert.ok(ok.maxRelError < 1e-6, `max relative error ${ok.maxRelError}`);
    const file = JSON.parse(s.toJSON());
    for (const layer of file.weights) layer.W = layer.W.map((row) => row.map((v) => v * 1e200));
    s.loadJSON(JSON.stringify(file));
    const bad = s.gradCheck();
    assert.equal(bad.passed, false);
    assert.ok(Number.isNaN(bad.maxRelError), `max relative error ${bad.maxRelError}`);
    assert.ok(bad.nonfinite > 0);
  });
});
