// digits/input.js: from the drawing to the network's answer. Each change of the pad is
// preprocessed (preprocess.js: toMnist / toUci8x8, the way the data set was made), sent to the
// worker (one request in flight; a newer drawing waits and replaces an older one) and its
// answer shown: probabilities and saliency (classifiers) or the reconstruction (autoencoder).
// Frames carry the answer again as training changes the weights. An empty drawing is a message,
// never an error. `timing` keeps how long the last drawing took to reach its probabilities.

import { toMnist, toUci8x8, UCI_BITMAP, UCI_BLOCK } from './preprocess.js';
import { oneAtATime } from '../shared/one-at-a-time.js';

export class DrawingInput {
  /**
   * @param {object} o
   *   engine()    the DigitsEngine (or null before it started)
   *   dataName()  'mnist' | 'uci'
   *   views       { pad, probs, input, drawMessage }
   *   onError(message), answered() after an answer was shown
   */
  constructor(o) {
    this.o = o;
    this.pixels = null;      // the preprocessed input (Float64Array) or null
    this.prep = null;        // preprocess.js's result (box, offsets) for the saliency overlay
    this.send = oneAtATime(() => this.ask());   // (a drawing changed while one is read waits)
    this.timing = { lastMs: NaN };
  }

  /** The pad changed (raster: { data, width, height }). */
  changed(raster) {
    const name = this.o.dataName();
    const r = !raster ? { pixels: null } : name === 'uci' ? toUci8x8(raster) : toMnist(raster);
    this.t0 = performance.now();
    if (!r.pixels) {
      this.pixels = null;
      this.prep = null;
      this.o.views.pad.setOverlay(null);
      this.o.views.drawMessage.textContent = !raster || this.o.views.pad.isEmpty()
        ? 'Draw a digit in the box: the network reads it as you draw.'
        : `Nothing to read yet (${r.reason}).`;
    } else {
      this.pixels = r.pixels;
      this.prep = { name, ...r };
      this.o.views.drawMessage.textContent = '';
    }
    this.send();
  }

  /** Sends the current input (again: after a new network, the same drawing is read anew). */
  ask() {
    const engine = this.o.engine();
    if (!engine) return undefined;
    const pixels = this.pixels;
    return engine.setInput(pixels).then((p) => {
      if (pixels === this.pixels) {
        this.show(p);
        if (p) this.timing.lastMs = performance.now() - this.t0;
        // (the views' trace waits for the end of a stroke: it would delay the next answer)
        if (this.o.answered && !this.o.views.pad.active) this.o.answered();
      }
    }, (e) => this.o.onError(e.message));
  }

  /** A prediction from the worker (the request's answer or a frame's), or null. */
  show(p) {
    const { probs, input, pad } = this.o.views;
    if (!this.pixels || !p) {
      probs.update(null, this.pixels ? '' : 'Nothing drawn yet.');
      if (input.shape) input.update(null, null);
      pad.setOverlay(null);
      return;
    }
    if (p.kind === 'autoencoder') {
      probs.update(null, 'An autoencoder has no classes: it redraws its input through its code.');
      input.update(this.pixels, { kind: 'recon', values: p.recon });
      pad.setOverlay(null);
      return;
    }
    probs.update(p.probs);
    input.update(this.pixels, { kind: 'saliency', values: p.saliency });
    pad.setOverlay(this.overlay(p.saliency));
  }

  /** The saliency on the pad: each input pixel drawn over the part of the drawing it came from. */
  overlay(values) {
    const pr = this.prep;
    if (!pr || !pr.box) return null;
    const { box } = pr;
    if (pr.name === 'mnist') {
      const bw = pr.scaled.width;
      const bh = pr.scaled.height;
      const sx = box.w / bw;
      const sy = box.h / bh;
      return {
        values, rows: 28, cols: 28,
        map: (c, r) => {
          const i = c - pr.offset.x;
          const j = r - pr.offset.y;
          if (i < 0 || j < 0 || i >= bw || j >= bh) return null;
          return [box.x0 + i * sx, box.y0 + j * sy, sx, sy];
        },
      };
    }
    // UCI: the box scaled into 32×32 (its longer side 32, centred), counted in 4×4 blocks
    const L = Math.max(box.w, box.h);
    const bw = Math.max(1, Math.round((box.w * UCI_BITMAP) / L));
    const bh = Math.max(1, Math.round((box.h * UCI_BITMAP) / L));
    const ox = Math.floor((UCI_BITMAP - bw) / 2);
    const oy = Math.floor((UCI_BITMAP - bh) / 2);
    const sx = box.w / bw;
    const sy = box.h / bh;
    return {
      values, rows: 8, cols: 8,
      map: (c, r) => {
        const i0 = Math.max(0, c * UCI_BLOCK - ox);
        const i1 = Math.min(bw, (c + 1) * UCI_BLOCK - ox);
        const j0 = Math.max(0, r * UCI_BLOCK - oy);
        const j1 = Math.min(bh, (r + 1) * UCI_BLOCK - oy);
        if (i1 <= i0 || j1 <= j0) return null;
        return [box.x0 + i0 * sx, box.y0 + j0 * sy, (i1 - i0) * sx, (j1 - j0) * sy];
      },
    };
  }
}
