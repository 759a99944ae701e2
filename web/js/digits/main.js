// digits/main.js: the digits page's composition root. A DigitsPage wires one engine (its own
// worker, digits/worker.js), the state (digits/state.js), the controls and the views together,
// and owns the animation loop: the worker streams frames, each requestAnimationFrame draws the
// latest one and acks it. Views never see the engine; the engine never sees the DOM.
// Split by concern: layout.js (the panels), input.js (drawing -> answer), files.js (share,
// model files, PyTorch), network-views.js (the views inside the network), frame-draw.js (one
// frame onto the views), keys.js (keys, test hook).

import { DigitsEngine } from './engine.js';
import { defaultState, cloneState, diffStates, engineConfig, trainingOf, speedOf } from './state.js';
import { DigitsControls } from './controls.js';
import { buildLayout } from './layout.js';
import { drawFrame } from './frame-draw.js';
import { DrawingInput } from './input.js';
import { DigitsFiles } from './files.js';
import { NetworkViews } from './network-views.js';
import { onKey, testHook } from './keys.js';
import { clear } from '../shared/dom.js';
import { showMessage, engineFailed } from '../shared/messages.js';
import { TrainingPage } from '../shared/training-page.js';

export class DigitsPage extends TrainingPage {
  constructor(host, options = {}) {
    super({ speedOf, cloneState });
    this.host = host;
    this.options = options;
    this.state = cloneState(options.state || defaultState());
    this.goodState = cloneState(this.state);
    this.lastFrame = null;
    this.pendingFrame = null;
    this.draws = 0;
    this.lastChart = 0;
    this.info = null;              // the engine's description of the network (layers, image shape)
    this.firstFrame = new Promise((resolve) => { this.resolveFirstFrame = resolve; });
    this.controls = new DigitsControls({ change: (p) => this.update(p), action: (n, a) => this.action(n, a) });
    this.v = buildLayout(host, this.controls, {
      action: (n) => this.action(n),
      drawChange: (raster) => this.input.changed(raster),
      cellSelect: (t, p) => this.showCell(t, p),
      toggleOverlay: (on) => { this.v.pad.showOverlay = on; this.v.pad.render(); },
    }, options.controls || 'full');
    this.input = new DrawingInput({
      engine: () => (this.ready ? this.engine : null), dataName: () => this.state.data, views: this.v,
      onError: (m) => this.message('error', m, { timeout: 8000 }),
      answered: () => this.views.refresh(),
    });
    this.files = new DigitsFiles(this);
    this.views = new NetworkViews(this.v.viewsHost, {
      engine: () => (this.ready ? this.engine : null), playing: () => this.playing,
      onError: (m) => this.message('error', m, { timeout: 8000 }),
    });
    this.controls.render(this.state);
    this.showModel();
    for (const n of options.notices || []) this.message('notice', n, { timeout: 12000 });
    this.loop = this.loop.bind(this);
    this.onKey = (ev) => onKey(this, ev);
    (options.keyTarget || host).addEventListener('keydown', this.onKey);
    this.input.changed(null);
  }

  showModel() {
    const ae = this.state.model === 'autoencoder';
    // (the autoencoder's reconstructions are in the network views' panel)
    this.v.confusionPanel.hidden = ae;
    this.v.galleryPanel.hidden = ae;
    this.v.probs.el.hidden = ae;
    this.v.root.dataset.model = this.state.model;
  }

  // ---- engine ------------------------------------------------------------------------------------

  async start() {
    this.raf = requestAnimationFrame(this.loop);
    this.engine = new DigitsEngine({
      onFrame: (f) => { this.pendingFrame = f; },
      onError: (msg) => { this.setPlaying(false); this.message('error', `Training stopped: ${msg}`); },
      onFatal: (msg) => engineFailed(this, msg),
    });
    const loading = this.message('notice', 'Loading the training engine and the digits…');
    try {
      this.info = await this.engine.init(engineConfig(this.state));
    } catch (e) {
      loading.remove();
      if (this.engine.dead) return;   // no engine at all: onFatal said so
      this.message('error', `These settings could not be used (${e.message}); the defaults are shown instead.`);
      this.state = defaultState();
      try {
        this.info = await this.engine.init(engineConfig(this.state));
      } catch (e2) {
        this.message('error', `The training engine failed: ${e2.message}`);
        return;
      }
      this.controls.render(this.state);
      this.showModel();
    }
    loading.remove();
    this.ready = true;
    this.rebuilt();
    this.goodState = cloneState(this.state);
    this.emitState();
    await this.engine.setSpeed(speedOf(this.state));
    if (this.options.autoplay) this.play();
  }

  /** A new network: its layers in the editor, the views told, the drawing read again. */
  rebuilt() {
    this.controls.layerEditor.setError('');
    this.controls.layerEditor.setLayers(this.info.layers);
    this.v.input.setShape(this.info.image.rows, this.info.image.cols);
    this.v.charts.clear();
    this.views.rebuilt(this.info);
    this.input.changed(this.v.pad.isEmpty() ? null : this.v.pad.raster());
  }

