// recurrent/test-hook.js: a small surface of the recurrent page for tests: what every page's hook
// has (shared/training-page.js commonTestHook: the last frame, the state, play/pause, files), and
// the engine's own numbers, the BPTT walk, a fresh trace from the worker.

export function makeTestHook(pg) {
  return Object.assign(pg.commonTestHook(), {
    engineStats: () => pg.engine.stats(),
    toJSON: () => pg.engine.toJSON(),
    walk: () => (pg.seq.walk ? { ...pg.seq.walk } : null),
    startWalk: () => pg.seq.startWalk(),
    walkStep: (dir) => pg.seq.walkStep(dir),
    endWalk: () => pg.seq.endWalk(),
    trace: () => pg.engine.trace(),   // a fresh trace straight from the worker
  });
}
