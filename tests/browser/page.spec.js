// The playground page in headless Chromium: loading, training, drawing, the URL, files,
// your own data, the keyboard, and what happens with bad input.
import { test, expect, openPlayground, waitForStats, stats, shot } from './helpers.js';

const SAMPLE = [[-4, -4], [-2, 3], [0.5, 0.5], [1.5, -2.5], [3, 3], [4.5, -1]].flat();

async function predict(page, xy = SAMPLE) {
  return page.evaluate(async (p) => Array.from(await window.backpropPlayground.predict(p)), xy);
}

/** Pauses and waits until the drawn frame shows the engine's current step. */
async function pauseAndSettle(page) {
  const play = page.locator('.bp-play-btn');
  if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
  await expect(play).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => page.evaluate(async () => {
    const hook = window.backpropPlayground;
    const s = await hook.engineStats();
    const f = hook.frame();
    return !f.playing && f.stats.step === s.step;
  })).toBe(true);
}

test('the page loads with no console errors and shows every part', async ({ page, consoleErrors, baseURL }) => {
  const remote = [];
  const local = new URL(baseURL).origin;
  page.on('request', (r) => { if (!(r.url().startsWith(`${local}/`) || /^(data:|blob:|about:)/.test(r.url()))) remote.push(r.url()); });
  await openPlayground(page);
  for (const sel of ['.bp-runbar', '.bp-hyper', '.bp-datasets', '.bp-net', '.bp-plot', '.bp-legend', '.bp-charts', '.bp-files']) {
    await expect(page.locator(sel)).toBeVisible();
  }
  // the data set thumbnails come from the engine's own generators
  await page.waitForFunction(() => {
    const c = document.querySelector('.bp-ds[data-name="spiral"] canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) if (d[i + 2] > 150 && d[i] < 60) return true;   // a blue point
    return false;
  });
  // every node's thumbnail is drawn from the engine's grid (none left blank)
  await page.waitForFunction(() => {
    const canvases = [...document.querySelectorAll('.bp-neuron canvas, .bp-output-node canvas')];
    return canvases.length === 7 && canvases.every((c) => c.width === window.backpropPlayground.frame().thumb);
  });
  // the CSP meta is there and strict
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toContain('unsafe-inline');
  expect(remote, 'everything is served locally (works offline)').toEqual([]);
  await page.screenshot({ path: shot('01-loaded.png'), fullPage: true });
  expect(consoleErrors).toEqual([]);
});

test('play on XOR reaches 95% test accuracy', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=xor');
  const t0 = Date.now();
  await page.locator('.bp-play-btn').click();
  const s = await waitForStats(page, (s) => s.testAccuracy >= 0.95, 30_000);
  const seconds = (Date.now() - t0) / 1000;
  test.info().annotations.push({ type: 'xor', description: `95% test accuracy after ${seconds.toFixed(1)} s, epoch ${Math.floor(s.epoch)}` });
  await expect(page.locator('.bp-epoch')).not.toHaveText('0');
  await page.screenshot({ path: shot('02-xor-trained.png') });
});

