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
