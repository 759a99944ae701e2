// views/controls.js: every control that is not drawn on the diagram or the plot: the run bar
// (reset, play/pause, step, speed, counters), the hyperparameters, the data panel (data set
// picker with thumbnails, noise, ratio, batch, seed, your own data tools), the display options
// and the file bar (share, export, import). Widgets report changes as state patches through
// `on.change(patch)` and commands through `on.action(name, arg)`; `render(state)` syncs them.

import { h, clear, fmt, fmtCount, fmtInt } from '../../shared/dom.js';
import { ControlPanel } from '../../shared/widgets.js';
import {
  DATASETS, ACTIVATIONS, ACTIVATION_LABELS, OPTIMIZERS, SCHEDULES, REGULARIZATIONS, INITS, SPEEDS,
  LIMITS, problemOf,
} from '../state.js';
import { CLASS_CSS, MARKERS, MARKER_NAMES, labelClass } from '../../shared/colors.js';
import { marker } from './boundary-draw.js';

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const OPTIMIZER_LABELS = { sgd: 'SGD', momentum: 'Momentum', nesterov: 'Nesterov', rmsprop: 'RMSprop', adam: 'Adam' };
const SCHEDULE_LABELS = { constant: 'Constant', step: 'Step decay', exponential: 'Exponential decay' };
const REG_LABELS = { none: 'None', l1: 'L1', l2: 'L2' };
const INIT_LABELS = { glorot: 'Glorot (Xavier)', he: 'He', uniform: 'Uniform ±0.5', zeros: 'Zeros (no symmetry breaking)' };
const OUTPUT_CHOICES = {
  classify2: [['auto', 'Sigmoid + cross-entropy'], ['tanh', 'Tanh + squared error']],
  classifyN: [['auto', 'Softmax + cross-entropy']],
  regress: [['auto', 'Linear + squared error']],
};

export class ControlsView extends ControlPanel {
  /** @param {{ change: (patch) => void, action: (name, arg) => void }} on */
  constructor(on) {
    super(on, 'bpc');
    this.runBar = this.buildRunBar();
    this.hyper = this.buildHyper();
    this.data = this.buildData();
    this.display = this.buildDisplay();
    this.custom = this.buildCustom();
    this.files = this.buildFiles();
    this.metrics = this.buildMetrics();
  }

  // ---- the run bar ---------------------------------------------------------------------------

  buildRunBar() {
    this.explainBtn = h('button', {
      type: 'button', class: 'bp-btn bp-explain-btn', 'aria-pressed': 'false',
      title: 'Explain one training step with every number: forward, loss, backward, update (e)',
      on: { click: () => this.on.action('explain') },
    }, h('span', { class: 'bp-explain-icon', 'aria-hidden': 'true', text: '∂' }), 'Explain');
    const bar = this.runBar({
      resetLabel: 'Reset the network (r)', stepLabel: 'Train one epoch (s)', counter: 'Epoch',
      speeds: SPEEDS, speedUnit: 'epochs/s', speedPatch: (v) => ({ speed: Number(v) }), extraButtons: [this.explainBtn],
    });
    this.epochOut = this.counterOut;
    return bar;
  }

