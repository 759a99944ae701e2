// uci.mjs: "UCI 8×8 digits, MLP test accuracy" (issue 13). The MLP of the reference result in
// ../shared/data/README.md (64-128-64-10 ReLU, softmax cross-entropy, Adam 1e-3, batch 32,
// 30 epochs, an 80/20 split: 97.7 % on average over 5 seeds, PyTorch 1.13), trained by the core's
// ImageSession through the native CLI (`backprop digits`) for the data and weight seeds 1..5.
// The page runs the same arithmetic in wasm, bit for bit (tests/node/digits.test.mjs, parity), so
// these are also the page's figures for #data=uci&model=mlp&hidden=128,64 with those seeds.
// Usage: node bench/uci.mjs [--out FILE]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { root } from './data.mjs';
import { cliOptions, writeResult } from './node_util.mjs';
import { stats } from './common.mjs';

const { out } = cliOptions();
const SEEDS = [1, 2, 3, 4, 5];
const TRAIN = 1438;           // 80 % of the 1,797 digits (the core's split: 359 test digits)
const BATCH = 32;
const EPOCHS = 30;
const STEPS = EPOCHS * Math.ceil(TRAIN / BATCH);   // 1,350 mini-batches
const TARGET = 0.975;

const cli = path.join(root, 'build', 'native', 'backprop');
const data = path.join(root, 'web', 'data', 'optdigits-8x8.bpimg');
const config = (seed) => ({
  data: { name: 'uci', testCount: 0, seed },
  model: {
    kind: 'mlp', loss: 'softmax_ce', init: 'he', seed,
    layers: [{ type: 'dense', units: 128 }, { type: 'relu' }, { type: 'dense', units: 64 }, { type: 'relu' },
      { type: 'dense', units: 10 }, { type: 'softmax' }],
  },
  training: { optimizer: 'adam', learningRate: 1e-3, batchSize: BATCH },
});

const result = { system: 'uci', target: TARGET, steps: STEPS, epochs: EPOCHS, errors: {} };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-bench-uci-'));
try {
  const runs = [];
  for (const seed of SEEDS) {
    const file = path.join(dir, `seed${seed}.json`);
    fs.writeFileSync(file, JSON.stringify(config(seed)));
    const t0 = Date.now();
    const r = JSON.parse(execFileSync(cli, ['digits', '--config', file, '--data', data, '--steps', String(STEPS)], { encoding: 'utf8' }));
    runs.push({ seed, accuracy: r.test.accuracy, loss: r.test.loss, seconds: (Date.now() - t0) / 1000 });
    process.stderr.write(`uci: seed ${seed}: ${(100 * r.test.accuracy).toFixed(2)} %\n`);
  }
  const mean = runs.reduce((s, r) => s + r.accuracy, 0) / runs.length;
  const accuracies = runs.map((r) => r.accuracy);
  // results: the bench's usual stats (bench/run.mjs merges those); info: each run, and the mean
  result.results = { uci_mlp_accuracy: stats(accuracies, 'fraction') };
  result.info = { runs, mean };
} catch (e) {
  result.errors.uci = String(e && e.message || e).split('\n')[0];
  process.exitCode = 1;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
writeResult(out, result);
