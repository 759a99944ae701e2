// Explain mode in headless Chromium. Every number the page shows is checked against a twin
// session of the wasm module run here in Node with the same config, seeds and step count: the
// notes on the neurons and the labels on the links at every step of the cycle, the loss, the
// chain rule with its numeric gradient, the gradient check, the Jacobian; and applying the
// shown Δw is the next training step. The walk through the four phases saves screenshots to
// tests/browser/screenshots/ (50-explain-*.png) for a person to look at; with
// UPDATE_DOCS_SCREENSHOT=1 one of them becomes docs/screenshot-explain.png.
import fs from 'node:fs';
import { test, expect, openPlayground, waitForStats, shot } from './helpers.js';
import { loadBackprop } from '../node/load.mjs';
import {
  cycleSteps, nodeNotes, linkValues, fmtNum, fmtSci,
} from '../../web/js/playground/explain/explain-model.js';

let bp;
test.beforeAll(async () => {
  bp = await loadBackprop();
});

// A small tanh network on XOR with momentum, so that Δw is not just −η ∂L/∂w.
const HASH = 'dataset=xor&points=200&noise=0.1&seed=2&hidden=3,2&act=tanh&wseed=3&opt=momentum&lr=0.1&batch=8&tseed=1';

/** Steps the page `epochs` epochs with the keyboard and waits until the frame shows it. */
async function train(page, epochs) {
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  for (let e = 0; e < epochs; e++) await page.keyboard.press('s');
  await waitForStats(page, (s) => s.epoch >= epochs && !s.playing);
  await expect.poll(() => page.evaluate(async () => {
    const hook = window.__playground;
    return (await hook.engineStats()).step === hook.frame().stats.step;
  })).toBe(true);
}

/** A Node session in the page's exact state: same config, same number of steps. */
async function twinOf(page) {
  const { config, step } = await page.evaluate(async () => ({
    config: window.__playground.engineConfig(),
    step: (await window.__playground.engineStats()).step,
  }));
  const s = new bp.Session(config);
  if (step > 0) s.step(step);
  return s;
}

const explainState = (page) => page.evaluate(() => {
  const s = window.__playground.explain.state();
  return {
    index: s.index, step: s.step, mode: s.mode, committed: s.committed, hasAfter: s.hasAfter,
    busy: s.busy, focus: s.focus, active: s.active, traceStep: s.trace ? s.trace.step : null,
    N: s.trace ? s.trace.N : 0, inspect: s.inspect ? { type: s.inspect.type, ready: !!s.inspect.path } : null,
  };
});

/** The page's trace with its typed arrays as plain arrays. */
const pageTrace = (page) => page.evaluate(() => {
  const t = window.__playground.explain.state().trace;
  const arr = (a) => Array.from(a);
  return {
    N: t.N, points: arr(t.points), labels: arr(t.labels), inputs: arr(t.inputs), target: arr(t.target),
    loss: t.loss, dataLoss: t.dataLoss, penalty: t.penalty, learningRate: t.learningRate,
    layers: t.layers.map((l) => Object.fromEntries(Object.entries(l).map(([k, v]) => [k, arr(v)]))),
  };
});

function plainTrace(t) {
  const arr = (a) => Array.from(a);
  return {
    N: t.N, points: arr(t.points), labels: arr(t.labels), inputs: arr(t.inputs), target: arr(t.target),
    loss: t.loss, dataLoss: t.dataLoss, penalty: t.penalty, learningRate: t.learningRate,
    layers: t.layers.map((l) => Object.fromEntries(['z', 'a', 'delta', 'dW', 'db', 'W', 'b', 'WAfter', 'bAfter'].map((k) => [k, arr(l[k])]))),
  };
}

/** The notes on every node as the page shows them: [{ node, lines: [{ sym, text }] }]. */
const shownNotes = (page) => page.evaluate(() => Array.from(document.querySelectorAll('.bp-net [data-node]'), (el) => ({
  node: Number(el.dataset.node),
  lines: Array.from(el.querySelectorAll('.bp-note-line'), (l) => ({ sym: l.dataset.sym, text: l.querySelector('.bp-note-num').textContent })),
})));

