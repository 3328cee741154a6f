// events.js — monitoring events (docs/events.md, R-EVT-1…4): the live list
// (class, status, state, count, CI, incident, the window that silenced it),
// filters, the detail of one event (labels, the rule behind each step of
// the pipeline, the raw payload as received), and the maintenance windows
// (list, create, edit, delete; matchers with regex and negative flags, or a
// CI).  The list polls every 5 s; the detail follows the selected event.
// When the events API is not there (404) the screen says so.
import { t, tOr, bi } from '../i18n.js';
import { get, post, patch, del, qs, ApiError, serverNow } from '../api.js';
import { h, clear, field, select, table, tr, section, showError, fmtTime, button, localInputToIso, isoToLocalInput, badge, pager, csvButton } from '../dom.js';
import { hasRole } from '../main.js';
import { knownErrorsPanel } from './known_errors_panel.js';
import { ciPick } from '../ci_pick.js';

const CLASSES = ['exception', 'warning', 'info'];
const STATES = ['open', 'closed', 'filtered', 'silenced', 'suppressed', 'handled'];
const REFRESH_MS = 5000;
const PAGE = 100;

export const evStateName = (s) => tOr('evstate.' + s, s);
export const evClassBadge = (c) => (c ? badge(tOr('evclass.' + c, c), 'ev-' + c) : badge(t('evclass.none'), 'ev-none'));

// Writers of maintenance windows (event.write, docs/events.md).
const mayWrite = () => hasRole('monitoring_engineer', 'ops_engineer', 'ops_section_head', 'service_desk');

function matcherText(m) {
  const op = m.regex ? (m.negative ? '!~' : '=~') : (m.negative ? '!=' : '=');
  return `${m.name}${op}"${m.value}"`;
}

