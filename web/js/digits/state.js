// digits/state.js: the digits page's state as plain data, and its URL-hash form.
//
// No DOM, no engine: imported by the page and by tests/node/digits-state.test.mjs. Every setting
// is described once in FIELDS (URL key, state property, type, range, default); parsing,
// serialization, defaults and the engine config read that table, as web/js/playground/state.js.
// The engine's config format is docs/image-models.md; layersOf(state) builds the layer list of the
// chosen model (the CNN's conv rows and dense head come from the page's layer editor).
//
// The codec is the page kit's (shared/url-state.js). parseState(text) never throws: an unknown key, a garbled or out-of-range value falls back to
// the default and adds a human-readable notice, so a broken link still opens a working page.

import { urlCodec, formatValue } from '../shared/url-state.js';

export const DATASETS = ['mnist', 'uci'];
export const DATASET_LABELS = { mnist: 'MNIST 28×28', uci: 'UCI 8×8' };
export const IMAGE_SIDE = { mnist: 28, uci: 8 };
export const MODELS = ['mlp', 'cnn', 'autoencoder'];
export const MODEL_LABELS = { mlp: 'MLP', cnn: 'CNN', autoencoder: 'Autoencoder' };
export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam'];
export const OPTIMIZER_LABELS = { sgd: 'SGD', momentum: 'Momentum', nesterov: 'Nesterov', rmsprop: 'RMSprop', adam: 'Adam' };
export const ACTIVATIONS = ['relu', 'tanh'];
export const POOLS = ['max', 'avg', 'none'];
export const PADDINGS = ['same', 'valid'];
export const NOISE_KINDS = ['gaussian', 'saltpepper'];
/** Steps per second offered; 0 means as fast as the machine goes. */
export const SPEEDS = [1, 3, 10, 30, 100, 300, 0];

// Within the engine's limits (docs/image-models.md: filters 1..256, kernel 1..15, dense units
// 1..4096, at most 32 layers, batch 1..1024, shift 0..3, noise 0..1).
export const LIMITS = {
  maxConvLayers: 4,
  maxFilters: 64,
  maxKernel: 15,
  maxUnits: 1024,
  maxHiddenLayers: 3,
  maxCode: 32,
  maxBatch: 1024,
  maxSeed: 4294967295,
  maxHashLength: 4000,
  maxModelBytes: 16 << 20,   // core limits::kMaxModelBytes
};

/** The W4 CNN of the issue: conv(1→8, 5×5, same)-ReLU-maxpool-conv(8→16, 5×5, same)-ReLU-maxpool-dense. */
export const DEFAULT_CONVS = [
  { filters: 8, kernel: 5, padding: 'same', pool: 'max' },
  { filters: 16, kernel: 5, padding: 'same', pool: 'max' },
];

