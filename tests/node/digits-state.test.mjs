// Tests of the digits page's pure modules: web/js/digits/state.js (the URL codec, the layer lists
// and the engine config, checked against the digits wasm module's own defaults and shapes),
// export.js (the PyTorch modules and their shapes against the engine's layers, the names and
// sizes of the parameters against a saved model file, the first check of a model file),
// confusion.js (row shares) and gallery.js (the top-3 text).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBackprop } from './load.mjs';
import {
  defaultState, cloneState, parseState, serializeState, parseConvs, formatConvs, layersOf, engineConfig,
  diffStates, trainingOf, DEFAULT_CONVS,
} from '../../web/js/digits/state.js';
import { stateFromConfig } from '../../web/js/digits/model-settings.js';
import { torchModules, pytorchScript, pyFloat, inspectModelText, MODEL_FORMAT } from '../../web/js/digits/export.js';
import { rowShares } from '../../web/js/digits/confusion.js';
import { guessText } from '../../web/js/digits/gallery.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const uci = new Uint8Array(fs.readFileSync(path.join(root, 'web', 'data', 'optdigits-8x8.bpimg')));
const mnist = new Uint8Array(fs.readFileSync(path.join(root, 'web', 'data', 'mnist-10k.bpimg')));
let bp;
test.before(async () => { bp = await loadBackprop('backprop-digits'); });

/** A layer as the engine writes it, without the sizes it resolves (inputs, inChannels). */
const bare = (l) => {
  const o = { ...l };
  delete o.inputs;
  delete o.inChannels;
  return o;
};

test('the default state is the W4 CNN of the issue, layer for layer as the engine\'s default', () => {
  const s = defaultState();
  assert.equal(s.model, 'cnn');
  const engine = bp.defaultImageConfig('cnn', 'mnist', 'relu').model.layers.map(bare);
  assert.deepEqual(layersOf(s), engine);
  const mlp = bp.defaultImageConfig('mlp', 'mnist', 'relu').model.layers.map(bare);
  assert.deepEqual(layersOf({ ...s, model: 'mlp' }), mlp);
  const ae = bp.defaultImageConfig('autoencoder', 'uci', 'relu').model.layers.map(bare);
  assert.deepEqual(layersOf({ ...s, model: 'autoencoder', data: 'uci' }), ae);
});

test('URL: a state round-trips through the hash; the default is the empty hash', () => {
  assert.equal(serializeState(defaultState()), '');
  const s = { ...defaultState(), data: 'uci', model: 'cnn', convs: [{ filters: 4, kernel: 3, padding: 'valid', pool: 'avg' }], head: 32,
    learningRate: 0.003, batchSize: 64, augment: true, maxShift: 1, hidden: [256, 128], speed: 30, netSeed: 7, noise: 0.3 };
  const text = serializeState(s);
  assert.equal(text, 'data=uci&hidden=256,128&conv=4-3-valid-avg&head=32&lr=0.003&batch=64&aug=1&shift=1&noise=0.3&wseed=7&speed=30');
  const back = parseState(`#${text}`);
  assert.deepEqual(back.notices, []);
  assert.deepEqual(back.state, cloneState(s));
  // no conv layer at all is a state too
  assert.deepEqual(parseState(serializeState({ ...s, convs: [] })).state.convs, []);
});

test('URL: bad values fall back to the default, each with a notice naming the key', () => {
  const { state, notices } = parseState('#model=rnn&lr=-1&conv=8-4-same&batch=9999&zoom=2&conv=99-3-same-max&aug=maybe');
  const d = defaultState();
  assert.equal(state.model, d.model);
  assert.equal(state.learningRate, d.learningRate);
  assert.deepEqual(state.convs, DEFAULT_CONVS);
  assert.equal(state.batchSize, d.batchSize);
  assert.equal(state.augment, false);
  assert.equal(notices.length, 7);   // model, lr, batch, zoom, conv "appears twice", the last conv, aug
  assert.ok(notices.some((n) => n.includes('"zoom"')));
  assert.ok(notices.some((n) => n.startsWith('"lr=-1" is not valid')));
  assert.ok(notices.some((n) => n.includes('appears twice')));
});

test('conv rows: parse and format are inverse; out-of-range rows are refused', () => {
  assert.deepEqual(parseConvs('8-5-same-max,16-5-same-max').value, DEFAULT_CONVS);
  assert.equal(formatConvs(DEFAULT_CONVS), '8-5-same-max,16-5-same-max');
  for (const bad of ['', '0-3-same-max', '8-16-same-max', '8-3-full-max', '8-3-same', '1-1-same-none,1-1-same-none,1-1-same-none,1-1-same-none,1-1-same-none']) {
    assert.equal(parseConvs(bad).ok, false, bad);
  }
  assert.deepEqual(parseConvs('none').value, []);
});

