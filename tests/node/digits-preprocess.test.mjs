// Tests of web/js/digits/preprocess.js: a drawing -> the MNIST 28×28 and UCI 8×8 inputs.
// Hand-made rasters; every expected value is worked out in the comment above its assertion.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  toMnist, toUci8x8, centreOfMass, inkBox, EMPTY_REASON, MNIST_SIDE,
} from '../../web/js/digits/preprocess.js';

function raster(width, height) {
  return { data: new Float32Array(width * height), width, height };
}
function fill(r, x, y, w, h, v = 1) {
  for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) r.data[j * r.width + i] = v;
  return r;
}
function set(r, x, y, v = 1) { r.data[y * r.width + x] = v; return r; }

/** The 28×28 image as a list of [x, y, value] for its nonzero pixels. */
function nonzero(pixels, side) {
  const out = [];
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) if (pixels[y * side + x] !== 0) out.push([x, y, pixels[y * side + x]]);
  return out;
}

// xorshift32: a seeded scribble for the invariance tests.
function scribble(seed, w, h) {
  let s = seed >>> 0;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
  const shape = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { const u = next(); shape.push(u < 0.4 ? 0 : u); }
  return shape;
}
function paste(r, shape, w, h, x0, y0) {
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) r.data[(y0 + y) * r.width + x0 + x] = shape[y * w + x];
  return r;
}

test('MNIST: a single dot becomes the 20×20 box of its value, centred at (14, 14)', () => {
  // Box 1×1 -> longer side 20: a 20×20 block of 0.75 (Float32 holds 0.75 exactly).
  // Centre of mass of the block 10, offset round(14 − 10) = 4: pixels 4..23 on both axes.
  const out = toMnist(set(raster(100, 80), 37, 52, 0.75));
  assert.equal(out.pixels.length, 784);
  assert.deepEqual(out.box, { x0: 37, y0: 52, w: 1, h: 1 });
  assert.deepEqual(out.scaled, { width: 20, height: 20 });
  assert.deepEqual(out.offset, { x: 4, y: 4 });
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const inside = x >= 4 && x <= 23 && y >= 4 && y <= 23;
      assert.equal(out.pixels[y * 28 + x], inside ? 0.75 : 0, `pixel (${x}, ${y})`);
    }
  }
  const c = centreOfMass(out.pixels, 28, 28);
  assert.ok(Math.abs(c.x - 14) < 1e-12 && Math.abs(c.y - 14) < 1e-12, `centre (${c.x}, ${c.y})`);
});

test('MNIST: a 10×40 bar becomes a 5×20 box of ones at x 12..16, y 4..23', () => {
  // Scale 20/40 = 0.5: 10×40 -> 5×20, every output pixel the mean of a 2×2 block of ones = 1.
  // Centre of mass in the box (2.5, 10); offset x = round(14 − 2.5) = round(11.5) = 12 (half up),
  // y = round(14 − 10) = 4. The centre of mass is then (12 + 2.5, 4 + 10) = (14.5, 14): within 0.5.
  const out = toMnist(fill(raster(100, 100), 30, 20, 10, 40));
  assert.deepEqual(out.box, { x0: 30, y0: 20, w: 10, h: 40 });
  assert.deepEqual(out.scaled, { width: 5, height: 20 });
  assert.deepEqual(out.offset, { x: 12, y: 4 });
  const nz = nonzero(out.pixels, 28);
  assert.equal(nz.length, 100);
  for (const [x, y, v] of nz) {
    assert.ok(x >= 12 && x <= 16 && y >= 4 && y <= 23, `pixel (${x}, ${y}) outside the box`);
    assert.equal(v, 1);
  }
  const c = centreOfMass(out.pixels, 28, 28);
  assert.equal(c.x, 14.5);
  assert.equal(c.y, 14);
  assert.ok(Math.abs(c.x - 14) <= 0.5 && Math.abs(c.y - 14) <= 0.5);
  assert.deepEqual(out.centre, { x: 14.5, y: 14 });
});

test('MNIST: a wide 40×10 bar keeps its aspect: 20×5 at x 4..23, y 12..16', () => {
  // Scale 20/40: 40×10 -> 20×5 (not 20×20: the aspect ratio is kept). Centre of mass (10, 2.5),
  // offset (round(14 − 10), round(14 − 2.5)) = (4, 12).
  const out = toMnist(fill(raster(90, 70), 20, 30, 40, 10));
  assert.deepEqual(out.scaled, { width: 20, height: 5 });
  assert.deepEqual(out.offset, { x: 4, y: 12 });
  const nz = nonzero(out.pixels, 28);
  assert.equal(nz.length, 100);
  for (const [x, y, v] of nz) assert.ok(x >= 4 && x <= 23 && y >= 12 && y <= 16 && v === 1, `pixel (${x}, ${y}) = ${v}`);
});

