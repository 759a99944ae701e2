// keys.js: the playground's keyboard shortcuts. Space plays and pauses, s steps, r resets, e opens
// or closes explain mode; in explain mode → / n and ← / p move through the cycle, 1-4 pick a
// phase and Esc leaves. Typing in a text field never reaches the shortcuts.

import { shortcutKey, runKey } from '../shared/keys.js';

/** Handles one keydown for the Playground pg (its action(), step(), reset() and explainer). */
export function handleKey(pg, ev) {
  if (ev.ctrlKey) return;
  // Typing goes to text fields; a checkbox, radio or slider keeps space and the arrows, but
  // letters still reach the shortcuts.
  const k = shortcutKey(ev, { toggles: true });
  if (!k || runKey(pg, ev, k)) return;
  const { key } = k;
  if (key === 'e') {
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
