// recurrent/bptt-walk.js: "Step through BPTT", the backward pass over the unrolled network one
// time step at a time, from t = T−1 down to 0 (docs/bptt.md §2):
//
//   dh_t = dy_t Wyᵀ  +  da_{t+1} Whᵀ        (Elman; the LSTM passes dz_{t+1} Whᵀ, and c_t its own)
//          └ its own output ┘  └ from step t+1 ┘
//
// At step t the view shows what cell t receives (∂L/∂y_t from its own output, ∂L/∂h_{t+1} from
// the step after it), the vector ∂L/∂h_t per hidden unit as a colour strip with the numbers of the
// first few units, its norm, and a caption comparing the norm with step t+1's. Every number is the
// core's (traceDy, traceDh, traceGradNorms of the frame); only ratios of its norms are taken here.
// A view: it draws what it is given and never touches the engine.

import { h } from '../shared/dom.js';
import { divergingRGB } from '../shared/colors.js';
import { setupCanvas } from './sequence-views.js';

const UNITS_SHOWN = 6;   // hidden units whose ∂L/∂h_t is written out as a number

/** A number for the walk's readouts: 3 significant digits, exponent form when small or large. */
export function fmtGrad(v) {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e4) return String(Number(v.toPrecision(3))).replace('-', '−');
  return v.toExponential(2).replace('-', '−').replace('e+', 'e');
}

/** A ratio of two norms: "×0.40", "×1.3", "×2.0e−5". */
export function fmtRatio(r) {
  if (!Number.isFinite(r)) return '×∞';
  if (r >= 0.01 && r < 100) return `×${r.toPrecision(2)}`;
  return `×${r.toExponential(1).replace('-', '−').replace('e+', 'e')}`;
}

/**
 * The one-line caption for step t, in plain words. g: ‖∂L/∂h_t‖ per step (the core's);
 * lossy: whether the loss looks at y_t.
 */
export function walkCaption(g, t, lossy) {
  const T = g.length;
  if (!g.every(Number.isFinite)) return 'Some gradients are not finite numbers: the training has diverged.';
  if (t === T - 1) {
    return lossy
      ? `The backward pass starts at the last step: ∂L/∂h_${t} comes only from its own output y_${t} (nothing comes after it).`
      : `The backward pass starts at the last step; the loss does not look at y_${t}, so ∂L/∂h_${t} = 0.`;
  }
  const next = g[t + 1];
  if (!(next > 0)) {
    return lossy
      ? `Nothing reaches step ${t} from step ${t + 1}; its error comes from its own output y_${t}.`
      : `No error has reached step ${t} yet: ∂L/∂h_${t} = 0.`;
  }
  const r = g[t] / next;
  const shown = fmtRatio(r);
  if (lossy) {
    if (r > 1.1) return `The error signal at step ${t} is ${shown} of step ${t + 1}'s: this step adds the error of its own output y_${t}.`;
    if (r < 0.9) return `The error signal at step ${t} is ${shown} of step ${t + 1}'s, even with its own output's error added: it is vanishing.`;
    return `The error signal at step ${t} is about the same as step ${t + 1}'s (${shown}), its own output's error included.`;
  }
  if (r < 0.9) return `The error signal at step ${t} is ${shown} of step ${t + 1}'s: it is vanishing.`;
  if (r > 1.1) return `The error signal at step ${t} is ${shown} of step ${t + 1}'s: it is growing (exploding).`;
  return `The error signal at step ${t} is ${shown} of step ${t + 1}'s: it is kept.`;
}