export const FIELDS = [
  { key: 'data', prop: 'data', type: 'enum', values: DATASETS, def: 'mnist' },
  { key: 'model', prop: 'model', type: 'enum', values: MODELS, def: 'cnn' },
  { key: 'hidden', prop: 'hidden', type: 'intlist', min: 1, max: LIMITS.maxUnits, maxLength: LIMITS.maxHiddenLayers, def: [128] },
  { key: 'act', prop: 'activation', type: 'enum', values: ACTIVATIONS, def: 'relu' },
  { key: 'conv', prop: 'convs', type: 'convs', def: DEFAULT_CONVS },
  { key: 'head', prop: 'head', type: 'int', min: 0, max: LIMITS.maxUnits, def: 0 },
  { key: 'code', prop: 'code', type: 'int', min: 1, max: LIMITS.maxCode, def: 2 },
  { key: 'aehidden', prop: 'aeHidden', type: 'int', min: 1, max: LIMITS.maxUnits, def: 128 },
  { key: 'opt', prop: 'optimizer', type: 'enum', values: OPTIMIZERS, def: 'adam' },
  { key: 'lr', prop: 'learningRate', type: 'num', min: 1e-6, max: 10, def: 0.001 },
  { key: 'batch', prop: 'batchSize', type: 'int', min: 1, max: LIMITS.maxBatch, def: 32 },
  { key: 'aug', prop: 'augment', type: 'bool', def: false },
  { key: 'shift', prop: 'maxShift', type: 'int', min: 1, max: 3, def: 2 },
  { key: 'noise', prop: 'noise', type: 'num', min: 0, max: 1, def: 0 },
  { key: 'nkind', prop: 'noiseKind', type: 'enum', values: NOISE_KINDS, def: 'gaussian' },
  { key: 'dseed', prop: 'dataSeed', type: 'int', min: 0, max: LIMITS.maxSeed, def: 1 },
  { key: 'wseed', prop: 'netSeed', type: 'int', min: 0, max: LIMITS.maxSeed, def: 1 },
  { key: 'tseed', prop: 'trainSeed', type: 'int', min: 0, max: LIMITS.maxSeed, def: 1 },
  { key: 'speed', prop: 'speed', type: 'speed', values: SPEEDS, def: 0 },
  { key: 'logy', prop: 'logScale', type: 'bool', def: true },
];
const BY_KEY = new Map(FIELDS.map((f) => [f.key, f]));
/** URL keys, in the order they are written. */
export const STATE_KEYS = FIELDS.map((f) => f.key);
/** Which settings rebuild the network (the rest go to updateTraining, or are the page's own). */
// (the training seed is fixed for a run: the engine takes a new one only with a new session)
const CONFIG_PROPS = ['data', 'model', 'hidden', 'activation', 'convs', 'head', 'code', 'aeHidden', 'dataSeed', 'netSeed', 'trainSeed'];
const TRAINING_PROPS = ['optimizer', 'learningRate', 'batchSize', 'augment', 'maxShift', 'noise', 'noiseKind'];

function copy(v) {
  if (Array.isArray(v)) return v.map(copy);
  if (v && typeof v === 'object') return { ...v };
  return v;
}

export function defaultState() {
  const s = {};
  for (const f of FIELDS) s[f.prop] = copy(f.def);
  return s;
}

export function cloneState(s) {
  const out = {};
  for (const f of FIELDS) out[f.prop] = copy(s[f.prop] === undefined ? f.def : s[f.prop]);
  return out;
}

// ---- conv rows: "8-5-same-max,16-5-same-max" --------------------------------------------------

export function formatConvs(convs) {
  return convs.map((c) => `${c.filters}-${c.kernel}-${c.padding}-${c.pool}`).join(',');
}

/** Parses conv rows; { ok, value } or { ok: false, why }. "none" is an empty list. */
export function parseConvs(text) {
  const why = `conv rows "filters-kernel-padding-pool" (filters 1..${LIMITS.maxFilters}, kernel 1..${LIMITS.maxKernel}, same|valid, max|avg|none), at most ${LIMITS.maxConvLayers}, or none`;
  const t = String(text).trim().toLowerCase();
  if (t === 'none') return { ok: true, value: [] };
  const parts = t.split(',');
  if (t === '' || parts.length > LIMITS.maxConvLayers) return { ok: false, why };
  const value = [];
  for (const p of parts) {
    const m = /^(\d{1,3})-(\d{1,2})-(same|valid)-(max|avg|none)$/.exec(p.trim());
    if (!m) return { ok: false, why };
    const filters = Number(m[1]);
    const kernel = Number(m[2]);
    if (filters < 1 || filters > LIMITS.maxFilters || kernel < 1 || kernel > LIMITS.maxKernel) return { ok: false, why };
    value.push({ filters, kernel, padding: m[3], pool: m[4] });
  }
  return { ok: true, value };
}

// ---- the URL form: shared/url-state.js over FIELDS, with this page's two types ----------------

const PARSERS = {
  intlist(f, raw) {
    const why = `1 to ${f.maxLength} whole numbers from ${f.min} to ${f.max}, comma-separated`;
    const parts = raw.trim().split(',');
    if (raw.trim() === '' || parts.length > f.maxLength) return { ok: false, why };
    const value = parts.map((p) => (/^\d{1,6}$/.test(p.trim()) ? Number(p.trim()) : NaN));
    return value.every((v) => Number.isInteger(v) && v >= f.min && v <= f.max) ? { ok: true, value } : { ok: false, why };
  },
  convs(f, raw) {
    return parseConvs(raw);
  },
};

