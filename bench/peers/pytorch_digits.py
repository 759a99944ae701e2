#!/usr/bin/env python3
"""pytorch_digits.py: the PyTorch reference for W4 and W5 (bench/README.md), run by bench/run.mjs
only when `import torch` works (Debian: apt-get install python3-torch, PyTorch 1.13). A bench
reference, never a dependency of the project.

  W4  the CNN conv(1->8, 5x5, pad 2), relu, max_pool 2x2, conv(8->16, 5x5, pad 2), relu, max_pool,
      flatten, linear(784->10); cross-entropy on the logits (softmax fused); Adam 1e-3, batch 32
  W5  the autoencoder 784-128-2-128-784: relu, linear code, sigmoid output fused into the
      per-pixel binary cross-entropy (BCEWithLogits, summed over the pixels, mean over the batch,
      as the project's sigmoid_ce); Adam 1e-3, batch 32
  accuracy  the W4 CNN and the MLP 784-128-10 (relu) trained `--epochs` epochs (8), test accuracy

float32, torch.set_num_threads(1) (and OPENBLAS_NUM_THREADS=1). Debian's torch does its dense
layers through the system BLAS: with only the reference libblas3 installed they are about 10x
slower; install libopenblas0-pthread for a fair reference (info.blas says which one ran). Data: web/data/mnist-10k.bpimg (BPIMG1, see
scripts/build-digits-data.mjs) split exactly as the core's ImageSession splits it: the indices
of bench/results/data/mnist-split.json, which native_bench --export-split writes (checked there
against the session's own sets). The 8,000 training digits are visited in a fresh shuffle each
epoch (torch.Generator seeded 1), not in the core's batch order; weights start from PyTorch's
default init (Kaiming-uniform, seed 1), not the project's He-normal draws.

Timing: the procedure of bench/common.mjs: warm up (at least 2 chunks and warmup_ms), calibrate
a repeat to at least target_ms, time `repeats` repeats, median and min / max.

Usage: python3 bench/peers/pytorch_digits.py --mnist FILE --split FILE [--quick] [--repeats N]
       [--epochs 8] [--out FILE]
"""
import argparse
import json
import os
import platform
import struct
import time

# One thread everywhere: OpenBLAS (torch's dense layers on Debian) keeps its own thread pool.
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
os.environ.setdefault('OMP_NUM_THREADS', '1')

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402


def blas_library():
    """Debian's torch uses the system BLAS (BLAS_INFO=generic): which one libblas.so.3 is."""
    link = '/etc/alternatives/libblas.so.3-x86_64-linux-gnu'
    return os.path.realpath(link) if os.path.exists(link) else 'unknown'


def load_split(mnist_path, split_path):
    raw = open(mnist_path, 'rb').read()
    if raw[:6] != b'BPIMG1':
        raise ValueError(f'{mnist_path}: not a BPIMG1 file')
    pixel_max = raw[6]
    n, rows, cols = struct.unpack_from('<IHH', raw, 8)
    if len(raw) != 16 + n + n * rows * cols:
        raise ValueError(f'{mnist_path}: {len(raw)} bytes, expected {16 + n + n * rows * cols}')
    labels = np.frombuffer(raw, np.uint8, n, 16).astype(np.int64)
    pixels = np.frombuffer(raw, np.uint8, n * rows * cols, 16 + n).reshape(n, 1, rows, cols)
    split = json.load(open(split_path))
    if split['images'] != n:
        raise ValueError(f'split for {split["images"]} images, file has {n}')

    def take(idx):
        idx = np.asarray(idx)
        x = torch.from_numpy((pixels[idx].astype(np.float64) / pixel_max).astype(np.float32))
        return x, torch.from_numpy(labels[idx])
    return take(split['train']), take(split['test']), rows, cols


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 7 * 7, 10))


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def autoencoder():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 2),
                         nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 784))


