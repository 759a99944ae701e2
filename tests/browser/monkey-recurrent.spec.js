// The "monkey" of the recurrent page (issue 12): seeded random sequences of what a user can do
// there (switch mode, change task, cell, hidden size, length, truncation, optimizer and learning
// rate, play / pause / step / reset, the BPTT walk, import / export, hash edits, resize), for a
// bounded time, checking after every action that
//   - the page threw nothing and logged no error, and shows no error box it should not,
//   - frames are still drawn while it plays,
//   - the state, the controls, the URL hash and the engine's own config agree.
// It prints its seeds; MONKEY_SEED=<n> replays one (MONKEY_MS sets the time budget, 30 s in all;
// MONKEY_LOG=1 prints the actions). The run loop and the checks both pages make are in monkey.js.
import { expect } from './helpers.js';
import {
  hook, monkeyTests, checkMessagesAndHash, checkFramesWhilePlaying, exportFile, resize, wait,
} from './monkey.js';
import {
  serializeState, engineConfigOf, withDefaults, configDifference, speedOf, FONT,
} from '../../web/js/recurrent/state.js';

const HOOK = '__recurrent';

// ---- what a user can do --------------------------------------------------------------------------

const SEQ_SELECTS = ['task', 'length', 'delay', 'cell', 'hidden', 'truncation', 'clipNorm', 'optimizer', 'learningRate', 'batchSize', 'sample', 'speed'];
const FP_SELECTS = ['fpTask', 'fpHidden', 'damage', 'alpha', 'beta', 'tol', 'maxIters', 'fpOptimizer', 'fpLearningRate', 'pattern', 'speed', 'cueLetter', 'cueDamage'];

/** Picks an option of a visible select (by its name) at random; returns what it did, or null. */
async function chooseOption(page, r, name) {
  const sel = page.locator(`select[name="${name}"]:visible`);
  if (await sel.count() === 0) return null;
  const options = await sel.first().evaluate((el) => [...el.options].map((o) => o.value));
  if (options.length === 0) return null;
  const v = r.pick(options);
  await sel.first().selectOption(v);
  return `select ${name} = ${v}`;
}

/** A link a user could paste: mostly sensible settings, sometimes garbage. */
function randomHash(r) {
  const parts = [];
  const put = (k, v) => parts.push(`${k}=${encodeURIComponent(v)}`);
  const mode = r.pick(['seq', 'fp']);
  put('mode', mode);
  if (mode === 'seq') {
    if (r.chance(0.7)) put('task', r.pick(['sine', 'echo', 'parity', 'adding']));
    if (r.chance(0.6)) put('len', r.int(2, 60));
    if (r.chance(0.4)) put('delay', r.int(0, 12));
    if (r.chance(0.6)) put('cell', r.pick(['elman', 'lstm']));
    if (r.chance(0.6)) put('hidden', r.int(1, 40));
    if (r.chance(0.4)) put('trunc', r.int(0, 30));
    if (r.chance(0.4)) put('clip', r.pick([0, 0.5, 1, 5]));
    if (r.chance(0.5)) put('opt', r.pick(['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam']));
    if (r.chance(0.5)) put('lr', r.pick([0.0001, 0.001, 0.01, 0.1, 1, 3]));
    if (r.chance(0.3)) put('batch', r.int(1, 64));
    if (r.chance(0.3)) put('seqs', r.int(1, 512));
    if (r.chance(0.3)) put('sample', r.int(0, 63));
    if (r.chance(0.3)) put('speed', r.pick(['1', '10', '100', 'max']));
  } else {
    const letters = r.chance(0.5);
    put('fptask', letters ? 'letters' : 'xor');
    if (letters && r.chance(0.6)) put('letters', [...FONT].filter(() => r.chance(0.5)).join('') || 'A');
    if (r.chance(0.5)) put('fphidden', r.int(0, 24));
    if (r.chance(0.3)) put('damage', r.int(0, 12));
    if (r.chance(0.4)) put('alpha', r.pick([0.1, 0.5, 1]));
    if (r.chance(0.3)) put('beta', r.pick([0.1, 0.5, 1]));
    if (r.chance(0.3)) put('tol', r.pick(['1e-4', '1e-8', '1e-12']));
    if (r.chance(0.3)) put('iters', r.int(20, 3000));
    if (r.chance(0.3)) put('fpopt', r.pick(['sgd', 'adam', 'rmsprop']));
    if (r.chance(0.3)) put('fplr', r.pick([0.001, 0.01, 0.1, 1]));
    if (r.chance(0.3)) put('pattern', r.int(0, 100));
    if (r.chance(0.3)) put('cue', r.int(0, 7));
    if (r.chance(0.2)) put('cuepx', [...Array(25)].map(() => r.pick(['+', '-', '0'])).join(''));
    if (r.chance(0.3)) put('fpspeed', r.pick(['3', '100', 'max']));
  }
  if (r.chance(0.25)) parts.push(r.pick(['len=abc', 'hidden=1e9', 'junk=1', '%E0%A4%A=1', 'lr=NaN', 'task=', 'letters=QQ']));
  return parts.join('&');
}

/** A model-file edit a hand (or another program) might make: some the engine or the page refuses. */
const FILE_EDITS = [
  ['as exported', () => {}],
  ['learning rate 0', (c) => { c.training.learningRate = 0; }],
  ['beta1 0.8', (c) => { c.training.beta1 = 0.8; }],
  ['noise', (c) => { if (c.task.noise !== undefined) c.task.noise = 0.2; }],
  ['learning rate 0.02', (c) => { c.training.learningRate = 0.02; }],
  ['another seed', (c) => { c.seed = 77; }],
  ['hidden as text', (c) => { c.hidden = String(c.hidden); }],
];

