// The digits page's views on their demo page (web/test/digits-views.html: synthetic data, no
// engine; a seeded untrained W4 CNN's true trace, made-up codes). Each view draws; its pixels are
// the colours of the numbers it was given (expected colours from colors.js and the ink formula
// here, positions from the layout rules written out below); the sums it prints match sums
// computed here in plain loops; its clicks and hovers call the callbacks with the right values.
// Screenshots: tests/browser/screenshots/digits-views-*.png.
import { test, expect, shot } from './helpers.js';
import { divergingRGB, lutIndex } from '../../web/js/shared/colors.js';

const OPEN = async (page) => {
  await page.goto('/test/digits-views.html');
  await page.waitForFunction(() => window.dvDemo && window.dvDemo.ready);
};
/** RGBA of one CSS pixel of the n-th canvas under `selector` (devicePixelRatio 1 here). */
const pixel = (page, selector, n, x, y) => page.evaluate(([s, k, px, py]) => {
  const c = document.querySelectorAll(s)[k];
  return [...c.getContext('2d').getImageData(px, py, 1, 1).data];
}, [selector, n, x, y]);
const expectedDiverging = (v, vmax) => divergingRGB((lutIndex(v / vmax) / 255) * 2 - 1, 1);
// ink on paper: 0 white (255), 1 the ink colour (20, 24, 30), linear in between
const ink = (v) => [20, 24, 30].map((k) => Math.round(255 + (k - 255) * Math.min(1, Math.max(0, v))));
const num = (text) => Number(text.replace(/−/g, '-'));
const calls = (page, name) => page.evaluate((n) => window.dvDemo.calls.filter((c) => c.name === n).map((c) => c.arg), name);

test('filters: a conv weight is drawn in its colour, a click selects it for the explain view', async ({ page, consoleErrors }) => {
  await OPEN(page);
  const W = await page.evaluate(() => [...window.dvDemo.cnn.weights['conv1.W']]);
  const vmax = Math.max(...W.map(Math.abs));
  // conv1: 8 filters of 1 channel, 5×5: cells of ⌊48/5⌋ = 9 px, tiles 45 px, 3 px apart, a 1 px
  // border and 13 px of labels on top: filter o starts at x = 1 + 48·o, y = 14.
  // K[o=3, c=0, i=1, j=2] is W[((0·5 + 1)·5 + 2)·8 + 3] = W[59]; its cell centre (x 145+18+4, y 14+9+4)
  const x = 1 + 48 * 3 + 2 * 9 + 4; const y = 14 + 9 + 4;
  expect((await pixel(page, '#filters .dv-grid', 0, x, y)).slice(0, 3)).toEqual(expectedDiverging(W[59], vmax));
  expect((await pixel(page, '#filters .dv-grid', 0, 1 + 48 * 5 + 4 * 9 + 4, 14 + 4 * 9 + 4)).slice(0, 3))
    .toEqual(expectedDiverging(W[((0 * 5 + 4) * 5 + 4) * 8 + 5], vmax));
  await page.locator('#filters .dv-grid').first().click({ position: { x, y } });
  expect(await calls(page, 'selectWeight')).toEqual([{ layer: 0, name: 'conv1.W', o: 3, c: 0, i: 1, j: 2, index: 59 }]);
  const edge = await pixel(page, '#filters .dv-grid', 0, 1 + 48 * 3 + 2 * 9 + 1, 14 + 9 + 4);  // the outline's dark stroke
  expect(edge[0]).toBeLessThan(40);
  await expect(page.locator('#explain .dv-panel').first().locator('h4')).toContainText('K[o=3, c=0, i=1, j=2]');
  // keyboard: focus the grid, → moves the cursor to j = 3, Enter picks K[3, 0, 1, 3] = W[((0·5 + 1)·5 + 3)·8 + 3]
  await page.locator('#filters .dv-grid').first().focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  expect((await calls(page, 'selectWeight')).at(-1)).toEqual({ layer: 0, name: 'conv1.W', o: 3, c: 0, i: 1, j: 3, index: 67 });
  // new weights for the same network (a training step) repaint in place: the focused canvas stays
  await page.evaluate(() => {
    const d = window.dvDemo;
    window.dvKeep = document.activeElement;
    const flipped = Object.fromEntries(Object.entries(d.cnn.weights).map(([k, w]) => [k, w.map((v) => -v)]));
    d.views.filters.update({ layers: d.cnn.layers, weights: flipped, imageShape: { rows: 28, cols: 28 } });
  });
  expect(await page.evaluate(() => document.activeElement === window.dvKeep && window.dvKeep.tagName)).toBe('CANVAS');
  expect((await pixel(page, '#filters .dv-grid', 0, 1 + 48 * 5 + 4 * 9 + 4, 14 + 4 * 9 + 4)).slice(0, 3))
    .toEqual(expectedDiverging(-W[((0 * 5 + 4) * 5 + 4) * 8 + 5], vmax));
  // the MLP's dense weights: unit h's image is column h of W (784, 32), 28×28 at 2 px a pixel
  const D = await page.evaluate(() => [...window.dvDemo.mlp.weights['dense1.W']]);
  const unit = (h) => Array.from({ length: 784 }, (_, p) => D[p * 32 + h]);
  const u1 = unit(1); const m1 = Math.max(...u1.map(Math.abs));
  // unit 1 starts at x = 1 + 1·(56 + 3) = 60, y = 1; pixel (r 10, c 12) at (60 + 24, 1 + 20)
  expect((await pixel(page, '#filters-mlp .dv-grid', 0, 60 + 24, 1 + 20)).slice(0, 3)).toEqual(expectedDiverging(u1[10 * 28 + 12], m1));
  await page.locator('#filters').screenshot({ path: shot('digits-views-filters.png') });
  await page.locator('#filters-mlp').screenshot({ path: shot('digits-views-filters-mlp.png') });
  expect(consoleErrors).toEqual([]);
});

