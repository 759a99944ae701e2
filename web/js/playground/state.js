// state.js: the playground's state as plain data, and its URL-hash form.
//
// No DOM, no engine: this module is imported by the page, the custom element and the Node tests.
// Every setting is described once in FIELDS (URL key, state property, type, range, default);
// parsing, validation, serialization and the engine config all read that table.
//
// parseState(text) never throws: an unknown key, a garbled or out-of-range value falls back to
// the default and adds a human-readable notice, so a broken link still opens a working page.

/** Data sets offered by the engine, with what kind of problem each one is. */
import { urlCodec, formatValue as formatShared, show, NUMBER } from '../shared/url-state.js';

export const DATASETS = [
  { name: 'circle', label: 'Circle', kind: 'classify', classes: 2 },
  { name: 'xor', label: 'XOR', kind: 'classify', classes: 2 },
  { name: 'gaussians', label: 'Two gaussians', kind: 'classify', classes: 2 },
  { name: 'spiral', label: 'Spiral', kind: 'classify', classes: 2 },
  { name: 'moons', label: 'Moons', kind: 'classify', classes: 2 },
  { name: 'spiral3', label: '3-class spiral', kind: 'classify', classes: 3 },
  { name: 'plane', label: 'Plane (regression)', kind: 'regress', classes: 0 },
  { name: 'multigaussian', label: 'Multi-gaussian (regression)', kind: 'regress', classes: 0 },
  { name: 'custom', label: 'Your own data', kind: 'custom', classes: 2 },
];
export const DATASET_NAMES = DATASETS.map((d) => d.name);

/** Input features, in the engine's names, with how they are shown. */
export const FEATURES = [
  { name: 'x1', label: 'X₁' },
  { name: 'x2', label: 'X₂' },
  { name: 'x1sq', label: 'X₁²' },
  { name: 'x2sq', label: 'X₂²' },
  { name: 'x1x2', label: 'X₁X₂' },
  { name: 'sinx1', label: 'sin(X₁)' },
  { name: 'sinx2', label: 'sin(X₂)' },
];
export const FEATURE_NAMES = FEATURES.map((f) => f.name);

/**
 * A list of features in the engine's order (FEATURE_NAMES), each once. The engine holds the
 * inputs as a set and lists them in that order, whatever order it was sent; the state must too,
 * or the state, the link and the engine disagree about which input is first.
 */
export function canonicalFeatures(names) {
  return FEATURE_NAMES.filter((n) => names.includes(n));
}

export const ACTIVATIONS = ['tanh', 'sigmoid', 'relu', 'leaky_relu', 'linear'];
export const ACTIVATION_LABELS = { tanh: 'Tanh', sigmoid: 'Sigmoid', relu: 'ReLU', leaky_relu: 'Leaky ReLU', linear: 'Linear' };
export const OUTPUTS = ['auto', 'sigmoid', 'tanh', 'softmax', 'linear'];
export const LOSSES = ['auto', 'squared', 'sigmoid_ce', 'softmax_ce'];
export const INITS = ['glorot', 'he', 'uniform', 'zeros'];
export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam'];
export const SCHEDULES = ['constant', 'step', 'exponential'];
export const REGULARIZATIONS = ['none', 'l1', 'l2'];
export const CUSTOM_TASKS = ['classify', 'regress'];
/** Training speeds offered, in epochs per second; 0 means "as fast as the machine goes". */
export const SPEEDS = [1, 3, 10, 30, 100, 300, 1000, 0];

// The page's limits are the engine's (core/limits.hpp and the config parser in core/model_io.cpp;
// tests/node/page-limits.test.mjs reads both and checks): whatever the page sends, the engine
// accepts, and whatever model the engine can hold, the page can show and link to exactly.
export const LIMITS = {
  maxHiddenLayers: 8,     // kMaxHiddenLayers
  maxNeurons: 128,        // kMaxNeurons (the + button goes that far; a CLI model may use them)
  maxPoints: 20000,       // kMaxPoints: generated data sets, train + test
  maxCustomPoints: 2000,  // your own data (its points are written into the link)
  maxBatch: 1024,         // kMaxBatch
  maxSeed: 4294967295,    // core/json_io.hpp Fields::seed: 0..2^32 − 1
  maxModelBytes: 16 << 20, // kMaxModelBytes
  maxHashLength: 200000,  // longer URL fragments are cut before parsing
  domain: 6,              // the input plane shown is [-6, 6] x [-6, 6]
};

