// admin.js — the screens of the separated administrators (三权分立): the
// auditor's audit trail (GET /api/v1/audit, a page at a time, filtered by
// actor and entity, exported to CSV) with "verify chain" (GET
// /api/v1/audit/verify), and the system administrator's ingestion API keys
// (list, create — the secret shown once — and revoke after a confirmation).
import { t, bi } from '../i18n.js';
import { get, post, qs } from '../api.js';
import { h, clear, field, select, table, tr, section, fmtTime, button, confirmButton, pager, csvButton, fieldError } from '../dom.js';

const PAGE = 50;

export async function auditView(ctx) {
  const actor = h('input', { type: 'search', name: 'actor' });
  const entity = h('input', { type: 'search', name: 'entity' });
  const body = h('div', { 'data-testid': 'audit-list' });
  const pg = h('div', { class: 'pager', 'data-testid': 'audit-pager' });
  const verdict = h('p', { 'data-testid': 'audit-verdict', role: 'status' });
  let offset = 0;
  const params = () => ({ actor: actor.value.trim(), entity: entity.value.trim() });
  const form = h('form', { class: 'filters', role: 'search' },
    field(t('audit.actor'), actor), field(t('audit.entity'), entity, { hint: t('audit.entity_hint') }),
    h('button', { type: 'submit' }, t('common.search')),
    csvButton('audit', (lim, off) => get('/api/v1/audit' + qs({ ...params(), limit: lim, offset: off })),
      [[t('audit.at'), (a) => fmtTime(a.at)], [t('audit.actor'), (a) => a.actor || ''], [t('audit.action'), (a) => a.action],
        [t('audit.entity'), (a) => a.entity], [t('audit.entity_id'), (a) => a.entity_id ?? ''], [t('audit.hash'), (a) => a.hash]]));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); offset = 0; load(); });
  const verify = button(t('audit.verify'), async () => {
    verify.disabled = true;
    clear(verdict, t('audit.verifying'));
    verdict.className = 'note';
    try {
      const v = await get('/api/v1/audit/verify');
      verdict.className = v.ok ? 'ok' : 'bad';
      clear(verdict, v.ok ? t('audit.chain_ok', { n: v.rows }) : t('audit.chain_broken', { id: v.first_bad_id, why: bi(v.reason || '') }));
    } catch (e) {
      verdict.className = 'bad';
      clear(verdict, bi(e.message));
    } finally { verify.disabled = false; }
  }, { class: 'primary', 'data-testid': 'audit-verify' });
  ctx.el.append(h('div', { class: 'page-head' }, h('h1', {}, t('audit.title')), verify), verdict, form, body, pg);

  async function load() {
    const r = await get('/api/v1/audit' + qs({ ...params(), limit: PAGE, offset }));
    if (!ctx.alive()) return;
    clear(body, table([t('audit.at'), t('audit.actor'), t('audit.action'), t('audit.entity'), t('audit.change'), t('audit.hash')],
      r.items.map((a) => tr(fmtTime(a.at), a.actor || t('audit.system'), a.action, a.entity + (a.entity_id != null ? ' #' + a.entity_id : ''),
        h('code', { class: 'change' }, a.after ? JSON.stringify(a.after) : '—'), h('code', { class: 'hash', title: a.hash }, (a.hash || '').slice(0, 12))))));
    pager(pg, r, offset, PAGE, (o) => { offset = o; load(); });
  }
  await load();
}

const INTEGRATIONS = ['alertmanager', 'zabbix', 'api', 'display'];

export async function apiKeysView(ctx) {
  const body = h('div', { 'data-testid': 'key-list' });
  const name = h('input', { name: 'name', maxlength: 63 });
  const integ = select(INTEGRATIONS.map((k) => [k, t('apikey.int_' + k)]), 'alertmanager', { name: 'integration' });
  const err = h('p', { class: 'error', role: 'alert', hidden: true });
  const secret = h('div', { 'data-testid': 'key-secret', role: 'status' });
  const form = h('form', { class: 'form', novalidate: true },
    field(t('apikey.name'), name, { required: true }), field(t('apikey.integration'), integ), err,
    h('button', { type: 'submit', class: 'primary' }, t('apikey.create')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!name.value.trim()) {
      fieldError(name, err, t('apikey.name_required'));
      return;
    }
    try {
      const k = await post('/api/v1/api-keys', { name: name.value.trim(), integration: integ.value });
      fieldError(name, err, null);
      clear(secret, h('p', { class: 'ok' }, t('apikey.created_once')), h('code', { class: 'secret', 'data-testid': 'key-value' }, k.key),
        k.integration === 'display' ? [h('p', {}, t('apikey.kiosk_url')), h('code', { class: 'secret', 'data-testid': 'kiosk-url' }, `${location.origin}/#/wall?key=${k.key}`)] : null);
      name.value = '';
      load();
    } catch (e) { fieldError(e.field === 'name' ? name : null, err, e); }
  });
  ctx.el.append(h('h1', {}, t('apikey.title')), section(t('apikey.list'), body), section(t('apikey.new'), form, secret));

  async function load() {
    const r = await get('/api/v1/api-keys?limit=500');
    if (!ctx.alive()) return;
    clear(body, table([t('apikey.name'), t('apikey.integration'), t('apikey.created_at'), t('apikey.state'), ''],
      r.items.map((k) => tr(k.name, t('apikey.int_' + k.integration), fmtTime(k.created_at),
        k.revoked_at ? h('span', { class: 'bad' }, t('apikey.revoked_at', { at: fmtTime(k.revoked_at) })) : h('span', { class: 'ok' }, t('apikey.active')),
        k.revoked_at ? '' : confirmButton(t('apikey.revoke'), t('apikey.revoke_confirm', { name: k.name }), async () => {
          await post(`/api/v1/api-keys/${k.id}/revoke`);
          load();
        }, { 'data-testid': 'revoke-' + k.id })))));
  }
  await load();
}