test('feature maps: every layer, δ maps in explain mode, ink of the input, a click picks a map', async ({ page, consoleErrors }) => {
  await OPEN(page);
  await expect(page.locator('#maps .dv-layer')).toHaveCount(10);      // the input and 9 layers
  await expect(page.locator('#maps .dv-delta')).toHaveCount(8);       // input, layers 0–5 and 7 (flatten not redrawn, softmax fused)
  await expect(page.locator('#maps .dv-fused')).toHaveCount(1);
  const input = await page.evaluate(() => [...window.dvDemo.cnn.trace.input]);
  // the input: 3 px a pixel (⌊84/28⌋), 1 px border; pixel (r, c) centred at (2 + 3c, 2 + 3r)
  for (const [r, c] of [[5, 14], [20, 10], [0, 0], [14, 14]]) {
    const got = await pixel(page, '#maps .dv-grid', 0, 2 + 3 * c, 2 + 3 * r);
    expect(got.slice(0, 3)).toEqual(ink(input[r * 28 + c]));
  }
  // layer 3 (conv2, 16×14×14): tiles 56 px (4 px a cell), 8 a row, 3 apart: channel 5 at x = 1 + 5·59
  await page.locator('#maps section[data-layer="3"] .dv-grid').first().click({ position: { x: 1 + 5 * 59 + 20, y: 21 } });
  expect(await calls(page, 'selectMap')).toEqual([{ layer: 3, channel: 5, kind: 'conv2d', text: 'conv2d 8→16 5×5 same' }]);
  await expect(page.locator('#maps section[data-layer="3"]')).toHaveClass(/dv-selected/);
  await page.locator('#maps').screenshot({ path: shot('digits-views-maps.png') });
  await page.evaluate(() => window.dvDemo.views.maps.setExplain(false));
  await expect(page.locator('#maps .dv-delta')).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test('conv explain: the weight sum, the full convolution and the pool routing match sums done here', async ({ page, consoleErrors }) => {
  await OPEN(page);
  const t = await page.evaluate(() => {
    const { trace, weights } = window.dvDemo.cnn;
    return { x: [...trace.input], d0: [...trace.layers[0].delta], W: [...weights['conv1.W']], a1: [...trace.layers[1].output], d2: [...trace.layers[2].delta] };
  });
  // conv1: 5×5 same (p = 2), stride 1, 28×28. ∂L/∂K[o,0,i,j] = Σ_y Σ_x X[y+i−2, x+j−2]·δ[o,y,x]
  const dK = (o, i, j) => {
    let s = 0;
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
      const u = y + i - 2; const v = x + j - 2;
      if (u >= 0 && v >= 0 && u < 28 && v < 28) s += t.x[u * 28 + v] * t.d0[o * 784 + y * 28 + x];
    }
    return s;
  };
  const panel1 = page.locator('#explain .dv-panel').nth(0);
  const sum1 = num(await panel1.locator('.dv-check').first().locator('.dv-check-value').textContent());
  expect(Math.abs(sum1 - dK(2, 1, 3))).toBeLessThan(1e-6 * Math.abs(dK(2, 1, 3)) + 1e-9);
  await expect(panel1.locator('.dv-ok')).toHaveCount(1);   // the engine's gradient agrees
  // click kernel cell (i 0, j 4) of the 40 px cells
  await panel1.locator('.dv-numgrid').first().click({ position: { x: 4 * 40 + 20, y: 20 } });
  expect((await calls(page, 'explainSelect')).at(-1)).toMatchObject({ layer: 0, o: 2, c: 0, i: 0, j: 4, index: (0 * 5 + 4) * 8 + 2 });
  const sum2 = num(await panel1.locator('.dv-check').first().locator('.dv-check-value').textContent());
  expect(Math.abs(sum2 - dK(2, 0, 4))).toBeLessThan(1e-6 * Math.abs(dK(2, 0, 4)) + 1e-9);
  // panel 2: ∂L/∂X[0,u,v] = Σ_o Σ_y Σ_x δ[o,y,x]·K[o,0,u−y+2, v−x+2] at the pixel it shows
  const panel2 = page.locator('#explain .dv-panel').nth(1);
  const [, u, v] = /at \((\d+), (\d+)\)/.exec(await panel2.locator('.dv-caption', { hasText: 'under the window' }).textContent()).map(Number);
  let dx = 0;
  for (let o = 0; o < 8; o++) for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
    const i = u - y + 2; const j = v - x + 2;
    if (i >= 0 && j >= 0 && i < 5 && j < 5) dx += t.d0[o * 784 + y * 28 + x] * t.W[((0 * 5 + i) * 5 + j) * 8 + o];
  }
  const shown = num(await panel2.locator('.dv-check').first().locator('.dv-check-value').textContent());
  expect(Math.abs(shown - dx)).toBeLessThan(1e-6 * Math.abs(dx) + 1e-9);
  await expect(panel2.locator('.dv-ok')).toHaveCount(1);
  // panel 3: max-pool of relu1 (8×28×28), channel 2: the window's max and the δ routed to it
  const panel3 = page.locator('#explain .dv-panel').nth(2);
  const cap = await panel3.locator('.dv-caption', { hasText: 'window (' }).textContent();
  const [, a, b] = /window \((\d+), (\d+)\): max = ([−\d.e]+)/.exec(cap);
  const top = 2 * 784 + 2 * Number(a) * 28 + 2 * Number(b);
  const win = [t.a1[top], t.a1[top + 1], t.a1[top + 28], t.a1[top + 29]];
  expect(cap).toContain(`max = ${Number(Math.max(...win).toPrecision(4))}`);
  const dShown = num(await panel3.locator('.dv-fig-total').textContent());
  const dTrue = t.d2[2 * 196 + Number(a) * 14 + Number(b)];
  expect(Math.abs(dShown - dTrue)).toBeLessThan(5e-4 * Math.abs(dTrue) + 1e-12);
  await expect(panel3.locator('.dv-ok')).toHaveCount(1);
  // the filter menu by keyboard: the choice is made, the menu keeps the focus
  const menu = panel1.locator('select[data-menu="filter o"]');
  await menu.focus();
  await menu.selectOption('5');
  expect((await calls(page, 'explainSelect')).at(-1)).toMatchObject({ o: 5, i: 0, j: 4 });
  expect(await page.evaluate(() => document.activeElement.dataset.menu)).toBe('filter o');
  await panel1.locator('select[data-menu="filter o"]').selectOption('2');
  // a central difference passed in for the selected weight is shown and judged: close ✓, off ✗;
  // an update while the menu has focus waits until the focus leaves, then draws the new numbers
  const setNumeric = (factor) => page.evaluate((f) => {
    const d = window.dvDemo; const g = d.cnn.gradients['conv1.W'][(0 * 5 + 4) * 8 + 2];
    d.views.explain.update({ trace: d.cnn.trace, weights: d.cnn.weights, gradients: d.cnn.gradients, rows: 28, cols: 28,
      numericGradient: { layer: 0, o: 2, c: 0, i: 0, j: 4, value: g * f } });
  }, factor);
  await setNumeric(1 + 1e-8);
  await expect(panel1.locator('.dv-check', { hasText: 'central difference' })).toHaveCount(0);
  await page.evaluate(() => document.activeElement.blur());
  await expect(panel1.locator('.dv-check', { hasText: 'central difference' }).locator('.dv-ok')).toHaveCount(1);
  await setNumeric(1.01);
  await expect(panel1.locator('.dv-check', { hasText: 'central difference' }).locator('.dv-bad')).toContainText('rel. diff 0.0099');
  await setNumeric(1 + 1e-8);
  await page.locator('#explain').screenshot({ path: shot('digits-views-explain.png') });
  expect(consoleErrors).toEqual([]);
});

