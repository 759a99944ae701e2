// recurrent/controls.js: every control of the recurrent page: the run bar (reset, play/pause,
// step, speed, counters), the mode switch, the settings of each mode, the pickers of what is
// inspected (held-out sequence, pattern, completion cue) and the file bar (share, export, import).
// Widgets report changes as state patches through `on.change(patch)` and commands through
// `on.action(name, arg)`; `render(state)` syncs them. Same markup classes as the static page's
// controls (web/js/playground/views/controls.js), so playground.css styles both alike.

import { h, fmt, fmtCount, fmtInt } from '../shared/dom.js';
import { ControlPanel } from '../shared/widgets.js';
import {
  MODES, MODE_LABELS, SEQ_TASKS, SEQ_TASK_LABELS, CELLS, CELL_LABELS, OPTIMIZERS, OPTIMIZER_LABELS,
  FP_TASKS, FP_TASK_LABELS, FONT, SPEEDS, LIMITS, evaluationPatterns, speedOf,
} from './state.js';

const LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];
const LENGTHS = [5, 10, 20, 30, 50, 100, 200];
const HIDDEN = [2, 4, 8, 16, 32, 64, 128];
const TRUNCATIONS = [0, 1, 2, 3, 5, 10, 20, 50];
const CLIPS = [0, 0.1, 0.5, 1, 5, 10];
const BATCHES = [1, 4, 16, 32, 64];
const FP_HIDDEN = [0, 1, 2, 3, 4, 6, 8, 10, 16, 24, 32];
const DAMAGE = [0, 1, 2, 3, 4, 5, 6, 8, 10, 12];
const STEP_SIZES = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1];
const TOLERANCES = [1e-4, 1e-6, 1e-8, 1e-10, 1e-12];
const ITERATIONS = [20, 50, 100, 200, 500, 1000, 2000, 5000];
const CUE_DAMAGE = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12];

export class RecurrentControls extends ControlPanel {
  /** @param {{ change: (patch) => void, action: (name, arg) => void }} on */
  constructor(on) {
    super(on, 'rcc');
    this.runBar = this.buildRunBar();
    this.modeSwitch = this.buildModeSwitch();
    this.seqHyper = this.buildSeqHyper();
    this.fpHyper = this.buildFpHyper();
    this.sampleField = this.field('Held-out sequence', this.select('sample',
      Array.from({ length: LIMITS.testSequences }, (_, i) => [i, `#${i}`]), (v) => ({ sample: Number(v) })));
    this.patternSelect = this.select('pattern', [], (v) => ({ pattern: Number(v) }));
    this.patternField = this.field('Pattern shown', this.patternSelect);
    this.cueControls = this.buildCueControls();
    this.files = this.buildFiles();
  }

  // ---- run bar and mode ----------------------------------------------------------------------

  buildRunBar() {
    const bar = this.runBar({
      resetLabel: 'Reset the weights (r)', stepLabel: 'Train one step (s)', counter: 'Step', counterClass: 'rc-step',
      speeds: SPEEDS, speedUnit: 'steps/s',
      speedPatch: (v) => (this.state && this.state.mode === 'fp' ? { fpSpeed: Number(v) } : { speed: Number(v) }),
    });
    this.stepOut = this.counterOut;
    return bar;
  }

