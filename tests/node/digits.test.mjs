// The image session through the digits wasm module (docs/wasm-api.md, "Digits sessions"): the real
// data files, training, predictions and their derivatives, errors, model files, leaks, and
// parity with the native build (build/native/backprop digits).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadBackprop } from './load.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataFile = (name) => path.join(root, 'web', 'data', name);
const cli = process.env.BP_CLI ? path.resolve(process.env.BP_CLI) : path.join(root, 'build', 'native', 'backprop');

let m, uci, mnist;
before(async () => {
  m = await loadBackprop('backprop-digits');
  uci = new Uint8Array(fs.readFileSync(dataFile('optdigits-8x8.bpimg')));
  mnist = new Uint8Array(fs.readFileSync(dataFile('mnist-10k.bpimg')));
});

function withSession(config, bytes, fn) {
  const s = new m.ImageSession(config, bytes);
  try { return fn(s); } finally { s.delete(); }
}

const uciMlp = { data: { name: 'uci' }, model: { kind: 'mlp' }, training: { learningRate: 0.01 } };
const tanhMlp = { data: { name: 'uci' }, model: { kind: 'mlp', hidden: 24, activation: 'tanh' } };
// A small CNN with both paddings, a stride of 2, max-pooling and shifts (augment) in training.
const smallCnn = {
  data: { name: 'uci' },
  model: { kind: 'cnn', layers: [
    { type: 'conv2d', filters: 4, kernel: 3, padding: 'same' }, { type: 'relu' }, { type: 'max_pool' },
    { type: 'conv2d', filters: 6, kernel: 3, stride: 2 }, { type: 'tanh' }, { type: 'flatten' },
    { type: 'dense', units: 10 }, { type: 'softmax' }] },
  training: { batchSize: 16, learningRate: 0.01, augment: true, maxShift: 1 },
};
// A denoising autoencoder 64-32-2-32-64 (tanh), salt-and-pepper noise on the inputs.
const smallAe = {
  data: { name: 'uci' },
  model: { kind: 'autoencoder', hidden: 32, activation: 'tanh', code: 2 },
  training: { learningRate: 0.003, noise: 0.2, noiseKind: 'saltpepper' },
};

test('the module loads; MNIST and UCI sessions from the real data files', () => {
  assert.equal(typeof m.heapBytes(), 'number');
  withSession({ data: { name: 'mnist' } }, mnist, (s) => {
    assert.deepEqual(s.imageShape(), { rows: 28, cols: 28 });
    assert.deepEqual([s.trainCount(), s.testCount()], [8000, 2000]);
    assert.equal(s.config().data.images, 10000);
    const img = s.testImage(0);
    assert.equal(img.length, 784);
    // MNIST pixels are stored as p/255: every value in [0, 1] and a multiple of 1/255
    assert.ok(Array.from(img).every((v) => v >= 0 && v <= 1 && Math.abs(v * 255 - Math.round(v * 255)) < 1e-9));
    assert.ok(Math.max(...img) > 0.9);
  });
  withSession({ data: { name: 'uci' } }, uci, (s) => {
    assert.deepEqual(s.imageShape(), { rows: 8, cols: 8 });
    assert.deepEqual([s.trainCount(), s.testCount()], [1438, 359]);  // 1,797 digits, 20% test
    const labels = s.testLabels();
    assert.equal(labels.length, 359);
    const counts = new Array(10).fill(0);
    for (const l of labels) counts[l]++;
    assert.ok(counts.every((c) => c >= 20), `every class in the test set: ${counts}`);  // ~36 each
    assert.ok(Array.from(s.trainImage(5)).every((v) => v >= 0 && v <= 1 && Number.isInteger(v * 16)));
  });
});

