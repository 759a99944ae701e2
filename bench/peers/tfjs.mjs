// tfjs.mjs: TensorFlow.js 4.22 (layers API) on the 'cpu' backend (plain JS kernels) or the
// 'wasm' backend (@tensorflow/tfjs-backend-wasm: XNNPACK, SIMD; single-threaded in Node 20,
// where its threaded build fails to start workers). float32 throughout.
// Usage: node bench/peers/tfjs.mjs cpu|wasm [--quick] [--out FILE]
//
// Training is measured two ways: a hand-written loop of optimizer.minimize() over pre-sliced
// batch tensors (the figure reported) and model.fit() (in `info`; it adds shuffling, callbacks
// and validation bookkeeping per epoch).
import path from 'node:path';
import { createRequire } from 'node:module';

import { W1, W2, W3, W4, W5, rate, perCallMs, timingOptions, gridPoints } from '../common.mjs';
import { loadData, root } from '../data.mjs';
import { loadMnist } from '../mnist_data.mjs';
import { cliOptions, writeResult } from '../node_util.mjs';

const require = createRequire(import.meta.url);
const { quick, out, args, repeats } = cliOptions();
const backend = args[0] || 'cpu';
const opts = timingOptions(quick, repeats);
const log = (m) => console.error(`tfjs-${backend} ${m}`);

const tf = require('@tensorflow/tfjs');
if (backend === 'wasm') {
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(path.join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + path.sep);
}
// TF.js 4.22's wasm backend has no Conv2DBackpropFilter kernel (the gradient of a conv layer's
// weights): training any conv layer fails with "Kernel 'Conv2DBackpropFilter' not registered".
// For W4 it is supplied from the backend's own Conv3DBackpropFilterV2 kernel at depth 1 (the
// same numbers, checked below against a direct sum), so W4 runs on the wasm backend at all.
function registerConv2dFilterGrad() {
  const conv3d = tf.getKernel('Conv3DBackpropFilterV2', 'wasm');
  if (!conv3d || tf.getKernel('Conv2DBackpropFilter', 'wasm')) return false;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter', backendName: 'wasm',
    kernelFunc: ({ inputs: { x, dy }, backend: b, attrs }) => {
      if (attrs.dataFormat && attrs.dataFormat !== 'NHWC') throw new Error('Conv2DBackpropFilter shim: NHWC only');
      const [kh, kw, ci, co] = attrs.filterShape;
      const st = typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : attrs.strides;
      const dw = conv3d.kernelFunc({ backend: b, inputs: {
        x: { dataId: x.dataId, shape: [x.shape[0], 1, ...x.shape.slice(1)], dtype: x.dtype },
        dy: { dataId: dy.dataId, shape: [dy.shape[0], 1, ...dy.shape.slice(1)], dtype: dy.dtype },
      }, attrs: { strides: [1, ...st], pad: attrs.pad, filterShape: [1, kh, kw, ci, co] } });
      return { dataId: dw.dataId, shape: [kh, kw, ci, co], dtype: dw.dtype };
    },
  });
  return true;
}
// dW of a 'same' conv by the definition, dW[i,j,c,o] = Σ_n,y,x X[n, y+i−p, x+j−p, c]·dY[n,y,x,o],
// against what the backend computes (tf.grad through tf.conv2d): the largest difference.
function checkConv2dFilterGrad() {
  const N = 2, H = 6, W = 6, C = 2, O = 3, k = 5, p = 2;
  const xv = Float32Array.from({ length: N * H * W * C }, (_, i) => Math.sin(i));
  const gv = Float32Array.from({ length: N * H * W * O }, (_, i) => Math.cos(0.7 * i));
  const got = tf.tidy(() => {
    const x = tf.tensor4d(xv, [N, H, W, C]), g = tf.tensor4d(gv, [N, H, W, O]);
    return tf.grad((w) => tf.conv2d(x, w, 1, 'same').mul(g).sum())(tf.zeros([k, k, C, O])).dataSync();
  });
  let max = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let c = 0; c < C; c++) for (let o = 0; o < O; o++) {
    let sum = 0;
    for (let n = 0; n < N; n++) for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) {
      const u = y + i - p, v = xx + j - p;
      if (u >= 0 && u < H && v >= 0 && v < W) sum += xv[((n * H + u) * W + v) * C + c] * gv[((n * H + y) * W + xx) * O + o];
    }
    max = Math.max(max, Math.abs(sum - got[((i * k + j) * C + c) * O + o]));
  }
  return max;
}

