// dom.js — small DOM helpers: h() builds elements (text children become
// text nodes, never HTML), form fields with their labels, tables, time and
// countdown formatting.  Text always comes from t() or from data.
import { t, tOr, bi, currentLang } from './i18n.js';
import { serverNow } from './api.js';

let uid = 0;
export const nextId = (p = 'f') => `${p}-${++uid}`;

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden' || k === 'required' || k === 'multiple') el[k] = !!v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// The one HTML escape of the UI.  Everything else builds text nodes; the
// only place where a string becomes HTML is a chart tooltip (ECharts sets
// the formatter's result as innerHTML), so textChart() below passes every
// formatter's result through here.
export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

// Makes a chart option text-only: every tooltip formatter function (of the
// option and of each series) returns plain text, and its result is escaped.
// ECharts' default tooltips escape names themselves; labels are drawn on the
// canvas as text (no rich-text styles are defined, so "{a|…}" in a name
// stays literal).  ctx.chart() applies this to every setOption.
export function textChart(option) {
  const wrap = (tip) => {
    if (tip && typeof tip.formatter === 'function' && !tip.formatter.textOnly) {
      const f = tip.formatter;
      tip.formatter = (...args) => escapeHtml(f(...args));
      tip.formatter.textOnly = true;
    } else if (tip && typeof tip.formatter === 'string') {
      throw new Error('chart tooltip: use a formatter function (its text is escaped), not a template string');
    }
  };
  if (!option) return option;
  [].concat(option.tooltip || []).forEach(wrap);
  [].concat(option.series || []).forEach((s) => wrap(s && s.tooltip));
  return option;
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A labelled field: {label, input, required, hint}.  The input gets an id
// the label points at; required fields are marked (and aria-required).
export function field(label, input, { required = false, hint, wide = false } = {}) {
  if (!input.id) input.id = nextId();
  if (required) {
    input.setAttribute('aria-required', 'true');
    input.required = true;
  }
  const lab = h('label', { for: input.id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
  let hintEl = null;
  if (hint) {
    hintEl = h('small', { class: 'hint', id: input.id + '-hint' }, hint);
    input.setAttribute('aria-describedby', hintEl.id);
  }
  return h('div', { class: 'field' + (wide ? ' wide' : '') }, lab, input, hintEl);
}

export function select(options, value, attrs = {}) {
  return h('select', attrs, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}

export function table(headers, rows, { caption, cls = '' } = {}) {
  return h('table', { class: 'grid ' + cls },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: headers.length, class: 'empty' }, t('common.none')))));
}

export const tr = (...cells) => h('tr', {}, cells.map((c) => (c instanceof Node && c.tagName === 'TD' ? c : h('td', {}, c))));

export function section(title, ...children) {
  const id = nextId('s');
  return h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

export function button(text, onclick, attrs = {}) {
  return h('button', { type: 'button', onclick, ...attrs }, text);
}

export function errorBox(err) {
  return h('p', { class: 'error', role: 'alert' }, err ? bi(err.message || String(err)) : '');
}

export function showError(el, err) {
  clear(el, err ? bi(err.message || String(err)) : '');
  el.hidden = !err;
}

// ---- names from the catalogue ----
export const levelName = (l) => tOr('level.' + l, l);
export const gradeName = (g) => tOr('grade.' + g, g);
export const respName = (r) => tOr('resp.' + r, r);
export const stateName = (s) => tOr('state.' + s, s);
export const sevName = (s) => tOr('sev.' + s, s);
export const roleName = (r) => tOr('role.' + r, r);
export const dlName = (k) => tOr('dl.' + k, k);
export const reportName = (k) => tOr('report.' + k, k);
export const fieldName = (k) => tOr('field.' + k, k);
export const envName = (k) => tOr('env.' + k, k);
export const relName = (k) => tOr('rel.' + k, k);
export const categoryName = (c) => (c ? (currentLang() === 'en' ? c.name_en || c.key : c.name_zh || c.key) : '');

export function badge(text, kind) { return h('span', { class: 'badge ' + (kind || '') }, text); }
export const levelBadge = (l) => badge(levelName(l), 'lv-' + l);
export const gradeBadge = (g) => badge(gradeName(g), 'lv-' + g);
export const respBadge = (r) => badge(respName(r), 'rs-' + r);
export const stateBadge = (s) => badge(stateName(s), 'st-' + s);

// ---- time ----
export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(currentLang() === 'en' ? 'en-GB' : 'zh-CN', { hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function fmtDuration(ms) {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400), hh = Math.floor((s % 86400) / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
  const p = (n) => String(n).padStart(2, '0');
  return (d ? t('time.days', { n: d }) + ' ' : '') + `${p(hh)}:${p(mm)}:${p(ss)}`;
}

// A live countdown: updated every second by tickCountdowns() (main.js).
export function countdown(dueIso) {
  const el = h('span', { class: 'countdown', dataset: { due: String(new Date(dueIso).getTime()) } });
  renderCountdown(el);
  return el;
}

export function renderCountdown(el) {
  const left = Number(el.dataset.due) - serverNow();
  el.textContent = left >= 0 ? t('time.due_in', { d: fmtDuration(left) }) : t('time.overdue_by', { d: fmtDuration(left) });
  el.classList.toggle('overdue', left < 0);
  el.classList.toggle('soon', left >= 0 && left < 10 * 60 * 1000);
}

export function tickCountdowns() { for (const el of document.querySelectorAll('.countdown[data-due]')) renderCountdown(el); }

// <input type=datetime-local> value ⇄ RFC 3339
export function localInputToIso(v) { return v ? new Date(v).toISOString() : ''; }
export function isoToLocalInput(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
