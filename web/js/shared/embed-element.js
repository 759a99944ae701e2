// shared/embed-element.js: the custom element every page embeds as (docs/embed.md):
// <backprop-playground>, <backprop-recurrent> and <backprop-digits> are each one call of
// defineBackpropElement() with what is the page's own (its class, its state module, the
// attribute aliases, its figures). The element
//   - draws the page in a shadow root, with its own worker and wasm session (several on one
//     page never interfere; removing one frees its worker);
//   - takes every setting as an attribute (the link keys of the page's state module, or an alias),
//     and writes each changed setting back to its attribute;
//   - has a public API: state, setState(partial), play(), pause(), step(n), reset(),
//     exportModel(), loadModel(json), snapshot(), ready, lesson;
//   - fires ready, statechange, epoch (at most once per drawn frame) and error (the message the
//     page shows), and lessonstep while a lesson runs (lesson-panel.js).

import { LessonPanel } from './lesson-panel.js';
import { lessonFromElements } from './lesson.js';
import { pageURL } from './site.js';

/** Attributes the element reads itself (not settings). */
const OWN = ['controls', 'autoplay', 'state', 'lesson', 'lesson-title'];
/** Whether an `autoplay` attribute value asks to play: present, and not "false", "0" or "no". */
const playsOn = (value) => value !== null && !['false', '0', 'no'].includes(value);
/** Ordinary HTML attributes that are never settings (`hidden` is: the playground's layers). */
const HTML_ATTRS = /^(id|class|style|title|lang|dir|tabindex|slot|part|role|is|aria-.*|data-.*)$/;

/**
 * Defines a custom element for a page.
 * @param {object} spec
 * @param {string} spec.tag           'backprop-playground'
 * @param {Function} spec.Page        the page class: new Page(host, options), .start(), .applyState(),
 *                                    .play(), .pause(), .reset(), .testHook.ready, .destroy()
 * @param {object} spec.states        the page's state module: parseState(input, { base }), splitParams,
 *                                    STATE_KEYS, defaultState
 * @param {Function} spec.settingsText  state -> link text of every setting ("a=1&b=2")
 * @param {object} spec.aliases       attribute name -> link key ('learning-rate': 'lr')
 * @param {string[]} spec.stylesheets  absolute URLs of the page's stylesheets
 * @param {string} spec.file          the full page ('index.html'), for share links
 * @param {string} spec.label         what the element is, for screen readers ('Neural network playground')
 * @param {Function} spec.figuresOf   frame -> { epoch, step, trainLoss, ... } (numbers)
 * @param {string[]} spec.figureNames  the names figuresOf gives (lesson conditions may use them)
 * @param {object} spec.regions       highlight name -> CSS selector inside the page ('play': '.bp-play-btn')
 * @param {Function} spec.controlOf   (root, key) -> the element showing setting `key`, or null
 * @param {object} spec.api           the page's own commands: step(page, n), exportModel(page),
 *                                    loadModel(page, text), explain(page, phase)?, phases?
 */
