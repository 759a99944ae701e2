// The recurrent session through the wasm module: training, inspection views, errors, leaks.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadBackprop } from './load.mjs';

let bp;
before(async () => {
  bp = await loadBackprop('backprop-recurrent');
});

const echo = {
  task: { name: 'echo', length: 12, sequences: 128, testSequences: 32, delay: 3 },
  cell: 'elman', hidden: 12,
  training: { optimizer: 'adam', learningRate: 0.01, batchSize: 16 },
};

function withSession(config, fn) {
  const s = new bp.SequenceSession(config);
  try { return fn(s); } finally { s.delete(); }
}

test('an Elman RNN learns echo (d = 3) in wasm', () => {
  withSession(echo, (s) => {
    const st = s.step(600);
    assert.equal(st.diverged, false);
    assert.ok(st.testAccuracy > 0.95, `accuracy ${st.testAccuracy}`);
    assert.ok(st.recurrentSigma > 0);
  });
});

test('inspect() fills the trace views: T x H hidden states and T gradient norms', () => {
  withSession({ ...echo, cell: 'lstm' }, (s) => {
    s.step(10);
    const info = s.inspect(2);
    assert.deepEqual([info.T, info.D, info.H, info.K], [12, 1, 12, 1]);
    assert.equal(s.traceHidden().length, 12 * 12);
    assert.equal(s.traceCell().length, 12 * 12);
    assert.equal(s.traceGradNorms().length, 12);
    assert.equal(s.traceLossSteps().length, 12);
    const x = s.traceInput(), y = s.traceTarget();
    // echo: the target at t is the sign of the input 3 steps back (no noise here)
    for (let t = 3; t < 12; t++) assert.equal(y[t], Math.sign(x[t - 3]));
    assert.ok(Array.from(s.traceGradNorms()).every((g) => Number.isFinite(g) && g >= 0));
  });
});

test('errors name the field; the session stays usable', () => {
  assert.throws(() => new bp.SequenceSession({ cell: 'gru' }), /\/cell/);
  assert.throws(() => new bp.SequenceSession({ hidden: 4096 }), RangeError);
  withSession(echo, (s) => {
    assert.throws(() => s.inspect(99), RangeError);
    assert.throws(() => s.freeRun(0, 3, 3), /sine/);
    assert.throws(() => s.updateTraining({ optimizer: 'lion' }, 0), /optimizer/);
    assert.throws(() => s.loadJSON('{"format": "x"}'), /format/);
    s.updateTraining({ clipNorm: 0.5, learningRate: 0.005 }, 4);
    assert.equal(s.config().truncation, 4);
    assert.equal(s.config().training.clipNorm, 0.5);
    assert.equal(s.step(3).step, 3);
  });
});

test('export/import of a recurrent model reproduces the run', () => {
  withSession(echo, (a) => {
    a.step(30);
    withSession({}, (b) => {
      b.loadJSON(a.toJSON());
      a.step(5); b.step(5);
      assert.deepEqual(Array.from(b.recurrentWeights()), Array.from(a.recurrentWeights()));
    });
  });
});

test('sequence sessions do not leak over 200 create/train/delete cycles', () => {
  const cycle = () => withSession(echo, (s) => {
    s.step(2); s.inspect(0); s.traceHidden();
    try { s.loadJSON('{}'); } catch { /* expected */ }
    try { s.updateTraining({ regularization: 'l2' }, 0); } catch { /* expected */ }
  });
  for (let i = 0; i < 10; i++) cycle();
  const before = bp.heapBytes();
  for (let i = 0; i < 200; i++) cycle();
  const grown = bp.heapBytes() - before;
  assert.ok(grown < 4096, `heap in use grew by ${grown} bytes`);
});

// issue 12, item 8: the parity output is σ(z), shown once (not σ(σ(z)), which is always 0.5..0.73)
test('parity predictions are the probability σ(z), for a loaded model', () => {
  const parity = { task: { name: 'parity', length: 6, sequences: 16, testSequences: 4 }, hidden: 1 };
  withSession(parity, (s) => {
    const file = JSON.parse(s.toJSON());
    file.weights.Wy = [[0]];
    file.weights.by = [[-5]];
    s.loadJSON(JSON.stringify(file));
    s.inspect(0);
    const p = Array.from(s.tracePrediction());
    assert.equal(p.length, 6);
    const sigma = 1 / (1 + Math.exp(5));  // 0.0066928509
    for (const v of p) assert.ok(Math.abs(v - sigma) < 1e-12, `prediction ${v}, expected ${sigma}`);
  });
});

// issue 12, item 11: updateTraining accepts what the constructor accepts, and nothing more
test('updateTraining refuses regularization like the constructor does', () => {
  assert.throws(() => new bp.SequenceSession({ ...echo, training: { regularization: 'l2' } }),
    /\/training\/regularization: recurrent sessions take none/);
  withSession(echo, (s) => {
    const before = s.config();
    for (const r of ['l1', 'l2'])
      assert.throws(() => s.updateTraining({ regularization: r, regularizationRate: 0.1 }, 0),
        /\/training\/regularization: recurrent sessions take none/);
    assert.deepEqual(s.config(), before);  // nothing changed
    // what the constructor accepts is accepted live too
    s.updateTraining({ regularization: 'none', optimizer: 'rmsprop', batchSize: 8 }, 3);
    assert.equal(s.config().training.optimizer, 'rmsprop');
    assert.equal(s.config().training.batchSize, 8);
    assert.equal(s.config().truncation, 3);
    assert.throws(() => s.updateTraining({ learningRate: 11 }, 0), /\/training\/learningRate: 11 is outside 0..10/);
  });
});
