// views/explain.js: explain mode's own widgets. Two parts:
//   bar    sits above the network diagram: the four phases, Prev / Next, and a short caption
//          saying in plain words what the step shows;
//   panel  below the diagram and the plot: which example is followed, the phase's numbers
//          (loss table, the update's before / after boundary), the inspector (a neuron's sum or
//          a weight's chain rule, written out with the numbers) and the gradient check.
// It is handed plain data (explain-model.js builds it from the core's numbers) and reports
// clicks through callbacks; it never sees the engine. Every number goes in as text.

import { h, clear } from '../../shared/dom.js';
import {
  PHASES, fmtNum, fmtSci, relErrorVerdict, lossInfo, activationSlope, layerName, subscript,
} from './explain-model.js';
import { fillHeatmap, divergingRGB, CLASS_CSS, MARKERS, MARKER_NAMES, labelClass } from '../../shared/colors.js';

const SUB = { i: 'ᵢ', j: 'ⱼ', k: 'ₖ', n: 'ₙ' };
const OPTIMIZER_NAMES = { sgd: 'SGD', momentum: 'Momentum', nesterov: 'Nesterov', rmsprop: 'RMSprop', adam: 'Adam' };
const ACT_NAMES = { tanh: 'tanh', sigmoid: 'sigmoid', relu: 'ReLU', leaky_relu: 'leaky ReLU', linear: 'identity', softmax: 'softmax' };

/** A number as a monospace span; derived numbers (worked out on the page) are marked. */
function num(v, derived = false, extra = {}) {
  return h('span', {
    class: ['bp-x-num', derived && 'bp-derived', extra.class],
    title: derived ? 'worked out on this page from the core\'s numbers shown beside it' : extra.title,
    dataset: extra.dataset,
    text: fmtNum(v),
  });
}

/** A number in parentheses when negative (so "a × b" stays readable). */
function pnum(v, derived = false) {
  return v < 0 ? h('span', { class: 'bp-x-paren' }, '(', num(v, derived), ')') : num(v, derived);
}

function sym(text) {
  return h('span', { class: 'bp-x-sym', text });
}

export class ExplainView {
  /**
   * @param {object} on  callbacks: next(), prev(), phase(id), close(), useBatch(), usePoint(),
   *   focus(n), apply(), inspectLink(l, i, j), inspectNode(idx), closeInspector(), gradCheck()
   */
  constructor(on) {
    this.on = on;
    this.buildBar();
    this.buildPanel();
  }

  // ---- the bar above the diagram ---------------------------------------------------------------

  buildBar() {
    this.phaseBtns = PHASES.map((p) => h('button', {
      type: 'button',
      class: 'bp-x-phase',
      dataset: { phase: p.id },
      title: `Go to phase ${p.number}: ${p.title} (key ${p.number})`,
      on: { click: () => this.on.phase(p.id) },
    }, h('span', { class: 'bp-x-phase-n', text: String(p.number) }), h('span', { class: 'bp-x-phase-t', text: p.title })));
    this.prevBtn = h('button', { type: 'button', class: 'bp-btn bp-x-prev', title: 'Previous step (← or p)', text: '← Prev', on: { click: () => this.on.prev() } });
    this.nextBtn = h('button', { type: 'button', class: 'bp-btn bp-btn-primary bp-x-next', title: 'Next step (→ or n)', text: 'Next →', on: { click: () => this.on.next() } });
    this.counter = h('span', { class: 'bp-x-counter', 'aria-live': 'off' });
    this.captionTitle = h('strong', { class: 'bp-x-caption-title' });
    this.captionText = h('span', { class: 'bp-x-caption-text' });
    this.closeBtn = h('button', { type: 'button', class: 'bp-msg-close bp-x-close', 'aria-label': 'Leave explain mode (Esc)', title: 'Leave explain mode (Esc)', text: '×', on: { click: () => this.on.close() } });
    this.bar = h('div', { class: 'bp-x-bar', hidden: true, role: 'region', 'aria-label': 'Explain one training step' },
      h('div', { class: 'bp-x-bar-row' },
        h('nav', { class: 'bp-x-phases', 'aria-label': 'Phases of one training step' }, this.phaseBtns),
        h('div', { class: 'bp-x-nav' }, this.prevBtn, this.counter, this.nextBtn),
        this.closeBtn),
      h('p', { class: 'bp-x-caption', 'aria-live': 'polite' }, this.captionTitle, ' ', this.captionText));
  }