test('training the UCI MLP lowers the test loss and reaches 95% accuracy', () => {
  withSession(uciMlp, uci, (s) => {
    const before = s.evaluate();
    assert.equal(before.count, 359);
    assert.ok(before.loss > 1.5, `initial loss ${before.loss}`);  // near ln 10 = 2.30 at random weights
    const st = s.step(400);
    assert.equal(st.step, 400);
    assert.equal(st.diverged, false);
    assert.equal(st.examples, 400 * 32);
    assert.ok(Math.abs(st.epoch - 400 * 32 / 1438) < 1e-12);
    const after = s.evaluate();
    assert.ok(after.loss < 0.25 && after.loss < before.loss / 5, `test loss ${before.loss} -> ${after.loss}`);
    assert.ok(after.accuracy >= 0.95, `accuracy ${after.accuracy}`);
    // the confusion matrix holds every test digit, its diagonal is the accuracy
    const c = s.confusion();
    assert.equal(c.reduce((a, b) => a + b, 0), 359);
    let diag = 0;
    for (let k = 0; k < 10; k++) diag += c[k * 11];
    assert.equal(diag / 359, after.accuracy);
    const wrong = s.misclassified(1000);
    assert.equal(wrong.length, 359 - diag);
    for (const w of wrong) {
      assert.equal(w.label, s.testLabels()[w.index]);
      assert.notEqual(w.top[0], w.label);
      assert.ok(w.probability[0] >= w.probability[1] && w.probability[1] >= w.probability[2]);
    }
  });
});

test('predict gives probabilities summing to 1; saliency matches central differences of predict', () => {
  for (const config of [tanhMlp, smallCnn]) {
    withSession(config, uci, (s) => {
      s.step(60);
      const x = s.testImage(7).slice();
      const probe = [3, 18, 27, 36, 45, 60];
      for (const i of probe) x[i] = 0.25 + 0.1 * (i % 5);  // inside [0, 1] with room for ±h
      const p = s.predict(x).slice();
      assert.equal(p.length, 10);
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
      assert.ok(p.every((v) => v > 0 && v < 1));
      const h = 1e-5;
      for (const cls of [s.testLabels()[7], 4]) {
        const sal = s.saliency(x, cls).slice();
        assert.equal(sal.length, 64);
        for (const i of probe) {
          const up = x.slice(), down = x.slice();
          up[i] += h; down[i] -= h;
          const numeric = (s.predict(up)[cls] - s.predict(down)[cls]) / (2 * h);
          const err = Math.abs(sal[i] - numeric) / Math.max(1e-6, Math.abs(sal[i]) + Math.abs(numeric));
          assert.ok(err < 1e-6, `${config.model.kind} class ${cls} pixel ${i}: ${sal[i]} vs ${numeric}`);
        }
      }
    });
  }
});

test('gradients() is the derivative of the training loss (param views, central differences)', () => {
  withSession(smallCnn, uci, (s) => {
    s.step(20);
    const names = s.params().map((p) => p.name);
    assert.deepEqual(names, ['conv1.W', 'conv1.b', 'conv2.W', 'conv2.b', 'dense3.W', 'dense3.b']);
    s.gradients();
    const grads = Object.fromEntries(names.map((n) => [n, s.paramGradient(n).slice()]));
    const h = 1e-5;
    for (const [name, i] of [['conv1.W', 4], ['conv2.W', 17], ['conv2.b', 2], ['dense3.W', 5]]) {
      const w0 = s.param(name)[i];
      s.param(name)[i] = w0 + h;  // a fresh view each time: a call may have moved the memory
      const up = s.gradients();
      s.param(name)[i] = w0 - h;
      const down = s.gradients();
      s.param(name)[i] = w0;
      const numeric = (up - down) / (2 * h), analytic = grads[name][i];
      assert.ok(Math.abs(analytic - numeric) <= 1e-6 * Math.max(1e-4, Math.abs(analytic) + Math.abs(numeric)),
        `${name}[${i}]: ${analytic} vs ${numeric}`);
    }
  });
});

