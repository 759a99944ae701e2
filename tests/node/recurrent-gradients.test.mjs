// gradients() of the recurrent sessions through the wasm module, checked from outside: every
// entry against a central difference (L(θ + h) − L(θ − h)) / 2h computed here, in JS, with the
// weights set through the model file (toJSON / loadJSON) and the loss read back from the engine.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadBackprop } from './load.mjs';

let bp;
before(async () => {
  bp = await loadBackprop('backprop-recurrent');
});

function withSession(Kind, config, fn) {
  const s = new Kind(config);
  try { return fn(s); } finally { s.delete(); }
}

// The largest relative difference between g (arrays of rows, by name) and the central
// differences of loss(file with one weight moved), over every `stride`-th weight of the file.
function worstDifference(file, g, loss, stride = 1, h = 1e-5) {
  let k = 0;
  let worst = 0;
  for (const [name, rows] of Object.entries(file.weights)) {
    assert.deepEqual([g[name].length, g[name][0].length], [rows.length, rows[0].length], name);
    for (let i = 0; i < rows.length; i++) {
      for (let j = 0; j < rows[i].length; j++) {
        if (k++ % stride !== 0) continue;
        const w0 = rows[i][j];
        rows[i][j] = w0 + h; const up = loss(file);
        rows[i][j] = w0 - h; const down = loss(file);
        rows[i][j] = w0;
        const numeric = (up - down) / (2 * h), analytic = g[name][i][j];
        worst = Math.max(worst, Math.abs(numeric - analytic) / Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic)));
      }
    }
  }
  return worst;
}

for (const cell of ['elman', 'lstm']) {
  for (const task of ['echo', 'parity']) {
    test(`SequenceSession.gradients(): ${cell} ${task} against central differences of the training loss`, () => {
      const config = {
        task: { name: task, length: 6, sequences: 8, testSequences: 2, ...(task === 'echo' ? { delay: 2 } : {}) },
        cell, hidden: 3, truncation: 2,  // ignored by gradients(): full BPTT
        training: { optimizer: 'adam', learningRate: 0.01, batchSize: 4 },
      };
      withSession(bp.SequenceSession, config, (s) => {
        s.step(3);
        const text = s.toJSON(), stats = s.stats();
        const g = s.gradients();
        assert.equal(s.toJSON(), text, 'gradients() changed the session');
        assert.deepEqual(s.stats(), stats);
        assert.equal(g.sequences, 8);
        // the loss it differentiates is the training loss (up to rounding: summed in another order)
        assert.ok(Math.abs(g.loss - stats.trainLoss) <= 1e-14 * stats.trainLoss, `${g.loss} vs ${stats.trainLoss}`);
        assert.deepEqual(Object.keys(g.gradients), Object.keys(JSON.parse(text).weights));  // Wx Wh b Wy by
        const probe = new bp.SequenceSession(config);
        try {
          const loss = (file) => { probe.loadJSON(JSON.stringify(file)); return probe.stats().trainLoss; };
          const worst = worstDifference(JSON.parse(text), g.gradients, loss);
          assert.ok(worst < 1e-6, `worst relative difference ${worst}`);
        } finally { probe.delete(); }
      });
    });
  }
}

for (const task of ['xor', 'letters']) {
  test(`FixedPointSession.gradients(): ${task} against central differences of the batch loss`, () => {
    // tol 1e-14: the relaxations' own error stays far under the O(h²) of the differences
    const config = { task: task === 'xor' ? { name: 'xor' } : { name: 'letters', letters: 'CX', cues: 1, testCues: 1 },
      ...(task === 'letters' ? { hidden: 2 } : {}), relax: { tol: 1e-14, maxIters: 20000 } };
    withSession(bp.FixedPointSession, config, (s) => {
      s.step(3);
      const text = s.toJSON(), stats = s.stats();
      const g = s.gradients();
      assert.equal(s.toJSON(), text, 'gradients() changed the session');
      assert.deepEqual(s.stats(), stats);
      assert.equal(g.patterns, task === 'xor' ? 4 : 2);
      assert.equal(g.used, g.patterns);
      assert.deepEqual(Object.keys(g.gradients), ['W', 'U', 'b']);
      const probe = new bp.FixedPointSession(config);
      try {
        const loss = (file) => { probe.loadJSON(JSON.stringify(file)); return probe.gradients().loss; };
        // letters: 1,431 weights (27 units); every 13th of them keeps the test short
        const worst = worstDifference(JSON.parse(text), g.gradients, loss, task === 'xor' ? 1 : 13);
        assert.ok(worst < 1e-6, `worst relative difference ${worst}`);
      } finally { probe.delete(); }
    });
  });
}

test('gradients() answers for the weights just loaded, and repeated calls agree', () => {
  withSession(bp.FixedPointSession, { task: { name: 'xor' } }, (s) => {
    const file = JSON.parse(s.toJSON());
    file.weights.W = file.weights.W.map((r) => r.map(() => 0));
    file.weights.U = file.weights.U.map((r) => r.map(() => 0));
    file.weights.b = file.weights.b.map((r) => r.map(() => 0));
    s.loadJSON(JSON.stringify(file));
    // all weights 0: x* = 0 for every pattern, E = ½·0.9² each, e = −t at the output unit 3,
    // D = f′(0) = 1, λ solves λ = e (W = 0): δ = e, so ∂E/∂b₃ = mean(−t) = 0 (two +0.9, two −0.9),
    // ∂E/∂U₃ⱼ = mean(−t·u_j) = 0 (XOR's targets are uncorrelated with each input), ∂E/∂W = δ x*ᵀ = 0
    const g = s.gradients();
    assert.ok(Math.abs(g.loss - 0.405) < 1e-12, `loss ${g.loss}`);
    for (const rows of Object.values(g.gradients)) for (const r of rows) for (const v of r) assert.ok(Math.abs(v) < 1e-12);
    assert.deepEqual(s.gradients(), g);
  });
});
