// issue 12, items 10 and 14: every index taken from JS is an integer in range or a RangeError
// naming it (Embind used to turn Infinity, 2**32, 1e10 and 1.5 into some index, often 0), and a
// config that is neither an object nor JSON text is refused by name.
// BP_ENGINE_DIR=build/x-wasm runs it against a fresh build instead of web/engine.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = path.resolve(root, process.env.BP_ENGINE_DIR ?? 'web/engine');

async function load(name) {
  globalThis.__dirname ??= dir;
  globalThis.require ??= createRequire(import.meta.url);
  const { default: create } = await import(pathToFileURL(path.join(dir, `${name}.mjs`)).href);
  return create({ wasmBinary: fs.readFileSync(path.join(dir, `${name}.wasm`)) });
}

const bp = await load('backprop');
const rec = await load('backprop-recurrent');
const bad = [Infinity, -Infinity, NaN, 2 ** 32, 1e10, 1.5, -1];

function rangeError(f, name) {
  assert.throws(f, (e) => e instanceof RangeError && e.message.includes(name), `expected a RangeError naming ${name}`);
}

test('Session.setWeight: every index an integer in range, weight (0,0) untouched otherwise', () => {
  const s = new bp.Session({ network: { hidden: [3] } });
  try {
    const w00 = s.weights(0)[0];
    for (const v of bad) {
      rangeError(() => s.setWeight(v, 0, 0, 0.5), 'setWeight: layer');
      rangeError(() => s.setWeight(0, v, 0, 0.5), 'setWeight: i');
      rangeError(() => s.setWeight(0, 0, v, 0.5), 'setWeight: j');
    }
    assert.equal(s.weights(0)[0], w00);
    s.setWeight(0, 0, 0, 0.5);
    assert.equal(s.weights(0)[0], 0.5);
    const l = s.layout().layers?.length ?? 2;
    rangeError(() => s.weights(1.5), 'layer');
    rangeError(() => s.biases(Infinity), 'layer');
    assert.ok(l >= 2);
  } finally { s.delete(); }
});

test('Session.chainRule: indices checked, in range answered', () => {
  const s = new bp.Session({ network: { hidden: [3] } });
  try {
    s.explainNextBatch();
    for (const v of bad) {
      rangeError(() => s.chainRule(v, 0, 0), 'chainRule: layer');
      rangeError(() => s.chainRule(0, v, 0), 'chainRule: i');
      rangeError(() => s.chainRule(0, 0, v), 'chainRule: j');
    }
    const c = s.chainRule(1, 2, 0);
    assert.equal(c.layer, 1); assert.equal(c.i, 2); assert.equal(c.j, 0);
  } finally { s.delete(); }
});

test('SequenceSession.inspect, freeRun and updateTraining: indices checked', () => {
  const s = new rec.SequenceSession({ task: { name: 'sine', length: 10, sequences: 16, testSequences: 8 }, hidden: 4 });
  try {
    for (const v of bad) {
      rangeError(() => s.inspect(v), 'inspect: index');
      rangeError(() => s.freeRun(v, 3, 3), 'freeRun: index');
      rangeError(() => s.freeRun(0, v, 3), 'freeRun: prime');
      rangeError(() => s.freeRun(0, 3, v), 'freeRun: steps');
      rangeError(() => s.updateTraining({}, v), 'truncation');
    }
    rangeError(() => s.inspect(8), 'inspect: index');
    assert.equal(s.inspect(7).T, 10);
    assert.equal(s.freeRun(7, 3, 4).length, 7);
    s.updateTraining({}, 4);
    assert.equal(s.config().truncation, 4);
  } finally { s.delete(); }
});

test('FixedPointSession.inspect and complete: indices checked', () => {
  const x = new rec.FixedPointSession({ task: { name: 'xor' } });
  const l = new rec.FixedPointSession({ task: { name: 'letters', letters: 'CX' }, hidden: 2 });
  try {
    for (const v of bad) {
      rangeError(() => x.inspect(v), 'inspect: pattern');
      rangeError(() => l.complete(v, 3, false, 1), 'complete: letter');
    }
    rangeError(() => x.inspect(4), 'inspect: pattern');
    rangeError(() => l.complete(2, 3, false, 1), 'complete: letter');
    assert.equal(x.inspect(3).n, 4);
    assert.ok(l.complete(1, 3, false, 1));
  } finally { x.delete(); l.delete(); }
});

test('a config that is neither an object nor JSON text is refused by name', () => {
  for (const c of [() => 1, 42, Symbol('x'), true]) {
    for (const make of [() => new bp.Session(c), () => new rec.SequenceSession(c), () => new rec.FixedPointSession(c)])
      assert.throws(make, /config: must be an object or JSON text/);
  }
  const s = new bp.Session({});
  try {
    assert.throws(() => s.setConfig(() => 1), /config: must be an object or JSON text/);
    assert.throws(() => s.updateTraining(7), /training: must be an object or JSON text/);
  } finally { s.delete(); }
});
