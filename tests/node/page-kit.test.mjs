// Tests of the page kit's pieces that need no DOM and no worker (web/js/shared/): which keydowns
// reach the shortcuts (keys.js), one request at a time (one-at-a-time.js), the engine's start
// with its fallback to the defaults (training-page.js startEngine), and a page's files object
// (files.js PageFiles: the size check and the queued load).
import test from 'node:test';
import assert from 'node:assert/strict';
import { shortcutKey, runKey } from '../../web/js/shared/keys.js';
import { oneAtATime } from '../../web/js/shared/one-at-a-time.js';
import { startEngine } from '../../web/js/shared/training-page.js';
import { PageFiles } from '../../web/js/shared/files.js';

function keydown(key, target = { tagName: 'DIV' }, mods = {}) {
  const ev = { key, target, defaultPrevented: false, ctrlKey: false, altKey: false, metaKey: false, ...mods };
  ev.preventDefault = () => { ev.prevented = true; };
  return ev;
}

test('shortcutKey: letters in lower case; form fields, editable text, Alt and Meta never reach the shortcuts', () => {
  assert.deepEqual(shortcutKey(keydown('S')), { key: 's', tag: 'div' });
  assert.deepEqual(shortcutKey(keydown('Escape')), { key: 'Escape', tag: 'div' });
  assert.equal(shortcutKey(keydown('s', { tagName: 'INPUT', type: 'text' })), null);
  assert.equal(shortcutKey(keydown('s', { tagName: 'TEXTAREA' })), null);
  assert.equal(shortcutKey(keydown('s', { tagName: 'DIV', isContentEditable: true })), null);
  assert.equal(shortcutKey(keydown('s', undefined, { altKey: true })), null);
  assert.equal(shortcutKey(keydown('s', undefined, { metaKey: true })), null);
  assert.equal(shortcutKey(keydown('s', undefined, { defaultPrevented: true })), null);
  // Ctrl is the page's to decide
  assert.deepEqual(shortcutKey(keydown('z', undefined, { ctrlKey: true })), { key: 'z', tag: 'div' });
});

test('shortcutKey with toggles: a checkbox or slider lets letters through, keeps space and the arrows', () => {
  const box = { tagName: 'INPUT', type: 'checkbox' };
  assert.equal(shortcutKey(keydown('s', box)), null);
  assert.deepEqual(shortcutKey(keydown('s', box), { toggles: true }), { key: 's', tag: 'input' });
  assert.equal(shortcutKey(keydown(' ', box), { toggles: true }), null);
  assert.equal(shortcutKey(keydown('ArrowLeft', { tagName: 'INPUT', type: 'range' }), { toggles: true }), null);
  assert.equal(shortcutKey(keydown('s', { tagName: 'INPUT', type: 'number' }), { toggles: true }), null);
});

test('runKey: space plays or pauses (not on a focused button), s steps, r resets; other keys are not its', () => {
  const calls = [];
  const page = { action: (n) => calls.push(n), step: () => calls.push('step'), reset: () => calls.push('reset') };
  for (const key of [' ', 's', 'r']) {
    const ev = keydown(key);
    assert.equal(runKey(page, ev, { key, tag: 'div' }), true);
    assert.equal(ev.prevented, true);
  }
  assert.deepEqual(calls, ['togglePlay', 'step', 'reset']);
  const onButton = keydown(' ');
  assert.equal(runKey(page, onButton, { key: ' ', tag: 'button' }), true);   // handled: the button's
  assert.equal(onButton.prevented, undefined);
  assert.equal(runKey(page, keydown('e'), { key: 'e', tag: 'div' }), false);
  assert.equal(calls.length, 3);
});

test('oneAtATime: calls while one runs fold into one more run after it', async () => {
  const started = [];
  let release = [];
  const run = oneAtATime(() => new Promise((resolve) => { started.push(started.length); release.push(resolve); }));
  const first = run();
  assert.equal(started.length, 1);   // (started at once, synchronously)
  await run();                       // in flight: asks for another, resolves at once
  await run();
  assert.equal(started.length, 1);
  release.shift()();
  await first;
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(started.length, 2);   // the two calls in between were one more run
  release.shift()();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(started.length, 2);
  release = [];
});

