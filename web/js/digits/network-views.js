// digits/network-views.js: the panel "Inside the network", wiring the views of
// web/js/digits/views/ to the engine. Classifiers: every filter (FiltersView), the feature maps of
// the current digit layer by layer (FeatureMapsView) and, in explain mode, the δ maps flowing back
// and for the CNN the conv explain panels (a kernel weight's gradient as a sum over positions
// beside the engine's and a central difference, the full convolution with the kernel turned by
// 180°, max-pool routing). Autoencoder: the code scatter with click-to-decode, the interpolation
// strip, the reconstructions and the PCA baseline. The views get plain copies (worker-views.js);
// at most one request is in flight, and a refresh asked for meanwhile runs after it.

import { h } from '../shared/dom.js';
import { oneAtATime } from '../shared/one-at-a-time.js';
import { FiltersView } from './views/filters-view.js';
import { FeatureMapsView } from './views/feature-maps-view.js';
import { ConvExplainView } from './views/conv-explain-view.js';
import { CodeScatterView } from './views/code-scatter-view.js';
import { InterpolationStrip } from './views/interpolation-strip.js';
import { ReconstructionView } from './views/reconstruction-view.js';
import { PcaBaselineView } from './views/pca-baseline-view.js';
import { interpolationCodes, parseConvText, weightedLayerNames, convWeightIndex } from './views/conv-math.js';

const STRIP = 9;   // images in the interpolation strip

export class NetworkViews {
  /** @param {{ engine: () => DigitsEngine | null, playing: () => boolean, onError(message) }} o */
  constructor(host, o) {
    this.o = o;
    this.explain = false;
    this.selection = null;
    this.refresh = oneAtATime(() => this.fetchAndDraw());   // (a refresh asked while one runs follows it)
    const box = (cls, title, text) => {
      const body = h('div', { class: 'dg-view-body' });
      const el = h('div', { class: ['dg-view', cls] }, h('h3', { class: 'dg-view-title', text: title }), text ? h('p', { class: 'dg-note', text }) : null, body);
      return { el, body };
    };
    this.explainBox = h('input', { type: 'checkbox', id: 'dg-explain', on: { change: () => this.setExplain(this.explainBox.checked) } });
    this.source = h('span', { class: 'dg-note dg-source' });
    const bar = h('div', { class: 'dg-views-bar' },
      h('label', { class: 'bp-inline-check', for: 'dg-explain' }, this.explainBox, ' Explain mode: δ maps ∂L/∂a flowing back, and a conv layer\'s gradients (key e)'), this.source);
    const f = box('dg-view-filters', 'Filters (first-layer weights)', 'Every conv kernel as an image (blue > 0 > orange); for an MLP, each first-layer unit\'s 784 weights as an image. Click a kernel pixel to explain that weight.');
    const m = box('dg-view-maps', 'Feature maps of the current digit', 'The digit drawn (or test digit #0 before you draw) through every layer.');
    const x = box('dg-view-explain', 'Backpropagation through a conv layer');
    this.filters = new FiltersView(f.body, { selectWeight: (sel) => this.selectWeight(sel) });
    this.maps = new FeatureMapsView(m.body, {});
    this.convExplain = new ConvExplainView(x.body, { selectWeight: (sel) => this.selectWeight(sel) });
    this.explainPart = x.el;
    this.classifierPart = h('div', { class: 'dg-views-classifier' }, bar, f.el, m.el, x.el);

    const sc = box('dg-view-code', 'The code space', 'Hover or click the plane: the decoder draws that point. Click two digits for an interpolation between them.');
    const st = box('dg-view-strip', 'Interpolation');
    const rc = box('dg-view-recon', 'Reconstructions');
    const pc = box('dg-view-pca', 'The linear baseline: PCA to 2 components');
    this.scatter = new CodeScatterView(sc.body, {
      decode: (cx, cy) => this.decodeOne([cx, cy]),
      pick: () => {},
      interpolate: (ends) => this.interpolate(ends),
    });
    this.strip = new InterpolationStrip(st.body);
    this.recon = new ReconstructionView(rc.body);
    this.pca = new PcaBaselineView(pc.body);
    this.pcaPart = pc.el;
    this.aePart = h('div', { class: 'dg-views-ae' }, sc.el, st.el, rc.el, pc.el);
    host.append(this.classifierPart, this.aePart);
  }

