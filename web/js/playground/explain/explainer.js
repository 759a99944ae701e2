// explain/explainer.js: explain mode's controller. It asks the engine (through the page's queue,
// so its requests never overtake other changes) for one training step's trace, keeps which step
// of the cycle is shown (explain-cycle.js moves through it), which example is followed and what
// the inspector shows, and hands each view its part through explain-overlays.js: the network
// diagram its notes and link values, the plot its marked examples, the explain view its panels.
// All numbers are the core's (explain-model.js says which few are derived on the page, and why).

import { cycleSteps, chainRulePath } from './explain-model.js';
import { outputMode } from '../../shared/colors.js';
import { ExplainOverlays, traceFits } from './explain-overlays.js';
import * as cycle from './explain-cycle.js';

export class Explainer {
  /**
   * @param {object} hooks  what explain mode may use of the page, nothing more:
   *   engine(), ready(), state(), points(), lastFrame(): the page's engine and what it shows;
   *   enqueue(fn): the page's engine queue; message(kind, text, options); pause();
   *   showPanel(on), renderPanel(model): the explain view; setDiagram(explain): the network
   *   diagram's overlay; setPickMode(on), setMarked(points, focus), setHint(text): the plot;
   *   toggled(on): explain mode opened or closed; redraw(): the plot's last frame again
   *   (the views' hooks, from showPanel on, are for explain-overlays.js)
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.overlays = new ExplainOverlays(hooks);
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
    this.overlays.open();
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
    this.overlays.close();
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
    const found = this.overlays.pointNear(x, y, radius);
    if (!found) return;
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

  // ---- moving through the cycle (explain-cycle.js) -------------------------------------------------

  next() { return cycle.next(this); }
  prev() { cycle.prev(this); }
  goPhase(id) { cycle.goPhase(this, id); }
  /** Follows example n of the trace (batch mode): the neurons and the chain rule show its numbers. */
  setFocus(n) { cycle.setFocus(this, n); }
  /** Applies the explained update (exactly the Δw shown) as one training step. */
  apply() { return cycle.apply(this); }
  /** After an update: the next cycle, on the same example or the next mini-batch. */
  newCycle() { return cycle.newCycle(this); }
  /** Every drawn frame: catches the first one after an applied update. */
  onFrame(frame) { cycle.onFrame(this, frame); }

  // ---- the inspector -------------------------------------------------------------------------------

  async inspectLink(l, i, j) {
    if (!this.trace || !traceFits(this.trace, this.layout())) return;
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

  // ---- drawing (explain-overlays.js) ---------------------------------------------------------------

  layout() {
    return this.hooks.lastFrame().layout;
  }

  render() {
    if (!this.active || !this.trace) return;
    this.overlays.show(this, this.layout());
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