// The table of settings. `key` is the URL key, `prop` the state property.
// types: enum, int, num, bool, set (subset of values, order kept canonical), intlist, actlist,
//        speed, points
export const FIELDS = [
  { key: 'dataset', prop: 'dataset', type: 'enum', values: DATASET_NAMES, def: 'circle' },
  { key: 'points', prop: 'points', type: 'int', min: 10, max: LIMITS.maxPoints, def: 500 },
  { key: 'noise', prop: 'noise', type: 'num', min: 0, max: 1, def: 0 },
  { key: 'ratio', prop: 'trainRatio', type: 'num', min: 0.1, max: 0.9, def: 0.5 },
  { key: 'batch', prop: 'batchSize', type: 'int', min: 1, max: LIMITS.maxBatch, def: 10 },
  { key: 'seed', prop: 'dataSeed', type: 'int', min: 0, max: LIMITS.maxSeed, def: 1 },
  { key: 'task', prop: 'customTask', type: 'enum', values: CUSTOM_TASKS, def: 'classify' },
  { key: 'pts', prop: 'customPoints', type: 'points', def: [] },
  { key: 'features', prop: 'features', type: 'set', values: FEATURE_NAMES, def: ['x1', 'x2'] },
  { key: 'hidden', prop: 'hidden', type: 'intlist', min: 1, max: LIMITS.maxNeurons,
    maxLength: LIMITS.maxHiddenLayers, def: [4, 2] },
  { key: 'act', prop: 'activations', type: 'actlist', values: ACTIVATIONS, def: ['tanh', 'tanh'] },
  { key: 'output', prop: 'output', type: 'enum', values: OUTPUTS, def: 'auto' },
  { key: 'loss', prop: 'loss', type: 'enum', values: LOSSES, def: 'auto' },
  { key: 'init', prop: 'init', type: 'enum', values: INITS, def: 'glorot' },
  { key: 'wseed', prop: 'netSeed', type: 'int', min: 0, max: LIMITS.maxSeed, def: 1 },
  { key: 'opt', prop: 'optimizer', type: 'enum', values: OPTIMIZERS, def: 'sgd' },
  { key: 'lr', prop: 'learningRate', type: 'num', min: 0, max: 10, def: 0.03 },
  { key: 'mom', prop: 'momentum', type: 'num', min: 0, max: 0.9999, def: 0.9 },
  { key: 'sched', prop: 'schedule', type: 'enum', values: SCHEDULES, def: 'constant' },
  { key: 'decay', prop: 'decayRate', type: 'num', min: 1e-6, max: 1, def: 0.5 },
  { key: 'dsteps', prop: 'decaySteps', type: 'int', min: 1, max: 1e9, def: 1000 },
  { key: 'reg', prop: 'regularization', type: 'enum', values: REGULARIZATIONS, def: 'none' },
  { key: 'rrate', prop: 'regRate', type: 'num', min: 0, max: 10, def: 0 },
  { key: 'clip', prop: 'clipNorm', type: 'num', min: 0, max: 1e6, def: 0 },
  { key: 'tseed', prop: 'trainSeed', type: 'int', min: 0, max: LIMITS.maxSeed, def: 1 },
  { key: 'speed', prop: 'speed', type: 'speed', values: SPEEDS, def: 100 },
  { key: 'discretize', prop: 'discretize', type: 'bool', def: false },
  { key: 'test', prop: 'showTest', type: 'bool', def: false },
  { key: 'logy', prop: 'logScale', type: 'bool', def: false },
];
/** URL keys of the settings, in the order they are written. */
export const STATE_KEYS = FIELDS.map((f) => f.key);