test('boundary pixels agree with the network\'s predictions', async ({ page, consoleErrors }) => {
  for (const hash of ['dataset=circle&hidden=4,2', 'dataset=spiral3&hidden=8,8', 'dataset=plane&hidden=3', 'dataset=xor&hidden=4&output=tanh&discretize=1']) {
    await openPlayground(page, `${hash}&speed=max`);
    await page.keyboard.press(' ');
    await waitForStats(page, (s) => s.epoch >= 20);
    await pauseAndSettle(page);
    const result = await page.evaluate(async () => {
      const hook = window.backpropPlayground;
      const colors = await import('/js/shared/colors.js');
      const f = hook.frame();
      const G = f.grid;
      const img = hook.heat().getContext('2d').getImageData(0, 0, G, G).data;
      const discretize = hook.state().discretize;
      const samples = [];
      for (let k = 0; k < 80; k++) samples.push([(k * 37 + 5) % G, (k * 91 + 13) % G]);
      // grid point (row r, column c): x = -6 + 12 c / (G - 1), y = 6 - 12 r / (G - 1)
      const xy = samples.flatMap(([r, c]) => [-6 + (12 * c) / (G - 1), 6 - (12 * r) / (G - 1)]);
      const pred = await hook.predict(xy);
      const K = f.layout.outputs;
      const mode = colors.outputMode(f.layout.output, f.layout.classes);
      const px = new Uint8ClampedArray(4);
      const bad = [];
      samples.forEach(([r, c], i) => {
        colors.fillHeatmap(pred.slice(i * K, (i + 1) * K), K, mode, discretize && f.layout.classes > 0, px);
        const o = (r * G + c) * 4;
        const d = Math.max(Math.abs(px[0] - img[o]), Math.abs(px[1] - img[o + 1]), Math.abs(px[2] - img[o + 2]));
        if (d > 3) bad.push({ r, c, want: Array.from(px.slice(0, 3)), got: Array.from(img.slice(o, o + 3)) });
      });
      // and the colour says the predicted class: blue side for class 1, orange side for class 0
      let classChecks = 0;
      if (mode === 'sigmoid' || mode === 'tanh') {
        samples.forEach(([r, c], i) => {
          const o = (r * G + c) * 4;
          const cls = colors.predictedClass(mode, pred, i);
          const v = mode === 'sigmoid' ? pred[i] - 0.5 : pred[i];
          if (Math.abs(v) < 0.05) return;   // too close to the boundary to tell by eye
          const blueSide = img[o + 2] > img[o];
          if (blueSide !== (cls === 1)) bad.push({ r, c, cls, rgb: Array.from(img.slice(o, o + 3)) });
          classChecks++;
        });
      }
      return { bad: bad.slice(0, 3), nbad: bad.length, mode, classChecks, n: samples.length, fstep: f.stats.step, step: (await hook.engineStats()).step, playing: f.playing, seq: f.seq, last: hook.frame().seq };
    });
    expect(result.nbad, `${hash} ${JSON.stringify(result)}`).toBe(0);
  }
});

test('a link reproduces the state, and the same seeds give the same network', async ({ page, context, consoleErrors }) => {
  await openPlayground(page);
  await page.locator('.bp-ds[data-name="moons"]').click();
  await page.locator('select[name="learningRate"]').selectOption('0.1');
  await page.locator('select[name="optimizer"]').selectOption('adam');
  await page.getByRole('button', { name: 'Add a hidden layer' }).click();
  await page.getByRole('button', { name: 'Add a neuron to layer 1' }).click();
  await page.getByRole('button', { name: /Input feature X₁X₂/ }).click();
  await page.locator('select[aria-label="Activation of hidden layer 2"]').selectOption('relu');
  await page.locator('input[name="showTest"]').check();
  await expect.poll(() => page.evaluate(() => window.location.hash)).toContain('test=1');
  await page.waitForFunction(() => window.backpropPlayground.frame().layout.hidden.length === 3);
  const url = page.url();
  const state = await page.evaluate(() => window.backpropPlayground.state());
  expect(state).toMatchObject({ dataset: 'moons', learningRate: 0.1, optimizer: 'adam', hidden: [5, 2, 2], showTest: true });
  expect(state.activations).toEqual(['tanh', 'relu', 'tanh']);
  expect(state.features).toEqual(['x1', 'x2', 'x1x2']);
  const before = await predict(page);

  const other = await context.newPage();
  await other.goto(url);
  await other.waitForFunction(() => window.backpropPlayground && window.backpropPlayground.frame());
  expect(await other.evaluate(() => window.backpropPlayground.state())).toEqual(state);
  expect(await predict(other)).toEqual(before);
  await expect(other.locator('.bp-msg-notice')).toHaveCount(0);
  // editing the hash of an open page applies it too
  await other.evaluate(() => { window.location.hash = 'dataset=circle&hidden=3&lr=0.3'; });
  await expect.poll(() => other.evaluate(() => window.backpropPlayground.frame().layout.hidden.map((l) => l.size))).toEqual([3]);
  expect(await other.evaluate(() => window.backpropPlayground.state().learningRate)).toBe(0.3);
  await other.close();
});

