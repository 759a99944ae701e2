// recurrent/sequence-panels.js: the panels of sequences mode (BPTT). ‖∂L/∂h_t‖ per step on a
// log scale (the headline: vanishing and exploding gradients) with the unrolled network coloured
// by that norm; "Step through BPTT" pauses and walks the backward pass one time step at a time
// (bptt-walk.js); one held-out sequence (input, target, prediction), the hidden state, and the
// losses and σ_max(Wh) over training. Draws frames; never sees the engine.

import { LineChart, History, COLORS, belowFloor, LOG_FLOOR } from '../shared/line-chart.js';
import { HiddenHeatmap, UnrolledDiagram, fmtShort } from './sequence-views.js';
import { BpttWalk } from './bptt-walk.js';
import { h, fmt, fmtInt } from '../shared/dom.js';
import { panel, note, metricRow } from './panels.js';

export class SequencePanels {
  /**
   * @param {HTMLElement} sampleField  the held-out sequence control (the controls' own)
   * @param {{ pause(): void, lastFrame(): object, state(): object }} on
   */
  constructor(sampleField, on) {
    this.on = on;
    this.history = new History(['trainLoss', 'testLoss', 'testAccuracy', 'sigma']);
    this.reference = null;   // ‖∂L/∂h_t‖ of the inspected sequence at step 0 (the dashed curve)
    this.walk = null;        // stepping through BPTT: { t, version } (the step shown, the config it is for)
    const c = { sampleField };
    this.gradChart = new LineChart({
      title: 'Gradient norm ‖∂L/∂h_t‖ at every time step (log scale)', xLabel: 't', log: true, height: 200,
      className: 'rc-chart-headline',
    });
    this.unrolled = new UnrolledDiagram();
    this.walkView = new BpttWalk({ next: () => this.walkStep(-1), prev: () => this.walkStep(1), close: () => this.endWalk() });
    this.walkBtn = h('button', {
      type: 'button', class: 'bp-btn bp-btn-small rc-walk-start', text: 'Step through BPTT', 'aria-pressed': 'false',
      title: 'Pause and walk the backward pass from the last step to the first (b; then ← / → or n / p, Esc to leave)',
      on: { click: () => (this.walk ? this.endWalk() : this.startWalk()) },
    });
    this.seqChart = new LineChart({ title: 'Input, target and prediction over time', xLabel: 't', height: 190, xPad: 0.6 });
    this.seqMetrics = h('div', { class: 'bp-metrics rc-metrics' });
    this.heatmap = new HiddenHeatmap();
    this.lossChart = new LineChart({ title: 'Loss over training', xLabel: 'step', log: true, height: 160 });
    this.sigmaChart = new LineChart({
      title: 'Largest singular value σ_max(Wh) over training', xLabel: 'step', height: 160,
      refLines: [{ value: 1, label: 'σ = 1', color: '#8a9099' }],
    });
    this.trainMetrics = h('div', { class: 'bp-metrics rc-metrics' });
    this.el = h('div', { class: 'rc-grid rc-grid-seq' },
      panel('rc-panel-grad', 'Gradient through time',
        note('How much the loss depends on the hidden state at each step. Backpropagation through time carries ∂L/∂h_t backwards through the recurrent weights; a falling line means gradients vanish (early inputs can hardly be learned from), a rising one that they explode.'),
        h('div', { class: 'rc-walk-start-row' }, this.walkBtn,
          h('span', { class: 'rc-walk-hint', text: 'pause and follow the error signal back through time, one step at a time (key b)' })),
        this.gradChart.el, this.unrolled.el, this.walkView.el),
      panel('rc-panel-seq', 'One held-out sequence', c.sampleField, this.seqChart.el, this.seqMetrics),
      panel('rc-panel-hidden', 'Hidden state', this.heatmap.el),
      panel('rc-panel-train', 'Training', this.trainMetrics, h('div', { class: 'bp-charts rc-charts' }, this.lossChart.el, this.sigmaChart.el)));
  }

  get state() {
    return this.on.state();
  }

