// views/network-links.js: drawing the network diagram. The node thumbnails of a frame, and the
// links on one canvas behind the nodes: width by |w| and colour by sign, or in explain mode the
// weights, gradients or changes that explain mode shows, with a label where one fits. Each
// function takes the NetworkView it draws (views/network.js).

import { fmtNum } from '../explain/explain-model.js';
import { nodeColoring, CLASS_RGB } from '../../shared/colors.js';
import { bezierPoint } from './network-layout.js';

const THUMB_BUDGET_MS = 4;   // time per frame for redrawing node thumbnails
const MAX_LABELS = 120;      // explain mode writes at most this many values on links

/**
 * Draws the node thumbnails of a frame (see NetworkView.update): refreshed in turn within a small
 * time budget.
 */
export function drawThumbnails(view, frame) {
  const T = frame.thumb;
  const TT = T * T;
  const count = Math.min(view.nodes.length, frame.nodeCount);
  const t0 = performance.now();
  if (!(view.thumbCursor < count)) view.thumbCursor = 0;
  for (let done = 0; done < count; done++) {
    const n = view.thumbCursor;
    view.thumbCursor = (n + 1) % count;
    const node = view.nodes[n];
    if (!node || !node.canvas) continue;   // features keep their static pictures
    if (node.canvas.width !== T) {
      node.canvas.width = T;
      node.canvas.height = T;
      node.image = node.ctx.createImageData(T, T);
    }
    const { lut, index } = nodeColoring(node.activation, node.j);
    const px = node.image.data;
    const src = frame.nodes;
    const base = n * TT;
    for (let p = 0; p < TT; p++) {
      const i = index(src[base + p]) * 4;
      px[p * 4] = lut[i];
      px[p * 4 + 1] = lut[i + 1];
      px[p * 4 + 2] = lut[i + 2];
      px[p * 4 + 3] = 255;
    }
    node.ctx.putImageData(node.image, 0, 0);
    // (paused frames and small networks always draw every node)
    if (frame.playing && count > 40 && performance.now() - t0 > THUMB_BUDGET_MS) break;
  }
}

export function drawLinks(view) {
  const ctx = view.ctx;
  const dpr = window.devicePixelRatio || 1;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, view.canvas.width, view.canvas.height);
  if (view.explain) {
    view.drawExplainLinks(ctx);
    return;
  }
  if (!view.weights || !view.fitsColumns(view.weights)) return;
  // Width and opacity follow |w| on an absolute scale up to 1; in a layer whose weights grow
  // larger, relative to that layer's largest (so big networks stay readable).
  const scale = view.weights.map((W) => {
    let m = 1;
    for (let k = 0; k < (W ? W.length : 0); k++) m = Math.max(m, Math.abs(W[k]));
    return 1 / m;
  });
  // Links are stroked in buckets (sign x 8 strengths): a few canvas calls even for thousands.
  const BUCKETS = 8;
  const paths = [[], []].map(() => Array.from({ length: BUCKETS }, () => new Path2D()));
  const curved = view.links.length <= 2000;
  for (const link of view.links) {
    const W = view.weights[link.l];
    const fanOut = view.columns[link.l].to.length;
    const w = W ? W[link.i * fanOut + link.j] : 0;
    const a = Math.min(1, Math.abs(w) * scale[link.l]);
    const path = paths[w >= 0 ? 1 : 0][Math.min(BUCKETS - 1, Math.floor(a * BUCKETS))];
    addLink(path, link, curved);
  }
  for (let sgn = 0; sgn < 2; sgn++) {
    const c = CLASS_RGB[sgn];   // negative: orange (class 0), positive: blue (class 1)
    for (let b = 0; b < BUCKETS; b++) {
      const a = (b + 0.5) / BUCKETS;
      ctx.strokeStyle = `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${0.2 + 0.75 * a})`;
      ctx.lineWidth = 0.5 + 4 * a;
      ctx.stroke(paths[sgn][b]);
    }
  }
  if (view.hoverLink) {
    const w = view.weightOf(view.hoverLink);
    const c = CLASS_RGB[w >= 0 ? 1 : 0];
    ctx.strokeStyle = `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
    ctx.lineWidth = 2.5 + 4 * Math.min(1, Math.abs(w) * scale[view.hoverLink.l]);
    bezier(ctx, view.hoverLink.p0, view.hoverLink.p1);
    ctx.stroke();
  }
}

export function drawExplainLinks(view, ctx) {
  const ex = view.explain;
  if (ex.stale || !view.fits(ex)) {
    ex.stale = true;
    const dim = new Path2D();
    for (const link of view.links) addLink(dim, link, true);
    ctx.strokeStyle = 'rgba(120, 128, 138, 0.22)';
    ctx.lineWidth = 1;
    ctx.stroke(dim);
    view.labelled = [];
    return;
  }
  // One scale per kind over the whole network, so layers can be compared.
  const max = {};
  ex.links.forEach((layer) => {
    if (!layer || layer.state === 'dim') return;
    let m = max[layer.kind] || 0;
    for (let k = 0; k < layer.values.length; k++) if (Number.isFinite(layer.values[k])) m = Math.max(m, Math.abs(layer.values[k]));
    max[layer.kind] = m;
  });
  const curved = view.links.length <= 2000;
  const dim = new Path2D();
  const strong = [];
  for (const link of view.links) {
    const { kind, value, state } = view.explainValue(link);
    if (state === 'dim') { addLink(dim, link, curved); continue; }
    const rel = max[kind] > 0 ? Math.min(1, Math.abs(value) / max[kind]) : 0;
    strong.push({ link, value, rel, state });
  }
  ctx.strokeStyle = 'rgba(120, 128, 138, 0.22)';
  ctx.lineWidth = 1;
  ctx.stroke(dim);
  for (const { link, value, rel, state } of strong) {
    const c = CLASS_RGB[value >= 0 ? 1 : 0];
    const alpha = state === 'lit' ? 0.3 + 0.65 * rel : 0.2 + 0.45 * rel;
    ctx.strokeStyle = `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${alpha})`;
    ctx.lineWidth = 0.6 + 4.4 * rel;
    bezier(ctx, link.p0, link.p1);
    ctx.stroke();
  }
  const sel = ex.selectedLink && view.links.find((k) => k.l === ex.selectedLink.l && k.i === ex.selectedLink.i && k.j === ex.selectedLink.j);
  for (const [link, color, width] of [[view.hoverLink, 'rgba(31, 35, 40, 0.55)', 5], [sel, '#1f2328', 6]]) {
    if (!link) continue;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    bezier(ctx, link.p0, link.p1);
    ctx.stroke();
    const { value } = view.explainValue(link);
    const c = CLASS_RGB[value >= 0 ? 1 : 0];
    ctx.strokeStyle = `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
    ctx.lineWidth = 2.5;
    ctx.stroke();
  }
  view.drawLinkLabels(ctx, strong, sel);
}

