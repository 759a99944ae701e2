// The recurrent page's state module (web/js/recurrent/state.js): defaults, URL round trips,
// garbled links, task-dependent defaults, consistency fixes, engine configs and imports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultState, parseState, serializeState, cloneState, fitState, diffStates, sequenceConfig,
  sequenceTraining, fixedPointConfig, fixedPointTraining, fixedPointRelax, fromEngineConfig,
  cueFromPixels, pixelsFromCue, evaluationPatterns, canonicalLetters, speedOf, STATE_KEYS,
  importedSettings, applySettings, withDefaults, configDifference, engineConfigOf,
} from '../../web/js/recurrent/state.js';

test('defaults: sequences mode, echo with delay 3, Elman, full BPTT, Adam 0.01', () => {
  const s = defaultState();
  assert.equal(s.mode, 'seq');
  assert.equal(s.task, 'echo');
  assert.equal(s.delay, 3);
  assert.equal(s.cell, 'elman');
  assert.equal(s.truncation, 0);
  assert.equal(s.optimizer, 'adam');
  assert.equal(s.learningRate, 0.01);
  assert.equal(s.fpTask, 'xor');
  assert.equal(s.fpHidden, 3);
  assert.equal(s.tol, 1e-10);
  assert.equal(speedOf(s), 0);
  assert.equal(speedOf({ ...s, mode: 'fp' }), 100);
  assert.deepEqual(parseState('').state, s);
  assert.deepEqual(parseState('').notices, []);
});

test('a link round-trips the state of its mode', () => {
  const seq = { ...defaultState(), task: 'adding', length: 50, cell: 'lstm', hidden: 32, truncation: 10, clipNorm: 1, learningRate: 0.003, sample: 7, speed: 30 };
  const text = serializeState(seq);
  assert.match(text, /^mode=seq&task=adding&len=50/);
  assert.ok(!text.includes('fptask'), 'the other mode is not in the link');
  assert.deepEqual(parseState(text).state, seq);
  assert.deepEqual(parseState(`#${text}`).state, seq);

  const fp = { ...defaultState(), mode: 'fp', fpTask: 'letters', letters: 'AEX', fpHidden: 8, damage: 4, erase: true, alpha: 0.3, tol: 1e-8, maxIters: 500, fpLearningRate: 0.03, initScale: 0.5, cueLetter: 2, cueDamage: 6, cueErase: true, cueSeed: 9, cuePixels: '+-0'.repeat(8) + '+', fpSpeed: 10 };
  const t2 = serializeState(fp);
  assert.ok(!t2.includes('task=echo'));
  assert.ok(t2.includes('cuepx=%2B-0'), t2);   // + is percent-encoded (a + in a query means space)
  const back = parseState(t2).state;
  for (const k of ['mode', 'fpTask', 'letters', 'fpHidden', 'damage', 'erase', 'alpha', 'tol', 'maxIters', 'fpLearningRate', 'cueLetter', 'cueDamage', 'cueErase', 'cueSeed', 'cuePixels', 'fpSpeed']) {
    assert.deepEqual(back[k], fp[k], k);
  }
  assert.equal(serializeState(back), t2);
  // XOR links carry no completion cue
  assert.ok(!serializeState({ ...fp, fpTask: 'xor' }).includes('cue'));
});

test('every setting has a URL key, written once', () => {
  assert.equal(new Set(STATE_KEYS).size, STATE_KEYS.length);
  const all = `${serializeState(defaultState())}&${serializeState({ ...defaultState(), mode: 'fp', fpTask: 'letters', cuePixels: '0'.repeat(25) })}`;
  for (const k of STATE_KEYS) assert.ok(all.includes(`${k}=`), k);
});

test('fixed-point defaults follow the task when a link does not give them', () => {
  const l = parseState('mode=fp&fptask=letters').state;
  assert.equal(l.fpHidden, 10);
  assert.equal(l.tol, 1e-6);
  assert.equal(l.maxIters, 1000);
  assert.equal(l.fpLearningRate, 0.01);
  assert.equal(l.initScale, 0.5);
  const given = parseState('mode=fp&fptask=letters&fplr=0.1&fphidden=4').state;
  assert.equal(given.fpLearningRate, 0.1);
  assert.equal(given.fpHidden, 4);
});

