// Embedding: the <backprop-playground> element (several on one page, each with its own worker)
// and the iframe mode of index.html.
import { test, expect, shot } from './helpers.js';

/** Stats of a custom element's playground (its own test hook). */
function elementStats(page, id) {
  return page.evaluate((sel) => {
    const el = document.getElementById(sel);
    const f = el && el.testHook && el.testHook.frame();
    return f ? { ...f.stats, hidden: f.layout.hidden.map((l) => l.size), features: f.layout.features, playing: f.playing } : null;
  }, id);
}

/** Off-screen playgrounds keep training but draw nothing: bring one into view first. */
async function show(page, id) {
  await page.locator(`#${id}`).scrollIntoViewIfNeeded();
}

test('the tutorial embeds three differently configured playgrounds that all work', async ({ page, consoleErrors }) => {
  await page.goto('/tutorial.html');
  for (const id of ['pg-xor', 'pg-circle', 'pg-deep']) {
    await page.waitForFunction((sel) => !!document.getElementById(sel).testHook?.frame(), id);
  }
  // 1: XOR, [4, 4], minimal controls, autoplay: it trains and learns
  await show(page, 'pg-xor');
  await expect.poll(async () => (await elementStats(page, 'pg-xor')).testAccuracy, { timeout: 20_000 }).toBeGreaterThan(0.9);
  const xor = await elementStats(page, 'pg-xor');
  expect(xor.hidden).toEqual([4, 4]);
  // 2: circle, no hidden layer, squared features, no controls, autoplay
  await show(page, 'pg-circle');
  await expect.poll(async () => (await elementStats(page, 'pg-circle')).epoch).toBeGreaterThan(5);
  const circle = await elementStats(page, 'pg-circle');
  expect(circle.hidden).toEqual([]);
  expect(circle.features).toEqual(['x1sq', 'x2sq']);
  // 3: deep sigmoid from a state attribute, full controls, paused
  const deep = await elementStats(page, 'pg-deep');
  expect(deep.hidden).toEqual([8, 8, 8, 8, 8]);
  expect(deep.epoch).toBe(0);
  expect(deep.playing).toBe(false);

  // controls: minimal shows the run bar but not the data panel; none shows neither
  const visible = (id, sel) => page.evaluate(([i, s]) => {
    const el = document.getElementById(i).shadowRoot.querySelector(s);
    return !!el && el.getClientRects().length > 0;
  }, [id, sel]);
  expect(await visible('pg-xor', '.bp-play-btn')).toBe(true);
  expect(await visible('pg-xor', '.bp-datasets')).toBe(false);
  expect(await visible('pg-circle', '.bp-play-btn')).toBe(false);
  expect(await visible('pg-circle', '.bp-plot')).toBe(true);
  expect(await visible('pg-deep', '.bp-datasets')).toBe(true);

  // instances are independent: playing the third does not touch the others' settings
  await show(page, 'pg-deep');
  await page.locator('#pg-deep').locator('.bp-play-btn').click();
  await expect.poll(async () => (await elementStats(page, 'pg-deep')).epoch).toBeGreaterThan(2);
  expect((await elementStats(page, 'pg-xor')).hidden).toEqual([4, 4]);

  // keyboard shortcuts act on the focused instance only
  await page.locator('#pg-deep').locator('.bp-play-btn').click();   // pause
  await expect.poll(async () => (await elementStats(page, 'pg-deep')).playing).toBe(false);
  await page.locator('#pg-deep').locator('.bp-plot').click();
  await page.keyboard.press('r');
  await expect.poll(async () => (await elementStats(page, 'pg-deep')).epoch).toBe(0);
  await show(page, 'pg-xor');
  await expect.poll(async () => (await elementStats(page, 'pg-xor')).epoch).toBeGreaterThan(10);

  // the iframe mode
  const frame = page.frameLocator('#pg-iframe');
  await expect(frame.locator('.bp-plot')).toBeVisible();
  await expect(frame.locator('.bp-datasets')).toBeHidden();
  await page.locator('#pg-iframe').scrollIntoViewIfNeeded();
  await page.screenshot({ path: shot('20-tutorial.png'), fullPage: true });
});