test('engineConfig is accepted by the engine, and its layers come back with their shapes', () => {
  const s = { ...defaultState(), data: 'uci', convs: [{ filters: 4, kernel: 3, padding: 'same', pool: 'max' }], head: 16 };
  const session = new bp.ImageSession(engineConfig(s), uci);
  try {
    const layers = session.layers();
    // 8×8 → conv 3×3 same (4×8×8) → relu → max pool (4×4×4) → flatten (64) → dense 16 → relu → dense 10 → softmax
    assert.deepEqual(layers.map((l) => [l.channels, l.height, l.width]),
      [[4, 8, 8], [4, 8, 8], [4, 4, 4], [64, 1, 1], [16, 1, 1], [16, 1, 1], [10, 1, 1], [10, 1, 1]]);
    assert.equal(layers[0].params, 1 * 3 * 3 * 4 + 4);
    assert.equal(layers[4].params, 64 * 16 + 16);
    const cfg = session.config();
    assert.deepEqual(cfg.training.optimizer, 'adam');
    assert.equal(cfg.training.batchSize, 32);
    // the page's settings of a file made here come back exactly
    const mapped = stateFromConfig(cfg, defaultState());
    assert.equal(mapped.error, undefined);
    assert.deepEqual(layersOf(mapped.state), layersOf(s));
    assert.deepEqual(trainingOf(mapped.state), trainingOf(s));
  } finally {
    session.delete();
  }
  // a kernel larger than the 8×8 input: the engine names the layer and the shapes
  assert.throws(() => new bp.ImageSession(engineConfig({ ...s, convs: [{ filters: 2, kernel: 9, padding: 'valid', pool: 'none' }] }), uci),
    /layer 0 \(conv2d 1→2 9×9 valid\).*larger than its 8×8 input/);
});

test('stateFromConfig refuses a stack the editor cannot show', () => {
  const cfg = bp.defaultImageConfig('cnn', 'uci', 'relu');
  cfg.model.layers.splice(1, 0, { type: 'tanh' });   // conv, tanh, relu: no row of the editor
  assert.match(stateFromConfig(cfg, defaultState()).error, /layer stack/);
});

test('diffStates: a new network, a training change, or the page\'s own', () => {
  const a = defaultState();
  assert.equal(diffStates(a, { ...a }), 'none');
  assert.equal(diffStates(a, { ...a, speed: 30 }), 'view');
  assert.equal(diffStates(a, { ...a, learningRate: 0.01 }), 'training');
  assert.equal(diffStates(a, { ...a, augment: true }), 'training');
  assert.equal(diffStates(a, { ...a, trainSeed: 2 }), 'config');   // fixed for a run in the engine
  assert.equal(diffStates(a, { ...a, convs: [DEFAULT_CONVS[0]] }), 'config');
});

test('PyTorch: the modules\' shapes are the engine\'s layer shapes (W4 CNN on MNIST)', () => {
  const s = defaultState();
  const session = new bp.ImageSession(engineConfig(s), mnist);
  try {
    const cfg = session.config();
    const { modules, params } = torchModules(cfg.model.layers, { rows: 28, cols: 28 });
    const shapes = session.layers().map((l) => (l.height === 1 && l.width === 1 && l.kind !== 'conv2d'
      ? `(N, ${l.channels})` : `(N, ${l.channels}, ${l.height}, ${l.width})`));
    assert.deepEqual(modules.map((m) => m.shape), shapes);
    assert.deepEqual(modules.map((m) => m.code), [
      'nn.Conv2d(1, 8, kernel_size=5, stride=1, padding=2)', 'nn.ReLU()', 'nn.MaxPool2d(2)',
      'nn.Conv2d(8, 16, kernel_size=5, stride=1, padding=2)', 'nn.ReLU()', 'nn.MaxPool2d(2)',
      'nn.Flatten()', 'nn.Linear(784, 10)', 'nn.Softmax(dim=1)']);
    // every parameter the script loads is in the model file, of the size the module needs
    const file = JSON.parse(session.saveModel());
    assert.equal(file.format, MODEL_FORMAT);
    assert.deepEqual(params.map((p) => p.name), ['conv1', 'conv2', 'dense3']);
    for (const p of params) {
      const W = file.weights[`${p.name}.W`];
      if (p.kind === 'conv') {
        assert.equal(W.length, p.inChannels * p.kernel * p.kernel);   // (C_in·k·k, C_out)
        assert.equal(W[0].length, p.outChannels);
      }
      assert.ok(file.weights[`${p.name}.b`]);
    }
  } finally {
    session.delete();
  }
});

