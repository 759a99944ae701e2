// The digits page (web/digits.html) in headless Chromium: loading, training an MLP from a fixed
// seed on MNIST, drawing a "1" and a "0" with mouse strokes and seeing them recognized, the
// confusion-matrix click, the CNN layer editor's message for shapes that do not fit, the URL
// round trip, a bad model import, the autoencoder views and a phone layout. Screenshots go to
// tests/browser/screenshots/ (5x-*.png) for a person to look at.
import { test, expect, shot } from './helpers.js';
import { parseState, serializeState, engineConfig } from '../../web/js/digits/state.js';

async function openDigits(page, hash = '') {
  if (page.url() !== 'about:blank') await page.goto('about:blank');
  await page.goto(`/digits.html${hash ? `#${hash}` : ''}`);
  await page.waitForFunction(() => !!(window.__digits && window.__digits.frame() && window.__digits.frame().figures), null, { timeout: 30_000 });
}

async function figures(page) {
  return page.evaluate(() => window.__digits.figures());
}

async function waitFor(page, predicate, timeout = 30_000) {
  const t0 = Date.now();
  for (;;) {
    const f = await page.evaluate(() => {
      const fr = window.__digits.frame();
      return { stats: fr.stats, figures: fr.figures, playing: fr.playing };
    });
    if (predicate(f)) return f;
    if (Date.now() - t0 > timeout) throw new Error(`condition not met within ${timeout} ms: ${predicate} (last: ${JSON.stringify(f)})`);
    await page.waitForTimeout(100);
  }
}

async function pause(page) {
  await page.evaluate(() => window.__digits.pause());
  await expect.poll(() => page.evaluate(() => window.__digits.frame().playing)).toBe(false);
}

/** Draws strokes with the mouse: each stroke a list of [x, y] in 0..1 of the pad. */
async function drawStrokes(page, strokes) {
  await page.locator('.dg-pad').scrollIntoViewIfNeeded();
  const box = await page.locator('.dg-pad').boundingBox();
  for (const s of strokes) {
    const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
    await page.mouse.move(...at(s[0]));
    await page.mouse.down();
    for (let i = 1; i < s.length; i++) await page.mouse.move(...at(s[i]), { steps: 4 });
    await page.mouse.up();
  }
}

/** A "1": one stroke down the middle, slightly slanted. */
const ONE = [[[0.52, 0.18], [0.5, 0.5], [0.48, 0.84]]];
/** A "0": an ellipse. */
const ZERO = [Array.from({ length: 33 }, (_, i) => {
  const a = (i / 32) * 2 * Math.PI;
  return [0.5 + 0.22 * Math.sin(a), 0.5 - 0.32 * Math.cos(a)];
})];

/** The probabilities the page shows for the drawing once its answer arrived. */
async function answer(page) {
  await expect.poll(() => page.evaluate(() => window.__digits.probabilities() !== null)).toBe(true);
  await page.waitForTimeout(300);
  return page.evaluate(() => window.__digits.probabilities());
}

const argmax = (p) => p.indexOf(Math.max(...p));

test('the digits page loads with no console errors and shows every part', async ({ page, consoleErrors }) => {
  await openDigits(page);
  for (const sel of ['.bp-runbar', '.dg-switches', '.dg-panel-draw', '.dg-panel-train', '.dg-panel-confusion', '.dg-panel-gallery', '.dg-panel-views', '.bp-files']) {
    await expect(page.locator(sel).first()).toBeVisible();
  }
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).not.toContain('unsafe-inline');
  await expect(page.getByRole('link', { name: 'Static networks' })).toHaveAttribute('href', 'index.html');
  await expect(page.getByRole('link', { name: 'Recurrent networks' })).toHaveAttribute('href', 'recurrent.html');
  // ... and the other two pages link here
  for (const other of ['index.html', 'recurrent.html']) {
    expect(await (await page.request.get(`/${other}`)).text()).toContain('<a href="digits.html">Handwritten digits</a>');
  }
  // the default is the W4 CNN of the issue, as the engine built it
  const info = await page.evaluate(() => window.__digits.info());
  expect(info.layers.map((l) => l.kind)).toEqual(['conv2d', 'activation', 'max_pool', 'conv2d', 'activation', 'max_pool', 'flatten', 'dense', 'activation']);
  expect(info.image).toEqual({ rows: 28, cols: 28 });
  // space plays and pauses (as on the other pages)
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press(' ');
  await expect.poll(() => page.evaluate(() => window.__digits.playing())).toBe(true);
  await page.keyboard.press(' ');
  await expect.poll(() => page.evaluate(() => window.__digits.frame().playing)).toBe(false);
  // an empty drawing is a message, not an error
  await expect(page.locator('.dg-draw-message')).toContainText('Draw a digit');
  const unlabeled = await page.evaluate(() => [...document.querySelectorAll('select, input')]
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && el.type !== 'file').map((el) => el.name || el.id));
  expect(unlabeled).toEqual([]);
  await page.screenshot({ path: shot('50-digits-loaded.png'), fullPage: true });
});

