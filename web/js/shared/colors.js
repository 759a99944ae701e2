// colors.js: the playground's colours and colour maps (pure functions; tested in Node).
//
// Classes use the Okabe–Ito palette, which stays distinct for the common forms of colour
// blindness, and are also told apart by marker shape. Two-class outputs and regression values
// use a diverging orange–white–blue map over [-1, 1].

/** Class colours (RGB): 0 orange, 1 blue, 2 bluish green (Okabe–Ito). */
export const CLASS_RGB = [[230, 159, 0], [0, 114, 178], [0, 158, 115]];
export const CLASS_CSS = CLASS_RGB.map(([r, g, b]) => `rgb(${r}, ${g}, ${b})`);
/** Marker shape per class: circle, square, triangle. */
export const MARKERS = ['circle', 'square', 'triangle'];
export const MARKER_NAMES = ['circles', 'squares', 'triangles'];

const WHITE = [247, 247, 247];
/** How much of the class colour the background keeps at full confidence (points stay visible). */
const BG_STRENGTH = 0.6;

function mix(a, b, t) {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Background colour for a value t in [-1, 1] (negative: class 0 / orange, positive: blue). */
export function divergingRGB(t, strength = BG_STRENGTH) {
  const v = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  const end = v < 0 ? CLASS_RGB[0] : CLASS_RGB[1];
  return mix(WHITE, end, Math.abs(v) * strength).map(Math.round);
}

/** WCAG relative luminance of an sRGB colour [r, g, b] (0..255): 0 black .. 1 white. */
export function relativeLuminance(rgb) {
  const lin = (c) => { const v = c / 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
}

/**
 * Whether text on background rgb should be white (else black). Both reach the WCAG AA ratio 4.5
 * on either side of the switch: white needs L <= 0.183, black needs L >= 0.175.
 */
export function whiteTextOn(rgb) {
  return relativeLuminance(rgb) < 0.179;
}

/** 256-entry lookup table (RGBA) of divergingRGB over [-1, 1]. */
export function divergingLUT(strength = BG_STRENGTH) {
  const lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = divergingRGB((i / 255) * 2 - 1, strength);
    lut.set([r, g, b, 255], i * 4);
  }
  return lut;
}

/** Index into a 256-entry LUT for t in [-1, 1]. */
export function lutIndex(t) {
  if (!(t > -1)) return 0;       // also NaN -> 0
  if (t >= 1) return 255;
  return Math.round(((t + 1) / 2) * 255);
}

const LUT = divergingLUT();
const SOLID = divergingLUT(1);   // full-strength map (legend, regression points)

/**
 * How the engine's outputs become a value to colour.
 * @param {{activation: string, size: number}} outputLayer  the network's output layer
 * @param {number} classes  0 for regression
 * @returns {'sigmoid' | 'tanh' | 'softmax' | 'regress'}
 */
export function outputMode(outputLayer, classes) {
  if (!classes) return 'regress';
  if (outputLayer && outputLayer.size > 1) return 'softmax';
  return outputLayer && outputLayer.activation === 'sigmoid' ? 'sigmoid' : 'tanh';
}

/** The predicted class for one point's outputs (NaN for regression). */
export function predictedClass(mode, out, offset = 0, K = 1) {
  if (mode === 'regress') return NaN;
  if (mode === 'softmax') {
    let best = 0;
    for (let k = 1; k < K; k++) if (out[offset + k] > out[offset + best]) best = k;
    return best;
  }
  const v = out[offset];
  return mode === 'sigmoid' ? (v >= 0.5 ? 1 : 0) : (v >= 0 ? 1 : 0);
}

/** The class a data label stands for: binary labels may be 0/1 or -1/+1. */
export function labelClass(label, classes) {
  if (!classes) return NaN;
  if (classes === 2) return label > 0 ? 1 : 0;
  return Math.max(0, Math.min(classes - 1, Math.round(label)));
}

/**
 * Fills RGBA pixels (G*G*4) from the engine's grid output (G*G*K, pixel-major).
 * @param {ArrayLike<number>} output
 * @param {number} K outputs per point
 * @param {'sigmoid'|'tanh'|'softmax'|'regress'} mode
 * @param {boolean} discretize  two flat colours instead of a gradient
 * @param {Uint8ClampedArray} pixels  written in place
 */
export function fillHeatmap(output, K, mode, discretize, pixels) {
  const n = Math.floor(output.length / K);
  for (let p = 0; p < n; p++) {
    const o = p * 4;
    if (mode === 'softmax') {
      const rgb = softmaxRGB(output, p * K, K, discretize);
      pixels[o] = rgb[0];
      pixels[o + 1] = rgb[1];
      pixels[o + 2] = rgb[2];
      pixels[o + 3] = 255;
      continue;
    }
    let t = output[p * K];
    if (mode === 'sigmoid') t = 2 * t - 1;
    const lut = discretize ? DISCRETE_LUT : LUT;
    const src = discretize ? (t >= 0 ? 4 : 0) : lutIndex(t) * 4;
    pixels[o] = lut[src];
    pixels[o + 1] = lut[src + 1];
    pixels[o + 2] = lut[src + 2];
    pixels[o + 3] = 255;
  }
}

// Discretized: the class colour at 35% (light enough for the points on top).
const DISCRETE = [divergingRGB(-1, 0.35), divergingRGB(1, 0.35)];
const DISCRETE_LUT = new Uint8ClampedArray([...DISCRETE[0], 255, ...DISCRETE[1], 255]);

/** Multi-class: the class colours weighted by probability, lightened toward white. */
export function softmaxRGB(out, offset, K, discretize) {
  if (discretize) {
    let best = 0;
    for (let k = 1; k < K; k++) if (out[offset + k] > out[offset + best]) best = k;
    return mix(WHITE, CLASS_RGB[best % 3], 0.35).map(Math.round);
  }
  let r = 0; let g = 0; let b = 0; let sum = 0; let max = 0;
  for (let k = 0; k < K; k++) {
    const p = Math.max(0, out[offset + k]) || 0;
    const c = CLASS_RGB[k % 3];
    r += p * c[0]; g += p * c[1]; b += p * c[2]; sum += p;
    if (p > max) max = p;
  }
  if (sum <= 0) return WHITE;
  const c = [r / sum, g / sum, b / sum];
  // confidence: 1/K (undecided) -> white, 1 -> BG_STRENGTH of the class colour
  const conf = K > 1 ? Math.max(0, (max - 1 / K) / (1 - 1 / K)) : 1;
  return mix(WHITE, c, conf * BG_STRENGTH).map(Math.round);
}

/** Colour (CSS) for a data point: class colour, or a regression target on the strong map. */
export function pointCSS(label, classes) {
  if (!classes) {
    const [r, g, b] = divergingRGB(label, 1);
    return `rgb(${r}, ${g}, ${b})`;
  }
  return CLASS_CSS[labelClass(label, classes) % 3];
}

/**
 * Colour of a node thumbnail value (any activation): values are squashed to [-1, 1] the way
 * the activation's range suggests, then drawn on the background map.
 */
export function nodeScale(activation) {
  if (activation.startsWith('feature:')) return featureScale(activation.slice(8));
  if (activation === 'sigmoid') return (a) => 2 * a - 1;
  if (activation === 'softmax') return (a) => 2 * a - 1;
  if (activation === 'relu' || activation === 'leaky_relu' || activation === 'linear') return (a) => Math.tanh(a);
  return (a) => a;
}

/** Per-class ramps (white -> class colour) for the probabilities of a softmax output. */
const CLASS_LUTS = CLASS_RGB.map((c) => {
  const lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = mix(WHITE, c, (i / 255) * 0.85).map(Math.round);
    lut.set([r, g, b, 255], i * 4);
  }
  return lut;
});

