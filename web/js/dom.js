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

// A table; on a phone each row becomes a card whose cells carry their
// column's name (data-label, shown by app.css), so nothing scrolls sideways.
export function table(headers, rows, { caption, cls = '' } = {}) {
  const body = h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: headers.length, class: 'empty' }, t('common.none'))));
  for (const row of rows.length ? body.rows : []) {
    [...row.cells].forEach((td, i) => { if (typeof headers[i] === 'string' && headers[i]) td.dataset.label = headers[i]; });
  }
  return h('table', { class: 'grid ' + cls },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    body);
}

// Replaces the children of el by build() only when key (any JSON-able value)
// differs from the last one: a poll that brings nothing new leaves the
// DOM, focus, text selection and scroll alone.  When it does rebuild, the
// element that had focus is looked up again by its data-testid, id or
// name and focused, so a person at the keyboard keeps their place.
export function patch(el, key, build) {
  const k = JSON.stringify(key);
  if (el.dataset.key === k) return false;
  el.dataset.key = k;
  const had = document.activeElement && el.contains(document.activeElement) ? focusKey(document.activeElement) : null;
  clear(el, build());
  if (had) {
    const again = el.querySelector(had);
    if (again) again.focus({ preventScroll: true });
  }
  return true;
}

function focusKey(node) {
  for (const a of ['data-testid', 'id', 'name', 'href']) {
    const v = node.getAttribute && node.getAttribute(a);
    if (v) return `${node.tagName.toLowerCase()}[${a}="${CSS.escape(v)}"]`;
  }
  return null;
}

// Tells a screen reader what changed (the polite live region of index.html),
// instead of the whole page being announced on every refresh.
export function announce(text) {
  const live = document.getElementById('live');
  if (!live || !text) return;
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 50);
}

// An irreversible action asks first: the button is replaced by a short
// summary with 确认 / 取消 next to it; focus goes to 取消 (the safe choice).
export function confirmButton(text, summary, run, attrs = {}) {
  const wrap = h('span', { class: 'confirm-wrap' });
  const open = () => {
    const no = button(t('common.cancel'), () => { clear(wrap, btn); btn.focus(); }, { 'data-testid': (attrs['data-testid'] || 'act') + '-cancel' });
    const yes = button(t('common.confirm_do', { what: text }), () => run(), { class: 'primary danger', 'data-testid': (attrs['data-testid'] || 'act') + '-confirm' });
    clear(wrap, h('span', { class: 'confirm', role: 'group', 'aria-label': text }, h('span', { class: 'confirm-text' }, summary), yes, no));
    no.focus();
  };
  const btn = button(text, open, attrs);
  wrap.append(btn);
  return wrap;
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

// A form error where it belongs: with an input, the message is shown right
// under that input (aria-invalid, aria-errormessage, focus moved there) and
// the form's general message is hidden; without one, in the form's general
// message (errEl).  err null clears every mark of the form.
export function fieldError(input, errEl, err) {
  const form = errEl.closest('form') || document;
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-errormessage');
  }
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  const e = err ? (typeof err === 'string' ? new Error(err) : err) : null;
  if (input && e) {
    showError(errEl, null);
    const msg = h('p', { class: 'error field-error', id: (input.id || input.name) + '-error', role: 'alert' }, bi(e.message));
    input.insertAdjacentElement('afterend', msg);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-errormessage', msg.id);
    input.focus();
    return;
  }
  showError(errEl, e);
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
// Every time is shown in Beijing time (UTC+08:00, the policy's zone) with
// its label, whatever zone the browser is set to.
export const ZONE = 'Asia/Shanghai';
const ZONE_MS = 8 * 3600e3;
const pad = (n) => String(n).padStart(2, '0');
// The wall-clock parts of an instant in Beijing.
function bj(ms) {
  const d = new Date(ms + ZONE_MS);
  return { y: d.getUTCFullYear(), mo: pad(d.getUTCMonth() + 1), d: pad(d.getUTCDate()), h: pad(d.getUTCHours()), mi: pad(d.getUTCMinutes()), s: pad(d.getUTCSeconds()) };
}
export function fmtTime(iso, { zone = true, seconds = true } = {}) {
  if (!iso) return '—';
  const ms = new Date(iso).getTime();
  if (Number.isNaN(ms)) return '—';
  const p = bj(ms);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}${seconds ? ':' + p.s : ''}` + (zone ? ' ' + t('time.zone') : '');
}
// Hour and minute in Beijing (chart axes).
export function fmtClock(iso) { const p = bj(new Date(iso).getTime()); return `${p.h}:${p.mi}`; }

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

// <input type=datetime-local> value (Beijing time) ⇄ RFC 3339
export function localInputToIso(v) { return v ? new Date(v + (v.length === 16 ? ':00' : '') + '+08:00').toISOString() : ''; }
export function isoToLocalInput(ms) {
  const p = bj(ms);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}`;
}

// The pager under a list envelope {items,total}: where we are, previous, next.
// A total the server stopped counting (total_estimated: at least that many)
// reads "at least N", and there is no last page to jump to.
export function pager(el, r, offset, size, goTo) {
  const est = r.total_estimated === true;
  const last = r.total ? Math.floor((r.total - 1) / size) * size : 0;
  const b = (key, testid, disabled, to) => h('button', { type: 'button', 'data-testid': testid, disabled, onclick: () => goTo(to) }, t(key));
  patch(el, [r.total, est, r.items.length, offset, size], () => [
    h('span', { 'data-testid': 'page-info' }, t(est ? 'common.page_info_more' : 'common.page_info', { from: r.total ? offset + 1 : 0, to: offset + r.items.length, total: r.total })),
    b('common.first', 'page-first', offset === 0, 0),
    b('common.prev', 'page-prev', offset === 0, Math.max(0, offset - size)),
    b('common.next', 'page-next', offset + size >= r.total, offset + size),
    b('common.last', 'page-last', est || offset >= last, last)]);
}

// "导出 CSV": every row of the list as it is filtered, fetched a page of 500
// at a time (fetchPage(limit, offset) → envelope), at most CSV_MAX rows;
// columns are [header, (item) → text].  UTF-8 with a BOM so that Excel
// reads the Chinese right.
const CSV_MAX = 100000;
export function csvButton(name, fetchPage, columns) {
  const b = button(t('common.export_csv'), async () => {
    b.disabled = true;
    try {
      const rows = [columns.map(([head]) => head)];
      for (let off = 0; off < CSV_MAX; off += 500) {
        const r = await fetchPage(500, off);
        for (const it of r.items) rows.push(columns.map(([, f]) => f(it)));
        if (!r.items.length || off + r.items.length >= r.total) break;
      }
      const cell = (v) => { const s = String(v ?? ''); return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; };
      const blob = new Blob(['\ufeff' + rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
      const a = h('a', { href: URL.createObjectURL(blob), download: `${name}.csv`, hidden: true });
      document.body.append(a);
      a.click();
      setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    } finally { b.disabled = false; }
  }, { 'data-testid': 'csv-' + name });
  return b;
}