  // ---- the panel below ----------------------------------------------------------------------------

  buildPanel() {
    this.exampleBox = h('div', { class: 'bp-x-example' });
    this.phaseBox = h('div', { class: 'bp-x-details' });
    this.inspector = h('div', { class: 'bp-x-inspector' });
    this.gradBox = h('div', { class: 'bp-x-gradcheck' });
    this.panel = h('section', { class: 'bp-panel bp-panel-explain', hidden: true, 'aria-label': 'Explain mode' },
      h('div', { class: 'bp-x-grid' },
        h('div', { class: 'bp-x-col bp-x-col-main' },
          h('h2', { class: 'bp-panel-title', text: 'This training step' }), this.exampleBox, this.phaseBox),
        h('div', { class: 'bp-x-col bp-x-col-inspect' },
          h('h2', { class: 'bp-panel-title', text: 'Worked out' }), this.inspector),
        h('div', { class: 'bp-x-col bp-x-col-check' },
          h('h2', { class: 'bp-panel-title', text: 'Gradient check' }), this.gradBox)));
    this.renderGradCheck(null);
  }

  show(on) {
    this.bar.hidden = !on;
    this.panel.hidden = !on;
  }

  /**
   * Renders everything for a model built by the controller:
   * { trace, steps, index, step, caption, committed, mode, focus, names, layout, optimizer,
   *   inspect, before, after, afterLoss, prevLoss, gradCheck, busy }
   */
  render(m) {
    this.model = m;
    const cur = m.step.phase;
    const curIdx = PHASES.findIndex((p) => p.id === cur);
    this.phaseBtns.forEach((b, k) => {
      const done = k < curIdx || (m.committed && k === curIdx);
      b.classList.toggle('bp-current', k === curIdx);
      b.classList.toggle('bp-done', done);
      if (k === curIdx) b.setAttribute('aria-current', 'step');
      else b.removeAttribute('aria-current');
    });
    this.prevBtn.disabled = m.index === 0 || m.busy;
    const last = m.index === m.steps.length - 1;
    this.nextBtn.disabled = !!m.busy;
    this.nextBtn.textContent = last ? (m.committed ? 'Next cycle →' : 'Apply update →') : 'Next →';
    this.counter.textContent = `${m.index + 1} / ${m.steps.length}`;
    this.counter.title = `step ${m.index + 1} of ${m.steps.length}`;
    this.captionTitle.textContent = /[.?!:]$/.test(m.caption.title) ? m.caption.title : `${m.caption.title}.`;
    this.captionText.textContent = m.caption.text;
    this.renderExample(m);
    this.renderPhase(m);
    this.renderInspector(m);
    this.renderGradCheck(m.gradCheck);
  }

  // ---- which example --------------------------------------------------------------------------------

