// recurrent/worker.js: the recurrent page's training worker (a module Web Worker).
//
// It owns one wasm session, a bp.SequenceSession (mode 'seq', docs/wasm-api.md "Sequence
// sessions") or a bp.FixedPointSession (mode 'fp', docs/fixed-point-api.md), and is the only
// code that calls it. While playing it trains in slices of a few milliseconds, then inspects one
// held-out sequence (or relaxes one pattern and the completion cue) and posts a *frame* of copies
// as transferable buffers. At most two frames are in flight (the page acks each one it draws).
//
// The loop itself (slices, pacing, play/pause/speed, the guarded turn, dispatch) is
// shared/worker-loop.js; this file holds the engine adapter, the frame's contents and the page's
// own requests. Protocol: docs/engine-protocol.md (recurrent/engine.js is the page side). Bulk
// data (frames, traces) leaves as transferred buffers: moved, not copied.

import createBackpropModule from '../../engine/backprop-recurrent.mjs';
import { importedSettings } from './state.js';
import { WorkerLoop, RateMeter, workerClock, transferable, startEngine } from '../shared/worker-loop.js';

const engineLoading = startEngine(createBackpropModule);   // now: it overlaps the page's start-up

const SLICE_MS = 6;          // aim for step() calls of at least this long ...
const STATS_SHARE = 3;       // ... and of STATS_SHARE times the session's own stats() cost: every
                             // step(n) call ends by measuring the losses over the whole data,
                             // which for an LSTM at T = 50 costs as much as 20 training steps

let bp = null;
let mode = 'seq';
let session = null;
let view = {};               // what to inspect: { sample } or { pattern, cue: {...} }
let configVersion = 0;
let statsMs = 0;             // measured cost of session.stats(), the fixed part of a step(n) call
const rate = new RateMeter();
const defaults = {};         // per mode: the engine's config of a session made from {}
let failSteps = 0;           // tests only: the next this many step() calls throw ...
let failMessage = '';        // ... with this message

// Tests reach the worker through this (Playwright's worker.evaluate); nothing else uses it.
self.__recurrentWorker = {
  /** The next n session steps throw `message`, as an engine error inside step() would. */
  failNextSteps(n, message = 'test: a step that throws') { failSteps = n; failMessage = message; },
};

// ---- the engine adapter: every use of the wasm API is in this section -------------------------

/** The engine's config for `{}`: every field the page does not set is at this value. */
function engineDefaults(m) {
  if (!defaults[m]) {
    const s = m === 'fp' ? new bp.FixedPointSession({}) : new bp.SequenceSession({});
    try {
      defaults[m] = s.config();
    } finally {
      s.delete();
    }
  }
  return defaults[m];
}

function sessionStep(n) {
  if (failSteps > 0) {
    failSteps--;
    throw new Error(failMessage);
  }
  return session.step(n);
}

function newSession(m, config) {
  replaceSession(m === 'fp' ? new bp.FixedPointSession(config) : new bp.SequenceSession(config), m);  // throws on bad input
}

/** Makes s the session (of mode m), freeing the one before; null: no session. */
function replaceSession(s, m = mode) {
  if (session) session.delete();
  session = s;
  mode = m;
}

function plainStats(s) {
  if (mode === 'fp') {
    return {
      step: s.step, loss: s.loss, patterns: s.patterns, used: s.used,
      skippedForward: s.skippedForward, skippedBackward: s.skippedBackward, skippedTotal: s.skippedTotal,
      forwardItersMean: s.forwardItersMean, forwardItersMax: s.forwardItersMax,
      backwardItersMean: s.backwardItersMean, backwardItersMax: s.backwardItersMax,
      testLoss: s.testLoss, accuracy: s.accuracy, testUnsettled: s.testUnsettled,
      contractionBound: s.contractionBound, gradNorm: s.gradNorm, clipCount: s.clipCount,
      diverged: !!s.diverged, stalled: !!s.stalled, message: String(s.message || ''),
    };
  }
  return {
    step: s.step, epoch: s.epoch, sequences: s.sequences, trainLoss: s.trainLoss, testLoss: s.testLoss,
    testAccuracy: s.testAccuracy, gradNorm: s.gradNorm, clipCount: s.clipCount,
    recurrentSigma: s.recurrentSigma, diverged: !!s.diverged, stalled: false, message: String(s.message || ''),
  };
}

