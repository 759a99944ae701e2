// main.js: the composition root. A Playground wires one engine (its own worker), the state and
// the views together: the views' callbacks become state patches (edits.js) and commands, the
// engine follows the state (engine-sync.js), frames are drawn by the loop (frame-loop.js). The
// input Jacobian (jacobian-overlay.js), files and links (import-export.js), the keys (keys.js)
// and the test hook (test-hook.js) are their own parts. Views never see the engine; the engine
// never sees the DOM. The full page (app.js) and the custom element (embed.js) both create
// Playgrounds; several can live on one page.

import { defaultState, cloneState, LIMITS } from './state.js';
import { BoundaryView } from './views/boundary.js';
import { NetworkView } from './views/network.js';
import { ChartsView, History } from './views/charts.js';
import { ControlsView } from './views/controls.js';
import { ExplainView } from './explain/explain-view.js';
import { Explainer } from './explain/explainer.js';
import { h, clear } from '../shared/dom.js';
import { showMessage } from '../shared/messages.js';
import { EngineSync } from './engine-sync.js';
import { FrameLoop } from './frame-loop.js';
import { ImportExport } from './import-export.js';
import { JacobianOverlay } from './jacobian-overlay.js';
import { networkEdits, editPoints, tooFewPoints, starterPoints } from './edits.js';
import { handleKey } from './keys.js';
import { makeTestHook } from './test-hook.js';

export class Playground {
  /**
   * @param {HTMLElement} host  element to build the playground in
   * @param {object} options
   *   state: initial state (default: defaults); notices: messages to show at start
   *   controls: 'full' | 'minimal' | 'none'; autoplay: boolean
   *   onStateChange(state): called after every change (the page writes the URL hash)
   *   shareBase: URL of the full page, for the share link (default: this document)
   *   keyTarget: element (or document) whose key presses drive the shortcuts
   *   embedded: inside an element (an engine that cannot start gets hosting advice)
   *   onError(message), onFatal(message), onFrame(frame): for the element (shared/embed-element.js)
   */
  constructor(host, options = {}) {
    this.host = host;
    // (an engine that failed before this page was made says so at once: the element hears it
    // once its page exists)
    let made = false;
    const { onFatal } = options;
    this.options = onFatal ? { ...options, onFatal: (m) => (made ? onFatal(m) : queueMicrotask(() => onFatal(m))) } : options;
    this.controlsMode = ['full', 'minimal', 'none'].includes(options.controls) ? options.controls : 'full';
    this.state = cloneState(options.state || defaultState());
    if (tooFewPoints(this.state)) this.state.customPoints = starterPoints(this.state.customTask);
    this.goodState = cloneState(this.state);   // the last state the engine accepted
    this.playing = false;
    this.ready = false;
    this.lastFrame = null;
    this.pendingFrame = null;
    this.points = { train: new Float64Array(0), test: new Float64Array(0) };
    this.hoverNode = null;
    this.history = new History();
    this.sync = new EngineSync(this);
    this.frames = new FrameLoop(this);
    this.files = new ImportExport(this);
    this.jacobian = new JacobianOverlay(this);

    this.messages = h('div', { class: 'bp-messages', 'aria-live': 'polite' });
    for (const n of options.notices || []) this.message('notice', n);
    // The engine starts before the views are built, so the worker makes the first frame while
    // they are (it answers nothing before they exist: this constructor runs to its end first).
    this.connecting = this.sync.connect();
    this.buildViews();
    this.controls.render(this.state);
    this.onKey = (ev) => handleKey(this, ev);
    (options.keyTarget || host).addEventListener('keydown', this.onKey);
    made = true;
  }

  // ---- building the page ---------------------------------------------------------------------

