// edits.js: what the learner changes by hand, as patches on the state: the network diagram's
// editors (features, layers, neurons, activations) and the points of "your own data".

import { problemOf, sanitizePoints, roundPoint, LIMITS } from './state.js';
import { labelClass } from '../shared/colors.js';

/**
 * The network diagram's structure callbacks for the Playground pg (its state, update(patch) and
 * message()).
 */
export function networkEdits(pg) {
  return {
    toggleFeature: (name) => {
      const has = pg.state.features.includes(name);
      if (has && pg.state.features.length === 1) {
        pg.message('notice', 'At least one input feature must stay on.', { timeout: 4000 });
        return;
      }
      pg.update({ features: has ? pg.state.features.filter((f) => f !== name) : [...pg.state.features, name] });
    },
    addLayer: () => {
      if (pg.state.hidden.length >= LIMITS.maxHiddenLayers) return;
      const last = pg.state.hidden[pg.state.hidden.length - 1] || 4;
      pg.update({ hidden: [...pg.state.hidden, last], activations: [...pg.state.activations, pg.state.activations[pg.state.activations.length - 1] || 'tanh'] });
    },
    removeLayer: () => {
      if (!pg.state.hidden.length) return;
      pg.update({ hidden: pg.state.hidden.slice(0, -1) });
    },
    neurons: (l, delta) => {
      const hidden = [...pg.state.hidden];
      hidden[l] = Math.max(1, Math.min(LIMITS.maxNeurons, hidden[l] + delta));
      pg.update({ hidden });
    },
    activation: (l, name) => {
      const activations = [...pg.state.activations];
      activations[l] = name;
      pg.update({ activations });
    },
  };
}

/** A click or drag on the plot with your own data: the points it adds or erases (pg: the Playground). */
export function editPoints(pg, edit) {
  if (pg.state.dataset !== 'custom') return;
  let pts = pg.state.customPoints;
  if (edit.op === 'add') {
    if (pts.length >= LIMITS.maxCustomPoints) {
      pg.boundary.setHint(`Your data can hold up to ${LIMITS.maxCustomPoints} points.`);
      return;
    }
    const label = pg.controls.newPointLabel();
    pts = [...pts, ...edit.points.map(([x, y]) => roundPoint([x, y, label]))];
  } else if (edit.op === 'erase') {
    const r2 = edit.radius * edit.radius;
    pts = pts.filter(([x, y]) => (x - edit.x) ** 2 + (y - edit.y) ** 2 > r2);
    if (pts.length === pg.state.customPoints.length) return;
  }
  pg.update({ customPoints: pts });
}

/** Your own data starts from the points on screen (so you can edit a data set). */
export function customFromCurrentData(prev, points) {
  const problem = problemOf(prev);
  const task = problem.kind === 'regress' ? 'regress' : 'classify';
  const pts = [];
  for (const set of [points.train, points.test]) {
    for (let i = 0; i + 2 < set.length; i += 3) {
      const label = task === 'regress' ? Math.max(-1, Math.min(1, set[i + 2])) : labelClass(set[i + 2], problem.classes);
      pts.push([set[i], set[i + 1], label]);
    }
  }
  return { customTask: task, customPoints: sanitizePoints(pts, task).slice(0, LIMITS.maxCustomPoints) };
}

/** Your own data with fewer than two points cannot be trained on (the engine needs data). */
export function tooFewPoints(state) {
  return state.dataset === 'custom' && state.customPoints.length < 2;
}

/** A small starting set for "your own data" opened from a link without points. */
export function starterPoints(task) {
  const pts = [];
  const offsets = [[0, 0], [0.8, 0.3], [-0.5, 0.7], [0.4, -0.8], [-0.7, -0.4]];
  for (const [dx, dy] of offsets) {
    pts.push([-2.5 + dx, -2.5 + dy, task === 'regress' ? -0.8 : 0]);
    pts.push([2.5 + dx, 2.5 + dy, task === 'regress' ? 0.8 : 1]);
  }
  return pts;
}