/** The engine's weights and biases as plain arrays, and its stats. */
const snapshot = (page) => page.evaluate(async () => {
  const s = await window.__playground.snapshot();
  return { weights: s.weights.map((w) => Array.from(w)), biases: s.biases.map((b) => Array.from(b)), stats: s.stats };
});

async function waitIdle(page) {
  await expect.poll(async () => (await explainState(page)).busy).toBe(false);
}

test('every number on the diagram is the core\'s, through all four phases (with screenshots)', async ({ page, consoleErrors }) => {
  await openPlayground(page, HASH);
  await train(page, 4);
  await page.keyboard.press('e');
  await expect(page.locator('.bp-x-bar')).toBeVisible();
  await expect(page.locator('.bp-explain-btn')).toHaveAttribute('aria-pressed', 'true');
  await waitIdle(page);

  // pick a training point by clicking it in the plot
  const target = await page.evaluate(() => {
    const p = window.__playground.points().train;
    return { x: p[15], y: p[16], label: p[17] };
  });
  const box = await page.locator('.bp-overlay').boundingBox();
  await page.mouse.click(box.x + ((target.x + 6) / 12) * box.width, box.y + ((6 - target.y) / 12) * box.height);
  await expect.poll(async () => (await page.evaluate(() => Array.from(window.__playground.explain.state().trace.points)))).toEqual([target.x, target.y]);
  await waitIdle(page);

  const twin = await twinOf(page);
  try {
    const core = plainTrace(twin.explain([target.x, target.y], [target.label]));
    const shown = await pageTrace(page);
    expect(shown).toEqual(core);   // the page received exactly the core's numbers

    const steps = cycleSteps(core.layers.length);
    expect((await explainState(page)).step).toEqual(steps[0]);
    let labelsSeen = 0;
    for (let k = 0; k < steps.length; k++) {
      const st = await explainState(page);
      expect(st.index).toBe(k);
      const step = steps[k];
      // the notes: symbol and number, node by node
      const want = nodeNotes(core, step, 0);
      const notes = await shownNotes(page);
      expect(notes.length).toBe(want.length);
      for (const n of notes) {
        expect(n.lines, `step ${k} node ${n.node}`).toEqual(want[n.node].lines.map((l) => ({ sym: l.sym, text: fmtNum(l.value) })));
      }
      // the labels written on links
      const values = linkValues(core, step);
      const labels = await page.evaluate(() => window.__playground.linkLabels());
      for (const lab of labels) {
        const H = core.layers[lab.l].b.length;
        expect(lab.text, `step ${k} link ${lab.l} ${lab.i} ${lab.j}`).toBe(fmtNum(values[lab.l].values[lab.i * H + lab.j]));
      }
      labelsSeen += labels.length;
      // the phase's own numbers
      if (step.phase === 'loss') {
        await expect(page.locator('[data-value="dataLoss"]')).toHaveText(fmtNum(core.dataLoss));
      }
      await expect(page.locator('.bp-x-phase.bp-current')).toHaveAttribute('data-phase', step.phase);
      await page.mouse.move(5, 5);
      const name = `50-explain-${String(k).padStart(2, '0')}-${step.phase}${step.layer >= 0 && step.phase !== 'loss' ? `-layer${step.layer}` : ''}.png`;
      await page.screenshot({ path: shot(name) });
      if (k === steps.length - 1) break;
      await page.keyboard.press(k % 2 ? 'n' : 'ArrowRight');
    }
    expect(labelsSeen).toBeGreaterThan(10);

    // 4. Update: apply, and the boundary before / after
    await page.locator('.bp-x-apply').click();
    await expect.poll(async () => (await explainState(page)).hasAfter).toBe(true);
    await expect(page.locator('.bp-x-fig canvas')).toHaveCount(3);
    await page.mouse.move(5, 5);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: shot('51-explain-applied.png') });
    await page.locator('.bp-panel-explain').screenshot({ path: shot('52-explain-panel-applied.png') });
    twin.commitExplained();
    const after = await snapshot(page);
    for (let l = 0; l < core.layers.length; l++) expect(after.weights[l]).toEqual(Array.from(twin.weights(l)));

    // the next cycle follows the same example: its loss went down
    await page.keyboard.press('n');
    await waitIdle(page);
    await expect.poll(async () => (await explainState(page)).index).toBe(0);
    await page.keyboard.press('2');
    const next = plainTrace(twin.explain([target.x, target.y], [target.label]));
    await expect(page.locator('[data-value="dataLoss"]')).toHaveText(fmtNum(next.dataLoss));
    await expect(page.locator('.bp-x-good', { hasText: 'Before the last update it was' })).toBeVisible();
    expect(next.loss).toBeLessThan(core.loss);
  } finally {
    twin.delete();
  }
});

