// recurrent/main.js: the recurrent page's composition root. A RecurrentPlayground wires one
// engine (its own worker, recurrent/worker.js), the state (recurrent/state.js) and the views
// together, and owns the animation loop: the worker streams frames, each requestAnimationFrame
// draws the latest one and acks it. Views never see the engine; the engine never sees the DOM.
//
// Two modes. Sequences (BPTT): input/target/prediction over time, the hidden state, ‖∂L/∂h_t‖ per
// step on a log scale (the headline: vanishing and exploding gradients), the unrolled network
// coloured by that norm, σ_max(Wh) and the losses over training; "Step through BPTT" pauses and
// walks the backward pass over the unrolled network one time step at a time (bptt-walk.js). Fixed point: the state of every
// unit over the forward relaxation, the adjoint over the backward one, both residuals on a log
// scale, the weights (XOR) or the 5×5 completion grids (letters), and the training curves.

import { RecurrentEngine } from './engine.js';
import {
  defaultState, cloneState, fitState, diffStates, serializeState, sequenceConfig, sequenceTraining,
  fixedPointConfig, fixedPointTraining, fixedPointRelax, fixedPointDefaults, applySettings,
  cueFromPixels, pixelsFromCue, speedOf, LIMITS,
} from './state.js';
import { RecurrentControls } from './controls.js';
import { LineChart, History, COLORS, UNIT_COLORS, belowFloor, LOG_FLOOR } from './charts.js';
import { HiddenHeatmap, UnrolledDiagram, fmtShort } from './sequence-views.js';
import { BpttWalk } from './bptt-walk.js';
import { CompletionView, WeightsView } from './pattern-views.js';
import { divergingRGB } from '../shared/colors.js';
import { h, download, clear, fmt } from '../shared/dom.js';
import { showMessage } from '../shared/messages.js';

const CHART_EVERY_MS = 100;       // training charts redraw at most this often while playing

export class RecurrentPlayground {
  /**
   * @param {HTMLElement} host
   * @param {object} options  state, notices, controls ('full' | 'minimal' | 'none'), autoplay,
   *   onStateChange(state), shareBase (URL of this page for the share link), keyTarget
   */
  constructor(host, options = {}) {
    this.host = host;
    this.options = options;
    this.controlsMode = ['full', 'minimal', 'none'].includes(options.controls) ? options.controls : 'full';
    this.state = cloneState(options.state || defaultState());
    this.goodState = cloneState(this.state);
    this.playing = false;
    this.ready = false;
    this.lastFrame = null;
    this.pendingFrame = null;
    this.queue = Promise.resolve();
    this.draws = 0;
    this.lastChart = 0;
    this.seqHistory = new History(['trainLoss', 'testLoss', 'testAccuracy', 'sigma']);
    this.fpHistory = new History(['loss', 'testLoss', 'accuracy', 'fwdMean', 'fwdMax', 'bwdMean', 'bwdMax', 'bound']);
    this.reference = null;   // ‖∂L/∂h_t‖ of the inspected sequence at step 0 (the dashed curve)
    this.walk = null;        // stepping through BPTT: { t, version } (the step shown, the config it is for)
    this.firstFrame = new Promise((resolve) => { this.resolveFirstFrame = resolve; });
    this.buildViews();
    this.controls.render(this.state);
    this.showMode();
    for (const n of options.notices || []) this.message('notice', n, { timeout: 12000 });
    this.loop = this.loop.bind(this);
    this.onKey = this.onKey.bind(this);
    (options.keyTarget || host).addEventListener('keydown', this.onKey);
  }

  // ---- building the page -------------------------------------------------------------------------