test('an MLP trained from a fixed seed on MNIST reads a drawn 1 and 0; the confusion matrix opens a cell', async ({ page, consoleErrors }) => {
  test.setTimeout(120_000);
  await openDigits(page, 'model=mlp&aug=1&wseed=1&tseed=1');
  // play trains in the worker: the counter and the curves move
  const t0 = Date.now();
  await page.locator('.bp-play-btn').click();
  await waitFor(page, (x) => x.stats.step >= 100 && x.playing);
  await pause(page);
  const rate = (await page.evaluate(() => window.__digits.stats().step)) / ((Date.now() - t0) / 1000);
  // then exactly to step 1000 (the weights at a step do not depend on how the steps were split)
  const st = await page.evaluate(() => window.__digits.trainTo(1000));
  expect(st.step).toBe(1000);
  const fig = await page.evaluate(() => window.__digits.evaluate());
  console.log(`MLP 784-128-10 (augment ±2, seeds 1): test accuracy ${(fig.test.accuracy * 100).toFixed(2)}% at step ${fig.step} (epoch ${st.epoch.toFixed(1)}); ${rate.toFixed(0)} steps/s while playing`);
  expect(fig.step).toBe(1000);
  expect(fig.test.accuracy).toBeGreaterThanOrEqual(0.93);
  await expect.poll(() => page.evaluate(() => window.__digits.figures().step)).toBe(1000);

  await drawStrokes(page, ONE);
  const p1 = await answer(page);
  console.log('drawn 1:', p1.map((p) => p.toFixed(3)).join(' '));
  expect(argmax(p1)).toBe(1);
  await expect(page.locator('.dg-answer')).toContainText('reads a 1');
  // the input as the network sees it: ink inside, centred by mass near (14, 14)
  const px = await page.evaluate(() => window.__digits.inputPixels());
  expect(px.length).toBe(784);
  let m = 0; let cx = 0; let cy = 0;
  px.forEach((v, i) => { m += v; cx += v * ((i % 28) + 0.5); cy += v * (Math.floor(i / 28) + 0.5); });
  expect(Math.abs(cx / m - 14)).toBeLessThan(0.6);
  expect(Math.abs(cy / m - 14)).toBeLessThan(0.6);
  const latency = await page.evaluate(() => window.__digits.drawLatencyMs());
  console.log(`drawing to probabilities: ${latency.toFixed(1)} ms`);
  await page.screenshot({ path: shot('51-digits-one.png'), fullPage: false });

  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page.locator('.dg-draw-message')).toContainText('Draw a digit');
  await drawStrokes(page, ZERO);
  const p0 = await answer(page);
  console.log('drawn 0:', p0.map((p) => p.toFixed(3)).join(' '));
  expect(argmax(p0)).toBe(0);
  // undo takes the stroke back: empty again, a message and no error
  await page.keyboard.press('u');
  await expect(page.locator('.dg-draw-message')).toContainText('Draw a digit');
  await drawStrokes(page, ZERO);
  await answer(page);
  await page.screenshot({ path: shot('52-digits-zero.png'), fullPage: false });

  // the confusion matrix: a cell's count is the number of digits it shows (up to 60)
  const cell = page.locator('.dg-cm-cell[data-t="4"][data-p="9"]');
  const count = Number((await cell.textContent()) || '0');
  await cell.click();
  await expect(page.locator('.dg-panel-confusion .dg-gallery-box .dg-note')).toContainText(count === 0 ? 'No test digit' : `${count} 4s read as 9`);
  await expect(page.locator('.dg-panel-confusion .dg-tile')).toHaveCount(Math.min(60, count));
  const diag = page.locator('.dg-cm-cell[data-t="1"][data-p="1"]');
  const ones = Number(await diag.textContent());
  expect(ones).toBeGreaterThan(150);
  await diag.click();
  await expect(page.locator('.dg-panel-confusion .dg-gallery-box .dg-note')).toContainText(`${ones} 1s read correctly`);
  await expect(page.locator('.dg-panel-confusion .dg-tile')).toHaveCount(60);
  // the matrix's counts are the engine's: its diagonal over the total is the test accuracy
  const cm = await page.evaluate(() => [...document.querySelectorAll('.dg-cm-cell')].map((c) => Number(c.textContent || 0)));
  const right = cm.filter((_, i) => i % 11 === 0).reduce((a, b) => a + b, 0);
  const all = cm.reduce((a, b) => a + b, 0);
  expect(all).toBe(2000);
  const last = await figures(page);
  expect(right / all).toBeCloseTo(last.test.accuracy, 10);
  await page.locator('.dg-panel-confusion').screenshot({ path: shot('53-digits-confusion.png') });
  await page.screenshot({ path: shot('54-digits-trained.png'), fullPage: true });
});