test('trace, autoencoder views and the PCA baseline have the documented shapes', () => {
  withSession(smallCnn, uci, (s) => {
    const t = s.trace(s.testImage(0).slice(), -1);
    assert.deepEqual(t.layers.map((l) => l.kind),
      ['conv2d', 'activation', 'max_pool', 'conv2d', 'activation', 'flatten', 'dense', 'activation']);
    assert.deepEqual([t.layers[0].channels, t.layers[0].height, t.layers[0].width], [4, 8, 8]);
    assert.deepEqual([t.layers[3].channels, t.layers[3].height, t.layers[3].width], [6, 1, 1]);
    assert.equal(t.layers[2].output.length, 4 * 4 * 4);
    assert.equal(t.layers[7].delta.length, 0);  // softmax + cross-entropy: fused, no δ of its own
    assert.equal(t.inputDelta.length, 64);
    const p = s.predict(s.testImage(0).slice());
    assert.equal(t.target, p.indexOf(Math.max(...p)));
    assert.ok(Math.abs(t.loss + Math.log(Math.max(...p))) < 1e-12);  // −ln p_target
    assert.deepEqual(s.layers().map((l) => l.params), [4 * 9 + 4, 0, 0, 6 * 4 * 9 + 6, 0, 0, 6 * 10 + 10, 0]);
  });
  withSession(smallAe, uci, (s) => {
    s.step(50);
    assert.equal(s.codeSize(), 2);
    const codes = s.encodeTest().slice();
    assert.equal(codes.length, 359 * 2);
    // decoding the code of test image 3 is reconstructing it
    const r = s.reconstruct(s.testImage(3).slice()).slice();
    assert.deepEqual(Array.from(s.decode([codes[6], codes[7]])), Array.from(r));
    const pca = s.pca(2);
    assert.equal(pca.codes.length, 359 * 2);
    assert.ok(pca.variances[0] >= pca.variances[1] && pca.variances[1] > 0);
    assert.ok(pca.mse > 0 && pca.mse < 0.2, `PCA mse ${pca.mse}`);
    assert.equal(s.pcaDecode([0, 0]).length, 64);  // the mean image
    assert.ok(Number.isNaN(s.evaluate().accuracy) && s.evaluate().reconstructionMse > 0);
  });
});

