// explain/explain-inspector.js: the "Worked out" column of explain mode's panel. A neuron's sum
// z = Σ a w + b and its output a = f(z), with its δ and the links into it; or a weight's chain
// rule: ∂L/∂w as a sum over the examples, the core's numeric gradient beside it, and the path
// back from the loss to the δ of the neuron the weight feeds, every step with its numbers.

import { h, clear } from '../../shared/dom.js';
import { fmtNum, fmtSci, relErrorVerdict, layerName, subscript } from './explain-model.js';
import { num, pnum, sym } from './explain-spans.js';

const SUB = { i: 'ᵢ', j: 'ⱼ', k: 'ₖ', n: 'ₙ' };
const ACT_NAMES = { tanh: 'tanh', sigmoid: 'sigmoid', relu: 'ReLU', leaky_relu: 'leaky ReLU', linear: 'identity', softmax: 'softmax' };

/**
 * Fills box with what m.inspect asks for: nothing yet (a hint), a message, a neuron or a link.
 * on: inspectLink(l, i, j) (a link of the neuron shown), closeInspector()
 */
export function renderInspector(box, m, on) {
  clear(box);
  const ins = m.inspect;
  if (!ins) {
    box.append(h('p', { class: 'bp-x-hint', text: 'Click a link (a weight) for its chain rule: how ∂L/∂w is built from the loss back, with the numeric gradient beside it. Click a neuron for its sum. With the keyboard: Tab to the neurons, arrows to move, Enter to open.' }));
    return;
  }
  const close = h('button', { type: 'button', class: 'bp-msg-close bp-x-inspect-close', 'aria-label': 'Close', text: '×', on: { click: () => on.closeInspector() } });
  if (ins.type === 'message') {
    box.append(close, h('p', { class: 'bp-x-text', text: ins.text }));
    return;
  }
  if (ins.type === 'node') box.append(close, ...nodeDetails(m, ins.idx, on.inspectLink));
  else if (ins.type === 'link' && ins.path) box.append(close, ...chainDetails(m, ins.path));
  else box.append(close, h('p', { class: 'bp-x-hint', text: 'Working it out…' }));
}

function nodeDetails(m, idx, inspectLink) {
  const t = m.trace;
  const F = t.inputs.length / t.N;
  const n = m.focus;
  const name = m.names[idx];
  if (idx < F) {
    return [h('h3', { class: 'bp-x-h', text: `Input ${name}` }),
      h('p', { class: 'bp-x-text' }, `The feature ${name} of this example is `, num(t.inputs[n * F + idx]), '. Inputs have no weights of their own; the links leaving them do.')];
  }
  let l = 0;
  let j = idx - F;
  while (j >= t.layers[l].b.length) { j -= t.layers[l].b.length; l++; }
  const L = t.layers.length;
  const layer = t.layers[l];
  const H = layer.b.length;
  const fan = layer.W.length / H;
  const inNames = l === 0 ? m.names.slice(0, F) : layerNames(m, l - 1);
  const inVals = l === 0 ? Array.from({ length: F }, (_, i) => t.inputs[n * F + i]) : Array.from({ length: fan }, (_, i) => t.layers[l - 1].a[n * fan + i]);
  const act = l === L - 1 ? m.layout.output.activation : m.layout.hidden[l].activation;
  const parts = [h('h3', { class: 'bp-x-h', text: `${name}: ${layerName(l, L)}, neuron ${j + 1}` })];
  // forward: z = Σ a w + b
  const terms = [];
  for (let i = 0; i < fan; i++) {
    if (i) terms.push(' + ');
    terms.push(pnum(inVals[i]), ' × ', pnum(layer.W[i * H + j]));
  }
  parts.push(
    h('p', { class: 'bp-x-formula' }, sym(`z = Σ${SUB.i} a${SUB.i} w${SUB.i}${SUB.j} + b`)),
    h('p', { class: 'bp-x-eq' }, sym('z = '), ...terms, ' + ', pnum(layer.b[j]), ' = ', num(layer.z[n * H + j], false, { class: 'bp-x-result' })),
    h('p', { class: 'bp-x-eq' }, sym(`a = ${ACT_NAMES[act] || act}(z) = `), num(layer.a[n * H + j], false, { class: 'bp-x-result' })),
    h('p', { class: 'bp-x-hint', text: `inputs a${SUB.i}: ${inNames.join(', ')}` }));
  // backward: δ
  parts.push(h('p', { class: 'bp-x-eq' }, sym('δ = ∂L/∂z = '), num(layer.delta[n * H + j], false, { class: 'bp-x-result' }),
    sym(`   Δb = `), num(layer.bAfter[j] - layer.b[j], true)));
  const links = [];
  for (let i = 0; i < fan; i++) {
    links.push(h('li', {}, h('button', {
      type: 'button', class: 'bp-link-btn',
      text: `${inNames[i]} → ${name}`,
      title: 'The chain rule for this weight',
      on: { click: () => inspectLink(l, i, j) },
    }), ' ∂L/∂w ', num(layer.dW[i * H + j])));
  }
  parts.push(h('p', { class: 'bp-x-text', text: 'Chain rule for a weight into this neuron:' }), h('ul', { class: 'bp-x-list bp-x-links' }, links));
  return parts;
}