  buildHyper() {
    const lr = this.select('learningRate', LEARNING_RATES.map((v) => [v, String(v)]), (v) => ({ learningRate: Number(v) }));
    const opt = this.select('optimizer', OPTIMIZERS.map((o) => [o, OPTIMIZER_LABELS[o]]), (v) => ({ optimizer: v }));
    const act = this.select('activationAll', [['mixed', 'Per layer'], ...ACTIVATIONS.map((a) => [a, ACTIVATION_LABELS[a]])],
      (v) => (v === 'mixed' ? {} : { activationAll: v }));
    const reg = this.select('regularization', REGULARIZATIONS.map((r) => [r, REG_LABELS[r]]), (v) => ({ regularization: v }));
    const rrate = this.select('regRate', REG_RATES.map((v) => [v, String(v)]), (v) => ({ regRate: Number(v) }));
    const sched = this.select('schedule', SCHEDULES.map((s) => [s, SCHEDULE_LABELS[s]]), (v) => ({ schedule: v }));
    const decay = this.select('decayRate', [0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99].map((v) => [v, String(v)]), (v) => ({ decayRate: Number(v) }));
    const dsteps = this.select('decaySteps', [100, 300, 1000, 3000, 10000, 30000].map((v) => [v, `${v} steps`]), (v) => ({ decaySteps: Number(v) }));
    const mom = this.select('momentum', [0.5, 0.8, 0.9, 0.95, 0.99].map((v) => [v, String(v)]), (v) => ({ momentum: Number(v) }));
    const init = this.select('init', INITS.map((i) => [i, INIT_LABELS[i]]), (v) => ({ init: v }));
    const clip = this.select('clipNorm', [[0, 'Off'], [0.5, '0.5'], [1, '1'], [5, '5'], [10, '10']], (v) => ({ clipNorm: Number(v) }));
    const output = this.select('output', [], (v) => ({ output: v }));
    this.momField = this.field('Momentum', mom);
    this.decayFields = [this.field('Decay rate', decay), this.field('Decay every', dsteps)];
    this.regRateField = this.field('Reg. rate', rrate);
    return h('div', { class: 'bp-hyper' },
      this.field('Learning rate', lr),
      this.field('Optimizer', opt),
      this.momField,
      this.field('Schedule', sched),
      ...this.decayFields,
      this.field('Activation', act),
      this.field('Regularization', reg),
      this.regRateField,
      this.field('Initialization', init),
      this.field('Gradient clip', clip),
      this.field('Output / loss', output, { class: 'bp-field-wide' }));
  }

  buildData() {
    this.datasetButtons = new Map();
    const picker = h('div', { class: 'bp-datasets', role: 'radiogroup', 'aria-label': 'Data set' });
    for (const d of DATASETS) {
      const thumb = h('canvas', { class: 'bp-ds-thumb', width: 56, height: 56, 'aria-hidden': 'true' });
      const btn = h('button', {
        type: 'button', class: 'bp-ds', role: 'radio', 'aria-checked': 'false', title: d.label,
        'aria-label': d.label, dataset: { name: d.name },
        on: { click: () => this.on.change({ dataset: d.name }) },
      }, thumb, h('span', { class: 'bp-ds-label', text: shortLabel(d) }));
      this.datasetButtons.set(d.name, { btn, thumb });
      picker.append(btn);
    }
    if (this.datasetButtons.has('custom')) drawPencil(this.datasetButtons.get('custom').thumb);
    // a radio group: one tab stop, arrow keys move (and choose) within it
    picker.addEventListener('keydown', (ev) => {
      const keys = { ArrowRight: 1, ArrowDown: 3, ArrowLeft: -1, ArrowUp: -3 };
      if (!(ev.key in keys)) return;
      ev.preventDefault();
      const names = [...this.datasetButtons.keys()];
      const i = names.indexOf(this.state.dataset);
      const next = names[(i + keys[ev.key] + names.length) % names.length];
      this.on.change({ dataset: next });
      this.datasetButtons.get(next).btn.focus();
    });
    const ratio = this.range('trainRatio', 0.1, 0.9, 0.1, (v) => ({ trainRatio: v }), (v) => `${Math.round(v * 100)}%`);
    const noise = this.range('noise', 0, 0.5, 0.05, (v) => ({ noise: v }), (v) => `${Math.round(v * 100)}%`);
    const batch = this.range('batchSize', 1, 64, 1, (v) => ({ batchSize: v }), (v) => String(v));
    const points = this.select('points', [100, 200, 300, 500, 1000, 2000].map((v) => [v, String(v)]), (v) => ({ points: Number(v) }));
    const seed = h('input', {
      type: 'number', name: 'dataSeed', min: 0, max: LIMITS.maxSeed, step: 1, class: 'bp-seed',
      on: {
        change: () => {
          const v = Number(seed.value);
          if (Number.isInteger(v) && v >= 0 && v <= LIMITS.maxSeed) this.on.change({ dataSeed: v });
          else seed.value = String(this.state.dataSeed);
        },
      },
    });
    this.inputs.dataSeed = seed;
    this.genFields = [
      this.field('Points', points),
      this.field('Noise', noise, { after: noise.bpOutput }),
    ];
    return h('div', { class: 'bp-data' },
      picker,
      this.field('Training data', ratio, { after: ratio.bpOutput }),
      ...this.genFields,
      this.field('Batch size', batch, { after: batch.bpOutput }),
      h('div', { class: 'bp-seed-row' },
        this.field('Data seed', seed),
        this.button('Regenerate', 'regenerate', { title: 'New data from the next seed', class: 'bp-btn-small' })));
  }

