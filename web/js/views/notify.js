// notify.js — one person's notification directory entry (docs/notify.md,
// R-NOT-1, R-NOT-3, R-NOT-7): the language of their messages, the channels
// used for each incident level (or the policy's), and a personal bot (kind,
// URL and signing secret).  The URL and the secret are write-only: the API
// answers only the kind, the URL's host and whether a secret is set, so the
// form never shows them and sends them only when typed.  Used by the
// account page (GET/PUT /api/v1/auth/me/notify) and, for the system
// administrator, by a user's page (/api/v1/users/{id}/notify).
import { t } from '../i18n.js';
import { get, put } from '../api.js';
import { h, clear, field, select, showError, levelName, nextId } from '../dom.js';

const LEVELS = ['L1', 'L2', 'L3', 'NG'];
const CHANNELS = ['sms', 'email', 'bot'];
const BOT_KINDS = ['dingtalk', 'wecom', 'feishu', 'webhook'];

// A panel bound to `path`; fills itself from GET, saves with PUT.
export async function notifyPanel(path) {
  const box = h('div', { class: 'notify', 'data-testid': 'notify' });
  render(box, path, await get(path));
  return box;
}

function render(box, path, d) {
  const bot = d.bot || null;
  const lang = select([['zh-CN', t('lang.zh')], ['en', t('lang.en')]], d.lang || 'zh-CN', { name: 'notify_lang' });
  const useDefault = h('input', { type: 'checkbox', name: 'channels_default', id: nextId('nd'), checked: !Object.keys(d.channels_own || {}).length });
  const boxes = {};
  const grid = h('table', { class: 'grid channels', 'data-testid': 'notify-channels' },
    h('caption', { class: 'sr-only' }, t('notify.channels')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('notify.level')), CHANNELS.map((c) => h('th', { scope: 'col' }, t('notify.ch.' + c))))),
    h('tbody', {}, LEVELS.map((l) => h('tr', {}, h('th', { scope: 'row' }, levelName(l)), CHANNELS.map((c) => {
      const cb = h('input', { type: 'checkbox', name: `ch_${l}_${c}`, id: nextId('ch'), checked: (d.channels[l] || []).includes(c),
        'aria-label': t('notify.ch_for', { level: levelName(l), channel: t('notify.ch.' + c) }) });
      boxes[`${l}.${c}`] = cb;
      return h('td', {}, cb);
    })))));
  const syncGrid = () => { for (const cb of Object.values(boxes)) cb.disabled = useDefault.checked; };
  useDefault.addEventListener('change', syncGrid);
  syncGrid();

  const kind = select([['', t('notify.bot_none')], ...BOT_KINDS.map((k) => [k, t('notify.bot.' + k)])], bot ? bot.kind : '', { name: 'bot_kind' });
  const url = h('input', { type: 'url', name: 'bot_url', autocomplete: 'off', spellcheck: 'false', placeholder: bot && bot.url ? bot.url : 'https://' });
  const secret = h('input', { type: 'password', name: 'bot_secret', autocomplete: 'new-password' });
  const current = h('p', { class: 'note', 'data-testid': 'notify-bot-current' }, bot
    ? t('notify.bot_current', { kind: t('notify.bot.' + bot.kind), host: bot.url || '—' }) + ' ' + (bot.secret_set ? t('notify.secret_set') : t('notify.secret_unset'))
    : t('notify.bot_unset'));
  const err = h('p', { class: 'error', role: 'alert', hidden: true });
  const ok = h('p', { class: 'ok', role: 'status', hidden: true }, t('notify.saved'));

  const form = h('form', { class: 'form notify-form', 'data-testid': 'notify-form' },
    h('dl', { class: 'facts' }, h('dt', {}, t('notify.phone')), h('dd', {}, d.phone || '—'), h('dt', {}, t('notify.email')), h('dd', {}, d.email || '—')),
    field(t('notify.lang'), lang, { hint: t('notify.lang_hint') }),
    h('fieldset', { class: 'group' }, h('legend', {}, t('notify.channels')),
      h('div', { class: 'field check' }, useDefault, h('label', { for: useDefault.id }, t('notify.channels_default'))),
      grid, h('small', { class: 'hint' }, t('notify.channels_hint'))),
    h('fieldset', { class: 'group' }, h('legend', {}, t('notify.bot')), current,
      field(t('notify.bot_kind'), kind),
      field(t('notify.bot_url'), url, { hint: t('notify.bot_url_hint') }),
      field(t('notify.bot_secret'), secret, { hint: t('notify.bot_secret_hint') })),
    err, ok, h('button', { type: 'submit', class: 'primary' }, t('common.save')));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    ok.hidden = true;
    const body = { lang: lang.value };
    if (useDefault.checked) body.channels = null;
    else body.channels = Object.fromEntries(LEVELS.map((l) => [l, CHANNELS.filter((c) => boxes[`${l}.${c}`].checked)]));
    const k = kind.value, u = url.value.trim(), s = secret.value;
    if (!k) {
      if (bot) body.bot_kind = '';
    } else if (u) {
      body.bot_kind = k;
      body.bot_url = u;
      if (s) body.bot_secret = s;
    } else if (!bot || bot.kind !== k || s) {
      showError(err, { message: t('notify.url_again') });
      url.focus();
      return;
    }
    try {
      const fresh = await put(path, body);
      clear(box);
      render(box, path, fresh);
      box.querySelector('p.ok').hidden = false;
    } catch (e) { showError(err, e); }
  });
  clear(box, form);
}
