// shared/files.js: what every page's share link and model files have in common: the link that
// reproduces the page, a file name as a message shows it, an engine message as a sentence.

/** The URL of shareBase (or this page) with the state's hash. */
export function shareURL(shareBase, hash) {
  const base = new URL(shareBase || window.location.href);
  base.hash = hash;
  return base.toString();
}

/** Copies a link to the clipboard; false when the page may not (the link is shown to copy by hand). */
export async function copyLink(url) {
  try {
    await navigator.clipboard.writeText(url);
    return true;
  } catch {
    return false;
  }
}

/**
 * A file name as a message shows it: control characters (and bidirectional overrides) dropped,
 * and cut to 60 characters with an ellipsis (a name can be any length; the message stays short).
 */
export function fileLabel(name) {
  // eslint-disable-next-line no-control-regex
  const clean = String(name).replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
  const chars = [...clean];   // (by code point: a cut never splits a surrogate pair)
  return chars.length > 60 ? `${chars.slice(0, 59).join('')}…` : clean;
}

/** An engine message as a sentence (a full stop at its end). */
export function sentence(text) {
  const t = String(text).trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
