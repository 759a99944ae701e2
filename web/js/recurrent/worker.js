// recurrent/worker.js: the recurrent page's training worker (a module Web Worker).
//
// It owns one wasm session, a bp.SequenceSession (mode 'seq', docs/wasm-api.md "Sequence
// sessions") or a bp.FixedPointSession (mode 'fp', docs/fixed-point-api.md), and is the only
// code that calls it. While playing it trains in slices of a few milliseconds, then inspects one
// held-out sequence (or relaxes one pattern and the completion cue) and posts a *frame* of copies
// as transferable buffers. At most two frames are in flight (the page acks each one it draws).
//
// Protocol (recurrent/engine.js is the page side, shared/worker-client.js the common part):
//   page -> worker  { id, cmd, ...args }   a request; answered { id, ok, result | error }
//                   { cmd: 'ack', seq }     frames up to seq were drawn
//   worker -> page  { type: 'frame', frame }
//                   { type: 'error', message }   the training loop stopped on an engine error
//                                                (the session is kept and stays usable)
// Bulk data (frames, traces) leaves as transferred buffers: moved, not copied.

import createBackpropModule from '../../engine/backprop-recurrent.mjs';
import { importedSettings } from './state.js';

const SLICE_MS = 6;          // aim for step() calls of at least this long ...
const STATS_SHARE = 3;       // ... and of STATS_SHARE times the session's own stats() cost: every
                             // step(n) call ends by measuring the losses over the whole data,
                             // which for an LSTM at T = 50 costs as much as 20 training steps
const TRAIN_MS = 14;         // training time per loop turn while playing (at least one call)
const MAX_IN_FLIGHT = 2;     // frames posted but not yet drawn
const SLOW_FRAME_MS = 33;    // at slow speeds one frame per this is enough

let bp = null;
let mode = 'seq';
let session = null;
let view = {};               // what to inspect: { sample } or { pattern, cue: {...} }
let playing = false;
let speed = 0;               // steps per second; 0 = as fast as possible
let stats = null;
let seq = 0;
let ackedSeq = 0;
let dirty = true;
let configVersion = 0;
let chunk = 1;
let statsMs = 0;             // measured cost of session.stats(), the fixed part of a step(n) call
let allowance = 0;
let lastTick = 0;
let lastFrameTime = 0;
let sleeping = false;
const rate = { t: 0, step: 0, perSec: 0 };
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
  const s = m === 'fp' ? new bp.FixedPointSession(config) : new bp.SequenceSession(config);  // throws on bad input
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

