// digits/frame-draw.js: one frame from the worker onto the page's views: the counters, the
// training curves (at most every CHART_EVERY_MS while playing), and after a new evaluation the
// confusion matrix (and the clicked cell's digits), the misclassified gallery and the network
// views; the drawing's answer as the weights move; the figures in words.

import { fmt, fmtInt } from '../shared/dom.js';
import { metricRow } from './layout.js';

const CHART_EVERY_MS = 150;

export function drawFrame(page, frame, now) {
  const { v } = page;
  page.controls.renderFrame(frame);
  v.charts.push(frame.stats, frame.figures);
  if (!frame.playing || now - (page.lastChart || 0) > CHART_EVERY_MS) {
    page.lastChart = now;
    v.charts.draw(frame.kind, page.state.logScale);
  }
  if (frame.eval) {
    if (frame.kind !== 'autoencoder') {
      v.confusion.update(frame.eval.confusion);
      const t = frame.figures.test;
      v.gallery.showMisclassified(frame.eval.gallery, frame.image, t.count - Math.round(t.accuracy * t.count));
      if (v.confusion.selected && !frame.playing) page.showCell(...v.confusion.selected);
    }
    page.views.evaluated(frame);
  }
  if (frame.prediction) page.input.show(frame.prediction);
  drawMetrics(v.metrics, frame);
}

function drawMetrics(host, frame) {
  const s = frame.stats;
  const f = frame.figures;
  const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–');
  const rows = [[['Step', fmtInt(s.step)], ['Epoch', fmt(s.epoch)], ['Batch loss', fmt(s.trainLoss)]]];
  if (f && frame.kind === 'autoencoder') {
    rows.push([['Test loss', fmt(f.test.loss)], ['Test MSE', fmt(f.test.reconstructionMse)], ['Train MSE', fmt(f.train.reconstructionMse)]]);
  } else if (f) {
    rows.push([['Test accuracy', pct(f.test.accuracy)], ['Train accuracy', pct(f.train.accuracy)], ['Test loss', fmt(f.test.loss)],
      ['measured at step', fmtInt(f.step)]]);
  }
  host.replaceChildren(...rows.map(metricRow));
}
