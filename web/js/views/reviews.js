// reviews.js — the periodic reviews every operational role reads: the CIs
// not verified in the week or month (inventory review, R-CI-5), and the
// weekly event review (the events handed over to incidents and a sample of
// the closed ones, R-EVT-1).  Read-only lists with a pager; reached from
// the CMDB and the events screens.
import { t, bi } from '../i18n.js';
import { get, qs } from '../api.js';
import { h, clear, field, select, table, tr, section, gradeBadge, categoryName, fmtTime, pager, badge } from '../dom.js';

export async function unverifiedView(ctx) {
  const cats = (await get('/api/v1/policy/categories')).categories;
  const byKey = Object.fromEntries(cats.map((c) => [c.key, c]));
  const period = select([['month', t('rev.month')], ['week', t('rev.week')]], 'month', { name: 'period' });
  const body = h('div', { 'data-testid': 'unverified-list' });
  const pg = h('div', { class: 'pager', 'data-testid': 'unverified-pager' });
  const PAGE = 50;
  let offset = 0;
  period.addEventListener('change', () => { offset = 0; load(); });
  ctx.el.append(h('p', { class: 'crumbs' }, h('a', { href: '#/cmdb' }, t('nav.cmdb')), ' / ', t('rev.unverified_title')),
    h('div', { class: 'page-head' }, h('h1', {}, t('rev.unverified_title'))),
    h('p', { class: 'note' }, t('rev.unverified_note')),
    h('form', { class: 'filters', onsubmit: (ev) => ev.preventDefault() }, field(t('rev.period'), period)), body, pg);
  async function load() {
    const r = await get('/api/v1/cis/unverified' + qs({ period: period.value, limit: PAGE, offset }));
    if (!ctx.alive()) return;
    clear(body, table([t('cmdb.name'), t('cmdb.category'), t('cmdb.grade'), t('cmdb.department'), t('cmdb.verified')],
      r.items.map((c) => tr(h('a', { href: `#/cmdb/${c.id}` }, c.name), categoryName(byKey[c.category]) || c.category, gradeBadge(c.grade), c.department || '—',
        c.last_verified_at ? fmtTime(c.last_verified_at) : h('span', { class: 'bad' }, t('rev.never'))))));
    pager(pg, r, offset, PAGE, (o) => { offset = o; load(); });
  }
  await load();
}

export async function eventReviewView(ctx) {
  const week = h('input', { name: 'week', placeholder: '2026-W18', pattern: '\\d{4}-W\\d{2}', maxlength: 8 });
  const body = h('div', { 'data-testid': 'event-review' });
  const form = h('form', { class: 'filters' }, field(t('rev.iso_week'), week, { hint: t('rev.iso_week_hint') }), h('button', { type: 'submit' }, t('common.search')));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load().catch((e) => clear(body, h('p', { class: 'error', role: 'alert' }, bi(e.message)))); });
  ctx.el.append(h('p', { class: 'crumbs' }, h('a', { href: '#/events' }, t('nav.events')), ' / ', t('rev.events_title')),
    h('div', { class: 'page-head' }, h('h1', {}, t('rev.events_title'))), form, body);
  const row = (e) => tr('#' + e.id, e.summary || e.dedup_key, e.ci ? h('a', { href: `#/cmdb/${e.ci.id}` }, e.ci.name) : '—',
    tOrBadge(e.class), e.incident ? h('a', { href: `#/incidents/${e.incident.id}` }, e.incident.number) : '—', fmtTime(e.last_seen || e.received_at));
  async function load() {
    const r = await get('/api/v1/events/review' + qs({ week: week.value.trim() }));
    if (!ctx.alive()) return;
    if (!week.value) week.value = r.week;
    const heads = [t('rev.event'), t('rev.summary'), t('cmdb.name'), t('rev.class'), t('inc.number'), t('rev.last_seen')];
    clear(body, h('p', { class: 'note', 'data-testid': 'review-range' }, t('rev.range', { week: r.week, from: fmtTime(r.from, { seconds: false }), to: fmtTime(r.to, { seconds: false }) })),
      section(t('rev.handover', { n: r.handover.length }), table(heads, r.handover.map(row))),
      section(t('rev.sample', { n: r.sample.length, total: r.closed_total }), table(heads, r.sample.map(row))));
  }
  await load();
}

function tOrBadge(cls) {
  return cls ? badge(t('evclass.' + cls), 'ev-' + cls) : t('evclass.none');
}
