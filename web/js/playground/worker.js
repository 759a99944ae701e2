// worker.js: the training worker (a module Web Worker, one per playground instance).
//
// It owns the wasm Session (docs/wasm-api.md) and is the only code that calls it. While playing
// it trains in slices of a few milliseconds (many epochs per slice when the network is small),
// then evaluates the decision-boundary grid and posts a *frame*: copies of the grid output, a
// thumbnail of every node's output, the weights and the metrics, as transferable buffers. It
// keeps at most two frames in flight (the page acks each frame it draws), so a slow screen
// never builds a queue while a fast one never waits; training goes on meanwhile.
//
// Protocol (see engine.js for the page side):
//   page -> worker  { id, cmd, ...args }   a request; the worker answers { id, ok, result | error }
//                   { cmd: 'ack', seq }     frames up to seq were drawn (or skipped)
//   worker -> page  { type: 'frame', frame }
//                   { type: 'error', message }   training stopped on an engine error
//
// Explain mode (docs/wasm-api.md, "Explain mode") adds requests that pause training and answer
// with copies of the core's numbers: explain, explainBatch, commitExplained, chainRule,
// jacobian; and jacobianField, after which every frame carries ∂output/∂(x, y) on a coarse grid
// (one inputJacobian call per frame).

import createBackpropModule from '../../engine/backprop.mjs';
import { jacobianGridPoints } from './explain/explain-model.js';
import { importedSettings } from './state.js';

const DOMAIN = 6;            // the plane shown is [-DOMAIN, DOMAIN]^2
let GRID = 200;              // decision-boundary grid side (G x G evaluated points)
const MIN_GRID = 100;        // while playing, a very large network may use a coarser grid
const GRID_BUDGET_MS = 30;   // ... when a full grid would take longer than this
let THUMB = 40;              // node thumbnails are THUMB x THUMB samples of the grid
const SLICE_MS = 4;          // aim for step() calls of about this long (each call also
                             // computes the loss over all points, so calls must not be tiny)
const FRAME_MS = 14;         // one training slice + one grid evaluation fit in about this
const MIN_TRAIN_SHARE = 0.3; // when the grid is slow, training still gets 30% of the time

// ---- the engine adapter: every use of the wasm API is in this section -------------------------

let bp = null;               // the loaded module
let session = null;          // the one Session of this worker

async function loadModule() {
  bp = await createBackpropModule();
}

let defaults = null;          // the engine's config for a session made from {}
let knowsTask = null;        // whether this engine reads dataset.task (see adapt)

/** The engine's config for `{}`: every field the page does not set is at this value. */
function engineDefaults() {
  if (!defaults) {
    const s = new bp.Session({});
    try {
      defaults = s.config();
    } finally {
      s.delete();
    }
  }
  return defaults;
}

/**
 * The config as this engine takes it. The page always says whether your own data is a
 * classification or a regression (dataset.task); an engine built before the core read that
 * field would refuse it as unknown, so it is left out there (the page then also sends
 * output 'linear' for a regression, which such an engine needs).
 */
function adapt(config) {
  if (knowsTask === null) {
    try {
      new bp.Session({ dataset: { task: 'auto' }, network: { hidden: [] } }).delete();
      knowsTask = true;
    } catch {
      knowsTask = false;
    }
  }
  if (knowsTask || !config || !config.dataset || !('task' in config.dataset)) return config;
  const { task, ...dataset } = config.dataset;
  return { ...config, dataset };
}

function newSession(config) {
  const s = new bp.Session(adapt(config));   // throws Error / RangeError with a message on bad input
  if (session) session.delete();
  session = s;
}

/** Layout, normalized: hidden layers and the output layer apart. */
function readLayout() {
  const l = session.layout();
  const layers = Array.from(l.layers, (x) => ({ size: x.size, activation: String(x.activation) }));
  const out = layers.pop();
  return {
    features: Array.from(l.features, String),
    hidden: layers,
    output: out,
    outputs: l.outputs,
    classes: l.classes,
    loss: String(l.loss || ''),
  };
}

