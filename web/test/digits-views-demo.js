// digits-views-demo.js: mounts every view of web/js/digits/views/ on synthetic data
// (digits-views-data.js), or with ?engine on the real digits engine's data (digits-views-engine.js),
// and records the callbacks the views make in window.dvDemo.calls, for
// tests/browser/digits-views.spec.js. window.dvDemo.ready is true once everything is drawn.
import {
  FiltersView, FeatureMapsView, ConvExplainView, CodeScatterView, ReconstructionView,
  InterpolationStrip, PcaBaselineView,
} from '../js/digits/views/index.js';
import { interpolationCodes } from '../js/digits/views/conv-math.js';
import { glyphImages, cnnTrace, mlpWeights, codeData, blur, noisy } from './digits-views-data.js';
import { engineData } from './digits-views-engine.js';

const calls = [];
const log = (name) => (arg) => { calls.push({ name, arg: JSON.parse(JSON.stringify(arg)) }); };
const $ = (id) => document.getElementById(id);

function syntheticData() {
  const glyphs = glyphImages(28, 28);
  const codes = codeData(glyphs);
  const inputs = glyphs.slice();
  return {
    engine: false, rows: 28, cols: 28, cnn: cnnTrace(glyphs[7], 7), mlp: mlpWeights(32),
    codes: { ...codes, aeMse: 0.0381, pcaMse: 0.0556, variances: Float64Array.from([5.12, 3.71]) },
    recon: {
      inputs, outputs: inputs.map((g) => blur(g, 28, 28)), mse: 0.0381, noisy: inputs.map((g, k) => noisy(g, 100 + k)),
      pcaOut: inputs.slice(0, 8).map((g) => blur(blur(blur(g, 28, 28), 28, 28), 28, 28)),
    },
  };
}

function mount({ cnn, mlp, codes, recon, engine, rows, cols }) {
  const shape = { rows, cols };
  const explain = new ConvExplainView($('explain'), { selectWeight: log('explainSelect') });
  const filters = new FiltersView($('filters'), { selectWeight: (s) => { log('selectWeight')(s); explain.select(s); } });
  filters.update({ layers: cnn.layers, weights: cnn.weights, imageShape: shape });
  const filtersMlp = new FiltersView($('filters-mlp'), { selectWeight: log('selectWeightMlp') });
  filtersMlp.update({ layers: mlp.layers, weights: mlp.weights, imageShape: shape });

  const maps = new FeatureMapsView($('maps'), { selectMap: log('selectMap') });
  maps.update({ trace: cnn.trace, rows, cols, explain: true });
  explain.update({
    trace: cnn.trace, weights: cnn.weights, gradients: cnn.gradients, rows, cols,
    selection: { layer: 0, o: 2, c: 0, i: 1, j: 3 },
  });

  const strip = new InterpolationStrip($('interp'));
  const showStrip = (a, b, from, to) => {
    const cs = interpolationCodes(a, b, 9);
    strip.update({ rows, cols, images: cs.map((c) => codes.decode(c[0], c[1])), codes: cs.map((c) => [...c]), from, to });
  };
  const scatter = new CodeScatterView($('scatter'), {
    decode: (x, y) => { log('decode')([x, y]); return Promise.resolve(codes.decode(x, y)); },
    pick: log('pick'),
    interpolate: ({ a, b, aIndex, bIndex }) => {
      log('interpolate')({ a, b, aIndex, bIndex });
      showStrip(a, b, aIndex >= 0 ? `A (a ${codes.labels[aIndex]})` : 'A', bIndex >= 0 ? `B (a ${codes.labels[bIndex]})` : 'B');
    },
  });
  scatter.update({ codes: codes.ae, labels: codes.labels, rows, cols, step: engine ? undefined : 1200 });
  // a first strip between the mean codes of the 3s and the 8s, as if A and B had been clicked
  showStrip(codes.centres[3], codes.centres[8], 'A (a 3)', 'B (a 8)');

  const sample = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const reconView = new ReconstructionView($('recon'));
  reconView.update({ rows, cols, inputs: recon.inputs, outputs: recon.outputs, labels: sample, mse: recon.mse });
  let denoise = null;
  if (recon.noisy) {
    denoise = new ReconstructionView($('denoise'));
    denoise.update({ rows, cols, inputs: recon.inputs, noisy: recon.noisy, outputs: recon.outputs, labels: sample, mse: 0.0402 });
  } else {
    $('denoise').hidden = true;
  }
  const pca = new PcaBaselineView($('pca'));
  pca.update({
    labels: codes.labels,
    ae: { codes: codes.ae, mse: codes.aeMse },
    pca: { codes: codes.pca, mse: codes.pcaMse, variances: codes.variances },
    examples: { rows, cols, inputs: recon.inputs.slice(0, 8), ae: recon.outputs.slice(0, 8), pca: recon.pcaOut },
  });
  return { filters, filtersMlp, maps, explain, scatter, strip, recon: reconView, denoise, pca };
}

const useEngine = new URLSearchParams(location.search).has('engine');
const data = useEngine ? await engineData({ data: new URLSearchParams(location.search).get('engine') || 'mnist' }) : syntheticData();
const views = mount(data);
window.dvDemo = { ready: true, calls, ...data, views };