  buildViews() {
    const act = (name, arg) => this.action(name, arg);
    this.controls = new ControlsView({ change: (patch) => this.update(patch), action: act });
    this.boundary = new BoundaryView({
      onEdit: (edit) => editPoints(this, edit),
      onPick: (x, y, radius) => this.explainer.pick(x, y, radius),
      onHover: (x, y) => this.jacobian.hoverAt(x, y),
    });
    this.network = new NetworkView({
      ...networkEdits(this),
      hoverNode: (idx) => this.setHoverNode(idx),
      setWeight: (l, i, j, v) => this.setWeight(l, i, j, v),
      explainLink: (l, i, j) => this.explainer.inspectLink(l, i, j),
      explainNode: (idx) => this.explainer.inspectNode(idx),
    });
    this.explainer = new Explainer(this.explainerHooks());
    const x = this.explainer;
    this.explainView = new ExplainView({
      next: () => x.next(),
      prev: () => x.prev(),
      phase: (id) => x.goPhase(id),
      close: () => x.close(),
      usePoint: () => x.usePoint(),
      useBatch: () => x.useBatch(),
      focus: (n) => x.setFocus(n),
      apply: () => x.apply(),
      inspectLink: (l, i, j) => x.inspectLink(l, i, j),
      inspectNode: (idx) => x.inspectNode(idx),
      closeInspector: () => x.closeInspector(),
      gradCheck: () => x.runGradCheck(),
    });
    this.charts = new ChartsView();
    this.charts.onLogToggle((log) => this.update({ logScale: log }));

    const c = this.controls;
    const panel = (cls, title, ...children) => h('section', { class: ['bp-panel', cls], 'aria-label': title },
      h('h2', { class: 'bp-panel-title', text: title }), ...children);
    this.root = h('div', { class: 'bp-app', dataset: { controls: this.controlsMode } },
      h('header', { class: 'bp-top' }, c.runBar, c.hyper),
      this.messages,
      h('div', { class: 'bp-main' },
        panel('bp-panel-data', 'Data', c.data),
        panel('bp-panel-net', 'Network', this.explainView.bar, this.network.el),
        panel('bp-panel-out', 'Output', c.metrics, this.boundary.el, c.display, c.custom)),
      this.explainView.panel,
      panel('bp-panel-charts', 'Training', this.charts.el),
      h('footer', { class: 'bp-panel-files' }, c.files));
    this.host.append(this.root);
    this.visible = true;
    this.visibility = new IntersectionObserver((entries) => {
      for (const e of entries) this.visible = e.isIntersecting;
    });
    this.visibility.observe(this.root);
    this.network.el.classList.toggle('bp-readonly', this.controlsMode !== 'full');
  }

  /** Draws the engine's frames; resolves once the engine is loaded (and playing, if asked). */
  async start() {
    this.frames.start();
    await this.connecting;
  }

  /** Redraws the last frame (after a view-only change). */
  redraw() {
    if (this.lastFrame) this.frames.drawBoundary(this.lastFrame);
  }

  /** Explain mode opened or closed: the button, the plot's editing and the hover field follow. */
  onExplainToggle(on) {
    this.controls.setExplaining(on);
    this.root.classList.toggle('bp-explain-on', on);
    if (this.lastFrame) this.frames.drawBoundary(this.lastFrame);
  }

  /** What explain mode may touch: the engine's queue, the views' explain parts, the frame. */
  explainerHooks() {
    return {
      engine: () => this.engine,
      ready: () => this.ready,
      state: () => this.state,
      points: () => this.points,
      lastFrame: () => this.lastFrame,
      enqueue: (fn) => this.enqueue(fn),
      message: (kind, text, options) => this.message(kind, text, options),
      pause: () => this.pause(),
      showPanel: (on) => this.explainView.show(on),
      renderPanel: (model) => this.explainView.render(model),
      setDiagram: (explain) => this.network.setExplain(explain),
      setPickMode: (on) => this.boundary.setPickMode(on),
      setMarked: (points, focus) => this.boundary.setMarked(points, focus),
      setHint: (text) => this.boundary.setHint(text),
      toggled: (on) => this.onExplainToggle(on),
      redraw: () => this.redraw(),
    };
  }

  // ---- state changes (engine-sync.js) ----------------------------------------------------------

  /** Applies a patch to the state and tells the engine what it needs to know. */
  update(patch) { return this.sync.update(patch); }

  /** Runs engine updates one after another (a slow one never overtakes a later one). */
  enqueue(fn) { return this.sync.enqueue(fn); }

  /** Replaces the whole state (a new URL hash). */
  applyState(state, notices = []) { return this.sync.applyState(state, notices); }

  emitState() { this.sync.emitState(); }

  /** The link that reproduces this playground. */
  shareURL() { return this.files.shareURL(); }

  // ---- commands ---------------------------------------------------------------------------------