test('code scatter: hover decodes the point under the pointer, two clicks make a strip', async ({ page, consoleErrors }) => {
  await OPEN(page);
  const base = page.locator('#scatter .dv-scatter-top');
  await base.scrollIntoViewIfNeeded();
  const box = await base.boundingBox();
  expect(Math.round(box.width)).toBe(380);
  // plane ↔ pixel: x = xmin + (px − 10)/(380 − 20)·(xmax − xmin), y = ymax − (py − 10)/360·(ymax − ymin)
  const axes = await page.evaluate(() => window.dvDemo.views.scatter.plot.axes);
  const px = 250; const py = 120;
  await page.mouse.move(box.x + px, box.y + py);
  await expect.poll(async () => (await calls(page, 'decode')).length).toBeGreaterThan(1);   // the first is the centre, on update
  const [x, y] = (await calls(page, 'decode')).at(-1);
  expect(x).toBeCloseTo(axes.xmin + ((px - 10) / 360) * (axes.xmax - axes.xmin), 6);
  expect(y).toBeCloseTo(axes.ymax - ((py - 10) / 360) * (axes.ymax - axes.ymin), 6);
  await expect(page.locator('#scatter .dv-code-side .dv-caption')).toContainText('decode(');
  // the preview shows that image: 4 px a pixel (⌊112/28⌋); check its darkest pixel
  const img = await page.evaluate(([a, b]) => [...window.dvDemo.codes.decode(a, b)], [x, y]);
  const k = img.indexOf(Math.max(...img));
  const got = await pixel(page, '#scatter .dv-preview canvas', 0, (k % 28) * 4 + 2, Math.floor(k / 28) * 4 + 2);
  expect(got.slice(0, 3)).toEqual(ink(img[k]));
  // click on test digits 10 and 20 exactly: they snap (index, label) and ask for a strip
  const at = await page.evaluate(() => {
    const s = window.dvDemo.views.scatter;
    return [10, 20].map((n) => s.plot.toPixel(s.codes[2 * n], s.codes[2 * n + 1]));
  });
  await page.mouse.click(box.x + at[0][0], box.y + at[0][1]);
  await page.mouse.click(box.x + at[1][0], box.y + at[1][1]);
  const picks = await calls(page, 'pick');
  expect(picks.map((p) => p.which)).toEqual(['a', 'b']);
  const labels = await page.evaluate(() => [...window.dvDemo.codes.labels]);
  const inter = (await calls(page, 'interpolate')).at(-1);
  expect([inter.aIndex, inter.bIndex].map((n) => labels[n])).toEqual([labels[picks[0].index], labels[picks[1].index]]);
  await expect(page.locator('#interp .dv-note')).toContainText(`A (a ${labels[inter.aIndex]})`);
  // the strip's middle image (t = 0.5 of 9) is decode of the midpoint; tile 4 at x = 1 + 4·(56 + 10)
  const mid = await page.evaluate(({ a, b }) => [...window.dvDemo.codes.decode((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)], inter);
  const km = mid.indexOf(Math.max(...mid));
  const gm = await pixel(page, '#interp canvas', 0, 1 + 4 * 66 + (km % 28) * 2 + 1, 1 + Math.floor(km / 28) * 2 + 1);
  expect(gm.slice(0, 3)).toEqual(ink(mid[km]));
  // keyboard: off the plane, focus it; → moves the point 2% of the x range from the centre, Enter picks
  await page.mouse.move(box.x + box.width + 40, box.y - 20);
  await base.focus();
  await page.keyboard.press('ArrowRight');
  await expect.poll(async () => (await calls(page, 'decode')).at(-1)[0]).toBeCloseTo((axes.xmin + axes.xmax) / 2 + 0.02 * (axes.xmax - axes.xmin), 6);
  expect((await calls(page, 'decode')).at(-1)[1]).toBeCloseTo((axes.ymin + axes.ymax) / 2, 6);
  await page.keyboard.press('Enter');
  expect((await calls(page, 'pick')).at(-1).which).toBe('a');
  await page.locator('#scatter .dv-chip').nth(3).click();
  await expect(page.locator('#scatter .dv-chip').nth(3)).toHaveAttribute('aria-pressed', 'true');
  await page.locator('#scatter').screenshot({ path: shot('digits-views-scatter.png') });
  await page.locator('#interp').screenshot({ path: shot('digits-views-interp.png') });
  expect(consoleErrors).toEqual([]);
});

test('reconstructions and the PCA baseline: grid, errors, bars and sentence', async ({ page, consoleErrors }) => {
  await OPEN(page);
  // 10 digits of 56 px, 6 apart, after 112 px of row names: 112 + 10·56 + 9·6 + 2 = 728 wide;
  // 16 + 2·56 + 6 + 14 + 2 = 150 high (three rows for denoising: 212)
  const size = (s) => page.evaluate((q) => { const c = document.querySelector(q); return [c.width, c.height]; }, s);
  expect(await size('#recon canvas')).toEqual([728, 150]);
  expect(await size('#denoise canvas')).toEqual([728, 212]);
  const mse = await page.evaluate(() => {
    const v = window.dvDemo.views.recon;
    return v.errors.mean;
  });
  await expect(page.locator('#recon .dv-note')).toContainText(`mean ${Number(mse.toPrecision(3))} here; test set 0.0381`);
  const [ae, pca] = await page.locator('#pca .dv-bar').evaluateAll((bars) => bars.map((b) => b.getBoundingClientRect().width));
  expect(ae / pca).toBeCloseTo(0.0381 / 0.0556, 2);
  await expect(page.locator('#pca .dv-sentence')).toContainText('31% less squared error');   // 1 − 0.0381/0.0556 = 0.315
  await expect(page.locator('#pca .dv-legend:visible')).toHaveCount(1);
  for (const id of ['recon', 'denoise', 'pca']) await page.locator(`#${id}`).screenshot({ path: shot(`digits-views-${id}.png`) });
  await page.screenshot({ path: shot('digits-views-page.png'), fullPage: true });
  expect(consoleErrors).toEqual([]);
});

test('on the real engine (MNIST, a few seconds of training): the explain checks agree, the views draw', async ({ page, consoleErrors }) => {
  test.setTimeout(180_000);
  await page.goto('/test/digits-views.html?engine');
  await page.waitForFunction(() => window.dvDemo && window.dvDemo.ready, null, { timeout: 100_000 });
  // the sum over positions = the engine's gradient; Σ_o full convolutions = the engine's δ below;
  // the routed δ = the engine's δ of the pool's input
  await expect(page.locator('#explain .dv-ok')).toHaveCount(3);
  await expect(page.locator('#explain .dv-bad')).toHaveCount(0);
  await expect(page.locator('#maps .dv-layer')).toHaveCount(10);
  await expect(page.locator('#denoise')).toBeHidden();
  const { ae, pca } = await page.evaluate(() => ({ ae: window.dvDemo.codes.aeMse, pca: window.dvDemo.codes.pcaMse }));
  expect(ae).toBeGreaterThan(0);
  expect(pca).toBeGreaterThan(0);
  await expect(page.locator('#pca .dv-bar-value').first()).toHaveText(String(Number(ae.toPrecision(4))));
  for (const id of ['filters', 'filters-mlp', 'maps', 'explain', 'scatter', 'interp', 'recon', 'pca']) {
    await page.locator(`#${id}`).screenshot({ path: shot(`digits-views-engine-${id}.png`) });
  }
  // UCI 8×8: the same checks on small images, and with no selection given the view explains the
  // weight with the largest |∂L/∂K| (its sum is not 0)
  await page.goto('/test/digits-views.html?engine=uci');
  await page.waitForFunction(() => window.dvDemo && window.dvDemo.ready, null, { timeout: 100_000 });
  await expect(page.locator('#explain .dv-ok')).toHaveCount(3);
  await expect(page.locator('#explain .dv-bad')).toHaveCount(0);
  await page.evaluate(() => {
    const d = window.dvDemo;
    d.views.explain.select(null);
    d.views.explain.update({ trace: d.cnn.trace, weights: d.cnn.weights, gradients: d.cnn.gradients, rows: 8, cols: 8 });
  });
  const total = num(await page.locator('#explain .dv-check-value').first().textContent());
  expect(Math.abs(total)).toBeGreaterThan(0);
  await expect(page.locator('#explain .dv-ok')).toHaveCount(3);
  await page.locator('#explain').screenshot({ path: shot('digits-views-engine-uci-explain.png') });
  // a stride-2 'same' conv, an average pool, a 'valid' conv and an odd-sized max-pool input: the
  // three checks agree with the engine for both conv layers (stride 2: δ spread out, then the same)
  const counts = await page.evaluate(async () => {
    const { default: create } = await import('/engine/backprop-digits.mjs');
    const m = await create();
    const bytes = new Uint8Array(await (await fetch('/data/mnist-10k.bpimg')).arrayBuffer());
    const cfg = m.defaultImageConfig('cnn', 'mnist', 'relu');
    cfg.model.layers = [{ type: 'conv2d', filters: 4, kernel: 3, stride: 2, padding: 'same' }, { type: 'relu' }, { type: 'avg_pool' },
      { type: 'conv2d', filters: 6, kernel: 3, padding: 'valid' }, { type: 'relu' }, { type: 'max_pool' }, { type: 'flatten' },
      { type: 'dense', units: 10 }, { type: 'softmax' }];
    const s = new m.ImageSession(cfg, bytes);
    s.step(20);
    const t = s.trace(s.testImage(1).slice(), s.testLabels()[1]);
    const names = s.params().map((p) => p.name).filter((n) => n.endsWith('.W'));
    const weights = Object.fromEntries(names.map((n) => [n, s.param(n).slice()]));
    const gradients = Object.fromEntries(names.map((n) => [n, s.paramGradient(n).slice()]));
    s.delete();
    const v = window.dvDemo.views.explain;
    const out = [];
    for (const layer of [0, 3]) {
      v.update({ trace: t, weights, gradients, rows: 28, cols: 28, selection: { layer, o: 1, c: 0, i: 1, j: 1 } });
      out.push([document.querySelectorAll('#explain .dv-ok').length, document.querySelectorAll('#explain .dv-bad').length,
        document.querySelector('#explain .dv-formula').textContent.includes(layer ? 'y+i, x+j' : '2y+i−1, 2x+j−1')]);
    }
    return out;
  });
  expect(counts).toEqual([[3, 0, true], [3, 0, true]]);
  await page.locator('#explain').screenshot({ path: shot('digits-views-engine-stride2-explain.png') });
  expect(consoleErrors).toEqual([]);
});

test('phone width: the views fit or scroll inside their own boxes', async ({ page, consoleErrors }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await OPEN(page);
  const wide = await page.evaluate(() => [...document.querySelectorAll('main *')].filter((e) => {
    const r = e.getBoundingClientRect();
    if (r.right <= window.innerWidth + 0.5) return false;
    for (let p = e.parentElement; p; p = p.parentElement) if (getComputedStyle(p).overflowX === 'auto') return false;
    return true;
  }).map((e) => `${e.tagName}.${e.className}`));
  expect(wide).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.locator('#explain').screenshot({ path: shot('digits-views-phone-explain.png') });
  expect(consoleErrors).toEqual([]);
});
