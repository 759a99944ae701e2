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
