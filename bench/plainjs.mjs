// plainjs.mjs: the "what you get without wasm" baseline: W1, W2 and W3 written by hand in plain
// JavaScript with Float64Array and straightforward per-example loops (float64, like the core).
// Mini-batches accumulate per-example gradients, then one update; the same math as the core.
// Runs in Node (`node bench/plainjs.mjs --out FILE`) and in the browser bench page.
import { W1, W2, W3, rate, perCallMs, mulberry32, shuffle, gridPoints } from './common.mjs';

// ---- MLP -------------------------------------------------------------------------------------
// Layer l maps a[l-1] (n_in) to a[l] (n_out): z = W a + b, a = f(z); W is (n_out, n_in) row-major.
// Backward, with d[l] = dL/dz[l]:  dW += d aᵀ,  db += d,  d[l-1] = (Wᵀ d) ⊙ f'(z[l-1]).
class Mlp {
  constructor(sizes, acts, rnd) {
    this.sizes = sizes;
    this.acts = acts;  // acts[l] for l >= 1: 'tanh' | 'relu' | 'softmax'
    this.L = sizes.length - 1;
    const mk = (n) => new Float64Array(n);
    this.W = [null]; this.b = [null]; this.dW = [null]; this.db = [null];
    this.mW = [null]; this.vW = [null]; this.mb = [null]; this.vb = [null];
    this.a = [mk(sizes[0])]; this.d = [mk(sizes[0])];
    for (let l = 1; l <= this.L; l++) {
      const nIn = sizes[l - 1], nOut = sizes[l], limit = Math.sqrt(6 / (nIn + nOut));  // Glorot
      const W = mk(nIn * nOut);
      for (let i = 0; i < W.length; i++) W[i] = (2 * rnd() - 1) * limit;
      this.W.push(W); this.b.push(mk(nOut));
      this.dW.push(mk(nIn * nOut)); this.db.push(mk(nOut));
      this.mW.push(mk(nIn * nOut)); this.vW.push(mk(nIn * nOut)); this.mb.push(mk(nOut)); this.vb.push(mk(nOut));
      this.a.push(mk(nOut)); this.d.push(mk(nOut));
    }
    this.t = 0;
  }

  forward(x) {
    this.a[0].set(x);
    for (let l = 1; l <= this.L; l++) {
      const W = this.W[l], b = this.b[l], inp = this.a[l - 1], out = this.a[l];
      const nIn = this.sizes[l - 1], nOut = this.sizes[l], f = this.acts[l];
      for (let j = 0; j < nOut; j++) {
        let z = b[j];
        const row = j * nIn;
        for (let i = 0; i < nIn; i++) z += W[row + i] * inp[i];
        out[j] = f === 'tanh' ? Math.tanh(z) : f === 'relu' ? (z > 0 ? z : 0) : z;
      }
      if (f === 'softmax') {
        let max = -Infinity, sum = 0;
        for (let j = 0; j < nOut; j++) if (out[j] > max) max = out[j];
        for (let j = 0; j < nOut; j++) { out[j] = Math.exp(out[j] - max); sum += out[j]; }
        for (let j = 0; j < nOut; j++) out[j] /= sum;
      }
    }
    return this.a[this.L];
  }

  // target: an array of outputs (squared error with tanh output) or a class index (softmax CE).
  backward(target) {
    const L = this.L, y = this.a[L], dOut = this.d[L];
    if (this.acts[L] === 'softmax') {
      for (let j = 0; j < y.length; j++) dOut[j] = y[j] - (j === target ? 1 : 0);  // softmax + CE: dz = p - onehot
    } else {
      for (let j = 0; j < y.length; j++) dOut[j] = (y[j] - target[j]) * (1 - y[j] * y[j]);  // ½(y-t)², tanh
    }
    for (let l = L; l >= 1; l--) {
      const W = this.W[l], dW = this.dW[l], db = this.db[l], d = this.d[l], inp = this.a[l - 1];
      const nIn = this.sizes[l - 1], nOut = this.sizes[l];
      for (let j = 0; j < nOut; j++) {
        const dj = d[j], row = j * nIn;
        db[j] += dj;
        for (let i = 0; i < nIn; i++) dW[row + i] += dj * inp[i];
      }
      if (l === 1) break;
      const dIn = this.d[l - 1], f = this.acts[l - 1];
      dIn.fill(0);
      for (let j = 0; j < nOut; j++) {
        const dj = d[j], row = j * nIn;
        for (let i = 0; i < nIn; i++) dIn[i] += W[row + i] * dj;
      }
      for (let i = 0; i < nIn; i++) dIn[i] *= f === 'tanh' ? 1 - inp[i] * inp[i] : (inp[i] > 0 ? 1 : 0);
    }
  }

