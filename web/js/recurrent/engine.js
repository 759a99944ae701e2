// recurrent/engine.js: the recurrent page's only link to its training worker (recurrent/worker.js),
// which owns the wasm session. Requests are promises that resolve with the worker's result or
// reject with an Error (a RangeError for sizes) carrying the engine's message, which names the
// field. While playing, the worker streams frames to `onFrame`; the page calls `ack(seq)` after
// drawing one. The protocol is shared/worker-client.js, as for the static page's engine.js, with
// the requests every worker answers (play, pause, speed, frame, reset); this file adds this page's.

import { WorkerClient } from '../shared/worker-client.js';

export class RecurrentEngine extends WorkerClient {
  /** @param {{ onFrame: (frame) => void, onFatal: (message: string) => void }} handlers */
  constructor(handlers) {
    super(new URL('./worker.js', import.meta.url), handlers, 'The page was closed.');
  }

  /** mode: 'seq' | 'fp'; config: that session's config object; view: what to inspect. */
  init(mode, config, view) { return this.request('init', { mode, config, view }); }
  setConfig(mode, config, view) { return this.request('setConfig', { mode, config, view }); }
  /** Sequences: (training, truncation k); fixed point: (training, relax options). */
  updateTraining(training, extra) { return this.request('updateTraining', { training, extra }); }
  setView(view) { return this.request('setView', { view }); }
  step(steps = 1) { return this.request('step', { steps }); }
  stats() { return this.request('stats'); }
  /** Sequences: a fresh trace of the inspected sequence, as a frame carries it. */
  trace() { return this.request('trace'); }
  toJSON() { return this.request('toJSON'); }
  /** The session's config and the engine's config for {} (what the page does not set): { mode, config, defaults }. */
  config() { return this.request('config'); }
  loadJSON(text) { return this.request('loadJSON', { text }); }
}
