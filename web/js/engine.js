// engine.js: the page's only link to the training worker (worker.js), which owns the wasm module.
//
// Requests are promises: `await engine.request('setConfig', { config })` resolves with the
// worker's result or rejects with an Error carrying the engine's own message (which names the
// field and the allowed range). While playing, the worker streams frames; `onFrame` receives
// them and the page calls `ack(seq)` once it has drawn one, which lets the worker send more.

export class Engine {
  /**
   * @param {{ onFrame: (frame) => void, onFatal: (message: string) => void,
   *           onError: (message: string) => void }} handlers  onFatal: the worker is gone;
   *           onError: training stopped on an engine error (the session is still usable)
   */
  constructor({ onFrame, onFatal, onError }) {
    this.onFrame = onFrame;
    this.onFatal = onFatal;
    this.onError = onError;
    this.pending = new Map();
    this.nextId = 1;
    this.dead = false;
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev) => this.receive(ev.data);
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      this.fail(`The training engine could not start (${ev.message || 'the worker failed to load'}).`);
    };
    this.worker.onmessageerror = () => this.fail('The training engine sent a message the page could not read.');
  }

  receive(msg) {
    if (!msg) return;
    if (msg.type === 'frame') {
      if (this.onFrame) this.onFrame(msg.frame);
      return;
    }
    if (msg.type === 'error') {   // the training loop stopped on an engine error
      if (this.onError) this.onError(msg.message);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.ok) {
      p.resolve(msg.result);
    } else {
      const E = msg.error && msg.error.name === 'RangeError' ? RangeError : Error;
      p.reject(new E(msg.error ? msg.error.message : 'unknown engine error'));
    }
  }

  fail(message) {
    if (this.dead) return;
    this.dead = true;
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
    if (this.onFatal) this.onFatal(message);
  }

  /** Sends a request; resolves with the worker's answer. */
  request(cmd, args = {}, transfer = []) {
    if (this.dead) return Promise.reject(new Error('The training engine has stopped.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, cmd, ...args }, transfer);
    });
  }

  /** Frames up to `seq` were drawn (or skipped): the worker may send more. */
  ack(seq) {
    if (!this.dead) this.worker.postMessage({ cmd: 'ack', seq });
  }

  init(config, options = {}) { return this.request('init', { config, grid: options.grid, thumb: options.thumb }); }
  setConfig(config) { return this.request('setConfig', { config }); }
  updateTraining(training) { return this.request('updateTraining', { training }); }
  setPoints(flat) {
    const points = Float64Array.from(flat);
    return this.request('setPoints', { points }, [points.buffer]);
  }
  reset() { return this.request('reset'); }
  play(speed) { return this.request('play', { speed }); }
  pause() { return this.request('pause'); }
  setSpeed(speed) { return this.request('speed', { speed }); }
  step(epochs = 1) { return this.request('step', { epochs }); }
  setWeight(layer, i, j, value) { return this.request('setWeight', { layer, i, j, value }); }
  hover(node) { return this.request('hover', { node }); }
  predict(xy) { return this.request('predict', { xy: Float64Array.from(xy) }); }
  stats() { return this.request('stats'); }
  toJSON() { return this.request('toJSON'); }
  loadJSON(text) { return this.request('loadJSON', { text }); }
  snapshot() { return this.request('snapshot'); }
  previews(specs) { return this.request('previews', { specs }); }
  gradCheck() { return this.request('gradCheck'); }
  // explain mode: each answer holds copies of the core's own numbers (docs/wasm-api.md)
  /** Explains points [x, y, ...] with one label each: one cycle's trace; changes nothing. */
  explain(xy, labels) { return this.request('explain', { xy: Float64Array.from(xy), labels: Float64Array.from(labels) }); }
  /** Explains the mini-batch the next training step would use. */
  explainBatch() { return this.request('explainBatch'); }
  /** Applies the explained update as one training step; resolves with the new stats. */
  commitExplained() { return this.request('commitExplained'); }
  /** ∂L/∂W_layer(i, j) written out, with the core's numeric gradient. */
  chainRule(layer, i, j) { return this.request('chainRule', { layer, i, j }); }
  /** ∂output_k/∂(x, y) at points [x, y, ...]: N·K·2 values. */
  jacobian(xy) { return this.request('jacobian', { xy: Float64Array.from(xy) }); }
  /** side > 0: every frame carries the Jacobian on a side × side grid; 0 stops it. */
  jacobianField(side) { return this.request('jacobianField', { side }); }
  requestFrame() { return this.request('frame'); }

  dispose() {
    if (this.dead) return;
    this.worker.postMessage({ id: 0, cmd: 'dispose' });
    this.dead = true;
    for (const p of this.pending.values()) p.reject(new Error('The playground was closed.'));
    this.pending.clear();
    // give the worker a moment to free the wasm session, then end it
    setTimeout(() => this.worker.terminate(), 50);
  }
}
