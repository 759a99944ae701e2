// The linear chart range of the recurrent and digits pages (web/js/shared/line-chart.js padRange). A diverging run
// once gave a series stuck at one huge value (≈1e17): the old ±1 pad was no width in doubles,
// uPlot's tick loop (tick + step === tick) never ended, and the page threw "Invalid array
// length" (the recurrent monkey, seed 428467). Every range must have room for distinct ticks.
import test from 'node:test';
import assert from 'node:assert/strict';
import { padRange, LINEAR_LIMIT } from '../../web/js/shared/line-chart.js';

/** Ten steps across the range must all be distinct numbers, as uPlot's ticks need. */
function ticksDistinct([lo, hi]) {
  const step = (hi - lo) / 10;
  let v = lo;
  for (let i = 0; i < 10; i++) {
    const next = v + step;
    if (!(next > v)) return false;
    v = next;
  }
  return Number.isFinite(lo) && Number.isFinite(hi);
}

test('a constant huge series gets a range with room for ticks', () => {
  for (const v of [1e17, -3e17, 1e40, 2 ** 60, 1e300]) {
    assert.ok(ticksDistinct(padRange(v, v)), `constant ${v}: ${padRange(v, v)}`);
  }
});

test('a narrow range far from zero gets room too', () => {
  assert.ok(ticksDistinct(padRange(1e17, 1e17 + 16)));
});

test('ordinary ranges keep their 8% pad and a constant small series ±1', () => {
  assert.deepEqual(padRange(0, 10), [-0.8, 10.8]);
  assert.deepEqual(padRange(2, 2), [1, 3]);
  assert.deepEqual(padRange(0, 0), [-1, 1]);
});

test('values over the limit, and non-finite ones, give a finite range', () => {
  const [lo, hi] = padRange(-1e308, 1e308);
  assert.ok(Number.isFinite(lo) && Number.isFinite(hi) && lo <= -LINEAR_LIMIT && hi >= LINEAR_LIMIT);
  assert.ok(ticksDistinct([lo, hi]));
  assert.deepEqual(padRange(NaN, 1), [-1, 1]);
  assert.deepEqual(padRange(null, 1), [-1, 1]);
});