test('a garbled link opens with defaults and says what was wrong', () => {
  const { state, notices } = parseState('task=lstm&len=9999&cell=gru&lr=abc&letters=AZ&bogus=1&%E0%A4%A=3&hidden=4&hidden=8&cuepx=%2B%2B');
  assert.equal(state.task, 'echo');
  assert.equal(state.length, 20);
  assert.equal(state.cell, 'elman');
  assert.equal(state.learningRate, 0.01);
  assert.equal(state.letters, 'CHLTX');
  assert.equal(state.hidden, 8);
  assert.equal(state.cuePixels, '');
  const text = notices.join('\n');
  for (const bit of ['"task=lstm"', '"len=9999"', '"cell=gru"', '"lr=abc"', '"letters=AZ"', 'Unknown setting "bogus"', 'garbled', 'appears twice', '"cuepx=++"']) {
    assert.ok(text.includes(bit), `${bit} in ${text}`);
  }
  // values are echoed shortened, as text
  const long = parseState(`task=${'x'.repeat(500)}`).notices[0];
  assert.ok(long.length < 200);
  // a very long link is cut
  assert.ok(parseState(`a=${'1'.repeat(30000)}`).notices[0].includes('too long'));
});

test('dependent settings are made consistent', () => {
  const { state, notices } = parseState('task=echo&len=5&delay=9');
  assert.equal(state.delay, 4);
  assert.ok(notices.some((n) => n.includes('delay')));
  const s = { ...defaultState(), fpTask: 'letters', letters: 'AC', cueLetter: 5, pattern: 99, fpHidden: 127 };
  const n2 = fitState(s);
  assert.equal(s.cueLetter, 0);
  assert.equal(s.pattern, 0);
  assert.equal(s.fpHidden, 103);
  assert.ok(n2.some((n) => n.includes('103')));
  assert.equal(evaluationPatterns({ fpTask: 'letters', letters: 'AC' }), 40);
  assert.equal(evaluationPatterns({ fpTask: 'xor', letters: 'AC' }), 4);
  assert.equal(canonicalLetters('XCA'), 'ACX');
  assert.equal(parseState('mode=fp&fptask=letters&letters=xca').state.letters, 'ACX');
});

test('what a change means to the engine', () => {
  const a = defaultState();
  assert.equal(diffStates(a, cloneState(a)), 'none');
  assert.equal(diffStates(a, { ...a, learningRate: 0.1 }), 'training');
  assert.equal(diffStates(a, { ...a, truncation: 5 }), 'training');
  assert.equal(diffStates(a, { ...a, clipNorm: 1 }), 'training');
  assert.equal(diffStates(a, { ...a, cell: 'lstm' }), 'config');
  assert.equal(diffStates(a, { ...a, length: 50 }), 'config');
  assert.equal(diffStates(a, { ...a, sample: 3 }), 'view');
  assert.equal(diffStates(a, { ...a, speed: 10 }), 'view');
  assert.equal(diffStates(a, { ...a, alpha: 0.1 }), 'none');   // the other mode's settings
  assert.equal(diffStates(a, { ...a, mode: 'fp' }), 'mode');
  const f = { ...a, mode: 'fp' };
  assert.equal(diffStates(f, { ...f, alpha: 0.1 }), 'training');
  assert.equal(diffStates(f, { ...f, maxIters: 50 }), 'training');
  assert.equal(diffStates(f, { ...f, fpHidden: 5 }), 'config');
  assert.equal(diffStates(f, { ...f, letters: 'AC' }), 'config');
  assert.equal(diffStates(f, { ...f, cuePixels: '0'.repeat(25) }), 'view');
  assert.equal(diffStates(f, { ...f, pattern: 2 }), 'view');
});

test('engine configs follow docs/wasm-api.md and docs/fixed-point-api.md', () => {
  const s = { ...defaultState(), task: 'sine', length: 30, cell: 'lstm', hidden: 8, truncation: 5, clipNorm: 1, batchSize: 32, dataSeed: 4, netSeed: 5 };
  assert.deepEqual(sequenceConfig(s), {
    task: { name: 'sine', length: 30, sequences: 256, testSequences: 64, delay: 0, noise: 0, seed: 4 },
    cell: 'lstm', hidden: 8, truncation: 5,
    training: { optimizer: 'adam', learningRate: 0.01, batchSize: 32, clipNorm: 1 },
    seed: 5,
  });
  assert.deepEqual(sequenceTraining(s), { optimizer: 'adam', learningRate: 0.01, batchSize: 32, clipNorm: 1 });
  assert.equal(sequenceConfig({ ...s, task: 'echo', delay: 3 }).task.delay, 3);
  const f = parseState('mode=fp&fptask=letters&letters=HT&damage=2&erase=1&alpha=0.3').state;
  assert.deepEqual(fixedPointConfig(f), {
    task: { name: 'letters', letters: 'HT', damage: 2, erase: true, cues: 4, testCues: 20 },
    hidden: 10, activation: 'tanh', initScale: 0.5,
    relax: { alpha: 0.3, beta: 0.5, tol: 1e-6, maxIters: 1000 },
    training: { optimizer: 'adam', learningRate: 0.01 },
    seed: 1,
  });
  assert.deepEqual(fixedPointTraining(f), { optimizer: 'adam', learningRate: 0.01 });
  assert.deepEqual(fixedPointRelax(f), { alpha: 0.3, beta: 0.5, tol: 1e-6, maxIters: 1000 });
});