  renderExample(m) {
    const box = this.exampleBox;
    clear(box);
    const t = m.trace;
    const classes = m.layout.classes;
    const chips = h('div', { class: 'bp-x-mode', role: 'radiogroup', 'aria-label': 'What to explain' },
      h('button', { type: 'button', role: 'radio', class: 'bp-chip', 'aria-checked': String(m.mode === 'point'), text: 'One example', title: 'Click a point in the plot to follow it', on: { click: () => this.on.usePoint() } }),
      h('button', { type: 'button', role: 'radio', class: 'bp-chip', 'aria-checked': String(m.mode === 'batch'), text: 'The next mini-batch', title: 'The examples the next training step will use', on: { click: () => this.on.useBatch() } }));
    box.append(chips);
    const n = m.focus;
    const x = t.points[2 * n];
    const y = t.points[2 * n + 1];
    const label = t.labels[n];
    const what = classes ? h('span', { class: 'bp-x-class' },
      h('span', { class: `bp-mk bp-mk-${MARKERS[labelClass(label, classes) % 3]} bp-c${labelClass(label, classes) % 3}`, 'aria-hidden': 'true' }),
      ` class ${labelClass(label, classes)} (${MARKER_NAMES[labelClass(label, classes) % 3]})`)
      : h('span', {}, ' target ', num(label));
    if (m.mode === 'point') {
      box.append(h('p', { class: 'bp-x-text' }, 'Following the point (', num(x), ', ', num(y), '),', what, '. ',
        h('span', { class: 'bp-x-hint', text: 'Click another point in the plot to follow it instead.' })));
    } else {
      const prev = h('button', { type: 'button', class: 'bp-icon-btn', 'aria-label': 'Previous example of the batch', text: '‹', disabled: n === 0, on: { click: () => this.on.focus(n - 1) } });
      const next = h('button', { type: 'button', class: 'bp-icon-btn', 'aria-label': 'Next example of the batch', text: '›', disabled: n >= t.N - 1, on: { click: () => this.on.focus(n + 1) } });
      box.append(
        h('p', { class: 'bp-x-text' }, `A mini-batch of ${t.N} examples: the one the next training step uses. The loss and the gradients on the links are for the whole batch; the neurons show example `,
          h('strong', { text: `${n + 1} of ${t.N}` }), ': (', num(x), ', ', num(y), '),', what, '.'),
        h('div', { class: 'bp-x-focus' }, prev, h('span', { class: 'bp-x-focus-label', text: `example ${n + 1} / ${t.N}` }), next));
    }
  }

  // ---- the phase's own numbers -------------------------------------------------------------------------

  renderPhase(m) {
    const box = this.phaseBox;
    clear(box);
    const phase = m.step.phase;
    if (phase === 'forward') box.append(...this.forwardDetails(m));
    else if (phase === 'loss') box.append(...this.lossDetails(m));
    else if (phase === 'backward') box.append(...this.backwardDetails(m));
    else box.append(...this.updateDetails(m));
  }

