// conv-explain-view.js: explain mode for a conv layer, with the real numbers of the current digit.
//   1. one kernel weight's gradient as the sum over positions
//        ∂L/∂K[o,c,i,j] = Σ_y Σ_x X[c, s·y+i−p, s·x+j−p] · δ[o,y,x]
//      drawn as (shifted input) ⊙ (δ map) = (products), a few terms written out, the total,
//      beside the engine's gradient (and a central difference when the page passes one);
//   2. the backward of the layer: the full convolution of δ with the kernel turned by 180°
//      (conv-backward-panel.js);
//   3. a max-pool's backward as routing (pool-routing-panel.js).
//
//   new ConvExplainView(host, { selectWeight })
//   update({ trace, weights, gradients, numericGradient, selection, rows, cols })
//     trace      s.trace(pixels, label) (its arrays are copies)
//     weights    { 'conv1.W': Float64Array, ... }  copies of s.param(name) for the conv layers
//     gradients  { 'conv1.W': Float64Array, ... }  optional: copies of s.paramGradient(name) read
//                right after that trace() (∂L/∂W of this one digit), shown beside the sum
//     numericGradient  optional { layer, o, c, i, j, value }: a central difference for one weight
//     selection  optional { layer, o, c, i, j } (layer: index in trace.layers); default: in the
//                first conv layer, the weight with the largest |∂L/∂K| for this digit
//     rows, cols the image shape (default: a square)
//   select(selection)   chooses the weight (as a click would, but without the callback)
//   callbacks.selectWeight({ layer, name, o, c, i, j, index })  when the user picks another
//                weight here (kernel click, filter/channel menus): the page may answer with a
//                numericGradient for it
//
// Pure math in conv-math.js (tested); no engine here.

import {
  convGeometry, parseConvText, weightedLayerNames, kernelOf, kernelWeightSum, shiftedInput,
  topTerms, layerInput, convWeightIndex, largestWeightGradient,
} from './conv-math.js';
import { el, imageCanvas, maxAbs, eventPoint, cellFor } from './image-draw.js';
import { numberGrid, sumLine, checkBox } from './number-draw.js';
import { ConvBackwardPanel } from './conv-backward-panel.js';
import { PoolRoutingPanel } from './pool-routing-panel.js';
import { fmt } from '../../shared/dom.js';

const SHOWN_TERMS = 4;

export class ConvExplainView {
  constructor(host, callbacks = {}) {
    this.callbacks = callbacks;
    this.root = el('dv-view dv-explain-conv');
    this.weightBox = el('dv-panel', null, 'section');
    this.backBox = el('dv-panel', null, 'section');
    this.poolBox = el('dv-panel', null, 'section');
    this.root.append(this.weightBox, this.backBox, this.poolBox);
    host.append(this.root);
    this.backward = new ConvBackwardPanel(this.backBox);
    this.pool = new PoolRoutingPanel(this.poolBox);
    this.sel = null;
    this.data = null;
    this.root.addEventListener('focusout', () => {
      if (!this.deferred) return;
      this.deferred = false;
      setTimeout(() => { if (this.data) this.render(); }, 0);
    });
  }

  update(data) {
    this.data = { ...data };
    const side = Math.round(Math.sqrt(data.trace.input.length));
    this.data.rows = data.rows || side;
    this.data.cols = data.cols || side;
    if (data.selection) this.sel = { ...data.selection };
    // while one of its menus has focus (open, or being read by a screen reader), a redraw from
    // training waits for the focus to leave, so the menu is not pulled away under the user
    const a = document.activeElement;
    if (a && a.tagName === 'SELECT' && this.root.contains(a)) { this.deferred = true; return; }
    this.render();
  }

  select(selection) {
    this.sel = selection ? { ...selection } : null;
    if (this.data) this.render();
  }

