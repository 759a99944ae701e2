// explain-model.js: what explain mode shows at each step, as plain data (no DOM, no engine;
// tested in Node by tests/node/explain-model.test.mjs).
//
// The numbers all come from the core: a *trace* (Session.explain / explainNextBatch, see
// docs/wasm-api.md) holds every z, a, δ = ∂L/∂z, ∂L/∂w and the weights before and after the
// optimizer's update; a *chain rule* (Session.chainRule) holds δ_j and a_i for one weight, their
// sum, and the core's numeric gradient. This module only picks which of those numbers belong on
// which node or link at each step, and formats them. The few figures it derives are marked
// `derived: true` and are shown as such: Δw = W_after − W (the documented definition) and the
// error a − t. In the chain-rule path, f'(z_j) and Σ_k w_jk δ_k = ∂L/∂a_j come from the core's
// trace (layers[l].slope, layers[l].da); tests check that their product is the core's δ_j.
//
// One backprop cycle for a network of L weight layers (l = 0 .. L−1, the last is the output):
//   forward   step l = −1 (the inputs), 0, ..., L−1: z_l = a_{l−1} W_l + b_l, a_l = f_l(z_l)
//   loss      L = loss(a_{L−1}, t) (+ penalty)
//   backward  step l = L−1, ..., 0: δ_l = ∂L/∂z_l, ∂L/∂W_l = a_{l−1}ᵀ δ_l
//   update    W ← W + Δw, Δw from the optimizer (SGD: Δw = −η ∂L/∂w)

export const PHASES = [
  { id: 'forward', number: 1, title: 'Forward' },
  { id: 'loss', number: 2, title: 'Loss' },
  { id: 'backward', number: 3, title: 'Backward' },
  { id: 'update', number: 4, title: 'Update' },
];

/** Slope of leaky ReLU for negative z (core/activations.cpp, kLeakyReluSlope). */
export const LEAKY_SLOPE = 0.01;

// ---- numbers ---------------------------------------------------------------------------------

const SUPERSCRIPT = { '-': '⁻', '+': '', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/**
 * A number for people: 4 significant digits (trailing zeros dropped), a real minus sign, and
 * 3 digits × a power of ten outside 0.001 .. 10 000.
 *   fmtNum(0.1588283) -> "0.1588"   fmtNum(-2) -> "−2"   fmtNum(3.4e-11) -> "3.40×10⁻¹¹"
 */
export function fmtNum(v, digits = 4) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  let s;
  if (a >= 1e-3 && a < 1e4) {
    s = v.toPrecision(digits);
    if (s.includes('e')) s = fmtSci(v, digits - 1);   // 9999.96 rounds to 1.000e+4
    else if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  } else {
    s = fmtSci(v, digits - 1);
  }
  return s.replace(/-/g, '−');
}

/** Scientific form with `digits` significant digits: 3.40×10⁻¹¹. */
export function fmtSci(v, digits = 3) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const [m, e] = v.toExponential(Math.max(0, digits - 1)).split('e');
  const exp = e === '+0' ? '' : `×10${[...e].map((c) => SUPERSCRIPT[c]).join('')}`;
  return `${m}${exp}`.replace(/-/g, '−');
}

// ---- the steps of one cycle ------------------------------------------------------------------

/**
 * The steps of one cycle for L weight layers, in order: [{ phase, layer }].
 * forward: layer −1 (inputs) .. L−1; loss; backward: L−1 .. 0; update.
 */
export function cycleSteps(L) {
  const steps = [];
  for (let l = -1; l < L; l++) steps.push({ phase: 'forward', layer: l });
  steps.push({ phase: 'loss', layer: L - 1 });
  for (let l = L - 1; l >= 0; l--) steps.push({ phase: 'backward', layer: l });
  steps.push({ phase: 'update', layer: -1 });
  return steps;
}

/** Index of the first step of a phase. */
export function phaseStart(steps, phase) {
  return Math.max(0, steps.findIndex((s) => s.phase === phase));
}

/** Sizes of a trace: F inputs, per layer H_l, K outputs, L layers. */
export function traceShape(trace) {
  const sizes = trace.layers.map((l) => l.b.length);
  return { N: trace.N, F: trace.inputs.length / trace.N, sizes, L: sizes.length, K: sizes[sizes.length - 1] };
}

