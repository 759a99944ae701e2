// import-export.js: the playground's files and links: the share link, the model file (export and
// all-or-nothing import), the training history as CSV, a PyTorch script, the plot as PNG.

import { cloneState, serializeState } from './state.js';
import {
  historyToCSV, pytorchScript, inspectModelFile, fileName, SAMPLE_POINTS, MAX_MODEL_BYTES,
} from './export.js';
import { download } from '../shared/dom.js';
import { shareURL, copyLink, fileLabel } from '../shared/files.js';

export class ImportExport {
  /**
   * @param {object} pg  the Playground: engine, state, lastFrame, history, boundary, controls,
   *   options.shareBase, playing, play(), pause(), enqueue(fn), message(), and what a loaded
   *   model resets (goodState, clearDivergence(), setPlaying(), emitState(), explainer)
   */
  constructor(pg) {
    this.pg = pg;
  }

  /** The link that reproduces this playground. */
  shareURL() {
    return shareURL(this.pg.options.shareBase, serializeState(this.pg.state));
  }

  async share() {
    const url = this.shareURL();
    this.pg.controls.showShareLink(url, await copyLink(url));
  }

  exportCSV() {
    const pg = this.pg;
    return download(fileName(pg.state, pg.lastFrame?.stats.epoch, 'csv'), historyToCSV(pg.history), 'text/csv');
  }

  async exportModel() {
    const pg = this.pg;
    try {
      const json = await pg.engine.toJSON();
      download(fileName(pg.state, pg.lastFrame?.stats.epoch, 'json'), json, 'application/json');
    } catch (e) {
      pg.message('error', `The model could not be exported: ${e.message}`);
    }
  }

  /** Loads a model file; a bad file changes nothing and says why. */
  async importModel(file) {
    if (file.size > MAX_MODEL_BYTES) {
      this.pg.message('error', `"${fileLabel(file.name)}" is too large to be a model file (limit 16 MB). Nothing was changed.`);
      return;
    }
    const text = await file.text();
    return this.importModelText(text, file.name);
  }

  async importModelText(text, given) {
    const pg = this.pg;
    const name = given === undefined ? 'the file' : fileLabel(given);
    const check = inspectModelFile(text);
    if (!check.ok) {
      pg.message('error', `Could not load ${name}: ${check.message} Nothing was changed.`, { timeout: 15000 });
      return false;
    }
    let loaded = null;
    const wasPlaying = pg.playing;
    pg.pause();   // the loaded model is shown as saved, not trained further
    await pg.enqueue(async () => {
      try {
        loaded = await pg.engine.loadJSON(text);
      } catch (e) {
        pg.message('error', `Could not load ${name}: ${e.message} Nothing was changed.`, { timeout: 15000 });
      }
    });
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
    const pg = this.pg;
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
    const pg = this.pg;
    try {
      download(fileName(pg.state, pg.lastFrame?.stats.epoch, 'png'), await pg.boundary.toPNG(), 'image/png');
    } catch (e) {
      pg.message('error', e.message);
    }
  }
}
