// shared/messages.js: the dismissable notice / error boxes both pages show above their views.
import { h } from './dom.js';

/**
 * Shows a message in `host`. kind: 'notice' | 'error'. Returns its element (call .remove() to
 * drop it). options: timeout (ms), action: [label, fn]. At most `max` boxes stay (oldest go).
 */
export function showMessage(host, kind, text, options = {}, max = 6) {
  const close = h('button', { type: 'button', class: 'bp-msg-close', 'aria-label': 'Dismiss', text: '×' });
  const box = h('div', { class: ['bp-msg', `bp-msg-${kind}`], role: kind === 'error' ? 'alert' : 'status' },
    h('span', { class: 'bp-msg-text', text }),
    options.action ? h('button', { type: 'button', class: 'bp-btn bp-btn-small', text: options.action[0], on: { click: options.action[1] } }) : null,
    close);
  close.addEventListener('click', () => box.remove());
  host.append(box);
  while (host.children.length > max) host.firstChild.remove();
  if (options.timeout) setTimeout(() => box.remove(), options.timeout);
  return box;
}

/**
 * What a page does when its training engine cannot start (the worker or its wasm did not load):
 * it shows the reason and what to check, and tells its element (options.onFatal: the element's
 * ready rejects). A full page is usually missing its build; an element on another site usually
 * lacks a header or a CSP source (docs/embed.md, "Hosting").
 * @param {object} page  a page: message(kind, text), options { embedded, onFatal }
 */
export function engineFailed(page, reason) {
  const text = page.options.embedded
    ? `${reason} The site serving the playground must send Access-Control-Allow-Origin, and this page's Content-Security-Policy must allow worker-src blob: and that site (see "Hosting" in the playground's docs/embed.md).`
    : `${reason} Serve the page with "npm start" after "npm run build" (the build puts the wasm module in web/engine/).`;
  page.message('error', text);
  if (page.options.onFatal) page.options.onFatal(text);
}
