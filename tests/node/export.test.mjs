// Tests of web/js/playground/export.js (CSV log, PyTorch script, model-file check, file names) and
// web/js/shared/colors.js (the colour maps the decision boundary is drawn with). No DOM, no engine.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  historyToCSV, pytorchScript, pyFloat, inspectModelFile, fileName, SAMPLE_POINTS, MAX_MODEL_BYTES,
} from '../../web/js/playground/export.js';
import {
  fillHeatmap, predictedClass, outputMode, labelClass, divergingRGB, lutIndex, nodeColoring,
  CLASS_RGB,
} from '../../web/js/shared/colors.js';
import { defaultState } from '../../web/js/playground/state.js';

const layout = {
  features: ['x1', 'x2', 'x1x2'],
  hidden: [{ size: 2, activation: 'tanh' }, { size: 2, activation: 'leaky_relu' }],
  output: { size: 1, activation: 'sigmoid' },
  outputs: 1,
  classes: 2,
};
// W stored (fan_in, fan_out) row-major, as the engine gives it
const weights = [
  [0.1, -0.2, 0.3, 0.4, 1e-7, -5],    // 3 x 2
  [1.5, 0.25, -0.75, 2],              // 2 x 2
  [0.5, -1],                          // 2 x 1
];
const biases = [[0.01, -0.02], [0, 1 / 3], [0.7]];

function script() {
  return pytorchScript({
    layout, weights, biases,
    samples: { xy: SAMPLE_POINTS, outputs: SAMPLE_POINTS.map((_, i) => [i / 10]) },
    title: 'xor, hidden [2, 2]',
    link: 'http://127.0.0.1:8080/index.html#dataset=xor',
  });
}

test('the PyTorch script builds the same layers with the trained weights', () => {
  const py = script();
  assert.match(py, /nn\.Linear\(3, 2\),\n {4}nn\.Tanh\(\),\n {4}nn\.Linear\(2, 2\),\n {4}nn\.LeakyReLU\(0\.01\),\n {4}nn\.Linear\(2, 1\),\n {4}nn\.Sigmoid\(\),/);
  assert.match(py, /FEATURES = \['x1', 'x2', 'x1x2'\]/);
  assert.match(py, /'x1x2': x1 \* x2,/);
  // torch's weight is (out, in): row j lists W[i][j] over i
  assert.ok(py.includes('[0.1, 0.3, 1e-7],'), 'row 0 of layer 1 transposed');
  assert.ok(py.includes('[-0.2, 0.4, -5.0],'), 'row 1 of layer 1 transposed');
  assert.ok(py.includes('[0.01, -0.02]'));
  assert.ok(py.includes(String(1 / 3)), 'full precision');
  assert.ok(py.includes('torch.set_default_dtype(torch.float64)'));
  assert.ok(py.includes('# Playground link: http://127.0.0.1:8080/index.html#dataset=xor'));
});

test('the PyTorch script is valid Python (when python3 is installed)', (t) => {
  const probe = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: script() });
  if (probe.error) {
    t.skip('python3 not found');
    return;
  }
  assert.equal(probe.status, 0, probe.stderr.toString());
});

test('the PyTorch script refuses a layout it cannot express', () => {
  assert.throws(() => pytorchScript({ layout: { ...layout, features: ['x3'] }, weights, biases }), /unknown feature/);
  assert.throws(() => pytorchScript({ layout, weights: [[1], ...weights.slice(1)], biases }), /expected 3x2 weights/);
});

test('pyFloat writes numbers Python reads back exactly', () => {
  assert.equal(pyFloat(1), '1.0');
  assert.equal(pyFloat(-0.5), '-0.5');
  assert.equal(pyFloat(1e-7), '1e-7');
  assert.equal(pyFloat(1e21), '1e+21');
  assert.equal(pyFloat(NaN), "float('nan')");
  for (const v of [0.1 + 0.2, Math.PI, -1 / 3, 123456789.123]) assert.equal(Number(pyFloat(v)), v);
});

test('the training log CSV has a header, one row per point and blanks for missing values', () => {
  const h = {
    epoch: [0, 1.5], step: [0, 3], examples: [0, 30], trainLoss: [0.7, 0.5], testLoss: [0.71, null],
    trainAccuracy: [0.5, 0.8], testAccuracy: [0.5, null], learningRate: [0.03, 0.03],
    grad: [[null, 0.2], [null, 0.1]],
  };
  const lines = historyToCSV(h).trim().split('\n');
  assert.equal(lines[0], 'epoch,step,examples,train_loss,test_loss,train_accuracy,test_accuracy,learning_rate,grad_norm_layer1,grad_norm_output');
  assert.equal(lines[1], '0,0,0,0.7,0.71,0.5,0.5,0.03,,');
  assert.equal(lines[2], '1.5,3,30,0.5,,0.8,,0.03,0.2,0.1');
});

