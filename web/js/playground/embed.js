// playground/embed.js: <backprop-playground>, the playground as a custom element for tutorials
// (docs/embed.md). The element itself is the page kit's (shared/embed-element.js); this file
// says what is the playground's own: its attribute aliases, its figures, what a lesson may
// highlight, and explain mode's phases.
//
//   <script type="module" src="embed.js"></script>
//   <backprop-playground dataset="xor" hidden="4,4" controls="minimal" autoplay></backprop-playground>

import { Playground } from './main.js';
import { parseState, splitParams, serializeState, defaultState, STATE_KEYS, FIELDS } from './state.js';
import { defineBackpropElement } from '../shared/embed-element.js';
import { controlByName, stylesheetURLs, RUN_BAR_REGIONS, PAGE_COMMANDS, gradientRatio } from '../shared/embed-parts.js';

/** Attribute names that read better in HTML than the URL keys. */
export const ALIASES = {
  activation: 'act',
  activations: 'act',
  'learning-rate': 'lr',
  optimizer: 'opt',
  regularization: 'reg',
  'regularization-rate': 'rrate',
  'batch-size': 'batch',
  'train-ratio': 'ratio',
  'show-test': 'test',
  'data-seed': 'seed',
  'weight-seed': 'wseed',
};

/** The figures of a frame (lesson conditions and the epoch event); gradRatio: ‖dW₁‖ / ‖dW_last‖. */
function figuresOf(frame) {
  const s = frame.stats;
  return {
    epoch: s.epoch, step: s.step,
    trainLoss: s.trainLoss, testLoss: s.testLoss, trainAccuracy: s.trainAccuracy, testAccuracy: s.testAccuracy,
    gradRatio: gradientRatio(frame.gradNorms),
    playing: frame.playing ? 1 : 0,
  };
}

const PHASES = ['forward', 'loss', 'backward', 'update', 'apply', 'close'];

export const BackpropPlaygroundElement = defineBackpropElement({
  tag: 'backprop-playground',
  Page: Playground,
  states: { parseState, splitParams, STATE_KEYS, defaultState },
  settingsText: serializeState,
  aliases: ALIASES,
  stylesheets: stylesheetURLs(import.meta.url, ['vendor/uPlot.min.css', 'css/playground.css', 'css/explain.css', 'css/lesson.css']),
  label: 'Neural network playground',
  file: 'index.html',
  figuresOf,
  figureNames: ['epoch', 'step', 'trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy', 'gradRatio'],
  regions: {
    ...RUN_BAR_REGIONS,
    explain: '.bp-explain-btn', data: '.bp-panel-data', network: '.bp-panel-net', output: '.bp-panel-out',
    charts: '.bp-panel-charts', gradients: '.bp-chart-grad', 'explain-panel': '.bp-panel-explain', 'explain-bar': '.bp-x-bar',
  },
  controlOf: (root, key) => {
    if (key === 'hidden') return root.querySelector('.bp-panel-net');
    if (key === 'act') return controlByName(root, 'activationAll');
    return controlByName(root, FIELDS.find((f) => f.key === key)?.prop);
  },
  api: {
    ...PAGE_COMMANDS,
    phases: PHASES,
    /** Explain mode at a phase (opening it on the next mini-batch's first example), or closed. */
    async explain(pg, phase) {
      const x = pg.explainer;
      if (phase === 'close') return x.close();
      if (!x.active) await x.open();
      if (phase === 'apply') return x.apply();
      return x.goPhase(phase);
    },
  },
});
