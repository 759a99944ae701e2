// digits/worker.js: the digits page's training worker (a module Web Worker).
//
// It owns one wasm ImageSession (docs/image-models.md; the module's API is wasm/bindings_digits.cpp)
// and is the only code that calls it. The data (web/data/*.bpimg) is fetched here, once per data
// set. While playing it trains in slices of a few ms; every frame carries the step stats, the
// network's answer for the page's current drawing (probabilities and saliency, or the
// reconstruction) and, when a new evaluation was made, the test and training figures, the
// confusion matrix and the misclassified gallery. Evaluating 2,000 test digits costs as much as
// many training steps, so it happens at most every EVAL_SHARE-th of the time.
//
// The loop (slices, pacing, play/pause/speed, the guarded turn, dispatch) is shared/worker-loop.js;
// the engine adapter and the frame's contents are digits/engine-adapter.js. Page side: digits/engine.js.

import createBackpropModule from '../../engine/backprop-digits.mjs';
import { WorkerLoop, RateMeter, workerClock, transferable, startEngine } from '../shared/worker-loop.js';
import { DigitsAdapter } from './engine-adapter.js';
import { viewData, decodeCodes, numericGradient } from './worker-views.js';

const engineLoading = startEngine(createBackpropModule);   // now: it overlaps the page's start-up

const SLICE_MS = 8;      // aim for step() calls of about this long
const TRAIN_MS = 14;     // training per loop turn while playing
const DATA_FILES = { mnist: 'mnist-10k.bpimg', uci: 'optdigits-8x8.bpimg' };

const clock = workerClock();
const bytesCache = new Map();
let adapter = null;
const rate = new RateMeter();

async function dataBytes(name) {
  if (!DATA_FILES[name]) throw new Error(`unknown data set "${String(name).slice(0, 40)}"`);
  if (!bytesCache.has(name)) {
    const url = new URL(`../../data/${DATA_FILES[name]}`, import.meta.url);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`the digits data ${DATA_FILES[name]} could not be loaded (HTTP ${res.status}); run "npm run build"`);
    bytesCache.set(name, new Uint8Array(await res.arrayBuffer()));
  }
  return bytesCache.get(name);
}

const loop = new WorkerLoop({
  clock,
  post: (msg, transfer) => self.postMessage(msg, transfer || []),
  ready: () => adapter !== null && adapter.session !== null,
  step: (n) => adapter.step(n),
  nextChunk(n, dt) {
    const perStep = Math.max(0.01, dt / n);
    return Math.max(1, Math.min(5000, 2 * n + 1, Math.round(SLICE_MS / perStep)));
  },
  trainBudget: () => TRAIN_MS,
  buildFrame,
  onPlay(started) {
    if (loop.stats) loop.stats = { ...loop.stats, diverged: false, message: '' };
    if (started) resetRate();
  },
  onDispose() {
    if (adapter) adapter.dispose();
  },
  handlers: requests(),
});

function resetRate() {
  rate.reset(clock.now(), loop.stats ? loop.stats.step : 0);
}

function buildFrame(seq) {
  const { playing, stats } = loop;
  const now = clock.now();
  const perSec = rate.update(playing, stats.step, now);
  const { frame, transfer } = adapter.frame({ playing, now, clock });
  Object.assign(frame, { seq, playing, stats, rate: perSec });
  return { frame, transfer };
}

function afterRebuild() {
  loop.stats = adapter.stats();
  loop.rebuilt();
  resetRate();
  return adapter.describe();
}

function requests() {
  return {
    async init({ config }) {
      const bp = await engineLoading;
      adapter = new DigitsAdapter(bp);
      adapter.build(config, await dataBytes(config.data.name));
      return afterRebuild();
    },
    async setConfig({ config }) {
      const bytes = await dataBytes(config.data.name);
      adapter.build(config, bytes);   // a failure leaves the old session in place
      return afterRebuild();
    },
    updateTraining({ training }) {
      adapter.session.updateTraining(training);
      loop.stats = { ...loop.stats, diverged: false, message: '' };
      loop.dirty = true;
      return null;
    },
    reset() {
      adapter.reset();
      loop.stats = adapter.stats();
      loop.dirty = true;
      resetRate();
      return null;
    },
    step({ steps = 1 }) {
      loop.playing = false;
      loop.stats = adapter.step(Math.max(1, Math.round(steps)));
      loop.dirty = true;
      return loop.stats;
    },
    /** The page's drawing (Float64Array R·C, or null): answered at once, and in every frame after. */
    setInput({ pixels }) {
      adapter.setInput(pixels);
      loop.dirty = true;
      const p = adapter.prediction();
      return p ? transferable(p.value, p.buffers) : null;
    },
    /** Evaluates now (the frame after carries it); returns the figures. */
    evaluate() {
      adapter.evaluateNow(clock.now(), clock);
      loop.dirty = true;
      return adapter.lastEval ? adapter.lastEval.figures : null;
    },
    /** The test digits of one confusion-matrix cell (true t, predicted p). */
    cellDigits({ t, p, max = 60 }) {
      const r = adapter.cellDigits(t | 0, p | 0, Math.max(1, Math.min(200, max | 0)));
      return transferable(r, [r.pixels.buffer]);
    },
    /** What the views inside the network read (worker-views.js): { index, label }. */
    viewData(opts) {
      return viewData(adapter, opts);
    },
    /** The decoder's image for each code ([[x, y], ...]). */
    decode({ codes }) {
      return decodeCodes(adapter, codes);
    },
    /** A central difference of one digit's loss for one weight. */
    numericGradient(opts) {
      if (loop.playing) throw new Error('pause training first');
      return numericGradient(adapter, opts);
    },
    config() {
      return adapter.describe();
    },
    saveModel() {
      return adapter.session.saveModel();
    },
    /** A model file: all or nothing (a refused file leaves the session as it was). */
    async loadModel({ text, dataName }) {
      const bytes = await dataBytes(dataName);
      adapter.load(text, bytes);
      loop.playing = false;
      return afterRebuild();
    },
    /** The outputs for a few test digits (the PyTorch script prints them beside its own). */
    samples({ count = 3 }) {
      return adapter.samples(count);
    },
  };
}

loop.listen(self);
