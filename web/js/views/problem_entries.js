// problem_entries.js — the problem page's 调查与复盘 / Investigation and
// review section (docs/problems.md "Entries"; R-PRB-3): the problem's
// entries newest first (kind, author, time, text; a review entry shows what /
// why / prevent / actions), the form that adds one (the review kind shows the
// review's four fields), and the edit of an entry by its author or a problem
// manager (the text replaced stays readable under "earlier versions").  A
// workaround or root-cause entry sets the problem's field of that name: the
// page is told (onChange) so the fields and the timeline follow.
import { t, tOr } from '../i18n.js';
import { get, post, patch as apiPatch } from '../api.js';
import { h, clear, field, select, section, badge, fmtTime, fieldError, announce } from '../dom.js';
import { can, session } from '../main.js';

export const ENTRY_KINDS = ['investigation', 'workaround', 'root_cause', 'review'];
const kindName = (k) => tOr('pent.kind_' + k, k);
const lines = (s) => s.split('\n').map((x) => x.trim()).filter(Boolean);

// The review's four inputs (values from rv, when editing).
function reviewInputs(rv = {}) {
  return {
    what: h('textarea', { name: 'what', rows: 2, maxlength: 4000, value: rv.what || '' }),
    why: h('textarea', { name: 'why', rows: 2, maxlength: 4000, value: rv.why || '' }),
    prevent: h('textarea', { name: 'prevent', rows: 2, maxlength: 4000, value: rv.prevent || '' }),
    actions: h('textarea', { name: 'actions', rows: 3, value: (rv.actions || []).join('\n') }),
  };
}

function reviewFields(r) {
  return h('div', { class: 'review-fields', 'data-testid': 'entry-review-fields' },
    field(t('pent.what'), r.what, { required: true }), field(t('pent.why'), r.why, { required: true }),
    field(t('pent.prevent'), r.prevent, { required: true }),
    field(t('pent.actions'), r.actions, { required: true, hint: t('pent.actions_hint') }));
}

function reviewBody(r) {
  return { what: r.what.value.trim(), why: r.why.value.trim(), prevent: r.prevent.value.trim(), actions: lines(r.actions.value) };
}

// The input a server error names ("review.what" → the what box).
function inputOf(e, inputs) {
  const f = String((e && e.field) || '');
  return inputs[f.replace(/^review\./, '')] || (f === 'review' ? inputs.what : null) || null;
}

function mayEdit(e) {
  const me = session.me || {};
  return can('record.write') && (e.author_id === me.id || (me.roles || []).includes('problem_manager'));
}

