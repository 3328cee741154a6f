// known_errors.js — the known-error database's screens (R-PRB-3): full-text
// search (Chinese substrings as well as English words; the server's index
// does the matching, the screen shows the snippet it found, the workaround
// and how often it was used) and the known-error page (symptoms, root
// cause, workaround steps, permanent solution, match rules, its problem,
// links, CIs, timeline and the workflow's actions), built from the
// kernel's generic parts (record_parts.js).
import { t, bi, currentLang } from '../i18n.js';
import { get, qs } from '../api.js';
import { h, field, section, badge, fmtTime, patch, pager, announce } from '../dom.js';
import { can } from '../main.js';
import { recStateBadge, recStateName, linksPart, cisPart, timelinePart } from './record_parts.js';

const PAGE = 20;

// Workaround steps: an array of steps, or one text with a step per line.
function steps(w) {
  const list = Array.isArray(w) ? w : String(w || '').split('\n');
  const items = list.map((s) => (typeof s === 'string' ? s : s.text || '')).map((s) => s.trim()).filter(Boolean);
  return items.length ? h('ol', { class: 'ke-steps' }, items.map((s) => h('li', {}, s))) : h('span', { class: 'note' }, '—');
}

export async function knownErrorSearchView(ctx) {
  const q = h('input', { type: 'search', name: 'q', maxlength: 200, 'aria-describedby': 'ke-q-hint' });
  const body = h('div', { 'data-testid': 'ke-results' });
  const pg = h('div', { class: 'pager', 'data-testid': 'ke-pager' });
  let offset = 0;
  const form = h('form', { class: 'filters ke-search', role: 'search' },
    field(t('ke.query'), q, { hint: t('ke.query_hint') }), h('button', { type: 'submit', class: 'primary' }, t('common.search')));
  const startQ = new URLSearchParams((location.hash.split('?')[1]) || '').get('q');
  if (startQ) q.value = startQ;
  form.addEventListener('submit', (ev) => { ev.preventDefault(); offset = 0; load(true); });
  const caption = h('h2', { class: 'ke-caption', 'data-testid': 'ke-caption' });
  ctx.el.append(h('div', { class: 'page-head' }, h('h1', {}, t('ke.search_title')), h('a', { class: 'button', href: '#/problems' }, t('nav.problems')),
    can('record.write') ? h('a', { class: 'button primary', href: '#/known-errors/new', 'data-testid': 'ke-new' }, t('ke.new')) : null), form, caption, body, pg);

  async function load(say) {
    // without words: the newest known errors (the record list), with words: the search
    const words = q.value.trim();
    const r = words ? await get('/api/v1/known-errors/search' + qs({ q: words, limit: PAGE, offset }))
      : await get('/api/v1/records' + qs({ kind: 'known_error', limit: PAGE, offset }));
    if (!ctx.alive()) return;
    patch(body, [r, currentLang()], () => (r.items.length
      ? h('ol', { class: 'ke-list' }, r.items.map((k) => h('li', { class: 'ke-hit panel', 'data-testid': 'ke-hit' },
        h('h2', {}, h('a', { href: `#/known-errors/${k.id}` }, k.number), ' ', k.title, ' ', recStateBadge({ kind: 'known_error', state: k.state })),
        k.snippet ? h('p', { class: 'snippet' }, k.snippet) : null,
        h('dl', { class: 'facts' },
          k.symptoms !== undefined ? [h('dt', {}, t('ke.symptoms')), h('dd', {}, k.symptoms || '—')] : null,
          k.workaround !== undefined ? [h('dt', {}, t('ke.workaround')), h('dd', {}, steps(k.workaround))] : null,
          h('dt', {}, t('ke.problem')), h('dd', {}, k.problem_id ? h('a', { href: `#/problems/${k.problem_id}` }, k.problem_number || '#' + k.problem_id) : '—'),
          k.uses !== undefined ? [h('dt', {}, t('ke.uses')), h('dd', { 'data-testid': 'ke-uses' }, String(k.uses))] : null))))
      : h('p', { class: 'note', 'data-testid': 'ke-none' }, words ? t('ke.no_match', { q: words }) : t('ke.empty'))));
    caption.textContent = words ? t('ke.found', { n: r.total }) : t('ke.newest');
    pager(pg, r, offset, PAGE, (o) => { offset = o; load(); });
    if (say) announce(t('ke.found', { n: r.total }));
  }
  await load();
}

