// digits/model-settings.js: the page's settings of a loaded model file. A model file carries
// its config (docs/image-models.md); the page shows it only when its own settings make exactly
// that layer stack (the editor's rows and the dense head), else the import is refused with a
// message and nothing changes. No DOM, no engine (tests/node/digits-state.test.mjs).

import { cloneState, layersOf, DATASETS, MODELS, ACTIVATIONS, OPTIMIZERS, NOISE_KINDS } from './state.js';

/**
 * The state a loaded model file stands for: its config mapped back onto the page's settings, or
 * { error } when the page cannot show it exactly (a layer stack its editor cannot make).
 */
export function stateFromConfig(config, base) {
  const s = cloneState(base);
  const m = config.model || {};
  const t = config.training || {};
  const d = config.data || {};
  if (!DATASETS.includes(d.name) || !MODELS.includes(m.kind)) return { error: 'the model file names a data set or model kind this page does not know' };
  Object.assign(s, { data: d.name, model: m.kind, dataSeed: d.seed ?? 1, netSeed: m.seed ?? 1 });
  const layers = (m.layers || []).map((l) => ({ ...l }));
  const acts = layers.filter((l) => ACTIVATIONS.includes(l.type)).map((l) => l.type);
  if (acts.length) s.activation = acts[0];
  if (m.kind === 'mlp') s.hidden = layers.filter((l) => l.type === 'dense').slice(0, -1).map((l) => l.units);
  if (m.kind === 'autoencoder') {
    const dense = layers.filter((l) => l.type === 'dense');
    if (dense.length === 4) Object.assign(s, { aeHidden: dense[0].units, code: dense[1].units });
  }
  if (m.kind === 'cnn') {
    s.convs = [];
    let i = 0;
    for (; i < layers.length && layers[i].type === 'conv2d'; ) {
      const c = layers[i];
      i += 2;   // the conv and its activation
      let pool = 'none';
      if (layers[i] && /_pool$/.test(layers[i].type)) { pool = layers[i].type.replace('_pool', ''); i++; }
      s.convs.push({ filters: c.filters, kernel: c.kernel, padding: c.padding || 'valid', pool });
    }
    const dense = layers.filter((l) => l.type === 'dense');
    s.head = dense.length === 2 ? dense[0].units : 0;
  }
  Object.assign(s, {
    optimizer: OPTIMIZERS.includes(t.optimizer) ? t.optimizer : s.optimizer,
    learningRate: Number.isFinite(t.learningRate) ? t.learningRate : s.learningRate,
    batchSize: Number.isInteger(t.batchSize) ? t.batchSize : s.batchSize,
    augment: !!t.augment, maxShift: t.maxShift >= 1 && t.maxShift <= 3 ? t.maxShift : s.maxShift,
    noise: Number.isFinite(t.noise) ? t.noise : 0, noiseKind: NOISE_KINDS.includes(t.noiseKind) ? t.noiseKind : s.noiseKind,
    trainSeed: Number.isInteger(t.seed) ? t.seed : s.trainSeed,
  });
  // the page shows the model only if its own layers are the file's exactly
  const same = JSON.stringify(layersOf(s).map(strip)) === JSON.stringify(layers.map(strip));
  if (!same) return { error: 'its layer stack is not one this page\'s editor can show (the file was not made here)' };
  return { state: s };
}

/** A layer without the sizes the engine fills in (inputs, inChannels) and with its defaults. */
function strip(l) {
  const out = { type: l.type };
  if (l.type === 'dense') out.units = l.units;
  if (l.type === 'conv2d') Object.assign(out, { filters: l.filters, kernel: l.kernel ?? 3, stride: l.stride ?? 1, padding: l.padding ?? 'valid' });
  return out;
}
