// jacobian-overlay.js: the input Jacobian over the plane. With the overlay on, the worker adds a
// grid of ∂output/∂(x, y) to its frames (drawn as arrows on the plot), and the pointer over the
// plot asks the engine for the full Jacobian (K × 2) at that point (shown as a readout).

import { outputMode } from '../shared/colors.js';
import { jacobianArrows } from './explain/explain-model.js';

const JACOBIAN_SIDE = 15;    // the input Jacobian's arrows: a JACOBIAN_SIDE^2 grid, one engine call

export class JacobianOverlay {
  /** @param {object} pg  the Playground: engine, boundary, controls, ready, lastFrame, enqueue(fn) */
  constructor(pg) {
    this.pg = pg;
    this.on = false;
    this.field = null;
    this.hover = { busy: false, next: null };
  }

  /** Arrows of ∂output/∂(x, y) over the plot, from the frame (the worker adds them when asked). */
  draw(frame) {
    if (!this.on || !frame.jacobian) return;
    const K = frame.layout.outputs || 1;
    const field = jacobianArrows(frame.jacobian.values, frame.jacobian.points, K, { domain: frame.domain });
    this.field = { ...field, K, side: frame.jacobian.side, values: frame.jacobian.values, points: frame.jacobian.points };
    this.pg.boundary.setJacobian(this.field);
  }

  set(on) {
    const pg = this.pg;
    this.on = !!on;
    pg.controls.setJacobian(this.on);
    if (!this.on) {
      this.field = null;
      pg.boundary.setJacobian(null);
    }
    if (pg.ready) pg.enqueue(() => pg.engine.jacobianField(this.on ? JACOBIAN_SIDE : 0).catch(() => {}));
  }

  /** The pointer over the plot with the field on: the full Jacobian (K × 2) at that point. */
  hoverAt(x, y) {
    const pg = this.pg;
    const hv = this.hover;
    if (x === null || !this.on) {
      hv.next = null;
      hv.hidden = true;
      pg.boundary.hideReadout();
      return;
    }
    hv.hidden = false;
    hv.next = [x, y];
    if (hv.busy) return;
    const run = async () => {
      while (hv.next) {
        const [px, py] = hv.next;
        hv.next = null;
        hv.busy = true;
        try {
          const J = await pg.engine.jacobian([px, py]);
          if (!hv.hidden && this.on) pg.boundary.showReadout(px, py, this.rows(J));
          hv.last = { x: px, y: py, J: Array.from(J) };
        } catch { /* the pointer moved on; nothing to show */ }
        hv.busy = false;
      }
    };
    run();
  }

  rows(J) {
    const layout = this.pg.lastFrame.layout;
    const K = layout.outputs || 1;
    const mode = outputMode(layout.output, layout.classes);
    const rows = [];
    for (let k = 0; k < K; k++) {
      const name = K > 1 ? `p(class ${k})` : mode === 'sigmoid' ? 'p(class 1)' : 'output';
      rows.push({ name, dx: J[2 * k], dy: J[2 * k + 1] });
    }
    return rows;
  }
}
