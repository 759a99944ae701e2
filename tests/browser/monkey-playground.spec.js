// The "monkey" of the playground page (issue 12): seeded random sequences of what a user can do
// there (add and remove layers and neurons while training, per-layer activations, data sets and
// features, the hyper-parameter selects, your own points, explain mode entered, stepped and left,
// export then import with edits, hash edits, resizes, play / pause / step / reset), for a bounded
// time, checking after every action that
//   - the page threw nothing and logged no error, and shows no error box it should not,
//   - frames are still drawn while it plays, and the drawn frame is of the engine's network,
//   - the state, the URL hash and the engine's own config agree.
// It prints its seeds; MONKEY_SEED=<n> replays one (MONKEY_MS sets the time budget, 60 s in all;
// MONKEY_LOG=1 prints the actions). The run loop and the checks both pages make are in monkey.js.
import { expect } from './helpers.js';
import {
  hook, monkeyTests, checkMessagesAndHash, checkFramesWhilePlaying, exportFile, resize, wait,
} from './monkey.js';
import { serializeState, toEngineConfig, withDefaults, configDifference } from '../../web/js/playground/state.js';

const HOOK = 'backpropPlayground';

// ---- what a user can do --------------------------------------------------------------------------

const SELECTS = ['learningRate', 'optimizer', 'activationAll', 'regularization', 'regRate', 'schedule', 'decayRate',
  'momentum', 'init', 'clipNorm', 'output', 'points', 'speed', 'customTask', 'decaySteps'];

/** Picks an option of a visible select at random; returns what it did, or null. */
async function chooseOption(page, r, locator, name) {
  const sel = page.locator(locator);
  const n = await sel.count();
  if (n === 0) return null;
  const el = sel.nth(r.int(0, n - 1));
  if (!(await el.isVisible()) || !(await el.isEnabled())) return null;
  const options = await el.evaluate((e) => [...e.options].map((o) => o.value));
  if (options.length === 0) return null;
  const v = r.pick(options);
  await el.selectOption(v);
  return `select ${name} = ${v}`;
}

async function clickIf(page, locator, what) {
  const el = page.locator(locator);
  if (await el.count() === 0) return null;
  const first = el.first();
  if (!(await first.isVisible()) || !(await first.isEnabled())) return null;
  await first.click();
  return what;
}

/** A link a user could paste: mostly sensible settings, sometimes garbage. */
function randomHash(r) {
  const parts = [];
  const put = (k, v) => parts.push(`${k}=${encodeURIComponent(v)}`);
  const ds = r.pick(['circle', 'xor', 'gaussians', 'spiral', 'moons', 'spiral3', 'plane', 'multigaussian', 'custom']);
  put('dataset', ds);
  if (ds === 'custom' && r.chance(0.8)) {
    const task = r.pick(['classify', 'regress']);
    put('task', task);
    const n = r.int(0, 12);
    const pts = [];
    for (let i = 0; i < n; i++) pts.push([r.int(-50, 50) / 10, r.int(-50, 50) / 10, task === 'regress' ? r.pick([0, 1, -0.5, 0.25]) : r.int(0, 2)]);
    put('pts', pts.map((p) => p.join(',')).join(';'));
  }
  if (r.chance(0.7)) put('hidden', r.chance(0.1) ? 'none' : Array.from({ length: r.int(1, 4) }, () => r.int(1, 9)).join(','));
  if (r.chance(0.4)) put('act', r.pick(['tanh', 'relu', 'sigmoid', 'leaky_relu', 'linear', 'relu,tanh']));
  if (r.chance(0.4)) put('features', r.pick(['x1,x2', 'x1', 'x1sq,x2sq', 'x1,x2,x1x2,sinx1', 'sinx2']));
  if (r.chance(0.4)) put('opt', r.pick(['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam']));
  if (r.chance(0.4)) put('lr', r.pick([0, 0.0001, 0.003, 0.03, 0.3, 3, 10]));
  if (r.chance(0.3)) put('batch', r.int(1, 64));
  if (r.chance(0.3)) put('points', r.pick([10, 100, 500, 3000]));
  if (r.chance(0.2)) put('output', r.pick(['auto', 'sigmoid', 'tanh', 'softmax', 'linear']));
  if (r.chance(0.3)) put('speed', r.pick(['1', '30', '100', 'max']));
  if (r.chance(0.2)) put('reg', r.pick(['none', 'l1', 'l2']));
  if (r.chance(0.2)) put('rrate', r.pick([0, 0.001, 0.1]));
  if (r.chance(0.25)) parts.push(r.pick(['hidden=1e9', 'junk=1', '%E0%A4%A=1', 'lr=NaN', 'dataset=', 'pts=1,2', 'act=relu,relu,relu,relu,relu,relu,relu,relu,relu']));
  return parts.join('&');
}

