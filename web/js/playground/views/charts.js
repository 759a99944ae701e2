// views/charts.js: training curves with uPlot (a small, fast charting library; vendored into
// web/vendor/ by the build). Three charts: loss (train and test, optional log scale), accuracy
// (classification only), and the gradient norm ‖dW‖ of each layer (log scale), which makes
// vanishing gradients in a deep sigmoid network visible.
//
// uPlot itself is loaded just after the first frame is drawn: loading it (parsing, and the Intl
// formatters it makes as it starts) is the largest single cost of opening the page, and the first
// frame has no curve to show yet. Until it is there, update() keeps the latest history.

import { h } from '../../shared/dom.js';

let uPlot = null;
let uPlotLoading = null;

/** Loads uPlot once, in a task of its own after the current one (the frame being drawn). */
function loadUPlot() {
  if (!uPlotLoading) {
    uPlotLoading = new Promise((resolve) => setTimeout(resolve, 0))
      .then(() => import('../../../vendor/uPlot.esm.js'))
      .then((m) => { uPlot = m.default; });
  }
  return uPlotLoading;
}

const TRAIN = '#0072B2';  // Okabe–Ito blue
const TEST = '#D55E00';   // vermillion, and dashed
const LAYER_COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000', '#999999'];

/** Training history kept by the page; one entry per drawn frame, thinned when it grows long. */
export class History {
  constructor(maxLength = 3000) {
    this.maxLength = maxLength;
    this.clear();
  }

  clear() {
    this.epoch = [];
    this.step = [];
    this.examples = [];
    this.trainLoss = [];
    this.testLoss = [];
    this.trainAccuracy = [];
    this.testAccuracy = [];
    this.learningRate = [];
    this.grad = [];          // grad[l] = series of layer l's gradient norm
    this.every = 1;          // keep one frame in `every`
    this.skipped = 0;
    this.version = (this.version || 0) + 1;
  }

  /** Adds a frame's stats; returns true when a point was kept. */
  push(stats, gradNorms) {
    const last = this.step.length ? this.step[this.step.length - 1] : -1;
    if (stats.step === last) return false;
    if (stats.step < last) this.clear();  // the session was reset
    if (this.step.length && ++this.skipped < this.every) return false;
    this.skipped = 0;
    this.epoch.push(stats.epoch);
    this.step.push(stats.step);
    this.examples.push(stats.examples);
    this.trainLoss.push(finiteOrNull(stats.trainLoss));
    this.testLoss.push(finiteOrNull(stats.testLoss));
    this.trainAccuracy.push(finiteOrNull(stats.trainAccuracy));
    this.testAccuracy.push(finiteOrNull(stats.testAccuracy));
    this.learningRate.push(finiteOrNull(stats.learningRate));
    const n = this.epoch.length;
    for (let l = 0; l < gradNorms.length; l++) {
      if (!this.grad[l]) this.grad[l] = new Array(n - 1).fill(null);
      this.grad[l].push(gradNorms[l] > 0 && Number.isFinite(gradNorms[l]) ? gradNorms[l] : null);
    }
    for (let l = gradNorms.length; l < this.grad.length; l++) this.grad[l].push(null);
    if (n > this.maxLength) this.thin();
    return true;
  }

  /** Halves the history (keeps every other point) and records half as often from now on. */
  thin() {
    const keep = (a) => a.filter((_, i) => i % 2 === 0 || i === a.length - 1);
    for (const k of ['epoch', 'step', 'examples', 'trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy', 'learningRate']) {
      this[k] = keep(this[k]);
    }
    this.grad = this.grad.map(keep);
    this.every *= 2;
  }
}

function isDecade(v) {
  return v > 0 && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-6;
}

/** Axis labels for a log scale: 1, 0.1, 0.01, 1e-3, 1e-4 ... (decades only). */
function logLabels(u, vals) {
  return vals.map((v) => {
    if (v == null || !isDecade(v)) return '';
    if (v >= 0.01 && v <= 1000) return String(Number(v.toPrecision(1)));
    return `1e${Math.round(Math.log10(v))}`;
  });
}

const MAX_DECADE_TICKS = 6;   // labelled decades on a log axis 150 px high

