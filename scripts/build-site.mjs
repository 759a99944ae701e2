// Builds the static site (`npm run build:site`): reads web/ (after `bash scripts/build.sh wasm`
// has filled web/engine, web/vendor and web/data) and writes dist/, which works on any static
// host, at a domain's root or under any subpath:
//
//   dist/index.html, recurrent.html, ...   every page of web/ (web/test/ excepted), subfolders kept
//   dist/v-<hash>/js, css, vendor, engine, data   the code and assets, in ONE versioned folder:
//                                          <hash> is the first 10 hex digits of a sha256 over
//                                          their paths and contents, so a host may cache the
//                                          folder forever (a new build gets a new name)
//   dist/docs/                             docs/*.md and their images (the pages' help links)
//   dist/embed.js                          the one script a tutorial loads; its name never changes
//   dist/version.json                      { version, hash, built }
//
// The code is bundled (esbuild): each page script (js/<page>/app.js), each element's code
// (js/<page>/embed.js) and each worker (js/<page>/worker.js) becomes one minified file at its own
// path, with a source map beside it, so a page or an embedded element loads in two requests
// instead of a waterfall of ~50 modules. The bundles stay one folder below js/, where their
// sources were, so every `new URL('./worker.js', import.meta.url)` and site.js's ROOT_FROM_HERE
// keep meaning what they meant; the Emscripten glue (engine/*.mjs) stays a separate file that the
// worker imports, because it finds its .wasm beside itself. js/embed.js is bundled too (with
// shared/worker-start.js: the pool of workers it starts early is shared with the element bundles
// through the window, not through one module). The module files the bundles were made of are not
// shipped.
//
// Every src= and href= of a page that points into the asset folders is rewritten to point into
// v-<hash>/ (from dist/lessons/a.html: ../v-<hash>/js/...); links between pages stay as they are,
// and ../docs/X.md (served at /docs/ by the dev server) becomes docs/X.md. Every reference must be
// relative: one starting with '/' would break under a subpath and fails the build, and so does one
// that points at a file the site does not hold.
//
// Usage: node scripts/build-site.mjs [--out DIR] [--web DIR]   (out: dist/ by default, emptied first)
import crypto from 'node:crypto';
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
// --web: another source folder in place of web/ (the build's own test uses small broken ones).
const web = path.resolve(arg('--web') ?? path.join(repo, 'web'));
const docs = path.join(repo, 'docs');
const out = path.resolve(arg('--out') ?? path.join(repo, 'dist'));

/** The folders of web/ that hold code and assets: they move into dist/v-<hash>/. */
const ASSET_DIRS = ['js', 'css', 'vendor', 'engine', 'data'];
/** Folders of web/ that are not part of the site (test pages for the browser tests). */
const SKIP_DIRS = ['test'];
/** What of docs/ the site carries: the text and the pictures it shows. */
const DOC_FILE = /\.(md|png|svg|jpe?g|gif|webp)$/i;
/** The one line of web/js/shared/site.js that says where the pages are, seen from the code. */
const SITE_MARKER = /const ROOT_FROM_HERE = '\.\.\/\.\.\/';( \/\/ site-root)/;
const SITE_JS = 'js/shared/site.js';

function fail(message) {
  console.error(`build-site: ${message}`);
  process.exit(1);
}

/** Every regular file under `dir`, as posix paths relative to it, sorted (dotfiles left out). */
function listFiles(dir, skip = []) {
  const found = [];
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      const stat = fs.statSync(path.join(dir, child));  // follows symlinks
      if (stat.isDirectory()) {
        if (!(rel === '' && skip.includes(entry.name))) walk(child);
      } else if (stat.isFile()) {
        found.push(child);
      }
    }
  };
  walk('');
  return found.sort();
}

const write = (file, data) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
};

// ---- what the build needs ------------------------------------------------------------------------
const engineDir = path.join(web, 'engine');
const wasm = fs.existsSync(engineDir) ? fs.readdirSync(engineDir).filter((f) => f.endsWith('.wasm')) : [];
if (!wasm.length) fail('web/engine/*.wasm is missing: run npm run build first (or bash scripts/build.sh wasm).');
const vendorDir = path.join(web, 'vendor');
if (!fs.existsSync(vendorDir) || !fs.readdirSync(vendorDir).length) fail('web/vendor/ is missing or empty: run npm run build first.');

