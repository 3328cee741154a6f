// account.js — who am I, my roles, the password change (the API states the
// password policy when a new password does not meet it), and my own
// notification settings (language, channels per level, personal bot;
// GET/PUT /api/v1/auth/me/notify through notify.js).
import { t } from '../i18n.js';
import { post, setCsrf } from '../api.js';
import { h, field, section, roleName, fieldError, table, tr } from '../dom.js';
import { session } from '../main.js';
import { notifyPanel } from './notify.js';

export async function accountView(ctx) {
  const me = session.me;
  const old = h('input', { type: 'password', autocomplete: 'current-password' });
  const nw = h('input', { type: 'password', autocomplete: 'new-password', name: 'new_password' });
  const nw2 = h('input', { type: 'password', autocomplete: 'new-password', name: 'new_password2' });
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  const ok = h('p', { class: 'ok', role: 'status', hidden: true }, t('account.pw_changed'));
  const form = h('form', { class: 'form' },
    field(t('account.old_password'), old, { required: true }),
    field(t('account.new_password'), nw, { required: true, hint: t('account.pw_hint') }),
    field(t('account.new_password2'), nw2, { required: true }),
    msg, ok, h('button', { type: 'submit', class: 'primary' }, t('account.change_password')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    ok.hidden = true;
    if (nw.value !== nw2.value) {
      fieldError(nw2, msg, t('account.pw_mismatch'));
      return;
    }
    try {
      await post('/api/v1/auth/password', { old_password: old.value, new_password: nw.value });
      if (me.must_change_password) { // the change ended the session: sign in with the new password
        session.me = null;
        setCsrf(null);
        location.hash = '#/login';
        return;
      }
      fieldError(null, msg, null);
      ok.hidden = false;
      old.value = nw.value = nw2.value = '';
    } catch (e) { fieldError(e.field === 'old_password' ? old : e.field === 'new_password' ? nw : null, msg, e); }
  });
  if (me.must_change_password) { // first sign-in: only the password change, explained
    ctx.el.append(h('h1', {}, t('account.title')),
      h('p', { class: 'panel no-access', role: 'alert', 'data-testid': 'pw-must-change' }, t('account.must_change')),
      section(t('account.change_password'), form));
    old.focus();
    return;
  }
  ctx.el.append(h('h1', {}, t('account.title')),
    ...(me.roles.length ? [] : [h('p', { class: 'panel no-access', role: 'note', 'data-testid': 'no-role' }, t('account.no_role'))]),
    section(t('account.me'), table([t('account.username'), t('account.department'), t('account.roles')],
      [tr(me.username, me.department || '—', me.roles.map(roleName).join(t('common.sep')) || '—')])),
    section(t('account.change_password'), form));
  const notify = await notifyPanel('/api/v1/auth/me/notify');
  if (!ctx.alive()) return;
  ctx.el.append(section(t('notify.title'), notify));
}
