// shared/widgets.js: the form widgets of every page's control panel. A page's controls class
// extends ControlPanel; each widget reports a change as a state patch through on.change(patch)
// and a command through on.action(name), and is kept in this.inputs[name] so that show(state)
// can set it. No engine, no state module: the page says what a value means.

import { h, uniqueId } from './dom.js';

export class ControlPanel {
  /**
   * @param {{ change(patch: object): void, action(name: string): void }} on
   * @param {string} prefix  of the ids the labels point to
   */
  constructor(on, prefix = 'bpc') {
    this.on = on;
    this.id = uniqueId(prefix);
    this.inputs = {};
  }

  /** A labelled field: <div class="bp-field"><label for=…>label</label> input extra.after</div>. */
  field(label, input, extra = {}) {
    if (!input.id) input.id = `${this.id}-${Object.keys(this.inputs).length}-${label.replace(/\W+/g, '')}`;
    return h('div', { class: ['bp-field', extra.class] },
      h('label', { class: 'bp-field-label', for: input.id, text: label }), input, extra.after);
  }

  /** A <select> of [value, label] options; a choice sends toPatch(value text). */
  select(name, options, toPatch) {
    const sel = h('select', { name, on: { change: () => this.on.change(toPatch(sel.value)) } },
      options.map(([v, l]) => h('option', { value: String(v), text: l })));
    this.inputs[name] = sel;
    return sel;
  }

  /** A slider with its value beside it (format(number) -> text); a release sends toPatch(number). */
  range(name, min, max, step, toPatch, format) {
    const out = h('output', { class: 'bp-range-value' });
    const input = h('input', {
      type: 'range', name, min, max, step,
      on: {
        input: () => { out.textContent = format(Number(input.value)); },
        change: () => this.on.change(toPatch(Number(input.value))),
      },
    });
    input.bpOutput = out;
    input.bpFormat = format;
    this.inputs[name] = input;
    return input;
  }

  /** A checkbox with its label; a click sends toPatch(checked). */
  check(name, label, toPatch) {
    const box = h('input', { type: 'checkbox', name, on: { change: () => this.on.change(toPatch(box.checked)) } });
    this.inputs[name] = box;
    return h('label', { class: 'bp-inline-check' }, box, ` ${label}`);
  }

  /** A text button for a command (props: title, class, other attributes). */
  button(text, action, props = {}) {
    return h('button', { type: 'button', ...props, class: ['bp-btn', props.class], text, on: { click: () => this.on.action(action) } });
  }

  /** A round icon button of the run bar (icon: reset, play, step). */
  roundButton(icon, label, action, props = {}) {
    return h('button', {
      type: 'button', class: ['bp-round-btn', props.class], 'aria-label': label, title: props.title || label, ...props.attrs,
      on: { click: () => this.on.action(action) },
    }, h('span', { class: `bp-icon bp-icon-${icon}`, 'aria-hidden': 'true' }));
  }

  /**
   * The run bar every page has: reset, play/pause, one step, the counter and the speed.
   * o: { resetLabel, stepLabel, counter ('Epoch', 'Step'), speeds, speedUnit, speedPatch(v),
   *      extraButtons: [] }. Sets this.resetBtn, playBtn, stepBtn, counterOut, rateOut.
   */
  runBar(o) {
    this.resetBtn = this.roundButton('reset', o.resetLabel, 'reset');
    this.playBtn = this.roundButton('play', 'Play (space)', 'togglePlay',
      { class: 'bp-play-btn', title: 'Play / pause (space)', attrs: { 'aria-pressed': 'false' } });
    this.stepBtn = this.roundButton('step', o.stepLabel, 'step');
    this.counterOut = h('output', { class: ['bp-epoch', o.counterClass], text: '0' });
    this.rateOut = h('output', { class: 'bp-rate', text: '' });
    const speed = this.select('speed', o.speeds.map((s) => [s, s === 0 ? 'max' : `${s} ${o.speedUnit}`]), o.speedPatch);
    return h('div', { class: 'bp-runbar' },
      h('div', { class: 'bp-run-buttons' }, this.resetBtn, this.playBtn, this.stepBtn, ...(o.extraButtons || [])),
      h('div', { class: 'bp-counter' },
        h('span', { class: 'bp-counter-label', text: o.counter }), this.counterOut, this.rateOut),
      this.field('Speed', speed, { class: 'bp-speed' }));
  }

  /**
   * The file bar every page has: share link, export model, import model (a hidden file input),
   * then the page's own buttons. o: { shareTitle, exportTitle, importTitle, linkLabel, extra: [] }.
   * A chosen file goes to on.action('importModel', file).
   */
  fileBar(o) {
    this.fileInput = h('input', {
      type: 'file', accept: '.json,application/json', class: 'bp-hidden', 'aria-label': 'Model file to import',
      on: { change: () => { const f = this.fileInput.files[0]; this.fileInput.value = ''; if (f) this.on.action('importModel', f); } },
    });
    this.shareOut = h('input', { type: 'text', class: 'bp-share-url', readonly: true, 'aria-label': o.linkLabel, hidden: true });
    this.shareStatus = h('span', { class: 'bp-share-status', role: 'status' });
    return h('div', { class: 'bp-files' },
      this.button('Share link', 'share', { title: o.shareTitle }),
      this.button('Export model', 'exportModel', { title: o.exportTitle }),
      h('button', { type: 'button', class: 'bp-btn', text: 'Import model', title: o.importTitle, on: { click: () => this.fileInput.click() } }),
      ...(o.extra || []),
      this.fileInput, this.shareOut, this.shareStatus);
  }

  /** Shows the share link in a text box (also when the clipboard is not available). */
  showShareLink(url, copied) {
    this.shareOut.hidden = false;
    this.shareOut.value = url;
    this.shareStatus.textContent = copied ? 'Link copied.' : 'Copy the link from the box.';
    if (!copied) {
      this.shareOut.focus();
      this.shareOut.select();
    }
  }

  /** Shows playing or paused on the play button. */
  setPlaying(playing) {
    if (!this.playBtn) return;
    this.playBtn.setAttribute('aria-pressed', String(playing));
    this.playBtn.setAttribute('aria-label', playing ? 'Pause (space)' : 'Play (space)');
    const icon = this.playBtn.firstChild;
    this.playBtn.classList.toggle('bp-playing', playing);
    if (icon) icon.className = `bp-icon ${playing ? 'bp-icon-pause' : 'bp-icon-play'}`;
  }
}
