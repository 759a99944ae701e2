// digits-views-engine.js: the same data as digits-views-data.js, but from the real digits engine
// (web/engine/backprop-digits.mjs on MNIST, trained here for a few seconds on the main thread),
// for web/test/digits-views.html?engine (or ?engine=uci: the UCI 8×8 digits): the views on real
// weights, traces and codes.

export async function engineData({ data = 'mnist', cnnSteps = 60, mlpSteps = 150, aeSteps = 1200 } = {}) {
  const { default: create } = await import('../engine/backprop-digits.mjs');
  const m = await create();
  const file = data === 'uci' ? 'optdigits-8x8.bpimg' : 'mnist-10k.bpimg';
  const bytes = new Uint8Array(await (await fetch(`../data/${file}`)).arrayBuffer());
  const copyAll = (s, names) => Object.fromEntries(names.map((n) => [n, s.param(n).slice()]));

  // the W4 CNN: a trace of test digit 0 and this digit's gradients (read right after trace())
  const cnnS = new m.ImageSession(m.defaultImageConfig('cnn', data, 'relu'), bytes);
  cnnS.step(cnnSteps);
  const labels = cnnS.testLabels().slice();
  const pick = labels.indexOf(7);
  const trace = cnnS.trace(cnnS.testImage(pick).slice(), labels[pick]);
  const names = cnnS.params().map((p) => p.name).filter((n) => n.endsWith('.W'));
  const cnn = {
    trace, layers: cnnS.layers(), weights: copyAll(cnnS, names),
    gradients: Object.fromEntries(names.map((n) => [n, cnnS.paramGradient(n).slice()])),
  };
  cnnS.delete();

  const mlpS = new m.ImageSession(m.defaultImageConfig('mlp', data, 'relu'), bytes);
  mlpS.step(mlpSteps);
  const mlp = { layers: mlpS.layers(), weights: copyAll(mlpS, ['dense1.W']) };
  mlpS.delete();

  // the autoencoder 784-128-2-128-784 and its PCA baseline; decode stays live for the scatter
  const ae = new m.ImageSession(m.defaultImageConfig('autoencoder', data, 'relu'), bytes);
  ae.step(aeSteps);
  const codesAe = ae.encodeTest().slice();
  const mse = ae.evaluate().reconstructionMse;
  const p = ae.pca(2);
  const pca = { codes: p.codes.slice(), mse: p.mse, variances: p.variances.slice() };
  const sample = [];
  for (let d = 0; d < 10; d++) sample.push(labels.indexOf(d));
  const inputs = sample.map((i) => ae.testImage(i).slice());
  const outputs = inputs.map((x) => ae.reconstruct(x).slice());
  const pcaOut = sample.slice(0, 8).map((i) => ae.pcaDecode(pca.codes.slice(2 * i, 2 * i + 2)).slice());
  const decode = (x, y) => ae.decode(Float64Array.from([x, y])).slice();
  // cluster centres: the mean code of each class (for the first strip, from a 3 to an 8)
  const centres = Array.from({ length: 10 }, (_, k) => {
    let sx = 0; let sy = 0; let n = 0;
    for (let i = 0; i < labels.length; i++) if (labels[i] === k) { sx += codesAe[2 * i]; sy += codesAe[2 * i + 1]; n++; }
    return [sx / n, sy / n];
  });
  const { rows, cols } = ae.imageShape();
  return {
    engine: true, rows, cols, cnn, mlp,
    codes: { labels, ae: codesAe, pca: pca.codes, decode, centres, aeMse: mse, pcaMse: pca.mse, variances: pca.variances },
    recon: { inputs, outputs, mse, noisy: null, pcaOut },
  };
}