test('the W4 CNN trained from a fixed seed to step 1000 reads a drawn 1 and 0', async ({ page, consoleErrors }) => {
  test.setTimeout(120_000);
  await openDigits(page, 'model=cnn&aug=1');
  const st = await page.evaluate(() => window.__digits.trainTo(1000));
  expect(st.step).toBe(1000);
  const fig = await page.evaluate(() => window.__digits.evaluate());
  console.log(`W4 CNN (augment ±2, seeds 1): test accuracy ${(fig.test.accuracy * 100).toFixed(2)}% at step 1000`);
  expect(fig.test.accuracy).toBeGreaterThanOrEqual(0.97);
  await drawStrokes(page, ONE);
  expect(argmax(await answer(page))).toBe(1);
  await page.keyboard.press('c');
  await expect(page.locator('.dg-draw-message')).toContainText('Draw a digit');
  await drawStrokes(page, ZERO);
  expect(argmax(await answer(page))).toBe(0);
  await page.keyboard.press('e');
  await page.waitForTimeout(500);
  await page.screenshot({ path: shot('5a-digits-cnn.png'), fullPage: true });
});

test('the CNN layer editor: a stack whose shapes do not fit gets the engine\'s message and changes nothing', async ({ page, consoleErrors }) => {
  await openDigits(page, 'data=uci&model=cnn&conv=8-5-valid-none');
  const before = await page.evaluate(() => window.__digits.info().layers.map((l) => l.text));
  expect(before[0]).toBe('conv2d 1→8 5×5 valid');
  const hash0 = await page.evaluate(() => window.location.hash);
  // a 9×9 valid kernel on the 8×8 UCI digits: larger than its input
  await page.locator('.dg-le-row[data-row="0"] select').nth(1).selectOption('9');
  await expect(page.locator('.dg-le-error')).toContainText('layer 0');
  await expect(page.locator('.dg-le-error')).toContainText('larger than its');
  await expect(page.locator('.bp-msg-error').first()).toContainText('That change could not be made');
  await page.evaluate(() => window.__digits.idle());
  const after = await page.evaluate(() => window.__digits.info().layers.map((l) => l.text));
  expect(after).toEqual(before);
  expect(await page.evaluate(() => window.location.hash)).toBe(hash0);
  await page.locator('.dg-panel-views').scrollIntoViewIfNeeded();
  await page.locator('.dg-top').screenshot({ path: shot('55-digits-layer-error.png') });
  // a layer that fits: the engine's list of layers follows
  await page.getByRole('button', { name: '+ conv layer' }).click();
  await page.evaluate(() => window.__digits.idle());
  await expect(page.locator('.dg-le-error')).toBeEmpty();
  const layers = await page.evaluate(() => window.__digits.info().layers.filter((l) => l.kind === 'conv2d').length);
  expect(layers).toBe(2);
});