test('MNIST: an L is placed by its centre of mass, not by its box', () => {
  // A 20×20 L (scale 1): a stem 2 wide, 20 high (mass 40, centre x 1, y 10) and a foot 18 wide,
  // 2 high (mass 36, centre x 2 + 9 = 11, y 19). Centre of mass:
  //   x = (40·1 + 36·11) / 76 = 436/76 = 5.737,  y = (40·10 + 36·19) / 76 = 1084/76 = 14.263.
  // Offset (round(14 − 5.737), round(14 − 14.263)) = (round(8.263), round(−0.263)) = (8, 0);
  // centring the box instead would give (4, 4).
  const r = fill(fill(raster(50, 60), 10, 15, 2, 20), 12, 33, 18, 2);
  const out = toMnist(r);
  assert.deepEqual(out.scaled, { width: 20, height: 20 });
  assert.deepEqual(out.offset, { x: 8, y: 0 });
  const c = centreOfMass(out.pixels, 28, 28);
  assert.ok(Math.abs(c.x - (8 + 436 / 76)) < 1e-12 && Math.abs(c.y - 1084 / 76) < 1e-12, `centre (${c.x}, ${c.y})`);
  assert.ok(Math.abs(c.x - 14) <= 0.5 && Math.abs(c.y - 14) <= 0.5);
  assert.equal(out.pixels[0 * 28 + 8], 1);    // top of the stem at (8, 0)
  assert.equal(out.pixels[19 * 28 + 27], 1);  // end of the foot at (8 + 19, 19)
});

test('MNIST: area averaging of grey columns, with whole and fractional source steps', () => {
  // A 10×40 bar whose columns are 1,1,1,1,1,0.5,0.5,0.5,0.5,0.5 -> 5 columns, each the mean of
  // two source columns: 1, 1, (1 + 0.5)/2 = 0.75, 0.5, 0.5.
  const r = fill(fill(raster(60, 60), 10, 10, 5, 40, 1), 15, 10, 5, 40, 0.5);
  const out = toMnist(r);
  assert.deepEqual(out.scaled, { width: 5, height: 20 });
  const row = Array.from({ length: 5 }, (_, i) => out.pixels[10 * 28 + out.offset.x + i]);
  assert.deepEqual(row, [1, 1, 0.75, 0.5, 0.5]);

  // A 3×30 bar of columns 1, 0.375, 0.125 (exact in float32): scale 20/30, 3 -> round(2) = 2
  // columns, each covering 1.5 source columns:
  //   left  = (1·1 + 0.375·0.5) / 1.5 = 1.1875 / 1.5
  //   right = (0.375·0.5 + 0.125·1) / 1.5 = 0.3125 / 1.5
  // Rows are all alike, so the vertical averaging (30 -> 20) leaves these values.
  const r2 = fill(fill(fill(raster(40, 50), 5, 7, 1, 30, 1), 6, 7, 1, 30, 0.375), 7, 7, 1, 30, 0.125);
  const out2 = toMnist(r2);
  assert.deepEqual(out2.scaled, { width: 2, height: 20 });
  const y = out2.offset.y + 5;
  const left = out2.pixels[y * 28 + out2.offset.x], right = out2.pixels[y * 28 + out2.offset.x + 1];
  assert.ok(Math.abs(left - 1.1875 / 1.5) < 1e-15, `left ${left}`);
  assert.ok(Math.abs(right - 0.3125 / 1.5) < 1e-15, `right ${right}`);
  // Centre of mass in the box: x = (0.5·left + 1.5·right)/(left + right) = (0.59375 + 0.46875)/1.5
  // = 0.7083..., y = 10: offset x = round(13.29) = 13, y = 4.
  assert.deepEqual(out2.offset, { x: 13, y: 4 });
});

test('MNIST and UCI: a shifted copy, on a canvas of another shape, gives the same input', () => {
  const shape = scribble(12345, 23, 31);
  const a = paste(raster(64, 64), shape, 23, 31, 3, 5);
  const b = paste(raster(200, 90), shape, 23, 31, 150, 41);   // wide canvas
  const c = paste(raster(41, 300), shape, 23, 31, 17, 260);   // tall canvas
  for (const f of [toMnist, toUci8x8]) {
    const ra = f(a), rb = f(b), rc = f(c);
    assert.ok(ra.pixels, f.name);
    assert.deepEqual(rb.pixels, ra.pixels, `${f.name}: wide canvas`);
    assert.deepEqual(rc.pixels, ra.pixels, `${f.name}: tall canvas`);
  }
  const m = toMnist(a);
  const com = centreOfMass(m.pixels, 28, 28);
  assert.ok(Math.abs(com.x - 14) <= 0.5 && Math.abs(com.y - 14) <= 0.5, `centre (${com.x}, ${com.y})`);
  for (const v of m.pixels) assert.ok(v >= 0 && v <= 1);
});

