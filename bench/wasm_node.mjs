// wasm_node.mjs: the project's wasm modules (web/engine/backprop{,-recurrent}.{mjs,wasm}) in Node.
// Usage: node bench/wasm_node.mjs [--quick] [--out FILE]
import { loadBackprop } from '../tests/node/load.mjs';
import { timingOptions } from './common.mjs';
import { digitsText } from './data.mjs';
import { cliOptions, writeResult } from './node_util.mjs';
import { runWasm } from './wasm_workloads.mjs';

const { quick, out, repeats } = cliOptions();
const bp = await loadBackprop();
const bpRecurrent = await loadBackprop('backprop-recurrent');
const r = await runWasm(bp, digitsText(), timingOptions(quick, repeats), (m) => console.error(m), bpRecurrent);
writeResult(out, { system: 'wasm-node', float: 'float64', ...r });