/** A fresh state holding every default. */
export function defaultState() {
  return CODEC.defaults();
}

/** The problem the state describes: { kind: 'classify' | 'regress', classes }. */
export function problemOf(state) {
  const d = DATASETS.find((x) => x.name === state.dataset) || DATASETS[0];
  if (d.kind !== 'custom') return { kind: d.kind, classes: d.classes };
  if (state.customTask === 'regress') return { kind: 'regress', classes: 0 };
  let maxLabel = 1;
  for (const p of state.customPoints) maxLabel = Math.max(maxLabel, p[2]);
  return { kind: 'classify', classes: maxLabel + 1 };
}

// ---- parsing ---------------------------------------------------------------------------------

const fmtRange = (f) => `${f.min} to ${f.max}`;

// The playground's own value types (enum, int, num, bool and speed come from shared/url-state.js).
// Each parser returns { ok: true, value } or { ok: false, why }.
const PARSERS = {
  set(f, raw) {
    const names = raw.split(',').map((x) => x.trim().toLowerCase()).filter((x) => x !== '');
    if (names.length === 0) return { ok: false, why: `at least one of ${f.values.join(', ')}` };
    for (const n of names) {
      if (!f.values.includes(n)) return { ok: false, why: `a comma-separated list of ${f.values.join(', ')}` };
    }
    return { ok: true, value: f.values.filter((n) => names.includes(n)) };
  },
  intlist(f, raw) {
    const t = raw.trim().toLowerCase();
    if (t === '' || t === 'none' || t === '0') return { ok: true, value: [] };
    const parts = t.split(',');
    const why = `up to ${f.maxLength} comma-separated sizes from ${fmtRange(f)}, or none`;
    if (parts.length > f.maxLength) return { ok: false, why };
    const out = [];
    for (const p of parts) {
      const v = /^\d{1,3}$/.test(p.trim()) ? Number(p) : NaN;
      if (!(Number.isInteger(v) && v >= f.min && v <= f.max)) return { ok: false, why };
      out.push(v);
    }
    return { ok: true, value: out };
  },
  actlist(f, raw) {
    const t = raw.trim().toLowerCase();
    if (t === '' || t === 'none') return { ok: true, value: [] };
    const parts = raw.split(',').map((x) => x.trim().toLowerCase());
    if (parts.length > LIMITS.maxHiddenLayers || parts.some((p) => !f.values.includes(p))) {
      return { ok: false, why: `comma-separated names from ${f.values.join(', ')}` };
    }
    return { ok: true, value: parts };
  },
  points(f, raw) {
    // "x,y,label;x,y,label;..."  (x, y in the plane; label a class index or a target value)
    const t = raw.trim();
    if (t === '') return { ok: true, value: [] };
    const triples = t.split(';');
    if (triples.length > LIMITS.maxCustomPoints) {
      return { ok: false, why: `at most ${LIMITS.maxCustomPoints} points` };
    }
    const out = [];
    for (const tr of triples) {
      const nums = tr.split(',').map((x) => (NUMBER.test(x.trim()) ? Number(x) : NaN));
      if (nums.length !== 3 || !nums.every(Number.isFinite)) {
        return { ok: false, why: 'points as x,y,label triples separated by ;' };
      }
      out.push(nums);
    }
    return { ok: true, value: out };
  },
};

/** Splits "a=1&b=2" (a URL hash or query without its # or ?) into [key, value] pairs. */
export function splitParams(text) {
  return CODEC.split(text);
}

/**
 * Parses settings into a full, valid state.
 * @param {string | Iterable<[string, string]>} input  URL hash/query text, or key/value pairs
 * @param {{ ignore?: string[], base?: object }} options  keys to skip silently (e.g. embed
 *        options handled elsewhere); base: the state to start from (default: the defaults)
 * @returns {{ state: object, notices: string[] }}
 */
