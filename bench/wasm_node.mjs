// wasm_node.mjs: the project's wasm modules (web/engine/backprop{,-recurrent,-digits}.{mjs,wasm})
// in Node. Usage: node bench/wasm_node.mjs [--quick] [--out FILE]
import fs from 'node:fs';
import path from 'node:path';

import { loadBackprop } from '../tests/node/load.mjs';
import { timingOptions } from './common.mjs';
import { digitsText, root } from './data.mjs';
import { cliOptions, writeResult } from './node_util.mjs';
import { runWasm, runWasmImages } from './wasm_workloads.mjs';

const { quick, out, repeats } = cliOptions();
const opts = timingOptions(quick, repeats);
const log = (m) => console.error(m);
const bp = await loadBackprop();
const bpRecurrent = await loadBackprop('backprop-recurrent');
const r = await runWasm(bp, digitsText(), opts, log, bpRecurrent);
let images;
try {
  const bpDigits = await loadBackprop('backprop-digits');
  const mnist = new Uint8Array(fs.readFileSync(path.join(root, 'web', 'data', 'mnist-10k.bpimg')));
  images = await runWasmImages(bpDigits, mnist, opts, log);
} catch (e) {
  const msg = String(e && e.message || e);
  images = { results: {}, info: {}, unsupported: {}, errors: { w4: msg, w5: msg } };
}
for (const k of ['results', 'errors', 'info', 'unsupported']) Object.assign(r[k], images[k]);
writeResult(out, { system: 'wasm-node', float: 'float64', ...r });