  buildViews() {
    const c = new RecurrentControls({ change: (p) => this.update(p), action: (n, a) => this.action(n, a) });
    this.controls = c;
    const panel = (cls, title, ...children) => h('section', { class: ['bp-panel', 'rc-panel', cls], 'aria-label': title },
      h('h2', { class: 'bp-panel-title', text: title }), ...children);
    const note = (text) => h('p', { class: 'rc-note', text });
    this.messages = h('div', { class: 'bp-messages', 'aria-live': 'polite' });

    // ---- sequences
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
    this.seqRoot = h('div', { class: 'rc-grid rc-grid-seq' },
      panel('rc-panel-grad', 'Gradient through time',
        note('How much the loss depends on the hidden state at each step. Backpropagation through time carries ∂L/∂h_t backwards through the recurrent weights; a falling line means gradients vanish (early inputs can hardly be learned from), a rising one that they explode.'),
        h('div', { class: 'rc-walk-start-row' }, this.walkBtn,
          h('span', { class: 'rc-walk-hint', text: 'pause and follow the error signal back through time, one step at a time (key b)' })),
        this.gradChart.el, this.unrolled.el, this.walkView.el),
      panel('rc-panel-seq', 'One held-out sequence', c.sampleField, this.seqChart.el, this.seqMetrics),
      panel('rc-panel-hidden', 'Hidden state', this.heatmap.el),
      panel('rc-panel-train', 'Training', this.trainMetrics, h('div', { class: 'bp-charts rc-charts' }, this.lossChart.el, this.sigmaChart.el)));

    // ---- fixed point
    this.settleChart = new LineChart({ title: 'Forward relaxation: every unit\'s state x_i by iteration', xLabel: 'iteration', height: 190 });
    this.adjointChart = new LineChart({ title: 'Backward (adjoint) relaxation: λ_i by iteration', xLabel: 'iteration', height: 190 });
    this.residualChart = new LineChart({ title: 'Residual ‖Δ‖ per iteration (log scale)', xLabel: 'iteration', log: true, height: 190 });
    this.fpInfo = h('div', { class: 'bp-metrics rc-metrics' });
    this.completion = new CompletionView({ editCue: (px) => this.update({ cuePixels: pixelsFromCue(px) }) });
    this.weightsView = new WeightsView();
    this.fpLossChart = new LineChart({ title: 'Loss over training', xLabel: 'step', log: true, height: 160 });
    this.itersChart = new LineChart({ title: 'Relaxation iterations per pattern', xLabel: 'step', height: 160 });
    this.boundChart = new LineChart({
      title: 'Contraction bound max|f′|·‖W‖₂', xLabel: 'step', height: 160,
      refLines: [{ value: 1, label: 'below 1: a contraction', color: '#8a9099' }],
    });
    this.fpTrainMetrics = h('div', { class: 'bp-metrics rc-metrics' });
    this.completionPanel = panel('rc-panel-complete', 'Pattern completion', c.cueControls, this.completion.el);
    this.weightsPanel = panel('rc-panel-weights', 'Weights', this.weightsView.el);
    this.fpRoot = h('div', { class: 'rc-grid rc-grid-fp' },
      panel('rc-panel-settle', 'The state settling',
        note('The network runs forward until its state stops changing (a fixed point x*), then the error runs backward through a second relaxation with the transposed weights (the adjoint λ; δ = f′(a*)·λ gives every weight\'s gradient). Both are plotted for the pattern chosen below.'),
        c.patternField, this.fpInfo,
        h('div', { class: 'rc-charts-2' }, this.settleChart.el, this.adjointChart.el)),
      panel('rc-panel-residual', 'Convergence', this.residualChart.el),
      this.completionPanel,
      this.weightsPanel,
      panel('rc-panel-fptrain', 'Training', this.fpTrainMetrics,
        h('div', { class: 'bp-charts rc-charts' }, this.fpLossChart.el, this.itersChart.el, this.boundChart.el)));

    this.root = h('div', { class: 'bp-app rc-app', dataset: { controls: this.controlsMode } },
      h('header', { class: 'bp-top rc-top' }, c.runBar, c.modeSwitch, c.seqHyper, c.fpHyper),
      this.messages,
      this.seqRoot,
      this.fpRoot,
      h('footer', { class: 'bp-panel-files rc-files' }, c.files));
    this.host.append(this.root);
  }

