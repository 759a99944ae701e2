// What both pages' monkeys (monkey-*.spec.js) share: their seeds and a seeded generator, the
// weighted choice of an action, the checks every page makes after each action (no page error, no
// error box it should not show, the URL hash is the state, frames keep coming while it plays) and
// the run loop with its action log. Each spec keeps its own actions and its own invariants.
//
// An action is a row [weight, name, act]: `await act(page, r, ctx)` does it with the generator r
// and returns what it did (the log line), or null when there was nothing to do. It may say in
// ctx.expected what the next check is to allow (ctx.expected.importMessage, .refusal: reset after
// every check); ctx.files holds exported model files for later imports.
// Environment: MONKEY_SEED=<n> replays one seed, MONKEY_MS sets the time budget, MONKEY_LOG=1
// prints every run's action log, MONKEY_DEBUG=1 prints the spec's debug dump on a failure.
import { test, expect } from './helpers.js';

// No more actions than this in a run, and at least this many, however slow the machine (the
// budget is time; a loaded machine would otherwise make a run too short to mean anything).
const MAX_ACTIONS = 400;
const MIN_ACTIONS = 12;

/**
 * The seeds of a monkey run: three from a fresh first seed (kept in the environment under
 * `envName`, so Playwright's runner and its worker processes agree and the test titles do not
 * change between them), or the one MONKEY_SEED replays.
 */
export function monkeySeeds(envName) {
  process.env[envName] ??= String(Date.now() % 1_000_000);
  const replay = process.env.MONKEY_SEED !== undefined && process.env.MONKEY_SEED !== '';
  const first = Number(replay ? process.env.MONKEY_SEED : process.env[envName]);
  return replay ? [first] : [first, first + 1, first + 2];
}