export function parseState(input, options = {}) {
  const { state, notices, valid } = CODEC.parse(input, options);
  // Per-layer activations follow the number of hidden layers.
  const h = state.hidden.length;
  const acts = state.activations;
  if (valid.has('act') && acts.length !== 1 && acts.length !== h) {
    notices.push(`"act" lists ${acts.length} activations for ${h} hidden layers; the list was fitted.`);
  }
  state.activations = fitActivations(acts, h);
  // Custom points: clamp to the plane and to the labels the task allows.
  const before = state.customPoints.length;
  state.customPoints = sanitizePoints(state.customPoints, state.customTask);
  if (state.customPoints.length !== before) {
    notices.push(`${before - state.customPoints.length} of your own points were out of range and dropped.`);
  }
  return { state, notices };
}

/** Resizes a per-layer activation list to n layers (one name applies to all; pads with the last). */
export function fitActivations(acts, n) {
  const src = acts.length ? acts : ['tanh'];
  const out = [];
  for (let i = 0; i < n; i++) out.push(src[Math.min(i, src.length - 1)]);
  return out;
}

/** Keeps points inside the plane, with labels valid for the task (classes 0..2, targets -1..1). */
export function sanitizePoints(points, task) {
  const D = LIMITS.domain;
  const out = [];
  for (const p of points) {
    if (!Array.isArray(p) || p.length !== 3 || !p.every(Number.isFinite)) continue;
    const [x, y, l] = p;
    if (Math.abs(x) > D || Math.abs(y) > D) continue;
    if (task === 'regress' ? Math.abs(l) > 1 : !(Number.isInteger(l) && l >= 0 && l <= 2)) continue;
    out.push(roundPoint([x, y, l]));
    if (out.length >= LIMITS.maxCustomPoints) break;
  }
  return out;
}

function clone(v) {
  return Array.isArray(v) ? v.map(clone) : v;
}

export function cloneState(s) {
  const out = {};
  for (const f of FIELDS) out[f.prop] = s[f.prop] === undefined ? CODEC.defaultOf(f, out) : clone(s[f.prop]);
  return out;
}

// ---- serialization ---------------------------------------------------------------------------

/** A number in its shortest form that parses back to the same double. */
export function formatNumber(v) {
  return String(v);
}

/** A rounded number for coordinates (3 decimals) so links stay short. */
function formatCoord(v) {
  return String(Math.round(v * 1000) / 1000);
}

function formatValue(f, v) {
  switch (f.type) {
    case 'set': case 'actlist': return v.join(',');
    case 'intlist': return v.length ? v.join(',') : 'none';
    case 'points': return v.map((p) => p.map(formatCoord).join(',')).join(';');
    case 'num': return formatNumber(v);
    default: return formatShared(f, v);
  }
}

const CODEC = urlCodec({ fields: FIELDS, parsers: PARSERS, format: formatValue, maxLength: LIMITS.maxHashLength });
const BY_PROP = CODEC.byProp;

/**
 * The URL-hash form of a state (without the leading #). Every setting is written, except the
 * custom points and task when the data set is not 'custom', so a link stays meaningful even if
 * defaults change later.
 */
export function serializeState(state) {
  const custom = (f) => f.prop === 'customPoints' || f.prop === 'customTask';
  return CODEC.serialize(state, (f) => !custom(f) || state.dataset === 'custom');
}

/** Custom points rounded the way a link stores them (so state and link agree exactly). */
export function roundPoint(p) {
  return p.map((v) => Number(formatCoord(v)) + 0);  // + 0 turns -0 into 0
}

// ---- the engine's config ---------------------------------------------------------------------

