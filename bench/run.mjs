// run.mjs: `npm run bench`. Measures the project (natively, as wasm in Node and in headless
// Chromium, and the page) and its peers side by side in one run, on the workloads of issue 4,
// and prints a markdown table of figures and ratios (also written to bench/results/latest.md,
// raw numbers in bench/results/latest.json).
//
// Every system runs in its own process, one after the other, so they do not compete for the
// CPU; each figure is the median of several timed repeats (bench/common.mjs). Machines here are
// shared and noisy: compare ratios from one run, not absolute figures across runs.
// BENCH_QUICK=1 (or --quick) runs fewer, shorter repeats: a smoke test of about a minute.
import { execFileSync, execSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

import { root, writeData, dataDir } from './data.mjs';
import { mnistPath, splitPath, writeMnistSplit } from './mnist_data.mjs';
import { cliOptions } from './node_util.mjs';
import { findTorchPython, TORCH_MISSING, imageNotes, imageReport } from './report_images.mjs';
import { embedReport, embedTargetRow } from './report_embed.mjs';
import { uciReport, uciTargetRow } from './report_uci.mjs';

const { quick } = cliOptions();
const resultsDir = path.join(root, 'bench', 'results');
const rawDir = path.join(resultsDir, 'raw');
fs.rmSync(rawDir, { recursive: true, force: true });
fs.mkdirSync(rawDir, { recursive: true });
const progress = (m) => process.stderr.write(`bench: ${m}\n`);
const started = Date.now();
const loadStart = os.loadavg();

// ---- the systems --------------------------------------------------------------------------------
// The project's three systems (native, wasm in Node, wasm in Chromium) run in ROUNDS interleaved
// rounds of a few repeats each, and their samples are merged: load from other processes then
// falls on all three alike, and the wasm/native ratios compare like with like. The plain-JS
// baseline in Chromium and the page run once, with the last round; the Node peers once each.
const q = quick ? ['--quick'] : [];
const ROUNDS = quick ? 1 : 3;
const PROJECT_REPEATS = 3;  // per round
// The native figure is g++ -O2 for the x86-64 baseline (SSE2: 2 doubles per instruction, the
// width of wasm SIMD), as issue 4 defines the wasm/native ratio: a build of its own, without the
// AVX2 clones the shipped native build adds (-DBP_MULTIVERSION=OFF). The shipped build's figure
// is printed beside it. BENCH_NATIVE_EXE: another build of native_bench instead.
const baselineDir = path.join(root, 'build', 'native-baseline');
if (!process.env.BENCH_NATIVE_EXE) {
  const sh = (cmd) => execSync(cmd, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  sh(`cmake -S . -B ${baselineDir} -DCMAKE_BUILD_TYPE=Release -DBP_MULTIVERSION=OFF -DBP_TESTS=OFF`);
  sh(`cmake --build ${baselineDir} -j 2 --target native_bench`);
}
const nativeExe = process.env.BENCH_NATIVE_EXE ? path.resolve(process.env.BENCH_NATIVE_EXE) : path.join(baselineDir, 'native_bench');
const JOBS = [];
for (let r = 1; r <= ROUNDS; r++) {
  const rep = ['--repeats', String(PROJECT_REPEATS)];
  JOBS.push({ id: 'native', round: r, cmd: nativeExe, stdout: true,
    args: [...q, ...rep, '--digits', path.join(dataDir, 'digits.csv'), '--w3', path.join(dataDir, 'w3.txt'), '--mnist', mnistPath] });
  JOBS.push({ id: 'wasm-node', round: r, script: 'bench/wasm_node.mjs', args: rep });
  JOBS.push({ id: 'chromium', round: r, script: 'bench/browser.mjs', args: [...rep, ...(r === ROUNDS ? ['wasm', 'plainjs', 'page'] : ['wasm'])] });
}
JOBS.push(
  // The embedded element on the built site (dist/ served with --site): time to its first frame.
  { id: 'embed', script: 'bench/embed.mjs' },
  // The UCI 8×8 MLP's test accuracy over 5 seeds, natively (bench/uci.mjs).
  { id: 'uci', script: 'bench/uci.mjs' },
  { id: 'plainjs-node', script: 'bench/plainjs.mjs' },
  { id: 'tfjs-wasm', script: 'bench/peers/tfjs.mjs', args: ['wasm'] },
  { id: 'tfjs-cpu', script: 'bench/peers/tfjs.mjs', args: ['cpu'] },
  { id: 'brainjs', script: 'bench/peers/brainjs.mjs' },
  { id: 'convnetjs', script: 'bench/peers/convnetjs.mjs' },
  { id: 'synaptic', script: 'bench/peers/synaptic.mjs' },
  // Accuracy after 8 epochs (CNN and MLP, fixed seeds), natively: no timing, one run.
  { id: 'native-accuracy', cmd: nativeExe, stdout: true, timeoutS: 1800, args: ['--mnist', mnistPath, '--accuracy', '8'] },
);
// The PyTorch reference (W4, W5 examples/s and the accuracy after 8 epochs), only where torch
// imports: a bench reference, never a dependency of the project.
const torchPython = findTorchPython();
if (torchPython) {
  JOBS.push({ id: 'pytorch', cmd: torchPython, timeoutS: 1800, outArg: true,
    args: [path.join(root, 'bench', 'peers', 'pytorch_digits.py'), '--mnist', mnistPath, '--split', splitPath, ...q] });
}

function run(job) {
  const name = job.round ? `${job.id}-round${job.round}` : job.id;
  const out = path.join(rawDir, `${name}.json`);
  const cmd = job.script ? process.execPath : job.cmd;
  const args = job.script ? [path.join(root, job.script), ...(job.args || []), ...q, '--out', out]
    : job.outArg ? [...job.args, '--out', out] : job.args;
  return new Promise((resolve) => {
    const t0 = Date.now();
    const load = os.loadavg()[0];
    let stdout = '', stderr = '';
    let child;
    try {
      child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ failed: String(e.message) });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), (job.timeoutS || (quick ? 180 : 420)) * 1000);
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (e) => { clearTimeout(timer); resolve({ failed: e.message }); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = (Date.now() - t0) / 1000;
      const lastErr = stderr.trim().split('\n').filter((l) => !/^(wasm|plainjs|tfjs|brain|convnetjs|synaptic|pytorch|\[chromium\])/.test(l)).slice(-3).join(' / ');
      if (code !== 0) {
        resolve({ failed: `exit ${code ?? signal}: ${lastErr || 'no message'}`, seconds });
        return;
      }
      try {
        const r = JSON.parse(job.stdout ? stdout : fs.readFileSync(out, 'utf8'));
        if (job.stdout) fs.writeFileSync(out, JSON.stringify(r, null, 1));
        resolve({ ...r, seconds, loadBefore: load, loadAfter: os.loadavg()[0] });
      } catch (e) {
        resolve({ failed: `unreadable output: ${e.message}`, seconds });
      }
    });
  });
}