function readStats() {
  return plainStats(session.stats());
}

function plainStats(s) {
  return {
    step: s.step, epoch: s.epoch, examples: s.examples,
    trainLoss: s.trainLoss, testLoss: s.testLoss,
    trainAccuracy: s.trainAccuracy, testAccuracy: s.testAccuracy,
    learningRate: s.learningRate, diverged: !!s.diverged, message: String(s.message || ''),
  };
}

/** Weights and biases of every layer (copies; views die on the next call). */
function readParams(layerCount) {
  const weights = [];
  const biases = [];
  for (let l = 0; l < layerCount; l++) {
    weights.push(session.weights(l).slice());
    biases.push(session.biases(l).slice());
  }
  return { weights, biases };
}

function readPoints() {
  return { train: session.trainPoints().slice(), test: session.testPoints().slice() };
}

const TRACE_LAYER_KEYS = ['z', 'a', 'delta', 'dW', 'db', 'W', 'b', 'WAfter', 'bAfter'];

/** An explain trace as plain data (its arrays are already copies), with the step it explains. */
function plainTrace(t) {
  const layers = [];
  for (let l = 0; l < t.layers.length; l++) {
    const src = t.layers[l];
    const layer = {};
    for (const k of TRACE_LAYER_KEYS) layer[k] = Float64Array.from(src[k]);
    layers.push(layer);
  }
  return {
    N: t.N,
    points: Float64Array.from(t.points),
    labels: Float64Array.from(t.labels),
    inputs: Float64Array.from(t.inputs),
    target: Float64Array.from(t.target),
    loss: t.loss,
    dataLoss: t.dataLoss,
    penalty: t.penalty,
    learningRate: t.learningRate,
    layers,
    step: readStats().step,
  };
}

function traceBuffers(t) {
  const out = [t.points.buffer, t.labels.buffer, t.inputs.buffer, t.target.buffer];
  for (const l of t.layers) for (const k of TRACE_LAYER_KEYS) out.push(l[k].buffer);
  return out;
}

/** ∂output/∂(x, y) at the centres of a side × side grid (one call), for the frame. */
function readJacobianField(side) {
  const points = jacobianGridPoints(side, DOMAIN);
  const values = session.inputJacobian(points).slice();
  return { side, points, values };
}

// ---- state of the loop -----------------------------------------------------------------------

let layout = null;
let stepsPerEpoch = 1;
let playing = false;
let speed = 0;               // epochs per second; 0 = as fast as possible
let stats = null;
const MAX_IN_FLIGHT = 2;     // frames posted but not yet drawn
let ackedSeq = 0;            // the page drew (or skipped) every frame up to this one
let dirty = true;            // something changed since the last frame
let pointsDirty = true;      // the data changed: send the points with the next frame
let layoutVersion = 0;
let hoverNode = -1;          // node whose full-resolution field the page wants
let jacobianSide = 0;        // > 0: frames carry the input Jacobian on a side x side grid
let seq = 0;
let chunk = 1;               // steps per step() call, adapted to take about SLICE_MS
let allowance = 0;           // steps the speed limit allows right now
let lastTick = 0;
let gridMs = 4;              // measured cost of one grid evaluation + copies
let gridMsPerPoint = 0;      // the same per grid point (to choose the grid while playing)
const rate = { t: 0, epoch: 0, examples: 0, epochsPerSec: 0, examplesPerSec: 0 };

function afterRebuild() {
  layout = readLayout();
  gridMsPerPoint = 0;
  stepsPerEpoch = session.stepsPerEpoch();
  stats = readStats();
  layoutVersion++;
  pointsDirty = true;
  dirty = true;
  chunk = 1;
  resetRate();
}

/** A divergence was reported: the next frames no longer carry it. */
function clearDiverged() {
  if (stats && stats.diverged) stats = { ...stats, diverged: false, message: '' };
}

