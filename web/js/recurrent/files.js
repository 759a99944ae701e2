// recurrent/files.js: the recurrent page's share link and model files (export, and an
// all-or-nothing import of either kind: sequence or fixed-point). The link, the download and the
// size check are the page kit's (shared/files.js PageFiles).

import { applySettings, serializeState, LIMITS } from './state.js';
import { PageFiles, fileLabel, sentence } from '../shared/files.js';

export class RecurrentFiles extends PageFiles {
  /**
   * @param {object} pg  the RecurrentPlayground: engine, state, lastFrame, options.shareBase,
   *   controls, enqueue(fn), message(), applyLoaded(state), viewOf(state)
   */
  constructor(pg) {
    super(pg, { serializeState, maxModelBytes: LIMITS.maxModelBytes });
  }

  modelFileName() {
    const s = this.page.state;
    const what = s.mode === 'fp' ? `fixed-point-${s.fpTask}` : `${s.task}-${s.cell}-T${s.length}`;
    const step = this.page.lastFrame ? this.page.lastFrame.stats.step : 0;
    return `recurrent-${what}-step${step}.json`;
  }

  modelText() {
    return this.page.engine.toJSON();
  }

  /**
   * Loads a model file of either kind, all or nothing: a bad file, or one whose settings this page
   * cannot show exactly (the worker checks, state.js importedSettings), changes nothing and says why.
   */
  async importModelText(text, name) {
    const pg = this.page;
    const shown = name === undefined ? 'the file' : fileLabel(name);
    const result = await this.loadQueued(() => pg.engine.loadJSON(text), (why) => this.refuse(shown, sentence(why)));
    if (!result) return false;
    pg.applyLoaded(applySettings(pg.state, result.settings));
    await pg.engine.setView(pg.viewOf(pg.state));
    pg.message('notice', `Loaded ${shown}.`, { timeout: 4000 });
    return true;
  }
}