  buildModeSwitch() {
    this.modeButtons = new Map();
    const group = h('div', { class: 'rc-modes', role: 'radiogroup', 'aria-label': 'Kind of recurrent training' });
    for (const m of MODES) {
      const b = h('button', {
        type: 'button', role: 'radio', class: 'rc-mode', 'aria-checked': 'false', dataset: { mode: m },
        text: MODE_LABELS[m], on: { click: () => this.on.change({ mode: m }) },
      });
      this.modeButtons.set(m, b);
      group.append(b);
    }
    group.addEventListener('keydown', (ev) => {
      if (!['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(ev.key)) return;
      ev.preventDefault();
      const next = this.state && this.state.mode === 'seq' ? 'fp' : 'seq';
      this.on.change({ mode: next });
      this.modeButtons.get(next).focus();
    });
    return group;
  }

  // ---- sequences ----------------------------------------------------------------------------

  buildSeqHyper() {
    const lr = LEARNING_RATES.map((v) => [v, String(v)]);
    this.delayField = this.field('Delay d', this.select('delay', [1, 2, 3, 4, 5, 8, 10, 15, 20].map((v) => [v, String(v)]), (v) => ({ delay: Number(v) })));
    return h('div', { class: 'bp-hyper rc-hyper' },
      this.field('Task', this.select('task', SEQ_TASKS.map((t) => [t, SEQ_TASK_LABELS[t]]), (v) => ({ task: v }))),
      this.field('Length T', this.select('length', LENGTHS.map((v) => [v, String(v)]), (v) => ({ length: Number(v) }))),
      this.delayField,
      this.field('Cell', this.select('cell', CELLS.map((c) => [c, CELL_LABELS[c]]), (v) => ({ cell: v }))),
      this.field('Hidden units', this.select('hidden', HIDDEN.map((v) => [v, String(v)]), (v) => ({ hidden: Number(v) }))),
      this.field('Truncation k', this.select('truncation', TRUNCATIONS.map((v) => [v, v === 0 ? 'full BPTT' : `k = ${v}`]), (v) => ({ truncation: Number(v) }))),
      this.field('Clip norm', this.select('clipNorm', CLIPS.map((v) => [v, v === 0 ? 'off' : `at ${v}`]), (v) => ({ clipNorm: Number(v) }))),
      this.field('Optimizer', this.select('optimizer', OPTIMIZERS.map((o) => [o, OPTIMIZER_LABELS[o]]), (v) => ({ optimizer: v }))),
      this.field('Learning rate', this.select('learningRate', lr, (v) => ({ learningRate: Number(v) }))),
      this.field('Batch size', this.select('batchSize', BATCHES.map((v) => [v, String(v)]), (v) => ({ batchSize: Number(v) }))));
  }

  // ---- fixed point --------------------------------------------------------------------------

  buildFpHyper() {
    const lr = LEARNING_RATES.map((v) => [v, String(v)]);
    this.letterChips = new Map();
    const chips = h('div', { class: 'rc-letter-chips', role: 'group', 'aria-label': 'Letters to store' });
    for (const c of FONT) {
      const b = h('button', {
        type: 'button', class: 'bp-chip rc-letter-chip', 'aria-pressed': 'false', text: c, 'aria-label': `Letter ${c}`,
        on: { click: () => this.toggleLetter(c) },
      });
      this.letterChips.set(c, b);
      chips.append(b);
    }
    this.lettersField = h('div', { class: 'bp-field bp-field-wide' }, h('span', { class: 'bp-field-label', text: 'Letters stored' }), chips);
    this.damageField = this.field('Corruption', this.select('damage', DAMAGE.map((v) => [v, `${v} pixel${v === 1 ? '' : 's'}`]), (v) => ({ damage: Number(v) })));
    this.eraseField = h('div', { class: 'bp-field rc-check-field' }, h('span', { class: 'bp-field-label', text: 'Corruption kind' }),
      this.check('erase', 'erase (set to 0)', (v) => ({ erase: v })));
    return h('div', { class: 'bp-hyper rc-hyper' },
      this.field('Task', this.select('fpTask', FP_TASKS.map((t) => [t, FP_TASK_LABELS[t]]), (v) => ({ fpTask: v }))),
      this.lettersField,
      this.field('Hidden units', this.select('fpHidden', FP_HIDDEN.map((v) => [v, String(v)]), (v) => ({ fpHidden: Number(v) }))),
      this.damageField,
      this.eraseField,
      this.field('Forward step α', this.select('alpha', STEP_SIZES.map((v) => [v, String(v)]), (v) => ({ alpha: Number(v) }))),
      this.field('Backward step β', this.select('beta', STEP_SIZES.map((v) => [v, String(v)]), (v) => ({ beta: Number(v) }))),
      this.field('Tolerance', this.select('tol', TOLERANCES.map((v) => [v, v.toExponential(0)]), (v) => ({ tol: Number(v) }))),
      this.field('Max iterations', this.select('maxIters', ITERATIONS.map((v) => [v, String(v)]), (v) => ({ maxIters: Number(v) }))),
      this.field('Optimizer', this.select('fpOptimizer', OPTIMIZERS.map((o) => [o, OPTIMIZER_LABELS[o]]), (v) => ({ fpOptimizer: v }))),
      this.field('Learning rate', this.select('fpLearningRate', lr, (v) => ({ fpLearningRate: Number(v) }))));
  }

  toggleLetter(c) {
    const s = this.state;
    if (!s) return;
    const has = s.letters.includes(c);
    if (has && s.letters.length === 1) return;   // at least one letter stays
    const next = [...FONT].filter((x) => (x === c ? !has : s.letters.includes(x))).join('');
    this.on.change({ letters: next });
  }

  buildCueControls() {
    this.cueLetterSelect = this.select('cueLetter', [], (v) => ({ cueLetter: Number(v), cuePixels: '' }));
    return h('div', { class: 'rc-cue-controls' },
      this.field('Letter', this.cueLetterSelect),
      this.field('Corrupt', this.select('cueDamage', CUE_DAMAGE.map((v) => [v, `${v} pixel${v === 1 ? '' : 's'}`]), (v) => ({ cueDamage: Number(v), cuePixels: '' }))),
      h('div', { class: 'bp-field rc-check-field' }, h('span', { class: 'bp-field-label', text: 'Kind' }),
        this.check('cueErase', 'erase (partial letter)', (v) => ({ cueErase: v, cuePixels: '' }))),
      this.button('New corruption', 'newCue', { class: 'bp-btn-small', title: 'Corrupt other pixels (next seed)' }));
  }

  // ---- files -----------------------------------------------------------------------------------

  buildFiles() {
    return this.fileBar({
      shareTitle: 'Copy a link that reproduces this page', linkLabel: 'Link to this page',
      exportTitle: 'Save the network, its weights and the optimizer state as JSON',
      importTitle: 'Load a recurrent model file saved from this page',
    });
  }

  // ---- syncing ---------------------------------------------------------------------------------

  render(state) {
    this.state = state;
    const setSelect = (name, value, label) => {
      const sel = this.inputs[name];
      const v = String(value);
      if (![...sel.options].some((o) => o.value === v)) sel.append(h('option', { value: v, text: label || v }));
      sel.value = v;
    };
    for (const [m, b] of this.modeButtons) {
      const on = m === state.mode;
      b.setAttribute('aria-checked', String(on));
      b.classList.toggle('rc-mode-on', on);
      b.tabIndex = on ? 0 : -1;
    }
    this.seqHyper.hidden = state.mode !== 'seq';
    this.fpHyper.hidden = state.mode !== 'fp';
    setSelect('speed', speedOf(state));
    // sequences
    setSelect('task', state.task);
    setSelect('length', state.length);
    setSelect('delay', state.delay);
    this.delayField.hidden = state.task !== 'echo';
    setSelect('cell', state.cell);
    setSelect('hidden', state.hidden);
    setSelect('truncation', state.truncation, `k = ${state.truncation}`);
    setSelect('clipNorm', state.clipNorm, `at ${state.clipNorm}`);
    setSelect('optimizer', state.optimizer);
    setSelect('learningRate', state.learningRate);
    setSelect('batchSize', state.batchSize);
    setSelect('sample', state.sample);
    // fixed point
    const letters = state.fpTask === 'letters';
    setSelect('fpTask', state.fpTask);
    for (const [c, b] of this.letterChips) b.setAttribute('aria-pressed', String(state.letters.includes(c)));
    this.lettersField.hidden = !letters;
    this.damageField.hidden = !letters;
    this.eraseField.hidden = !letters;
    setSelect('fpHidden', state.fpHidden);
    setSelect('damage', state.damage, `${state.damage} pixels`);
    this.inputs.erase.checked = state.erase;
    setSelect('alpha', state.alpha);
    setSelect('beta', state.beta);
    setSelect('tol', state.tol, state.tol.toExponential(1));
    setSelect('maxIters', state.maxIters);
    setSelect('fpOptimizer', state.fpOptimizer);
    setSelect('fpLearningRate', state.fpLearningRate);
    // the pattern picker: XOR's 4 patterns, or the held-out cues by letter
    const P = evaluationPatterns(state);
    const key = `${state.fpTask}:${state.letters}`;
    if (this.patternSelect.dataset.key !== key) {
      this.patternSelect.replaceChildren(...Array.from({ length: P }, (_, i) => h('option', { value: String(i), text: patternLabel(state, i) })));
      this.patternSelect.dataset.key = key;
    }
    setSelect('pattern', state.pattern);
    this.cueLetterSelect.replaceChildren(...[...state.letters].map((c, i) => h('option', { value: String(i), text: c })));
    this.cueLetterSelect.value = String(state.cueLetter);
    setSelect('cueDamage', state.cueDamage);
    this.inputs.cueErase.checked = state.cueErase;
  }

  /** Counters and the play button from a frame. */
  renderFrame(frame) {
    const s = frame.stats;
    this.stepOut.textContent = Number.isFinite(s.step) ? fmtInt(s.step) : '0';
    this.rateOut.textContent = frame.playing && frame.rate > 0 ? `${fmtCount(frame.rate)} steps/s` : '';
  }
}

/** "−1, +1 → +0.9" for XOR; "C, cue 3" for letters. */
export function patternLabel(state, i) {
  if (state.fpTask !== 'letters') {
    const pats = [[-1, -1], [-1, 1], [1, -1], [1, 1]];
    const [a, b] = pats[i] || [0, 0];
    const sign = (v) => (v > 0 ? '+1' : '−1');
    return `${sign(a)}, ${sign(b)} → ${a !== b ? '+0.9' : '−0.9'}`;
  }
  const letter = state.letters[Math.floor(i / LIMITS.testCues)] || '?';
  return `${letter}, held-out cue ${i % LIMITS.testCues}`;
}

export { fmt };
