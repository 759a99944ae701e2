// wasm_workloads.mjs: the workloads on the project's wasm module through its Session API
// (docs/wasm-api.md), shared by bench/wasm_node.mjs (Node) and bench/browser/bench.js (Chromium).
// No Node imports: `bp` is the loaded module, `digitsCsv` the decompressed digits text.
// W4 and W5 run on the digits module's ImageSession (runWasmImages, notes/digits-api.md).
import { W1, W2, W3, W4, W5, rate, perCallMs } from './common.mjs';

// W3 runs on the recurrent module's SequenceSession (web/engine/backprop-recurrent.mjs) (docs/wasm-api.md, "Sequence sessions"): the core's
// sine task (256 training and 64 held-out sequences of T = 50), Elman, 32 hidden, full BPTT,
// SGD 0.01, batch 16. step(n) ends with train/test loss over all 320 sequences and the largest
// singular value of Wh; 500 steps (8,000 sequences) per call amortize that (see w3_metrics).
export const W3_BINDING = 'SequenceSession';
export const W3_CONFIG = {
  task: { name: 'sine', length: W3.T, sequences: W3.sequences, testSequences: 64, noise: 0, seed: 1 },
  cell: 'elman', hidden: W3.hidden, truncation: 0,
  training: { optimizer: 'sgd', learningRate: W3.lr, batchSize: W3.batch, clipNorm: 0 },
  seed: 1,
};
export const W3_STEPS_PER_CALL = 500;

function sum(view) {
  let s = 0;
  for (let i = 0; i < view.length; i++) s += view[i];
  return s;
}

// Which precision the grid path computes in: its output against predict() (the float64 training
// path) at the same points. 0 for a float64 grid; about 1e-7 for a float32 drawing path.
function gridPrecision(s) {
  const G = W1.grid, d = W1.domain;
  s.evaluateGrid(G, -d, d, -d, d);
  const grid = s.gridOutput().slice();
  const xy = new Float64Array(2 * G * G);
  for (let r = 0; r < G; r++) {
    for (let c = 0; c < G; c++) {
      xy[2 * (r * G + c)] = -d + (2 * d * c) / (G - 1);
      xy[2 * (r * G + c) + 1] = d - (2 * d * r) / (G - 1);
    }
  }
  const ref = s.predict(xy);
  let max = 0;
  for (let i = 0; i < grid.length; i++) max = Math.max(max, Math.abs(grid[i] - ref[i]));
  return max;
}