test('applying the shown Δw reproduces the next training step (mini-batch, momentum)', async ({ page, consoleErrors }) => {
  await openPlayground(page, HASH);
  await train(page, 3);
  await page.getByRole('button', { name: /Explain/ }).click();
  await waitIdle(page);
  await page.getByRole('radio', { name: 'The next mini-batch' }).click();
  await expect.poll(async () => (await explainState(page)).N).toBe(8);
  await waitIdle(page);
  const twin = await twinOf(page);
  const stepped = await twinOf(page);
  try {
    const core = plainTrace(twin.explainNextBatch());
    expect(await pageTrace(page)).toEqual(core);
    // the batch's examples are ringed in the plot; the neurons show one at a time
    await page.getByRole('button', { name: 'Next example of the batch' }).click();
    await expect.poll(async () => (await explainState(page)).focus).toBe(1);
    await page.keyboard.press('4');
    await expect(page.locator('.bp-x-phase.bp-current')).toHaveAttribute('data-phase', 'update');
    const shown = await page.evaluate(() => window.__playground.explain.shown());
    const before = await snapshot(page);
    stepped.step(1);
    for (let l = 0; l < core.layers.length; l++) {
      expect(shown.links[l].kind).toBe('dw');
      const next = Array.from(stepped.weights(l));
      shown.links[l].values.forEach((dw, k) => {
        const w = before.weights[l][k] + dw;
        expect(Math.abs(w - next[k]), `layer ${l} weight ${k}`).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(next[k])));
      });
    }
    // and the Δb on the neurons
    const notes = shown.notes.filter((n) => n.lines.length && n.lines[0].sym === 'Δb');
    let q = 0;
    for (let l = 0; l < core.layers.length; l++) {
      const b = Array.from(stepped.biases(l));
      for (let j = 0; j < b.length; j++, q++) {
        expect(Math.abs(before.biases[l][j] + notes[q].lines[0].value - b[j])).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(b[j])));
      }
    }
    // momentum: Δw is not −η ∂L/∂w, and the page says so
    await expect(page.locator('.bp-x-details')).toContainText('remembers earlier steps');
    await page.keyboard.press('n');   // the last step: Next applies the update
    await expect.poll(async () => (await explainState(page)).committed).toBe(true);
    const after = await snapshot(page);
    for (let l = 0; l < core.layers.length; l++) {
      expect(after.weights[l]).toEqual(Array.from(stepped.weights(l)));
      expect(after.biases[l]).toEqual(Array.from(stepped.biases(l)));
    }
    expect(after.stats.step).toBe(stepped.stats().step);
    // after an applied update, a link has no chain rule until the next cycle
    const p = await page.evaluate(() => window.__playground.linkMidpoint(0, 0, 0));
    await page.mouse.click(p.x, p.y);
    await expect(page.locator('.bp-x-inspector')).toContainText('Press Next to start a new cycle');
    // the next cycle is the next mini-batch
    await page.keyboard.press('n');
    await waitIdle(page);
    expect((await pageTrace(page))).toEqual(plainTrace(stepped.explainNextBatch()));
  } finally {
    twin.delete();
    stepped.delete();
  }
});