export class BpttWalk {
  /** @param {{ next: () => void, prev: () => void, close: () => void }} on */
  constructor(on) {
    this.prevBtn = h('button', { type: 'button', class: 'bp-btn bp-btn-small rc-walk-prev', on: { click: on.prev } });
    this.nextBtn = h('button', { type: 'button', class: 'bp-btn bp-btn-small rc-walk-next', on: { click: on.next } });
    this.closeBtn = h('button', { type: 'button', class: 'bp-btn bp-btn-small rc-walk-close', text: 'Leave (Esc)', on: { click: on.close } });
    this.pos = h('span', { class: 'rc-walk-pos', 'aria-live': 'polite' });
    this.caption = h('p', { class: 'rc-walk-caption' });
    this.summary = h('p', { class: 'rc-walk-summary' });
    this.own = h('p', { class: 'rc-walk-part-text' });
    this.from = h('p', { class: 'rc-walk-part-text' });
    this.ownTitle = h('h3', { class: 'rc-walk-part-title' });
    this.fromTitle = h('h3', { class: 'rc-walk-part-title' });
    this.formula = h('p', { class: 'rc-walk-formula' });
    this.norm = h('output', { class: 'rc-walk-norm' });
    this.dhTitle = h('span', { class: 'rc-walk-dh-title' });
    this.strip = h('canvas', { class: 'rc-canvas rc-walk-strip', role: 'img', 'aria-label': '∂L/∂h_t of every hidden unit' });
    this.scale = h('span', { class: 'rc-legend-note rc-walk-scale' });
    this.units = h('div', { class: 'rc-walk-units' });
    this.el = h('div', { class: 'rc-walk', hidden: true },
      h('div', { class: 'rc-walk-bar' }, this.nextBtn, this.pos, this.prevBtn, this.closeBtn),
      this.caption,
      h('div', { class: 'rc-walk-parts' },
        h('div', { class: 'rc-walk-part rc-walk-own' }, this.ownTitle, this.own),
        h('div', { class: 'rc-walk-part rc-walk-from' }, this.fromTitle, this.from)),
      this.formula,
      h('div', { class: 'rc-walk-dh' },
        h('div', { class: 'rc-walk-dh-head' }, this.dhTitle, ' ‖∂L/∂h_t‖ = ', this.norm),
        this.strip,
        h('div', { class: 'bp-legend rc-legend' },
          h('span', { class: 'rc-legend-label', text: '−' }),
          h('span', { class: 'rc-ramp rc-ramp-diverging', 'aria-hidden': 'true' }),
          h('span', { class: 'rc-legend-label', text: '+' }), this.scale),
        this.units),
      this.summary);
    this.last = null;
    this.resizeObserver = new ResizeObserver(() => { if (this.last && !this.el.hidden) this.draw(...this.last); });
    this.resizeObserver.observe(this.el);
  }

  show(on) { this.el.hidden = !on; }

