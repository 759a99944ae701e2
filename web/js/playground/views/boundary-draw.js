// views/boundary-draw.js: what the decision boundary view paints. On the overlay canvas: the
// axes, the data points (marker() gives each class its shape), explain mode's rings around the
// explained examples, the input Jacobian's arrows and the ring under the pointer; on the heat
// canvas, one node's output field. Plain functions of a canvas that keep no state: they draw
// with the pen { ctx, dpr, toPlot(x, y) -> [px, py] } that views/boundary.js hands them.

import {
  lutIndex, nodeColoring, labelClass, CLASS_CSS, MARKERS, SOLID_LUT,
} from '../../shared/colors.js';

const ARROW_CSS = ['rgb(170, 110, 0)', 'rgb(0, 84, 135)', 'rgb(0, 115, 84)'];   // darker class colours

/** The axes' ticks and numbers, every 2 plane units, on a W x H canvas. */
export function drawAxes(pen, W, H, domain) {
  const { ctx, dpr, toPlot } = pen;
  ctx.save();
  ctx.font = `${10 * dpr}px system-ui, sans-serif`;
  ctx.fillStyle = 'rgba(40, 40, 40, 0.7)';
  ctx.strokeStyle = 'rgba(40, 40, 40, 0.18)';
  ctx.lineWidth = dpr;
  const d = domain;
  for (let v = -d + 2; v < d; v += 2) {
    const [px] = toPlot(v, 0);
    const [, py] = toPlot(0, v);
    ctx.beginPath();
    ctx.moveTo(px, H);
    ctx.lineTo(px, H - 5 * dpr);
    ctx.moveTo(0, py);
    ctx.lineTo(5 * dpr, py);
    ctx.stroke();
    const label = String(v).replace('-', '−');
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.fillText(label, px, H - 6 * dpr);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(label, 7 * dpr, py);
  }
  ctx.restore();
}

/**
 * Data points, flat [x, y, label, ...], as markers of radius r: a class's shape and colour, or
 * (classes = 0, regression) a circle coloured by the target. Test points have a dark outline.
 */
export function drawPointSet(pen, pts, isTest, classes, r) {
  const { ctx, dpr, toPlot } = pen;
  for (let i = 0; i + 2 < pts.length; i += 3) {
    const [px, py] = toPlot(pts[i], pts[i + 1]);
    const label = pts[i + 2];
    const cls = labelClass(label, classes);
    ctx.fillStyle = classes ? CLASS_CSS[cls % 3] : regressionCSS(label);
    ctx.strokeStyle = isTest ? '#1a1a1a' : '#ffffff';
    ctx.lineWidth = (isTest ? 1.6 : 1.2) * dpr;
    marker(ctx, classes ? MARKERS[cls % 3] : 'circle', px, py, r);
  }
}

/** Rings around the explained examples (marked: { xy: [x, y, ...], focus }); focus's is bolder. */
export function drawMarked(pen, marked, r) {
  const { ctx, dpr, toPlot } = pen;
  const { xy, focus } = marked;
  for (let n = 0; 2 * n + 1 < xy.length; n++) {
    const [px, py] = toPlot(xy[2 * n], xy[2 * n + 1]);
    const main = n === focus;
    ctx.beginPath();
    ctx.arc(px, py, r + (main ? 6 : 4) * dpr, 0, 2 * Math.PI);
    ctx.lineWidth = (main ? 3.5 : 2) * dpr;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
    ctx.lineWidth = (main ? 2 : 1.2) * dpr;
    ctx.strokeStyle = main ? '#1f2328' : 'rgba(31, 35, 40, 0.7)';
    ctx.stroke();
  }
}

/**
 * The input Jacobian as arrows (field: { arrows: [{x, y, k, dx, dy}], K }); unit is canvas
 * pixels per plane unit.
 */
export function drawArrows(pen, field, unit) {
  const { ctx, dpr, toPlot } = pen;
  const { arrows, K } = field;
  ctx.save();
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const a of arrows) {
    const len = Math.hypot(a.dx, a.dy) * unit;
    if (!(len > 2.5 * dpr)) continue;   // no specks where the gradient is ~0
    const [x0, y0] = toPlot(a.x, a.y);
    // the arrow is centred on its grid point; +y is up on the plane, down on the canvas
    const ux = (a.dx * unit) / len;
    const uy = (-a.dy * unit) / len;
    const xs = x0 - (ux * len) / 2;
    const ys = y0 - (uy * len) / 2;
    const xe = x0 + (ux * len) / 2;
    const ye = y0 + (uy * len) / 2;
    const color = K > 1 ? ARROW_CSS[a.k % 3] : 'rgb(31, 35, 40)';
    const head = Math.min(6 * dpr, len * 0.45);
    // a white halo first, so the arrows read over the points and both colours
    for (const [style, width] of [['rgba(255, 255, 255, 0.85)', 3.4 * dpr], [color, 1.5 * dpr]]) {
      ctx.strokeStyle = style;
      ctx.fillStyle = style;
      ctx.lineWidth = width;
      ctx.beginPath();
      ctx.moveTo(xs, ys);
      ctx.lineTo(xe - ux * head * 0.6, ye - uy * head * 0.6);
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(xe, ye);
      ctx.lineTo(xe - ux * head - uy * head * 0.5, ye - uy * head + ux * head * 0.5);
      ctx.lineTo(xe - ux * head + uy * head * 0.5, ye - uy * head - ux * head * 0.5);
      ctx.closePath();
      if (style !== color) ctx.stroke();
      ctx.fill();
    }
  }
  ctx.restore();
}

/** A small ring around the point under the pointer (pixel px, py), while the readout shows. */
export function drawPointerRing(ctx, px, py, dpr) {
  ctx.beginPath();
  ctx.arc(px, py, 4 * dpr, 0, 2 * Math.PI);
  ctx.strokeStyle = '#1f2328';
  ctx.lineWidth = 1.5 * dpr;
  ctx.stroke();
}

/** One node's output field (G*G values) into the heat image's pixels px, in the node's colours. */
export function fillNodeField(field, activation, j, px) {
  const { lut, index } = nodeColoring(activation, j, false);
  for (let p = 0; p < field.length; p++) {
    const i = index(field[p]) * 4;
    px[p * 4] = lut[i];
    px[p * 4 + 1] = lut[i + 1];
    px[p * 4 + 2] = lut[i + 2];
    px[p * 4 + 3] = 255;
  }
}

function regressionCSS(v) {
  const i = lutIndex(v) * 4;
  return `rgb(${SOLID_LUT[i]}, ${SOLID_LUT[i + 1]}, ${SOLID_LUT[i + 2]})`;
}

/** Draws a filled, outlined marker centred at (x, y). */
export function marker(ctx, shape, x, y, r) {
  ctx.beginPath();
  if (shape === 'square') {
    const s = r * 0.9;
    ctx.rect(x - s, y - s, 2 * s, 2 * s);
  } else if (shape === 'triangle') {
    const s = r * 1.25;
    ctx.moveTo(x, y - s);
    ctx.lineTo(x + s * 0.95, y + s * 0.7);
    ctx.lineTo(x - s * 0.95, y + s * 0.7);
    ctx.closePath();
  } else {
    ctx.arc(x, y, r, 0, 2 * Math.PI);
  }
  ctx.fill();
  ctx.stroke();
}
