// recurrent/fixed-point-panels.js: the panels of fixed-point mode. The state of every unit over
// the forward relaxation, the adjoint over the backward one, both residuals on a log scale, the
// weights (XOR) or the 5×5 completion grids (letters), and the training curves. Draws frames;
// never sees the engine.

import { LineChart, History, COLORS, UNIT_COLORS } from '../shared/line-chart.js';
import { CompletionView, WeightsView } from './pattern-views.js';
import { divergingRGB } from '../shared/colors.js';
import { h, fmt, fmtInt } from '../shared/dom.js';
import { panel, note, metricRow } from './panels.js';

export class FixedPointPanels {
  /**
   * @param {{ patternField: HTMLElement, cueControls: HTMLElement }} c  the controls' own fields
   * @param {{ editCue(pixels): void }} on
   */
  constructor(c, on) {
    this.history = new History(['loss', 'testLoss', 'accuracy', 'fwdMean', 'fwdMax', 'bwdMean', 'bwdMax', 'bound']);
    this.settleChart = new LineChart({ title: 'Forward relaxation: every unit\'s state x_i by iteration', xLabel: 'iteration', height: 190 });
    this.adjointChart = new LineChart({ title: 'Backward (adjoint) relaxation: λ_i by iteration', xLabel: 'iteration', height: 190 });
    this.residualChart = new LineChart({ title: 'Residual ‖Δ‖ per iteration (log scale)', xLabel: 'iteration', log: true, height: 190 });
    this.fpInfo = h('div', { class: 'bp-metrics rc-metrics' });
    this.completion = new CompletionView({ editCue: (px) => on.editCue(px) });
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
    this.el = h('div', { class: 'rc-grid rc-grid-fp' },
      panel('rc-panel-settle', 'The state settling',
        note('The network runs forward until its state stops changing (a fixed point x*), then the error runs backward through a second relaxation with the transposed weights (the adjoint λ; δ = f′(a*)·λ gives every weight\'s gradient). Both are plotted for the pattern chosen below.'),
        c.patternField, this.fpInfo,
        h('div', { class: 'rc-charts-2' }, this.settleChart.el, this.adjointChart.el)),
      panel('rc-panel-residual', 'Convergence', this.residualChart.el),
      this.completionPanel,
      this.weightsPanel,
      panel('rc-panel-fptrain', 'Training', this.fpTrainMetrics,
        h('div', { class: 'bp-charts rc-charts' }, this.fpLossChart.el, this.itersChart.el, this.boundChart.el)));
  }

  draw(frame, chartsDue, state) {
    const s = frame.stats;
    const fp = frame.fp;
    this.history.push(s.step, {
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
      const x = this.history.x;
      const empty = x.length < 2 ? 'The curves grow as training runs.' : '';
      for (const c of [this.fpLossChart, this.itersChart, this.boundChart]) c.setNote(empty);
      const v = this.history.v;
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
      metricRow([['Skipped (did not settle)', `${s.skippedForward + s.skippedBackward} this step, ${fmtInt(s.skippedTotal)} in all`],
        ['Iterations', s.used > 0
          ? `forward ${fmt(s.forwardItersMean)} (max ${s.forwardItersMax}), backward ${fmt(s.backwardItersMean)} (max ${s.backwardItersMax})`
          : 'no pattern settled'],
        ['Contraction bound', fmt(s.contractionBound)]]));
  }

  /** Shows the completion grids for letters, the weights for XOR. */
  showTask(letters) {
    this.completionPanel.hidden = !letters;
    this.weightsPanel.hidden = letters;
  }

  clear() {
    this.history.clear();
  }

  destroy() {
    for (const c of [this.settleChart, this.adjointChart, this.residualChart, this.fpLossChart, this.itersChart, this.boundChart]) c.destroy();
  }
}