test('the chain-rule panel: ∂L/∂w written out, and the numeric gradient agrees', async ({ page, consoleErrors }) => {
  await openPlayground(page, HASH);
  await train(page, 5);
  await page.keyboard.press('e');
  await waitIdle(page);
  await page.keyboard.press('3');
  const twin = await twinOf(page);
  try {
    const sel = await page.evaluate(() => window.__playground.explain.state().selection);
    const core = plainTrace(twin.explain(sel.xy, [sel.label]));
    // click a link of the middle layer: h1.3 -> h2.1
    const p = await page.evaluate(() => window.__playground.linkMidpoint(1, 2, 0));
    await page.mouse.move(p.x, p.y);
    await expect(page.locator('.bp-tooltip')).toContainText('click for the chain rule');
    await page.mouse.click(p.x, p.y);
    await expect.poll(async () => (await explainState(page)).inspect).toEqual({ type: 'link', ready: true });
    const c = twin.chainRule(1, 2, 0);
    const panel = page.locator('.bp-x-inspector');
    await expect(panel.locator('[data-value="analytic"]')).toHaveText(fmtNum(c.analytic));
    await expect(panel.locator('[data-value="numeric"]')).toHaveText(fmtNum(c.numeric));
    await expect(panel.locator('[data-value="relError"]')).toHaveText(fmtSci(c.relError));
    await expect(panel.locator('[data-value="dataGradient"]')).toHaveText(fmtNum(c.dataGradient));
    await expect(panel.locator('[data-value="deltaJ"]')).toHaveText(fmtNum(core.layers[1].delta[0]));
    await expect(panel).toContainText('✓ agree');
    await expect(panel).toContainText("δⱼ = f'(zⱼ) · Σₖ wⱼₖ δₖ");
    const got = await page.evaluate(() => {
      const i = window.__playground.explain.state().inspect;
      return { analytic: i.chain.analytic, numeric: i.chain.numeric, relError: i.chain.relError, gradient: i.path.gradient };
    });
    expect(got.relError).toBeLessThan(1e-6);
    expect(Math.abs(got.analytic - got.numeric) / Math.max(Math.abs(got.analytic), Math.abs(got.numeric))).toBeLessThan(1e-6);
    expect(got.analytic).toBe(c.analytic);
    expect(got.gradient).toBe(core.layers[1].dW[2 * 2 + 0]);
    await page.mouse.move(5, 5);
    await page.locator('.bp-panel-explain').screenshot({ path: shot('53-explain-chain-rule.png') });
    // every weight of the network: analytic and numeric agree within 1e-6
    const worst = await page.evaluate(async () => {
      const x = window.__playground.explain;
      const t = x.state().trace;
      let max = 0;
      for (let l = 0; l < t.layers.length; l++) {
        const H = t.layers[l].b.length;
        for (let i = 0; i < t.layers[l].W.length / H; i++) {
          for (let j = 0; j < H; j++) {
            await x.chainRule(l, i, j);
            max = Math.max(max, x.state().inspect.chain.relError);
          }
        }
      }
      return max;
    });
    expect(worst).toBeLessThan(1e-6);
  } finally {
    twin.delete();
  }
});

test('the gradient check panel shows the core\'s worst relative error per layer', async ({ page, consoleErrors }) => {
  await openPlayground(page, HASH);
  await train(page, 2);
  await page.keyboard.press('e');
  await waitIdle(page);
  await page.getByRole('button', { name: 'Run gradient check' }).click();
  const rows = page.locator('.bp-x-gc-table tbody tr');
  await expect(rows).toHaveCount(3);
  const twin = await twinOf(page);
  try {
    const g = twin.gradCheck();
    const per = Array.from(g.perLayer);
    for (let l = 0; l < 3; l++) {
      await expect(rows.nth(l).locator('.bp-x-gc-val')).toHaveText(fmtSci(per[l]));
      expect(per[l]).toBeLessThan(1e-6);
      await expect(rows.nth(l)).toContainText('✓ agree');
    }
    await expect(rows.nth(2)).toContainText('Output layer');
  } finally {
    twin.delete();
  }
});