export async function runWasm(bp, digitsCsv, opts, log = () => {}, bpRecurrent = bp) {
  const results = {}, errors = {}, info = {}, unsupported = {};

  // W1: training throughput and the grid
  {
    const s = new bp.Session(W1.config);
    try {
      log('wasm W1');
      results.w1_train = await rate(() => {
        const st = s.step(W1.stepsPerCall);
        if (st.diverged) throw new Error('W1 diverged: ' + st.message);
        return W1.stepsPerCall * W1.batch;
      }, opts, 'examples/s');
      results.w1_metrics = await perCallMs(() => s.stats(), opts);
      info.w1_train_accuracy_after = s.stats().trainAccuracy;
      info.w1_steps_per_call = W1.stepsPerCall;
      log('wasm W1 grid');
      let sink = 0;
      results.w1_grid = await perCallMs(() => {
        s.evaluateGrid(W1.grid, -W1.domain, W1.domain, -W1.domain, W1.domain);
        sink += sum(s.gridNeurons());  // a fresh view after the call, every value read once
      }, opts);
      results.w1_grid_eval_only = await perCallMs(() => {
        s.evaluateGrid(W1.grid, -W1.domain, W1.domain, -W1.domain, W1.domain);
      }, opts);
      info.w1_grid_values = s.gridNeurons().length;
      info.w1_grid_max_diff_vs_predict = gridPrecision(s);
      info.w1_grid_sink = sink;
    } catch (e) {
      errors.w1 = String(e && e.message || e);
    } finally {
      s.delete();
    }
  }

  // W2: the digits
  {
    let s = null;
    try {
      s = new bp.Session(W2.config);
      s.useDigits(digitsCsv);
      log('wasm W2');
      results.w2_train = await rate(() => {
        const st = s.step(W2.stepsPerCall);
        if (st.diverged) throw new Error('W2 diverged: ' + st.message);
        return W2.stepsPerCall * W2.batch;
      }, opts, 'examples/s');
      results.w2_metrics = await perCallMs(() => s.stats(), opts);
      info.w2_train_accuracy_after = s.stats().trainAccuracy;
    } catch (e) {
      errors.w2 = 'Session refuses the W2 network: ' + String(e && e.message || e);
    } finally {
      if (s) s.delete();
    }
  }

  // W3: the sequence session
  if (typeof bpRecurrent[W3_BINDING] === 'function') {
    let r = null;
    try {
      r = new bpRecurrent[W3_BINDING](W3_CONFIG);
      log('wasm W3');
      results.w3_train = await rate(() => {
        const st = r.step(W3_STEPS_PER_CALL);
        if (st.diverged) throw new Error('W3 diverged: ' + st.message);
        return W3_STEPS_PER_CALL * W3.batch;
      }, opts, 'sequences/s');
      results.w3_metrics = await perCallMs(() => r.stats(), opts);
      info.w3_test_loss_after = r.stats().testLoss;
      info.w3_steps_per_call = W3_STEPS_PER_CALL;
    } catch (e) {
      errors.w3 = String(e && e.message || e);
    } finally {
      if (r) r.delete();
    }
  } else {
    unsupported.w3 = `not yet exposed: the module has no ${W3_BINDING} binding for sequence training`;
  }
  return { results, errors, info, unsupported };
}

// W4 (the MNIST CNN) and W5 (the MNIST autoencoder) on the digits module's ImageSession
// (web/engine/backprop-digits.mjs): the core's default configs for 'cnn' and 'autoencoder' on
// the bytes of web/data/mnist-10k.bpimg, the same sessions native_bench runs (defaultImageConfig
// gives default_image_config's layers, Adam 1e-3, batch 32, seeds 1). step(n) returns only the
// mean batch loss (no metrics): W4.stepsPerCall steps per call amortize the weight snapshot it
// takes at the start of each call.
export async function runWasmImages(bpDigits, mnistBytes, opts, log = () => {}) {
  const results = {}, errors = {}, info = {}, unsupported = {};
  if (!bpDigits || typeof bpDigits.ImageSession !== 'function') {
    unsupported.w4 = unsupported.w5 = 'the digits module (backprop-digits) has no ImageSession';
    return { results, errors, info, unsupported };
  }
  for (const [w, W] of [['w4', W4], ['w5', W5]]) {
    let s = null;
    try {
      const config = bpDigits.defaultImageConfig(W.kind, 'mnist', 'relu');
      s = new bpDigits.ImageSession(config, mnistBytes);
      if (s.trainCount() !== W.trainImages) throw new Error(`${w}: ${s.trainCount()} training images, expected ${W.trainImages}`);
      log(`wasm ${w.toUpperCase()}`);
      results[`${w}_train`] = await rate(() => {
        const st = s.step(W.stepsPerCall);
        if (st.diverged) throw new Error(`${w} diverged: ${st.message}`);
        return W.stepsPerCall * W.batch;
      }, opts, 'examples/s');
      info[`${w}_steps_per_call`] = W.stepsPerCall;
      info[`${w}_train_loss_after`] = s.step(1).trainLoss;
      info[`${w}_layers`] = s.layers().map((l) => l.text).join(', ');
    } catch (e) {
      errors[w] = String(e && e.message || e);
    } finally {
      if (s) s.delete();
    }
  }
  return { results, errors, info, unsupported };
}
