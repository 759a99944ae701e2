// recurrent/panels.js: the page's panel, note and metric-row elements, shared by both modes' panels.

import { h } from '../shared/dom.js';

export function panel(cls, title, ...children) {
  return h('section', { class: ['bp-panel', 'rc-panel', cls], 'aria-label': title },
    h('h2', { class: 'bp-panel-title', text: title }), ...children);
}

export function note(text) {
  return h('p', { class: 'rc-note', text });
}

export function metricRow(pairs) {
  return h('div', { class: 'bp-metric-row' },
    pairs.map(([label, value]) => h('span', { class: 'bp-metric' }, `${label} `, h('output', { class: 'bp-metric-value', text: value }))));
}