  forwardDetails(m) {
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

  lossDetails(m) {
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

  backwardDetails(m) {
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

  updateDetails(m) {
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
    const figs = [this.figure('Before', m.before, m)];
    if (m.after) {
      figs.push(this.figure('After', m.after, m));
      figs.push(this.changeFigure(m));
    } else {
      figs.push(h('figure', { class: 'bp-x-fig bp-x-fig-empty' },
        h('div', { class: 'bp-x-fig-placeholder', text: m.committed ? 'drawing…' : 'Apply the update to see the boundary after it' }),
        h('figcaption', { text: 'After' })));
    }
    parts.push(h('div', { class: 'bp-x-figs' }, figs));
    if (!m.committed) {
      parts.push(h('div', { class: 'bp-x-actions' },
        h('button', { type: 'button', class: 'bp-btn bp-btn-primary bp-x-apply', text: 'Apply this update', disabled: !!m.busy, on: { click: () => this.on.apply() } }),
        h('span', { class: 'bp-x-hint', text: 'one training step, exactly these Δw' })));
    } else {
      parts.push(h('p', { class: 'bp-x-text bp-x-good', text: 'Applied: the weights are now W + Δw. Next starts a new cycle.' }));
    }
    return parts;
  }

  /** A small copy of the decision boundary from a frame's grid output. */
  figure(title, grid, m) {
    const c = h('canvas', { class: 'bp-x-fig-canvas', width: 1, height: 1, 'aria-hidden': 'true' });
    if (grid) {
      c.width = grid.G;
      c.height = grid.G;
      const ctx = c.getContext('2d');
      const img = ctx.createImageData(grid.G, grid.G);
      fillHeatmap(grid.output, grid.K, grid.mode, false, img.data);
      ctx.putImageData(img, 0, 0);
      this.markExamples(ctx, grid.G, m);
    }
    return h('figure', { class: 'bp-x-fig' }, c, h('figcaption', { text: title }));
  }

  /** How the output moved: after − before, scaled to the largest change (blue: up, orange: down). */
  changeFigure(m) {
    const { before, after } = m;
    const G = after.G;
    const K = after.K;
    const c = h('canvas', { class: 'bp-x-fig-canvas', width: G, height: G, 'aria-hidden': 'true' });
    const fig = h('figure', { class: 'bp-x-fig' }, c);
    if (!before || before.G !== G || before.K !== K) {
      fig.append(h('figcaption', { text: 'Change' }));
      return fig;
    }
    // the output that matters: K = 1 its value; several classes the focused example's class
    const k = K > 1 ? Math.max(0, Math.min(K - 1, Math.round(m.trace.labels[m.focus]))) : 0;
    let max = 0;
    for (let p = 0; p < G * G; p++) max = Math.max(max, Math.abs(after.output[p * K + k] - before.output[p * K + k]));
    const ctx = c.getContext('2d');
    const img = ctx.createImageData(G, G);
    for (let p = 0; p < G * G; p++) {
      const d = max > 0 ? (after.output[p * K + k] - before.output[p * K + k]) / max : 0;
      const [r, g, b] = divergingRGB(d, 0.9);
      img.data.set([r, g, b, 255], p * 4);
    }
    ctx.putImageData(img, 0, 0);
    this.markExamples(ctx, G, m);
    const what = K > 1 ? `p(class ${k})` : 'the output';
    fig.append(h('figcaption', { title: `blue: ${what} went up; orange: it went down; white: no change. Scaled to the largest change, ${fmtNum(max)}.` },
      'Change of ', what, ' (largest ', num(max), ')'));
    return fig;
  }

  markExamples(ctx, G, m) {
    const t = m.trace;
    for (let n = 0; n < t.N; n++) {
      const px = ((t.points[2 * n] + 6) / 12) * G;
      const py = ((6 - t.points[2 * n + 1]) / 12) * G;
      ctx.beginPath();
      ctx.arc(px, py, n === m.focus ? G / 32 : G / 50, 0, 2 * Math.PI);
      ctx.lineWidth = G / 100;
      ctx.strokeStyle = '#1f2328';
      ctx.stroke();
    }
  }

  // ---- the inspector: a neuron's sum, a weight's chain rule -------------------------------------------

  renderInspector(m) {
    const box = this.inspector;
    clear(box);
    const ins = m.inspect;
    if (!ins) {
      box.append(h('p', { class: 'bp-x-hint', text: 'Click a link (a weight) for its chain rule: how ∂L/∂w is built from the loss back, with the numeric gradient beside it. Click a neuron for its sum. With the keyboard: Tab to the neurons, arrows to move, Enter to open.' }));
      return;
    }
    const close = h('button', { type: 'button', class: 'bp-msg-close bp-x-inspect-close', 'aria-label': 'Close', text: '×', on: { click: () => this.on.closeInspector() } });
    if (ins.type === 'message') {
      box.append(close, h('p', { class: 'bp-x-text', text: ins.text }));
      return;
    }
    if (ins.type === 'node') box.append(close, ...this.nodeDetails(m, ins.idx));
    else if (ins.type === 'link' && ins.path) box.append(close, ...this.chainDetails(m, ins.path));
    else box.append(close, h('p', { class: 'bp-x-hint', text: 'Working it out…' }));
  }

  nodeDetails(m, idx) {
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
    const inNames = l === 0 ? m.names.slice(0, F) : this.layerNames(m, l - 1);
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
        on: { click: () => this.on.inspectLink(l, i, j) },
      }), ' ∂L/∂w ', num(layer.dW[i * H + j])));
    }
    parts.push(h('p', { class: 'bp-x-text', text: 'Chain rule for a weight into this neuron:' }), h('ul', { class: 'bp-x-list bp-x-links' }, links));
    return parts;
  }

  layerNames(m, l) {
    const F = m.trace.inputs.length / m.trace.N;
    let start = F;
    for (let q = 0; q < l; q++) start += m.trace.layers[q].b.length;
    return m.names.slice(start, start + m.trace.layers[l].b.length);
  }

  chainDetails(m, c) {
    const t = m.trace;
    const L = t.layers.length;
    const F = t.inputs.length / t.N;
    const fromName = c.layer === 0 ? m.names[c.i] : this.layerNames(m, c.layer - 1)[c.i];
    const toName = this.layerNames(m, c.layer)[c.j];
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
      const names = this.layerNames(m, p.layer);
      steps.push(h('li', {}, `${layerName(p.layer, L)[0].toUpperCase()}${layerName(p.layer, L).slice(1)}: `, sym('δ = f\'(z) · Σ w δ'), ' →',
        h('div', { class: 'bp-x-eq bp-x-wrap' }, p.deltas.map((d, k) => h('span', { class: 'bp-x-pair' }, sym(`${names[k]} `), num(d))))));
    }
    const neuron = c.path.find((p) => p.kind === 'neuron');
    if (neuron) {
      const nextNames = this.layerNames(m, neuron.layer + 1);
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

  // ---- the gradient check ---------------------------------------------------------------------------------

  /** g: null (not run), 'running', { maxRelError, perLayer }, or { error }. */
  renderGradCheck(g) {
    const box = this.gradBox;
    clear(box);
    box.append(h('p', { class: 'bp-x-hint', text: 'Checks backprop against finite differences for every weight and bias, on the first mini-batch of the training data: the core nudges each one by ±h and compares the loss\'s slope with the gradient.' }));
    const L = this.model ? this.model.trace.layers.length : 0;
    const btn = h('button', { type: 'button', class: 'bp-btn bp-x-gc-run', text: g && g !== 'running' ? 'Run again' : 'Run gradient check', disabled: g === 'running', on: { click: () => this.on.gradCheck() } });
    box.append(btn);
    if (g === 'running') box.append(h('p', { class: 'bp-x-hint', text: 'Checking…' }));
    if (!g || g === 'running') return;
    if (g.error) {
      box.append(h('p', { class: 'bp-x-text bp-x-bad', text: g.error }));
      return;
    }
    const rows = g.perLayer.map((e, l) => {
      const v = relErrorVerdict(e);
      return h('tr', { class: `bp-x-${v.level}` },
        h('th', { scope: 'row', text: l === L - 1 || l === g.perLayer.length - 1 ? 'Output layer' : `Hidden layer ${l + 1}` }),
        h('td', { class: 'bp-x-gc-val', dataset: { layer: String(l) } }, fmtSci(e)),
        h('td', { class: 'bp-x-gc-mark', text: v.level === 'good' ? '✓ agree' : v.level === 'ok' ? '≈ close' : '✗ differ' }));
    });
    const worst = relErrorVerdict(g.maxRelError);
    box.append(
      h('table', { class: 'bp-x-table bp-x-gc-table' },
        h('thead', {}, h('tr', {}, h('th', { text: 'Layer' }), h('th', { text: 'Worst rel. error' }), h('th', { text: 'Verdict' }))),
        h('tbody', {}, rows)),
      h('p', { class: 'bp-x-hint', text: 'Per layer, the largest |analytic − numeric| / (|analytic| + |numeric|) over its weights and biases.' }),
      h('p', { class: ['bp-x-text', `bp-x-${worst.level}`] }, 'Worst of all: ', h('span', { class: 'bp-x-num', text: fmtSci(g.maxRelError) }),
        worst.level === 'good' ? ': backprop and finite differences agree.' : worst.level === 'ok' ? ': close; ReLU kinks or rounding explain small gaps.' : ': they disagree.'));
  }
}