/** mulberry32: a small seeded generator (the same seed, the same actions). */
export function generator(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

/** page.evaluate under the name the specs read best in. */
export const hook = (page, fn, arg) => page.evaluate(fn, arg);

// ---- actions both pages have (the rows' act) ------------------------------------------------------

/** Keeps the model file window[hookName].toJSON() gives in ctx.files (the last four), for imports. */
export const exportFile = (hookName) => async (page, r, ctx) => {
  const text = await page.evaluate((h) => window[h].toJSON(), hookName);
  ctx.files.push(text);
  if (ctx.files.length > 4) ctx.files.shift();
  return 'export';
};

/** A window of a random size. */
export async function resize(page, r) {
  const size = { width: r.int(360, 1600), height: r.int(500, 1100) };
  await page.setViewportSize(size);
  return `resize ${size.width}x${size.height}`;
}

/** Waits 100 to 600 ms. */
export async function wait(page, r) {
  const ms = r.int(100, 600);
  await page.waitForTimeout(ms);
  return `wait ${ms} ms`;
}

/** One row of `actions` ([weight, name, act]), chosen with probability weight / total. */
export function chooseAction(actions, r) {
  const total = actions.reduce((s, a) => s + a[0], 0);
  let x = r.next() * total;
  for (const a of actions) {
    x -= a[0];
    if (x < 0) return a;
  }
  return actions[actions.length - 1];
}

/**
 * What must hold on either page after every action, on the page's test hook window[hookName]:
 * once it is idle, the page threw nothing, every error box (the elements `errorBoxes` selects)
 * is one `allowed(text, expected)` accepts, where `expected` is what the last action set in
 * ctx.expected; the boxes are then cleared and ctx.expected reset. Then the URL hash is
 * `#${serializeState(state)}` (it is written 150 ms after a change).
 */
export async function checkMessagesAndHash(page, ctx, { hookName, errorBoxes, allowed, serializeState }) {
  await page.evaluate((h) => window[h].idle(), hookName);
  expect(ctx.pageErrors, 'page errors').toEqual([]);
  const errors = await page.evaluate((sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent), errorBoxes);
  for (const e of errors) expect(allowed(e, ctx.expected), `an error box: ${e}`).toBe(true);
  await page.evaluate(() => document.querySelector('.bp-messages').replaceChildren());
  ctx.expected = {};

  await expect.poll(async () => {
    const [hash, state] = await page.evaluate((h) => [window.location.hash, window[h].state()], hookName);
    return hash === `#${serializeState(state)}` ? 'same' : `${hash} vs #${serializeState(state)}`;
  }, { timeout: 3000, message: 'the URL hash is the state' }).toBe('same');
}

/** While the page plays, at least `frames` more frames are drawn (or it stops playing). */
export async function checkFramesWhilePlaying(page, hookName, frames) {
  if (!(await page.evaluate((h) => window[h].playing(), hookName))) return;
  const drawn = await page.evaluate((h) => window[h].framesDrawn, hookName);
  await expect.poll(() => page.evaluate(([h, want]) => !window[h].playing() || window[h].framesDrawn >= want, [hookName, drawn + frames]), {
    timeout: 8000, message: 'frames are drawn while playing',
  }).toBe(true);
}

/**
 * The monkey's tests: one a seed (monkeySeeds(seedEnv)), each sharing totalMs out. A run opens
 * `url`, waits for the first frame on window[hookName], checks `checkInvariants(page, ctx)`, then
 * does actions (chooseAction) and checks after each one until the budget is spent (at least
 * MIN_ACTIONS, at most MAX_ACTIONS). With settleMs, it waits that long after the last action and
 * checks again (an error thrown while the last action settled is the run's too). A failure names
 * the seed and the last actions done.
 */
export function monkeyTests({ name, seedEnv, totalMs, url, hookName, actions, checkInvariants, settleMs = 0, debugDump }) {
  const seeds = monkeySeeds(seedEnv);
  for (const [k, seed] of seeds.entries()) {
    test(`monkey on the ${name} page, run ${k + 1} of ${seeds.length}`, async ({ page, consoleErrors }) => {
      const budget = totalMs / seeds.length;
      test.setTimeout(budget + 180_000);
      console.log(`monkey-${name}: seed ${seed} (replay with MONKEY_SEED=${seed})`);
      test.info().annotations.push({ type: 'seed', description: String(seed) });
      const ctx = { files: [], pageErrors: [], expected: {} };
      page.on('pageerror', (e) => ctx.pageErrors.push(`${e.message}\n${(e.stack || '').split('\n').slice(1, 4).join('\n')}`));
      await page.goto(url);
      await page.waitForFunction((h) => !!(window[h] && window[h].frame()), hookName, { timeout: 20_000 });
      const r = generator(seed);
      const log = [];
      const t0 = Date.now();
      try {
        await checkInvariants(page, ctx);
        for (let i = 0; i < MAX_ACTIONS && (Date.now() - t0 < budget || i < MIN_ACTIONS); i++) {
          const [, what, act] = chooseAction(actions, r);
          const did = await act(page, r, ctx);
          log.push(`${i}: ${did || `(${what}: nothing to do)`}`);
          await checkInvariants(page, ctx);
        }
        if (settleMs > 0) {
          await page.waitForTimeout(settleMs);
          await checkInvariants(page, ctx);
        }
      } catch (e) {
        if (process.env.MONKEY_DEBUG && debugDump) console.log(JSON.stringify(await debugDump(page)));
        e.message = `monkey seed ${seed} (MONKEY_SEED=${seed} replays it), after:\n  ${log.slice(-12).join('\n  ')}\n${e.message}`;
        throw e;
      }
      if (process.env.MONKEY_LOG) console.log(`monkey-${name}: seed ${seed}: the actions\n  ${log.join('\n  ')}`);
      console.log(`monkey-${name}: seed ${seed}: ${log.length} actions in ${Date.now() - t0} ms`);
      expect(log.length).toBeGreaterThanOrEqual(MIN_ACTIONS);
    });
  }
}
