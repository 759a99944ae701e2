// digits/worker-views.js: on the worker's side, the numbers the views inside the network read
// (web/js/digits/views/): the filters (every W), a trace of one digit through the layers with its
// δ maps and ∂L/∂W of that digit (explain mode), a central difference for one kernel weight, and
// for the autoencoder the codes of the test digits, decodes, reconstructions and the PCA baseline.
// Everything returned is a copy (the module's views live only until its next call).

const EXAMPLES = 8;   // test digits in the reconstruction and PCA views

/** A small seeded generator (xorshift32) for the noisy examples of a denoising autoencoder. */
function rng(seed) {
  let s = (seed >>> 0) || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/** The input corrupted as the training step does it (gaussian σ = noise, or salt and pepper). */
export function noisy(pixels, noise, kind, seed) {
  const r = rng(seed);
  const out = new Float64Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    let v = pixels[i];
    if (kind === 'saltpepper') {
      if (r() < noise) v = r() < 0.5 ? 0 : 1;
    } else {
      const g = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
      v = Math.min(1, Math.max(0, v + noise * g));
    }
    out[i] = v;
  }
  return out;
}

/**
 * opts: { index (test digit, −1 = the drawing), label (−1 = predicted), explain }.
 * Returns { kind, layers, weights, imageShape, labels, step, trace?, gradients?, ae? }.
 */
export function viewData(adapter, opts = {}) {
  const s = adapter.session;
  const out = { kind: adapter.kind, layers: s.layers(), weights: {}, imageShape: { ...adapter.shape }, step: adapter.current.step };
  for (const p of s.params()) if (p.name.endsWith('.W')) out.weights[p.name] = s.param(p.name).slice();
  if (adapter.kind !== 'autoencoder') {
    const index = opts.index ?? -1;
    const px = index >= 0 || !adapter.input ? s.testImage(Math.max(0, index)).slice() : adapter.input.slice();
    out.source = index >= 0 || !adapter.input ? `test digit #${Math.max(0, index)} (a ${adapter.labels[Math.max(0, index)]})` : 'your drawing';
    out.trace = s.trace(px, opts.label ?? -1);
    out.gradients = {};
    for (const p of s.params()) if (p.name.endsWith('.W')) out.gradients[p.name] = s.paramGradient(p.name).slice();
    return out;
  }
  out.labels = adapter.labels.slice();
  out.codes = s.encodeTest().slice();
  out.dim = s.codeSize();
  const cfg = s.config();
  const inputs = [];
  const outputs = [];
  const noisyInputs = [];
  const noise = cfg.training.noise || 0;
  for (let i = 0; i < Math.min(EXAMPLES, s.testCount()); i++) {
    const x = s.testImage(i).slice();
    inputs.push(x);
    const fed = noise > 0 ? noisy(x, noise, cfg.training.noiseKind, 1000 + i) : x;
    if (noise > 0) noisyInputs.push(fed);
    outputs.push(s.reconstruct(fed).slice());
  }
  const ev = s.evaluate();
  out.ae = { inputs, outputs, noisy: noise > 0 ? noisyInputs : null, labels: Array.from(adapter.labels.slice(0, inputs.length)), mse: ev.reconstructionMse };
  if (out.dim === 2) out.pca = pcaBaseline(adapter, inputs);
  return out;
}

/** PCA to 2 components (fit once per session: the training set does not change). */
function pcaBaseline(adapter, inputs) {
  const s = adapter.session;
  if (!adapter.pcaCache || adapter.pcaCache.version !== adapter.configVersion) {
    const p = s.pca(2);
    adapter.pcaCache = { version: adapter.configVersion, mse: p.mse, codes: p.codes.slice(), variances: p.variances.slice() };
  }
  const c = adapter.pcaCache;
  // the examples' PCA reconstructions: their codes are rows 0.. of the test codes
  const recon = inputs.map((_, i) => s.pcaDecode(Float64Array.from([c.codes[2 * i], c.codes[2 * i + 1]])).slice());
  return { codes: c.codes.slice(), mse: c.mse, variances: c.variances.slice(), recon };
}

/** decode() of each code: [[x, y, ...], ...] -> [Float64Array]. */
export function decodeCodes(adapter, codes) {
  const dim = adapter.session.codeSize();
  return codes.map((c) => {
    const z = new Float64Array(dim);
    for (let k = 0; k < Math.min(dim, c.length); k++) z[k] = Number(c[k]) || 0;
    return adapter.session.decode(z).slice();
  });
}

/**
 * A central difference of the loss of one digit for one weight: (L(w + h) − L(w − h)) / 2h,
 * with the weight put back afterwards (the trace's loss is the loss of that digit).
 */
export function numericGradient(adapter, { name, index, pixelsIndex = -1, label = -1, h = 1e-5 }) {
  const s = adapter.session;
  const px = pixelsIndex >= 0 || !adapter.input ? s.testImage(Math.max(0, pixelsIndex)).slice() : adapter.input.slice();
  const target = label >= 0 ? label : s.trace(px, -1).target;
  const W = s.param(name);
  const w0 = W[index];
  s.param(name)[index] = w0 + h;
  const lp = s.trace(px, target).loss;
  s.param(name)[index] = w0 - h;
  const lm = s.trace(px, target).loss;
  s.param(name)[index] = w0;
  return (lp - lm) / (2 * h);
}
