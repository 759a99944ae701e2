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
