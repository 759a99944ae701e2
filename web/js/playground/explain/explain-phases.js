// explain/explain-phases.js: the numbers of the phase shown, in the panel's main column. Forward:
// the features the network sees; loss: outputs against targets and the loss; backward: δ at the
// output, worked out; update: the optimizer's Δw (for the selected weight with its numbers), the
// decision boundary before and after the update (explain-figures.js), and the button that
// applies it. Each function is handed the panel's model (explain-overlays.js builds it, see
// ExplainView.render) and makes DOM, nothing else.

import { h, clear } from '../../shared/dom.js';
import { lossInfo, activationSlope, subscript } from './explain-model.js';
import { num, pnum, sym } from './explain-spans.js';
import { boundaryFigure, changeFigure } from './explain-figures.js';

const OPTIMIZER_NAMES = { sgd: 'SGD', momentum: 'Momentum', nesterov: 'Nesterov', rmsprop: 'RMSprop', adam: 'Adam' };

/** Fills box with phase m.step.phase's numbers; onApply() applies the update shown. */
export function renderPhase(box, m, onApply) {
  clear(box);
  const phase = m.step.phase;
  if (phase === 'forward') box.append(...forwardDetails(m));
  else if (phase === 'loss') box.append(...lossDetails(m));
  else if (phase === 'backward') box.append(...backwardDetails(m));
  else box.append(...updateDetails(m, onApply));
}

function forwardDetails(m) {
  const t = m.trace;
  const n = m.focus;
  const F = t.inputs.length / t.N;
  const feats = m.layout.features.map((f, k) => h('li', {}, sym(m.names[k]), ' = ', num(t.inputs[n * F + k])));
  return [
    h('p', { class: 'bp-x-text', text: 'The features the network sees for this example:' }),
    h('ul', { class: 'bp-x-list bp-x-inline-list' }, feats),
    h('p', { class: 'bp-x-hint', text: 'Each neuron shows z (its weighted sum) and a = f(z) (its output). Click a neuron to see its sum written out; the links show the weights.' }),
  ];
}

function lossDetails(m) {
  const t = m.trace;
  const n = m.focus;
  const K = t.target.length / t.N;
  const out = t.layers[t.layers.length - 1];
  const info = lossInfo(m.layout);
  const rows = [];
  for (let k = 0; k < K; k++) {
    const a = out.a[n * K + k];
    const tt = t.target[n * K + k];
    rows.push(h('tr', {},
      h('th', { scope: 'row', text: K > 1 ? `class ${k}` : 'output' }),
      h('td', {}, num(a)), h('td', {}, num(tt)), h('td', {}, num(a - tt, true))));
  }
  const parts = [
    h('table', { class: 'bp-x-table' },
      h('thead', {}, h('tr', {}, h('th', { text: '' }), h('th', { text: 'output a' }), h('th', { text: 'target t' }), h('th', { text: 'error a − t' }))),
      h('tbody', {}, rows)),
    h('p', { class: 'bp-x-formula' }, sym(info.formula)),
    h('p', { class: 'bp-x-big' }, t.N > 1 ? `Loss over the ${t.N} examples ` : 'Loss ', sym('L = '), num(t.dataLoss, false, { class: 'bp-x-loss', dataset: { value: 'dataLoss' } })),
  ];
  if (t.penalty > 0) {
    parts.push(h('p', { class: 'bp-x-text' }, '+ regularization penalty ', num(t.penalty), ' = ', num(t.loss, false, { dataset: { value: 'loss' } })));
  }
  if (m.prevLoss !== null && m.prevLoss !== undefined && m.mode === 'point') {
    const better = t.loss < m.prevLoss;
    parts.push(h('p', { class: ['bp-x-text', better ? 'bp-x-good' : 'bp-x-bad'] },
      'Before the last update it was ', num(m.prevLoss), better ? ': the update made this example’s loss smaller.' : ': the update did not help this example.'));
  }
  return parts;
}