  showMode() {
    const fp = this.state.mode === 'fp';
    this.seqRoot.hidden = fp;
    this.fpRoot.hidden = !fp;
    const letters = this.state.fpTask === 'letters';
    this.completionPanel.hidden = !letters;
    this.weightsPanel.hidden = letters;
    this.root.dataset.mode = this.state.mode;
    if (fp && this.walk) this.endWalk();
  }

  // ---- engine ------------------------------------------------------------------------------------

  engineConfig(state) {
    return state.mode === 'fp' ? fixedPointConfig(state) : sequenceConfig(state);
  }

  viewOf(state) {
    if (state.mode === 'seq') return { sample: state.sample };
    return {
      pattern: state.pattern,
      cue: {
        letter: state.cueLetter, damage: state.cueDamage, erase: state.cueErase, seed: state.cueSeed,
        pixels: cueFromPixels(state.cuePixels),
      },
    };
  }

  async start() {
    this.raf = requestAnimationFrame(this.loop);
    this.engine = new RecurrentEngine({
      onFrame: (f) => { this.pendingFrame = f; },
      // training stopped on an engine error; the session is kept and stays usable
      onError: (msg) => {
        this.setPlaying(false);
        this.message('error', `Training stopped: ${msg}`);
      },
      onFatal: (msg) => this.message('error', `${msg} Serve the page with "npm start" after "npm run build" (the build puts the wasm module in web/engine/).`),
    });
    const loading = this.message('notice', 'Loading the training engine…');
    try {
      await this.engine.init(this.state.mode, this.engineConfig(this.state), this.viewOf(this.state));
    } catch (e) {
      loading.remove();
      this.message('error', `These settings could not be used (${e.message}); the defaults are shown instead.`);
      this.state = defaultState();
      try {
        await this.engine.init(this.state.mode, this.engineConfig(this.state), this.viewOf(this.state));
      } catch (e2) {
        this.message('error', `The training engine failed: ${e2.message}`);
        return;
      }
      this.controls.render(this.state);
      this.showMode();
    }
    loading.remove();
    this.ready = true;
    this.goodState = cloneState(this.state);
    this.emitState();
    await this.engine.setSpeed(speedOf(this.state));
    if (this.options.autoplay) this.play();
  }

  // ---- the animation loop ----------------------------------------------------------------------

  loop() {
    if (this.destroyed) return;
    this.raf = requestAnimationFrame(this.loop);
    const frame = this.pendingFrame;
    if (!frame) return;
    this.pendingFrame = null;
    this.draw(frame);
    this.engine.ack(frame.seq);
    this.draws++;
    if (this.draws === 1) this.resolveFirstFrame();
  }

  draw(frame, now = performance.now()) {
    const prev = this.lastFrame;
    this.lastFrame = frame;
    if (frame.mode !== this.state.mode) return;   // a frame from before a mode switch
    if (prev && prev.configVersion !== frame.configVersion) this.reference = null;
    if (this.walk && frame.seqTrace && (this.walk.version !== frame.configVersion || this.walk.t >= frame.seqTrace.T)) {
      this.walk = { t: frame.seqTrace.T - 1, version: frame.configVersion };   // new network: start again
    }
    this.controls.renderFrame(frame);
    const chartsDue = !frame.playing || now - this.lastChart > CHART_EVERY_MS;
    if (chartsDue) this.lastChart = now;
    if (frame.mode === 'seq') this.drawSequences(frame, chartsDue);
    else this.drawFixedPoint(frame, chartsDue);
    this.reportStats(frame.stats);
    if (this.playing && !frame.playing) this.setPlaying(false);
  }