test('elements added and removed at run time start and stop their own engines', async ({ page, consoleErrors }) => {
  await page.goto('/tutorial.html');
  await page.waitForFunction(() => !!document.getElementById('pg-xor').testHook?.frame());
  const made = await page.evaluate(async () => {
    const a = document.createElement('backprop-playground');
    a.id = 'dyn-a';
    a.setAttribute('dataset', 'gaussians');
    a.setAttribute('hidden', '2');
    a.setAttribute('controls', 'none');
    a.setAttribute('autoplay', '');
    const b = document.createElement('backprop-playground');
    b.id = 'dyn-b';
    b.setAttribute('dataset', 'spiral3');
    b.setAttribute('lr', 'nonsense');
    b.setAttribute('colour', 'red');
    document.body.append(a, b);
    return true;
  });
  expect(made).toBe(true);
  await page.waitForFunction(() => ['dyn-a', 'dyn-b'].every((id) => document.getElementById(id).testHook?.frame()));
  await show(page, 'dyn-a');
  await expect.poll(async () => (await elementStats(page, 'dyn-a')).epoch).toBeGreaterThan(1);
  expect((await elementStats(page, 'dyn-b')).epoch).toBe(0);
  // invalid attributes show notices inside the element, and fall back to defaults
  const notes = await page.evaluate(() => Array.from(document.getElementById('dyn-b').shadowRoot.querySelectorAll('.bp-msg-notice'), (n) => n.textContent));
  expect(notes.join(' ')).toContain('"lr=nonsense" is not valid');
  expect(notes.join(' ')).toContain('Unknown attribute "colour"');
  // removing an element ends its worker: its hook goes away, the other keeps training
  await page.evaluate(() => document.getElementById('dyn-a').remove());
  await page.waitForTimeout(200);
  expect(await page.evaluate(() => document.getElementById('dyn-a'))).toBeNull();
  await show(page, 'pg-xor');
  const xor0 = (await elementStats(page, 'pg-xor')).epoch;
  await expect.poll(async () => (await elementStats(page, 'pg-xor')).epoch).toBeGreaterThan(xor0);
});

test('iframe mode accepts only the documented options', async ({ page, consoleErrors }) => {
  await page.goto('/index.html?embed=1&controls=none&autoplay=1&evil=<b>x</b>#dataset=xor&hidden=3');
  await page.waitForFunction(() => window.backpropPlayground?.frame());
  await expect(page.locator('.page-header')).toBeHidden();
  await expect(page.locator('.bp-top')).toBeHidden();
  await expect(page.locator('.bp-msg-notice', { hasText: 'Unknown page option "evil"' })).toBeVisible();
  await expect.poll(async () => (await page.evaluate(() => window.backpropPlayground.stats())).epoch).toBeGreaterThan(1);
  expect(await page.locator('b').count()).toBe(0);
});

test('explain mode works inside an embedded element, with its own keys', async ({ page, consoleErrors }) => {
  await page.goto('/tutorial.html');
  await page.waitForFunction(() => !!document.getElementById('pg-deep').testHook?.frame());
  await show(page, 'pg-deep');
  const el = page.locator('#pg-deep');
  await el.locator('.bp-explain-btn').click();
  await expect(el.locator('.bp-x-bar')).toBeVisible();
  await expect(el.locator('.bp-panel-explain')).toBeVisible();
  await page.waitForFunction(() => {
    const s = document.getElementById('pg-deep').testHook.explain.state();
    return s.trace && !s.busy;
  });
  // the stylesheet reached the shadow root: the notes are laid out as explain mode draws them
  await expect(el.locator('.bp-node-note:not(:empty)').first()).toBeVisible();
  expect(await el.locator('.bp-x-phase.bp-current').evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(0, 114, 178)');
  await el.locator('.bp-x-next').click();
  await page.keyboard.press('n');   // the element has the focus: its shortcuts act on it
  await expect.poll(() => page.evaluate(() => document.getElementById('pg-deep').testHook.explain.state().index)).toBe(2);
  // the other playgrounds are not explaining
  expect(await page.evaluate(() => document.getElementById('pg-xor').testHook.explain.state().active)).toBe(false);
  await page.keyboard.press('Escape');
  await expect(el.locator('.bp-x-bar')).toBeHidden();
});
