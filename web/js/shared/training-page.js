// shared/training-page.js: what every page's composition root does the same way. startEngine()
// starts a page's worker, falling back to the defaults when the engine refuses the settings (all
// three pages, the static playground too). TrainingPage is the rest, for the pages built on it
// (recurrent, digits): the run commands (play, pause, one step, reset), the engine queue (requests
// in order, one at a time), the animation loop (draw the latest frame, ack it), the messages,
// a refused change, a loaded model, a state from the URL, the test hook's common part, and
// tearing down. A page's class extends TrainingPage and gives what is its own:
//   this.controls (a ControlPanel), this.messages (the element the message boxes go in),
//   start(), draw(frame), update(patch), showPanels() (the panels for this.state),
//   clearHistory() (the curves), destroyViews() (charts with their own resources),
//   beforePlay() (optional)

import { clear } from './dom.js';
import { showMessage, engineFailed } from './messages.js';

/**
 * Starts a page's engine and the session for page.state. A state the engine refuses (a link
 * from an older version, garbled values) gives way to fallback(state): it says so, and the
 * controls show the state in use. Then the page is ready: the state is the last good one, the
 * page is told it changed (the link shows the settings in use), the speed is set, and it plays
 * when asked.
 * @param {object} page  message(kind, text, options), setPlaying(bool), play(), emitState(),
 *   controls.render(state), state, options { autoplay, embedded, onFatal }; this sets
 *   page.engine, page.ready, page.goodState, and the engine's frames go to page.pendingFrame
 * @param {Function} Engine  the page's engine class (a WorkerClient)
 * @param {object} o
 * @param {string} o.loading          the notice shown while the engine loads
 * @param {Function} o.init           (state) -> promise: the engine's session for that state
 * @param {Function} o.fallback       (state) -> { state, note }: what replaces a refused state, and
 *                                    what the message adds ('' or a sentence with a space before)
 * @param {Function} [o.afterFallback] after the controls show the fallback state
 * @param {Function} [o.onReady]      right after the engine took the state (before the speed)
 * @param {Function} o.speedOf        (state) -> steps per second (0 = max)
 * @param {Function} o.cloneState     (state) -> a copy
 * @returns {Promise<boolean>}  false when no engine runs (the page has said why)
 */
export async function startEngine(page, Engine, o) {
  page.engine = new Engine({
    onFrame: (f) => { page.pendingFrame = f; },
    // training stopped on an engine error; the session is kept and stays usable
    onError: (msg) => {
      page.setPlaying(false);
      page.message('error', `Training stopped: ${msg}`);
    },
    onFatal: (msg) => engineFailed(page, msg),
  });
  const loading = page.message('notice', o.loading);
  try {
    await o.init(page.state);
  } catch (e) {
    loading.remove();
    if (page.engine.dead) return false;   // no engine at all: onFatal said how to get one
    const { state, note } = o.fallback(page.state);
    page.message('error', `These settings could not be used (${e.message}); the defaults are shown instead.${note}`);
    page.state = state;
    try {
      await o.init(page.state);
    } catch (e2) {
      page.message('error', `The training engine failed: ${e2.message}`);
      return false;
    }
    page.controls.render(page.state);
    if (o.afterFallback) o.afterFallback();
  }
  loading.remove();
  page.ready = true;
  if (o.onReady) o.onReady();
  page.goodState = o.cloneState(page.state);
  page.emitState();
  await page.engine.setSpeed(o.speedOf(page.state));
  if (page.options.autoplay) page.play();
  return true;
}

export class TrainingPage {
  /**
   * @param {HTMLElement} host  the element the page fills
   * @param {object} options  state, notices, controls ('full' | 'minimal' | 'none'), autoplay,
   *   keyTarget, shareBase (URL of this page for the share link), embedded, and the element's
   *   callbacks: onStateChange(state), onFrame(frame), onError(text), onFatal(text)
   * @param {{ speedOf(state): number, cloneState(state): object, defaultState(): object }} stateModule
   *   the page's state module: steps per second of a state (0 = max), a copy of a state, the defaults
   */
  constructor(host, options, { speedOf, cloneState, defaultState }) {
    this.host = host;
    this.options = options;
    this.speedOf = speedOf;
    this.copyState = cloneState;
    this.defaultState = defaultState;
    this.state = cloneState(options.state || defaultState());
    this.goodState = cloneState(this.state);   // the last state the engine accepted
    this.playing = false;
    this.ready = false;
    this.queue = Promise.resolve();
    this.lastFrame = null;
    this.pendingFrame = null;   // the newest frame from the worker, not drawn yet
    this.draws = 0;
    this.lastChart = 0;         // when the training charts were last drawn (the page's draw)
    this.firstFrame = new Promise((resolve) => { this.resolveFirstFrame = resolve; });
    this.loop = this.loop.bind(this);
  }

  /** The page's keyboard shortcuts: keydown events on options.keyTarget (or the host) go to onKey(page, ev). */
  listenKeys(onKey) {
    this.onKey = (ev) => onKey(this, ev);
    (this.options.keyTarget || this.host).addEventListener('keydown', this.onKey);
  }

