// scatter-plot.js: a square scatter of 2-D codes coloured by class, each point drawn as its digit
// glyph (the colour helps, the glyph decides: colour-blind safe), with a legend that highlights
// one class, and an overlay canvas for what moves with the pointer (the base is redrawn only
// when the codes change). Used by CodeScatterView and PcaBaselineView.
//
//   const p = new ScatterPlot(size, label)   p.root: the DOM to insert (legend optional: p.legend)
//   p.draw({ codes, labels, dim = 2, axes })  codes N·dim, labels Uint8Array(N); axes default fitAxes
//   p.toPlane(event) -> [x, y]                 p.toPixel(x, y) -> [px, py]
//   p.overlay(drawFn)                          clears the overlay and calls drawFn(ctx)
//   p.nearest(x, y) -> { index, px }           nearest point and its distance in CSS pixels

import { fitAxes } from './conv-math.js';
import { el, makeCanvas, sizeCanvas, planeToPixel, pixelToPlane, nearestPoint, eventPoint, DIGIT_CSS } from './image-draw.js';
import { fmt } from '../../shared/dom.js';

const INSET = 10;

// Each digit glyph drawn once per font size into a small canvas (drawImage of a sprite is several
// times faster than fillText, and the scatter redraws 2,000 of them while the network trains).
const SPRITES = new Map();
function glyphSprites(font) {
  const r = window.devicePixelRatio || 1;
  const key = `${font}/${r}`;
  if (SPRITES.has(key)) return SPRITES.get(key);
  const size = Math.ceil(font * 1.3);
  const canvases = DIGIT_CSS.map((css, k) => {
    const c = document.createElement('canvas');
    c.width = Math.ceil(size * r); c.height = Math.ceil(size * r);
    const ctx = c.getContext('2d');
    ctx.scale(r, r);
    ctx.font = `600 ${font}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = css;
    ctx.fillText(String(k), size / 2, size / 2);
    return c;
  });
  const s = { size, canvases };
  SPRITES.set(key, s);
  return s;
}

export class ScatterPlot {
  constructor(size, label) {
    this.size = size;
    this.root = el('dv-scatter');
    this.stack = el('dv-scatter-stack');
    this.base = makeCanvas(size, size, 'dv-scatter-base', label);
    this.top = makeCanvas(size, size, 'dv-scatter-top dv-clickable');
    this.top.setAttribute('aria-hidden', 'true');
    this.stack.append(this.base, this.top);
    this.legend = el('dv-legend');
    this.highlight = -1;
    for (let k = 0; k < 10; k++) {
      const b = el(`dv-chip dv-c${k}`, String(k), 'button');
      b.type = 'button';
      b.title = `highlight the ${k}s`;
      b.setAttribute('aria-pressed', 'false');
      b.addEventListener('click', () => this.setHighlight(this.highlight === k ? -1 : k));
      this.legend.append(b);
    }
    this.root.append(this.stack, this.legend);
    this.data = null;
    this.axes = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
  }

  setHighlight(k) {
    this.highlight = k;
    for (const b of this.legend.children) b.setAttribute('aria-pressed', String(b.textContent === String(k)));
    if (this.data) this.draw(this.data);
  }

  draw(data) {
    this.data = data;
    const { codes, labels, dim = 2 } = data;
    this.axes = data.axes || fitAxes(codes, dim);
    const S = this.size;
    const ctx = sizeCanvas(this.base, S, S);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, S, S);
    this.drawAxes(ctx);
    const n = Math.floor(codes.length / dim);
    const font = n > 3000 ? 8 : n > 600 ? 10 : 12;
    const sprites = glyphSprites(font);
    const half = sprites.size / 2;
    // the highlighted class last, on top; the others faded while one is highlighted
    for (const pass of [0, 1]) {
      for (let i = 0; i < n; i++) {
        const k = labels[i] % 10;
        const on = this.highlight < 0 || k === this.highlight;
        if ((pass === 1) !== (on && this.highlight >= 0)) continue;
        const x = codes[i * dim]; const y = codes[i * dim + 1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        const [px, py] = planeToPixel(this.axes, S, S, x, y, INSET);
        ctx.globalAlpha = on ? 0.85 : 0.12;
        ctx.drawImage(sprites.canvases[k], px - half, py - half, sprites.size, sprites.size);
      }
    }
    ctx.globalAlpha = 1;
  }

  drawAxes(ctx) {
    const S = this.size;
    const a = this.axes;
    ctx.strokeStyle = '#e4e8ec';
    ctx.lineWidth = 1;
    ctx.strokeRect(0.5, 0.5, S - 1, S - 1);
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = '#8a9099';
    if (a.xmin < 0 && a.xmax > 0) {
      const [px] = planeToPixel(a, S, S, 0, 0, INSET);
      ctx.beginPath(); ctx.moveTo(Math.round(px) + 0.5, 0); ctx.lineTo(Math.round(px) + 0.5, S); ctx.stroke();
    }
    if (a.ymin < 0 && a.ymax > 0) {
      const [, py] = planeToPixel(a, S, S, 0, 0, INSET);
      ctx.beginPath(); ctx.moveTo(0, Math.round(py) + 0.5); ctx.lineTo(S, Math.round(py) + 0.5); ctx.stroke();
    }
    // x range along the bottom edge, y range up the left edge (code dimensions z₁, z₂)
    ctx.textBaseline = 'bottom';
    ctx.textAlign = 'left';
    ctx.fillText(`z₁ ${fmt(a.xmin, 2)}`, 3, S - 2);
    ctx.textAlign = 'right';
    ctx.fillText(`${fmt(a.xmax, 2)} →`, S - 3, S - 2);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(`z₂ ↑ ${fmt(a.ymax, 2)}`, 3, 2);
    ctx.textBaseline = 'bottom';
    ctx.fillText(`z₂ ${fmt(a.ymin, 2)}`, 3, S - 14);
  }

  toPlane(event) {
    const [px, py] = eventPoint(event, this.top);
    return pixelToPlane(this.axes, this.size, this.size, px, py, INSET);
  }

  toPixel(x, y) {
    return planeToPixel(this.axes, this.size, this.size, x, y, INSET);
  }

  nearest(x, y) {
    if (!this.data) return { index: -1, px: Infinity };
    const { index } = nearestPoint(this.data.codes, this.data.dim || 2, x, y);
    if (index < 0) return { index, px: Infinity };
    const d = this.data.dim || 2;
    const [ax, ay] = this.toPixel(this.data.codes[index * d], this.data.codes[index * d + 1]);
    const [bx, by] = this.toPixel(x, y);
    return { index, px: Math.hypot(ax - bx, ay - by) };
  }

  overlay(drawFn) {
    const ctx = sizeCanvas(this.top, this.size, this.size);
    ctx.clearRect(0, 0, this.size, this.size);
    if (drawFn) drawFn(ctx);
  }
}
