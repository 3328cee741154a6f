// cases.js — the case library (案例库, R-PIR-2): full-text search over
// post-incident reports, a page at a time; each opens the printable report.
import { t } from '../i18n.js';
import { get, qs } from '../api.js';
import { h, clear, field, select, table, tr, levelBadge, respBadge, levelName, respName, fmtTime, badge, pager, csvButton } from '../dom.js';

const PAGE = 50;

export async function casesView(ctx) {
  const q = h('input', { type: 'search', name: 'q' });
  const level = select([['', t('common.all')], ...['L1', 'L2', 'L3', 'NG'].map((l) => [l, levelName(l)])], '');
  const body = h('div', { 'data-testid': 'case-list' });
  const pg = h('div', { class: 'pager', 'data-testid': 'case-pager' });
  let offset = 0;
  const form = h('form', { class: 'filters', role: 'search' }, field(t('case.search'), q), field(t('inc.level'), level), h('button', { type: 'submit' }, t('common.search')),
    csvButton('cases', (limit, off) => get('/api/v1/cases' + qs({ q: q.value, level: level.value, limit, offset: off })),
      [[t('inc.number'), (c) => c.number], [t('inc.title'), (c) => c.title], [t('inc.level'), (c) => levelName(c.level)], [t('case.highest'), (c) => respName(c.highest_response_level)],
        [t('case.cis'), (c) => (c.ci_names || []).join(t('common.sep'))], [t('case.cause'), (c) => c.cause || ''], [t('case.filed'), (c) => fmtTime(c.filed_at)]]));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); offset = 0; load(); });
  level.addEventListener('change', () => { offset = 0; load(); });
  ctx.el.append(h('h1', {}, t('case.title')), form, body, pg);
  async function load() {
    const r = await get('/api/v1/cases' + qs({ q: q.value, level: level.value, limit: PAGE, offset }));
    clear(body, table([t('inc.number'), t('inc.title'), t('inc.level'), t('case.highest'), t('case.cis'), t('case.cause'), t('case.filed')],
      r.items.map((c) => tr(h('a', { href: `#/incidents/${c.incident_id}` }, c.number), h('span', {}, c.title, c.drill ? [' ', badge(t('inc.drill_badge'), 'drill')] : null),
        levelBadge(c.level), respBadge(c.highest_response_level), (c.ci_names || []).join(t('common.sep')), c.cause, fmtTime(c.filed_at)))));
    pager(pg, r, offset, PAGE, (o) => { offset = o; load(); });
  }
  await load();
}