/** Fan-in of weight layer l (rows of W_l). */
function fanIn(trace, l) {
  return trace.layers[l].W.length / trace.layers[l].b.length;
}

/** Value of (n, j) in an N × H row-major array. */
function at(arr, H, n, j) {
  return arr[n * H + j];
}

/** Δw = W_after − W for layer l (the documented definition; one subtraction per weight). */
export function deltaW(trace, l) {
  const { W, WAfter } = trace.layers[l];
  const out = new Float64Array(W.length);
  for (let k = 0; k < W.length; k++) out[k] = WAfter[k] - W[k];
  return out;
}

/** Δb = b_after − b for layer l. */
export function deltaB(trace, l) {
  const { b, bAfter } = trace.layers[l];
  const out = new Float64Array(b.length);
  for (let k = 0; k < b.length; k++) out[k] = bAfter[k] - b[k];
  return out;
}

/**
 * What each node shows at a step, for example n of the trace.
 * Nodes are numbered as the engine numbers them: the F input features first, then layer 0's
 * neurons, ..., the output neurons last.
 * @returns {Array<{ lines: Array<{sym, value, derived?}>, state: 'lit'|'done'|'dim' }>}
 */
export function nodeNotes(trace, step, n = 0) {
  const { F, sizes, L } = traceShape(trace);
  const notes = [];
  const inputState = step.phase === 'forward' && step.layer === -1 ? 'lit' : 'done';
  for (let f = 0; f < F; f++) {
    notes.push({ lines: [{ sym: 'x', value: at(trace.inputs, F, n, f) }], state: inputState });
  }
  for (let l = 0; l < L; l++) {
    const H = sizes[l];
    const layer = trace.layers[l];
    const isOut = l === L - 1;
    const db = step.phase === 'update' ? deltaB(trace, l) : null;
    for (let j = 0; j < H; j++) {
      let lines = [];
      let state = 'done';
      if (step.phase === 'forward') {
        if (l <= step.layer) {
          lines = [{ sym: 'z', value: at(layer.z, H, n, j) }, { sym: 'a', value: at(layer.a, H, n, j) }];
          state = l === step.layer ? 'lit' : 'done';
        } else {
          state = 'dim';
        }
      } else if (step.phase === 'loss') {
        lines = [{ sym: 'a', value: at(layer.a, H, n, j) }];
        if (isOut) lines.push({ sym: 't', value: at(trace.target, H, n, j) });
        state = isOut ? 'lit' : 'done';
      } else if (step.phase === 'backward') {
        if (l >= step.layer) {
          lines = [{ sym: 'δ', value: at(layer.delta, H, n, j) }];
          state = l === step.layer ? 'lit' : 'done';
        } else {
          lines = [{ sym: 'a', value: at(layer.a, H, n, j) }];
          state = 'dim';
        }
      } else if (step.phase === 'update') {
        lines = [{ sym: 'Δb', value: db[j], derived: true }];
        state = 'lit';
      }
      notes.push({ lines, state });
    }
  }
  return notes;
}

/**
 * What each weight layer's links show at a step:
 * [{ kind: 'w' | 'grad' | 'dw', values: Float64Array (fan-in × H, row-major), state }].
 * kind w: the weights; grad: ∂L/∂w (summed over the batch, penalty included); dw: Δw.
 */
export function linkValues(trace, step) {
  const { L } = traceShape(trace);
  const out = [];
  for (let l = 0; l < L; l++) {
    const layer = trace.layers[l];
    if (step.phase === 'forward') {
      out.push({ kind: 'w', values: layer.W, state: l < step.layer ? 'done' : l === step.layer ? 'lit' : 'dim' });
    } else if (step.phase === 'loss') {
      out.push({ kind: 'w', values: layer.W, state: 'done' });
    } else if (step.phase === 'backward') {
      if (l >= step.layer) out.push({ kind: 'grad', values: layer.dW, state: l === step.layer ? 'lit' : 'done' });
      else out.push({ kind: 'w', values: layer.W, state: 'dim' });
    } else {
      out.push({ kind: 'dw', values: deltaW(trace, l), state: 'lit' });
    }
  }
  return out;
}

/** Which link labels to write: those of lit layers, and of finished layers while going back. */
export function labelledLayers(step, L) {
  const show = [];
  for (let l = 0; l < L; l++) {
    if (step.phase === 'forward') show.push(l === step.layer);
    else if (step.phase === 'backward') show.push(l >= step.layer);
    else show.push(step.phase === 'update');
  }
  return show;
}

