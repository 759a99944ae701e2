// recurrent/state.js: the recurrent page's state as plain data, and its URL-hash form.
//
// No DOM, no engine: imported by the page and by tests/node/recurrent-state.test.mjs. Every
// setting is described once in FIELDS (URL key, state property, type, range, default); parsing,
// serialization and the engine configs read that table. Two modes share the page: 'seq'
// (sequences trained by BPTT, bp.SequenceSession) and 'fp' (fixed-point recurrent backprop,
// bp.FixedPointSession). A link carries the mode and that mode's settings.
//
// parseState(text) never throws: an unknown key, a garbled or out-of-range value falls back to
// the default and adds a human-readable notice, so a broken link still opens a working page.

import { urlCodec, show } from '../shared/url-state.js';

export const MODES = ['seq', 'fp'];
export const MODE_LABELS = { seq: 'Sequences (BPTT)', fp: 'Fixed point' };

export const SEQ_TASKS = ['sine', 'echo', 'parity', 'adding'];
export const SEQ_TASK_LABELS = { sine: 'Sine wave', echo: 'Echo', parity: 'Parity', adding: 'Adding' };
export const CELLS = ['elman', 'lstm'];
export const CELL_LABELS = { elman: 'Elman (tanh)', lstm: 'LSTM' };
export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam'];
export const OPTIMIZER_LABELS = { sgd: 'SGD', momentum: 'Momentum', nesterov: 'Nesterov', rmsprop: 'RMSprop', adam: 'Adam' };
export const FP_TASKS = ['xor', 'letters'];
export const FP_TASK_LABELS = { xor: 'XOR', letters: 'Letters (5×5)' };
/** The 5x5 font of the core (core/fixed_point.cpp), in its order. */
export const FONT = 'ACEHLOTX';
/** Steps per second offered; 0 means as fast as the machine goes. */
export const SPEEDS = [1, 3, 10, 30, 100, 300, 1000, 0];

// The page's limits: each within the engine's (tests/node/recurrent-limits.test.mjs reads the
// core's headers and checks that), so that whatever the page sends, the engine accepts.
export const LIMITS = {
  maxLength: 400,          // core/limits.hpp kMaxSequenceLength
  maxHidden: 128,          // kMaxRecurrentHidden
  maxSequences: 4096,      // kMaxSequences
  maxBatch: 1024,          // kMaxBatch
  testSequences: 64,       // held-out sequences (the "sample" picker)
  maxSeed: 4294967295,     // core/json_io.hpp Fields::seed: 0..2^32 − 1
  maxHashLength: 20000,
  maxIters: 100000,        // core/fixed_point.hpp kMaxRelaxIterations
  cues: 4,                 // training cues per letter per step (the core's default)
  testCues: 20,            // held-out cues per letter (the core's default)
  maxModelBytes: 16 << 20, // core/limits.hpp kMaxModelBytes
};

/** Fixed-point defaults that depend on the task (core fixed_point_session_defaults). */
const FP_DEFAULTS = {
  xor: { fpHidden: 3, tol: 1e-10, maxIters: 2000, fpLearningRate: 0.05, initScale: 1 },
  letters: { fpHidden: 10, tol: 1e-6, maxIters: 1000, fpLearningRate: 0.01, initScale: 0.5 },
};
export function fixedPointDefaults(task) {
  return { ...(FP_DEFAULTS[task] || FP_DEFAULTS.xor) };
}

