// digits/layer-editor.js: the CNN's layers as rows the learner edits: per conv layer the number
// of filters, the kernel size, the padding and the pooling after it (ReLU or tanh between, as the
// activation setting says), then the dense head. Every edit is a state patch ({ convs } or
// { head }); the engine checks the shapes, and when they do not fit its message (naming the layer
// and the shapes) is shown here, in the editor, until the next change that works. Below the rows
// the engine's own list of the layers with their output shapes and parameter counts.

import { h, fmtInt } from '../shared/dom.js';
import { LIMITS } from './state.js';

const FILTERS = [1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64];
const KERNELS = [1, 3, 5, 7, 9, 11, 13, 15];
const HEADS = [0, 16, 32, 64, 128, 256];

export class LayerEditor {
  /** @param {{ change: (patch) => void }} on */
  constructor(on, id) {
    this.on = on;
    this.id = id;
    this.rows = h('div', { class: 'dg-le-rows' });
    this.addBtn = h('button', { type: 'button', class: 'bp-btn bp-btn-small', text: '+ conv layer', on: { click: () => this.add() } });
    this.headSelect = this.select(`${id}-head`, HEADS.map((v) => [v, v === 0 ? 'none (flatten → 10)' : `${v} units → 10`]),
      (v) => this.on.change({ head: Number(v) }));
    this.error = h('p', { class: 'dg-le-error', role: 'alert' });
    this.shapes = h('ol', { class: 'dg-le-shapes', 'aria-label': 'The layers as the engine built them' });
    this.el = h('div', { class: 'dg-le', role: 'group', 'aria-label': 'CNN layers' },
      h('div', { class: 'dg-le-head' }, h('span', { class: 'bp-field-label', text: 'Conv layers' }), this.addBtn),
      this.rows,
      h('div', { class: 'bp-field dg-le-dense' }, h('label', { class: 'bp-field-label', for: `${id}-head`, text: 'Dense head' }), this.headSelect),
      this.error, this.shapes);
    this.convs = [];
  }

  select(id, options, onChange, label) {
    const sel = h('select', { id, 'aria-label': label, on: { change: () => onChange(sel.value) } },
      options.map(([v, l]) => h('option', { value: String(v), text: l })));
    return sel;
  }

  patch(i, key, value) {
    const convs = this.convs.map((c) => ({ ...c }));
    convs[i][key] = value;
    this.on.change({ convs });
  }

  add() {
    if (this.convs.length >= LIMITS.maxConvLayers) return;
    const last = this.convs[this.convs.length - 1];
    const convs = [...this.convs.map((c) => ({ ...c })), { filters: last ? last.filters : 8, kernel: 3, padding: 'same', pool: 'none' }];
    this.on.change({ convs });
  }

  remove(i) {
    this.on.change({ convs: this.convs.filter((_, k) => k !== i).map((c) => ({ ...c })) });
  }

  render(state) {
    this.convs = state.convs.map((c) => ({ ...c }));
    const opt = (sel, v, label) => {
      if (![...sel.options].some((o) => o.value === String(v))) sel.append(h('option', { value: String(v), text: label || String(v) }));
      sel.value = String(v);
    };
    this.rows.replaceChildren(...this.convs.map((c, i) => {
      const f = this.select(`${this.id}-f${i}`, FILTERS.map((v) => [v, `${v} filters`]), (v) => this.patch(i, 'filters', Number(v)), `conv ${i + 1}: filters`);
      const k = this.select(`${this.id}-k${i}`, KERNELS.map((v) => [v, `${v}×${v}`]), (v) => this.patch(i, 'kernel', Number(v)), `conv ${i + 1}: kernel size`);
      const p = this.select(`${this.id}-p${i}`, [['same', 'same'], ['valid', 'valid']], (v) => this.patch(i, 'padding', v), `conv ${i + 1}: padding`);
      const pool = this.select(`${this.id}-o${i}`, [['max', '2×2 max pool'], ['avg', '2×2 avg pool'], ['none', 'no pool']], (v) => this.patch(i, 'pool', v), `conv ${i + 1}: pooling`);
      opt(f, c.filters); opt(k, c.kernel, `${c.kernel}×${c.kernel}`); opt(p, c.padding); opt(pool, c.pool);
      const del = h('button', { type: 'button', class: 'bp-icon-btn dg-le-del', text: '×', 'aria-label': `Remove conv layer ${i + 1}`, title: 'Remove this layer', on: { click: () => this.remove(i) } });
      return h('div', { class: 'dg-le-row', dataset: { row: String(i) } }, h('span', { class: 'dg-le-n', text: `${i + 1}` }), f, k, p, pool, del);
    }));
    if (!this.convs.length) this.rows.append(h('p', { class: 'dg-note', text: 'No conv layer: the image goes straight to the dense head.' }));
    this.addBtn.disabled = this.convs.length >= LIMITS.maxConvLayers;
    opt(this.headSelect, state.head, `${state.head} units → 10`);
  }

  /** The engine's message for a stack that does not fit (or '' to clear it). */
  setError(text) {
    this.error.textContent = text ? `These layers do not fit: ${text}. The network was not changed.` : '';
  }

  /** The engine's layers: [{ text, channels, height, width, params }]. */
  setLayers(layers) {
    this.shapes.replaceChildren(...layers.filter((l) => l.kind !== 'activation').map((l) => h('li', {
      text: `${l.text} → ${l.channels}×${l.height}×${l.width}${l.params ? ` (${fmtInt(l.params)} weights)` : ''}`,
    })));
  }
}