test('the URL round trip: settings in the hash rebuild the same engine config', async ({ page, consoleErrors }) => {
  await openDigits(page);
  await page.evaluate(() => window.__digits.update({ model: 'cnn', convs: [{ filters: 4, kernel: 3, padding: 'same', pool: 'avg' }], head: 32, learningRate: 0.003, batchSize: 64, augment: true, maxShift: 1, netSeed: 7 }));
  await page.evaluate(() => window.__digits.idle());
  await expect.poll(() => page.evaluate(() => window.location.hash)).toContain('conv=4-3-same-avg');
  const hash = await page.evaluate(() => window.location.hash);
  const state = await page.evaluate(() => window.__digits.state());
  const engine = await page.evaluate(() => window.__digits.engineConfig());
  // the hash parses back to the same state in Node, with no notice
  const parsed = parseState(hash);
  expect(parsed.notices).toEqual([]);
  expect(parsed.state).toEqual(state);
  expect(`#${serializeState(state)}`).toBe(hash);
  const share = await page.evaluate(() => window.__digits.shareURL());
  expect(new URL(share).hash).toBe(hash);
  await page.getByRole('button', { name: 'Share link' }).click();
  await expect(page.locator('.bp-share-status')).toHaveText(/Link copied\.|Copy the link from the box\./);
  if (await page.locator('.bp-share-url').isVisible()) expect(await page.locator('.bp-share-url').inputValue()).toBe(share);
  // a fresh page from the link: the same state and the same network
  await openDigits(page, hash.slice(1));
  expect(await page.evaluate(() => window.__digits.state())).toEqual(state);
  const engine2 = await page.evaluate(() => window.__digits.engineConfig());
  expect(engine2.config.model.layers).toEqual(engine.config.model.layers);
  expect(engine2.config.training).toEqual(engine.config.training);
  expect(engine.config.model.layers.map((l) => l.type)).toEqual(engineConfig(state).model.layers.map((l) => l.type));
  expect(engine.config.model.seed).toBe(7);
  // a broken link opens a working page and says what was wrong
  await page.goto('about:blank');
  await page.goto('/digits.html#data=uci&model=rnn&lr=abc&zoom=2');
  await expect(page.locator('.bp-msg-notice')).toHaveCount(3);
  await expect(page.locator('.bp-msg-notice', { hasText: '"model=rnn" is not valid' })).toHaveCount(1);
  await expect(page.locator('.bp-msg-notice', { hasText: 'Unknown setting "zoom"' })).toHaveCount(1);
  await page.waitForFunction(() => !!(window.__digits && window.__digits.frame()), null, { timeout: 30_000 });
  expect(await page.evaluate(() => window.__digits.state().model)).toBe('cnn');
});