// The session's trace views a frame copies: traceInput() is `input`, and so on.
const SEQ_TRACES = [
  'input', 'target', 'prediction', 'hidden', 'cell', 'gradNorms',
  'dh',           // (T·H) ∂L/∂h_t, for stepping through BPTT
  'dy',           // (T·K) ∂L/∂y_t, 0 off the loss steps
  'lossSteps',
];
const FP_TRACES = ['input', 'target', 'forwardStates', 'forwardResidual', 'backwardStates', 'backwardResidual', 'fixedPoint'];

/** Fresh copies of the session's trace views `names` (each can be transferred). */
function traceCopies(names) {
  return Object.fromEntries(names.map((k) => [k, session[`trace${k[0].toUpperCase()}${k.slice(1)}`]().slice()]));
}

/** One held-out sequence through the network: copies of every trace view. */
function sequenceTrace() {
  const sample = Math.max(0, Math.min(63, view.sample | 0));
  const info = session.inspect(sample);
  const tr = {
    sample, T: info.T, D: info.D, H: info.H, K: info.K, loss: info.loss,
    ...traceCopies(SEQ_TRACES),
    freeRun: null,
    prime: 0,
  };
  const config = session.config();
  if (config.task.name === 'sine' && info.T >= 2) {
    // primed with the first third, then fed its own output: compare with the target after that
    const prime = Math.max(1, Math.floor(info.T / 3));
    tr.freeRun = session.freeRun(sample, prime, info.T - prime).slice();
    tr.prime = prime;
  }
  return tr;
}

/** The buffers of a sequence trace (each a fresh copy, so each can be transferred). */
function traceBuffers(tr) {
  const out = SEQ_TRACES.map((k) => tr[k].buffer);
  if (tr.freeRun) out.push(tr.freeRun.buffer);
  return out;
}

/** Copies of the current trace views of the fixed-point session, with its summary. */
function fixedTrace(info) {
  return { info: { ...info, outputs: Array.from(info.outputs) }, ...traceCopies(FP_TRACES) };
}

function fixedPointFrame() {
  const P = session.evaluationPatterns();
  const pattern = Math.max(0, Math.min(P - 1, view.pattern | 0));
  const out = { pattern, patterns: P, trace: fixedTrace(session.inspect(pattern)), completion: null, letters: null };
  const config = session.config();
  if (config.task.name === 'letters') {
    out.letters = session.letters().slice();
    const c = view.cue || {};
    const L = config.task.letters.length;
    let info;
    if (Array.isArray(c.pixels) && c.pixels.length === 25) info = session.completeCue(Float64Array.from(c.pixels));
    else info = session.complete(Math.max(0, Math.min(L - 1, c.letter | 0)), c.damage | 0, !!c.erase, c.seed >>> 0);
    out.completion = fixedTrace(info);
  }
  out.weights = { W: session.weights().slice(), U: session.inputWeights().slice(), b: session.biases().slice() };
  return out;
}

// ---- the loop: shared/worker-loop.js, with this page's step, slice size and frame ----------

const clock = workerClock();

const loop = new WorkerLoop({
  clock,
  post: (msg, transfer) => self.postMessage(msg, transfer || []),
  ready: () => session !== null,
  step: (n) => plainStats(sessionStep(n)),
  nextChunk,
  // (the loop's defaults: 14 ms of training per turn, and speed in steps per second)
  maxSleepMs: 30,
  buildFrame,
  onPlay(started) {
    clearProblem();
    if (started) resetRate();
  },
  onDispose: () => replaceSession(null),
  handlers: requests(),
});

/** New settings or a play request: the next frames no longer report a divergence or a stall. */
function clearProblem() {
  loop.stats = { ...loop.stats, diverged: false, stalled: false, message: '' };
}

function resetRate() {
  rate.reset(clock.now(), loop.stats ? loop.stats.step : 0);
}

