// recurrent/files.js: the recurrent page's share link and model files (export, and an
// all-or-nothing import of either kind: sequence or fixed-point).

import { applySettings, cloneState, serializeState, LIMITS } from './state.js';
import { download } from '../shared/dom.js';
import { shareURL, copyLink, fileLabel, sentence } from '../shared/files.js';

export class RecurrentFiles {
  /**
   * @param {object} pg  the RecurrentPlayground: engine, state, lastFrame, options.shareBase,
   *   controls, enqueue(fn), message(), and what a loaded model resets (goodState,
   *   clearHistory(), clearProblem(), setPlaying(), showMode(), emitState(), viewOf())
   */
  constructor(pg) {
    this.pg = pg;
  }

  /** The link that reproduces this page. */
  shareURL() {
    return shareURL(this.pg.options.shareBase, serializeState(this.pg.state));
  }

  async share() {
    const url = this.shareURL();
    this.pg.controls.showShareLink(url, await copyLink(url));
  }

  fileName() {
    const s = this.pg.state;
    const what = s.mode === 'fp' ? `fixed-point-${s.fpTask}` : `${s.task}-${s.cell}-T${s.length}`;
    const step = this.pg.lastFrame ? this.pg.lastFrame.stats.step : 0;
    return `recurrent-${what}-step${step}.json`;
  }

  async exportModel() {
    try {
      download(this.fileName(), await this.pg.engine.toJSON(), 'application/json');
    } catch (e) {
      this.pg.message('error', `The model could not be exported: ${e.message}`);
    }
  }

  async importModel(file) {
    if (file.size > LIMITS.maxModelBytes) {
      this.pg.message('error', `"${fileLabel(file.name)}" is too large to be a model file (limit 16 MB). Nothing was changed.`);
      return false;
    }
    return this.importModelText(await file.text(), file.name);
  }

  /**
   * Loads a model file of either kind, all or nothing: a bad file, or one whose settings this page
   * cannot show exactly (the worker checks, state.js importedSettings), changes nothing and says why.
   */
  async importModelText(text, name) {
    const pg = this.pg;
    const shown = name === undefined ? 'the file' : fileLabel(name);
    let result = null;
    await pg.enqueue(async () => {
      try {
        result = await pg.engine.loadJSON(text);
      } catch (e) {
        pg.message('error', `Could not load ${shown}: ${sentence(e.message)} Nothing was changed.`, { timeout: 15000 });
      }
    });
    if (!result) return false;
    const state = applySettings(pg.state, result.settings);
    pg.state = state;
    pg.goodState = cloneState(state);
    pg.clearHistory();
    pg.clearProblem();
    pg.setPlaying(false);
    pg.controls.render(state);
    pg.showMode();
    pg.emitState();
    await pg.engine.setView(pg.viewOf(state));
    pg.message('notice', `Loaded ${shown}.`, { timeout: 4000 });
    return true;
  }
}
