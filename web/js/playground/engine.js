// engine.js: the page's only link to the training worker (worker.js), which owns the wasm module.
// The protocol itself (requests, frames, acks, failure) is shared/worker-client.js.
//
// Requests are promises: `await engine.request('setConfig', { config })` resolves with the
// worker's result or rejects with an Error carrying the engine's own message (which names the
// field and the allowed range). While playing, the worker streams frames; `onFrame` receives
// them and the page calls `ack(seq)` once it has drawn one, which lets the worker send more.

import { WorkerClient } from '../shared/worker-client.js';

export class Engine extends WorkerClient {
  /**
   * @param {{ onFrame: (frame) => void, onFatal: (message: string) => void,
   *           onError: (message: string) => void }} handlers  onFatal: the worker is gone;
   *           onError: training stopped on an engine error (the session is still usable)
   */
  constructor(handlers) {
    super(new URL('./worker.js', import.meta.url), handlers, 'The playground was closed.');
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
  /** { config, defaults, classes, knowsTask }: what the engine runs, and its defaults. */
  config() { return this.request('config'); }
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
}
