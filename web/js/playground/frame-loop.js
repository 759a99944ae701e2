// frame-loop.js: the playground's animation loop. The worker streams frames; each
// requestAnimationFrame draws the latest one into the views and acks it (off screen, frames wait
// and are not acked, so the worker stops evaluating grids while it goes on training).

import { outputMode } from '../shared/colors.js';
import { tooFewPoints } from './edits.js';

const CHART_EVERY_MS = 100;  // charts redraw at most this often while training

export class FrameLoop {
  /**
   * @param {object} pg  the Playground: pendingFrame, lastFrame (both written here), visible,
   *   state, playing, hoverNode, divergence, controlsMode, engine, views, explainer, jacobian,
   *   history, points, onDiverged(), setPlaying()
   */
  constructor(pg) {
    this.pg = pg;
    this.fps = { frames: 0, t0: performance.now(), value: 0 };
    this.lastChart = 0;
    this.perf = { drawMs: 0, draws: 0, workerMs: 0, evalMs: 0 };
    this.firstFrame = new Promise((resolve) => { this.resolveFirstFrame = resolve; });
    this.loop = this.loop.bind(this);
  }

  start() {
    this.raf = requestAnimationFrame(this.loop);
  }

  stop() {
    cancelAnimationFrame(this.raf);
  }

  loop(now) {
    const pg = this.pg;
    if (pg.destroyed) return;
    this.raf = requestAnimationFrame(this.loop);
    const frame = pg.pendingFrame;
    // Off screen: keep the frame for later and do not ack, so the worker stops evaluating grids
    // (it goes on training). The first frame is always drawn.
    if (!frame || (!pg.visible && pg.lastFrame)) return;
    pg.pendingFrame = null;
    const t0 = performance.now();
    try {
      this.draw(frame, now);
    } finally {
      // Acked even when a view throws: an unacked frame would stop the worker's frames for good
      // (it keeps at most two in flight) while it goes on training.
      pg.engine.ack(frame.seq);
    }
    this.perf.drawMs += performance.now() - t0;
    this.perf.draws++;
    this.perf.workerMs += frame.timing ? frame.timing.gridMs : 0;
    this.perf.evalMs += frame.timing ? frame.timing.evalMs : 0;
    if (this.perf.draws === 1) this.resolveFirstFrame();
    if (pg.options.onFrame) pg.options.onFrame(frame);   // the embedded element's epoch event
    this.fps.frames++;
    if (now - this.fps.t0 >= 1000) {
      this.fps.value = (this.fps.frames * 1000) / (now - this.fps.t0);
      this.fps.frames = 0;
      this.fps.t0 = now;
    }
  }

  draw(frame, now = performance.now()) {
    const pg = this.pg;
    const prevLayout = pg.lastFrame ? pg.lastFrame.layoutVersion : -1;
    pg.lastFrame = frame;
    const layout = frame.layout;
    if (frame.layoutVersion !== prevLayout) {
      pg.network.setStructure(pg.state, layout);
      if (prevLayout >= 0 && pg.explainer.active) pg.explainer.refresh();
    }
    if (frame.points) {
      pg.points = frame.points;
      if (!tooFewPoints(pg.state)) pg.boundary.setPoints(frame.points.train, frame.points.test, layout.classes);
    }
    this.drawBoundary(frame);
    pg.jacobian.draw(frame);
    pg.network.update(frame);
    pg.explainer.onFrame(frame);
    pg.controls.renderFrame(frame, frame.playing);
    pg.history.push(frame.stats, frame.gradNorms);
    if (!frame.playing || now - this.lastChart > CHART_EVERY_MS) {
      this.lastChart = now;
      pg.charts.update(pg.history, {
        layerCount: layout.hidden.length + 1,
        classify: layout.classes > 0,
        log: pg.state.logScale,
      });
    }
    if (frame.stats.diverged && !pg.divergence) pg.onDiverged(frame.stats);
    // the worker stopped by itself (not a frame sent before the page's play request landed)
    if (pg.playing && !pg.playsInFlight && !frame.playing && !frame.stats.diverged) pg.setPlaying(false);
  }

  drawBoundary(frame) {
    const pg = this.pg;
    const layout = frame.layout;
    const mode = outputMode(layout.output, layout.classes);
    pg.boundary.setShowTest(pg.state.showTest);
    pg.boundary.setEditMode(pg.state.dataset === 'custom' && pg.controlsMode === 'full' && !pg.explainer.active
      ? { tool: pg.controls.editTool } : null);
    pg.boundary.setLegend(mode, layout.classes, pg.state.discretize);
    if (pg.hoverNode !== null && frame.hover && frame.hover.node === pg.hoverNode) {
      const nf = layout.features.length;
      const node = pg.network.nodes[pg.hoverNode];
      const label = node ? `Showing ${node.label}` : 'Showing a node';
      const activation = pg.hoverNode < nf ? `feature:${layout.features[pg.hoverNode]}` : node ? node.activation : 'tanh';
      pg.boundary.drawNodeField(frame.hover.field, frame.grid, activation, label, node ? node.j : 0);
    } else {
      pg.boundary.drawOutput(frame.output, layout.outputs || 1, frame.grid, mode,
        pg.state.discretize && layout.classes > 0);
    }
  }
}