/** A page as startEngine sees it, with an engine class whose init answers from `answers`. */
function fakePage(answers, { autoplay = false } = {}) {
  const log = [];
  const page = {
    state: { v: 'linked' },
    options: { autoplay },
    message: (kind, text) => { log.push([kind, text]); return { remove: () => log.push(['removed', text]) }; },
    setPlaying: (p) => log.push(['playing', p]),
    play: () => log.push(['play']),
    emitState: () => log.push(['emit', page.state.v]),
    controls: { render: (s) => log.push(['render', s.v]) },
  };
  class Engine {
    constructor(handlers) { this.handlers = handlers; this.dead = false; }
    init(state) {
      const a = answers.shift();
      log.push(['init', state.v]);
      return a === 'ok' ? Promise.resolve() : Promise.reject(new Error(a));
    }
    setSpeed(s) { log.push(['speed', s]); return Promise.resolve(); }
  }
  const o = {
    loading: 'Loading…',
    init: (state) => page.engine.init(state),
    fallback: () => ({ state: { v: 'defaults' }, note: ' (a note)' }),
    afterFallback: () => log.push(['afterFallback']),
    onReady: () => log.push(['ready']),
    speedOf: () => 7,
    cloneState: (s) => ({ ...s }),
  };
  return { page, Engine, o, log };
}

test('startEngine: a state the engine takes is the good state; the speed is set, autoplay plays', async () => {
  const { page, Engine, o, log } = fakePage(['ok'], { autoplay: true });
  assert.equal(await startEngine(page, Engine, o), true);
  assert.equal(page.ready, true);
  assert.deepEqual(page.goodState, { v: 'linked' });
  assert.deepEqual(log, [['notice', 'Loading…'], ['init', 'linked'], ['removed', 'Loading…'], ['ready'], ['emit', 'linked'], ['speed', 7], ['play']]);
});

test('startEngine: a refused state gives way to the fallback, and says so', async () => {
  const { page, Engine, o, log } = fakePage(['bad field', 'ok']);
  assert.equal(await startEngine(page, Engine, o), true);
  assert.deepEqual(page.state, { v: 'defaults' });
  assert.deepEqual(page.goodState, { v: 'defaults' });
  assert.deepEqual(log.find(([k]) => k === 'error'),
    ['error', 'These settings could not be used (bad field); the defaults are shown instead. (a note)']);
  assert.deepEqual(log.slice(-6), [['render', 'defaults'], ['afterFallback'], ['removed', 'Loading…'], ['ready'], ['emit', 'defaults'], ['speed', 7]]);
});

test('startEngine: when the defaults fail too, or the engine is dead, the page is not ready', async () => {
  const twice = fakePage(['bad', 'worse']);
  assert.equal(await startEngine(twice.page, twice.Engine, twice.o), false);
  assert.equal(twice.page.ready, undefined);
  assert.deepEqual(twice.log.at(-1), ['error', 'The training engine failed: worse']);
  const dead = fakePage(['gone']);
  dead.o.init = (state) => { dead.page.engine.dead = true; return dead.page.engine.init(state); };
  assert.equal(await startEngine(dead.page, dead.Engine, dead.o), false);
  assert.equal(dead.log.some(([k]) => k === 'error'), false);   // (onFatal says why, not this)
});

test('PageFiles: a file over the size limit is refused before it is read; a load error changes nothing', async () => {
  const messages = [];
  const page = { enqueue: (fn) => fn(), message: (kind, text) => messages.push([kind, text]) };
  class Files extends PageFiles {
    async importModelText(text, name) {
      const r = await this.loadQueued(() => { throw new Error(`no ${text}`); }, (why) => this.refuse(name, why));
      return !!r;
    }
  }
  const files = new Files(page, { serializeState: () => '', maxModelBytes: 10 });
  let read = false;
  const big = { name: 'big\u202e.json', size: 11, text: async () => { read = true; return ''; } };
  assert.equal(await files.importModel(big), false);
  assert.equal(read, false);
  assert.deepEqual(messages.pop(), ['error', '"big.json" is too large to be a model file (limit 16 MB). Nothing was changed.']);
  assert.equal(await files.importModel({ name: 'm.json', size: 3, text: async () => 'abc' }), false);
  assert.deepEqual(messages.pop(), ['error', 'Could not load m.json: no abc Nothing was changed.']);
});
