// digits/controls.js: every control of the digits page: the run bar (reset, play/pause, step,
// speed, counters), the data and model switches, the settings of each model (the MLP's hidden
// layers, the CNN's layer editor, the autoencoder's code and noise), the training settings and
// the file bar (share, export / import the model, the PyTorch script). Widgets report changes as
// state patches through on.change(patch) and commands through on.action(name, arg); render(state)
// syncs them. The widgets and the run bar are the page kit's (shared/widgets.js ControlPanel).

import { h, fmtCount, fmtInt } from '../shared/dom.js';
import { ControlPanel } from '../shared/widgets.js';
import {
  DATASETS, DATASET_LABELS, MODELS, MODEL_LABELS, OPTIMIZERS, OPTIMIZER_LABELS, ACTIVATIONS, SPEEDS, NOISE_KINDS,
} from './state.js';
import { LayerEditor } from './layer-editor.js';

const LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3];
const BATCHES = [1, 8, 16, 32, 64, 128, 256];
const HIDDEN = [[16], [32], [64], [128], [256], [512], [128, 64], [256, 128]];
const CODES = [1, 2, 3, 4, 8, 16, 32];
const AE_HIDDEN = [32, 64, 128, 256, 512];
const NOISES = [0, 0.1, 0.2, 0.3, 0.5, 0.7];
const SHIFTS = [1, 2, 3];

export class DigitsControls extends ControlPanel {
  constructor(on) {
    super(on, 'dgc');
    this.runBar = this.runBar({
      resetLabel: 'Reset the weights (r)', stepLabel: 'Train one step (s)', counter: 'Step', counterClass: 'dg-step',
      speeds: SPEEDS, speedUnit: 'steps/s', speedPatch: (v) => ({ speed: Number(v) }),
    });
    this.dataSwitch = this.switch('data', DATASETS, DATASET_LABELS, 'Data set');
    this.modelSwitch = this.switch('model', MODELS, MODEL_LABELS, 'Model');
    this.layerEditor = new LayerEditor({ change: (p) => this.on.change(p) }, `${this.id}-le`);
    this.hyper = this.buildHyper();
    this.files = this.buildFiles();
  }

  /** A row of radio buttons (data set, model), keyboard: arrows move the choice. */
  switch(prop, values, labels, aria) {
    const group = h('div', { class: 'dg-switch', role: 'radiogroup', 'aria-label': aria });
    const buttons = new Map();
    for (const v of values) {
      const b = h('button', {
        type: 'button', role: 'radio', class: 'dg-switch-btn', 'aria-checked': 'false', dataset: { value: v },
        text: labels[v], on: { click: () => this.on.change({ [prop]: v }) },
      });
      buttons.set(v, b);
      group.append(b);
    }
    group.addEventListener('keydown', (ev) => {
      const d = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[ev.key];
      if (!d || !this.state) return;
      ev.preventDefault();
      const next = values[(values.indexOf(this.state[prop]) + d + values.length) % values.length];
      this.on.change({ [prop]: next });
      buttons.get(next).focus();
    });
    group.buttons = buttons;
    group.prop = prop;
    return group;
  }

