// mnist_data.mjs: the MNIST digits of W4 and W5 for the peers (Node), exactly the project's:
// the images of web/data/mnist-10k.bpimg (format BPIMG1, scripts/build-digits-data.mjs), split
// into the same 8,000 training and 2,000 test digits, in the same order, as the core's
// ImageSession (seed 1). The split is not recomputed here: `writeMnistSplit` asks the native
// benchmark for its indices (`native_bench --export-split`, which checks them row by row against
// the session's own train and test sets) and writes bench/results/data/mnist-split.json;
// bench/peers/pytorch_digits.py reads the same file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { root, dataDir } from './data.mjs';

export const mnistPath = path.join(root, 'web', 'data', 'mnist-10k.bpimg');
export const splitPath = path.join(dataDir, 'mnist-split.json');

export function writeMnistSplit(nativeExe) {
  const text = execFileSync(nativeExe, ['--export-split', '--mnist', mnistPath], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const split = JSON.parse(text);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(splitPath, JSON.stringify(split));
  return { train: split.train.length, test: split.test.length };
}

/** The header and the uint8 labels and pixels of a BPIMG1 file (the checks of image_data.hpp). */
export function parseBpimg(bytes) {
  if (bytes.length < 16 || bytes.toString('latin1', 0, 6) !== 'BPIMG1') throw new Error('not a BPIMG1 file');
  const pixelMax = bytes.readUInt8(6), n = bytes.readUInt32LE(8), rows = bytes.readUInt16LE(12), cols = bytes.readUInt16LE(14);
  if (bytes.length !== 16 + n + n * rows * cols) throw new Error(`BPIMG1: ${bytes.length} bytes, expected ${16 + n + n * rows * cols}`);
  return { pixelMax, n, rows, cols, labels: bytes.subarray(16, 16 + n), pixels: bytes.subarray(16 + n) };
}

/** { rows, cols, train: { x: Float32Array(N·R·C) in [0,1], y: Uint8Array(N), n }, test: ... } in
 *  the core's split order. Float32, the peers' precision (p / M rounded once to float32). */
export function loadMnist() {
  if (!fs.existsSync(splitPath)) throw new Error(`${path.relative(root, splitPath)} is missing: bench/run.mjs writes it (native_bench --export-split)`);
  const img = parseBpimg(fs.readFileSync(mnistPath));
  const split = JSON.parse(fs.readFileSync(splitPath, 'utf8'));
  if (split.images !== img.n) throw new Error(`mnist split is for ${split.images} images, the file has ${img.n}`);
  const D = img.rows * img.cols;
  const take = (idx) => {
    const x = new Float32Array(idx.length * D), y = new Uint8Array(idx.length);
    idx.forEach((i, r) => {
      y[r] = img.labels[i];
      for (let k = 0; k < D; k++) x[r * D + k] = img.pixels[i * D + k] / img.pixelMax;
    });
    return { x, y, n: idx.length };
  };
  return { rows: img.rows, cols: img.cols, train: take(split.train), test: take(split.test) };
}
