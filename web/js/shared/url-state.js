// shared/url-state.js: the URL-state codec every page builds from its FIELDS table.
//
// A page's settings are a table of fields, { key, prop, type, def, ... }: `key` is the URL key,
// `prop` the state property, `type` names a parser, `def` the default (a value, or a function of
// the state read so far, for defaults that depend on an earlier field). The codec turns a URL
// hash or query ("a=1&b=2") into a complete, valid state, with a notice for everything it could
// not use (never an exception), and a state back into that text. No DOM: Node tests drive it.
//
// Parsers return { ok: true, value } or { ok: false, why }; `why` completes the notice
// '"lr=abc" is not valid (expected <why>); using 0.03.'. Pages add their own types to these.

/** A short rendering of an untrusted value for a notice (shown as text, never as HTML). */
export function show(raw) {
  const s = String(raw);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

export const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export const PARSERS = {
  enum(f, raw) {
    const v = raw.trim().toLowerCase();
    return f.values.includes(v) ? { ok: true, value: v } : { ok: false, why: `one of ${f.values.join(', ')}` };
  },
  int(f, raw) {
    const t = raw.trim();
    const v = /^[+-]?\d{1,16}$/.test(t) ? Number(t) : NaN;
    return Number.isInteger(v) && v >= f.min && v <= f.max
      ? { ok: true, value: v } : { ok: false, why: `a whole number from ${f.min} to ${f.max}` };
  },
  num(f, raw) {
    const t = raw.trim();
    const v = NUMBER.test(t) ? Number(t) : NaN;
    return Number.isFinite(v) && v >= f.min && v <= f.max
      ? { ok: true, value: v } : { ok: false, why: `a number from ${f.min} to ${f.max}` };
  },
  bool(f, raw) {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on', ''].includes(v)) return { ok: true, value: true };
    if (['0', 'false', 'no', 'off'].includes(v)) return { ok: true, value: false };
    return { ok: false, why: '0 or 1' };
  },
  speed(f, raw) {
    // steps per second from f.values; 0 is written "max"
    const t = raw.trim().toLowerCase();
    const v = t === 'max' ? 0 : /^\d{1,6}$/.test(t) ? Number(t) : NaN;
    return f.values.includes(v) ? { ok: true, value: v }
      : { ok: false, why: `one of ${f.values.filter((x) => x).join(', ')} or max` };
  },
};

/** The text form of the shared types' values (pages extend it for their own types). */
export function formatValue(f, v) {
  switch (f.type) {
    case 'bool': return v ? '1' : '0';
    case 'speed': return v === 0 ? 'max' : String(v);
    default: return String(v);
  }
}

// Characters kept as they are in the hash; all others are percent-encoded (a + would read back
// as a space).
const SAFE = /[^A-Za-z0-9_.~,;:!*()'-]/g;
export function encode(s) {
  return s.replace(SAFE, (c) => encodeURIComponent(c));
}

/**
 * Splits "a=1&b=2" (a URL hash or query, with or without its # or ?) into [key, value] pairs.
 * Text over maxLength is cut first; a garbled percent escape drops that one setting.
 */
export function splitParams(text, maxLength) {
  const pairs = [];
  const notices = [];
  let s = typeof text === 'string' ? text : '';
  if (s.length > maxLength) {
    notices.push(`The link is too long (${s.length} characters); only the first ${maxLength} were read.`);
    s = s.slice(0, maxLength);
  }
  if (s.startsWith('#') || s.startsWith('?')) s = s.slice(1);
  for (const part of s.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawVal = eq < 0 ? '' : part.slice(eq + 1);
    try {
      pairs.push([decodeURIComponent(rawKey.replace(/\+/g, ' ')).trim(), decodeURIComponent(rawVal.replace(/\+/g, ' '))]);
    } catch {
      notices.push(`The setting "${show(rawKey)}" in the link is garbled and was ignored.`);
    }
  }
  return { pairs, notices };
}

/**
 * A page's codec over its table.
 *   fields       the FIELDS table
 *   parsers      the page's own types, added to PARSERS
 *   format(f, v) the page's text for its own types (falls back to formatValue)
 *   maxLength    longer URL text is cut before parsing
 */
export function urlCodec({ fields, parsers = {}, format = formatValue, maxLength }) {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const byProp = new Map(fields.map((f) => [f.prop, f]));
  const allParsers = { ...PARSERS, ...parsers };
  const copy = (v) => (Array.isArray(v) ? v.map(copy) : v);
  const defaultOf = (f, state) => copy(typeof f.def === 'function' ? f.def(state) : f.def);

  /** A fresh state holding every default (in table order: a default may read earlier fields). */
  function defaults() {
    const s = {};
    for (const f of fields) s[f.prop] = defaultOf(f, s);
    return s;
  }

  /** Key/value pairs from URL text or from any iterable of pairs; notices for what was unusable. */
  function pairsOf(input) {
    if (typeof input === 'string' || input === undefined || input === null) return splitParams(input || '', maxLength);
    const pairs = [];
    const notices = [];
    try {
      for (const [k, v] of input) pairs.push([String(k), String(v)]);
    } catch {
      notices.push('The settings could not be read; the defaults are used.');
    }
    return { pairs, notices };
  }

  /**
   * Parses settings into a full, valid state.
   * @param input  URL text or [key, value] pairs
   * @param options.ignore  keys to skip silently (options another part of the page reads)
   * @param options.base    the state unnamed fields keep (default: each field's default)
   * @returns {{ state, notices, valid: Set<string> }}  valid: the keys given and accepted
   */
  function parse(input, { ignore = [], base = null } = {}) {
    const { pairs, notices } = pairsOf(input);
    const skip = new Set(ignore);
    const given = new Map();
    for (const [key, raw] of pairs) {
      if (skip.has(key)) continue;
      if (!byKey.has(key)) {
        notices.push(`Unknown setting "${show(key)}" was ignored.`);
        continue;
      }
      if (given.has(key)) notices.push(`The setting "${key}" appears twice; the last one is used.`);
      given.set(key, raw);
    }
    const state = {};
    const valid = new Set();
    for (const f of fields) {
      if (!given.has(f.key)) {
        state[f.prop] = base && base[f.prop] !== undefined ? copy(base[f.prop]) : defaultOf(f, state);
        continue;
      }
      const raw = given.get(f.key);
      const r = allParsers[f.type](f, raw);
      if (r.ok) {
        state[f.prop] = r.value;
        valid.add(f.key);
      } else {
        state[f.prop] = defaultOf(f, state);
        notices.push(`"${f.key}=${show(raw)}" is not valid (expected ${r.why}); using ${format(f, state[f.prop]) || 'none'}.`);
      }
    }
    return { state, notices, valid };
  }

  /** The URL text of a state (without the #), the fields in table order; include(f) picks them. */
  function serialize(state, include = () => true) {
    const parts = [];
    for (const f of fields) {
      if (include(f)) parts.push(`${f.key}=${encode(format(f, state[f.prop]))}`);
    }
    return parts.join('&');
  }

  const split = (text) => splitParams(text, maxLength);
  /** One value's text through its field's parser: { ok, value } or { ok: false, why }. */
  const parseValue = (f, text) => allParsers[f.type](f, text);
  return { fields, byKey, byProp, defaultOf, defaults, split, parse, parseValue, serialize, format };
}
