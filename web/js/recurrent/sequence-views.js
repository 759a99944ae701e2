// recurrent/sequence-views.js: the canvas views of the sequences (BPTT) mode. Each view draws
// what a frame carries (copies made by the worker) and never touches the engine.
//
//   HiddenHeatmap   h_t of every hidden unit over time: units (rows) × time (columns), on the
//                   playground's diverging orange–white–blue map over [−1, 1] (tanh's range)
//   UnrolledDiagram the network unrolled over time: one cell per step t = 0..T−1, arrows
//                   h_{t−1} → h_t, x_t in below and y_t out above; each cell coloured by
//                   ‖∂L/∂h_t‖ on a log scale, so the vanishing gradient is seen on the network;
//                   while stepping through BPTT (bptt-walk.js) the cells not reached yet are
//                   grey, cell t is outlined and the arrows into it point backwards (δ)
//
// The gradient colour scale (white to vermillion over log10 ‖∂L/∂h_t‖) is exported for the legend.

import { h } from '../shared/dom.js';
import { divergingRGB } from '../shared/colors.js';

const GRAD_RGB = [213, 94, 0];   // Okabe–Ito vermillion, the colour of the gradient-norm chart
const PAPER = [247, 247, 247];

/** Colour of a gradient norm g given the log10 range [lo, hi] of the trace. */
export function gradColor(g, lo, hi) {
  if (!(g > 0) || !Number.isFinite(g)) return `rgb(${PAPER.join(',')})`;
  const t = hi > lo ? Math.max(0, Math.min(1, (Math.log10(g) - lo) / (hi - lo))) : 1;
  const c = PAPER.map((p, i) => Math.round(p + (GRAD_RGB[i] - p) * (0.08 + 0.92 * t)));
  return `rgb(${c.join(',')})`;
}

/** log10 range of the positive finite values (at least one decade wide). */
export function logRange(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v > 0 && Number.isFinite(v)) {
      const l = Math.log10(v);
      if (l < lo) lo = l;
      if (l > hi) hi = l;
    }
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (hi - lo < 1) lo = hi - 1;
  return [lo, hi];
}

function setupCanvas(canvas, cssWidth, cssHeight) {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(cssWidth * dpr));
  canvas.height = Math.max(1, Math.round(cssHeight * dpr));
  canvas.style.height = `${cssHeight}px`;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

function fmtShort(v) {
  if (!(v > 0)) return '0';
  const e = Math.floor(Math.log10(v));
  if (e >= -2 && e <= 2) return String(Number(v.toPrecision(2)));
  return `${(v / 10 ** e).toFixed(1)}e${e}`;
}

export class HiddenHeatmap {
  constructor() {
    this.canvas = h('canvas', { class: 'rc-canvas rc-heatmap', role: 'img', 'aria-label': 'Hidden state over time' });
    this.legend = h('div', { class: 'bp-legend rc-legend' },
      h('span', { class: 'rc-legend-label', text: '−1' }),
      h('span', { class: 'rc-ramp rc-ramp-diverging', 'aria-hidden': 'true' }),
      h('span', { class: 'rc-legend-label', text: '+1' }),
      h('span', { class: 'rc-legend-note', text: 'h_t of each unit (rows) at each step (columns)' }));
    this.el = h('div', { class: 'rc-heatmap-box' }, this.canvas, this.legend);
    this.last = null;
    this.resizeObserver = new ResizeObserver(() => { if (this.last) this.draw(...this.last); });
    this.resizeObserver.observe(this.el);
  }