/** One held-out sequence through the network: copies of every trace view. */
function sequenceTrace() {
  const sample = Math.max(0, Math.min(63, view.sample | 0));
  const info = session.inspect(sample);
  const tr = {
    sample, T: info.T, D: info.D, H: info.H, K: info.K, loss: info.loss,
    input: session.traceInput().slice(),
    target: session.traceTarget().slice(),
    prediction: session.tracePrediction().slice(),
    hidden: session.traceHidden().slice(),
    cell: session.traceCell().slice(),
    gradNorms: session.traceGradNorms().slice(),
    dh: session.traceDh().slice(),           // (T·H) ∂L/∂h_t, for stepping through BPTT
    dy: session.traceDy().slice(),           // (T·K) ∂L/∂y_t, 0 off the loss steps
    lossSteps: session.traceLossSteps().slice(),
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
  const out = ['input', 'target', 'prediction', 'hidden', 'cell', 'gradNorms', 'dh', 'dy', 'lossSteps'].map((k) => tr[k].buffer);
  if (tr.freeRun) out.push(tr.freeRun.buffer);
  return out;
}

/** Copies of the current trace views of the fixed-point session, with its summary. */
function fixedTrace(info) {
  return {
    info: { ...info, outputs: Array.from(info.outputs) },
    input: session.traceInput().slice(),
    target: session.traceTarget().slice(),
    forwardStates: session.traceForwardStates().slice(),
    forwardResidual: session.traceForwardResidual().slice(),
    backwardStates: session.traceBackwardStates().slice(),
    backwardResidual: session.traceBackwardResidual().slice(),
    fixedPoint: session.traceFixedPoint().slice(),
  };
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

// ---- the loop --------------------------------------------------------------------------------

function resetRate() {
  rate.t = performance.now();
  rate.step = stats ? stats.step : 0;
  rate.perSec = 0;
}

const channel = new MessageChannel();
let scheduled = false;
channel.port1.onmessage = () => { scheduled = false; safeTick(); };

/**
 * The loop must never die silently: an engine error (in a step, an inspect, a frame) pauses
 * training and is reported as a message; the session stays as it was, usable. (Unguarded, the
 * error would reach the page's Worker.onerror, which takes the engine for dead.)
 */
function safeTick() {
  try {
    tick();
  } catch (e) {
    playing = false;
    dirty = true;
    self.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}
function schedule() {
  if (!scheduled) {
    scheduled = true;
    channel.port2.postMessage(0);
  }
}

function tick() {
  if (!session) return;
  const trained = playing ? train(TRAIN_MS) : 0;
  if (seq - ackedSeq < MAX_IN_FLIGHT && dirty && frameDue()) postFrame();
  if (!playing) return;
  if (speed > 0 && trained === 0) {
    const wait = Math.max(1, Math.min(30, (1 - allowance) * (1000 / speed)));
    if (!sleeping) {
      sleeping = true;
      setTimeout(() => { sleeping = false; schedule(); }, wait);
    }
  } else {
    schedule();
  }
}

function frameDue() {
  if (!playing || speed === 0 || speed > 30) return true;
  return performance.now() - lastFrameTime >= SLOW_FRAME_MS;
}

/** Trains for about `budget` ms within the speed limit; returns the steps taken. */
function train(budget) {
  let taken = 0;
  const t0 = performance.now();
  if (speed > 0) {
    allowance = Math.min(allowance + ((t0 - lastTick) * speed) / 1000, Math.max(1, speed / 4));
  }
  lastTick = t0;
  while (performance.now() - t0 < budget) {
    let n = chunk;
    if (speed > 0) {
      n = Math.min(n, Math.floor(allowance));
      if (n < 1) break;
    }
    const ts = performance.now();
    const s = plainStats(sessionStep(n));
    const dt = performance.now() - ts;
    stats = s;
    dirty = true;
    if (speed > 0) allowance -= n;
    taken += n;
    // steps per call: the call should last target ms, of which statsMs are fixed
    const target = Math.max(SLICE_MS, STATS_SHARE * statsMs);
    // (an underestimate of the per-step cost would make a huge call: never below a quarter of
    // the call's average, and the chunk at most doubles from one call to the next)
    const perStep = Math.max(0.002, (dt - statsMs) / n, dt / n / 4);
    chunk = Math.max(1, Math.min(100000, 2 * n + 1, Math.round((target - statsMs) / perStep)));
    if (s.diverged || s.stalled) {
      playing = false;   // the session kept (or restored) its weights; the page explains
      break;
    }
  }
  return taken;
}

function postFrame() {
  const t0 = performance.now();
  lastFrameTime = t0;
  const now = performance.now();
  if (playing && now - rate.t >= 500) {
    rate.perSec = ((stats.step - rate.step) * 1000) / (now - rate.t);
    rate.t = now;
    rate.step = stats.step;
  } else if (!playing) {
    rate.perSec = 0;
  }
  const frame = { seq: ++seq, playing, mode, configVersion, stats, rate: rate.perSec, seqTrace: null, fp: null };
  const transfer = [];
  if (mode === 'seq') {
    frame.seqTrace = sequenceTrace();
    transfer.push(...traceBuffers(frame.seqTrace));
  } else {
    frame.fp = fixedPointFrame();
    for (const tr of [frame.fp.trace, frame.fp.completion]) {
      if (!tr) continue;
      for (const k of ['input', 'target', 'forwardStates', 'forwardResidual', 'backwardStates', 'backwardResidual', 'fixedPoint']) transfer.push(tr[k].buffer);
    }
  }
  frame.timing = { frameMs: performance.now() - t0 };
  dirty = false;
  self.postMessage({ type: 'frame', frame }, transfer);
}

function afterRebuild() {
  stats = plainStats(session.stats());   // the first call also warms the code up
  const t0 = performance.now();
  session.stats();
  statsMs = performance.now() - t0;
  configVersion++;
  dirty = true;
  chunk = 1;
  resetRate();
}

// ---- requests --------------------------------------------------------------------------------

const TRANSFER = Symbol('transfer');
/** An answer whose buffers are moved to the page, not copied. */
function transferable(value, buffers) {
  return { [TRANSFER]: { value, buffers } };
}

const handlers = {
  async init({ mode: m, config, view: v }) {
    bp = await createBackpropModule();
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
    stats = { ...stats, diverged: false, stalled: false, message: '' };
    dirty = true;
    return null;
  },
  setView({ view: v }) {
    view = v || {};
    dirty = true;
    return null;
  },
  reset() {
    session.reset();
    stats = plainStats(session.stats());
    dirty = true;
    resetRate();
    return null;
  },
  play({ speed: s }) {
    if (typeof s === 'number') speed = s;
    stats = { ...stats, diverged: false, stalled: false, message: '' };
    if (!playing) {
      playing = true;
      lastTick = performance.now();
      allowance = 0;
      resetRate();
    }
    dirty = true;
    return null;
  },
  pause() {
    playing = false;
    dirty = true;
    return null;
  },
  speed({ speed: s }) {
    speed = s;
    allowance = 0;
    return null;
  },
  step({ steps = 1 }) {
    playing = false;
    stats = plainStats(sessionStep(Math.max(1, Math.round(steps))));
    dirty = true;
    return stats;
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
    if (session) session.delete();
    session = s;
    mode = m;
    playing = false;
    afterRebuild();
    return { mode, config: session.config(), settings, stats };
  },
  frame() {
    dirty = true;
    ackedSeq = seq;
    return null;
  },
  dispose() {
    playing = false;
    if (session) session.delete();
    session = null;
    return null;
  },
};

self.onmessage = async (ev) => {
  const msg = ev.data || {};
  if (msg.cmd === 'ack') {
    ackedSeq = Math.max(ackedSeq, Math.min(seq, Number(msg.seq) || 0));
    if (!playing && dirty) schedule();
    return;
  }
  const handler = Object.prototype.hasOwnProperty.call(handlers, msg.cmd) ? handlers[msg.cmd] : null;
  try {
    if (!handler) throw new Error(`unknown request "${msg.cmd}"`);
    if (!session && msg.cmd !== 'init') throw new Error('the engine is not loaded yet');
    const result = await handler(msg);
    if (result && result[TRANSFER]) {
      const { value, buffers } = result[TRANSFER];
      self.postMessage({ id: msg.id, ok: true, result: value }, buffers);
    } else {
      self.postMessage({ id: msg.id, ok: true, result });
    }
  } catch (e) {
    const err = e instanceof Error ? e : new Error(typeof e === 'number' ? `engine error ${e}` : String(e));
    self.postMessage({ id: msg.id, ok: false, error: { name: err.name, message: err.message } });
  }
  schedule();
};
