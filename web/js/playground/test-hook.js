// test-hook.js: a small surface of a Playground for tests and benchmarks (bench/page.mjs):
// predictions, the last frame, the state, play/pause, explain mode, the input Jacobian.

import { cloneState, toEngineConfig } from './state.js';

/**
 * The hook of the Playground pg. `stats()` is the last drawn frame's metrics (synchronous);
 * `engineStats()` asks the engine itself.
 */
export function makeTestHook(pg) {
  return {
    ready: pg.frames.firstFrame,
    /** Resolves when every queued engine request has been answered. */
    idle: () => pg.sync.queue.then(() => undefined),
    get framesDrawn() { return pg.frames.perf.draws; },
    play: () => pg.play(),
    pause: () => pg.pause(),
    stats: () => (pg.lastFrame ? { ...pg.lastFrame.stats } : null),
    engineStats: () => pg.engine.stats(),
    state: () => cloneState(pg.state),
    shareURL: () => pg.shareURL(),
    frame: () => pg.lastFrame,
    fps: () => pg.frames.fps.value,
    perf: () => ({ ...pg.frames.perf }),
    predict: (xy) => pg.engine.predict(xy),
    toJSON: () => pg.engine.toJSON(),
    importModelText: (text, name) => pg.files.importModelText(text, name),
    heat: () => pg.boundary.heat,
    snapshot: () => pg.engine.snapshot(),
    linkMidpoint: (l, i, j) => pg.network.linkMidpoint(l, i, j),
    linkLabels: () => pg.network.linkLabels(),
    /** Links the diagram holds geometry for (one per weight of the network on screen). */
    linkCount: () => pg.network.links.length,
    playing: () => pg.playing,
    history: () => pg.history,
    /** Explain mode: open/close, choose, step, apply, inspect; state() is what the page shows. */
    explain: {
      open: () => pg.explainer.open(),
      close: () => pg.explainer.close(),
      pick: (x, y) => pg.explainer.pick(x, y, 0.5),
      useBatch: () => pg.explainer.useBatch(),
      next: () => pg.explainer.next(),
      prev: () => pg.explainer.prev(),
      phase: (id) => pg.explainer.goPhase(id),
      focus: (n) => pg.explainer.setFocus(n),
      apply: () => pg.explainer.apply(),
      chainRule: (l, i, j) => pg.explainer.inspectLink(l, i, j),
      gradCheck: () => pg.explainer.runGradCheck(),
      state: () => pg.explainer.snapshot(),
      /** What the diagram shows now: per layer its link values; per node its notes. */
      shown: () => {
        const ex = pg.network.explain;
        if (!ex) return null;
        return {
          links: ex.links.map((l) => ({ kind: l.kind, state: l.state, values: Array.from(l.values) })),
          notes: ex.notes.map((n) => ({ state: n.state, lines: n.lines.map((x) => ({ sym: x.sym, value: x.value })) })),
        };
      },
    },
    /** The input Jacobian: on/off, the field the plot draws, the last hovered matrix. */
    jacobian: {
      set: (on) => pg.jacobian.set(on),
      field: () => pg.jacobian.field || null,
      hovered: () => pg.jacobian.hover.last || null,
    },
    engineConfig: () => toEngineConfig(pg.state),
    /** What the engine itself runs: { config, defaults, classes, knowsTask }. */
    engineRuns: () => pg.engine.config(),
    /** The data on screen: { train, test } flat [x, y, label, ...]. */
    points: () => ({ train: Array.from(pg.points.train), test: Array.from(pg.points.test) }),
  };
}
