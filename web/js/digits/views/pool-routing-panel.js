// pool-routing-panel.js: a max-pool's backward as routing (part 3 of the conv explain view).
// Forward, each 2×2 window passes on its largest value; backward, the window's δ goes only to
// that winning cell, every other cell gets 0 (core/nn/pool.cpp; the first maximum wins a tie).
// Drawn for one channel: the pool's input with its windows and winners, the δ of the pool's
// output, the routed δ (the δ of the layer below), one window's numbers, and the check that the
// routed map is the engine's.
//
//   new PoolRoutingPanel(host)
//   update(trace, pi, channel)   trace from s.trace(); pi the max_pool layer's index in
//                                trace.layers (−1: none, a note); channel to show first
//   Click a window of the input map to see its numbers; the menu picks the channel.

import { poolRouting, layerInput } from './conv-math.js';
import { el, imageCanvas, maxAbs, eventPoint, cellFor, outline } from './image-draw.js';
import { numberGrid, checkBox } from './number-draw.js';
import { fmt } from '../../shared/dom.js';

export class PoolRoutingPanel {
  constructor(host) {
    this.host = host;
    this.channel = 0;
    this.window = null;
    this.pi = -2;
  }

  update(trace, pi, channel = 0) {
    // a new pool layer or a new channel from the caller (the chosen filter) resets the view; the
    // channel menu overrides it until then
    if (pi !== this.pi || channel !== this.given) { this.window = null; this.pi = pi; this.channel = channel; this.given = channel; }
    this.trace = trace;
    this.render();
  }