function formatField(f, v) {
  if (f.type === 'intlist') return v.join(',');
  if (f.type === 'convs') return v.length ? formatConvs(v) : 'none';
  return formatValue(f, v);
}

const CODEC = urlCodec({ fields: FIELDS, parsers: PARSERS, format: formatField, maxLength: LIMITS.maxHashLength });

/** Splits "a=1&b=2" (a URL hash or query) into [key, value] pairs, with notices. */
export function splitParams(text) {
  return CODEC.split(text);
}

/** { state, notices } from a URL hash (or key/value pairs); never throws. options.base: the
 * state unnamed settings keep (default: the defaults). */
export function parseState(text, options = {}) {
  const { state, notices } = CODEC.parse(text, options);
  return { state: cloneState(state), notices };
}

/** Every setting as link text, defaults included (the embedded element's `state`). */
export function settingsText(state) {
  return CODEC.serialize(state);
}

/** The hash (without #): only the settings that differ from the default, in FIELDS order. */
export function serializeState(state) {
  const def = defaultState();
  return CODEC.serialize(state, (f) => formatField(f, state[f.prop]) !== formatField(f, def[f.prop]));
}

// ---- what a change means for the engine ---------------------------------------------------------

/** 'none' | 'view' (the page's own) | 'training' (updateTraining) | 'config' (a new network). */
export function diffStates(a, b) {
  const same = (p) => JSON.stringify(a[p]) === JSON.stringify(b[p]);
  if (!CONFIG_PROPS.every(same)) return 'config';
  if (!TRAINING_PROPS.every(same)) return 'training';
  return FIELDS.every((f) => same(f.prop)) ? 'none' : 'view';
}

/** The layer list of the state's model (docs/image-models.md). */
export function layersOf(state) {
  const act = state.activation;
  if (state.model === 'mlp') {
    return [...state.hidden.flatMap((units) => [{ type: 'dense', units }, { type: act }]),
      { type: 'dense', units: 10 }, { type: 'softmax' }];
  }
  if (state.model === 'cnn') {
    const out = [];
    for (const c of state.convs) {
      out.push({ type: 'conv2d', filters: c.filters, kernel: c.kernel, stride: 1, padding: c.padding }, { type: act });
      if (c.pool !== 'none') out.push({ type: `${c.pool}_pool` });
    }
    out.push({ type: 'flatten' });
    if (state.head > 0) out.push({ type: 'dense', units: state.head }, { type: act });
    out.push({ type: 'dense', units: 10 }, { type: 'softmax' });
    return out;
  }
  const side = IMAGE_SIDE[state.data];
  return [{ type: 'dense', units: state.aeHidden }, { type: act }, { type: 'dense', units: state.code },
    { type: 'dense', units: state.aeHidden }, { type: act }, { type: 'dense', units: side * side }, { type: 'sigmoid' }];
}

export function trainingOf(state) {
  return {
    optimizer: state.optimizer, learningRate: state.learningRate, batchSize: state.batchSize,
    augment: state.augment, maxShift: state.maxShift,
    noise: state.model === 'autoencoder' ? state.noise : 0, noiseKind: state.noiseKind, seed: state.trainSeed,
  };
}

/** The engine's config (docs/image-models.md) for a state. */
export function engineConfig(state) {
  const classifier = state.model !== 'autoencoder';
  return {
    data: { name: state.data, testCount: 0, seed: state.dataSeed },
    model: {
      kind: state.model, layers: layersOf(state), loss: classifier ? 'softmax_ce' : 'sigmoid_ce',
      init: state.activation === 'tanh' ? 'glorot' : 'he', seed: state.netSeed,
    },
    training: trainingOf(state),
  };
}

export function speedOf(state) {
  return state.speed;
}