test('the Jacobian field matches finite differences of predict; hover shows the K × 2 matrix', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=spiral3&hidden=6,6&act=tanh&features=x1,x2,x1x2,sinx1&opt=adam&lr=0.01&speed=max');
  await train(page, 15);
  await page.locator('input[name="jacobian"]').check();
  await expect.poll(() => page.evaluate(() => !!window.__playground.jacobian.field())).toBe(true);
  const field = await page.evaluate(() => {
    const f = window.__playground.jacobian.field();
    return { side: f.side, K: f.K, points: Array.from(f.points), values: Array.from(f.values), arrows: f.arrows.length };
  });
  expect(field.side).toBe(15);
  expect(field.K).toBe(3);
  expect(field.arrows).toBe(15 * 15 * 3);
  const h = 1e-5;
  const samples = [0, 17, 48, 112, 130, 201, 224];
  const xy = [];
  for (const p of samples) {
    for (let d = 0; d < 2; d++) {
      for (const sgn of [1, -1]) {
        const q = [field.points[2 * p], field.points[2 * p + 1]];
        q[d] += sgn * h;
        xy.push(...q);
      }
    }
  }
  const pred = await page.evaluate(async (pts) => Array.from(await window.__playground.predict(pts)), xy);
  const K = field.K;
  samples.forEach((p, s) => {
    for (let d = 0; d < 2; d++) {
      const base = (s * 4 + d * 2) * K;
      for (let k = 0; k < K; k++) {
        const numeric = (pred[base + k] - pred[base + K + k]) / (2 * h);
        const analytic = field.values[p * 2 * K + 2 * k + d];
        expect(Math.abs(analytic - numeric), `point ${p} d${d} k${k}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(numeric)));
      }
    }
  });
  // the arrows are drawn over the plot
  const box = await page.locator('.bp-overlay').boundingBox();
  await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.45);
  const readout = page.locator('.bp-readout');
  await expect(readout).toBeVisible();
  await expect(readout.locator('tbody tr')).toHaveCount(3);
  const hovered = await page.evaluate(() => window.__playground.jacobian.hovered());
  const cells = await readout.locator('tbody td').allTextContents();
  expect(cells).toEqual(hovered.J.map((v) => fmtNum(v)));
  await expect(page.locator('.bp-jacobian-note')).toContainText('∂output/∂(x, y)');
  await page.locator('.bp-panel-out').screenshot({ path: shot('54-jacobian-field.png') });
  await page.locator('input[name="jacobian"]').uncheck();
  await expect(readout).toBeHidden();
  expect(await page.evaluate(() => window.__playground.jacobian.field())).toBeNull();
});

test('keyboard: explain steps with arrows and n/p, phases with 1-4, Esc leaves; space, s and r still work', async ({ page, consoleErrors }) => {
  await openPlayground(page, HASH);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('e');
  await waitIdle(page);
  const idx = async () => (await explainState(page)).index;
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('n');
  await expect.poll(idx).toBe(2);
  await page.keyboard.press('p');
  await expect.poll(idx).toBe(1);
  await page.keyboard.press('ArrowLeft');
  await expect.poll(idx).toBe(0);
  await page.keyboard.press('3');
  await expect.poll(async () => (await explainState(page)).step.phase).toBe('backward');
  // s trains one epoch and explains the same example again, from the start
  const before = (await explainState(page)).traceStep;
  await page.keyboard.press('s');
  await expect.poll(async () => (await explainState(page)).traceStep).toBeGreaterThan(before);
  await expect.poll(idx).toBe(0);
  // r resets: step 0 again
  await page.keyboard.press('r');
  await expect.poll(async () => (await explainState(page)).traceStep).toBe(0);
  await page.keyboard.press('Escape');
  await expect(page.locator('.bp-x-bar')).toBeHidden();
  await expect(page.locator('.bp-panel-explain')).toBeHidden();
  expect(await page.locator('.bp-node-note:not(:empty)').count()).toBe(0);
  // space plays (and would leave explain mode)
  await page.keyboard.press('e');
  await waitIdle(page);
  await page.keyboard.press(' ');
  await expect(page.locator('.bp-play-btn')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('.bp-x-bar')).toBeHidden();
  await waitForStats(page, (s) => s.epoch >= 2);
  await page.keyboard.press(' ');
  await expect(page.locator('.bp-play-btn')).toHaveAttribute('aria-pressed', 'false');
});

test('keyboard path to the weights: Tab to a neuron, arrows, Enter, type; in explain mode Enter opens its numbers', async ({ page, consoleErrors }) => {
  await openPlayground(page, HASH);
  // the neurons are one tab stop
  const stop = page.locator('.bp-neuron[tabindex="0"]');
  await expect(stop).toHaveCount(1);
  await page.locator('select[aria-label="Activation of hidden layer 1"]').focus();
  await page.keyboard.press('Tab');
  await expect(stop).toBeFocused();
  await page.keyboard.press('ArrowDown');   // layer 1, neuron 2
  await expect(page.locator('.bp-neuron[data-layer="0"][data-index="1"]')).toBeFocused();
  await page.keyboard.press('ArrowRight');   // layer 2
  await expect(page.locator('.bp-neuron[data-layer="1"]:focus')).toHaveCount(1);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Enter');
  const editor = page.locator('.bp-neuron-editor');
  await expect(editor).toBeVisible();
  const inputs = editor.locator('input');
  await expect(inputs).toHaveCount(2);
  await expect(inputs.first()).toBeFocused();
  await inputs.first().fill('1.5');
  await inputs.nth(1).fill('-0.25');
  await inputs.nth(1).press('Enter');
  await expect(editor).toHaveCount(0);
  const focused = await page.evaluate(() => document.activeElement.dataset.index);
  await expect.poll(async () => {
    const w = (await page.evaluate(() => window.__playground.snapshot())).weights[0];
    return [w[0 * 3 + Number(focused)], w[1 * 3 + Number(focused)]];
  }).toEqual([1.5, -0.25]);
  // Escape closes the editor without a change, and focus returns to the neuron
  await page.keyboard.press('Enter');
  await expect(editor).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(editor).toHaveCount(0);
  await expect(page.locator(`.bp-neuron[data-index="${focused}"][data-layer="0"]`)).toBeFocused();

  // explain mode: Enter on a neuron shows its sum; its links lead to the chain rule
  await page.keyboard.press('e');
  await waitIdle(page);
  await page.locator(`.bp-neuron[data-index="${focused}"][data-layer="0"]`).focus();
  await page.keyboard.press('Enter');
  const inspector = page.locator('.bp-x-inspector');
  await expect(inspector).toContainText(`h1.${Number(focused) + 1}: hidden layer 1`);
  await expect(inspector).toContainText('z = Σᵢ aᵢ wᵢⱼ + b');
  const link = inspector.getByRole('button', { name: `X₂ → h1.${Number(focused) + 1}` });
  await link.focus();
  await page.keyboard.press('Enter');
  await expect(inspector.locator('[data-value="relError"]')).toBeVisible();
  await expect(inspector.locator('.bp-x-wname')).toHaveText(`X₂ → h1.${Number(focused) + 1}`);
});

test('the header links to the recurrent networks page', async ({ page, consoleErrors }) => {
  await openPlayground(page);
  const link = page.locator('.page-nav a', { hasText: 'Recurrent networks' });
  await expect(link).toHaveAttribute('href', 'recurrent.html');
  const res = await page.request.get(new URL('recurrent.html', page.url()).toString());
  expect(res.status()).toBe(200);
});

test('docs screenshot of explain mode', async ({ page, consoleErrors }) => {
  // XOR after a few epochs: the network is still learning, so the numbers are not tiny
  await openPlayground(page, 'dataset=xor&points=300&noise=0.1&hidden=4,2&act=tanh&lr=0.1&batch=10');
  await train(page, 6);
  await page.keyboard.press('e');
  await waitIdle(page);
  await page.keyboard.press('3');
  await page.keyboard.press('n');
  await page.keyboard.press('n');
  await expect.poll(async () => (await explainState(page)).step).toEqual({ phase: 'backward', layer: 0 });
  const p = await page.evaluate(() => window.__playground.linkMidpoint(1, 1, 0));
  await page.mouse.click(p.x, p.y);
  await expect.poll(async () => (await explainState(page)).inspect).toEqual({ type: 'link', ready: true });
  await page.getByRole('button', { name: 'Run gradient check' }).click();
  await expect(page.locator('.bp-x-gc-table tbody tr')).toHaveCount(3);
  await page.mouse.move(5, 5);
  await page.setViewportSize({ width: 1400, height: 1280 });
  await page.waitForTimeout(300);
  const top = await page.locator('.bp-app').boundingBox();
  const panel = await page.locator('.bp-panel-explain').boundingBox();
  const clip = { x: 0, y: top.y - 6, width: 1400, height: panel.y + panel.height - top.y + 18 };
  await page.screenshot({ path: shot('55-explain-docs.png'), clip, fullPage: true });
  if (process.env.UPDATE_DOCS_SCREENSHOT === '1') fs.copyFileSync(shot('55-explain-docs.png'), 'docs/screenshot-explain.png');
});

test('changing the network or the data while explaining explains the new one', async ({ page, consoleErrors }) => {
  await openPlayground(page, HASH);
  await page.keyboard.press('e');
  await waitIdle(page);
  await page.locator('.bp-neuron[data-layer="1"]').first().click();   // inspect a neuron of layer 2
  await expect(page.locator('.bp-x-inspector h3')).toContainText('h2.1');
  // a new link: one hidden layer, three classes
  await page.evaluate(() => { window.location.hash = 'dataset=spiral3&hidden=5&act=relu'; });
  await expect.poll(() => page.evaluate(() => {
    const s = window.__playground.explain.state();
    return s.trace && !s.busy ? s.trace.layers.map((l) => l.b.length) : null;
  })).toEqual([5, 3]);
  await expect(page.locator('.bp-x-bar')).toBeVisible();
  await expect.poll(() => page.locator('.bp-node-note:not(:empty)').count()).toBeGreaterThan(0);
  // the learning rate changes live: the update is explained with the new one
  await page.locator('select[name="learningRate"]').selectOption('0.3');
  await expect.poll(() => page.evaluate(() => window.__playground.explain.state().trace.learningRate)).toBe(0.3);
  // your own data: a click on the plot picks a point, it never adds one
  await page.evaluate(() => { window.location.hash = 'dataset=custom&pts=1,1,0;2,2,1;-3,-3,0;3,-2,1;-2,3,1;0,-4,0'; });
  await expect.poll(() => page.evaluate(() => {
    const s = window.__playground.explain.state();
    const p = window.__playground.points();
    return s.trace && !s.busy ? [s.trace.layers.map((l) => l.b.length), p.train.length + p.test.length] : null;
  })).toEqual([[4, 2, 1], 18]);
  const train = await page.evaluate(() => window.__playground.points().train);
  const box = await page.locator('.bp-overlay').boundingBox();
  await page.mouse.click(box.x + ((train[0] + 6) / 12) * box.width, box.y + ((6 - train[1]) / 12) * box.height);
  await expect.poll(() => page.evaluate(() => window.__playground.explain.state().selection.xy)).toEqual([train[0], train[1]]);
  expect(await page.evaluate(() => window.__playground.state().customPoints.length)).toBe(6);
});
