// login.js — sign in with a browser session (cookie + CSRF token).  The
// API's own messages (wrong password, lockout with its wait) are shown in
// the chosen language.
import { t } from '../i18n.js';
import { post } from '../api.js';
import { h, field, showError } from '../dom.js';
import { afterLogin } from '../main.js';

export async function loginView(ctx) {
  const user = h('input', { name: 'username', autocomplete: 'username', autofocus: true });
  const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password' });
  const err = h('p', { class: 'error', role: 'alert', hidden: true, id: 'login-error' });
  const btn = h('button', { type: 'submit', class: 'primary' }, t('login.submit'));
  const form = h('form', { class: 'login-form', novalidate: true },
    h('h1', {}, t('app.name')),
    h('p', { class: 'sub' }, t('app.tagline')),
    field(t('login.username'), user, { required: true }),
    field(t('login.password'), pass, { required: true }),
    err, btn,
    h('p', { class: 'hint' }, t('login.hint')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!user.value || !pass.value) {
      showError(err, new Error(t('login.missing')));
      return;
    }
    btn.disabled = true;
    showError(err, null); // no stale message while the new attempt is pending
    try {
      const r = await post('/api/v1/auth/login', { username: user.value, password: pass.value, cookie: true });
      await afterLogin(r);
    } catch (e) {
      showError(err, e);
      pass.select();
    } finally {
      btn.disabled = false;
    }
  });
  ctx.el.append(h('div', { class: 'login-page' }, form));
  user.focus();
}