test('model files: export and import round trip; a bad or foreign file gives a message and changes nothing', async ({ page, consoleErrors }) => {
  await openDigits(page, 'data=uci&model=mlp&hidden=32');
  await page.locator('.bp-round-btn[aria-label^="Train one step"]').click();
  await page.keyboard.press('s');
  await expect.poll(() => page.evaluate(() => window.__digits.stats().step)).toBe(2);
  const text = await page.evaluate(() => window.__digits.saveModel());
  const stateBefore = await page.evaluate(() => window.__digits.state());
  const msg = page.locator('.bp-msg-error').last();
  for (const [bad, why] of [
    ['not json {', 'not valid JSON'],
    [JSON.stringify({ format: 'backprop-playground-sequence-model', version: 1 }), 'recurrent network'],
    [text.replace('"hidden"', '"hidden"').replace(/"units":32/, '"units":33'), ''],
  ]) {
    const ok = await page.evaluate(([t]) => window.__digits.importModelText(t, 'bad.json'), [bad]);
    expect(ok).toBe(false);
    await expect(msg).toContainText('Could not load "bad.json"');
    await expect(msg).toContainText('Nothing was changed');
    if (why) await expect(msg).toContainText(why);
    expect(await page.evaluate(() => window.__digits.state())).toEqual(stateBefore);
    expect(await page.evaluate(() => window.__digits.stats().step)).toBe(2);
  }
  await page.locator('.bp-messages').screenshot({ path: shot('56-digits-bad-import.png') });
  // a good file from another setting: the page takes its settings and its step
  await page.evaluate(() => window.__digits.update({ hidden: [64] }));
  await page.evaluate(() => window.__digits.idle());
  const ok = await page.evaluate((t) => window.__digits.importModelText(t, 'm.json'), text);
  expect(ok).toBe(true);
  expect((await page.evaluate(() => window.__digits.state())).hidden).toEqual([32]);
  expect(await page.evaluate(() => window.__digits.saveModel())).toBe(text);
  // the export button saves the same file
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export model' }).click()]);
  expect(download.suggestedFilename()).toBe('digits-uci-mlp-step2.json');
  // the PyTorch script of the same network
  const py = await page.evaluate(() => window.__digits.pytorchText());
  expect(py).toContain('nn.Linear(64, 32)');
  expect(py).toContain('nn.Linear(32, 10)');
});

test('the autoencoder: codes of the test digits, a click on the plane decodes, PCA beside it', async ({ page, consoleErrors }) => {
  test.setTimeout(90_000);
  await openDigits(page, 'data=uci&model=autoencoder&lr=0.003');
  await expect(page.locator('.dg-panel-confusion')).toBeHidden();
  await expect(page.locator('.dg-views-ae')).toBeVisible();
  await page.locator('.bp-play-btn').click();
  await waitFor(page, (x) => x.figures && x.stats.epoch >= 20, 60_000);
  await pause(page);
  const f = await page.evaluate(() => window.__digits.evaluate());
  console.log(`UCI autoencoder 64-128-2-128-64: test MSE ${f.test.reconstructionMse.toFixed(4)} at step ${f.step}`);
  expect(f.test.reconstructionMse).toBeLessThan(0.06);
  await page.waitForTimeout(800);
  // a click on the plane decodes that point; two clicks make an interpolation strip
  const plane = page.locator('.dg-view-code .dv-scatter-stack canvas').last();
  await plane.scrollIntoViewIfNeeded();
  const caption = page.locator('.dg-view-code .dv-caption').first();
  await plane.click({ position: { x: 60, y: 80 } });
  await expect(caption).toContainText('decode(');
  const first = await caption.textContent();
  await plane.click({ position: { x: 200, y: 220 } });
  await expect(caption).not.toHaveText(first);
  await expect(page.locator('.dg-view-strip canvas')).not.toHaveCount(0);
  await page.locator('.dg-panel-views').screenshot({ path: shot('57-digits-autoencoder.png') });
  // drawing into an autoencoder: its reconstruction, no class probabilities
  await drawStrokes(page, ZERO);
  await expect(page.locator('.dg-img-title').last()).toContainText('reconstruction');
  await expect(page.locator('.dg-probs-box')).toBeHidden();
  // denoising: noise on the input is a training setting (the network stays); the views show the noisy inputs
  const before = await page.evaluate(() => window.__digits.stats().step);
  await page.locator('select[name="noise"]').selectOption('0.3');
  await page.evaluate(() => window.__digits.idle());
  expect(await page.evaluate(() => window.__digits.stats().step)).toBe(before);
  expect((await page.evaluate(() => window.__digits.engineConfig())).config.training.noise).toBe(0.3);
  await page.keyboard.press('s');
  await expect(page.locator('.dg-view-recon')).toContainText('noisy');
  await page.locator('.dg-view-recon').screenshot({ path: shot('57-digits-denoising.png') });
});