test('bad configs, data and arguments are refused with messages naming the field or layer', () => {
  const refuse = (config, bytes, re, type = Error) =>
    assert.throws(() => new m.ImageSession(config, bytes), (e) => e instanceof type && re.test(e.message));
  refuse({ training: { batchSize: 0 } }, mnist, /^\/training\/batchSize: 0 is outside 1\.\.1024$/, RangeError);
  refuse({ model: { kind: 'rnn' } }, uci, /^\/model\/kind: unknown model 'rnn' \(allowed: mlp, cnn, autoencoder\)$/);
  refuse({ data: { name: 'uci' }, model: { layers: [{ type: 'conv2d', filters: 4 }, { type: 'max_pool' },
    { type: 'dense', units: 10, inputs: 100 }, { type: 'softmax' }] } }, uci,
  /^layer 2 \(dense 100→10\): its input is 4×3×3 = 36 values, not 100$/);
  refuse({ data: { name: 'uci' }, model: { layers: [{ type: 'conv2d', filters: 2, kernel: 9 }, { type: 'dense', units: 10 },
    { type: 'softmax' }] } }, uci, /^layer 0 \(conv2d 1→2 9×9 valid\): conv2d: kernel 9×9 is larger than its 8×8 input$/);
  refuse({ data: { name: 'uci' } }, mnist, /^data: the uci images are 8×8, these are 28×28$/);
  refuse({ data: { name: 'uci' } }, uci.subarray(0, 1000), /^image file: truncated: 1000 bytes, expected 116821/);
  refuse({ data: { name: 'uci' } }, new Uint8Array(200), /^image file: magic/);
  refuse({ data: { name: 'uci' } }, Array.from(uci.subarray(0, 100)), /^data: must be a Uint8Array/);
  refuse(() => 1, uci, /^config: must be an object or JSON text$/);
  withSession({ data: { name: 'uci' } }, uci, (s) => {
    const p = s.predict(s.testImage(0).slice()).slice();
    assert.throws(() => s.predict(new Float64Array(10)), /^Error: predict: 10 pixels given, the uci images have 64$/);
    assert.throws(() => s.predict(new Float64Array(64).fill(2)), /predict: pixel 0: 2 is outside 0\.\.1/);
    assert.throws(() => s.saliency(s.testImage(0).slice(), 10), RangeError);
    assert.throws(() => s.trace(s.testImage(0).slice(), 1.5), /trace: label: 1\.5 is not an integer in -1\.\.9/);
    assert.throws(() => s.testImage(359), /testImage: index: 359 is not an integer in 0\.\.358/);
    assert.throws(() => s.param('conv1.W'), /no parameter 'conv1\.W' \(this network has dense1\.W, dense1\.b/);
    assert.throws(() => s.decode([0, 0]), /only an autoencoder/);
    assert.throws(() => s.pcaDecode([0, 0]), /call pca\(k\) first/);
    assert.throws(() => s.step(0), RangeError);
    // updateTraining: one parser with the constructor; a refusal changes nothing
    const config = s.config();
    assert.throws(() => s.updateTraining({ batchSize: 0 }), /^RangeError: \/training\/batchSize: 0 is outside 1\.\.1024$/);
    assert.throws(() => s.updateTraining({ learningRate: 0.1, optimizer: 'lion' }), /\/training\/optimizer/);
    assert.throws(() => s.updateTraining({ foo: 1 }), /\/training\/foo: unknown field/);
    assert.throws(() => s.updateTraining({ seed: 7 }), /\/training\/seed: fixed for a run/);
    assert.throws(() => s.updateTraining('[1]'), /^Error: training: must be an object$/);
    assert.deepEqual(s.config(), config);
    assert.deepEqual(Array.from(s.predict(s.testImage(0).slice())), Array.from(p));
    s.updateTraining({ optimizer: 'momentum', learningRate: 0.05, batchSize: 64, augment: true });
    assert.equal(s.config().training.optimizer, 'momentum');
    assert.equal(s.stepsPerEpoch(), Math.ceil(1438 / 64));
    assert.deepEqual(s.config().model, config.model);  // the network stays
    assert.equal(s.step(2).learningRate, 0.05);
  });
  assert.throws(() => m.parseLayers([{ type: 'conv3d' }]), /^Error: \/layers\/0\/type: unknown layer type 'conv3d'/);
  assert.deepEqual(m.parseLayers('[{"type": "conv2d", "filters": 2}, {"type": "tanh"}]'),
    [{ type: 'conv2d', filters: 2, kernel: 3, stride: 1, padding: 'valid' }, { type: 'tanh' }]);
  assert.throws(() => m.defaultImageConfig('cnn', 'uci', 'softmax'), /softmax is not a hidden activation/);
  assert.equal(m.defaultImageConfig('autoencoder', 'mnist', 'relu').model.layers.at(-2).units, 784);
});

test('model files: a round trip predicts the same and resumes the run; wrong files and data are refused', () => {
  withSession(smallCnn, uci, (a) => {
    a.step(30);
    const text = a.saveModel();
    assert.equal(JSON.parse(text).format, 'backprop-playground-image-model');
    const b = m.loadImageModel(text, uci);
    try {
      assert.deepEqual(b.config(), a.config());
      for (const i of [0, 100, 358])
        assert.deepEqual(Array.from(b.predict(b.testImage(i).slice())), Array.from(a.predict(a.testImage(i).slice())));
      assert.deepEqual(b.step(5), a.step(5));  // same batches, shifts and Adam state: the same losses
      assert.deepEqual(Array.from(b.param('dense3.W')), Array.from(a.param('dense3.W')));
    } finally { b.delete(); }
    // refused, and the session a stays as it was
    const p = a.predict(a.testImage(0).slice()).slice();
    const pg = JSON.stringify({ format: 'backprop-playground-model', version: 1, config: {}, weights: {} });
    const file = JSON.parse(text);
    file.weights['conv2.W'].pop();
    const refusals = () => {
      assert.throws(() => m.loadImageModel(pg, uci), /^Error: \/format: this is not a Backprop Playground image model file/);
      assert.throws(() => m.loadImageModel(text, mnist), /^Error: data: the uci images are 8×8, these are 28×28$/);
      assert.throws(() => m.loadImageModel(JSON.stringify(file), uci), /\/weights\/conv2\.W: must be an array of 36 rows/);
      assert.throws(() => m.loadImageModel(42, uci), /loadImageModel: the model file: must be a string/);
    };
    refusals();  // the first refusals size the error message buffers
    const heap = m.heapBytes();
    refusals();
    assert.equal(m.heapBytes(), heap);  // nothing half-built is left behind
    assert.deepEqual(Array.from(a.predict(a.testImage(0).slice())), Array.from(p));
  });
});

test('the heap stays flat across 20 create/step/delete cycles and thrown errors', () => {
  const cycle = () => {
    withSession(uciMlp, uci, (s) => {
      s.step(3);
      const x = s.testImage(1).slice();
      s.predict(x); s.saliency(x, 3); s.trace(x, 2); s.evaluate(); s.evaluateTrain(100);
      s.confusion(); s.misclassified(5); s.gradients(); s.pca(2); s.pcaDecode([0.1, 0.2]);
      s.updateTraining({ learningRate: 0.02 });
      m.loadImageModel(s.saveModel(), uci).delete();
      for (const bad of [() => s.predict([1, 2]), () => s.updateTraining({ batchSize: 0 }), () => s.param('x'),
        () => s.updateTraining('{"a": '), () => m.loadImageModel('{}', uci), () => s.trace(x, 11)])
        assert.throws(bad);
    });
    withSession(smallAe, uci, (s) => { s.step(2); s.encodeTest(); s.decode([0, 1]); s.reconstruct(s.testImage(0).slice()); });
    for (const [config, bytes] of [[{ training: { batchSize: 0 } }, uci], [{ data: { name: 'uci' } }, mnist],
      [{ data: { name: 'uci' } }, uci.subarray(0, 50)], [smallCnn, 'not bytes']])
      assert.throws(() => new m.ImageSession(config, bytes));
  };
  for (let i = 0; i < 3; i++) cycle();  // warm-up: first-use buffers and the error message buffers
  const before = m.heapBytes();
  for (let i = 0; i < 20; i++) cycle();
  const grown = m.heapBytes() - before;
  assert.ok(grown < 4096, `heap in use grew by ${grown} bytes`);
});

test('native/wasm parity: 100 steps of a small CNN and an autoencoder on UCI give the same losses', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-digits-'));
  try {
    for (const config of [smallCnn, smallAe]) {
      const file = path.join(dir, 'config.json');
      fs.writeFileSync(file, JSON.stringify(config));
      const native = JSON.parse(execFileSync(cli, ['digits', '--config', file, '--data', dataFile('optdigits-8x8.bpimg'),
        '--steps', '100'], { encoding: 'utf8' }));
      withSession(config, uci, (s) => {
        const losses = [];
        for (let i = 0; i < 100; i++) losses.push(s.step(1).trainLoss);
        const e = s.evaluate();
        assert.equal(native.losses.length, 100);
        // bit for bit: the same arithmetic in the same order, no libm in the loop (JSON keeps 17 digits)
        assert.deepEqual(losses, native.losses, config.model.kind);
        assert.equal(e.loss, native.test.loss);
        assert.ok(losses[99] < losses[0], `${config.model.kind}: ${losses[0]} -> ${losses[99]}`);
      });
    }
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});