export function entriesPart(rec, { onChange } = {}) {
  const list = h('ol', { class: 'entries', 'data-testid': 'entries-list' });
  const body = h('div', { 'data-testid': 'problem-entries' }, list);
  const el = section(t('pent.title'), body);
  el.classList.add('rec-part', 'entries-part');
  el.dataset.testid = 'problem-entries-part';
  let editing = null; // the id of the entry whose edit form is open: the list waits
  let shown = null;

  // ---- add ----
  if (can('record.write')) {
    const kind = select(ENTRY_KINDS.map((k) => [k, kindName(k)]), 'investigation', { name: 'kind' });
    const text = h('textarea', { name: 'text', rows: 3, maxlength: 8000 });
    const rv = reviewInputs();
    const rvBox = reviewFields(rv);
    const hint = h('p', { class: 'note', 'data-testid': 'entry-kind-hint' });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const showKind = () => {
      rvBox.hidden = kind.value !== 'review';
      clear(hint, tOr('pent.hint_' + kind.value, ''));
    };
    kind.addEventListener('change', showKind);
    const form = h('form', { class: 'form entry-form', 'data-testid': 'entry-form', novalidate: true },
      field(t('pent.kind'), kind), hint, field(t('pent.text'), text, { required: true }), rvBox, err,
      h('button', { type: 'submit', class: 'primary' }, t('pent.add')));
    showKind();
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!text.value.trim()) {
        fieldError(text, err, t('form.required', { field: t('pent.text') }));
        return;
      }
      const b = { kind: kind.value, text: text.value.trim() };
      if (kind.value === 'review') b.review = reviewBody(rv);
      try {
        await post(`/api/v1/problems/${rec.id}/entries`, b);
        text.value = '';
        for (const x of Object.values(rv)) x.value = '';
        fieldError(null, err, null);
        announce(t('pent.added', { kind: kindName(b.kind) }));
        await load();
        if (onChange && (b.kind === 'workaround' || b.kind === 'root_cause')) await onChange();
      } catch (e) { fieldError(e.field === 'kind' ? kind : e.field === 'text' ? text : inputOf(e, rv), err, e); }
    });
    el.append(h('details', { class: 'edit-box', 'data-testid': 'entry-add' }, h('summary', {}, t('pent.new')), form));
  }

  function reviewView(r) {
    if (!r) return null;
    return h('dl', { class: 'facts review', 'data-testid': 'entry-review' },
      h('dt', {}, t('pent.what')), h('dd', {}, r.what),
      h('dt', {}, t('pent.why')), h('dd', {}, r.why),
      h('dt', {}, t('pent.prevent')), h('dd', {}, r.prevent),
      h('dt', {}, t('pent.actions')), h('dd', {}, h('ul', {}, (r.actions || []).map((a) => h('li', {}, a)))));
  }

  function history(e) {
    if (!e.history || !e.history.length) return null;
    return h('details', { class: 'entry-history', 'data-testid': 'entry-history' },
      h('summary', {}, t('pent.history', { n: e.history.length })),
      h('ol', {}, e.history.map((v) => h('li', {},
        h('small', { class: 'note' }, t('pent.replaced', { v: v.version, by: v.replaced_by || '—', at: fmtTime(v.replaced_at) }),
          v.reason ? ' · ' + t('pent.reason_is', { reason: v.reason }) : ''),
        h('p', { class: 'entry-text' }, v.text), reviewView(v.review)))));
  }

  function editForm(e, li) {
    const text = h('textarea', { name: 'text', rows: 4, maxlength: 8000, value: e.text });
    const reason = h('input', { name: 'reason', maxlength: 2000 });
    const rv = e.kind === 'review' ? reviewInputs(e.review || {}) : null;
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const cancel = h('button', { type: 'button' }, t('common.cancel'));
    const form = h('form', { class: 'form entry-edit-form', 'data-testid': 'entry-edit-form', novalidate: true },
      field(t('pent.text'), text, { required: true }), rv ? reviewFields(rv) : null,
      field(t('pent.reason'), reason, { hint: t('pent.reason_hint') }), err,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('common.save')), cancel));
    cancel.addEventListener('click', () => { editing = null; shown = null; load(); });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!text.value.trim()) {
        fieldError(text, err, t('form.required', { field: t('pent.text') }));
        return;
      }
      const b = { version: e.version, text: text.value.trim() };
      if (rv) b.review = reviewBody(rv);
      if (reason.value.trim()) b.reason = reason.value.trim();
      try {
        await apiPatch(`/api/v1/problems/${rec.id}/entries/${e.id}`, b);
        editing = null;
        shown = null;
        announce(t('pent.saved'));
        await load();
        if (onChange && (e.kind === 'workaround' || e.kind === 'root_cause')) await onChange();
      } catch (x) {
        if (x.status === 409) {
          // someone edited it first: what was typed stays, the newest version is taken for the next save
          const fresh = (await entries().catch(() => [])).find((y) => y.id === e.id);
          if (fresh) e.version = fresh.version;
        }
        fieldError(x.field === 'text' ? text : x.field === 'reason' ? reason : rv ? inputOf(x, rv) : null, err, x);
      }
    });
    clear(li, form);
    text.focus();
  }

  function item(e) {
    const li = h('li', { class: 'entry', 'data-kind': e.kind, 'data-testid': 'entry', 'data-id': String(e.id) });
    const edit = mayEdit(e) ? h('button', { type: 'button', class: 'small', 'data-testid': 'entry-edit' }, t('pent.edit')) : null;
    if (edit) edit.addEventListener('click', () => { editing = e.id; editForm(e, li); });
    // h() leaves out the parts an entry does not have (no review, no history)
    clear(li,
      h('div', { class: 'entry-head' },
        h('span', {}, badge(kindName(e.kind), 'kind-' + e.kind), ' ', h('strong', {}, e.author || '—'), ' ', h('time', {}, fmtTime(e.created_at)),
          e.edited_at ? h('small', { class: 'note', 'data-testid': 'entry-edited' }, ' · ', t('pent.edited', { by: e.edited_by || '—', at: fmtTime(e.edited_at) })) : null),
        edit),
      h('p', { class: 'entry-text' }, e.text), reviewView(e.review), history(e));
    return li;
  }

  async function entries() {
    const all = [];
    for (let off = 0; off < 2000; off += 200) { // every entry, newest first
      const pg = await get(`/api/v1/problems/${rec.id}/entries?limit=200&offset=${off}`);
      all.push(...(pg.items || []));
      if (!pg.items || !pg.items.length || all.length >= pg.total) break;
    }
    return all;
  }

  async function load(r) {
    if (r) rec = r;
    if (editing) return; // an open edit keeps what is being typed
    const all = await entries();
    const key = JSON.stringify(all);
    if (key === shown) return;
    shown = key;
    clear(list, all.length ? all.map(item) : h('li', { class: 'note' }, t('pent.none')));
  }

  return { el, load };
}

