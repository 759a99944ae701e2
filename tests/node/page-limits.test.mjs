// The playground page's limits (web/js/playground/state.js) are the engine's: every value a link or a
// control can give is one the core accepts, and every model the core can train in the sizes the
// core allows (a CLI model with hidden [64], 5,000 points, learning rate 0) is one the page can
// hold exactly (issue 12 item 2). The core's limits are read from its own text (core/limits.hpp
// and the config parser in core/model_io.cpp), so a change there that the page does not follow
// fails here; then every range end the page allows is handed to the wasm engine, which must
// accept it and report it back unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBackprop } from './load.mjs';
import { LIMITS, fieldOf, defaultState, toEngineConfig } from '../../web/js/playground/state.js';
import { core, L, seedMax, parserRange as rangeIn, assertWithin } from './core-limits.mjs';

// model_io.cpp parses the training object; its optimizer fields go through json_io.hpp's
// read_optimizer_config, shared with the image-network files.
const modelIo = core('io/model_io.cpp') + core('io/json_io.hpp');

/** The range the config parser gives a field: f.number("key", fallback, lo, hi) or f.count(...). */
const parserRange = (key) => rangeIn(modelIo, key, 'core/io/model_io.cpp or core/io/json_io.hpp');

/** Asserts that the page field's range [min, max] lies in the engine's [lo, hi]. */
function within(prop, [lo, hi]) {
  assert.ok(Number.isFinite(lo) && Number.isFinite(hi), `${prop}: the core's range was not read`);
  assertWithin(fieldOf(prop), prop, lo, hi);
}

test('the core\'s limits are read from its headers and its parser', () => {
  assert.equal(L.kMaxModelBytes, 16 * 1024 * 1024);
  for (const k of ['kMaxHiddenLayers', 'kMaxNeurons', 'kMaxPoints', 'kMaxBatch']) assert.ok(L[k] > 0, k);
  assert.deepEqual(parserRange('points'), [1, L.kMaxPoints]);
  assert.deepEqual(parserRange('learningRate'), [0, 10]);
  assert.equal(seedMax, 4294967295);
});

test('one set of limits: the page\'s sizes are the core\'s', () => {
  assert.equal(LIMITS.maxHiddenLayers, L.kMaxHiddenLayers);
  assert.equal(LIMITS.maxNeurons, L.kMaxNeurons);
  assert.equal(LIMITS.maxPoints, L.kMaxPoints);
  assert.equal(LIMITS.maxBatch, L.kMaxBatch);
  assert.equal(LIMITS.maxSeed, seedMax);
  assert.ok(LIMITS.maxCustomPoints <= L.kMaxPoints);
  assert.ok(LIMITS.maxModelBytes <= L.kMaxModelBytes);
  assert.equal(fieldOf('hidden').max, L.kMaxNeurons);
  assert.equal(fieldOf('hidden').maxLength, L.kMaxHiddenLayers);
});

test('every range the page allows is inside the core\'s, and the core\'s ends are the page\'s', () => {
  const ranges = {
    points: parserRange('points'), noise: parserRange('noise'), trainRatio: parserRange('trainRatio'),
    batchSize: parserRange('batchSize'), learningRate: parserRange('learningRate'), momentum: parserRange('momentum'),
    decayRate: parserRange('decayRate'), decaySteps: parserRange('decaySteps'), clipNorm: parserRange('clipNorm'),
    regRate: parserRange('regularizationRate'), dataSeed: [0, seedMax], netSeed: [0, seedMax], trainSeed: [0, seedMax],
  };
  for (const [prop, range] of Object.entries(ranges)) {
    within(prop, range);
    // (a model the core trained at any value it allows can be shown; only 'points' starts higher:
    // fewer than 10 generated points make no picture, and a custom data set ignores it)
    if (prop !== 'points') assert.equal(fieldOf(prop).min, range[0], `${prop}: the page's minimum`);
    assert.equal(fieldOf(prop).max, range[1], `${prop}: the page's maximum`);
  }
  assert.equal(fieldOf('learningRate').min, 0, 'a learning rate of 0 (frozen weights) is a setting');
});

test('the engine accepts every range end the page allows, and reports it back', async () => {
  const bp = await loadBackprop('backprop');
  const props = { points: 'dataset.points', noise: 'dataset.noise', trainRatio: 'dataset.trainRatio', dataSeed: 'dataset.seed',
    batchSize: 'training.batchSize', learningRate: 'training.learningRate', momentum: 'training.momentum',
    decayRate: 'training.decayRate', decaySteps: 'training.decaySteps', clipNorm: 'training.clipNorm',
    regRate: 'training.regularizationRate', trainSeed: 'training.seed', netSeed: 'network.seed' };
  const at = (o, p) => p.split('.').reduce((v, k) => v[k], o);
  for (const [prop, where] of Object.entries(props)) {
    for (const v of [fieldOf(prop).min, fieldOf(prop).max]) {
      const st = { ...defaultState(), hidden: [2], activations: ['tanh'], [prop]: v };
      let s;
      assert.doesNotThrow(() => { s = new bp.Session(toEngineConfig(st)); }, `${prop} = ${v}`);
      assert.equal(at(s.config(), where), v, `${prop} = ${v}`);
      s.delete();
    }
  }
  const big = { ...defaultState(), points: 100, hidden: Array(LIMITS.maxHiddenLayers).fill(LIMITS.maxNeurons) };
  big.activations = big.hidden.map(() => 'relu');
  const s = new bp.Session(toEngineConfig(big));
  assert.deepEqual(s.config().network.hidden, big.hidden);
  s.delete();
});