  /**
   * tr: the frame's sequence trace ({T, H, K, dh, dy, gradNorms, lossSteps}); t: the step shown;
   * cell: 'elman' | 'lstm'.
   */
  draw(tr, t, cell) {
    this.last = [tr, t, cell];
    const { T, H, K } = tr;
    const g = Array.from(tr.gradNorms);
    const lossy = tr.lossSteps[t] === 1;
    const walked = T - t;
    this.pos.textContent = `Backward step ${walked} of ${T}: cell t = ${t}${t === 0 ? ' (done)' : ''}`;
    this.nextBtn.textContent = t > 0 ? `← Next: t = ${t - 1}` : '← Next';
    this.prevBtn.textContent = t < T - 1 ? `Back: t = ${t + 1} →` : 'Back →';
    this.nextBtn.disabled = t <= 0;
    this.prevBtn.disabled = t >= T - 1;
    this.caption.textContent = walkCaption(g, t, lossy);

    // what cell t receives
    this.ownTitle.textContent = `From its own output y_${t}`;
    const dy = Array.from(tr.dy.subarray(t * K, (t + 1) * K));
    this.own.textContent = lossy
      ? `∂L/∂y_${t} = ${K === 1 ? fmtGrad(dy[0]) : `[${dy.map(fmtGrad).join(', ')}]`}, passed back as ∂L/∂y_${t} Wyᵀ.`
      : `Nothing: the loss does not look at y_${t} (∂L/∂y_${t} = 0).`;
    this.fromTitle.textContent = t === T - 1 ? 'From later steps' : `From step ${t + 1}`;
    if (t === T - 1) {
      this.from.textContent = 'Nothing: this is the last step.';
    } else {
      const through = cell === 'lstm' ? 'the gates\' δ at step ' : 'tanh′ and Whᵀ at step ';
      this.from.textContent = `‖∂L/∂h_${t + 1}‖ = ${fmtGrad(g[t + 1])}, carried back through ${through}${t + 1}${cell === 'lstm' ? ' (dz Whᵀ); the cell state c passes its own ∂L/∂c' : ' (da Whᵀ)'}.`;
    }
    this.formula.textContent = t === T - 1
      ? `∂L/∂h_${t} = ∂L/∂y_${t} Wyᵀ   (no later step sends anything back)`
      : cell === 'lstm'
      ? `∂L/∂h_${t} = ∂L/∂y_${t} Wyᵀ + dz_${t + 1} Whᵀ`
      : `∂L/∂h_${t} = ∂L/∂y_${t} Wyᵀ + da_${t + 1} Whᵀ,   da_${t + 1} = ∂L/∂h_${t + 1} ⊙ (1 − h_${t + 1}²)`;

    // the vector ∂L/∂h_t
    const dh = Array.from(tr.dh.subarray(t * H, (t + 1) * H));
    this.dhTitle.textContent = `∂L/∂h_${t}, one cell per hidden unit;`;
    this.norm.textContent = fmtGrad(g[t]);
    this.norm.dataset.value = String(g[t]);
    this.norm.dataset.t = String(t);
    let maxAbs = 0;
    for (const v of dh) if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
    this.scale.textContent = maxAbs > 0
      ? `colour: ±${fmtGrad(maxAbs)} (this step's largest |∂L/∂h|), so the pattern stays visible as the norm shrinks`
      : 'all zero at this step';
    this.drawStrip(dh, maxAbs);
    this.units.replaceChildren(...dh.slice(0, UNITS_SHOWN).map((v, j) => h('span', { class: 'rc-walk-unit', dataset: { unit: j, value: String(v) } },
      h('span', { class: 'rc-walk-unit-name', text: `h${j}` }), h('output', { text: fmtGrad(v) }))),
    H > UNITS_SHOWN ? h('span', { class: 'rc-walk-more', text: `… and ${H - UNITS_SHOWN} more` }) : null);

    // how far the signal has come
    const first = g[T - 1];
    this.summary.textContent = t < T - 1 && first > 0 && g[t] > 0
      ? `Over the ${T - 1 - t} step${T - 1 - t === 1 ? '' : 's'} walked back from t = ${T - 1}: ‖∂L/∂h_${t}‖ / ‖∂L/∂h_${T - 1}‖ = ${fmtRatio(g[t] / first)}.`
      : '';
  }

  drawStrip(dh, maxAbs) {
    const H = dh.length;
    const W = Math.max(160, this.strip.clientWidth || this.el.clientWidth || 400);
    const cellW = W / Math.max(1, H);
    const height = 22;
    const ctx = setupCanvas(this.strip, W, height);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, W, height);
    for (let j = 0; j < H; j++) {
      const [r, gg, b] = divergingRGB(maxAbs > 0 ? dh[j] / maxAbs : 0, 1);
      ctx.fillStyle = `rgb(${r},${gg},${b})`;
      ctx.fillRect(j * cellW, 0, Math.max(1, cellW - (cellW >= 6 ? 1 : 0)), height);
    }
    if (cellW >= 18) {
      ctx.fillStyle = '#1f2328';
      ctx.font = '10px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      for (let j = 0; j < H; j++) ctx.fillText(`h${j}`, (j + 0.5) * cellW, height / 2);
    }
    ctx.strokeStyle = '#d9dde3';
    ctx.strokeRect(0.5, 0.5, W - 1, height - 1);
  }

  destroy() { this.resizeObserver.disconnect(); }
}
