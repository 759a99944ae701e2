// filters-view.js: every conv filter of the network as a small image, and the first dense layer's
// weights (an MLP or an autoencoder reading the image) as one image per unit.
//
//   new FiltersView(host, { selectWeight })
//   update({ layers, weights, imageShape })
//     layers      s.layers()  ([{ text, kind, inChannels, inHeight, inWidth, channels, ... }])
//     weights     { 'conv1.W': Float64Array, 'dense1.W': ..., ... }  copies of s.param(name);
//                 a layer whose W is missing is left out
//     imageShape  s.imageShape()  ({ rows, cols }: the dense weights are drawn as rows×cols)
//   select(sel)   highlights a kernel weight ({ layer, o, c, i, j }, or null), no callback
//   keyboard: a filter grid takes focus; arrows move a cursor over its pixels, Enter picks
//   callbacks.selectWeight({ layer, name, o, c, i, j, index })  on a click on a conv filter's
//                 pixel (layer: index in `layers`, name 'conv1.W', index into W (C_in·k·k, C_out))
//
// Conv W is stored (C_in·k·k, C_out) (docs/image-models.md): kernel K[o, c] is read with
// conv-math's kernelOf. A conv layer is one grid: a column per filter o, a row per input channel
// c, on one symmetric scale ±max for the layer (0 white, orange < 0 < blue). Dense unit h's
// image is column h of W (D, H), on its own scale (units differ a lot in size).

import { kernelOf, convGeometry, convWeightIndex, parseConvText, weightedLayerNames } from './conv-math.js';
import { maxAbs, tileLayout, tileAt, makeCanvas, paintTiles, eventPoint, el, cellFor, scaleBar, outline } from './image-draw.js';
import { fmt } from '../../shared/dom.js';

const MAX_DENSE_UNITS = 128;

export class FiltersView {
  constructor(host, callbacks = {}) {
    this.host = host;
    this.callbacks = callbacks;
    this.root = el('dv-view dv-filters');
    this.body = el('dv-filters-body');
    this.readout = el('dv-readout', '');
    this.readout.setAttribute('aria-live', 'polite');
    this.root.append(this.body, this.readout);
    host.append(this.root);
    this.sections = [];
    this.selected = null;
  }

  update({ layers, weights, imageShape }) {
    // the same network again (a training step): repaint in place, keeping focus and cursor
    const key = JSON.stringify([layers.map((l) => [l.text, l.inChannels, l.inHeight, l.inWidth, l.channels]), imageShape, Object.keys(weights).sort()]);
    if (key === this.structure && this.sections.length) {
      const names = weightedLayerNames(layers);
      for (const s of this.sections) s.refill(weights[`${names[s.li]}.W`]);
      this.select(this.selected);
      return;
    }
    this.structure = key;
    this.body.replaceChildren();
    this.sections = [];
    const names = weightedLayerNames(layers);
    let sawImageDense = false;
    layers.forEach((l, li) => {
      const W = weights[`${names[li]}.W`];
      if (!W) return;
      if (l.kind === 'conv2d') this.addConv(l, li, names[li], W);
      else if (l.kind === 'dense' && !sawImageDense && imageShape &&
               l.inChannels * l.inHeight * l.inWidth === imageShape.rows * imageShape.cols && li <= 1) {
        sawImageDense = true;
        this.addDense(l, li, names[li], W, imageShape);
      }
    });
    this.readout.textContent = this.sections.some((s) => s.kind === 'conv') ? 'Hover a filter to read its weights; click one to see its gradient as a sum.' : 'Hover a unit to read its weights.';
    if (!this.sections.length) this.body.append(el('dv-empty', 'This network has no conv filters or image-sized dense layer to show.'));
    this.select(this.selected);
  }