test('export then import of a model reproduces its predictions', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=spiral&hidden=6,6&speed=max&opt=adam&lr=0.01');
  await page.keyboard.press(' ');
  await waitForStats(page, (s) => s.epoch >= 50);
  await pauseAndSettle(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export model' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^backprop-spiral-6-6-epoch\d+\.json$/);
  const file = await download.path();
  const trained = await predict(page);
  const trainedState = await page.evaluate(() => window.backpropPlayground.state());

  await openPlayground(page, 'dataset=xor&hidden=2');
  expect(await predict(page)).not.toEqual(trained);
  await page.locator('.bp-files input[type="file"]').setInputFiles(file);
  await expect(page.locator('.bp-msg-notice', { hasText: 'Loaded' })).toBeVisible();
  expect(await predict(page)).toEqual(trained);
  const st = await page.evaluate(() => window.backpropPlayground.state());
  expect({ ...st, speed: trainedState.speed }).toEqual(trainedState);
  await page.waitForFunction(() => window.backpropPlayground.frame().layout.hidden.length === 2);
  await expect.poll(() => page.evaluate(() => window.location.hash)).toContain('hidden=6,6');
});

test('a bad model file shows a message and changes nothing', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=xor&hidden=3');
  const before = await predict(page);
  const beforeState = await page.evaluate(() => window.backpropPlayground.state());
  const files = [
    ['garbage.json', 'this is not json {'],
    ['array.json', '[1, 2, 3]'],
    ['wrong.json', JSON.stringify({ format: 'something else', config: {} })],
    ['truncated.json', (await page.evaluate(() => window.backpropPlayground.toJSON())).slice(0, 200)],
    ['hostile.json', JSON.stringify({ format: 'backprop-playground-model', version: 1, config: { network: { hidden: [4] } }, weights: [{ W: [[1e308, '<img src=x onerror=alert(1)>']] }] })],
  ];
  for (const [name, text] of files) {
    await page.locator('.bp-files input[type="file"]').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    const alert = page.locator('.bp-msg-error', { hasText: name });
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('Nothing was changed');
    expect(await predict(page)).toEqual(before);
    expect(await page.evaluate(() => window.backpropPlayground.state())).toEqual(beforeState);
  }
  expect(await page.locator('img').count()).toBe(0);   // nothing from a file became HTML
  await page.screenshot({ path: shot('06-bad-model-file.png') });
});

test('your own data: clicks add points of the chosen class, erase removes them', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=circle');
  await page.locator('.bp-ds[data-name="custom"]').click();
  // starts from the data on screen, so a data set can be edited
  await expect.poll(() => page.evaluate(() => window.backpropPlayground.state().customPoints.length)).toBe(500);
  await page.getByRole('button', { name: 'Clear all points' }).click();
  await expect(page.locator('.bp-custom-count')).toHaveText('0 points');
  const box = await page.locator('.bp-overlay').boundingBox();
  const at = (x, y) => [box.x + ((x + 6) / 12) * box.width, box.y + ((6 - y) / 12) * box.height];
  const clicks = [[-3, -3, 0], [-2, -4, 0], [3, 3, 1], [4, 2, 1], [0, 4, 2]];
  for (const [x, y, k] of clicks) {
    await page.getByRole('radio', { name: new RegExp(`^Class ${k}`) }).click();
    await page.mouse.click(...at(x, y));
  }
  await expect(page.locator('.bp-custom-count')).toHaveText('5 points');
  await page.waitForFunction(() => {
    const p = window.backpropPlayground.frame().points;
    return window.backpropPlayground.frame().layout.classes === 3;
  });
  const pts = await page.evaluate(() => {
    const f = window.backpropPlayground.frame();
    return window.backpropPlayground.state().customPoints;
  });
  expect(pts.length).toBe(5);
  clicks.forEach(([x, y, k], i) => {
    expect(Math.abs(pts[i][0] - x)).toBeLessThan(0.1);
    expect(Math.abs(pts[i][1] - y)).toBeLessThan(0.1);
    expect(pts[i][2]).toBe(k);
  });
  // the engine trains on them: 3 classes, softmax output
  const layout = await page.evaluate(() => window.backpropPlayground.frame().layout);
  expect(layout.output.activation).toBe('softmax');
  // drag paints a line of points
  await page.getByRole('radio', { name: /^Class 1/ }).click();
  await page.mouse.move(...at(-4, 0));
  await page.mouse.down();
  for (let x = -4; x <= 0; x += 0.25) await page.mouse.move(...at(x, 0));
  await page.mouse.up();
  const painted = await page.evaluate(() => window.backpropPlayground.state().customPoints.length);
  expect(painted).toBeGreaterThan(8);
  // erase around (3, 3)
  await page.getByRole('radio', { name: 'Erase' }).click();
  await page.mouse.click(...at(3, 3));
  await expect.poll(() => page.evaluate(() => window.backpropPlayground.state().customPoints.length)).toBeLessThan(painted);
  // the link carries the points
  await expect.poll(() => page.evaluate(() => window.location.hash)).toContain('pts=');
  await page.locator('.bp-play-btn').click();
  await waitForStats(page, (s) => s.epoch > 10);
  await page.screenshot({ path: shot('07-your-own-data.png') });
});

