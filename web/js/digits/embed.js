// digits/embed.js: <backprop-digits>, the digits page (MLP, CNN, autoencoder on MNIST or UCI
// digits) as a custom element for tutorials (docs/embed.md). The element is the page kit's
// (shared/embed-element.js); this file gives the page's aliases, figures and regions.
//
//   <script type="module" src="embed.js"></script>
//   <backprop-digits data="uci" model="cnn" controls="minimal"></backprop-digits>

import { DigitsPage } from './main.js';
import * as digitsState from './state.js';
import { defineBackpropElement } from '../shared/embed-element.js';
import { pageElementSpec } from '../shared/embed-parts.js';

export const ALIASES = {
  dataset: 'data',
  activation: 'act',
  'learning-rate': 'lr',
  optimizer: 'opt',
  'batch-size': 'batch',
  augment: 'aug',
  'data-seed': 'dseed',
  'weight-seed': 'wseed',
};

/** The figures of a frame: the batch loss, and the last evaluation of the test and training sets. */
function figuresOf(frame) {
  const s = frame.stats;
  const f = frame.figures;
  return {
    epoch: s.epoch, step: s.step, trainLoss: s.trainLoss,
    testLoss: f ? f.test.loss : NaN,
    testAccuracy: f && f.test.accuracy !== undefined ? f.test.accuracy : NaN,
    trainAccuracy: f && f.train.accuracy !== undefined ? f.train.accuracy : NaN,
    playing: frame.playing ? 1 : 0,
  };
}

export const BackpropDigitsElement = defineBackpropElement(pageElementSpec(import.meta.url, digitsState, {
  tag: 'backprop-digits',
  Page: DigitsPage,
  aliases: ALIASES,
  css: ['css/digits-views.css', 'css/digits.css'],
  label: 'Handwritten digits playground',
  file: 'digits.html',
  figuresOf,
  regions: {
    draw: '.dg-panel-draw', training: '.dg-panel-train', confusion: '.dg-panel-confusion',
    gallery: '.dg-panel-gallery', views: '.dg-panel-views',
  },
  api: {
    exportModel: (pg) => pg.engine.saveModel(),   // (the digits engine names it saveModel)
  },
}));
