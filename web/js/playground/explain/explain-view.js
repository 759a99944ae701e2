// explain/explain-view.js: explain mode's own widgets. Two parts:
//   bar    sits above the network diagram: the four phases, Prev / Next, and a short caption
//          saying in plain words what the step shows;
//   panel  below the diagram and the plot: which example is followed, the phase's numbers
//          (loss table, the update's before / after boundary), the inspector (a neuron's sum or
//          a weight's chain rule, written out with the numbers) and the gradient check.
// It is handed plain data (explain-overlays.js builds it with explain-model.js from the core's
// numbers) and reports clicks through callbacks; it never sees the engine. Every number goes in
// as text.
//
// This file builds the bar and the panel, the example chooser and the gradient check; the
// phase's numbers are explain-phases.js (with explain-figures.js for the boundary before and
// after), the inspector is explain-inspector.js, and explain-spans.js writes their numbers.

import { h, clear } from '../../shared/dom.js';
import { PHASES, fmtSci, relErrorVerdict } from './explain-model.js';
import { MARKERS, MARKER_NAMES, labelClass } from '../../shared/colors.js';
import { num } from './explain-spans.js';
import { renderPhase } from './explain-phases.js';
import { renderInspector } from './explain-inspector.js';

export class ExplainView {
  /**
   * @param {object} on  callbacks: next(), prev(), phase(id), close(), useBatch(), usePoint(),
   *   focus(n), apply(), inspectLink(l, i, j), inspectNode(idx), closeInspector(), gradCheck()
   */
  constructor(on) {
    this.on = on;
    this.inspectorOn = {   // what the inspector may ask for
      inspectLink: (l, i, j) => this.on.inspectLink(l, i, j),
      closeInspector: () => this.on.closeInspector(),
    };
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

  // ---- the phase's own numbers (explain-phases.js) and the inspector (explain-inspector.js) --------

  renderPhase(m) {
    renderPhase(this.phaseBox, m, () => this.on.apply());
  }

  renderInspector(m) {
    renderInspector(this.inspector, m, this.inspectorOn);
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
