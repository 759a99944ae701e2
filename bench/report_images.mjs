// report_images.mjs: the W4 / W5 parts of the bench table (bench/run.mjs): the row notes, where
// a W4 batch spends its time natively, the accuracy after 8 epochs beside PyTorch's, and the
// check for a Python that can import torch (the PyTorch reference is optional).
import { execFileSync } from 'node:child_process';

export const TORCH_MISSING = 'PyTorch not installed (apt-get install python3-torch)';

// The first Python on PATH that imports torch, then Debian's own (a pyenv python3 first on PATH
// does not see the python3-torch package). null when none does.
export function findTorchPython() {
  for (const py of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(py, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60000 });
      return py;
    } catch { /* next */ }
  }
  return null;
}

const PROJECT_W4 = 'ImageSession.step(10) per call (default_image_config(cnn, mnist): He init, Adam 1e-3, batch 32, 8,000 training digits)';
const PROJECT_W5 = 'ImageSession.step(10) per call (default_image_config(autoencoder, mnist): sigmoid_ce, Adam 1e-3, batch 32)';

/** Row notes of the W4 and W5 tables. info(id, key) reads a system's info. */
export function imageNotes(info) {
  const shim = () => info('tfjs-wasm', 'w4_conv_filter_grad');
  return {
    w4_train: {
      native: PROJECT_W4, 'wasm-node': PROJECT_W4, 'wasm-chromium': PROJECT_W4,
      'tfjs-wasm': () => ['tf.layers model, trainOnBatch per batch of 32 (its loss read back every batch)',
        shim() ? `**the conv filter gradient supplied by the bench**: ${shim()}, checked against a direct sum (max diff ${Number(info('tfjs-wasm', 'w4_conv_filter_grad_max_diff')).toExponential(1)})` : null].filter(Boolean).join('; '),
      'tfjs-cpu': 'tf.layers model, trainOnBatch per batch of 32; one batch per chunk, at most 3 repeats (its conv gradients are slow JS loops)',
      convnetjs: '**SGD** + momentum 0.9 (npm 0.3.0 has no Adam), batch 32 through its Trainer, one example at a time',
      pytorch: () => `nn.Sequential, Adam, batch 32, torch.set_num_threads(1); PyTorch default init; BLAS ${info('pytorch', 'blas') || '?'}`,
    },
    w5_train: {
      native: PROJECT_W5, 'wasm-node': PROJECT_W5, 'wasm-chromium': PROJECT_W5,
      'tfjs-wasm': 'tf.layers model, binaryCrossentropy, trainOnBatch per batch of 32',
      'tfjs-cpu': 'tf.layers model, binaryCrossentropy, trainOnBatch per batch of 32',
      convnetjs: '**SGD** + momentum 0.9, **squared error** on the sigmoid output (no binary cross-entropy), batch 32',
      pytorch: () => `BCEWithLogits summed over pixels, Adam, batch 32, 1 thread; BLAS ${info('pytorch', 'blas') || '?'}`,
    },
  };
}

const pct = (x) => (typeof x === 'number' && Number.isFinite(x) ? `${(100 * x).toFixed(2)} %` : '–');