/** Steps for the next call, after a call of n steps took dt ms. */
function nextChunk(n, dt) {
  // the call should last target ms, of which statsMs are fixed
  const target = Math.max(SLICE_MS, STATS_SHARE * statsMs);
  // (an underestimate of the per-step cost would make a huge call: never below a quarter of
  // the call's average, and the chunk at most doubles from one call to the next)
  const perStep = Math.max(0.002, (dt - statsMs) / n, dt / n / 4);
  return Math.max(1, Math.min(100000, 2 * n + 1, Math.round((target - statsMs) / perStep)));
}

function buildFrame(seq) {
  const t0 = clock.now();
  const { playing, stats } = loop;
  const now = clock.now();
  const perSec = rate.update(playing, stats.step, now);
  const frame = { seq, playing, mode, configVersion, stats, rate: perSec, seqTrace: null, fp: null };
  const transfer = [];
  if (mode === 'seq') {
    frame.seqTrace = sequenceTrace();
    transfer.push(...traceBuffers(frame.seqTrace));
  } else {
    frame.fp = fixedPointFrame();
    for (const tr of [frame.fp.trace, frame.fp.completion]) {
      if (!tr) continue;
      for (const k of FP_TRACES) transfer.push(tr[k].buffer);
    }
  }
  frame.timing = { frameMs: clock.now() - t0 };
  return { frame, transfer };
}

function afterRebuild() {
  loop.stats = plainStats(session.stats());   // the first call also warms the code up
  const t0 = clock.now();
  session.stats();
  statsMs = clock.now() - t0;
  configVersion++;
  loop.rebuilt();
  resetRate();
}

// ---- requests --------------------------------------------------------------------------------

function requests() {
  return {
    async init({ mode: m, config, view: v }) {
      bp = await engineLoading;
      view = v || {};
      newSession(m, config);
      afterRebuild();
      return { mode, config: session.config() };
    },
    setConfig({ mode: m, config, view: v }) {
      newSession(m, config);   // a failure leaves the old session in place
      if (v) view = v;
      afterRebuild();
      return { mode, config: session.config() };
    },
    updateTraining({ training, extra }) {
      // sequences: extra = the truncation window k; fixed point: extra = the relax options
      session.updateTraining(training, extra);
      clearProblem();
      loop.dirty = true;
      return null;
    },
    setView({ view: v }) {
      view = v || {};
      loop.dirty = true;
      return null;
    },
    reset() {
      session.reset();
      loop.stats = plainStats(session.stats());
      loop.dirty = true;
      resetRate();
      return null;
    },
    step({ steps = 1 }) {
      loop.playing = false;
      loop.stats = plainStats(sessionStep(Math.max(1, Math.round(steps))));
      loop.dirty = true;
      return loop.stats;
    },
    stats() {
      return plainStats(session.stats());
    },
    /** A fresh trace of the inspected sequence (tests compare the page's numbers with it). */
    trace() {
      if (mode !== 'seq') return null;
      const tr = sequenceTrace();
      return transferable(tr, traceBuffers(tr));
    },
    /** The session's config, with the engine's defaults (what the page does not set). */
    config() {
      return { mode, config: session.config(), defaults: engineDefaults(mode) };
    },
    toJSON() {
      return session.toJSON();
    },
    /** A model file of either kind: its format picks the session. All-or-nothing. */
    loadJSON({ text }) {
      let format = '';
      try {
        format = String(JSON.parse(text).format || '');
      } catch {
        throw new Error('the file is not valid JSON');
      }
      const m = format === 'backprop-playground-fixed-point-model' ? 'fp'
        : format === 'backprop-playground-sequence-model' ? 'seq' : null;
      if (!m) throw new Error(`this is not a recurrent model file (format "${format.slice(0, 60)}"); static networks load on the Static networks page`);
      const s = m === 'fp' ? new bp.FixedPointSession({}) : new bp.SequenceSession({});
      let settings;
      try {
        s.loadJSON(text);
        // all or nothing: a model the page cannot show exactly is refused before it replaces anything
        const check = importedSettings(m, s.config(), engineDefaults(m));
        if (check.error) throw new RangeError(check.error);
        settings = check.settings;
      } catch (e) {
        s.delete();
        throw e;
      }
      replaceSession(s, m);
      loop.playing = false;
      afterRebuild();
      return { mode, config: session.config(), settings, stats: loop.stats };
    },
  };
}

loop.listen(self);
