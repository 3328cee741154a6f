// contacts.js — the people outside an incident's own staff who must be
// reached: the owners of the reporting desks (接口负责人, seed 000 ch. 7 §2.1
// item 3: told at once, they register and group-send the alarm) and the
// vendor and key-customer contacts kept per CI or service (ch. 9 §4
// 技术资料保障), told with the first report on the levels they name (or the
// policy's).  Flags what would fail at incident time: a desk with no owner,
// an owner or a contact without a phone.  Reached from the CMDB screen.
import { t, bi } from '../i18n.js';
import { get, post, put, del, qs, patch as apiPatch } from '../api.js';
import { h, clear, field, select, table, tr, section, badge, fmtTime, pager, showError, fieldError, confirmButton, gradeName } from '../dom.js';
import { can } from '../main.js';

const PAGE = 50;
const LEVELS = ['L1', 'L2', 'L3', 'NG'];

// The desks and their owners: the system administrator sets them (from the
// policy page); everyone who reads the policy sees them.
export async function desksView(ctx) {
  const desks = h('div', { 'data-testid': 'desk-list' });
  ctx.el.append(h('p', { class: 'crumbs' }, h('a', { href: '#/policy' }, t('nav.policy')), ' / ', t('desk.owners_title')),
    h('div', { class: 'page-head' }, h('h1', {}, t('desk.owners_title'))),
    h('p', { class: 'note' }, t('desk.owners_note')), desks);

  async function loadDesks() {
    const r = await get('/api/v1/desks');
    const users = can('config.write') && can('user.read') ? (await get('/api/v1/users' + qs({ limit: 500 }))).items || [] : null;
    if (!ctx.alive()) return;
    clear(desks, table([t('desk.name'), t('desk.phone'), t('desk.owner'), users ? t('common.actions') : null].filter(Boolean),
      r.items.map((d) => tr(bi(d.name_zh + ' (' + d.name_en + ')'), d.phone || h('span', { class: 'note' }, t('desk.phone_unset')),
        h('span', { 'data-testid': 'desk-owner-' + d.key },
          d.owner ? d.owner.display_name || d.owner.username : h('strong', { class: 'bad' }, t('desk.owner_missing')),
          d.owner_unreachable ? [' ', badge(t('desk.owner_unreachable'), 'bad')] : null),
        ...(users ? [ownerPicker(d, users)] : [])))));
  }

  function ownerPicker(d, users) {
    const sel = select([['0', t('desk.owner_none')], ...users.filter((u) => !u.disabled).map((u) => [String(u.id), u.display_name || u.username])],
      String(d.owner ? d.owner.id : 0), { name: 'owner-' + d.key, 'aria-label': t('desk.owner') });
    const err = h('span', { class: 'error', role: 'alert', hidden: true });
    sel.addEventListener('change', async () => {
      try {
        await put('/api/v1/desk-owners', { desk: d.key, user_id: Number(sel.value) });
        await loadDesks();
      } catch (e) { showError(err, e); }
    });
    return h('span', {}, sel, err);
  }
  await loadDesks();
}