if (!(await tf.setBackend(backend))) throw new Error('cannot set the TensorFlow.js backend ' + backend);
await tf.ready();

const data = loadData();
const results = {}, info = {}, errors = {};
// Each workload in its own try: a failure is reported and the others still run.
async function section(name, fn) {
  try { await fn(); } catch (e) { errors[name] = String(e && e.message || e); log(`${name} failed: ${errors[name]}`); }
}
info.version = tf.version.tfjs;
info.backend = tf.getBackend();
if (backend === 'wasm') {
  info.wasm_simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  info.wasm_threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
}
const glorot = (seed) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }) });

function batches(x, y, B) {
  const n = x.shape[0], list = [];
  for (let s = 0; s < n; s += B) list.push([x.slice(s, Math.min(B, n - s)), y.slice(s, Math.min(B, n - s))]);
  return list;
}
// The training loop, in chunks: each call trains the next `count` batches of the list, going
// round it (a whole epoch of W2 or W3 takes seconds on the cpu backend). Returns the examples.
function trainLoop(model, optimizer, list, lossFn, count = list.length) {
  let next = 0;
  return () => {
    let items = 0;
    for (let i = 0; i < count; i++) {
      const [xb, yb] = list[next];
      next = (next + 1) % list.length;
      optimizer.minimize(() => lossFn(yb, model.apply(xb, { training: true })));
      items += xb.shape[0];
    }
    return items;
  };
}

// ---- W1
await section('w1', async () => {
  const make = () => tf.sequential({ layers: [
    tf.layers.dense({ units: 8, activation: 'tanh', inputShape: [2], ...glorot(1) }),
    tf.layers.dense({ units: 8, activation: 'tanh', ...glorot(2) }),
    tf.layers.dense({ units: 1, activation: 'tanh', ...glorot(3) }),
  ] });
  const xs = tf.tensor2d(data.w1.x), ys = tf.tensor2d(data.w1.y.map((v) => [v]));
  const N = data.w1.x.length;
  const model = make(), opt = tf.train.sgd(W1.lr), list = batches(xs, ys, W1.batch);
  const mse = (y, p) => tf.losses.meanSquaredError(y, p);
  log('W1 loop');
  results.w1_train = await rate(trainLoop(model, opt, list, mse), opts, 'examples/s');
  const fitModel = make();
  fitModel.compile({ optimizer: tf.train.sgd(W1.lr), loss: 'meanSquaredError' });
  log('W1 fit');
  info.w1_train_fit = await rate(async () => {
    await fitModel.fit(xs, ys, { batchSize: W1.batch, epochs: 4, shuffle: true, verbose: 0 });
    return 4 * N;
  }, opts, 'examples/s');
  // Grid: one predict over the 10,000 points returning every layer's output (all neurons).
  const all = tf.model({ inputs: model.inputs, outputs: model.layers.map((l) => l.output) });
  const grid = tf.tensor2d(Float32Array.from(gridPoints()), [W1.grid * W1.grid, 2]);
  log('W1 grid');
  results.w1_grid = await perCallMs(() => {
    const outs = all.predict(grid, { batchSize: W1.grid * W1.grid });
    for (const t of outs) { t.dataSync(); t.dispose(); }
  }, opts);
  info.w1_grid_output_only = await perCallMs(() => {
    const t = model.predict(grid, { batchSize: W1.grid * W1.grid });
    t.dataSync(); t.dispose();
  }, opts);
  const p = tf.tidy(() => model.predict(xs)).dataSync();
  let c = 0;
  for (let i = 0; i < N; i++) c += (p[i] > 0 ? 1 : -1) === data.w1.y[i];
  info.w1_train_accuracy_after = c / N;
});