  addConv(l, li, name, W) {
    const spec = parseConvText(l.text) || { filters: l.channels, kernel: Math.round(Math.sqrt(W.length / (l.inChannels * l.channels))), padding: 'valid', stride: 1 };
    const g = convGeometry({ filters: spec.filters, kernel: spec.kernel, stride: spec.stride, padding: spec.padding },
      { channels: l.inChannels, height: l.inHeight, width: l.inWidth });
    const cell = cellFor(g.k, g.k, g.cin === 1 ? 48 : 30);
    const tile = cell * g.k;
    const layout = tileLayout(g.cout * g.cin, tile, tile, { maxCols: g.cout, gap: 3, pad: 1, left: g.cin > 1 ? 16 : 0, top: 13 });
    const canvas = makeCanvas(layout.width, layout.height, 'dv-grid dv-clickable', `${name} filters: ${g.cout} filters of ${g.cin} channel${g.cin > 1 ? 's' : ''}, ${g.k}×${g.k}`);
    const section = { kind: 'conv', li, name, g, canvas, layout, tiles: [], cell, W };
    this.sections.push(section);
    canvas.addEventListener('click', (e) => this.pick(section, e));
    canvas.addEventListener('pointermove', (e) => this.hover(section, e));
    // keyboard: arrows move a cursor over the kernel pixels, Enter or space picks the weight
    canvas.tabIndex = 0;
    canvas.addEventListener('keydown', (e) => this.onKey(section, e));
    canvas.addEventListener('blur', () => { section.focused = false; section.paint(); });
    const caption = g.cin > 1 ? `columns: filter o = 0…${g.cout - 1}; rows: input channel c = 0…${g.cin - 1}` : `filter o = 0…${g.cout - 1}`;
    this.body.append(el('dv-section', null, 'section'));
    const note = el('dv-note', `${caption};  scale `);
    const scale = el('', null, 'span');
    note.append(scale);
    this.body.lastChild.append(el('dv-title', `${name} · ${l.text}`, 'h4'), note, canvas);
    section.paint = () => this.paintConv(section);
    section.refill = (w) => {
      section.W = w;
      const vmax = maxAbs(w);
      section.tiles = [];
      for (let c = 0; c < g.cin; c++) {
        for (let o = 0; o < g.cout; o++) section.tiles.push({ values: kernelOf(w, g, o, c), rows: g.k, cols: g.k, mode: 'diverging', vmax, o, c });
      }
      scale.replaceChildren(scaleBar(vmax));
      section.paint();
    };
    section.refill(W);
  }

  paintConv(s) {
    paintTiles(s.canvas, s.layout, s.tiles, s.cell);
    const ctx = s.canvas.getContext('2d');
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = '#8a9099';
    ctx.textAlign = 'center';
    for (let o = 0; o < s.g.cout; o++) ctx.fillText(String(o), s.layout.x(o) + s.layout.tileW / 2, 10);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    if (s.g.cin > 1) for (let c = 0; c < s.g.cin; c++) ctx.fillText(String(c), s.layout.ox - 4, s.layout.y(c * s.g.cout) + s.layout.tileH / 2);
    if (s.focused && s.cursor) {
      const t = s.cursor.c * s.g.cout + s.cursor.o;
      ctx.setLineDash([3, 2]);
      ctx.strokeStyle = '#1f2328';
      ctx.lineWidth = 1.5;
      ctx.strokeRect(s.layout.x(t) + s.cursor.j * s.cell + 0.75, s.layout.y(t) + s.cursor.i * s.cell + 0.75, s.cell - 1.5, s.cell - 1.5);
      ctx.setLineDash([]);
    }
    const sel = this.selected;
    if (!sel || sel.layer !== s.li) return;
    const t = s.tiles.findIndex((x) => x.o === sel.o && x.c === sel.c);
    if (t < 0) return;
    outline(ctx, s.layout.x(t) + sel.j * s.cell, s.layout.y(t) + sel.i * s.cell, s.cell, s.cell);
  }

