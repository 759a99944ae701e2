// Shared helpers of the browser tests: a page fixture that fails the test on any console error
// or uncaught exception, and small waits on the page's test hook (window.backpropPlayground).
import { test as base, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCREENSHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
fs.mkdirSync(SCREENSHOTS, { recursive: true });

export const test = base.extend({
  /** Console errors and page errors seen by the test's page (checked after the test). */
  consoleErrors: async ({ page }, use) => {
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await use(errors);
    expect(errors, 'console errors').toEqual([]);
  },
});
export { expect };

/** Opens the page with a hash and waits for the first frame from the worker. */
export async function openPlayground(page, hash = '', query = '') {
  // (a goto that changes only the hash would not reload the page: leave it first)
  if (page.url() !== 'about:blank') await page.goto('about:blank');
  await page.goto(`/index.html${query}${hash ? `#${hash}` : ''}`);
  await waitForFrame(page);
}

// (Predicates are functions, never strings: the page's CSP forbids eval, which string
// predicates need.)
export async function waitForFrame(page) {
  await page.waitForFunction(() => !!(window.backpropPlayground && window.backpropPlayground.frame()), null, { timeout: 20_000 });
}

export async function stats(page) {
  return page.evaluate(() => window.backpropPlayground.frame().stats);
}

/** Waits until predicate(stats of the latest drawn frame) holds; polls from the test. */
export async function waitForStats(page, predicate, timeout = 15_000) {
  const t0 = Date.now();
  for (;;) {
    const s = await stats(page);
    if (predicate(s)) return s;
    if (Date.now() - t0 > timeout) throw new Error(`stats condition not met within ${timeout} ms: ${predicate} (last: ${JSON.stringify(s)})`);
    await page.waitForTimeout(50);
  }
}

export function shot(name) {
  return path.join(SCREENSHOTS, name);
}