/**
 * How to colour one node's output values: { lut, index(v) } with index(v) in 0..255.
 * Softmax outputs (node j of the output layer) use class j's own colour ramp; every other node
 * the diverging map after nodeScale.
 */
export function nodeColoring(activation, j = 0, strong = true) {
  if (activation === 'softmax') {
    return { lut: CLASS_LUTS[j % 3], index: (p) => (p > 0 ? (p >= 1 ? 255 : Math.round(p * 255)) : 0) };
  }
  const scale = nodeScale(activation);
  return { lut: strong ? THUMB_LUT : LUT, index: (v) => lutIndex(scale(v)) };
}
// Thumbnails carry no points, so they use a stronger map than the plot's background.
const THUMB_LUT = divergingLUT(0.9);

/** Input features over the plane [-6, 6]^2, squashed to [-1, 1]. */
export function featureScale(name, domain = 6) {
  const d2 = domain * domain;
  switch (name) {
    case 'x1': case 'x2': return (v) => v / domain;
    case 'x1sq': case 'x2sq': return (v) => (v / d2) * 2 - 1;
    case 'x1x2': return (v) => v / d2;
    default: return (v) => v;
  }
}

export { LUT as BACKGROUND_LUT, SOLID as SOLID_LUT, DISCRETE_LUT, THUMB_LUT };