  drawSequences(frame, chartsDue) {
    const s = frame.stats;
    const tr = frame.seqTrace;
    const state = this.state;
    this.seqHistory.push(s.step, { trainLoss: s.trainLoss, testLoss: s.testLoss, testAccuracy: s.testAccuracy, sigma: s.recurrentSigma });
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
      const x = this.seqHistory.x;
      const empty = x.length < 2 ? 'The curves grow as training runs.' : '';
      this.lossChart.setNote(empty);
      this.sigmaChart.setNote(empty);
      const v = this.seqHistory.v;
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
        ['Clipped', state.clipNorm > 0 ? `${s.clipCount.toLocaleString('en-US')} steps${clipShare}` : 'off'],
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
    const f = this.lastFrame;
    if (this.state.mode !== 'seq' || !f || !f.seqTrace) return;
    if (this.playing) this.pause();
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
    const f = this.lastFrame;
    if (!this.walk || !f || !f.seqTrace) return;
    this.walk.t = Math.max(0, Math.min(f.seqTrace.T - 1, this.walk.t + dir));
    this.redrawGradient();
  }

  redrawGradient() {
    const f = this.lastFrame;
    if (f && f.mode === 'seq' && f.seqTrace && this.state.mode === 'seq') this.drawGradient(f);
  }