// The table of settings. `mode` says which mode's links carry the field (both when absent).
// `def` is a value, or a function of the state parsed so far (fields are parsed in this order).
export const FIELDS = [
  { key: 'mode', prop: 'mode', type: 'enum', values: MODES, def: 'seq' },
  // ---- sequences ----
  { key: 'task', prop: 'task', type: 'enum', values: SEQ_TASKS, def: 'echo', mode: 'seq' },
  { key: 'len', prop: 'length', type: 'int', min: 2, max: LIMITS.maxLength, def: 20, mode: 'seq' },
  { key: 'delay', prop: 'delay', type: 'int', min: 0, max: LIMITS.maxLength - 1, def: 3, mode: 'seq' },
  { key: 'cell', prop: 'cell', type: 'enum', values: CELLS, def: 'elman', mode: 'seq' },
  { key: 'hidden', prop: 'hidden', type: 'int', min: 1, max: LIMITS.maxHidden, def: 16, mode: 'seq' },
  { key: 'trunc', prop: 'truncation', type: 'int', min: 0, max: LIMITS.maxLength, def: 0, mode: 'seq' },
  { key: 'clip', prop: 'clipNorm', type: 'num', min: 0, max: 1000, def: 0, mode: 'seq' },
  { key: 'opt', prop: 'optimizer', type: 'enum', values: OPTIMIZERS, def: 'adam', mode: 'seq' },
  { key: 'lr', prop: 'learningRate', type: 'num', min: 1e-6, max: 10, def: 0.01, mode: 'seq' },
  { key: 'batch', prop: 'batchSize', type: 'int', min: 1, max: LIMITS.maxBatch, def: 16, mode: 'seq' },
  { key: 'seqs', prop: 'sequences', type: 'int', min: 1, max: LIMITS.maxSequences, def: 256, mode: 'seq' },
  { key: 'seed', prop: 'dataSeed', type: 'int', min: 0, max: LIMITS.maxSeed, def: 1, mode: 'seq' },
  { key: 'wseed', prop: 'netSeed', type: 'int', min: 0, max: LIMITS.maxSeed, def: 1, mode: 'seq' },
  { key: 'sample', prop: 'sample', type: 'int', min: 0, max: LIMITS.testSequences - 1, def: 0, mode: 'seq' },
  // ---- fixed point ----
  { key: 'fptask', prop: 'fpTask', type: 'enum', values: FP_TASKS, def: 'xor', mode: 'fp' },
  { key: 'letters', prop: 'letters', type: 'letters', def: 'CHLTX', mode: 'fp' },
  { key: 'fphidden', prop: 'fpHidden', type: 'int', min: 0, max: 127, def: (s) => fixedPointDefaults(s.fpTask).fpHidden, mode: 'fp' },
  { key: 'damage', prop: 'damage', type: 'int', min: 0, max: 12, def: 3, mode: 'fp' },
  { key: 'erase', prop: 'erase', type: 'bool', def: false, mode: 'fp' },
  { key: 'alpha', prop: 'alpha', type: 'num', min: 0.001, max: 1, def: 0.5, mode: 'fp' },
  { key: 'beta', prop: 'beta', type: 'num', min: 0.001, max: 1, def: 0.5, mode: 'fp' },
  { key: 'tol', prop: 'tol', type: 'num', min: 1e-14, max: 0.1, def: (s) => fixedPointDefaults(s.fpTask).tol, mode: 'fp' },
  { key: 'iters', prop: 'maxIters', type: 'int', min: 1, max: LIMITS.maxIters, def: (s) => fixedPointDefaults(s.fpTask).maxIters, mode: 'fp' },
  { key: 'init', prop: 'initScale', type: 'num', min: 0, max: 100, def: (s) => fixedPointDefaults(s.fpTask).initScale, mode: 'fp' },
  { key: 'fpopt', prop: 'fpOptimizer', type: 'enum', values: OPTIMIZERS, def: 'adam', mode: 'fp' },
  { key: 'fplr', prop: 'fpLearningRate', type: 'num', min: 1e-6, max: 10, def: (s) => fixedPointDefaults(s.fpTask).fpLearningRate, mode: 'fp' },
  { key: 'fpseed', prop: 'fpSeed', type: 'int', min: 0, max: LIMITS.maxSeed, def: 1, mode: 'fp' },
  { key: 'pattern', prop: 'pattern', type: 'int', min: 0, max: FONT.length * LIMITS.testCues - 1, def: 0, mode: 'fp' },
  { key: 'cue', prop: 'cueLetter', type: 'int', min: 0, max: FONT.length - 1, def: 0, mode: 'fp' },
  { key: 'cuedmg', prop: 'cueDamage', type: 'int', min: 0, max: 25, def: 5, mode: 'fp' },
  { key: 'cueerase', prop: 'cueErase', type: 'bool', def: false, mode: 'fp' },
  { key: 'cueseed', prop: 'cueSeed', type: 'int', min: 0, max: LIMITS.maxSeed, def: 1, mode: 'fp' },
  { key: 'cuepx', prop: 'cuePixels', type: 'pixels', def: '', mode: 'fp' },
  { key: 'fpspeed', prop: 'fpSpeed', type: 'speed', values: SPEEDS, def: 100, mode: 'fp' },
  // ---- both ----
  { key: 'speed', prop: 'speed', type: 'speed', values: SPEEDS, def: 0, mode: 'seq' },
  { key: 'logy', prop: 'logScale', type: 'bool', def: true },
];
/** URL keys, in the order they are written. */
export const STATE_KEYS = FIELDS.map((f) => f.key);