test('keyboard: space plays and pauses, s steps one epoch, r resets', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=gaussians&speed=30');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press(' ');
  await expect(page.locator('.bp-play-btn')).toHaveAttribute('aria-pressed', 'true');
  await waitForStats(page, (s) => s.epoch >= 3);
  await page.keyboard.press(' ');
  await expect(page.locator('.bp-play-btn')).toHaveAttribute('aria-pressed', 'false');
  await pauseAndSettle(page);
  const e0 = (await stats(page)).epoch;
  await page.keyboard.press('s');
  // epochs are examples / training-set size: 7.12 + 1 and 2030 / 250 differ in the last bit
  await waitForStats(page, (s) => Math.abs(s.epoch - (e0 + 1)) < 1e-9);
  await page.keyboard.press('r');
  await waitForStats(page, (s) => s.epoch === 0);
  await expect(page.locator('.bp-epoch')).toHaveText('0');
  // every control is reachable with tab and shows focus
  const seen = new Set();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      const cs = getComputedStyle(el);
      return { tag: el.tagName, name: el.getAttribute('aria-label') || el.name || el.textContent.trim().slice(0, 20), outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 };
    });
    if (info.tag !== 'BODY') expect(info.outline, `${info.tag} ${info.name} shows focus`).toBe(true);
    seen.add(info.name);
  }
  for (const name of ['Reset the network (r)', 'Play (space)', 'Train one epoch (s)', 'learningRate', 'optimizer', 'Two gaussians', 'Share link']) {
    expect([...seen], name).toContain(name);
  }
  // the data sets are one radio group: arrow keys move and choose
  await page.locator('.bp-ds[data-name="gaussians"]').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('.bp-ds[data-name="spiral"]')).toBeFocused();
  await expect(page.locator('.bp-ds[data-name="spiral"]')).toHaveAttribute('aria-checked', 'true');
});

test('a garbled link opens the defaults with a visible notice', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=xor&lr=fast&hidden=4,999&bogus=1&act=%E0%A4%A');
  const notices = page.locator('.bp-msg-notice');
  await expect(notices.filter({ hasText: '"lr=fast" is not valid' })).toBeVisible();
  await expect(notices.filter({ hasText: '"hidden=4,999" is not valid' })).toBeVisible();
  await expect(notices.filter({ hasText: 'Unknown setting "bogus"' })).toBeVisible();
  await expect(notices.filter({ hasText: 'garbled' })).toBeVisible();
  const st = await page.evaluate(() => window.backpropPlayground.state());
  expect(st.dataset).toBe('xor');
  expect(st.learningRate).toBe(0.03);
  expect(st.hidden).toEqual([4, 2]);
  // and the URL is rewritten to the state actually used
  await expect.poll(() => page.evaluate(() => window.location.hash)).toContain('lr=0.03');
  await page.screenshot({ path: shot('08-garbled-link.png') });
  // HTML in a link is shown as text, never parsed
  await openPlayground(page, `dataset=${encodeURIComponent('<img src=x onerror=alert(1)>')}`);
  await expect(page.locator('.bp-msg-notice').first()).toContainText('<img');
  expect(await page.locator('img').count()).toBe(0);
});

test('a diverging learning rate pauses training and explains what to do', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=plane&hidden=8&act=relu&lr=10&speed=max');
  await page.keyboard.press(' ');
  const alert = page.locator('.bp-msg-error', { hasText: 'diverged' });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('smaller learning rate');
  await expect(page.locator('.bp-play-btn')).toHaveAttribute('aria-pressed', 'false');
  const s = await stats(page);
  expect(s.diverged).toBe(true);
  // the page stays usable: the network diagram still draws finite weights
  const w = await page.evaluate(() => window.backpropPlayground.snapshot());
  expect(w.weights.every((a) => a.every(Number.isFinite))).toBe(true);
  await page.screenshot({ path: shot('09-diverged.png') });
  await alert.getByRole('button', { name: /smaller learning rate/ }).click();
  await expect(alert).toHaveCount(0);
  expect(await page.evaluate(() => window.backpropPlayground.state().learningRate)).toBe(1);
});