  /** Draws the preview points of each data set into its picker thumbnail. */
  setPreviews(previews) {
    for (const p of previews) {
      const entry = this.datasetButtons.get(p.name);
      if (!entry || !p.train) continue;
      const d = DATASETS.find((x) => x.name === p.name);
      const c = entry.thumb;
      const ctx = c.getContext('2d');
      ctx.fillStyle = '#f7f7f7';
      ctx.fillRect(0, 0, c.width, c.height);
      const pts = p.train;
      for (let i = 0; i + 2 < pts.length; i += 3) {
        const x = ((pts[i] + 6) / 12) * c.width;
        const y = ((6 - pts[i + 1]) / 12) * c.height;
        const label = pts[i + 2];
        if (d.classes) {
          ctx.fillStyle = CLASS_CSS[labelClass(label, d.classes) % 3];
        } else {
          ctx.fillStyle = label >= 0 ? `rgba(0, 114, 178, ${Math.min(1, 0.25 + Math.abs(label))})` : `rgba(230, 159, 0, ${Math.min(1, 0.25 + Math.abs(label))})`;
        }
        ctx.fillRect(x - 1.2, y - 1.2, 2.4, 2.4);
      }
    }
  }

  buildDisplay() {
    const test = h('input', { type: 'checkbox', name: 'showTest', on: { change: () => this.on.change({ showTest: test.checked }) } });
    const disc = h('input', { type: 'checkbox', name: 'discretize', on: { change: () => this.on.change({ discretize: disc.checked }) } });
    const jac = h('input', { type: 'checkbox', name: 'jacobian', on: { change: () => this.on.action('jacobian', jac.checked) } });
    this.inputs.showTest = test;
    this.inputs.discretize = disc;
    this.inputs.jacobian = jac;
    return h('div', { class: 'bp-display' },
      h('label', { class: 'bp-inline-check' }, test, ' Show test data'),
      h('label', { class: 'bp-inline-check' }, disc, ' Discretize output'),
      h('label', { class: 'bp-inline-check', title: 'Arrows of the gradient of the output with respect to the inputs (x, y), by backprop to the inputs; hover the plot for the full matrix' },
        jac, ' Jacobian arrows ∂output/∂(x, y)'),
      this.button('Save PNG', 'exportPNG', { class: 'bp-btn-small', title: 'Save the decision boundary as a PNG image' }));
  }

  /** Tools for your own data: task, class or target, add / erase, clear. */
  buildCustom() {
    this.editLabel = 1;
    this.editTarget = 0.5;
    this.editTool = 'add';
    const task = this.select('customTask', [['classify', 'Classification'], ['regress', 'Regression']], (v) => ({ customTask: v }));
    this.classGroup = h('div', { class: 'bp-class-pick', role: 'radiogroup', 'aria-label': 'Class of new points' });
    this.classBtns = [0, 1, 2].map((k) => {
      const b = h('button', {
        type: 'button', role: 'radio', class: 'bp-chip', 'aria-checked': 'false',
        'aria-label': `Class ${k} (${MARKER_NAMES[k]})`,
        on: { click: () => { this.editLabel = k; this.renderCustom(); } },
      }, h('span', { class: `bp-mk bp-mk-${MARKERS[k]} bp-c${k}`, 'aria-hidden': 'true' }), ` ${k}`);
      this.classGroup.append(b);
      return b;
    });
    const target = this.range('customTarget', -1, 1, 0.1, () => ({}), (v) => fmt(v, 2));
    target.addEventListener('input', () => { this.editTarget = Number(target.value); });
    this.targetField = this.field('Target value', target, { after: target.bpOutput });
    this.toolBtns = ['add', 'erase'].map((tool) => h('button', {
      type: 'button', role: 'radio', class: 'bp-chip', 'aria-checked': 'false', text: tool === 'add' ? 'Add / paint' : 'Erase',
      on: { click: () => { this.editTool = tool; this.renderCustom(); this.on.action('editTool', tool); } },
    }));
    this.customCount = h('span', { class: 'bp-custom-count' });
    return h('div', { class: 'bp-custom', 'aria-label': 'Your own data' },
      h('p', { class: 'bp-hint', text: 'Click or drag on the plot to add points; pick a class first.' }),
      this.field('Task', task),
      this.classGroup,
      this.targetField,
      h('div', { class: 'bp-tool-pick', role: 'radiogroup', 'aria-label': 'Tool' }, ...this.toolBtns),
      h('div', { class: 'bp-custom-row' },
        this.button('Clear all points', 'clearPoints', { class: 'bp-btn-small' }), this.customCount));
  }