  buildHyper() {
    this.mlpFields = h('div', { class: 'dg-model-fields' },
      this.field('Hidden layers', this.select('hidden', HIDDEN.map((v) => [v.join(','), `${v.join('-')} units`]), (v) => ({ hidden: v.split(',').map(Number) }))));
    this.aeFields = h('div', { class: 'dg-model-fields' },
      this.field('Code size', this.select('code', CODES.map((v) => [v, `${v} unit${v === 1 ? '' : 's'}`]), (v) => ({ code: Number(v) }))),
      this.field('Encoder/decoder width', this.select('aeHidden', AE_HIDDEN.map((v) => [v, String(v)]), (v) => ({ aeHidden: Number(v) }))),
      this.field('Input noise (denoising)', this.select('noise', NOISES.map((v) => [v, v === 0 ? 'off' : String(v)]), (v) => ({ noise: Number(v) }))),
      this.field('Noise kind', this.select('noiseKind', NOISE_KINDS.map((v) => [v, v === 'gaussian' ? 'Gaussian' : 'salt and pepper']), (v) => ({ noiseKind: v }))));
    this.cnnFields = h('div', { class: 'dg-model-fields dg-cnn-fields' }, this.layerEditor.el);
    const lr = LEARNING_RATES.map((v) => [v, String(v)]);
    this.training = h('div', { class: 'bp-hyper dg-hyper' },
      this.field('Activation', this.select('activation', ACTIVATIONS.map((a) => [a, a === 'relu' ? 'ReLU' : 'Tanh']), (v) => ({ activation: v }))),
      this.field('Optimizer', this.select('optimizer', OPTIMIZERS.map((o) => [o, OPTIMIZER_LABELS[o]]), (v) => ({ optimizer: v }))),
      this.field('Learning rate', this.select('learningRate', lr, (v) => ({ learningRate: Number(v) }))),
      this.field('Batch size', this.select('batchSize', BATCHES.map((v) => [v, String(v)]), (v) => ({ batchSize: Number(v) }))),
      h('div', { class: 'bp-field dg-check-field' }, h('span', { class: 'bp-field-label', text: 'Augmentation' }),
        this.check('augment', 'random shifts', (v) => ({ augment: v }))),
      this.field('Shift (±px)', this.select('maxShift', SHIFTS.map((v) => [v, `±${v} px`]), (v) => ({ maxShift: Number(v) }))));
    return h('div', { class: 'dg-settings' }, this.mlpFields, this.cnnFields, this.aeFields, this.training);
  }

  buildFiles() {
    return this.fileBar({
      shareTitle: 'Copy a link that reproduces these settings', linkLabel: 'Link to this page',
      exportTitle: 'Save the network, its weights and the optimizer state as JSON',
      importTitle: 'Load a digits model file saved from this page',
      extra: [this.button('PyTorch script', 'exportPyTorch', { title: 'A Python script that rebuilds this network in PyTorch and loads the exported weights' })],
    });
  }

  render(state) {
    this.state = state;
    for (const g of [this.dataSwitch, this.modelSwitch]) {
      for (const [v, b] of g.buttons) {
        const on = state[g.prop] === v;
        b.setAttribute('aria-checked', String(on));
        b.classList.toggle('dg-switch-on', on);
        b.tabIndex = on ? 0 : -1;
      }
    }
    const set = (name, value, label) => {
      const sel = this.inputs[name];
      const v = String(value);
      if (![...sel.options].some((o) => o.value === v)) sel.append(h('option', { value: v, text: label || v }));
      sel.value = v;
    };
    set('speed', state.speed);
    set('hidden', state.hidden.join(','), `${state.hidden.join('-')} units`);
    set('code', state.code);
    set('aeHidden', state.aeHidden);
    set('noise', state.noise);
    set('noiseKind', state.noiseKind);
    set('activation', state.activation);
    set('optimizer', state.optimizer);
    set('learningRate', state.learningRate);
    set('batchSize', state.batchSize);
    set('maxShift', state.maxShift, `±${state.maxShift} px`);
    this.inputs.augment.checked = state.augment;
    this.inputs.maxShift.disabled = !state.augment;
    this.mlpFields.hidden = state.model !== 'mlp';
    this.cnnFields.hidden = state.model !== 'cnn';
    this.aeFields.hidden = state.model !== 'autoencoder';
    this.layerEditor.render(state);
  }

  renderFrame(frame) {
    const s = frame.stats;
    this.counterOut.textContent = s && Number.isFinite(s.step) ? fmtInt(s.step) : '0';
    this.rateOut.textContent = frame.playing && frame.rate > 0 ? `${fmtCount(frame.rate)} steps/s · epoch ${s.epoch.toFixed(1)}` : '';
  }
}
