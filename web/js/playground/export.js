// export.js: what the page saves, as pure functions of plain data (tested in Node):
// the training log as CSV, a PyTorch script that rebuilds the trained network, file names, and a
// first check of a model file before the engine (which validates it fully) sees it.

/** Largest model file the page reads (the engine's own limit, core/limits.hpp). */
export const MAX_MODEL_BYTES = 16 * 1024 * 1024;

/** Slope of leaky ReLU for x < 0, as in the core. */
export const LEAKY_SLOPE = 0.01;

/**
 * The training history as CSV: one row per recorded frame.
 * @param {{epoch:number[], step:number[], examples:number[], trainLoss:(number|null)[], ...,
 *          grad:(number|null)[][]}} history
 */
export function historyToCSV(history) {
  const layers = history.grad.length;
  const head = ['epoch', 'step', 'examples', 'train_loss', 'test_loss', 'train_accuracy',
    'test_accuracy', 'learning_rate'];
  for (let l = 0; l < layers; l++) head.push(l === layers - 1 ? 'grad_norm_output' : `grad_norm_layer${l + 1}`);
  const rows = [head.join(',')];
  const cell = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '' : String(v));
  for (let i = 0; i < history.epoch.length; i++) {
    const r = [history.epoch[i], history.step[i], history.examples[i], history.trainLoss[i],
      history.testLoss[i], history.trainAccuracy[i], history.testAccuracy[i], history.learningRate[i]];
    for (let l = 0; l < layers; l++) r.push(history.grad[l][i]);
    rows.push(r.map(cell).join(','));
  }
  return `${rows.join('\n')}\n`;
}

const TORCH_ACTIVATION = {
  linear: null,
  sigmoid: 'nn.Sigmoid()',
  tanh: 'nn.Tanh()',
  relu: 'nn.ReLU()',
  leaky_relu: `nn.LeakyReLU(${LEAKY_SLOPE})`,
  softmax: 'nn.Softmax(dim=1)',
};

const FEATURE_EXPR = {
  x1: 'x1',
  x2: 'x2',
  x1sq: 'x1 * x1',
  x2sq: 'x2 * x2',
  x1x2: 'x1 * x2',
  sinx1: 'torch.sin(x1)',
  sinx2: 'torch.sin(x2)',
};