  render() {
    const { trace, pi } = this;
    const host = this.host;
    host.replaceChildren();
    if (!(pi >= 0)) {
      host.append(el('dv-title', '3 · Max-pool backward: routing', 'h4'),
        el('dv-note', 'No max_pool layer after this conv layer: add one to see δ routed to the winners.'));
      return;
    }
    const side = Math.round(Math.sqrt(trace.input.length));
    const inp = layerInput(trace, pi, side, side);
    const { channels: C, height: H, width: W } = inp;
    const ch = Math.min(this.channel, C - 1);
    const delta = trace.layers[pi].delta;
    const r = poolRouting(inp.values, C, H, W, delta && delta.length ? delta : null);
    const below = pi > 0 ? trace.layers[pi - 1].delta : trace.inputDelta;
    host.append(el('dv-title', `3 · Backward through layer ${pi} (${trace.layers[pi].text}): δ is routed to each window's winner`, 'h4'));
    const bar = el('dv-menus');
    const lab = el('dv-menu', null, 'label');
    const sel = document.createElement('select');
    for (let c = 0; c < C; c++) { const o = document.createElement('option'); o.value = String(c); o.textContent = String(c); sel.append(o); }
    sel.value = String(ch);
    sel.dataset.menu = 'pool channel';
    sel.addEventListener('change', () => {
      this.channel = Number(sel.value); this.window = null; this.render();
      const m = this.host.querySelector('select[data-menu="pool channel"]');
      if (m) m.focus();
    });
    lab.append(el('', 'channel ', 'span'), sel);
    bar.append(lab);
    host.append(bar);
    const plane = H * W;
    const { outHeight: Ho, outWidth: Wo } = r;
    const X = inp.values.slice(ch * plane, (ch + 1) * plane);
    const D = r.routed ? delta.slice(ch * Ho * Wo, (ch + 1) * Ho * Wo) : new Float64Array(Ho * Wo);
    const routed = r.routed ? r.routed.slice(ch * plane, (ch + 1) * plane) : new Float64Array(plane);
    if (!this.window) {
      // the window whose δ is largest among those with a clear winner (not a tie of equal cells)
      let best = 0; let bestScore = -1;
      for (let n = 0; n < Ho * Wo; n++) {
        const y = Math.floor(n / Wo); const x = n % Wo;
        const t = (2 * y) * W + 2 * x;
        const w4 = [X[t], X[t + 1], X[t + W], X[t + W + 1]];
        const score = Math.abs(D[n]) * (Math.max(...w4) > Math.min(...w4) ? 1 : 1e-3);
        if (score > bestScore) { bestScore = score; best = n; }
      }
      this.window = [Math.floor(best / Wo), best % Wo];
    }
    const [wy, wx] = this.window;
    const cell = cellFor(H, W, 140);
    const fig = el('dv-figure');
    const item = (caption, node) => { const f = el('dv-fig-item'); f.append(node, el('dv-caption', caption)); return f; };
    const op = (t) => el('dv-fig-op', t, 'span');
    // the input with its windows, winners marked
    const xc = imageCanvas(X, H, W, cell, { mode: 'diverging', vmax: maxAbs(X), label: 'pool input with winners', className: 'dv-img dv-clickable' });
    const ctx = xc.getContext('2d');
    ctx.strokeStyle = 'rgba(31, 35, 40, 0.18)';
    ctx.lineWidth = 1;
    for (let y = 2; y < 2 * Ho; y += 2) { ctx.beginPath(); ctx.moveTo(0, y * cell + 0.5); ctx.lineTo(2 * Wo * cell, y * cell + 0.5); ctx.stroke(); }
    for (let x = 2; x < 2 * Wo; x += 2) { ctx.beginPath(); ctx.moveTo(x * cell + 0.5, 0); ctx.lineTo(x * cell + 0.5, 2 * Ho * cell); ctx.stroke(); }
    ctx.fillStyle = '#1f2328';
    const dot = Math.max(1, cell / 3);
    for (let o = 0; o < Ho * Wo; o++) {
      const n = r.argmax[ch * Ho * Wo + o] - ch * plane;
      const y = Math.floor(n / W); const x = n % W;
      ctx.fillRect(x * cell + (cell - dot) / 2, y * cell + (cell - dot) / 2, dot, dot);
    }
    outline(ctx, 2 * wx * cell - 1, 2 * wy * cell - 1, 2 * cell + 2, 2 * cell + 2);
    xc.addEventListener('click', (e) => {
      const [x, y] = eventPoint(e, xc);
      const a = Math.floor(y / (2 * cell)); const b = Math.floor(x / (2 * cell));
      if (a >= 0 && b >= 0 && a < Ho && b < Wo) { this.window = [a, b]; this.render(); }
    });
    const vd = maxAbs(D);
    const dc = imageCanvas(D, Ho, Wo, 2 * cell, { mode: 'diverging', vmax: vd, label: 'delta of the pool output' });
    outline(dc.getContext('2d'), wx * 2 * cell - 1, wy * 2 * cell - 1, 2 * cell + 2, 2 * cell + 2);
    const rc = imageCanvas(routed, H, W, cell, { mode: 'diverging', vmax: vd, label: 'routed delta' });
    outline(rc.getContext('2d'), 2 * wx * cell - 1, 2 * wy * cell - 1, 2 * cell + 2, 2 * cell + 2);
    fig.append(item(`${pi > 0 ? `a[${pi - 1}]` : 'input'} channel ${ch}: windows, • winner (click one)`, xc), op('   '),
      item(`δ of the pool output ±${fmt(vd)}`, dc), op('→'), item('routed: δ only at the winners', rc));
    host.append(fig);
    // one window, number by number
    const top = (ch * H + 2 * wy) * W + 2 * wx;
    const cells = [top, top + 1, top + W, top + W + 1];
    const win = Float64Array.from(cells, (n) => inp.values[n]);
    const winner = cells.indexOf(r.argmax[(ch * Ho + wy) * Wo + wx]);
    const dv = D[wy * Wo + wx];
    const out = Float64Array.from(cells, (n, k) => (k === winner ? dv : 0));
    const zc = 42;
    const fig2 = el('dv-figure');
    fig2.append(item(`window (${wy}, ${wx}): max = ${fmt(win[winner], 4)}`, numberGrid(win, 2, 2, zc, { vmax: maxAbs(X), marks: [[winner >> 1, winner & 1]], digits: 3, label: 'one window' })),
      op('δ ='), el('dv-fig-total', fmt(dv, 4), 'strong'), op('→'),
      item('δ to the winner, 0 elsewhere', numberGrid(out, 2, 2, zc, { vmax: vd, marks: [[winner >> 1, winner & 1]], digits: 3, label: 'routed window' })));
    host.append(fig2);
    if (r.routed && below && below.length === r.routed.length) {
      let worst = 0;
      for (let n = 0; n < plane; n++) worst = Math.max(worst, Math.abs(routed[n] - below[ch * plane + n]));
      const row = el('dv-checks');
      row.append(checkBox(`routed δ vs the engine's δ of layer ${pi - 1}, largest |difference| over ${plane} cells `, worst, null, worst <= 1e-12 * Math.max(1, vd) ? 0 : worst));
      host.append(row);
    }
  }
}
