// users.js — accounts, for the separated administrators (三权分立,
// R-SEC-SYS-1, R-SEC-SYS-2): the system administrator (user.write) lists and
// creates accounts (the API states the password rule a new password
// breaks), edits contact data, disables / enables, and sets a person's
// notification directory entry (notify.js); the security administrator
// (role.assign) assigns roles — the API refuses a combination of the three
// administrator roles.  The server checks every permission anyway.
import { t } from '../i18n.js';
import { get, post, patch, put, qs } from '../api.js';
import { h, clear, field, select, table, tr, section, showError, button, roleName, fmtTime, badge, fieldError } from '../dom.js';
import { hasRole, go } from '../main.js';
import { notifyPanel } from './notify.js';

export const ROLES = ['monitoring_engineer', 'ops_engineer', 'ops_section_head', 'ops_department_head', 'ops_leader', 'department_head',
  'emergency_leadership', 'liaison', 'service_desk', 'problem_manager', 'change_manager', 'cab_member',
  'system_admin', 'security_admin', 'auditor',
  // the workflow modules' roles (requests, problems, changes, vulnerabilities, risks, training)
  'budget_holder', 'request_approver', 'fulfiller_line1', 'fulfiller_line2', 'vendor_liaison', 'problem_solver',
  'change_initiator', 'change_implementer', 'change_supervisor', 'infosec_manager', 'it_manager', 'sec_assessor',
  'sys_hardener', 'sec_verifier', 'risk_owner', 'trainer',
  // 应急工程小组 (seed 000 ch. 7 §1 item 6)
  'emergency_engineering'];

const isSys = () => hasRole('system_admin');
const isSec = () => hasRole('security_admin');

export async function usersView(ctx) {
  const list = h('div', { 'data-testid': 'user-list' });
  const PAGE = 50;
  let offset = 0;
  async function load() {
    const r = await get('/api/v1/users' + qs({ limit: PAGE, offset }));
    if (!ctx.alive()) return;
    clear(list, table([t('account.username'), t('users.display_name'), t('account.department'), t('account.roles'), t('users.status')],
      r.items.map((u) => tr(h('a', { href: `#/users/${u.id}` }, u.username), u.display_name || '—', u.department || '—',
        u.roles.map(roleName).join(t('common.sep')) || '—', [u.disabled ? badge(t('users.disabled'), 'bad') : t('users.enabled'),
          u.unreachable_24h ? [' ', badge(t('users.unreachable_24h'), 'bad')] : null]))),
    h('div', { class: 'pager' },
      button(t('common.prev'), () => { offset = Math.max(0, offset - PAGE); load(); }, { disabled: offset === 0 }),
      h('span', {}, t('common.page_info', { from: r.total ? offset + 1 : 0, to: offset + r.items.length, total: r.total })),
      button(t('common.next'), () => { offset += PAGE; load(); }, { disabled: offset + r.items.length >= r.total })));
  }
  ctx.el.append(...[h('h1', {}, t('users.title')), section(t('users.list'), list), isSys() ? section(t('users.new'), createForm()) : null].filter(Boolean));
  await load();
}

function createForm() {
  const username = h('input', { name: 'username', autocomplete: 'off', maxlength: 63 });
  const display = h('input', { name: 'display_name', maxlength: 128 });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password' });
  const department = h('input', { name: 'department', maxlength: 40 });
  const phone = h('input', { type: 'tel', name: 'phone', maxlength: 32 });
  const email = h('input', { type: 'email', name: 'email', maxlength: 254 });
  const lang = select([['zh-CN', t('lang.zh')], ['en', t('lang.en')]], 'zh-CN', { name: 'lang' });
  const err = h('p', { class: 'error', role: 'alert', hidden: true, 'data-testid': 'user-error' });
  // the app's own messages next to the field (no browser bubble in English)
  const f = h('form', { class: 'form', 'data-testid': 'user-form', novalidate: true },
    field(t('account.username'), username, { required: true }), field(t('users.display_name'), display),
    field(t('users.password'), password, { required: true, hint: t('account.pw_hint') }),
    field(t('account.department'), department), field(t('notify.phone'), phone), field(t('notify.email'), email), field(t('notify.lang'), lang),
    h('p', { class: 'hint' }, t('users.roles_by_secadmin')),
    err, h('button', { type: 'submit', class: 'primary' }, t('users.create')));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { username: username.value.trim(), password: password.value, lang: lang.value };
    for (const [k, el] of [['display_name', display], ['department', department], ['phone', phone], ['email', email]]) if (el.value.trim()) body[k] = el.value.trim();
    if (!body.username) { fieldError(username, err, t('form.required', { field: t('account.username') })); return; }
    if (!body.password) { fieldError(password, err, t('form.required', { field: t('users.password') })); return; }
    const inputs = { username, password, display_name: display, department, phone, email };
    try {
      const u = await post('/api/v1/users', body);
      fieldError(null, err, null);
      go(`#/users/${u.id}`);
    } catch (e) { fieldError(inputs[e.field] || null, err, e); } // each try clears the marks of the last
  });
  return f;
}