test('a model file\'s config becomes the state; the other mode and the view are kept', () => {
  const base = { ...defaultState(), speed: 30, sample: 5, fpTask: 'letters', letters: 'AO' };
  const { state, notices } = fromEngineConfig('seq', {
    task: { name: 'parity', length: 30, sequences: 512, testSequences: 64, delay: 0, noise: 0, seed: 7 },
    cell: 'lstm', hidden: 24, truncation: 0,
    training: { optimizer: 'rmsprop', learningRate: 0.001, batchSize: 8, clipNorm: 0.5, momentum: 0.9 },
    seed: 3,
  }, base);
  assert.deepEqual(notices, []);
  assert.equal(state.task, 'parity');
  assert.equal(state.length, 30);
  assert.equal(state.sequences, 512);
  assert.equal(state.cell, 'lstm');
  assert.equal(state.hidden, 24);
  assert.equal(state.optimizer, 'rmsprop');
  assert.equal(state.clipNorm, 0.5);
  assert.equal(state.netSeed, 3);
  assert.equal(state.speed, 30);
  assert.equal(state.sample, 5);
  assert.equal(state.letters, 'AO');
  const fp = fromEngineConfig('fp', {
    task: { name: 'letters', letters: 'EHT', damage: 4, erase: false, cues: 4, testCues: 20 },
    hidden: 6, activation: 'tanh', initScale: 0.5, relax: { alpha: 0.25, beta: 0.5, tol: 1e-7, maxIters: 800 },
    training: { optimizer: 'adam', learningRate: 0.02 }, seed: 2,
  }, base);
  assert.equal(fp.state.mode, 'fp');
  assert.equal(fp.state.letters, 'EHT');
  assert.equal(fp.state.fpHidden, 6);
  assert.equal(fp.state.alpha, 0.25);
  assert.equal(fp.state.tol, 1e-7);
  assert.equal(fp.state.maxIters, 800);
  assert.equal(fp.state.fpLearningRate, 0.02);
  assert.equal(fp.state.task, defaultState().task);
  // garbage in a config is reported like a garbled link, never thrown
  const bad = fromEngineConfig('seq', { task: { name: 42, length: -1 }, cell: {} }, base);
  assert.equal(bad.state.length, 20);
  assert.ok(bad.notices.length >= 2);
  assert.doesNotThrow(() => fromEngineConfig('fp', null));
});

test('hand-drawn cues', () => {
  assert.equal(cueFromPixels(''), null);
  assert.equal(cueFromPixels('+-'), null);
  const px = '+-0++' + '-'.repeat(20);
  const cue = cueFromPixels(px);
  assert.equal(cue.length, 25);
  assert.deepEqual(cue.slice(0, 5), [1, -1, 0, 1, 1]);
  assert.equal(pixelsFromCue(cue), px);
  assert.equal(pixelsFromCue([0.3, -0.2, 0, ...new Array(22).fill(1)]).slice(0, 3), '+-0');
});

// The engine's config for {} (what SequenceSession({}).config() / FixedPointSession({}).config()
// return), written out: the fields the page never sets are at these values.
const TRAINING_DEFAULTS = { optimizer: 'adam', learningRate: 0.01, momentum: 0.9, beta1: 0.9, beta2: 0.999, rho: 0.9, epsilon: 1e-8, schedule: 'constant', decayRate: 0.5, decaySteps: 1000, clipNorm: 0 };
const SEQ_DEFAULTS = {
  task: { name: 'echo', length: 20, sequences: 256, testSequences: 64, delay: 3, noise: 0, seed: 1 },
  cell: 'elman', hidden: 16, truncation: 0, training: { ...TRAINING_DEFAULTS, batchSize: 16 }, seed: 1,
};
const FP_DEFAULTS = {
  task: { name: 'xor', letters: 'CHLTX', damage: 3, erase: false, cues: 4, testCues: 20 },
  hidden: 3, activation: 'tanh', initScale: 1, relax: { alpha: 0.5, beta: 0.5, tol: 1e-10, maxIters: 2000 },
  training: { ...TRAINING_DEFAULTS, learningRate: 0.05 }, seed: 1,
};

