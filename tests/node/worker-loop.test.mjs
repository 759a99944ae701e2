// Tests of web/js/shared/worker-loop.js: the workers' training loop, driven by a fake clock and a
// fake session (no wasm, no Worker). Each step(n) call of the fake session costs `msPerCall` ms
// of fake time; deferred turns and timers run only when the test says so.
import test from 'node:test';
import assert from 'node:assert/strict';
import { WorkerLoop, MAX_IN_FLIGHT, transferable } from '../../web/js/shared/worker-loop.js';

function fakeClock() {
  const c = {
    t: 0,
    deferred: [],
    timers: new Map(),
    nextId: 1,
    now: () => c.t,
    defer: (fn) => c.deferred.push(fn),
    setTimeout: (fn, ms) => { const id = c.nextId++; c.timers.set(id, { fn, at: c.t + ms }); return id; },
    clearTimeout: (id) => c.timers.delete(id),
    /** Runs the deferred turns, up to `max` of them; returns how many ran. */
    run(max = 1000) {
      let n = 0;
      while (c.deferred.length && n < max) { c.deferred.shift()(); n++; }
      return n;
    },
    /** Moves time on by ms and fires the timers that are due. */
    advance(ms) {
      c.t += ms;
      for (const [id, tm] of [...c.timers]) if (tm.at <= c.t) { c.timers.delete(id); tm.fn(); }
    },
  };
  return c;
}

function setup({ msPerCall = 1, stepsPerUnit = 1, failAt = -1, divergeAt = -1 } = {}) {
  const clock = fakeClock();
  const posted = [];
  const calls = [];         // n of every step(n) call
  const session = { step: 0, alive: true };
  let built = 0;
  const loop = new WorkerLoop({
    clock,
    post: (msg, transfer) => posted.push({ msg, transfer }),
    ready: () => session.alive,
    step(n) {
      calls.push(n);
      clock.t += msPerCall;
      if (calls.length === failAt) throw new Error('boom in step');
      session.step += n;
      return { step: session.step, diverged: calls.length === divergeAt, message: '' };
    },
    nextChunk: (n) => 2 * n,   // doubles each call: easy to follow
    trainBudget: () => 10,
    stepsPerUnit: () => stepsPerUnit,
    maxSleepMs: 16,
    buildFrame: (seq) => { built++; return { frame: { seq, step: session.step }, transfer: [] }; },
    onDispose: () => { session.alive = false; },
    handlers: {
      echo: ({ x }) => x * 2,
      bulk: () => { const a = new Float64Array(3); return transferable({ a }, [a.buffer]); },
      fail: () => { throw new RangeError('x must be in [0, 1]'); },
    },
  });
  const frames = () => posted.filter((p) => p.msg.type === 'frame').map((p) => p.msg.frame);
  const answers = () => posted.filter((p) => 'id' in p.msg).map((p) => p.msg);
  const ackAll = () => loop.onMessage({ cmd: 'ack', seq: loop.seq });
  return { clock, loop, posted, calls, session, frames, answers, ackAll, built: () => built };
}