export async function userView(ctx, [id]) {
  const u = await get(`/api/v1/users/${id}`);
  if (!ctx.alive()) return;
  const facts = h('dl', { class: 'facts', 'data-testid': 'user-facts' },
    h('dt', {}, t('account.username')), h('dd', {}, u.username),
    h('dt', {}, t('account.roles')), h('dd', { 'data-testid': 'user-roles' }, u.roles.map(roleName).join(t('common.sep')) || '—'),
    h('dt', {}, t('users.scopes')), h('dd', {}, (u.scopes || []).join(t('common.sep')) || t('users.all_scopes')),
    h('dt', {}, t('users.status')), h('dd', {}, u.disabled ? badge(t('users.disabled'), 'bad') : t('users.enabled')),
    // seed 000 ch. 7 §1 item 6: 24-hour reachability needs a mobile number
    u.unreachable_24h ? h('dt', {}, t('users.reachability')) : null,
    u.unreachable_24h ? h('dd', { 'data-testid': 'user-unreachable' }, badge(t('users.unreachable_24h'), 'bad'), ' ', t('users.unreachable_hint')) : null,
    h('dt', {}, t('users.created_at')), h('dd', {}, fmtTime(u.created_at)));
  const stateErr = h('p', { class: 'error', role: 'alert', hidden: true });
  // a password reset: the new temporary password is shown once, here; the
  // overseers' passwords are reset on the server machine (the API refuses)
  const tempPw = h('div', { class: 'ok', role: 'status', hidden: true, 'data-testid': 'user-temp-password' });
  const overseer = u.roles.includes('security_admin') || u.roles.includes('auditor');
  const actions = isSys() ? h('div', { class: 'actions' },
    button(u.disabled ? t('users.enable') : t('users.disable'), async () => {
      try { await post(`/api/v1/users/${u.id}/${u.disabled ? 'enable' : 'disable'}`); go(`#/users/${u.id}`); } catch (e) { showError(stateErr, e); }
    }),
    overseer ? null : button(t('users.reset_password'), async () => {
      if (!window.confirm(t('users.reset_confirm', { name: u.display_name || u.username }))) return;
      try {
        const r = await post(`/api/v1/users/${u.id}/reset-password`);
        showError(stateErr, null);
        clear(tempPw);
        tempPw.append(t('users.temp_password'), ' ', h('code', {}, r.temporary_password), h('br'), t('users.temp_password_hint'));
        tempPw.hidden = false;
      } catch (e) { showError(stateErr, e); }
    }, { 'data-testid': 'user-reset-password' }), stateErr, tempPw) : null;
  ctx.el.append(...[h('p', { class: 'crumbs' }, h('a', { href: '#/users' }, t('users.title')), ' / ', u.username),
    h('h1', {}, u.display_name || u.username), section(t('account.me'), facts, actions),
    isSys() ? section(t('users.contact'), contactForm(u)) : null,
    isSec() ? section(t('users.assign_roles'), rolesForm(u)) : null].filter(Boolean));
  if (isSys()) {
    const panel = await notifyPanel(`/api/v1/users/${u.id}/notify`);
    if (ctx.alive()) ctx.el.append(section(t('notify.title_of', { name: u.display_name || u.username }), panel));
  }
}

function contactForm(u) {
  const display = h('input', { name: 'display_name', value: u.display_name, maxlength: 128 });
  const department = h('input', { name: 'department', value: u.department, maxlength: 40 });
  const phone = h('input', { type: 'tel', name: 'phone', value: u.phone, maxlength: 32 });
  const email = h('input', { type: 'email', name: 'email', value: u.email, maxlength: 254 });
  const err = h('p', { class: 'error', role: 'alert', hidden: true });
  const ok = h('p', { class: 'ok', role: 'status', hidden: true }, t('notify.saved'));
  const f = h('form', { class: 'form' }, field(t('users.display_name'), display), field(t('account.department'), department),
    field(t('notify.phone'), phone), field(t('notify.email'), email), err, ok, h('button', { type: 'submit', class: 'primary' }, t('common.save')));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    ok.hidden = true;
    try {
      await patch(`/api/v1/users/${u.id}`, { display_name: display.value.trim(), department: department.value.trim(), phone: phone.value.trim(), email: email.value.trim() });
      showError(err, null);
      ok.hidden = false;
    } catch (e) { showError(err, e); }
  });
  return f;
}

function rolesForm(u) {
  const boxes = ROLES.map((r) => {
    const cb = h('input', { type: 'checkbox', name: 'role', value: r, id: `role-${r}`, checked: u.roles.includes(r) });
    return h('div', { class: 'field check' }, cb, h('label', { for: cb.id }, roleName(r)));
  });
  const err = h('p', { class: 'error', role: 'alert', hidden: true, 'data-testid': 'roles-error' });
  const ok = h('p', { class: 'ok', role: 'status', hidden: true }, t('users.roles_saved'));
  // department scopes (R-SEC-SYS-2): empty = every department
  const scopes = h('input', { name: 'scopes', value: (u.scopes || []).join(t('common.sep')) });
  const f = h('form', { class: 'form', 'data-testid': 'roles-form' },
    h('fieldset', { class: 'group roles' }, h('legend', {}, t('account.roles')), boxes),
    field(t('users.scopes'), scopes, { hint: t('users.scopes_hint') }),
    h('p', { class: 'hint' }, t('users.roles_hint')), err, ok, h('button', { type: 'submit', class: 'primary' }, t('users.save_roles')));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    ok.hidden = true;
    try {
      const roles = [...f.querySelectorAll('input[name=role]:checked')].map((x) => x.value);
      const scopeList = scopes.value.split(/[,\uff0c\u3001;\uff1b\s]+/).map((x) => x.trim()).filter(Boolean);
      const saved = await put(`/api/v1/users/${u.id}/roles`, { roles, scopes: scopeList });
      showError(err, null);
      ok.hidden = false;
      const dd = document.querySelector('[data-testid=user-roles]');
      if (dd) dd.textContent = saved.roles.map(roleName).join(t('common.sep')) || '—';
    } catch (e) { showError(err, e); }
  });
  return f;
}