// ---- derivatives, as the core defines them ------------------------------------------------------

/**
 * f'(z) of an activation from the core's z and a: { value, formula, note }. `formula` is how
 * the value follows from a (tanh, sigmoid), or null where f' is a constant piece (ReLU, leaky
 * ReLU, linear) and `note` says which piece.
 */
export function activationSlope(activation, z, a) {
  const side = z > 0 ? 'z > 0' : 'z ≤ 0';
  switch (activation) {
    case 'tanh': return { value: 1 - a * a, formula: '1 − a²', note: '' };
    case 'sigmoid': return { value: a * (1 - a), formula: 'a (1 − a)', note: '' };
    case 'relu': return { value: z > 0 ? 1 : 0, formula: null, note: side };
    case 'leaky_relu': return { value: z > 0 ? 1 : LEAKY_SLOPE, formula: null, note: side };
    default: return { value: 1, formula: null, note: 'linear' };
  }
}

// The losses fused with their output activation: δ at the output is simply (a − t) / N.
const FUSED_LOSSES = {
  softmax_ce: { name: 'softmax + cross-entropy', formula: 'L = −(1/N) Σₙ log pₙ(true class)', delta: 'δ = (p − t) / N' },
  sigmoid_ce: { name: 'sigmoid + cross-entropy', formula: 'L = −(1/N) Σₙ [t log a + (1 − t) log(1 − a)]', delta: 'δ = (a − t) / N' },
};

/** How the loss turns into the output's δ, in words and symbols, for a layout's loss. */
export function lossInfo(layout) {
  const act = layout.output.activation;
  if (Object.hasOwn(FUSED_LOSSES, layout.loss)) return { ...FUSED_LOSSES[layout.loss], fused: true };
  return {
    name: `${act === 'linear' ? 'linear' : act} output + squared error`,
    formula: 'L = (1/N) Σₙ ½ (a − t)²',
    delta: act === 'linear' ? 'δ = (a − t) / N' : "δ = f'(z) (a − t) / N",
    fused: false,
  };
}

// ---- the chain rule for one weight -------------------------------------------------------------

/**
 * The chain-rule panel's content for weight W_l(i, j), from the trace and the core's chainRule
 * result `c`, for example n:
 *   sum:  ∂L/∂w = Σ_n δ_j · a_i  (+ penalty gradient) = analytic, beside the core's numeric one
 *   path: from the loss back to δ_j: the output's δ, the δ of each layer in between, and δ_j
 *         written as f'(z_j) · Σ_k w_jk δ_k with the numbers (for example n).
 * @param {object} layout  { output: {activation}, hidden: [{activation}], loss }
 */
export function chainRulePath(trace, layout, c, n = 0) {
  const { sizes, L, K } = traceShape(trace);
  const l = c.layer;
  const i = c.i;
  const j = c.j;
  const acts = [...layout.hidden.map((h) => h.activation), layout.output.activation];
  const H = sizes[l];
  const w = trace.layers[l].W[i * H + j];
  const terms = Array.from(c.deltaJ, (d, m) => ({ n: m, delta: d, a: c.aI[m] }));
  const info = lossInfo(layout);
  const out = trace.layers[L - 1];
  const outputs = [];
  for (let k = 0; k < K; k++) {
    const a = at(out.a, K, n, k);
    const t = at(trace.target, K, n, k);
    outputs.push({ k, a, t, error: a - t, delta: at(out.delta, K, n, k), onPath: l === L - 1 ? k === j : true });
  }
  const path = [{ kind: 'loss', loss: trace.loss, dataLoss: trace.dataLoss, penalty: trace.penalty }];
  path.push({ kind: 'output', layer: L - 1, loss: info, N: trace.N, outputs,
    slope: info.fused ? null : outputs.map((o) => activationSlope(acts[L - 1], at(out.z, K, n, o.k), o.a)) });
  for (let m = L - 2; m > l; m--) {
    const Hm = sizes[m];
    const deltas = [];
    for (let q = 0; q < Hm; q++) deltas.push(at(trace.layers[m].delta, Hm, n, q));
    path.push({ kind: 'layer', layer: m, activation: acts[m], deltas });
  }
  if (l < L - 1) {
    const next = trace.layers[l + 1];
    const Hn = sizes[l + 1];
    const z = at(trace.layers[l].z, H, n, j);
    const a = at(trace.layers[l].a, H, n, j);
    const nterms = [];
    for (let k = 0; k < Hn; k++) nterms.push({ k, w: next.W[j * Hn + k], delta: at(next.delta, Hn, n, k) });
    // Σ_k w_jk δ_k = ∂L/∂a_j and f'(z_j) are the core's (trace.layers[l].da, .slope); only the
    // formula text comes from activationSlope.
    const layer = trace.layers[l];
    const hasCore = layer.da && layer.da.length && layer.slope && layer.slope.length;
    const slope = activationSlope(acts[l], z, a);
    const sumValue = hasCore ? at(layer.da, H, n, j) : nterms.reduce((acc, t) => acc + t.w * t.delta, 0);
    const slopeValue = hasCore ? at(layer.slope, H, n, j) : slope.value;
    path.push({
      kind: 'neuron', layer: l, j, activation: acts[l], z, a, terms: nterms,
      sum: { value: sumValue, derived: !hasCore }, slope: { ...slope, value: slopeValue, derived: !hasCore },
      delta: at(layer.delta, H, n, j),
    });
  }
  return {
    layer: l, i, j, w, N: trace.N, n,
    terms,
    dataGradient: c.dataGradient,
    penaltyGradient: c.penaltyGradient,
    analytic: c.analytic,
    numeric: c.numeric,
    relError: c.relError,
    gradient: trace.layers[l].dW[i * H + j],
    path,
  };
}

