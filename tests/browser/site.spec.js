// The built site (scripts/build-site.mjs) as a static host serves it: built into a temporary
// folder under a subpath (<tmp>/some/path/) and served by `scripts/serve.mjs --site` on a port of
// its own (not the config's webServer, which serves web/). Each page must load its engine from
// the versioned folder and train, with no console error and no failed request; a screenshot of
// each goes to the test output folder. Last, a tutorial on another origin loads embed.js from
// the site and its element trains (CORS on modules, worker and wasm).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from './helpers.js';
import { startServe } from '../../scripts/start-serve.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SUBPATH = 'some/path';
let dir;
let server;
let base;  // http://127.0.0.1:PORT/some/path/
let vdir;  // v-<hash>

test.beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-site-'));
  const built = spawnSync(process.execPath, [path.join(repo, 'scripts', 'build-site.mjs'), '--out', path.join(dir, SUBPATH)], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build-site failed:\n${built.stderr}`);
  vdir = JSON.parse(fs.readFileSync(path.join(dir, SUBPATH, 'version.json'), 'utf8')).hash;
  vdir = `v-${vdir}`;
  server = await startServe(['--site', '--root', dir], { stderr: 'inherit' });
  base = `${server.url}/${SUBPATH}/`;
});

test.afterAll(() => {
  if (server) server.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * The requests of a page and of its workers: { urls, failed } (failed: status >= 400 or no
 * answer, checked at the end of a test).
 */
function watchRequests(page) {
  const seen = { urls: [], failed: [] };
  page.on('response', (r) => {
    seen.urls.push(r.url());
    if (r.status() >= 400) seen.failed.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => seen.failed.push(`${r.failure()?.errorText} ${r.url()}`));
  return seen;
}

// Each page: its file, its test hook (web/js/*/app.js) and the figure that grows while it trains.
const PAGES = [
  { file: 'index.html', hook: '__playground', figure: 'epoch', shows: ['.bp-plot', '.bp-net', '.bp-charts'] },
  { file: 'recurrent.html', hook: '__recurrent', figure: 'step', shows: ['.bp-runbar'] },
  { file: 'digits.html', hook: '__digits', figure: 'step', shows: ['.bp-runbar', '.dg-panel-train'],
    // the test set is measured every few hundred ms: wait for one measurement so the charts have a point
    settled: () => window.__digits.figures() && window.__digits.figures().step > 0 },
];

for (const { file, hook, figure, shows, settled } of PAGES) {
  test(`${file} of the built site, under a subpath, loads its engine and trains`, async ({ page, consoleErrors }, testInfo) => {
    test.setTimeout(90_000);
    const requests = watchRequests(page);
    await page.goto(base + file);
    await page.waitForFunction((h) => !!(window[h] && window[h].frame()), hook, { timeout: 30_000 });
    await page.evaluate((h) => window[h].ready, hook);
    const figureNow = () => page.evaluate(([h, f]) => Number(window[h].frame().stats[f]), [hook, figure]);
    const before = await figureNow();
    await page.evaluate((h) => window[h].play(), hook);
    await expect.poll(figureNow, { timeout: 30_000 }).toBeGreaterThan(before + 2);
    if (settled) await page.waitForFunction(settled, null, { timeout: 30_000 });
    await page.evaluate((h) => window[h].pause(), hook);
    for (const sel of shows) await expect(page.locator(sel).first()).toBeVisible();

    // Everything came from the site's own folder: the code and the wasm from the versioned one.
    expect(requests.urls.filter((u) => !u.startsWith(base) && !u.startsWith('data:'))).toEqual([]);
    expect(requests.urls.some((u) => u.startsWith(`${base}${vdir}/js/`))).toBe(true);
    expect(requests.urls.some((u) => u.startsWith(`${base}${vdir}/engine/`) && u.endsWith('.wasm'))).toBe(true);
    // Every stylesheet loaded and holds rules.
    const sheets = await page.evaluate(() => [...document.querySelectorAll('link[rel="stylesheet"]')]
      .map((l) => ({ href: l.href, rules: l.sheet ? l.sheet.cssRules.length : -1 })));
    expect(sheets.length).toBeGreaterThan(1);
    for (const s of sheets) expect(s.rules, s.href).toBeGreaterThan(0);
    // The code came as the page's bundles (scripts/build-site.mjs), not as its many modules.
    const code = file === 'index.html' ? 'playground' : file.replace('.html', '');
    expect(requests.urls.filter((u) => u.startsWith(`${base}${vdir}/js/`)).map((u) => u.slice(`${base}${vdir}/js/`.length)).sort())
      .toEqual([`${code}/app.js`, `${code}/worker.js`]);
    // The help's doc links point into the site's own docs/.
    for (const href of await page.locator('.page-help a[href$=".md"]').evaluateAll((as) => as.map((a) => a.href))) {
      expect(href.startsWith(base + 'docs/'), href).toBe(true);
      expect((await page.request.get(href)).status(), href).toBe(200);
    }

    await page.screenshot({ path: testInfo.outputPath(`site-${file.replace('.html', '')}.png`), fullPage: true });
    expect(requests.failed, 'failed requests').toEqual([]);
  });
}

test('a tutorial on another origin embeds the site with its one script tag, and the element trains', async ({ page, consoleErrors }, testInfo) => {
  test.setTimeout(60_000);
  const requests = watchRequests(page);
  // The tutorial's own page, served by the test from another origin: 127.0.0.2 (a loopback
  // address like the site's, which Chromium's private network checks require). Its CSP lets the
  // site's code in, and workers from blob: (shared/worker-client.js) AND from the site's origin:
  // a module worker fetches its whole import graph as "worker" requests, so the blob worker's
  // `import "<site>/.../worker.js"` is checked against worker-src, not script-src.
  const origin = new URL(base).origin;
  const tutorial = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
    <meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' ${origin} 'wasm-unsafe-eval'; style-src 'self' ${origin}; worker-src blob: ${origin}; connect-src ${origin}; img-src data: blob:; frame-src ${origin}">
    <script type="module" src="${base}embed.js"></script></head>
    <body><h1>A tutorial elsewhere</h1><backprop-playground id="pg" dataset="xor" hidden="4,4" autoplay></backprop-playground>
    <backprop-recurrent id="rc" task="sine" hidden="8" autoplay></backprop-recurrent>
    <iframe id="frame" title="playground" width="900" height="600" src="${base}index.html?embed=1&amp;autoplay=1#dataset=moons&amp;hidden=6"></iframe></body></html>`;
  const other = http.createServer((req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(tutorial));
  await new Promise((resolve) => other.listen(0, '127.0.0.2', resolve));
  try {
    await page.addInitScript(() => {
      window.__events = [];
      for (const type of ['ready', 'epoch', 'error']) {
        document.addEventListener(type, (e) => { if (e instanceof CustomEvent) window.__events.push([type, e.target.id, e.detail.message || '']); }, true);
      }
    });
    await page.goto(`http://127.0.0.2:${other.address().port}/tutorial/lesson.html`);
    await trainsElsewhere(page, requests, testInfo);
    // events, and the API: a bad setState fires error and changes nothing
    const count = (type, id) => page.evaluate(([t, i]) => window.__events.filter((e) => e[0] === t && e[1] === i).length, [type, id]);
    expect(await count('ready', 'pg')).toBe(1);
    expect(await count('epoch', 'pg')).toBeGreaterThan(3);
    const before = await page.evaluate(() => document.getElementById('pg').state);
    expect(await page.evaluate(() => document.getElementById('pg').setState({ lr: 'fast' }))).toBe(false);
    expect(await page.evaluate(() => window.__events.filter((e) => e[0] === 'error').map((e) => e[2]).join(' '))).toContain('"lr=fast" is not valid');
    expect(await page.evaluate(() => document.getElementById('pg').state)).toEqual(before);
    // its share link points at the built site's page (shared/site.js, rewritten by the build)
    const share = await page.evaluate(() => document.getElementById('pg').testHook.shareURL());
    expect(share.startsWith(`${base}index.html#`), share).toBe(true);
    // the second element, of another page, trains on its own
    await expect.poll(() => page.evaluate(() => document.getElementById('rc').snapshot()?.step ?? 0), { timeout: 30_000 }).toBeGreaterThan(10);
    // the iframe form: the built site allows framing from anywhere, and it trains
    await page.locator('#frame').scrollIntoViewIfNeeded();   // (off screen, a page draws no frames)
    const frame = page.frameLocator('#frame');
    await expect(frame.locator('.bp-app')).toBeVisible({ timeout: 20_000 });
    const f = page.frames().find((x) => x.url().startsWith(`${base}index.html`));
    await expect.poll(() => f.evaluate(() => window.backpropPlayground?.frame()?.stats.epoch ?? 0), { timeout: 30_000 }).toBeGreaterThan(5);
    await page.screenshot({ path: testInfo.outputPath('site-cross-origin-all.png'), fullPage: true });
  } finally {
    other.close();
  }
});

async function trainsElsewhere(page, requests, testInfo) {
  await page.waitForFunction(() => !!document.getElementById('pg').testHook?.frame(), null, { timeout: 30_000 });
  await expect.poll(() => page.evaluate(() => document.getElementById('pg').testHook.frame().stats.epoch), { timeout: 30_000 }).toBeGreaterThan(5);
  await page.screenshot({ path: testInfo.outputPath('site-cross-origin-embed.png'), fullPage: true });
  expect(requests.urls.some((u) => u.startsWith(`${base}${vdir}/engine/`) && u.endsWith('.wasm'))).toBe(true);
  expect(requests.failed, 'failed requests').toEqual([]);
}
