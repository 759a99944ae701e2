// Defects of the playground page found by hand and by its monkey (monkey-playground.spec.js),
// each replayed deterministically (issue 12).
import { test, expect, openPlayground, waitForStats } from './helpers.js';

/** Waits until the page has drawn `more` frames beyond now, and returns the new count. */
async function framesKeepComing(page, more = 5, timeout = 8000) {
  const d0 = await page.evaluate(() => window.backpropPlayground.framesDrawn);
  await expect.poll(() => page.evaluate(() => window.backpropPlayground.framesDrawn), {
    timeout, message: 'frames are still drawn',
  }).toBeGreaterThanOrEqual(d0 + more);
}

/** The diagram matches the engine's layout: one node per neuron, one link per weight. */
async function diagramMatches(page) {
  return page.evaluate(() => {
    const hook = window.backpropPlayground;
    const f = hook.frame();
    const sizes = [f.layout.features.length, ...f.layout.hidden.map((l) => l.size), f.layout.output.size];
    const neurons = document.querySelectorAll('.bp-neuron, .bp-output-node').length;
    let links = 0;
    for (let l = 0; l + 1 < sizes.length; l++) links += sizes[l] * sizes[l + 1];
    return { neurons, want: sizes.slice(1).reduce((a, b) => a + b, 0), links, drawn: hook.linkCount() };
  });
}

test('removing a layer while training keeps drawing (issue 12 item 1)', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=xor&hidden=4,2&speed=max');
  await page.locator('.bp-play-btn').click();
  await waitForStats(page, (s) => s.epoch > 5);
  await page.getByRole('button', { name: 'Remove the last hidden layer' }).click();
  await page.waitForFunction(() => window.backpropPlayground.frame().layout.hidden.length === 1);
  await framesKeepComing(page);
  const d = await diagramMatches(page);
  expect(d.neurons).toBe(d.want);       // 4 + 1
  expect(d.drawn).toBe(d.links);        // 2·4 + 4·1 links
  expect(d.links).toBe(12);
  await waitForStats(page, (s) => s.epoch > 20);
});

test('a hash that removes layers while training keeps drawing (issue 12 item 1)', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=xor&hidden=4,2&speed=max');
  await page.locator('.bp-play-btn').click();
  await waitForStats(page, (s) => s.epoch > 5);
  for (const hidden of ['3', '6,5,4', 'none', '2,2']) {
    await page.evaluate((h) => { window.location.hash = `dataset=xor&hidden=${h}&speed=max`; }, hidden);
    await page.waitForFunction((n) => window.backpropPlayground.frame().layout.hidden.length === n, hidden === 'none' ? 0 : hidden.split(',').length);
    expect(await page.evaluate(() => window.backpropPlayground.playing())).toBe(true);
    await framesKeepComing(page);
    const d = await diagramMatches(page);
    expect(d.neurons).toBe(d.want);
    expect(d.drawn).toBe(d.links);
  }
});

// ---- imports: all or nothing (issue 12 item 2) ---------------------------------------------------

/** A model file as the CLI would write it: a session of the engine itself, built in Node. */
async function modelFile(config, steps = 3) {
  const { loadBackprop } = await import('../node/load.mjs');
  const bp = await loadBackprop('backprop');
  const s = new bp.Session(config);
  if (steps) s.step(steps);
  const text = s.toJSON();
  const xy = [-4, -4, -2, 3, 0.5, 0.5, 1.5, -2.5, 3, 3];
  const predictions = Array.from(s.predict(Float64Array.from(xy)));
  s.delete();
  return { text, xy, predictions };
}

