// app.js: the entry point of index.html. Reads the settings from the URL, creates the
// playground, and keeps the URL hash in step with the state (so a link reproduces the setup).
//
// Iframe mode: index.html?embed=1&controls=minimal&autoplay=1#dataset=xor&hidden=4,4
// The query accepts only embed, controls and autoplay; everything else is ignored (docs/embed.md).

import { Playground } from './main.js';
import { parseState, serializeState, splitParams } from './state.js';

const EMBED_KEYS = ['embed', 'controls', 'autoplay'];

function readQuery(search) {
  const { pairs, notices } = splitParams(search);
  const q = {};
  for (const [k, v] of pairs) {
    if (EMBED_KEYS.includes(k)) q[k] = v;
    else notices.push(`Unknown page option "${k.slice(0, 40)}" was ignored.`);
  }
  const embed = q.embed === '1' || q.embed === 'true';
  let controls = embed ? 'minimal' : 'full';
  if (q.controls !== undefined) {
    if (['full', 'minimal', 'none'].includes(q.controls)) controls = q.controls;
    else notices.push(`"controls=${q.controls.slice(0, 40)}" is not valid (expected full, minimal or none).`);
  }
  const autoplay = q.autoplay !== undefined && !['0', 'false', 'no'].includes(q.autoplay);
  return { embed, controls, autoplay, notices };
}

const query = readQuery(window.location.search);
const parsed = parseState(window.location.hash);
if (query.embed) document.documentElement.classList.add('bp-embedded');

let hashTimer = 0;
const host = document.getElementById('playground');
const playground = new Playground(host, {
  state: parsed.state,
  notices: [...query.notices, ...parsed.notices],
  controls: query.controls,
  autoplay: query.autoplay,
  keyTarget: document,
  shareBase: new URL('index.html', window.location.href).toString(),
  onStateChange(state) {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(() => {
      const hash = `#${serializeState(state)}`;
      if (window.location.hash !== hash) {
        window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
      }
    }, 150);
  },
});

// A hash typed or pasted by the user: apply it (with notices for what was wrong).
window.addEventListener('hashchange', () => {
  const { state, notices } = parseState(window.location.hash);
  playground.applyState(state, notices);
});

// Tests and the page benchmark (bench/page.mjs) reach the page through this hook (predictions,
// frames, state, play/pause); nothing else uses it.
window.backpropPlayground = playground.testHook;
window.__playground = playground.testHook;
playground.start();
