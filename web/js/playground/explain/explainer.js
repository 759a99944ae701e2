// explainer.js: explain mode's controller. It asks the engine (through the page's queue,
// so its requests never overtake other changes) for one training step's trace, keeps which step
// of the cycle is shown, which example is followed and what the inspector shows, and hands each
// view its part: the network diagram its notes and link values, the plot its marked examples,
// the explain view its panels. All numbers are the core's (explain-model.js says which few are
// derived on the page, and why).

import {
  cycleSteps, phaseStart, nodeNotes, linkValues, labelledLayers, stepCaption, chainRulePath,
  nearestPoint,
} from './explain-model.js';
import { outputMode } from '../../shared/colors.js';
import { FEATURES } from '../state.js';

export class Explainer {
  /**
   * @param {object} hooks  what explain mode may use of the page, nothing more:
   *   engine(), ready(), state(), points(), lastFrame(): the page's engine and what it shows;
   *   enqueue(fn): the page's engine queue; message(kind, text, options); pause();
   *   showPanel(on), renderPanel(model): the explain view; setDiagram(explain): the network
   *   diagram's overlay; setPickMode(on), setMarked(points, focus), setHint(text): the plot;
   *   toggled(on): explain mode opened or closed; redraw(): the plot's last frame again
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.active = false;
    this.mode = 'point';       // 'point': one example the learner picked; 'batch': the next mini-batch
    this.selection = null;     // { xy: [x, y], label } in point mode
    this.trace = null;
    this.steps = [];
    this.index = 0;
    this.focus = 0;            // which example of the trace the neurons show
    this.committed = false;    // the trace's update has been applied
    this.inspect = null;       // { type: 'link', l, i, j, chain, path } | { type: 'node', idx } | { type: 'message', text }
    this.gradCheck = null;
    this.before = null;        // decision boundary grids around an applied update
    this.after = null;
    this.prevLoss = null;      // the followed example's loss before the last applied update
    this.busy = false;
    this.token = 0;            // the newest request wins
  }

  get engine() { return this.hooks.engine(); }
  get step() { return this.steps[this.index]; }

  // ---- opening and closing --------------------------------------------------------------------

  async open() {
    if (this.active || !this.hooks.ready()) return;
    this.active = true;
    this.hooks.pause();
    this.hooks.showPanel(true);
    this.hooks.setPickMode(true);
    this.hooks.toggled(true);
    if (this.mode === 'batch') await this.useBatch();
    else if (this.selection) await this.explainSelection();
    else await this.useFirstOfBatch();
  }

  close() {
    if (!this.active) return;
    this.active = false;
    this.token++;
    this.trace = null;
    this.inspect = null;
    this.before = null;
    this.after = null;
    this.hooks.setDiagram(null);
    this.hooks.setPickMode(false);
    this.hooks.setMarked(null);
    this.hooks.showPanel(false);
    this.hooks.toggled(false);
    this.hooks.redraw();
  }

  toggle() {
    return this.active ? this.close() : this.open();
  }

  // ---- what to explain ---------------------------------------------------------------------------

  /** Point mode, starting from the first example of the next mini-batch. */
  async useFirstOfBatch() {
    const batch = await this.request(() => this.engine.explainBatch());
    if (!batch) return;
    this.mode = 'point';
    this.selection = { xy: [batch.points[0], batch.points[1]], label: batch.labels[0] };
    await this.explainSelection();
  }

  async usePoint() {
    if (this.mode === 'point' && this.selection) return;
    this.mode = 'point';
    if (this.selection) await this.explainSelection();
    else await this.useFirstOfBatch();
  }

  async useBatch() {
    this.mode = 'batch';
    const trace = await this.request(() => this.engine.explainBatch());
    if (trace) this.load(trace);
  }

  /** A click on the plot: follow the data point nearest to it. */
  async pick(x, y, radius) {
    if (!this.active) return;
    const pts = this.hooks.points();
    const found = nearestPoint({ train: pts.train, test: this.hooks.state().showTest ? pts.test : null }, x, y, radius);
    if (!found) {
      this.hooks.setHint('Click on a data point to follow it through the network.');
      clearTimeout(this.hintTimer);
      this.hintTimer = setTimeout(() => this.hooks.setHint(''), 2500);
      return;
    }
    this.mode = 'point';
    this.selection = { xy: [found.x, found.y], label: found.label };
    await this.explainSelection();
  }

  async explainSelection() {
    const { xy, label } = this.selection;
    const trace = await this.request(() => this.engine.explain(xy, [label]));
    if (trace) this.load(trace);
  }