/** A fresh state holding every default. */
export function defaultState() {
  return CODEC.defaults();
}

export function cloneState(s) {
  const out = {};
  for (const f of FIELDS) out[f.prop] = s[f.prop] === undefined ? CODEC.defaultOf(f, out) : s[f.prop];
  return out;
}

// ---- parsing ---------------------------------------------------------------------------------

// The recurrent page's own value types (enum, int, num, bool and speed: shared/url-state.js).
const PARSERS = {
  letters(f, raw) {
    const t = raw.trim().toUpperCase();
    const why = `one or more distinct letters of ${FONT}`;
    if (t === '' || t.length > FONT.length) return { ok: false, why };
    for (let i = 0; i < t.length; i++) {
      if (!FONT.includes(t[i]) || t.indexOf(t[i]) !== i) return { ok: false, why };
    }
    return { ok: true, value: canonicalLetters(t) };
  },
  pixels(f, raw) {
    // a hand-drawn cue: 25 characters, + ink, - background, 0 unknown; empty: none
    const t = raw.trim();
    if (t === '') return { ok: true, value: '' };
    return /^[+\-0]{25}$/.test(t) ? { ok: true, value: t } : { ok: false, why: '25 characters of +, - and 0' };
  },
};

/** Letters in the font's order (one canonical form per set). */
export function canonicalLetters(text) {
  return [...FONT].filter((c) => text.includes(c)).join('');
}

/** Splits "a=1&b=2" (a URL hash or query without its # or ?) into [key, value] pairs. */
export function splitParams(text) {
  return CODEC.split(text);
}

/**
 * Parses settings into a full, valid state (defaults in table order, so that a default may
 * depend on a field before it: the fixed-point task's).
 * @param {string | Iterable<[string, string]>} input  URL hash text, or key/value pairs
 * @param {{ base?: object }} options  base: the state unnamed settings keep (default: the defaults)
 * @returns {{ state: object, notices: string[] }}
 */
export function parseState(input, options = {}) {
  const { state, notices } = CODEC.parse(input, options);
  notices.push(...fitState(state));
  return { state, notices };
}

/**
 * Makes settings that depend on each other consistent (in place); returns notices. Echo's delay
 * must be below the length; the cue letter must be one of the letters; the adding problem needs
 * two steps (the length's minimum already is 2).
 */
export function fitState(state) {
  const notices = [];
  if (state.task === 'echo' && state.delay > state.length - 1) {
    notices.push(`The echo delay ${state.delay} must be below the sequence length ${state.length}; it was set to ${state.length - 1}.`);
    state.delay = state.length - 1;
  }
  if (state.cueLetter >= state.letters.length) state.cueLetter = 0;
  const patterns = evaluationPatterns(state);
  if (state.pattern >= patterns) state.pattern = 0;
  if (state.fpTask === 'letters' && state.fpHidden > 103) {
    notices.push(`Letters use 25 visible units: at most 103 hidden units (${state.fpHidden} given); 103 are used.`);
    state.fpHidden = 103;
  }
  if (state.fpTask === 'xor' && state.fpHidden < 1) state.fpHidden = 1;
  return notices;
}

