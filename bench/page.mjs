// page.mjs: the "page" figure of issue 4: in headless Chromium, the playground page (web/)
// training the W1 network on the spiral while drawing: epochs per second achieved and frames
// per second sustained.
//
// Frames are counted two ways: requestAnimationFrame callbacks on the page's main thread (an
// injected counter: how smoothly the main thread runs) and, when the page's test hook reports
// them, the frames the page actually drew. Epochs come from the hook's stats.
//
// The test hook this needs (window.__playground, set by web/js/playground/main.js once the engine is up):
//   __playground.ready            optional Promise, resolved when the first frame is drawn
//   __playground.play()           start training (at the speed in the URL hash: speed=max)
//   __playground.pause()
//   __playground.stats()          -> { epoch, step, ... } the last metrics the page received
//   __playground.framesDrawn      optional number: frames drawn since load
import fs from 'node:fs';
import path from 'node:path';

// W1 in the page's URL-hash form (web/js/playground/state.js): spiral, 500 points (250 train), noise 0.1,
// [8,8] tanh, tanh output, squared error, SGD 0.03, batch 10, fastest speed.
export const PAGE_HASH = 'dataset=spiral&points=500&noise=0.1&ratio=0.5&batch=10&hidden=8,8&act=tanh,tanh' +
  '&output=tanh&loss=squared&opt=sgd&lr=0.03&speed=max';

export async function measurePage(browser, baseUrl, root, seconds = 5) {
  const index = path.join(root, 'web', 'index.html');
  if (!fs.existsSync(index)) return { todo: 'web/index.html does not exist yet (the page is being built)' };
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.addInitScript(() => {
    window.__benchRaf = 0;
    const tick = () => { window.__benchRaf++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  try {
    await page.goto(`${baseUrl}/web/index.html#${PAGE_HASH}`, { waitUntil: 'load' });
    const hook = await page.waitForFunction(() => !!window.__playground, null, { timeout: 8000 })
      .then(() => true, () => false);
    if (!hook) {
      return { todo: 'the page exposes no test hook (window.__playground) to start training and read epochs', consoleErrors };
    }
    const shape = await page.evaluate(async () => {
      const p = window.__playground;
      if (p.ready && typeof p.ready.then === 'function') await p.ready;
      return { play: typeof p.play === 'function', pause: typeof p.pause === 'function',
        stats: typeof p.stats === 'function', framesDrawn: typeof p.framesDrawn === 'number' };
    });
    if (!shape.play || !shape.stats) {
      return { todo: `window.__playground lacks ${[!shape.play && 'play()', !shape.stats && 'stats()'].filter(Boolean).join(' and ')}`, shape };
    }
    await page.evaluate(() => window.__playground.play());
    await page.waitForTimeout(1000);  // warm-up: engine JIT, first frames
    const sample = () => page.evaluate(() => ({
      t: performance.now(), raf: window.__benchRaf,
      epoch: Number(window.__playground.stats().epoch),
      drawn: typeof window.__playground.framesDrawn === 'number' ? window.__playground.framesDrawn : null,
    }));
    const a = await sample();
    await page.waitForTimeout(seconds * 1000);
    const b = await sample();
    // What the page says about itself, and the settings it really ran with.
    const extra = await page.evaluate(() => {
      const p = window.__playground;
      const call = (f) => { try { return typeof p[f] === 'function' ? p[f]() : undefined; } catch { return undefined; } };
      const st = call('state') || {};
      return {
        perf: call('perf'), fps: call('fps'),
        settings: { dataset: st.dataset, points: st.points, noise: st.noise, trainRatio: st.trainRatio,
          hidden: st.hidden, activations: st.activations, output: st.output, loss: st.loss,
          optimizer: st.optimizer, learningRate: st.learningRate, batchSize: st.batchSize, speed: st.speed },
      };
    });
    await page.evaluate(() => window.__playground.pause && window.__playground.pause());
    const dt = (b.t - a.t) / 1000;
    return {
      ...extra,
      seconds: dt,
      epochsPerSecond: (b.epoch - a.epoch) / dt,
      rafPerSecond: (b.raf - a.raf) / dt,
      framesDrawnPerSecond: a.drawn === null ? null : (b.drawn - a.drawn) / dt,
      consoleErrors,
    };
  } finally {
    await context.close();
  }
}