export async function knownErrorView(ctx, [id]) {
  let k = await get(`/api/v1/known-errors/${id}`);
  const head = h('div', { class: 'rec-head', 'data-testid': 'ke-head' });
  const facts = h('div', { 'data-testid': 'ke-facts' });
  // a known error has no workflow of its own (published through its edit): no action bar
  const parts = {
    links: linksPart(k, { kinds: ['known_error_of', 'fixed_by', 'duplicate_of', 'evidence_of'] }),
    cis: cisPart(k),
  };
  parts.timeline = timelinePart(k, { ciName: parts.cis.name });
  ctx.el.append(head, h('div', { class: 'rec-grid' }, section(t('ke.fields'), facts), parts.links.el, parts.cis.el, parts.timeline.el));
  let seenState = k.state;

  function render() {
    const x = k.known_error || k;
    patch(head, [k.number, k.title, k.state, currentLang()], () => [
      h('p', { class: 'crumbs' }, h('a', { href: '#/known-errors' }, t('nav.known_errors')), ' / ', k.number),
      h('h1', {}, k.title),
      h('div', { class: 'badges' }, recStateBadge(k), x.review_overdue ? badge(t('ke.review_overdue'), 'bad') : null,
        can('record.write') ? h('a', { class: 'button', href: `#/known-errors/${k.id}/edit`, 'data-testid': 'ke-edit' }, t('ke.edit')) : null)]);
    const rules = x.match_rules || x.matchers || [];
    const problemId = x.problem_id || k.problem_id;
    patch(facts, [x, problemId, currentLang()], () => h('dl', { class: 'facts ke-facts' },
      h('dt', {}, t('ke.symptoms')), h('dd', {}, x.symptoms || '—'),
      h('dt', {}, t('ke.root_cause')), h('dd', {}, x.root_cause || '—'),
      h('dt', {}, t('ke.workaround')), h('dd', { 'data-testid': 'ke-workaround' }, steps(x.workaround)),
      h('dt', {}, t('ke.solution')), h('dd', {}, x.permanent_solution || x.solution || '—'),
      h('dt', {}, t('ke.match_rules')), h('dd', {}, rules.length ? rules.map((m) => h('code', { class: 'matcher' }, typeof m === 'string' ? m : JSON.stringify(m))) : '—'),
      h('dt', {}, t('ke.problem')), h('dd', {}, problemId ? h('a', { href: `#/problems/${problemId}` }, x.problem_number || k.problem_number || '#' + problemId) : '—'),
      h('dt', {}, t('ke.uses')), h('dd', {}, String(x.uses ?? x.use_count ?? 0), x.last_used_at ? [' · ', t('ke.last_used', { at: fmtTime(x.last_used_at) })] : null),
      h('dt', {}, t('ke.review_due')), h('dd', {}, x.review_due ? fmtTime(x.review_due) : '—'),
      h('dt', {}, t('prb.created_at')), h('dd', {}, fmtTime(k.created_at))));
    if (k.state !== seenState) {
      announce(t('live.rec_state', { n: k.number, s: recStateName('known_error', k.state, k) }));
      seenState = k.state;
    }
  }

  async function refresh() {
    k = await get(`/api/v1/known-errors/${id}`);
    if (!ctx.alive()) return;
    render();
    await Promise.all(Object.values(parts).map((x) => x.load(k)));
  }

  render();
  const first = (x) => x.load(k).catch((e) => x.el.append(h('p', { class: 'error', role: 'alert' }, bi(e.message))));
  await first(parts.cis); // the timeline names CIs
  await Promise.all(Object.values(parts).filter((x) => x !== parts.cis).map(first));
  ctx.every(10000, () => { refresh().catch(() => {}); });
}

