// shared/training-page.js: the run commands every page's composition root has, the same way:
// play, pause, one step, reset, the engine queue (requests in order, one at a time), applying a
// state from the URL, telling boot.js the state changed. A page's class extends TrainingPage
// and gives what is its own:
//   this.engine (start of its worker), this.state, this.controls (a ControlPanel), this.options
//   (onStateChange), this.ready, message(kind, text, options), update(patch),
//   clearProblem()   removes a divergence message; clearHistory() the curves; beforePlay() (optional)

export class TrainingPage {
  /**
   * @param {{ speedOf(state): number, cloneState(state): object }} stateModule  the page's state
   *   module's steps per second of a state (0 = max) and its copy of a state
   */
  constructor({ speedOf, cloneState }) {
    this.speedOf = speedOf;
    this.copyState = cloneState;
    this.playing = false;
    this.ready = false;
    this.queue = Promise.resolve();
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

  /** A state from the URL (boot.js): its notices shown, then applied as a change. */
  applyState(state, notices = []) {
    for (const n of notices) this.message('notice', n, { timeout: 8000 });
    return this.update(this.copyState(state));
  }

  emitState() {
    if (this.options.onStateChange) this.options.onStateChange(this.copyState(this.state));
  }
}
