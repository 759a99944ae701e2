// digits/export.js: what the digits page saves, as pure functions of plain data (tested in Node):
// a PyTorch script that rebuilds the network as an nn.Sequential with the same layers and loads
// the weights from the exported model file (docs/image-models.md "To and from PyTorch"), file
// names, and a first check of a model file before the engine (which validates it fully) sees it.

import { LIMITS } from './state.js';

export const MODEL_FORMAT = 'backprop-playground-image-model';
export const LEAKY_SLOPE = 0.01;

const ACTIVATION_MODULE = {
  relu: 'nn.ReLU()', tanh: 'nn.Tanh()', sigmoid: 'nn.Sigmoid()', leaky_relu: `nn.LeakyReLU(${LEAKY_SLOPE})`,
  softmax: 'nn.Softmax(dim=1)', linear: 'nn.Identity()',
};

/**
 * The PyTorch modules of a layer stack, with the shape after each and the parameters to load.
 * Weighted layers are named as in the model file: numbered from 1 in stack order, by kind
 * (conv1, conv2, dense3). A dense layer reads any shape as its C·H·W values, so an nn.Flatten()
 * goes in front of one that follows an image-shaped output.
 * @param {object[]} layers  the config's layers (docs/image-models.md)
 * @param {{rows: number, cols: number}} image
 * @returns {{ modules: {code: string, shape: string}[], params: {index, name, kind, inChannels, outChannels, kernel}[] }}
 */
export function torchModules(layers, image) {
  let shape = { c: 1, h: image.rows, w: image.cols, flat: false };
  const modules = [];
  const params = [];
  let weighted = 0;
  const shapeText = () => (shape.flat ? `(N, ${shape.c * shape.h * shape.w})` : `(N, ${shape.c}, ${shape.h}, ${shape.w})`);
  const push = (code) => modules.push({ code, shape: shapeText() });
  layers.forEach((l, i) => {
    if (l.type === 'conv2d') {
      if (shape.flat) throw new Error(`layer ${i} (conv2d): its input is flat; this script cannot rebuild it`);
      const k = l.kernel ?? 3;
      const s = l.stride ?? 1;
      const p = (l.padding ?? 'valid') === 'same' ? (k - 1) >> 1 : 0;
      const cin = shape.c;
      weighted++;
      shape = { c: l.filters, h: Math.floor((shape.h + 2 * p - k) / s) + 1, w: Math.floor((shape.w + 2 * p - k) / s) + 1, flat: false };
      params.push({ index: modules.length, name: `conv${weighted}`, kind: 'conv', inChannels: cin, outChannels: l.filters, kernel: k });
      push(`nn.Conv2d(${cin}, ${l.filters}, kernel_size=${k}, stride=${s}, padding=${p})`);
    } else if (l.type === 'max_pool' || l.type === 'avg_pool') {
      shape = { ...shape, h: Math.floor(shape.h / 2), w: Math.floor(shape.w / 2) };
      push(l.type === 'max_pool' ? 'nn.MaxPool2d(2)' : 'nn.AvgPool2d(2)');
    } else if (l.type === 'flatten') {
      if (!shape.flat) { shape = { ...shape, flat: true }; push('nn.Flatten()'); }
    } else if (l.type === 'dense') {
      if (!shape.flat) { shape = { ...shape, flat: true }; push('nn.Flatten()'); }
      const d = shape.c * shape.h * shape.w;
      weighted++;
      shape = { c: l.units, h: 1, w: 1, flat: true };
      params.push({ index: modules.length, name: `dense${weighted}`, kind: 'dense' });
      push(`nn.Linear(${d}, ${l.units})`);
    } else if (l.type in ACTIVATION_MODULE) {
      push(ACTIVATION_MODULE[l.type]);
    } else {
      throw new Error(`layer ${i}: unknown type "${String(l.type).slice(0, 40)}"`);
    }
  });
  return { modules, params };
}

