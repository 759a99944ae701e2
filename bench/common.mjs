// common.mjs: what every JavaScript benchmark shares, in Node and in the browser (no Node
// imports here): the workload constants of issue 4, the timing procedure, a seeded generator.
//
// Timing: warm up (at least 2 chunks and `warmupMs`, then on until the speed stops rising: see
// warmUp), calibrate a repeat to at least `targetMs`, time `repeats` repeats, report the median
// with min and max. Machines here are shared and noisy: the median of repeats is the figure, and
// only ratios measured in one run count.

export const W1 = {
  hidden: [8, 8], lr: 0.03, batch: 10, trainPoints: 250, grid: 100, domain: 6,
  // The project's Session configuration (docs/wasm-api.md): 500 points, half of them train.
  config: {
    dataset: { name: 'spiral', points: 500, trainRatio: 0.5, noise: 0.1, seed: 1 },
    network: { hidden: [8, 8], activation: 'tanh', output: 'tanh', loss: 'squared', seed: 1 },
    training: { optimizer: 'sgd', learningRate: 0.03, batchSize: 10, seed: 1 },
  },
  // Session.step(n) computes train and test metrics (500 forward passes) at the end of every
  // call; 25,000 steps (250,000 examples) per call amortize that to well under 1 %.
  stepsPerCall: 25000,
};

export const W2 = {
  hidden: [128, 64], lr: 1e-3, batch: 32, classes: 10, inputs: 64,
  config: {
    dataset: { name: 'spiral', trainRatio: 0.9, seed: 1 },  // useDigits() replaces the data
    network: { hidden: [128, 64], activation: 'relu', output: 'auto', loss: 'auto', seed: 1 },
    training: { optimizer: 'adam', learningRate: 1e-3, batchSize: 32, seed: 1 },
  },
  stepsPerCall: 2000,  // 64,000 examples per step(n) call; metrics over 1,797 digits amortized
};

export const W3 = { hidden: 32, T: 50, batch: 16, lr: 0.01, sequences: 256 };

// W4: the CNN conv(1→8, 5×5, same), relu, max_pool 2×2, conv(8→16, 5×5, same), relu, max_pool,
// flatten, dense(784→10), softmax on MNIST 28×28; W5: the autoencoder 784-128-2-128-784 (relu,
// linear code, sigmoid output, per-pixel binary cross-entropy). Both Adam 1e-3, batch 32, on the
// 8,000 training digits of the core's split of web/data/mnist-10k.bpimg (seed 1). `kind` is the
// project's model kind (defaultImageConfig). ImageSession.step(n) copies the weights at the start
// of every call (to undo a diverging call): 10 steps per call amortize that.
export const W4 = { kind: 'cnn', lr: 1e-3, batch: 32, trainImages: 8000, testImages: 2000, stepsPerCall: 10,
  conv: [{ filters: 8, kernel: 5 }, { filters: 16, kernel: 5 }], classes: 10 };
export const W5 = { kind: 'autoencoder', lr: 1e-3, batch: 32, trainImages: 8000, stepsPerCall: 10,
  hidden: 128, code: 2, pixels: 784 };

/** quick: the BENCH_QUICK smoke test. repeats: override (run.mjs runs the project's systems in
 *  several interleaved rounds of a few repeats each, and merges the samples). */
export function timingOptions(quick, repeats) {
  const o = quick ? { repeats: 3, targetMs: 150, warmupMs: 200 } : { repeats: 5, targetMs: 300, warmupMs: 500 };
  if (repeats > 0) o.repeats = repeats;
  return o;
}

export function stats(xs, unit) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { median, min: s[0], max: s[n - 1], n, unit, samples: xs.slice() };
}

const now = () => performance.now();

/** Runs fn() until the JIT has tiered up; returns { per: ms per call of the last slice, calls }.
 *  Calls come in slices of at least ms / 4 (and one call): at least 2 calls and `ms` in all, then
 *  on until two slices in a row were not 5% faster per call than the best slice before them (the
 *  code has stopped getting faster), up to 10 × `ms`. Why: V8 starts wasm in its baseline
 *  compiler (Liftoff) and swaps in TurboFan code, compiled in the background function by function.
 *  For W4 (100 ms calls) Node 20 ran the fast code from its 2nd call, Chromium 156 from its 3rd to
 *  6th, and with one core busy elsewhere only from its 10th: a fixed 200 ms warm-up then timed
 *  Chromium's baseline code. */
async function warmUp(fn, ms) {
  const t0 = now();
  let calls = 0, best = Infinity, flat = 0;
  for (;;) {
    const a = now();
    let n = 0;
    do { await fn(); n++; } while (now() - a < ms / 4);
    const per = (now() - a) / n;
    calls += n;
    flat = per < 0.95 * best ? 0 : flat + 1;
    best = Math.min(best, per);
    const elapsed = now() - t0;
    if (calls >= 2 && elapsed >= ms && (flat >= 2 || elapsed >= 10 * ms)) return { per, calls };
  }
}

/** chunk(): one unit of work (sync or async), returns the items done. Figure: items per second. */
export async function rate(chunk, opts, unit = 'items/s') {
  const { repeats, targetMs, warmupMs } = opts;
  const { per, calls } = await warmUp(chunk, warmupMs);
  const k = Math.max(1, Math.ceil(targetMs / per));
  const rates = [];
  for (let r = 0; r < repeats; r++) {
    let items = 0;
    const a = now();
    for (let i = 0; i < k; i++) items += await chunk();
    rates.push(items / ((now() - a) / 1000));
  }
  return { ...stats(rates, unit), chunksPerRepeat: k, warmupChunks: calls };
}

/** ms per call of fn: each repeat runs enough calls to last half the target time (so a coarse
 *  browser clock does not matter) and records their mean. */
export async function perCallMs(fn, opts) {
  const { repeats, targetMs, warmupMs } = opts;
  const { per, calls } = await warmUp(fn, warmupMs / 2);
  const k = Math.max(1, Math.ceil(targetMs / 2 / per));
  const ms = [];
  for (let r = 0; r < repeats; r++) {
    const a = now();
    for (let i = 0; i < k; i++) await fn();
    ms.push((now() - a) / k);
  }
  return { ...stats(ms, 'ms'), callsPerRepeat: k, warmupCalls: calls };
}

/** mulberry32: a small seeded generator for initial weights and shuffles of the JS systems. */
export function mulberry32(seed) {
  let a = seed | 0;
  return function next() {
    a = (a + 0x6D2B79F5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle(a, rnd) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = a[i]; a[i] = a[j]; a[j] = t;
  }
  return a;
}

/** The 100x100 grid's points in the project's pixel order: row 0 at y = +6, column 0 at x = -6. */
export function gridPoints(G = W1.grid, d = W1.domain) {
  const xy = new Float64Array(G * G * 2);
  for (let r = 0; r < G; r++) {
    const y = d - (2 * d * r) / (G - 1);
    for (let c = 0; c < G; c++) {
      xy[2 * (r * G + c)] = -d + (2 * d * c) / (G - 1);
      xy[2 * (r * G + c) + 1] = y;
    }
  }
  return xy;
}

/** Parses the digits CSV (64 pixels 0..16 then the label) into x (N rows of 64 in [0,1]) and y. */
export function parseDigits(text) {
  const x = [], y = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const v = line.split(',').map(Number);
    x.push(v.slice(0, 64).map((p) => p / 16));
    y.push(v[64]);
  }
  return { x, y };
}