// ---- W2
await section('w2', async () => {
  const make = () => tf.sequential({ layers: [
    tf.layers.dense({ units: 128, activation: 'relu', inputShape: [64], ...glorot(4) }),
    tf.layers.dense({ units: 64, activation: 'relu', ...glorot(5) }),
    tf.layers.dense({ units: 10, activation: 'softmax', ...glorot(6) }),
  ] });
  const xs = tf.tensor2d(data.w2.x), ys = tf.oneHot(tf.tensor1d(data.w2.y, 'int32'), 10).toFloat();
  const N = data.w2.x.length;
  const model = make(), opt = tf.train.adam(W2.lr), list = batches(xs, ys, W2.batch);
  log('W2 loop');
  results.w2_train = await rate(trainLoop(model, opt, list, (y, p) => tf.metrics.categoricalCrossentropy(y, p).mean(), 8),
    opts, 'examples/s');
  const fitModel = make();
  fitModel.compile({ optimizer: tf.train.adam(W2.lr), loss: 'categoricalCrossentropy' });
  log('W2 fit');
  info.w2_train_fit = await rate(async () => {
    await fitModel.fit(xs, ys, { batchSize: W2.batch, epochs: 1, shuffle: true, verbose: 0 });
    return N;
  }, { ...opts, repeats: 3 }, 'examples/s');
});

