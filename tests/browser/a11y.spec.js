// Accessibility audit of every page with axe-core (node_modules/axe-core), in headless Chromium:
// the playground, the recurrent page in both modes, the digits page with each of its three
// models, the playground in explain mode, and the tutorial with its embedded elements (open
// shadow roots, which axe descends into) and its iframe. A violation of impact 'serious' or
// 'critical' fails the test; moderate and minor ones are printed in the log.
//
// The pages' CSP (script-src 'self') blocks the inline script that addScriptTag({ path }) would
// write, so axe is served from the page's own origin instead: a route answers /__axe.min.js from
// node_modules, and each frame loads it with a plain <script src>. The CSP stays in force, so the
// audit sees the page exactly as a visitor does.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect, openPlayground } from './helpers.js';

const AXE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/axe-core/axe.min.js');
const AXE_URL = '/__axe.min.js';
const FAILING = new Set(['serious', 'critical']);

test.beforeEach(async ({ page }) => {
  await page.route(`**${AXE_URL}`, (route) => route.fulfill({ path: AXE, contentType: 'text/javascript' }));
});

/** A line per violation: id, impact, help and the first few targets (shadow paths joined by >>>). */
function describe(v) {
  const where = v.targets.map((t) => t.map((s) => (Array.isArray(s) ? s.join(' >>> ') : s)).join(' | ')).join(', ');
  return `[${v.impact}] ${v.id}: ${v.help} (${v.count} node${v.count === 1 ? '' : 's'}: ${where}) ${v.summary}`;
}

/**
 * Runs axe on the page (and, through axe's frame messaging, on its iframes) and returns its
 * violations and the number of passing nodes inside each shadow root and iframe, by host.
 */
async function audit(page) {
  for (const frame of page.frames()) {
    await frame.addScriptTag({ url: AXE_URL });
    await frame.waitForFunction(() => !!window.axe);
  }
  return page.evaluate(async () => {
    // (hidden panels, e.g. the other mode's, are skipped by axe: only what is shown is audited)
    // (no preload: the CSSOM preload copies shadow roots' style sheets into inline <style>s, which
    // the CSP refuses with a console error; it serves only the css-orientation-lock rule)
    const r = await window.axe.run(document, { preload: false });
    const targets = (nodes) => nodes.slice(0, 4).map((n) => n.target);
    const shadowPasses = {};
    for (const p of r.passes) {
      for (const n of p.nodes) {
        // a node in a shadow root is [[host, ..., node]]; one in an iframe is [iframe, node]
        const t = n.target[0];
        const host = Array.isArray(t) && t.length > 1 ? t[0] : n.target.length > 1 ? t : null;
        if (host) shadowPasses[host] = (shadowPasses[host] || 0) + 1;
      }
    }
    return {
      violations: r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, count: v.nodes.length, targets: targets(v.nodes),
        summary: v.nodes[0].failureSummary.replace(/\s+/g, ' '),
      })),
      shadowPasses,
    };
  });
}

/** Prints every violation, and fails on the serious and critical ones. */
function check(name, result) {
  const lines = result.violations.map(describe);
  console.log(`a11y ${name}: ${lines.length ? `\n  ${lines.join('\n  ')}` : 'no violations'}`);
  const failing = result.violations.filter((v) => FAILING.has(v.impact)).map(describe);
  expect(failing, `serious or critical axe violations on ${name}`).toEqual([]);
}

async function openAndWait(page, url, ready) {
  if (page.url() !== 'about:blank') await page.goto('about:blank');
  await page.goto(url);
  await page.waitForFunction(ready, null, { timeout: 30_000 });
}

test('the playground has no serious accessibility violations', async ({ page, consoleErrors }) => {
  await openPlayground(page);
  check('index.html', await audit(page));
});

test('the playground editing a weight has no serious accessibility violations', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=xor&hidden=3');
  const p = await page.evaluate(() => window.backpropPlayground.linkMidpoint(1, 2, 0));
  await page.mouse.click(p.x, p.y);
  await expect(page.locator('.bp-weight-input')).toBeFocused();
  check('index.html (weight editor)', await audit(page));
});

test('the playground in explain mode has no serious accessibility violations', async ({ page, consoleErrors }) => {
  await openPlayground(page, 'dataset=xor&hidden=3,2&seed=2&wseed=3');
  await page.evaluate(() => window.__playground.explain.open());
  await expect(page.locator('.bp-x-bar')).toBeVisible();
  const p = await page.evaluate(() => window.__playground.points().train.slice(0, 2));
  await page.evaluate(([x, y]) => window.__playground.explain.pick(x, y), p);
  await expect.poll(() => page.evaluate(() => {
    const s = window.__playground.explain.state();
    return !!s.trace && !s.busy;
  })).toBe(true);
  // the backward phase, with a link's chain rule open: the fullest the explain panel gets
  await page.evaluate(() => window.__playground.explain.phase('backward'));
  await page.evaluate(() => window.__playground.explain.chainRule(0, 0, 0));
  await expect.poll(() => page.evaluate(() => !window.__playground.explain.state().busy)).toBe(true);
  await page.getByRole('button', { name: 'Run gradient check' }).click();
  await expect(page.locator('.bp-x-gc-table tbody tr').first()).toBeVisible();
  check('index.html (explain)', await audit(page));
});