function resetRate() {
  rate.t = performance.now();
  rate.epoch = stats ? stats.epoch : 0;
  rate.examples = stats ? stats.examples : 0;
  rate.epochsPerSec = 0;
  rate.examplesPerSec = 0;
}

// Yield to the event loop without setTimeout's 4 ms clamp: a message to ourselves.
const channel = new MessageChannel();
let scheduled = false;
channel.port1.onmessage = () => { scheduled = false; safeTick(); };

/** The loop must never die silently: an engine error pauses training and is reported. */
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
  const trained = playing ? train(trainBudget()) : 0;
  if (seq - ackedSeq < MAX_IN_FLIGHT && dirty && frameDue()) postFrame();
  if (!playing) return;
  if (speed > 0 && trained === 0) {
    // Held back by the speed limit: sleep until the next step is due (no busy loop).
    const msPerStep = 1000 / (speed * stepsPerEpoch);
    const wait = Math.max(1, Math.min(16, (1 - allowance) * msPerStep));
    if (!sleeping) {
      sleeping = true;
      setTimeout(() => { sleeping = false; schedule(); }, wait);
    }
  } else {
    schedule();
  }
}
let sleeping = false;
let lastFrameTime = 0;

/**
 * At slow speeds (<= 30 epochs/s) a frame every 33 ms shows every change there is to see; the
 * grid evaluation it saves matters on a page with several playgrounds.
 */
function frameDue() {
  if (!playing || speed === 0 || speed > 30) return true;
  return performance.now() - lastFrameTime >= 33;
}

/**
 * Training time per loop turn: what a 60 Hz frame leaves after the grid evaluation, but never
 * less than the grid takes (so a slow grid costs frames per second, not all the training).
 */
function trainBudget() {
  return Math.max(FRAME_MS - gridMs, (gridMs * MIN_TRAIN_SHARE) / (1 - MIN_TRAIN_SHARE), 2);
}

/** Trains for about `budget` ms, within the speed limit; returns the steps taken. */
function train(budget) {
  let taken = 0;
  const t0 = performance.now();
  if (speed > 0) {
    const perMs = (speed * stepsPerEpoch) / 1000;
    allowance = Math.min(allowance + (t0 - lastTick) * perMs, Math.max(1, perMs * 250));
  }
  lastTick = t0;
  while (performance.now() - t0 < budget) {
    let n = chunk;
    if (speed > 0) {
      n = Math.min(n, Math.floor(allowance));
      if (n < 1) break;
    }
    const ts = performance.now();
    let s = plainStats(session.step(n));
    const dt = performance.now() - ts;
    // After a divergence the session holds the last finite weights: report their metrics.
    if (s.diverged) s = { ...readStats(), diverged: true, message: s.message };
    stats = s;
    dirty = true;
    if (speed > 0) allowance -= n;
    taken += n;
    chunk = Math.max(1, Math.min(100000, Math.round(n * (SLICE_MS / Math.max(dt, 0.05)))));
    if (s.diverged) {
      playing = false;   // the session restored the last finite weights; the page explains
      break;
    }
  }
  return taken;
}

function updateRate() {
  const now = performance.now();
  const dt = now - rate.t;
  if (dt >= 500 || !playing) {
    if (playing && dt > 0) {
      rate.epochsPerSec = ((stats.epoch - rate.epoch) * 1000) / dt;
      rate.examplesPerSec = ((stats.examples - rate.examples) * 1000) / dt;
    } else if (!playing) {
      rate.epochsPerSec = 0;
      rate.examplesPerSec = 0;
    }
    rate.t = now;
    rate.epoch = stats.epoch;
    rate.examples = stats.examples;
  }
}

/**
 * Grid side for the next frame: the full GRID, except while playing a network so large that a
 * full grid would cost more than GRID_BUDGET_MS (then as fine as the budget allows).
 */
