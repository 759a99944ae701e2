// shared/boot.js: how every page starts. Reads the page options from the URL query (embed,
// controls, autoplay: docs/embed.md) and the settings from the hash, creates the page, keeps the
// hash in step with its state (so a link reproduces the setup) and applies a hash the user types
// or pastes. A page's app.js is one bootPage() call.

import { splitParams } from './url-state.js';

export const EMBED_KEYS = ['embed', 'controls', 'autoplay'];
export const CONTROL_LEVELS = ['full', 'minimal', 'none'];
const MAX_QUERY = 200000;  // as the hash: longer text is cut before parsing

/**
 * The page options of a URL query ("?embed=1&controls=minimal&autoplay=1"). Anything else, and
 * any value that is not valid, gets a notice; nothing throws.
 * @returns {{ embed: boolean, controls: 'full'|'minimal'|'none', autoplay: boolean, notices: string[] }}
 */
export function readQuery(search) {
  const { pairs, notices } = splitParams(search, MAX_QUERY);
  const q = {};
  for (const [k, v] of pairs) {
    if (EMBED_KEYS.includes(k)) q[k] = v;
    else notices.push(`Unknown page option "${k.slice(0, 40)}" was ignored.`);
  }
  const embed = q.embed === '1' || q.embed === 'true';
  let controls = embed ? 'minimal' : 'full';
  if (q.controls !== undefined) {
    if (CONTROL_LEVELS.includes(q.controls)) controls = q.controls;
    else notices.push(`"controls=${q.controls.slice(0, 40)}" is not valid (expected full, minimal or none).`);
  }
  const autoplay = q.autoplay !== undefined && !['0', 'false', 'no'].includes(q.autoplay);
  return { embed, controls, autoplay, notices };
}

/**
 * Creates a page from the URL and keeps the URL hash in step with it.
 * @param {object} o
 * @param {Function} o.Page       the page class: new Page(host, options), .start(), .applyState(), .testHook
 * @param {string}   o.hostId     the element the page fills
 * @param {string}   o.file       the page's file, for share links ('index.html')
 * @param {Function} o.parseState     hash text -> { state, notices }
 * @param {Function} o.serializeState state -> hash text (without #)
 * @param {string[]} o.hooks      window properties the test hook is published under
 */
export function bootPage({ Page, hostId, file, parseState, serializeState, hooks }) {
  const query = readQuery(window.location.search);
  const parsed = parseState(window.location.hash);
  if (query.embed) document.documentElement.classList.add('bp-embedded');

  let hashTimer = 0;
  const page = new Page(document.getElementById(hostId), {
    state: parsed.state,
    notices: [...query.notices, ...parsed.notices],
    controls: query.controls,
    autoplay: query.autoplay,
    keyTarget: document,
    shareBase: new URL(file, window.location.href).toString(),
    onStateChange(state) {
      // written 150 ms after the last change: dragging a slider does not flood the history
      clearTimeout(hashTimer);
      hashTimer = setTimeout(() => {
        const hash = `#${serializeState(state)}`;
        if ((window.location.hash || '#') !== hash) {
          window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash === '#' ? '' : hash}`);
        }
      }, 150);
    },
  });

  window.addEventListener('hashchange', () => {
    const { state, notices } = parseState(window.location.hash);
    page.applyState(state, notices);
  });

  // Tests (and bench/page.mjs) reach the page through this hook; nothing else uses it.
  for (const name of hooks) window[name] = page.testHook;
  page.start();
  return page;
}
