// import-export.js: the playground's files and links: the share link, the model file (export and
// all-or-nothing import), the training history as CSV, a PyTorch script, the plot as PNG. The
// link, the model file's download and the size check are the page kit's (shared/files.js).

import { cloneState, serializeState } from './state.js';
import {
  historyToCSV, pytorchScript, inspectModelFile, fileName, SAMPLE_POINTS, MAX_MODEL_BYTES,
} from './export.js';
import { download } from '../shared/dom.js';
import { PageFiles, fileLabel } from '../shared/files.js';

export class ImportExport extends PageFiles {
  /**
   * @param {object} pg  the Playground: engine, state, lastFrame, history, boundary, controls,
   *   options.shareBase, playing, play(), pause(), enqueue(fn), message(), and what a loaded
   *   model resets (goodState, clearDivergence(), setPlaying(), emitState(), explainer)
   */
  constructor(pg) {
    super(pg, { serializeState, maxModelBytes: MAX_MODEL_BYTES });
  }

  exportCSV() {
    const pg = this.page;
    return download(fileName(pg.state, pg.lastFrame?.stats.epoch, 'csv'), historyToCSV(pg.history), 'text/csv');
  }

  modelFileName() {
    return fileName(this.page.state, this.page.lastFrame?.stats.epoch, 'json');
  }

  modelText() {
    return this.page.engine.toJSON();
  }

  /** Loads a model file's text; a bad file changes nothing and says why. */
  async importModelText(text, given) {
    const pg = this.page;
    const name = given === undefined ? 'the file' : fileLabel(given);
    const check = inspectModelFile(text);
    if (!check.ok) return this.refuse(name, check.message);
    const wasPlaying = pg.playing;
    pg.pause();   // the loaded model is shown as saved, not trained further
    const loaded = await this.loadQueued(() => pg.engine.loadJSON(text), (why) => this.refuse(name, why));
    if (!loaded) {
      if (wasPlaying) pg.play();   // nothing was changed: not even the playing
      return false;
    }
    // All or nothing: the worker took the model only if the state can hold its config exactly.
    const state = { ...cloneState(pg.state), ...loaded.settings };
    pg.state = state;
    pg.goodState = cloneState(state);
    pg.history.clear();
    pg.clearDivergence();
    pg.setPlaying(false);
    pg.controls.render(state);
    pg.emitState();
    pg.message('notice', `Loaded ${name}.`, { timeout: 4000 });
    if (pg.explainer.active) pg.explainer.refresh();
    return true;
  }

  async exportPyTorch() {
    const pg = this.page;
    try {
      const snap = await pg.engine.snapshot();
      const out = await pg.engine.predict(SAMPLE_POINTS.flat());
      const K = snap.layout.outputs || 1;
      const outputs = SAMPLE_POINTS.map((_, i) => Array.from(out.slice(i * K, (i + 1) * K)));
      const script = pytorchScript({
        layout: snap.layout, weights: snap.weights, biases: snap.biases,
        samples: { xy: SAMPLE_POINTS, outputs },
        title: `${pg.state.dataset}, hidden [${pg.state.hidden.join(', ')}], epoch ${Math.floor(snap.stats.epoch)}`,
        link: this.shareURL(),
      });
      download(fileName(pg.state, snap.stats.epoch, 'py'), script, 'text/x-python');
    } catch (e) {
      pg.message('error', `The PyTorch script could not be made: ${e.message}`);
    }
  }

  async exportPNG() {
    const pg = this.page;
    try {
      download(fileName(pg.state, pg.lastFrame?.stats.epoch, 'png'), await pg.boundary.toPNG(), 'image/png');
    } catch (e) {
      pg.message('error', e.message);
    }
  }
}
