// worker.js: the training worker (a module Web Worker, one per playground instance).
//
// It owns the wasm Session (docs/wasm-api.md) and is the only code that calls it. While playing
// it trains in slices of a few milliseconds (many epochs per slice when the network is small),
// then evaluates the decision-boundary grid and posts a *frame*: copies of the grid output, a
// thumbnail of every node's output, the weights and the metrics, as transferable buffers. It
// keeps at most two frames in flight (the page acks each frame it draws), so a slow screen
// never builds a queue while a fast one never waits; training goes on meanwhile.
//
// The loop itself (slices, pacing, play/pause/speed, dispatch) is shared/worker-loop.js; this
// file holds the engine adapter, the frame's contents and the page's own requests. Protocol:
// docs/engine-protocol.md (engine.js is the page side).
//
// Explain mode (docs/wasm-api.md, "Explain mode") adds requests that pause training and answer
// with copies of the core's numbers: explain, explainBatch, commitExplained, chainRule,
// jacobian; and jacobianField, after which every frame carries ∂output/∂(x, y) on a coarse grid
// (one inputJacobian call per frame).

import createBackpropModule from '../../engine/backprop.mjs';
import { jacobianGridPoints } from './explain/explain-model.js';
import { importedSettings } from './state.js';
import { WorkerLoop, workerClock, transferable, startEngine } from '../shared/worker-loop.js';

const DOMAIN = 6;            // the plane shown is [-DOMAIN, DOMAIN]^2
const MIN_GRID = 100;        // while playing, a very large network may use a coarser grid
const GRID_BUDGET_MS = 30;   // ... when a full grid would take longer than this
const SLICE_MS = 4;          // aim for step() calls of about this long (each call also
                             // computes the loss over all points, so calls must not be tiny)
const FRAME_MS = 14;         // one training slice + one grid evaluation fit in about this
const MIN_TRAIN_SHARE = 0.3; // when the grid is slow, training still gets 30% of the time

// ---- the engine adapter: every use of the wasm API is in this section -------------------------

let bp = null;               // the loaded module
let session = null;          // the one Session of this worker

const engineLoading = startEngine(createBackpropModule);   // now: it overlaps the page's start-up