  /** The conv layers of the trace with weights: [{ li, name, g }]. */
  convLayers() {
    const { trace, weights, rows, cols } = this.data;
    const names = weightedLayerNames(trace.layers);
    const out = [];
    trace.layers.forEach((l, li) => {
      const spec = l.kind === 'conv2d' ? parseConvText(l.text) : null;
      if (!spec || !weights[`${names[li]}.W`]) return;
      const inp = layerInput(trace, li, rows, cols);
      const g = convGeometry(spec, inp);
      out.push({ li, name: `${names[li]}.W`, g, input: inp.values });
    });
    return out;
  }

  render() {
    const convs = this.convLayers();
    this.weightBox.replaceChildren();
    if (!convs.length) {
      this.weightBox.append(el('dv-empty', 'No conv layer in this network: explain mode shows the δ maps above.'));
      this.backBox.replaceChildren();
      this.pool.update(this.data.trace, null, 0);
      return;
    }
    const L = convs.find((c) => this.sel && c.li === this.sel.layer) || convs[0];
    const g = L.g;
    const delta0 = this.data.trace.layers[L.li].delta;
    const s = this.sel && this.sel.layer === L.li ? this.sel : { layer: L.li, ...largestWeightGradient(L.input, delta0, g) };
    s.o = Math.min(s.o, g.cout - 1); s.c = Math.min(s.c, g.cin - 1);
    this.sel = s;
    const W = this.data.weights[L.name];
    this.renderWeight(convs, L, s, W, delta0);
    this.backward.update({ trace: this.data.trace, li: L.li, g, W, o: s.o, c: s.c });
    this.pool.update(this.data.trace, this.data.trace.layers.findIndex((l, k) => k > L.li && l.kind === 'max_pool'), s.o);
  }

  renderWeight(convs, L, s, W, delta) {
    const { g } = L;
    const box = this.weightBox;
    const layerName = L.name.replace('.W', '');
    box.append(el('dv-title', `1 · One weight's gradient: ${layerName} K[o=${s.o}, c=${s.c}, i=${s.i}, j=${s.j}]`, 'h4'));
    box.append(this.menus(convs, L, s));
    const at = (v, w) => `${g.stride > 1 ? `${g.stride}${v}` : v}+${w}${g.pad ? `−${g.pad}` : ''}`;
    box.append(el('dv-formula', `∂L/∂K[o,c,i,j] = Σ_y Σ_x X[c, ${at('y', 'i')}, ${at('x', 'j')}] · δ[o, y, x]   (summed over all ${g.ho}×${g.wo} output positions)`));
    const kernel = kernelOf(W, g, s.o, s.c);
    const kcell = g.k <= 5 ? 40 : 26;
    const kc = numberGrid(kernel, g.k, g.k, kcell, { vmax: maxAbs(W), marks: [[s.i, s.j]], label: `kernel K[${s.o}, ${s.c}]`, className: 'dv-numgrid dv-clickable' });
    kc.addEventListener('click', (e) => {
      const [x, y] = eventPoint(e, kc);
      const i = Math.floor(y / kcell); const j = Math.floor(x / kcell);
      if (i >= 0 && j >= 0 && i < g.k && j < g.k) this.choose({ ...s, i, j });
    });
    const S = shiftedInput(L.input, g, s.c, s.i, s.j);
    const D = delta.subarray ? delta.subarray(s.o * g.ho * g.wo, (s.o + 1) * g.ho * g.wo) : delta.slice(s.o * g.ho * g.wo, (s.o + 1) * g.ho * g.wo);
    const P = S.map((v, n) => v * D[n]);
    const cell = cellFor(g.ho, g.wo, 112);
    const fig = el('dv-figure');
    const item = (caption, node) => { const f = el('dv-fig-item'); f.append(node, el('dv-caption', caption)); return f; };
    const op = (t) => el('dv-fig-op', t, 'span');
    const vd = maxAbs(D);
    fig.append(
      item(`K[${s.o}, ${s.c}] (click a weight)`, kc), op(':'),
      item(`X as K[${s.i},${s.j}] sees it`, imageCanvas(S, g.ho, g.wo, cell, { mode: L.li === 0 ? 'ink' : 'diverging', vmax: maxAbs(S), label: 'shifted input' })),
      op('⊙'),
      item(`δ[${s.o}] ±${fmt(vd)}`, imageCanvas(D, g.ho, g.wo, cell, { mode: 'diverging', vmax: vd, label: 'delta map' })),
      op('='),
      item(`products ±${fmt(maxAbs(P))}`, imageCanvas(P, g.ho, g.wo, cell, { mode: 'diverging', vmax: maxAbs(P), label: 'products' })),
      op('Σ'));
    const sum = kernelWeightSum(L.input, delta, g, s.o, s.c, s.i, s.j);
    fig.append(el('dv-fig-total', fmt(sum.total, 4), 'strong'));
    box.append(fig);
    const { shown, rest, restCount } = topTerms(sum.terms, SHOWN_TERMS);
    shown.forEach((t) => { t.title = `X[${s.c}, ${t.u}, ${t.v}] · δ[${s.o}, ${t.y}, ${t.x}]`; });
    const line = sumLine(shown, rest, restCount, sum.total);
    line.prepend(el('dv-op', `∂L/∂K[${s.o},${s.c},${s.i},${s.j}] = `, 'span'));
    box.append(line);
    if (sum.padded) box.append(el('dv-note', `${sum.padded} positions put this weight on the zero padding: their terms are 0.`));
    box.append(this.checks(L, s, sum.total));
  }