test('a model file is checked before the engine sees it', () => {
  assert.equal(inspectModelFile('{"format":"backprop-playground-model","config":{"dataset":{}}}').ok, true);
  for (const [text, re] of [['nope', /not valid JSON/], ['[1]', /JSON object/], ['"x"', /JSON object/],
    ['null', /JSON object/], ['{"weights":[]}', /no "config"/], ['{"config":5}', /no "config"/]]) {
    const r = inspectModelFile(text);
    assert.equal(r.ok, false, text);
    assert.match(r.message, re, text);
  }
  assert.match(inspectModelFile('{}', MAX_MODEL_BYTES + 1).message, /too large/);
});

test('file names say what was saved', () => {
  const s = { ...defaultState(), dataset: 'spiral', hidden: [8, 8] };
  assert.equal(fileName(s, 120.6, 'json'), 'backprop-spiral-8-8-epoch120.json');
  assert.equal(fileName({ ...s, hidden: [] }, undefined, 'png'), 'backprop-spiral-linear.png');
});

// ---- colors.js ---------------------------------------------------------------------------------

test('the boundary colour tells the predicted class (two classes)', () => {
  const px = new Uint8ClampedArray(4);
  for (const mode of ['sigmoid', 'tanh']) {
    for (let i = 0; i <= 100; i++) {
      const v = mode === 'sigmoid' ? i / 100 : i / 50 - 1;
      for (const discretize of [false, true]) {
        fillHeatmap([v], 1, mode, discretize, px);
        const cls = predictedClass(mode, [v]);
        const margin = mode === 'sigmoid' ? Math.abs(v - 0.5) : Math.abs(v);
        if (margin < 0.01 && !discretize) continue;   // white at the boundary itself
        assert.equal(px[2] > px[0], cls === 1, `${mode} v=${v} discretize=${discretize}: rgb ${Array.from(px)}`);
        assert.equal(px[3], 255);
      }
    }
  }
});

test('the boundary colour tells the predicted class (softmax)', () => {
  const px = new Uint8ClampedArray(4);
  const probs = [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]];
  probs.forEach((p, k) => {
    for (const discretize of [false, true]) {
      fillHeatmap(p, 3, 'softmax', discretize, px);
      // nearest class colour (by direction away from white) is class k
      const dist = CLASS_RGB.map((c) => Math.hypot(c[0] - px[0], c[1] - px[1], c[2] - px[2]));
      assert.equal(dist.indexOf(Math.min(...dist)), k);
      assert.equal(predictedClass('softmax', p, 0, 3), k);
    }
  });
  fillHeatmap([1 / 3, 1 / 3, 1 / 3], 3, 'softmax', false, px);
  assert.deepEqual(Array.from(px.slice(0, 3)), [247, 247, 247], 'undecided is white');
});

test('colour helpers: modes, labels, ranges', () => {
  assert.equal(outputMode({ size: 1, activation: 'sigmoid' }, 2), 'sigmoid');
  assert.equal(outputMode({ size: 1, activation: 'tanh' }, 2), 'tanh');
  assert.equal(outputMode({ size: 3, activation: 'softmax' }, 3), 'softmax');
  assert.equal(outputMode({ size: 1, activation: 'linear' }, 0), 'regress');
  assert.equal(labelClass(-1, 2), 0);
  assert.equal(labelClass(0, 2), 0);
  assert.equal(labelClass(1, 2), 1);
  assert.equal(labelClass(2, 3), 2);
  assert.ok(Number.isNaN(labelClass(0.3, 0)));
  assert.equal(lutIndex(-5), 0);
  assert.equal(lutIndex(5), 255);
  assert.equal(lutIndex(NaN), 0);
  assert.deepEqual(divergingRGB(0), [247, 247, 247]);
  const soft = nodeColoring('softmax', 2);
  assert.equal(soft.index(1), 255);
  assert.equal(soft.index(0), 0);
  const tanh = nodeColoring('tanh');
  assert.equal(tanh.index(1), 255);
  assert.equal(tanh.index(-1), 0);
  assert.equal(nodeColoring('feature:x1').index(6), 255);
});
