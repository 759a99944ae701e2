// recurrent/main.js: the recurrent page's composition root. A RecurrentPlayground wires one
// engine (its own worker, recurrent/worker.js), the state (recurrent/state.js) and the views
// together; the worker streams frames, and the animation loop (the page kit's TrainingPage,
// shared/training-page.js) hands the latest to draw(). Views never see the engine; the engine
// never sees the DOM.
//
// Two modes. Sequences (BPTT): input/target/prediction over time, the hidden state, ‖∂L/∂h_t‖ per
// step on a log scale (the headline: vanishing and exploding gradients), the unrolled network
// coloured by that norm, σ_max(Wh) and the losses over training; "Step through BPTT" pauses and
// walks the backward pass over the unrolled network one time step at a time (bptt-walk.js). Fixed point: the state of every
// unit over the forward relaxation, the adjoint over the backward one, both residuals on a log
// scale, the weights (XOR) or the 5×5 completion grids (letters), and the training curves.

import { RecurrentEngine } from './engine.js';
import {
  defaultState, cloneState, fitState, diffStates, sequenceConfig, sequenceTraining,
  fixedPointConfig, fixedPointTraining, fixedPointRelax, fixedPointDefaults,
  cueFromPixels, pixelsFromCue, speedOf, LIMITS,
} from './state.js';
import { RecurrentControls } from './controls.js';
import { SequencePanels } from './sequence-panels.js';
import { FixedPointPanels } from './fixed-point-panels.js';
import { RecurrentFiles } from './files.js';
import { handleKey } from './keys.js';
import { makeTestHook } from './test-hook.js';
import { h } from '../shared/dom.js';
import { TrainingPage } from '../shared/training-page.js';

const CHART_EVERY_MS = 100;       // training charts redraw at most this often while playing

export class RecurrentPlayground extends TrainingPage {
  /**
   * @param {HTMLElement} host
   * @param {object} options  as for every page (shared/training-page.js TrainingPage)
   */
  constructor(host, options = {}) {
    super(host, options, { speedOf, cloneState, defaultState });
    this.controlsMode = ['full', 'minimal', 'none'].includes(options.controls) ? options.controls : 'full';
    this.buildViews();
    this.render();
    this.showNotices();
    this.files = new RecurrentFiles(this);
    this.listenKeys(handleKey);
  }

  // ---- building the page -------------------------------------------------------------------------

  buildViews() {
    const c = new RecurrentControls({ change: (p) => this.update(p), action: (n, a) => this.action(n, a) });
    this.controls = c;
    this.messages = h('div', { class: 'bp-messages', 'aria-live': 'polite' });
    this.seq = new SequencePanels(c.sampleField, {
      pause: () => { if (this.playing) this.pause(); }, lastFrame: () => this.lastFrame, state: () => this.state,
    });
    this.fp = new FixedPointPanels(c, { editCue: (px) => this.update({ cuePixels: pixelsFromCue(px) }) });
    this.root = h('div', { class: 'bp-app rc-app', dataset: { controls: this.controlsMode } },
      h('header', { class: 'bp-top rc-top' }, c.runBar, c.modeSwitch, c.seqHyper, c.fpHyper),
      this.messages,
      this.seq.el,
      this.fp.el,
      h('footer', { class: 'bp-panel-files rc-files' }, c.files));
    this.host.append(this.root);
  }

  /** The panels of the state's mode (sequences or fixed point). */
  showPanels() {
    const fp = this.state.mode === 'fp';
    this.seq.el.hidden = fp;
    this.fp.el.hidden = !fp;
    this.fp.showTask(this.state.fpTask === 'letters');
    this.root.dataset.mode = this.state.mode;
    if (fp) this.seq.endWalk();
  }

  // ---- engine ------------------------------------------------------------------------------------

  engineConfig(state) {
    return state.mode === 'fp' ? fixedPointConfig(state) : sequenceConfig(state);
  }

  viewOf(state) {
    if (state.mode === 'seq') return { sample: state.sample };
    return {
      pattern: state.pattern,
      cue: {
        letter: state.cueLetter, damage: state.cueDamage, erase: state.cueErase, seed: state.cueSeed,
        pixels: cueFromPixels(state.cuePixels),
      },
    };
  }

  async start() {
    await this.startEngine(RecurrentEngine, {
      loading: 'Loading the training engine…',
      init: (state) => this.engine.init(state.mode, this.engineConfig(state), this.viewOf(state)),
    });
  }

  // ---- drawing a frame (the loop is TrainingPage's) --------------------------------------------

  draw(frame, now = performance.now()) {
    const prev = this.lastFrame;
    this.lastFrame = frame;
    if (frame.mode !== this.state.mode) return;   // a frame from before a mode switch
    this.seq.frameArrived(prev, frame);
    this.controls.renderFrame(frame);
    const chartsDue = !frame.playing || now - this.lastChart > CHART_EVERY_MS;
    if (chartsDue) this.lastChart = now;
    if (frame.mode === 'seq') this.seq.draw(frame, chartsDue, this.state);
    else this.fp.draw(frame, chartsDue, this.state);
    this.reportStats(frame.stats);
    if (this.stoppedByWorker(frame)) this.setPlaying(false);
  }

