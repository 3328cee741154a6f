// plans.js — the emergency plan screens (应急预案; docs/plans.md, R-PLAN-1):
// the plan list and the plan page: its current (newest published) version
// rendered, the versions list (any version opened and rendered), the form
// that starts a new draft version (Markdown and a change note: on a
// published plan the note is the `revise` action's reason, then the
// version is added), the evaluation text the `evaluate` step needs, the
// committee's votes and the workflow's actions (evaluate → submit → approve
// → publish, review, revise) from the kernel's action bar, and the timeline.
// The HTML is the server's (libcmark with raw HTML suppressed); it is
// still parsed here and rebuilt from an allow-list of tags, never assigned
// as markup.
import { t, tOr, currentLang } from '../i18n.js';
import { get, post, patch as apiPatch, qs } from '../api.js';
import { h, clear, field, select, table, tr, section, badge, fmtTime, patch, pager, fieldError, showError, announce } from '../dom.js';
import { go, can } from '../main.js';
import { recStateBadge, actionBar, approvalsPart, timelinePart, personName } from './record_parts.js';

const STATES = ['draft', 'evaluated', 'submitted', 'approved', 'published'];
const PAGE = 50;
const ext = (p) => p.plan || {};
const verState = (s) => tOr('pln.vstate_' + s, s);

// the tags libcmark writes; anything else keeps only its text
const TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'ul', 'ol', 'li', 'strong', 'em', 'code', 'pre', 'blockquote',
  'hr', 'br', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'del']);

function safeNodes(node) {
  const out = [];
  for (const c of node.childNodes) {
    if (c.nodeType === 3) out.push(document.createTextNode(c.nodeValue));
    else if (c.nodeType === 1) {
      const tag = c.tagName.toLowerCase();
      if (!TAGS.has(tag)) { out.push(...safeNodes(c)); continue; }
      const attrs = {};
      const href = tag === 'a' ? c.getAttribute('href') || '' : '';
      if (/^(https?:|#|\/)/i.test(href)) Object.assign(attrs, { href, rel: 'noopener noreferrer' });
      out.push(h(tag, attrs, safeNodes(c)));
    }
  }
  return out;
}

export function renderPlanHtml(html) {
  const doc = new DOMParser().parseFromString(html || '', 'text/html');
  return h('div', { class: 'plan-doc' }, safeNodes(doc.body));
}

export async function planListView(ctx) {
  const state = select([['', t('common.all')], ...STATES.map((s) => [s, verState(s)])], '', { name: 'state' });
  const body = h('div', { 'data-testid': 'plan-list' });
  const pg = h('div', { class: 'pager' });
  let offset = 0;
  state.addEventListener('change', () => { offset = 0; load(); });
  const title = h('input', { name: 'plan_title', maxlength: 300 });
  const err = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'form inline', 'data-testid': 'plan-new', novalidate: true },
    field(t('pln.title'), title, { required: true }), err, h('button', { type: 'submit', class: 'primary' }, t('pln.create')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!title.value.trim()) {
      fieldError(title, err, t('form.required', { field: t('pln.title') }));
      return;
    }
    try {
      const p = await post('/api/v1/plans', { title: title.value.trim() });
      go(`#/plans/${p.id}`);
    } catch (e) { fieldError(e.field === 'title' ? title : null, err, e); }
  });
  ctx.el.append(h('div', { class: 'page-head' }, h('h1', {}, t('pln.list_title'))),
    h('form', { class: 'filters', role: 'search' }, field(t('pln.state'), state)), body, pg,
    can('record.write') ? h('details', { class: 'edit-box' }, h('summary', {}, t('pln.new')), form) : null);

  async function load() {
    const r = await get('/api/v1/plans' + qs({ state: state.value, limit: PAGE, offset }));
    if (!ctx.alive()) return;
    patch(body, [r, currentLang()], () => (r.items.length ? table(
      [t('pln.number'), t('pln.title'), t('pln.state'), t('pln.current'), t('pln.next_review')],
      r.items.map((x) => tr(h('a', { href: `#/plans/${x.id}` }, x.number), x.title, recStateBadge({ kind: 'plan', ...x }),
        ext(x).current_version ? t('pln.vn', { n: ext(x).current_version }) : '—',
        [fmtTime(ext(x).next_review_at), ext(x).review_due ? [' ', badge(t('pln.review_due'), 'overdue')] : null])),
      { cls: 'plans' }) : h('p', { class: 'note' }, t('pln.none'))));
    pager(pg, r, offset, PAGE, (o) => { offset = o; load(); });
  }
  await load();
  ctx.every(10000, () => { load().catch(() => {}); });
}

