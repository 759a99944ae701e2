// convnetjs.mjs: ConvNetJS 0.3.0 (npm). Float64Array volumes (float64), mini-batches through
// its Trainer (gradients accumulated over batch_size examples, then one update).
// Usage: node bench/peers/convnetjs.mjs [--quick] [--out FILE]
//
// What it cannot do, and what differs:
//   * W3: no recurrent layers at all.
//   * W2: the npm 0.3.0 Trainer has no Adam (sgd, adagrad, windowgrad, adadelta): plain SGD.
//   * W1: makeLayers() puts a linear fc layer in front of a 'regression' loss; it is removed so
//     the output is tanh, as in the workload.
//   * The grid is one net.forward() per point (no batched evaluation); output only.
//   * W4, W5: no Adam (SGD, batch 32); W5 has no binary cross-entropy: a sigmoid output with
//     its squared-error 'regression' loss (the linear fc makeLayers puts before it removed, as
//     in W1). One training example at a time through the net (it has no batched layers).
import { createRequire } from 'node:module';

import { W1, W2, W4, W5, rate, perCallMs, timingOptions, gridPoints, mulberry32, shuffle } from '../common.mjs';
import { loadData } from '../data.mjs';
import { loadMnist } from '../mnist_data.mjs';
import { cliOptions, writeResult } from '../node_util.mjs';

const require = createRequire(import.meta.url);
const convnetjs = require('convnetjs');
const version = require('convnetjs/package.json').version;
const { quick, out, repeats } = cliOptions();
const opts = timingOptions(quick, repeats);
const log = (m) => console.error(`convnetjs ${m}`);
const data = loadData();
const rnd = mulberry32(7);
const results = {}, info = { version }, errors = {}, unsupported = {};

async function section(name, fn) {
  try { await fn(); } catch (e) { errors[name] = String(e && e.message || e); log(`${name} failed: ${errors[name]}`); }
}

function vol(values) {
  const v = new convnetjs.Vol(1, 1, values.length, 0.0);
  for (let k = 0; k < values.length; k++) v.w[k] = values[k];
  return v;
}

await section('w1', async () => {
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: 'input', out_sx: 1, out_sy: 1, out_depth: 2 },
    { type: 'fc', num_neurons: 8, activation: 'tanh' },
    { type: 'fc', num_neurons: 8, activation: 'tanh' },
    { type: 'fc', num_neurons: 1, activation: 'tanh' },
    { type: 'regression', num_neurons: 1 },
  ]);
  const types = net.layers.map((l) => l.layer_type);
  const k = types.length - 2;  // the linear fc inserted before 'regression'
  if (types[k] !== 'fc' || types[k - 1] !== 'tanh') throw new Error('unexpected layers ' + types.join(','));
  net.layers.splice(k, 1);
  info.w1_layers = net.layers.map((l) => l.layer_type).join(',');
  const trainer = new convnetjs.Trainer(net, { method: 'sgd', learning_rate: W1.lr, momentum: 0.0, batch_size: W1.batch, l2_decay: 0.0 });
  const X = data.w1.x.map(vol), Y = data.w1.y.map((y) => [y]), N = X.length;
  const order = Array.from({ length: N }, (_, i) => i);
  log('W1');
  results.w1_train = await rate(() => {
    shuffle(order, rnd);
    for (let i = 0; i < N; i++) trainer.train(X[order[i]], Y[order[i]]);
    return N;
  }, opts, 'examples/s');
  const xy = gridPoints(), P = W1.grid * W1.grid, res = new Float64Array(P), v = new convnetjs.Vol(1, 1, 2, 0.0);
  log('W1 grid');
  results.w1_grid = await perCallMs(() => {
    for (let p = 0; p < P; p++) { v.w[0] = xy[2 * p]; v.w[1] = xy[2 * p + 1]; res[p] = net.forward(v, false).w[0]; }
  }, opts);
  let c = 0;
  for (let i = 0; i < N; i++) c += (net.forward(X[i]).w[0] > 0 ? 1 : -1) === data.w1.y[i];
  info.w1_train_accuracy_after = c / N;
});

