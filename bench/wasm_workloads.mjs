// wasm_workloads.mjs: the workloads on the project's wasm module through its Session API
// (docs/wasm-api.md), shared by bench/wasm_node.mjs (Node) and bench/browser/bench.js (Chromium).
// No Node imports: `bp` is the loaded module, `digitsCsv` the decompressed digits text.
import { W1, W2, W3, rate, perCallMs } from './common.mjs';

// The sequence-training binding W3 needs (not in the module yet; see bench/README.md):
//   const r = new bp.SequenceSession({ task: 'sine', length: 50, sequences: 256, seed: 1,
//     network: { cell: 'elman', hidden: 32, loss: 'squared', seed: 1 },
//     training: { optimizer: 'sgd', learningRate: 0.01, batchSize: 16, truncation: 0 } });
//   r.step(n)  -> { step, loss, ... }   n mini-batches of forward + full BPTT + update
//   r.delete()
export const W3_BINDING = 'SequenceSession';

function sum(view) {
  let s = 0;
  for (let i = 0; i < view.length; i++) s += view[i];
  return s;
}

export async function runWasm(bp, digitsCsv, opts, log = () => {}) {
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

  // W3: only through a sequence-training binding
  if (typeof bp[W3_BINDING] === 'function') {
    let r = null;
    try {
      r = new bp[W3_BINDING]({
        task: 'sine', length: W3.T, sequences: W3.sequences, seed: 1,
        network: { cell: 'elman', hidden: W3.hidden, loss: 'squared', seed: 1 },
        training: { optimizer: 'sgd', learningRate: W3.lr, batchSize: W3.batch, truncation: 0 },
      });
      log('wasm W3');
      const batches = W3.sequences / W3.batch;
      results.w3_train = await rate(() => { r.step(batches); return batches * W3.batch; }, opts, 'sequences/s');
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
