// The three shipped lessons (web/lessons/), walked as a learner would: read the caption, do what
// it asks (press play), wait until Next opens because training met the step's condition, press
// Next; at the end the lesson reports itself complete. Screenshots of a step of each.
import { test, expect } from './helpers.js';

/** The lesson bar inside the element's shadow root (Playwright's locators pierce it). */
const bar = (page) => page.locator('#lesson .bp-lesson');

/** Walks every step; play: the indices (0-based) of steps whose caption asks to press play. */
async function walk(page, { playAt, shots = {}, timeout = 60_000, onStep = async () => {} }) {
  const count = Number((await bar(page).locator('.bp-lesson-count').textContent()).match(/of (\d+)/)[1]);
  for (let i = 0; i < count; i++) {
    await expect(bar(page).locator('.bp-lesson-count')).toHaveText(`Step ${i + 1} of ${count}`);
    const caption = await bar(page).locator('.bp-lesson-caption').textContent();
    expect(caption.length).toBeGreaterThan(40);
    if (playAt.includes(i)) {
      // the step points at the play button, and the condition waits for it
      await expect(page.locator('#lesson .bp-play-btn')).toHaveClass(/bp-lesson-highlight/);
      await expect(bar(page).locator('.bp-lesson-next')).toBeDisabled();
      await page.locator('#lesson .bp-play-btn').click();
    }
    await onStep(i);
    if (shots[i]) {
      await page.waitForTimeout(400);
      await page.locator('#lesson').screenshot({ path: test.info().outputPath(shots[i]) });
    }
    if (i === count - 1) break;
    await expect(bar(page).locator('.bp-lesson-next')).toBeEnabled({ timeout });
    await bar(page).locator('.bp-lesson-next').click();
  }
  await expect(bar(page).locator('.bp-lesson-restart')).toBeVisible();
  return count;
}

async function recordLesson(page) {
  await page.addInitScript(() => {
    window.__lesson = [];
    document.addEventListener('lessonstep', (e) => window.__lesson.push(['step', e.detail.index]), true);
    document.addEventListener('lessoncomplete', () => window.__lesson.push(['complete']), true);
    document.addEventListener('error', (e) => { if (e instanceof CustomEvent) window.__lesson.push(['error', e.detail.message]); }, true);
  });
}

test('lesson 1: the five phases of backprop on XOR, in explain mode', async ({ page, consoleErrors }) => {
  test.setTimeout(120_000);
  await recordLesson(page);
  await page.goto('/lessons/xor-five-phases.html');
  await expect(bar(page)).toContainText('The five phases of backprop');
  const phaseShown = async () => page.evaluate(() => {
    const x = document.getElementById('lesson').testHook.explain.state();
    return { active: x.active, phase: x.step ? x.step.phase : null };
  });
  // step 2 opens explain mode at the forward phase, with the engine's numbers on the diagram
  await expect(bar(page).locator('.bp-lesson-next')).toBeEnabled();
  await bar(page).locator('.bp-lesson-next').click();
  await expect(bar(page).locator('.bp-lesson-caption')).toContainText('1. Forward');
  await expect.poll(async () => (await phaseShown()).active).toBe(true);
  await expect.poll(async () => (await phaseShown()).phase).toBe('forward');
  await page.locator('#lesson').screenshot({ path: test.info().outputPath('lesson1-forward.png') });
  for (const [cap, phase] of [['2. Loss', 'loss'], ['3. Backward', 'backward'], ['4. Update', 'update']]) {
    await bar(page).locator('.bp-lesson-next').click();
    await expect(bar(page).locator('.bp-lesson-caption')).toContainText(cap);
    await expect.poll(async () => (await phaseShown()).phase).toBe(phase);
  }
  // Back returns to the loss phase
  await bar(page).locator('.bp-lesson-back').click();
  await expect(bar(page).locator('.bp-lesson-caption')).toContainText('3. Backward');
  await expect.poll(async () => (await phaseShown()).phase).toBe('backward');
  await bar(page).locator('.bp-lesson-next').click();
  await bar(page).locator('.bp-lesson-next').click();
  // 5. Iterate: explain mode closes, play trains until the test accuracy passes 95%
  await expect(bar(page).locator('.bp-lesson-caption')).toContainText('5. Iterate');
  await expect.poll(async () => (await phaseShown()).active).toBe(false);
  await expect(bar(page).locator('.bp-lesson-wait')).toContainText('Waiting for played');
  await page.locator('#lesson .bp-play-btn').click();
  await expect(bar(page).locator('.bp-lesson-next')).toBeEnabled({ timeout: 60_000 });
  expect((await page.evaluate(() => document.getElementById('lesson').snapshot())).testAccuracy).toBeGreaterThanOrEqual(0.95);
  await bar(page).locator('.bp-lesson-next').click();
  await expect(bar(page).locator('.bp-lesson-count')).toHaveText('Step 7 of 7');
  await expect(bar(page).locator('.bp-lesson-restart')).toBeVisible();
  const log = await page.evaluate(() => window.__lesson);
  expect(log.filter(([t]) => t === 'error')).toEqual([]);
  expect(log.at(-1)).toEqual(['complete']);
  await page.locator('#lesson').screenshot({ path: test.info().outputPath('lesson1-done.png') });
});

test('lesson 2: vanishing gradients, deep sigmoid against ReLU', async ({ page, consoleErrors }) => {
  test.setTimeout(120_000);
  await recordLesson(page);
  await page.goto('/lessons/vanishing-gradients.html');
  await expect(bar(page)).toContainText('Vanishing gradients');
  await walk(page, { playAt: [0], shots: { 1: 'lesson2-sigmoid.png', 3: 'lesson2-relu.png' } });
  const figures = await page.evaluate(() => document.getElementById('lesson').snapshot());
  expect(figures.testAccuracy).toBeGreaterThanOrEqual(0.95);
  expect(await page.evaluate(() => document.getElementById('lesson').state.act)).toBe('relu,relu,relu,relu,relu,relu');
  expect((await page.evaluate(() => window.__lesson)).filter(([t]) => t === 'error')).toEqual([]);
});

test('lesson 3: BPTT, the Elman network fails the adding problem and the LSTM solves it', async ({ page, consoleErrors }) => {
  test.setTimeout(150_000);
  await recordLesson(page);
  await page.goto('/lessons/bptt-adding.html');
  await expect(bar(page)).toContainText('Elman against LSTM');
  let elman = null;
  const onStep = async (i) => {
    if (i === 1) elman = await page.evaluate(() => document.getElementById('lesson').snapshot());
  };
  await walk(page, { playAt: [0], shots: { 1: 'lesson3-elman.png', 3: 'lesson3-lstm.png' }, timeout: 90_000, onStep });
  // the Elman network, after its 3000 steps, is far from the LSTM's loss (docs: it "loses")
  expect(elman.step).toBeGreaterThanOrEqual(3000);
  expect(elman.testLoss).toBeGreaterThan(0.02);
  const s = await page.evaluate(() => document.getElementById('lesson').snapshot());
  expect(await page.evaluate(() => document.getElementById('lesson').state.cell)).toBe('lstm');
  expect(s.testLoss).toBeLessThan(0.01);
  expect((await page.evaluate(() => window.__lesson)).filter(([t]) => t === 'error')).toEqual([]);
});