  /** values: (T × H) time-major; label: row name ('h' or 'c'). */
  draw(values, T, H, label = 'h') {
    this.last = [values, T, H, label];
    const W = Math.max(200, this.el.clientWidth || 400);
    const left = 34;
    const bottom = 18;
    const plotW = W - left - 4;
    const rowH = Math.max(2, Math.min(14, Math.floor(220 / Math.max(1, H))));
    const height = rowH * H + bottom + 2;
    const ctx = setupCanvas(this.canvas, W, height);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, W, height);
    if (!T || !H) return;
    // the cells: one image of T × H pixels, scaled without smoothing
    const img = new ImageData(T, H);
    for (let j = 0; j < H; j++) {
      for (let t = 0; t < T; t++) {
        const [r, g, b] = divergingRGB(values[t * H + j], 1);
        const o = (j * T + t) * 4;
        img.data[o] = r; img.data[o + 1] = g; img.data[o + 2] = b; img.data[o + 3] = 255;
      }
    }
    const off = document.createElement('canvas');
    off.width = T;
    off.height = H;
    off.getContext('2d').putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, left, 1, plotW, rowH * H);
    ctx.strokeStyle = '#d9dde3';
    ctx.strokeRect(left - 0.5, 0.5, plotW + 1, rowH * H + 1);
    // axes: unit labels every few rows, time ticks
    ctx.fillStyle = '#5f6670';
    ctx.font = '10px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    const every = Math.ceil(12 / rowH);
    for (let j = 0; j < H; j += every) ctx.fillText(`${label}${j}`, left - 4, 1 + rowH * (j + 0.5));
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const step = niceStep(T, plotW / 40);
    for (let t = 0; t < T; t += step) ctx.fillText(`t=${t}`, left + (plotW * (t + 0.5)) / T, rowH * H + 5);
  }

  destroy() { this.resizeObserver.disconnect(); }
}

function niceStep(T, maxTicks) {
  const raw = T / Math.max(1, maxTicks);
  for (const s of [1, 2, 5, 10, 20, 25, 50, 100, 200]) if (s >= raw) return s;
  return 500;
}

export class UnrolledDiagram {
  constructor() {
    this.canvas = h('canvas', { class: 'rc-canvas rc-unrolled', role: 'img', 'aria-label': 'The network unrolled over time, cells coloured by the gradient norm' });
    this.loLabel = h('span', { class: 'rc-legend-label' });
    this.hiLabel = h('span', { class: 'rc-legend-label' });
    this.legend = h('div', { class: 'bp-legend rc-legend' },
      this.loLabel, h('span', { class: 'rc-ramp rc-ramp-grad', 'aria-hidden': 'true' }), this.hiLabel,
      h('span', { class: 'rc-legend-note', text: '‖∂L/∂h_t‖ (log scale); a dark output arrow marks a step with a loss' }));
    this.el = h('div', { class: 'rc-unrolled-box' }, this.canvas, this.legend);
    this.last = null;
    this.resizeObserver = new ResizeObserver(() => { if (this.last) this.draw(...this.last); });
    this.resizeObserver.observe(this.el);
  }