for (const [name, hash] of [['sequences', ''], ['fixed point', 'mode=fp']]) {
  test(`the recurrent page (${name}) has no serious accessibility violations`, async ({ page, consoleErrors }) => {
    await openAndWait(page, `/recurrent.html${hash ? `#${hash}` : ''}`, () => !!(window.__recurrent && window.__recurrent.frame()));
    await page.evaluate(() => window.__recurrent.pause());
    check(`recurrent.html#${hash}`, await audit(page));
  });
}

test('the recurrent page stepping through BPTT has no serious accessibility violations', async ({ page, consoleErrors }) => {
  await openAndWait(page, '/recurrent.html#task=adding&len=12', () => !!(window.__recurrent && window.__recurrent.frame()));
  await page.evaluate(() => window.__recurrent.pause());
  await page.keyboard.press('b');
  await expect(page.locator('.rc-walk')).toBeVisible();
  for (let i = 0; i < 3; i++) await page.keyboard.press('n');
  check('recurrent.html (BPTT walk)', await audit(page));
});

for (const model of ['mlp', 'cnn', 'autoencoder']) {
  test(`the digits page (${model}) has no serious accessibility violations`, async ({ page, consoleErrors }) => {
    await openAndWait(page, `/digits.html#model=${model}`, () => !!(window.__digits && window.__digits.frame() && window.__digits.frame().figures));
    await page.evaluate(() => window.__digits.pause());
    check(`digits.html#model=${model}`, await audit(page));
  });
}

test('the digits page with a drawn digit, explain mode and a cell\'s digits has no serious accessibility violations', async ({ page, consoleErrors }) => {
  await openAndWait(page, '/digits.html#data=uci&model=cnn&conv=4-3-same-max', () => !!(window.__digits && window.__digits.frame() && window.__digits.frame().figures));
  await page.evaluate(() => window.__digits.pause());
  for (let i = 0; i < 20; i++) await page.keyboard.press('s');
  await expect.poll(() => page.evaluate(() => window.__digits.stats().step)).toBe(20);
  // a stroke down the pad (a "1"), then explain mode and the digits of one confusion cell
  await page.locator('.dg-pad').scrollIntoViewIfNeeded();
  const box = await page.locator('.dg-pad').boundingBox();
  await page.mouse.move(box.x + 0.52 * box.width, box.y + 0.18 * box.height);
  await page.mouse.down();
  await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.84 * box.height, { steps: 8 });
  await page.mouse.up();
  await expect.poll(() => page.evaluate(() => window.__digits.probabilities() !== null)).toBe(true);
  await page.keyboard.press('e');
  await expect(page.locator('.dg-view-explain .dv-checks').first()).toContainText('central difference');
  await page.locator('.dg-cm-cell[data-t="1"][data-p="1"]').click();
  check('digits.html (drawn, explain, cell)', await audit(page));
});

test('the tutorial, its embedded elements and its iframe have no serious accessibility violations', async ({ page, consoleErrors }) => {
  const ids = ['pg-xor', 'pg-circle', 'pg-deep'];
  await page.goto('/tutorial.html');
  for (const id of ids) await page.waitForFunction((sel) => !!document.getElementById(sel).testHook?.frame(), id);
  const frame = page.frameLocator('#pg-iframe');
  await expect(frame.locator('.bp-plot')).toBeVisible();
  await page.waitForFunction(() => {
    const w = document.getElementById('pg-iframe').contentWindow;
    return !!(w.backpropPlayground && w.backpropPlayground.frame());
  });
  const result = await audit(page);
  check('tutorial.html', result);
  // several elements and an iframe of a full page: no landmark repeated under one name
  expect(result.violations.filter((v) => v.id === 'landmark-unique').map(describe)).toEqual([]);
  // the elements' shadow DOM and the iframe were audited, not skipped: each has passing checks
  console.log(`a11y tutorial.html: passing nodes inside ${JSON.stringify(result.shadowPasses)}`);
  for (const id of [...ids, 'pg-iframe']) expect(result.shadowPasses[`#${id}`] || 0, `audited nodes inside #${id}`).toBeGreaterThan(10);
});

// The example pages and the lessons, each with its elements ready (their shadow roots audited).
for (const file of ['examples/index.html', 'examples/quick-start.html', 'examples/api.html', 'examples/all-pages.html',
  'lessons/xor-five-phases.html', 'lessons/vanishing-gradients.html', 'lessons/bptt-adding.html']) {
  test(`${file} has no serious accessibility violations`, async ({ page, consoleErrors }) => {
    await page.goto(`/${file}`);
    await page.waitForFunction(() => [...document.querySelectorAll('backprop-playground, backprop-recurrent, backprop-digits')]
      .every((el) => el.testHook && el.testHook.frame()), null, { timeout: 30_000 });
    const result = await audit(page);
    check(file, result);
    expect(result.violations.filter((v) => v.id === 'landmark-unique').map(describe)).toEqual([]);
  });
}