/** A Python float literal that reads back as the same double. */
export function pyFloat(v) {
  if (Number.isNaN(v)) return "float('nan')";
  if (!Number.isFinite(v)) return v > 0 ? "float('inf')" : "float('-inf')";
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

const pyList = (a) => `[${Array.from(a, pyFloat).join(', ')}]`;

/**
 * The script. m: { config (the session's, layers filled in), image: {rows, cols}, modelFile (the
 * JSON file name the script reads by default), samples: { inputs: Float64Array[], outputs: Float64Array[] }
 * (the page's own outputs for a few test digits, printed beside PyTorch's), link? }
 */
export function pytorchScript(m) {
  const { modules, params } = torchModules(m.config.model.layers, m.image);
  const kind = m.config.model.kind;
  const samples = m.samples || { inputs: [], outputs: [] };
  const lines = modules.map((x, i) => `    ${x.code},${' '.repeat(Math.max(1, 52 - x.code.length))}# ${i}: -> ${x.shape}`);
  const paramRows = params.map((p) => (p.kind === 'conv'
    ? `    (${p.index}, '${p.name}', 'conv', ${p.inChannels}, ${p.outChannels}, ${p.kernel}),`
    : `    (${p.index}, '${p.name}', 'dense', 0, 0, 0),`));
  return `# PyTorch version of a ${kind} trained on the Backprop Playground digits page.
${m.link ? `# Page link: ${m.link}\n` : ''}#
# Run:  pip install torch numpy  &&  python this_file.py ${m.modelFile}
# It builds the same layers as an nn.Sequential, loads the trained weights from the model file
# the page exported (format ${MODEL_FORMAT}), and prints its outputs for a few test digits
# beside the page's own (they agree to about 1e-12: both compute in float64).
# Conv weights are stored as (C_in·k·k, C_out); PyTorch wants (C_out, C_in, k, k): W.T.reshape.
import json
import sys

import numpy as np
import torch
from torch import nn

torch.set_default_dtype(torch.float64)

path = sys.argv[1] if len(sys.argv) > 1 else ${JSON.stringify(m.modelFile)}
with open(path) as f:
    model_file = json.load(f)
if model_file.get('format') != '${MODEL_FORMAT}':
    sys.exit(f'{path}: not a Backprop Playground image model file')
weights = model_file['weights']

ROWS, COLS = ${m.image.rows}, ${m.image.cols}
model = nn.Sequential(
${lines.join('\n')}
)

# (index in the Sequential, name in the model file, kind, C_in, C_out, k)
PARAMETERS = [
${paramRows.join('\n')}
]

with torch.no_grad():
    for index, name, kind, c_in, c_out, k in PARAMETERS:
        W = np.array(weights[name + '.W'], dtype=np.float64)
        b = np.array(weights[name + '.b'], dtype=np.float64)[0]
        layer = model[index]
        if kind == 'conv':
            layer.weight.copy_(torch.tensor(W.T.reshape(c_out, c_in, k, k)))
        else:
            layer.weight.copy_(torch.tensor(W.T))
        layer.bias.copy_(torch.tensor(b))

inputs = torch.tensor([
${samples.inputs.map((x) => `    ${pyList(x)},`).join('\n')}
]).reshape(-1, 1, ROWS, COLS)
page = torch.tensor([
${samples.outputs.map((y) => `    ${pyList(y)},`).join('\n')}
])
model.eval()
with torch.no_grad():
    out = model(inputs).reshape(len(inputs), -1)
for i in range(len(inputs)):
    print(f'digit {i}: largest difference from the page {(out[i] - page[i]).abs().max().item():.3g}')
${kind === 'autoencoder' ? '' : "    print('  pytorch', [round(v, 4) for v in out[i].tolist()])\n    print('  page   ', [round(v, 4) for v in page[i].tolist()])\n"}`;
}

export function fileName(state, step, ext = 'json') {
  return `digits-${state.data}-${state.model}-step${step}.${ext}`;
}

/**
 * A first look at a model file's text before the engine sees it: { error } or { config }.
 * The engine checks everything again; this only gives the clear message for the common cases.
 */
export function inspectModelText(text) {
  if (typeof text !== 'string' || text.length === 0) return { error: 'the file is empty' };
  if (text.length > LIMITS.maxModelBytes) return { error: 'the file is too large to be a model file (limit 16 MB)' };
  let doc;
  try {
    doc = JSON.parse(text);
  } catch {
    return { error: 'the file is not valid JSON' };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { error: 'the file is not a model file (not a JSON object)' };
  const format = typeof doc.format === 'string' ? doc.format : '';
  if (format !== MODEL_FORMAT) {
    const other = { 'backprop-playground-model': 'a static network (load it on the Static networks page)',
      'backprop-playground-sequence-model': 'a recurrent network (load it on the Recurrent networks page)',
      'backprop-playground-fixed-point-model': 'a recurrent network (load it on the Recurrent networks page)' }[format];
    return { error: other ? `this model file holds ${other}, not a digits model` : `this is not a digits model file (format "${format.slice(0, 60)}", expected "${MODEL_FORMAT}")` };
  }
  const data = doc.config && doc.config.data && doc.config.data.name;
  if (data !== 'mnist' && data !== 'uci') return { error: 'the model file does not say which data set it was trained on (config.data.name)' };
  return { config: doc.config };
}
