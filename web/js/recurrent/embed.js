// recurrent/embed.js: <backprop-recurrent>, the recurrent page (BPTT and fixed-point
// backpropagation) as a custom element for tutorials (docs/embed.md). The element is the page
// kit's (shared/embed-element.js); this file gives the page's aliases, figures and regions.
//
//   <script type="module" src="embed.js"></script>
//   <backprop-recurrent task="adding" cell="lstm" controls="minimal" autoplay></backprop-recurrent>

import { RecurrentPlayground } from './main.js';
import * as recurrentState from './state.js';
import { defineBackpropElement } from '../shared/embed-element.js';
import { pageElementSpec, gradientRatio } from '../shared/embed-parts.js';

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

export const BackpropRecurrentElement = defineBackpropElement(pageElementSpec(import.meta.url, recurrentState, {
  tag: 'backprop-recurrent',
  Page: RecurrentPlayground,
  aliases: ALIASES,
  css: ['css/recurrent.css'],
  label: 'Recurrent network playground',
  file: 'recurrent.html',
  figuresOf,
  figures: ['gradRatio'],
  regions: {
    gradients: '.rc-panel-grad', sequence: '.rc-panel-seq', 'hidden-state': '.rc-panel-hidden', training: '.rc-panel-train',
  },
}));
