// digits/keys.js: the digits page's keyboard shortcuts (as on the other pages: space play/pause,
// s one step, r reset; and c clear the drawing, u or Ctrl+Z undo a stroke, e explain mode), and the hook the
// browser tests reach the page through (window.__digits; nothing else uses it).

import { cloneState } from './state.js';

export function onKey(page, ev) {
  if (ev.defaultPrevented || ev.altKey || ev.metaKey) return;
  const target = ev.composedPath ? ev.composedPath()[0] : ev.target;
  const tag = target && target.tagName ? target.tagName.toLowerCase() : '';
  if (['input', 'select', 'textarea'].includes(tag) || (target && target.isContentEditable)) return;
  const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
  if (ev.ctrlKey) {
    if (key === 'z') {
      ev.preventDefault();
      page.action('undo');
    }
    return;
  }
  if (key === ' ') {
    if (tag === 'button') return;   // a focused button takes space itself
    ev.preventDefault();
    page.action('togglePlay');
  } else if (key === 's') {
    ev.preventDefault();
    page.step();
  } else if (key === 'r') {
    ev.preventDefault();
    page.reset();
  } else if (key === 'c') {
    ev.preventDefault();
    page.action('clear');
  } else if (key === 'u') {
    ev.preventDefault();
    page.action('undo');
  } else if (key === 'e') {
    ev.preventDefault();
    page.views.setExplain(!page.views.explain);
  }
}

export function testHook(page) {
  return {
    ready: page.firstFrame,
    get framesDrawn() { return page.draws; },
    frame: () => page.lastFrame,
    stats: () => (page.lastFrame ? { ...page.lastFrame.stats } : null),
    figures: () => (page.lastFrame ? page.lastFrame.figures : null),
    state: () => cloneState(page.state),
    info: () => page.info,
    play: () => page.play(),
    pause: () => page.pause(),
    playing: () => page.playing,
    update: (patch) => page.update(patch),
    idle: () => page.queue.then(() => undefined),
    engineConfig: () => page.engine.config(),
    evaluate: () => page.engine.evaluate(),
    /** Trains (paused) up to exactly `step` steps: the same weights however the steps were split. */
    trainTo: async (step) => {
      page.pause();
      await page.queue;
      const now = page.lastFrame ? page.lastFrame.stats.step : 0;
      return step > now ? page.engine.step(step - now) : page.lastFrame.stats;
    },
    saveModel: () => page.engine.saveModel(),
    importModelText: (text, name) => page.files.importModelText(text, name),
    pytorchText: () => page.files.pytorchText(),
    shareURL: () => page.files.shareURL(),
    probabilities: () => (page.v.probs.probs ? [...page.v.probs.probs] : null),
    inputPixels: () => (page.input.pixels ? Array.from(page.input.pixels) : null),
    drawLatencyMs: () => page.input.timing.lastMs,
    clearDrawing: () => page.v.pad.clear(),
    explainState: () => ({ explain: page.views.explain, selection: page.views.selection, numeric: page.views.numeric, first: page.views.firstWeight }),
  };
}
