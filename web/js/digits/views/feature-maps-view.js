// feature-maps-view.js: the current digit going through the network, layer by layer: every
// feature map a[l] (one small image per channel), and in explain mode the δ maps ∂L/∂a[l]
// flowing back beside them.
//
//   new FeatureMapsView(host, { selectMap })
//   update({ trace, rows, cols, explain })
//     trace     s.trace(pixels, label): { input, inputDelta, target, loss, layers: [{ text, kind,
//               channels, height, width, output, delta }] }  (delta empty for the last layer
//               under a fused loss)
//     rows/cols the image shape (default: a square of input.length)
//     explain   true: show the δ maps too (default: keep the last setting, initially false)
//   setExplain(on)                 shows or hides the δ maps without new data
//   select({ layer, channel })     highlights one map (layer −1 = the input), no callback
//   callbacks.selectMap({ layer, channel, kind, text })  on a click on a map
//
// Each layer is drawn on one symmetric scale ±max of its own (0 white, orange < 0 < blue), so
// the channels of a layer compare; δ maps get their own scale. A vector (C×1×1: dense layers)
// is a strip of cells. flatten is listed but not drawn again (the same numbers as the layer above).

import { maxAbs, tileLayout, tileAt, makeCanvas, paintTiles, eventPoint, el, cellFor } from './image-draw.js';
import { fmt } from '../../shared/dom.js';

export class FeatureMapsView {
  constructor(host, callbacks = {}) {
    this.callbacks = callbacks;
    this.root = el('dv-view dv-maps');
    this.head = el('dv-note dv-maps-head');
    this.body = el('dv-maps-body');
    this.root.append(this.head, this.body);
    host.append(this.root);
    this.explain = false;
    this.selected = null;
    this.data = null;
  }

  update({ trace, rows, cols, explain }) {
    if (explain !== undefined) this.explain = !!explain;
    const side = Math.round(Math.sqrt(trace.input.length));
    this.data = { trace, rows: rows || side, cols: cols || side };
    this.render();
  }

  setExplain(on) {
    this.explain = !!on;
    if (this.data) this.render();
  }

  select(sel) {
    this.selected = sel || null;
    for (const s of this.body.querySelectorAll('.dv-layer')) {
      s.classList.toggle('dv-selected', !!sel && Number(s.dataset.layer) === sel.layer);
    }
  }

  render() {
    const { trace, rows, cols } = this.data;
    this.root.classList.toggle('dv-explain', this.explain);
    this.head.textContent = this.explain
      ? `Forward a[l] (left) and backward δ = ∂L/∂a[l] (right) for this digit; target ${trace.target}, loss ${fmt(trace.loss, 4)}.`
      : 'The feature maps a[l] of this digit, layer by layer.';
    this.body.replaceChildren();
    this.addLayer(-1, 'input', 'input', 1, rows, cols, trace.input, trace.inputDelta, 'ink');
    trace.layers.forEach((l, li) => {
      this.addLayer(li, l.text, l.kind, l.channels, l.height, l.width, l.output, l.delta, 'diverging', li === trace.layers.length - 1);
    });
    this.select(this.selected);
  }

  addLayer(li, text, kind, C, H, W, output, delta, mode, last = false) {
    const section = el('dv-layer', null, 'section');
    section.dataset.layer = String(li);
    const shape = H * W === 1 ? `${C}` : `${C}×${H}×${W}`;
    section.append(el('dv-title', `${li < 0 ? 'input' : `${li} · ${text}`}  ·  ${shape}`, 'h4'));
    if (kind === 'flatten') {
      section.append(el('dv-note', 'the same numbers as the layer above, read as one vector'));
      this.body.append(section);
      return;
    }
    const row = el('dv-layer-row');
    row.append(this.block(li, kind, text, C, H, W, output, mode, li < 0 ? 'the digit (0 white, 1 ink)' : 'a[l]'));
    if (this.explain) {
      if (delta && delta.length) row.append(this.block(li, kind, text, C, H, W, delta, 'diverging', li < 0 ? 'δ = ∂L/∂x' : 'δ = ∂L/∂a[l]', true));
      else if (last) row.append(el('dv-note dv-fused', 'δ of the last layer is fused into the loss (softmax + cross-entropy: the layer below gets δ = p − y)'));
    }
    section.append(row);
    this.body.append(section);
  }

  /** One block of maps (all C channels of one array), with its caption and scale. */
  block(li, kind, text, C, H, W, values, mode, caption, isDelta = false) {
    const box = el(isDelta ? 'dv-block dv-delta' : 'dv-block');
    const vmax = mode === 'ink' ? 1 : maxAbs(values);
    let layout; let tiles; let cell;
    const vector = H * W === 1;
    if (vector) {
      // C×1×1: a strip of cells, wrapped, bigger and labelled when there are at most 10 (classes)
      cell = C <= 10 ? 18 : 8;
      layout = tileLayout(C, cell, cell, { maxCols: C <= 10 ? 10 : 32, gap: C <= 10 ? 2 : 1, pad: 1 });
      tiles = Array.from({ length: C }, (_, c) => ({ values, offset: c, rows: 1, cols: 1, mode, vmax }));
    } else {
      cell = cellFor(H, W, li < 0 ? 84 : 56);
      layout = tileLayout(C, W * cell, H * cell, { maxCols: C > 8 ? 8 : C, gap: 3, pad: 1 });
      tiles = Array.from({ length: C }, (_, c) => ({ values, offset: c * H * W, rows: H, cols: W, mode, vmax }));
    }
    const labels = vector && C <= 10;
    const canvas = makeCanvas(layout.width, layout.height + (labels ? 13 : 0), 'dv-grid dv-clickable',
      `${li < 0 ? 'input' : `layer ${li}`} ${isDelta ? 'δ maps' : 'feature maps'}, ${C} channel${C > 1 ? 's' : ''}`);
    paintTiles(canvas, layout, tiles, cell);
    if (labels) {
      const ctx = canvas.getContext('2d');
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillStyle = '#5f6670';
      ctx.textAlign = 'center';
      for (let c = 0; c < C; c++) ctx.fillText(String(c), layout.x(c) + cell / 2, layout.height + 10);
    }
    canvas.addEventListener('click', (e) => {
      const [x, y] = eventPoint(e, canvas);
      const hit = tileAt(layout, x, y, C, cell);
      if (!hit) return;
      const sel = { layer: li, channel: hit.index, kind, text };
      this.select(sel);
      if (this.callbacks.selectMap) this.callbacks.selectMap(sel);
    });
    canvas.addEventListener('pointermove', (e) => {
      const [x, y] = eventPoint(e, canvas);
      const hit = tileAt(layout, x, y, C, cell);
      if (!hit) return;
      const v = vector ? values[hit.index] : values[hit.index * H * W + hit.r * W + hit.c];
      canvas.title = vector ? `[${hit.index}] = ${fmt(v, 4)}` : `channel ${hit.index}, (${hit.r}, ${hit.c}) = ${fmt(v, 4)}`;
    });
    box.append(el('dv-caption', mode === 'ink' ? caption : `${caption}  ±${fmt(vmax)}`), canvas);
    return box;
  }
}