progress(`writing the seeded data to ${path.relative(root, dataDir)}`);
await writeData();
// The core's MNIST split (W4, W5) for the peers and PyTorch, from the native benchmark.
let splitError = null;
try {
  writeMnistSplit(nativeExe);
} catch (e) {
  splitError = String(e.stderr || e.message || e).trim().split('\n').slice(-1)[0];
  progress(`mnist split FAILED: ${splitError}`);
}
// Per system, the result of each round it ran in (one round for most).
const perRound = {};
const addRound = (id, r) => { (perRound[id] ||= []).push(r); };
let chromium = {};
let page = { todo: 'not measured' };
const loadBefore = {};
for (const job of JOBS) {
  const name = job.round ? `${job.id} (round ${job.round}/${ROUNDS})` : job.id;
  let r;
  if (job.cmd && !fs.existsSync(job.cmd)) {
    r = { failed: `${path.relative(root, job.cmd)} is missing: run bash scripts/build.sh native` };
  } else {
    progress(`${name} ...`);
    r = await run(job);
    progress(`${name} done in ${(r.seconds || 0).toFixed(1)} s${r.failed ? ' FAILED: ' + r.failed : ''}`);
  }
  (loadBefore[job.id] ||= []).push(r.loadBefore);
  if (job.id !== 'chromium') { addRound(job.id, r); continue; }
  // The Chromium process reports the wasm and plain-JS systems and the page.
  chromium = r;
  const wanted = job.args.filter((a) => ['wasm', 'plainjs'].includes(a)).map((a) => `${a}-chromium`);
  for (const id of wanted) {
    const s = (r.systems || []).find((x) => x.system === id);
    addRound(id, s || { failed: r.failed || (r.errors && r.errors[id]) || 'no result' });
  }
  if (job.args.includes('page')) page = r.page || (r.failed ? { error: r.failed } : { todo: 'not measured' });
}