/** Patterns the fixed-point session evaluates: XOR's 4, or 20 held-out cues per letter. */
export function evaluationPatterns(state) {
  return state.fpTask === 'letters' ? state.letters.length * LIMITS.testCues : 4;
}

// ---- serialization ---------------------------------------------------------------------------

const CODEC = urlCodec({ fields: FIELDS, parsers: PARSERS, maxLength: LIMITS.maxHashLength });

/** Every setting of both modes as link text (the embedded element's `state`). */
export function settingsText(state) {
  return CODEC.serialize(state, (f) => !(f.prop === 'cuePixels' && state.cuePixels === ''));
}

/** The URL-hash form of a state (without the #): the mode, that mode's settings and the view. */
export function serializeState(state) {
  return CODEC.serialize(state, (f) => {
    if (f.mode && f.mode !== state.mode) return false;
    if (f.prop === 'cuePixels' && state.cuePixels === '') return false;
    return !(f.mode === 'fp' && f.prop.startsWith('cue') && state.fpTask !== 'letters');
  });
}

// ---- engine configs (docs/wasm-api.md "Sequence sessions", docs/fixed-point-api.md) ----------

export function sequenceConfig(state) {
  return {
    task: {
      name: state.task,
      length: state.length,
      sequences: state.sequences,
      testSequences: LIMITS.testSequences,
      delay: state.task === 'echo' ? state.delay : 0,
      noise: 0,
      seed: state.dataSeed,
    },
    cell: state.cell,
    hidden: state.hidden,
    truncation: state.truncation,
    training: sequenceTraining(state),
    seed: state.netSeed,
  };
}

/** What updateTraining(training, k) changes live. */
export function sequenceTraining(state) {
  return { optimizer: state.optimizer, learningRate: state.learningRate, batchSize: state.batchSize, clipNorm: state.clipNorm };
}

export function fixedPointConfig(state) {
  return {
    task: {
      name: state.fpTask,
      letters: state.letters,
      damage: state.damage,
      erase: state.erase,
      cues: LIMITS.cues,
      testCues: LIMITS.testCues,
    },
    hidden: state.fpHidden,
    activation: 'tanh',
    initScale: state.initScale,
    relax: fixedPointRelax(state),
    training: fixedPointTraining(state),
    seed: state.fpSeed,
  };
}

export function fixedPointTraining(state) {
  return { optimizer: state.fpOptimizer, learningRate: state.fpLearningRate };
}

export function fixedPointRelax(state) {
  return { alpha: state.alpha, beta: state.beta, tol: state.tol, maxIters: state.maxIters };
}

/**
 * Training speed of the current mode, in steps per second (0: as fast as possible). Sequences
 * default to full speed; fixed point to 100 steps/s, slow enough to watch XOR being learned
 * (at full speed it is done in a fraction of a second).
 */
export function speedOf(state) {
  return state.mode === 'fp' ? state.fpSpeed : state.speed;
}

/** The hand-drawn cue as 25 numbers, or null. */
export function cueFromPixels(text) {
  if (!/^[+\-0]{25}$/.test(text || '')) return null;
  return [...text].map((c) => (c === '+' ? 1 : c === '-' ? -1 : 0));
}

/** 25 numbers (−1, 0, 1 after rounding the sign) as the URL's pixel string. */
export function pixelsFromCue(cue) {
  return Array.from(cue, (v) => (v > 0 ? '+' : v < 0 ? '-' : '0')).join('');
}

const SEQ_TRAINING = ['optimizer', 'learningRate', 'batchSize', 'clipNorm', 'truncation'];
const FP_TRAINING = ['fpOptimizer', 'fpLearningRate', 'alpha', 'beta', 'tol', 'maxIters'];
const VIEW = ['speed', 'fpSpeed', 'logScale', 'sample', 'pattern', 'cueLetter', 'cueDamage', 'cueErase', 'cueSeed', 'cuePixels'];