  drawFixedPoint(frame, chartsDue) {
    const s = frame.stats;
    const fp = frame.fp;
    const state = this.state;
    this.fpHistory.push(s.step, {
      loss: s.loss, testLoss: s.testLoss, accuracy: s.accuracy, fwdMean: s.forwardItersMean, fwdMax: s.forwardItersMax,
      bwdMean: s.backwardItersMean, bwdMax: s.backwardItersMax, bound: s.contractionBound,
    });
    const tr = fp.trace;
    const { info } = tr;
    const n = info.n;
    const letters = state.fpTask === 'letters';
    // every unit's state over the forward relaxation; outputs drawn with markers
    const states = (arr) => {
      const kept = Math.floor(arr.length / n);
      return { kept, xs: Array.from({ length: kept }, (_, k) => k) };
    };
    const fwd = states(tr.forwardStates);
    // A state that never settles (a cycle, say) fills the chart with a solid band: show the
    // last WINDOW iterations, where what it keeps doing can be seen.
    const WINDOW = 80;
    const from = !info.forwardConverged && fwd.kept > WINDOW + 20 ? fwd.kept - WINDOW : 0;
    fwd.xs = fwd.xs.slice(from);
    const unitSeries = (prefix) => Array.from({ length: n }, (_, i) => {
      const out = info.outputs.includes(i);
      if (letters) {
        return { label: `${prefix}${i}`, stroke: out ? 'rgba(0,114,178,0.55)' : 'rgba(213,94,0,0.9)', width: out ? 1 : 1.6 };
      }
      return { label: out ? `${prefix}${i} (output)` : `${prefix}${i}`, stroke: UNIT_COLORS[i % UNIT_COLORS.length], width: out ? 2.5 : 1.5, points: out && fwd.xs.length <= 80, pointSize: 4 };
    });
    const column = (arr, kept, i, start = 0) => Array.from({ length: kept - start }, (_, k) => arr[(start + k) * n + i]);
    this.settleChart.setData(fwd.xs, Array.from({ length: n }, (_, i) => column(tr.forwardStates, fwd.kept, i, from)), unitSeries('x'), false);
    this.settleChart.setTitle(from
      ? `Forward relaxation: every unit's state x_i, the last ${WINDOW} of ${fwd.kept - 1} iterations (it did not settle)`
      : 'Forward relaxation: every unit\'s state x_i by iteration');
    const colours = letters ? `Blue: the 25 visible units (the pixels, also the outputs); orange: the ${n - 25} hidden units.` : '';
    this.settleChart.setNote(colours);
    this.adjointChart.setNote(colours);
    if (info.backwardRun) {
      const bwd = states(tr.backwardStates);
      this.adjointChart.setData(bwd.xs, Array.from({ length: n }, (_, i) => column(tr.backwardStates, bwd.kept, i)), unitSeries('λ'), false);
    } else {
      this.adjointChart.setData([], Array.from({ length: n }, () => []), unitSeries('λ'), false);
    }
    this.adjointChart.setTitle(info.backwardRun
      ? 'Backward (adjoint) relaxation: λ_i by iteration'
      : 'Backward (adjoint) relaxation: not run, the forward state did not settle');
    // residuals
    const iters = Math.max(tr.forwardResidual.length, tr.backwardResidual.length);
    const xs = Array.from({ length: iters }, (_, k) => k + 1);
    const pad = (a) => xs.map((_, k) => (k < a.length ? a[k] : null));
    this.residualChart.setRefLines([{ value: state.tol, label: `tolerance ${state.tol.toExponential(0)}`, color: '#1f2328', align: 'left' }]);
    this.residualChart.setData(xs, [pad(tr.forwardResidual), pad(tr.backwardResidual)], [
      { label: 'forward ‖Δx‖', stroke: COLORS.blue, width: 2 }, { label: 'backward ‖Δλ‖', stroke: COLORS.vermillion, width: 2, dash: [5, 3] }], true);

    const status = (ok, run, iters2) => (!run ? 'not run' : ok ? `settled in ${iters2} iterations` : `did NOT settle in ${iters2} iterations`);
    this.fpInfo.replaceChildren(metricRow([
      ['Forward', status(info.forwardConverged, true, info.forwardIterations)],
      ['Backward', status(info.backwardConverged, info.backwardRun, info.backwardIterations)],
      ['Error E', fmt(info.error)],
      [letters ? 'Pixels right' : 'Output', letters ? `${info.correct}/25` : `${fmt(tr.fixedPoint[info.outputs[0]])} (target ${fmt(tr.target[0])})`]]));

    if (letters && fp.completion) this.completion.draw(fp.completion, fp.letters, state.letters);
    if (!letters && fp.weights) this.weightsView.draw(fp.weights.W, fp.weights.U, fp.weights.b, n, info.m, info.outputs, divergingRGB);

    if (chartsDue) {
      const x = this.fpHistory.x;
      const empty = x.length < 2 ? 'The curves grow as training runs.' : '';
      for (const c of [this.fpLossChart, this.itersChart, this.boundChart]) c.setNote(empty);
      const v = this.fpHistory.v;
      this.fpLossChart.setData(x, [v.loss, v.testLoss], [
        { label: 'training step', stroke: COLORS.blue }, { label: letters ? 'held-out cues' : 'evaluation', stroke: COLORS.vermillion, dash: [5, 3] }], state.logScale);
      this.itersChart.setData(x, [v.fwdMean, v.fwdMax, v.bwdMean, v.bwdMax], [
        { label: 'forward mean', stroke: COLORS.blue, width: 2 }, { label: 'forward max', stroke: COLORS.sky },
        { label: 'backward mean', stroke: COLORS.vermillion, width: 2 }, { label: 'backward max', stroke: COLORS.orange }], false);
      this.boundChart.setData(x, [v.bound], [{ label: 'bound', stroke: COLORS.purple, width: 2 }], false);
    }
    this.fpTrainMetrics.replaceChildren(
      metricRow([['Loss (last step)', fmt(s.loss)], [letters ? 'Held-out cues completed' : 'Patterns right', `${(s.accuracy * 100).toFixed(0)}%`],
        ['Patterns used', `${s.used} of ${s.patterns}`]]),
      metricRow([['Skipped (did not settle)', `${s.skippedForward + s.skippedBackward} this step, ${s.skippedTotal.toLocaleString('en-US')} in all`],
        ['Iterations', s.used > 0
          ? `forward ${fmt(s.forwardItersMean)} (max ${s.forwardItersMax}), backward ${fmt(s.backwardItersMean)} (max ${s.backwardItersMax})`
          : 'no pattern settled'],
        ['Contraction bound', fmt(s.contractionBound)]]));
  }