// ---- W3: simpleRNN(32, tanh, every step) + dense(1) on every step, MSE over all steps, SGD
await section('w3', async () => {
  const make = () => tf.sequential({ layers: [
    tf.layers.simpleRNN({ units: W3.hidden, activation: 'tanh', returnSequences: true, inputShape: [W3.T, 1],
      ...glorot(7), recurrentInitializer: tf.initializers.orthogonal({ seed: 8 }) }),
    tf.layers.dense({ units: 1, ...glorot(9) }),
  ] });
  const S = data.w3.seqs;
  const xs = tf.tensor3d(S.map((q) => q.slice(0, W3.T).map((v) => [v])));
  const ys = tf.tensor3d(S.map((q) => q.slice(1, W3.T + 1).map((v) => [v])));
  const model = make(), opt = tf.train.sgd(W3.lr), list = batches(xs, ys, W3.batch);
  log('W3 loop');
  results.w3_train = await rate(trainLoop(model, opt, list, (y, p) => tf.losses.meanSquaredError(y, p), 2),
    { ...opts, warmupMs: Math.max(opts.warmupMs, 1000) }, 'sequences/s');
  if (!quick) {
    const fitModel = make();
    fitModel.compile({ optimizer: tf.train.sgd(W3.lr), loss: 'meanSquaredError' });
    log('W3 fit');
    info.w3_train_fit = await rate(async () => {
      await fitModel.fit(xs, ys, { batchSize: W3.batch, epochs: 1, shuffle: true, verbose: 0 });
      return S.length;
    }, { ...opts, repeats: 3 }, 'sequences/s');
  }
});
// ---- W4, W5: the MNIST CNN and autoencoder on the core's 8,000 training digits, tf.layers models
// trained with model.trainOnBatch over pre-sliced batches of 32 (each call returns its loss, so
// every batch ends with a read back of one number, as a training loop that reports its loss
// does). He-normal kernels as the project's He init; zero biases.
const he = (seed) => ({ kernelInitializer: tf.initializers.heNormal({ seed }) });
function imageBatches(x, y, n, B) {
  const list = [];
  for (let s = 0; s + B <= n; s += B) list.push([x.slice(s, B), y.slice(s, B)]);
  return list;
}
// Trains the next `count` batches of the list per call, going round it. Returns the examples.
function trainOnBatches(model, list, count) {
  let next = 0;
  return async () => {
    let items = 0;
    for (let i = 0; i < count; i++) {
      const [xb, yb] = list[next];
      next = (next + 1) % list.length;
      await model.trainOnBatch(xb, yb);
      items += xb.shape[0];
    }
    return items;
  };
}
let mnist = null;
await section('w4', async () => {
  if (backend === 'wasm' && registerConv2dFilterGrad()) info.w4_conv_filter_grad = 'Conv3DBackpropFilterV2 at depth 1 (no Conv2DBackpropFilter in the 4.22 wasm backend)';
  info.w4_conv_filter_grad_max_diff = checkConv2dFilterGrad();
  if (!(info.w4_conv_filter_grad_max_diff < 1e-3)) throw new Error(`conv filter gradient off by ${info.w4_conv_filter_grad_max_diff}`);
  mnist = loadMnist();
  const { rows: R, cols: C, train } = mnist;
  const model = tf.sequential({ layers: [
    tf.layers.conv2d({ filters: W4.conv[0].filters, kernelSize: W4.conv[0].kernel, padding: 'same', activation: 'relu', inputShape: [R, C, 1], ...he(11) }),
    tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
    tf.layers.conv2d({ filters: W4.conv[1].filters, kernelSize: W4.conv[1].kernel, padding: 'same', activation: 'relu', ...he(12) }),
    tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: W4.classes, activation: 'softmax', ...he(13) }),
  ] });
  model.compile({ optimizer: tf.train.adam(W4.lr), loss: 'categoricalCrossentropy' });
  info.w4_params = model.countParams();
  const xs = tf.tensor4d(train.x, [train.n, R, C, 1]);
  const ys = tf.oneHot(tf.tensor1d(train.y, 'int32'), W4.classes).toFloat();
  const list = imageBatches(xs, ys, train.n, W4.batch);
  log('W4 trainOnBatch');
  // The cpu backend's conv gradients are plain JS loops, ~10 s per batch here: one batch per
  // chunk and at most 3 repeats, or this row alone would take minutes.
  const w4opts = backend === 'cpu' ? { ...opts, repeats: Math.min(opts.repeats, 3), warmupMs: 0 } : opts;
  results.w4_train = await rate(trainOnBatches(model, list, backend === 'cpu' ? 1 : 2), w4opts, 'examples/s');
  info.w4_layers = model.layers.map((l) => l.getClassName()).join(',');
});
await section('w5', async () => {
  mnist ||= loadMnist();
  const { rows: R, cols: C, train } = mnist;
  const model = tf.sequential({ layers: [
    tf.layers.dense({ units: W5.hidden, activation: 'relu', inputShape: [R * C], ...he(21) }),
    tf.layers.dense({ units: W5.code, ...he(22) }),  // the linear code
    tf.layers.dense({ units: W5.hidden, activation: 'relu', ...he(23) }),
    tf.layers.dense({ units: W5.pixels, activation: 'sigmoid', ...he(24) }),
  ] });
  model.compile({ optimizer: tf.train.adam(W5.lr), loss: 'binaryCrossentropy' });
  const xs = tf.tensor2d(train.x, [train.n, R * C]);
  const list = imageBatches(xs, xs, train.n, W5.batch);
  log('W5 trainOnBatch');
  results.w5_train = await rate(trainOnBatches(model, list, 5), opts, 'examples/s');
});
info.tensors_alive_at_end = tf.memory().numTensors;

writeResult(out, {
  system: `tfjs-${backend}`, float: 'float32', results, info, errors,
  notes: backend === 'wasm' ? 'XNNPACK wasm, SIMD, 1 thread in Node 20' : 'pure-JS kernels',
});