  loop() {
    if (this.destroyed) return;
    this.raf = requestAnimationFrame(this.loop);
    const frame = this.pendingFrame;
    if (!frame) return;
    this.pendingFrame = null;
    this.draw(frame);
    this.engine.ack(frame.seq);
    this.draws++;
    if (this.draws === 1) this.resolveFirstFrame();
    if (this.options.onFrame) this.options.onFrame(frame);   // the embedded element's epoch event
  }

  draw(frame, now = performance.now()) {
    this.lastFrame = frame;
    if (this.info && frame.configVersion !== this.info.configVersion) return;   // from before a rebuild
    drawFrame(this, frame, now);
    this.reportStats(frame.stats);
    if (this.stoppedByWorker(frame)) this.setPlaying(false);
  }

  reportStats(s) {
    if (s.diverged && s.message) {
      if (!this.problem || this.problem.text !== s.message) {
        this.clearProblem();
        this.problem = { text: s.message, box: this.message('error', s.message, { action: ['Use a 10× smaller learning rate', () => this.lowerRate()] }) };
      }
      if (this.playing) this.setPlaying(false);
    }
  }

  clearProblem() {
    if (this.problem) this.problem.box.remove();
    this.problem = null;
  }

  lowerRate() {
    this.clearProblem();
    this.update({ learningRate: Math.max(1e-6, Number((this.state.learningRate / 10).toPrecision(3))) });
  }

  async showCell(t, p) {
    if (!this.ready) return;
    try {
      this.v.cellGallery.showCell(await this.engine.cellDigits(t, p, 60));
    } catch (e) {
      this.v.cellGallery.note.textContent = `The digits of this cell could not be shown (${e.message}).`;
    }
  }

  // ---- state changes -----------------------------------------------------------------------------

  update(patch) {
    const prev = this.state;
    const next = { ...cloneState(prev), ...patch };
    this.state = next;
    this.controls.render(next);
    this.showModel();
    this.emitState();
    const kind = diffStates(prev, next);
    if (kind === 'none') return Promise.resolve();
    if (kind === 'view') {
      if (speedOf(prev) !== speedOf(next)) this.engine?.setSpeed(speedOf(next));
      if (prev.logScale !== next.logScale) this.v.charts.draw(this.lastFrame ? this.lastFrame.kind : next.model, next.logScale);
      this.goodState = cloneState(next);
      return Promise.resolve();
    }
    return this.enqueue(async () => {
      if (!this.ready) return;
      try {
        if (kind === 'config') {
          this.info = await this.engine.setConfig(engineConfig(this.state));
          this.clearProblem();
          this.rebuilt();
        } else {
          await this.engine.updateTraining(trainingOf(this.state));
          this.clearProblem();
        }
        this.goodState = cloneState(this.state);
      } catch (e) {
        const shapes = /layer \d+/.test(e.message);
        this.message('error', `That change could not be made: ${e.message}`, { timeout: 12000 });
        this.state = cloneState(this.goodState);
        this.controls.render(this.state);
        if (shapes) this.controls.layerEditor.setError(e.message);
        this.showModel();
        this.emitState();
      }
      if (this.playing) this.engine.play(speedOf(this.state));
    });
  }

  /** A model file was loaded (files.js): its settings become the page's. */
  applyLoaded(state, info) {
    this.state = cloneState(state);
    this.goodState = cloneState(state);
    this.info = info;
    this.clearProblem();
    this.setPlaying(false);
    this.controls.render(this.state);
    this.showModel();
    this.rebuilt();
    this.emitState();
  }

  // ---- commands ------------------------------------------------------------------------------------

  action(name, arg) {
    switch (name) {
      case 'togglePlay': return this.playing ? this.pause() : this.play();
      case 'step': return this.step();
      case 'reset': return this.reset();
      case 'clear': return this.v.pad.clear();
      case 'undo': return this.v.pad.undo();
      case 'share': return this.files.share();
      case 'exportModel': return this.files.exportModel();
      case 'exportPyTorch': return this.files.exportPyTorch();
      case 'importModel': return this.files.importModel(arg);
      default: return undefined;
    }
  }

  // ---- what TrainingPage (shared/training-page.js) asks of this page ----

  clearHistory() {
    this.v.charts.clear();
  }

  message(kind, text, options = {}) {
    if (kind === 'error' && this.options.onError) this.options.onError(text);   // the element's error event
    return showMessage(this.v.messages, kind, text, options, 5);
  }

  get testHook() {
    if (!this.hook) this.hook = testHook(this);
    return this.hook;
  }

  destroy() {
    this.destroyed = true;
    cancelAnimationFrame(this.raf);
    (this.options.keyTarget || this.host).removeEventListener('keydown', this.onKey);
    if (this.engine) this.engine.dispose();
    this.v.charts.destroy();
    clear(this.host);
  }
}
