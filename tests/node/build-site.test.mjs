// The static site build (scripts/build-site.mjs): the real web/ is built into a temporary folder,
// under a subpath as a host would see it, and every reference of the result is followed on disk:
// each page's src= and href=, each stylesheet's url(...), each module's static imports, and the
// one script a tutorial loads (embed.js). Nothing may start with '/', since the site must work
// under any subpath. Small broken source trees (--web) check that the build fails loudly.
// Needs the wasm build (web/engine, web/vendor, web/data): `bash scripts/build.sh wasm`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-build-site-'));
const out = path.join(dir, 'some', 'path');

/** Runs the build; returns { status, stdout, stderr }. */
function build(...args) {
  return spawnSync(process.execPath, [path.join(repo, 'scripts', 'build-site.mjs'), ...args], { encoding: 'utf8' });
}

/** Every regular file under `root`, as posix paths relative to it. */
function listFiles(root, rel = '') {
  return fs.readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((e) => {
    const child = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(root, child) : [child];
  });
}

/** A relative reference `ref` in dist file `from`, resolved to a dist path; null for URLs with a scheme, #, data:. */
function resolveRef(from, ref) {
  if (!ref || ref.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('//')) return null;
  const u = new URL(ref, `http://site/${from}`);
  return decodeURIComponent(u.pathname).slice(1);
}

let files;
let vdir;

before(() => {
  const r = build('--out', out);
  assert.equal(r.status, 0, `build-site failed:\n${r.stderr}`);
  files = listFiles(out);
  vdir = files.find((f) => /^v-[0-9a-f]{10}\//.test(f)).split('/')[0];
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the layout: every page, one versioned folder with the code and assets, docs, embed.js, version.json', () => {
  const webPages = listFiles(path.join(repo, 'web')).filter((f) => f.endsWith('.html') && !f.startsWith('test/'));
  const distPages = files.filter((f) => f.endsWith('.html'));
  assert.deepEqual(distPages.sort(), webPages.sort());
  assert.ok(!files.some((f) => f.startsWith('test/')), 'web/test/ is not part of the site');
  assert.deepEqual([...new Set(files.filter((f) => f.startsWith('v-')).map((f) => f.split('/')[0]))], [vdir], 'one versioned folder');
  for (const sub of ['js', 'css', 'vendor', 'engine', 'data']) {
    assert.ok(files.some((f) => f.startsWith(`${vdir}/${sub}/`)), `${vdir}/${sub}/`);
    assert.ok(!files.some((f) => f.startsWith(`${sub}/`)), `no ${sub}/ beside the pages`);
  }
  assert.ok(files.some((f) => /^v-[0-9a-f]{10}\/engine\/backprop\.wasm$/.test(f)));
  assert.ok(files.includes('docs/embed.md') && files.some((f) => /^docs\/.*\.png$/.test(f)), 'docs and their images');
  const version = JSON.parse(fs.readFileSync(path.join(out, 'version.json'), 'utf8'));
  assert.equal(version.version, JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).version);
  assert.equal(`v-${version.hash}`, vdir);
  assert.ok(Math.abs(Date.parse(version.built) - Date.now()) < 10 * 60e3, `built: ${version.built}`);
});

