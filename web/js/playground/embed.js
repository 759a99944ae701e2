// embed.js: <backprop-playground>, a custom element for tutorials (docs/embed.md).
//
//   <script type="module" src="js/playground/embed.js"></script>
//   <backprop-playground dataset="xor" hidden="4,4" controls="minimal" autoplay></backprop-playground>
//
// Each element lives in its own shadow root with its own worker and wasm session, so several on
// one page never interfere. Attributes use the URL keys of state.js (plus the readable aliases
// below); `state="dataset=xor&hidden=4,4"` takes a whole link hash. Invalid values fall back to
// the defaults with a notice shown inside the element.

import { Playground } from './main.js';
import { parseState, splitParams, STATE_KEYS } from './state.js';

const STYLESHEETS = [
  new URL('../../vendor/uPlot.min.css', import.meta.url).href,
  new URL('../../css/playground.css', import.meta.url).href,
  new URL('../../css/explain.css', import.meta.url).href,
];
const FULL_PAGE = new URL('../../index.html', import.meta.url).href;

/** Attribute names that read better in HTML than the URL keys. */
const ALIASES = {
  activation: 'act',
  activations: 'act',
  'learning-rate': 'lr',
  optimizer: 'opt',
  regularization: 'reg',
  'regularization-rate': 'rrate',
  'batch-size': 'batch',
  'train-ratio': 'ratio',
  'show-test': 'test',
  'data-seed': 'seed',
  'weight-seed': 'wseed',
};
/** Attributes the element reads itself (not settings). */
const OWN = ['controls', 'autoplay', 'state'];
/** Ordinary HTML attributes that are never settings. */
// (`hidden` is not among them: here it is the hidden layers, as in hidden="4,4"; the element's
// stylesheet keeps it displayed.)
const HTML_ATTRS = /^(id|class|style|title|lang|dir|tabindex|slot|part|role|aria-.*|data-.*)$/;

export class BackpropPlaygroundElement extends HTMLElement {
  connectedCallback() {
    clearTimeout(this.teardown);
    if (this.playground) return;
    const root = this.shadowRoot || this.attachShadow({ mode: 'open' });
    for (const href of STYLESHEETS) {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = href;
      root.append(link);
    }
    const container = document.createElement('div');
    root.append(container);
    if (!this.hasAttribute('tabindex')) this.tabIndex = -1;   // focusable for the shortcuts

    const { state, notices } = this.readSettings();
    const controls = this.getAttribute('controls') || 'minimal';
    if (!['full', 'minimal', 'none'].includes(controls)) {
      notices.push(`controls="${controls.slice(0, 40)}" is not valid (expected full, minimal or none).`);
    }
    const autoplay = this.hasAttribute('autoplay') && !['false', '0', 'no'].includes(this.getAttribute('autoplay'));
    this.playground = new Playground(container, {
      state,
      notices,
      controls,
      autoplay,
      keyTarget: this,
      shareBase: FULL_PAGE,
      onStateChange: (s) => this.dispatchEvent(new CustomEvent('statechange', { detail: s })),
    });
    this.playground.start();
  }

  disconnectedCallback() {
    // Moving the element around the page disconnects and reconnects it: wait a moment.
    this.teardown = setTimeout(() => {
      if (!this.isConnected && this.playground) {
        this.playground.destroy();
        this.playground = null;
      }
    }, 0);
  }

  /** The settings from `state="..."` and the individual attributes (which win). */
  readSettings() {
    const pairs = [];
    const notices = [];
    if (this.hasAttribute('state')) {
      const split = splitParams(this.getAttribute('state'));
      pairs.push(...split.pairs);
      notices.push(...split.notices);
    }
    for (const { name, value } of Array.from(this.attributes)) {
      if (OWN.includes(name) || HTML_ATTRS.test(name)) continue;
      const key = ALIASES[name] || name;
      if (STATE_KEYS.includes(key)) pairs.push([key, value]);
      else notices.push(`Unknown attribute "${name.slice(0, 40)}" was ignored.`);
    }
    const parsed = parseState(pairs);
    return { state: parsed.state, notices: [...notices, ...parsed.notices] };
  }

  /** For tests: predictions, frames and state of this instance. */
  get testHook() {
    return this.playground ? this.playground.testHook : null;
  }
}

if (!customElements.get('backprop-playground')) {
  customElements.define('backprop-playground', BackpropPlaygroundElement);
}
