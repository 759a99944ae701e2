// recurrent/engine.js: the recurrent page's only link to its training worker (recurrent/worker.js),
// which owns the wasm session. Requests are promises that resolve with the worker's result or
// reject with an Error (a RangeError for sizes) carrying the engine's message, which names the
// field. While playing, the worker streams frames to `onFrame`; the page calls `ack(seq)` after
// drawing one. The same protocol as the static page's engine.js, with this page's requests.

export class RecurrentEngine {
  /** @param {{ onFrame: (frame) => void, onFatal: (message: string) => void }} handlers */
  constructor({ onFrame, onFatal }) {
    this.onFrame = onFrame;
    this.onFatal = onFatal;
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
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else {
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

  request(cmd, args = {}) {
    if (this.dead) return Promise.reject(new Error('The training engine has stopped.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, cmd, ...args });
    });
  }

  ack(seq) {
    if (!this.dead) this.worker.postMessage({ cmd: 'ack', seq });
  }

  /** mode: 'seq' | 'fp'; config: that session's config object; view: what to inspect. */
  init(mode, config, view) { return this.request('init', { mode, config, view }); }
  setConfig(mode, config, view) { return this.request('setConfig', { mode, config, view }); }
  /** Sequences: (training, truncation k); fixed point: (training, relax options). */
  updateTraining(training, extra) { return this.request('updateTraining', { training, extra }); }
  setView(view) { return this.request('setView', { view }); }
  reset() { return this.request('reset'); }
  play(speed) { return this.request('play', { speed }); }
  pause() { return this.request('pause'); }
  setSpeed(speed) { return this.request('speed', { speed }); }
  step(steps = 1) { return this.request('step', { steps }); }
  stats() { return this.request('stats'); }
  /** Sequences: a fresh trace of the inspected sequence, as a frame carries it. */
  trace() { return this.request('trace'); }
  toJSON() { return this.request('toJSON'); }
  loadJSON(text) { return this.request('loadJSON', { text }); }
  requestFrame() { return this.request('frame'); }

  dispose() {
    if (this.dead) return;
    this.worker.postMessage({ id: 0, cmd: 'dispose' });
    this.dead = true;
    for (const p of this.pending.values()) p.reject(new Error('The page was closed.'));
    this.pending.clear();
    setTimeout(() => this.worker.terminate(), 50);
  }
}