/** The verdict on a relative error between an analytic and a numeric gradient. */
export function relErrorVerdict(e) {
  if (!Number.isFinite(e)) return { level: 'bad', text: 'not a number' };
  if (e < 1e-6) return { level: 'good', text: 'agree' };
  if (e < 1e-3) return { level: 'ok', text: 'close: a kink (ReLU at 0) or rounding on tiny gradients' };
  return { level: 'bad', text: 'disagree: a bug in backprop?' };
}

const SUBSCRIPT_DIGITS = '₀₁₂₃₄₅₆₇₈₉';
/** A whole number as subscript digits: 12 -> "₁₂". */
export function subscript(n) {
  return String(n).replace(/\d/g, (d) => SUBSCRIPT_DIGITS[Number(d)]);
}

// ---- the input Jacobian as a vector field --------------------------------------------------------

/**
 * Centres of a side × side grid over [−d, d]², row 0 at the top, as [x, y, ...].
 * (The worker sends these to Session.inputJacobian in one call.)
 */
export function jacobianGridPoints(side, domain = 6) {
  const xy = new Float64Array(side * side * 2);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const p = r * side + c;
      xy[2 * p] = -domain + (2 * domain * (c + 0.5)) / side;
      xy[2 * p + 1] = domain - (2 * domain * (r + 0.5)) / side;
    }
  }
  return xy;
}

/**
 * Arrows of ∂output_k/∂(x, y) at the grid points: [{ x, y, k, dx, dy, length, magnitude }].
 * Each arrow points along its gradient; the largest gradient of the field gets `maxLength`
 * plane units (by default 90% of a cell) and the others a length that grows with the
 * magnitude: linearly, or (options.sqrt, the default) as its square root, so that the
 * direction stays visible where the gradient is small. J is N × K × 2 as
 * Session.inputJacobian returns it (entry (n, k, d) at n·2K + 2k + d).
 */
export function jacobianArrows(J, points, K, options = {}) {
  const N = points.length / 2;
  const side = Math.round(Math.sqrt(N));
  const domain = options.domain ?? 6;
  const maxLength = options.maxLength ?? (0.9 * 2 * domain) / Math.max(1, side);
  let maxMag = 0;
  for (let p = 0; p < N; p++) {
    for (let k = 0; k < K; k++) {
      const gx = J[p * 2 * K + 2 * k];
      const gy = J[p * 2 * K + 2 * k + 1];
      const m = Math.hypot(gx, gy);
      if (Number.isFinite(m)) maxMag = Math.max(maxMag, m);
    }
  }
  const sqrt = options.sqrt ?? true;
  const arrows = [];
  for (let p = 0; p < N; p++) {
    for (let k = 0; k < K; k++) {
      const gx = J[p * 2 * K + 2 * k];
      const gy = J[p * 2 * K + 2 * k + 1];
      const m = Math.hypot(gx, gy);
      const rel = maxMag > 0 && Number.isFinite(m) ? m / maxMag : 0;
      const length = maxLength * (sqrt ? Math.sqrt(rel) : rel);
      const f = m > 0 ? length / m : 0;
      arrows.push({ x: points[2 * p], y: points[2 * p + 1], k, dx: gx * f, dy: gy * f, length, magnitude: Number.isFinite(m) ? m : 0 });
    }
  }
  return { arrows, maxMagnitude: maxMag, sqrt };
}