/** The config object of docs/wasm-api.md for a state. */
export function toEngineConfig(state) {
  const problem = problemOf(state);
  const dataset = {
    name: state.dataset,
    points: state.points,
    noise: state.noise,
    trainRatio: state.trainRatio,
    seed: state.dataSeed,
  };
  if (state.dataset === 'custom') {
    dataset.custom = state.customPoints.map((p) => [...p]);
    // Whether the labels are classes or targets is the user's choice, never inferred from them
    // (targets that happen to be 0 and 1 are still a regression).
    dataset.task = state.customTask;
  }
  let output = state.output;
  // Your own data has no name telling the engine whether it is regression: say it.
  if (state.dataset === 'custom' && problem.kind === 'regress' && output === 'auto') output = 'linear';
  return {
    dataset,
    features: [...state.features],
    network: {
      hidden: [...state.hidden],
      activation: state.hidden.length ? [...state.activations] : 'tanh',
      output,
      loss: state.loss,
      init: state.init,
      seed: state.netSeed,
    },
    training: trainingConfig(state),
  };
}

/** The `training` part alone: what can change live without resetting the network. */
export function trainingConfig(state) {
  return {
    optimizer: state.optimizer,
    learningRate: state.learningRate,
    momentum: state.momentum,
    batchSize: state.batchSize,
    schedule: state.schedule,
    decayRate: state.decayRate,
    decaySteps: state.decaySteps,
    clipNorm: state.clipNorm,
    regularization: state.regularization,
    regularizationRate: state.regRate,
    seed: state.trainSeed,
  };
}

const TRAINING_PROPS = ['optimizer', 'learningRate', 'momentum', 'batchSize', 'schedule',
  'decayRate', 'decaySteps', 'clipNorm', 'regularization', 'regRate', 'trainSeed'];
const VIEW_PROPS = ['speed', 'discretize', 'showTest', 'logScale'];

/**
 * What changed between two states, as the engine sees it:
 * 'config' (data or network: rebuild and reset), 'training' (live change), 'view' (page only)
 * or 'none'.
 */
export function diffStates(a, b) {
  let training = false;
  let view = false;
  for (const f of FIELDS) {
    if (same(a[f.prop], b[f.prop])) continue;
    if (TRAINING_PROPS.includes(f.prop)) training = true;
    else if (VIEW_PROPS.includes(f.prop)) view = true;
    else if ((f.prop === 'customPoints' || f.prop === 'customTask') && a.dataset !== 'custom' && b.dataset !== 'custom') view = true;
    else return 'config';
  }
  return training ? 'training' : view ? 'view' : 'none';
}

function same(x, y) {
  if (Array.isArray(x) && Array.isArray(y)) {
    return x.length === y.length && x.every((v, i) => same(v, y[i]));
  }
  return Object.is(x, y);
}
export { same as sameValue };

/**
 * A state from an engine config (the `config` part of a model file), validated like a link.
 * View settings are taken from `base`.
 * @returns {{ state, notices }}
 */
export function fromEngineConfig(config, base = defaultState()) {
  const c = config && typeof config === 'object' ? config : {};
  const ds = c.dataset && typeof c.dataset === 'object' ? c.dataset : {};
  const net = c.network && typeof c.network === 'object' ? c.network : {};
  const tr = c.training && typeof c.training === 'object' ? c.training : {};
  const pairs = [];
  const put = (key, v, fmt = String) => { if (v !== undefined && v !== null) pairs.push([key, fmt(v)]); };
  const list = (v) => (Array.isArray(v) ? v.join(',') : String(v));
  put('dataset', ds.name);
  put('points', ds.points);
  put('noise', ds.noise);
  put('ratio', ds.trainRatio);
  put('seed', ds.seed);
  if (ds.name === 'custom' && Array.isArray(ds.custom)) {
    put('pts', ds.custom.map((p) => (Array.isArray(p) ? p.join(',') : '')).join(';'));
    if (net.output === 'linear') put('task', 'regress');
  }
  put('features', c.features, list);
  put('hidden', net.hidden, (v) => (Array.isArray(v) && v.length === 0 ? 'none' : list(v)));
  put('act', net.activation, list);
  put('output', ds.name === 'custom' && net.output === 'linear' ? 'auto' : net.output);
  put('loss', net.loss);
  put('init', net.init);
  put('wseed', net.seed);
  put('opt', tr.optimizer);
  put('lr', tr.learningRate);
  put('mom', tr.momentum);
  put('batch', tr.batchSize);
  put('sched', tr.schedule);
  put('decay', tr.decayRate);
  put('dsteps', tr.decaySteps);
  put('clip', tr.clipNorm);
  put('reg', tr.regularization);
  put('rrate', tr.regularizationRate);
  put('tseed', tr.seed);
  const start = defaultState();
  for (const p of VIEW_PROPS) start[p] = clone(base[p]);
  return parseState(pairs, { base: start });
}

