// number-draw.js: numbers drawn for the explain panels: small matrices as coloured cells with
// their values in them (kernels, windows), and sums written out term by term with their checks.
// Pure: shortNumber, factorText (tested in Node). DOM: numberGrid, sumLine, checkBox.

import { el, makeCanvas, paintTiles, tileLayout, outline, maxAbs } from './image-draw.js';
import { fmt } from '../../shared/dom.js';

/** Text colour that reads on a cell of value v / vmax on the diverging map. */
function textOn(v, vmax) {
  return vmax > 0 && Math.abs(v) / vmax > 0.6 ? '#fff' : '#1f2328';
}

/**
 * A small matrix drawn as coloured cells with its numbers in them (cells of `cell` CSS pixels,
 * diverging ±vmax), for kernels and pooling windows. marks: [[r, c], ...] outlined cells;
 * dim: (r, c) => true for cells to grey out (zero padding). Returns the canvas.
 */
export function numberGrid(values, rows, cols, cell, { vmax = maxAbs(values), marks = [], dim = null, digits = 2, label = '', className = 'dv-numgrid' } = {}) {
  const layout = tileLayout(1, cols * cell, rows * cell);
  const c = makeCanvas(layout.width, layout.height, className, label);
  paintTiles(c, layout, [{ values, rows, cols, mode: 'diverging', vmax }], cell);
  const ctx = c.getContext('2d');
  ctx.font = `${Math.min(13, Math.max(9, Math.floor(cell / 3.6)))}px ui-monospace, monospace`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cols; k++) {
      const v = values[r * cols + k];
      if (dim && dim(r, k)) {
        ctx.fillStyle = 'rgba(200, 204, 210, 0.85)';
        ctx.fillRect(k * cell, r * cell, cell, cell);
      }
      ctx.fillStyle = dim && dim(r, k) ? '#5f6670' : textOn(v, vmax);
      ctx.fillText(shortNumber(v, digits).replace(/^(−?)0\./, '$1.'), k * cell + cell / 2, r * cell + cell / 2 + 0.5);
    }
  }
  ctx.strokeStyle = 'rgba(0, 0, 0, 0.12)';
  ctx.lineWidth = 1;
  for (let r = 0; r <= rows; r++) {
    const y = Math.min(r * cell + 0.5, rows * cell - 0.5);
    ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(cols * cell, y); ctx.stroke();
  }
  for (let k = 0; k <= cols; k++) {
    const x = Math.min(k * cell + 0.5, cols * cell - 0.5);
    ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, rows * cell); ctx.stroke();
  }
  for (const [r, k] of marks) outline(ctx, k * cell, r * cell, cell, cell);
  return c;
}

/**
 * A number in at most about 5 characters for a cell: 0.123, −1.5, 12, 3e−4 (a minus sign, not
 * a hyphen; exact zeros as 0).
 */
export function shortNumber(v, digits = 2) {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '–' : (v > 0 ? '∞' : '−∞');
  if (v === 0) return '0';
  const a = Math.abs(v);
  let s;
  if (a >= 100) s = v.toFixed(0);
  else if (a >= 0.01) s = String(Number(v.toPrecision(digits)));
  else s = v.toExponential(0);
  return s.replaceAll('-', '−').replace('e+', 'e');
}

/** A number for a sum: negative in parentheses, at most about 3 significant digits. */
export function factorText(v) {
  const s = shortNumber(v, 3);
  return v < 0 ? `(${s})` : s;
}

/**
 * "a·b + c·(−d) + … + (n more terms: r) = total" as DOM: each product with its real factors
 * (factor(t) gives them), the rest summed, the total in bold. terms: [{ product, title? }].
 */
export function sumLine(shown, rest, restCount, total, factor = (t) => [t.input, t.delta]) {
  const line = el('dv-sum');
  shown.forEach((t, k) => {
    const [a, b] = factor(t);
    if (k) line.append(el('dv-op', ' + ', 'span'));
    const term = el('dv-term', `${factorText(a)}·${factorText(b)}`, 'span');
    if (t.title) term.title = t.title;
    line.append(term);
  });
  if (restCount) line.append(el('dv-op', ` + (${restCount} more term${restCount > 1 ? 's' : ''}: ${fmt(rest, 3)})`, 'span'));
  line.append(el('dv-op', ' = ', 'span'), el('dv-total', fmt(total, 4), 'strong'));
  return line;
}

/**
 * One labelled number; with `reference`, also whether it agrees (relative difference < tol:
 * ✓, else ✗). diff overrides the difference shown (a precomputed worst case).
 */
export function checkBox(label, value, reference = null, diff = null, tol = 1e-6) {
  const box = el('dv-check');
  box.append(el('dv-check-label', label, 'span'), el('dv-check-value', fmt(value, 6), 'strong'));
  if (reference !== null || diff !== null) {
    const m = Math.max(Math.abs(value), Math.abs(reference ?? 0));
    const d = diff ?? (m === 0 ? 0 : Math.abs(value - reference) / m);
    const ok = d < tol;
    box.append(el(ok ? 'dv-ok' : 'dv-bad', `${ok ? ' ✓' : ' ✗'} rel. diff ${d ? fmt(d, 2) : '0'}`, 'span'));
  }
  return box;
}
