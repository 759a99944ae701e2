// shared/one-at-a-time.js: a request that is only worth its latest answer (the drawing read
// again, the views' numbers after a step), sent to the engine one at a time: a call while one
// is in flight asks for one more run after it, and the calls in between fold into that one.

/**
 * @param {() => Promise<void> | void} fn  the request; it handles its own errors (never rejects)
 * @returns {() => Promise<void>}  run(): resolves when the run it started ends (at once when it
 *   only asked for another)
 */
export function oneAtATime(fn) {
  let busy = false;
  let again = false;
  const run = async () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      await fn();
    } finally {
      busy = false;
      if (again) {
        again = false;
        run();
      }
    }
  };
  return run;
}