  /**
   * The network, its data or its weights changed (a step, a reset, a new setting): explain the
   * same example (or the new next batch) again, from the start of the cycle.
   */
  async refresh() {
    if (!this.active) return;
    this.prevLoss = null;
    this.gradCheck = null;
    if (this.mode === 'batch') {
      await this.useBatch();
      return;
    }
    const trace = this.selection ? await this.request(() => this.engine.explain(this.selection.xy, [this.selection.label]), true) : null;
    if (trace) this.load(trace);
    else await this.useFirstOfBatch();   // the point no longer fits the problem (labels changed)
  }

  /** Runs an engine request in the page's queue; null (with a message) if it failed or was overtaken. */
  async request(fn, quiet = false) {
    const token = ++this.token;
    this.busy = true;
    if (this.trace) this.render();
    let result = null;
    await this.hooks.enqueue(async () => {
      if (token !== this.token || !this.active) return;
      try {
        result = await fn();
      } catch (e) {
        if (!quiet) this.hooks.message('error', `Explain mode: ${e.message}`, { timeout: 8000 });
      }
    });
    if (token !== this.token) return null;
    this.busy = false;
    if (!this.active) return null;
    return result;
  }

  load(trace) {
    const keepLink = this.inspect && this.inspect.type === 'link' ? this.inspect : null;
    const keepNode = this.inspect && this.inspect.type === 'node' ? this.inspect : null;
    this.trace = trace;
    this.steps = cycleSteps(trace.layers.length);
    this.index = 0;
    this.focus = Math.min(this.focus, trace.N - 1);
    if (this.mode === 'point') this.focus = 0;
    this.committed = false;
    this.after = null;
    this.before = this.gridNow();
    this.inspect = null;
    this.render();
    // keep the inspector on the same weight or neuron when it still exists
    if (keepLink && keepLink.l < trace.layers.length) {
      const layer = trace.layers[keepLink.l];
      if (keepLink.i < layer.W.length / layer.b.length && keepLink.j < layer.b.length) this.inspectLink(keepLink.l, keepLink.i, keepLink.j);
    } else if (keepNode && keepNode.idx < this.nodeCount()) {
      this.inspectNode(keepNode.idx);
    }
  }

  nodeCount() {
    const t = this.trace;
    return t.inputs.length / t.N + t.layers.reduce((s, l) => s + l.b.length, 0);
  }

  /** The decision boundary on screen now: { output, G, K, mode } (a copy). */
  gridNow() {
    const f = this.hooks.lastFrame();
    if (!f) return null;
    return { output: f.output.slice(), G: f.grid, K: f.layout.outputs || 1, mode: outputMode(f.layout.output, f.layout.classes), step: f.stats.step };
  }

  // ---- moving through the cycle ------------------------------------------------------------------

  next() {
    if (!this.trace || this.busy) return undefined;
    if (this.index < this.steps.length - 1) {
      this.index++;
      this.render();
      return undefined;
    }
    return this.committed ? this.newCycle() : this.apply();
  }

  prev() {
    if (!this.trace || this.busy || this.index === 0) return;
    this.index--;
    this.render();
  }

  goPhase(id) {
    if (!this.trace || this.busy) return;
    this.index = phaseStart(this.steps, id);
    this.render();
  }

  setFocus(n) {
    if (!this.trace) return;
    this.focus = Math.max(0, Math.min(this.trace.N - 1, n));
    if (this.inspect && this.inspect.type === 'link' && this.inspect.chain) {
      this.inspect = { ...this.inspect, path: chainRulePath(this.trace, this.layout(), this.inspect.chain, this.focus) };
    }
    this.render();
  }

  /** Applies the explained update (exactly the Δw shown) as one training step. */
  async apply() {
    if (!this.trace || this.committed) return;
    this.index = this.steps.length - 1;
    this.before = this.gridNow() || this.before;
    const expected = this.trace.step + 1;
    const stats = await this.request(() => this.engine.commitExplained());
    if (!stats) return;
    this.committed = true;
    this.prevLoss = this.trace.loss;
    this.waitAfter = expected;
    if (this.inspect && this.inspect.type === 'link') this.inspect = { ...this.inspect };
    this.render();
    const f = this.hooks.lastFrame();
    if (f && f.stats.step >= expected) this.onFrame(f);
  }

  /** After an update: the next cycle, on the same example or the next mini-batch. */
  async newCycle() {
    const prevLoss = this.prevLoss;
    if (this.mode === 'batch') await this.useBatch();
    else await this.explainSelection();
    this.prevLoss = this.mode === 'point' ? prevLoss : null;
    this.render();
  }

  /** Every drawn frame: catches the first one after an applied update. */
  onFrame(frame) {
    if (!this.active) return;
    if (this.waitAfter && frame.stats.step >= this.waitAfter) {
      this.waitAfter = 0;
      this.after = this.gridNow();
      this.render();
    }
  }

  // ---- the inspector -------------------------------------------------------------------------------

