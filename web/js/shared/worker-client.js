// shared/worker-client.js: the page side of the protocol both pages speak with their training
// worker (web/js/playground/worker.js and web/js/recurrent/worker.js), the one piece of engine code the two
// pages share. Each page's engine (engine.js, recurrent/engine.js) extends it with its requests.
//
//   page -> worker  { id, cmd, ...args }   a request; answered { id, ok, result | error }
//                   { cmd: 'ack', seq }     frames up to seq were drawn: the worker may send more
//   worker -> page  { type: 'frame', frame }   while playing
//                   { type: 'error', message } the training loop stopped on an engine error
//
// Requests are promises that resolve with the worker's result or reject with an Error (a
// RangeError for sizes) carrying the engine's own message, which names the field.

import { startWorker } from './worker-start.js';

export class WorkerClient {
  /**
   * @param {URL} url  the worker module (resolved by the subclass against its own file)
   * @param {{ onFrame?: (frame) => void, onFatal?: (message: string) => void,
   *           onError?: (message: string) => void }} handlers  onFatal: the worker is gone;
   *           onError: training stopped on an engine error (the session is still usable)
   * @param {string} closedMessage  the rejection of requests still pending at dispose()
   */
  constructor(url, { onFrame, onFatal, onError } = {}, closedMessage = 'The page was closed.') {
    this.onFrame = onFrame;
    this.onFatal = onFatal;
    this.onError = onError;
    this.closedMessage = closedMessage;
    this.pending = new Map();
    this.nextId = 1;
    this.dead = false;
    const { worker, early } = startWorker(url);  // perhaps started early by embed.js
    this.worker = worker;
    const startFailed = (ev) => {
      ev.preventDefault();
      this.fail(`The training engine could not start (${ev.message || 'the worker failed to load'}).`);
    };
    worker.onmessage = (ev) => this.receive(ev.data);
    worker.onerror = startFailed;
    worker.onmessageerror = () => this.fail('The training engine sent a message the page could not read.');
    for (const ev of early) (ev.type === 'message' ? this.receive(ev.data) : startFailed(ev));
  }

  receive(msg) {
    if (!msg) return;
    if (msg.type === 'frame') {
      if (this.onFrame) this.onFrame(msg.frame);
      return;
    }
    if (msg.type === 'error') {
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
      // the engine itself did not load (worker-loop.js startEngine): there is no engine
      if (msg.error && msg.error.name === 'EngineLoadError') this.fail(msg.error.message);
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

  // ---- the requests every page's worker answers: its loop's own (shared/worker-loop.js) and reset

  play(speed) { return this.request('play', { speed }); }
  pause() { return this.request('pause'); }
  /** Steps (or epochs) per second while playing; 0 = as fast as it can. */
  setSpeed(speed) { return this.request('speed', { speed }); }
  /** A frame now, even when paused (the page asks after a change it wants drawn). */
  requestFrame() { return this.request('frame'); }
  /** New weights from the weight seed; the data and settings stay. */
  reset() { return this.request('reset'); }

  /** Frames up to `seq` were drawn (or skipped): the worker may send more. */
  ack(seq) {
    if (!this.dead) this.worker.postMessage({ cmd: 'ack', seq });
  }

  dispose() {
    if (this.dead) return;
    this.worker.postMessage({ id: 0, cmd: 'dispose' });
    this.dead = true;
    for (const p of this.pending.values()) p.reject(new Error(this.closedMessage));
    this.pending.clear();
    // give the worker a moment to free the wasm session, then end it
    setTimeout(() => this.worker.terminate(), 50);
  }
}