// ---- picking an example ----------------------------------------------------------------------------

/**
 * The data point nearest to (x, y) within `radius` plane units, from flat [x, y, label, ...]
 * sets: { x, y, label, set, index } or null.
 */
export function nearestPoint(sets, x, y, radius) {
  let best = null;
  let bestD = radius * radius;
  for (const [name, pts] of Object.entries(sets)) {
    if (!pts) continue;
    for (let i = 0; i + 2 < pts.length; i += 3) {
      const d = (pts[i] - x) ** 2 + (pts[i + 1] - y) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = { x: pts[i], y: pts[i + 1], label: pts[i + 2], set: name, index: i / 3 };
      }
    }
  }
  return best;
}

// ---- captions -----------------------------------------------------------------------------------------

/** Names of the layers for people: "inputs", "hidden layer 1", ..., "output layer". */
export function layerName(l, L) {
  if (l < 0) return 'the inputs';
  return l === L - 1 ? 'the output layer' : `hidden layer ${l + 1}`;
}

/**
 * A short plain-language caption for a step: { title, text }.
 * @param {object} ctx  { L, N, optimizer, committed, loss }
 */
export function stepCaption(step, ctx) {
  const { L, N } = ctx;
  const ex = N === 1 ? 'the example' : `each of the ${N} examples`;
  if (step.phase === 'forward') {
    if (step.layer < 0) {
      return { title: 'Forward: the input goes in', text: `The features x of ${ex} enter the network. Nothing has been computed yet.` };
    }
    const name = layerName(step.layer, L);
    return {
      title: `Forward: ${name}`,
      text: `Each neuron of ${name} adds up its inputs times their weights, plus its bias: z = Σ a·w + b. Then it squashes z with its activation: a = f(z).${step.layer === L - 1 ? ' The output a is the network\'s prediction.' : ''}`,
    };
  }
  if (step.phase === 'loss') {
    const value = Number.isFinite(ctx.loss) ? ` Here L = ${fmtNum(ctx.loss)}${N > 1 ? `, the mean over the ${N} examples` : ''}.` : '';
    return {
      title: 'Loss: how wrong is the prediction?',
      text: `The output a is compared with the target t. The loss L is one number that is small when the prediction is right and grows as it gets worse.${value} Backprop will work out how each weight changed L.`,
    };
  }
  if (step.phase === 'backward') {
    const name = layerName(step.layer, L);
    if (step.layer === L - 1) {
      return {
        title: 'Backward: the error signal starts at the output',
        text: 'δ = ∂L/∂z says how much the loss would change if the neuron\'s z were nudged. At the output it comes straight from the loss. Each link gets ∂L/∂w = δ of the neuron it feeds × a of the neuron it comes from.',
      };
    }
    return {
      title: `Backward: δ reaches ${name}`,
      text: `The chain rule: each neuron's δ is the δ of the neurons it feeds, weighted by the links between them, times the slope of its own activation f'(z). Click a link to see its gradient worked out.`,
    };
  }
  const opt = ctx.optimizer || 'sgd';
  const rule = {
    sgd: 'Plain gradient descent: Δw = −η · ∂L/∂w, a small step downhill.',
    momentum: 'Momentum: Δw = μ·(the last step) − η · ∂L/∂w, so steps keep some speed from before.',
    nesterov: 'Nesterov momentum: like momentum, but the gradient is taken a look-ahead step away.',
    rmsprop: 'RMSprop: each weight\'s step is η · ∂L/∂w divided by a running size of its recent gradients.',
    adam: 'Adam: steps follow running averages of the gradient and of its square, so every weight gets its own step size.',
  }[opt] || '';
  return {
    title: ctx.committed ? 'Update applied: the network has learned a little' : 'Update: every weight takes a small step',
    text: ctx.committed
      ? 'The weights are now W + Δw. Compare the boundary before and after. Next starts a new cycle.'
      : `${rule} Apply it to see the decision boundary move.`,
  };
}