  async inspectLink(l, i, j) {
    if (!this.trace || !this.fits(this.trace, this.layout())) return;
    if (this.committed) {
      this.inspect = { type: 'message', text: 'This update has been applied, so these numbers are history now. Press Next to start a new cycle, then click the link again.' };
      this.render();
      return;
    }
    this.inspect = { type: 'link', l, i, j, chain: null, path: null };
    this.render();
    const trace = this.trace;
    let chain = null;
    await this.hooks.enqueue(async () => {
      try {
        if (this.trace === trace) chain = await this.engine.chainRule(l, i, j);
      } catch (e) {
        this.hooks.message('error', `Chain rule: ${e.message}`, { timeout: 8000 });
      }
    });
    if (!chain || this.trace !== trace || !this.inspect || this.inspect.l !== l || this.inspect.i !== i || this.inspect.j !== j) return;
    this.inspect = { type: 'link', l, i, j, chain, path: chainRulePath(trace, this.layout(), chain, this.focus) };
    this.render();
  }

  inspectNode(idx) {
    if (!this.trace) return;
    this.inspect = { type: 'node', idx };
    this.render();
  }

  closeInspector() {
    this.inspect = null;
    this.render();
  }

  async runGradCheck() {
    this.gradCheck = 'running';
    this.render();
    let result = null;
    await this.hooks.enqueue(async () => {
      try {
        result = await this.engine.gradCheck();
      } catch (e) {
        result = { error: e.message };
      }
    });
    this.gradCheck = result;
    if (this.trace) this.render();
  }

  // ---- drawing -------------------------------------------------------------------------------------

  layout() {
    return this.hooks.lastFrame().layout;
  }

  /** Short names of every node, in engine order: features (X₁ ...), h1.1 ..., output. */
  nodeNames() {
    const layout = this.layout();
    const names = layout.features.map((f) => (FEATURES.find((x) => x.name === f) || { label: f }).label);
    layout.hidden.forEach((l, q) => { for (let j = 0; j < l.size; j++) names.push(`h${q + 1}.${j + 1}`); });
    for (let k = 0; k < layout.output.size; k++) names.push(layout.output.size > 1 ? `out${k}` : 'out');
    return names;
  }

  /** Whether the trace was made by the network now on screen (a new one is on its way if not). */
  fits(t, layout) {
    const sizes = [...layout.hidden.map((l) => l.size), layout.output.size];
    return t.layers.length === sizes.length && t.layers.every((l, q) => l.b.length === sizes[q])
      && t.inputs.length === t.N * layout.features.length;
  }

  render() {
    if (!this.active || !this.trace) return;
    const t = this.trace;
    const step = this.step;
    const layout = this.layout();
    const L = t.layers.length;
    if (!this.fits(t, layout)) {
      this.hooks.setDiagram({ notes: [], links: [], labels: [], selectedLink: null, selectedNode: null, stale: true });
      return;
    }
    const sel = this.inspect && this.inspect.type === 'link' ? { l: this.inspect.l, i: this.inspect.i, j: this.inspect.j } : null;
    this.hooks.setDiagram({
      notes: nodeNotes(t, step, this.focus),
      links: linkValues(t, step),
      labels: labelledLayers(step, L),
      selectedLink: sel,
      selectedNode: this.inspect && this.inspect.type === 'node' ? this.inspect.idx : null,
    });
    this.hooks.setMarked(t.points, this.focus);
    const names = this.nodeNames();
    const F = layout.features.length;
    const state = this.hooks.state();
    this.hooks.renderPanel({
      trace: t,
      steps: this.steps,
      index: this.index,
      step,
      caption: stepCaption(step, { L, N: t.N, optimizer: state.optimizer, committed: this.committed, loss: t.dataLoss }),
      committed: this.committed,
      mode: this.mode,
      focus: this.focus,
      names,
      layout,
      optimizer: { name: state.optimizer, clipNorm: state.clipNorm },
      inspect: this.inspect,
      before: this.before,
      after: this.after,
      prevLoss: this.prevLoss,
      gradCheck: this.gradCheck,
      busy: this.busy,
      linkName: (l, i, j) => {
        let start = F;
        for (let q = 0; q < l; q++) start += t.layers[q].b.length;
        const from = l === 0 ? names[i] : names[start - t.layers[l - 1].b.length + i];
        return `${from} → ${names[start + j]}`;
      },
    });
  }

  /** What the page shows, for tests: the trace, the step, the inspector, the gradient check. */
  snapshot() {
    return {
      active: this.active,
      mode: this.mode,
      selection: this.selection,
      trace: this.trace,
      index: this.index,
      steps: this.steps,
      step: this.step || null,
      focus: this.focus,
      committed: this.committed,
      busy: this.busy,
      inspect: this.inspect,
      gradCheck: this.gradCheck,
      hasAfter: !!this.after,
      prevLoss: this.prevLoss,
    };
  }
}
