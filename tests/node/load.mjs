// Loads the wasm module in Node. Emscripten 3.1.6's ES-module glue needs two shims in Node
// (TOOLCHAIN.md item 7): __dirname and require, and the .wasm bytes handed over directly
// because Node's fetch cannot read a file path.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const engineDir = path.join(root, 'web', 'engine');

// name: 'backprop' (the static playground's Session) or 'backprop-recurrent'
// (SequenceSession, FixedPointSession).
export async function loadBackprop(name = 'backprop') {
  globalThis.__dirname ??= engineDir;
  globalThis.require ??= createRequire(import.meta.url);
  const { default: create } = await import(pathToFileURL(path.join(engineDir, `${name}.mjs`)).href);
  return create({ wasmBinary: fs.readFileSync(path.join(engineDir, `${name}.wasm`)) });
}