  /**
   * grads: ‖∂L/∂h_t‖ (T); lossSteps: 1 where the loss looks at y_t (T); cell: 'elman' | 'lstm';
   * walkT: the step of the backward pass being shown (null: not stepping through BPTT)
   */
  draw(grads, lossSteps, T, cell, walkT = null) {
    this.last = [grads, lossSteps, T, cell, walkT];
    const walking = walkT !== null && walkT >= 0 && walkT < T;
    const BACK = '#D55E00';
    const W = Math.max(240, this.el.clientWidth || 480);
    const height = 118;
    const ctx = setupCanvas(this.canvas, W, height);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, W, height);
    if (!T) return;
    const [lo, hi] = logRange(grads);
    this.loLabel.textContent = fmtShort(10 ** lo);
    this.hiLabel.textContent = fmtShort(10 ** hi);
    const left = 24;
    const right = 16;
    const slot = (W - left - right) / T;
    const box = Math.max(2, Math.min(30, slot * 0.62));
    const midY = 58;
    const boxH = Math.min(34, Math.max(18, box));
    const detailed = slot >= 14;
    const ink = '#5f6670';
    ctx.lineWidth = 1.2;
    ctx.font = '10px system-ui, sans-serif';
    ctx.textAlign = 'center';
    // h_{-1} = 0 comes in from the left
    ctx.fillStyle = ink;
    ctx.textBaseline = 'middle';
    if (detailed) ctx.fillText('0', left - 14, midY);
    for (let t = 0; t < T; t++) {
      const cx = left + slot * (t + 0.5);
      // the recurrent arrow from the previous cell (or from h_{-1})
      const x0 = t === 0 ? left - 8 : cx - slot + box / 2;
      const x1 = cx - box / 2;
      // while walking, the arrow from cell t+1 into cell t carries δ backwards
      const back = walking && t === walkT + 1;
      if (x1 - x0 > 3) {
        if (back) { ctx.lineWidth = 2.4; arrow(ctx, x1, midY, x0, midY, BACK, detailed ? 6 : 4); ctx.lineWidth = 1.2; }
        else arrow(ctx, x0, midY, x1, midY, ink, detailed ? 4 : 2.5);
      }
      // x_t in from below, y_t out above (dark where the loss looks at it)
      const lossy = lossSteps[t] === 1;
      if (detailed) {
        arrow(ctx, cx, midY + boxH / 2 + 18, cx, midY + boxH / 2 + 2, '#9aa1a9', 3.5);
        if (walking && t === walkT && lossy) {
          ctx.lineWidth = 2.4;
          arrow(ctx, cx, midY - boxH / 2 - 20, cx, midY - boxH / 2 - 2, BACK, 6);
          ctx.lineWidth = 1.2;
        } else {
          arrow(ctx, cx, midY - boxH / 2 - 2, cx, midY - boxH / 2 - 18, lossy ? '#1f2328' : '#c5cad1', 3.5);
        }
      } else if (lossy) {
        ctx.fillStyle = walking && t === walkT ? BACK : '#1f2328';
        ctx.fillRect(cx - Math.max(0.5, box / 4), midY - boxH / 2 - 12, Math.max(1, box / 2), 9);
      }
      // cells the backward pass has not reached yet are grey
      ctx.fillStyle = walking && t < walkT ? '#eceef1' : gradColor(grads[t], lo, hi);
      ctx.strokeStyle = walking && t === walkT ? '#1f2328' : '#7a828c';
      roundRect(ctx, cx - box / 2, midY - boxH / 2, box, boxH, Math.min(5, box / 3));
      ctx.fill();
      if (walking && t === walkT) {
        ctx.lineWidth = 3;
        ctx.stroke();
        ctx.lineWidth = 1.2;
      } else if (box >= 6) ctx.stroke();
    }
    // labels: x_t, y_t, a few step numbers
    ctx.fillStyle = ink;
    ctx.textBaseline = 'top';
    const every = niceStep(T, (W - left - right) / 36);
    for (let t = 0; t < T; t += every) {
      if (walking && Math.abs(t - walkT) * slot < 18) continue;   // room for the step being shown
      ctx.fillText(`${t}`, left + slot * (t + 0.5), height - 14);
    }
    if (walking) {
      ctx.fillStyle = BACK;
      ctx.font = 'bold 11px system-ui, sans-serif';
      ctx.fillText(`t=${walkT}`, left + slot * (walkT + 0.5), height - 15);
      ctx.font = '10px system-ui, sans-serif';
      ctx.fillStyle = ink;
    }
    ctx.textAlign = 'left';
    ctx.fillText(cell === 'lstm' ? 'LSTM cells (h_t, c_t)' : 'Elman cells: h_t = tanh(x_t Wx + h_{t−1} Wh + b)', left, 2);
    ctx.textAlign = 'right';
    if (!walking || left + slot * (walkT + 0.5) + 16 < W - 22) ctx.fillText('t →', W - 2, height - 14);
  }

  destroy() { this.resizeObserver.disconnect(); }
}

function arrow(ctx, x0, y0, x1, y1, color, head) {
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
  const a = Math.atan2(y1 - y0, x1 - x0);
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - head * Math.cos(a - 0.45), y1 - head * Math.sin(a - 0.45));
  ctx.lineTo(x1 - head * Math.cos(a + 0.45), y1 - head * Math.sin(a + 0.45));
  ctx.closePath();
  ctx.fill();
}

function roundRect(ctx, x, y, w, hgt, r) {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.lineTo(x + w - r, y);
  ctx.quadraticCurveTo(x + w, y, x + w, y + r);
  ctx.lineTo(x + w, y + hgt - r);
  ctx.quadraticCurveTo(x + w, y + hgt, x + w - r, y + hgt);
  ctx.lineTo(x + r, y + hgt);
  ctx.quadraticCurveTo(x, y + hgt, x, y + hgt - r);
  ctx.lineTo(x, y + r);
  ctx.quadraticCurveTo(x, y, x + r, y);
  ctx.closePath();
}

export { setupCanvas, fmtShort };