// The output folder is deleted before the build: refuse anything that is not a previous build or
// an empty folder, so that a slip in --out cannot wipe the repository or a home directory.
if (fs.existsSync(out)) {
  const inRepoTree = out === repo || repo.startsWith(out + path.sep) || out === web || out.startsWith(web + path.sep);
  const entries = fs.readdirSync(out);
  if (inRepoTree || (entries.length && !entries.includes('version.json'))) {
    fail(`${out} exists and is not a previous build (no version.json): not deleting it. Choose another --out.`);
  }
}

// ---- the files -------------------------------------------------------------------------------------
const all = listFiles(web, SKIP_DIRS);
const assets = all.filter((f) => ASSET_DIRS.includes(f.split('/')[0]));
const pageFiles = all.filter((f) => !ASSET_DIRS.includes(f.split('/')[0]));  // pages and what sits beside them
const docFiles = fs.existsSync(docs) ? listFiles(docs).filter((f) => DOC_FILE.test(f)) : [];
if (!pageFiles.some((f) => f.endsWith('.html'))) fail('web/ holds no page (*.html).');

// The version: a hash over the paths and contents of the code and assets, as they are in web/
// (the one rewrite below depends only on the layout, which the paths already fix).
const hasher = crypto.createHash('sha256');
for (const rel of assets) {
  const data = fs.readFileSync(path.join(web, rel));
  hasher.update(`${rel}\0${data.length}\0`);
  hasher.update(data);
}
const hash = hasher.digest('hex').slice(0, 10);
const vdir = `v-${hash}`;

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

// ---- code and assets: into v-<hash>/ ------------------------------------------------------------
const problems = [];
for (const rel of assets) {
  let data = fs.readFileSync(path.join(web, rel));
  if (rel === SITE_JS) {
    // The code now sits one folder deeper than the pages (dist/v-<hash>/js/shared/site.js).
    const text = data.toString('utf8');
    if (!SITE_MARKER.test(text)) {
      fail(`${SITE_JS} has lost its marked line "const ROOT_FROM_HERE = '../../'; // site-root": ` +
        'the built pages would not find each other. Restore it (or update SITE_MARKER here).');
    }
    data = text.replace(SITE_MARKER, "const ROOT_FROM_HERE = '../../../';$1");
  } else if (rel.endsWith('.css')) {
    checkCss(rel, data.toString('utf8'));
  }
  write(path.join(out, vdir, rel), data);
}
if (!assets.includes(SITE_JS)) fail(`web/${SITE_JS} is missing: the built pages need it to find each other.`);

// ---- the code: one bundle per page script, element and worker ------------------------------
/** The bundled entry points: js/<page>/<name>.js for each name, and js/embed.js. */
const BUNDLED = ['app.js', 'embed.js', 'worker.js'];
const EMBED_JS = 'js/embed.js';
const entries = assets.filter((f) => { const p = f.split('/'); return p[0] === 'js' && p.length === 3 && BUNDLED.includes(p[2]); });
if (assets.includes(EMBED_JS)) entries.push(EMBED_JS);
const jsRoot = path.join(out, vdir, 'js');
const BUNDLE_OPTIONS = {
  bundle: true,
  format: 'esm',
  target: 'es2020',
  minify: true,
  keepNames: true,       // class names stay readable in stack traces
  legalComments: 'none',
  logLevel: 'silent',
  plugins: [{
    name: 'engine-glue',
    setup(b) {
      // the Emscripten glue stays where it is (it locates its .wasm from its own URL)
      b.onResolve({ filter: /\/engine\/[^/]+\.mjs$/ }, (a) => ({ path: a.path, external: true }));
    },
  }],
};
/** Fails the build with esbuild's messages, each with its file and line. */
function bundleFailed(e) {
  fs.rmSync(out, { recursive: true, force: true });
  fail(`bundling the code failed:\n  ${(e.errors || [e]).map((x) => (x.location ? `${path.relative(path.join(out, vdir), x.location.file)}:${x.location.line}: ` : '') + (x.text || x.message)).join('\n  ')}`);
}
try {
  await esbuild.build({
    ...BUNDLE_OPTIONS,
    entryPoints: entries.map((f) => path.join(out, vdir, f)),  // the copies: site.js is already rewritten
    outbase: jsRoot,
    outdir: jsRoot,
    allowOverwrite: true,
    sourcemap: 'linked',
  });
} catch (e) {
  bundleFailed(e);
}
// What the bundles hold is not shipped a second time (the bundles and their maps stay).
const keep = new Set([...entries, ...entries.map((f) => `${f}.map`)]);
for (const rel of assets) {
  if (rel.startsWith('js/') && !keep.has(rel)) fs.rmSync(path.join(out, vdir, rel));
}
for (const dir of fs.readdirSync(jsRoot)) {
  const d = path.join(jsRoot, dir);
  if (fs.statSync(d).isDirectory() && !fs.readdirSync(d).length) fs.rmdirSync(d);
}