async function importText(page, name, text) {
  await page.locator('.bp-files input[type="file"]').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

/** The page's state, its link and what the engine itself runs. */
async function agreement(page) {
  return page.evaluate(async () => {
    const hook = window.backpropPlayground;
    const runs = await hook.engineRuns();
    return { state: hook.state(), hash: window.location.hash, sent: hook.engineConfig(), runs };
  });
}

const LARGE = [
  ['hidden [64] (a CLI model)', { dataset: { name: 'spiral', points: 300 }, network: { hidden: [64], activation: 'relu' } },
    (st) => expect(st.hidden).toEqual([64]), 'hidden=64'],
  ['5,000 points', { dataset: { name: 'circle', points: 5000 }, network: { hidden: [3] } },
    (st) => expect(st.points).toBe(5000), 'points=5000'],
  ['learning rate 0', { dataset: { name: 'xor' }, network: { hidden: [4] }, training: { learningRate: 0, optimizer: 'adam' } },
    (st) => expect(st.learningRate).toBe(0), 'lr=0&'],
];

for (const [what, config, check, inLink] of LARGE) {
  test(`a model the engine accepts is held exactly: ${what}`, async ({ page, consoleErrors }) => {
    await openPlayground(page, 'dataset=xor&hidden=2');
    const file = await modelFile(config);
    await importText(page, 'cli.json', file.text);
    await expect(page.locator('.bp-msg-notice', { hasText: 'Loaded cli.json' })).toBeVisible();
    const pred = await page.evaluate(async (xy) => Array.from(await window.backpropPlayground.predict(xy)), file.xy);
    expect(pred).toEqual(file.predictions);
    const a = await agreement(page);
    check(a.state);
    await expect.poll(() => page.evaluate(() => window.location.hash)).toContain(inLink);
    // the link rebuilds the session the engine holds, field for field
    expect(a.runs.config.network.hidden).toEqual(a.sent.network.hidden);
    expect(a.runs.config.training.learningRate).toBe(a.sent.training.learningRate);
    expect(a.runs.config.dataset.points).toBe(a.sent.dataset.points);
    await expect(page.locator('.bp-msg-error')).toHaveCount(0);
    // Play trains the loaded model and draws it (no exception, frames keep coming)
    await page.locator('.bp-play-btn').click();
    await framesKeepComing(page);
    await page.locator('.bp-play-btn').click();
  });
}

const REFUSED = [
  ['Adam β₁ the page does not set', { network: { hidden: [3] }, training: { optimizer: 'adam', beta1: 0.8 } }, '/config/training/beta1'],
  ['ε the page does not set', { network: { hidden: [3] }, training: { epsilon: 1e-6 } }, '/config/training/epsilon'],
  ['2,500 points of your own data', { dataset: { name: 'custom', custom: Array.from({ length: 2500 }, (_, i) => [((i % 50) - 25) / 5, (Math.floor(i / 50) - 25) / 5, i % 2]) }, network: { hidden: [2] } }, '/config/dataset/custom'],
  ['a point with more decimals than a link holds', { dataset: { name: 'custom', custom: [[1.23456, 1, 0], [2, 2, 1], [-1, -1, 0]] }, network: { hidden: [2] } }, '/config/dataset/custom/0'],
];

for (const [what, config, field] of REFUSED) {
  test(`a model the page cannot hold is refused, naming the field: ${what}`, async ({ page, consoleErrors }) => {
    await openPlayground(page, 'dataset=xor&hidden=3&lr=0.1');
    const before = await agreement(page);
    const xy = [-4, -4, 0.5, 0.5, 3, 3];
    const predBefore = await page.evaluate(async (p) => Array.from(await window.backpropPlayground.predict(p)), xy);
    const file = await modelFile(config, 0);
    await importText(page, 'other.json', file.text);
    const alert = page.locator('.bp-msg-error', { hasText: 'other.json' });
    await expect(alert).toBeVisible();
    await expect(alert).toContainText(field);
    await expect(alert).toContainText('Nothing was changed');
    const after = await agreement(page);
    expect(after.state).toEqual(before.state);
    expect(after.runs.config).toEqual(before.runs.config);
    expect(await page.evaluate(async (p) => Array.from(await window.backpropPlayground.predict(p)), xy)).toEqual(predBefore);
  });
}

// ---- your own data: the task is the user's, never inferred (issue 12 item 3) ---------------------

const ZERO_ONE = [[1, 1, 1], [2, 2, 0], [-1, -1, 1], [-2, -2, 0], [3, -1, 1], [-3, 1, 0]];
const ptsText = (pts) => pts.map((p) => p.join(',')).join(';');

test('a regression link whose targets happen to be 0 and 1 opens as a regression (needs the core\'s dataset.task)', async ({ page, consoleErrors }) => {
  await openPlayground(page, `dataset=custom&task=regress&pts=${ptsText(ZERO_ONE)}`);
  await expect(page.locator('.bp-msg-error')).toHaveCount(0);
  const a = await agreement(page);
  expect(a.state.dataset).toBe('custom');
  expect(a.state.customTask).toBe('regress');
  expect(a.state.customPoints).toEqual(ZERO_ONE);
  expect(a.sent.dataset.task).toBe('regress');
  expect(a.runs.knowsTask, 'the engine reads dataset.task').toBe(true);
  expect(a.runs.config.dataset.task).toBe('regress');
  expect(a.runs.classes).toBe(0);                      // a regression: no classes
  expect(await page.evaluate(() => window.backpropPlayground.frame().layout.classes)).toBe(0);
  await expect.poll(() => page.evaluate(() => window.location.hash)).toContain('task=regress');
  // and the regression's model file comes back as a regression
  const text = await page.evaluate(() => window.backpropPlayground.toJSON());
  await openPlayground(page, 'dataset=xor');
  await importText(page, 'regress.json', text);
  await expect(page.locator('.bp-msg-notice', { hasText: 'Loaded regress.json' })).toBeVisible();
  const b = await agreement(page);
  expect(b.state.customTask).toBe('regress');
  expect(b.state.customPoints).toEqual(ZERO_ONE);
});

test('a link the engine refuses keeps your own points (issue 12 item 3)', async ({ page, consoleErrors }) => {
  // (valid for the link parser; no engine takes a linear output for two classes)
  await openPlayground(page, `dataset=custom&task=classify&output=linear&pts=${ptsText(ZERO_ONE)}`);
  await expect(page.locator('.bp-msg-error')).toContainText('could not be used');
  await expect(page.locator('.bp-msg-error')).toContainText('6 points');
  const a = await agreement(page);
  expect(a.state.customPoints).toEqual(ZERO_ONE);      // kept, not dropped
  expect(a.state.dataset).toBe('circle');              // the engine runs the defaults meanwhile
  expect(a.runs.config.dataset.name).toBe('circle');
  // choosing "Your own data" brings them back, and the engine trains on them
  await page.locator('.bp-ds[data-name="custom"]').click();
  await expect.poll(async () => (await agreement(page)).runs.config.dataset.custom).toEqual(ZERO_ONE);
  expect((await agreement(page)).state.customPoints).toEqual(ZERO_ONE);
});


// ---- found by the monkey (monkey-playground.spec.js) ---------------------------------------------

// Seed 1: a feature switched on was appended to the state's list (x1sq, x2sq, x1) while the engine
// holds its features as a set, in its own order (x1, x1sq, x2sq): the state, the link and the
// engine disagreed, and switching a feature off and on again counted as a new network.
for (const [start, click, want] of [
  ['x1sq,x2sq', 'X₁', ['x1', 'x1sq', 'x2sq']],
  ['x2', 'X₁', ['x1', 'x2']],
  ['x2,sinx2', 'X₁X₂', ['x2', 'x1x2', 'sinx2']],
]) {
  test(`switching feature ${click} on ${start} keeps the engine's order of features (monkey seed 1)`, async ({ page, consoleErrors }) => {
    await openPlayground(page, `dataset=circle&hidden=3&features=${start}`);
    await page.locator('.bp-feature', { hasText: click }).first().click();
    await page.evaluate(() => window.backpropPlayground.idle());
    const a = await agreement(page);
    expect(a.state.features).toEqual(want);
    expect(a.runs.config.features).toEqual(want);
    expect(a.sent.features).toEqual(want);
    await expect.poll(() => page.evaluate(() => window.location.hash)).toContain(`features=${want.join(',')}&`);
    await expect.poll(() => page.evaluate(() => window.backpropPlayground.frame().layout.features)).toEqual(want);
  });
}

test('a feature switched off and on again is back in its place (monkey seed 1)', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=circle&hidden=3&features=x1,x2');
  const x1 = page.locator('.bp-feature', { hasText: 'X₁' }).first();
  await x1.click();
  await page.evaluate(() => window.backpropPlayground.idle());
  await x1.click();
  await page.evaluate(() => window.backpropPlayground.idle());
  const a = await agreement(page);
  expect(a.state.features).toEqual(['x1', 'x2']);
  expect(a.runs.config.features).toEqual(['x1', 'x2']);
});

