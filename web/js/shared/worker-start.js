// shared/worker-start.js: starting a page's training worker, and starting it early.
//
// A worker takes a while to be ready: the browser starts a thread, fetches the worker's code,
// then the worker fetches and compiles the engine (engine/*.wasm). An embedded element pays that
// after its own code has loaded, unless embed.js starts the worker first: prestartWorker() is
// called by embed.js as soon as it sees an element, while the element's code is still loading,
// and startWorker() (called by WorkerClient) then takes that worker instead of starting another.
//
// The pool is one per page even when this module is loaded more than once: the built site bundles
// a copy into embed.js and into each element's code (scripts/build-site.mjs), so it lives on the
// window under a registered symbol, not in a module variable.

const UNUSED_MS = 30000;     // a prestarted worker no element took is ended after this
const POOL = Symbol.for('backprop-playground/prestarted-workers');
const pool = (globalThis[POOL] ??= new Map());   // href -> [{ worker, early }]

/**
 * A module worker from `url`. A browser starts workers only from the page's own origin: when the
 * page code comes from another one (a tutorial embedding the built site from elsewhere,
 * docs/embed.md "Hosting"), the worker is a one-line module from a blob: URL that imports the
 * real one. Its imports and the wasm it fetches then load with CORS, so the site must send
 * Access-Control-Allow-Origin, and the embedding page's CSP must allow `worker-src blob: <site>`
 * (the worker's own imports are checked against worker-src too).
 */
function newWorker(href) {
  if (new URL(href).origin === window.location.origin) return new Worker(href, { type: 'module' });
  const source = `import ${JSON.stringify(href)};\n`;
  const blobURL = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(blobURL, { type: 'module' });
  setTimeout(() => URL.revokeObjectURL(blobURL), 60000);
  return worker;
}

/**
 * Starts a worker from `url` now, for the next startWorker(url). Whatever the worker sends or
 * fails with before it is taken is kept (`early`), so nothing is lost.
 */
export function prestartWorker(url) {
  const href = new URL(url, document.baseURI).href;
  const worker = newWorker(href);
  const entry = { worker, early: [] };
  worker.onmessage = (ev) => entry.early.push(ev);
  worker.onerror = (ev) => { ev.preventDefault(); entry.early.push(ev); };
  if (!pool.has(href)) pool.set(href, []);
  pool.get(href).push(entry);
  setTimeout(() => {
    const list = pool.get(href) || [];
    const i = list.indexOf(entry);
    if (i >= 0) { list.splice(i, 1); worker.terminate(); }
  }, UNUSED_MS);
}

/**
 * A worker from `url`: a prestarted one if there is one, else a new one. `early` holds the
 * message and error events it had before this call (empty for a new worker); the caller sets its
 * own handlers and then handles those.
 */
export function startWorker(url) {
  const href = new URL(url, document.baseURI).href;
  const list = pool.get(href);
  if (list && list.length) {
    const { worker, early } = list.shift();
    worker.onmessage = null;
    worker.onerror = null;
    return { worker, early };
  }
  return { worker: newWorker(href), early: [] };
}