test('play trains slices of the budget until pause; paused, no step is taken', async () => {
  const h = setup({ msPerCall: 1 });
  await h.loop.onMessage({ id: 1, cmd: 'play', speed: 0 });
  assert.deepEqual(h.answers()[0], { id: 1, ok: true, result: null });
  assert.equal(h.loop.playing, true);
  h.clock.run(1);
  // budget 10 ms, 1 ms per call: 10 calls, chunk 1, 2, 4, ... (nextChunk doubles)
  assert.deepEqual(h.calls, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
  assert.equal(h.session.step, 1023);
  assert.equal(h.loop.chunk, 1024);
  h.ackAll();
  h.clock.run(3);
  assert.equal(h.calls.length, 40);
  await h.loop.onMessage({ id: 2, cmd: 'pause' });
  assert.equal(h.loop.playing, false);
  const before = h.calls.length;
  for (let i = 0; i < 20; i++) { h.ackAll(); h.clock.run(); h.clock.advance(20); }
  assert.equal(h.calls.length, before);
  assert.equal(h.clock.deferred.length, 0);
  assert.equal(h.clock.timers.size, 0);
  // the pause is shown: the last frame says the session's step after the last slice
  const last = h.frames().at(-1);
  assert.equal(last.step, h.session.step);
});

test('no more than MAX_IN_FLIGHT = 2 frames are unacknowledged; an ack lets the next one out', async () => {
  const h = setup();
  assert.equal(MAX_IN_FLIGHT, 2);
  await h.loop.onMessage({ id: 1, cmd: 'play', speed: 0 });
  h.clock.run(50);
  assert.equal(h.frames().length, 2);
  assert.deepEqual(h.frames().map((f) => f.seq), [1, 2]);
  assert.ok(h.calls.length >= 500, 'training goes on while frames wait');
  await h.loop.onMessage({ cmd: 'ack', seq: 1 });
  h.clock.run(5);
  assert.equal(h.frames().length, 3);
  assert.equal(h.frames()[2].seq, 3);
  // an ack beyond the last frame posted counts only up to it
  await h.loop.onMessage({ cmd: 'ack', seq: 99 });
  assert.equal(h.loop.ackedSeq, 3);
  h.clock.run(5);
  assert.equal(h.frames().length, 5);
  // the 'frame' request marks all acknowledged
  await h.loop.onMessage({ id: 2, cmd: 'frame' });
  assert.equal(h.loop.ackedSeq, 5);
});

test('speed limits the steps: allowance = speed · stepsPerUnit per second, sleeps when held back', async () => {
  // 10 epochs/s at 5 steps per epoch: 50 steps/s, one step every 20 ms
  const h = setup({ msPerCall: 0.5, stepsPerUnit: 5 });
  h.loop.chunk = 100;
  await h.loop.onMessage({ id: 1, cmd: 'play', speed: 10 });
  h.clock.run(1);
  assert.deepEqual(h.calls, [], 'nothing is allowed at the very start');
  // held back: a timer of (1 - allowance) · 20 ms capped at maxSleepMs = 16
  assert.equal(h.clock.timers.size, 1);
  assert.equal([...h.clock.timers.values()][0].at - h.clock.t, 16);
  for (let i = 0; i < 63; i++) { h.clock.advance(16); h.ackAll(); h.clock.run(); }
  // about 1 s of fake time (1008 ms plus 0.5 ms per call): 50 steps allowed
  const total = h.calls.reduce((a, b) => a + b, 0);
  assert.ok(total >= 49 && total <= 51, `steps in ~1 s at 50/s: ${total}`);
  assert.ok(h.calls.every((n) => n <= 2), `slices within the allowance: ${h.calls}`);
  // a faster speed: larger slices
  await h.loop.onMessage({ id: 2, cmd: 'speed', speed: 1000 });
  assert.equal(h.loop.speed, 1000);
  assert.equal(h.loop.allowance, 0);
  h.calls.length = 0;
  const t0 = h.clock.t;
  for (let i = 0; i < 100; i++) { h.clock.advance(16); h.ackAll(); h.clock.run(1); }
  const fast = h.calls.reduce((a, b) => a + b, 0);
  const perSec = (fast * 1000) / (h.clock.t - t0);
  assert.ok(perSec > 4500 && perSec <= 5000, `steps per second at 1000 epochs/s · 5: ${perSec}`);
  assert.ok(Math.max(...h.calls) >= 40, `larger slices: ${Math.max(...h.calls)}`);
});

test('an exception in a slice becomes an error message, pauses, and the loop lives on', async () => {
  const h = setup({ failAt: 3 });
  await h.loop.onMessage({ id: 1, cmd: 'play', speed: 0 });
  h.clock.run(1);
  const errors = h.posted.filter((p) => p.msg.type === 'error').map((p) => p.msg);
  assert.deepEqual(errors, [{ type: 'error', message: 'boom in step' }]);
  assert.equal(h.loop.playing, false);
  assert.equal(h.loop.dirty, true);
  assert.equal(h.session.step, 3);   // calls 1 and 2 (1 + 2 steps) went through
  // it lives on: requests are answered and play trains again
  await h.loop.onMessage({ id: 2, cmd: 'echo', x: 21 });
  assert.deepEqual(h.answers().at(-1), { id: 2, ok: true, result: 42 });
  await h.loop.onMessage({ id: 3, cmd: 'play' });
  h.clock.run(1);
  assert.ok(h.session.step > 3);
  assert.equal(h.loop.playing, true);
});

test('a divergence stops playing', async () => {
  const h = setup({ divergeAt: 4 });
  await h.loop.onMessage({ id: 1, cmd: 'play', speed: 0 });
  h.clock.run();
  assert.equal(h.calls.length, 4);
  assert.equal(h.loop.playing, false);
  assert.equal(h.loop.stats.diverged, true);
});

test('dispatch: unknown requests, requests before init, errors and transferred answers', async () => {
  const h = setup();
  await h.loop.onMessage({ id: 1, cmd: 'nope' });
  await h.loop.onMessage({ id: 2, cmd: 'fail' });
  await h.loop.onMessage({ id: 3, cmd: 'bulk' });
  const [a, b] = h.answers();
  assert.deepEqual(a, { id: 1, ok: false, error: { name: 'Error', message: 'unknown request "nope"' } });
  assert.deepEqual(b, { id: 2, ok: false, error: { name: 'RangeError', message: 'x must be in [0, 1]' } });
  const c = h.posted.find((p) => p.msg.id === 3);
  assert.equal(c.msg.result.a.length, 3);
  assert.equal(c.transfer.length, 1);
  assert.equal(c.transfer[0], c.msg.result.a.buffer);
  h.session.alive = false;
  await h.loop.onMessage({ id: 4, cmd: 'echo', x: 1 });
  assert.deepEqual(h.answers().at(-1), { id: 4, ok: false, error: { name: 'Error', message: 'the engine is not loaded yet' } });
});

test('dispose stops everything: no more slices, frames, turns or timers', async () => {
  const h = setup({ msPerCall: 0.5 });
  await h.loop.onMessage({ id: 1, cmd: 'play', speed: 1 });   // slow: a sleep timer is pending
  h.clock.run();
  assert.equal(h.clock.timers.size, 1);
  await h.loop.onMessage({ id: 2, cmd: 'dispose' });
  assert.deepEqual(h.answers().at(-1), { id: 2, ok: true, result: null });
  assert.equal(h.session.alive, false);
  assert.equal(h.loop.playing, false);
  assert.equal(h.clock.timers.size, 0);
  const calls = h.calls.length;
  const frames = h.frames().length;
  for (let i = 0; i < 10; i++) { h.clock.advance(100); h.clock.run(); h.ackAll(); }
  assert.equal(h.calls.length, calls);
  assert.equal(h.frames().length, frames);
  assert.equal(h.clock.deferred.length, 0);
  await h.loop.onMessage({ id: 3, cmd: 'play' });
  assert.equal(h.answers().at(-1).ok, false);
  h.clock.run();
  assert.equal(h.calls.length, calls);
});

test('RateMeter: steps per second over windows of 500 ms while playing, 0 when paused', async () => {
  const { RateMeter } = await import('../../web/js/shared/worker-loop.js');
  const r = new RateMeter();
  r.reset(1000, 10);
  assert.equal(r.update(true, 60, 1400), 0);     // 400 ms: the window is not full yet
  assert.equal(r.update(true, 110, 1500), 200);  // (110 − 10) steps in 0.5 s
  assert.equal(r.update(true, 150, 1900), 200);  // kept until the next window is full
  assert.equal(r.update(true, 410, 2500), 300);  // (410 − 110) in 1 s
  assert.equal(r.update(false, 410, 2600), 0);   // paused
});
