// Tests of web/js/playground/state.js: the page's settings and their URL form (no DOM, no engine).
// Property-style: a seeded generator makes thousands of random inputs; the seed is printed in
// a failure message so a case can be replayed.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  parseState, serializeState, defaultState, toEngineConfig, fromEngineConfig, diffStates,
  splitParams, fitActivations, problemOf, trainingConfig,
  DATASET_NAMES, FEATURE_NAMES, ACTIVATIONS, OUTPUTS, LOSSES, INITS, OPTIMIZERS, SCHEDULES,
  REGULARIZATIONS, SPEEDS, LIMITS, STATE_KEYS,
} from '../../web/js/playground/state.js';

// xorshift32: small, seeded, good enough to pick test cases.
function rng(seed) {
  let s = seed >>> 0 || 1;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
  next.int = (a, b) => a + Math.floor(next() * (b - a + 1));
  next.pick = (arr) => arr[Math.floor(next() * arr.length)];
  return next;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789=&%#?,;.:-+_ ~!*()\'"<>/\\é€😀\u0000\n';
function randomString(r, maxLen) {
  const n = r.int(0, maxLen);
  let s = '';
  for (let i = 0; i < n; i++) s += r.pick([...ALPHABET]);
  return s;
}

/** Random text shaped like a hash: known keys with random values, some garbage. */
function randomHash(r) {
  const parts = [];
  const n = r.int(0, 12);
  for (let i = 0; i < n; i++) {
    const key = r() < 0.8 ? r.pick(STATE_KEYS) : randomString(r, 6);
    const value = r() < 0.5 ? randomString(r, 12) : String(r() * 20 - 5);
    parts.push(r() < 0.9 ? `${key}=${value}` : key);
  }
  return parts.join(r() < 0.9 ? '&' : ';');
}

function randomValidState(r) {
  const s = defaultState();
  s.dataset = r.pick(DATASET_NAMES);
  s.points = r.int(10, LIMITS.maxPoints);
  s.noise = r.int(0, 20) / 20;
  s.trainRatio = r.int(1, 9) / 10;
  s.batchSize = r.int(1, LIMITS.maxBatch);
  s.dataSeed = r.int(0, LIMITS.maxSeed);
  s.customTask = r.pick(['classify', 'regress']);
  s.customPoints = [];
  const np = r.int(0, 30);
  for (let i = 0; i < np; i++) {
    const x = Math.round((r() * 12 - 6) * 1000) / 1000;
    const y = Math.round((r() * 12 - 6) * 1000) / 1000;
    const l = s.customTask === 'regress' ? Math.round((r() * 2 - 1) * 1000) / 1000 : r.int(0, 2);
    s.customPoints.push([x + 0, y + 0, l + 0]);
  }
  if (s.dataset !== 'custom') { s.customPoints = []; s.customTask = 'classify'; }
  s.features = FEATURE_NAMES.filter(() => r() < 0.5);
  if (s.features.length === 0) s.features = [r.pick(FEATURE_NAMES)];
  const layers = r.int(0, LIMITS.maxHiddenLayers);
  s.hidden = Array.from({ length: layers }, () => r.int(1, LIMITS.maxNeurons));
  s.activations = s.hidden.map(() => r.pick(ACTIVATIONS));
  s.output = r.pick(OUTPUTS);
  s.loss = r.pick(LOSSES);
  s.init = r.pick(INITS);
  s.netSeed = r.int(0, 1000);
  s.optimizer = r.pick(OPTIMIZERS);
  s.learningRate = r.pick([0.00001, 0.0003, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, r() * 9 + 0.001]);
  s.momentum = Math.round(r() * 999) / 1000;
  s.schedule = r.pick(SCHEDULES);
  s.decayRate = r.int(1, 100) / 100;
  s.decaySteps = r.int(1, 100000);
  s.regularization = r.pick(REGULARIZATIONS);
  s.regRate = r.pick([0, 0.001, 0.003, 0.01, 0.03, 0.1, 1, 10]);
  s.clipNorm = r.pick([0, 1, 5, 1000]);
  s.trainSeed = r.int(0, LIMITS.maxSeed);
  s.speed = r.pick(SPEEDS);
  s.discretize = r() < 0.5;
  s.showTest = r() < 0.5;
  s.logScale = r() < 0.5;
  return s;
}

/** A state is valid when its own link parses back to it with no notice. */
function assertValid(state, msg) {
  const again = parseState(serializeState(state));
  assert.deepEqual(again.notices, [], msg);
  assert.deepEqual(again.state, state, msg);
}

test('the default state round-trips through its link with no notice', () => {
  assertValid(defaultState());
  const { state, notices } = parseState('');
  assert.deepEqual(state, defaultState());
  assert.deepEqual(notices, []);
});

test('random strings never throw and always give a valid state', () => {
  for (let seed = 1; seed <= 3000; seed++) {
    const r = rng(seed);
    const text = seed % 2 ? randomString(r, 200) : randomHash(r);
    let out;
    assert.doesNotThrow(() => { out = parseState(text); }, `seed ${seed}: ${JSON.stringify(text)}`);
    assert.ok(Array.isArray(out.notices) && out.notices.every((n) => typeof n === 'string'));
    assertValid(out.state, `seed ${seed}: ${JSON.stringify(text)}`);
  }
});

test('valid states round-trip exactly through the URL hash', () => {
  for (let seed = 1; seed <= 2000; seed++) {
    const s = randomValidState(rng(seed));
    const text = serializeState(s);
    const { state, notices } = parseState(text);
    assert.deepEqual(notices, [], `seed ${seed}: ${text}`);
    assert.deepEqual(state, s, `seed ${seed}: ${text}`);
    // and through a real URL's hash (as the browser would hand it back)
    const url = new URL(`http://127.0.0.1/index.html#${text}`);
    assert.deepEqual(parseState(url.hash).state, s, `seed ${seed} via URL`);
  }
});

test('garbled and unknown values fall back to defaults, each with a notice', () => {
  const d = defaultState();
  const cases = [
    ['lr=abc', 'learningRate', 'lr'],
    ['lr=-1', 'learningRate', 'lr'],
    ['lr=1e400', 'learningRate', 'lr'],
    ['lr=NaN', 'learningRate', 'lr'],
    ['lr=Infinity', 'learningRate', 'lr'],
    ['dataset=mnist', 'dataset', 'dataset'],
    ['hidden=4,129', 'hidden', 'hidden'],
    ['hidden=1,1,1,1,1,1,1,1,1', 'hidden', 'hidden'],
    ['hidden=-3', 'hidden', 'hidden'],
    ['features=x3', 'features', 'features'],
    ['features=', 'features', 'features'],
    ['batch=0', 'batchSize', 'batch'],
    ['batch=2.5', 'batchSize', 'batch'],
    ['speed=7', 'speed', 'speed'],
    ['opt=<script>alert(1)</script>', 'optimizer', 'opt'],
    ['test=maybe', 'showTest', 'test'],
    ['pts=1,2', 'customPoints', 'pts'],
  ];
  for (const [text, prop, key] of cases) {
    const { state, notices } = parseState(text);
    assert.deepEqual(state[prop], d[prop], text);
    assert.equal(notices.length, 1, text);
    assert.match(notices[0], new RegExp(key), text);
  }
  const unknown = parseState('dataset=xor&color=red');
  assert.equal(unknown.state.dataset, 'xor');
  assert.equal(unknown.notices.length, 1);
  assert.match(unknown.notices[0], /Unknown setting "color"/);
  const broken = parseState('lr=%E0%A4%A&dataset=xor');
  assert.equal(broken.state.dataset, 'xor');
  assert.equal(broken.state.learningRate, d.learningRate);
  assert.match(broken.notices[0], /garbled/);
});

test('good settings next to bad ones are kept', () => {
  const { state, notices } = parseState('#dataset=spiral&hidden=8,8&lr=oops&act=relu,tanh&opt=adam');
  assert.equal(state.dataset, 'spiral');
  assert.deepEqual(state.hidden, [8, 8]);
  assert.deepEqual(state.activations, ['relu', 'tanh']);
  assert.equal(state.optimizer, 'adam');
  assert.equal(state.learningRate, 0.03);
  assert.equal(notices.length, 1);
});

test('one activation applies to every layer; a wrong count is fitted with a notice', () => {
  assert.deepEqual(parseState('hidden=3,3,3&act=relu').state.activations, ['relu', 'relu', 'relu']);
  assert.deepEqual(parseState('hidden=3,3,3&act=relu').notices, []);
  const fitted = parseState('hidden=3,3,3&act=relu,sigmoid');
  assert.deepEqual(fitted.state.activations, ['relu', 'sigmoid', 'sigmoid']);
  assert.equal(fitted.notices.length, 1);
  assert.deepEqual(parseState('hidden=none').state.hidden, []);
  assert.deepEqual(parseState('hidden=none').state.activations, []);
  assert.deepEqual(fitActivations(['relu', 'tanh'], 1), ['relu']);
  assert.deepEqual(fitActivations([], 2), ['tanh', 'tanh']);
});

test('custom points: out-of-range points are dropped, labels follow the task', () => {
  const { state, notices } = parseState('dataset=custom&pts=1,2,1;9,0,0;0,0,5;-1.23456,2,0');
  assert.deepEqual(state.customPoints, [[1, 2, 1], [-1.235, 2, 0]]);
  assert.equal(notices.length, 1);
  const reg = parseState('dataset=custom&task=regress&pts=1,2,0.5;1,1,3');
  assert.deepEqual(reg.state.customPoints, [[1, 2, 0.5]]);
  assert.deepEqual(problemOf(reg.state), { kind: 'regress', classes: 0 });
  assert.deepEqual(problemOf(parseState('dataset=custom&pts=1,1,2').state), { kind: 'classify', classes: 3 });
});

test('a very long link is cut with a notice, never a freeze', () => {
  const text = `dataset=xor&${'x'.repeat(LIMITS.maxHashLength + 10)}`;
  const t0 = Date.now();
  const { state, notices } = parseState(text);
  assert.equal(state.dataset, 'xor');
  assert.ok(notices.some((n) => /too long/.test(n)));
  assert.ok(Date.now() - t0 < 1000);
});

test('key/value pairs (custom element attributes) parse like a link', () => {
  const { state, notices } = parseState([['dataset', 'xor'], ['hidden', '4,4'], ['autoplay', '']], { ignore: ['autoplay'] });
  assert.equal(state.dataset, 'xor');
  assert.deepEqual(state.hidden, [4, 4]);
  assert.deepEqual(notices, []);
});

test('splitParams decodes percent escapes and plus signs', () => {
  assert.deepEqual(splitParams('#a=1%2C2&b=x+y&c').pairs, [['a', '1,2'], ['b', 'x y'], ['c', '']]);
});

test('the engine config follows docs/wasm-api.md', () => {
  const { state } = parseState('dataset=xor&hidden=4,3&act=relu,tanh&lr=0.1&opt=adam&reg=l2&rrate=0.01&batch=20&features=x1,x2,x1x2');
  const c = toEngineConfig(state);
  assert.deepEqual(Object.keys(c).sort(), ['dataset', 'features', 'network', 'training']);
  assert.deepEqual(c.dataset, { name: 'xor', points: 500, noise: 0, trainRatio: 0.5, seed: 1 });
  assert.deepEqual(c.features, ['x1', 'x2', 'x1x2']);
  assert.deepEqual(c.network, { hidden: [4, 3], activation: ['relu', 'tanh'], output: 'auto', loss: 'auto', init: 'glorot', seed: 1 });
  assert.equal(c.training.optimizer, 'adam');
  assert.equal(c.training.learningRate, 0.1);
  assert.equal(c.training.regularization, 'l2');
  assert.equal(c.training.regularizationRate, 0.01);
  assert.equal(c.training.batchSize, 20);
  assert.deepEqual(trainingConfig(state), c.training);
  const custom = toEngineConfig(parseState('dataset=custom&task=regress&pts=1,1,0.5').state);
  assert.deepEqual(custom.dataset.custom, [[1, 1, 0.5]]);
  assert.equal(custom.network.output, 'linear');
  assert.equal(toEngineConfig(parseState('hidden=none').state).network.activation, 'tanh');
});

test('engine config -> state -> engine config round-trips (model import)', () => {
  for (let seed = 1; seed <= 500; seed++) {
    const s = randomValidState(rng(seed));
    const c = toEngineConfig(s);
    const back = fromEngineConfig(JSON.parse(JSON.stringify(c)), s);
    assert.deepEqual(back.notices, [], `seed ${seed}`);
    assert.deepEqual(toEngineConfig(back.state), c, `seed ${seed}`);
  }
  const bad = fromEngineConfig({ dataset: { name: 'nope' }, network: { hidden: 'x' } });
  assert.equal(bad.state.dataset, 'circle');
  assert.equal(bad.notices.length, 2);
  assert.doesNotThrow(() => fromEngineConfig(null));
  assert.doesNotThrow(() => fromEngineConfig({ dataset: 5, network: [], training: 'x' }));
});

test('diffStates tells rebuild from live change from view-only change', () => {
  const a = defaultState();
  assert.equal(diffStates(a, { ...a }), 'none');
  assert.equal(diffStates(a, { ...a, learningRate: 0.1 }), 'training');
  assert.equal(diffStates(a, { ...a, optimizer: 'adam', regRate: 0.1 }), 'training');
  assert.equal(diffStates(a, { ...a, discretize: true }), 'view');
  assert.equal(diffStates(a, { ...a, hidden: [4] }), 'config');
  assert.equal(diffStates(a, { ...a, dataset: 'xor', learningRate: 0.1 }), 'config');
  assert.equal(diffStates(a, { ...a, features: ['x1'] }), 'config');
  assert.equal(diffStates(a, { ...a, customPoints: [[1, 1, 1]] }), 'view');
  const c = { ...a, dataset: 'custom' };
  assert.equal(diffStates(c, { ...c, customPoints: [[1, 1, 1]] }), 'config');
});
