// explain/explain-figures.js: the update phase's small pictures of the decision boundary: the
// boundary before and after the explained update (G x G, from a frame's grid output) and how the
// output moved between them, with the explained examples circled.

import { h } from '../../shared/dom.js';
import { fmtNum } from './explain-model.js';
import { num } from './explain-spans.js';
import { fillHeatmap, divergingRGB } from '../../shared/colors.js';

/** A small copy of the decision boundary from a frame's grid output. */
export function boundaryFigure(title, grid, m) {
  const c = h('canvas', { class: 'bp-x-fig-canvas', width: 1, height: 1, 'aria-hidden': 'true' });
  if (grid) {
    c.width = grid.G;
    c.height = grid.G;
    const ctx = c.getContext('2d');
    const img = ctx.createImageData(grid.G, grid.G);
    fillHeatmap(grid.output, grid.K, grid.mode, false, img.data);
    ctx.putImageData(img, 0, 0);
    markExamples(ctx, grid.G, m);
  }
  return h('figure', { class: 'bp-x-fig' }, c, h('figcaption', { text: title }));
}

/** How the output moved: after − before, scaled to the largest change (blue: up, orange: down). */
export function changeFigure(m) {
  const { before, after } = m;
  const G = after.G;
  const K = after.K;
  const c = h('canvas', { class: 'bp-x-fig-canvas', width: G, height: G, 'aria-hidden': 'true' });
  const fig = h('figure', { class: 'bp-x-fig' }, c);
  if (!before || before.G !== G || before.K !== K) {
    fig.append(h('figcaption', { text: 'Change' }));
    return fig;
  }
  // the output that matters: K = 1 its value; several classes the focused example's class
  const k = K > 1 ? Math.max(0, Math.min(K - 1, Math.round(m.trace.labels[m.focus]))) : 0;
  let max = 0;
  for (let p = 0; p < G * G; p++) max = Math.max(max, Math.abs(after.output[p * K + k] - before.output[p * K + k]));
  const ctx = c.getContext('2d');
  const img = ctx.createImageData(G, G);
  for (let p = 0; p < G * G; p++) {
    const d = max > 0 ? (after.output[p * K + k] - before.output[p * K + k]) / max : 0;
    const [r, g, b] = divergingRGB(d, 0.9);
    img.data.set([r, g, b, 255], p * 4);
  }
  ctx.putImageData(img, 0, 0);
  markExamples(ctx, G, m);
  const what = K > 1 ? `p(class ${k})` : 'the output';
  fig.append(h('figcaption', { title: `blue: ${what} went up; orange: it went down; white: no change. Scaled to the largest change, ${fmtNum(max)}.` },
    'Change of ', what, ' (largest ', num(max), ')'));
  return fig;
}

/** Circles the trace's examples on a figure of side G (the focused one larger). */
function markExamples(ctx, G, m) {
  const t = m.trace;
  for (let n = 0; n < t.N; n++) {
    const px = ((t.points[2 * n] + 6) / 12) * G;
    const py = ((6 - t.points[2 * n + 1]) / 12) * G;
    ctx.beginPath();
    ctx.arc(px, py, n === m.focus ? G / 32 : G / 50, 0, 2 * Math.PI);
    ctx.lineWidth = G / 100;
    ctx.strokeStyle = '#1f2328';
    ctx.stroke();
  }
}
