// embed.js: the one script a tutorial loads (docs/embed.md). It defines the three elements
// <backprop-playground>, <backprop-recurrent> and <backprop-digits>, each loading its page's
// code only once such an element is on the page (now or added later), so a tutorial with one
// playground does not download the other two pages. The built site's dist/embed.js loads this
// file from its versioned folder.

const ELEMENTS = {
  'backprop-playground': () => import('./playground/embed.js'),
  'backprop-recurrent': () => import('./recurrent/embed.js'),
  'backprop-digits': () => import('./digits/embed.js'),
};
const loading = new Map();

/** Loads the code of every element `root` holds (or is) that is not loaded yet. */
function loadFor(root) {
  for (const [tag, load] of Object.entries(ELEMENTS)) {
    if (loading.has(tag)) continue;
    if ((root.matches && root.matches(tag)) || (root.querySelector && root.querySelector(tag))) {
      loading.set(tag, load().catch((e) => {
        loading.delete(tag);
        console.error(`Backprop Playground: the code of <${tag}> could not be loaded (${e.message}).`);
      }));
    }
  }
}

/** Resolves when the element `tag` is defined (loading its code if needed). */
export function whenLoaded(tag) {
  if (!ELEMENTS[tag]) return Promise.reject(new Error(`<${String(tag).slice(0, 40)}> is not an element of Backprop Playground`));
  if (!loading.has(tag)) loading.set(tag, ELEMENTS[tag]());
  return loading.get(tag).then(() => customElements.whenDefined(tag));
}

loadFor(document);
new MutationObserver((records) => {
  if (loading.size === Object.keys(ELEMENTS).length) return;
  for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1) loadFor(n);
}).observe(document, { childList: true, subtree: true });
