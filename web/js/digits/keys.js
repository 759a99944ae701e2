// digits/keys.js: the digits page's keyboard shortcuts (as on the other pages, shared/keys.js:
// space play/pause, s one step, r reset; and c clear the drawing, u or Ctrl+Z undo a stroke,
// e explain mode), and the hook the browser tests reach the page through (window.__digits;
// nothing else uses it).

import { shortcutKey, runKey } from '../shared/keys.js';

export function onKey(page, ev) {
  const k = shortcutKey(ev);
  if (!k) return;
  const { key } = k;
  if (ev.ctrlKey) {
    if (key === 'z') {
      ev.preventDefault();
      page.action('undo');
    }
    return;
  }
  if (runKey(page, ev, k)) return;
  if (key === 'c') {
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

/** The test hook: every page's (shared/training-page.js commonTestHook), and the digits' own. */
export function testHook(page) {
  return Object.assign(page.commonTestHook(), {
    figures: () => (page.lastFrame ? page.lastFrame.figures : null),
    info: () => page.info,
    evaluate: () => page.engine.evaluate(),
    /** Trains (paused) up to exactly `step` steps: the same weights however the steps were split. */
    trainTo: async (step) => {
      page.pause();
      await page.queue;
      const now = page.lastFrame ? page.lastFrame.stats.step : 0;
      return step > now ? page.engine.step(step - now) : page.lastFrame.stats;
    },
    saveModel: () => page.engine.saveModel(),
    pytorchText: () => page.files.pytorchText(),
    probabilities: () => (page.v.probs.probs ? [...page.v.probs.probs] : null),
    inputPixels: () => (page.input.pixels ? Array.from(page.input.pixels) : null),
    drawLatencyMs: () => page.input.timing.lastMs,
    clearDrawing: () => page.v.pad.clear(),
    explainState: () => ({ explain: page.views.explain, selection: page.views.selection, numeric: page.views.numeric, first: page.views.firstWeight }),
  });
}
