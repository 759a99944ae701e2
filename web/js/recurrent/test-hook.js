// recurrent/test-hook.js: a small surface of the recurrent page for tests: the last frame, the
// state, play/pause, files, the BPTT walk, a fresh trace from the worker.

import { cloneState } from './state.js';

export function makeTestHook(pg) {
  return {
    ready: pg.firstFrame,
    get framesDrawn() { return pg.draws; },
    frame: () => pg.lastFrame,
    stats: () => (pg.lastFrame ? { ...pg.lastFrame.stats } : null),
    engineStats: () => pg.engine.stats(),
    state: () => cloneState(pg.state),
    play: () => pg.play(),
    pause: () => pg.pause(),
    playing: () => pg.playing,
    update: (patch) => pg.update(patch),
    idle: () => pg.queue.then(() => undefined),   // every queued engine change is done
    toJSON: () => pg.engine.toJSON(),
    /** The engine's own config: { mode, config, defaults } (defaults: its config for {}). */
    engineConfig: () => pg.engine.config(),
    importModelText: (text, name) => pg.files.importModelText(text, name),
    shareURL: () => pg.files.shareURL(),
    walk: () => (pg.seq.walk ? { ...pg.seq.walk } : null),
    startWalk: () => pg.seq.startWalk(),
    walkStep: (dir) => pg.seq.walkStep(dir),
    endWalk: () => pg.seq.endWalk(),
    trace: () => pg.engine.trace(),   // a fresh trace straight from the worker
  };
}