test('an import is taken only when the state holds every field of its config exactly', () => {
  const st = { ...defaultState(), task: 'adding', length: 50, cell: 'lstm', hidden: 7, learningRate: 0.02, netSeed: 4294967295 };
  const config = withDefaults(SEQ_DEFAULTS, engineConfigOf(st));
  assert.equal(config.training.beta1, 0.9);
  assert.equal(config.task.noise, 0);
  const ok = importedSettings('seq', config, SEQ_DEFAULTS);
  assert.equal(ok.error, undefined);
  for (const k of ['task', 'length', 'cell', 'hidden', 'learningRate', 'netSeed']) assert.equal(ok.settings[k], st[k], k);
  assert.equal(ok.settings.mode, 'seq');
  assert.ok(!('sample' in ok.settings) && !('speed' in ok.settings), 'no view settings');
  // each of these the engine runs, the page could not show or reproduce: refused, naming the field
  const refused = [
    [(c) => { c.training.learningRate = 0; }, '/config/training/learningRate: 0 is outside 0.000001..10 on this page'],
    [(c) => { c.training.beta1 = 0.8; }, '/config/training/beta1: 0.8 in the file, but this page can only use 0.9'],
    [(c) => { c.task.noise = 0.25; }, '/config/task/noise: 0.25 in the file, but this page can only use 0'],
    [(c) => { c.task.testSequences = 8; }, '/config/task/testSequences: 8 in the file, but this page can only use 64'],
    [(c) => { c.hidden = '7'; }, '/config/hidden: "7" is outside 1..128 on this page'],
    [(c) => { c.cell = 'gru'; }, '/config/cell: "gru" is not one of elman, lstm'],
    [(c) => { delete c.truncation; }, '/config/truncation: missing is outside 0..400 on this page'],
    [(c) => { c.extra = 1; }, '/config/extra: 1 in the file, but this page can only use missing'],
  ];
  for (const [edit, message] of refused) {
    const c = structuredClone(config);
    edit(c);
    assert.deepEqual(importedSettings('seq', c, SEQ_DEFAULTS), { error: message });
  }
  // non-echo tasks: the page sends delay 0
  const parity = withDefaults(SEQ_DEFAULTS, engineConfigOf({ ...defaultState(), task: 'parity' }));
  assert.equal(importedSettings('seq', parity, SEQ_DEFAULTS).settings.task, 'parity');
  assert.match(importedSettings('seq', { ...parity, task: { ...parity.task, delay: 2 } }, SEQ_DEFAULTS).error, /^\/config\/task\/delay: 2 in the file/);
  assert.match(importedSettings('nope', config, SEQ_DEFAULTS).error, /^mode: /);
});

test('fixed-point imports: letters in the font order, the page cues, no clipping', () => {
  const st = { ...defaultState(), mode: 'fp', fpTask: 'letters', letters: 'AX', fpHidden: 12, tol: 1e-5, fpSeed: 9 };
  const config = withDefaults(FP_DEFAULTS, engineConfigOf(st));
  const ok = importedSettings('fp', config, FP_DEFAULTS);
  assert.deepEqual([ok.settings.letters, ok.settings.fpHidden, ok.settings.tol, ok.settings.fpSeed], ['AX', 12, 1e-5, 9]);
  const bad = (edit) => {
    const c = structuredClone(config);
    edit(c);
    return importedSettings('fp', c, FP_DEFAULTS).error;
  };
  assert.equal(bad((c) => { c.task.letters = 'XA'; }), '/config/task/letters: "XA" in the file, but this page can only use "AX"');
  assert.equal(bad((c) => { c.training.clipNorm = 1; }), '/config/training/clipNorm: 1 in the file, but this page can only use 0');
  assert.equal(bad((c) => { c.task.cues = 8; }), '/config/task/cues: 8 in the file, but this page can only use 4');
  assert.equal(bad((c) => { c.task.erase = 1; }), '/config/task/erase: 1 is not allowed on this page');
  assert.equal(bad((c) => { c.hidden = 130; }), '/config/hidden: 130 is outside 0..127 on this page');
  assert.equal(bad((c) => { c.hidden = 104; }), '/config/hidden: 104 in the file, but this page can only use 103');
  // applied: the other mode and the view stay; a new set of letters shows its first cue
  const base = { ...defaultState(), task: 'parity', sample: 9, speed: 30, mode: 'fp', fpTask: 'letters', letters: 'CHLTX', pattern: 77, cueLetter: 3 };
  const next = applySettings(base, ok.settings);
  assert.deepEqual([next.task, next.sample, next.speed], ['parity', 9, 30]);
  assert.deepEqual([next.letters, next.pattern, next.cueLetter], ['AX', 0, 0]);
  assert.equal(configDifference(withDefaults(FP_DEFAULTS, engineConfigOf(next)), config), null);
});