export function defineBackpropElement(spec) {
  if (customElements.get(spec.tag)) return customElements.get(spec.tag);
  const { states, aliases } = spec;
  const keyOf = (name) => aliases[name] || name;
  const isSetting = (name) => states.STATE_KEYS.includes(keyOf(name));
  const textOf = (state) => Object.fromEntries(states.splitParams(spec.settingsText(state)).pairs);
  const DEFAULTS = textOf(states.defaultState());

  class BackpropElement extends HTMLElement {
    static get observedAttributes() {
      return [...states.STATE_KEYS, ...Object.keys(aliases), 'lesson', 'controls', 'autoplay'];
    }

    constructor() {
      super();
      this.newReady();
      // A lesson set before this code loaded sits on the element as a plain property: take it.
      if (Object.prototype.hasOwnProperty.call(this, 'lesson')) {
        const value = this.lesson;
        delete this.lesson;
        this.lessonSource = value;
      }
    }

    /** A new `ready` promise: resolved by the first drawn frame, rejected if the engine fails. */
    newReady() {
      this.readyPromise = new Promise((resolve, reject) => { this.resolveReady = resolve; this.rejectReady = reject; });
      this.readyPromise.catch(() => {});   // (an author who never awaits it sees no unhandled rejection)
    }

    connectedCallback() {
      clearTimeout(this.teardown);
      if (this.page) return;
      this.build();
    }

    /** Builds the page inside the element, from its attributes (or with `given` settings). */
    build(given = null) {
      const root = this.shadowRoot || this.attachShadow({ mode: 'open' });
      root.replaceChildren();
      for (const href of spec.stylesheets) {
        const link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = href;
        root.append(link);
      }
      this.lessonHost = document.createElement('div');
      const container = document.createElement('div');
      root.append(this.lessonHost, container);
      if (!this.hasAttribute('tabindex')) this.tabIndex = -1;   // focusable for the shortcuts
      // One group per element, named (the author's aria-label wins).
      if (!this.hasAttribute('role')) this.setAttribute('role', 'group');
      if (!this.hasAttribute('aria-label') && !this.hasAttribute('aria-labelledby')) this.setAttribute('aria-label', spec.label);

      const { state, notices } = given ? { state: given, notices: [] } : this.readSettings();
      const controls = this.getAttribute('controls') || 'minimal';
      if (!['full', 'minimal', 'none'].includes(controls)) {
        notices.push(`controls="${controls.slice(0, 40)}" is not valid (expected full, minimal or none).`);
      }
      const autoplay = playsOn(this.getAttribute('autoplay'));
      this.lastFigures = null;
      this.framesSeen = 0;
      this.page = new spec.Page(container, {
        state,
        notices,
        controls,
        autoplay,
        keyTarget: this,
        embedded: true,
        shareBase: pageURL(spec.file),
        onStateChange: (s) => this.stateChanged(s),
        onFrame: (frame) => this.frameDrawn(frame),
        onError: (message) => this.fire('error', { message }),
        onFatal: (message) => { if (this.page === page) this.rejectReady(new Error(message)); },
      });
      // The page's named sections and navs are landmarks on a page of its own; inside a tutorial,
      // several elements would repeat them (Training, Network, ...): here they are groups.
      for (const el of container.querySelectorAll('section[aria-label], nav[aria-label], aside, main')) el.setAttribute('role', 'group');
      const page = this.page;
      page.start();
      page.testHook.ready.then(() => {
        if (this.page !== page) return;
        this.resolveReady();
        this.fire('ready', { state: this.state });
        this.startLesson();
      });
    }

    disconnectedCallback() {
      // Moving the element around the page disconnects and reconnects it: wait a moment.
      this.teardown = setTimeout(() => {
        if (this.isConnected || !this.page) return;
        this.destroyPage();
      }, 0);
    }

    /** Ends the page inside (its worker too) and its lesson. */
    destroyPage() {
      if (this.lessonPanel) this.lessonPanel.destroy();
      this.lessonPanel = null;
      this.page.destroy();
      this.page = null;
      this.newReady();
    }

    attributeChangedCallback(name, old, value) {
      if (!this.page || this.reflecting || old === value) return;
      if (name === 'lesson') {
        this.startLesson();
        return;
      }
      if (name === 'controls') {
        // Another set of controls is another page layout: built anew with the settings in use;
        // the training starts over, and so do ready and the lesson.
        const state = this.page.state;
        this.destroyPage();
        this.build(state);
        return;
      }
      if (name === 'autoplay') {
        if (playsOn(value)) this.page.play();
        else this.page.pause();
        return;
      }
      const key = keyOf(name);
      // a refused value goes back to the setting in use, so attribute and state agree
      this.setState({ [key]: value === null ? this.defaultFor(key) : value }).then((ok) => {
        if (!ok && this.page) this.reflect(this.page.state);
      });
    }

    /**
     * What a setting goes back to when its attribute is removed: its default given the other
     * settings in use (a default may depend on them: the recurrent page's fixed-point task sets
     * the defaults of its hidden size, tolerance and learning rate).
     */
    defaultFor(key) {
      const others = Object.entries(textOf(this.page.state)).filter(([k]) => k !== key);
      return textOf(states.parseState(others).state)[key] ?? DEFAULTS[key] ?? '';
    }

    /** The settings from `state="..."` and the individual attributes (which win). */
    readSettings() {
      const pairs = [];
      const notices = [];
      if (this.hasAttribute('state')) {
        const split = states.splitParams(this.getAttribute('state'));
        pairs.push(...split.pairs);
        notices.push(...split.notices);
      }
      for (const { name, value } of Array.from(this.attributes)) {
        if (OWN.includes(name) || HTML_ATTRS.test(name)) continue;
        if (isSetting(name)) pairs.push([keyOf(name), value]);
        else notices.push(`Unknown attribute "${name.slice(0, 40)}" was ignored.`);
      }
      const parsed = states.parseState(pairs);
      return { state: parsed.state, notices: [...notices, ...parsed.notices] };
    }

    fire(type, detail) {
      this.dispatchEvent(new CustomEvent(type, { detail }));
    }

    // ---- the public API (docs/embed.md) ----------------------------------------------------

    /** Resolves when the engine is loaded and the first frame is drawn; rejects (with the page's
     *  message) when the engine cannot start. */
    get ready() {
      return this.readyPromise;
    }

    /** Every setting as link text: { dataset: 'xor', hidden: '4,4', lr: '0.03', ... }. */
    get state() {
      return this.page ? textOf(this.page.state) : null;
    }

    /**
     * Changes some settings, validated as a link's are. Any value that is not valid, or a key
     * that is not a setting, changes nothing and fires `error`. Resolves true when applied.
     * @param {object|string} partial  { lr: 0.1, hidden: '8,8' } or "lr=0.1&hidden=8,8"
     */
    async setState(partial) {
      if (!this.page) return false;
      const given = typeof partial === 'string'
        ? states.splitParams(partial)
        : { pairs: partial && typeof partial === 'object' ? Object.entries(partial) : null, notices: [] };
      const problems = [...given.notices];
      if (!given.pairs) problems.push('setState takes an object of settings or a link text.');
      const pairs = [];
      for (const [name, value] of given.pairs || []) {
        if (!isSetting(name)) problems.push(`"${String(name).slice(0, 40)}" is not a setting.`);
        else if (!['string', 'number', 'boolean'].includes(typeof value)) problems.push(`The value of "${name}" must be text or a number.`);
        else pairs.push([keyOf(name), typeof value === 'boolean' ? (value ? '1' : '0') : String(value)]);
      }
      if (!problems.length) {
        const parsed = states.parseState(pairs, { base: this.page.state });
        // (a link's notice ends with the default it falls back to: here nothing falls back)
        problems.push(...parsed.notices.map((n) => n.replace(/; using .*$/, '.')));
        if (!problems.length) {
          await this.page.applyState(parsed.state);
          return true;
        }
      }
      const message = `Nothing was changed: ${problems.join(' ')}`;
      this.fire('error', { message, problems });
      return false;
    }

    play() { if (this.page) this.page.play(); }

    pause() { if (this.page) this.page.pause(); }

    /** Trains n epochs (the playground) or n steps (the other pages), paused; resolves when done. */
    async step(n = 1) {
      if (!this.page) return;
      await this.ready;
      const count = Math.max(1, Math.min(1e6, Math.round(Number(n) || 1)));
      this.page.pause();
      await spec.api.step(this.page, count);
    }

    async reset() {
      if (!this.page) return;
      await this.ready;
      this.page.reset();
      await this.page.enqueue(() => undefined);
    }

    /** Resolves with the model file's text (JSON, docs/model-format.md). */
    async exportModel() {
      await this.ready;
      return spec.api.exportModel(this.page);
    }

    /**
     * Loads a model file (its text, or the parsed object). Resolves true when loaded; a file the
     * page refuses changes nothing, fires `error` with the reason and resolves false.
     */
    async loadModel(json) {
      await this.ready;
      const text = typeof json === 'string' ? json : JSON.stringify(json);
      return !!(await spec.api.loadModel(this.page, text));
    }

    /** The figures of the last drawn frame: { epoch, step, trainLoss, testLoss, ... }, or null. */
    snapshot() {
      return this.lastFigures ? { ...this.lastFigures } : null;
    }

    /** Runs a lesson (its JSON text or object); null ends the lesson shown. */
    set lesson(value) {
      this.lessonSource = value;
      if (this.page) this.startLesson();
    }

    get lesson() {
      return this.lessonPanel ? this.lessonPanel.lesson : null;
    }

    /** For tests: the page's own hook (frames, predictions, explain mode). */
    get testHook() {
      return this.page ? this.page.testHook : null;
    }

    // ---- what the page tells the element ----------------------------------------------------

    stateChanged(state) {
      this.reflect(state);
      this.fire('statechange', { state: textOf(state) });
    }

    /** Each setting that differs from its default, or already has an attribute, is written there. */
    reflect(state) {
      const now = textOf(state);
      this.reflecting = true;
      try {
        for (const [key, value] of Object.entries(now)) {
          const name = this.attributeFor(key);
          const has = this.hasAttribute(name);
          if ((has || value !== DEFAULTS[key]) && this.getAttribute(name) !== value) this.setAttribute(name, value);
        }
      } finally {
        this.reflecting = false;
      }
    }

    /** The attribute a setting is written to: the alias the author used, else the link key. */
    attributeFor(key) {
      for (const [alias, k] of Object.entries(aliases)) {
        if (k === key && this.hasAttribute(alias)) return alias;
      }
      return key;
    }

    frameDrawn(frame) {
      const figures = spec.figuresOf(frame);
      if (!figures) return;
      const prev = this.lastFigures;
      this.lastFigures = figures;
      this.framesSeen++;
      if (this.lessonPanel) this.lessonPanel.figuresChanged();
      if (prev && prev.step === figures.step && prev.epoch === figures.epoch) return;
      this.fire('epoch', { ...figures });
    }

    // ---- lessons -----------------------------------------------------------------------------

    /** The lesson from the `lesson` property, a `lesson` attribute (a URL), a JSON child or steps. */
    async startLesson() {
      if (this.lessonPanel) this.lessonPanel.destroy();
      this.lessonPanel = null;
      let source = this.lessonSource;
      if (source === undefined && this.hasAttribute('lesson')) {
        try {
          const res = await fetch(new URL(this.getAttribute('lesson'), document.baseURI));
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          source = await res.text();
        } catch (e) {
          this.fire('error', { message: `The lesson "${this.getAttribute('lesson').slice(0, 80)}" could not be loaded (${e.message}).` });
          return;
        }
      }
      if (source === undefined) {
        const json = this.querySelector('script[type="application/json"]');
        const steps = Array.from(this.querySelectorAll('backprop-step'));
        if (json) source = json.textContent;
        else if (steps.length) source = lessonFromElements(steps, this.getAttribute('lesson-title') || '');
      }
      if (source === undefined || source === null || !this.page) return;
      this.lessonPanel = new LessonPanel(this, source, {
        figures: [...spec.figureNames, 'played', 'playing'],
        settings: [...states.STATE_KEYS, ...Object.keys(aliases)],
        regions: Object.keys(spec.regions),
        explain: spec.api.phases || [],
        findControl: (name) => this.findControl(name),
        explainPhase: (phase) => spec.api.explain(this.page, phase),
      });
      this.lessonHost.replaceChildren(this.lessonPanel.el);
      this.lessonPanel.start();
    }

    findControl(name) {
      const root = this.shadowRoot;
      if (spec.regions[name]) return root.querySelector(spec.regions[name]);
      return spec.controlOf(root, keyOf(name));
    }
  }
  customElements.define(spec.tag, BackpropElement);
  return BackpropElement;
}