test('PyTorch: an MLP on an image gets a Flatten first; the script reads the file and prints the check', () => {
  const layers = layersOf({ ...defaultState(), model: 'mlp', hidden: [32] });
  const { modules } = torchModules(layers, { rows: 8, cols: 8 });
  assert.deepEqual(modules.map((m) => m.code), ['nn.Flatten()', 'nn.Linear(64, 32)', 'nn.ReLU()', 'nn.Linear(32, 10)', 'nn.Softmax(dim=1)']);
  const py = pytorchScript({
    config: { model: { kind: 'mlp', layers } }, image: { rows: 8, cols: 8 }, modelFile: 'm.json',
    samples: { inputs: [new Float64Array(64).fill(0.5)], outputs: [new Float64Array(10).fill(0.1)] },
  });
  assert.match(py, /path = sys\.argv\[1\] if len\(sys\.argv\) > 1 else "m\.json"/);
  assert.match(py, /W\.T\.reshape\(c_out, c_in, k, k\)/);
  assert.match(py, /\(1, 'dense1', 'dense', 0, 0, 0\),\n {4}\(3, 'dense2', 'dense', 0, 0, 0\),/);
  assert.equal(pyFloat(1), '1.0');
  assert.equal(Number(pyFloat(0.1 + 0.2)), 0.1 + 0.2);
  assert.throws(() => torchModules([{ type: 'dense', units: 4 }, { type: 'conv2d', filters: 2, kernel: 3 }], { rows: 8, cols: 8 }), /input is flat/);
});

test('PyTorch: the autoencoder\'s modules and parameter names match its model file', () => {
  const s = { ...defaultState(), data: 'uci', model: 'autoencoder' };
  const session = new bp.ImageSession(engineConfig(s), uci);
  try {
    const { modules, params } = torchModules(session.config().model.layers, { rows: 8, cols: 8 });
    assert.deepEqual(modules.map((m) => m.code), ['nn.Flatten()', 'nn.Linear(64, 128)', 'nn.ReLU()', 'nn.Linear(128, 2)',
      'nn.Linear(2, 128)', 'nn.ReLU()', 'nn.Linear(128, 64)', 'nn.Sigmoid()']);
    assert.equal(modules[3].shape, '(N, 2)');   // the code
    const file = JSON.parse(session.saveModel());
    for (const p of params) {
      const W = file.weights[`${p.name}.W`];
      const m = /nn\.Linear\((\d+), (\d+)\)/.exec(modules[p.index].code);
      assert.deepEqual([W.length, W[0].length], [Number(m[1]), Number(m[2])], p.name);   // (fan-in, fan-out): the script transposes
    }
  } finally {
    session.delete();
  }
});

test('PyTorch: the script of a CNN is valid Python (py_compile, when python3 is there)', (t) => {
  if (spawnSync('python3', ['--version']).status !== 0) {
    t.skip('no python3');
    return;
  }
  const s = { ...defaultState(), data: 'uci', convs: [{ filters: 4, kernel: 3, padding: 'same', pool: 'max' }], head: 16 };
  const session = new bp.ImageSession(engineConfig(s), uci);
  let py;
  try {
    const x = session.testImage(0).slice();
    py = pytorchScript({ config: session.config(), image: { rows: 8, cols: 8 }, modelFile: 'digits-uci-cnn-step0.json',
      samples: { inputs: [x], outputs: [session.predict(x).slice()] }, link: 'http://127.0.0.1/digits.html#data=uci' });
  } finally {
    session.delete();
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bp-digits-')), 'model.py');
  fs.writeFileSync(file, py);
  const r = spawnSync('python3', ['-m', 'py_compile', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(py, /nn\.Conv2d\(1, 4, kernel_size=3, stride=1, padding=1\),/);
  assert.match(py, /\(0, 'conv1', 'conv', 1, 4, 3\),/);
});

test('model files: the first check names what is wrong', () => {
  assert.match(inspectModelText('').error, /empty/);
  assert.match(inspectModelText('{').error, /not valid JSON/);
  assert.match(inspectModelText('[1]').error, /not a JSON object/);
  assert.match(inspectModelText(JSON.stringify({ format: 'backprop-playground-model' })).error, /static network/);
  assert.match(inspectModelText(JSON.stringify({ format: 'x'.repeat(200) })).error, /format "x{60}", expected/);
  assert.match(inspectModelText(JSON.stringify({ format: MODEL_FORMAT, config: {} })).error, /data set/);
  assert.deepEqual(inspectModelText(JSON.stringify({ format: MODEL_FORMAT, config: { data: { name: 'uci' } } })).config, { data: { name: 'uci' } });
});

test('confusion row shares and the gallery\'s top-3 text', () => {
  const counts = new Float64Array(100);
  counts[0] = 3; counts[7] = 1;          // true 0: three right, one read as 7
  counts[5 * 10 + 5] = 2;
  const s = rowShares(counts);
  assert.equal(s[0], 0.75);
  assert.equal(s[7], 0.25);
  assert.equal(s[55], 1);
  assert.equal(s[11], 0);                // an empty row: 0, not NaN
  assert.equal(guessText([1, 7, 9], [0.62, 0.3, 0.04]), '1 (62%) · 7 (30%) · 9 (4%)');
});
