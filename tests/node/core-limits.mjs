// The core's limits as its own text states them, for the tests that hold each page's limits to
// them (page-limits.test.mjs, recurrent-limits.test.mjs): the constants of a header, the range a
// config parser gives a field, the largest seed; and the check that a page field's range lies in
// the engine's.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The text of core/<file>. */
export const core = (file) => fs.readFileSync(path.join(root, 'core', file), 'utf8');

/** `constexpr std::size_t kName = <expr>;` of a header, evaluated (integers, u suffix, <<). */
export function constants(text) {
  const out = {};
  for (const m of text.matchAll(/constexpr\s+std::size_t\s+(k\w+)\s*=\s*([^;]+);/g)) {
    const expr = m[2].replace(/\/\/.*$/, '').trim();
    const shift = expr.match(/^(\d+)u?\s*<<\s*(\d+)$/);
    out[m[1]] = shift ? Number(shift[1]) * 2 ** Number(shift[2]) : Number(expr.replace(/u$/, ''));
    assert.ok(Number.isFinite(out[m[1]]), `${m[1]} = ${expr} could not be read`);
  }
  return out;
}

/** core/base/limits.hpp's constants. */
export const L = constants(core('base/limits.hpp'));

/** The largest seed a config may hold (json_io.hpp's seed()). */
export const seedMax = Number(core('io/json_io.hpp').match(/seed\(const char\* key[^}]*count\(key, fallback, 0, ([\d.]+)\)/)[1]);

/**
 * The range a config parser (the text of `where`) gives a field: f.number("key", fallback, lo, hi)
 * or f.count(...), with limits:: constants read from L.
 */
export function parserRange(text, key, where) {
  const m = text.match(new RegExp(`f\\.(?:number|count)\\("${key}",[^,]+(?:\\([^)]*\\))?[^,]*,\\s*([\\w:.e+-]+),\\s*([\\w:.e+-]+)\\)`));
  assert.ok(m, `no range for ${key} in ${where}`);
  const value = (t) => (t.startsWith('limits::') ? L[t.slice('limits::'.length)] : Number(t));
  return [value(m[1]), value(m[2])];
}

/** Asserts that the page field `f` (of `prop`) has its range [min, max] inside the engine's [lo, hi]. */
export function assertWithin(f, prop, lo, hi) {
  assert.ok(f, prop);
  assert.ok(f.min >= lo, `${prop}: the page's minimum ${f.min} is below the engine's ${lo}`);
  assert.ok(f.max <= hi, `${prop}: the page's maximum ${f.max} is above the engine's ${hi}`);
}
