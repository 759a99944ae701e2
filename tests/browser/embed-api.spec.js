// The public scripting API of the elements (docs/embed.md "Scripting"), used as an author would:
// web/examples/api.html and web/examples/all-pages.html, events caught as the page's own
// listeners would see them.
import { test, expect } from './helpers.js';

/** Records every element event (ready, statechange, epoch, error, lesson*) on window.__events. */
async function recordEvents(page) {
  await page.addInitScript(() => {
    window.__events = [];
    for (const type of ['ready', 'statechange', 'epoch', 'error', 'lessonstep', 'lessoncomplete']) {
      document.addEventListener(type, (e) => {
        if (!(e instanceof CustomEvent) || !e.target.tagName?.startsWith('BACKPROP-')) return;
        window.__events.push({ type, id: e.target.id, detail: JSON.parse(JSON.stringify(e.detail)) });
      }, true);   // the capture phase sees the elements' events (they do not bubble)
    }
  });
}
const events = (page, type, id) => page.evaluate(([t, i]) => window.__events.filter((e) => e.type === t && (!i || e.id === i)), [type, id]);
const call = (page, id, fn, ...args) => page.evaluate(([i, f, a]) => document.getElementById(i)[f](...a), [id, fn, args]);
const stateOf = (page, id) => page.evaluate((i) => document.getElementById(i).state, id);