// Seed 2: the gradient-norm chart (log scale) threw "Invalid array length" from uPlot's log-axis
// tick generator, which loops for ever on some decades below about 1e-15 (its increments are a
// table of rounded decimals; 10 / 1e26 is not the table's 1e-25, the next increment then rounds
// to 0). A 5-layer ReLU net at learning rate 10 has gradient norms of 1e-26 and less. The page's
// log axes now place their own ticks at decades.

/**
 * Draws the charts from histories whose gradient norms (and losses) run from lo to hi, one range
 * after another; for each, the errors thrown while drawing and the labels of the two log axes.
 */
async function logCharts(page, ranges, log = false) {
  return page.evaluate(async ([ranges, log]) => {
    const { ChartsView, History } = await import('/js/playground/views/charts.js');
    const view = new ChartsView();
    document.body.append(view.el);
    const out = [];
    const labels = (u) => (u.axes[1]._values || []).filter((v) => v !== '');
    try {
      for (const [lo, hi] of ranges) {
        const errors = [];
        const onError = (e) => { errors.push(e.message); e.preventDefault(); };
        window.addEventListener('error', onError);
        const history = new History();
        const n = 20;
        for (let i = 0; i < n; i++) {
          const g = lo * (hi / lo) ** (i / (n - 1));
          history.push({ step: i + 1, epoch: i, examples: 10 * i, trainLoss: g, testLoss: g, trainAccuracy: 0.5, testAccuracy: 0.5, learningRate: 10 }, [g, g, g]);
        }
        try {
          view.update(history, { layerCount: 3, classify: true, log });
          await view.loaded();   // (uPlot loads after the page's first frame)
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        } catch (e) {
          errors.push(e.message);
        }
        window.removeEventListener('error', onError);
        out.push({ lo, hi, errors, grad: labels(view.grad), loss: labels(view.loss) });
      }
    } finally {
      view.destroy();
      view.el.remove();
    }
    return out;
  }, [ranges, log]);
}

