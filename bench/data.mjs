// data.mjs: the seeded data every system trains on, written once per run to bench/results/data/.
//
//   data.json   w1: the 250 training points of the project's spiral (taken from a Session, so
//               the peers see exactly the points the project trains on), labels -1/+1;
//               w2: the 1,797 digits of data/optdigits-8x8.csv.gz, pixels scaled to [0,1];
//               w3: 256 noisy sine sequences of 51 values (input s[0..50), target s[1..51)).
//   digits.csv  the decompressed digits, for the native benchmark.
//   w3.txt      the W3 sequences as text ("N L" then one sequence per line), for the native one.
//
// The project's W2 session loads the same digits through useDigits() and trains on its 90 %
// split (1,617 digits); the peers train on all 1,797. Examples per second does not depend on it.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

import { W1, W3, mulberry32, parseDigits } from './common.mjs';
import { loadBackprop } from '../tests/node/load.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const dataDir = path.join(root, 'bench', 'results', 'data');

export function digitsText() {
  return zlib.gunzipSync(fs.readFileSync(path.join(root, 'data', 'optdigits-8x8.csv.gz'))).toString('utf8');
}

// W3: s_t = A sin(ω t + φ) + ε, ω ~ U(0.15, 0.6), φ ~ U(0, 2π), A ~ U(0.5, 1), ε ~ U(±0.02)
// (the shape of the core's sine task, drawn here so that every system gets the same numbers).
export function sineSequences(n = W3.sequences, length = W3.T + 1, seed = 20240611) {
  const rnd = mulberry32(seed);
  const seqs = [];
  for (let s = 0; s < n; s++) {
    const w = 0.15 + 0.45 * rnd(), ph = 2 * Math.PI * rnd(), A = 0.5 + 0.5 * rnd();
    const q = [];
    for (let t = 0; t < length; t++) q.push(A * Math.sin(w * t + ph) + 0.02 * (2 * rnd() - 1));
    seqs.push(q);
  }
  return seqs;
}

export async function writeData() {
  fs.mkdirSync(dataDir, { recursive: true });
  const bp = await loadBackprop();
  const s = new bp.Session(W1.config);
  const flat = s.trainPoints().slice();
  s.delete();
  const w1 = { x: [], y: [] };
  for (let i = 0; i < flat.length; i += 3) {
    w1.x.push([flat[i], flat[i + 1]]);
    w1.y.push(flat[i + 2] > 0.5 ? 1 : -1);  // class 0/1 -> tanh target -1/+1
  }
  if (w1.x.length !== W1.trainPoints) throw new Error(`W1: expected ${W1.trainPoints} training points, got ${w1.x.length}`);
  const text = digitsText();
  const w2 = parseDigits(text);
  const w3 = { seqs: sineSequences() };
  fs.writeFileSync(path.join(dataDir, 'data.json'), JSON.stringify({ w1, w2, w3 }));
  fs.writeFileSync(path.join(dataDir, 'digits.csv'), text);
  fs.writeFileSync(path.join(dataDir, 'w3.txt'),
    `${w3.seqs.length} ${w3.seqs[0].length}\n` + w3.seqs.map((q) => q.map((v) => v.toPrecision(17)).join(' ')).join('\n') + '\n');
  return { dir: dataDir, w1: w1.x.length, w2: w2.x.length, w3: w3.seqs.length };
}

export function loadData() {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'data.json'), 'utf8'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await writeData()));
}
