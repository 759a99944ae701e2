// dom.test.mjs: the number formatting of shared/dom.js that needs no document.
import test from 'node:test';
import assert from 'node:assert/strict';
import { fmtInt } from '../../web/js/shared/dom.js';

test('fmtInt writes what toLocaleString("en-US") writes for integers', () => {
  assert.equal(fmtInt(0), '0');
  assert.equal(fmtInt(999), '999');
  assert.equal(fmtInt(1000), '1,000');
  assert.equal(fmtInt(-1234567), '-1,234,567');
  assert.equal(fmtInt(12.6), '13');   // rounded, as the counters are whole
  // the reference: Node's own ICU, on a spread of magnitudes
  for (let e = 0; e <= 15; e++) {
    for (const m of [1, 3.7, 9.99]) {
      const v = Math.round(m * 10 ** e);
      assert.equal(fmtInt(v), v.toLocaleString('en-US'), String(v));
      assert.equal(fmtInt(-v), (-v).toLocaleString('en-US'), String(-v));
    }
  }
  assert.equal(fmtInt(Infinity), 'Infinity');
  assert.equal(fmtInt(NaN), 'NaN');
});
