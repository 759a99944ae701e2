// The fixed-point (Almeida-Pineda) session through the wasm module: training on XOR and letters,
// the relaxation traces, completion, skipping, errors, model files and leaks.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadBackprop } from './load.mjs';

let bp;
before(async () => {
  bp = await loadBackprop('backprop-recurrent');
});

function withSession(config, fn) {
  const s = new bp.FixedPointSession(config);
  try { return fn(s); } finally { s.delete(); }
}

// With α = 1 (x <- f(a)) this network's 4 XOR patterns never settle (tests/core/test_fixed_point_session.cpp).
const oscillating = { hidden: 7, initScale: 4, relax: { alpha: 1, beta: 1, maxIters: 500 }, seed: 2 };

test('XOR is learned by fixed-point backprop in wasm, with the native figures', () => {
  withSession({}, (s) => {
    const s0 = s.stats();
    assert.equal(s0.step, 0);
    assert.equal(s0.used, 4);
    assert.ok(s0.contractionBound < 1);
    const st = s.step(300);
    assert.equal(st.diverged, false);
    assert.equal(st.stalled, false);
    assert.equal(st.accuracy, 1);
    assert.equal(st.skippedTotal, 0);
    assert.ok(st.testLoss < 1e-6, `test loss ${st.testLoss}`);
    // the same bits as natively (f64, no FMA): 42.75 forward and 20.75 backward iterations
    assert.equal(st.forwardItersMean, 42.75);
    assert.equal(st.backwardItersMean, 20.75);
    assert.equal(st.message, '');
  });
});

test('inspect() gives both relaxations: states per iteration and residuals down to tol', () => {
  withSession({}, (s) => {
    const info = s.inspect(2);
    assert.deepEqual([info.n, info.m, info.K], [4, 2, 1]);
    assert.deepEqual(info.outputs, [3]);
    assert.equal(info.forwardConverged, true);
    assert.equal(info.backwardRun, true);
    assert.equal(info.backwardConverged, true);
    const fr = Array.from(s.traceForwardResidual());
    assert.equal(fr.length, info.forwardIterations);
    assert.equal(s.traceForwardStates().length, (info.forwardIterations + 1) * 4);
    assert.ok(fr[0] > 1e-3 && fr[fr.length - 1] < 1e-10);
    for (let k = 1; k < fr.length; k++) assert.ok(fr[k] <= fr[k - 1]);   // a contraction at the start
    const br = Array.from(s.traceBackwardResidual());
    assert.equal(br.length, info.backwardIterations);
    assert.equal(s.traceBackwardStates().length, (info.backwardIterations + 1) * 4);
    assert.ok(br[br.length - 1] < 1e-10);
    assert.deepEqual(Array.from(s.traceInput()), [1, -1]);
    assert.deepEqual(Array.from(s.traceTarget()), [0.9]);
    assert.equal(s.traceFixedPoint().length, 4);
    assert.equal(s.traceDelta().length, 4);
    assert.equal(s.weights().length, 16);
    assert.equal(s.inputWeights().length, 8);
    assert.equal(s.biases().length, 4);
  });
});

test('letters: trained completion settles a corrupted letter to the stored one', () => {
  withSession({ task: { name: 'letters' } }, (s) => {
    assert.equal(s.evaluationPatterns(), 100);
    assert.equal(s.letters().length, 5 * 25);
    const st = s.step(200);
    assert.ok(st.accuracy >= 0.95, `accuracy ${st.accuracy}`);
    const info = s.complete(3, 5, true, 42);   // T with 5 pixels erased
    assert.equal(info.forwardConverged, true);
    assert.equal(info.recalled, 3);
    assert.equal(info.correct, 25);
    const cue = Array.from(s.traceInput());
    assert.equal(cue.filter((v) => v === 0).length, 5);
    const states = s.traceForwardStates();
    assert.equal(states.length, (info.forwardIterations + 1) * 35);
    assert.deepEqual(Array.from(states.subarray(0, 25)), cue);   // it starts from the cue
    // a cue drawn by hand: the letter T itself
    const T = Array.from(s.letters().subarray(3 * 25, 4 * 25));
    const mine = s.completeCue(Float64Array.from(T));
    assert.equal(mine.recalled, 3);
    assert.equal(s.completeCue(T).recalled, 3);
  });
});