  draw(frame, chartsDue, state) {
    const s = frame.stats;
    const tr = frame.seqTrace;
    this.history.push(s.step, { trainLoss: s.trainLoss, testLoss: s.testLoss, testAccuracy: s.testAccuracy, sigma: s.recurrentSigma });
    const T = tr.T;
    const ts = Array.from({ length: T }, (_, t) => t);
    if (s.step === 0) this.reference = { sample: tr.sample, T, grads: Array.from(tr.gradNorms) };
    this.drawGradient(frame);

    // input / target / prediction
    const D = tr.D;
    const K = tr.K;
    const everyStep = Array.from(tr.lossSteps).every((v) => v === 1);
    const series = [{ label: 'input x_t', stroke: COLORS.grey, width: 1.2 }];
    const data = [ts.map((t) => tr.input[t * D])];
    if (state.task === 'adding' && D > 1) {
      series.push({ label: 'marked', stroke: COLORS.black, points: true, noLine: true, pointSize: 7 });
      data.push(ts.map((t) => (tr.input[t * D + 1] > 0.5 ? tr.input[t * D] : null)));
    }
    const masked = (arr) => ts.map((t) => (tr.lossSteps[t] === 1 ? arr[t * K] : null));
    series.push({ label: 'target', stroke: COLORS.blue, width: 2, points: !everyStep, noLine: !everyStep, pointSize: 12 });
    data.push(masked(tr.target));
    series.push({ label: 'prediction', stroke: COLORS.vermillion, width: 2, points: !everyStep, noLine: !everyStep, pointSize: 7 });
    data.push(everyStep ? ts.map((t) => tr.prediction[t * K]) : masked(tr.prediction));
    if (tr.freeRun) {
      series.push({ label: 'free run', stroke: COLORS.green, width: 2, dash: [6, 3] });
      data.push(ts.map((t) => (t >= tr.prime - 1 ? tr.freeRun[t] : null)));
    }
    this.seqChart.setData(ts, data, series, false);
    const title = {
      sine: tr.freeRun ? `Sine: predict the next value; from t = ${tr.prime} the free run feeds its own output back` : 'Sine: predict the next value',
      echo: `Echo: output the input from ${state.delay} step${state.delay === 1 ? '' : 's'} ago`,
      parity: 'Parity: the running XOR of the bits so far (prediction = probability of 1)',
      adding: 'Adding: at the last step, output the sum of the two marked values',
    }[state.task];
    this.seqChart.setTitle(title);
    this.seqMetrics.replaceChildren(metricRow([['Loss on this sequence', fmt(tr.loss)]]));

    this.heatmap.draw(tr.hidden, T, tr.H, 'h');

    if (chartsDue) {
      const x = this.history.x;
      const empty = x.length < 2 ? 'The curves grow as training runs.' : '';
      this.lossChart.setNote(empty);
      this.sigmaChart.setNote(empty);
      const v = this.history.v;
      this.lossChart.setData(x, [v.trainLoss, v.testLoss], [
        { label: 'train', stroke: COLORS.blue }, { label: 'test', stroke: COLORS.vermillion, dash: [5, 3] }], state.logScale);
      this.sigmaChart.setData(x, [v.sigma], [{ label: 'σ_max(Wh)', stroke: COLORS.purple, width: 2 }], false);
    }
    const clipShare = s.step > 0 ? ` (${Math.round((100 * s.clipCount) / s.step)}% of steps)` : '';
    this.trainMetrics.replaceChildren(
      metricRow([['Training loss', fmt(s.trainLoss)], ['Test loss', fmt(s.testLoss)],
        ['Test accuracy', Number.isFinite(s.testAccuracy) ? `${(s.testAccuracy * 100).toFixed(1)}%` : '–']]),
      metricRow([['Epoch', fmt(s.epoch)],
        // (the session measures the global gradient norm only when it clips)
        ...(state.clipNorm > 0 ? [['Gradient norm before clipping', fmt(s.gradNorm)]] : []),
        ['Clipped', state.clipNorm > 0 ? `${fmtInt(s.clipCount)} steps${clipShare}` : 'off'],
        ['σ_max(Wh)', fmt(s.recurrentSigma)]]));
  }

  /** The headline: ‖∂L/∂h_t‖ now (and at step 0 for comparison), and the unrolled network. */
  drawGradient(frame) {
    const s = frame.stats;
    const tr = frame.seqTrace;
    const T = tr.T;
    const ts = Array.from({ length: T }, (_, t) => t);
    if (this.walk) {
      this.drawWalk(tr, ts);
      return;
    }
    const gradSeries = [{ label: `step ${s.step}`, stroke: COLORS.vermillion, width: 2, points: T <= 60, pointSize: 4 }];
    const gradData = [tr.gradNorms];
    if (this.reference && this.reference.sample === tr.sample && this.reference.T === T && s.step > 0) {
      gradSeries.push({ label: 'at step 0', stroke: COLORS.grey, width: 1.5, dash: [5, 4] });
      gradData.push(this.reference.grads);
    }
    this.gradChart.setData(ts, gradData, gradSeries, true);
    const tiny = belowFloor(tr.gradNorms);
    this.gradChart.setNote(tiny ? `${tiny} of ${T} steps have ‖∂L/∂h_t‖ below ${LOG_FLOOR.toExponential(0)}: too small to draw (the gradient has vanished there).` : '');
    const g = Array.from(tr.gradNorms).filter((v) => v > 0);
    if (g.length >= 2) {
      const first = tr.gradNorms[0];
      const last = tr.gradNorms[T - 1];
      const ratio = first > 0 && last > 0 ? first / last : NaN;
      this.gradChart.setTitle(`Gradient norm ‖∂L/∂h_t‖ at every time step (log scale): ‖∂L/∂h_0‖ / ‖∂L/∂h_${T - 1}‖ = ${fmtShort(ratio)}`);
    }
    this.unrolled.draw(tr.gradNorms, tr.lossSteps, T, this.state.cell);
  }