def rate(chunk, repeats, target_ms, warmup_ms):
    """chunk() trains some batches and returns the examples; the figure is examples/s."""
    t0 = time.perf_counter()
    warm = 0
    while warm < 2 or (time.perf_counter() - t0) * 1000 < warmup_ms:
        chunk()
        warm += 1
    per = (time.perf_counter() - t0) * 1000 / warm
    k = max(1, int(np.ceil(target_ms / per)))
    rates = []
    for _ in range(repeats):
        items = 0
        a = time.perf_counter()
        for _ in range(k):
            items += chunk()
        rates.append(items / (time.perf_counter() - a))
    s = sorted(rates)
    m = len(s)
    med = s[m // 2] if m % 2 else 0.5 * (s[m // 2 - 1] + s[m // 2])
    return {'median': med, 'min': s[0], 'max': s[-1], 'n': m, 'unit': 'examples/s', 'samples': rates,
            'chunks_per_repeat': k}


def trainer(model, loss_fn, x, t, batch, count):
    """A chunk of `count` Adam steps over pre-sliced batches, going round the training set."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = [(x[s:s + batch], t[s:s + batch]) for s in range(0, len(x) - batch + 1, batch)]
    state = {'next': 0}

    def chunk():
        for _ in range(count):
            xb, tb = batches[state['next']]
            state['next'] = (state['next'] + 1) % len(batches)
            opt.zero_grad()
            loss = loss_fn(model(xb), tb)
            loss.backward()
            opt.step()
        return count * batch
    return chunk


def bce_sum(logits, target):  # per-pixel BCE summed over the pixels, mean over the batch
    return nn.functional.binary_cross_entropy_with_logits(logits, target, reduction='sum') / len(target)


def accuracy_run(make, train, test, epochs, batch=32):
    torch.manual_seed(1)
    model = make()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(1)
    (x, y), (xt, yt) = train, test
    per_epoch = []
    t0 = time.perf_counter()
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(x), generator=gen)
        for s in range(0, len(x), batch):
            i = order[s:s + batch]
            opt.zero_grad()
            nn.functional.cross_entropy(model(x[i]), y[i]).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            per_epoch.append(float((model(xt).argmax(1) == yt).float().mean()))
    return {'epochs': epochs, 'test_accuracy': per_epoch[-1], 'per_epoch_test_accuracy': per_epoch,
            'train_count': len(x), 'test_count': len(xt), 'seconds': time.perf_counter() - t0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mnist', required=True)
    ap.add_argument('--split', required=True)
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--repeats', type=int, default=0)
    ap.add_argument('--epochs', type=int, default=8)
    ap.add_argument('--out')
    a = ap.parse_args()
    quick = a.quick or os.environ.get('BENCH_QUICK') == '1'
    repeats, target_ms, warmup_ms = (3, 150, 200) if quick else (5, 300, 500)
    if a.repeats > 0:
        repeats = a.repeats
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float32)
    train, test, rows, cols = load_split(a.mnist, a.split)
    results, errors = {}, {}
    info = {'version': torch.__version__, 'threads': torch.get_num_threads(), 'python': platform.python_version(),
            'mkldnn': torch.backends.mkldnn.is_available(), 'blas': blas_library()}
    x, y = train
    try:
        torch.manual_seed(1)
        results['w4_train'] = rate(trainer(cnn(), nn.functional.cross_entropy, x, y, 32, 10), repeats, target_ms, warmup_ms)
    except Exception as e:  # noqa: BLE001 - reported in the table
        errors['w4'] = str(e)
    try:
        torch.manual_seed(1)
        flat = x.reshape(len(x), -1)
        results['w5_train'] = rate(trainer(autoencoder(), bce_sum, flat, flat, 32, 10), repeats, target_ms, warmup_ms)
    except Exception as e:  # noqa: BLE001
        errors['w5'] = str(e)
    if a.epochs > 0:
        info['accuracy'] = {'cnn': accuracy_run(cnn, train, test, a.epochs), 'mlp': accuracy_run(mlp, train, test, a.epochs)}
    out = {'system': 'pytorch', 'float': 'float32', 'results': results, 'errors': errors, 'info': info,
           'loadavg': list(os.getloadavg()), 'notes': 'float32, 1 thread, Adam, batch 32'}
    text = json.dumps(out, indent=1)
    if a.out:
        open(a.out, 'w').write(text)
    else:
        print(text)


if __name__ == '__main__':
    main()