test('patterns that do not settle are reported, skipped, and nothing is trained', () => {
  withSession(oscillating, (s) => {
    const s0 = s.stats();
    assert.equal(s0.used, 0);
    assert.equal(s0.skippedForward, 4);
    assert.ok(Number.isNaN(s0.loss));
    const W0 = Array.from(s.weights());
    const st = s.step(10);
    assert.equal(st.stalled, true);
    assert.equal(st.step, 0);
    assert.match(st.message, /No pattern settled/);
    assert.deepEqual(Array.from(s.weights()), W0);
    const info = s.inspect(0);
    assert.equal(info.forwardConverged, false);
    assert.equal(info.forwardIterations, 500);
    assert.equal(info.backwardRun, false);
    assert.equal(s.traceBackwardResidual().length, 0);
    s.updateTraining(undefined, { alpha: 0.5, beta: 0.5 });
    assert.equal(s.config().relax.alpha, 0.5);
    assert.equal(s.step(1).used, 4);
  });
});

test('errors name the field; the session stays usable', () => {
  assert.throws(() => new bp.FixedPointSession({ task: { name: 'parity' } }), /\/task\/name/);
  assert.throws(() => new bp.FixedPointSession({ hidden: 500 }), RangeError);
  assert.throws(() => new bp.FixedPointSession({ relax: { alpha: 0 } }), (e) => e instanceof RangeError && /\/relax\/alpha/.test(e.message));
  assert.throws(() => new bp.FixedPointSession({ task: { name: 'letters', letters: 'CZ' } }), /letters/);
  assert.throws(() => new bp.FixedPointSession({ training: { batchSize: 4 } }), /\/training\/batchSize/);
  assert.throws(() => new bp.FixedPointSession('{"hidden": '), /not valid JSON/);
  withSession({}, (s) => {
    assert.throws(() => s.step(0), RangeError);
    assert.throws(() => s.step(1.5), RangeError);
    assert.throws(() => s.inspect(4), RangeError);
    assert.throws(() => s.complete(0, 3, false, 1), /letters/);
    assert.throws(() => s.updateTraining({ optimizer: 'lion' }, undefined), /\/training\/optimizer/);
    assert.throws(() => s.updateTraining(undefined, { maxIters: 0 }), RangeError);
    assert.throws(() => s.loadJSON('{"format": "x"}'), /format/);
    assert.throws(() => s.loadJSON(42), /model file's text/);
    s.updateTraining({ learningRate: 0.01, clipNorm: 1 }, { tol: 1e-8 });
    assert.equal(s.config().training.learningRate, 0.01);
    assert.equal(s.config().relax.tol, 1e-8);
    assert.equal(s.step(3).step, 3);
  });
  withSession({ task: { name: 'letters' } }, (s) => {
    assert.throws(() => s.complete(7, 3, false, 1), RangeError);
    assert.throws(() => s.completeCue([1, 2, 3]), /25 values/);
    assert.throws(() => s.completeCue('x'), /Array/);
    assert.throws(() => s.completeCue(new Array(25).fill(2)), /cue\[0\]/);
  });
});

test('export/import of a fixed-point model reproduces the run', () => {
  withSession({ task: { name: 'letters', letters: 'AEO' } }, (a) => {
    a.step(20);
    const text = a.toJSON();
    assert.equal(JSON.parse(text).format, 'backprop-playground-fixed-point-model');
    withSession({}, (b) => {
      b.loadJSON(text);
      assert.equal(b.config().task.letters, 'AEO');
      assert.equal(b.stats().step, 20);
      a.step(5); b.step(5);
      assert.deepEqual(Array.from(b.weights()), Array.from(a.weights()));
    });
  });
});

test('fixed-point sessions do not leak over 200 create/train/inspect/delete cycles', () => {
  const cycle = () => withSession({ task: { name: 'letters', letters: 'HT' } }, (s) => {
    s.step(2);
    s.inspect(0);
    s.traceForwardStates();
    s.complete(1, 3, false, 5);
    try { s.loadJSON('{}'); } catch { /* expected */ }
    try { s.completeCue([1]); } catch { /* expected */ }
    try { s.updateTraining({ optimizer: 'x' }, undefined); } catch { /* expected */ }
  });
  for (let i = 0; i < 10; i++) cycle();
  const before = bp.heapBytes();
  for (let i = 0; i < 200; i++) cycle();
  const grown = bp.heapBytes() - before;
  assert.ok(grown < 4096, `heap in use grew by ${grown} bytes`);
  // failed constructors leak nothing either
  const b2 = bp.heapBytes();
  for (let i = 0; i < 200; i++) {
    try { new bp.FixedPointSession({ hidden: 500 }); } catch { /* expected */ }
  }
  assert.ok(bp.heapBytes() - b2 < 4096);
});
