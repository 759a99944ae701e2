// conv-backward-panel.js: the backward of a conv layer as a full convolution (part 2 of the conv
// explain view; conv-explain-view.js makes it).
//   ∂L/∂X[c] = Σ_o  δ[o] ∗ rot180(K[o, c])
// i.e. pad δ[o] with q = k − 1 − p zeros all round and slide the kernel turned by 180° over it
// (for stride s, first spread δ out with s − 1 zeros between its cells: conv-math's dilate).
// Drawn for one filter o and input channel c: K, rot180(K), the padded δ map with the window of
// one input pixel (u, v), the resulting map; the window's numbers ⊙ rot180(K) = that pixel's
// value; then the sum over every filter o beside the engine's ∂L/∂X[c, u, v].
//
//   new ConvBackwardPanel(host)
//   update({ trace, li, g, W, o, c })   trace from s.trace(); li the conv layer's index; g its
//                                       convGeometry; W its weights (C_in·k·k, C_out); o, c chosen
//   Click the result map to pick another input pixel (u, v).

import {
  kernelOf, rot180, fullConvolution, fullConvolutionAt, convInputDelta, layerInputDelta, topTerms,
  relativeDifference, dilate,
} from './conv-math.js';
import { el, imageCanvas, maxAbs, eventPoint, cellFor, outline } from './image-draw.js';
import { numberGrid, sumLine, checkBox } from './number-draw.js';
import { fmt } from '../../shared/dom.js';

export class ConvBackwardPanel {
  constructor(host) {
    this.host = host;
    this.pixel = null;
    this.key = '';
  }

  update(d) {
    this.d = d;
    const key = `${d.li}/${d.c}`;
    if (key !== this.key) { this.pixel = null; this.key = key; }
    this.render();
  }