test('weights: hover shows the value, click edits it; hover a neuron shows its output', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=xor&hidden=3');
  const p = await page.evaluate(() => window.backpropPlayground.linkMidpoint(1, 2, 0));
  expect(p).not.toBeNull();
  await page.mouse.move(p.x, p.y);
  await expect(page.locator('.bp-tooltip')).toContainText('weight');
  await page.mouse.click(p.x, p.y);
  const input = page.locator('.bp-weight-input');
  await expect(input).toBeFocused();
  await input.fill('2.5');
  await input.press('Enter');
  await expect.poll(async () => (await page.evaluate(() => window.backpropPlayground.snapshot())).weights[1][2]).toBe(2.5);
  // hovering a neuron draws its output in the big plot
  await page.locator('.bp-node[data-node="3"]').hover();
  await expect(page.locator('.bp-plot-caption')).toHaveText('Showing layer 1, neuron 2');
  await page.screenshot({ path: shot('10-hover-neuron.png') });
  await page.mouse.move(5, 5);
  await expect(page.locator('.bp-plot-caption')).toBeHidden();
});

test('exports: PNG, CSV training log and a PyTorch script', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=circle&hidden=3&speed=max');
  await page.keyboard.press(' ');
  await waitForStats(page, (s) => s.epoch >= 30);
  await pauseAndSettle(page);
  const save = async (name) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
    const fs = await import('node:fs');
    return { name: d.suggestedFilename(), data: fs.readFileSync(await d.path()) };
  };
  const png = await save('Save PNG');
  expect(png.name).toMatch(/\.png$/);
  expect(png.data.subarray(1, 4).toString()).toBe('PNG');
  const csv = await save('Training log (CSV)');
  const lines = csv.data.toString().trim().split('\n');
  expect(lines[0]).toBe('epoch,step,examples,train_loss,test_loss,train_accuracy,test_accuracy,learning_rate,grad_norm_layer1,grad_norm_output');
  expect(lines.length).toBeGreaterThan(3);
  const py = await save('PyTorch script');
  const text = py.data.toString();
  expect(text).toContain('nn.Linear(2, 3)');
  expect(text).toContain('nn.Tanh()');
  expect(text).toContain('nn.Sigmoid()');
  const snap = await page.evaluate(() => window.backpropPlayground.snapshot());
  expect(text).toContain(String(snap.weights[0][0]));
});

test('phone-sized screen: the plot comes first and touch paints points', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/index.html#dataset=custom&pts=1,1,0;2,2,1;-3,-3,0');
  await page.waitForFunction(() => window.backpropPlayground && window.backpropPlayground.frame());
  const plot = await page.locator('.bp-plot').boundingBox();
  const net = await page.locator('.bp-net').boundingBox();
  expect(plot.y).toBeLessThan(net.y);
  expect(plot.width).toBeGreaterThan(300);
  expect(plot.y + plot.height, 'the whole plot is on the first screen').toBeLessThanOrEqual(844);
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(390);
  await page.locator('.bp-overlay').tap({ position: { x: plot.width * 0.8, y: plot.height * 0.2 } });
  await expect(page.locator('.bp-custom-count')).toHaveText('4 points');
  await page.screenshot({ path: shot('11-phone.png'), fullPage: true });
  expect(errors).toEqual([]);
  await context.close();
});

test('without the engine the page says how to get it, and nothing else breaks', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/engine/backprop.mjs', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/index.html#dataset=xor');
  const alert = page.locator('.bp-msg-error');
  await expect(alert).toContainText('could not start');
  await expect(alert).toContainText('npm run build');
  await expect(alert).toHaveCount(1);
  await page.locator('.bp-play-btn').click();   // does nothing, throws nothing
  expect(errors).toEqual([]);
});

test('settings the engine rejects fall back to the defaults with a message', async ({ page, consoleErrors }) => {
  // valid for the link parser, but no engine accepts softmax on a regression data set
  await openPlayground(page, 'dataset=plane&output=softmax');
  await expect(page.locator('.bp-msg-error')).toContainText('could not be used');
  expect(await page.evaluate(() => window.backpropPlayground.state().dataset)).toBe('circle');
});
