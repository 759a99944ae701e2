// shared/embed-parts.js: small helpers the pages' embed.js files share (shared/embed-element.js
// is the element itself).

/** Absolute URLs of stylesheets given relative to the web/ folder, from a file in web/js/<page>/. */
export function stylesheetURLs(fromModule, files) {
  return files.map((f) => new URL(`../../${f}`, fromModule).href);
}

/** The field row (label and input) of the control named `name` (a state property), or null. */
export function controlByName(root, name) {
  if (!name) return null;
  const input = root.querySelector(`[name="${CSS.escape(name)}"]`);
  if (!input) return null;
  return input.closest('.bp-field, .bp-inline-check') || input;
}

/** What a lesson may highlight on every page: the run bar (shared/widgets.js runBar). */
export const RUN_BAR_REGIONS = {
  play: '.bp-play-btn',
  step: '.bp-runbar .bp-round-btn:nth-child(3)',
  reset: '.bp-runbar .bp-round-btn:first-child',
};

/** The element's commands as every page's engine and files answer them (a page may override one). */
export const PAGE_COMMANDS = {
  step: (pg, n) => pg.enqueue(() => pg.engine.step(n)),
  exportModel: (pg) => pg.engine.toJSON(),
  loadModel: (pg, text) => pg.files.importModelText(text),
};

/** How much of the gradient reaches the first entry of g (a layer, a time step) from the last. */
export function gradientRatio(g) {
  return g && g.length > 1 && g[g.length - 1] > 0 ? g[0] / g[g.length - 1] : NaN;
}

/** The figures every page's frames give (lesson conditions may use them); a page may add its own. */
export const FIGURE_NAMES = ['epoch', 'step', 'trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy'];

/**
 * The spec of a page's element (shared/embed-element.js defineBackpropElement) from its state
 * module and what is the page's own. What comes from the kit: the state functions, the link text
 * of the settings (state.settingsText), a setting's control (by its FIELDS entry), the run bar's
 * regions, the common commands, the common figure names, and the stylesheets around the page's
 * own (uPlot and playground.css before them, lesson.css after).
 * @param {string} fromModule  import.meta.url of the page's embed.js
 * @param {object} state  the page's state.js: parseState, splitParams, settingsText, defaultState,
 *   STATE_KEYS, FIELDS
 * @param {object} own  tag, Page, file, label, aliases, figuresOf, and optional css (the page's
 *   stylesheets, relative to web/), figures (more figure names), regions, api
 */
export function pageElementSpec(fromModule, state, { css = [], figures = [], regions = {}, api = {}, ...own }) {
  return {
    states: { parseState: state.parseState, splitParams: state.splitParams, STATE_KEYS: state.STATE_KEYS, defaultState: state.defaultState },
    settingsText: state.settingsText,
    stylesheets: stylesheetURLs(fromModule, ['vendor/uPlot.min.css', 'css/playground.css', ...css, 'css/lesson.css']),
    figureNames: [...FIGURE_NAMES, ...figures],
    regions: { ...RUN_BAR_REGIONS, ...regions },
    controlOf: (root, key) => controlByName(root, state.FIELDS.find((f) => f.key === key)?.prop),
    api: { ...PAGE_COMMANDS, ...api },
    ...own,
  };
}
