// shared/lesson.js: the lesson format (docs/embed.md, "Lessons"). A lesson is a sequence of
// steps an author writes for an embedded page; each step may change the state, shows a caption,
// may highlight controls, and may wait for a condition before Next opens:
//
//   { "title": "Backprop on XOR",
//     "steps": [
//       { "caption": "Press play.", "state": { "dataset": "xor", "hidden": "4,4" },
//         "highlight": ["play"], "wait": "played" },
//       { "caption": "Wait for the test loss to fall.", "wait": "epoch >= 300 and testLoss < 0.1" } ] }
//
// Nothing in a lesson is evaluated or inserted as HTML: captions are text, a state goes through
// the page's own URL parser, and a condition is parsed here into comparisons of named figures.
// Pure functions (no DOM), so Node tests check them.

import { splitParams } from './url-state.js';
import { fmtInt } from './dom.js';

export const LIMITS = { steps: 100, caption: 2000, condition: 200, highlights: 12, title: 200, state: 200000 };

const OPS = {
  '>=': (a, b) => a >= b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};
const OP_TEXT = { '>=': '≥', '<=': '≤', '>': '>', '<': '<', '==': '=', '!=': '≠' };
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Parses a condition: clauses joined by "and" (or "&&"); a clause is a figure name alone (true
 * when the figure is non-zero: "played") or a figure, an operator (>= <= > < == !=) and a number.
 * @param {string} text
 * @param {string[]} names  the figures the page reports (epoch, testLoss, played, ...)
 * @returns {{ ok: true, clauses: {name, op, value}[] } | { ok: false, error: string }}
 */
export function parseCondition(text, names) {
  if (typeof text !== 'string' || !text.trim()) return { ok: false, error: 'a condition must be text such as "epoch >= 500"' };
  if (text.length > LIMITS.condition) return { ok: false, error: `a condition is at most ${LIMITS.condition} characters` };
  const clauses = [];
  for (const part of text.split(/\s+and\s+|\s*&&\s*/i)) {
    const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(?:(>=|<=|==|!=|>|<)\s*([^\s<>=!]\S*))?\s*$/.exec(part);
    if (!m) return { ok: false, error: `"${part.trim().slice(0, 60)}" is not a comparison such as "epoch >= 500"` };
    const [, name, op, num] = m;
    if (!names.includes(name)) {
      return { ok: false, error: `"${name.slice(0, 40)}" is not a figure this page reports (it has ${names.join(', ')})` };
    }
    if (op === undefined) {
      clauses.push({ name, op: '!=', value: 0 });
      continue;
    }
    if (!NUMBER.test(num)) return { ok: false, error: `"${num.slice(0, 40)}" in "${part.trim().slice(0, 60)}" is not a number` };
    clauses.push({ name, op, value: Number(num) });
  }
  return { ok: true, clauses };
}

/** Whether figures (name -> number or boolean) meet every clause; a missing figure does not. */
export function conditionMet(clauses, figures) {
  return clauses.every(({ name, op, value }) => {
    const v = Number(figures[name]);
    return Number.isFinite(v) && OPS[op](v, value);
  });
}

/** The condition as a learner reads it, with the figures now: "epoch ≥ 500 (now 231)". */
export function describeCondition(clauses, figures = {}) {
  return clauses.map(({ name, op, value }) => {
    const now = figures[name];
    const shown = typeof now === 'number' && Number.isFinite(now) ? ` (now ${formatFigure(now)})` : '';
    if (op === '!=' && value === 0) return `${name}${now !== undefined ? (Number(now) ? ' ✓' : '') : ''}`;
    return `${name} ${OP_TEXT[op]} ${formatFigure(value)}${shown}`;
  }).join(' and ');
}

function formatFigure(v) {
  if (Number.isInteger(v)) return fmtInt(v);
  return String(Number(v.toPrecision(3)));
}

/**
 * Checks a lesson written as JSON (text or an already parsed object).
 * @param {string|object} input
 * @param {{ figures: string[], settings: string[], regions: string[], explain: string[] }} page
 *   what the page offers: figure names for conditions, setting keys (and aliases) a step's state
 *   may use, highlight names besides the settings, explain-mode phases ([] if it has none)
 * @returns {{ ok: true, lesson: { title, steps } } | { ok: false, error: string }}
 *   each step: { caption, state (object of setting key -> text, or null), highlight: string[],
 *   wait: clauses or null, waitText, explain (phase or null) }
 */
