// recurrent/pattern-views.js: the 5×5 pattern grids of the fixed-point mode's letter completion.
//
//   drawGrid(canvas, values, size)   a 5×5 grid of values in [−1, 1] (pixel (r, c) at 5r + c):
//                                    ink (+1) dark blue, background (−1) white, unknown (0) grey
//   CompletionView                   the corrupted cue (click a pixel to change it), the visible
//                                    units at a few relaxation iterations (the settling), and the
//                                    result, with the stored letter it matches
//
// It draws the copies a frame carries and reports edits through callbacks; no engine here.

import { h, clear } from '../shared/dom.js';

const INK = [31, 58, 96];        // +1
const BACKGROUND = [255, 255, 255];
const UNKNOWN = [200, 204, 210];  // 0 (erased)

/** RGB of a pixel value: −1 white, 0 grey, +1 ink, mixed linearly in between. */
export function pixelRGB(v) {
  const x = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  const [a, b, t] = x < 0 ? [UNKNOWN, BACKGROUND, -x] : [UNKNOWN, INK, x];
  return a.map((c, i) => Math.round(c + (b[i] - c) * t));
}

/** Draws 25 values (row-major 5×5) into a canvas of `size` CSS pixels. */
export function drawGrid(canvas, values, size, offset = 0, marks = null) {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(size * dpr);
  canvas.height = Math.round(size * dpr);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const cell = size / 5;
  for (let r = 0; r < 5; r++) {
    for (let c = 0; c < 5; c++) {
      const [R, G, B] = pixelRGB(values[offset + 5 * r + c]);
      ctx.fillStyle = `rgb(${R},${G},${B})`;
      ctx.fillRect(c * cell, r * cell, cell, cell);
    }
  }
  ctx.strokeStyle = '#d9dde3';
  ctx.lineWidth = 1;
  for (let k = 0; k <= 5; k++) {
    const p = Math.min(size - 0.5, Math.max(0.5, k * cell));
    ctx.beginPath(); ctx.moveTo(p, 0); ctx.lineTo(p, size); ctx.stroke();
    ctx.beginPath(); ctx.moveTo(0, p); ctx.lineTo(size, p); ctx.stroke();
  }
  if (marks) {
    // a small vermillion corner on the pixels that differ from the stored letter
    ctx.fillStyle = '#D55E00';
    for (let i = 0; i < 25; i++) {
      if (!marks[i]) continue;
      const r = Math.floor(i / 5);
      const c = i % 5;
      ctx.beginPath();
      ctx.moveTo((c + 1) * cell - cell * 0.35, r * cell + 1);
      ctx.lineTo((c + 1) * cell - 1, r * cell + 1);
      ctx.lineTo((c + 1) * cell - 1, r * cell + cell * 0.35);
      ctx.closePath();
      ctx.fill();
    }
  }
}

/** Iterations to show in the filmstrip: 0, 1, 2, 4, 8, ... up to the last, at most `max` of them. */
export function filmstripIterations(iterations, max = 6) {
  const out = [0];
  for (let k = 1; k < iterations && out.length < max - 1; k *= 2) out.push(k);
  if (iterations > 0) out.push(iterations);
  return out;
}

export class CompletionView {
  /**
   * @param {{ editCue: (pixels: number[]) => void }} on
   */
  constructor(on) {
    this.on = on;
    this.cueCanvas = h('canvas', {
      class: 'rc-grid rc-grid-cue', tabindex: '0', role: 'img',
      'aria-label': 'The cue: click a pixel to change it (ink, background, unknown)',
      title: 'Click a pixel: ink → background → unknown',
    });
    this.cueCanvas.addEventListener('click', (ev) => this.onClick(ev));
    this.film = h('div', { class: 'rc-film' });
    this.resultCanvas = h('canvas', { class: 'rc-grid rc-grid-result', role: 'img', 'aria-label': 'The settled state' });
    this.resultNote = h('p', { class: 'rc-grid-note', 'aria-live': 'polite' });
    this.cueNote = h('p', { class: 'rc-grid-note' });
    this.el = h('div', { class: 'rc-completion' },
      h('div', { class: 'rc-grid-col' }, h('span', { class: 'rc-grid-title', text: 'Corrupted input' }), this.cueCanvas, this.cueNote),
      h('span', { class: 'rc-arrow', 'aria-hidden': 'true', text: '→' }),
      h('div', { class: 'rc-grid-col rc-grid-film' }, h('span', { class: 'rc-grid-title', text: 'Settling (visible units by iteration)' }), this.film),
      h('span', { class: 'rc-arrow', 'aria-hidden': 'true', text: '→' }),
      h('div', { class: 'rc-grid-col' }, h('span', { class: 'rc-grid-title', text: 'Result' }), this.resultCanvas, this.resultNote));
    this.cue = null;
  }

  onClick(ev) {
    if (!this.cue) return;
    const rect = this.cueCanvas.getBoundingClientRect();
    const c = Math.floor(((ev.clientX - rect.left) / rect.width) * 5);
    const r = Math.floor(((ev.clientY - rect.top) / rect.height) * 5);
    if (r < 0 || r > 4 || c < 0 || c > 4) return;
    const next = Array.from(this.cue);
    const v = next[5 * r + c];
    next[5 * r + c] = v > 0 ? -1 : v < 0 ? 0 : 1;   // ink -> background -> unknown -> ink
    this.on.editCue(next);
  }

