// shared/line-chart.js: the line charts of the recurrent and digits pages, on uPlot (vendored into web/vendor/ by
// the build, as for the static page's charts). One small class, LineChart, serves every chart:
// a sequence over time, ‖∂L/∂h_t‖ per step (log), σ_max(Wh) over training, the losses, the state
// of every unit over relaxation iterations, and the residuals (log). Reference lines (σ = 1, the
// tolerance) are drawn in a draw hook. Never touches the engine.

import uPlot from '../../vendor/uPlot.esm.js';
import { h } from './dom.js';

/** Okabe–Ito colours, as the static page's charts use them. */
export const COLORS = {
  blue: '#0072B2', orange: '#E69F00', vermillion: '#D55E00', green: '#009E73', sky: '#56B4E9',
  purple: '#CC79A7', yellow: '#F0E442', grey: '#8a9099', black: '#1f2328',
};
export const UNIT_COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#999999'];

const AXIS = { stroke: '#555', grid: { stroke: '#eee' }, ticks: { stroke: '#ddd' }, font: '10px system-ui, sans-serif' };

function isDecade(v) {
  return v > 0 && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-6;
}

/** Labels at decades only: 1, 0.1, 0.01, 1e-3 ...; every 2nd or 3rd one when there are many. */
function logLabels(u, vals) {
  const decades = vals.filter((v) => v != null && isDecade(v)).length;
  const every = decades > 16 ? 3 : decades > 8 ? 2 : 1;
  return vals.map((v) => {
    if (v == null || !isDecade(v)) return '';
    if (Math.round(Math.log10(v)) % every !== 0) return '';
    if (v >= 0.01 && v <= 1000) return String(Number(v.toPrecision(1)));
    return `1e${Math.round(Math.log10(v))}`;
  });
}

function logAxis(axis) {
  const decades = (u, splits) => splits.map((v) => (isDecade(v) ? v : null));
  return { ...axis, values: logLabels, grid: { ...axis.grid, filter: decades }, ticks: { ...axis.ticks, filter: decades } };
}

/** A linear axis label: short, and never "−0" for a small value. */
function tickLabel(v) {
  if (v == null) return '';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(0).replace('-', '−');
  return String(Number(v.toPrecision(3))).replace('-', '−');
}

/**
 * The smallest and largest values a log axis shows. uPlot's log ticks stop working far below
 * 1e-22 (its tick loop never ends), so smaller values are left out, and the page says how many.
 */
export const LOG_FLOOR = 1e-20;
export const LOG_CEILING = 1e20;

/** Values for a log axis: non-positive, non-finite and out-of-range ones become gaps. */
export function positiveOrNull(a) {
  return Array.from(a, (v) => (v >= LOG_FLOOR && v <= LOG_CEILING ? v : null));
}

/** How many values are positive but below the log floor (drawn as gaps). */
export function belowFloor(a) {
  let n = 0;
  for (const v of a) if (v > 0 && v < LOG_FLOOR) n++;
  return n;
}

export function finiteOrNull(a) {
  return Array.from(a, (v) => (Number.isFinite(v) ? v : null));
}