  render() {
    const { trace, li, g, W, o, c } = this.d;
    const host = this.host;
    host.replaceChildren();
    host.append(el('dv-title', `2 · Backward through ${trace.layers[li].text}: δ ∗ rot180(K), the full convolution`, 'h4'));
    const delta = trace.layers[li].delta;
    const dxAll = convInputDelta(delta, W, g);
    const engine = layerInputDelta(trace, li);
    const plane = g.h * g.w;
    const q = g.k - 1 - g.pad;
    // stride s: δ spread out with s − 1 zeros between its cells first (then the same picture)
    const D0 = delta.slice(o * g.ho * g.wo, (o + 1) * g.ho * g.wo);
    const { values: D, height: dh, width: dw } = g.stride > 1 ? dilate(D0, g.ho, g.wo, g.stride) : { values: D0, height: g.ho, width: g.wo };
    const K = kernelOf(W, g, o, c);
    const R = rot180(K, g.k);
    const result = fullConvolution(D, dh, dw, K, g.k, g.pad, g.h, g.w);
    if (!this.pixel) {
      let best = 0;
      for (let n = 1; n < plane; n++) if (Math.abs(result[n]) > Math.abs(result[best])) best = n;
      this.pixel = [Math.floor(best / g.w), best % g.w];
    }
    const [u, v] = this.pixel;
    const spread = g.stride > 1 ? `spread δ[o] out with ${g.stride - 1} zero${g.stride > 2 ? 's' : ''} between its cells (stride ${g.stride}), ` : '';
    host.append(el('dv-formula', `∂L/∂X[c] = Σ_o δ[o] ∗ rot180(K[o,c]):  ${spread}pad δ[o] with k − 1 − p = ${q} zero${q === 1 ? '' : 's'} on every side, slide rot180(K) over it. Shown for o = ${o}, c = ${c}.`));
    const fig = el('dv-figure');
    const item = (caption, node) => { const f = el('dv-fig-item'); f.append(node, el('dv-caption', caption)); return f; };
    const op = (t) => el('dv-fig-op', t, 'span');
    const vk = maxAbs(W);
    const kcell = g.k <= 5 ? 40 : 26;
    fig.append(item(`K[${o}, ${c}]`, numberGrid(K, g.k, g.k, kcell, { vmax: vk, label: 'kernel' })), op('↻180°'),
      item(`rot180(K)`, numberGrid(R, g.k, g.k, kcell, { vmax: vk, label: 'kernel turned by 180 degrees' })));
    // the padded δ map with the window that makes pixel (u, v)
    const ph = dh + 2 * q; const pw = dw + 2 * q;
    const padded = new Float64Array(ph * pw).fill(NaN);
    for (let y = 0; y < dh; y++) for (let x = 0; x < dw; x++) padded[(y + q) * pw + x + q] = D[y * dw + x];
    const cell = cellFor(ph, pw, 150);
    const vd = maxAbs(D);
    const pc = imageCanvas(padded.map((x) => (Number.isNaN(x) ? 0 : x)), ph, pw, cell, { mode: 'diverging', vmax: vd, label: 'padded delta map' });
    const pctx = pc.getContext('2d');
    pctx.strokeStyle = 'rgba(95, 102, 112, 0.6)';
    pctx.setLineDash([3, 2]);
    pctx.strokeRect(q * cell + 0.5, q * cell + 0.5, dw * cell - 1, dh * cell - 1);
    pctx.setLineDash([]);
    outline(pctx, v * cell, u * cell, g.k * cell, g.k * cell);
    fig.append(el('dv-fig-word', 'slid over', 'span'), item(`δ[${o}] ${g.stride > 1 ? 'spread out and ' : ''}padded ±${fmt(vd)}`, pc));
    const rcell = cellFor(g.h, g.w, 150);
    const rc = imageCanvas(result, g.h, g.w, rcell, { mode: 'diverging', vmax: maxAbs(result), label: 'full convolution result', className: 'dv-img dv-clickable' });
    outline(rc.getContext('2d'), v * rcell - 2, u * rcell - 2, rcell + 4, rcell + 4);
    rc.addEventListener('click', (e) => {
      const [x, y] = eventPoint(e, rc);
      const uu = Math.floor(y / rcell); const vv = Math.floor(x / rcell);
      if (uu >= 0 && vv >= 0 && uu < g.h && vv < g.w) { this.pixel = [uu, vv]; this.render(); }
    });
    fig.append(op('='), item(`δ[${o}] ∗ rot180(K[${o},${c}]) (click a pixel)`, rc));
    host.append(fig);
    // that pixel's window, number by number
    const at = fullConvolutionAt(D, dh, dw, R, g.k, q, u, v);
    const win = Float64Array.from(at.terms, (t) => t.delta);
    const fig2 = el('dv-figure');
    fig2.append(item(`δ under the window at (${u}, ${v})`, numberGrid(win, g.k, g.k, kcell, { vmax: vd, dim: (a, b) => !at.terms[a * g.k + b].inside, label: 'window of delta' })),
      op('⊙'), item('rot180(K)', numberGrid(R, g.k, g.k, kcell, { vmax: vk, label: 'rotated kernel' })), op('Σ'),
      el('dv-fig-total', fmt(at.total, 4), 'strong'));
    host.append(fig2);
    const inside = at.terms.filter((t) => t.inside);
    const { shown, rest, restCount } = topTerms(inside, 4);
    const line = sumLine(shown, rest, restCount, at.total, (t) => [t.delta, t.weight]);
    line.prepend(el('dv-op', `(δ[${o}] ∗ rot180 K)[${u}, ${v}] = `, 'span'));
    host.append(line);
    host.append(this.compare(dxAll, engine, c, plane, u * g.w + v, g.cout));
  }

  /** Σ over the filters at one pixel (or the worst pixel of the channel) beside the engine's ∂L/∂X. */
  compare(dxAll, engine, c, plane, n = -1, cout = 0) {
    const row = el('dv-checks');
    const have = engine && engine.length === dxAll.length;
    if (n >= 0) {
      const mine = dxAll[c * plane + n];
      row.append(checkBox(`summed over all ${cout} filter${cout > 1 ? 's' : ''} o: ∂L/∂X at this pixel `, mine));
      if (have) row.append(checkBox('the engine\'s δ of the layer below ', engine[c * plane + n], mine));
      return row;
    }
    if (!have) return row;
    let worst = 0;
    for (let k = 0; k < plane; k++) worst = Math.max(worst, relativeDifference(dxAll[c * plane + k], engine[c * plane + k]));
    row.append(checkBox(`channel ${c}: largest relative difference to the engine's δ over ${plane} pixels `, worst, null, worst));
    return row;
  }
}
