// shared/boot.js readQuery: the page options of the URL query, the same on every page.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readQuery } from '../../web/js/shared/boot.js';

test('no query: the full page, not playing', () => {
  assert.deepEqual(readQuery(''), { embed: false, controls: 'full', autoplay: false, notices: [] });
});

test('embed=1 defaults to minimal controls; controls and autoplay are read', () => {
  assert.deepEqual(readQuery('?embed=1'), { embed: true, controls: 'minimal', autoplay: false, notices: [] });
  const q = readQuery('?embed=true&controls=none&autoplay=1');
  assert.equal(q.controls, 'none');
  assert.equal(q.autoplay, true);
  assert.equal(readQuery('?autoplay=0').autoplay, false);
  assert.equal(readQuery('?autoplay').autoplay, true);
});

test('unknown options, bad values and garbled escapes give notices, never throw', () => {
  const q = readQuery('?embed=1&controls=most&theme=dark&%E0%A4%A=1');
  assert.equal(q.controls, 'minimal');
  assert.equal(q.notices.length, 3);
  assert.match(q.notices.join('\n'), /controls=most" is not valid/);
  assert.match(q.notices.join('\n'), /Unknown page option "theme"/);
  assert.match(q.notices.join('\n'), /garbled/);
});