  /** The label a new point gets: a class index or a target value. */
  newPointLabel() {
    return this.state && this.state.customTask === 'regress' ? this.editTarget : this.editLabel;
  }

  renderCustom() {
    const s = this.state;
    if (!s) return;
    const regress = s.customTask === 'regress';
    this.classGroup.hidden = regress;
    this.targetField.hidden = !regress;
    this.classBtns.forEach((b, k) => b.setAttribute('aria-checked', String(k === this.editLabel)));
    this.toolBtns.forEach((b, i) => b.setAttribute('aria-checked', String(['add', 'erase'][i] === this.editTool)));
    const n = s.customPoints.length;
    this.customCount.textContent = `${n} point${n === 1 ? '' : 's'}`;
  }

  buildFiles() {
    return this.fileBar({
      shareTitle: 'Copy a link that reproduces this playground', linkLabel: 'Link to this playground',
      exportTitle: 'Save the network and its weights as JSON', importTitle: 'Load a model file saved from the playground',
      extra: [this.button('Training log (CSV)', 'exportCSV'),
        this.button('PyTorch script', 'exportPyTorch', { title: 'A Python script that builds this network with its trained weights' })],
    });
  }

  buildMetrics() {
    this.testLossOut = h('output', { class: 'bp-metric-value' });
    this.trainLossOut = h('output', { class: 'bp-metric-value' });
    this.testAccOut = h('output', { class: 'bp-metric-value' });
    this.trainAccOut = h('output', { class: 'bp-metric-value' });
    this.accRow = h('div', { class: 'bp-metric-row' },
      h('span', { class: 'bp-metric' }, 'Test accuracy ', this.testAccOut),
      h('span', { class: 'bp-metric' }, 'Training accuracy ', this.trainAccOut));
    return h('div', { class: 'bp-metrics', 'aria-live': 'off' },
      h('div', { class: 'bp-metric-row' },
        h('span', { class: 'bp-metric' }, 'Test loss ', this.testLossOut),
        h('span', { class: 'bp-metric' }, 'Training loss ', this.trainLossOut)),
      this.accRow);
  }

  // ---- syncing ---------------------------------------------------------------------------------

