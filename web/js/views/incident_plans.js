// incident_plans.js — the incident page's emergency plans (docs/plans.md,
// docs/drills.md): the published plans that apply to the incident (by one of
// its CIs, its level or a CI's category), the plan versions its activations
// used, and the plan the next activation records (the only applicable plan
// is chosen by default).
import { t, tOr, currentLang } from '../i18n.js';
import { get } from '../api.js';
import { h, select, table, tr, badge, fmtTime, patch } from '../dom.js';

export function incidentPlansPanel(incidentId) {
  const el = h('div', { 'data-testid': 'inc-plans' });
  let plans = [];
  let acts = [];
  let chosen = null; // the reader's choice survives the polls
  const pick = () => el.querySelector('select[name=activation_plan]');

  function build() {
    const opts = [['', t('iplan.none')], ...plans.map((p) => [String(p.id), `${p.number} ${p.title} · v${p.plan.current_version}`])];
    const initial = chosen !== null ? chosen : plans.length === 1 ? String(plans[0].id) : '';
    const sel = select(opts, initial, { name: 'activation_plan', 'data-testid': 'activation-plan' });
    sel.addEventListener('change', () => { chosen = sel.value; });
    return [
      plans.length
        ? table([t('iplan.plan'), t('iplan.matched_by'), t('iplan.version'), t('iplan.review')],
          plans.map((p) => tr(`${p.number} ${p.title}`, tOr('iplan.by_' + p.matched_by, p.matched_by), 'v' + p.plan.current_version,
            p.plan.review_due ? badge(t('iplan.review_due'), 'bad') : fmtTime(p.plan.next_review_at))))
        : h('p', { class: 'note' }, t('iplan.no_plans')),
      h('label', { class: 'inline' }, t('iplan.activate_with'), ' ', sel),
      acts.length
        ? h('ul', { 'data-testid': 'inc-activations' }, acts.map((a) => h('li', {}, t('iplan.activated', {
          plan: `${a.plan_number} ${a.plan_title}`, v: a.version, level: a.level, at: fmtTime(a.activated_at) }))))
        : null,
    ];
  }

  async function load() {
    const [p, a] = await Promise.all([get(`/api/v1/incidents/${incidentId}/plans?limit=100`), get(`/api/v1/incidents/${incidentId}/activations?limit=100`)]);
    plans = p.items;
    acts = a.items;
    patch(el, [plans, acts, currentLang()], build);
  }

  // the body of POST …/activate: the chosen plan, if any
  const activation = () => {
    const v = pick() ? pick().value : '';
    return v ? { plan_id: Number(v) } : {};
  };
  return { el, load, activation };
}