test('UCI: on pixels counted in 4×4 blocks of a hand-made 32×32 bitmap', () => {
  // The ink spans columns and rows 0..31, so the bitmap is the raster itself (scale 1, offset 0).
  const r = raster(32, 32);
  fill(r, 0, 0, 4, 4);                                   // block (row 0, col 0): 16 on
  for (let i = 0; i < 4; i++) set(r, 4 + i, i);          // block (0, 1): its diagonal, 4 on
  fill(r, 12, 8, 4, 1); set(r, 13, 10);                  // block (2, 3): a row of 4 and 1 more = 5
  set(r, 2, 14, 0.3);                                    // block (3, 0): ink below 0.5, off: 0
  set(r, 31, 31, 0.5); set(r, 30, 30, 0.49);             // block (7, 7): 0.5 is on, 0.49 off: 1
  const out = toUci8x8(r);
  const expected = new Uint8Array(64);
  expected[0] = 16; expected[1] = 4; expected[2 * 8 + 3] = 5; expected[63] = 1;
  assert.deepEqual(out.counts, expected);
  assert.deepEqual(Array.from(out.pixels), Array.from(expected, (v) => v / 16));
  assert.equal(out.pixels[0], 1);
  assert.equal(out.pixels[2 * 8 + 3], 5 / 16);

  // The same bitmap drawn twice as large (each pixel a 2×2 block, on a 70×64 canvas at (3, 0)):
  // scale 32/64, every output pixel the mean of four equal source pixels, so the same counts.
  const big = raster(70, 64);
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) fill(big, 3 + 2 * x, 2 * y, 2, 2, r.data[y * 32 + x]);
  assert.deepEqual(toUci8x8(big).counts, expected);
});

test('UCI: a 10×40 bar fills the middle 8 columns of the 32×32 bitmap', () => {
  // Scale 32/40: 10×40 -> 8×32, placed at x = floor((32 − 8)/2) = 12: columns 12..19 all on,
  // so the blocks of columns 3 (12..15) and 4 (16..19) count 16 in every block row, others 0.
  const out = toUci8x8(fill(raster(120, 90), 50, 30, 10, 40));
  for (let by = 0; by < 8; by++) {
    for (let bx = 0; bx < 8; bx++) assert.equal(out.counts[by * 8 + bx], bx === 3 || bx === 4 ? 16 : 0, `block (${by}, ${bx})`);
  }
});

test('an empty drawing gives null and a reason, never NaN', () => {
  for (const r of [raster(280, 280), raster(1, 1), raster(50, 20)]) {
    for (const f of [toMnist, toUci8x8]) {
      const out = f(r);
      assert.equal(out.pixels, null);
      assert.equal(out.reason, EMPTY_REASON);
    }
  }
  // ink below the threshold does not count
  const faint = fill(raster(30, 30), 5, 5, 10, 10, 0.05);
  assert.equal(toMnist(faint, { inkThreshold: 0.1 }).pixels, null);
  // ink too faint for a single bitmap pixel to be on
  const grey = toUci8x8(faint);
  assert.equal(grey.pixels, null);
  assert.match(grey.reason, /too faint/);
  // ... but MNIST keeps grey levels: a 20×20 box of 0.05 (float32 of 0.05)
  const m = toMnist(faint);
  assert.equal(nonzero(m.pixels, MNIST_SIDE).length, 400);
  assert.ok(m.pixels.every((v) => Number.isFinite(v)));
});

test('bad rasters are answered with messages naming the field', () => {
  assert.throws(() => toMnist({ data: new Float32Array(0), width: 0, height: 0 }), { name: 'RangeError', message: 'width: 0 is outside 1..8192' });
  assert.throws(() => toUci8x8({ data: new Float32Array(10), width: 4, height: 3 }), { name: 'RangeError', message: 'data: 10 values do not fit 4×3 (12 expected)' });
  const r = raster(4, 4); r.data[5] = NaN;
  assert.throws(() => toMnist(r), { name: 'RangeError', message: 'data[5]: must be a finite number' });
  assert.throws(() => toMnist(null), TypeError);
  assert.throws(() => toMnist({ data: new Float32Array(4), width: 2.5, height: 2 }), /width: 2.5 is outside/);
});

test('inkBox finds the smallest rectangle of ink', () => {
  const r = set(set(raster(10, 8), 2, 6), 7, 1);
  assert.deepEqual(inkBox(r.data, 10, 8), { x0: 2, y0: 1, w: 6, h: 6 });
  assert.equal(inkBox(new Float32Array(80), 10, 8), null);
});
