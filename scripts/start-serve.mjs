// start-serve.mjs: starts scripts/serve.mjs in a child process on a free port, for the tests and
// the bench that need a server of their own (serve.test.mjs, site.spec.js, bench/embed.mjs).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'serve.mjs');

/**
 * Starts `node scripts/serve.mjs --port 0 ...args`; resolves once it listens.
 * @param {string[]} args  e.g. ['--site', '--root', dir]
 * @returns {Promise<{ proc, port: number, url: string, close(): void }>}  url: http://127.0.0.1:PORT
 */
export function startServe(args, { stderr = 'pipe' } = {}) {
  const proc = spawn(process.execPath, [SERVE, '--port', '0', ...args], { stdio: ['ignore', 'pipe', stderr] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        const port = Number(m[1]);
        resolve({ proc, port, url: `http://127.0.0.1:${port}`, close: () => proc.kill() });
      }
    });
    proc.on('exit', (code) => reject(new Error(`serve.mjs ${args.join(' ')} exited (${code}) before listening`)));
  });
}
