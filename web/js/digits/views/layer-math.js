// layer-math.js: how the views read the engine's layer list and trace (pure, tested in
// tests/node/digits-views.test.mjs): a conv layer's settings from its text, the parameter names
// the core gives the layers, and which array a layer reads and which δ flows out of it.

/**
 * A conv layer's settings read from its text as the core writes it (layer_text in
 * core/nn/layer_stack.cpp): "conv2d 1→8 5×5 same", "conv2d 8→16 3×3 valid stride 2".
 * Returns { cin, filters, kernel, padding, stride } or null for any other text.
 */
export function parseConvText(text) {
  const m = /^conv2d (\d+)→(\d+) (\d+)×\d+ (same|valid)(?: stride (\d+))?$/.exec(String(text).trim());
  if (!m) return null;
  return { cin: Number(m[1]), filters: Number(m[2]), kernel: Number(m[3]), padding: m[4], stride: m[5] ? Number(m[5]) : 1 };
}

/**
 * The parameter prefix of every layer as the core numbers them ("conv1", "dense3": counted among
 * the layers with weights, dense and conv2d, from 1; null for the others), for layers given as
 * s.layers() or trace().layers (objects with a `kind`).
 */
export function weightedLayerNames(layers) {
  let n = 0;
  return layers.map((l) => {
    if (l.kind === 'dense') return `dense${++n}`;
    if (l.kind === 'conv2d') return `conv${++n}`;
    return null;
  });
}

/**
 * The shape a layer of trace().layers reads: the previous layer's output, or the input image
 * (1×rows×cols) for the first. Returns { channels, height, width, values } (values: that input).
 */
export function layerInput(trace, l, rows, cols) {
  if (l === 0) return { channels: 1, height: rows, width: cols, values: trace.input };
  const p = trace.layers[l - 1];
  return { channels: p.channels, height: p.height, width: p.width, values: p.output };
}

/** ∂L/∂(the input of layer l) from a trace: the previous layer's δ, or inputDelta for the first. */
export function layerInputDelta(trace, l) {
  return l === 0 ? trace.inputDelta : trace.layers[l - 1].delta;
}