await section('w2', async () => {
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: 'input', out_sx: 1, out_sy: 1, out_depth: W2.inputs },
    { type: 'fc', num_neurons: W2.hidden[0], activation: 'relu' },
    { type: 'fc', num_neurons: W2.hidden[1], activation: 'relu' },
    { type: 'softmax', num_classes: W2.classes },
  ]);
  const trainer = new convnetjs.Trainer(net, { method: 'sgd', learning_rate: W2.lr, momentum: 0.0, batch_size: W2.batch, l2_decay: 0.0 });
  const X = data.w2.x.map(vol), Y = data.w2.y, N = X.length;
  const order = Array.from({ length: N }, (_, i) => i);
  log('W2');
  results.w2_train = await rate(() => {
    shuffle(order, rnd);
    for (let i = 0; i < N; i++) trainer.train(X[order[i]], Y[order[i]]);
    return N;
  }, opts, 'examples/s');
});

unsupported.w3 = 'no recurrent layers in ConvNetJS';

// W4 and W5 on the core's 8,000 training digits, in the split's order, one batch of 32 per chunk.
let mnist = null;
function trainChunk(trainer, X, Y, count) {
  let next = 0;
  return () => {
    for (let i = 0; i < count; i++) {
      trainer.train(X[next], Y[next]);
      next = (next + 1) % X.length;
    }
    return count;
  };
}
await section('w4', async () => {
  mnist = loadMnist();
  const { rows: R, cols: C, train } = mnist;
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: 'input', out_sx: C, out_sy: R, out_depth: 1 },
    { type: 'conv', sx: W4.conv[0].kernel, filters: W4.conv[0].filters, stride: 1, pad: (W4.conv[0].kernel - 1) / 2, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: W4.conv[1].kernel, filters: W4.conv[1].filters, stride: 1, pad: (W4.conv[1].kernel - 1) / 2, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'softmax', num_classes: W4.classes },  // makeLayers adds the fc 784→10 in front
  ]);
  info.w4_layers = net.layers.map((l) => `${l.layer_type} ${l.out_sx}×${l.out_sy}×${l.out_depth}`).join(', ');
  const trainer = new convnetjs.Trainer(net, { method: 'sgd', learning_rate: 0.01, momentum: 0.9, batch_size: W4.batch, l2_decay: 0.0 });
  const D = R * C, X = [], Y = [];
  for (let n = 0; n < train.n; n++) {
    const v = new convnetjs.Vol(C, R, 1, 0.0);  // w[(y·C + x)·1 + 0]: row-major, as the file
    for (let k = 0; k < D; k++) v.w[k] = train.x[n * D + k];
    X.push(v);
    Y.push(train.y[n]);
  }
  log('W4');
  results.w4_train = await rate(trainChunk(trainer, X, Y, W4.batch), opts, 'examples/s');
});
await section('w5', async () => {
  mnist ||= loadMnist();
  const { rows: R, cols: C, train } = mnist;
  const D = R * C;
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: 'input', out_sx: 1, out_sy: 1, out_depth: D },
    { type: 'fc', num_neurons: W5.hidden, activation: 'relu' },
    { type: 'fc', num_neurons: W5.code },  // linear code
    { type: 'fc', num_neurons: W5.hidden, activation: 'relu' },
    { type: 'fc', num_neurons: D, activation: 'sigmoid' },
    { type: 'regression', num_neurons: D },
  ]);
  const types = net.layers.map((l) => l.layer_type);
  const k = types.length - 2;  // the linear fc inserted before 'regression'
  if (types[k] !== 'fc' || types[k - 1] !== 'sigmoid') throw new Error('unexpected layers ' + types.join(','));
  net.layers.splice(k, 1);
  info.w5_layers = net.layers.map((l) => l.layer_type).join(',');
  const trainer = new convnetjs.Trainer(net, { method: 'sgd', learning_rate: 0.01, momentum: 0.9, batch_size: W5.batch, l2_decay: 0.0 });
  const X = [], Y = [];
  for (let n = 0; n < train.n; n++) {
    const x = Array.from(train.x.subarray(n * D, (n + 1) * D));
    X.push(vol(x));
    Y.push(x);
  }
  log('W5');
  results.w5_train = await rate(trainChunk(trainer, X, Y, W5.batch), opts, 'examples/s');
});

writeResult(out, {
  system: 'convnetjs', float: 'float64', results, info, errors, unsupported,
  notes: 'W2, W4, W5 with SGD (no Adam in npm 0.3.0); W5 squared error (no BCE); grid one forward per point, output only',
});
