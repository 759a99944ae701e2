// digits/main.js: the digits page's composition root. A DigitsPage wires one engine (its own
// worker, digits/worker.js), the state (digits/state.js), the controls and the views together,
// and draws each frame the animation loop (the page kit's TrainingPage, shared/training-page.js)
// hands it: the worker streams frames, the loop draws the latest and acks it. Views never see the
// engine; the engine never sees the DOM.
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
import { TrainingPage } from '../shared/training-page.js';

export class DigitsPage extends TrainingPage {
  constructor(host, options = {}) {
    super(host, options, { speedOf, cloneState, defaultState });
    this.info = null;              // the engine's description of the network (layers, image shape)
    this.controls = new DigitsControls({ change: (p) => this.update(p), action: (n, a) => this.action(n, a) });
    this.v = buildLayout(host, this.controls, {
      action: (n) => this.action(n),
      drawChange: (raster) => this.input.changed(raster),
      cellSelect: (t, p) => this.showCell(t, p),
      toggleOverlay: (on) => { this.v.pad.showOverlay = on; this.v.pad.render(); },
    }, options.controls || 'full');
    this.messages = this.v.messages;
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
    this.render();
    this.showNotices();
    this.listenKeys(onKey);
    this.input.changed(null);
  }

  /** The panels of the state's model (the autoencoder has no classes to count). */
  showPanels() {
    const ae = this.state.model === 'autoencoder';
    // (the autoencoder's reconstructions are in the network views' panel)
    this.v.confusionPanel.hidden = ae;
    this.v.galleryPanel.hidden = ae;
    this.v.probs.el.hidden = ae;
    this.v.root.dataset.model = this.state.model;
  }

  // ---- engine ------------------------------------------------------------------------------------

  async start() {
    await this.startEngine(DigitsEngine, {
      loading: 'Loading the training engine and the digits…',
      init: async (state) => { this.info = await this.engine.init(engineConfig(state)); },
      onReady: () => this.rebuilt(),
    });
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
    this.render();
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
        this.restoreGoodState(e);
        if (/layer \d+/.test(e.message)) this.controls.layerEditor.setError(e.message);   // (a shape error names its layer)
      }
      if (this.playing) this.engine.play(speedOf(this.state));
    });
  }

  /** A model file was loaded (files.js): its settings become the page's, its network the views'. */
  applyLoaded(state, info) {
    this.info = info;
    super.applyLoaded(state);
    this.rebuilt();
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

  get testHook() {
    if (!this.hook) this.hook = testHook(this);
    return this.hook;
  }

  destroyViews() {
    this.v.charts.destroy();
  }
}
