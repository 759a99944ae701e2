// digits/files.js: the page's files and links: the share link, the model file (export, and an
// all-or-nothing import: a bad file changes nothing and says why), and the PyTorch script. The
// pure parts (the script, file names, the first check of a file) are digits/export.js; the link,
// the clipboard and the file label are the page kit's (shared/files.js).

import { download } from '../shared/dom.js';
import { shareURL, copyLink, fileLabel, sentence } from '../shared/files.js';
import { serializeState, LIMITS } from './state.js';
import { stateFromConfig } from './model-settings.js';
import { pytorchScript, fileName, inspectModelText } from './export.js';

export class DigitsFiles {
  /** @param {object} page  the DigitsPage (engine, state, message, enqueue, applyLoaded, shareBase) */
  constructor(page) {
    this.page = page;
  }

  shareURL() {
    return shareURL(this.page.options.shareBase, serializeState(this.page.state));
  }

  async share() {
    const url = this.shareURL();
    this.page.controls.showShareLink(url, await copyLink(url));
  }

  step() {
    const f = this.page.lastFrame;
    return f && f.stats ? f.stats.step : 0;
  }

  async exportModel() {
    try {
      download(fileName(this.page.state, this.step()), await this.page.engine.saveModel(), 'application/json');
    } catch (e) {
      this.page.message('error', `The model could not be exported: ${e.message}`);
    }
  }

  /** The script, and the model file beside it (the script reads its weights from that file). */
  async pytorchText() {
    const { engine } = this.page;
    const info = await engine.config();
    const samples = await engine.samples(3);
    return pytorchScript({
      config: info.config, image: info.image, modelFile: fileName(this.page.state, this.step()),
      samples, link: this.shareURL(),
    });
  }

  async exportPyTorch() {
    try {
      const script = await this.pytorchText();
      download(fileName(this.page.state, this.step(), 'py'), script, 'text/x-python');
      await this.exportModel();
      this.page.message('notice', 'Saved the PyTorch script and the model file it reads the weights from (keep them in one folder).', { timeout: 8000 });
    } catch (e) {
      this.page.message('error', `The PyTorch script could not be made: ${e.message}`);
    }
  }

  async importModel(file) {
    if (file.size > LIMITS.maxModelBytes) {
      this.page.message('error', `"${fileLabel(file.name)}" is too large to be a model file (limit 16 MB). Nothing was changed.`);
      return false;
    }
    return this.importModelText(await file.text(), file.name);
  }

  /** All or nothing: the engine must accept it and the page must be able to show its settings. */
  async importModelText(text, name) {
    const page = this.page;
    const shown = name === undefined ? 'the file' : `"${fileLabel(name)}"`;
    const fail = (why) => {
      page.message('error', `Could not load ${shown}: ${sentence(why)} Nothing was changed.`, { timeout: 15000 });
      return false;
    };
    const first = inspectModelText(text);
    if (first.error) return fail(first.error);
    const mapped = stateFromConfig(first.config, page.state);
    if (mapped.error) return fail(mapped.error);
    let info = null;
    await page.enqueue(async () => {
      try {
        info = await page.engine.loadModel(text, first.config.data.name);
      } catch (e) {
        fail(e.message);
      }
    });
    if (!info) return false;
    page.applyLoaded(mapped.state, info);
    page.message('notice', `Loaded ${shown}.`, { timeout: 4000 });
    return true;
  }
}
