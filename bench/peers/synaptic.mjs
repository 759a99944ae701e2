// synaptic.mjs: synaptic 1.1.4. Networks of Neuron objects, compiled by the library into one
// generated function per network ("optimized"); JS numbers (float64).
// Usage: node bench/peers/synaptic.mjs [--quick] [--out FILE]
//
// What differs from the workloads:
//   * no mini-batches: Trainer.train updates after every example (batch 1);
//   * no Adam and no softmax: W2 is per-example SGD with a logistic output and cross-entropy;
//   * W3: synaptic has no BPTT. Its recurrent learning is LSTM-g with eligibility traces,
//     online: activate + propagate at every time step (50 updates per sequence). The W3 row is
//     a hand-wired Elman-like net (input -> 32 tanh self-connected all-to-all -> 1 linear);
//   * the grid is one activate() per point, output only.
import { createRequire } from 'node:module';

import { W1, W2, W3, rate, perCallMs, timingOptions, gridPoints, mulberry32, shuffle } from '../common.mjs';
import { loadData } from '../data.mjs';
import { cliOptions, writeResult } from '../node_util.mjs';

const require = createRequire(import.meta.url);
const { Architect, Trainer, Neuron, Layer, Network } = require('synaptic');
const version = require('synaptic/package.json').version;
const { quick, out, repeats } = cliOptions();
const opts = timingOptions(quick, repeats);
const log = (m) => console.error(`synaptic ${m}`);
const data = loadData();
const rnd = mulberry32(7);
const results = {}, info = { version }, errors = {};

async function section(name, fn) {
  try { await fn(); } catch (e) { errors[name] = String(e && e.message || e); log(`${name} failed: ${errors[name]}`); }
}

await section('w1', async () => {
  const net = new Architect.Perceptron(2, ...W1.hidden, 1);
  net.layers.hidden.forEach((l) => l.set({ squash: Neuron.squash.TANH }));
  net.layers.output.set({ squash: Neuron.squash.TANH });
  const order = shuffle(Array.from({ length: data.w1.x.length }, (_, i) => i), rnd);
  const set = order.map((i) => ({ input: data.w1.x[i], output: [data.w1.y[i]] }));
  const trainer = new Trainer(net);
  const o = { rate: W1.lr, iterations: 10, error: -1, cost: Trainer.cost.MSE, shuffle: false };
  log('W1');
  results.w1_train = await rate(() => set.length * trainer.train(set, o).iterations, opts, 'examples/s');
  const xy = gridPoints(), P = W1.grid * W1.grid, res = new Float64Array(P), pt = [0, 0];
  log('W1 grid');
  results.w1_grid = await perCallMs(() => {
    for (let p = 0; p < P; p++) { pt[0] = xy[2 * p]; pt[1] = xy[2 * p + 1]; res[p] = net.activate(pt)[0]; }
  }, opts);
  let c = 0;
  for (let i = 0; i < set.length; i++) c += (net.activate(data.w1.x[i])[0] > 0 ? 1 : -1) === data.w1.y[i];
  info.w1_train_accuracy_after = c / set.length;
  info.w1_optimized = !!net.optimized;
});

await section('w2', async () => {
  const net = new Architect.Perceptron(W2.inputs, ...W2.hidden, W2.classes);
  net.layers.hidden.forEach((l) => l.set({ squash: Neuron.squash.RELU }));  // output stays logistic
  const order = shuffle(Array.from({ length: data.w2.x.length }, (_, i) => i), rnd);
  const set = order.map((i) => {
    const t = new Array(W2.classes).fill(0);
    t[data.w2.y[i]] = 1;
    return { input: data.w2.x[i], output: t };
  });
  const trainer = new Trainer(net);
  const o = { rate: W2.lr, iterations: 1, error: -1, cost: Trainer.cost.CROSS_ENTROPY, shuffle: false };
  const parts = [];
  for (let s = 0; s + 40 <= set.length; s += 40) parts.push(set.slice(s, s + 40));  // 40 examples a chunk
  let k = 0;
  log('W2');
  results.w2_train = await rate(() => { const p = parts[k++ % parts.length]; return p.length * trainer.train(p, o).iterations; },
    { ...opts, warmupMs: Math.max(opts.warmupMs, 1500) }, 'examples/s');
});

await section('w3', async () => {
  const input = new Layer(1), hidden = new Layer(W3.hidden), output = new Layer(1);
  hidden.set({ squash: Neuron.squash.TANH });
  output.set({ squash: Neuron.squash.IDENTITY });
  input.project(hidden);
  hidden.project(hidden, Layer.connectionType.ALL_TO_ALL);
  hidden.project(output);
  const net = new Network({ input, hidden: [hidden], output });
  const seqs = data.w3.seqs;
  let pos = 0;
  log('W3');
  results.w3_train = await rate(() => {
    for (let k = 0; k < 4; k++) {  // 4 sequences a chunk
      const q = seqs[pos++ % seqs.length];
      for (let t = 0; t < W3.T; t++) { net.activate([q[t]]); net.propagate(W3.lr, [q[t + 1]]); }
    }
    return 4;
  }, { ...opts, warmupMs: Math.max(opts.warmupMs, 1500) }, 'sequences/s');
  info.w3_model = 'Elman-like: input(1) -> hidden(32, tanh, self all-to-all) -> output(1, identity); online, eligibility traces';
});

writeResult(out, {
  system: 'synaptic', float: 'float64', results, info, errors,
  notes: 'batch 1 (per-example updates); W2 SGD + logistic output (no Adam, no softmax); W3 eligibility traces, not BPTT, online; grid output only',
});
