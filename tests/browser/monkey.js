// What both pages' monkeys (monkey-*.spec.js) share: their seeds and a seeded generator.

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
