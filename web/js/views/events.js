// events.js — monitoring events (contract: /work/briefs/contract-events.md,
// the events issue): the live list with class, status, count, CI and the
// rule that decided each step, and the maintenance windows.  When the
// events API is not there (404) the screen says so.
import { t, bi } from '../i18n.js';
import { get, post, del, qs, ApiError } from '../api.js';
import { h, clear, field, select, table, tr, section, showError, fmtTime, button, localInputToIso, isoToLocalInput, badge } from '../dom.js';
import { serverNow } from '../api.js';

const CLASSES = ['exception', 'warning', 'info'];
const STATES = ['open', 'closed', 'filtered', 'silenced', 'suppressed', 'handled'];

export async function eventsView(ctx) {
  const q = h('input', { type: 'search', name: 'q' });
  const cls = select([['', t('common.all')], ...CLASSES.map((c) => [c, t('evclass.' + c)])], '');
  const status = select([['', t('common.all')], ['firing', t('evstatus.firing')], ['resolved', t('evstatus.resolved')]], '');
  const list = h('div', { 'data-testid': 'event-list' });
  const detail = h('div', { 'data-testid': 'event-detail' });
  const windows = h('div', { 'data-testid': 'windows' });
  const note = h('p', { class: 'note', hidden: true, 'data-testid': 'events-absent' });
  const form = h('form', { class: 'filters', role: 'search' }, field(t('ev.search'), q), field(t('ev.class'), cls), field(t('ev.status'), status), h('button', { type: 'submit' }, t('common.search')));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  cls.addEventListener('change', load);
  status.addEventListener('change', load);
  ctx.el.append(h('h1', {}, t('ev.title')), note, form,
    h('div', { class: 'inc-grid' }, section(t('ev.live'), list), section(t('ev.detail'), detail), section(t('ev.windows'), windows, windowForm())));
  clear(detail, h('p', { class: 'note' }, t('ev.pick')));

  async function load() {
    try {
      const r = await get('/api/v1/events' + qs({ q: q.value, class: cls.value, status: status.value, limit: 100 }));
      if (!ctx.alive()) return;
      note.hidden = true;
      clear(list, table([t('ev.last_seen'), t('ev.class'), t('ev.status'), t('ev.state'), t('ev.count'), t('ev.ci'), t('ev.summary'), t('ev.incident')],
        r.items.map((e) => tr(fmtTime(e.last_seen), e.class ? badge(t('evclass.' + e.class), 'ev-' + e.class) : '—', t('evstatus.' + e.status),
          STATES.includes(e.state) ? t('evstate.' + e.state) : e.state, String(e.count) + (e.flapping ? ' ' + t('ev.flapping') : ''),
          e.ci ? h('a', { href: `#/cmdb/${e.ci.id}` }, e.ci.name) : '—',
          h('a', { href: '#/events', onclick: (ev) => { ev.preventDefault(); show(e.id); } }, e.summary || e.dedup_key),
          e.incident ? h('a', { href: `#/incidents/${e.incident.id}` }, e.incident.number) : '—'))),
      h('p', { class: 'note' }, t('common.total', { n: r.total })));
    } catch (e) {
      if (!ctx.alive() || e.status === 401) return;
      note.textContent = e instanceof ApiError && e.status === 404 ? t('ev.absent') : t('common.load_failed') + ' ' + bi(e.message);
      note.hidden = false;
      clear(list);
    }
  }

  async function show(id) {
    try {
      const e = await get(`/api/v1/events/${id}`);
      clear(detail, h('h3', {}, e.summary || e.dedup_key),
        h('dl', { class: 'facts' }, h('dt', {}, t('ev.source')), h('dd', {}, e.source), h('dt', {}, t('ev.severity')), h('dd', {}, e.severity || '—'),
          h('dt', {}, t('ev.first_seen')), h('dd', {}, fmtTime(e.first_seen)), h('dt', {}, t('ev.window')), h('dd', {}, e.window ? e.window.name : '—')),
        table([t('ev.step'), t('ev.rule'), t('ev.result'), t('ev.at')], (e.decisions || []).map((d) => tr(t('evstep.' + d.step), d.rule || '—', bi(d.result), fmtTime(d.at)))));
    } catch (err) { clear(detail, h('p', { class: 'error' }, bi(err.message))); }
  }

  async function loadWindows() {
    try {
      const r = await get('/api/v1/maintenance-windows');
      if (!ctx.alive()) return;
      const items = r.items || r;
      clear(windows, table([t('mw.name'), t('mw.starts'), t('mw.ends'), t('mw.matchers'), t('mw.ci'), ''],
        items.map((w) => tr(w.name, fmtTime(w.starts_at), fmtTime(w.ends_at),
          (w.matchers || []).map((m) => `${m.name}${m.regex ? '=~' : '='}${m.value}`).join(', ') || '—', w.ci ? w.ci.name : '—',
          button(t('common.delete'), async () => { await del(`/api/v1/maintenance-windows/${w.id}`); loadWindows(); })))));
    } catch (e) {
      if (!ctx.alive() || e.status === 401) return;
      clear(windows, h('p', { class: 'note' }, e.status === 404 ? t('ev.absent') : bi(e.message)));
    }
  }

  function windowForm() {
    const name = h('input', { name: 'name' });
    const starts = h('input', { type: 'datetime-local', name: 'starts_at', value: isoToLocalInput(serverNow()) });
    const ends = h('input', { type: 'datetime-local', name: 'ends_at', value: isoToLocalInput(serverNow() + 2 * 3600e3) });
    const mname = h('input', { name: 'matcher_name', value: 'alertname' });
    const mvalue = h('input', { name: 'matcher_value' });
    const comment = h('input', { name: 'comment' });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const f = h('form', { class: 'form' }, h('h3', {}, t('mw.new')), field(t('mw.name'), name, { required: true }), field(t('mw.starts'), starts, { required: true }),
      field(t('mw.ends'), ends, { required: true }), field(t('mw.matcher_name'), mname), field(t('mw.matcher_value'), mvalue), field(t('mw.comment'), comment),
      err, h('button', { type: 'submit' }, t('common.save')));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { name: name.value.trim(), starts_at: localInputToIso(starts.value), ends_at: localInputToIso(ends.value), comment: comment.value.trim() };
      if (mvalue.value.trim()) body.matchers = [{ name: mname.value.trim(), value: mvalue.value.trim(), regex: false }];
      try { await post('/api/v1/maintenance-windows', body); showError(err, null); loadWindows(); } catch (e) { showError(err, e); }
    });
    return f;
  }

  await load();
  await loadWindows();
  ctx.every(5000, load);
}
