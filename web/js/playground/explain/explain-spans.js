// explain/explain-spans.js: how explain mode's panels write a number or a symbol: a number as a
// monospace span (marked when it is derived on the page rather than the core's own), a negative
// number in parentheses, a symbol in the formula style. Every number goes in as text.

import { h } from '../../shared/dom.js';
import { fmtNum } from './explain-model.js';

/** A number as a monospace span; derived numbers (worked out on the page) are marked. */
export function num(v, derived = false, extra = {}) {
  return h('span', {
    class: ['bp-x-num', derived && 'bp-derived', extra.class],
    title: derived ? 'worked out on this page from the core\'s numbers shown beside it' : extra.title,
    dataset: extra.dataset,
    text: fmtNum(v),
  });
}

/** A number in parentheses when negative (so "a × b" stays readable). */
export function pnum(v, derived = false) {
  return v < 0 ? h('span', { class: 'bp-x-paren' }, '(', num(v, derived), ')') : num(v, derived);
}

/** A symbol or a formula, in the formula style. */
export function sym(text) {
  return h('span', { class: 'bp-x-sym', text });
}