/**
 * A stylesheet moves with the other assets, so its relative url(...)s and @imports stay right as
 * long as they point into the asset folders; anything else would break and is reported.
 */
function checkCss(rel, text) {
  const refs = [...text.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/g)].map((m) => m[2]);
  refs.push(...[...text.matchAll(/@import\s+(['"])([^'"]+)\1/g)].map((m) => m[2]));
  for (const ref of refs) {
    const kind = classify(rel, ref);
    if (kind.type === 'absolute') problems.push(`web/${rel}: url(${ref}) starts with '/' (breaks under a subpath)`);
    else if (kind.type === 'page' || kind.type === 'docs') problems.push(`web/${rel}: url(${ref}) points outside the asset folders (${ASSET_DIRS.join(', ')})`);
    else if (kind.type === 'asset' && !assets.includes(kind.file)) problems.push(`web/${rel}: url(${ref}) points at web/${kind.file}, which does not exist`);
  }
}

/**
 * What the reference `ref` in the file web/<from> points at, resolved the way the dev server
 * (scripts/serve.mjs) resolves it, with web/ as its root and docs/ at /docs/:
 *   { type: 'external' }                   a URL with a scheme, //host, #fragment or nothing
 *   { type: 'absolute' }                   /something: breaks under a subpath
 *   { type: 'asset' | 'docs' | 'page', file, suffix }  file relative to web/ (docs: to docs/)
 */
function classify(from, ref) {
  const value = ref.trim();
  if (!value || value.startsWith('#') || value.startsWith('//') || /^[a-z][a-z0-9+.-]*:/i.test(value)) return { type: 'external' };
  if (value.startsWith('/')) return { type: 'absolute' };
  const cut = value.search(/[?#]/);
  const suffix = cut >= 0 ? value.slice(cut) : '';
  // (URL resolution stops '..' at the root, as a browser does against the dev server)
  const pathname = decodeURIComponent(new URL(cut >= 0 ? value.slice(0, cut) : value, `http://site/${from}`).pathname);
  if (pathname.startsWith('/docs/')) return { type: 'docs', file: pathname.slice('/docs/'.length), suffix };
  const file = pathname.slice(1);
  return { type: ASSET_DIRS.includes(file.split('/')[0]) ? 'asset' : 'page', file, suffix };
}

// ---- the pages -----------------------------------------------------------------------------------
// Attributes are rewritten only inside real tags: text such as "&lt;iframe src=...&gt;" in a
// <pre> starts with an entity, not '<', and is left alone.
const TAG = /<[a-zA-Z][^>]*>/g;
const ATTR = /(\s(?:src|href)\s*=\s*)("([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;
const pageLinks = [];  // [page, file in dist, reference, type] of every reference, checked once everything is written

for (const rel of pageFiles) {
  const source = path.join(web, rel);
  if (!rel.endsWith('.html')) {
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.copyFileSync(source, path.join(out, rel));  // page content (a lesson file beside its page)
    continue;
  }
  const here = path.posix.dirname(rel);
  const html = fs.readFileSync(source, 'utf8').replace(TAG, (tag) => tag.replace(ATTR, (whole, lead, quoted, dq, sq, bare) => {
    const ref = dq ?? sq ?? bare;
    const kind = classify(rel, ref);
    if (kind.type === 'external') return whole;
    if (kind.type === 'absolute') {
      problems.push(`web/${rel}: "${ref}" starts with '/' (breaks under a subpath): make it relative`);
      return whole;
    }
    const target = kind.type === 'asset' ? `${vdir}/${kind.file}` : kind.type === 'docs' ? `docs/${kind.file}` : kind.file;
    pageLinks.push([rel, target, ref, kind.type]);
    if (kind.type === 'page') return whole;  // links between pages keep their form
    const link = path.posix.relative(here, target) + kind.suffix;
    const q = dq !== undefined ? '"' : sq !== undefined ? "'" : '';
    return `${lead}${q}${link}${q}`;
  }));
  write(path.join(out, rel), html);
}

// ---- docs, the stable embed script, the version ------------------------------------------------
for (const rel of docFiles) {
  fs.mkdirSync(path.dirname(path.join(out, 'docs', rel)), { recursive: true });
  fs.copyFileSync(path.join(docs, rel), path.join(out, 'docs', rel));
}
// dist/embed.js is js/embed.js itself, bundled, its marked line pointing into v-<hash>/js/: one
// request fewer before an element's code starts loading than a file that imports the versioned one.
const CODE_MARKER = /const CODE = new URL\('\.\/', import\.meta\.url\)\.href;( \/\/ code-folder)/;
if (!assets.includes(EMBED_JS)) fail(`web/${EMBED_JS} is missing: dist/embed.js would load nothing.`);
const embedSource = fs.readFileSync(path.join(web, EMBED_JS), 'utf8');
if (!CODE_MARKER.test(embedSource)) {
  fail(`${EMBED_JS} has lost its marked line "const CODE = new URL('./', import.meta.url).href; // code-folder": ` +
    'dist/embed.js would not find the code. Restore it (or update CODE_MARKER here).');
}
try {
  await esbuild.build({
    ...BUNDLE_OPTIONS,
    stdin: {
      contents: embedSource.replace(CODE_MARKER, `const CODE = new URL('./${vdir}/js/', import.meta.url).href;$1`),
      resolveDir: path.join(web, 'js'),   // (its imports: worker-start.js, which needs no rewrite)
      sourcefile: 'embed.js',
    },
    outfile: path.join(out, 'embed.js'),
    banner: { js: '// Backprop Playground: the script a tutorial loads (docs/embed.md). Its name stays the same from\n' +
      `// one build to the next; the code it loads sits in the versioned folder ${vdir}/.` },
  });
} catch (e) {
  bundleFailed(e);
}
const { version } = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
write(path.join(out, 'version.json'), JSON.stringify({ version, hash, built: new Date().toISOString() }, null, 2) + '\n');

// ---- every reference of every page must exist -----------------------------------------------
// A missing script, stylesheet or doc breaks the page and fails the build; a link to a page that
// does not exist (yet) is a dead link, reported but not fatal (tests/node/build-site.test.mjs
// asserts there are none).
const deadLinks = [];
for (const [page, target, ref, type] of pageLinks) {
  if (fs.existsSync(path.join(out, target))) continue;
  (type === 'page' ? deadLinks : problems).push(`web/${page}: "${ref}" points at ${target}, which the site does not hold`);
}
if (problems.length) {
  fs.rmSync(out, { recursive: true, force: true });
  fail(`${problems.length} broken reference${problems.length > 1 ? 's' : ''} (nothing written):\n  ${problems.join('\n  ')}`);
}

// ---- summary --------------------------------------------------------------------------------------
const written = listFiles(out);
const size = (files) => files.reduce((s, f) => s + fs.statSync(path.join(out, f)).size, 0);
const mb = (n) => `${(n / 1048576).toFixed(2)} MB`;
const group = (prefix) => written.filter((f) => f.startsWith(prefix));
const pages = written.filter((f) => f.endsWith('.html'));
const shown = out.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), out) : out;
console.log(`build-site: ${shown}/ version ${version}, ${vdir}: ` +
  `${written.length} files, ${mb(size(written))}`);
console.log(`  pages     ${pages.length} (${pages.join(', ')})`);
for (const dir of ASSET_DIRS) {
  const files = group(`${vdir}/${dir}/`);
  if (files.length) console.log(`  ${(vdir + '/' + dir + '/').padEnd(25)} ${String(files.length).padStart(4)} files ${mb(size(files)).padStart(9)}`);
}
console.log(`  docs/     ${group('docs/').length} files, ${mb(size(group('docs/')))}`);
if (deadLinks.length) console.warn(`build-site: WARNING: ${deadLinks.length} dead link${deadLinks.length > 1 ? 's' : ''}:\n  ${deadLinks.join('\n  ')}`);