const ACTIONS = [
  [3, 'mode', async (page, r) => {
    const name = r.pick(['Sequences (BPTT)', 'Fixed point']);
    await page.getByRole('radio', { name }).click();
    return `mode ${name}`;
  }],
  [14, 'setting', async (page, r) => {
    const mode = (await hook(page, () => window.__recurrent.state())).mode;
    return chooseOption(page, r, r.pick(mode === 'fp' ? FP_SELECTS : SEQ_SELECTS));
  }],
  [2, 'checkbox', async (page, r) => {
    const box = page.locator(`input[type=checkbox][name="${r.pick(['erase', 'cueErase'])}"]:visible`);
    if (await box.count() === 0) return null;
    await box.first().click();
    return 'toggle a checkbox';
  }],
  [2, 'letter', async (page, r) => {
    const chips = page.locator('.rc-letter-chip:visible');
    const n = await chips.count();
    if (n === 0) return null;
    const i = r.int(0, n - 1);
    await chips.nth(i).click();
    return `letter chip ${FONT[i]}`;
  }],
  [1, 'cue pixel', async (page, r) => {
    const cue = page.locator('.rc-grid-cue:visible');
    if (await cue.count() === 0) return null;
    const box = await cue.first().boundingBox();
    if (!box) return null;
    await page.mouse.click(box.x + box.width * r.next(), box.y + box.height * r.next());
    return 'click a cue pixel';
  }],
  [6, 'play', async (page) => {
    await page.locator('.bp-play-btn').click();
    return 'play / pause';
  }],
  [4, 'step', async (page) => {
    await page.locator('button[aria-label="Train one step (s)"]').click();
    return 'step';
  }],
  [2, 'reset', async (page) => {
    await page.locator('button[aria-label="Reset the weights (r)"]').click();
    return 'reset';
  }],
  [3, 'walk', async (page) => {
    const b = page.locator('.rc-walk-start:visible');
    if (await b.count() === 0) return null;
    await b.click();
    return 'BPTT walk button';
  }],
  [4, 'key', async (page, r) => {
    const key = r.pick(['n', 'p', 'ArrowLeft', 'ArrowRight', 'Escape', 'b', 's', ' ', 'r']);
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.keyboard.press(key);
    return `key ${JSON.stringify(key)}`;
  }],
  [2, 'export', exportFile(HOOK)],
  [2, 'import', async (page, r, ctx) => {
    if (ctx.files.length === 0) return null;
    const [what, edit] = r.pick(FILE_EDITS);
    const file = JSON.parse(r.pick(ctx.files));
    edit(file.config);
    ctx.expected.importMessage = true;
    await page.locator('input[type=file]').setInputFiles({ name: 'monkey.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
    await expect(page.locator('.bp-messages')).toContainText(/Loaded monkey\.json|Could not load monkey\.json/);
    return `import (${what})`;
  }],
  [3, 'hash', async (page, r) => {
    const hash = randomHash(r);
    await page.evaluate((h) => { window.location.hash = h; }, hash);
    return `hash #${hash}`;
  }],
  [2, 'resize', resize],
  [3, 'wait', wait],
];

// ---- what must hold after every action -----------------------------------------------------------

/** Error boxes a user may legitimately see: a refused file, a divergence, patterns that do not settle. */
const ALLOWED_ERRORS = [/^Could not load monkey\.json: .* Nothing was changed\./, /diverged/i, /settle/i];
const allowed = (e, expected) => ALLOWED_ERRORS.some((re) => re.test(e)) && (!/monkey\.json/.test(e) || !!expected.importMessage);

async function checkInvariants(page, ctx) {
  // no page error, no error box it should not show (since the last check), the URL hash is the state's link
  await checkMessagesAndHash(page, ctx, { hookName: HOOK, errorBoxes: '.bp-msg-error .bp-msg-text', allowed, serializeState });

  // the engine runs exactly what the state says
  await hook(page, () => window.__recurrent.idle());
  const { state, engine, walk, controls } = await page.evaluate(async () => {
    const h = window.__recurrent;
    const c = {};
    for (const el of document.querySelectorAll('.rc-top select, .rc-app select')) c[el.name] = el.value;
    return { state: h.state(), engine: await h.engineConfig(), walk: h.walk(), controls: c };
  });
  expect(engine.mode, 'the engine\'s mode').toBe(state.mode);
  const d = configDifference(engine.config, withDefaults(engine.defaults, engineConfigOf(state)));
  expect(d, 'the engine config and the state').toBe(null);
  if (walk) expect(state.mode, 'a BPTT walk only in sequences mode').toBe('seq');

  // every control shows the state
  for (const [name, value] of Object.entries(controls)) {
    const want = name === 'speed' ? speedOf(state) : state[name];
    if (want !== undefined) expect(value, `the ${name} control`).toBe(String(want));
  }

  // the frames follow the mode; while playing, frames keep coming
  await expect.poll(() => page.evaluate(() => window.__recurrent.frame().mode), { timeout: 5000, message: 'the frame\'s mode' }).toBe(state.mode);
  await checkFramesWhilePlaying(page, HOOK, 1);
}

// ---- the runs ------------------------------------------------------------------------------------

monkeyTests({
  name: 'recurrent',
  seedEnv: 'MONKEY_FIRST_SEED',
  totalMs: Number(process.env.MONKEY_MS) || 30_000,
  url: '/recurrent.html',
  hookName: HOOK,
  actions: ACTIONS,
  checkInvariants,
  settleMs: 300,
});
