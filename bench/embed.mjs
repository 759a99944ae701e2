// embed.mjs: "embedded element: time to first drawn boundary (built site)". The built site
// (scripts/build-site.mjs) is served as a static host would (scripts/serve.mjs --site) and a
// minimal tutorial page beside it holds the one script tag and one element:
//   <script type="module" src="embed.js"></script>
//   <backprop-playground dataset="xor" hidden="4,4"></backprop-playground>
// Each sample is a fresh page load in a new browser context (cold HTTP cache): the time from
// navigation start (performance.timeOrigin) until the element's testHook.ready resolves, which
// is its first drawn frame (the decision boundary included). Median of 5 loads (3 with --quick).
//
// dist/ is reused when it is newer than every file of web/ and docs/ (copied, so the bench page
// never lands in dist/); otherwise the site is built into the temporary folder.
// Usage: node bench/embed.mjs [--quick] [--repeats N] [--out FILE] [--md]   (--md: also print the report section)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';

import { root } from './data.mjs';
import { cliOptions, writeResult } from './node_util.mjs';
import { embedReport } from './report_embed.mjs';
import { startServe } from '../scripts/start-serve.mjs';
import { CHROMIUM_PATH, CHROMIUM_ARGS } from '../scripts/chromium.mjs';
import { stats } from './common.mjs';

const { quick, out, repeats, args } = cliOptions();
const LOADS = repeats || (quick ? 3 : 5);
const TARGET_MS = 500;
const progress = (m) => process.stderr.write(`embed: ${m}\n`);

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <link rel="icon" href="data:,">
  <title>bench: one embedded playground</title>
  <script type="module" src="embed.js"></script>
</head>
<body>
  <backprop-playground dataset="xor" hidden="4,4"></backprop-playground>
</body>
</html>
`;

/** The newest modification time of the files under `dir` (web/test/ left out), in ms. */
function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (p !== path.join(root, 'web', 'test')) t = Math.max(t, newest(p)); }
    else t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Puts the site into `site`: a copy of a fresh dist/, or a new build. Returns how. */
function prepareSite(site) {
  const dist = path.join(root, 'dist');
  const stamp = path.join(dist, 'version.json');
  if (fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs > Math.max(newest(path.join(root, 'web')), newest(path.join(root, 'docs')))) {
    fs.cpSync(dist, site, { recursive: true });
    return 'dist/ reused (newer than web/ and docs/)';
  }
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-site.mjs'), '--out', site], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build-site failed: ${r.stderr.trim().split('\n').slice(0, 3).join(' / ')}`);
  return 'built for this run (dist/ missing or older than web/)';
}

// Runs in the page before its own scripts: notes when the element's code is defined and when its
// first frame is drawn, both in ms since navigation start (performance.now()'s zero).
function probe() {
  window.__benchEmbed = null;
  customElements.whenDefined('backprop-playground').then(() => {
    const definedMs = performance.now();
    const el = document.querySelector('backprop-playground');
    if (!el || !el.testHook) {
      window.__benchEmbed = { error: 'the element has no testHook once defined' };
      return;
    }
    el.testHook.ready.then(() => {
      window.__benchEmbed = { ms: performance.now(), definedMs, framesDrawn: el.testHook.framesDrawn };
    });
  });
}


const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-bench-embed-'));
const site = path.join(dir, 'site');
let server, browser;
const result = { system: 'embed', target: TARGET_MS, loads: LOADS, errors: {} };
try {
  result.site = prepareSite(site);
  result.hash = JSON.parse(fs.readFileSync(path.join(site, 'version.json'), 'utf8')).hash;
  fs.writeFileSync(path.join(site, 'bench-embed.html'), PAGE);
  server = await startServe(['--site', '--root', site], { stderr: 'inherit' });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  result.chromium = browser.version();
  const first = [], defined = [];
  const consoleErrors = [];
  let bytes = null;
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });  // its own, empty cache
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    let loaded = 0, requests = 0;
    page.on('response', (r) => { requests++; loaded += Number(r.headers()['content-length']) || 0; });  // page and worker
    await page.addInitScript(probe);
    await page.goto(`${server.url}/bench-embed.html`, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__benchEmbed, null, { timeout: 30000 });
    const r = await page.evaluate(() => window.__benchEmbed);
    if (r.error) throw new Error(r.error);
    first.push(r.ms);
    defined.push(r.definedMs);
    if (bytes === null) bytes = { loaded, requests };
    progress(`load ${i + 1}/${LOADS}: first frame at ${r.ms.toFixed(0)} ms (element defined at ${r.definedMs.toFixed(0)} ms)`);
    await context.close();
  }
  result.results = { embed_first_frame: stats(first, 'ms') };
  result.info = { embed_defined: stats(defined, 'ms'), bytesFirstLoad: bytes.loaded, requestsFirstLoad: bytes.requests };
  if (consoleErrors.length) result.consoleErrors = consoleErrors.slice(0, 5);
} catch (e) {
  result.errors.embed = String(e && e.message || e).split('\n')[0];
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
  if (server) server.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
writeResult(out, result);
if (args.includes('--md')) {
  const lines = [];
  embedReport({ P: (s = '') => lines.push(s), embed: result });
  process.stderr.write(lines.join('\n') + '\n');
}