  addDense(l, li, name, W, { rows, cols }) {
    const H = l.channels;
    const n = Math.min(H, MAX_DENSE_UNITS);
    const cell = rows > 10 ? 2 : 5;
    const layout = tileLayout(n, cols * cell, rows * cell, { maxCols: 16, gap: 3, pad: 1 });
    const canvas = makeCanvas(layout.width, layout.height, 'dv-grid', `${name}: the input weights of ${n} units as ${rows}×${cols} images`);
    const section = { kind: 'dense', li, name, canvas, layout, tiles: [], cell, rows, cols };
    canvas.addEventListener('pointermove', (e) => this.hover(section, e));
    this.sections.push(section);
    const more = H > n ? ` (the first ${n} of ${H})` : '';
    this.body.append(el('dv-section', null, 'section'));
    this.body.lastChild.append(
      el('dv-title', `${name} · ${l.text}: what each unit looks for`, 'h4'),
      el('dv-note', `unit h's weights W[:, h] as a ${rows}×${cols} image${more}; each on its own scale ±max`),
      canvas);
    section.paint = () => paintTiles(canvas, layout, section.tiles, cell);
    section.refill = (w) => {
      section.tiles = [];
      for (let h = 0; h < n; h++) {
        let m = 0;
        for (let p = 0; p < rows * cols; p++) m = Math.max(m, Math.abs(w[p * H + h]));
        section.tiles.push({ values: w, offset: h, stride: H, rows, cols, mode: 'diverging', vmax: m, h });
      }
      section.paint();
    };
    section.refill(W);
  }

  /** The tile and cell under a pointer event, or null. */
  locate(s, e) {
    const [x, y] = eventPoint(e, s.canvas);
    const hit = tileAt(s.layout, x, y, s.tiles.length, s.cell);
    return hit ? { ...hit, tile: s.tiles[hit.index] } : null;
  }

  hover(s, e) {
    const hit = this.locate(s, e);
    if (!hit) return;
    if (s.kind === 'conv') {
      const { o, c } = hit.tile;
      const v = s.W[convWeightIndex(o, c, hit.r, hit.c, s.g.k, s.g.cout)];
      this.readout.textContent = `${s.name}: K[o=${o}, c=${c}, i=${hit.r}, j=${hit.c}] = ${fmt(v, 4)}  (click: its gradient as a sum)`;
    } else {
      const { h } = hit.tile;
      const p = hit.r * s.cols + hit.c;
      this.readout.textContent = `${s.name}: unit ${h}, pixel (${hit.r}, ${hit.c}): W[${p}, ${h}] = ${fmt(hit.tile.values[p * hit.tile.stride + h], 4)}`;
    }
  }

  onKey(s, e) {
    const { k, cout, cin } = s.g;
    const sel = this.selected && this.selected.layer === s.li ? this.selected : null;
    const cur = s.cursor || (sel ? { ...sel } : { o: 0, c: 0, i: (k - 1) >> 1, j: (k - 1) >> 1 });
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (d) {
      e.preventDefault();
      // one grid of pixels: column o·k + j, row c·k + i
      const X = Math.min(cout * k - 1, Math.max(0, cur.o * k + cur.j + d[0]));
      const Y = Math.min(cin * k - 1, Math.max(0, cur.c * k + cur.i + d[1]));
      s.cursor = { o: Math.floor(X / k), j: X % k, c: Math.floor(Y / k), i: Y % k };
      s.focused = true;
      const v = s.W[convWeightIndex(s.cursor.o, s.cursor.c, s.cursor.i, s.cursor.j, k, cout)];
      this.readout.textContent = `${s.name}: K[o=${s.cursor.o}, c=${s.cursor.c}, i=${s.cursor.i}, j=${s.cursor.j}] = ${fmt(v, 4)}  (Enter: its gradient as a sum)`;
      s.paint();
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      s.cursor = cur;
      this.choose(s, cur.o, cur.c, cur.i, cur.j);
    }
  }

  pick(s, e) {
    const hit = this.locate(s, e);
    if (!hit) return;
    this.choose(s, hit.tile.o, hit.tile.c, hit.r, hit.c);
  }

  choose(s, o, c, i, j) {
    const sel = { layer: s.li, name: `${s.name}.W`, o, c, i, j, index: convWeightIndex(o, c, i, j, s.g.k, s.g.cout) };
    this.select(sel);
    if (this.callbacks.selectWeight) this.callbacks.selectWeight(sel);
  }

  select(sel) {
    this.selected = sel || null;
    for (const s of this.sections) s.paint();
  }
}