  /** The sum beside the engine's gradient and a central difference, when the page gave them. */
  checks(L, s, total) {
    const row = el('dv-checks');
    row.append(checkBox('this sum ', total));
    const G = this.data.gradients && this.data.gradients[L.name];
    if (G) row.append(checkBox('backprop in the engine ', G[convWeightIndex(s.o, s.c, s.i, s.j, L.g.k, L.g.cout)], total));
    const n = this.data.numericGradient;
    if (n && n.layer === s.layer && n.o === s.o && n.c === s.c && n.i === s.i && n.j === s.j) row.append(checkBox('central difference ', n.value, total, null, 1e-4));  // h-limited: ~1e-8..1e-6 is normal
    return row;
  }

  menus(convs, L, s) {
    const bar = el('dv-menus');
    const menu = (label, options, value, onPick) => {
      const lab = el('dv-menu', null, 'label');
      const sel = document.createElement('select');
      sel.dataset.menu = label.trim();
      options.forEach(([v, t]) => { const o = document.createElement('option'); o.value = String(v); o.textContent = t; sel.append(o); });
      sel.value = String(value);
      sel.addEventListener('change', () => onPick(Number(sel.value)));
      lab.append(el('', label, 'span'), sel);
      bar.append(lab);
    };
    if (convs.length > 1) menu('layer ', convs.map((c) => [c.li, `${c.name.replace('.W', '')} (${c.g.cin}→${c.g.cout})`]), L.li, (li) => this.choose({ layer: li, o: 0, c: 0, i: 0, j: 0 }, true));
    menu('filter o ', Array.from({ length: L.g.cout }, (_, o) => [o, String(o)]), s.o, (o) => this.choose({ ...s, o }));
    if (L.g.cin > 1) menu('input channel c ', Array.from({ length: L.g.cin }, (_, c) => [c, String(c)]), s.c, (c) => this.choose({ ...s, c }));
    return bar;
  }

  choose(sel, best = false) {
    const L = this.convLayers().find((c) => c.li === sel.layer);
    if (!L) return;
    if (best) Object.assign(sel, largestWeightGradient(L.input, this.data.trace.layers[L.li].delta, L.g));
    this.sel = sel;
    const menu = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.menu : null;
    this.render();
    if (menu) { const m = this.root.querySelector(`select[data-menu="${menu}"]`); if (m) m.focus(); }
    if (this.callbacks.selectWeight) {
      this.callbacks.selectWeight({ ...sel, name: L.name, index: convWeightIndex(sel.o, sel.c, sel.i, sel.j, L.g.k, L.g.cout) });
    }
  }
}