test('every src= and href= of every page is relative and points at a file of the site', () => {
  const pages = files.filter((f) => f.endsWith('.html'));
  let checked = 0;
  const broken = [];  // all of them at once, not only the first
  for (const page of pages) {
    const html = fs.readFileSync(path.join(out, page), 'utf8');
    for (const tag of html.match(/<[a-zA-Z][^>]*>/g)) {
      for (const m of tag.matchAll(/\s(src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi)) {
        const ref = m[2] ?? m[3] ?? m[4];
        assert.ok(!/^\/(?!\/)/.test(ref), `${page}: ${m[1]}="${ref}" is absolute (breaks under a subpath)`);
        const target = resolveRef(page, ref);
        if (target === null) continue;
        assert.ok(!target.startsWith('..'), `${page}: "${ref}" leaves the site`);
        if (!fs.existsSync(path.join(out, target)) || !fs.statSync(path.join(out, target)).isFile()) {
          broken.push(`${page}: ${m[1]}="${ref}" points at ${target}, which does not exist`);
        }
        checked++;
      }
    }
    assert.ok(!/href="(\.\.\/)+docs\//.test(html) || page.includes('/'), `${page}: a link still points at ../docs/`);
  }
  assert.deepEqual(broken, [], 'broken references');
  assert.ok(checked > 20, `only ${checked} references checked`);
});

test('every stylesheet url(...) and every static module import resolves inside the site', () => {
  let checked = 0;
  for (const f of files.filter((x) => x.endsWith('.css'))) {
    const css = fs.readFileSync(path.join(out, f), 'utf8');
    for (const m of css.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/g)) {
      assert.ok(!m[2].startsWith('/'), `${f}: url(${m[2]}) is absolute`);
      const target = resolveRef(f, m[2]);
      if (target !== null) assert.ok(fs.existsSync(path.join(out, target)), `${f}: url(${m[2]}) -> ${target} is missing`);
    }
  }
  // import ... from '...', import '...', import('...'), new URL('...', import.meta.url): plain strings only
  const SPEC = /(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])([^'"]+)\1|new URL\(\s*(['"])([^'"$`]+)\3\s*,\s*import\.meta\.url/g;
  for (const f of files.filter((x) => /\.(m?js)$/.test(x) && !x.includes('/engine/') && !x.includes('/vendor/'))) {
    const code = fs.readFileSync(path.join(out, f), 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '');  // not in comments
    for (const m of code.matchAll(SPEC)) {
      const spec = m[2] ?? m[4];
      if (!spec.startsWith('.') && !spec.startsWith('/')) continue;  // bare names: none are used
      assert.ok(!spec.startsWith('/'), `${f}: "${spec}" is absolute`);
      const target = resolveRef(f, spec);
      assert.ok(fs.existsSync(path.join(out, target)), `${f}: "${spec}" -> ${target} is missing`);
      checked++;
    }
  }
  // the bundles' own references: each page's worker (6), the engine glue (3), the digits
  // worker's data folder and the like
  assert.ok(checked >= 9, `only ${checked} imports checked`);
});

test('the code ships as one bundle per page script, element and worker, with source maps', () => {
  const js = files.filter((f) => f.startsWith(`${vdir}/js/`)).map((f) => f.slice(`${vdir}/js/`.length));
  const bundles = [];
  for (const page of ['playground', 'recurrent', 'digits']) {
    for (const name of ['app.js', 'embed.js', 'worker.js']) bundles.push(`${page}/${name}`, `${page}/${name}.map`);
  }
  assert.deepEqual(js.sort(), [...bundles, 'embed.js', 'embed.js.map'].sort(), 'nothing but the bundles');
  for (const f of bundles.filter((b) => b.endsWith('.js'))) {
    const code = fs.readFileSync(path.join(out, vdir, 'js', f), 'utf8');
    assert.ok(code.trimEnd().endsWith(`//# sourceMappingURL=${path.basename(f)}.map`), `${f}: its source map`);
    const map = JSON.parse(fs.readFileSync(path.join(out, vdir, 'js', `${f}.map`), 'utf8'));
    assert.ok(map.sources.length >= 3, `${f}: ${map.sources.length} sources`);
  }
});

test('site.js is rewritten so that the pages resolve to the site root', () => {
  const source = fs.readFileSync(path.join(repo, 'web', 'js', 'shared', 'site.js'), 'utf8');
  assert.match(source, /const ROOT_FROM_HERE = '\.\.\/\.\.\/'; \/\/ site-root/);
  // every element bundle holds site.js, with the built value (minified: "../../../")
  for (const page of ['playground', 'recurrent', 'digits']) {
    const bundle = `${vdir}/js/${page}/embed.js`;
    const code = fs.readFileSync(path.join(out, bundle), 'utf8');
    assert.match(code, /"\.\.\/\.\.\/\.\.\/"/, `${bundle}: the rewritten root`);
    assert.doesNotMatch(code, /"\.\.\/\.\.\/"/, `${bundle}: the development value`);
    assert.equal(resolveRef(bundle, '../../../'), '', 'the site root');
  }
});

test('embed.js is the element loader, finding its code in the versioned folder', () => {
  const embed = fs.readFileSync(path.join(out, 'embed.js'), 'utf8');
  // the marked line of web/js/embed.js, pointing into v-<hash>/js/ (minified: double quotes)
  const source = fs.readFileSync(path.join(repo, 'web', 'js', 'embed.js'), 'utf8');
  assert.match(source, /const CODE = new URL\('\.\/', import\.meta\.url\)\.href; \/\/ code-folder/);
  const folders = [...embed.matchAll(/new URL\("([^"]+)",import\.meta\.url\)/g)].map((m) => m[1]);
  assert.deepEqual(folders, [`./${vdir}/js/`]);
  // every file it loads is in the versioned folder: the files named in the source's code(...)
  const files = [...source.matchAll(/code\('([^']+)'\)/g)].map((m) => m[1]);
  assert.equal(files.length, 6, files.join(', '));
  for (const f of files) {
    assert.ok(embed.includes(`"${f}"`), `${f} is in the bundle`);
    assert.ok(fs.existsSync(path.join(out, vdir, 'js', f)), f);
  }
  // one file: worker-start.js is inside, nothing is imported; whenLoaded is exported
  assert.doesNotMatch(embed, /\bimport\s*[{"']|\bfrom\s*["']/);
  assert.match(embed, /export\s*\{[^}]*whenLoaded/);
});

test('the same sources give the same version hash; an old build is replaced', () => {
  fs.writeFileSync(path.join(out, 'stale.txt'), 'from an older build');
  const r = build('--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`${vdir}: \\d+ files, [\\d.]+ MB`), 'the summary');
  assert.ok(fs.existsSync(path.join(out, vdir)));
  assert.ok(!fs.existsSync(path.join(out, 'stale.txt')), 'dist/ is emptied first');
});

// ---- the build fails loudly -----------------------------------------------------------------------

/** A minimal source tree: one page, the engine, the vendor folder and site.js, changed by `edit`. */
function fakeWeb(name, edit = () => {}) {
  const web = path.join(dir, name);
  const put = (rel, text) => {
    fs.mkdirSync(path.dirname(path.join(web, rel)), { recursive: true });
    fs.writeFileSync(path.join(web, rel), text);
  };
  put('index.html', '<script type="module" src="js/embed.js"></script>');
  put('engine/backprop.wasm', 'wasm');
  put('vendor/uPlot.esm.js', 'export default {};');
  put('js/embed.js', "const CODE = new URL('./', import.meta.url).href; // code-folder\nimport(new URL('shared/site.js', CODE).href);\n");
  put('js/shared/site.js', "const ROOT_FROM_HERE = '../../'; // site-root: rewritten by scripts/build-site.mjs\n");
  edit(put, web);
  return web;
}

test('a minimal tree builds; without the wasm or the vendor folder it says to run npm run build', () => {
  assert.equal(build('--web', fakeWeb('ok'), '--out', path.join(dir, 'ok-out')).status, 0);
  for (const [name, gone] of [['no-wasm', 'engine'], ['no-vendor', 'vendor']]) {
    const web = fakeWeb(name, (put, w) => fs.rmSync(path.join(w, gone), { recursive: true }));
    const r = build('--web', web, '--out', path.join(dir, `${name}-out`));
    assert.equal(r.status, 1, name);
    assert.match(r.stderr, /run npm run build first/, name);
  }
});

test('a site.js without its marked line, an absolute reference or a missing script fails the build', () => {
  const cases = [
    ['no-marker', (put) => put('js/shared/site.js', "const ROOT_FROM_HERE = '../';\n"), /site-root/],
    ['no-code-marker', (put) => put('js/embed.js', "import './shared/site.js';\n"), /code-folder/],
    ['absolute', (put) => put('index.html', '<link rel="stylesheet" href="/css/page.css">'), /starts with '\/'/],
    ['missing', (put) => put('index.html', '<script type="module" src="js/nothing.js"></script>'), /js\/nothing\.js/],
    ['css', (put) => put('css/a.css', 'body { background: url(/img/x.png); }'), /url\(\/img\/x\.png\)/],
  ];
  for (const [name, edit, message] of cases) {
    const r = build('--web', fakeWeb(name, edit), '--out', path.join(dir, `${name}-out`));
    assert.equal(r.status, 1, `${name}: ${r.stdout}`);
    assert.match(r.stderr, message, name);
  }
});

test('refuses to empty a folder that is not a previous build', () => {
  const precious = path.join(dir, 'precious');
  fs.mkdirSync(precious);
  fs.writeFileSync(path.join(precious, 'notes.txt'), 'keep me');
  const r = build('--web', fakeWeb('ok2'), '--out', precious);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not a previous build/);
  assert.ok(fs.existsSync(path.join(precious, 'notes.txt')));
});