/**

 * Writes values on links where they fit: the selected link first, then the largest values;
 * each label tries a few positions along its link and is skipped if all of them would cover
 * another label or a node.
 */
export function drawLinkLabels(view, ctx, strong, sel) {
  const ex = view.explain;
  const box = view.body.getBoundingClientRect();
  const blocked = [];
  for (const node of view.nodes) {
    if (!node) continue;
    const r = node.el.getBoundingClientRect();
    blocked.push([r.left - box.left + view.body.scrollLeft - 2, r.top - box.top + view.body.scrollTop - 2, r.width + 4, r.height + 4]);
    if (node.note.firstChild) {
      const n = node.note.getBoundingClientRect();
      blocked.push([n.left - box.left + view.body.scrollLeft, n.top - box.top + view.body.scrollTop, n.width, n.height]);
    }
  }
  // (exact zeros, e.g. behind a ReLU that is off, are left unlabelled: hover shows them)
  const wanted = strong.filter((s) => ex.labels[s.link.l] && s.value !== 0).sort((a, b) => (b.link === sel) - (a.link === sel) || b.rel - a.rel);
  if (sel && !wanted.some((s) => s.link === sel)) {
    const { value } = view.explainValue(sel);
    wanted.unshift({ link: sel, value, rel: 1 });
  }
  ctx.font = '600 11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'center';
  const overlaps = (a) => blocked.some((b) => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]);
  view.labelled = [];
  for (const { link, value } of wanted.slice(0, MAX_LABELS)) {
    const text = fmtNum(value);
    const w = ctx.measureText(text).width + 8;
    const hh = 15;
    let placed = null;
    for (const t of [0.5, 0.4, 0.6, 0.32, 0.68, 0.25, 0.75]) {
      const [x, y] = bezierPoint(link.p0, link.p1, t);
      const rect = [x - w / 2, y - hh / 2, w, hh];
      if (!overlaps(rect)) { placed = { x, y, rect }; break; }
    }
    if (!placed) continue;
    blocked.push(placed.rect);
    view.labelled.push({ l: link.l, i: link.i, j: link.j, text });
    const c = CLASS_RGB[value >= 0 ? 1 : 0];
    const [rx, ry, rw, rh] = placed.rect;
    ctx.fillStyle = link === sel ? '#1f2328' : 'rgba(255, 255, 255, 0.94)';
    ctx.strokeStyle = `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
    ctx.lineWidth = 1;
    roundRect(ctx, rx, ry, rw, rh, 4);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = link === sel ? '#ffffff' : value >= 0 ? '#00507d' : '#8a5a00';
    ctx.fillText(text, placed.x, placed.y + 0.5);
  }
}

export function addLink(path, link, curved) {
  const [x0, y0] = link.p0;
  const [x1, y1] = link.p1;
  path.moveTo(x0, y0);
  if (curved) {
    const mx = (x0 + x1) / 2;
    path.bezierCurveTo(mx, y0, mx, y1, x1, y1);
  } else {
    path.lineTo(x1, y1);
  }
}

export function roundRect(ctx, x, y, w, hh, r) {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + hh, r);
  ctx.arcTo(x + w, y + hh, x, y + hh, r);
  ctx.arcTo(x, y + hh, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

export function bezier(ctx, [x0, y0], [x1, y1]) {
  const mx = (x0 + x1) / 2;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.bezierCurveTo(mx, y0, mx, y1, x1, y1);
}
