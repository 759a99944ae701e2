// Screenshots of the page in several states, saved to tests/browser/screenshots/ (not
// committed) for a person to look at. With UPDATE_DOCS_SCREENSHOT=1 the first one is also
// written to docs/screenshot.png (the README's picture).
import fs from 'node:fs';
import { test, openPlayground, waitForStats, shot } from './helpers.js';

const STATES = [
  ['30-spiral-trained.png', 'dataset=spiral&hidden=8,8&act=tanh&noise=0&speed=max&opt=adam&lr=0.01', 1500],
  ['31-three-classes.png', 'dataset=spiral3&hidden=8,8,6&act=relu&speed=max&opt=adam&lr=0.01', 800],
  ['32-regression.png', 'dataset=multigaussian&hidden=8,6&act=tanh&speed=max&opt=adam&lr=0.01', 400],
  ['33-discretized-circle.png', 'dataset=circle&hidden=3&discretize=1&test=1&speed=max', 200],
  ['34-deep-sigmoid-gradients.png', 'dataset=spiral&hidden=8,8,8,8,8&act=sigmoid&lr=0.3&logy=1&speed=max', 300],
];

for (const [name, hash, epochs] of STATES) {
  test(`screenshot: ${name}`, async ({ page, consoleErrors }) => {
    await openPlayground(page, hash);
    await page.evaluate(() => window.__playground.play());
    await waitForStats(page, (s) => s.epoch >= epochs, 45_000);
    await page.evaluate(() => window.__playground.pause());
    await page.waitForTimeout(400);
    await page.screenshot({ path: shot(name) });
    if (name.startsWith('30') && process.env.UPDATE_DOCS_SCREENSHOT === '1') {
      fs.copyFileSync(shot(name), 'docs/screenshot.png');
    }
  });
}
