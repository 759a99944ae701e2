// digits/files.js: the page's files and links: the share link, the model file (export, and an
// all-or-nothing import: a bad file changes nothing and says why), and the PyTorch script. The
// pure parts (the script, file names, the first check of a file) are digits/export.js; the link,
// the clipboard, the model file's download, the size check and the file label are the page
// kit's (shared/files.js PageFiles).

import { download } from '../shared/dom.js';
import { PageFiles, fileLabel, sentence } from '../shared/files.js';
import { serializeState, LIMITS } from './state.js';
import { stateFromConfig } from './model-settings.js';
import { pytorchScript, fileName, inspectModelText } from './export.js';

export class DigitsFiles extends PageFiles {
  /** @param {object} page  the DigitsPage (engine, state, message, enqueue, applyLoaded, shareBase) */
  constructor(page) {
    super(page, { serializeState, maxModelBytes: LIMITS.maxModelBytes });
  }

  step() {
    const f = this.page.lastFrame;
    return f && f.stats ? f.stats.step : 0;
  }

  modelFileName() {
    return fileName(this.page.state, this.step());
  }

  modelText() {
    return this.page.engine.saveModel();
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

  /** All or nothing: the engine must accept it and the page must be able to show its settings. */
  async importModelText(text, name) {
    const page = this.page;
    const shown = name === undefined ? 'the file' : `"${fileLabel(name)}"`;
    const fail = (why) => this.refuse(shown, sentence(why));
    const first = inspectModelText(text);
    if (first.error) return fail(first.error);
    const mapped = stateFromConfig(first.config, page.state);
    if (mapped.error) return fail(mapped.error);
    const info = await this.loadQueued(() => page.engine.loadModel(text, first.config.data.name), fail);
    if (!info) return false;
    page.applyLoaded(mapped.state, info);
    page.message('notice', `Loaded ${shown}.`, { timeout: 4000 });
    return true;
  }
}
