// digits/engine-adapter.js: every use of the digits wasm API (wasm/bindings_digits.cpp) on the
// worker's side. One DigitsAdapter holds the ImageSession, the page's current drawing and the
// last evaluation, and makes the frames the worker posts. Views returned by the module are valid
// only until the next call into it: everything that leaves here is a copy (.slice()).

const EVAL_SHARE = 0.2;      // evaluations take at most this share of the time while playing
const MIN_EVAL_MS = 400;     // ... and happen at most this often
const TRAIN_EVAL = 1000;     // training images measured for the training accuracy
const GALLERY = 24;          // misclassified digits shown

export class DigitsAdapter {
  constructor(bp) {
    this.bp = bp;
    this.session = null;
    this.input = null;           // Float64Array R·C, the page's drawing, or null
    this.inputVersion = 0;
    this.lastEval = null;        // { seq, step, figures, confusion, gallery, misclassified }
    this.evalSeq = 0;
    this.evalMs = 0;
    this.evalAt = -Infinity;
    this.sentEval = 0;           // the evaluation the last frame carried
    this.sentPrediction = '';    // (step, input) of the last prediction sent
    this.configVersion = 0;
  }

  /** A new session from a config (throws, changing nothing, when the engine refuses it). */
  build(config, bytes) {
    this.replace(new this.bp.ImageSession(config, bytes), 0);
  }

  /** A session from a model file, all or nothing. */
  load(text, bytes) {
    let step = 0;
    try {
      step = Number(JSON.parse(text).progress.step) || 0;
    } catch { /* the engine says what is wrong with the file */ }
    this.replace(this.bp.loadImageModel(text, bytes), step);
  }

  replace(s, step) {
    this.current = { step, epoch: 0, examples: 0, trainLoss: NaN, learningRate: NaN, clipCount: 0, diverged: false, message: '' };
    if (this.session) this.session.delete();
    this.session = s;
    const cfg = s.config();
    this.kind = cfg.model.kind;
    this.shape = s.imageShape();
    this.labels = s.testLabels().slice();
    if (this.input && this.input.length !== this.shape.rows * this.shape.cols) this.input = null;
    this.lastEval = null;
    this.sentPrediction = '';
    this.configVersion++;
  }

  dispose() {
    if (this.session) this.session.delete();
    this.session = null;
  }

  describe() {
    const s = this.session;
    return {
      config: s.config(), kind: this.kind, image: { ...this.shape }, layers: s.layers(), params: s.params(),
      testCount: s.testCount(), trainCount: s.trainCount(), stepsPerEpoch: s.stepsPerEpoch(),
      codeSize: this.kind === 'autoencoder' ? s.codeSize() : 0, configVersion: this.configVersion,
    };
  }

  step(n) {
    this.current = plainStats(this.session.step(n));
    return this.current;
  }

  /** The stats of the last step(n) call (a new session: step 0 or the file's step). */
  stats() {
    return { ...this.current };
  }

  reset() {
    this.session.reset();
    this.current = { ...this.current, step: 0, epoch: 0, examples: 0, trainLoss: NaN, clipCount: 0, diverged: false, message: '' };
    this.lastEval = null;
    this.sentPrediction = '';
  }

  setInput(pixels) {
    const n = this.shape.rows * this.shape.cols;
    this.input = pixels && pixels.length === n ? Float64Array.from(pixels) : null;
    this.inputVersion++;
  }

  /** The network's answer for the drawing: { value, buffers } or null (no drawing). */
  prediction() {
    if (!this.input) return null;
    const s = this.session;
    if (this.kind === 'autoencoder') {
      const recon = s.reconstruct(this.input).slice();
      return { value: { kind: this.kind, recon, input: this.input.slice() }, buffers: [recon.buffer] };
    }
    const probs = s.predict(this.input).slice();
    let cls = 0;
    for (let k = 1; k < probs.length; k++) if (probs[k] > probs[cls]) cls = k;
    const saliency = s.saliency(this.input, cls).slice();
    return { value: { kind: this.kind, probs, cls, saliency }, buffers: [probs.buffer, saliency.buffer] };
  }

