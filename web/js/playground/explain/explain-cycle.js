// explain/explain-cycle.js: the explainer's phase script. One training step is a cycle of
// steps (forward through the layers, the loss, backward through the layers, the update; see
// explain-model.js's cycleSteps): Next and Prev move one step, a phase button jumps to the
// phase's first step, Next on the last step applies the explained update as one training step
// (the first frame after it gives the boundary "after") and then starts the next cycle. Each
// function takes the Explainer it moves (explainer.js).

import { phaseStart, chainRulePath } from './explain-model.js';

export function next(ex) {
  if (!ex.trace || ex.busy) return undefined;
  if (ex.index < ex.steps.length - 1) {
    ex.index++;
    ex.render();
    return undefined;
  }
  return ex.committed ? ex.newCycle() : ex.apply();
}

export function prev(ex) {
  if (!ex.trace || ex.busy || ex.index === 0) return;
  ex.index--;
  ex.render();
}

export function goPhase(ex, id) {
  if (!ex.trace || ex.busy) return;
  ex.index = phaseStart(ex.steps, id);
  ex.render();
}

export function setFocus(ex, n) {
  if (!ex.trace) return;
  ex.focus = Math.max(0, Math.min(ex.trace.N - 1, n));
  if (ex.inspect && ex.inspect.type === 'link' && ex.inspect.chain) {
    ex.inspect = { ...ex.inspect, path: chainRulePath(ex.trace, ex.layout(), ex.inspect.chain, ex.focus) };
  }
  ex.render();
}

/** Applies the explained update (exactly the Δw shown) as one training step. */
export async function apply(ex) {
  if (!ex.trace || ex.committed) return;
  ex.index = ex.steps.length - 1;
  ex.before = ex.gridNow() || ex.before;
  const expected = ex.trace.step + 1;
  const stats = await ex.request(() => ex.engine.commitExplained());
  if (!stats) return;
  ex.committed = true;
  ex.prevLoss = ex.trace.loss;
  ex.waitAfter = expected;
  if (ex.inspect && ex.inspect.type === 'link') ex.inspect = { ...ex.inspect };
  ex.render();
  const f = ex.hooks.lastFrame();
  if (f && f.stats.step >= expected) ex.onFrame(f);
}

/** After an update: the next cycle, on the same example or the next mini-batch. */
export async function newCycle(ex) {
  const prevLoss = ex.prevLoss;
  if (ex.mode === 'batch') await ex.useBatch();
  else await ex.explainSelection();
  ex.prevLoss = ex.mode === 'point' ? prevLoss : null;
  ex.render();
}

/** Every drawn frame: catches the first one after an applied update. */
export function onFrame(ex, frame) {
  if (!ex.active) return;
  if (ex.waitAfter && frame.stats.step >= ex.waitAfter) {
    ex.waitAfter = 0;
    ex.after = ex.gridNow();
    ex.render();
  }
}
