// dom.js: a tiny element builder. Text always goes in as text (textContent), never as HTML,
// and no inline style attribute is ever written (the Content-Security-Policy forbids them).

/**
 * h('button', { class: 'x', text: 'Play', on: { click: fn }, 'aria-label': 'Play' }, ...children)
 * Props: class, text, on (event map), dataset (object), title, and any attribute. A prop whose
 * value is false/null/undefined is skipped; true writes an empty attribute.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else if (k === 'style') throw new Error('h(): inline styles are not allowed (CSP)');
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Removes every child. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** A labelled <select>. options: [[value, label], ...] */
export function select(id, label, options, onChange, extra = {}) {
  const sel = h('select', { id, ...extra, on: { change: () => onChange(sel.value) } },
    options.map(([v, l]) => h('option', { value: v, text: l })));
  return { el: h('label', { class: 'bp-field', for: id }, h('span', { class: 'bp-field-label', text: label }), sel), input: sel };
}

/** Saves data as a file through a temporary link. */
export function download(filename, data, type) {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, class: 'bp-hidden' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

/** Formats a number for display: short, with a sensible number of digits. */
export function fmt(v, digits = 3) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(digits - 1).replace('-', '−');
  return Number(v.toPrecision(digits)).toString().replace('-', '−');
}

/** Formats a large count with k / M suffixes. */
export function fmtCount(v) {
  if (!Number.isFinite(v)) return '–';
  if (v >= 1e6) return `${(v / 1e6).toFixed(v >= 1e7 ? 0 : 1)} M`;
  if (v >= 1e4) return `${Math.round(v / 1e3)} k`;
  return String(Math.round(v));
}

/**
 * An integer with commas between thousands, as toLocaleString('en-US') writes it ("12,345",
 * "-1,000"), without it: the first call of toLocaleString loads the browser's locale data, which
 * costs tens of milliseconds of the page's start-up.
 */
export function fmtInt(v) {
  if (!Number.isFinite(v)) return String(v);
  const n = Math.round(v);
  return (n < 0 ? '-' : '') + String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

let uid = 0;
/** A page-unique id prefix for an instance (several playgrounds on one page). */
export function uniqueId(prefix = 'bp') {
  uid += 1;
  return `${prefix}${uid}`;
}