function backwardDetails(m) {
  const t = m.trace;
  const n = m.focus;
  const L = t.layers.length;
  const K = t.target.length / t.N;
  const out = t.layers[L - 1];
  const info = lossInfo(m.layout);
  const parts = [h('p', { class: 'bp-x-text' }, 'At the output, ', sym(info.delta), ' (', info.name, '):')];
  const rows = [];
  for (let k = 0; k < K; k++) {
    const a = out.a[n * K + k];
    const tt = t.target[n * K + k];
    const line = [sym(K > 1 ? `δ${subscript(k)}` : 'δ'), ' = '];
    if (info.fused) {
      line.push('(', num(a), ' − ', num(tt), ') / ', String(t.N), ' = ');
    } else {
      const s = activationSlope(m.layout.output.activation, out.z[n * K + k], a);
      line.push(pnum(s.value, true), ' × (', num(a), ' − ', num(tt), ') / ', String(t.N), ' = ');
    }
    line.push(num(out.delta[n * K + k], false, { class: 'bp-x-result' }));
    rows.push(h('li', {}, line));
  }
  parts.push(h('ul', { class: 'bp-x-list' }, rows));
  parts.push(h('p', { class: 'bp-x-hint', text: 'Then going back, one layer at a time: δ = f\'(z) · Σ w·δ of the layer after. Each link shows ∂L/∂w = δ of the neuron it feeds × a of the neuron it leaves. Click a link to see the whole chain for that weight.' }));
  return parts;
}

function updateDetails(m, onApply) {
  const t = m.trace;
  const opt = m.optimizer;
  const parts = [
    h('p', { class: 'bp-x-text' }, `Optimizer: ${OPTIMIZER_NAMES[opt.name] || opt.name}, learning rate `, sym('η = '), num(t.learningRate), opt.clipNorm > 0 ? `, gradient clipped to norm ${opt.clipNorm}` : '', '.'),
  ];
  if (opt.name === 'sgd' && !(opt.clipNorm > 0)) {
    parts.push(h('p', { class: 'bp-x-formula' }, sym('Δw = −η · ∂L/∂w'), ' for every weight (and bias).'));
  } else {
    parts.push(h('p', { class: 'bp-x-formula' }, sym('Δw'), ' comes from the optimizer, which also remembers earlier steps: it is not just −η · ∂L/∂w.'));
  }
  const sel = m.inspect && m.inspect.type === 'link' ? m.inspect : null;
  if (sel) {
    const layer = t.layers[sel.l];
    const H = layer.b.length;
    const k = sel.i * H + sel.j;
    const g = layer.dW[k];
    const dw = layer.WAfter[k] - layer.W[k];
    const line = [sym('Δw = '), num(dw, true, { class: 'bp-x-result' })];
    if (opt.name === 'sgd' && !(opt.clipNorm > 0)) line.push(' = −', num(t.learningRate), ' × ', pnum(g));
    parts.push(h('p', { class: 'bp-x-text' }, `For the selected weight (${m.linkName(sel.l, sel.i, sel.j)}): `, ...line,
      '; it goes from ', num(layer.W[k]), ' to ', num(layer.WAfter[k]), '.'));
  } else {
    parts.push(h('p', { class: 'bp-x-hint', text: 'Each link shows its Δw, each neuron its bias change Δb. Click a link to see its update worked out.' }));
  }
  // before / after boundary
  const figs = [boundaryFigure('Before', m.before, m)];
  if (m.after) {
    figs.push(boundaryFigure('After', m.after, m));
    figs.push(changeFigure(m));
  } else {
    figs.push(h('figure', { class: 'bp-x-fig bp-x-fig-empty' },
      h('div', { class: 'bp-x-fig-placeholder', text: m.committed ? 'drawing…' : 'Apply the update to see the boundary after it' }),
      h('figcaption', { text: 'After' })));
  }
  parts.push(h('div', { class: 'bp-x-figs' }, figs));
  if (!m.committed) {
    parts.push(h('div', { class: 'bp-x-actions' },
      h('button', { type: 'button', class: 'bp-btn bp-btn-primary bp-x-apply', text: 'Apply this update', disabled: !!m.busy, on: { click: () => onApply() } }),
      h('span', { class: 'bp-x-hint', text: 'one training step, exactly these Δw' })));
  } else {
    parts.push(h('p', { class: 'bp-x-text bp-x-good', text: 'Applied: the weights are now W + Δw. Next starts a new cycle.' }));
  }
  return parts;
}
