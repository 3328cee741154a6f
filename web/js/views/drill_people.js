// drill_people.js — the drill's participants picked by name with their role
// in the drill (参演人员与角色; docs/drills.md, R-PLAN-2): the people are the
// active accounts the training-hours list gives whoever may read records
// (GET /api/v1/training/hours, no user-admin permission needed); each
// checked person gets one of the roles commander, coordinator, operator,
// observer, evaluator (or none).  value() is the drill's `participants` and
// `participant_roles` fields.
import { t, tOr } from '../i18n.js';
import { get, qs } from '../api.js';
import { h, select, table, tr } from '../dom.js';

export const ROLES = ['commander', 'coordinator', 'operator', 'observer', 'evaluator'];
const roleName = (k) => tOr('drl.role_' + k, k);

export async function drillPeople() {
  return get('/api/v1/training/hours' + qs({ limit: 500 })).then((r) => r.items || []).catch(() => []);
}

// user id → "display name (username)"
export function peopleNames(ppl) {
  const m = new Map();
  for (const p of ppl) m.set(p.user_id, p.display_name ? `${p.display_name} (${p.username})` : p.username);
  return m;
}

export function participantPicker(ppl, chosen = [], roles = {}) {
  const known = new Set(ppl.map((p) => p.user_id));
  // a participant the list does not show (another department, disabled since) stays as is
  const extra = chosen.filter((id) => !known.has(id)).map((id) => ({ user_id: id, username: '#' + id, display_name: '' }));
  const rows = [...ppl, ...extra].map((p) => {
    const box = h('input', { type: 'checkbox', name: 'participant', value: String(p.user_id), checked: chosen.includes(p.user_id),
      'aria-label': p.display_name || p.username });
    const role = select([['', t('drl.role_none')], ...ROLES.map((k) => [k, roleName(k)])], roles[String(p.user_id)] || '',
      { name: `role-${p.user_id}`, 'aria-label': t('drl.role') });
    return { id: p.user_id, box, role, row: tr(box, p.display_name || p.username, p.username, role) };
  });
  const el = h('div', { class: 'drill-people', 'data-testid': 'drill-people' },
    rows.length ? table(['', t('drl.participant'), t('drl.username'), t('drl.role')], rows.map((r) => r.row), { cls: 'drill-people' })
      : h('p', { class: 'note' }, t('drl.no_people')));
  function value() {
    const picked = rows.filter((r) => r.box.checked);
    const participant_roles = {};
    for (const r of picked) if (r.role.value) participant_roles[String(r.id)] = r.role.value;
    return { participants: picked.map((r) => r.id), participant_roles };
  }
  return { el, value };
}
