// policy.js — the loaded policy as the quick-reference table (速查表): the
// response matrix, the handling limits and progress cadence, first-report
// limits and recipients, acknowledgements and the authorities, and per
// response level whether the plan must be activated before the final report.
// Printable.
import { t } from '../i18n.js';
import { get } from '../api.js';
import { h, table, tr, section, levelName, respName, sevName, roleName, button } from '../dom.js';

export async function policyView(ctx) {
  const [p, cats] = await Promise.all([get('/api/v1/policy/table'), get('/api/v1/policy/categories')]);
  const mins = (m) => (m == null ? t('common.none_limit') : t('time.minutes', { n: m }));
  const sevs = ['severe', 'moderate', 'minor'];
  ctx.el.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('pol.title')), button(t('common.print'), () => window.print(), { class: 'no-print' }),
      h('a', { class: 'button no-print', href: '#/desks', 'data-testid': 'link-desks' }, t('desk.owners_title'))),
    h('p', { class: 'note' }, p.name),
    h('div', { class: 'print-doc policy' },
      section(t('pol.matrix'), table([t('pol.level_sev'), ...sevs.map(sevName)],
        Object.entries(p.response_matrix).map(([l, row]) => tr(levelName(l), ...sevs.map((s) => respName(row[s])))), { cls: 'matrix' })),
      // activation_required: whether the plan must be activated before the final report (the light path when not)
      section(t('pol.responses'), table([t('inc.response'), t('inc.handling_limit'), t('inc.progress_every'), t('inc.activation_role'), t('pol.activation_required')],
        Object.entries(p.responses).map(([r, x]) => tr(respName(r), mins(x.handling_limit_minutes), mins(x.progress_every_minutes), roleName(x.activation_role),
          h('span', { 'data-testid': `activation-required-${r}` }, x.activation_required === false ? t('pol.activation_not_required') : t('pol.activation_required_yes')))))),
      section(t('pol.levels'), table([t('inc.level'), t('inc.first_report_within'), t('inc.recipients'), t('pol.owning_heads'), t('inc.ack')],
        Object.entries(p.levels).map(([l, x]) => tr(levelName(l), mins(x.first_report_within_minutes), x.recipient_roles.map((r) => roleName(r.key)).join(t('common.sep')),
          x.owning_department_heads ? t('common.yes') : t('common.no'), x.ack_required ? t('inc.ack_within', { n: x.ack_within_minutes }) : t('inc.ack_none')))),
        // how unacknowledged people are reminded (R-NOT-4): every n minutes, at most m times
        p.acknowledgement ? h('p', { class: 'note', 'data-testid': 'renotify-policy' }, p.acknowledgement.renotify_every_minutes == null ? t('pol.renotify_none')
          : p.acknowledgement.renotify_max ? t('pol.renotify_capped', { n: p.acknowledgement.renotify_every_minutes, max: p.acknowledgement.renotify_max })
            : t('pol.renotify_every', { n: p.acknowledgement.renotify_every_minutes })) : null),
      // the policy's definitions of 影响程度, so that people grade by the same words
      section(t('pol.severities'), table([t('inc.severity'), t('pol.definition')],
        sevs.filter((s) => cats.severities && cats.severities[s]).map((s) => tr(sevName(s), h('div', { class: 'sev-def' }, cats.severities[s].description))),
        { cls: 'sev-defs' }))));
}
