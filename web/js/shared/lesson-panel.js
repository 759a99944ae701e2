// shared/lesson-panel.js: a lesson running in an embedded page (the format: lesson.js). Shows
// the caption (as text), "Step 2 of 5" with a progress bar, Back / Next, and what the step waits
// for with the figures now; Next opens when the condition is met. Each step's state is applied
// through the element's setState (validated as a link is), its controls are outlined, and on
// the playground a step may open explain mode at a phase.
//
// A condition once met stays met for that step. Next applies the next step's change on top of what the learner did; Back restores the lesson's
// own state at that step (the start and every step's change up to it).
// Events on the element: lessonstep { index, count, caption }, lessoncomplete { count }.

import { parseLesson, conditionMet, describeCondition } from './lesson.js';
import { h } from './dom.js';

export class LessonPanel {
  /**
   * @param {HTMLElement} el  the custom element (setState, state, snapshot(), fire())
   * @param {string|object} source  the lesson's JSON
   * @param {object} page  figures, settings, regions, explain (parseLesson's page) and
   *   findControl(name) -> element | null, explainPhase(phase) -> Promise
   */
  constructor(el, source, page) {
    this.el = null;
    this.host = el;
    this.page = page;
    this.index = -1;
    this.played = false;
    this.lit = [];
    const parsed = parseLesson(source, page);
    this.lesson = parsed.ok ? parsed.lesson : null;
    this.error = parsed.ok ? '' : `This lesson cannot be shown: ${parsed.error}.`;
    this.build();
  }

  build() {
    const label = this.lesson && this.lesson.title ? `Lesson: ${this.lesson.title}` : 'Lesson';
    this.titleEl = h('span', { class: 'bp-lesson-title', text: label });
    this.progressText = h('span', { class: 'bp-lesson-count' });
    this.progress = h('progress', { class: 'bp-lesson-progress', max: 1, value: 0, 'aria-label': 'Lesson progress' });
    this.caption = h('p', { class: 'bp-lesson-caption', 'aria-live': 'polite' });
    this.wait = h('p', { class: 'bp-lesson-wait', role: 'status' });
    this.back = h('button', { type: 'button', class: 'bp-btn bp-lesson-back', text: '← Back', on: { click: () => this.go(this.index - 1) } });
    this.next = h('button', { type: 'button', class: 'bp-btn bp-lesson-next', text: 'Next →', on: { click: () => this.go(this.index + 1) } });
    this.restart = h('button', { type: 'button', class: 'bp-btn bp-lesson-restart', text: 'Start again', hidden: true, on: { click: () => this.go(0) } });
    this.el = h('section', { class: 'bp-lesson', role: 'group', 'aria-label': label },
      h('div', { class: 'bp-lesson-head' }, this.titleEl, this.progressText, this.progress),
      this.caption, this.wait,
      h('div', { class: 'bp-lesson-nav' }, this.back, this.next, this.restart));
  }

  start() {
    if (!this.lesson) {
      this.el.classList.add('bp-lesson-broken');
      this.caption.textContent = this.error;
      this.back.hidden = true;
      this.next.hidden = true;
      this.host.fire('error', { message: this.error });
      return;
    }
    this.base = this.host.state;   // the state the lesson started from
    this.progress.max = this.lesson.steps.length;
    this.go(0);
  }

  get step() {
    return this.lesson ? this.lesson.steps[this.index] : null;
  }

  /** Shows step i: its state, its explain phase, its highlights, its caption and condition. */
  async go(i) {
    const steps = this.lesson.steps;
    if (i < 0 || i >= steps.length) return;
    const forward = i === this.index + 1;
    this.index = i;
    this.played = false;
    this.met = false;
    this.announced = false;
    this.completed = false;
    this.settledAt = Infinity;   // figures count from the second frame after the step's state is in
    const token = (this.token = (this.token || 0) + 1);
    const step = steps[i];
    this.caption.textContent = step.caption;
    this.progressText.textContent = `Step ${i + 1} of ${steps.length}`;
    this.progress.value = i + 1;
    this.back.disabled = i === 0;
    this.restart.hidden = true;
    this.next.hidden = i === steps.length - 1;
    this.highlight(step.highlight);
    this.figuresChanged();
    const change = forward ? step.state : { ...this.base, ...this.stateAt(i) };
    if (change) await this.host.setState(change);
    if (token !== this.token) return;
    if (step.explain) {
      try {
        await this.page.explainPhase(step.explain);
      } catch (e) {
        this.host.fire('error', { message: `The lesson could not open explain mode: ${e.message}` });
      }
    }
    if (token !== this.token) return;
    this.settledAt = this.host.framesSeen + 2;
    this.host.fire('lessonstep', { index: i, count: steps.length, caption: step.caption });
    this.announced = true;   // lessoncomplete comes after the last step's lessonstep
    this.figuresChanged();
  }

  /** The lesson's own changes from its first step up to step i, merged. */
  stateAt(i) {
    let merged = null;
    for (let k = 0; k <= i; k++) {
      if (this.lesson.steps[k].state) merged = { ...(merged || {}), ...this.lesson.steps[k].state };
    }
    return merged;
  }

  highlight(names) {
    for (const el of this.lit) el.classList.remove('bp-lesson-highlight');
    this.lit = [];
    for (const name of names) {
      const el = this.page.findControl(name);
      if (!el) continue;
      el.classList.add('bp-lesson-highlight');
      this.lit.push(el);
    }
  }

  /** A frame was drawn: is the step's condition met now? */
  figuresChanged() {
    const step = this.step;
    if (!step) return;
    const figures = { ...(this.host.snapshot() || {}) };
    const settled = this.host.framesSeen >= this.settledAt;   // (earlier frames may be of the last step's network)
    if (figures.playing && settled) this.played = true;
    figures.played = this.played ? 1 : 0;
    const last = this.index === this.lesson.steps.length - 1;
    // once met, a step stays done (a loss that wobbles back above the line does not close Next)
    this.met = this.met || !step.wait || (settled && conditionMet(step.wait, figures));
    const { met } = this;
    this.next.disabled = !met;
    if (step.wait) {
      this.wait.textContent = met ? `Done: ${describeCondition(step.wait)} ✓` : `Waiting for ${describeCondition(step.wait, figures)}`;
      this.wait.classList.toggle('bp-lesson-met', met);
    } else {
      this.wait.textContent = '';
    }
    if (last && met && this.announced && !this.completed) {
      this.completed = true;
      this.restart.hidden = false;
      this.host.fire('lessoncomplete', { count: this.lesson.steps.length });
    }
  }

  destroy() {
    this.token = (this.token || 0) + 1;
    this.highlight([]);
    this.el.remove();
  }
}