/** The decade exponents of axis labels ("1e-26", "0.01", "100"), or null for a label that is not one. */
const exponents = (labels) => labels.map((s) => {
  const x = Math.log10(Number(s));
  return Math.abs(x - Math.round(x)) < 1e-9 ? Math.round(x) : null;
});

test('gradient norms of 1e-26 draw a log axis with decade labels (monkey seed 2)', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=xor&hidden=2');
  // (the norms the monkey recorded: 4.3e-26 to 9.8e-16 in the first layers)
  const [r] = await logCharts(page, [[4.3e-26, 9.8e-16]]);
  expect(r.errors).toEqual([]);
  const e = exponents(r.grad);
  expect(e.length).toBeGreaterThanOrEqual(2);
  expect(e).not.toContain(null);
  expect(Math.min(...e)).toBeGreaterThanOrEqual(-26);   // within the data's decades, 1e-26 to 1e-15
  expect(Math.max(...e)).toBeLessThanOrEqual(-15);
});

test('a log axis at every decade from 1e-40 to 1e30 draws without an error (monkey seed 2)', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=xor&hidden=2');
  const ranges = [];
  for (let e = -40; e <= 30; e++) for (const span of [0.5, 2, 11]) ranges.push([3 * 10 ** e, 3 * 10 ** (e + span)]);
  ranges.push([5e-324, 1e-300], [1e-3, 1e300]);
  const failed = [];
  for (const r of await logCharts(page, ranges, true)) {
    const eg = exponents(r.grad);
    const el = exponents(r.loss);
    const inRange = (e) => e !== null && 10 ** e >= r.lo / 10 && 10 ** e <= r.hi * 10;
    if (r.errors.length || eg.length === 0 || !eg.every(inRange) || !el.every(inRange)) {
      failed.push(`${r.lo} to ${r.hi}: ${r.errors.join('; ')} [${r.grad}] [${r.loss}]`);
    }
  }
  expect(failed).toEqual([]);
});

// The recurrent page shortened file names in its messages and the static one did not (issue 10:
// a defect of the copies); both now show names through shared/files.js fileLabel.
test('an imported file with a long, odd name is named short and clean in the message (issue 10)', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=xor');
  const name = `${'a-very-long-model-name-'.repeat(9)}\u202e.json`;   // 208 characters and a bidi override
  await page.locator('input[type=file]').first().setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from('{"format":"nope"}') });
  const alert = page.locator('.bp-msg-error', { hasText: 'a-very-long-model-name' });
  await expect(alert).toBeVisible();
  const text = await alert.locator('.bp-msg-text').textContent();
  const shown = text.match(/Could not load (.*?): /)[1];
  expect([...shown].length).toBe(60);
  expect(shown.endsWith('…')).toBe(true);
  expect(text).not.toContain('\u202e');
  await expect(alert).toContainText('Nothing was changed');
});
