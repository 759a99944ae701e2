// The lesson format (web/js/shared/lesson.js, docs/embed.md "Lessons"): conditions are parsed
// into comparisons of the page's figures and never evaluated as code; a lesson that is not
// valid is refused with a message naming the step and the field.
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseCondition, conditionMet, describeCondition, parseLesson, lessonFromElements } from '../../web/js/shared/lesson.js';

const FIGURES = ['epoch', 'step', 'trainLoss', 'testLoss', 'testAccuracy', 'played', 'playing'];
const PAGE = {
  figures: FIGURES,
  settings: ['dataset', 'hidden', 'lr', 'learning-rate', 'act'],
  regions: ['play', 'network', 'gradients'],
  explain: ['forward', 'loss', 'backward', 'update', 'apply', 'close'],
};

test('a condition is clauses joined by "and", each a figure, an operator and a number', () => {
  const c = parseCondition('epoch >= 500 and testLoss < 0.05', FIGURES);
  assert.deepEqual(c, { ok: true, clauses: [{ name: 'epoch', op: '>=', value: 500 }, { name: 'testLoss', op: '<', value: 0.05 }] });
  assert.equal(conditionMet(c.clauses, { epoch: 500, testLoss: 0.049 }), true);
  assert.equal(conditionMet(c.clauses, { epoch: 499, testLoss: 0.01 }), false);   // 499 < 500
  assert.equal(conditionMet(c.clauses, { epoch: 600, testLoss: 0.05 }), false);   // 0.05 is not < 0.05
  assert.equal(conditionMet(c.clauses, { epoch: 600 }), false);                   // a missing figure is not met
  assert.equal(conditionMet(c.clauses, { epoch: 600, testLoss: NaN }), false);
  assert.deepEqual(parseCondition('a && b', ['a', 'b']).clauses.map((x) => x.name), ['a', 'b']);
  assert.deepEqual(parseCondition('step==3', FIGURES).clauses, [{ name: 'step', op: '==', value: 3 }]);
  assert.deepEqual(parseCondition('testLoss <= 1e-3', FIGURES).clauses, [{ name: 'testLoss', op: '<=', value: 0.001 }]);
});

test('a figure alone is true when it is not zero ("the user pressed play")', () => {
  const c = parseCondition('played', FIGURES);
  assert.equal(conditionMet(c.clauses, { played: 0 }), false);
  assert.equal(conditionMet(c.clauses, { played: 1 }), true);
  assert.equal(conditionMet(c.clauses, { played: true }), true);
});

test('conditions that are not comparisons of known figures are refused, never evaluated', () => {
  for (const [text, words] of [
    ['epoch >= 500; alert(1)', 'not a comparison'],
    ['alert(1)', 'not a comparison'],
    ['weights > 3', '"weights" is not a figure'],
    ['epoch >= abc', 'not a number'],
    ['epoch >=', 'not a comparison'],
    ['', 'must be text'],
    ['constructor', '"constructor" is not a figure'],
    ['epoch > 1 or step > 2', 'not a comparison'],
    ['x'.repeat(300), 'at most 200'],
  ]) {
    const r = parseCondition(text, FIGURES);
    assert.equal(r.ok, false, text);
    assert.match(r.error, new RegExp(words.replace(/[()]/g, '\\$&')), text);
  }
  assert.equal(parseCondition(42, FIGURES).ok, false);
});

test('the condition reads as text with the figures now', () => {
  const c = parseCondition('epoch >= 500 and testLoss < 0.05', FIGURES).clauses;
  assert.equal(describeCondition(c, { epoch: 231, testLoss: 0.1234 }), 'epoch ≥ 500 (now 231) and testLoss < 0.05 (now 0.123)');
  assert.equal(describeCondition(c), 'epoch ≥ 500 and testLoss < 0.05');
  assert.equal(describeCondition(parseCondition('testLoss < 0.001', FIGURES).clauses, { testLoss: 0.00042 }), 'testLoss < 0.001 (now 0.00042)');
});