/** A model-file edit a hand (or another program) might make: some the page refuses. */
const FILE_EDITS = [
  ['as exported', () => {}],
  ['learning rate 0', (c) => { c.training.learningRate = 0; }],
  ['beta1 0.8', (c) => { c.training.beta1 = 0.8; }],
  ['5,000 points', (c) => { if (c.dataset.name !== 'custom') c.dataset.points = 5000; }],
  ['clip 0.25', (c) => { c.training.clipNorm = 0.25; }],
  ['another seed', (c) => { c.network.seed = 77; }],
  ['hidden as text', (c) => { c.network.hidden = String(c.network.hidden); }],
];

const ACTIONS = [
  [6, 'play', async (page) => { await page.locator('.bp-play-btn').click(); return 'play / pause'; }],
  [3, 'step', async (page) => clickIf(page, 'button[aria-label="Train one epoch (s)"]', 'step')],
  [2, 'reset', async (page) => clickIf(page, 'button[aria-label="Reset the network (r)"]', 'reset')],
  [5, 'add layer', async (page) => clickIf(page, 'button[aria-label="Add a hidden layer"]', 'add a layer')],
  [5, 'remove layer', async (page) => clickIf(page, 'button[aria-label="Remove the last hidden layer"]', 'remove the last layer')],
  [6, 'neurons', async (page, r) => {
    const sign = r.pick(['Add a neuron to', 'Remove a neuron from']);
    const btns = page.locator(`button[aria-label^="${sign} layer"]`);
    const n = await btns.count();
    if (n === 0) return null;
    const i = r.int(0, n - 1);
    if (!(await btns.nth(i).isVisible()) || !(await btns.nth(i).isEnabled())) return null;
    await btns.nth(i).click();
    return `${sign} layer ${i + 1}`;
  }],
  [3, 'layer activation', async (page, r) => chooseOption(page, r, 'select.bp-act-select', 'a layer\'s activation')],
  [4, 'dataset', async (page, r) => {
    const name = r.pick(['circle', 'xor', 'gaussians', 'spiral', 'moons', 'spiral3', 'plane', 'multigaussian', 'custom']);
    const ds = page.locator(`.bp-ds[data-name="${name}"]`);
    if (!(await ds.isVisible()) || !(await ds.isEnabled())) return null;
    await ds.click();
    return `data set ${name}`;
  }],
  [3, 'feature', async (page, r) => {
    const feats = page.locator('.bp-feature');
    const i = r.int(0, (await feats.count()) - 1);
    if (!(await feats.nth(i).isVisible()) || !(await feats.nth(i).isEnabled())) return null;
    await feats.nth(i).click();
    return `toggle feature ${i}`;
  }],
  [10, 'setting', async (page, r) => {
    const name = r.pick(SELECTS);
    return chooseOption(page, r, `select[name="${name}"]`, name);
  }],
  [3, 'points on the plot', async (page, r) => {
    const plot = page.locator('.bp-plot canvas').first();
    const box = await plot.boundingBox();
    if (!box || !(await hook(page, () => window.backpropPlayground.state().dataset === 'custom'))) return null;
    for (let k = r.int(1, 4); k > 0; k--) await page.mouse.click(box.x + box.width * (0.1 + 0.8 * r.next()), box.y + box.height * (0.1 + 0.8 * r.next()));
    return 'click points on the plot';
  }],
  [5, 'explain key', async (page, r) => {
    const key = r.pick(['e', 'e', 'n', 'n', 'p', 'ArrowRight', '3', 'Escape', ' ', 's', 'r']);
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.keyboard.press(key);
    return `key ${JSON.stringify(key)}`;
  }],
  [2, 'export', exportFile(HOOK)],
  [3, 'import', async (page, r, ctx) => {
    if (ctx.files.length === 0) return null;
    const [what, edit] = r.pick(FILE_EDITS);
    const file = JSON.parse(r.pick(ctx.files));
    edit(file.config);
    ctx.expected.importMessage = true;
    const shown = await page.locator('.bp-msg', { hasText: 'monkey.json' }).count();
    await page.locator('.bp-files input[type=file]').setInputFiles({ name: 'monkey.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
    await expect.poll(() => page.locator('.bp-msg', { hasText: 'monkey.json' }).count(), { message: 'an import answers' }).toBeGreaterThan(shown);
    return `import (${what})`;
  }],
  [4, 'hash', async (page, r, ctx) => {
    const hash = randomHash(r);
    ctx.expected.refusal = true;   // a pasted link may ask for what the engine refuses (said in a box)
    await page.evaluate((h) => { window.location.hash = h; }, hash);
    return `hash #${hash}`;
  }],
  [2, 'resize', resize],
  [3, 'wait', wait],
];

// ---- what must hold after every action -----------------------------------------------------------

/** The engine's spelling of what the page sends (the worker's adapt, one name for all layers). */
function asRun(sent, runs) {
  const c = JSON.parse(JSON.stringify(sent));
  if (!runs.knowsTask && c.dataset) delete c.dataset.task;
  if (typeof c.network.activation === 'string') c.network.activation = c.network.hidden.map(() => c.network.activation);
  if (c.dataset.name === 'custom') c.dataset.points = c.dataset.custom.length;
  return withDefaults(runs.defaults, c);
}

/** Error boxes a user may see: a divergence; a refused file or link right after one. */
const allowed = (e, expected) => /diverged/i.test(e)
  || (!!expected.importMessage && /^Could not load monkey\.json: .* Nothing was changed\./.test(e))
  || (!!expected.refusal && /That change could not be made/.test(e));

async function checkInvariants(page, ctx) {
  // no page error, no error box it should not show, the URL hash is the state's link
  await checkMessagesAndHash(page, ctx, { hookName: HOOK, errorBoxes: '.bp-msg-error .bp-msg-text, .bp-msg-error', allowed, serializeState });

  // the engine runs exactly what the state says (unless your own data has too few points to train)
  await hook(page, () => window.backpropPlayground.idle());
  const { state, runs } = await page.evaluate(async () => {
    const h = window.backpropPlayground;
    return { state: h.state(), runs: await h.engineRuns() };
  });
  const waiting = state.dataset === 'custom' && state.customPoints.length < 2;
  if (!waiting) {
    const d = configDifference(runs.config, asRun(toEngineConfig(state), runs));
    expect(d, 'the engine config and the state').toBe(null);
  }

  // the drawn frame is of the engine's network (it follows within a few frames)
  const sizes = (hidden) => hidden.map((l) => (typeof l === 'number' ? l : l.size));
  await expect.poll(() => page.evaluate(() => window.backpropPlayground.frame().layout.hidden.map((l) => l.size)), {
    timeout: 5000, message: 'the drawn frame\'s layers',
  }).toEqual(sizes(runs.config.network.hidden));
  const diagram = await page.evaluate(() => {
    const f = window.backpropPlayground.frame();
    const s = [f.layout.features.length, ...f.layout.hidden.map((l) => l.size), f.layout.output.size];
    let links = 0;
    for (let l = 0; l + 1 < s.length; l++) links += s[l] * s[l + 1];
    return { links, drawn: window.backpropPlayground.linkCount() };
  });
  expect(diagram.drawn, 'one link on the diagram per weight').toBe(diagram.links);

  // while playing, frames keep coming
  await checkFramesWhilePlaying(page, HOOK, 2);
}

// ---- the runs ------------------------------------------------------------------------------------

monkeyTests({
  name: 'playground',
  seedEnv: 'MONKEY_PLAYGROUND_SEED',
  totalMs: Number(process.env.MONKEY_MS) || 60_000,
  url: '/index.html#dataset=xor&hidden=4,2',
  hookName: HOOK,
  actions: ACTIONS,
  checkInvariants,
  debugDump: (page) => page.evaluate(() => {
    const h = window.backpropPlayground.history();
    const ext = (a) => { const v = a.filter((x) => x !== null); return [Math.min(...v), Math.max(...v), v.length]; };
    return { loss: ext(h.trainLoss), test: ext(h.testLoss), grad: h.grad.map(ext), state: window.backpropPlayground.state() };
  }),
});
