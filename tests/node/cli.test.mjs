// The native command-line tool: train, grad, gradcheck, data, and its errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'build', 'native', 'backprop');
const skip = !fs.existsSync(cli) && 'native CLI not built';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-cli-'));
const file = (name, content) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};
const run = (...args) => spawnSync(cli, args, { encoding: 'utf8' });

const config = file('run.json', {
  dataset: { name: 'xor', points: 200, seed: 4 },
  network: { hidden: [4], activation: 'tanh' },
  training: { optimizer: 'adam', learningRate: 0.02, batchSize: 10 },
});

test('train prints progress lines and writes a model that gradcheck accepts', { skip }, () => {
  const model = path.join(dir, 'model.json');
  const r = run('train', '--config', config, '--epochs', '50', '--out', model);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.filter((l) => /^epoch .* train loss .* test acc .* examples\/s$/.test(l)).length >= 5, r.stdout);
  const saved = JSON.parse(fs.readFileSync(model, 'utf8'));
  assert.equal(saved.format, 'backprop-playground-model');
  assert.equal(saved.progress.step, 50 * 10);
  const g = run('gradcheck', '--model', model);
  assert.equal(g.status, 0, g.stdout + g.stderr);
  const err = Number(/max relative error (\S+)/.exec(g.stdout)[1]);
  assert.ok(err < 1e-6, g.stdout);
});

test('grad prints the loss and every gradient; they match a central difference of the loss', { skip }, () => {
  const model = path.join(dir, 'm2.json');
  assert.equal(run('train', '--config', config, '--steps', '30', '--out', model).status, 0);
  const batch = file('batch.json', { points: [[1, 2, 1], [-3, 0.5, 0], [2, -2, 0]] });
  const r = run('grad', '--model', model, '--data', batch);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out.gradients), ['W1', 'b1', 'W2', 'b2']);
  // perturb W1[0][1] in the model file and recompute the loss with the CLI itself
  const m = JSON.parse(fs.readFileSync(model, 'utf8'));
  const h = 1e-6;
  const lossWith = (delta) => {
    const copy = structuredClone(m);
    copy.weights[0].W[0][1] += delta;
    return JSON.parse(run('grad', '--model', file('p.json', copy), '--data', batch).stdout).loss;
  };
  const numeric = (lossWith(h) - lossWith(-h)) / (2 * h);
  const analytic = out.gradients.W1[0][1];
  assert.ok(Math.abs(numeric - analytic) <= 1e-6 * Math.max(1, Math.abs(analytic)), `${analytic} vs ${numeric}`);
});

test('data prints the generated points', { skip }, () => {
  const r = run('data', '--config', config);
  assert.equal(r.status, 0);
  const d = JSON.parse(r.stdout);
  assert.equal(d.classes, 2);
  assert.equal(d.train.length + d.test.length, 200);
});

test('bad input: clear messages, exit status 1 (input) or 2 (usage)', { skip }, () => {
  let r = run();
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage/);
  r = run('frobnicate');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
  r = run('train', '--config', path.join(dir, 'missing.json'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot open/);
  r = run('train', '--config', file('bad.json', '{"network": {"hidden": [4, 999]}}'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\/network\/hidden\/1: 999 neurons is outside 1\.\.128/);
  r = run('train', '--config', config, '--epochs', 'many');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--epochs/);
  r = run('gradcheck', '--model', file('trunc.json', '{"format": "backprop-playground-model", "vers'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not valid JSON/);
  r = run('grad', '--model', config, '--data', config);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\/format/);
});