/** A state property's field description (for the UI's ranges), or undefined. */
export function fieldOf(prop) {
  const f = BY_PROP.get(prop);
  return f ? { ...f } : undefined;
}

// ---- imports: all or nothing -------------------------------------------------------------------

// Where each setting sits in the engine's config (docs/wasm-api.md): the inverse of toEngineConfig.
const ENGINE_PATHS = {
  dataset: 'dataset.name', points: 'dataset.points', noise: 'dataset.noise', trainRatio: 'dataset.trainRatio',
  dataSeed: 'dataset.seed', features: 'features', hidden: 'network.hidden', activations: 'network.activation',
  output: 'network.output', loss: 'network.loss', init: 'network.init', netSeed: 'network.seed',
  optimizer: 'training.optimizer', learningRate: 'training.learningRate', momentum: 'training.momentum',
  batchSize: 'training.batchSize', schedule: 'training.schedule', decayRate: 'training.decayRate',
  decaySteps: 'training.decaySteps', clipNorm: 'training.clipNorm', regularization: 'training.regularization',
  regRate: 'training.regularizationRate', trainSeed: 'training.seed',
};

function at(obj, path) {
  let v = obj;
  for (const k of path.split('.')) v = v && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, k) ? v[k] : undefined;
  return v;
}

/**
 * `config` with every field it leaves out taken from `defaults` (the engine's config for `{}`):
 * what the engine runs when the page sends `config`.
 */
export function withDefaults(defaults, config) {
  if (!config || typeof config !== 'object' || Array.isArray(config)) return config;
  const d = defaults && typeof defaults === 'object' && !Array.isArray(defaults) ? defaults : {};
  const out = {};
  for (const k of Object.keys(d)) out[k] = d[k];
  for (const k of Object.keys(config)) out[k] = withDefaults(d[k], config[k]);
  return out;
}

