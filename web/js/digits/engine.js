// digits/engine.js: the digits page's only link to its training worker (digits/worker.js), which
// owns the wasm ImageSession. Requests are promises that resolve with the worker's result or
// reject with an Error carrying the engine's message (it names the field or the layer and its
// shapes). While playing, the worker streams frames to `onFrame`; the page acks each one it draws.
// The protocol is shared/worker-client.js, with the requests every worker answers (play, pause,
// speed, frame, reset); this file adds this page's.

import { WorkerClient } from '../shared/worker-client.js';

export class DigitsEngine extends WorkerClient {
  /** @param {{ onFrame, onFatal, onError }} handlers */
  constructor(handlers) {
    super(new URL('./worker.js', import.meta.url), handlers, 'The page was closed.');
  }

  /** config: docs/image-models.md. Resolves with { config, kind, image, layers, params, ... }. */
  init(config) { return this.request('init', { config }); }
  setConfig(config) { return this.request('setConfig', { config }); }
  updateTraining(training) { return this.request('updateTraining', { training }); }
  step(steps = 1) { return this.request('step', { steps }); }
  /** The drawing as the network sees it (Float64Array R·C) or null; resolves with the prediction. */
  setInput(pixels) { return this.request('setInput', { pixels }); }
  evaluate() { return this.request('evaluate'); }
  cellDigits(t, p, max = 60) { return this.request('cellDigits', { t, p, max }); }
  /** The views' numbers (digits/worker-views.js): opts { index, label }. */
  viewData(opts = {}) { return this.request('viewData', opts); }
  decode(codes) { return this.request('decode', { codes }); }
  numericGradient(opts) { return this.request('numericGradient', opts); }
  config() { return this.request('config'); }
  saveModel() { return this.request('saveModel'); }
  loadModel(text, dataName) { return this.request('loadModel', { text, dataName }); }
  samples(count = 3) { return this.request('samples', { count }); }
}