  /**
   * Stepping through BPTT: the chart fills in ‖∂L/∂h_t‖ from t = T−1 down to the step shown
   * (the steps still to come stay pale, so the axis does not move), the diagram marks the step,
   * and the walk view shows what that cell receives. Every number is the frame's (the core's).
   */
  drawWalk(tr, ts) {
    const { t } = this.walk;
    const g = tr.gradNorms;
    this.gradChart.setData(ts, [
      ts.map((k) => (k >= t ? g[k] : null)),
      ts.map((k) => (k <= t ? g[k] : null)),
      ts.map((k) => (k === t ? g[k] : null)),
    ], [
      { label: 'backward pass so far', stroke: COLORS.vermillion, width: 2, points: tr.T <= 60, pointSize: 4 },
      { label: 'still to come', stroke: '#cfd3d9', width: 1.2, dash: [3, 3] },
      { label: 'this step', stroke: COLORS.black, points: true, noLine: true, pointSize: 10 },
    ], true);
    this.gradChart.setTitle(`Backward pass through time: ‖∂L/∂h_t‖ filled in from t = ${tr.T - 1} down to t = ${t} (log scale)`);
    const tiny = belowFloor(g);
    this.gradChart.setNote(tiny ? `${tiny} of ${tr.T} steps have ‖∂L/∂h_t‖ below ${LOG_FLOOR.toExponential(0)}: too small to draw.` : '');
    this.unrolled.draw(g, tr.lossSteps, tr.T, this.state.cell, t);
    this.walkView.draw(tr, t, this.state.cell);
  }

  // ---- stepping through BPTT -----------------------------------------------------------------------

  /** Pauses training and shows the backward pass at its first step, t = T−1. */
  startWalk() {
    const f = this.on.lastFrame();
    if (this.state.mode !== 'seq' || !f || !f.seqTrace) return;
    this.on.pause();
    this.walk = { t: f.seqTrace.T - 1, version: f.configVersion };
    this.walkView.show(true);
    this.walkBtn.setAttribute('aria-pressed', 'true');
    this.walkBtn.textContent = 'Leave the BPTT walk';
    this.redrawGradient();
  }

  endWalk() {
    if (!this.walk) return;
    this.walk = null;
    this.walkView.show(false);
    this.walkBtn.setAttribute('aria-pressed', 'false');
    this.walkBtn.textContent = 'Step through BPTT';
    this.redrawGradient();
  }

  /** dir −1: the next step of the backward pass (t − 1); +1: back to t + 1. */
  walkStep(dir) {
    const f = this.on.lastFrame();
    if (!this.walk || !f || !f.seqTrace) return;
    this.walk.t = Math.max(0, Math.min(f.seqTrace.T - 1, this.walk.t + dir));
    this.redrawGradient();
  }

  redrawGradient() {
    const f = this.on.lastFrame();
    if (f && f.mode === 'seq' && f.seqTrace && this.state.mode === 'seq') this.drawGradient(f);
  }

  /** A new network or problem: the curves start again. */
  clear() {
    this.history.clear();
    this.reference = null;
  }

  /** A frame of a new config: the step-0 reference is of the old network; a walk starts again. */
  frameArrived(prev, frame) {
    if (prev && prev.configVersion !== frame.configVersion) this.reference = null;
    if (this.walk && frame.seqTrace && (this.walk.version !== frame.configVersion || this.walk.t >= frame.seqTrace.T)) {
      this.walk = { t: frame.seqTrace.T - 1, version: frame.configVersion };
    }
  }

  /** Keys of the BPTT walk: b starts or leaves it; ← / n the next step back, → / p forward again. */
  walkKey(key) {
    if (key === 'b') {
      if (this.walk) this.endWalk();
      else this.startWalk();
      return true;
    }
    if (!this.walk) return false;
    if (key === 'ArrowLeft' || key === 'n') this.walkStep(-1);
    else if (key === 'ArrowRight' || key === 'p') this.walkStep(1);
    else if (key === 'Escape') this.endWalk();
    else return false;
    return true;
  }

  destroy() {
    for (const c of [this.gradChart, this.seqChart, this.lossChart, this.sigmaChart, this.heatmap, this.unrolled, this.walkView]) c.destroy();
  }
}
