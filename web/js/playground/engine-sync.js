// engine-sync.js: starts the engine and keeps it in step with the state. A change is a patch on
// the state; diffStates says what the engine must hear (nothing, the training settings, or a new
// network or data set), and the requests go through one queue, so a slow one never overtakes a
// later one. A change the engine refuses brings back the last state it accepted.

import { Engine } from './engine.js';
import {
  defaultState, cloneState, problemOf, toEngineConfig, trainingConfig, diffStates, fitActivations,
  canonicalFeatures, DATASETS,
} from './state.js';
import { tooFewPoints, customFromCurrentData } from './edits.js';
import { startEngine } from '../shared/training-page.js';

const GRID = 200;            // decision boundary: GRID x GRID evaluated points
const THUMB = 40;            // node thumbnails: THUMB x THUMB

export class EngineSync {
  /**
   * @param {object} pg  the Playground: state, goodState, engine, ready, playing, points,
   *   lastFrame, history, views (controls, boundary, charts), explainer, options.onStateChange,
   *   pause(), play(), setPlaying(), redraw(), clearDivergence(), message(); connect() sets
   *   pg.engine and pg.ready, and the engine's frames go to pg.pendingFrame
   */
  constructor(pg) {
    this.pg = pg;
    this.queue = Promise.resolve();
  }

  /** Loads the engine, draws the first frame, starts playing if asked (shared/training-page.js). */
  async connect() {
    const pg = this.pg;
    const started = await startEngine(pg, Engine, {
      loading: 'Loading the training engine…',
      init: (state) => pg.engine.init(toEngineConfig(state), { grid: GRID, thumb: THUMB }),
      // A state from a link the engine rejects: fall back to the defaults, say why. Your own
      // points are never dropped: they stay in the state (not in use), and come back when
      // "Your own data" is chosen again.
      fallback: (state) => {
        const kept = state.customPoints.length;
        const note = kept ? ` Your ${kept} point${kept === 1 ? ' is' : 's are'} kept: choose "Your own data" to get ${kept === 1 ? 'it' : 'them'} back.` : '';
        return { state: { ...defaultState(), customPoints: state.customPoints, customTask: state.customTask }, note };
      },
      afterFallback: () => this.emitState(),
      speedOf: (state) => state.speed,
      cloneState,
    });
    if (!started) return;
    // the dataset thumbnails are decoration: asked for once the first frame is drawn, so that
    // neither the worker nor the page spends the start on them
    pg.frames.firstFrame.then(() => this.loadPreviews());
  }

  async loadPreviews() {
    const pg = this.pg;
    const specs = DATASETS.filter((d) => d.name !== 'custom')
      .map((d) => ({ name: d.name, points: 200, noise: 0, trainRatio: 0.9, seed: 1 }));
    try {
      pg.controls.setPreviews(await pg.engine.previews(specs));
    } catch { /* thumbnails are decoration */ }
  }

  /** Applies a patch to the state and tells the engine what it needs to know. */
  update(patch) {
    const pg = this.pg;
    const prev = pg.state;
    const next = { ...cloneState(prev), ...patch };
    delete next.activationAll;
    if (patch.activationAll) next.activations = next.hidden.map(() => patch.activationAll);
    next.activations = fitActivations(next.activations, next.hidden.length);
    next.features = canonicalFeatures(next.features);   // (a feature switched on takes its place)
    if (patch.dataset && patch.dataset !== prev.dataset) {
      // (your own data starts from the points on screen, unless the change brings its own)
      if (patch.dataset === 'custom' && prev.customPoints.length === 0 && !(patch.customPoints && patch.customPoints.length)) {
        Object.assign(next, customFromCurrentData(prev, pg.points));
      }
    }
    if (problemOf(next).kind !== problemOf(prev).kind || problemOf(next).classes !== problemOf(prev).classes) {
      next.output = 'auto';
      next.loss = 'auto';
    }
    pg.state = next;
    pg.controls.render(next);
    this.emitState();
    const kind = diffStates(prev, next);
    if (kind === 'view' || kind === 'none') {
      if (prev.speed !== next.speed) pg.engine?.setSpeed(next.speed);
      if (prev.logScale !== next.logScale) pg.charts.update(pg.history, this.chartOptions());
      pg.redraw();
      return Promise.resolve();
    }
    if (tooFewPoints(next)) {
      // The engine needs data: wait for at least two points, show what there is.
      pg.pause();
      pg.boundary.setPoints(Float64Array.from(next.customPoints.flat()), new Float64Array(0), problemOf(next).classes);
      pg.boundary.setHint('Click on the plot to add points (at least two) to train on.');
      return Promise.resolve();
    }
    pg.boundary.setHint('');
    const onlyPoints = kind === 'config' && prev.dataset === 'custom' && next.dataset === 'custom'
      && prev.customTask === next.customTask && diffStates({ ...prev, customPoints: next.customPoints }, next) === 'none'
      && pg.goodState.dataset === 'custom' && pg.goodState.customTask === next.customTask;
    return this.enqueue(async () => {
      if (!pg.ready) return;
      try {
        if (onlyPoints) {
          await pg.engine.setPoints(next.customPoints.flat());
        } else if (kind === 'config') {
          await pg.engine.setConfig(toEngineConfig(pg.state));
          pg.history.clear();
          pg.clearDivergence();
        } else {
          await pg.engine.updateTraining(trainingConfig(pg.state));
          pg.clearDivergence();
        }
        if (prev.speed !== next.speed) await pg.engine.setSpeed(next.speed);
        pg.goodState = cloneState(pg.state);
        if (pg.explainer.active && kind !== 'config') pg.explainer.refresh();   // (a new layout refreshes on its frame)
      } catch (e) {
        pg.message('error', `That change could not be made: ${e.message}`, { timeout: 12000 });
        // (your own points stay when the engine is not using other ones: nothing typed is lost)
        const points = pg.goodState.dataset === 'custom' ? {} : { customPoints: pg.state.customPoints, customTask: pg.state.customTask };
        pg.state = { ...cloneState(pg.goodState), ...points };
        pg.controls.render(pg.state);
        this.emitState();
      }
      if (pg.playing) pg.engine.play(pg.state.speed);
    });
  }

  /** Runs engine updates one after another (a slow one never overtakes a later one). */
  enqueue(fn) {
    this.queue = this.queue.then(fn, fn);
    return this.queue;
  }

  chartOptions() {
    const pg = this.pg;
    const layout = pg.lastFrame ? pg.lastFrame.layout : { hidden: pg.state.hidden, classes: 2 };
    return { layerCount: layout.hidden.length + 1, classify: layout.classes > 0, log: pg.state.logScale };
  }

  /** Replaces the whole state (a new URL hash). */
  applyState(state, notices = []) {
    for (const n of notices) this.pg.message('notice', n);
    const patch = cloneState(state);
    return this.update(patch);
  }

  emitState() {
    const pg = this.pg;
    if (pg.options.onStateChange) pg.options.onStateChange(cloneState(pg.state));
  }
}