test('the playground element: ready, setState validated, attributes both ways, step, reset, model files', async ({ page, consoleErrors }) => {
  await recordEvents(page);
  await page.goto('/examples/api.html');
  await expect.poll(async () => (await events(page, 'ready', 'pg')).length).toBe(1);
  const s0 = await stateOf(page, 'pg');
  expect(s0).toMatchObject({ dataset: 'xor', hidden: '4,4', lr: '0.03', act: 'tanh,tanh' });

  // bad values: an error event naming the value, false, nothing changed
  expect(await call(page, 'pg', 'setState', { lr: 'fast', hidden: '8' })).toBe(false);
  expect(await call(page, 'pg', 'setState', { weights: 3 })).toBe(false);
  expect(await call(page, 'pg', 'setState', 'lr=0.1&act=sideways')).toBe(false);
  const errors = (await events(page, 'error', 'pg')).map((e) => e.detail.message);
  expect(errors[0]).toContain('"lr=fast" is not valid');
  expect(errors[1]).toContain('"weights" is not a setting');
  expect(errors[2]).toContain('"act=sideways" is not valid');
  expect(errors.every((m) => m.startsWith('Nothing was changed'))).toBe(true);
  expect(await stateOf(page, 'pg')).toEqual(s0);
  expect(await page.evaluate(() => document.getElementById('pg').getAttribute('hidden'))).toBe('4,4');

  // a good change: applied, reflected to the attribute the author used, statechange fired
  expect(await call(page, 'pg', 'setState', { 'learning-rate': 0.1, act: 'relu' })).toBe(true);
  expect(await stateOf(page, 'pg')).toMatchObject({ lr: '0.1', act: 'relu,relu', hidden: '4,4' });
  expect(await page.evaluate(() => document.getElementById('pg').getAttribute('lr'))).toBe('0.1');
  expect(await page.evaluate(() => document.getElementById('pg').getAttribute('act'))).toBe('relu,relu');
  expect((await events(page, 'statechange', 'pg')).at(-1).detail.state).toMatchObject({ lr: '0.1', act: 'relu,relu' });

  // an attribute set by the page changes the state (and the network on screen)
  await page.evaluate(() => document.getElementById('pg').setAttribute('hidden', '3'));
  await expect.poll(() => page.evaluate(() => document.getElementById('pg').testHook.frame()?.layout?.hidden?.map((l) => l.size).join(','))).toBe('3');
  expect((await stateOf(page, 'pg')).hidden).toBe('3');
  // a bad attribute value changes nothing and says why
  await page.evaluate(() => document.getElementById('pg').setAttribute('hidden', 'many'));
  await expect.poll(async () => (await events(page, 'error', 'pg')).at(-1).detail.message).toContain('"hidden=many" is not valid');
  expect((await stateOf(page, 'pg')).hidden).toBe('3');
  await expect.poll(() => page.evaluate(() => document.getElementById('pg').getAttribute('hidden'))).toBe('3');   // put back

  // step(n) trains n epochs, paused; the epoch event carries the figures
  await call(page, 'pg', 'step', 25);
  await expect.poll(() => page.evaluate(() => document.getElementById('pg').snapshot().epoch)).toBe(25);
  const snap = await call(page, 'pg', 'snapshot');
  for (const k of ['trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy']) expect(Number.isFinite(snap[k])).toBe(true);
  const last = (await events(page, 'epoch', 'pg')).at(-1).detail;
  expect(last).toMatchObject({ epoch: 25, playing: 0 });
  expect(last.testLoss).toBe(snap.testLoss);

  // export, reset (epoch 0, new loss), load the export back (its epoch and loss again)
  const json = await call(page, 'pg', 'exportModel');
  expect(JSON.parse(json).format).toBeTruthy();
  await call(page, 'pg', 'reset');
  await expect.poll(() => page.evaluate(() => document.getElementById('pg').snapshot().epoch)).toBe(0);
  expect(await call(page, 'pg', 'loadModel', json)).toBe(true);
  await expect.poll(() => page.evaluate(() => document.getElementById('pg').snapshot().epoch)).toBe(25);
  await expect.poll(() => page.evaluate(() => document.getElementById('pg').snapshot().testLoss)).toBe(snap.testLoss);
  // a model made elsewhere (not a model file): refused, an error event, nothing changed
  const before = await stateOf(page, 'pg');
  expect(await call(page, 'pg', 'loadModel', '{"format":"keras","layers":[]}')).toBe(false);
  expect((await events(page, 'error', 'pg')).at(-1).detail.message).toMatch(/Could not load the file: .*Nothing was changed/);
  expect(await stateOf(page, 'pg')).toEqual(before);
  expect((await call(page, 'pg', 'snapshot')).epoch).toBe(25);

  // play: epoch events while training, at most one per drawn frame
  const n0 = (await events(page, 'epoch', 'pg')).length;
  const f0 = await page.evaluate(() => document.getElementById('pg').testHook.framesDrawn);
  await call(page, 'pg', 'play');
  await expect.poll(async () => (await events(page, 'epoch', 'pg')).length - n0).toBeGreaterThan(5);
  await call(page, 'pg', 'pause');
  const sent = (await events(page, 'epoch', 'pg')).length - n0;
  const drawn = (await page.evaluate(() => document.getElementById('pg').testHook.framesDrawn)) - f0;
  expect(sent).toBeLessThanOrEqual(drawn);
  const epochs = (await events(page, 'epoch', 'pg')).slice(n0).map((e) => e.detail.epoch);
  expect(epochs.every((e, i) => i === 0 || e >= epochs[i - 1])).toBe(true);

  // the example's own log shows the calls a person makes with its buttons
  await page.getByRole('button', { name: "setState({ lr: 'fast' })" }).click();
  await expect(page.locator('#log')).toContainText('error: Nothing was changed: "lr=fast" is not valid');
  await page.locator('#log').screenshot({ path: test.info().outputPath('api-log.png') });
});

