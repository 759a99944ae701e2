// The native command-line tool: train, grad, gradcheck, data, and its errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = process.env.BP_CLI ? path.resolve(process.env.BP_CLI) : path.join(root, 'build', 'native', 'backprop');
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
  assert.match(r.stderr, /--config '.*missing\.json': cannot open/);
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

test('files are checked before they are read: folders, devices, fifos, files over 16 MiB', { skip }, () => {
  const cases = [
    [dir, /--config '.*': is a folder, not a file/],
    ['/dev/zero', /--config '\/dev\/zero': is not a regular file/],
    ['/dev/null', /--config '\/dev\/null': is not a regular file/],
  ];
  const fifo = path.join(dir, 'fifo');
  if (spawnSync('mkfifo', [fifo]).status === 0) cases.push([fifo, /is not a regular file/]);
  const big = path.join(dir, 'big.json');
  fs.writeFileSync(big, '');
  fs.truncateSync(big, (16 << 20) + 1);  // sparse: no 16 MiB written
  cases.push([big, /16777217 bytes is over the limit of 16777216/]);
  for (const [p, re] of cases) {
    const t0 = Date.now();
    const r = spawnSync(cli, ['train', '--config', p], { encoding: 'utf8', timeout: 10000 });
    assert.equal(r.status, 1, `${p}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /not valid JSON|bad_alloc/);
    assert.ok(Date.now() - t0 < 5000, `${p} took ${Date.now() - t0} ms`);
  }
  const r = run('grad', '--model', dir, '--data', config);
  assert.match(r.stderr, /--model '.*': is a folder, not a file/);
});

test('messages are short, name the field and show the user text cut and escaped', { skip }, () => {
  const err = (cfg) => {
    const r = run('train', '--config', file('msg.json', cfg), '--steps', '0');
    assert.equal(r.status, 1, r.stdout);
    return r.stderr.trim();
  };
  assert.equal(err('{"dataset": {"seed": 4294967296}}'), 'backprop: /dataset/seed: 4294967296 is outside 0..4294967295');
  assert.equal(err('{"training": {"learningRate": 1e400}}'),
    'backprop: /training/learningRate: 1e400 is outside the range of a number (about ±1.8e308)');
  const long = err(`{"network": {"activation": "${'n'.repeat(100000)}"}}`);
  assert.ok(long.length < 200, `${long.length} characters`);
  assert.ok(long.startsWith(`backprop: /network/activation: unknown activation '${'n'.repeat(40)}…'`), long);
  const token = err(`{"a": "${'x'.repeat(1 << 20)}\n"}`);  // 1 MiB token before the bad byte
  assert.ok(token.length < 300, `${token.length} characters`);
  assert.match(token, /not valid JSON: parse error at line 2.*last read: '"x{39}…'$/);
  assert.equal(err('{"network": {"activation": "a\\u0000b"}}'),
    "backprop: /network/activation: unknown activation 'a\\x00b'; allowed: linear, sigmoid, tanh, relu, leaky_relu, softmax");
  assert.match(err('{"network": {"activation": "AÄ"}}'), /unknown activation 'AÄ'/);
  assert.match(err(`{"${'k'.repeat(100000)}": 1}`), new RegExp(`^backprop: /${'k'.repeat(40)}…: unknown field`));
  const cmd = run('x'.repeat(5000) + '\n');
  assert.equal(cmd.status, 2);
  assert.match(cmd.stderr, new RegExp(`^backprop: unknown command '${'x'.repeat(40)}…'\n`));
});

test('a diverging run exits 1 with the divergence message and writes no model', { skip }, () => {
  const diverging = file('div.json', {
    dataset: { name: 'plane', seed: 1 }, network: { hidden: [8], activation: 'relu' },
    training: { optimizer: 'sgd', learningRate: 10 },
  });
  const out = path.join(dir, 'diverged-model.json');
  const r = run('train', '--config', diverging, '--steps', '4', '--out', out);
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stderr, /diverged/i);
  assert.match(r.stderr, /no model written/);
  assert.doesNotMatch(r.stdout, /train loss inf|wrote/);
  assert.equal(fs.existsSync(out), false);
});

test('gradcheck exits 1 and prints nan when a gradient is not finite (weights of 1e200)', { skip }, () => {
  const model = path.join(dir, 'm3.json');
  assert.equal(run('train', '--config', config, '--steps', '5', '--out', model).status, 0);
  const m = JSON.parse(fs.readFileSync(model, 'utf8'));
  for (const layer of m.weights) layer.W = layer.W.map((row) => row.map((w) => w * 1e200));
  const r = run('gradcheck', '--model', file('huge.json', m));
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, /max relative error nan/);
  assert.match(r.stdout, /[1-9]\d* non-finite gradient entries/);
});

// Sequence and fixed-point model files, made by the wasm engine (web/engine) when it is built.
const engine = path.join(root, 'web', 'engine', 'backprop-recurrent.wasm');
const skipRecurrent = skip || (!fs.existsSync(engine) && 'wasm engine not built');
async function recurrentModels() {
  const { loadBackprop } = await import('./load.mjs');
  const bp = await loadBackprop('backprop-recurrent');
  const make = (Kind, cfg, steps) => { const s = new Kind(cfg); s.step(steps); const t = s.toJSON(); s.delete(); return JSON.parse(t); };
  return {
    'sequence lstm parity': make(bp.SequenceSession, { task: { name: 'parity', length: 6, sequences: 8, testSequences: 2 }, cell: 'lstm', hidden: 3 }, 3),
    'sequence elman echo': make(bp.SequenceSession, { task: { name: 'echo', length: 6, delay: 2, sequences: 8, testSequences: 2 }, cell: 'elman', hidden: 4 }, 2),
    'fixed-point xor': make(bp.FixedPointSession, { task: { name: 'xor' }, relax: { tol: 1e-14, maxIters: 20000 } }, 3),
    'fixed-point letters': make(bp.FixedPointSession, { task: { name: 'letters', letters: 'CX', cues: 1, testCues: 1 }, hidden: 2, relax: { tol: 1e-14, maxIters: 20000 } }, 2),
  };
}

test('grad and gradcheck take sequence and fixed-point model files; gradients match central differences', { skip: skipRecurrent }, async () => {
  const models = await recurrentModels();
  for (const [name, m] of Object.entries(models)) {
    const model = file('rec.json', m);
    const r = run('grad', '--model', model);
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out.gradients), Object.keys(m.weights), name);
    if (m.format.includes('sequence')) assert.equal(out.sequences, 8);
    else assert.equal(out.used, out.patterns);
    // central differences of the loss grad reports, every 5th weight moved in the file
    const h = 1e-5;
    const lossWith = (pname, i, j, delta) => {
      const copy = structuredClone(m);
      copy.weights[pname][i][j] += delta;
      const g = run('grad', '--model', file('p.json', copy));
      assert.equal(g.status, 0, g.stderr);
      return JSON.parse(g.stdout).loss;
    };
    let k = 0, worst = 0, checked = 0;
    for (const [pname, rows] of Object.entries(m.weights)) {
      for (let i = 0; i < rows.length; i++) {
        for (let j = 0; j < rows[i].length; j++) {
          if (k++ % 5 !== 0) continue;
          const numeric = (lossWith(pname, i, j, h) - lossWith(pname, i, j, -h)) / (2 * h);
          const analytic = out.gradients[pname][i][j];
          worst = Math.max(worst, Math.abs(numeric - analytic) / Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic)));
          checked++;
        }
      }
    }
    assert.ok(checked >= 5 && worst < 1e-6, `${name}: worst relative difference ${worst} over ${checked} weights`);
    const c = run('gradcheck', '--model', model);
    assert.equal(c.status, 0, `${name}: ${c.stdout}`);
    const err = Number(/max relative error (\S+)/.exec(c.stdout)[1]);
    assert.ok(err < 1e-6, c.stdout);
    for (const pname of Object.keys(m.weights)) assert.match(c.stdout, new RegExp(`^  ${pname} +\\S+ +\\(\\d+ entries`, 'm'));
  }
  // --data is for MLP files only; a broken gradient fails the check
  const [seqName, seq] = Object.entries(models)[0];
  assert.equal(run('grad', '--model', file('s.json', seq), '--data', config).status, 2, seqName);
  const huge = structuredClone(seq);
  huge.weights.Wy = huge.weights.Wy.map((row) => row.map(() => 1e200));
  const c = run('gradcheck', '--model', file('huge-seq.json', huge));
  assert.equal(c.status, 1, c.stdout + c.stderr);
});

// Image models (issue 12, "gradients from outside for every model kind"): grad and gradcheck take
// an image model file with the digit file it trains on; the gradient is over all the training
// images, and it matches central differences of the loss grad prints.
const uciData = path.join(root, 'web', 'data', 'optdigits-8x8.bpimg');
const skipImage = skip || (!fs.existsSync(path.join(root, 'web', 'engine', 'backprop-digits.wasm')) && 'digits module not built')
  || (!fs.existsSync(uciData) && 'digit files not built');

test('grad and gradcheck take image model files with --data digits.bpimg; gradients match central differences', { skip: skipImage }, async () => {
  const { loadBackprop } = await import('./load.mjs');
  const m = await loadBackprop('backprop-digits');
  const s = new m.ImageSession({
    data: { name: 'uci' },
    model: { kind: 'cnn', layers: [{ type: 'conv2d', filters: 2, kernel: 3, padding: 'same' }, { type: 'tanh' }, { type: 'avg_pool' },   // (smooth: a max-pool's winner can flip within ±h)
      { type: 'flatten' }, { type: 'dense', units: 10 }, { type: 'softmax' }] },
    training: { learningRate: 0.01 },
  }, new Uint8Array(fs.readFileSync(uciData)));
  s.step(20);
  const expectedLoss = s.gradients();
  const modelText = s.saveModel();
  s.delete();
  const model = JSON.parse(modelText);
  const r = run('grad', '--model', file('img.json', modelText), '--data', uciData);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.images, 1438);            // 1,797 UCI digits less the 359 test digits
  assert.equal(out.loss, expectedLoss);     // the same loss as the module's gradients(), bit for bit
  assert.deepEqual(Object.keys(out.gradients), Object.keys(model.weights));
  const h = 1e-5;
  const lossWith = (pname, i, j, delta) => {
    const copy = structuredClone(model);
    copy.weights[pname][i][j] += delta;
    const g = run('grad', '--model', file('ip.json', copy), '--data', uciData);
    assert.equal(g.status, 0, g.stderr);
    return JSON.parse(g.stdout).loss;
  };
  let worst = 0, checked = 0;
  for (const [pname, i, j] of [['conv1.W', 0, 0], ['conv1.W', 4, 1], ['conv1.b', 0, 1], ['dense2.W', 7, 3], ['dense2.b', 0, 9]]) {
    const numeric = (lossWith(pname, i, j, h) - lossWith(pname, i, j, -h)) / (2 * h);
    const analytic = out.gradients[pname][i][j];
    worst = Math.max(worst, Math.abs(numeric - analytic) / Math.max(1e-6, Math.abs(numeric) + Math.abs(analytic)));
    checked++;
  }
  assert.ok(worst < 1e-6, `worst relative difference ${worst} over ${checked} weights`);
  const c = run('gradcheck', '--model', file('img.json', modelText), '--data', uciData, '--entries', '10');
  assert.equal(c.status, 0, c.stdout + c.stderr);
  assert.ok(Number(/max relative error (\S+)/.exec(c.stdout)[1]) < 1e-6, c.stdout);
  // the digit file is required, and must be the model's
  assert.equal(run('grad', '--model', file('img.json', modelText)).status, 2);
  const wrong = run('grad', '--model', file('img.json', modelText), '--data', path.join(root, 'web', 'data', 'mnist-10k.bpimg'));
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /28×28|8×8|images/);
});