/**
 * What changed between two states, as the engine sees it: 'mode' (the other kind of session),
 * 'config' (rebuild and reset), 'training' (a live change), 'view' (what is inspected or drawn)
 * or 'none'. Only the fields of b's mode count.
 */
export function diffStates(a, b) {
  if (a.mode !== b.mode) return 'mode';
  let training = false;
  let view = false;
  for (const f of FIELDS) {
    if (f.mode && f.mode !== b.mode) continue;
    if (Object.is(a[f.prop], b[f.prop])) continue;
    if (SEQ_TRAINING.includes(f.prop) || FP_TRAINING.includes(f.prop)) training = true;
    else if (VIEW.includes(f.prop)) view = true;
    else if (f.prop !== 'mode') return 'config';
  }
  return training ? 'training' : view ? 'view' : 'none';
}

// Where each mode's settings sit in the engine's config (docs/wasm-api.md "Sequence sessions",
// docs/fixed-point-api.md): the inverse of sequenceConfig / fixedPointConfig.
const ENGINE_PATHS = {
  seq: {
    task: 'task.name', length: 'task.length', delay: 'task.delay', sequences: 'task.sequences', dataSeed: 'task.seed',
    cell: 'cell', hidden: 'hidden', truncation: 'truncation', optimizer: 'training.optimizer',
    learningRate: 'training.learningRate', batchSize: 'training.batchSize', clipNorm: 'training.clipNorm', netSeed: 'seed',
  },
  fp: {
    fpTask: 'task.name', letters: 'task.letters', damage: 'task.damage', erase: 'task.erase', fpHidden: 'hidden',
    initScale: 'initScale', alpha: 'relax.alpha', beta: 'relax.beta', tol: 'relax.tol', maxIters: 'relax.maxIters',
    fpOptimizer: 'training.optimizer', fpLearningRate: 'training.learningRate', fpSeed: 'seed',
  },
};
const BY_PROP = CODEC.byProp;

function at(obj, path) {
  let v = obj;
  for (const k of path.split('.')) v = v && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, k) ? v[k] : undefined;
  return v;
}

/** A config value as link text (so that a config is validated exactly like a link). */
function asText(f, v) {
  if (f.type === 'bool') return v === true ? '1' : v === false ? '0' : undefined;
  return typeof v === 'number' || typeof v === 'string' ? String(v) : undefined;
}

/**
 * A state from an engine config (a model file's `config`), validated like a link: a bad value
 * falls back to its default with a notice. The other mode's settings and the view settings are
 * kept from `base`. (An import uses importedSettings below, which refuses instead.)
 * @param {'seq' | 'fp'} mode
 * @returns {{ state, notices }}
 */
export function fromEngineConfig(mode, config, base = defaultState()) {
  const pairs = [['mode', mode]];
  for (const [prop, path] of Object.entries(ENGINE_PATHS[mode] || {})) {
    const f = BY_PROP.get(prop);
    const v = at(config, path);
    if (v === undefined || v === null) continue;
    pairs.push([f.key, asText(f, v) ?? JSON.stringify(v)]);
  }
  const parsed = parseState(pairs);
  const state = mergeMode(base, mode, parsed.state);
  const notices = [...parsed.notices, ...fitState(state)];
  return { state, notices };
}

/** `base` with the mode and that mode's settings of `from` (its view settings stay). */
function mergeMode(base, mode, from) {
  const state = cloneState(base);
  for (const f of FIELDS) {
    if ((f.mode === mode || f.prop === 'mode') && !VIEW.includes(f.prop)) state[f.prop] = from[f.prop];
  }
  return state;
}

/** The engine config of a state's mode. */
export function engineConfigOf(state) {
  return state.mode === 'fp' ? fixedPointConfig(state) : sequenceConfig(state);
}

/**
 * `config` with every field it leaves out taken from `defaults` (the engine's config for `{}`):
 * what the engine runs when the page sends `config`.
 */
