// digits/layout.js: the digits page's panels, built once: the top bar (run bar, data and model
// switches, settings), the drawing panel (pad, clear / undo, the preprocessed input, saliency or
// reconstruction, probabilities), the training curves, the confusion matrix with the digits of
// the clicked cell, the misclassified gallery (or the reconstructions), and the network views'
// panel (digits/network-views.js). Only DOM; no engine, no state changes.

import { h } from '../shared/dom.js';
import { DrawPad } from './draw-pad.js';
import { ProbabilityBars, InputView } from './probabilities.js';
import { TrainingCharts } from './charts.js';
import { ConfusionMatrix } from './confusion.js';
import { Gallery } from './gallery.js';

export function panel(cls, title, ...children) {
  return h('section', { class: ['bp-panel', 'dg-panel', cls], 'aria-label': title },
    h('h2', { class: 'bp-panel-title', text: title }), ...children);
}

const note = (text) => h('p', { class: 'dg-note', text });

/**
 * Builds the page into `host`. on: { change, action, drawChange, cellSelect, toggleOverlay }.
 * Returns the parts the composition root talks to.
 */
export function buildLayout(host, controls, on, controlsMode) {
  const v = {};
  v.messages = h('div', { class: 'bp-messages', 'aria-live': 'polite' });
  v.pad = new DrawPad({ onChange: on.drawChange });
  v.probs = new ProbabilityBars();
  v.input = new InputView();
  v.overlayBox = h('input', { type: 'checkbox', id: 'dg-overlay', checked: true, on: { change: () => on.toggleOverlay(v.overlayBox.checked) } });
  const small = (text, action, title) => h('button', { type: 'button', class: 'bp-btn bp-btn-small', text, title, on: { click: () => on.action(action) } });
  v.drawMessage = h('p', { class: 'dg-draw-message', role: 'status' });
  v.drawPanel = panel('dg-panel-draw', 'Draw a digit',
    h('div', { class: 'dg-draw' },
      h('div', { class: 'dg-draw-left' }, v.pad.el,
        h('div', { class: 'dg-pad-tools' },
          small('Clear', 'clear', 'Clear the drawing (c)'), small('Undo', 'undo', 'Take back the last stroke (u)'),
          h('label', { class: 'bp-inline-check', for: 'dg-overlay' }, v.overlayBox, ' saliency over the drawing'))),
      h('div', { class: 'dg-draw-right' }, v.drawMessage, v.probs.el, v.input.el,
        note('The drawing is preprocessed as the data set was made (MNIST: its ink box scaled into 20×20 and centred by its centre of mass in 28×28; UCI: scaled into 32×32 and counted in 4×4 blocks). The saliency is ∂p/∂x for the winning class: blue pixels would raise its probability with more ink, orange ones lower it.'))));

  v.charts = new TrainingCharts();
  v.metrics = h('div', { class: 'bp-metrics dg-metrics' });
  v.trainPanel = panel('dg-panel-train', 'Training', v.metrics, v.charts.el);

  v.confusion = new ConfusionMatrix({ select: on.cellSelect });
  v.cellGallery = new Gallery('Click a cell of the matrix to see its digits.');
  v.cellGallery.note.textContent = 'Click a cell of the matrix to see its digits.';
  v.confusionPanel = panel('dg-panel-confusion', 'Confusion matrix (test digits)', v.confusion.el, v.cellGallery.el);

  v.gallery = new Gallery('No test digit is misclassified.');
  v.galleryPanel = panel('dg-panel-gallery', 'Misclassified test digits', v.gallery.el);

  v.viewsHost = h('div', { class: 'dg-views' });
  v.viewsPanel = panel('dg-panel-views', 'Inside the network', v.viewsHost);

  v.root = h('div', { class: 'bp-app dg-app', dataset: { controls: controlsMode } },
    h('header', { class: 'bp-top dg-top' }, controls.runBar,
      h('div', { class: 'dg-switches' }, controls.dataSwitch, controls.modelSwitch), controls.hyper),
    v.messages,
    // two columns that fill independently (no row leaves a gap under its shorter panel)
    h('div', { class: 'dg-grid' },
      h('div', { class: 'dg-col' }, v.drawPanel, v.confusionPanel),
      h('div', { class: 'dg-col' }, v.trainPanel, v.galleryPanel)),
    v.viewsPanel,
    h('footer', { class: 'bp-panel-files dg-files' }, controls.files));
  host.append(v.root);
  return v;
}

export function metricRow(pairs) {
  return h('div', { class: 'bp-metric-row' },
    pairs.map(([label, value]) => h('span', { class: 'bp-metric' }, `${label} `, h('output', { class: 'bp-metric-value', text: value }))));
}
