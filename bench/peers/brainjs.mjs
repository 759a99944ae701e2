// brainjs.mjs: brain.js 1.6.1 (npm `latest`), NeuralNetwork (CPU) and recurrent.RNNTimeStep.
// Usage: node bench/peers/brainjs.mjs [--quick] [--out FILE]
//
// What makes its rows differ from the workloads:
//   * no mini-batches: every example updates the weights (batch 1), in array order;
//   * float32 weights and activations (Float32Array);
//   * no softmax: W2's output layer is ReLU like the hidden ones, trained with squared error;
//   * its RNN uses ReLU hidden units (not tanh), updates once per sequence (batch 1) with its
//     own RMSProp-like rule and gradient clipping (there is no plain SGD for recurrent nets);
//   * the grid is one net.run() per point and returns the output only.
//   * momentum must be > 0 (validation rejects 0): 1e-9 is passed, the term is negligible.
import { createRequire } from 'node:module';

import { W1, W2, rate, perCallMs, timingOptions, gridPoints, mulberry32, shuffle } from '../common.mjs';
import { loadData } from '../data.mjs';
import { cliOptions, writeResult } from '../node_util.mjs';

const require = createRequire(import.meta.url);
const brain = require('brain.js');
const version = require('brain.js/package.json').version;
const { quick, out, repeats } = cliOptions();
const opts = timingOptions(quick, repeats);
const log = (m) => console.error(`brain.js ${m}`);
const data = loadData();
const results = {}, info = { version }, errors = {};
const MOMENTUM = 1e-9, THRESH = 1e-12;  // errorThresh must be in (0, 1): tiny, so it never stops early

async function section(name, fn) {
  try { await fn(); } catch (e) { errors[name] = String(e && e.message || e); log(`${name} failed: ${errors[name]}`); }
}

await section('w1', async () => {
  const net = new brain.NeuralNetwork({ hiddenLayers: W1.hidden, activation: 'tanh' });  // tanh on every layer
  // brain.js trains in array order and never shuffles: shuffle once so that the classes interleave.
  const order = shuffle(Array.from({ length: data.w1.x.length }, (_, i) => i), mulberry32(7));
  const set = order.map((i) => ({ input: data.w1.x[i], output: [data.w1.y[i]] }));
  const o = { iterations: 10, errorThresh: THRESH, learningRate: W1.lr, momentum: MOMENTUM, log: false };
  log('W1');
  results.w1_train = await rate(() => set.length * net.train(set, o).iterations, opts, 'examples/s');
  const xy = gridPoints(), P = W1.grid * W1.grid, res = new Float64Array(P), pt = [0, 0];
  log('W1 grid');
  results.w1_grid = await perCallMs(() => {
    for (let p = 0; p < P; p++) { pt[0] = xy[2 * p]; pt[1] = xy[2 * p + 1]; res[p] = net.run(pt)[0]; }
  }, opts);
  let c = 0;
  for (let i = 0; i < set.length; i++) c += (net.run(data.w1.x[i])[0] > 0 ? 1 : -1) === data.w1.y[i];
  info.w1_train_accuracy_after = c / set.length;
});

await section('w2', async () => {
  const net = new brain.NeuralNetwork({ hiddenLayers: W2.hidden, activation: 'relu' });
  const set = data.w2.x.map((x, i) => {
    const t = new Array(W2.classes).fill(0);
    t[data.w2.y[i]] = 1;
    return { input: x, output: t };
  });
  const o = { iterations: 1, errorThresh: THRESH, learningRate: W2.lr, praxis: 'adam', log: false };
  net.train(set.slice(0, 10), o);  // initializes the network and the Adam state
  info.w2_adam_active = net.adjustWeights === net._adjustWeightsAdam;
  // A chunk is 60 examples, rotating through the set: even a slow configuration gets several repeats.
  const parts = [];
  for (let s = 0; s + 60 <= set.length; s += 60) parts.push(set.slice(s, s + 60));
  let k = 0;
  log('W2');
  results.w2_train = await rate(() => { const p = parts[k++ % parts.length]; return p.length * net.train(p, o).iterations; },
    opts, 'examples/s');
  // The same network with brain.js's default update (SGD with a momentum term): its Adam path
  // costs about 8x more per example, so the SGD figure is kept to show where its time goes.
  const sgd = new brain.NeuralNetwork({ hiddenLayers: W2.hidden, activation: 'relu' });
  const o2 = { iterations: 1, errorThresh: THRESH, learningRate: W2.lr, momentum: MOMENTUM, log: false };
  sgd.train(set.slice(0, 10), o2);
  let j = 0;
  log('W2 sgd');
  info.w2_train_sgd = await rate(() => { const p = parts[j++ % parts.length]; return p.length * sgd.train(p, o2).iterations; },
    opts, 'examples/s');
});

await section('w3', async () => {
  const net = new brain.recurrent.RNNTimeStep({ inputSize: 1, hiddenLayers: [32], outputSize: 1 });
  const seqs = data.w3.seqs;  // 51 numbers each: input s[t], target s[t+1]
  // learningRate 0.01 blows up with its RMSProp-like step (error ~5e14 after one pass); 1e-3 trains.
  const o = { iterations: 1, errorThresh: -1, learningRate: 1e-3, log: false };
  net.train(seqs.slice(0, 16), o);
  // A chunk is 32 sequences, rotating through all 256.
  const parts = [];
  for (let s = 0; s < seqs.length; s += 32) parts.push(seqs.slice(s, s + 32));
  let k = 0;
  log('W3');
  results.w3_train = await rate(() => { const p = parts[k++ % parts.length]; return p.length * net.train(p, o).iterations; },
    opts, 'sequences/s');
  info.w3_learning_rate = o.learningRate;
});

writeResult(out, {
  system: 'brainjs', float: 'float32', results, info, errors,
  notes: 'batch 1 (per-example updates); no softmax in W2 (ReLU output + squared error); RNN is ReLU + RMSProp-like, batch 1; grid returns the output only',
});
