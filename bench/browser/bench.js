// bench.js: the benchmark page's module. Loads the project's wasm module and the plain-JS
// baseline and exposes window.__bench for bench/browser.mjs (Playwright):
//   await __bench.wasm(quick, repeats)      -> the project's workloads through its Session API
//                                              (W4, W5 through the digits module's ImageSession)
//   await __bench.plainjs(quick, repeats)   -> the hand-written Float64Array baseline
// Each resolves with { results, errors, info, unsupported } like the Node scripts write.
import createBackpropModule from '../../web/engine/backprop.mjs';
import createRecurrentModule from '../../web/engine/backprop-recurrent.mjs';
import { timingOptions } from '../common.mjs';
import { runPlainJs, PLAINJS_NOTES } from '../plainjs.mjs';
import { runWasm, runWasmImages } from '../wasm_workloads.mjs';

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
    const opts = timingOptions(quick, repeats);
    const r = await runWasm(bp, csv, opts, log, bpRecurrent);
    // W4, W5: the digits module, loaded only here (a missing module costs W4 and W5, not W1-W3).
    let images;
    try {
      const { default: createDigitsModule } = await import('../../web/engine/backprop-digits.mjs');
      const bpDigits = await createDigitsModule();
      const res = await fetch('../../web/data/mnist-10k.bpimg');
      if (!res.ok) throw new Error(`web/data/mnist-10k.bpimg: HTTP ${res.status}`);
      images = await runWasmImages(bpDigits, new Uint8Array(await res.arrayBuffer()), opts, log);
    } catch (e) {
      const msg = String(e && e.message || e);
      images = { results: {}, info: {}, unsupported: {}, errors: { w4: msg, w5: msg } };
    }
    for (const k of ['results', 'errors', 'info', 'unsupported']) Object.assign(r[k], images[k]);
    return { float: 'float64', ...r };
  },
  async plainjs(quick, repeats) {
    const res = await fetch('../results/data/data.json');
    if (!res.ok) throw new Error('bench data missing: run node bench/data.mjs first');
    const data = await res.json();
    return { ...PLAINJS_NOTES, ...(await runPlainJs(data, timingOptions(quick, repeats), log)) };
  },
};
log('ready');