/** Appends the W4 per-layer table and the accuracy table. */
export function imageReport({ P, systems, fig, fmtRate, fmtX, torchPython }) {
  const info = (id, key) => systems[id] && systems[id].info && systems[id].info[key];
  const verdict = (ok) => (ok === null ? '–' : ok ? 'pass' : '**FAIL**');

  P('## W4 and W5: ratios (this run)');
  P();
  P('| figure | target | measured | result |');
  P('|---|---|---|---|');
  for (const [key, name, target] of [['w4_train', 'W4', 3], ['w5_train', 'W5', null]]) {
    const a = fig('wasm-chromium', key), t = fig('tfjs-wasm', key), n = fig('native', key), py = fig('pytorch', key);
    P(`| ${name}: project wasm in Chromium / TF.js 4.22 wasm (Node) | ${target ? `≥ ${target}×` : '(no target)'} | ${a && t ? fmtX(a.median / t.median) : '–'} | ${target ? verdict(a && t ? a.median / t.median >= target : null) : ''} |`);
    P(`| ${name}: wasm time / native time (Chromium; Node) | ≤ 1.5 | ${a && n ? (n.median / a.median).toFixed(2) : '–'}; ${fig('wasm-node', key) && n ? (n.median / fig('wasm-node', key).median).toFixed(2) : '–'} | ${verdict(a && n ? n.median / a.median <= 1.5 : null)} |`);
    P(`| ${name}: project native / PyTorch (1 thread, f32) | (reference) | ${n && py ? fmtX(n.median / py.median) : torchPython ? '–' : TORCH_MISSING} | |`);
  }
  P();

  const lt = info('native', 'w4_layer_times');
  if (lt && lt.layers) {
    P(`## Where a W4 batch goes, natively (ms per batch of ${lt.batch}, each layer timed alone)`);
    P();
    P('Every layer\'s forward and backward run alone with the core\'s own layer functions on the activations and δ maps of a real batch ' +
      '(native_bench, `w4_layer_times`); the whole forward, backward and the Adam update below. The softmax is fused with the loss ' +
      '(no backward); conv1 computes no ∂L/∂x. Medians of quick repeats: the parts need not add up exactly on a loaded machine.');
    P();
    P('| layer | forward ms | backward ms | share of forward + backward |');
    P('|---|---|---|---|');
    const total = lt.layers.reduce((s, l) => s + l.forward_ms + (l.backward_ms || 0), 0);
    for (const l of lt.layers) {
      const both = l.forward_ms + (l.backward_ms || 0);
      P(`| ${l.layer} | ${l.forward_ms.toFixed(3)} | ${l.backward_ms === undefined ? '–' : l.backward_ms.toFixed(3)} | ${(100 * both / total).toFixed(1)} % |`);
    }
    const w = lt.whole;
    P(`| **whole stack** | ${w.forward_ms.toFixed(2)} | ${w.backward_ms.toFixed(2)} | Adam ${w.adam_ms.toFixed(3)} ms; one ImageSession.step(1) ${w.session_step_ms.toFixed(2)} ms (${fmtRate(lt.batch / (w.session_step_ms / 1000))} examples/s) |`);
    P();
  }

  P('## Accuracy after 8 epochs on the 8,000 / 2,000 split (fixed seeds)');
  P();
  const acc = systems['native-accuracy'];
  const pyAcc = info('pytorch', 'accuracy');
  P('| model | project, native ImageSession (f64) | PyTorch 1.13 (f32, 1 thread) | issue 13 (in-page, Chromium, 60 s) |');
  P('|---|---|---|---|');
  const cell = (r) => (r ? `${pct(r.test_accuracy)} (${r.seconds.toFixed(0)} s; per epoch ${r.per_epoch_test_accuracy.map((x) => (100 * x).toFixed(1)).join(', ')})` : null);
  const projectCell = (kind) => (acc && acc.failed ? `failed: ${acc.failed}` : cell(acc && acc[kind]) || 'not run');
  const torchCell = (kind) => (!torchPython ? TORCH_MISSING : systems.pytorch && systems.pytorch.failed ? `failed: ${systems.pytorch.failed}` : cell(pyAcc && pyAcc[kind]) || 'not run');
  P(`| W4 CNN | ${projectCell('cnn')} | ${torchCell('cnn')} | ≥ 97.5 % |`);
  P(`| MLP 784-128-10 relu | ${projectCell('mlp')} | ${torchCell('mlp')} | ≥ 94 % |`);
  P();
  P('Both train on the core\'s split (native_bench --export-split writes its indices, checked row by row against ImageSession\'s own sets; ' +
    'PyTorch reads them). What differs: PyTorch starts from its default Kaiming-uniform init and shuffles each epoch with its own generator; ' +
    'the project from its He-normal draws (init seed 1) and its (training seed, epoch) shuffle. Adam 1e-3, batch 32, no augmentation in both.' +
    (pyAcc ? ` PyTorch ${info('pytorch', 'version')} (Debian python3-torch), Python ${info('pytorch', 'python')}, BLAS ${info('pytorch', 'blas')} ` +
      '(Debian\'s torch runs its dense layers on the system BLAS: with only the reference libblas3 they are about 10× slower; `apt-get install libopenblas0-pthread`).' : ''));
  P();
}