async function loadModule() {
  bp = await engineLoading;
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

// ---- the page's state and its frame ------------------------------------------------------------

const page = {
  grid: 200,                // decision-boundary grid side (grid x grid evaluated points)
  thumb: 40,                // node thumbnails are thumb x thumb samples of the grid
  layout: null,
  stepsPerEpoch: 1,
  pointsDirty: true,        // the data changed: send the points with the next frame
  layoutVersion: 0,
  hoverNode: -1,            // node whose full-resolution field the page wants
  jacobianSide: 0,          // > 0: frames carry the input Jacobian on a side x side grid
  gridMs: 4,                // measured cost of one grid evaluation + copies
  gridMsPerPoint: 0,        // the same per grid point (to choose the grid while playing)
  rate: { t: 0, epoch: 0, examples: 0, epochsPerSec: 0, examplesPerSec: 0 },
};

const clock = workerClock();

const loop = new WorkerLoop({
  clock,
  post: (msg, transfer) => self.postMessage(msg, transfer || []),
  ready: () => session !== null,
  step(n) {
    const s = plainStats(session.step(n));
    // After a divergence the session holds the last finite weights: report their metrics.
    return s.diverged ? { ...readStats(), diverged: true, message: s.message } : s;
  },
  nextChunk: (n, dt) => Math.max(1, Math.min(100000, Math.round(n * (SLICE_MS / Math.max(dt, 0.05))))),
  trainBudget,
  stepsPerUnit: () => page.stepsPerEpoch,   // speed is in epochs per second
  maxSleepMs: 16,
  buildFrame,
  onPlay(started) {
    clearDiverged();
    if (started) resetRate();
  },
  onDispose() {
    if (session) session.delete();
    session = null;
  },
  handlers: requests(),
});

function afterRebuild() {
  page.layout = readLayout();
  page.gridMsPerPoint = 0;
  page.stepsPerEpoch = session.stepsPerEpoch();
  loop.stats = readStats();
  page.layoutVersion++;
  page.pointsDirty = true;
  loop.rebuilt();
  resetRate();
}

/** A divergence was reported: the next frames no longer carry it. */
function clearDiverged() {
  const stats = loop.stats;
  if (stats && stats.diverged) loop.stats = { ...stats, diverged: false, message: '' };
}

function resetRate() {
  const { rate } = page;
  rate.t = clock.now();
  rate.epoch = loop.stats ? loop.stats.epoch : 0;
  rate.examples = loop.stats ? loop.stats.examples : 0;
  rate.epochsPerSec = 0;
  rate.examplesPerSec = 0;
}

/**
 * Training time per loop turn: what a 60 Hz frame leaves after the grid evaluation, but never
 * less than the grid takes (so a slow grid costs frames per second, not all the training).
 */
function trainBudget() {
  const { gridMs } = page;
  return Math.max(FRAME_MS - gridMs, (gridMs * MIN_TRAIN_SHARE) / (1 - MIN_TRAIN_SHARE), 2);
}

function updateRate() {
  const { rate } = page;
  const { playing, stats } = loop;
  const now = clock.now();
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
 * Grid side for the next frame: the full page.grid, except while playing a network so large that a
 * full grid would cost more than GRID_BUDGET_MS (then as fine as the budget allows).
 */
function gridSide() {
  const { gridMsPerPoint, grid } = page;
  if (!loop.playing || gridMsPerPoint * grid * grid <= GRID_BUDGET_MS) return grid;
  const g = Math.floor(Math.sqrt(GRID_BUDGET_MS / gridMsPerPoint));
  return Math.max(MIN_GRID, Math.min(grid, g - (g % 2)));
}

function buildFrame(seq) {
  const t0 = clock.now();
  const G = gridSide();
  session.evaluateGrid(G, -DOMAIN, DOMAIN, -DOMAIN, DOMAIN);
  const evalMs = clock.now() - t0;
  const out = session.gridOutput();
  const output = Float32Array.from(out);
  const all = session.gridNeurons();
  const GG = G * G;
  const nodeCount = Math.floor(all.length / GG);
  const THUMB = page.thumb;
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
  const { hoverNode, layout, rate } = page;
  let hover = null;
  if (hoverNode >= 0 && hoverNode < nodeCount) {
    hover = { node: hoverNode, field: Float32Array.from(all.subarray(hoverNode * GG, (hoverNode + 1) * GG)) };
  }
  const layerCount = layout.hidden.length + 1;
  const { weights, biases } = readParams(layerCount);
  const gradNorms = session.gradNorms().slice();
  updateRate();
  const frame = {
    seq,
    playing: loop.playing,
    stats: loop.stats,
    layout,
    layoutVersion: page.layoutVersion,
    stepsPerEpoch: page.stepsPerEpoch,
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
    timing: { gridMs: clock.now() - t0, evalMs },
  };
  const transfer = [output.buffer, nodes.buffer, gradNorms.buffer,
    ...weights.map((w) => w.buffer), ...biases.map((b) => b.buffer)];
  if (hover) transfer.push(hover.field.buffer);
  if (page.jacobianSide > 0) {
    frame.jacobian = readJacobianField(page.jacobianSide);
    transfer.push(frame.jacobian.points.buffer, frame.jacobian.values.buffer);
  }
  if (page.pointsDirty) {
    frame.points = readPoints();
    transfer.push(frame.points.train.buffer, frame.points.test.buffer);
    page.pointsDirty = false;
  }
  const ms = clock.now() - t0;
  page.gridMs = 0.8 * page.gridMs + 0.2 * ms;
  page.gridMsPerPoint = ms / GG;
  return { frame, transfer };
}

// ---- requests (play, pause, speed, frame and dispose are the loop's own) -------------------------

/** A trace answered with its buffers moved, not copied. */
function transferTrace(trace) {
  return transferable(trace, traceBuffers(trace));
}

/** The answer of every request that makes a new session. */
function rebuiltAnswer() {
  return { layout: page.layout, stepsPerEpoch: page.stepsPerEpoch };
}

function requests() {
  return {
    async init({ config, grid, thumb }) {
      if (grid) page.grid = grid;
      if (thumb) page.thumb = thumb;
      await loadModule();
      newSession(config);
      afterRebuild();
      return rebuiltAnswer();
    },
    setConfig({ config }) {
      newSession(config);      // a failure leaves the old session in place
      afterRebuild();
      return rebuiltAnswer();
    },
    updateTraining({ training }) {
      session.updateTraining(training);
      page.stepsPerEpoch = session.stepsPerEpoch();
      clearDiverged();
      loop.dirty = true;
      return null;
    },
    setPoints({ points }) {
      session.setPoints(points);
      afterRebuild();
      return rebuiltAnswer();
    },
    reset() {
      session.reset();
      loop.stats = readStats();
      loop.dirty = true;
      resetRate();
      return null;
    },
    step({ epochs = 1 }) {
      loop.playing = false;
      const s = plainStats(session.step(Math.max(1, Math.round(epochs * page.stepsPerEpoch))));
      loop.stats = s.diverged ? { ...readStats(), diverged: true, message: s.message } : s;
      loop.dirty = true;
      return loop.stats;
    },
    setWeight({ layer, i, j, value }) {
      session.setWeight(layer, i, j, value);
      loop.stats = readStats();
      loop.dirty = true;
      return null;
    },
    hover({ node }) {
      page.hoverNode = typeof node === 'number' ? node : -1;
      loop.dirty = true;
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
      loop.playing = false;
      afterRebuild();
      return { ...rebuiltAnswer(), stats: loop.stats, settings };
    },
    /** The session's config and the engine's defaults (tests compare them with the page's state). */
    config() {
      return { config: session.config(), defaults: engineDefaults(), classes: page.layout.classes, knowsTask: adapt({ dataset: { task: 'auto' } }).dataset.task === 'auto' };
    },
    snapshot() {
      const { weights, biases } = readParams(page.layout.hidden.length + 1);
      return { layout: page.layout, weights, biases, stats: readStats() };
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
      loop.playing = false;
      loop.dirty = true;
      return transferTrace(plainTrace(session.explain(Float64Array.from(xy), Float64Array.from(labels))));
    },
    explainBatch() {
      loop.playing = false;
      loop.dirty = true;
      return transferTrace(plainTrace(session.explainNextBatch()));
    },
    commitExplained() {
      loop.playing = false;
      session.commitExplained();
      loop.stats = readStats();
      loop.dirty = true;
      return loop.stats;
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
      page.jacobianSide = Number.isInteger(side) && side > 0 ? Math.min(side, 64) : 0;
      loop.dirty = true;
      return null;
    },
  };
}

loop.listen(self);
