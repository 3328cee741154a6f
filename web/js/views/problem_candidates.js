// problem_candidates.js — the proactive problem candidates (R-PRB-1,
// docs/known-errors.md "Proactive problem candidates"): what the daily
// scan proposed (the rule, the CIs, how many incidents, first and last),
// filtered by state; an open candidate is accepted (the title may be
// given; the new problem's page opens) or dismissed after a confirmation.
// The rules' thresholds and windows are the policy's (R-PRB-5), as the
// list answers them (`rules`), never fixed texts.
// Reached from the problem list.
import { t, currentLang } from '../i18n.js';
import { get, post, qs } from '../api.js';
import { h, select, field, table, tr, fmtTime, patch, pager, showError, announce, confirmButton } from '../dom.js';
import { go, can } from '../main.js';

const PAGE = 50;
const CSTATES = ['open', 'accepted', 'dismissed'];
const RULES = ['ci_recurrence', 'r1_recurrence', 'event_rule_recurrence'];

// The hint: every enabled rule with its threshold and window.
function hintText(rules) {
  const on = RULES.filter((k) => rules && rules[k] && rules[k].enabled);
  const parts = on.map((k) => t('prb.cand_hint_' + k, { n: rules[k].min_incidents, days: rules[k].within_days }));
  return t('prb.cand_hint', { rules: parts.length ? parts.join(t('prb.cand_hint_sep')) : t('prb.cand_hint_none') });
}

// A candidate's rule in words, with the rule's window; an unknown key as is.
function ruleText(rules, k) {
  if (!RULES.includes(k)) return k;
  return t('prb.cand_rule_' + k, { days: rules && rules[k] ? rules[k].within_days : '?' });
}

export async function problemCandidatesView(ctx) {
  const state = select([['', t('common.all')], ...CSTATES.map((s) => [s, t('prb.cand_state_' + s)])], 'open', { name: 'state' });
  const body = h('div', { 'data-testid': 'cand-list' });
  const pg = h('div', { class: 'pager', 'data-testid': 'cand-pager' });
  const err = h('p', { class: 'error', role: 'alert', hidden: true, 'data-testid': 'cand-error' });
  const hint = h('p', { class: 'note', 'data-testid': 'cand-hint' });
  let offset = 0;
  state.addEventListener('change', () => { offset = 0; load(); });
  ctx.el.append(h('p', { class: 'crumbs' }, h('a', { href: '#/problems' }, t('nav.problems'))),
    h('div', { class: 'page-head' }, h('h1', {}, t('prb.cand_title'))),
    hint,
    h('form', { class: 'filters', role: 'search', onsubmit: (ev) => ev.preventDefault() }, field(t('prb.state'), state)),
    err, body, pg);

  const links = (ids, base) => (ids || []).flatMap((id, i) => [i ? ', ' : '', h('a', { href: `${base}/${id}` }, '#' + id)]);

  function decide(c) {
    if (c.state !== 'open' || !can('record.write')) {
      return c.problem_id ? h('a', { href: `#/problems/${c.problem_id}`, 'data-testid': 'cand-problem' }, t('prb.cand_open_problem')) : '—';
    }
    const title = h('input', { name: 'title', maxlength: 300, placeholder: t('prb.cand_title_ph'), 'aria-label': t('prb.title') });
    const accept = h('form', { class: 'cand-accept', 'data-testid': 'cand-accept' }, title, h('button', { type: 'submit', class: 'primary' }, t('prb.cand_accept')));
    accept.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const body = title.value.trim() ? { title: title.value.trim() } : {};
        const r = await post(`/api/v1/problems/candidates/${c.id}/accept`, body);
        go(`#/problems/${r.problem_id}`);
      } catch (e) { showError(err, e); }
    });
    const dismiss = confirmButton(t('prb.cand_dismiss'), t('prb.cand_dismiss_confirm', { n: c.id }), async () => {
      try {
        await post(`/api/v1/problems/candidates/${c.id}/dismiss`, {});
        announce(t('prb.cand_dismissed'));
        showError(err, null);
        await load();
      } catch (e) { showError(err, e); }
    }, { 'data-testid': 'cand-dismiss' });
    return h('div', { class: 'cand-decide' }, accept, dismiss);
  }

  async function load() {
    const r = await get('/api/v1/problems/candidates' + qs({ state: state.value, limit: PAGE, offset }));
    if (!ctx.alive()) return;
    hint.textContent = hintText(r.rules);
    patch(body, [r, currentLang()], () => table(
      [t('prb.cand_rule'), t('prb.cand_cis'), t('prb.cand_incidents'), t('prb.cand_period'), t('prb.state'), t('prb.created_at'), t('prb.cand_decide')],
      r.items.map((c) => {
        const row = tr(ruleText(r.rules, c.rule), h('span', {}, links(c.ci_ids, '#/cmdb')),
          h('span', {}, String(c.incident_count), ' · ', links(c.incident_ids, '#/incidents')),
          h('span', {}, fmtTime(c.first_at), ' – ', fmtTime(c.last_at)), t('prb.cand_state_' + c.state), fmtTime(c.created_at), decide(c));
        row.dataset.testid = 'cand';
        row.dataset.id = String(c.id);
        return row;
      }), { cls: 'candidates' }));
    pager(pg, r, offset, PAGE, (o) => { offset = o; load(); });
  }
  await load();
  ctx.every(15000, () => { if (!body.contains(document.activeElement)) load().catch(() => {}); });
}
