// The dev server (scripts/serve.mjs): every request gets an answer, none ends the server.
// It is started on a free port with its own root (a temporary folder holding a page, a folder,
// and a symlink that points out of the tree), sent strange requests over a raw socket (so that
// no client library cleans them up first), and asked for a normal page after each one.
// A second server runs with --site (a built site, as a static host serves it): its headers
// (CORS, cache, frame-ancestors), no /docs/ alias, and the same path safety.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServe } from '../../scripts/start-serve.mjs';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-serve-'));
const root = path.join(dir, 'web');
const outside = path.join(dir, 'secret.txt');
fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
fs.writeFileSync(path.join(root, 'index.html'), '<p>home</p>');
fs.writeFileSync(path.join(root, 'app.mjs'), 'export {};');
fs.writeFileSync(outside, 'secret');
fs.symlinkSync(outside, path.join(root, 'leak.txt'));
fs.symlinkSync(dir, path.join(root, 'up'));
// A built site (the layout scripts/build-site.mjs writes), also under a subpath.
const siteRoot = path.join(dir, 'site');
const VERSION = 'v-0123456789';
for (const base of ['', 'sub/path/']) {
  fs.mkdirSync(path.join(siteRoot, base, VERSION, 'engine'), { recursive: true });
  fs.writeFileSync(path.join(siteRoot, base, 'index.html'), '<p>site</p>');
  fs.writeFileSync(path.join(siteRoot, base, 'embed.js'), `import './${VERSION}/engine/a.mjs';`);
  fs.writeFileSync(path.join(siteRoot, base, VERSION, 'engine', 'a.mjs'), 'export {};');
  fs.writeFileSync(path.join(siteRoot, base, VERSION, 'engine', 'a.wasm'), Buffer.from([0, 97, 115, 109]));
}
fs.symlinkSync(outside, path.join(siteRoot, VERSION, 'leak.txt'));

let server, port;
let siteServer, sitePort;

/** Starts scripts/serve.mjs with `args` on a free port; resolves with [process, port]. */
async function startServer(args) {
  const { proc, port: p } = await startServe(args);
  return [proc, p];
}

before(async () => {
  [server, port] = await startServer(['--root', root]);
  [siteServer, sitePort] = await startServer(['--site', '--root', siteRoot]);
});

after(() => {
  server.kill();
  siteServer.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Sends `raw` as is and resolves with {status, headers, body} of the answer ('' if none).
function request(raw, to = port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(to, '127.0.0.1');
    let data = Buffer.alloc(0);
    sock.on('data', (d) => { data = Buffer.concat([data, d]); });
    sock.on('error', reject);
    sock.on('close', () => {
      const text = data.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      const split = text.indexOf('\r\n\r\n');
      resolve({ status: m ? Number(m[1]) : 0, head: text.slice(0, split), body: split >= 0 ? text.slice(split + 4) : '' });
    });
    sock.write(raw);
  });
}
const get = (target, method = 'GET', to = port) =>
  request(`${method} ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, to);
/** The value of header `name` in a response head, or null. */
const header = (head, name) => {
  const m = new RegExp(`^${name}: (.*)$`, 'im').exec(head);
  return m ? m[1].trim() : null;
};

async function stillServes() {
  assert.equal(server.exitCode, null, 'the server process ended');
  const r = await get('/');
  assert.equal(r.status, 200);
  assert.equal(r.body, '<p>home</p>');
}

test('a normal page: 200, its MIME type and the CSP', async () => {
  const r = await get('/app.mjs');
  assert.equal(r.status, 200);
  assert.match(r.head, /content-type: text\/javascript/i);
  assert.match(r.head, /content-security-policy: default-src 'self'/i);
  assert.equal(r.body, 'export {};');
});

const strange = [
  ['/%00', 400],
  ['/index.html%00.js', 400],
  ['/%2e%2e/secret.txt', 404],  // the URL parser folds %2e%2e: /secret.txt in the root
  ['/..%2fsecret.txt', 403],  // decoded after parsing: ../secret.txt
  ['/%2e%2e%2f%2e%2e%2fetc/passwd', 403],
  ['//etc/passwd', 404],
  ['/' + 'a'.repeat(5000), 404],
  ['/' + 'a/'.repeat(2000) + 'x', 404],
  ['/%zz', 400],
  ['/%', 400],
  ['/%e0%a4', 400],  // a cut UTF-8 sequence
  ['/sub', 404],  // a folder without index.html
  ['/sub/', 404],
  ['/leak.txt', 403],  // a symlink out of the tree
  ['/up/secret.txt', 403],
  ['*', 400],
  ['http://evil.example/index.html', 200],  // absolute form: the path is what counts
];

for (const [target, status] of strange) {
  test(`GET ${target.length > 40 ? target.slice(0, 40) + '...' : target} -> ${status}, and the server still serves`, async () => {
    const r = await get(target);
    assert.equal(r.status, status, r.head);
    assert.ok(!r.body.includes('secret'), 'a file outside the root was served');
    await stillServes();
  });
}

test('HEAD answers the headers without a body; POST and OPTIONS get 405 with Allow', async () => {
  let r = await get('/app.mjs', 'HEAD');
  assert.equal(r.status, 200);
  assert.equal(r.body, '');
  for (const method of ['POST', 'OPTIONS', 'DELETE']) {
    r = await get('/index.html', method);
    assert.equal(r.status, 405, method);
    assert.match(r.head, /allow: GET, HEAD/i);
  }
  await stillServes();
});

test('malformed requests (no path, garbage, a huge header) get an error status or a closed socket', async () => {
  for (const raw of ['GET  HTTP/1.1\r\n\r\n', 'GET\r\n\r\n', '\x00\x01\x02\r\n\r\n',
    `GET /${'b'.repeat(20000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n']) {
    const r = await request(raw);
    assert.ok(r.status === 0 || (r.status >= 400 && r.status < 500), `${JSON.stringify(raw.slice(0, 30))}: ${r.status}`);
    await stillServes();
  }
});