  /** Sets every widget from the state. */
  render(state) {
    this.state = state;
    const problem = problemOf(state);
    const setSelect = (name, value) => {
      const sel = this.inputs[name];
      const v = String(value);
      if (![...sel.options].some((o) => o.value === v)) sel.append(h('option', { value: v, text: v }));
      sel.value = v;
    };
    const setRange = (name, value) => {
      const r = this.inputs[name];
      r.value = String(value);
      r.bpOutput.textContent = r.bpFormat(value);
    };
    setSelect('speed', state.speed);
    setSelect('learningRate', state.learningRate);
    setSelect('optimizer', state.optimizer);
    setSelect('momentum', state.momentum);
    setSelect('schedule', state.schedule);
    setSelect('decayRate', state.decayRate);
    setSelect('decaySteps', state.decaySteps);
    setSelect('regularization', state.regularization);
    setSelect('regRate', state.regRate);
    setSelect('init', state.init);
    setSelect('clipNorm', state.clipNorm);
    const acts = state.activations;
    setSelect('activationAll', acts.length && acts.every((a) => a === acts[0]) ? acts[0] : 'mixed');
    this.inputs.activationAll.disabled = acts.length === 0;
    this.momField.hidden = !(state.optimizer === 'momentum' || state.optimizer === 'nesterov');
    for (const f of this.decayFields) f.hidden = state.schedule === 'constant';
    this.regRateField.hidden = state.regularization === 'none';

    const outSel = this.inputs.output;
    const kind = problem.kind === 'regress' ? 'regress' : problem.classes > 2 ? 'classifyN' : 'classify2';
    if (outSel.dataset.kind !== kind) {
      clear(outSel);
      for (const [v, l] of OUTPUT_CHOICES[kind]) outSel.append(h('option', { value: v, text: l }));
      outSel.dataset.kind = kind;
    }
    setSelect('output', state.output);

    for (const [name, { btn }] of this.datasetButtons) {
      const on = name === state.dataset;
      btn.setAttribute('aria-checked', String(on));
      btn.classList.toggle('bp-selected', on);
      btn.tabIndex = on ? 0 : -1;
    }
    setRange('trainRatio', state.trainRatio);
    setRange('noise', state.noise);
    setRange('batchSize', Math.min(64, state.batchSize));
    if (state.batchSize > 64) this.inputs.batchSize.bpOutput.textContent = String(state.batchSize);
    setSelect('points', state.points);
    this.inputs.dataSeed.value = String(state.dataSeed);
    const custom = state.dataset === 'custom';
    for (const f of this.genFields) f.hidden = custom;
    this.custom.hidden = !custom;
    setSelect('customTask', state.customTask);
    this.renderCustom();

    this.inputs.showTest.checked = state.showTest;
    this.inputs.discretize.checked = state.discretize;
    this.inputs.discretize.disabled = problem.kind === 'regress';
    this.accRow.hidden = problem.kind === 'regress';
  }

  /** Updates the counters and play button from a frame. */
  renderFrame(frame, playing) {
    const s = frame.stats;
    this.epochOut.textContent = formatEpoch(s.epoch);
    this.rateOut.textContent = playing && frame.rate.examplesPerSec > 0
      ? `${fmtCount(frame.rate.epochsPerSec)} epochs/s · ${fmtCount(frame.rate.examplesPerSec)} examples/s` : '';
    this.testLossOut.textContent = fmt(s.testLoss);
    this.trainLossOut.textContent = fmt(s.trainLoss);
    this.testAccOut.textContent = Number.isFinite(s.testAccuracy) ? `${(s.testAccuracy * 100).toFixed(1)}%` : '–';
    this.trainAccOut.textContent = Number.isFinite(s.trainAccuracy) ? `${(s.trainAccuracy * 100).toFixed(1)}%` : '–';
  }

  /** Explain mode on or off: the button shows it. */
  setExplaining(on) {
    this.explainBtn.setAttribute('aria-pressed', String(on));
    this.explainBtn.classList.toggle('bp-active', on);
  }

  setJacobian(on) {
    this.inputs.jacobian.checked = on;
  }
}

function shortLabel(d) {
  return { gaussians: 'Gaussians', spiral3: '3 spirals', plane: 'Plane', multigaussian: 'Multi-gauss', custom: 'Your data' }[d.name] || d.label;
}

function formatEpoch(e) {
  if (!Number.isFinite(e)) return '0';
  const whole = Math.floor(e + 1e-9);
  return fmtInt(whole);
}

function drawPencil(c) {
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#f7f7f7';
  ctx.fillRect(0, 0, c.width, c.height);
  const pts = [[14, 18, 0], [22, 30, 1], [36, 14, 0], [40, 38, 1], [18, 42, 2], [30, 22, 1]];
  for (const [x, y, k] of pts) {
    ctx.fillStyle = CLASS_CSS[k];
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 1;
    marker(ctx, MARKERS[k], x, y, 3.5);
  }
  ctx.strokeStyle = '#444';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(44, 50);
  ctx.lineTo(52, 42);
  ctx.stroke();
}