  setExplain(on) {
    this.explain = on;
    this.explainBox.checked = on;
    this.maps.setExplain(on);
    this.explainPart.hidden = !on || this.kind !== 'cnn';
    if (on && !this.selection && this.firstWeight) this.selectWeight(this.firstWeight);
    else if (on) this.refresh();
  }

  /** The weight explained first: the centre of the first conv layer's first kernel. */
  defaultWeight(layers) {
    const names = weightedLayerNames(layers);
    const li = layers.findIndex((l) => l.kind === 'conv2d');
    const spec = li >= 0 ? parseConvText(layers[li].text) : null;
    if (!spec) return null;
    const c = spec.kernel >> 1;
    return { layer: li, name: `${names[li]}.W`, o: 0, c: 0, i: c, j: c, index: convWeightIndex(0, 0, c, c, spec.kernel, spec.filters) };
  }

  /** A new network (info: the engine's description). */
  rebuilt(info) {
    this.kind = info.kind;
    this.shape = info.image;
    this.selection = null;
    this.sel = null;
    this.numeric = null;
    this.firstWeight = this.defaultWeight(info.layers);
    const ae = info.kind === 'autoencoder';
    this.classifierPart.hidden = ae;
    this.aePart.hidden = !ae;
    this.explainPart.hidden = !this.explain || info.kind !== 'cnn';
    this.pcaPart.hidden = ae && info.codeSize !== 2;
    if (ae) this.strip.clear();
    this.refresh();
  }

  /** A new evaluation (the weights moved): redraw from fresh numbers. */
  evaluated() {
    this.numeric = null;   // (the weights moved: a central difference of before would not match)
    if (this.explain && this.sel && !this.o.playing()) this.selectWeight(this.sel);
    else this.refresh();
  }

  /** The views' numbers from the engine, drawn. */
  async fetchAndDraw() {
    const engine = this.o.engine();
    if (!engine) return;
    try {
      const d = await engine.viewData({ index: -1, label: -1 });
      this.draw(d);
    } catch (e) {
      this.o.onError(`The network views could not be drawn: ${e.message}`);
    }
  }

  draw(d) {
    if (d.kind !== this.kind) return;
    const { rows, cols } = d.imageShape;
    if (d.kind === 'autoencoder') {
      this.scatter.update({ codes: d.codes, labels: d.labels, dim: d.dim, rows, cols, step: d.step });
      this.recon.update({ rows, cols, ...d.ae });
      if (d.pca) {
        this.pca.update({
          labels: d.labels, ae: { codes: d.codes, mse: d.ae.mse, dim: d.dim }, pca: d.pca,
          examples: { rows, cols, inputs: d.ae.inputs, ae: d.ae.outputs, pca: d.pca.recon },
        });
      }
      return;
    }
    this.lastData = d;
    this.source.textContent = `Showing ${d.source}.`;
    this.filters.update({ layers: d.layers, weights: d.weights, imageShape: d.imageShape });
    this.maps.update({ trace: d.trace, rows, cols, explain: this.explain });
    if (this.explain && d.kind === 'cnn') {
      this.convExplain.update({ trace: d.trace, weights: d.weights, gradients: d.gradients, selection: this.selection, rows, cols,
        numericGradient: this.numeric || undefined });
    }
    if (this.selection) this.filters.select(this.selection);
  }

  /** A kernel weight was picked (filters or the explain view): explain it, with a central difference. */
  async selectWeight(sel) {
    this.sel = sel;
    this.selection = { layer: sel.layer, o: sel.o, c: sel.c, i: sel.i, j: sel.j };
    this.numeric = null;
    if (!this.explain) this.setExplain(true);
    const engine = this.o.engine();
    if (engine && !this.o.playing()) {
      try {
        const value = await engine.numericGradient({ name: sel.name, index: sel.index });
        this.numeric = { ...this.selection, value };
      } catch (e) { this.o.onError(`no central difference: ${e.message}`); }
    }
    this.refresh();
  }

  async decodeOne(code) {
    const engine = this.o.engine();
    if (!engine) return null;
    const [img] = await engine.decode([code]);
    return img;
  }

  async interpolate({ a, b }) {
    const engine = this.o.engine();
    if (!engine) return;
    const codes = interpolationCodes(Float64Array.from(a), Float64Array.from(b), STRIP);
    const images = await engine.decode(codes.map((c) => Array.from(c)));
    this.strip.update({ rows: this.shape.rows, cols: this.shape.cols, images, codes: codes.map((c) => Array.from(c)) });
  }
}