  /** The engine's own messages: divergence and stalls pause training; skips are a notice. */
  reportStats(s) {
    if ((s.diverged || s.stalled) && s.message) {
      if (!this.problem || this.problem.text !== s.message) {
        this.clearProblem();
        const action = s.diverged
          ? ['Use a 10× smaller learning rate', () => this.lowerRate()]
          : ['Halve the steps α and β', () => this.update({ alpha: roundStep(this.state.alpha / 2), beta: roundStep(this.state.beta / 2) })];
        this.problem = { text: s.message, box: this.message('error', s.message, { action }) };
      }
      if (this.playing) this.setPlaying(false);
    } else if (s.message && this.state.mode === 'fp') {
      if (!this.skipBox || !this.skipBox.isConnected) this.skipBox = this.message('notice', s.message);
      else this.skipBox.querySelector('.bp-msg-text').textContent = s.message;
    }
  }

  clearProblem() {
    if (this.problem) this.problem.box.remove();
    this.problem = null;
  }

  // ---- state changes -----------------------------------------------------------------------------

  update(patch) {
    const prev = this.state;
    const next = { ...cloneState(prev), ...patch };
    if (patch.fpTask && patch.fpTask !== prev.fpTask) {
      // the other task's own defaults (hidden units, tolerance, iterations, learning rate, init)
      Object.assign(next, fixedPointDefaults(next.fpTask), { pattern: 0, cueLetter: 0, cuePixels: '' });
    }
    if (patch.letters !== undefined && patch.letters !== prev.letters) Object.assign(next, { pattern: 0, cuePixels: '' });
    if (patch.task === 'adding' && prev.task !== 'adding' && patch.length === undefined && next.length < 10) next.length = 20;
    const notices = fitState(next);
    for (const n of notices) this.message('notice', n, { timeout: 8000 });
    this.state = next;
    this.controls.render(next);
    this.showMode();
    this.emitState();
    const kind = diffStates(prev, next);
    const viewChanged = JSON.stringify(this.viewOf(prev)) !== JSON.stringify(this.viewOf(next));
    if (kind === 'none') return Promise.resolve();
    if (kind === 'view') {
      if (speedOf(prev) !== speedOf(next)) this.engine?.setSpeed(speedOf(next));
      if (prev.logScale !== next.logScale && this.lastFrame) this.draw(this.lastFrame);
      if (viewChanged && this.ready) this.enqueue(() => this.engine.setView(this.viewOf(this.state)).catch(() => {}));
      return Promise.resolve();
    }
    return this.enqueue(async () => {
      if (!this.ready) return;
      try {
        if (kind === 'mode' || kind === 'config') {
          await this.engine.setConfig(this.state.mode, this.engineConfig(this.state), this.viewOf(this.state));
          if (kind === 'mode') await this.engine.setSpeed(speedOf(this.state));
          this.seqHistory.clear();
          this.fpHistory.clear();
          this.reference = null;
          this.clearProblem();
          if (this.skipBox) { this.skipBox.remove(); this.skipBox = null; }
        } else {
          if (this.state.mode === 'fp') await this.engine.updateTraining(fixedPointTraining(this.state), fixedPointRelax(this.state));
          else await this.engine.updateTraining(sequenceTraining(this.state), this.state.truncation);
          this.clearProblem();
          if (viewChanged) await this.engine.setView(this.viewOf(this.state));
        }
        this.goodState = cloneState(this.state);
      } catch (e) {
        this.message('error', `That change could not be made: ${e.message}`, { timeout: 12000 });
        this.state = cloneState(this.goodState);
        this.controls.render(this.state);
        this.showMode();
        this.emitState();
      }
      if (this.playing) this.engine.play(speedOf(this.state));
    });
  }

