// views/boundary-labels.js: the words around the decision boundary: the legend under the plot
// (the classes' markers, or the colour bar of a regression), and for the input Jacobian the note
// under the plot and the matrix shown next to the pointer. They make DOM for views/boundary.js.

import { h, clear } from '../../shared/dom.js';
import { fmtNum } from '../explain/explain-model.js';
import { BACKGROUND_LUT, MARKERS, MARKER_NAMES } from '../../shared/colors.js';

/** Fills el with the legend for a problem. mode: sigmoid | tanh | softmax | regress */
export function fillLegend(el, mode, classes, discretize) {
  clear(el);
  const swatch = (k) => h('span', { class: `bp-mk bp-mk-${MARKERS[k % 3]} bp-c${k % 3}`, 'aria-hidden': 'true' });
  if (mode === 'regress') {
    el.append(
      h('span', { class: 'bp-legend-end', text: '−1' }),
      gradientBar(),
      h('span', { class: 'bp-legend-end', text: '+1' }),
      h('span', { class: 'bp-legend-note', text: 'target / prediction' }),
    );
  } else if (mode === 'softmax') {
    for (let k = 0; k < classes; k++) {
      el.append(h('span', { class: 'bp-legend-item' }, swatch(k), `class ${k} (${MARKER_NAMES[k % 3]})`));
    }
  } else {
    el.append(
      h('span', { class: 'bp-legend-item' }, swatch(0), `class 0 (${MARKER_NAMES[0]})`),
      discretize ? h('span', { class: 'bp-legend-sep' }) : gradientBar(),
      h('span', { class: 'bp-legend-item' }, swatch(1), `class 1 (${MARKER_NAMES[1]})`),
    );
  }
  el.append(h('span', { class: 'bp-legend-note' },
    h('span', { class: 'bp-mk bp-mk-circle bp-mk-train', 'aria-hidden': 'true' }), ' training  ',
    h('span', { class: 'bp-mk bp-mk-circle bp-mk-test', 'aria-hidden': 'true' }), ' test'));
}

function gradientBar() {
  const c = h('canvas', { class: 'bp-legend-bar', width: 128, height: 10, 'aria-hidden': 'true' });
  const ctx = c.getContext('2d');
  const img = ctx.createImageData(128, 10);
  for (let x = 0; x < 128; x++) {
    const i = Math.round((x / 127) * 255) * 4;
    for (let y = 0; y < 10; y++) {
      const o = (y * 128 + x) * 4;
      img.data[o] = BACKGROUND_LUT[i];
      img.data[o + 1] = BACKGROUND_LUT[i + 1];
      img.data[o + 2] = BACKGROUND_LUT[i + 2];
      img.data[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  return c;
}

/** The note under the plot while the Jacobian's arrows show (field: { K, maxMagnitude }). */
export function jacobianNote(field) {
  const what = field.K > 1 ? 'each class\'s probability (in its colour)' : 'the output';
  return `Arrows: the direction in which ${what} grows fastest, ∂output/∂(x, y); the longest is |∇| = ${fmtNum(field.maxMagnitude, 3)}, length ∝ √|∇|. Hover for the matrix.`;
}

/** The readout's content: the Jacobian at plane point (x, y); rows: [{ name, dx, dy }] (K × 2). */
export function readoutContent(x, y, rows) {
  return [
    h('div', { class: 'bp-readout-title', text: `∂output/∂(x, y) at (${fmtNum(x, 3)}, ${fmtNum(y, 3)})` }),
    h('table', { class: 'bp-readout-table' },
      h('thead', {}, h('tr', {}, h('th', { text: '' }), h('th', { text: '∂/∂x' }), h('th', { text: '∂/∂y' }))),
      h('tbody', {}, rows.map((r) => h('tr', {},
        h('th', { scope: 'row', text: r.name }),
        h('td', { text: fmtNum(r.dx) }),
        h('td', { text: fmtNum(r.dy) }))))),
  ];
}