export class LineChart {
  /**
   * @param {object} o
   *   title: caption text; note: small text under the caption (optional)
   *   xLabel: name of the x values (legend); xFormat(v): their display
   *   log: log-scale y; yRange: [lo, hi] fixed range (linear only)
   *   height: px (default 170); legend: show the legend (default true)
   *   refLines: [{ value, label, color, align: 'right' | 'left' }] horizontal reference lines
   *   className: extra class on the figure
   */
  constructor(o) {
    this.o = { height: 170, legend: true, ...o };
    this.host = h('div', { class: 'bp-chart-host rc-chart-host' });
    this.noteEl = h('p', { class: 'rc-chart-note', text: o.note || '' });
    this.captionText = h('span', { text: o.title });
    this.caption = h('figcaption', {}, this.captionText);
    this.el = h('figure', { class: ['bp-chart', 'rc-chart', o.className] }, this.caption, this.host, this.noteEl);
    this.series = null;
    this.plot = null;
    this.refLines = o.refLines || [];
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.host);
  }

  setTitle(text) { this.captionText.textContent = text; }
  setNote(text) { this.noteEl.textContent = text; }
  setRefLines(lines) { this.refLines = lines; if (this.plot) this.plot.redraw(false); }

  width() {
    return Math.max(160, Math.floor(this.host.clientWidth || 320));
  }

  /**
   * series: [{ label, stroke, width, dash, points (bool), spanGaps, fill }]
   * The chart is rebuilt when the series change (their count or labels) or the log setting.
   */
  build(series, log) {
    if (this.plot) this.plot.destroy();
    // a legend with more than `maxLegend` entries (a state line per unit) says nothing: hide it
    this.legendShown = this.o.legend && series.length <= (this.o.maxLegend || 12);
    const o = this.o;
    const val = (u, v) => (v == null ? '–' : Number(v.toPrecision(3)).toString());
    const xs = { label: o.xLabel || 'x', value: (u, v) => (v == null ? '–' : (o.xFormat ? o.xFormat(v) : String(v))) };
    const yAxis = { ...AXIS, size: 48, values: (u, vals) => vals.map(tickLabel) };
    const refs = () => this.refLines;
    this.plot = new uPlot({
      width: this.width(),
      height: o.height,
      legend: { show: this.legendShown, live: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        // xPad: room at the ends for markers at the first and last x
        x: o.xPad ? { time: false, range: (u, min, max) => [min - o.xPad, max + o.xPad] } : { time: false },
        y: log ? { distr: 3, range: (u, min, max) => logRange(min, max) } : o.yRange ? { range: o.yRange } : { range: (u, min, max) => padRange(min, max) },
      },
      axes: [{ ...AXIS, size: 28 }, log ? logAxis(yAxis) : yAxis],
      series: [xs, ...series.map((s) => {
        const out = {
          label: s.label,
          stroke: s.stroke,
          width: s.width || 1.5,
          value: val,
          spanGaps: !!s.spanGaps,
          points: s.points ? { show: true, size: s.pointSize || 6, fill: s.stroke, stroke: s.stroke } : { show: false },
        };
        if (s.dash) out.dash = s.dash;
        if (s.fill) out.fill = s.fill;
        if (s.noLine) out.paths = () => null;   // markers only
        return out;
      })],
      hooks: {
        draw: [(u) => {
          const lines = refs();
          if (!lines.length) return;
          const { ctx } = u;
          const { left, width, top, height } = u.bbox;
          ctx.save();
          ctx.setLineDash([4, 4]);
          ctx.lineWidth = 1 * devicePixelRatio;
          ctx.font = `${10 * devicePixelRatio}px system-ui, sans-serif`;
          for (const r of lines) {
            if (!(r.value > 0) && log) continue;
            const y = u.valToPos(r.value, 'y', true);
            if (!(y >= top && y <= top + height)) continue;
            ctx.strokeStyle = r.color || '#888';
            ctx.fillStyle = r.color || '#888';
            ctx.beginPath();
            ctx.moveTo(left, y);
            ctx.lineTo(left + width, y);
            ctx.stroke();
            if (r.label) {
              // at the right end (default) or the left one, where the data leave room
              const atLeft = r.align === 'left';
              ctx.textAlign = atLeft ? 'left' : 'right';
              ctx.fillText(r.label, atLeft ? left + 4 * devicePixelRatio : left + width - 4 * devicePixelRatio, y - 3 * devicePixelRatio);
            }
          }
          ctx.restore();
        }],
      },
    }, [[], ...series.map(() => [])], this.host);
    this.series = series.map((s) => s.label).join('|');
    this.log = log;
  }

  /** x: numbers; ys: one array per series (null = gap). */
  setData(x, ys, series, log = !!this.o.log) {
    const key = series.map((s) => s.label).join('|');
    if (!this.plot || key !== this.series || log !== this.log) this.build(series, log);
    const data = [Array.from(x), ...ys.map((y) => (log ? positiveOrNull(y) : finiteOrNull(y)))];
    this.plot.setData(data);
  }

  resize() {
    if (this.plot && this.host.clientWidth) this.plot.setSize({ width: this.width(), height: this.o.height });
  }

  destroy() {
    this.resizeObserver.disconnect();
    if (this.plot) this.plot.destroy();
  }
}

/**
 * Whole decades around the data, at most 30 of them (uPlot's own log range loops forever on a
 * minimum of 0, which an all-gap series gives).
 */
function logRange(min, max) {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return [0.1, 1];
  const hi = 10 ** Math.ceil(Math.log10(max) + 1e-9);
  let lo = 10 ** Math.floor(Math.log10(min) - 1e-9);
  if (lo >= hi) lo = hi / 10;
  return [Math.max(lo, hi / 1e30, LOG_FLOOR), Math.min(hi, LOG_CEILING)];
}

/** Values beyond this size are drawn at the edge of a linear axis (a diverging run's outputs). */
export const LINEAR_LIMIT = 1e100;

/**
 * The y range of a linear axis: the data with 8% room. The room is never smaller than a
 * millionth of the values' size: around 1e17 a pad of ±1 is no width at all in doubles, and
 * uPlot's tick loop (tick + step === tick) then grows its array until "Invalid array length".
 */
export function padRange(min, max) {
  if (min == null || max == null || !Number.isFinite(min) || !Number.isFinite(max)) return [-1, 1];
  const clamp = (v) => Math.min(Math.max(v, -LINEAR_LIMIT), LINEAR_LIMIT);
  min = clamp(min);
  max = clamp(max);
  const size = Math.max(Math.abs(min), Math.abs(max));
  const pad = min === max ? Math.max(1, size * 0.1) : Math.max((max - min) * 0.08, size * 1e-6);
  return [min - pad, max + pad];
}

/** Training history: one entry per drawn frame, thinned (every other point) when it grows long. */
export class History {
  constructor(keys, maxLength = 2000) {
    this.keys = keys;
    this.maxLength = maxLength;
    this.clear();
  }

  clear() {
    this.x = [];
    this.v = Object.fromEntries(this.keys.map((k) => [k, []]));
    this.every = 1;
    this.skipped = 0;
  }

  /** Adds a point at x (a step count); a smaller x than the last means a reset. */
  push(x, values) {
    const last = this.x.length ? this.x[this.x.length - 1] : -1;
    if (x === last) return false;
    if (x < last) this.clear();
    if (this.x.length && ++this.skipped < this.every) return false;
    this.skipped = 0;
    this.x.push(x);
    for (const k of this.keys) this.v[k].push(Number.isFinite(values[k]) ? values[k] : null);
    if (this.x.length > this.maxLength) {
      const keep = (a) => a.filter((_, i) => i % 2 === 0 || i === a.length - 1);
      this.x = keep(this.x);
      for (const k of this.keys) this.v[k] = keep(this.v[k]);
      this.every *= 2;
    }
    return true;
  }
}