  sgd(lr, n) {
    const s = lr / n;  // the loss is the mean over the batch
    for (let l = 1; l <= this.L; l++) {
      for (const [P, G] of [[this.W[l], this.dW[l]], [this.b[l], this.db[l]]]) {
        for (let i = 0; i < P.length; i++) { P[i] -= s * G[i]; G[i] = 0; }
      }
    }
  }

  // Adam (D. P. Kingma & J. Ba, ICLR 2015), with bias correction.
  adam(lr, n, beta1 = 0.9, beta2 = 0.999, eps = 1e-8) {
    this.t++;
    const c1 = 1 - beta1 ** this.t, c2 = 1 - beta2 ** this.t;
    for (let l = 1; l <= this.L; l++) {
      for (const [P, G, M, V] of [[this.W[l], this.dW[l], this.mW[l], this.vW[l]], [this.b[l], this.db[l], this.mb[l], this.vb[l]]]) {
        for (let i = 0; i < P.length; i++) {
          const g = G[i] / n;
          G[i] = 0;
          M[i] = beta1 * M[i] + (1 - beta1) * g;
          V[i] = beta2 * V[i] + (1 - beta2) * g * g;
          P[i] -= (lr * (M[i] / c1)) / (Math.sqrt(V[i] / c2) + eps);
        }
      }
    }
  }
}

// ---- Elman RNN -------------------------------------------------------------------------------
// h_t = tanh(Wx x_t + Wh h_{t-1} + b), y_t = Wy·h_t + by, loss Σ_t ½(y_t - target_t)² / (T·B).
// BPTT: dh_t = Wy dy_t + Whᵀ da_{t+1},  da_t = dh_t ⊙ (1 - h_t²).
class Elman {
  constructor(H, T, rnd) {
    this.H = H; this.T = T;
    const u = (n, s) => { const a = new Float64Array(n); for (let i = 0; i < n; i++) a[i] = (2 * rnd() - 1) * s; return a; };
    this.Wx = u(H, Math.sqrt(6 / (1 + H))); this.Wh = u(H * H, 1 / Math.sqrt(H)); this.b = new Float64Array(H);
    this.Wy = u(H, Math.sqrt(6 / (H + 1))); this.by = 0;
    this.dWx = new Float64Array(H); this.dWh = new Float64Array(H * H); this.db = new Float64Array(H);
    this.dWy = new Float64Array(H); this.dby = 0;
    this.h = new Float64Array((T + 1) * H);  // h[0] = h_{-1} = 0, h[t+1] = h_t
    this.dy = new Float64Array(T);
    this.carry = new Float64Array(H); this.da = new Float64Array(H);
  }

  // One sequence s (T+1 values: inputs s[0..T), targets s[1..T]); adds to the gradients.
  sequence(s, scale) {
    const { H, T, h, Wx, Wh, b, Wy } = this;
    h.fill(0, 0, H);
    let loss = 0;
    for (let t = 0; t < T; t++) {
      const prev = t * H, cur = prev + H, x = s[t];
      for (let i = 0; i < H; i++) {
        let z = b[i] + Wx[i] * x;
        const row = i * H;
        for (let j = 0; j < H; j++) z += Wh[row + j] * h[prev + j];
        h[cur + i] = Math.tanh(z);
      }
      let y = this.by;
      for (let i = 0; i < H; i++) y += Wy[i] * h[cur + i];
      const e = y - s[t + 1];
      this.dy[t] = e * scale;
      loss += 0.5 * e * e;
    }
    const carry = this.carry, da = this.da;
    carry.fill(0);
    for (let t = T - 1; t >= 0; t--) {
      const prev = t * H, cur = prev + H, dy = this.dy[t], x = s[t];
      this.dby += dy;
      for (let i = 0; i < H; i++) {
        const hi = h[cur + i];
        this.dWy[i] += dy * hi;
        da[i] = (Wy[i] * dy + carry[i]) * (1 - hi * hi);
      }
      carry.fill(0);
      for (let i = 0; i < H; i++) {
        const g = da[i], row = i * H;
        this.db[i] += g;
        this.dWx[i] += g * x;
        for (let j = 0; j < H; j++) {
          this.dWh[row + j] += g * h[prev + j];
          carry[j] += Wh[row + j] * g;
        }
      }
    }
    return loss * scale;
  }