/** The names of weight layer l's neurons (m.names is every node's, in engine order). */
function layerNames(m, l) {
  const F = m.trace.inputs.length / m.trace.N;
  let start = F;
  for (let q = 0; q < l; q++) start += m.trace.layers[q].b.length;
  return m.names.slice(start, start + m.trace.layers[l].b.length);
}

function chainDetails(m, c) {
  const t = m.trace;
  const L = t.layers.length;
  const F = t.inputs.length / t.N;
  const fromName = c.layer === 0 ? m.names[c.i] : layerNames(m, c.layer - 1)[c.i];
  const toName = layerNames(m, c.layer)[c.j];
  const parts = [h('h3', { class: 'bp-x-h' }, 'Chain rule for the weight ', h('span', { class: 'bp-x-wname', text: `${fromName} → ${toName}` }), ' (w = ', num(c.w), ')')];

  // 1. the gradient as a sum over the examples
  const terms = [];
  const SHOW = 8;
  c.terms.slice(0, SHOW).forEach((tm, k) => {
    if (k) terms.push(' + ');
    terms.push(pnum(tm.delta), ' × ', pnum(tm.a));
  });
  if (c.terms.length > SHOW) terms.push(` + … (${c.terms.length - SHOW} more)`);
  const sumLine = h('div', { class: 'bp-x-chain-sum' },
    h('p', { class: 'bp-x-formula' }, sym(`∂L/∂w = Σ${SUB.n} δ${SUB.j} · a${SUB.i}`),
      h('span', { class: 'bp-x-hint', text: t.N > 1 ? `   summed over the ${t.N} examples` : '' })),
    h('p', { class: 'bp-x-hint', text: `δ${SUB.j}: the δ of ${toName}, the neuron the weight feeds;  a${SUB.i}: the output of ${fromName}, where it starts.` }),
    h('p', { class: 'bp-x-eq' }, sym('= '), ...terms, ' = ', num(c.dataGradient, false, { class: 'bp-x-result', dataset: { value: 'dataGradient' } })));
  if (c.penaltyGradient !== 0) {
    sumLine.append(h('p', { class: 'bp-x-eq' }, sym('+ penalty '), num(c.penaltyGradient), ' = ', num(c.analytic, false, { class: 'bp-x-result' })));
  }
  const verdict = relErrorVerdict(c.relError);
  const compare = h('div', { class: 'bp-x-compare' },
    h('div', { class: 'bp-x-compare-item' }, h('span', { class: 'bp-x-compare-label', text: 'backprop (analytic)' }), num(c.analytic, false, { dataset: { value: 'analytic' } })),
    h('div', { class: 'bp-x-compare-item' }, h('span', { class: 'bp-x-compare-label', text: 'finite differences (numeric)' }), num(c.numeric, false, { dataset: { value: 'numeric' } })),
    h('div', { class: ['bp-x-compare-item', `bp-x-${verdict.level}`] }, h('span', { class: 'bp-x-compare-label', text: 'relative error' }),
      h('span', { class: 'bp-x-num', dataset: { value: 'relError' }, text: fmtSci(c.relError) }), h('span', { class: 'bp-x-verdict', text: verdict.level === 'good' ? '✓ agree' : verdict.text })));
  parts.push(sumLine, compare,
    h('p', { class: 'bp-x-hint', text: 'The numeric gradient is the core\'s own: it nudges this one weight by ±h, runs the network again and measures (L(w+h) − L(w−h)) / 2h.' }));

  // 2. the path back from the loss to δ_j, for the focused example
  const steps = [];
  const loss = c.path.find((p) => p.kind === 'loss');
  steps.push(h('li', {}, 'Loss ', sym('L = '), num(loss.loss)));
  const out = c.path.find((p) => p.kind === 'output');
  const outLines = out.outputs.filter((o) => o.onPath).map((o) => {
    const s = out.slope ? out.slope[o.k] : null;
    const label = out.outputs.length > 1 ? `δ${subscript(o.k)}` : 'δ';
    return h('div', { class: 'bp-x-eq' }, sym(`${label} = `), s ? [pnum(s.value, true), ' × '] : '', '(', num(o.a), ' − ', num(o.t), ') / ', String(out.N), ' = ', num(o.delta, false, { class: 'bp-x-result' }));
  });
  steps.push(h('li', {}, `The output (${out.loss.name}): `, sym(out.loss.delta), ...outLines));
  for (const p of c.path.filter((q) => q.kind === 'layer')) {
    const names = layerNames(m, p.layer);
    steps.push(h('li', {}, `${layerName(p.layer, L)[0].toUpperCase()}${layerName(p.layer, L).slice(1)}: `, sym('δ = f\'(z) · Σ w δ'), ' →',
      h('div', { class: 'bp-x-eq bp-x-wrap' }, p.deltas.map((d, k) => h('span', { class: 'bp-x-pair' }, sym(`${names[k]} `), num(d))))));
  }
  const neuron = c.path.find((p) => p.kind === 'neuron');
  if (neuron) {
    const nextNames = layerNames(m, neuron.layer + 1);
    const sumTerms = [];
    neuron.terms.forEach((tm, k) => {
      if (k) sumTerms.push(' + ');
      sumTerms.push(pnum(tm.w), ' × ', pnum(tm.delta));
    });
    steps.push(h('li', {}, h('span', { text: `${toName}, the neuron this weight feeds: ` }), sym(`δ${SUB.j} = f'(z${SUB.j}) · Σ${SUB.k} w${SUB.j}${SUB.k} δ${SUB.k}`),
      h('div', { class: 'bp-x-eq' }, sym(`f'(z${SUB.j}) = ${neuron.slope.formula ? `${neuron.slope.formula} = ` : ''}`), num(neuron.slope.value, true),
        h('span', { class: 'bp-x-hint', text: neuron.slope.formula
          ? `   (${ACT_NAMES[neuron.activation] || neuron.activation}, a = ${fmtNum(neuron.a)})`
          : `   (${ACT_NAMES[neuron.activation] || neuron.activation}: its slope where ${neuron.slope.note}; z = ${fmtNum(neuron.z)})` })),
      h('div', { class: 'bp-x-eq' }, sym(`Σ${SUB.k} w${SUB.j}${SUB.k} δ${SUB.k} = `), ...sumTerms, ' = ', num(neuron.sum.value, true),
        h('span', { class: 'bp-x-hint', text: `   (k: ${nextNames.join(', ')}, the neurons ${toName} feeds)` })),
      h('div', { class: 'bp-x-eq' }, sym(`δ${SUB.j} = `), num(neuron.slope.value, true), ' × ', pnum(neuron.sum.value, true), ' = ', num(neuron.delta, false, { class: 'bp-x-result', dataset: { value: 'deltaJ' } }))));
  }
  const aI = c.terms[m.focus] ? c.terms[m.focus].a : NaN;
  steps.push(h('li', {}, `And a${SUB.i} = `, num(aI), ` is what ${fromName} sent forward, so this example adds δ${SUB.j} · a${SUB.i} = `,
    pnum(c.terms[m.focus] ? c.terms[m.focus].delta : NaN), ' × ', pnum(aI), ' to ∂L/∂w.'));
  parts.push(h('h4', { class: 'bp-x-h4', text: t.N > 1 ? `Where δ${SUB.j} comes from (example ${m.focus + 1}): the path back from the loss` : `Where δ${SUB.j} comes from: the path back from the loss` }),
    h('ol', { class: 'bp-x-path' }, steps));
  if (L > 0 && F > 0) parts.push(h('p', { class: 'bp-x-hint', text: 'Dotted numbers are worked out on this page from the core\'s numbers beside them; every other number is the core\'s own.' }));
  return parts;
}
