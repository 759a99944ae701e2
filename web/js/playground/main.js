// main.js: the composition root. A Playground wires one engine (its own worker), the state and
// the views together, and owns the animation loop: the worker streams frames, and each
// requestAnimationFrame draws the latest one and acks it. Views never see the engine; the
// engine never sees the DOM. The full page (app.js) and the custom element (embed.js) both
// create Playgrounds; several can live on one page.

import { Engine } from './engine.js';
import {
  defaultState, cloneState, problemOf, toEngineConfig, trainingConfig, diffStates, fitActivations,
  serializeState, sanitizePoints, roundPoint, canonicalFeatures, LIMITS, DATASETS,
} from './state.js';
import { outputMode, labelClass } from '../shared/colors.js';
import { BoundaryView } from './views/boundary.js';
import { NetworkView } from './views/network.js';
import { ChartsView, History } from './views/charts.js';
import { ControlsView } from './views/controls.js';
import { ExplainView } from './explain/explain-view.js';
import { Explainer } from './explain/explainer.js';
import { jacobianArrows } from './explain/explain-model.js';
import {
  historyToCSV, pytorchScript, inspectModelFile, fileName, SAMPLE_POINTS, MAX_MODEL_BYTES,
} from './export.js';
import { h, download, clear } from '../shared/dom.js';
import { showMessage } from '../shared/messages.js';

const GRID = 200;            // decision boundary: GRID x GRID evaluated points
const THUMB = 40;            // node thumbnails: THUMB x THUMB
const CHART_EVERY_MS = 100;  // charts redraw at most this often while training
const JACOBIAN_SIDE = 15;    // the input Jacobian's arrows: a JACOBIAN_SIDE^2 grid, one engine call

export class Playground {
  /**
   * @param {HTMLElement} host  element to build the playground in
   * @param {object} options
   *   state: initial state (default: defaults); notices: messages to show at start
   *   controls: 'full' | 'minimal' | 'none'; autoplay: boolean
   *   onStateChange(state): called after every change (the page writes the URL hash)
   *   shareBase: URL of the full page, for the share link (default: this document)
   *   keyTarget: element (or document) whose key presses drive the shortcuts
   */
  constructor(host, options = {}) {
    this.host = host;
    this.options = options;
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
    this.queue = Promise.resolve();
    this.fps = { frames: 0, t0: performance.now(), value: 0 };
    this.lastChart = 0;
    this.perf = { drawMs: 0, draws: 0, workerMs: 0, evalMs: 0 };
    this.firstFrame = new Promise((resolve) => { this.resolveFirstFrame = resolve; });
    this.jacobianOn = false;
    this.jacobianHover = { busy: false, next: null };

    this.buildViews();
    this.controls.render(this.state);
    for (const n of options.notices || []) this.message('notice', n);
    this.loop = this.loop.bind(this);
    this.onKey = this.onKey.bind(this);
    (options.keyTarget || host).addEventListener('keydown', this.onKey);
  }

  // ---- building the page ---------------------------------------------------------------------

