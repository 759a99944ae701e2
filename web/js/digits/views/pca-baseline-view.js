// pca-baseline-view.js: the linear baseline beside the autoencoder. PCA to 2 components is the
// best any linear map to 2 numbers and back can do in squared error (a linear autoencoder at its
// optimum spans the same plane), so the gap between the two errors is what the nonlinearity buys.
//
//   new PcaBaselineView(host)             (no callbacks)
//   update({ labels, ae, pca, examples })
//     labels    s.testLabels()
//     ae        { codes, mse, dim = 2 }   codes: s.encodeTest() copy; mse: s.evaluate().reconstructionMse
//     pca       { codes, mse, variances } s.pca(2) copies (codes Ntest·2, fit on the training set)
//     examples  optional { rows, cols, inputs: [..], ae: [..], pca: [..] }: a few test digits and
//               both reconstructions (s.reconstruct, s.pcaDecode of their PCA codes), drawn as rows
// nonlinearitySentence(aeMse, pcaMse) is the sentence under the bars (pure, tested in Node).

import { ScatterPlot } from './scatter-plot.js';
import { el, tileLayout, makeCanvas, paintTiles, cellFor, columnsThatFit, rowLabels } from './image-draw.js';
import { fmt } from '../../shared/dom.js';

/** What the two reconstruction errors say, in one or two sentences. */
export function nonlinearitySentence(aeMse, pcaMse) {
  if (!Number.isFinite(aeMse) || !Number.isFinite(pcaMse) || pcaMse <= 0) {
    return 'Train the autoencoder to compare it with the best linear 2-D code (PCA).';
  }
  const gain = 1 - aeMse / pcaMse;
  if (gain > 0.005) {
    return `Both squeeze each digit into 2 numbers, but the autoencoder's reconstructions have ${Math.round(gain * 100)}% less squared error than the best linear projection: ` +
      'its nonlinear encoder can bend the code plane around the digits instead of laying one flat plane through them.';
  }
  if (gain >= -0.005) {
    return 'So far the autoencoder does about as well as PCA, the best linear 2-D code: a linear autoencoder can learn no more than this plane; train on to see what the nonlinearity adds.';
  }
  return `So far the autoencoder's error is ${Math.round(-gain * 100)}% above PCA's, the best linear 2-D code; ` +
    'with enough training its nonlinear encoder and decoder should get below it.';
}

export class PcaBaselineView {
  constructor(host) {
    this.root = el('dv-view dv-pca');
    const row = el('dv-pca-row');
    this.aePlot = new ScatterPlot(280, 'the autoencoder code of every test digit');
    this.pcaPlot = new ScatterPlot(280, 'the first two principal components of every test digit');
    // one legend (the autoencoder plot's) highlights a class in both plots
    this.pcaPlot.legend.hidden = true;
    const own = this.aePlot.setHighlight.bind(this.aePlot);
    this.aePlot.setHighlight = (k) => { own(k); this.pcaPlot.setHighlight(k); };
    const col = (title, plot) => { const c = el('dv-pca-col'); c.append(el('dv-title', title, 'h4'), plot.root); return c; };
    this.pcaTitle = el('dv-title', 'PCA, 2 components (linear)', 'h4');
    const pcaCol = el('dv-pca-col');
    pcaCol.append(this.pcaTitle, this.pcaPlot.root);
    row.append(col('Autoencoder code (nonlinear)', this.aePlot), pcaCol);
    this.bars = el('dv-bars');
    this.sentence = el('dv-sentence', null, 'p');
    this.examples = el('dv-pca-examples');
    this.root.append(row, this.aePlot.legend, this.bars, this.sentence, this.examples);
    host.append(this.root);
  }

  update({ labels, ae, pca, examples = null }) {
    if (ae && ae.codes) this.aePlot.draw({ codes: ae.codes, labels, dim: ae.dim || 2 });
    if (pca && pca.codes) this.pcaPlot.draw({ codes: pca.codes, labels, dim: 2 });
    if (pca && pca.variances) this.pcaTitle.textContent = `PCA, 2 components (linear): variances ${[...pca.variances].map((v) => fmt(v, 3)).join(', ')}`;
    const aeMse = ae ? ae.mse : NaN;
    const pcaMse = pca ? pca.mse : NaN;
    this.drawBars(aeMse, pcaMse);
    this.sentence.textContent = nonlinearitySentence(aeMse, pcaMse);
    if (examples) this.drawExamples(examples);
  }

  drawBars(aeMse, pcaMse) {
    this.bars.replaceChildren();
    const top = Math.max(Number.isFinite(aeMse) ? aeMse : 0, Number.isFinite(pcaMse) ? pcaMse : 0) || 1;
    for (const [name, v, cls] of [['autoencoder', aeMse, 'dv-bar-ae'], ['PCA (2 components)', pcaMse, 'dv-bar-pca']]) {
      const row = el('dv-bar-row');
      const track = el('dv-bar-track');
      const bar = el(`dv-bar ${cls}`);
      bar.style.width = `${Number.isFinite(v) ? Math.max(0.5, (100 * v) / top) : 0}%`;
      track.append(bar);
      row.append(el('dv-bar-name', name, 'span'), track, el('dv-bar-value', Number.isFinite(v) ? fmt(v, 4) : '–', 'span'));
      this.bars.append(row);
    }
    const cap = el('dv-caption', 'reconstruction error on the test digits: mean squared error per pixel (lower is better)');
    this.bars.append(cap);
  }

  drawExamples({ rows, cols, inputs, ae, pca }) {
    const cell = cellFor(rows, cols, rows > 10 ? 42 : 40);
    const left = 92;
    const n = columnsThatFit(this.examples, inputs.length, { left, tile: cols * cell, gap: 4 });
    const layout = tileLayout(3 * n, cols * cell, rows * cell, { maxCols: n, gap: 4 });
    const place = { ...layout, x: (i) => left + layout.x(i) };
    const canvas = makeCanvas(left + layout.width, layout.height, 'dv-grid', `${n} test digits, the autoencoder's and PCA's reconstructions`);
    const tiles = [];
    for (const imgs of [inputs, ae, pca]) for (const values of imgs.slice(0, n)) tiles.push({ values, rows, cols, mode: 'ink' });
    paintTiles(canvas, place, tiles, cell);
    const ctx = canvas.getContext('2d');
    rowLabels(ctx, ['input', 'autoencoder', 'PCA'], left - 8, (r) => layout.y(r * n) + (rows * cell) / 2);
    ctx.strokeStyle = '#d9dde3';
    for (let i = 0; i < 3 * n; i++) ctx.strokeRect(place.x(i) - 0.5, place.y(i) - 0.5, cols * cell + 1, rows * cell + 1);
    this.examples.replaceChildren(canvas);
  }
}