  /** The engine's own messages: divergence and stalls pause training; skips are a notice. */
  reportStats(s) {
    if ((s.diverged || s.stalled) && s.message) {
      if (!this.problem || this.problem.text !== s.message) {
        this.clearProblem();
        const action = s.diverged
          ? ['Use a 10× smaller learning rate', () => this.lowerRate()]
          : ['Halve the steps α and β', () => this.update({ alpha: roundStep(this.state.alpha / 2), beta: roundStep(this.state.beta / 2) })];
        this.problem = { text: s.message, box: this.message('error', s.message, { action }) };
      }
      if (this.playing) this.setPlaying(false);
    } else if (s.message && this.state.mode === 'fp') {
      if (!this.skipBox || !this.skipBox.isConnected) this.skipBox = this.message('notice', s.message);
      else this.skipBox.querySelector('.bp-msg-text').textContent = s.message;
    }
  }

  // ---- state changes -----------------------------------------------------------------------------

  update(patch) {
    const prev = this.state;
    const next = { ...cloneState(prev), ...patch };
    if (patch.fpTask && patch.fpTask !== prev.fpTask) {
      // the other task's own defaults (hidden units, tolerance, iterations, learning rate, init)
      Object.assign(next, fixedPointDefaults(next.fpTask), { pattern: 0, cueLetter: 0, cuePixels: '' });
    }
    if (patch.letters !== undefined && patch.letters !== prev.letters) Object.assign(next, { pattern: 0, cuePixels: '' });
    if (patch.task === 'adding' && prev.task !== 'adding' && patch.length === undefined && next.length < 10) next.length = 20;
    const notices = fitState(next);
    for (const n of notices) this.message('notice', n, { timeout: 8000 });
    this.state = next;
    this.render();
    this.emitState();
    const kind = diffStates(prev, next);
    const viewChanged = JSON.stringify(this.viewOf(prev)) !== JSON.stringify(this.viewOf(next));
    if (kind === 'none') return Promise.resolve();
    if (kind === 'view') {
      if (speedOf(prev) !== speedOf(next)) this.engine?.setSpeed(speedOf(next));
      if (prev.logScale !== next.logScale && this.lastFrame) this.draw(this.lastFrame);
      if (viewChanged && this.ready) this.enqueue(() => this.engine.setView(this.viewOf(this.state)).catch(() => {}));
      return Promise.resolve();
    }
    return this.enqueue(async () => {
      if (!this.ready) return;
      try {
        if (kind === 'mode' || kind === 'config') {
          await this.engine.setConfig(this.state.mode, this.engineConfig(this.state), this.viewOf(this.state));
          if (kind === 'mode') await this.engine.setSpeed(speedOf(this.state));
          this.clearHistory();
          this.clearProblem();
          if (this.skipBox) { this.skipBox.remove(); this.skipBox = null; }
        } else {
          if (this.state.mode === 'fp') await this.engine.updateTraining(fixedPointTraining(this.state), fixedPointRelax(this.state));
          else await this.engine.updateTraining(sequenceTraining(this.state), this.state.truncation);
          this.clearProblem();
          if (viewChanged) await this.engine.setView(this.viewOf(this.state));
        }
        this.goodState = cloneState(this.state);
      } catch (e) {
        this.restoreGoodState(e);
      }
      if (this.playing) this.engine.play(speedOf(this.state));
    });
  }

  // ---- commands ------------------------------------------------------------------------------------

  action(name, arg) {
    switch (name) {
      case 'togglePlay': return this.playing ? this.pause() : this.play();
      case 'step': return this.step();
      case 'reset': return this.reset();
      case 'newCue': return this.update({ cueSeed: (this.state.cueSeed + 1) % LIMITS.maxSeed, cuePixels: '' });
      case 'share': return this.files.share();
      case 'exportModel': return this.files.exportModel();
      case 'importModel': return this.files.importModel(arg);
      default: return undefined;
    }
  }

  // ---- what TrainingPage (shared/training-page.js) asks of this page ----

  beforePlay() {
    this.seq.endWalk();   // training changes the numbers under the walk: leave it
  }

  /** A new network or problem: the curves start again. */
  clearHistory() {
    this.seq.clear();
    this.fp.clear();
  }

  lowerRate() {
    super.lowerRate(this.state.mode === 'fp' ? 'fpLearningRate' : 'learningRate');
  }

  /** For tests: the last frame, the state, play/pause, files, the BPTT walk (test-hook.js). */
  get testHook() {
    this.hook ||= makeTestHook(this);
    return this.hook;
  }

  destroyViews() {
    this.seq.destroy();
    this.fp.destroy();
  }
}

function roundStep(v) {
  return Math.max(0.001, Number(v.toPrecision(2)));
}