  /** The notices of the URL (options.notices), shown once the page is built. */
  showNotices() {
    for (const n of this.options.notices || []) this.message('notice', n, { timeout: 12000 });
  }

  /** The engine with the fallback to the defaults (startEngine), and the animation loop. */
  startEngine(Engine, { loading, init, onReady }) {
    this.raf = requestAnimationFrame(this.loop);
    return startEngine(this, Engine, {
      loading, init, onReady,
      fallback: () => ({ state: this.defaultState(), note: '' }),
      afterFallback: () => this.showPanels(),
      speedOf: this.speedOf,
      cloneState: this.copyState,
    });
  }

  /** Each animation frame draws the newest frame from the worker (if any) and acks it. */
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

  /** The controls and the page's panels show this.state. */
  render() {
    this.controls.render(this.state);
    this.showPanels();
  }

  /** Runs fn after every earlier engine request (a failed one does not stop the queue). */
  enqueue(fn) {
    this.queue = this.queue.then(fn, fn);
    return this.queue;
  }

  play() {
    if (!this.ready) return;
    this.beforePlay();
    this.clearProblem();
    this.setPlaying(true);
    // Until the worker has the play request, a frame it sent before says "not playing": such a
    // frame must not pause the page again (see stoppedByWorker).
    this.playsInFlight = (this.playsInFlight || 0) + 1;
    const landed = () => { this.playsInFlight--; };
    this.enqueue(() => this.engine.play(this.speedOf(this.state))).then(landed, landed);
  }

  /** Whether `frame` says the worker stopped training by itself while the page plays. */
  stoppedByWorker(frame) {
    return this.playing && !this.playsInFlight && !frame.playing;
  }

  /** A page's hook before training starts (the recurrent page leaves its BPTT walk). */
  beforePlay() {}

  pause() {
    this.setPlaying(false);
    if (this.ready) this.enqueue(() => this.engine.pause());
  }

  step() {
    if (!this.ready) return;
    this.setPlaying(false);
    this.enqueue(() => this.engine.step(1).catch((e) => this.message('error', e.message)));
  }

  reset() {
    if (!this.ready) return;
    this.clearProblem();
    this.enqueue(async () => {
      await this.engine.reset();
      this.clearHistory();
    });
  }

  setPlaying(p) {
    this.playing = p;
    this.controls.setPlaying(p);
  }

  /** Removes the divergence (or stall) message, if one is shown. */
  clearProblem() {
    if (this.problem) this.problem.box.remove();
    this.problem = null;
  }

  /** The answer to a divergence: the learning rate state[key] ten times smaller. */
  lowerRate(key = 'learningRate') {
    this.clearProblem();
    this.update({ [key]: Math.max(1e-6, Number((this.state[key] / 10).toPrecision(3))) });
  }

  /** The engine refused a change (error e): say why, and show the last state it accepted again. */
  restoreGoodState(e) {
    this.message('error', `That change could not be made: ${e.message}`, { timeout: 12000 });
    this.state = this.copyState(this.goodState);
    this.render();
    this.emitState();
  }

  /** A model file was loaded (the page's files.js): its settings become the page's, paused. */
  applyLoaded(state) {
    this.state = this.copyState(state);
    this.goodState = this.copyState(state);
    this.clearHistory();
    this.clearProblem();
    this.setPlaying(false);
    this.render();
    this.emitState();
  }

  /** A state from the URL (boot.js): its notices shown, then applied as a change. */
  applyState(state, notices = []) {
    for (const n of notices) this.message('notice', n, { timeout: 8000 });
    return this.update(this.copyState(state));
  }

  emitState() {
    if (this.options.onStateChange) this.options.onStateChange(this.copyState(this.state));
  }

  /** A message box above the views (shared/messages.js); an error is the element's error event too. */
  message(kind, text, options = {}) {
    if (kind === 'error' && this.options.onError) this.options.onError(text);
    return showMessage(this.messages, kind, text, options, 5);
  }

  /**
   * What the browser tests reach on every page (the page's test hook adds its own): frames,
   * state, play and pause, the engine queue, the files.
   */
  commonTestHook() {
    const page = this;
    return {
      ready: page.firstFrame,
      get framesDrawn() { return page.draws; },
      frame: () => page.lastFrame,
      stats: () => (page.lastFrame ? { ...page.lastFrame.stats } : null),
      state: () => page.copyState(page.state),
      play: () => page.play(),
      pause: () => page.pause(),
      playing: () => page.playing,
      update: (patch) => page.update(patch),
      idle: () => page.queue.then(() => undefined),   // every queued engine change is done
      engineConfig: () => page.engine.config(),
      importModelText: (text, name) => page.files.importModelText(text, name),
      shareURL: () => page.files.shareURL(),
    };
  }

  destroy() {
    this.destroyed = true;
    cancelAnimationFrame(this.raf);
    if (this.onKey) (this.options.keyTarget || this.host).removeEventListener('keydown', this.onKey);
    if (this.engine) this.engine.dispose();
    this.destroyViews();
    clear(this.host);
  }

  /** A page's hook for views with resources of their own (charts), before the page is emptied. */
  destroyViews() {}
}
