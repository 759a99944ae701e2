// bench.js: the benchmark page's module. Loads the project's wasm module and the plain-JS
// baseline and exposes window.__bench for bench/browser.mjs (Playwright):
//   await __bench.wasm(quick, repeats)      -> the project's workloads through its Session API
//   await __bench.plainjs(quick, repeats)   -> the hand-written Float64Array baseline
// Each resolves with { results, errors, info, unsupported } like the Node scripts write.
import createBackpropModule from '../../web/engine/backprop.mjs';
import createRecurrentModule from '../../web/engine/backprop-recurrent.mjs';
import { timingOptions } from '../common.mjs';
import { runPlainJs, PLAINJS_NOTES } from '../plainjs.mjs';
import { runWasm } from '../wasm_workloads.mjs';

const logEl = document.getElementById('log');
const log = (m) => { logEl.textContent += m + '\n'; console.log(m); };

async function gunzipText(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Response(res.body.pipeThrough(new DecompressionStream('gzip'))).text();
}

window.__bench = {
  crossOriginIsolated: self.crossOriginIsolated,
  async wasm(quick, repeats) {
    const bp = await createBackpropModule();
    const bpRecurrent = await createRecurrentModule();
    const csv = await gunzipText('../../data/optdigits-8x8.csv.gz');
    return { float: 'float64', ...(await runWasm(bp, csv, timingOptions(quick, repeats), log, bpRecurrent)) };
  },
  async plainjs(quick, repeats) {
    const res = await fetch('../results/data/data.json');
    if (!res.ok) throw new Error('bench data missing: run node bench/data.mjs first');
    const data = await res.json();
    return { ...PLAINJS_NOTES, ...(await runPlainJs(data, timingOptions(quick, repeats), log)) };
  },
};
log('ready');