  /** Test and training figures, the confusion matrix and the gallery, measured now. */
  evaluateNow(now, clock) {
    const s = this.session;
    const t0 = clock.now();
    const test = plainEval(s.evaluate());
    const train = plainEval(s.evaluateTrain(Math.min(TRAIN_EVAL, s.trainCount())));
    const out = { seq: ++this.evalSeq, step: test.step, figures: { step: test.step, test, train }, confusion: null, gallery: null, misclassified: null };
    if (this.kind !== 'autoencoder') {
      out.confusion = s.confusion().slice();
      const mis = s.misclassified(s.testCount());
      out.misclassified = mis.map((m) => ({ index: m.index, label: m.label, top: Array.from(m.top), probability: Array.from(m.probability) }));
      out.gallery = out.misclassified.slice(0, GALLERY).map((m) => ({ ...m, pixels: s.testImage(m.index).slice() }));
    } else {
      out.gallery = this.reconstructions(8);
    }
    this.lastEval = out;
    this.evalMs = clock.now() - t0;
    this.evalAt = now;
  }

  /** The first n test digits and their reconstructions (autoencoder). */
  reconstructions(n) {
    const s = this.session;
    const out = [];
    for (let i = 0; i < Math.min(n, s.testCount()); i++) {
      const pixels = s.testImage(i).slice();
      out.push({ index: i, label: this.labels[i], pixels, recon: s.reconstruct(pixels).slice() });
    }
    return out;
  }

  evalDue(playing, now, step) {
    if (!this.lastEval) return true;
    if (this.lastEval.step === step) return false;
    if (!playing) return true;
    return now - this.evalAt >= Math.max(MIN_EVAL_MS, this.evalMs / EVAL_SHARE);
  }

  /** The frame's contents (the worker adds seq, playing, stats, rate). */
  frame({ playing, now, clock }) {
    const transfer = [];
    const frame = { kind: this.kind, image: { ...this.shape }, configVersion: this.configVersion, evalSeq: 0, eval: null, prediction: null };
    const { step } = this.current;
    if (this.evalDue(playing, now, step)) this.evaluateNow(now, clock);
    const ev = this.lastEval;
    frame.evalSeq = ev.seq;
    frame.figures = ev.figures;
    if (ev.seq !== this.sentEval) {
      // the large parts go once per evaluation, as copies the page keeps
      frame.eval = {
        confusion: ev.confusion ? ev.confusion.slice() : null,
        gallery: ev.gallery.map((g) => ({ ...g, pixels: g.pixels.slice(), recon: g.recon ? g.recon.slice() : undefined })),
      };
      if (frame.eval.confusion) transfer.push(frame.eval.confusion.buffer);
      for (const g of frame.eval.gallery) transfer.push(g.pixels.buffer, ...(g.recon ? [g.recon.buffer] : []));
      this.sentEval = ev.seq;
    }
    const key = `${this.configVersion}:${step}:${this.inputVersion}`;
    if (this.input && key !== this.sentPrediction) {
      const p = this.prediction();
      frame.prediction = p.value;
      transfer.push(...p.buffers);
      this.sentPrediction = key;
    }
    return { frame, transfer };
  }

  /** Up to max test digits of the confusion cell (true t, predicted p), from the last evaluation. */
  cellDigits(t, p, max) {
    if (!this.lastEval || !this.lastEval.misclassified) throw new Error('no evaluation yet');
    const mis = this.lastEval.misclassified;
    let indices;
    if (t === p) {
      const wrong = new Set(mis.map((m) => m.index));
      indices = [];
      for (let i = 0; i < this.labels.length; i++) if (this.labels[i] === t && !wrong.has(i)) indices.push(i);
    } else {
      indices = mis.filter((m) => m.label === t && m.top[0] === p).map((m) => m.index);
    }
    const count = indices.length;
    indices = indices.slice(0, max);
    const n = this.shape.rows * this.shape.cols;
    const pixels = new Float64Array(indices.length * n);
    indices.forEach((idx, k) => pixels.set(this.session.testImage(idx), k * n));
    return { t, p, count, indices, pixels, image: { ...this.shape } };
  }

  /** count test digits with the page's outputs for them (the PyTorch script's check). */
  samples(count) {
    const s = this.session;
    const inputs = [];
    const outputs = [];
    for (let i = 0; i < Math.min(count, s.testCount()); i++) {
      const x = s.testImage(i).slice();
      inputs.push(x);
      outputs.push(this.kind === 'autoencoder' ? s.reconstruct(x).slice() : s.predict(x).slice());
    }
    return { inputs, outputs };
  }
}

function plainStats(s) {
  return {
    step: s.step, epoch: s.epoch, examples: s.examples, trainLoss: s.trainLoss, learningRate: s.learningRate,
    clipCount: s.clipCount, diverged: !!s.diverged, message: String(s.message || ''),
  };
}

function plainEval(e) {
  return { step: e.step, loss: e.loss, accuracy: e.accuracy, reconstructionMse: e.reconstructionMse, count: e.count };
}