/**
 * The ticks of a log axis: the decades 10^e within [min, max], every k-th one when there are more
 * than MAX_DECADE_TICKS (k chosen so, anchored at multiples of k so the labels stay put while the
 * range grows). Our own, not uPlot's log-axis generator: that one steps through 1, 2, ... 9 × 10^e
 * from a table of rounded increments, and below about 1e-15 a decade it reaches by addition
 * (10 / 1e26 is not the table's 1e-25) is not in the table, its next increment rounds to 0 and
 * it loops until "Invalid array length". Vanishing gradients (1e-26 in a deep ReLU net at a
 * large learning rate) are exactly what this chart is for.
 */
export function decadeSplits(min, max) {
  if (!(min > 0 && max >= min && Number.isFinite(max))) return [];
  const lo = Math.ceil(Math.log10(min) - 1e-9);
  const hi = Math.floor(Math.log10(max) + 1e-9);
  if (hi < lo) return [];
  const k = Math.max(1, Math.ceil((hi - lo + 1) / MAX_DECADE_TICKS));
  const out = [];
  for (let e = Math.ceil(lo / k) * k; e <= hi; e += k) {
    const v = Number(`1e${e}`);   // (exactly the decimal 1e-25, where 10 ** -25 is not)
    if (v > 0 && Number.isFinite(v)) out.push(v);
  }
  return out;
}

/** A y axis for a log scale: labels, ticks and grid lines at decades only. */
function logAxis(axis) {
  const decades = (u, splits) => splits.map((v) => (isDecade(v) ? v : null));
  return {
    ...axis,
    // (one increment covering the whole range: uPlot's own table ends at 5e31, and an axis
    // spanning more decades would get no ticks at all; our splits do not use the increment)
    incrs: (u, axisIdx, min, max) => [Math.max(5, max - min)],
    splits: (u, axisIdx, min, max) => decadeSplits(min, max),
    filter: (u, splits) => splits,   // (already thinned; uPlot's log filter assumes its own splits)
    values: logLabels,
    grid: { ...axis.grid, filter: decades },
    ticks: { ...axis.ticks, filter: decades },
  };
}

// The smallest value a log axis draws: below it the decades run into subnormal doubles
// (10^-324 is 0), and the scale's range with them.
const LOG_AXIS_MIN = 1e-300;

/** A series for a log axis: what it cannot draw (0, negatives, subnormals) becomes a gap. */
function onLogAxis(a) {
  return a.map((v) => (v >= LOG_AXIS_MIN && Number.isFinite(v) ? v : null));
}

function finiteOrNull(v) {
  return Number.isFinite(v) ? v : null;
}

