// recurrent/keys.js: the recurrent page's keyboard shortcuts. Space plays and pauses, s steps,
// r resets (shared/keys.js); in sequences mode b starts or leaves the BPTT walk, and in the walk
// ← / n and → / p move through time, Esc leaves. Typing in a form field never reaches the shortcuts.

import { shortcutKey, runKey } from '../shared/keys.js';

/** Handles one keydown for the RecurrentPlayground pg. */
export function handleKey(pg, ev) {
  if (ev.ctrlKey) return;
  const k = shortcutKey(ev);
  if (!k) return;
  if (pg.state.mode === 'seq' && pg.seq.walkKey(k.key)) ev.preventDefault();
  else runKey(pg, ev, k);
}