// Merge the rounds: samples concatenated, figures recomputed; errors and notes from the last
// round that has them. `roundMedians[key]` keeps each round's median (for per-round ratios).
function median(xs) {
  const s = [...xs].sort((a, b) => a - b), n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
const systems = {};
for (const [id, rounds] of Object.entries(perRound)) {
  const ok = rounds.filter((r) => !r.failed);
  if (!ok.length) { systems[id] = { failed: rounds[rounds.length - 1].failed }; continue; }
  const merged = { ...ok[ok.length - 1], results: {}, roundMedians: {}, rounds: ok.length };
  for (const r of ok) {
    for (const [key, v] of Object.entries(r.results || {})) {
      const m = merged.results[key] ||= { samples: [], unit: v.unit };
      m.samples.push(...(v.samples || [v.median]));
      (merged.roundMedians[key] ||= []).push(v.median);
    }
  }
  for (const m of Object.values(merged.results)) {
    m.median = median(m.samples);
    m.min = Math.min(...m.samples);
    m.max = Math.max(...m.samples);
    m.n = m.samples.length;
  }
  systems[id] = merged;
}

// ---- module size --------------------------------------------------------------------------------
const engine = path.join(root, 'web', 'engine');
const size = {};
for (const f of ['backprop.wasm', 'backprop.mjs', 'backprop-recurrent.wasm', 'backprop-recurrent.mjs', 'backprop-digits.wasm', 'backprop-digits.mjs']) {
  const p = path.join(engine, f);
  if (!fs.existsSync(p)) { size[f] = null; continue; }
  const bytes = fs.readFileSync(p);
  size[f] = { raw: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length };
}
// Each page downloads one module: the static playground backprop.*, the recurrent page
// backprop-recurrent.*. The target applies to each.
const gzOf = (m) => size[`${m}.wasm`] && size[`${m}.mjs`] ? size[`${m}.wasm`].gzip + size[`${m}.mjs`].gzip : null;
const gzTotal = gzOf('backprop');
const gzRecurrent = gzOf('backprop-recurrent');
const gzDigits = gzOf('backprop-digits');

// ---- formatting ---------------------------------------------------------------------------------
const fmtRate = (x) => x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e4 ? `${(x / 1e3).toFixed(1)} k` : x >= 1e3 ? `${(x / 1e3).toFixed(2)} k` : x.toFixed(x >= 100 ? 0 : 1);
const fmtMs = (x) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const fmtX = (x) => x >= 10 ? `${x.toFixed(0)}×` : x >= 0.1 ? `${x.toFixed(2)}×` : `${x.toPrecision(2)}×`;

const LABEL = {
  native: 'project, native (g++ -O2, x86-64 baseline)',
  'wasm-node': 'project, wasm in Node',
  'wasm-chromium': '**project, wasm in Chromium**',
  'plainjs-node': 'plain JS (Float64Array), Node',
  'plainjs-chromium': 'plain JS (Float64Array), Chromium',
  'tfjs-wasm': 'TensorFlow.js 4.22 wasm backend, Node',
  'tfjs-cpu': 'TensorFlow.js 4.22 cpu backend, Node',
  brainjs: 'brain.js 1.6.1, Node',
  convnetjs: 'ConvNetJS 0.3.0, Node',
  synaptic: 'synaptic 1.1.4, Node',
  pytorch: 'PyTorch 1.13 (float32, 1 thread), reference',
};
const ORDER = Object.keys(LABEL);
const FLOAT = { native: 'f64', 'wasm-node': 'f64', 'wasm-chromium': 'f64', 'plainjs-node': 'f64', 'plainjs-chromium': 'f64',
  'tfjs-wasm': 'f32', 'tfjs-cpu': 'f32', brainjs: 'f32', convnetjs: 'f64', synaptic: 'f64', pytorch: 'f32' };

const info = (id, key) => systems[id] && systems[id].info && systems[id].info[key];
const rateNote = (id, key, what) => { const v = info(id, key); return v && v.median ? `${what} ${fmtRate(v.median)}` : null; };
const msNote = (id, key, what) => { const v = info(id, key); return v && v.median ? `${what} ${fmtMs(v.median)}` : null; };
const evalOnly = (id) => { const r = fig(id, 'w1_grid_eval_only'); return r ? `evaluateGrid alone ${fmtMs(r.median)}` : null; };
const PROJECT_W3 = 'SequenceSession.step(500) per call on the core\'s sine task; its train/test loss and σ_max(Wh) at the end of each call are amortized';
const PROJECT_W1 = `Session.step(${25000}) per call: the train/test metrics computed at the end of each call are amortized (see metrics below)`;
// What each row is, and what makes it unfair, per workload.
const NOTES = {
  w1_train: {
    native: PROJECT_W1, 'wasm-node': PROJECT_W1, 'wasm-chromium': PROJECT_W1,
    'plainjs-node': 'per-example loops, batch 10', 'plainjs-chromium': 'per-example loops, batch 10',
    'tfjs-wasm': () => ['optimizer.minimize loop over pre-sliced batches', rateNote('tfjs-wasm', 'w1_train_fit', 'model.fit:')].filter(Boolean).join('; '),
    'tfjs-cpu': () => ['optimizer.minimize loop over pre-sliced batches', rateNote('tfjs-cpu', 'w1_train_fit', 'model.fit:')].filter(Boolean).join('; '),
    brainjs: '**batch 1** (updates after every example), float32',
    convnetjs: 'batch 10 through its Trainer',
    synaptic: '**batch 1**; compiled per-connection code',
  },
  w1_grid: {
    native: 'evaluate_grid(100) + one read of all 190,000 neuron values',
    'wasm-node': () => ['evaluateGrid(100) + reading every value of gridNeurons()', evalOnly('wasm-node')].filter(Boolean).join('; '),
    'wasm-chromium': () => ['evaluateGrid(100) + reading every value of gridNeurons()', evalOnly('wasm-chromium')].filter(Boolean).join('; '),
    'plainjs-node': 'every neuron, one forward per point', 'plainjs-chromium': 'every neuron, one forward per point',
    'tfjs-wasm': () => ['every layer, one predict() of 10,000 rows', msNote('tfjs-wasm', 'w1_grid_output_only', 'output only:')].filter(Boolean).join('; '),
    'tfjs-cpu': () => ['every layer, one predict() of 10,000 rows', msNote('tfjs-cpu', 'w1_grid_output_only', 'output only:')].filter(Boolean).join('; '),
    brainjs: '**output only**, one run() per point', convnetjs: '**output only**, one forward() per point',
    synaptic: '**output only**, one activate() per point',
  },
  w2_train: {
    native: 'TrainingSession.step(2000) per call', 'wasm-node': 'Session.useDigits + step(2000) per call', 'wasm-chromium': 'Session.useDigits + step(2000) per call',
    'plainjs-node': 'Adam, softmax CE', 'plainjs-chromium': 'Adam, softmax CE',
    'tfjs-wasm': () => ['minimize loop', rateNote('tfjs-wasm', 'w2_train_fit', 'model.fit:')].filter(Boolean).join('; '),
    'tfjs-cpu': () => ['minimize loop', rateNote('tfjs-cpu', 'w2_train_fit', 'model.fit:')].filter(Boolean).join('; '),
    brainjs: () => ['Adam but **batch 1**, **no softmax** (ReLU output + squared error), float32', rateNote('brainjs', 'w2_train_sgd', 'with its default SGD:')].filter(Boolean).join('; '),
    convnetjs: '**SGD** (npm 0.3.0 has no Adam), softmax',
    synaptic: '**SGD, batch 1, logistic output** (no Adam, no softmax)',
  },
  w3_train: {
    native: PROJECT_W3, 'wasm-node': PROJECT_W3, 'wasm-chromium': PROJECT_W3,
    'plainjs-node': 'per-sequence BPTT, batch 16', 'plainjs-chromium': 'per-sequence BPTT, batch 16',
    'tfjs-wasm': () => ['simpleRNN + dense per step, minimize loop', rateNote('tfjs-wasm', 'w3_train_fit', 'model.fit:')].filter(Boolean).join('; '),
    'tfjs-cpu': () => ['simpleRNN + dense per step, minimize loop', rateNote('tfjs-cpu', 'w3_train_fit', 'model.fit:')].filter(Boolean).join('; '),
    brainjs: '**ReLU** RNN (no tanh option), RMSProp-like update, **batch 1**, float32',
    synaptic: 'Elman-like net, **eligibility traces, not BPTT**; online (50 updates per sequence), batch 1',
  },
};
Object.assign(NOTES, imageNotes(info));
const DIRECT_NOTES = {
  w2_train: 'mlp_forward / mlp_backward / Optimizer (Adam) in a loop, without TrainingSession (so without its neuron limit) and without metrics: what the kernels cost',
  w3_train: 'elman_forward_backward + Optimizer (SGD) in a loop on the same sequences as the JS rows, without SequenceSession and its metrics',
};
// Image workloads: the project's three systems, TF.js, ConvNetJS and the PyTorch reference
// (plain JS, brain.js and synaptic have no conv layers and are not run on them).
const IMAGE_SYSTEMS = ['native', 'wasm-node', 'wasm-chromium', 'tfjs-wasm', 'tfjs-cpu', 'convnetjs', 'pytorch'];
const WORKLOADS = [
  { key: 'w1_train', title: 'W1 training, examples/s', kind: 'rate' },
  { key: 'w1_grid', title: 'W1 100×100 grid with every neuron, ms', kind: 'ms' },
  { key: 'w2_train', title: 'W2 digits MLP training, examples/s', kind: 'rate' },
  { key: 'w3_train', title: 'W3 Elman RNN training, sequences/s', kind: 'rate' },
  { key: 'w4_train', title: 'W4 MNIST CNN training, examples/s', kind: 'rate', systems: IMAGE_SYSTEMS },
  { key: 'w5_train', title: 'W5 MNIST autoencoder 784-128-2-128-784 training, examples/s', kind: 'rate', systems: IMAGE_SYSTEMS },
];

const fig = (id, key) => {
  const s = systems[id];
  return s && s.results && s.results[key] && Number.isFinite(s.results[key].median) ? s.results[key] : null;
};
// Speed relative to the project's wasm in Chromium: > 1 is faster than the project.
function speedVsRef(id, key, kind) {
  const a = fig(id, key), ref = fig('wasm-chromium', key);
  if (!a || !ref) return '–';
  return fmtX(kind === 'ms' ? ref.median / a.median : a.median / ref.median);
}
// The project's grid precision, from its output against predict() (float64) at the same points.
function gridFloat(id) {
  const d = info(id, 'w1_grid_max_diff_vs_predict');
  if (typeof d !== 'number') return FLOAT[id];
  return d === 0 ? 'f64' : d < 1e-4 ? `f32 (max diff ${d.toExponential(0)} vs f64 predict)` : `? (max diff ${d.toExponential(1)} vs predict)`;
}
function figureText(r, kind) {
  return kind === 'ms' ? `${fmtMs(r.median)} (${r.min.toFixed(2)}–${r.max.toFixed(2)})` : `${fmtRate(r.median)} (${fmtRate(r.min)}–${fmtRate(r.max)})`;
}
function whyMissing(id, key) {
  const s = systems[id];
  if (id === 'pytorch' && !torchPython) return TORCH_MISSING;
  if (splitError && ['tfjs-wasm', 'tfjs-cpu', 'convnetjs', 'pytorch'].includes(id) && ['w4_train', 'w5_train'].includes(key)) return `failed: no MNIST split (${splitError})`;
  if (!s) return 'not run';
  if (s.failed) return `failed: ${s.failed}`;
  const w = key.slice(0, 2);
  if (s.unsupported && s.unsupported[w]) return `n/a: ${s.unsupported[w]}`;
  if (s.errors && (s.errors[w] || s.errors[key])) return `**blocked**: ${s.errors[w] || s.errors[key]}`;
  if (key === 'w3_train' && id === 'convnetjs') return 'n/a: no recurrent layers';
  return 'not measured';
}

const lines = [];
const P = (s = '') => lines.push(s);
const date = new Date();
P(`# npm run bench${quick ? ' (BENCH_QUICK: fewer, shorter repeats)' : ''}`);
P();
P(`Each figure is the median of timed repeats (min–max over the repeats in brackets). The project's native, wasm-in-Node and ` +
  `wasm-in-Chromium systems ran in ${ROUNDS} interleaved round${ROUNDS > 1 ? 's' : ''} of ${PROJECT_REPEATS} repeats each (samples merged); ` +
  `every other system ran once, ${quick ? 3 : 5} repeats, each in its own process, one after the other, in this one run. ` +
  '"vs project" is the speed relative to the project\'s wasm in Chromium (> 1× = faster than the project). Node rows ran in Node ' +
  `${process.version}; Chromium rows on a headless page's main thread.`);
P();
for (const w of WORKLOADS) {
  P(`## ${w.title}`);
  P();
  P('| system | figure | vs project (Chromium) | float | notes |');
  P('|---|---|---|---|---|');
  for (const id of w.systems || ORDER.filter((x) => x !== 'pytorch')) {
    const r = fig(id, w.key);
    let note = NOTES[w.key][id];
    if (typeof note === 'function') note = note();
    if (r) {
      const fl = w.key === 'w1_grid' && ['native', 'wasm-node', 'wasm-chromium'].includes(id) ? gridFloat(id) : FLOAT[id];
      P(`| ${LABEL[id]} | ${figureText(r, w.kind)} | ${speedVsRef(id, w.key, w.kind)} | ${fl} | ${note || ''} |`);
    } else {
      P(`| ${LABEL[id]} | – | – | ${FLOAT[id]} | ${whyMissing(id, w.key)} |`);
    }
    const direct = id === 'native' && fig('native', `${w.key}_direct`);
    if (direct) {
      const refR = fig('wasm-chromium', w.key);
      P(`| project, native, core directly | ${figureText(direct, 'rate')} | ${refR ? fmtX(direct.median / refR.median) : '–'} | f64 | ${DIRECT_NOTES[w.key]} |`);
    }
  }
  P();
}

P('## Page: W1 on the spiral in the playground page, headless Chromium');
P();
if (page.epochsPerSecond !== undefined) {
  P('| figure | measured | target |');
  P('|---|---|---|');
  P(`| epochs/s | ${page.epochsPerSecond.toFixed(0)} | ≥ 2,000 |`);
  P(`| frames drawn/s (the page's own count, over ${page.seconds.toFixed(1)} s) | ${page.framesDrawnPerSecond == null ? 'hook does not report frames drawn' : page.framesDrawnPerSecond.toFixed(1)} | ≥ 55 |`);
  P(`| requestAnimationFrame callbacks/s (main thread, injected counter) | ${page.rafPerSecond.toFixed(1)} | |`);
  P();
  if (page.settings) P(`Settings the page ran with (its state): ${JSON.stringify(page.settings)}.`);
  if (page.perf) P(`The page's own perf counters: ${JSON.stringify(page.perf)}.`);
  if (page.consoleErrors && page.consoleErrors.length) P(`Console errors on the page: ${page.consoleErrors.slice(0, 3).join(' | ')}`);
} else {
  P(`**TODO**: ${page.todo || page.error}. bench/page.mjs describes the test hook it needs.`);
}
P();
embedReport({ P, embed: systems.embed });
uciReport({ P, uci: systems.uci });

// ---- targets ------------------------------------------------------------------------------------
const verdict = (ok) => ok === null ? '–' : ok ? 'pass' : '**FAIL**';
const ref = (key) => fig('wasm-chromium', key);
const native = (key) => fig('native', key);
function timeRatio(id, key, kind) {  // wasm time / native time
  const a = fig(id, key), n = native(key);
  if (!a || !n) return null;
  return kind === 'ms' ? a.median / n.median : n.median / a.median;
}
P('## Targets (issue 4; Chromium, this run)');
P();
P('| figure | target | measured | result |');
P('|---|---|---|---|');
const tRef = (name, key, target, fmt, ok) => {
  const r = ref(key);
  P(`| ${name} | ${target} | ${r ? fmt(r.median) : whyMissing('wasm-chromium', key)} | ${verdict(r ? ok(r.median) : null)} |`);
};
tRef('W1 training examples/s', 'w1_train', '≥ 3 M', fmtRate, (v) => v >= 3e6);
tRef('W1 100×100 grid with all neuron outputs', 'w1_grid', '≤ 1 ms', fmtMs, (v) => v <= 1);
tRef('W2 examples/s', 'w2_train', '≥ 60 k', fmtRate, (v) => v >= 60e3);
tRef('W3 sequences/s', 'w3_train', '≥ 20 k', fmtRate, (v) => v >= 20e3);
if (page.epochsPerSecond !== undefined) {
  const fps = page.framesDrawnPerSecond ?? page.rafPerSecond;
  P(`| page, W1 on spiral | ≥ 2,000 epochs/s at ≥ 55 fps | ${page.epochsPerSecond.toFixed(0)} epochs/s at ${fps.toFixed(1)} fps | ${verdict(page.epochsPerSecond >= 2000 && fps >= 55)} |`);
} else {
  P(`| page, W1 on spiral | ≥ 2,000 epochs/s at ≥ 55 fps | TODO: ${page.todo || page.error} | – |`);
}
for (const w of WORKLOADS) {
  const r = timeRatio('wasm-chromium', w.key, w.kind);
  P(`| wasm time / native time, ${w.key.replace('_train', '').replace('_', ' ').toUpperCase()} | ≤ 1.5 | ${r === null ? (fig('wasm-chromium', w.key) ? whyMissing('native', w.key) : whyMissing('wasm-chromium', w.key)) : r.toFixed(2)} | ${verdict(r === null ? null : r <= 1.5)} |`);
}
P(embedTargetRow(systems.embed, verdict));
P(uciTargetRow(systems.uci, verdict));
P(`| module download (wasm + JS glue, gzip -9) | ≤ 150 KB | ${gzTotal === null ? 'module missing' : `${(gzTotal / 1024).toFixed(1)} KB (wasm ${(size['backprop.wasm'].gzip / 1024).toFixed(1)} KB of ${(size['backprop.wasm'].raw / 1024).toFixed(0)} KB raw, JS ${(size['backprop.mjs'].gzip / 1024).toFixed(1)} KB of ${(size['backprop.mjs'].raw / 1024).toFixed(0)} KB)`} | ${verdict(gzTotal === null ? null : gzTotal <= 150 * 1024)} |`);
P(`| recurrent page's module (backprop-recurrent, gzip -9) | ≤ 150 KB | ${gzRecurrent === null ? 'module missing' : `${(gzRecurrent / 1024).toFixed(1)} KB`} | ${verdict(gzRecurrent === null ? null : gzRecurrent <= 150 * 1024)} |`);
P(`| digits page's module (backprop-digits, gzip -9; the data file apart) | ≤ 150 KB | ${gzDigits === null ? 'module missing' : `${(gzDigits / 1024).toFixed(1)} KB (wasm ${(size['backprop-digits.wasm'].gzip / 1024).toFixed(1)} KB of ${(size['backprop-digits.wasm'].raw / 1024).toFixed(0)} KB raw, JS ${(size['backprop-digits.mjs'].gzip / 1024).toFixed(1)} KB)`} | ${verdict(gzDigits === null ? null : gzDigits <= 150 * 1024)} |`);
P();
imageReport({ P, systems, fig, fmtRate, fmtX, torchPython });

P('## wasm time / native time, per workload (same run)');
P();
P('Time ratios (> 1: wasm is slower). "per round": the ratio within each round, which shares its load; "fastest repeats": ' +
  'the ratio of the best repeat of each, the least disturbed by other processes.');
P();
P('| workload | native | wasm Node | wasm Chromium | Node / native | Chromium / native | Chromium / native per round | Chromium / native, fastest repeats |');
P('|---|---|---|---|---|---|---|---|');
for (const w of WORKLOADS) {
  const cell = (id) => { const r = fig(id, w.key); return r ? (w.kind === 'ms' ? fmtMs(r.median) : fmtRate(r.median)) : '–'; };
  const rr = (id) => { const r = timeRatio(id, w.key, w.kind); return r === null ? '–' : r.toFixed(2); };
  const a = systems['wasm-chromium'] && systems['wasm-chromium'].roundMedians && systems['wasm-chromium'].roundMedians[w.key];
  const n = systems.native && systems.native.roundMedians && systems.native.roundMedians[w.key];
  const rounds = a && n && a.length === n.length ? a.map((x, i) => (w.kind === 'ms' ? x / n[i] : n[i] / x).toFixed(2)).join(', ') : '–';
  const fa = fig('wasm-chromium', w.key), fn = fig('native', w.key);
  const best = fa && fn ? (w.kind === 'ms' ? fa.min / fn.min : fn.max / fa.max).toFixed(2) : '–';
  P(`| ${w.title} | ${cell('native')} | ${cell('wasm-node')} | ${cell('wasm-chromium')} | ${rr('wasm-node')} | ${rr('wasm-chromium')} | ${rounds} | ${best} |`);
}
P();
// The shipped native build (with its AVX2 clones of the kernels), one quick pass, for reference.
{
  const shipped = path.join(root, 'build', 'native', 'native_bench');
  if (!process.env.BENCH_NATIVE_EXE && fs.existsSync(shipped)) {
    try {
      const out = JSON.parse(execFileSync(shipped, ['--quick', '--repeats', '3', '--mnist', mnistPath, '--digits', path.join(dataDir, 'digits.csv'),
        '--w3', path.join(dataDir, 'w3.txt')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
      const cells = WORKLOADS.map((w) => {
        const r = out.results && out.results[w.key];
        return r ? `${w.title}: ${w.kind === 'ms' ? fmtMs(r.median) : fmtRate(r.median)}` : null;
      }).filter(Boolean);
      P('The shipped native build (build/native: the same code plus AVX2 clones of the kernels, chosen at load time; ' +
        'quick pass after the rounds, not interleaved): ' + cells.join('; ') + '.');
      P();
    } catch (e) {
      P(`(shipped native build not measured: ${String(e.message || e).split('\n')[0]})`);
      P();
    }
  }
}
P('Cost of the metrics a step(n) call computes at its end (stats(): train + test loss and accuracy), per call:');
P();
P('| workload | native | wasm Node | wasm Chromium |');
P('|---|---|---|---|');
for (const [key, what] of [['w1_metrics', 'W1 (500 points), per step(25000)'], ['w2_metrics', 'W2 (1,797 digits), per step(2000)'], ['w3_metrics', 'W3 (320 sequences + σ_max), per step(500)']]) {
  const c = (id) => { const r = fig(id, key); return r ? fmtMs(r.median) : '–'; };
  P(`| ${what} | ${c('native')} | ${c('wasm-node')} | ${c('wasm-chromium')} |`);
}
P();

P('## What the peers cannot do');
P();
P('- **ConvNetJS 0.3.0**: no recurrent layers (no W3); no Adam in the npm release (W2 with SGD); the grid is one forward per point.');
P('- **brain.js 1.6.1**: no mini-batches (every example updates the weights); no softmax output (W2 uses ReLU outputs with squared error); its RNN has ReLU units and an RMSProp-like update only (learning rate 1e-3: 0.01 diverges); float32; momentum must be > 0 (1e-9 passed).');
P('- **synaptic 1.1.4**: no mini-batches, no Adam, no softmax (W2: SGD, logistic outputs); recurrent nets learn with LSTM-g eligibility traces online, not BPTT, so its W3 row is a different algorithm.');
P('- **TensorFlow.js 4.22**: float32 only; the wasm backend runs single-threaded in Node 20 (its threaded build cannot start workers there). ' +
  'Its wasm backend has **no Conv2DBackpropFilter kernel**: it cannot train a conv layer as shipped ("Kernel \'Conv2DBackpropFilter\' not registered for backend \'wasm\'"); ' +
  'for W4 the bench registers one made of the backend\'s own Conv3DBackpropFilterV2 at depth 1 (bench/peers/tfjs.mjs), checked against a direct sum.');
P('- **ConvNetJS 0.3.0** on W4 / W5: SGD with momentum (no Adam); W5 with squared error (no binary cross-entropy); one example at a time through its Vol objects.');
P('- **PyTorch 1.13** (reference, only where `import torch` works): W4, W5 and the accuracy after 8 epochs; float32, one thread; its own init and shuffle.');
P('- Peer figures quoted in issue 4 came from the reference harness in /work/shared/peers (README.md there); this run measures the same peers again with bench/peers/*.mjs.');
P();

// ---- machine ------------------------------------------------------------------------------------
const cpuModel = (() => {
  try { return (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || os.cpus()[0].model; } catch { return os.cpus()[0]?.model; }
})();
let commit = '?';
let dirty = '';
try {
  commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const changed = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' })
    .split('\n').filter((l) => l.trim() && !l.slice(3).startsWith('bench/'));
  if (changed.length) dirty = ` plus ${changed.length} uncommitted file${changed.length > 1 ? 's' : ''} outside bench/ (the build measured the working tree)`;
} catch { /* not a git checkout */ }
const loadEnd = os.loadavg();
P('## Machine');
P();
P(`- CPU: ${cpuModel}, ${os.cpus().length} cores (${os.arch()}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`);
P(`- Node ${process.version}; Chromium ${chromium.chromium || '?'} (headless${chromium.crossOriginIsolated ? ', cross-origin isolated bench page' : ''}); ${systems.native && systems.native.compiler ? systems.native.compiler : 'native compiler ?'}`);
P(`- Date ${date.toISOString()}; commit ${commit}${dirty}; total ${((Date.now() - started) / 1000).toFixed(0)} s`);
P(`- Load average (1/5/15 min): start ${loadStart.map((x) => x.toFixed(2)).join(' ')}, end ${loadEnd.map((x) => x.toFixed(2)).join(' ')}`);
P(`- Load average (1 min) before each system: ${Object.entries(loadBefore).map(([id, xs]) => `${id} ${xs.map((x) => x === undefined ? '–' : x.toFixed(2)).join('/')}`).join(', ')}`);
P();
P('Command: `npm run bench` (`BENCH_QUICK=1 npm run bench` for the short version). Raw numbers: bench/results/latest.json.');

const md = lines.join('\n') + '\n';
fs.writeFileSync(path.join(resultsDir, 'latest.md'), md);
fs.writeFileSync(path.join(resultsDir, 'latest.json'), JSON.stringify({ quick, rounds: ROUNDS, date: date.toISOString(), cpuModel, size, systems, page, perRound }, null, 1));
process.stdout.write(md);
