// digits/charts.js: the training curves of the digits page: the loss (the training batches, and
// the test and training sets at each evaluation) and the accuracy (test and training) over the
// steps, or for the autoencoder its reconstruction error. The chart class is the kit's
// LineChart on uPlot (one implementation for both pages); the colours are Okabe–Ito and the test
// curves are dashed as well, so they are told apart without colour.

import { LineChart, History, COLORS } from '../shared/line-chart.js';
import { h } from '../shared/dom.js';

export class TrainingCharts {
  constructor() {
    this.steps = new History(['trainLoss']);
    this.evals = new History(['testLoss', 'trainEvalLoss', 'testAcc', 'trainAcc', 'testMse', 'trainMse']);
    this.loss = new LineChart({ title: 'Loss over training', xLabel: 'step', log: true, height: 200 });
    this.second = new LineChart({ title: 'Accuracy over training', xLabel: 'step', height: 200, yRange: [0, 100] });
    this.el = h('div', { class: 'bp-charts dg-charts' }, this.loss.el, this.second.el);
    this.kind = 'cnn';
  }

  clear() {
    this.steps.clear();
    this.evals.clear();
  }

  /** One frame: the step stats and the latest evaluation (figures: { step, test, train }). */
  push(stats, figures) {
    if (stats && stats.step > 0) this.steps.push(stats.step, { trainLoss: stats.trainLoss });
    if (figures) {
      this.evals.push(figures.step, {
        testLoss: figures.test.loss, trainEvalLoss: figures.train.loss,
        testAcc: figures.test.accuracy * 100, trainAcc: figures.train.accuracy * 100,
        testMse: figures.test.reconstructionMse, trainMse: figures.train.reconstructionMse,
      });
    }
  }

  draw(kind, logScale) {
    const ae = kind === 'autoencoder';
    // both on the evaluation steps: the batch losses are thinned to those steps' neighbourhood
    const x = this.evals.x;
    const v = this.evals.v;
    const sx = this.steps.x;
    const batch = x.map((step) => nearest(sx, this.steps.v.trainLoss, step));
    const note = x.length < 2 ? 'The curves grow as training runs (the test set is measured every few hundred ms).' : '';
    this.loss.setNote(note);
    this.second.setNote('');
    this.loss.setTitle(ae ? 'Reconstruction loss (per-pixel cross-entropy) over training' : 'Loss (cross-entropy) over training');
    this.loss.setData(x, [batch, v.trainEvalLoss, v.testLoss], [
      { label: 'batches', stroke: COLORS.sky, width: 1 },
      { label: 'train', stroke: COLORS.blue, width: 2 },
      { label: 'test', stroke: COLORS.vermillion, width: 2, dash: [5, 3] }], logScale);
    if (ae) {
      this.second.setTitle('Reconstruction error (mean squared, per pixel) over training');
      this.second.setData(x, [v.trainMse, v.testMse], [
        { label: 'train MSE', stroke: COLORS.blue, width: 2 },
        { label: 'test MSE', stroke: COLORS.vermillion, width: 2, dash: [5, 3] }], logScale);
    } else {
      this.second.setTitle('Accuracy (%) over training');
      this.second.setData(x, [v.trainAcc, v.testAcc], [
        { label: 'train %', stroke: COLORS.blue, width: 2 },
        { label: 'test %', stroke: COLORS.vermillion, width: 2, dash: [5, 3] }], false);
    }
  }

  destroy() {
    this.loss.destroy();
    this.second.destroy();
  }
}

/** The value of the latest x ≤ step (the batch loss at that time), or null. */
function nearest(xs, vs, step) {
  let lo = 0;
  let hi = xs.length - 1;
  if (hi < 0 || xs[0] > step) return null;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (xs[mid] <= step) lo = mid; else hi = mid - 1;
  }
  return vs[lo];
}
