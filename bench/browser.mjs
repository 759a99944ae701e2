// browser.mjs: the Chromium systems. Starts bench/server.mjs, launches the Debian Chromium
// headless through Playwright (never a downloaded browser), and measures:
//   wasm-chromium     the project's module on the bench page (bench/browser/), main thread
//   plainjs-chromium  the plain-JS baseline on the same page
//   page              the playground page training W1 (bench/page.mjs)
// Usage: node bench/browser.mjs [--quick] [--repeats N] [--out FILE] [wasm] [plainjs] [page]
// (the last arguments choose the parts; all three when none is given)
import { chromium } from '@playwright/test';

import { root } from './data.mjs';
import { measurePage } from './page.mjs';
import { startServer } from './server.mjs';
import { cliOptions, writeResult } from './node_util.mjs';
import { CHROMIUM_PATH, CHROMIUM_ARGS } from '../scripts/chromium.mjs';


const { quick, out, repeats, args } = cliOptions();
const parts = args.length ? new Set(args) : new Set(['wasm', 'plainjs', 'page']);
const server = await startServer(root);
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
const result = { system: 'chromium', chromium: browser.version(), systems: [], errors: {} };
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const pageErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
    else console.error(`[chromium] ${m.text()}`);
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${server.url}/bench/browser/index.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => !!window.__bench, null, { timeout: 30000 });
  result.crossOriginIsolated = await page.evaluate(() => window.__bench.crossOriginIsolated);
  for (const [name, fn] of [['wasm-chromium', 'wasm'], ['plainjs-chromium', 'plainjs']]) {
    if (!parts.has(fn)) continue;
    try {
      const r = await page.evaluate(([f, q, n]) => window.__bench[f](q, n), [fn, quick, repeats]);
      result.systems.push({ system: name, ...r });
    } catch (e) {
      result.errors[name] = String(e && e.message || e).split('\n')[0];
    }
  }
  if (pageErrors.length) result.errors.benchPage = pageErrors.join(' | ');
  await context.close();
  if (parts.has('page')) {
    try {
      result.page = await measurePage(browser, server.url, root, quick ? 3 : 6);
    } catch (e) {
      result.page = { error: String(e && e.message || e).split('\n')[0] };
    }
  }
} finally {
  await browser.close();
  await server.close();
}
writeResult(out, result);
