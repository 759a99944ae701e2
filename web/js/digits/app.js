// digits/app.js: the entry point of digits.html. Reads the settings from the URL hash, creates
// the digits page, and keeps the hash in step with the state (so a link reproduces the setup).
// The query accepts only embed, controls and autoplay; anything else gets a notice.

import { DigitsPage } from './main.js';
import { parseState, serializeState, splitParams } from './state.js';

function readQuery(search) {
  const { pairs, notices } = splitParams(search);
  const q = {};
  for (const [k, v] of pairs) {
    if (['embed', 'controls', 'autoplay'].includes(k)) q[k] = v;
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
const page = new DigitsPage(document.getElementById('digits'), {
  state: parsed.state,
  notices: [...query.notices, ...parsed.notices],
  controls: query.controls,
  autoplay: query.autoplay,
  keyTarget: document,
  shareBase: new URL('digits.html', window.location.href).toString(),
  onStateChange(state) {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(() => {
      const hash = `#${serializeState(state)}`;
      const now = window.location.hash || '#';
      if (now !== hash) window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash === '#' ? '' : hash}`);
    }, 150);
  },
});

// A hash typed or pasted by the user: apply it (with notices for what was wrong).
window.addEventListener('hashchange', () => {
  const { state, notices } = parseState(window.location.hash);
  page.applyState(state, notices);
});

// Tests reach the page through this hook; nothing else uses it.
window.__digits = page.testHook;
page.start();
