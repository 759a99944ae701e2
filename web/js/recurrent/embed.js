// recurrent/embed.js: <backprop-recurrent>, the recurrent page (BPTT and fixed-point
// backpropagation) as a custom element for tutorials (docs/embed.md). The element is the page
// kit's (shared/embed-element.js); this file gives the page's aliases, figures and regions.
//
//   <script type="module" src="embed.js"></script>
//   <backprop-recurrent task="adding" cell="lstm" controls="minimal" autoplay></backprop-recurrent>

import { RecurrentPlayground } from './main.js';
import { parseState, splitParams, settingsText, defaultState, STATE_KEYS, FIELDS } from './state.js';
import { defineBackpropElement } from '../shared/embed-element.js';
import { controlByName, stylesheetURLs, RUN_BAR_REGIONS, PAGE_COMMANDS, gradientRatio } from '../shared/embed-parts.js';

export const ALIASES = {
  length: 'len',
  'learning-rate': 'lr',
  optimizer: 'opt',
  'batch-size': 'batch',
  truncation: 'trunc',
  'data-seed': 'seed',
  'weight-seed': 'wseed',
  'fp-task': 'fptask',
  'fp-hidden': 'fphidden',
};

/**
 * The figures of a frame. Sequences: one step is one mini-batch (epoch counts steps too);
 * gradRatio is ‖∂L/∂h₀‖ / ‖∂L/∂h_{T−1}‖, how much of the gradient reaches the first time step.
 * Fixed point: trainLoss and trainAccuracy are over the training patterns.
 */
function figuresOf(frame) {
  const s = frame.stats;
  const f = { step: s.step, epoch: s.step, playing: frame.playing ? 1 : 0 };
  if (frame.mode === 'fp') {
    return { ...f, trainLoss: s.loss, testLoss: s.testLoss, trainAccuracy: s.accuracy, testAccuracy: s.testAccuracy };
  }
  return {
    ...f, trainLoss: s.trainLoss, testLoss: s.testLoss, testAccuracy: s.testAccuracy,
    gradRatio: gradientRatio(frame.seqTrace && frame.seqTrace.gradNorms),
  };
}

export const BackpropRecurrentElement = defineBackpropElement({
  tag: 'backprop-recurrent',
  Page: RecurrentPlayground,
  states: { parseState, splitParams, STATE_KEYS, defaultState },
  settingsText,
  aliases: ALIASES,
  stylesheets: stylesheetURLs(import.meta.url, ['vendor/uPlot.min.css', 'css/playground.css', 'css/recurrent.css', 'css/lesson.css']),
  label: 'Recurrent network playground',
  file: 'recurrent.html',
  figuresOf,
  figureNames: ['epoch', 'step', 'trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy', 'gradRatio'],
  regions: {
    ...RUN_BAR_REGIONS,
    gradients: '.rc-panel-grad', sequence: '.rc-panel-seq', 'hidden-state': '.rc-panel-hidden', training: '.rc-panel-train',
  },
  controlOf: (root, key) => controlByName(root, FIELDS.find((f) => f.key === key)?.prop),
  api: {
    ...PAGE_COMMANDS,
  },
});