  enqueue(fn) {
    this.queue = this.queue.then(fn, fn);
    return this.queue;
  }

  applyState(state, notices = []) {
    for (const n of notices) this.message('notice', n, { timeout: 8000 });
    return this.update(cloneState(state));
  }

  emitState() {
    if (this.options.onStateChange) this.options.onStateChange(cloneState(this.state));
  }

  // ---- commands ------------------------------------------------------------------------------------

  action(name, arg) {
    switch (name) {
      case 'togglePlay': return this.playing ? this.pause() : this.play();
      case 'step': return this.step();
      case 'reset': return this.reset();
      case 'newCue': return this.update({ cueSeed: (this.state.cueSeed + 1) % LIMITS.maxSeed, cuePixels: '' });
      case 'share': return this.share();
      case 'exportModel': return this.exportModel();
      case 'importModel': return this.importModel(arg);
      default: return undefined;
    }
  }

  play() {
    if (!this.ready) return;
    this.endWalk();   // training changes the numbers under the walk: leave it
    this.clearProblem();
    this.setPlaying(true);
    this.enqueue(() => this.engine.play(speedOf(this.state)));
  }

  pause() {
    this.setPlaying(false);
    if (this.ready) this.enqueue(() => this.engine.pause());
  }

  step() {
    if (!this.ready) return;
    this.setPlaying(false);
    this.enqueue(() => this.engine.step(1).catch((e) => this.message('error', e.message)));
  }

  reset() {
    if (!this.ready) return;
    this.clearProblem();
    this.enqueue(async () => {
      await this.engine.reset();
      this.seqHistory.clear();
      this.fpHistory.clear();
      this.reference = null;
    });
  }

  setPlaying(p) {
    this.playing = p;
    this.controls.setPlaying(p);
  }

  lowerRate() {
    const key = this.state.mode === 'fp' ? 'fpLearningRate' : 'learningRate';
    this.clearProblem();
    this.update({ [key]: Math.max(1e-6, Number((this.state[key] / 10).toPrecision(3))) });
  }

  shareURL() {
    const base = new URL(this.options.shareBase || window.location.href);
    base.hash = serializeState(this.state);
    return base.toString();
  }

  async share() {
    const url = this.shareURL();
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch { /* no clipboard permission: show the link to copy by hand */ }
    this.controls.showShareLink(url, copied);
  }

  fileName() {
    const s = this.state;
    const what = s.mode === 'fp' ? `fixed-point-${s.fpTask}` : `${s.task}-${s.cell}-T${s.length}`;
    const step = this.lastFrame ? this.lastFrame.stats.step : 0;
    return `recurrent-${what}-step${step}.json`;
  }

  async exportModel() {
    try {
      download(this.fileName(), await this.engine.toJSON(), 'application/json');
    } catch (e) {
      this.message('error', `The model could not be exported: ${e.message}`);
    }
  }

  async importModel(file) {
    if (file.size > LIMITS.maxModelBytes) {
      this.message('error', `"${fileLabel(file.name)}" is too large to be a model file (limit 16 MB). Nothing was changed.`);
      return false;
    }
    return this.importModelText(await file.text(), file.name);
  }

  /**
   * Loads a model file of either kind, all or nothing: a bad file, or one whose settings this page
   * cannot show exactly (the worker checks, state.js importedSettings), changes nothing and says why.
   */
  async importModelText(text, name) {
    const shown = name === undefined ? 'the file' : fileLabel(name);
    let result = null;
    await this.enqueue(async () => {
      try {
        result = await this.engine.loadJSON(text);
      } catch (e) {
        this.message('error', `Could not load ${shown}: ${sentence(e.message)} Nothing was changed.`, { timeout: 15000 });
      }
    });
    if (!result) return false;
    const state = applySettings(this.state, result.settings);
    this.state = state;
    this.goodState = cloneState(state);
    this.seqHistory.clear();
    this.fpHistory.clear();
    this.reference = null;
    this.clearProblem();
    this.setPlaying(false);
    this.controls.render(state);
    this.showMode();
    this.emitState();
    await this.engine.setView(this.viewOf(state));
    this.message('notice', `Loaded ${shown}.`, { timeout: 4000 });
    return true;
  }