export async function planView(ctx, [id]) {
  let p = await get(`/api/v1/plans/${id}`);
  const head = h('div', { class: 'rec-head', 'data-testid': 'plan-head' });
  const facts = h('div', { 'data-testid': 'plan-facts' });
  const current = h('div', { 'data-testid': 'plan-current' });
  const versions = h('div', { 'data-testid': 'plan-versions' });
  const shown = h('div', { 'data-testid': 'plan-version-shown' });
  const evalBox = h('div', { 'data-testid': 'plan-evaluation' });
  const draftBox = h('div', { 'data-testid': 'plan-draft' });
  const actions = actionBar(p, { onDone: async () => { await refresh(); } });
  const approvals = approvalsPart(p, { onChange: () => refresh() });
  const timeline = timelinePart(p, {});
  ctx.el.append(head, actions.el, h('div', { class: 'rec-grid' },
    section(t('pln.current_title'), current), section(t('pln.fields'), facts, evalBox),
    section(t('pln.versions'), versions, shown), section(t('pln.draft_title'), draftBox), approvals.el, timeline.el));
  let currentFor = null;
  let draftFor = '';
  let evalFor = '';

  async function showVersion(el, n, key) {
    const v = await get(`/api/v1/plans/${p.id}/versions/${n}`);
    if (!ctx.alive()) return null;
    clear(el, h('h3', {}, t('pln.vn', { n: v.number }), ' ', badge(verState(v.state), 'vstate-' + v.state)),
      h('p', { class: 'note' }, t('pln.published_at'), ': ', fmtTime(v.published_at)), renderPlanHtml(v.html));
    el.dataset.version = String(key);
    return v;
  }

  async function render() {
    const x = ext(p);
    patch(head, [p.number, p.title, p.state, x.review_due, currentLang()], () => [
      h('p', { class: 'crumbs' }, h('a', { href: '#/plans' }, t('nav.plans')), ' / ', p.number),
      h('h1', {}, p.title),
      h('div', { class: 'badges' }, recStateBadge(p), x.review_due ? badge(t('pln.review_due'), 'overdue') : null)]);
    const rows = [
      [t('pln.number'), p.number], [t('pln.owner'), personName(x.owner_id)],
      [t('pln.current'), x.current_version ? t('pln.vn', { n: x.current_version }) : '—'],
      [t('pln.scope_classes'), (x.scope_classes || []).join(', ') || '—'],
      [t('pln.scope_services'), (x.scope_services || []).join(', ') || '—'],
      [t('pln.review_months'), String(x.review_months)],
      [t('pln.published_at'), fmtTime(x.published_at)], [t('pln.reviewed_at'), fmtTime(x.reviewed_at)],
      [t('pln.next_review'), fmtTime(x.next_review_at)],
      x.review_trigger ? [t('pln.trigger'), tOr('pln.trigger_' + x.review_trigger, x.review_trigger)] : null,
      [t('pln.evaluation'), x.evaluation || '—'],
    ].filter(Boolean);
    patch(facts, [rows, currentLang()], () => h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
    patch(versions, [x.versions, currentLang()], () => ((x.versions || []).length
      ? table([t('pln.version'), t('pln.state'), t('pln.created_at'), t('pln.published_at'), ''],
        x.versions.map((v) => tr(t('pln.vn', { n: v.number }), badge(verState(v.state), 'vstate-' + v.state), fmtTime(v.created_at),
          fmtTime(v.published_at), h('button', { type: 'button', 'data-testid': `plan-show-${v.number}`, onclick: () => { showVersion(shown, v.number, v.number).catch((e) => showError(shown, e)); } }, t('pln.show')))),
        { cls: 'plan-versions' })
      : h('p', { class: 'note' }, t('pln.no_versions'))));
    if (currentFor !== x.current_version) {
      currentFor = x.current_version;
      if (x.current_version) await showVersion(current, x.current_version, x.current_version);
      else clear(current, h('p', { class: 'note' }, t('pln.no_current')));
    }
    const writable = can('record.write');
    const dkey = writable && (p.state === 'draft' || p.state === 'published') ? `${p.id}:${p.state}:${(x.versions || []).length}` : '';
    if (dkey !== draftFor) {
      draftFor = dkey;
      clear(draftBox, dkey ? await draftForm() : h('p', { class: 'note' }, t('pln.draft_closed')));
    }
    const ekey = writable && p.state === 'draft' ? `${p.id}:${p.version}` : '';
    if (ekey !== evalFor) {
      evalFor = ekey;
      clear(evalBox, ekey ? evalForm() : []);
    }
  }

  // a new draft version: on a published plan `revise` (the note is its reason) first
  async function draftForm() {
    const x = ext(p);
    const last = (x.versions || []).at(-1);
    let seed = '';
    if (last) seed = (await get(`/api/v1/plans/${p.id}/versions/${last.number}`).catch(() => ({ body: '' }))).body;
    const text = h('textarea', { name: 'plan_body', rows: 12, maxlength: 200000, value: seed });
    const note = h('textarea', { name: 'change_note', rows: 2, maxlength: 2000 });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const revising = p.state === 'published';
    const form = h('form', { class: 'form', 'data-testid': 'plan-draft-form', novalidate: true },
      field(t('pln.body'), text, { required: true, hint: t('pln.body_hint') }),
      revising ? field(t('pln.change_note'), note, { required: true, hint: t('pln.change_note_hint') }) : null,
      err, h('button', { type: 'submit', class: 'primary' }, t(revising ? 'pln.revise_add' : 'pln.add_version')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!text.value.trim()) {
        fieldError(text, err, t('form.required', { field: t('pln.body') }));
        return;
      }
      if (revising && !note.value.trim()) {
        fieldError(note, err, t('form.required', { field: t('pln.change_note') }));
        return;
      }
      try {
        if (revising) await post(`/api/v1/records/${p.id}/actions/revise`, { version: p.version, reason: note.value.trim() });
        const v = await post(`/api/v1/plans/${p.id}/versions`, { body: text.value });
        announce(t('pln.version_added', { n: v.number }));
        await refresh();
      } catch (e) {
        fieldError(e.field === 'body' ? text : e.field === 'reason' ? note : null, err, e);
        await refresh().catch(() => {});
      }
    });
    return form;
  }

  // the evaluation text the evaluate step needs (docs/plans.md)
  function evalForm() {
    const text = h('textarea', { name: 'evaluation', rows: 3, maxlength: 8000, value: ext(p).evaluation || '' });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form', 'data-testid': 'plan-eval-form', novalidate: true },
      field(t('pln.evaluation'), text), err, h('button', { type: 'submit' }, t('common.save')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        p = await apiPatch(`/api/v1/plans/${p.id}`, { version: p.version, fields: { evaluation: text.value.trim() } });
        announce(t('prb.saved'));
        await refresh();
      } catch (e) { fieldError(e.field === 'evaluation' ? text : null, err, e); }
    });
    return form;
  }

  async function refresh() {
    p = await get(`/api/v1/plans/${id}`);
    if (!ctx.alive()) return;
    await render();
    await Promise.all([actions.load(p), approvals.load(p), timeline.load(p)]);
  }

  await render();
  await Promise.all([actions.load(p), approvals.load(p), timeline.load(p)]);
  ctx.every(10000, () => { refresh().catch(() => {}); });
}