export function parseLesson(input, page) {
  let data = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input);
    } catch (e) {
      return { ok: false, error: `the lesson is not valid JSON (${e.message})` };
    }
  }
  if (Array.isArray(data)) data = { steps: data };
  if (!data || typeof data !== 'object' || !Array.isArray(data.steps)) {
    return { ok: false, error: 'a lesson is an object with a "steps" list' };
  }
  if (data.steps.length === 0) return { ok: false, error: 'the lesson has no steps' };
  if (data.steps.length > LIMITS.steps) return { ok: false, error: `a lesson has at most ${LIMITS.steps} steps` };
  const title = data.title === undefined ? '' : data.title;
  if (typeof title !== 'string' || title.length > LIMITS.title) {
    return { ok: false, error: `the lesson's "title" must be text of at most ${LIMITS.title} characters` };
  }
  const steps = [];
  for (let i = 0; i < data.steps.length; i++) {
    const r = parseStep(data.steps[i], page);
    if (!r.ok) return { ok: false, error: `step ${i + 1}: ${r.error}` };
    steps.push(r.step);
  }
  return { ok: true, lesson: { title, steps } };
}

const STEP_KEYS = ['caption', 'state', 'highlight', 'wait', 'explain'];

function parseStep(s, page) {
  if (!s || typeof s !== 'object' || Array.isArray(s)) return { ok: false, error: 'a step is an object such as { "caption": "…" }' };
  for (const k of Object.keys(s)) {
    if (!STEP_KEYS.includes(k)) return { ok: false, error: `"${k.slice(0, 40)}" is not a step field (${STEP_KEYS.join(', ')})` };
  }
  if (typeof s.caption !== 'string' || !s.caption.trim()) return { ok: false, error: 'every step needs a "caption" (text)' };
  if (s.caption.length > LIMITS.caption) return { ok: false, error: `a caption is at most ${LIMITS.caption} characters` };
  const step = { caption: s.caption.trim(), state: null, highlight: [], wait: null, waitText: '', explain: null };

  if (s.state !== undefined) {
    const st = stateOf(s.state, page.settings);
    if (!st.ok) return st;
    step.state = st.state;
  }
  if (s.highlight !== undefined) {
    const list = typeof s.highlight === 'string' ? s.highlight.split(/[\s,]+/).filter(Boolean) : s.highlight;
    if (!Array.isArray(list) || list.length > LIMITS.highlights || !list.every((x) => typeof x === 'string')) {
      return { ok: false, error: `"highlight" is a list of at most ${LIMITS.highlights} control names` };
    }
    for (const name of list) {
      if (!page.settings.includes(name) && !page.regions.includes(name)) {
        return { ok: false, error: `"${name.slice(0, 40)}" is not a control to highlight (a setting, or one of ${page.regions.join(', ')})` };
      }
    }
    step.highlight = list;
  }
  if (s.wait !== undefined) {
    const c = parseCondition(s.wait, page.figures);
    if (!c.ok) return c;
    step.wait = c.clauses;
    step.waitText = s.wait;
  }
  if (s.explain !== undefined) {
    if (!page.explain.length) return { ok: false, error: 'this page has no explain mode' };
    if (!page.explain.includes(s.explain)) {
      return { ok: false, error: `"explain" is one of ${page.explain.join(', ')}` };
    }
    step.explain = s.explain;
  }
  return { ok: true, step };
}

/** A step's state: an object of settings, or link text "a=1&b=2"; values become text. */
function stateOf(state, settings) {
  let pairs;
  if (typeof state === 'string') {
    // read as a link is (percent escapes decoded), by the page kit's own splitter
    const split = splitParams(state, LIMITS.state);
    if (split.notices.length) return { ok: false, error: split.notices[0] };
    pairs = split.pairs;
  } else if (state && typeof state === 'object' && !Array.isArray(state)) {
    pairs = Object.entries(state);
  } else {
    return { ok: false, error: '"state" is an object of settings or a link such as "dataset=xor&hidden=4,4"' };
  }
  const out = {};
  for (const [k, v] of pairs) {
    if (!settings.includes(k)) return { ok: false, error: `"${String(k).slice(0, 40)}" in "state" is not a setting of this page` };
    if (!['string', 'number', 'boolean'].includes(typeof v)) return { ok: false, error: `the value of "${k}" must be text or a number` };
    out[k] = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  }
  return { ok: true, state: out };
}

/**
 * A lesson written as child elements:
 *   <backprop-step state="dataset=xor" wait="epoch >= 100" highlight="play lr">Caption</backprop-step>
 * Reads each element's attributes and its text (never its HTML) into the JSON form.
 */
export function lessonFromElements(elements, title = '') {
  const steps = elements.map((el) => {
    const step = { caption: (el.textContent || '').replace(/\s+/g, ' ').trim() };
    for (const k of ['state', 'wait', 'highlight', 'explain']) {
      if (el.hasAttribute(k)) step[k] = el.getAttribute(k);
    }
    return step;
  });
  return { title, steps };
}
