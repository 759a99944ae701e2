// shared/worker-loop.js: the training loop of a page's worker (docs/engine-protocol.md).
//
// One WorkerLoop per worker. It owns what every page's worker does the same way: training in
// slices of a few ms within a speed limit, frame pacing (a frame when something changed, at most
// MAX_IN_FLIGHT unacknowledged, at most one per SLOW_FRAME_MS at slow speeds), play / pause /
// speed / frame / dispose, the message dispatch of the envelope, and the guarded loop turn (an
// exception becomes a { type: 'error' } message; training pauses, the loop lives on). What is the
// page's own comes in as callbacks: one step(n) call on its session, the next slice size, the
// frame's contents, its requests. The clock is injected, so Node tests drive it with a fake one.

export const MAX_IN_FLIGHT = 2;   // frames posted but not yet drawn
export const SLOW_FRAME_MS = 33;  // at slow speeds (<= 30 per second) one frame per this is enough

const TRANSFER = Symbol('transfer');

/** An answer whose buffers are moved to the page, not copied. */
export function transferable(value, buffers) {
  return { [TRANSFER]: { value, buffers } };
}

/**
 * The clock of a real worker: performance.now, setTimeout, and `defer`, a yield to the event
 * loop without setTimeout's 4 ms clamp (a message to ourselves).
 */
export function workerClock() {
  const channel = new MessageChannel();
  let pending = null;
  channel.port1.onmessage = () => { const f = pending; pending = null; if (f) f(); };
  return {
    now: () => performance.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h),
    defer: (fn) => { pending = fn; channel.port2.postMessage(0); },
  };
}

/**
 * Steps per second while playing, measured over windows of at least `windowMs` (0 when paused).
 * reset(now, count) starts a window; update(playing, count, now) returns the rate.
 */
export class RateMeter {
  constructor(windowMs = 500) {
    this.windowMs = windowMs;
    this.reset(0, 0);
  }

  reset(now, count) {
    this.t = now;
    this.count = count;
    this.perSec = 0;
  }

  update(playing, count, now) {
    if (!playing) {
      this.perSec = 0;
    } else if (now - this.t >= this.windowMs) {
      this.perSec = ((count - this.count) * 1000) / (now - this.t);
      this.t = now;
      this.count = count;
    }
    return this.perSec;
  }
}

export class WorkerLoop {
  /**
   * @param {object} o
   * @param {object} o.clock        { now(), setTimeout(fn, ms), clearTimeout(h), defer(fn) }
   * @param {Function} o.post       (message, transfer?) -> void: to the page
   * @param {Function} o.ready      () -> bool: a session exists (requests but init need one)
   * @param {Function} o.step       (n) -> stats: n training steps; stats.diverged / .stalled stop play
   * @param {Function} o.nextChunk  (n, ms) -> steps for the next call (a call of n took ms)
   * @param {Function} o.buildFrame (seq) -> { frame, transfer }: the page's frame contents
   * @param {Function} [o.trainBudget]  () -> ms of training per loop turn (default 14)
   * @param {Function} [o.stepsPerUnit] () -> steps per unit of speed (default 1)
   * @param {Function} [o.onPlay]   (started) on every play request (the page clears a divergence;
   *                                 started: it was paused, the page resets its rate)
   * @param {Function} [o.onDispose] frees the session
   * @param {number} [o.maxSleepMs] longest sleep when the speed limit holds training back
   * @param {object} [o.handlers]   the page's requests: cmd -> (msg) -> result (may be async)
   */
  constructor(o) {
    this.clock = o.clock;
    this.post = o.post;
    this.ready = o.ready;
    this.stepSession = o.step;
    this.nextChunk = o.nextChunk;
    this.buildFrame = o.buildFrame;
    this.trainBudget = o.trainBudget || (() => 14);
    this.stepsPerUnit = o.stepsPerUnit || (() => 1);
    this.onPlay = o.onPlay || (() => {});
    this.onDispose = o.onDispose || (() => {});
    this.maxSleepMs = o.maxSleepMs || 16;
    this.handlers = { ...this.ownHandlers(), ...(o.handlers || {}) };

    this.playing = false;
    this.speed = 0;          // per second (the page's unit); 0 = as fast as possible
    this.stats = null;       // the last stats, sent with every frame
    this.seq = 0;            // last frame posted
    this.ackedSeq = 0;       // the page drew (or skipped) every frame up to this one
    this.dirty = true;       // something changed since the last frame
    this.chunk = 1;          // steps per step() call
    this.allowance = 0;      // steps the speed limit allows right now
    this.lastTick = 0;
    this.lastFrameTime = 0;
    this.scheduled = false;  // a loop turn is deferred
    this.sleepTimer = null;  // a loop turn waits for the speed limit
    this.disposed = false;
  }

  /** A new session: the next slice starts small, the next frame shows it. */
  rebuilt() {
    this.chunk = 1;
    this.dirty = true;
  }

  /** One loop turn later (at most one is pending). */
  schedule() {
    if (this.scheduled || this.disposed) return;
    this.scheduled = true;
    this.clock.defer(() => { this.scheduled = false; this.safeTick(); });
  }

