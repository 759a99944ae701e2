// Serves web/ on 127.0.0.1 with the MIME types module scripts and wasm need, and the same
// Content-Security-Policy the page declares. Usage: node scripts/serve.mjs [--port 8080] [--root web]
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
// --root serves another folder in place of web/ (the server's own test uses one); --port 0
// takes a free port, printed in the first line.
const root = path.resolve(arg('--root') ?? path.join(repo, 'web'));
const docs = path.join(repo, 'docs');  // the pages' help links to the docs (read as text)
const port = Number(arg('--port') ?? process.env.PORT ?? 8080);

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
};
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' data: blob:; worker-src 'self'; connect-src 'self'; object-src 'none'; " +
  "base-uri 'none'; frame-ancestors 'self'";

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
  const isDocs = pathname.startsWith('/docs/');
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
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
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

server.listen(port, '127.0.0.1', () => {
  console.log(`Backprop Playground: http://127.0.0.1:${server.address().port}/`);
});