/** The first field where two configs differ, as { path, a, b }, or null when they are the same. */
export function configDifference(a, b, path = '') {
  const obj = (v) => v !== null && typeof v === 'object';
  if (obj(a) && obj(b) && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = configDifference(a[k], b[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : { path, a, b };
}

/**
 * A config as the engine means it, so that two spellings of the same session compare equal:
 * one activation name is one per layer; on a regression problem output 'auto' is 'linear'; a
 * custom data set's task 'auto' is the task the engine inferred; a custom data set has as many
 * points as it holds (the engine ignores `points` there).
 * @param {number} classes  the session's layout().classes (0 for regression)
 */
function meaning(config, classes) {
  const c = JSON.parse(JSON.stringify(config));
  if (c.network) {
    const hidden = Array.isArray(c.network.hidden) ? c.network.hidden : [];
    if (typeof c.network.activation === 'string') c.network.activation = hidden.map(() => c.network.activation);
    if (classes === 0 && c.network.output === 'auto') c.network.output = 'linear';
  }
  if (c.dataset && c.dataset.name === 'custom') {
    if (c.dataset.task === 'auto') c.dataset.task = classes === 0 ? 'regress' : 'classify';
    if (Array.isArray(c.dataset.custom)) c.dataset.points = c.dataset.custom.length;
  }
  return c;
}

/** A config path as a model file names it: training.learningRate -> /config/training/learningRate. */
function pointer(path) {
  return `/config/${path.split('.').join('/')}`;
}

function showValue(v) {
  return v === undefined ? 'missing' : typeof v === 'string' ? `"${show(v)}"` : show(JSON.stringify(v));
}

/** A config value as link text (so that a config is validated exactly like a link), or undefined. */
function asText(f, v) {
  if (f.type === 'intlist') return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v.length ? v.join(',') : 'none') : undefined;
  if (f.type === 'set' || f.type === 'actlist') return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join(',') : typeof v === 'string' ? v : undefined;
  if (f.type === 'int' || f.type === 'num') return typeof v === 'number' ? String(v) : undefined;
  return typeof v === 'string' ? v : undefined;
}

/**
 * The settings of a loaded model, or why the page cannot take it. All or nothing: the model is
 * taken only when the page's state can hold every field of its config exactly, so that the
 * controls, the link and the engine agree (the link opened elsewhere builds the same session).
 * A field outside the page's range, or one the page does not set (Adam's β₁, ε, ...) at another
 * value than the page sends, refuses the whole model, naming the field.
 * @param {object} config    the loaded session's config(), complete
 * @param {object} defaults  the engine's config of a session made from `{}`
 * @param {number} classes   the loaded session's layout().classes (0: regression)
 * @param {(config: object) => object} [adapt]  what the engine is sent for a config (the worker's)
 * @returns {{ settings: object } | { error: string }}  settings: every non-view state property
 */
export function importedSettings(config, defaults, classes, adapt = (c) => c) {
  const state = defaultState();
  const custom = at(config, 'dataset.name') === 'custom';
  for (const [prop, path] of Object.entries(ENGINE_PATHS)) {
    if (prop === 'points' && custom) continue;   // (the engine counts the custom points instead)
    const f = BY_PROP.get(prop);
    const v = at(config, path);
    const text = asText(f, v);
    const r = text === undefined ? { ok: false } : CODEC.parseValue(f, text);
    if (!r.ok) {
      const range = f.type === 'int' || f.type === 'num' ? `is outside ${fmtRange(f)} on this page`
        : f.type === 'enum' ? `is not one of ${f.values.join(', ')}`
          : f.type === 'intlist' ? `is not up to ${f.maxLength} layers of ${fmtRange(f)} neurons` : 'is not allowed on this page';
      return { error: `${pointer(path)}: ${showValue(v)} ${range}` };
    }
    state[prop] = r.value;
  }
  state.activations = fitActivations(state.activations, state.hidden.length);
  if (custom) {
    const pts = at(config, 'dataset.custom');
    const task = at(config, 'dataset.task');
    state.customTask = task === 'classify' || task === 'regress' ? task : classes === 0 ? 'regress' : 'classify';
    if (!Array.isArray(pts) || pts.length > LIMITS.maxCustomPoints) {
      return { error: `${pointer('dataset.custom')}: ${Array.isArray(pts) ? pts.length : 'no'} points; this page holds 2 to ${LIMITS.maxCustomPoints}` };
    }
    for (let i = 0; i < pts.length; i++) {
      // (the link writes coordinates with 3 decimals: a point must be one a link can hold)
      if (configDifference(sanitizePoints([pts[i]], state.customTask), [pts[i]])) {
        return { error: `${pointer(`dataset.custom.${i}`)}: ${showValue(pts[i])} is not a point of this page (x and y within ±${LIMITS.domain} with 3 decimals; ${state.customTask === 'regress' ? 'a target within ±1' : 'a class 0, 1 or 2'})` };
      }
    }
    state.customPoints = pts.map((p) => [...p]);
    if (state.customTask === 'regress' && state.output === 'linear') state.output = 'auto';
  }
  const d = configDifference(meaning(config, classes), meaning(withDefaults(defaults, adapt(toEngineConfig(state))), classes));
  if (d) return { error: `${pointer(d.path)}: ${showValue(d.a)} in the file, but this page can only use ${showValue(d.b)}` };
  const settings = {};
  for (const f of FIELDS) if (!VIEW_PROPS.includes(f.prop)) settings[f.prop] = clone(state[f.prop]);
  return { settings };
}
