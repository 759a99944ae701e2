// The recurrent page's limits (web/js/recurrent/state.js) stay within the engine's: every value a
// link or a control can give is one the core accepts, so the page never sends what the engine
// refuses and an import the page takes is one it can hold exactly (issue 12 item 2). The core's
// limits are read from its own text (core/limits.hpp and the parsers of the model files), so a
// change there that the page does not follow fails here; then every range end the page allows
// is handed to the wasm engine, which must accept it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBackprop } from './load.mjs';
import {
  LIMITS, FONT, fieldOf, defaultState, sequenceConfig, fixedPointConfig, fitState,
} from '../../web/js/recurrent/state.js';
import { core, constants, L, seedMax, parserRange, assertWithin } from './core-limits.mjs';

/** The range a model-file parser gives a field: f.number("key", fallback, lo, hi). */
const numberRange = (text, key) => parserRange(text, key, 'the parser');

const FP = { ...constants(core('recurrent/fixed_point.hpp')), ...constants(core('data/fixed_point_tasks.hpp')), ...constants(core('session/fixed_point_session.hpp')) };
// The optimizer fields are read by json_io.hpp's read_optimizer_config for every model file.
const modelIo = core('io/model_io.cpp') + core('io/json_io.hpp');
const fpIo = core('io/fixed_point_io.cpp');

/** Asserts that the page field's range [min, max] lies in the engine's [lo, hi]. */
const within = (prop, lo, hi) => assertWithin(fieldOf(prop), prop, lo, hi);

test('the core\'s limits are read from its headers', () => {
  assert.equal(L.kMaxSequenceLength, 400);
  assert.equal(L.kMaxModelBytes, 16 * 1024 * 1024);
  for (const k of ['kMaxRecurrentHidden', 'kMaxSequences', 'kMaxBatch']) assert.ok(L[k] > 0, k);
  for (const k of ['kMaxRelaxIterations', 'kMaxFixedPointCues', 'kMaxFixedPointTestCues', 'kLetterPixels']) assert.ok(FP[k] > 0, k);
  assert.equal(seedMax, 4294967295);
});

test('sequence settings: every range the page allows is inside the core\'s', () => {
  within('length', 1, L.kMaxSequenceLength);
  within('delay', 0, L.kMaxSequenceLength - 1);
  within('hidden', 1, L.kMaxRecurrentHidden);
  within('truncation', 0, L.kMaxSequenceLength);
  within('sequences', 1, L.kMaxSequences);
  within('batchSize', 1, L.kMaxBatch);
  within('learningRate', ...numberRange(modelIo, 'learningRate'));
  within('clipNorm', ...numberRange(modelIo, 'clipNorm'));
  within('dataSeed', 0, seedMax);
  within('netSeed', 0, seedMax);
  assert.ok(LIMITS.testSequences >= 1 && LIMITS.testSequences <= L.kMaxSequences);
  assert.equal(fieldOf('sample').max, LIMITS.testSequences - 1, 'the sample picker shows only held-out sequences');
  assert.ok(LIMITS.maxModelBytes <= L.kMaxModelBytes);
});

test('fixed-point settings: every range the page allows is inside the core\'s', () => {
  within('fpHidden', 0, L.kMaxRecurrentHidden - 1);              // XOR: hidden + 1 output unit
  within('damage', 0, FP.kLetterPixels);
  within('cueDamage', 0, FP.kLetterPixels);
  within('maxIters', 1, FP.kMaxRelaxIterations);
  within('initScale', ...numberRange(fpIo, 'initScale'));
  for (const p of ['alpha', 'beta', 'tol']) {
    const [lo, hi] = numberRange(fpIo, p);
    within(p, lo, hi);
    assert.ok(fieldOf(p).min > 0, `${p}: the core refuses 0`);     // "a step or a tolerance of 0 would never move or never stop"
  }
  within('fpLearningRate', ...numberRange(modelIo, 'learningRate'));
  within('fpSeed', 0, seedMax);
  within('cueSeed', 0, seedMax);
  assert.ok(LIMITS.cues >= 1 && LIMITS.cues <= FP.kMaxFixedPointCues);
  assert.ok(LIMITS.testCues >= 1 && LIMITS.testCues <= FP.kMaxFixedPointTestCues);
  assert.equal(fieldOf('pattern').max, FONT.length * LIMITS.testCues - 1);
  assert.equal(LIMITS.maxIters, FP.kMaxRelaxIterations);
  // letters: 25 visible units + hidden ≤ kMaxRecurrentHidden once fitState has run
  const s = { ...defaultState(), mode: 'fp', fpTask: 'letters', fpHidden: fieldOf('fpHidden').max };
  fitState(s);
  assert.ok(s.fpHidden + FP.kLetterPixels <= L.kMaxRecurrentHidden);
});

test('the engine accepts every range end the page allows', async () => {
  const bp = await loadBackprop('backprop-recurrent');
  const ends = (prop) => [fieldOf(prop).min, fieldOf(prop).max];
  const tryConfig = (Session, config, what) => {
    let s;
    assert.doesNotThrow(() => { s = new Session(config); }, what);
    const c = s.config();
    s.delete();
    return c;
  };
  const seq = ['length', 'hidden', 'truncation', 'sequences', 'batchSize', 'learningRate', 'clipNorm', 'dataSeed', 'netSeed'];
  for (const prop of seq) {
    for (const v of ends(prop)) {
      const st = { ...defaultState(), task: 'sine', [prop]: v };
      fitState(st);
      const c = tryConfig(bp.SequenceSession, sequenceConfig(st), `${prop} = ${v}`);
      assert.deepEqual(c.task.length, st.length);
    }
  }
  for (const v of ends('delay')) {
    const st = { ...defaultState(), task: 'echo', length: LIMITS.maxLength, delay: v };
    assert.equal(tryConfig(bp.SequenceSession, sequenceConfig(st), `delay = ${v}`).task.delay, v);
  }
  for (const task of ['xor', 'letters']) {
    const fp = ['fpHidden', 'damage', 'alpha', 'beta', 'tol', 'maxIters', 'initScale', 'fpLearningRate', 'fpSeed'];
    for (const prop of fp) {
      for (const v of ends(prop)) {
        const st = { ...defaultState(), mode: 'fp', fpTask: task, [prop]: v };
        fitState(st);
        const c = tryConfig(bp.FixedPointSession, fixedPointConfig(st), `${task}: ${prop} = ${v}`);
        assert.equal(c.hidden, st.fpHidden);
      }
    }
  }
});