test('the recurrent and digits elements have the same API; removing an element ends its worker', async ({ page, consoleErrors }) => {
  await recordEvents(page);
  await page.goto('/examples/all-pages.html');
  for (const id of ['el-playground', 'el-recurrent', 'el-digits']) {
    await expect.poll(async () => (await events(page, 'ready', id)).length, { timeout: 30_000 }).toBe(1);
  }
  expect(page.workers().length).toBe(3);
  // recurrent: a bad cell is refused; a good change applies; step(n) counts steps
  expect(await call(page, 'el-recurrent', 'setState', { cell: 'gru' })).toBe(false);
  expect((await events(page, 'error', 'el-recurrent')).at(-1).detail.message).toContain('"cell=gru" is not valid');
  expect(await call(page, 'el-recurrent', 'setState', { task: 'adding', cell: 'elman' })).toBe(true);
  expect(await stateOf(page, 'el-recurrent')).toMatchObject({ task: 'adding', cell: 'elman', hidden: '8' });
  expect(await page.evaluate(() => document.getElementById('el-recurrent').getAttribute('task'))).toBe('adding');
  await call(page, 'el-recurrent', 'pause');
  await call(page, 'el-recurrent', 'reset');
  await call(page, 'el-recurrent', 'step', 7);
  await expect.poll(() => page.evaluate(() => document.getElementById('el-recurrent').snapshot().step)).toBe(7);
  const rec = await call(page, 'el-recurrent', 'exportModel');
  expect(JSON.parse(rec).kind || JSON.parse(rec).format).toBeTruthy();

  // digits: the same calls
  expect(await call(page, 'el-digits', 'setState', { model: 'transformer' })).toBe(false);
  expect(await call(page, 'el-digits', 'setState', { lr: 0.01, batch: 16 })).toBe(true);
  expect(await stateOf(page, 'el-digits')).toMatchObject({ data: 'uci', model: 'mlp', lr: '0.01', batch: '16' });
  await call(page, 'el-digits', 'pause');
  await call(page, 'el-digits', 'reset');
  await call(page, 'el-digits', 'step', 4);
  await expect.poll(() => page.evaluate(() => document.getElementById('el-digits').snapshot().step)).toBe(4);
  const dj = await call(page, 'el-digits', 'exportModel');
  await call(page, 'el-digits', 'reset');
  await expect.poll(() => page.evaluate(() => document.getElementById('el-digits').snapshot().step)).toBe(0);
  expect(await call(page, 'el-digits', 'loadModel', dj)).toBe(true);
  await expect.poll(() => page.evaluate(() => document.getElementById('el-digits').snapshot().step)).toBe(4);
  // a playground model is not a digits model: refused with the page's message
  const pj = await call(page, 'el-playground', 'exportModel');
  expect(await call(page, 'el-digits', 'loadModel', pj)).toBe(false);
  expect((await events(page, 'error', 'el-digits')).at(-1).detail.message).toContain('Nothing was changed');

  // removing the recurrent element ends its worker; the others keep training
  await page.evaluate(() => document.getElementById('el-recurrent').remove());
  await expect.poll(() => page.workers().length).toBe(2);
  const e0 = (await call(page, 'el-playground', 'snapshot')).epoch;
  await expect.poll(async () => (await call(page, 'el-playground', 'snapshot')).epoch).toBeGreaterThan(e0);
  await page.screenshot({ path: test.info().outputPath('all-pages.png'), fullPage: true });
});