  buildViews() {
    const act = (name, arg) => this.action(name, arg);
    this.controls = new ControlsView({ change: (patch) => this.update(patch), action: act });
    this.boundary = new BoundaryView({
      onEdit: (edit) => this.editPoints(edit),
      onPick: (x, y, radius) => this.explainer.pick(x, y, radius),
      onHover: (x, y) => this.hoverJacobian(x, y),
    });
    this.network = new NetworkView({
      toggleFeature: (name) => {
        const has = this.state.features.includes(name);
        if (has && this.state.features.length === 1) {
          this.message('notice', 'At least one input feature must stay on.', { timeout: 4000 });
          return;
        }
        this.update({ features: has ? this.state.features.filter((f) => f !== name) : [...this.state.features, name] });
      },
      addLayer: () => {
        if (this.state.hidden.length >= LIMITS.maxHiddenLayers) return;
        const last = this.state.hidden[this.state.hidden.length - 1] || 4;
        this.update({ hidden: [...this.state.hidden, last], activations: [...this.state.activations, this.state.activations[this.state.activations.length - 1] || 'tanh'] });
      },
      removeLayer: () => {
        if (!this.state.hidden.length) return;
        this.update({ hidden: this.state.hidden.slice(0, -1) });
      },
      neurons: (l, delta) => {
        const hidden = [...this.state.hidden];
        hidden[l] = Math.max(1, Math.min(LIMITS.maxNeurons, hidden[l] + delta));
        this.update({ hidden });
      },
      activation: (l, name) => {
        const activations = [...this.state.activations];
        activations[l] = name;
        this.update({ activations });
      },
      hoverNode: (idx) => this.setHoverNode(idx),
      setWeight: (l, i, j, v) => this.setWeight(l, i, j, v),
      explainLink: (l, i, j) => this.explainer.inspectLink(l, i, j),
      explainNode: (idx) => this.explainer.inspectNode(idx),
    });
    this.explainer = new Explainer(this);
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
    this.messages = h('div', { class: 'bp-messages', 'aria-live': 'polite' });
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

  /** Loads the engine, draws the first frame, starts playing if asked. */
  async start() {
    this.raf = requestAnimationFrame(this.loop);
    this.engine = new Engine({
      onFrame: (f) => { this.pendingFrame = f; },
      onError: (msg) => {
        this.setPlaying(false);
        this.message('error', `Training stopped: ${msg}`);
      },
      onFatal: (msg) => this.message('error', `${msg} Serve the page with "npm start" after "npm run build" (the build puts the wasm module in web/engine/).`),
    });
    const loading = this.message('notice', 'Loading the training engine…');
    try {
      await this.engine.init(toEngineConfig(this.state), { grid: GRID, thumb: THUMB });
    } catch (e) {
      loading.remove();
      if (this.engine.dead) return;   // no engine at all: onFatal said how to get one
      // A state from a link the engine rejects: fall back to the defaults, say why. Your own
      // points are never dropped: they stay in the state (not in use), and come back when
      // "Your own data" is chosen again.
      const kept = this.state.customPoints.length;
      const keep = kept ? ` Your ${kept} point${kept === 1 ? ' is' : 's are'} kept: choose "Your own data" to get ${kept === 1 ? 'it' : 'them'} back.` : '';
      this.message('error', `These settings could not be used (${e.message}); the defaults are shown instead.${keep}`);
      this.state = { ...defaultState(), customPoints: this.state.customPoints, customTask: this.state.customTask };
      try {
        await this.engine.init(toEngineConfig(this.state), { grid: GRID, thumb: THUMB });
      } catch (e2) {
        this.message('error', `The training engine failed: ${e2.message}`);
        return;
      }
      this.controls.render(this.state);
      this.emitState();
    }
    loading.remove();
    this.ready = true;
    this.emitState();   // the link now shows the settings in use (garbled values replaced)
    this.goodState = cloneState(this.state);
    await this.engine.setSpeed(this.state.speed);
    if (this.options.autoplay) this.play();
    this.loadPreviews();
  }

  async loadPreviews() {
    const specs = DATASETS.filter((d) => d.name !== 'custom')
      .map((d) => ({ name: d.name, points: 200, noise: 0, trainRatio: 0.9, seed: 1 }));
    try {
      this.controls.setPreviews(await this.engine.previews(specs));
    } catch { /* thumbnails are decoration */ }
  }

  // ---- the animation loop ----------------------------------------------------------------------

  loop(now) {
    if (this.destroyed) return;
    this.raf = requestAnimationFrame(this.loop);
    const frame = this.pendingFrame;
    // Off screen: keep the frame for later and do not ack, so the worker stops evaluating grids
    // (it goes on training). The first frame is always drawn.
    if (!frame || (!this.visible && this.lastFrame)) return;
    this.pendingFrame = null;
    const t0 = performance.now();
    try {
      this.draw(frame, now);
    } finally {
      // Acked even when a view throws: an unacked frame would stop the worker's frames for good
      // (it keeps at most two in flight) while it goes on training.
      this.engine.ack(frame.seq);
    }
    this.perf.drawMs += performance.now() - t0;
    this.perf.draws++;
    this.perf.workerMs += frame.timing ? frame.timing.gridMs : 0;
    this.perf.evalMs += frame.timing ? frame.timing.evalMs : 0;
    if (this.perf.draws === 1) this.resolveFirstFrame();
    this.fps.frames++;
    if (now - this.fps.t0 >= 1000) {
      this.fps.value = (this.fps.frames * 1000) / (now - this.fps.t0);
      this.fps.frames = 0;
      this.fps.t0 = now;
    }
  }

  draw(frame, now = performance.now()) {
    const prevLayout = this.lastFrame ? this.lastFrame.layoutVersion : -1;
    this.lastFrame = frame;
    const layout = frame.layout;
    if (frame.layoutVersion !== prevLayout) {
      this.network.setStructure(this.state, layout);
      if (prevLayout >= 0 && this.explainer.active) this.explainer.refresh();
    }
    if (frame.points) {
      this.points = frame.points;
      if (!tooFewPoints(this.state)) this.boundary.setPoints(frame.points.train, frame.points.test, layout.classes);
    }
    this.drawBoundary(frame);
    this.drawJacobian(frame);
    this.network.update(frame);
    this.explainer.onFrame(frame);
    this.controls.renderFrame(frame, frame.playing);
    this.history.push(frame.stats, frame.gradNorms);
    if (!frame.playing || now - this.lastChart > CHART_EVERY_MS) {
      this.lastChart = now;
      this.charts.update(this.history, {
        layerCount: layout.hidden.length + 1,
        classify: layout.classes > 0,
        log: this.state.logScale,
      });
    }
    if (frame.stats.diverged && !this.divergence) this.onDiverged(frame.stats);
    if (this.playing && !frame.playing && !frame.stats.diverged) this.setPlaying(false);
  }

  drawBoundary(frame) {
    const layout = frame.layout;
    const mode = outputMode(layout.output, layout.classes);
    this.boundary.setShowTest(this.state.showTest);
    this.boundary.setEditMode(this.state.dataset === 'custom' && this.controlsMode === 'full' && !this.explainer.active
      ? { tool: this.controls.editTool } : null);
    this.boundary.setLegend(mode, layout.classes, this.state.discretize);
    if (this.hoverNode !== null && frame.hover && frame.hover.node === this.hoverNode) {
      const nf = layout.features.length;
      const node = this.network.nodes[this.hoverNode];
      const label = node ? `Showing ${node.label}` : 'Showing a node';
      const activation = this.hoverNode < nf ? `feature:${layout.features[this.hoverNode]}` : node ? node.activation : 'tanh';
      this.boundary.drawNodeField(frame.hover.field, frame.grid, activation, label, node ? node.j : 0);
    } else {
      this.boundary.drawOutput(frame.output, layout.outputs || 1, frame.grid, mode,
        this.state.discretize && layout.classes > 0);
    }
  }

  /** Redraws the last frame (after a view-only change). */
  redraw() {
    if (this.lastFrame) this.drawBoundary(this.lastFrame);
  }

  // ---- the input Jacobian over the plane ------------------------------------------------------

  /** Arrows of ∂output/∂(x, y) over the plot, from the frame (the worker adds them when asked). */
  drawJacobian(frame) {
    if (!this.jacobianOn || !frame.jacobian) return;
    const K = frame.layout.outputs || 1;
    const field = jacobianArrows(frame.jacobian.values, frame.jacobian.points, K, { domain: frame.domain });
    this.jacobianField = { ...field, K, side: frame.jacobian.side, values: frame.jacobian.values, points: frame.jacobian.points };
    this.boundary.setJacobian(this.jacobianField);
  }

  setJacobian(on) {
    this.jacobianOn = !!on;
    this.controls.setJacobian(this.jacobianOn);
    if (!this.jacobianOn) {
      this.jacobianField = null;
      this.boundary.setJacobian(null);
    }
    if (this.ready) this.enqueue(() => this.engine.jacobianField(this.jacobianOn ? JACOBIAN_SIDE : 0).catch(() => {}));
  }

  /** The pointer over the plot with the field on: the full Jacobian (K × 2) at that point. */
  hoverJacobian(x, y) {
    const hv = this.jacobianHover;
    if (x === null || !this.jacobianOn) {
      hv.next = null;
      hv.hidden = true;
      this.boundary.hideReadout();
      return;
    }
    hv.hidden = false;
    hv.next = [x, y];
    if (hv.busy) return;
    const run = async () => {
      while (hv.next) {
        const [px, py] = hv.next;
        hv.next = null;
        hv.busy = true;
        try {
          const J = await this.engine.jacobian([px, py]);
          if (!hv.hidden && this.jacobianOn) this.boundary.showReadout(px, py, this.jacobianRows(J));
          hv.last = { x: px, y: py, J: Array.from(J) };
        } catch { /* the pointer moved on; nothing to show */ }
        hv.busy = false;
      }
    };
    run();
  }

  jacobianRows(J) {
    const layout = this.lastFrame.layout;
    const K = layout.outputs || 1;
    const mode = outputMode(layout.output, layout.classes);
    const rows = [];
    for (let k = 0; k < K; k++) {
      const name = K > 1 ? `p(class ${k})` : mode === 'sigmoid' ? 'p(class 1)' : 'output';
      rows.push({ name, dx: J[2 * k], dy: J[2 * k + 1] });
    }
    return rows;
  }

  /** Explain mode opened or closed: the button, the plot's editing and the hover field follow. */
  onExplainToggle(on) {
    this.controls.setExplaining(on);
    this.root.classList.toggle('bp-explain-on', on);
    if (this.lastFrame) this.drawBoundary(this.lastFrame);
  }

  // ---- state changes -----------------------------------------------------------------------------

  /** Applies a patch to the state and tells the engine what it needs to know. */
  update(patch) {
    const prev = this.state;
    const next = { ...cloneState(prev), ...patch };
    delete next.activationAll;
    if (patch.activationAll) next.activations = next.hidden.map(() => patch.activationAll);
    next.activations = fitActivations(next.activations, next.hidden.length);
    next.features = canonicalFeatures(next.features);   // (a feature switched on takes its place)
    if (patch.dataset && patch.dataset !== prev.dataset) {
      // (your own data starts from the points on screen, unless the change brings its own)
      if (patch.dataset === 'custom' && prev.customPoints.length === 0 && !(patch.customPoints && patch.customPoints.length)) {
        Object.assign(next, this.customFromCurrentData(prev));
      }
    }
    if (problemOf(next).kind !== problemOf(prev).kind || problemOf(next).classes !== problemOf(prev).classes) {
      next.output = 'auto';
      next.loss = 'auto';
    }
    this.state = next;
    this.controls.render(next);
    this.emitState();
    const kind = diffStates(prev, next);
    if (kind === 'view' || kind === 'none') {
      if (prev.speed !== next.speed) this.engine?.setSpeed(next.speed);
      if (prev.logScale !== next.logScale) this.charts.update(this.history, this.chartOptions());
      this.redraw();
      return Promise.resolve();
    }
    if (tooFewPoints(next)) {
      // The engine needs data: wait for at least two points, show what there is.
      this.pause();
      this.boundary.setPoints(Float64Array.from(next.customPoints.flat()), new Float64Array(0), problemOf(next).classes);
      this.boundary.setHint('Click on the plot to add points (at least two) to train on.');
      return Promise.resolve();
    }
    this.boundary.setHint('');
    const onlyPoints = kind === 'config' && prev.dataset === 'custom' && next.dataset === 'custom'
      && prev.customTask === next.customTask && diffStates({ ...prev, customPoints: next.customPoints }, next) === 'none'
      && this.goodState.dataset === 'custom' && this.goodState.customTask === next.customTask;
    return this.enqueue(async () => {
      if (!this.ready) return;
      try {
        if (onlyPoints) {
          await this.engine.setPoints(next.customPoints.flat());
        } else if (kind === 'config') {
          await this.engine.setConfig(toEngineConfig(this.state));
          this.history.clear();
          this.clearDivergence();
        } else {
          await this.engine.updateTraining(trainingConfig(this.state));
          this.clearDivergence();
        }
        if (prev.speed !== next.speed) await this.engine.setSpeed(next.speed);
        this.goodState = cloneState(this.state);
        if (this.explainer.active && kind !== 'config') this.explainer.refresh();   // (a new layout refreshes on its frame)
      } catch (e) {
        this.message('error', `That change could not be made: ${e.message}`, { timeout: 12000 });
        // (your own points stay when the engine is not using other ones: nothing typed is lost)
        const points = this.goodState.dataset === 'custom' ? {} : { customPoints: this.state.customPoints, customTask: this.state.customTask };
        this.state = { ...cloneState(this.goodState), ...points };
        this.controls.render(this.state);
        this.emitState();
      }
      if (this.playing) this.engine.play(this.state.speed);
    });
  }

  /** Runs engine updates one after another (a slow one never overtakes a later one). */
  enqueue(fn) {
    this.queue = this.queue.then(fn, fn);
    return this.queue;
  }

  chartOptions() {
    const layout = this.lastFrame ? this.lastFrame.layout : { hidden: this.state.hidden, classes: 2 };
    return { layerCount: layout.hidden.length + 1, classify: layout.classes > 0, log: this.state.logScale };
  }

  /** Replaces the whole state (a new URL hash). */
  applyState(state, notices = []) {
    for (const n of notices) this.message('notice', n);
    const patch = cloneState(state);
    return this.update(patch);
  }

  emitState() {
    if (this.options.onStateChange) this.options.onStateChange(cloneState(this.state));
  }

  /** Your own data starts from the points on screen (so you can edit a data set). */
  customFromCurrentData(prev) {
    const problem = problemOf(prev);
    const task = problem.kind === 'regress' ? 'regress' : 'classify';
    const pts = [];
    for (const set of [this.points.train, this.points.test]) {
      for (let i = 0; i + 2 < set.length; i += 3) {
        const label = task === 'regress' ? Math.max(-1, Math.min(1, set[i + 2])) : labelClass(set[i + 2], problem.classes);
        pts.push([set[i], set[i + 1], label]);
      }
    }
    return { customTask: task, customPoints: sanitizePoints(pts, task).slice(0, LIMITS.maxCustomPoints) };
  }

  editPoints(edit) {
    if (this.state.dataset !== 'custom') return;
    let pts = this.state.customPoints;
    if (edit.op === 'add') {
      if (pts.length >= LIMITS.maxCustomPoints) {
        this.boundary.setHint(`Your data can hold up to ${LIMITS.maxCustomPoints} points.`);
        return;
      }
      const label = this.controls.newPointLabel();
      pts = [...pts, ...edit.points.map(([x, y]) => roundPoint([x, y, label]))];
    } else if (edit.op === 'erase') {
      const r2 = edit.radius * edit.radius;
      pts = pts.filter(([x, y]) => (x - edit.x) ** 2 + (y - edit.y) ** 2 > r2);
      if (pts.length === this.state.customPoints.length) return;
    }
    this.update({ customPoints: pts });
  }

  // ---- commands ---------------------------------------------------------------------------------

  action(name, arg) {
    switch (name) {
      case 'togglePlay': return this.playing ? this.pause() : this.play();
      case 'step': return this.step();
      case 'reset': return this.reset();
      case 'regenerate': return this.update({ dataSeed: (this.state.dataSeed + 1) % LIMITS.maxSeed });
      case 'clearPoints': return this.update({ customPoints: [] });
      case 'editTool': return this.redraw();
      case 'share': return this.share();
      case 'exportModel': return this.exportModel();
      case 'importModel': return this.importModel(arg);
      case 'exportCSV': return download(fileName(this.state, this.lastFrame?.stats.epoch, 'csv'), historyToCSV(this.history), 'text/csv');
      case 'exportPyTorch': return this.exportPyTorch();
      case 'exportPNG': return this.exportPNG();
      case 'lowerRate': return this.lowerRate();
      case 'explain': return this.explainer.toggle();
      case 'jacobian': return this.setJacobian(arg);
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
    this.enqueue(() => this.engine.play(this.state.speed));
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

  /** The link that reproduces this playground. */
  shareURL() {
    const base = new URL(this.options.shareBase || window.location.href);
    base.hash = serializeState(this.state);
    return base.toString();
  }

  async share() {
    const url = this.shareURL();
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch { /* no clipboard permission: show the link to copy by hand */ }
    this.controls.showShareLink(url, copied);
  }

  async exportModel() {
    try {
      const json = await this.engine.toJSON();
      download(fileName(this.state, this.lastFrame?.stats.epoch, 'json'), json, 'application/json');
    } catch (e) {
      this.message('error', `The model could not be exported: ${e.message}`);
    }
  }

  /** Loads a model file; a bad file changes nothing and says why. */
  async importModel(file) {
    if (file.size > MAX_MODEL_BYTES) {
      this.message('error', `"${file.name}" is too large to be a model file (limit 16 MB). Nothing was changed.`);
      return;
    }
    const text = await file.text();
    return this.importModelText(text, file.name);
  }

  async importModelText(text, name = 'the file') {
    const check = inspectModelFile(text);
    if (!check.ok) {
      this.message('error', `Could not load ${name}: ${check.message} Nothing was changed.`, { timeout: 15000 });
      return false;
    }
    let loaded = null;
    const wasPlaying = this.playing;
    this.pause();   // the loaded model is shown as saved, not trained further
    await this.enqueue(async () => {
      try {
        loaded = await this.engine.loadJSON(text);
      } catch (e) {
        this.message('error', `Could not load ${name}: ${e.message} Nothing was changed.`, { timeout: 15000 });
      }
    });
    if (!loaded) {
      if (wasPlaying) this.play();   // nothing was changed: not even the playing
      return false;
    }
    // All or nothing: the worker took the model only if the state can hold its config exactly.
    const state = { ...cloneState(this.state), ...loaded.settings };
    this.state = state;
    this.goodState = cloneState(state);
    this.history.clear();
    this.clearDivergence();
    this.setPlaying(false);
    this.controls.render(state);
    this.emitState();
    this.message('notice', `Loaded ${name}.`, { timeout: 4000 });
    if (this.explainer.active) this.explainer.refresh();
    return true;
  }

  async exportPyTorch() {
    try {
      const snap = await this.engine.snapshot();
      const out = await this.engine.predict(SAMPLE_POINTS.flat());
      const K = snap.layout.outputs || 1;
      const outputs = SAMPLE_POINTS.map((_, i) => Array.from(out.slice(i * K, (i + 1) * K)));
      const script = pytorchScript({
        layout: snap.layout, weights: snap.weights, biases: snap.biases,
        samples: { xy: SAMPLE_POINTS, outputs },
        title: `${this.state.dataset}, hidden [${this.state.hidden.join(', ')}], epoch ${Math.floor(snap.stats.epoch)}`,
        link: this.shareURL(),
      });
      download(fileName(this.state, snap.stats.epoch, 'py'), script, 'text/x-python');
    } catch (e) {
      this.message('error', `The PyTorch script could not be made: ${e.message}`);
    }
  }

  async exportPNG() {
    try {
      download(fileName(this.state, this.lastFrame?.stats.epoch, 'png'), await this.boundary.toPNG(), 'image/png');
    } catch (e) {
      this.message('error', e.message);
    }
  }

  // ---- messages and keys ---------------------------------------------------------------------------

  /**
   * Shows a message. kind: 'notice' | 'error'. Returns its element (call .remove() to drop it).
   * options: timeout (ms), action: [label, fn]
   */
  message(kind, text, options = {}) {
    return showMessage(this.messages, kind, text, options, 6);
  }

  onKey(ev) {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const target = ev.composedPath ? ev.composedPath()[0] : ev.target;
    const tag = target && target.tagName ? target.tagName.toLowerCase() : '';
    const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
    // Typing goes to text fields; a checkbox, radio or slider keeps space and the arrows, but
    // letters still reach the shortcuts.
    const toggle = tag === 'input' && ['checkbox', 'radio', 'range', 'button', 'submit', 'reset', 'file', 'color'].includes(target.type);
    if ((['input', 'select', 'textarea'].includes(tag) && !toggle) || (target && target.isContentEditable)) return;
    if (toggle && (key === ' ' || key.startsWith('Arrow'))) return;
    if (key === ' ') {
      if (tag === 'button') return;    // a focused button takes space itself
      ev.preventDefault();
      this.action('togglePlay');
    } else if (key === 's') {
      ev.preventDefault();
      this.step();
    } else if (key === 'r') {
      ev.preventDefault();
      this.reset();
    } else if (key === 'e') {
      ev.preventDefault();
      this.explainer.toggle();
    } else if (this.explainer.active) {
      // explain mode: → / n next step, ← / p previous, 1-4 a phase, Esc leaves
      const phases = { 1: 'forward', 2: 'loss', 3: 'backward', 4: 'update' };
      if (key === 'ArrowRight' || key === 'n') {
        ev.preventDefault();
        this.explainer.next();
      } else if (key === 'ArrowLeft' || key === 'p') {
        ev.preventDefault();
        this.explainer.prev();
      } else if (key in phases) {
        ev.preventDefault();
        this.explainer.goPhase(phases[key]);
      } else if (key === 'Escape') {
        ev.preventDefault();
        this.explainer.close();
      }
    }
  }

  // ---- for tests and the embedding page ---------------------------------------------------------

  /**
   * A small surface for tests and benchmarks (bench/page.mjs): predictions, the last frame,
   * the state, play/pause. `stats()` is the last drawn frame's metrics (synchronous);
   * `engineStats()` asks the engine itself.
   */
  get testHook() {
    if (this.hook) return this.hook;
    const pg = this;
    this.hook = {
      ready: this.firstFrame,
      /** Resolves when every queued engine request has been answered. */
      idle: () => this.queue.then(() => undefined),
      get framesDrawn() { return pg.perf.draws; },
      play: () => this.play(),
      pause: () => this.pause(),
      stats: () => (this.lastFrame ? { ...this.lastFrame.stats } : null),
      engineStats: () => this.engine.stats(),
      state: () => cloneState(this.state),
      frame: () => this.lastFrame,
      fps: () => this.fps.value,
      perf: () => ({ ...this.perf }),
      predict: (xy) => this.engine.predict(xy),
      toJSON: () => this.engine.toJSON(),
      importModelText: (text, name) => this.importModelText(text, name),
      heat: () => this.boundary.heat,
      snapshot: () => this.engine.snapshot(),
      linkMidpoint: (l, i, j) => this.network.linkMidpoint(l, i, j),
      linkLabels: () => this.network.linkLabels(),
      /** Links the diagram holds geometry for (one per weight of the network on screen). */
      linkCount: () => this.network.links.length,
      playing: () => this.playing,
      history: () => this.history,
      /** Explain mode: open/close, choose, step, apply, inspect; state() is what the page shows. */
      explain: {
        open: () => this.explainer.open(),
        close: () => this.explainer.close(),
        pick: (x, y) => this.explainer.pick(x, y, 0.5),
        useBatch: () => this.explainer.useBatch(),
        next: () => this.explainer.next(),
        prev: () => this.explainer.prev(),
        phase: (id) => this.explainer.goPhase(id),
        focus: (n) => this.explainer.setFocus(n),
        apply: () => this.explainer.apply(),
        chainRule: (l, i, j) => this.explainer.inspectLink(l, i, j),
        gradCheck: () => this.explainer.runGradCheck(),
        state: () => this.explainer.snapshot(),
        /** What the diagram shows now: per layer its link values; per node its notes. */
        shown: () => {
          const ex = this.network.explain;
          if (!ex) return null;
          return {
            links: ex.links.map((l) => ({ kind: l.kind, state: l.state, values: Array.from(l.values) })),
            notes: ex.notes.map((n) => ({ state: n.state, lines: n.lines.map((x) => ({ sym: x.sym, value: x.value })) })),
          };
        },
      },
      /** The input Jacobian: on/off, the field the plot draws, the last hovered matrix. */
      jacobian: {
        set: (on) => this.setJacobian(on),
        field: () => this.jacobianField || null,
        hovered: () => this.jacobianHover.last || null,
      },
      engineConfig: () => toEngineConfig(this.state),
      /** What the engine itself runs: { config, defaults, classes, knowsTask }. */
      engineRuns: () => this.engine.config(),
      /** The data on screen: { train, test } flat [x, y, label, ...]. */
      points: () => ({ train: Array.from(this.points.train), test: Array.from(this.points.test) }),
    };
    return this.hook;
  }

  destroy() {
    this.destroyed = true;
    cancelAnimationFrame(this.raf);
    this.visibility.disconnect();
    (this.options.keyTarget || this.host).removeEventListener('keydown', this.onKey);
    if (this.engine) this.engine.dispose();
    this.boundary.destroy();
    this.network.destroy();
    this.charts.destroy();
    clear(this.host);
  }
}

/** Your own data with fewer than two points cannot be trained on (the engine needs data). */
function tooFewPoints(state) {
  return state.dataset === 'custom' && state.customPoints.length < 2;
}

/** A small starting set for "your own data" opened from a link without points. */
function starterPoints(task) {
  const pts = [];
  const offsets = [[0, 0], [0.8, 0.3], [-0.5, 0.7], [0.4, -0.8], [-0.7, -0.4]];
  for (const [dx, dy] of offsets) {
    pts.push([-2.5 + dx, -2.5 + dy, task === 'regress' ? -0.8 : 0]);
    pts.push([2.5 + dx, 2.5 + dy, task === 'regress' ? 0.8 : 1]);
  }
  return pts;
}