export class ChartsView {
  constructor() {
    this.logBox = h('input', { type: 'checkbox', class: 'bp-log-toggle' });
    this.lossHost = h('div', { class: 'bp-chart-host' });
    this.accHost = h('div', { class: 'bp-chart-host' });
    this.gradHost = h('div', { class: 'bp-chart-host' });
    this.accBox = h('figure', { class: 'bp-chart bp-chart-acc' },
      h('figcaption', { text: 'Accuracy' }), this.accHost);
    this.el = h('div', { class: 'bp-charts' },
      h('figure', { class: 'bp-chart bp-chart-loss' },
        h('figcaption', {}, 'Loss ',
          h('label', { class: 'bp-inline-check' }, this.logBox, ' log scale')),
        this.lossHost),
      this.accBox,
      h('figure', { class: 'bp-chart bp-chart-grad' },
        h('figcaption', { text: 'Gradient norm ‖dW‖ per layer (log)' }), this.gradHost));
    this.log = false;
    this.layers = -1;
    this.classify = true;
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.el);
  }

  /** Called by the page when the log-scale box changes. */
  onLogToggle(fn) {
    this.logBox.addEventListener('change', () => fn(this.logBox.checked));
  }

  width(host) {
    return Math.max(160, Math.floor(host.clientWidth || 300));
  }

  build(layerCount) {
    for (const c of [this.loss, this.acc, this.grad]) if (c) c.destroy();
    const common = (host, title) => ({
      width: this.width(host),
      height: 150,
      title: undefined,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: { x: { time: false } },
      axes: [
        { stroke: '#555', grid: { stroke: '#eee' }, ticks: { stroke: '#ddd' }, size: 28, font: '10px system-ui, sans-serif' },
        { stroke: '#555', grid: { stroke: '#eee' }, ticks: { stroke: '#ddd' }, size: 46, font: '10px system-ui, sans-serif' },
      ],
      _title: title,
    });
    const epochSeries = { label: 'epoch', value: (u, v) => (v == null ? '–' : v.toFixed(1)) };
    const val = (u, v) => (v == null ? '–' : Number(v.toPrecision(3)).toString());
    const lossBase = common(this.lossHost);
    this.loss = new uPlot({
      ...lossBase,
      axes: this.log ? [lossBase.axes[0], logAxis(lossBase.axes[1])] : lossBase.axes,
      scales: { x: { time: false }, y: this.log ? { distr: 3 } : { range: (u, min, max) => [0, max > 0 ? max * 1.05 : 1] } },
      series: [epochSeries,
        { label: 'train', stroke: TRAIN, width: 1.5, value: val, points: { show: false } },
        { label: 'test', stroke: TEST, width: 1.5, dash: [5, 3], value: val, points: { show: false } }],
    }, [[], [], []], this.lossHost);
    this.acc = new uPlot({
      ...common(this.accHost),
      scales: { x: { time: false }, y: { range: [0, 1] } },
      series: [epochSeries,
        { label: 'train', stroke: TRAIN, width: 1.5, value: val, points: { show: false } },
        { label: 'test', stroke: TEST, width: 1.5, dash: [5, 3], value: val, points: { show: false } }],
    }, [[], [], []], this.accHost);
    const gradSeries = [epochSeries];
    for (let l = 0; l < layerCount; l++) {
      gradSeries.push({
        label: l === layerCount - 1 ? 'output' : `layer ${l + 1}`,
        stroke: LAYER_COLORS[l % LAYER_COLORS.length],
        width: 1.5,
        value: val,
        points: { show: false },
        spanGaps: true,
      });
    }
    const base = common(this.gradHost);
    this.grad = new uPlot({
      ...base,
      axes: [base.axes[0], logAxis(base.axes[1])],
      scales: { x: { time: false }, y: { distr: 3 } },
      series: gradSeries,
    }, [[], ...Array.from({ length: layerCount }, () => [])], this.gradHost);
    this.layers = layerCount;
  }

  /** Resolves once uPlot is loaded and the history given to update() so far is drawn. */
  loaded() {
    return loadUPlot();   // (update()'s own wait on it was registered first, so it runs first)
  }

  /** Redraws from the history. */
  update(history, options) {
    if (!uPlot) {
      if (!this.waiting) {
        loadUPlot().then(() => {
          const [latest, opts] = this.waiting;
          this.waiting = null;
          if (!this.destroyed) this.update(latest, opts);
        }, (e) => console.error(`The training charts could not be loaded (${e.message}).`));
      }
      this.waiting = [history, options];
      return;
    }
    const { layerCount, classify, log } = options;
    if (log !== this.log || layerCount !== this.layers) {
      this.log = log;
      this.logBox.checked = log;
      this.build(layerCount);
    }
    if (classify !== this.classify) {
      this.classify = classify;
      this.accBox.hidden = !classify;
    }
    const x = history.epoch;
    const pos = (a) => (this.log ? onLogAxis(a) : a);
    this.loss.setData([x, pos(history.trainLoss), pos(history.testLoss)]);
    if (classify) this.acc.setData([x, history.trainAccuracy, history.testAccuracy]);
    const grads = [];
    for (let l = 0; l < layerCount; l++) grads.push(history.grad[l] ? onLogAxis(history.grad[l]) : new Array(x.length).fill(null));
    this.grad.setData([x, ...grads]);
  }

  resize() {
    for (const [c, host] of [[this.loss, this.lossHost], [this.acc, this.accHost], [this.grad, this.gradHost]]) {
      if (c && host.clientWidth) c.setSize({ width: this.width(host), height: 150 });
    }
  }

  destroy() {
    this.destroyed = true;
    this.resizeObserver.disconnect();
    for (const c of [this.loss, this.acc, this.grad]) if (c) c.destroy();
  }
}
