// shared/files.js: what every page's share link and model files have in common: the link that
// reproduces the page, a file name as a message shows it, an engine message as a sentence, and
// PageFiles, the part of a page's files object that is the same on every page.

import { download } from './dom.js';

/** The URL of shareBase (or this page) with the state's hash. */
export function shareURL(shareBase, hash) {
  const base = new URL(shareBase || window.location.href);
  base.hash = hash;
  return base.toString();
}

/** Copies a link to the clipboard; false when the page may not (the link is shown to copy by hand). */
export async function copyLink(url) {
  try {
    await navigator.clipboard.writeText(url);
    return true;
  } catch {
    return false;
  }
}

/**
 * A file name as a message shows it: control characters (and bidirectional overrides) dropped,
 * and cut to 60 characters with an ellipsis (a name can be any length; the message stays short).
 */
export function fileLabel(name) {
  // eslint-disable-next-line no-control-regex
  const clean = String(name).replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
  const chars = [...clean];   // (by code point: a cut never splits a surrogate pair)
  return chars.length > 60 ? `${chars.slice(0, 59).join('')}…` : clean;
}

/** An engine message as a sentence (a full stop at its end). */
export function sentence(text) {
  const t = String(text).trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/**
 * What a page's files object does the same way on every page: the share link, the model file's
 * download, the size check of a file to import, loading in the engine queue, the refusal. A
 * page's files class extends it with modelFileName(), modelText() (the engine's model file) and
 * importModelText(text, name) (all or nothing: a bad file changes nothing and says why).
 */
export class PageFiles {
  /**
   * @param {object} page  the page: options.shareBase, state, engine, controls.showShareLink(url,
   *   copied), enqueue(fn), message(kind, text, options)
   * @param {{ serializeState(state): string, maxModelBytes: number }} o  the page's link text of a
   *   state, and the largest model file it reads
   */
  constructor(page, { serializeState, maxModelBytes }) {
    this.page = page;
    this.serializeState = serializeState;
    this.maxModelBytes = maxModelBytes;
  }

  /** The link that reproduces this page. */
  shareURL() {
    return shareURL(this.page.options.shareBase, this.serializeState(this.page.state));
  }

  async share() {
    const url = this.shareURL();
    this.page.controls.showShareLink(url, await copyLink(url));
  }

  async exportModel() {
    try {
      download(this.modelFileName(), await this.modelText(), 'application/json');
    } catch (e) {
      this.page.message('error', `The model could not be exported: ${e.message}`);
    }
  }

  /** Loads a model file the user picked (a File); resolves true when it was loaded. */
  async importModel(file) {
    if (file.size > this.maxModelBytes) {
      this.page.message('error', `"${fileLabel(file.name)}" is too large to be a model file (limit 16 MB). Nothing was changed.`);
      return false;
    }
    return this.importModelText(await file.text(), file.name);
  }

  /**
   * Runs load() after every earlier engine request; resolves with its result, or with null when
   * it threw (fail(message) was told why).
   */
  async loadQueued(load, fail) {
    let result = null;
    await this.page.enqueue(async () => {
      try {
        result = await load();
      } catch (e) {
        fail(e.message);
      }
    });
    return result;
  }

  /** A file that was not loaded: why, and that nothing changed. Returns false. */
  refuse(shown, why) {
    this.page.message('error', `Could not load ${shown}: ${why} Nothing was changed.`, { timeout: 15000 });
    return false;
  }
}