  /**
   * trace: the completion trace of a frame ({info, input, forwardStates, fixedPoint});
   * letters: (L × 25) stored letters; names: their letters as a string
   */
  draw(trace, letters, names) {
    const { info } = trace;
    const n = info.n;
    this.cue = trace.input;
    drawGrid(this.cueCanvas, trace.input, 110);
    let unknown = 0;
    for (const v of trace.input) if (v === 0) unknown++;
    this.cueNote.textContent = unknown ? `${unknown} pixel${unknown === 1 ? '' : 's'} unknown` : 'click a pixel to change it';
    clear(this.film);
    const kept = Math.floor(trace.forwardStates.length / n);
    const its = filmstripIterations(Math.min(info.forwardIterations, kept - 1));
    for (const k of its) {
      const c = h('canvas', { class: 'rc-grid rc-grid-small', role: 'img', 'aria-label': `Iteration ${k}` });
      drawGrid(c, trace.forwardStates, 54, k * n);
      this.film.append(h('div', { class: 'rc-film-frame' }, c, h('span', { class: 'rc-film-label', text: k === 0 ? 'start' : `it. ${k}` })));
    }
    // the result, with the pixels that differ from the stored letter it is compared with
    const target = trace.target;
    const marks = Array.from({ length: 25 }, (_, i) => (trace.fixedPoint[i] > 0) !== (target[i] > 0));
    drawGrid(this.resultCanvas, trace.fixedPoint, 110, 0, marks);
    const nearest = nearestLetter(target, letters);
    const name = nearest >= 0 ? names[nearest] : '?';
    if (!info.forwardConverged) {
      this.resultNote.textContent = `Did not settle within ${info.forwardIterations} iterations: no result.`;
      this.resultNote.className = 'rc-grid-note rc-bad';
    } else if (info.recalled >= 0) {
      this.resultNote.textContent = `Settled to ${names[info.recalled]} in ${info.forwardIterations} iterations.`;
      this.resultNote.className = 'rc-grid-note rc-good';
    } else {
      this.resultNote.textContent = `Settled in ${info.forwardIterations} iterations to no stored letter (${info.correct}/25 pixels of ${name}).`;
      this.resultNote.className = 'rc-grid-note rc-bad';
    }
  }
}

/** The stored letter whose 0.9-scaled pattern equals the target (the one compared with). */
function nearestLetter(target, letters) {
  if (!letters) return -1;
  const L = Math.floor(letters.length / 25);
  let best = -1;
  let bestScore = -Infinity;
  for (let l = 0; l < L; l++) {
    let s = 0;
    for (let i = 0; i < 25; i++) s += target[i] * letters[l * 25 + i];
    if (s > bestScore) { bestScore = s; best = l; }
  }
  return best;
}

/**
 * The weights of a small fixed-point network as a matrix: row i = unit i, columns = the units it
 * listens to (W), then its inputs (U) and its bias (b); colour = tanh(weight) on the diverging map.
 */
export class WeightsView {
  constructor() {
    this.canvas = h('canvas', { class: 'rc-canvas rc-weights', role: 'img', 'aria-label': 'Weights W, U and b' });
    this.el = h('div', { class: 'rc-weights-box' }, this.canvas,
      h('p', { class: 'rc-grid-note', text: 'Row i: the weights into unit i from each unit j (W), from each input (U), and its bias b. Orange negative, blue positive.' }));
  }

  /** W (n × n), U (n × m), b (n), all row-major; outputs: indices of the output units. */
  draw(W, U, b, n, m, outputs, divergingRGB) {
    const cols = n + m + 1;
    const cell = Math.max(10, Math.min(34, Math.floor(300 / cols)));
    const left = 44;
    const top = 18;
    const gap = 6;
    const width = left + cell * cols + 2 * gap + 4;
    const height = top + cell * n + 4;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = '#5f6670';
    ctx.textAlign = 'center';
    const colX = (j) => left + j * cell + (j >= n ? gap : 0) + (j >= n + m ? gap : 0);
    ctx.fillText('W', colX(0) + (cell * n) / 2, 11);
    if (m) ctx.fillText('U', colX(n) + (cell * m) / 2, 11);
    ctx.fillText('b', colX(n + m) + cell / 2, 11);
    for (let i = 0; i < n; i++) {
      ctx.fillStyle = '#5f6670';
      ctx.textAlign = 'right';
      ctx.fillText(outputs.includes(i) ? `out ${i}` : `unit ${i}`, left - 4, top + i * cell + cell / 2 + 3);
      for (let j = 0; j < cols; j++) {
        const v = j < n ? W[i * n + j] : j < n + m ? U[i * m + (j - n)] : b[i];
        const [r, g, bl] = divergingRGB(Math.tanh(v), 1);
        ctx.fillStyle = `rgb(${r},${g},${bl})`;
        ctx.fillRect(colX(j), top + i * cell, cell - 1, cell - 1);
        ctx.strokeStyle = '#e3e6ea';   // a weight near 0 is white: keep its cell visible
        ctx.strokeRect(colX(j) + 0.5, top + i * cell + 0.5, cell - 2, cell - 2);
      }
    }
  }
}