  sgd(lr) {
    for (const [P, G] of [[this.Wx, this.dWx], [this.Wh, this.dWh], [this.b, this.db], [this.Wy, this.dWy]]) {
      for (let i = 0; i < P.length; i++) { P[i] -= lr * G[i]; G[i] = 0; }
    }
    this.by -= lr * this.dby; this.dby = 0;
  }
}

// ---- the workloads ---------------------------------------------------------------------------

/** Runs W1 (train + grid), W2 and W3 on `data` (bench/data.mjs) with timing options `opts`. */
export async function runPlainJs(data, opts, log = () => {}) {
  const results = {};
  const info = {};
  const rnd = mulberry32(7);

  // W1
  {
    const net = new Mlp([2, ...W1.hidden, 1], [null, 'tanh', 'tanh', 'tanh'], rnd);
    const X = data.w1.x.map((p) => Float64Array.from(p)), Y = data.w1.y.map((v) => [v]);
    const N = X.length, B = W1.batch, order = Array.from({ length: N }, (_, i) => i);
    const epoch = () => {
      shuffle(order, rnd);
      for (let s = 0; s < N; s += B) {
        const e = Math.min(N, s + B);
        for (let i = s; i < e; i++) { net.forward(X[order[i]]); net.backward(Y[order[i]]); }
        net.sgd(W1.lr, e - s);
      }
      return N;
    };
    log('plainjs W1');
    results.w1_train = await rate(() => { for (let k = 0; k < 20; k++) epoch(); return 20 * N; }, opts, 'examples/s');
    let correct = 0;
    for (let i = 0; i < N; i++) correct += (net.forward(X[i])[0] > 0 ? 1 : -1) === data.w1.y[i];
    info.w1_train_accuracy_after = correct / N;
    // Grid: every node's output, node-major like the project's gridNeurons (inputs first).
    const xy = gridPoints(), P = W1.grid * W1.grid;
    const nodes = 2 + W1.hidden[0] + W1.hidden[1] + 1, out = new Float64Array(nodes * P), pt = new Float64Array(2);
    log('plainjs W1 grid');
    results.w1_grid = await perCallMs(() => {
      for (let p = 0; p < P; p++) {
        pt[0] = xy[2 * p]; pt[1] = xy[2 * p + 1];
        net.forward(pt);
        let node = 0;
        for (let l = 0; l <= net.L; l++) {
          const a = net.a[l];
          for (let j = 0; j < a.length; j++) out[(node + j) * P + p] = a[j];
          node += a.length;
        }
      }
    }, opts);
  }

  // W2
  {
    const net = new Mlp([W2.inputs, ...W2.hidden, W2.classes], [null, 'relu', 'relu', 'softmax'], rnd);
    const X = data.w2.x.map((r) => Float64Array.from(r)), Y = data.w2.y;
    const N = X.length, B = W2.batch, order = Array.from({ length: N }, (_, i) => i);
    const epoch = () => {
      shuffle(order, rnd);
      for (let s = 0; s < N; s += B) {
        const e = Math.min(N, s + B);
        for (let i = s; i < e; i++) { net.forward(X[order[i]]); net.backward(Y[order[i]]); }
        net.adam(W2.lr, e - s);
      }
      return N;
    };
    log('plainjs W2');
    results.w2_train = await rate(epoch, opts, 'examples/s');
  }

  // W3
  {
    const net = new Elman(W3.hidden, W3.T, rnd);
    const S = data.w3.seqs.map((q) => Float64Array.from(q)), B = W3.batch;
    let loss = 0;
    const pass = () => {
      for (let s = 0; s + B <= S.length; s += B) {
        loss = 0;
        for (let i = s; i < s + B; i++) loss += net.sequence(S[i], 1 / (B * W3.T));
        net.sgd(W3.lr);
      }
      return S.length;
    };
    log('plainjs W3');
    results.w3_train = await rate(pass, opts, 'sequences/s');
    info.w3_loss_after = loss;
  }
  return { results, info };
}

export const PLAINJS_NOTES = {
  float: 'float64',
  notes: 'hand-written, per-example loops, mini-batch gradient accumulation; grid keeps every neuron (per-point forward)',
};

// Node entry: node bench/plainjs.mjs [--quick] [--out FILE]
if (typeof process !== 'undefined' && process.argv && process.argv[1] &&
    import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  const { loadData } = await import('./data.mjs');
  const { writeResult, cliOptions } = await import('./node_util.mjs');
  const { quick, out, repeats } = cliOptions();
  const { timingOptions } = await import('./common.mjs');
  const r = await runPlainJs(loadData(), timingOptions(quick, repeats), (m) => console.error(m));
  writeResult(out, { system: 'plainjs-node', ...PLAINJS_NOTES, ...r });
}
