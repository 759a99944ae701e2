// recurrent/keys.js: the recurrent page's keyboard shortcuts. Space plays and pauses, s steps,
// r resets; in sequences mode b starts or leaves the BPTT walk, and in the walk ← / n and → / p
// move through time, Esc leaves. Typing in a form field never reaches the shortcuts.

/** Handles one keydown for the RecurrentPlayground pg. */
export function handleKey(pg, ev) {
  if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const target = ev.composedPath ? ev.composedPath()[0] : ev.target;
  const tag = target && target.tagName ? target.tagName.toLowerCase() : '';
  if (['input', 'select', 'textarea'].includes(tag) || (target && target.isContentEditable)) return;
  const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
  if (pg.state.mode === 'seq' && pg.seq.walkKey(key)) {
    ev.preventDefault();
  } else if (key === ' ') {
    if (tag === 'button') return;   // a focused button takes space itself
    ev.preventDefault();
    pg.action('togglePlay');
  } else if (key === 's') {
    ev.preventDefault();
    pg.step();
  } else if (key === 'r') {
    ev.preventDefault();
    pg.reset();
  }
}