  /** The loop must never die silently: an error pauses training and is reported. */
  safeTick() {
    try {
      this.tick();
    } catch (e) {
      this.playing = false;
      this.dirty = true;
      this.post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  }

  tick() {
    if (this.disposed || !this.ready()) return;
    const trained = this.playing ? this.train(this.trainBudget()) : 0;
    if (this.seq - this.ackedSeq < MAX_IN_FLIGHT && this.dirty && this.frameDue()) this.postFrame();
    if (!this.playing) return;
    if (this.speed > 0 && trained === 0) {
      // Held back by the speed limit: sleep until the next step is due (no busy loop).
      const msPerStep = 1000 / (this.speed * this.stepsPerUnit());
      const wait = Math.max(1, Math.min(this.maxSleepMs, (1 - this.allowance) * msPerStep));
      if (this.sleepTimer === null) {
        this.sleepTimer = this.clock.setTimeout(() => { this.sleepTimer = null; this.schedule(); }, wait);
      }
    } else {
      this.schedule();
    }
  }

  frameDue() {
    if (!this.playing || this.speed === 0 || this.speed > 30) return true;
    return this.clock.now() - this.lastFrameTime >= SLOW_FRAME_MS;
  }

  /** Trains for about `budget` ms, within the speed limit; returns the steps taken. */
  train(budget) {
    const now = this.clock.now;
    let taken = 0;
    const t0 = now();
    if (this.speed > 0) {
      const perMs = (this.speed * this.stepsPerUnit()) / 1000;
      this.allowance = Math.min(this.allowance + (t0 - this.lastTick) * perMs, Math.max(1, perMs * 250));
    }
    this.lastTick = t0;
    while (now() - t0 < budget) {
      let n = this.chunk;
      if (this.speed > 0) {
        n = Math.min(n, Math.floor(this.allowance));
        if (n < 1) break;
      }
      const ts = now();
      const s = this.stepSession(n);
      const dt = now() - ts;
      this.stats = s;
      this.dirty = true;
      if (this.speed > 0) this.allowance -= n;
      taken += n;
      this.chunk = this.nextChunk(n, dt);
      if (s.diverged || s.stalled) {
        this.playing = false;   // the session kept (or restored) its weights; the page explains
        break;
      }
    }
    return taken;
  }

  postFrame() {
    this.lastFrameTime = this.clock.now();
    const { frame, transfer } = this.buildFrame(this.seq + 1);
    this.seq++;
    this.dirty = false;
    this.post({ type: 'frame', frame }, transfer);
  }

  /** The requests every page has: play, pause, speed, frame, dispose. */
  ownHandlers() {
    return {
      play: ({ speed }) => {
        if (typeof speed === 'number') this.speed = speed;
        const started = !this.playing;
        if (started) {
          this.playing = true;
          this.lastTick = this.clock.now();
          this.allowance = 0;
        }
        this.onPlay(started);
        this.dirty = true;
        return null;
      },
      pause: () => {
        this.playing = false;
        this.dirty = true;
        return null;
      },
      speed: ({ speed }) => {
        this.speed = speed;
        this.allowance = 0;
        return null;
      },
      frame: () => {
        this.dirty = true;
        this.ackedSeq = this.seq;
        return null;
      },
      dispose: () => {
        this.playing = false;
        this.disposed = true;
        if (this.sleepTimer !== null) this.clock.clearTimeout(this.sleepTimer);
        this.sleepTimer = null;
        this.onDispose();
        return null;
      },
    };
  }

  /** One message from the page: an ack, or a request answered { id, ok, result | error }. */
  async onMessage(msg = {}) {
    if (msg.cmd === 'ack') {
      this.ackedSeq = Math.max(this.ackedSeq, Math.min(this.seq, Number(msg.seq) || 0));
      if (!this.playing && this.dirty) this.schedule();
      return;
    }
    const handler = Object.prototype.hasOwnProperty.call(this.handlers, msg.cmd) ? this.handlers[msg.cmd] : null;
    try {
      if (!handler) throw new Error(`unknown request "${msg.cmd}"`);
      if (!this.ready() && msg.cmd !== 'init') throw new Error('the engine is not loaded yet');
      const result = await handler(msg);
      if (result && result[TRANSFER]) {
        const { value, buffers } = result[TRANSFER];
        this.post({ id: msg.id, ok: true, result: value }, buffers);
      } else {
        this.post({ id: msg.id, ok: true, result });
      }
    } catch (e) {
      const err = e instanceof Error ? e : new Error(typeof e === 'number' ? `engine error ${e}` : String(e));
      this.post({ id: msg.id, ok: false, error: { name: err.name, message: err.message } });
    }
    this.schedule();
  }

  /** Serves a worker's messages: `scope` is the worker's `self`. */
  listen(scope) {
    scope.onmessage = (ev) => this.onMessage(ev.data || {});
  }
}

/**
 * Starts loading the engine (the Emscripten module: fetching and compiling its wasm) now, as the
 * worker starts, so that it overlaps the page's own start-up; `init` awaits the promise. A module
 * that cannot load rejects with an EngineLoadError, which the page side (shared/worker-client.js)
 * treats as the end of the engine rather than as settings it refused.
 */
export function startEngine(createModule) {
  const loading = Promise.resolve().then(createModule).catch((e) => {
    const err = new Error(`The training engine could not start (${(e && e.message) || e}).`);
    err.name = 'EngineLoadError';
    throw err;
  });
  loading.catch(() => {});   // (the rejection is init's answer, not an unhandled one)
  return loading;
}