export function withDefaults(defaults, config) {
  if (!config || typeof config !== 'object' || Array.isArray(config)) return config;
  const out = {};
  for (const k of Object.keys(defaults && typeof defaults === 'object' ? defaults : {})) out[k] = defaults[k];
  for (const k of Object.keys(config)) out[k] = withDefaults(defaults && typeof defaults === 'object' ? defaults[k] : undefined, config[k]);
  return out;
}

/** The first field where two configs differ, as { path, a, b }, or null when they are the same. */
export function configDifference(a, b, path = '') {
  const obj = (v) => v !== null && typeof v === 'object';
  if (obj(a) && obj(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = configDifference(a[k], b[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : { path, a, b };
}

/** A config path as the engine names fields in a model file: task.length -> /config/task/length. */
function pointer(path) {
  return `/config/${path.split('.').join('/')}`;
}

function showValue(v) {
  return v === undefined ? 'missing' : typeof v === 'string' ? `"${show(v)}"` : show(JSON.stringify(v));
}

/**
 * The settings of a loaded model, or why the page cannot take it. All or nothing: the model is
 * taken only when the page's state can hold every field of its config exactly, so that the
 * controls, the link and the engine agree (a link opened elsewhere builds the same session).
 * A field outside the page's range, or one the page does not set (a learning-rate schedule, Adam's
 * β₁, input noise, ...) at another value than the page's, refuses the whole model.
 * @param {'seq' | 'fp'} mode
 * @param {object} config    the loaded session's config(), complete
 * @param {object} defaults  the engine's config of a session made from `{}` (same mode)
 * @returns {{ settings: object } | { error: string }}  settings: the mode and its settings
 */
export function importedSettings(mode, config, defaults) {
  if (!MODES.includes(mode)) return { error: `mode: "${show(mode)}" is not one of ${MODES.join(', ')}` };
  const state = defaultState();
  state.mode = mode;
  for (const [prop, path] of Object.entries(ENGINE_PATHS[mode])) {
    const f = BY_PROP.get(prop);
    const v = at(config, path);
    const text = asText(f, v);
    const r = text === undefined ? { ok: false } : CODEC.parseValue(f, text);
    // (a value must be of the engine's own type, not only read back from text: "3" is no count)
    const typed = f.type === 'bool' ? typeof v === 'boolean' : ['int', 'num'].includes(f.type) ? typeof v === 'number' : typeof v === 'string';
    if (!r.ok || !typed) {
      const range = f.type === 'int' || f.type === 'num' ? `is outside ${f.min}..${f.max} on this page`
        : f.type === 'enum' ? `is not one of ${f.values.join(', ')}` : 'is not allowed on this page';
      return { error: `${pointer(path)}: ${showValue(v)} ${range}` };
    }
    state[prop] = r.value;
  }
  fitState(state);
  // every field the engine runs with, against what the page would send for this state
  const d = configDifference(config, withDefaults(defaults, engineConfigOf(state)));
  if (d) return { error: `${pointer(d.path)}: ${showValue(d.a)} in the file, but this page can only use ${showValue(d.b)}` };
  const settings = {};
  for (const f of FIELDS) if ((f.mode === mode || f.prop === 'mode') && !VIEW.includes(f.prop)) settings[f.prop] = state[f.prop];
  return { settings };
}

/**
 * The page's state after an import: `base` with the imported settings; what is inspected goes
 * back to the first pattern / cue when the letters change.
 */
export function applySettings(base, settings) {
  const state = { ...cloneState(base), ...settings };
  if (settings.mode === 'fp' && (state.fpTask !== base.fpTask || state.letters !== base.letters)) {
    Object.assign(state, { pattern: 0, cueLetter: 0, cuePixels: '' });
  }
  fitState(state);
  return state;
}

/** A state property's field description (for the UI's ranges), or undefined. */
export function fieldOf(prop) {
  const f = FIELDS.find((x) => x.prop === prop);
  return f ? { ...f } : undefined;
}