export async function contactsView(ctx) {
  const kind = select([['', t('contact.kind_any')], ['vendor', t('contact.kind.vendor')], ['customer', t('contact.kind.customer')]], '', { name: 'kind' });
  const body = h('div', { 'data-testid': 'contact-list' });
  const pg = h('div', { class: 'pager' });
  const listErr = h('p', { class: 'error', role: 'alert', hidden: true });
  let offset = 0;
  kind.addEventListener('change', () => { offset = 0; load(); });
  ctx.el.append(h('p', { class: 'crumbs' }, h('a', { href: '#/cmdb' }, t('nav.cmdb')), ' / ', t('contact.title')),
    h('div', { class: 'page-head' }, h('h1', {}, t('contact.title'))),
    h('p', { class: 'note' }, t('contact.note')),
    h('p', {}, h('a', { href: '#/desks', 'data-testid': 'link-desks' }, t('desk.owners_title'))),
    section(t('contact.list_title'), h('form', { class: 'filters', onsubmit: (ev) => ev.preventDefault() }, field(t('contact.kind_label'), kind)), listErr, body, pg),
    can('ci.write') ? section(t('contact.add_title'), addForm()) : null);

  async function load() {
    const r = await get('/api/v1/contacts' + qs({ kind: kind.value, limit: PAGE, offset }));
    if (!ctx.alive()) return;
    const heads = [t('contact.kind_label'), t('contact.name'), t('contact.organisation'), t('contact.phone'), t('contact.email'),
      t('contact.ci_or_service'), t('contact.told_levels'), t('contact.verified'), can('ci.write') ? t('common.actions') : null].filter(Boolean);
    clear(body, table(heads, r.items.map((c) => tr(t('contact.kind.' + c.kind), c.name, c.organisation || '—',
      c.phone || h('strong', { class: 'bad', 'data-testid': 'contact-unreachable' }, t('contact.no_phone')), c.email || '—',
      c.ci_id ? h('a', { href: `#/cmdb/${c.ci_id}` }, c.ci_name) : c.service,
      c.told_levels.map(gradeName).join(t('common.sep')) + (c.levels ? '' : ' ' + t('contact.policy_levels')),
      fmtTime(c.verified_at),
      ...(can('ci.write') ? [h('span', {},
        h('button', { type: 'button', 'data-testid': 'contact-verify', onclick: () => verify(c) }, t('contact.verify')), ' ',
        confirmButton(t('contact.remove'), t('contact.remove_confirm', { name: c.name }), () => remove(c), { 'data-testid': 'contact-remove' }))] : [])))));
    pager(pg, r, offset, PAGE, (o) => { offset = o; load(); });
  }

  // checked with the vendor or customer and still right: verified now (kept current)
  async function verify(c) {
    try { await apiPatch(`/api/v1/contacts/${c.id}`, {}); await load(); } catch (e) { showError(listErr, e); }
  }
  async function remove(c) {
    try { await del(`/api/v1/contacts/${c.id}`); await load(); } catch (e) { showError(listErr, e); }
  }

  function addForm() {
    const k = select([['vendor', t('contact.kind.vendor')], ['customer', t('contact.kind.customer')]], 'vendor', { name: 'kind' });
    const name = h('input', { name: 'name', maxlength: 100 });
    const org = h('input', { name: 'organisation', maxlength: 200 });
    const phone = h('input', { name: 'phone', maxlength: 31, type: 'tel' });
    const email = h('input', { name: 'email', maxlength: 254, type: 'email' });
    const ciQ = h('input', { type: 'search', name: 'ci_q' });
    const ci = h('select', { name: 'ci_id' }, h('option', { value: '' }, t('contact.no_ci')));
    const service = h('input', { name: 'service', maxlength: 200 });
    const lv = LEVELS.map((g) => h('input', { type: 'checkbox', name: 'levels', value: g, id: 'contact-lv-' + g }));
    const note = h('textarea', { name: 'note', rows: 2, maxlength: 2000 });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    let timer = null;
    ciQ.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        try {
          const r = await get('/api/v1/cis' + qs({ q: ciQ.value.trim(), limit: 50 }));
          clear(ci, h('option', { value: '' }, t('contact.no_ci')), (r.items || []).map((c) => h('option', { value: String(c.id) }, `${c.name} (${gradeName(c.grade)})`)));
        } catch (e) { showError(err, e); }
      }, 250);
    });
    const form = h('form', { class: 'form', 'data-testid': 'form-contact', novalidate: true },
      field(t('contact.kind_label'), k), field(t('contact.name'), name, { required: true }), field(t('contact.organisation'), org),
      field(t('contact.phone'), phone, { hint: t('contact.phone_hint') }), field(t('contact.email'), email),
      field(t('contact.ci_search'), ciQ), field(t('contact.ci'), ci), field(t('contact.service'), service, { hint: t('contact.ci_or_service_hint') }),
      h('fieldset', {}, h('legend', {}, t('contact.levels')), lv.map((cb) => h('span', { class: 'ci-opt' }, cb, h('label', { for: cb.id }, gradeName(cb.value)))),
        h('p', { class: 'note' }, t('contact.levels_hint'))),
      field(t('contact.note_label'), note), err, h('button', { type: 'submit', class: 'primary' }, t('contact.add')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!name.value.trim()) {
        fieldError(name, err, t('form.required', { field: t('contact.name') }));
        return;
      }
      const body = { kind: k.value, name: name.value.trim() };
      for (const [key, el] of [['organisation', org], ['phone', phone], ['email', email], ['service', service], ['note', note]])
        if (el.value.trim()) body[key] = el.value.trim();
      if (ci.value) body.ci_id = Number(ci.value);
      const levels = lv.filter((cb) => cb.checked).map((cb) => cb.value);
      if (levels.length) body.levels = levels;
      try {
        await post('/api/v1/contacts', body);
        fieldError(null, err, null);
        for (const el of [name, org, phone, email, service, note, ciQ]) el.value = '';
        ci.value = '';
        for (const cb of lv) cb.checked = false;
        await load();
      } catch (e) {
        fieldError({ kind: k, name, organisation: org, phone, email, ci_id: ciQ, service, note, levels: lv[0] }[e.field] || null, err, e);
      }
    });
    return form;
  }

  await load();
}
