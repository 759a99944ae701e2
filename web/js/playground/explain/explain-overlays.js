// explain/explain-overlays.js: explain mode's hand on the page's views. The Explainer
// (explainer.js) decides what is explained and which step of the cycle shows; this turns that into
// what each view shows: the network diagram its notes and link values, the plot its marked
// examples (its pick mode and its hint), the explain view its panels. It reaches the views only
// through the hooks it is handed.

import {
  nodeNotes, linkValues, labelledLayers, stepCaption, nearestPoint,
} from './explain-model.js';
import { FEATURES } from '../state.js';

export class ExplainOverlays {
  /**
   * @param {object} hooks  showPanel(on), renderPanel(model): the explain view;
   *   setDiagram(explain): the network diagram's overlay; setPickMode(on), setMarked(points,
   *   focus), setHint(text), points(): the plot and its data; state(): the page's settings;
   *   toggled(on): explain mode opened or closed; redraw(): the plot's last frame again
   */
  constructor(hooks) {
    this.hooks = hooks;
  }

  /** Explain mode opens: the panel shows and a click on the plot picks an example. */
  open() {
    this.hooks.showPanel(true);
    this.hooks.setPickMode(true);
    this.hooks.toggled(true);
  }

  /** Explain mode closes: the views as they were. */
  close() {
    this.hooks.setDiagram(null);
    this.hooks.setPickMode(false);
    this.hooks.setMarked(null);
    this.hooks.showPanel(false);
    this.hooks.toggled(false);
    this.hooks.redraw();
  }

  /** The data point nearest a click on the plot (x, y in plane units), or null with a hint. */
  pointNear(x, y, radius) {
    const pts = this.hooks.points();
    const found = nearestPoint({ train: pts.train, test: this.hooks.state().showTest ? pts.test : null }, x, y, radius);
    if (!found) {
      this.hooks.setHint('Click on a data point to follow it through the network.');
      clearTimeout(this.hintTimer);
      this.hintTimer = setTimeout(() => this.hooks.setHint(''), 2500);
      return null;
    }
    return found;
  }

  /**
   * Shows the step the explainer is at: ex is its state (trace, steps, index, step, committed,
   * mode, focus, inspect, before, after, prevLoss, gradCheck, busy), layout the network on screen.
   */
  show(ex, layout) {
    const {
      trace: t, steps, index, step, committed, mode, focus, inspect, before, after, prevLoss,
      gradCheck, busy,
    } = ex;
    const L = t.layers.length;
    if (!traceFits(t, layout)) {
      this.hooks.setDiagram({ notes: [], links: [], labels: [], selectedLink: null, selectedNode: null, stale: true });
      return;
    }
    const sel = inspect && inspect.type === 'link' ? { l: inspect.l, i: inspect.i, j: inspect.j } : null;
    this.hooks.setDiagram({
      notes: nodeNotes(t, step, focus),
      links: linkValues(t, step),
      labels: labelledLayers(step, L),
      selectedLink: sel,
      selectedNode: inspect && inspect.type === 'node' ? inspect.idx : null,
    });
    this.hooks.setMarked(t.points, focus);
    const names = nodeNames(layout);
    const F = layout.features.length;
    const state = this.hooks.state();
    this.hooks.renderPanel({
      trace: t,
      steps,
      index,
      step,
      caption: stepCaption(step, { L, N: t.N, optimizer: state.optimizer, committed, loss: t.dataLoss }),
      committed,
      mode,
      focus,
      names,
      layout,
      optimizer: { name: state.optimizer, clipNorm: state.clipNorm },
      inspect,
      before,
      after,
      prevLoss,
      gradCheck,
      busy,
      linkName: (l, i, j) => {
        let start = F;
        for (let q = 0; q < l; q++) start += t.layers[q].b.length;
        const from = l === 0 ? names[i] : names[start - t.layers[l - 1].b.length + i];
        return `${from} → ${names[start + j]}`;
      },
    });
  }
}

/** Short names of every node, in engine order: features (X₁ ...), h1.1 ..., output. */
export function nodeNames(layout) {
  const names = layout.features.map((f) => (FEATURES.find((x) => x.name === f) || { label: f }).label);
  layout.hidden.forEach((l, q) => { for (let j = 0; j < l.size; j++) names.push(`h${q + 1}.${j + 1}`); });
  for (let k = 0; k < layout.output.size; k++) names.push(layout.output.size > 1 ? `out${k}` : 'out');
  return names;
}

/** Whether the trace was made by the network now on screen (a new one is on its way if not). */
export function traceFits(t, layout) {
  const sizes = [...layout.hidden.map((l) => l.size), layout.output.size];
  return t.layers.length === sizes.length && t.layers.every((l, q) => l.b.length === sizes[q])
    && t.inputs.length === t.N * layout.features.length;
}