test('phone layout: the panels stack, the pad fills the width and touch draws', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openDigits(page, 'data=uci&model=mlp');
  const pad = await page.locator('.dg-pad').boundingBox();
  expect(pad.width).toBeGreaterThan(300);
  const draw = await page.locator('.dg-panel-draw').boundingBox();
  const train = await page.locator('.dg-panel-train').boundingBox();
  expect(train.y).toBeGreaterThan(draw.y + draw.height - 1);   // stacked, not side by side
  const scrollW = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollW).toBeLessThanOrEqual(392);
  await page.locator('.dg-pad').tap({ position: { x: pad.width / 2, y: pad.height / 2 } });
  await expect.poll(() => page.evaluate(() => window.__digits.inputPixels() !== null)).toBe(true);
  await page.screenshot({ path: shot('58-digits-phone.png'), fullPage: true });
  expect(errors).toEqual([]);
  await context.close();
});

test('explain mode on a conv layer: the sum over positions, the engine\'s gradient and a central difference agree', async ({ page, consoleErrors }) => {
  await openDigits(page, 'data=uci&model=cnn&conv=4-3-same-max');
  for (let i = 0; i < 30; i++) await page.keyboard.press('s');
  await expect.poll(() => page.evaluate(() => window.__digits.stats().step)).toBe(30);
  await drawStrokes(page, ZERO);
  await answer(page);
  await page.keyboard.press('e');
  const checks = page.locator('.dg-view-explain .dv-checks').first();
  await expect(checks).toContainText('central difference');
  const values = await checks.locator('.dv-check-value').allTextContents();
  const nums = values.map((t) => Number(t.replace('−', '-')));
  expect(nums.length).toBe(3);
  for (const v of nums.slice(1)) expect(Math.abs(v - nums[0])).toBeLessThanOrEqual(1e-5 * Math.max(1e-3, Math.abs(nums[0])));
  expect(nums[0]).not.toBe(0);
  await page.locator('.dg-panel-views').scrollIntoViewIfNeeded();
  await page.locator('.dg-panel-views').screenshot({ path: shot('59-digits-explain.png') });
});

// Figures for the README (not part of the default run: BP_DIGITS_FIGURES=1): the W4 CNN trained by
// the page for 60 s from seed 1, without and with the ±2 px shifts.
test('figures: the W4 CNN after 60 s of training on the page', async ({ page, consoleErrors }) => {
  test.skip(!process.env.BP_DIGITS_FIGURES, 'set BP_DIGITS_FIGURES=1 to measure');
  test.setTimeout(300_000);
  for (const aug of [0, 1]) {
    await openDigits(page, `model=cnn&aug=${aug}`);
    const t0 = Date.now();
    await page.locator('.bp-play-btn').click();
    await page.waitForTimeout(60_000);
    await pause(page);
    const s = await page.evaluate(() => window.__digits.stats());
    const f = await page.evaluate(() => window.__digits.evaluate());
    console.log(`W4 CNN, augment ${aug ? '±2 px' : 'off'}: ${(f.test.accuracy * 100).toFixed(2)}% on the 2,000 test digits after ${((Date.now() - t0) / 1000).toFixed(0)} s (step ${s.step}, epoch ${s.epoch.toFixed(2)})`);
  }
});