function gridSide() {
  if (!playing || gridMsPerPoint * GRID * GRID <= GRID_BUDGET_MS) return GRID;
  const g = Math.floor(Math.sqrt(GRID_BUDGET_MS / gridMsPerPoint));
  return Math.max(MIN_GRID, Math.min(GRID, g - (g % 2)));
}

function postFrame() {
  const t0 = performance.now();
  lastFrameTime = t0;
  const G = gridSide();
  session.evaluateGrid(G, -DOMAIN, DOMAIN, -DOMAIN, DOMAIN);
  const evalMs = performance.now() - t0;
  const out = session.gridOutput();
  const output = Float32Array.from(out);
  const all = session.gridNeurons();
  const GG = G * G;
  const nodeCount = Math.floor(all.length / GG);
  const stride = G / THUMB;
  const nodes = new Float32Array(nodeCount * THUMB * THUMB);
  for (let n = 0; n < nodeCount; n++) {
    const base = n * GG;
    let k = n * THUMB * THUMB;
    for (let r = 0; r < THUMB; r++) {
      const row = base + Math.floor(r * stride + stride / 2) * G;
      for (let c = 0; c < THUMB; c++) nodes[k++] = all[row + Math.floor(c * stride + stride / 2)];
    }
  }
  let hover = null;
  if (hoverNode >= 0 && hoverNode < nodeCount) {
    hover = { node: hoverNode, field: Float32Array.from(all.subarray(hoverNode * GG, (hoverNode + 1) * GG)) };
  }
  const layerCount = layout.hidden.length + 1;
  const { weights, biases } = readParams(layerCount);
  const gradNorms = session.gradNorms().slice();
  updateRate();
  const frame = {
    seq: ++seq,
    playing,
    stats,
    layout,
    layoutVersion,
    stepsPerEpoch,
    grid: G,
    domain: DOMAIN,
    output,
    thumb: THUMB,
    nodeCount,
    nodes,
    hover,
    weights,
    biases,
    gradNorms,
    rate: { epochsPerSec: rate.epochsPerSec, examplesPerSec: rate.examplesPerSec },
    points: null,
    timing: { gridMs: performance.now() - t0, evalMs },
  };
  const transfer = [output.buffer, nodes.buffer, gradNorms.buffer,
    ...weights.map((w) => w.buffer), ...biases.map((b) => b.buffer)];
  if (hover) transfer.push(hover.field.buffer);
  if (jacobianSide > 0) {
    frame.jacobian = readJacobianField(jacobianSide);
    transfer.push(frame.jacobian.points.buffer, frame.jacobian.values.buffer);
  }
  if (pointsDirty) {
    frame.points = readPoints();
    transfer.push(frame.points.train.buffer, frame.points.test.buffer);
    pointsDirty = false;
  }
  const ms = performance.now() - t0;
  gridMs = 0.8 * gridMs + 0.2 * ms;
  gridMsPerPoint = ms / GG;
  dirty = false;
  self.postMessage({ type: 'frame', frame }, transfer);
}

// ---- requests --------------------------------------------------------------------------------

const TRANSFER = Symbol('transfer');
/** A trace answered with its buffers moved, not copied. */
function transferable(trace) {
  return { [TRANSFER]: { value: trace, buffers: traceBuffers(trace) } };
}

