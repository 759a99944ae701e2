// embed.js: the one script a tutorial loads (docs/embed.md). It defines the three elements
// <backprop-playground>, <backprop-recurrent> and <backprop-digits>, each loading its page's
// code only once such an element is on the page (now or added later), so a tutorial with one
// playground does not download the other two pages. The built site's dist/embed.js is this file
// (bundled with worker-start.js), its one marked line pointing into the versioned folder
// (scripts/build-site.mjs).
//
// While an element's code loads, its training worker is already starting (shared/worker-start.js:
// thread, worker code, engine wasm), one per element found, so the first frame comes sooner.

import { prestartWorker } from './shared/worker-start.js';

const CODE = new URL('./', import.meta.url).href; // code-folder: rewritten by scripts/build-site.mjs
const code = (file) => new URL(file, CODE).href;

const ELEMENTS = {
  'backprop-playground': { load: () => import(code('playground/embed.js')), worker: code('playground/worker.js') },
  'backprop-recurrent': { load: () => import(code('recurrent/embed.js')), worker: code('recurrent/worker.js') },
  'backprop-digits': { load: () => import(code('digits/embed.js')), worker: code('digits/worker.js') },
};
const PRESTART_MAX = 4;      // workers started early per element kind, at most
const loading = new Map();

/** Loads the code of every element `root` holds (or is) that is not loaded yet. */
function loadFor(root) {
  for (const [tag, { load, worker }] of Object.entries(ELEMENTS)) {
    if (loading.has(tag)) continue;
    const found = [];
    if (root.matches && root.matches(tag)) found.push(root);
    if (root.querySelectorAll) found.push(...root.querySelectorAll(tag));
    if (!found.length) continue;
    try {
      for (let i = 0; i < Math.min(found.length, PRESTART_MAX); i++) prestartWorker(worker);
    } catch { /* only a head start: the element starts its own worker, and says what failed */ }
    loading.set(tag, load().catch((e) => {
      loading.delete(tag);
      console.error(`Backprop Playground: the code of <${tag}> could not be loaded (${e.message}).`);
    }));
  }
}

/** Resolves when the element `tag` is defined (loading its code if needed). */
export function whenLoaded(tag) {
  if (!ELEMENTS[tag]) return Promise.reject(new Error(`<${String(tag).slice(0, 40)}> is not an element of Backprop Playground`));
  if (!loading.has(tag)) loading.set(tag, ELEMENTS[tag].load());
  return loading.get(tag).then(() => customElements.whenDefined(tag));
}

loadFor(document);
new MutationObserver((records) => {
  if (loading.size === Object.keys(ELEMENTS).length) return;
  for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1) loadFor(n);
}).observe(document, { childList: true, subtree: true });