export async function eventsView(ctx) {
  // the CI filter and the window form's CI are searched on the server (ci_pick.js)
  const ciPickF = ciPick({ name: 'ci', empty: t('common.all') });
  const ciSel = ciPickF.select;

  const q = h('input', { type: 'search', name: 'q' });
  const cls = select([['', t('common.all')], ...CLASSES.map((c) => [c, t('evclass.' + c)]), ['none', t('evclass.none')]], '', { name: 'class' });
  const state = h('select', { name: 'status' }, h('option', { value: '' }, t('common.all')),
    h('optgroup', { label: t('ev.status') }, ['firing', 'resolved'].map((s) => h('option', { value: s }, t('evstatus.' + s)))),
    h('optgroup', { label: t('ev.state') }, STATES.map((s) => h('option', { value: s }, evStateName(s)))));
  const source = h('input', { name: 'source', list: 'ev-sources', autocomplete: 'off' });
  const sources = h('datalist', { id: 'ev-sources' }, ['alertmanager', 'zabbix'].map((s) => h('option', { value: s })));
  const list = h('div', { 'data-testid': 'event-list' });
  const detail = h('div', { 'data-testid': 'event-detail' });
  const windows = h('div', { 'data-testid': 'windows' });
  // windows that have ended are history: hidden unless asked for
  const showPast = h('input', { type: 'checkbox', 'data-testid': 'mw-show-past' });
  showPast.addEventListener('change', () => loadWindows());
  const pastToggle = h('label', { class: 'check' }, showPast, ' ', t('mw.show_past'));
  const note = h('p', { class: 'note', hidden: true, 'data-testid': 'events-absent' });
  const stamp = h('span', { class: 'note', 'data-testid': 'events-refreshed' });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('ev.filters') },
    field(t('ev.search'), q), field(t('ev.class'), cls), field(t('ev.state_filter'), state), field(t('inc.ci_filter'), ciPickF.search), field(t('ev.ci'), ciSel), ciPickF.note,
    field(t('ev.source'), source, { hint: t('ev.source_hint') }), sources,
    h('button', { type: 'submit' }, t('common.search')));
  let offset = 0;
  const pg = h('div', { class: 'pager', 'data-testid': 'event-pager' });
  const params = () => ({ q: q.value.trim(), class: cls.value, status: state.value, ci: ciSel.value, source: source.value.trim() });
  form.append(csvButton('events', (limit, off) => get('/api/v1/events' + qs({ ...params(), limit, offset: off })),
    [[t('ev.last_seen'), (e) => fmtTime(e.last_seen)], [t('ev.class'), (e) => (e.class ? tOr('evclass.' + e.class, e.class) : t('evclass.none'))],
      [t('ev.status'), (e) => t('evstatus.' + e.status)], [t('ev.state'), (e) => evStateName(e.state)], [t('ev.count'), (e) => e.count],
      [t('ev.ci'), (e) => (e.ci ? e.ci.name : '')], [t('ev.summary'), (e) => e.summary || e.dedup_key], [t('ev.incident'), (e) => (e.incident ? e.incident.number : '')]]));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); offset = 0; load(); });
  for (const s of [cls, state, ciSel]) s.addEventListener('change', () => { offset = 0; load(); });

  const wf = windowForm();
  const detailSection = section(t('ev.detail'), detail);
  ctx.el.append(h('div', { class: 'page-head' }, h('h1', {}, t('ev.title')), stamp,
    h('a', { class: 'button', href: '#/events-review', 'data-testid': 'link-event-review' }, t('rev.events_title'))), note, form,
    section(t('ev.live'), list, pg),
    h('div', { class: 'ev-grid' }, detailSection, section(t('ev.windows'), pastToggle, windows, wf.el)));
  clear(detail, h('p', { class: 'note' }, t('ev.pick')));

  let selected = null; // id of the event in the detail
  let lastList = '';

  // The list is rebuilt when it changes: a keyboard user inside it keeps
  // their place (same event, same link or button).
  function focusKey() {
    const a = document.activeElement;
    if (!a || !list.contains(a)) return null;
    const r = a.closest('tr[data-event-id]');
    return r ? { id: r.dataset.eventId, i: [...r.querySelectorAll('a, button')].indexOf(a) } : null;
  }
  function refocus(k) {
    if (!k) return;
    const r = list.querySelector(`tr[data-event-id="${k.id}"]`);
    const el = r && r.querySelectorAll('a, button')[k.i];
    if (el) el.focus({ preventScroll: true });
  }
  let selectedSig = '';

  async function load() {
    try {
      const r = await get('/api/v1/events' + qs({ ...params(), limit: PAGE, offset }));
      if (!ctx.alive()) return;
      note.hidden = true;
      stamp.textContent = t('dash.refreshed', { at: fmtTime(serverNow()) });
      const listSig = JSON.stringify(r);
      if (listSig !== lastList) { // unchanged answers leave the DOM (and the keyboard focus) alone
        lastList = listSig;
        const where = focusKey();
        clear(list, table([t('ev.last_seen'), t('ev.class'), t('ev.status'), t('ev.state'), t('ev.count'), t('ev.ci'), t('ev.summary'), t('ev.incident')],
          r.items.map(row), { cls: 'events' }));
        refocus(where);
      }
      pager(pg, r, offset, PAGE, (o) => { offset = o; load(); });
      const cur = r.items.find((e) => e.id === selected);
      if (cur && sig(cur) !== selectedSig) show(cur.id, false);
    } catch (e) {
      if (!ctx.alive() || e.status === 401) return;
      note.textContent = e instanceof ApiError && e.status === 404 ? t('ev.absent') : t('common.load_failed') + ' ' + bi(e.message);
      note.hidden = false;
    }
  }

  const sig = (e) => [e.state, e.status, e.count, e.last_seen, e.incident && e.incident.id, e.window && e.window.id].join('|');

  function row(e) {
    const open = h('button', { type: 'button', class: 'linklike', 'data-event': String(e.id), onclick: () => show(e.id, true) }, e.summary || e.dedup_key);
    const r = tr(fmtTime(e.last_seen), evClassBadge(e.class), t('evstatus.' + e.status),
      h('span', { class: 'evstate st-' + e.state }, evStateName(e.state), e.window ? h('small', { class: 'why' }, ' · ', e.window.name) : null),
      h('td', { class: 'num' }, String(e.count), e.flapping ? h('small', { class: 'bad' }, ' ', t('ev.flapping')) : null),
      e.ci ? h('a', { href: `#/cmdb/${e.ci.id}` }, e.ci.name) : '—',
      open,
      e.incident ? h('a', { href: `#/incidents/${e.incident.id}`, 'data-testid': 'event-incident' }, e.incident.number) : '—');
    r.dataset.eventId = String(e.id);
    r.dataset.state = e.state;
    if (e.id === selected) r.setAttribute('aria-current', 'true');
    return r;
  }

  async function show(id, focus) {
    try {
      const e = await get(`/api/v1/events/${id}`);
      if (!ctx.alive()) return;
      selected = e.id;
      selectedSig = sig(e);
      for (const r of list.querySelectorAll('tr[data-event-id]')) {
        if (r.dataset.eventId === String(e.id)) r.setAttribute('aria-current', 'true');
        else r.removeAttribute('aria-current');
      }
      const fact = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
      const kv = (o) => Object.entries(o || {}).map(([k, v]) => h('li', {}, h('code', {}, `${k}="${typeof v === 'string' ? v : JSON.stringify(v)}"`)));
      const heading = h('h3', { tabindex: '-1' }, e.summary || e.dedup_key);
      clear(detail, heading,
        h('div', { class: 'badges' }, evClassBadge(e.class), badge(t('evstatus.' + e.status), 'st-' + e.status), badge(evStateName(e.state), 'st-' + e.state),
          e.flapping ? badge(t('ev.flapping'), 'bad') : null),
        h('dl', { class: 'facts' },
          fact(t('ev.id'), '#' + e.id),
          fact(t('ev.source'), e.source),
          fact(t('ev.dedup_key'), h('code', {}, e.dedup_key)),
          fact(t('ev.severity'), e.severity || '—'),
          fact(t('ev.ci'), e.ci ? h('a', { href: `#/cmdb/${e.ci.id}` }, e.ci.name) : '—'),
          fact(t('ev.incident'), e.incident ? h('a', { href: `#/incidents/${e.incident.id}`, 'data-testid': 'detail-incident' }, e.incident.number) : '—'),
          fact(t('ev.window'), e.window ? e.window.name : '—'),
          fact(t('ev.count'), String(e.count)),
          fact(t('ev.first_seen'), fmtTime(e.first_seen)),
          fact(t('ev.last_seen'), fmtTime(e.last_seen)),
          fact(t('ev.received_at'), fmtTime(e.received_at)),
          fact(t('ev.closed_at'), fmtTime(e.closed_at)),
          fact(t('ev.group_key'), e.group_key ? h('code', {}, e.group_key) : '—'),
          fact(t('ev.updated_at'), fmtTime(e.updated_at))),
        knownErrorsPanel('event', e.id),
        h('h4', {}, t('ev.decisions')),
        table([t('ev.step'), t('ev.rule'), t('ev.result'), t('ev.at')],
          (e.decisions || []).map((d) => tr(tOr('evstep.' + d.step, d.step), d.rule ? h('code', {}, d.rule) : '—', bi(d.result), fmtTime(d.at))),
          { cls: 'decisions' }),
        h('div', { class: 'ev-kv' },
          h('div', {}, h('h4', {}, t('ev.labels')), h('ul', { class: 'kv' }, kv(e.labels))),
          h('div', {}, h('h4', {}, t('ev.annotations')), h('ul', { class: 'kv' }, kv(e.annotations)))),
        h('h4', { id: 'ev-raw-h' }, t('ev.raw')),
        h('pre', { class: 'raw', tabindex: '0', 'aria-labelledby': 'ev-raw-h', 'data-testid': 'event-raw' }, JSON.stringify(e.raw, null, 2)));
      if (focus) {
        detailSection.scrollIntoView({ block: 'start' });
        heading.focus({ preventScroll: true });
      }
    } catch (err) {
      if (!ctx.alive() || err.status === 401) return;
      clear(detail, h('p', { class: 'error', role: 'alert' }, bi(err.message)));
    }
  }

  async function loadWindows() {
    try {
      const r = await get('/api/v1/maintenance-windows?limit=200');
      if (!ctx.alive()) return;
      const now = serverNow();
      const status = (w) => (Date.parse(w.ends_at) < now ? t('mw.past') : Date.parse(w.starts_at) > now ? t('mw.future') : t('mw.active'));
      const past = r.items.filter((w) => Date.parse(w.ends_at) < now).length;
      const shown = showPast.checked ? r.items : r.items.filter((w) => Date.parse(w.ends_at) >= now);
      clear(windows, !showPast.checked && past ? h('p', { class: 'note', 'data-testid': 'mw-hidden' }, t('mw.past_hidden', { n: past })) : null,
        table([t('mw.name'), t('mw.when'), t('mw.conditions'), t('common.actions')],
        shown.map((w) => {
          const x = tr(h('span', {}, h('strong', {}, w.name), h('small', { class: 'why' }, ' · ', status(w)),
            h('small', { class: 'hint' }, t('mw.by', { who: w.created_by || '—' }), w.comment ? ' · ' + w.comment : '')),
            h('span', { class: 'when' }, fmtTime(w.starts_at), h('br'), '– ', fmtTime(w.ends_at)),
            h('span', {}, w.ci ? h('span', { class: 'cond' }, t('mw.ci'), ' ', h('a', { href: `#/cmdb/${w.ci.id}` }, w.ci.name)) : null,
              (w.matchers || []).map((m) => h('code', { class: 'matcher' }, matcherText(m)))),
            mayWrite() ? h('span', { class: 'row-actions' },
              button(t('common.edit'), () => wf.edit(w), { 'aria-label': t('mw.edit_named', { name: w.name }) }),
              button(t('common.delete'), async () => {
                if (!window.confirm(t('mw.confirm_delete', { name: w.name }))) return;
                try { await del(`/api/v1/maintenance-windows/${w.id}`); if (wf.editing() === w.id) wf.reset(); loadWindows(); } catch (e) { wf.error(e); }
              }, { 'aria-label': t('mw.delete_named', { name: w.name }) })) : '');
          x.dataset.windowId = String(w.id);
          return x;
        }), { cls: 'windows' }));
    } catch (e) {
      if (!ctx.alive() || e.status === 401) return;
      clear(windows, h('p', { class: 'note' }, e.status === 404 ? t('ev.absent') : bi(e.message)));
    }
  }

  function windowForm() {
    let editId = null;
    const title = h('h3', { tabindex: '-1' }, t('mw.new'));
    const name = h('input', { name: 'name', maxlength: 200 });
    const starts = h('input', { type: 'datetime-local', name: 'starts_at' });
    const ends = h('input', { type: 'datetime-local', name: 'ends_at' });
    const ciPickW = ciPick({ name: 'ci_id', empty: t('mw.no_ci') });
    const ci = ciPickW.select;
    const rows = h('div', { class: 'matchers', 'data-testid': 'matcher-rows' });
    const comment = h('input', { name: 'comment', maxlength: 2000 });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const ok = h('p', { class: 'ok', role: 'status', hidden: true });
    const cancel = button(t('mw.cancel_edit'), () => reset(), { hidden: true });
    let n = 0;

    function matcherRow(m = { name: 'alertname', value: '', regex: false, negative: false }) {
      const i = ++n;
      const mn = h('input', { name: 'matcher_name', value: m.name, id: `mw-mn-${i}` });
      const mv = h('input', { name: 'matcher_value', value: m.value, id: `mw-mv-${i}` });
      const re = h('input', { type: 'checkbox', name: 'matcher_regex', checked: m.regex, id: `mw-re-${i}` });
      const ng = h('input', { type: 'checkbox', name: 'matcher_negative', checked: m.negative, id: `mw-ng-${i}` });
      const el = h('fieldset', { class: 'matcher-row' }, h('legend', { class: 'sr-only' }, t('mw.matcher_n', { n: i })),
        field(t('mw.matcher_name'), mn), field(t('mw.matcher_value'), mv),
        h('div', { class: 'field check' }, re, h('label', { for: re.id }, t('mw.regex'))),
        h('div', { class: 'field check' }, ng, h('label', { for: ng.id }, t('mw.negative'))),
        button(t('mw.remove_matcher'), () => { el.remove(); }, { 'aria-label': t('mw.remove_matcher_n', { n: i }) }));
      el.read = () => ({ name: mn.value.trim(), value: mv.value.trim(), regex: re.checked, negative: ng.checked });
      return el;
    }

    function fill(w) {
      name.value = w ? w.name : '';
      // a new window starts in the minute before the server's now: the input keeps whole minutes and
      // serverNow() is estimated to the second, so "this minute" could lie ahead of the server's clock
      // and the window not yet silence the alert that made someone open it
      starts.value = isoToLocalInput(w ? Date.parse(w.starts_at) : serverNow() - 60e3);
      ends.value = isoToLocalInput(w ? Date.parse(w.ends_at) : serverNow() + 2 * 3600e3);
      ciPickW.set(w && w.ci ? w.ci.id : null, w && w.ci ? w.ci.name : '');
      comment.value = w ? w.comment || '' : '';
      clear(rows, (w ? w.matchers : [undefined]).map((m) => matcherRow(m)));
    }

    function reset() {
      editId = null;
      title.textContent = t('mw.new');
      cancel.hidden = true;
      showError(err, null);
      fill(null);
    }

    const f = h('form', { class: 'form mw-form', 'data-testid': 'window-form' }, title,
      field(t('mw.name'), name, { required: true }),
      h('div', { class: 'two' }, field(t('mw.starts'), starts, { required: true }), field(t('mw.ends'), ends, { required: true })),
      field(t('inc.ci_filter'), ciPickW.search), field(t('mw.ci'), ci, { hint: t('mw.ci_hint') }), ciPickW.note,
      h('fieldset', { class: 'mw-matchers' }, h('legend', {}, t('mw.matchers')), h('p', { class: 'hint' }, t('mw.matchers_hint')), rows,
        button(t('mw.add_matcher'), () => { const r = matcherRow(); rows.append(r); r.querySelector('input').focus(); })),
      field(t('mw.comment'), comment),
      err, ok, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('common.save')), cancel));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      ok.hidden = true;
      const body = {
        name: name.value.trim(), starts_at: localInputToIso(starts.value), ends_at: localInputToIso(ends.value), comment: comment.value.trim(),
        ci_id: ci.value ? Number(ci.value) : null,
        matchers: [...rows.children].map((r) => r.read()).filter((m) => m.value || (m.name && m.name !== 'alertname')),
      };
      try {
        const w = editId ? await patch(`/api/v1/maintenance-windows/${editId}`, body) : await post('/api/v1/maintenance-windows', body);
        reset();
        ok.textContent = t('mw.saved', { name: w.name });
        ok.hidden = false;
        loadWindows();
      } catch (e) { showError(err, e); }
    });
    reset();
    return {
      el: mayWrite() ? f : h('p', { class: 'note' }, t('mw.read_only')),
      edit(w) {
        editId = w.id;
        fill(w);
        title.textContent = t('mw.edit_named', { name: w.name });
        cancel.hidden = false;
        showError(err, null);
        ok.hidden = true;
        title.scrollIntoView({ block: 'start' });
        name.focus({ preventScroll: true });
      },
      editing: () => editId,
      reset,
      error: (e) => showError(err, e),
      ready: ciPickW.ready,
    };
  }

  await Promise.all([ciPickF.ready, wf.ready]);
  if (!ctx.alive()) return;
  await load();
  await loadWindows();
  ctx.every(REFRESH_MS, load);
  ctx.every(REFRESH_MS * 6, loadWindows);
}
