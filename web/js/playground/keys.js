// keys.js: the playground's keyboard shortcuts. Space plays and pauses, s steps, r resets, e opens
// or closes explain mode; in explain mode → / n and ← / p move through the cycle, 1-4 pick a
// phase and Esc leaves. Typing in a text field never reaches the shortcuts.

/** Handles one keydown for the Playground pg (its action(), step(), reset() and explainer). */
export function handleKey(pg, ev) {
  if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const target = ev.composedPath ? ev.composedPath()[0] : ev.target;
  const tag = target && target.tagName ? target.tagName.toLowerCase() : '';
  const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
  // Typing goes to text fields; a checkbox, radio or slider keeps space and the arrows, but
  // letters still reach the shortcuts.
  const toggle = tag === 'input' && ['checkbox', 'radio', 'range', 'button', 'submit', 'reset', 'file', 'color'].includes(target.type);
  if ((['input', 'select', 'textarea'].includes(tag) && !toggle) || (target && target.isContentEditable)) return;
  if (toggle && (key === ' ' || key.startsWith('Arrow'))) return;
  if (key === ' ') {
    if (tag === 'button') return;    // a focused button takes space itself
    ev.preventDefault();
    pg.action('togglePlay');
  } else if (key === 's') {
    ev.preventDefault();
    pg.step();
  } else if (key === 'r') {
    ev.preventDefault();
    pg.reset();
  } else if (key === 'e') {
    ev.preventDefault();
    pg.explainer.toggle();
  } else if (pg.explainer.active) {
    // explain mode: → / n next step, ← / p previous, 1-4 a phase, Esc leaves
    const phases = { 1: 'forward', 2: 'loss', 3: 'backward', 4: 'update' };
    if (key === 'ArrowRight' || key === 'n') {
      ev.preventDefault();
      pg.explainer.next();
    } else if (key === 'ArrowLeft' || key === 'p') {
      ev.preventDefault();
      pg.explainer.prev();
    } else if (key in phases) {
      ev.preventDefault();
      pg.explainer.goPhase(phases[key]);
    } else if (key === 'Escape') {
      ev.preventDefault();
      pg.explainer.close();
    }
  }
}