  action(name, arg) {
    switch (name) {
      case 'togglePlay': return this.playing ? this.pause() : this.play();
      case 'step': return this.step();
      case 'reset': return this.reset();
      case 'regenerate': return this.update({ dataSeed: (this.state.dataSeed + 1) % LIMITS.maxSeed });
      case 'clearPoints': return this.update({ customPoints: [] });
      case 'editTool': return this.redraw();
      case 'share': return this.files.share();
      case 'exportModel': return this.files.exportModel();
      case 'importModel': return this.files.importModel(arg);
      case 'exportCSV': return this.files.exportCSV();
      case 'exportPyTorch': return this.files.exportPyTorch();
      case 'exportPNG': return this.files.exportPNG();
      case 'lowerRate': return this.lowerRate();
      case 'explain': return this.explainer.toggle();
      case 'jacobian': return this.jacobian.set(arg);
      default: return undefined;
    }
  }

  play() {
    if (!this.ready) return;
    if (this.explainer.active) this.explainer.close();   // training moves on without explanations
    if (tooFewPoints(this.state)) {
      this.boundary.setHint('Add at least two points before training.');
      return;
    }
    this.clearDivergence();
    this.setPlaying(true);
    // Until the worker has the play request, a frame it sent before says "not playing": such a
    // frame must not pause the page again (frame-loop.js).
    this.playsInFlight = (this.playsInFlight || 0) + 1;
    const landed = () => { this.playsInFlight--; };
    this.enqueue(() => this.engine.play(this.state.speed)).then(landed, landed);
  }

  pause() {
    this.setPlaying(false);
    if (this.ready) this.enqueue(() => this.engine.pause());
  }

  step() {
    if (!this.ready) return;
    this.setPlaying(false);
    this.enqueue(() => this.engine.step(1));
    if (this.explainer.active) this.explainer.refresh();
  }

  reset() {
    if (!this.ready) return;
    this.clearDivergence();
    this.enqueue(async () => {
      await this.engine.reset();
      this.history.clear();
    });
    if (this.explainer.active) this.explainer.refresh();
  }

  setPlaying(p) {
    this.playing = p;
    this.controls.setPlaying(p);
  }

  setHoverNode(idx) {
    this.hoverNode = idx;
    if (!this.ready) return;
    this.engine.hover(idx === null ? null : idx).catch(() => {});
    if (idx === null) this.redraw();
  }

  setWeight(l, i, j, v) {
    this.enqueue(async () => {
      try {
        await this.engine.setWeight(l, i, j, v);
      } catch (e) {
        this.message('error', `The weight could not be set: ${e.message}`, { timeout: 8000 });
      }
    });
    if (this.explainer.active) this.explainer.refresh();
  }

  onDiverged(stats) {
    this.setPlaying(false);
    // The engine's message says what happened and what to try; add advice only if it does not.
    let text = stats.message || 'Training diverged: the loss or a weight became infinite or NaN.';
    if (!/try/i.test(text)) text += ' Training is paused and the last finite weights are restored. Try a smaller learning rate, a smaller regularization rate, or gradient clipping.';
    const box = this.message('error', text, {
      action: ['Use a 10× smaller learning rate', () => this.action('lowerRate')],
    });
    this.divergence = box;
  }

  clearDivergence() {
    if (this.divergence) {
      this.divergence.remove();
      this.divergence = null;
    }
  }

  lowerRate() {
    const lr = Math.max(1e-6, Number((this.state.learningRate / 10).toPrecision(3)));
    this.clearDivergence();
    this.update({ learningRate: lr });
  }
  // ---- messages and keys ---------------------------------------------------------------------------

  /**
   * Shows a message. kind: 'notice' | 'error'. Returns its element (call .remove() to drop it).
   * options: timeout (ms), action: [label, fn]
   */
  message(kind, text, options = {}) {
    if (kind === 'error' && this.options.onError) this.options.onError(text);   // the element's error event
    return showMessage(this.messages, kind, text, options, 6);
  }

  // ---- for tests and the embedding page ---------------------------------------------------------

  /** A small surface for tests and benchmarks (test-hook.js). */
  get testHook() {
    if (!this.hook) this.hook = makeTestHook(this);
    return this.hook;
  }

  destroy() {
    this.destroyed = true;
    this.frames.stop();
    this.visibility.disconnect();
    (this.options.keyTarget || this.host).removeEventListener('keydown', this.onKey);
    if (this.engine) this.engine.dispose();
    this.boundary.destroy();
    this.network.destroy();
    this.charts.destroy();
    clear(this.host);
  }
}