test('the docs are served as text under /docs/, and nothing beside them', async () => {
  // the real docs folder of the repo: --root does not move it
  const r = await get('/docs/robustness.md');
  assert.equal(r.status, 200);
  assert.match(r.head, /content-type: text\/plain/i);
  assert.equal((await get('/docs/..%2fpackage.json')).status, 403);
  await stillServes();
});

// ---- --site: a built site as a static host serves it --------------------------------------------

test('--site: every file allows any origin (CORS, CORP) and any frame ancestor', async () => {
  for (const target of ['/index.html', '/embed.js', `/${VERSION}/engine/a.mjs`, `/${VERSION}/engine/a.wasm`, `/sub/path/${VERSION}/engine/a.wasm`]) {
    const r = await get(target, 'GET', sitePort);
    assert.equal(r.status, 200, target);
    assert.equal(header(r.head, 'access-control-allow-origin'), '*', target);
    assert.equal(header(r.head, 'cross-origin-resource-policy'), 'cross-origin', target);
    const csp = header(r.head, 'content-security-policy');
    assert.match(csp, /frame-ancestors \*/, target);
    assert.doesNotMatch(csp, /frame-ancestors 'self'/, target);
    assert.match(csp, /default-src 'self'/, target);
  }
  const wasm = await get(`/${VERSION}/engine/a.wasm`, 'GET', sitePort);
  assert.match(wasm.head, /content-type: application\/wasm/i);
  // the dev server keeps its own policy: same origin only, no CORS
  const dev = await get('/app.mjs');
  assert.match(header(dev.head, 'content-security-policy'), /frame-ancestors 'self'/);
  assert.equal(header(dev.head, 'access-control-allow-origin'), null);
});

test('--site: the versioned folder is cached for good (at the root and under a subpath), the rest revalidated', async () => {
  for (const target of [`/${VERSION}/engine/a.mjs`, `/sub/path/${VERSION}/engine/a.wasm`]) {
    const r = await get(target, 'GET', sitePort);
    assert.equal(header(r.head, 'cache-control'), 'public, max-age=31536000, immutable', target);
  }
  for (const target of ['/', '/index.html', '/embed.js', '/sub/path/embed.js', '/sub/path/']) {
    const r = await get(target, 'GET', sitePort);
    assert.equal(r.status, 200, target);
    assert.equal(header(r.head, 'cache-control'), 'no-cache', target);
  }
});

test('--site: no /docs/ alias (the site holds its own docs/), and the same path safety', async () => {
  assert.equal((await get('/docs/robustness.md', 'GET', sitePort)).status, 404);
  for (const [target, status] of [['/%00', 400], ['/..%2fsecret.txt', 403], [`/${VERSION}/leak.txt`, 403],
    [`/${VERSION}/..%2f..%2fsecret.txt`, 403], ['/%zz', 400], ['/sub', 404], ['*', 400]]) {
    const r = await get(target, 'GET', sitePort);
    assert.equal(r.status, status, target);
    assert.ok(!r.body.includes('secret'), 'a file outside the root was served');
  }
  assert.equal((await get('/index.html', 'POST', sitePort)).status, 405);
  assert.equal(siteServer.exitCode, null, 'the site server ended');
  assert.equal((await get('/', 'GET', sitePort)).body, '<p>site</p>');
});