  // ---- messages and keys -----------------------------------------------------------------------------

  message(kind, text, options = {}) {
    return showMessage(this.messages, kind, text, options, 5);
  }

  onKey(ev) {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const target = ev.composedPath ? ev.composedPath()[0] : ev.target;
    const tag = target && target.tagName ? target.tagName.toLowerCase() : '';
    if (['input', 'select', 'textarea'].includes(tag) || (target && target.isContentEditable)) return;
    const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
    if (this.state.mode === 'seq' && this.walkKey(key)) {
      ev.preventDefault();
    } else if (key === ' ') {
      if (tag === 'button') return;   // a focused button takes space itself
      ev.preventDefault();
      this.action('togglePlay');
    } else if (key === 's') {
      ev.preventDefault();
      this.step();
    } else if (key === 'r') {
      ev.preventDefault();
      this.reset();
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

  /** For tests: the last frame, the state, play/pause, files. */
  get testHook() {
    if (this.hook) return this.hook;
    const pg = this;
    this.hook = {
      ready: this.firstFrame,
      get framesDrawn() { return pg.draws; },
      frame: () => this.lastFrame,
      stats: () => (this.lastFrame ? { ...this.lastFrame.stats } : null),
      engineStats: () => this.engine.stats(),
      state: () => cloneState(this.state),
      play: () => this.play(),
      pause: () => this.pause(),
      playing: () => this.playing,
      update: (patch) => this.update(patch),
      idle: () => this.queue.then(() => undefined),   // every queued engine change is done
      toJSON: () => this.engine.toJSON(),
      /** The engine's own config: { mode, config, defaults } (defaults: its config for {}). */
      engineConfig: () => this.engine.config(),
      importModelText: (text, name) => this.importModelText(text, name),
      shareURL: () => this.shareURL(),
      walk: () => (this.walk ? { ...this.walk } : null),
      startWalk: () => this.startWalk(),
      walkStep: (dir) => this.walkStep(dir),
      endWalk: () => this.endWalk(),
      trace: () => this.engine.trace(),   // a fresh trace straight from the worker
    };
    return this.hook;
  }

  destroy() {
    this.destroyed = true;
    cancelAnimationFrame(this.raf);
    (this.options.keyTarget || this.host).removeEventListener('keydown', this.onKey);
    if (this.engine) this.engine.dispose();
    for (const c of [this.gradChart, this.seqChart, this.lossChart, this.sigmaChart, this.settleChart, this.adjointChart,
      this.residualChart, this.fpLossChart, this.itersChart, this.boundChart, this.heatmap, this.unrolled, this.walkView]) c.destroy();
    clear(this.host);
  }
}

function metricRow(pairs) {
  return h('div', { class: 'bp-metric-row' },
    pairs.map(([label, value]) => h('span', { class: 'bp-metric' }, `${label} `, h('output', { class: 'bp-metric-value', text: value }))));
}

/**
 * A file name as a message shows it: control characters (and bidirectional overrides) dropped,
 * and cut to 60 characters with an ellipsis (a name can be any length; the message stays short).
 */
export function fileLabel(name) {
  // eslint-disable-next-line no-control-regex
  const clean = String(name).replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
  const chars = [...clean];   // (by code point: a cut never splits a surrogate pair)
  return chars.length > 60 ? `${chars.slice(0, 59).join('')}…` : clean;
}

/** An engine message as a sentence (a full stop at its end). */
function sentence(text) {
  const t = String(text).trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function roundStep(v) {
  return Math.max(0.001, Number(v.toPrecision(2)));
}