/** A Python float literal that reads back as exactly the same double. */
export function pyFloat(v) {
  if (Number.isNaN(v)) return "float('nan')";
  if (!Number.isFinite(v)) return v > 0 ? "float('inf')" : "float('-inf')";
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function pyMatrix(rows, indent) {
  return `[\n${rows.map((r) => `${indent}    [${r.map(pyFloat).join(', ')}],`).join('\n')}\n${indent}]`;
}

/**
 * A PyTorch script that builds the same network with the trained weights and prints its
 * predictions for a few points next to the playground's own.
 * @param {{ layout: {features: string[], hidden: {size, activation}[], output: {size, activation}},
 *           weights: ArrayLike<number>[], biases: ArrayLike<number>[],
 *           samples: { xy: number[][], outputs: number[][] }, title?: string, link?: string }} m
 */
export function pytorchScript(m) {
  const { layout } = m;
  const layers = [...layout.hidden, layout.output];
  const sizes = [layout.features.length, ...layers.map((l) => l.size)];
  for (const f of layout.features) {
    if (!FEATURE_EXPR[f]) throw new Error(`unknown feature "${f}"`);
  }
  const modules = [];
  layers.forEach((layer, l) => {
    modules.push(`    nn.Linear(${sizes[l]}, ${sizes[l + 1]}),`);
    if (!(layer.activation in TORCH_ACTIVATION)) throw new Error(`unknown activation "${layer.activation}"`);
    const a = TORCH_ACTIVATION[layer.activation];
    if (a) modules.push(`    ${a},`);
  });
  // The playground stores W as (fan_in, fan_out), row-major; torch's Linear.weight is (out, in).
  const weightBlocks = layers.map((layer, l) => {
    const fanIn = sizes[l];
    const fanOut = sizes[l + 1];
    const W = m.weights[l];
    if (!W || W.length !== fanIn * fanOut) throw new Error(`layer ${l}: expected ${fanIn}x${fanOut} weights`);
    const rows = [];
    for (let j = 0; j < fanOut; j++) {
      const row = [];
      for (let i = 0; i < fanIn; i++) row.push(W[i * fanOut + j]);
      rows.push(row);
    }
    const b = Array.from(m.biases[l]);
    if (b.length !== fanOut) throw new Error(`layer ${l}: expected ${fanOut} biases`);
    return `    # layer ${l + 1}: ${fanIn} -> ${fanOut}, ${layer.activation}\n` +
      `    (\n        ${pyMatrix(rows, '        ')},\n        [${b.map(pyFloat).join(', ')}],\n    ),`;
  });
  const samples = m.samples || { xy: [], outputs: [] };
  const pts = samples.xy.map((p) => `    [${p.map(pyFloat).join(', ')}],`).join('\n');
  const expected = samples.outputs.map((o) => `    [${o.map(pyFloat).join(', ')}],`).join('\n');
  const header = [
    '# PyTorch version of a network trained in Backprop Playground.',
    m.title ? `# ${m.title}` : null,
    m.link ? `# Playground link: ${m.link}` : null,
    '#',
    '# Run:  pip install torch  &&  python this_file.py',
    '# It builds the same network, loads the trained weights and prints the predictions for a few',
    '# points next to the values the playground computed (they agree to about 1e-12).',
  ].filter((x) => x !== null).join('\n');
  return `${header}
import torch
from torch import nn

torch.set_default_dtype(torch.float64)  # the playground trains in float64

FEATURES = [${layout.features.map((f) => `'${f}'`).join(', ')}]


def features(xy):
    """Maps raw points (N, 2) in the plane to the network's input features."""
    x1, x2 = xy[:, 0], xy[:, 1]
    columns = {
${layout.features.map((f) => `        '${f}': ${FEATURE_EXPR[f]},`).join('\n')}
    }
    return torch.stack([columns[name] for name in FEATURES], dim=1)


model = nn.Sequential(
${modules.join('\n')}
)

# (weight rows as torch wants them: one row per output neuron, bias)
PARAMETERS = [
${weightBlocks.join('\n')}
]

with torch.no_grad():
    linears = [m for m in model if isinstance(m, nn.Linear)]
    for layer, (weight, bias) in zip(linears, PARAMETERS):
        layer.weight.copy_(torch.tensor(weight))
        layer.bias.copy_(torch.tensor(bias))

points = torch.tensor([
${pts}
])
playground = [
${expected}
]

with torch.no_grad():
    outputs = model(features(points))

for point, out, ref in zip(points.tolist(), outputs.tolist(), playground):
    got = ', '.join(f'{v:+.6f}' for v in out)
    want = ', '.join(f'{v:+.6f}' for v in ref)
    print(f'x1={point[0]:+.2f} x2={point[1]:+.2f} -> {got}   (playground: {want})')
`;
}

/** A few points spread over the plane, for the script's printout. */
export const SAMPLE_POINTS = [[-4, -4], [-2, 3], [0, 0], [1.5, -2.5], [3, 3], [4.5, -1]];

/**
 * A first look at a model file's text before the engine validates it. Returns
 * { ok: true, config } or { ok: false, message } with a message for the user.
 */
export function inspectModelFile(text, byteLength = text.length) {
  if (byteLength > MAX_MODEL_BYTES) {
    return { ok: false, message: `The file is too large (${(byteLength / 1048576).toFixed(1)} MB; the limit is 16 MB).` };
  }
  let data;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `The file is not valid JSON (${e.message}).` };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, message: 'The file does not hold a model (a JSON object was expected).' };
  }
  if (!data.config || typeof data.config !== 'object') {
    return { ok: false, message: 'The file does not hold a Backprop Playground model (no "config" part).' };
  }
  return { ok: true, config: data.config };
}

/** A file name such as backprop-xor-4-2-epoch120.json */
export function fileName(state, epoch, ext) {
  const hidden = state.hidden.length ? state.hidden.join('-') : 'linear';
  const e = Number.isFinite(epoch) ? `-epoch${Math.floor(epoch)}` : '';
  return `backprop-${state.dataset}-${hidden}${e}.${ext}`;
}