test('a lesson: steps with captions, states (objects or link text), highlights, conditions, explain phases', () => {
  const r = parseLesson(JSON.stringify({
    title: 'XOR',
    steps: [
      { caption: '  Press play. ', state: { dataset: 'xor', hidden: '4,4', lr: 0.03 }, highlight: ['play', 'lr'], wait: 'played' },
      { caption: 'Follow one example forward.', state: 'act=tanh&learning-rate=0.1', explain: 'forward' },
      { caption: 'Highlights may be one text.', highlight: 'network gradients' },
    ],
  }), PAGE);
  assert.equal(r.ok, true, r.error);
  const [a, b, c] = r.lesson.steps;
  assert.equal(r.lesson.title, 'XOR');
  assert.equal(a.caption, 'Press play.');
  assert.deepEqual(a.state, { dataset: 'xor', hidden: '4,4', lr: '0.03' });
  assert.deepEqual(a.highlight, ['play', 'lr']);
  assert.deepEqual(a.wait, [{ name: 'played', op: '!=', value: 0 }]);
  assert.deepEqual(b.state, { act: 'tanh', 'learning-rate': '0.1' });
  assert.equal(b.explain, 'forward');
  assert.equal(b.wait, null);
  assert.deepEqual(c.highlight, ['network', 'gradients']);
  // a bare list of steps is a lesson too
  assert.equal(parseLesson([{ caption: 'one' }], PAGE).ok, true);
});

test('a lesson that is not valid is refused with the step and the field named', () => {
  const bad = (lesson, words) => {
    const r = parseLesson(lesson, PAGE);
    assert.equal(r.ok, false, JSON.stringify(lesson).slice(0, 80));
    assert.match(r.error, words);
  };
  bad('{ not json', /not valid JSON/);
  bad({ steps: [] }, /no steps/);
  bad({}, /"steps" list/);
  bad(null, /"steps" list/);
  bad({ steps: [{ caption: 'ok' }, { caption: '' }] }, /^step 2: every step needs a "caption"/);
  bad({ steps: [{ caption: 'a', html: '<b>x</b>' }] }, /^step 1: "html" is not a step field/);
  bad({ steps: [{ caption: 'a', state: { weights: '1' } }] }, /"weights" in "state" is not a setting/);
  bad({ steps: [{ caption: 'a', state: { lr: { x: 1 } } }] }, /must be text or a number/);
  bad({ steps: [{ caption: 'a', state: 5 }] }, /"state" is an object/);
  bad({ steps: [{ caption: 'a', highlight: ['nowhere'] }] }, /"nowhere" is not a control/);
  bad({ steps: [{ caption: 'a', wait: 'epoch >>= 3' }] }, /not a comparison|not a number/);
  bad({ steps: [{ caption: 'a', explain: 'sideways' }] }, /"explain" is one of forward/);
  bad({ steps: Array.from({ length: 101 }, () => ({ caption: 'a' })) }, /at most 100 steps/);
  bad({ title: 7, steps: [{ caption: 'a' }] }, /"title" must be text/);
  assert.match(parseLesson({ steps: [{ caption: 'a', explain: 'forward' }] }, { ...PAGE, explain: [] }).error, /no explain mode/);
});

test('steps written as child elements: attributes and text, never HTML', () => {
  const el = (attrs, text) => ({
    textContent: text,
    hasAttribute: (k) => k in attrs,
    getAttribute: (k) => attrs[k],
  });
  const lesson = lessonFromElements([
    el({ state: 'dataset=xor', wait: 'epoch >= 10', highlight: 'play' }, '\n  Press   <b>play</b>.\n'),
    el({}, 'Done.'),
  ], 'T');
  assert.deepEqual(lesson, {
    title: 'T',
    steps: [{ caption: 'Press <b>play</b>.', state: 'dataset=xor', wait: 'epoch >= 10', highlight: 'play' }, { caption: 'Done.' }],
  });
  const r = parseLesson(lesson, PAGE);
  assert.equal(r.ok, true);
  assert.equal(r.lesson.steps[0].caption, 'Press <b>play</b>.');   // shown as these characters (textContent)
});
