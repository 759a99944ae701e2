// shared/keys.js: what every page's keyboard shortcuts do the same way: which keydown events are
// meant for them at all (typing in a form field never reaches them), and the run keys every page
// has: space plays and pauses, s steps, r resets. Each page's keys.js adds its own keys.

const FORM_FIELDS = ['input', 'select', 'textarea'];
const TOGGLES = ['checkbox', 'radio', 'range', 'button', 'submit', 'reset', 'file', 'color'];

/**
 * The key of a keydown meant for the shortcuts (a letter in lower case, else ev.key, as 'Escape')
 * and the tag of the element it came from, or null: the event was handled already, Alt or Meta
 * is held, or it was typed into a form field or editable text. Ctrl is the page's to decide.
 * @param {KeyboardEvent} ev
 * @param {{ toggles?: boolean }} [o]  toggles: an input that is a checkbox, radio, slider or button
 *   still lets letters through (it keeps space and the arrows for itself)
 * @returns {{ key: string, tag: string } | null}
 */
export function shortcutKey(ev, { toggles = false } = {}) {
  if (ev.defaultPrevented || ev.altKey || ev.metaKey) return null;
  const target = ev.composedPath ? ev.composedPath()[0] : ev.target;
  const tag = target && target.tagName ? target.tagName.toLowerCase() : '';
  const toggle = toggles && tag === 'input' && TOGGLES.includes(target.type);
  if ((FORM_FIELDS.includes(tag) && !toggle) || (target && target.isContentEditable)) return null;
  const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
  if (toggle && (key === ' ' || key.startsWith('Arrow'))) return null;
  return { key, tag };
}

/**
 * The run keys (space, s, r) for a page with action('togglePlay'), step() and reset(). Returns
 * whether `key` was one of them (then nothing else may handle it).
 */
export function runKey(page, ev, { key, tag }) {
  if (key === ' ') {
    if (tag === 'button') return true;   // a focused button takes space itself
    ev.preventDefault();
    page.action('togglePlay');
  } else if (key === 's') {
    ev.preventDefault();
    page.step();
  } else if (key === 'r') {
    ev.preventDefault();
    page.reset();
  } else {
    return false;
  }
  return true;
}
