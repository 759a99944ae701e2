// worker-start.test.mjs: the pool of workers embed.js starts early (web/js/shared/worker-start.js),
// with a fake Worker, window and document: a prestarted worker is the one the element takes,
// what it sent or failed with before that is handed over, one worker serves one element, and
// one nobody takes is ended after 30 s.
import test, { mock } from 'node:test';
import assert from 'node:assert/strict';

const made = [];
class FakeWorker {
  constructor(url, options) {
    this.url = url;
    this.options = options;
    this.terminated = false;
    made.push(this);
  }
  emit(type, props) {
    const ev = { type, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; }, ...props };
    const handler = type === 'message' ? this.onmessage : this.onerror;
    if (handler) handler(ev);
    return ev;
  }
  terminate() { this.terminated = true; }
  postMessage(msg) { (this.sent ||= []).push(msg); }
}
globalThis.Worker = FakeWorker;
mock.timers.enable({ apis: ['setTimeout'] });   // the pool's 30 s timers: run by tick(), never waited for
globalThis.window = { location: { origin: 'https://site.example' } };
globalThis.document = { baseURI: 'https://site.example/tutorial/page.html' };

const { prestartWorker, startWorker } = await import('../../web/js/shared/worker-start.js');
const URL_A = 'https://site.example/v-1/js/playground/worker.js';

test('a prestarted worker is the one startWorker gives, with what it sent before', () => {
  made.length = 0;
  prestartWorker(new URL(URL_A));
  assert.equal(made.length, 1);
  assert.deepEqual(made[0].options, { type: 'module' });
  const early = made[0].emit('message', { data: { id: 7, ok: true } });
  const failed = made[0].emit('error', { message: 'boom' });
  assert.equal(failed.defaultPrevented, true, 'no uncaught error in the console while it waits');
  const { worker, early: kept } = startWorker('../v-1/js/playground/worker.js');  // the same file, relative
  assert.equal(worker, made[0]);
  assert.deepEqual(kept, [early, failed]);
  assert.equal(worker.onmessage, null, 'the pool lets go of its handlers');
  // the next element gets a worker of its own
  const second = startWorker(URL_A);
  assert.notEqual(second.worker, made[0]);
  assert.deepEqual(second.early, []);
  assert.equal(made.length, 2);
});

test('another file is not served by the pool', () => {
  made.length = 0;
  prestartWorker(URL_A);
  const other = startWorker('https://site.example/v-1/js/recurrent/worker.js');
  assert.notEqual(other.worker, made[0]);
  assert.equal(startWorker(URL_A).worker, made[0]);
});

test('from another origin the worker is a blob: module that imports the real one', () => {
  made.length = 0;
  const blobs = [];
  globalThis.Blob = class { constructor(parts, opts) { this.text = parts.join(''); this.type = opts.type; blobs.push(this); } };
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = () => 'blob:https://tutorial.example/1';
  URL.revokeObjectURL = () => {};
  try {
    const { worker } = startWorker('https://cdn.example/v-1/js/playground/worker.js');
    assert.equal(worker.url, 'blob:https://tutorial.example/1');
    assert.equal(blobs[0].text, 'import "https://cdn.example/v-1/js/playground/worker.js";\n');
  } finally {
    URL.createObjectURL = createObjectURL;
  }
});

test('a prestarted worker nobody takes is ended after 30 s', () => {
  mock.timers.tick(60000);   // (the earlier tests' timers)
  made.length = 0;
  prestartWorker(URL_A);
  mock.timers.tick(29999);
  assert.equal(made[0].terminated, false);
  mock.timers.tick(1);
  assert.equal(made[0].terminated, true);
  assert.notEqual(startWorker(URL_A).worker, made[0], 'an ended worker is not given out');
});

test('an engine that does not load ends the client: pending requests reject, onFatal says why', async () => {
  const { startEngine } = await import('../../web/js/shared/worker-loop.js');
  const { WorkerClient } = await import('../../web/js/shared/worker-client.js');
  // the worker side: the module's own failure becomes an EngineLoadError with its reason
  const failed = await startEngine(() => Promise.reject(new Error('HTTP 404 for backprop.wasm'))).catch((e) => e);
  assert.equal(failed.name, 'EngineLoadError');
  assert.equal(failed.message, 'The training engine could not start (HTTP 404 for backprop.wasm).');
  assert.equal(await startEngine(() => 42), 42);
  // the page side: that answer to init is the end of the engine, not a refused setting
  made.length = 0;
  const fatal = [];
  const client = new WorkerClient(URL_A, { onFatal: (m) => fatal.push(m) });
  const init = client.request('init', {}).catch((e) => e.message);
  const other = client.request('setSpeed', {}).catch((e) => e.message);
  client.receive({ id: 1, ok: false, error: { name: failed.name, message: failed.message } });
  assert.equal(await init, failed.message);
  assert.equal(await other, failed.message);
  assert.deepEqual(fatal, [failed.message]);
  assert.equal(client.dead, true);
  // a refused setting is not fatal
  const second = new WorkerClient(URL_A, { onFatal: (m) => fatal.push(m) });
  const refused = second.request('init', {}).catch((e) => e.message);
  second.receive({ id: 1, ok: false, error: { name: 'Error', message: 'hidden: 0 units' } });
  assert.equal(await refused, 'hidden: 0 units');
  assert.equal(second.dead, false);
  assert.equal(fatal.length, 1);
});