test('an element made by a script before its code loads keeps its lesson; controls and autoplay change live; one group each', async ({ page, consoleErrors }) => {
  await recordEvents(page);
  await page.goto('/examples/quick-start.html');
  await expect.poll(async () => (await events(page, 'ready', 'quick-start')).length).toBe(1);
  // <backprop-recurrent> is not defined yet on this page: its lesson is a plain property until
  // embed.js sees the element and loads its code
  await page.evaluate(() => {
    const el = document.createElement('backprop-recurrent');
    el.id = 'late';
    el.setAttribute('task', 'sine');
    el.lesson = { title: 'Set early', steps: [{ caption: 'Before the code loaded.' }, { caption: 'Second.' }] };
    document.body.append(el);
  });
  await expect.poll(async () => (await events(page, 'ready', 'late')).length, { timeout: 30_000 }).toBe(1);
  await expect.poll(() => page.evaluate(() => document.getElementById('late').shadowRoot.querySelector('.bp-lesson-caption')?.textContent)).toBe('Before the code loaded.');
  expect(await page.evaluate(() => document.getElementById('late').lesson?.title)).toBe('Set early');

  // each element is one named group; its panels are groups, not landmarks (two elements, no
  // repeated landmark names)
  const roles = await page.evaluate(() => [...document.querySelectorAll('backprop-playground, backprop-recurrent')].map((el) => ({
    role: el.getAttribute('role'), label: el.getAttribute('aria-label'),
    landmarks: el.shadowRoot.querySelectorAll(':is(section[aria-label], main, nav, aside):not([role="group"])').length,
  })));
  expect(roles).toEqual([
    { role: 'group', label: 'Neural network playground', landmarks: 0 },
    { role: 'group', label: 'Recurrent network playground', landmarks: 0 },
  ]);

  // controls="full" later: the page is built anew with the settings in use, and is ready again
  expect(await call(page, 'quick-start', 'setState', { lr: 0.1, hidden: '5' })).toBe(true);
  expect(await page.evaluate(() => document.querySelector('#quick-start').shadowRoot.querySelector('.bp-app').dataset.controls)).toBe('minimal');
  await page.evaluate(() => document.getElementById('quick-start').setAttribute('controls', 'full'));
  await expect.poll(async () => (await events(page, 'ready', 'quick-start')).length, { timeout: 30_000 }).toBe(2);
  expect(await page.evaluate(() => document.querySelector('#quick-start').shadowRoot.querySelector('.bp-app').dataset.controls)).toBe('full');
  await expect(page.locator('#quick-start .bp-datasets')).toBeVisible();
  expect(await stateOf(page, 'quick-start')).toMatchObject({ lr: '0.1', hidden: '5', dataset: 'xor' });
  // autoplay off pauses, on plays
  await page.evaluate(() => document.getElementById('quick-start').removeAttribute('autoplay'));
  await expect.poll(() => page.evaluate(() => document.getElementById('quick-start').testHook.playing())).toBe(false);
  await page.evaluate(() => document.getElementById('quick-start').setAttribute('autoplay', ''));
  await expect.poll(() => page.evaluate(() => document.getElementById('quick-start').testHook.playing())).toBe(true);
  expect(page.workers().length).toBe(2);   // the rebuilt page's old worker is gone
});

test('an engine that cannot start rejects ready with the message the element shows', async ({ page }) => {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await recordEvents(page);
  await page.route('**/engine/backprop.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto('/examples/quick-start.html');
  const outcome = await page.evaluate(async () => {
    await customElements.whenDefined('backprop-playground');
    try {
      await document.getElementById('quick-start').ready;
      return 'resolved';
    } catch (e) {
      return e.message;
    }
  });
  expect(outcome).toContain('could not start');
  expect(outcome).toContain('Access-Control-Allow-Origin');   // the hosting advice, not "npm start"
  const shown = await page.evaluate(() => document.getElementById('quick-start').shadowRoot.querySelector('.bp-msg-error, .bp-msg.error, [class*="error"]')?.textContent || '');
  expect(shown).toContain('could not start');
  expect((await events(page, 'error', 'quick-start')).map((e) => e.detail.message).join(' ')).toContain('could not start');
  expect(errors.filter((t) => /Uncaught|unhandled/i.test(t))).toEqual([]);
});

test('a removed attribute goes back to its default for the other settings in use (the fixed-point task)', async ({ page, consoleErrors }) => {
  await recordEvents(page);
  await page.goto('/examples/quick-start.html');
  await page.evaluate(() => {
    const el = document.createElement('backprop-recurrent');
    el.id = 'fp';
    el.setAttribute('mode', 'fp');
    el.setAttribute('fp-task', 'letters');
    el.setAttribute('fp-hidden', '14');
    document.body.append(el);
  });
  await expect.poll(async () => (await events(page, 'ready', 'fp')).length, { timeout: 30_000 }).toBe(1);
  expect(await stateOf(page, 'fp')).toMatchObject({ mode: 'fp', fptask: 'letters', fphidden: '14' });
  await page.evaluate(() => document.getElementById('fp').removeAttribute('fp-hidden'));
  // the letters task's default hidden size (10), not the XOR task's (3)
  await expect.poll(async () => (await stateOf(page, 'fp')).fphidden).toBe('10');
  expect((await stateOf(page, 'fp')).fptask).toBe('letters');
});