const handlers = {
  async init({ config, grid, thumb }) {
    if (grid) GRID = grid;
    if (thumb) THUMB = thumb;
    await loadModule();
    newSession(config);
    afterRebuild();
    return { layout, stepsPerEpoch };
  },
  setConfig({ config }) {
    newSession(config);      // a failure leaves the old session in place
    afterRebuild();
    return { layout, stepsPerEpoch };
  },
  updateTraining({ training }) {
    session.updateTraining(training);
    stepsPerEpoch = session.stepsPerEpoch();
    clearDiverged();
    dirty = true;
    return null;
  },
  setPoints({ points }) {
    session.setPoints(points);
    afterRebuild();
    return { layout, stepsPerEpoch };
  },
  reset() {
    session.reset();
    stats = readStats();
    dirty = true;
    resetRate();
    return null;
  },
  play({ speed: s }) {
    if (typeof s === 'number') speed = s;
    clearDiverged();
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
  step({ epochs = 1 }) {
    playing = false;
    const s = plainStats(session.step(Math.max(1, Math.round(epochs * stepsPerEpoch))));
    stats = s.diverged ? { ...readStats(), diverged: true, message: s.message } : s;
    dirty = true;
    return stats;
  },
  setWeight({ layer, i, j, value }) {
    session.setWeight(layer, i, j, value);
    stats = readStats();
    dirty = true;
    return null;
  },
  hover({ node }) {
    hoverNode = typeof node === 'number' ? node : -1;
    dirty = true;
    return null;
  },
  predict({ xy }) {
    return session.predict(Float64Array.from(xy)).slice();
  },
  stats() {
    return readStats();
  },
  toJSON() {
    return session.toJSON();
  },
  /**
   * All or nothing: the model is loaded into a new session, and taken only if the page can hold
   * its config exactly (importedSettings names the first field it cannot); otherwise the old
   * session goes on unchanged.
   */
  loadJSON({ text }) {
    const s = new bp.Session({ network: { hidden: [] } });
    let settings;
    try {
      s.loadJSON(text);
      const check = importedSettings(s.config(), engineDefaults(), s.layout().classes, adapt);
      if (check.error) throw new RangeError(check.error);
      settings = check.settings;
    } catch (e) {
      s.delete();
      throw e;
    }
    session.delete();
    session = s;
    playing = false;
    afterRebuild();
    return { layout, stepsPerEpoch, stats, settings };
  },
  /** The session's config and the engine's defaults (tests compare them with the page's state). */
  config() {
    return { config: session.config(), defaults: engineDefaults(), classes: layout.classes, knowsTask: adapt({ dataset: { task: 'auto' } }).dataset.task === 'auto' };
  },
  snapshot() {
    const { weights, biases } = readParams(layout.hidden.length + 1);
    return { layout, weights, biases, stats: readStats() };
  },
  /** Small samples of each data set, for the picker's thumbnails. */
  previews({ specs }) {
    const out = [];
    for (const spec of specs) {
      let s = null;
      try {
        s = new bp.Session({ dataset: spec, network: { hidden: [] } });
        out.push({ name: spec.name, train: s.trainPoints().slice(), test: s.testPoints().slice() });
      } catch (e) {
        out.push({ name: spec.name, error: String(e && e.message) });
      } finally {
        if (s) s.delete();
      }
    }
    return out;
  },
  gradCheck() {
    const g = session.gradCheck();
    return { maxRelError: g.maxRelError, perLayer: Array.from(g.perLayer || []) };
  },
  // ---- explain mode ----
  explain({ xy, labels }) {
    playing = false;
    dirty = true;
    return transferable(plainTrace(session.explain(Float64Array.from(xy), Float64Array.from(labels))));
  },
  explainBatch() {
    playing = false;
    dirty = true;
    return transferable(plainTrace(session.explainNextBatch()));
  },
  commitExplained() {
    playing = false;
    session.commitExplained();
    stats = readStats();
    dirty = true;
    return stats;
  },
  chainRule({ layer, i, j }) {
    const c = session.chainRule(layer, i, j);
    return {
      layer: c.layer, i: c.i, j: c.j,
      deltaJ: Float64Array.from(c.deltaJ), aI: Float64Array.from(c.aI),
      dataGradient: c.dataGradient, penaltyGradient: c.penaltyGradient,
      analytic: c.analytic, numeric: c.numeric, relError: c.relError,
    };
  },
  jacobian({ xy }) {
    return session.inputJacobian(Float64Array.from(xy)).slice();
  },
  jacobianField({ side }) {
    jacobianSide = Number.isInteger(side) && side > 0 ? Math.min(side, 64) : 0;
    dirty = true;
    return null;
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
