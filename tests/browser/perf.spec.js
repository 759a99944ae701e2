// The page's speed (issue 4's "page" figure): the W1 network training on the spiral at full
// speed while the page draws. Prints epochs/s, frames drawn per second and main-thread
// animation frames per second, and saves them to test-results/page-perf.json.
//
// The targets are >= 2,000 epochs/s at >= 55 fps. This machine is shared and noisy, so the
// test asserts only floors that catch a broken pipeline (a stalled worker, a frozen page);
// `npm run bench` reports the figures against the targets.
import fs from 'node:fs';
import { test, expect, openPlayground } from './helpers.js';

// W1: spiral, 250 training points, [8, 8] tanh, tanh output + squared error, SGD 0.03, batch 10
const W1 = 'dataset=spiral&points=500&noise=0.1&ratio=0.5&batch=10&hidden=8,8&act=tanh,tanh' +
  '&output=tanh&loss=squared&opt=sgd&lr=0.03&speed=max';

test('W1 on the spiral: epochs per second and frames per second while drawing', async ({ page, consoleErrors }) => {
  await page.addInitScript(() => {
    window.__raf = 0;
    const tick = () => { window.__raf++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  await openPlayground(page, W1);
  await page.evaluate(() => window.__playground.play());
  await page.waitForTimeout(1000);   // warm-up
  const sample = () => page.evaluate(() => ({
    t: performance.now(), raf: window.__raf, epoch: window.__playground.stats().epoch,
    drawn: window.__playground.framesDrawn, perf: window.__playground.perf(),
  }));
  const a = await sample();
  await page.waitForTimeout(5000);
  const b = await sample();
  await page.evaluate(() => window.__playground.pause());
  const dt = (b.t - a.t) / 1000;
  const draws = b.perf.draws - a.perf.draws;
  const result = {
    epochsPerSecond: Math.round((b.epoch - a.epoch) / dt),
    framesDrawnPerSecond: Number(((b.drawn - a.drawn) / dt).toFixed(1)),
    rafPerSecond: Number(((b.raf - a.raf) / dt).toFixed(1)),
    drawMsPerFrame: Number(((b.perf.drawMs - a.perf.drawMs) / Math.max(1, draws)).toFixed(2)),
    workerGridMsPerFrame: Number(((b.perf.workerMs - a.perf.workerMs) / Math.max(1, draws)).toFixed(2)),
    engineEvaluateGridMs: Number(((b.perf.evalMs - a.perf.evalMs) / Math.max(1, draws)).toFixed(2)),
    seconds: Number(dt.toFixed(2)),
  };
  fs.mkdirSync('test-results', { recursive: true });
  fs.writeFileSync('test-results/page-perf.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log(`page W1 spiral: ${result.epochsPerSecond} epochs/s, ${result.framesDrawnPerSecond} frames drawn/s, ` +
    `${result.rafPerSecond} rAF/s, draw ${result.drawMsPerFrame} ms/frame, worker grid+copies ${result.workerGridMsPerFrame} ms/frame ` +
    `(engine evaluateGrid ${result.engineEvaluateGridMs} ms)`);
  test.info().annotations.push({ type: 'perf', description: JSON.stringify(result) });
  expect(result.epochsPerSecond).toBeGreaterThan(200);
  expect(result.framesDrawnPerSecond).toBeGreaterThan(5);
  expect(result.rafPerSecond).toBeGreaterThan(30);     // the main thread never freezes
  expect(result.drawMsPerFrame).toBeLessThan(16);
});
