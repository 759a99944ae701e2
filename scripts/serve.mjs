// Serves web/ on 127.0.0.1 with the MIME types module scripts and wasm need, and the same
// Content-Security-Policy the page declares.
// Usage: node scripts/serve.mjs [--port 8080] [--root web] [--host 127.0.0.1] [--site]
//
// --site serves a built site (scripts/build-site.mjs writes dist/) the way a static host would:
// no /docs/ alias (dist/ has its own docs/), Access-Control-Allow-Origin: * (a tutorial on
// another origin imports embed.js, and the worker then fetches the wasm and the data from here),
// frame-ancestors * (the iframe form embeds anywhere), and the versioned folder v-<hash>/ cached
// for good (a new build gets a new folder) while everything else is revalidated.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
// --root serves another folder in place of web/ (the server's own test uses one); --port 0
// takes a free port, printed in the first line.
const site = args.includes('--site');
const root = path.resolve(arg('--root') ?? path.join(repo, site ? 'dist' : 'web'));
const docs = site ? null : path.join(repo, 'docs');  // the pages' help links to the docs (read as text)
const port = Number(arg('--port') ?? process.env.PORT ?? 8080);
// --host: another address for a second origin in tests (127.0.0.2, localhost); 127.0.0.1 by default.
const host = arg('--host') ?? '127.0.0.1';
if (!fs.existsSync(root)) {
  console.error(`serve: ${root} does not exist${site ? ' (run npm run build:site)' : ''}`);
  process.exit(1);
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.md': 'text/plain; charset=utf-8',
  '.bpimg': 'application/octet-stream',
};
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' data: blob:; worker-src 'self'; connect-src 'self'; object-src 'none'; " +
  `base-uri 'none'; frame-ancestors ${site ? '*' : "'self'"}`;
// The versioned folder of a built site, at any depth (the site may live under a subpath).
const VERSIONED = /(^|\/)v-[0-9a-f]{10}\//;

/** The headers of a file served with status 200 (`pathname` as requested). */
function fileHeaders(pathname) {
  if (!site) return { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' };
  return {
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Access-Control-Allow-Origin': '*',
    'Cross-Origin-Resource-Policy': 'cross-origin',  // loadable from pages that set COEP
    'Cache-Control': VERSIONED.test(pathname) ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
}

// Every request gets an answer and none can end the server: a path that cannot be decoded or
// holds a NUL byte is a 400, anything that resolves (symlinks included) outside the served
// folder a 403, what is not a readable regular file a 404, and an unexpected error a 500.
const send = (res, status, text, headers = {}) =>
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text),
    ...headers }).end(text);

// The real path of `file` if it lies inside `base` (both resolved through symlinks), else null.
async function inside(base, file) {
  const [realBase, real] = await Promise.all([fs.promises.realpath(base), fs.promises.realpath(file)]);
  return real.startsWith(realBase + path.sep) ? real : null;
}

async function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
  let pathname;
  try {
    if (!req.url.startsWith('/') && !/^https?:\/\//.test(req.url)) throw new Error('not a path');
    pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  } catch {
    return send(res, 400, 'bad request');
  }
  if (pathname.includes('\0')) return send(res, 400, 'bad request');
  if (pathname.endsWith('/')) pathname += 'index.html';
  const isDocs = docs !== null && pathname.startsWith('/docs/');
  const base = isDocs ? docs : root;
  const file = path.join(base, isDocs ? pathname.slice('/docs'.length) : pathname);
  if (!file.startsWith(base + path.sep)) return send(res, 403, 'forbidden');
  let real;
  try {
    real = await inside(base, file);
  } catch {
    return send(res, 404, 'not found');  // missing, a name too long, a loop of links
  }
  if (!real) return send(res, 403, 'forbidden');
  let data;
  try {
    if (!(await fs.promises.stat(real)).isFile()) return send(res, 404, 'not found');
    data = await fs.promises.readFile(real);
  } catch {
    return send(res, 404, 'not found');
  }
  res.writeHead(200, {
    'Content-Type': MIME[path.extname(file)] || 'application/octet-stream',
    ...fileHeaders(pathname),
    'Content-Length': data.length,
  });
  res.end(data);  // no body for HEAD: Node leaves it out
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    console.error(`serve: ${req.method} ${String(req.url).slice(0, 80)}: ${err && err.message}`);
    if (!res.headersSent) send(res, 500, 'internal error');
    else res.destroy();
  });
});
// A request Node's parser refuses (no path, garbage, a header too large): answer 400 or close.
server.on('clientError', (err, socket) => {
  if (socket.writable && !socket.writableEnded) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  else socket.destroy();
});

server.listen(port, host, () => {
  const shown = host.includes(':') ? `[${host}]` : host;
  console.log(`Backprop Playground${site ? ' (built site)' : ''}: http://${shown}:${server.address().port}/`);
});
