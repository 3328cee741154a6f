// problems.js — problem management's screens (R-PRB-1…3): the problem
// list (filters state, priority, assignee, department; the age of each
// problem; pager and CSV like the other lists), the create form, the
// problem page (fields, state, clocks, approvals, checklists, links, CIs,
// timeline, the workflow's actions with why one is refused; the entries of
// investigation and review, problem_entries.js) built from the
// kernel's generic parts (record_parts.js), and the "create a problem from
// this incident" button of the incident page.  The page polls every 5 s and
// rebuilds only the parts whose data changed; a state change is announced.
import { t, tOr, bi, currentLang } from '../i18n.js';
import { get, post, patch as apiPatch, qs } from '../api.js';
import {
  h, clear, field, select, table, tr, section, badge, fmtTime, patch, pager, csvButton, fieldError, showError, announce, confirmButton,
} from '../dom.js';
import { go, can, session } from '../main.js';
import {
  recStateBadge, recStateName, priorityBadge, age, personName, actionBar, clocksPart, approvalsPart, checklistsPart, timelinePart,
  linksPart, cisPart, PRIORITIES, LEVELS3, levelName3,
} from './record_parts.js';
import { entriesPart } from './problem_entries.js';

const STATES = ['new', 'accepted', 'planned', 'assigned', 'active', 'suspended', 'resolved', 'closed', 'cancelled'];
const DOMAINS = ['network', 'host', 'middleware', 'database', 'application', 'other'];
const SOURCES = ['incident', 'event_rule', 'proactive', 'desk', 'partner', 'inspection', 'change_failure'];
const SUSPEND_REASONS = ['vendor', 'change_window', 'observation', 'other'];
const CANCEL_REASONS = ['duplicate', 'not_a_problem'];
const PROBLEM_LINKS = ['fixed_by', 'duplicate_of', 'parent_of', 'evidence_of'];
const PAGE = 50;

const domainName = (d) => (d ? tOr('prb.domain_' + d, d) : '—');
const sourceName = (s) => (s ? tOr('prb.source_' + s, s) : '—');
const ext = (p) => p.problem || {};

export async function problemListView(ctx) {
  const me = session.me;
  const f = {
    state: select([['', t('common.all')], ...STATES.map((s) => [s, recStateName('problem', s)])], '', { name: 'state' }),
    priority: select([['', t('common.all')], ...PRIORITIES.map((p) => [p, tOr('prio.' + p, p)])], '', { name: 'priority' }),
    assignee_id: select([['', t('common.all')], [String(me.id), t('prb.assigned_to_me')]], '', { name: 'assignee_id' }),
    department: h('input', { name: 'department', list: 'prb-depts', maxlength: 127 }),
  };
  const depts = h('datalist', { id: 'prb-depts' }, [...new Set([me.department, ...(me.scopes || [])].filter(Boolean))].map((d) => h('option', { value: d })));
  let offset = 0;
  const params = () => ({ state: f.state.value, priority: f.priority.value, assignee_id: f.assignee_id.value, department: f.department.value.trim() });
  const body = h('div', { 'data-testid': 'problem-list' });
  const pg = h('div', { class: 'pager', 'data-testid': 'problem-pager' });
  const list = (extra) => get('/api/v1/problems' + qs({ ...params(), ...extra }));
  const form = h('form', { class: 'filters', role: 'search' },
    field(t('prb.state'), f.state), field(t('prb.priority'), f.priority), field(t('prb.assignee'), f.assignee_id), field(t('prb.department'), f.department), depts,
    h('button', { type: 'submit' }, t('common.search')),
    csvButton('problems', (limit, off) => list({ limit, offset: off }),
      [[t('prb.number'), (p) => p.number], [t('prb.title'), (p) => p.title], [t('prb.state'), (p) => recStateName('problem', p.state, p)],
        [t('prb.priority'), (p) => p.priority || ''], [t('prb.domain'), (p) => domainName(ext(p).domain || p.domain)], [t('prb.assignee'), (p) => personName(p.assignee_id, p.assignee_name)],
        [t('prb.department'), (p) => p.department], [t('prb.created_at'), (p) => fmtTime(p.created_at)], [t('prb.age'), (p) => age(p)]]));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); offset = 0; load(); });
  for (const k of ['state', 'priority', 'assignee_id']) f[k].addEventListener('change', () => { offset = 0; load(); });

  ctx.el.append(h('div', { class: 'page-head' }, h('h1', {}, t('prb.list_title')),
    h('a', { class: 'button', href: '#/known-errors' }, t('ke.search_title')),
    h('a', { class: 'button', href: '#/problems/candidates', 'data-testid': 'problem-candidates' }, t('prb.cand_title')),
    can('record.write') ? h('a', { class: 'button primary', href: '#/problems/new', 'data-testid': 'problem-new' }, t('prb.new')) : null),
  form, body, pg);

  async function load() {
    const r = await list({ limit: PAGE, offset });
    if (!ctx.alive()) return;
    // the age moves with the clock: the key holds it, so the column stays right without a rebuild per poll
    patch(body, [r, currentLang(), r.items.map(age)], () => table(
      [t('prb.number'), t('prb.title'), t('prb.state'), t('prb.priority'), t('prb.domain'), t('prb.assignee'), t('prb.department'), t('prb.age')],
      r.items.map((p) => tr(h('a', { href: `#/problems/${p.id}` }, p.number),
        h('span', {}, p.title, ext(p).major ? [' ', badge(t('prb.major'), 'major')] : null, p.drill ? [' ', badge(t('inc.drill_badge'), 'drill')] : null),
        recStateBadge(p), priorityBadge(p.priority), domainName(ext(p).domain || p.domain), personName(p.assignee_id, p.assignee_name), p.department || '—',
        h('span', { 'data-testid': 'age' }, age(p)))), { cls: 'problems' }));
    pager(pg, r, offset, PAGE, (o) => { offset = o; load(); });
  }
  await load();
  ctx.every(10000, () => { load().catch(() => {}); });
}

// ---- create ----

export async function problemNewView(ctx) {
  const title = h('input', { name: 'title', maxlength: 300 });
  const description = h('textarea', { name: 'description', rows: 4, maxlength: 8000 });
  const impact = select([['', t('prb.unset')], ...LEVELS3.map((l) => [l, levelName3(l)])], '', { name: 'impact' });
  const urgency = select([['', t('prb.unset')], ...LEVELS3.map((l) => [l, levelName3(l)])], '', { name: 'urgency' });
  const domain = select([['', t('prb.unset')], ...DOMAINS.map((d) => [d, domainName(d)])], '', { name: 'domain' });
  const source = select(SOURCES.map((s) => [s, sourceName(s)]), 'desk', { name: 'source' });
  const department = h('input', { name: 'department', maxlength: 127, value: session.me.department || '' });
  const err = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'form', 'data-testid': 'problem-form', novalidate: true },
    field(t('prb.title'), title, { required: true }),
    field(t('prb.description'), description),
    h('div', { class: 'two' }, field(t('prb.impact'), impact), field(t('prb.urgency'), urgency)),
    h('p', { class: 'note' }, t('prb.priority_hint')),
    h('div', { class: 'two' }, field(t('prb.domain'), domain), field(t('prb.source'), source)),
    field(t('prb.department'), department, { hint: t('prb.department_hint') }),
    err, h('button', { type: 'submit', class: 'primary' }, t('prb.create')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { title: title.value.trim() };
    if (!body.title) {
      fieldError(title, err, t('form.required', { field: t('prb.title') }));
      return;
    }
    // the record's own columns at the top, the problem's typed fields (and impact / urgency) in `fields`
    if (department.value.trim()) body.department = department.value.trim();
    const fields = {};
    for (const [k, el] of [['description', description], ['impact', impact], ['urgency', urgency], ['domain', domain], ['source', source]]) {
      if (el.value.trim()) fields[k] = el.value.trim();
    }
    if (Object.keys(fields).length) body.fields = fields;
    try {
      const p = await post('/api/v1/problems', body);
      go(`#/problems/${p.id}`);
    } catch (e) {
      fieldError({ title, description, impact, urgency, domain, source, department }[e.field] || null, err, e);
    }
  });
  ctx.el.append(h('p', { class: 'crumbs' }, h('a', { href: '#/problems' }, t('nav.problems'))), h('h1', {}, t('prb.new_title')), form);
}

// The incident page's button: a problem prefilled from the incident (its
// title, CIs, description; linked caused_by), then its page.
export function problemFromIncident(inc) {
  if (!can('record.write')) return null;
  const err = h('span', { class: 'error', role: 'alert', hidden: true, 'data-testid': 'from-incident-error' });
  return h('span', { class: 'from-incident' },
    confirmButton(t('prb.from_incident'), t('prb.from_incident_confirm', { n: inc.number }), async () => {
      try {
        const p = await post(`/api/v1/incidents/${inc.id}/problem`, {});
        go(`#/problems/${p.id}`);
      } catch (e) { showError(err, e); }
    }, { 'data-testid': 'btn-problem-from-incident' }), err);
}

// ---- one problem ----

export async function problemView(ctx, [id]) {
  let p = await get(`/api/v1/problems/${id}`);
  // the assignee picker's people (problem roles; operations roles cannot list accounts)
  const assignable = can('record.write') ? await get(`/api/v1/problems/${id}/assignable`).then((r) => r.items).catch(() => []) : [];
  // a route that started meanwhile (a language switch, then a link) owns the view now: never draw twice
  if (!ctx.alive()) return;
  const head = h('div', { class: 'rec-head', 'data-testid': 'problem-head' });
  const facts = h('div', { 'data-testid': 'problem-facts' });
  const edit = h('div', { 'data-testid': 'problem-edit' });
  const parts = {
    actions: actionBar(p, {
      onDone: async (fresh) => { p = { ...p, ...fresh }; await refresh(true); },
      choices: {
        suspend: { field: 'suspend_reason', label: t('prb.suspend_reason'), options: SUSPEND_REASONS.map((k) => [k, t('prb.suspend_' + k)]) },
        cancel: { field: 'cancel_reason', label: t('prb.cancel_reason'), options: CANCEL_REASONS.map((k) => [k, t('prb.cancel_' + k)]) },
      },
    }),
    clocks: clocksPart(p),
    approvals: approvalsPart(p, { onChange: () => refresh(true) }),
    checklists: checklistsPart(p, { onChange: () => refresh(true) }),
    links: linksPart(p, { kinds: PROBLEM_LINKS }),
    cis: cisPart(p),
  };
  parts.timeline = timelinePart(p, { ciName: parts.cis.name });
  // 调查与复盘: a workaround or root-cause entry sets the field shown above
  parts.entries = entriesPart(p, { onChange: () => refresh(false) });
  ctx.el.append(head, parts.actions.el,
    h('div', { class: 'rec-grid' },
      section(t('prb.fields'), facts, edit),
      parts.entries.el, parts.clocks.el, parts.links.el, parts.cis.el, parts.approvals.el, parts.checklists.el, parts.timeline.el));
  let seenState = p.state;

  function render() {
    const x = ext(p);
    patch(head, [p.number, p.title, p.state, p.priority, x.major, p.drill, currentLang()], () => [
      h('p', { class: 'crumbs' }, h('a', { href: '#/problems' }, t('nav.problems')), ' / ', p.number),
      h('h1', {}, p.title, ' ', p.drill ? badge(t('inc.drill_badge'), 'drill') : null),
      h('div', { class: 'badges' }, recStateBadge(p), h('span', { 'data-testid': 'problem-priority' }, priorityBadge(p.priority)),
        x.major ? badge(t('prb.major'), 'major') : null, x.workaround_required ? badge(t('prb.workaround_required'), 'bad') : null,
        can('record.write') ? h('a', { class: 'button', href: `#/known-errors/new?problem=${p.id}`, 'data-testid': 'problem-new-ke' }, t('prb.new_ke')) : null)]);
    const rows = [
      [t('prb.number'), p.number],
      [t('prb.impact'), levelName3(p.impact || x.impact)], [t('prb.urgency'), levelName3(p.urgency || x.urgency)],
      [t('prb.priority'), p.priority || x.priority || t('prb.unset')],
      [t('prb.domain'), domainName(x.domain)], [t('prb.source'), sourceName(x.source)],
      [t('prb.department'), p.department || '—'], [t('prb.assignee'), personName(p.assignee_id, p.assignee_name || (assignable.find((u) => u.id === p.assignee_id) || {}).display_name)],
      [t('prb.created_at'), fmtTime(p.created_at)], [t('prb.age'), age(p)],
      p.closed_at ? [t('prb.closed_at'), fmtTime(p.closed_at)] : null,
      [t('prb.description'), x.description || p.description || '—'],
      [t('prb.category'), x.category || '—'],
      [t('prb.workaround'), x.workaround || '—'], [t('prb.root_cause'), x.root_cause || '—'],
      x.solution ? [t('prb.solution'), x.solution] : null, x.solution_evidence ? [t('prb.solution_evidence'), x.solution_evidence] : null,
      [t('prb.decision'), x.decision ? tOr('prb.decision_' + x.decision, x.decision) : '—'],
      x.major ? [t('prb.major_reason'), x.major_reason || '—'] : null,
    ].filter(Boolean);
    patch(facts, [rows, currentLang()], () => h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
    // the edit form follows the record only while it is folded: an open
    // form keeps what is being typed (and its version: a save after someone
    // else's edit is the server's 409, see editForm)
    const box = edit.firstElementChild;
    if (can('record.write') && edit.dataset.version !== String(p.version) && !(box && box.open)) {
      edit.dataset.version = String(p.version);
      clear(edit, editForm());
    }
    if (p.state !== seenState) {
      announce(t('live.rec_state', { n: p.number, s: recStateName('problem', p.state, p) }));
      seenState = p.state;
    }
  }

  function editForm() {
    const x = ext(p);
    const inputs = {
      title: h('input', { name: 'title', maxlength: 300, value: p.title }),
      assignee_id: select([['', t('prb.unassigned')], ...assignable.map((u) => [String(u.id), t('prb.assignee_option', { name: u.display_name || u.username, user: u.username, dept: u.department || '—' })]),
        ...(p.assignee_id && !assignable.some((u) => u.id === p.assignee_id) ? [[String(p.assignee_id), personName(p.assignee_id, p.assignee_name)]] : [])],
      p.assignee_id ? String(p.assignee_id) : '', { name: 'assignee_id' }),
      impact: select([['', t('prb.unset')], ...LEVELS3.map((l) => [l, levelName3(l)])], p.impact || x.impact || '', { name: 'impact' }),
      urgency: select([['', t('prb.unset')], ...LEVELS3.map((l) => [l, levelName3(l)])], p.urgency || x.urgency || '', { name: 'urgency' }),
      domain: select([['', t('prb.unset')], ...DOMAINS.map((d) => [d, domainName(d)])], x.domain || '', { name: 'domain' }),
      category: h('input', { name: 'category', maxlength: 200, value: x.category || '' }),
      workaround: h('textarea', { name: 'workaround', rows: 3, maxlength: 8000, value: x.workaround || '' }),
      root_cause: h('textarea', { name: 'root_cause', rows: 3, maxlength: 8000, value: x.root_cause || '' }),
      solution: h('textarea', { name: 'solution', rows: 3, maxlength: 8000, value: x.solution || '' }),
      solution_evidence: h('textarea', { name: 'solution_evidence', rows: 2, maxlength: 8000, value: x.solution_evidence || '' }),
    };
    const was = Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, el.value]));
    let version = p.version;
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form', 'data-testid': 'problem-edit-form', novalidate: true },
      field(t('prb.title'), inputs.title, { required: true }),
      field(t('prb.assignee'), inputs.assignee_id, { hint: t('prb.assignee_hint') }),
      h('div', { class: 'two' }, field(t('prb.impact'), inputs.impact), field(t('prb.urgency'), inputs.urgency)),
      h('div', { class: 'two' }, field(t('prb.domain'), inputs.domain), field(t('prb.category'), inputs.category)),
      field(t('prb.workaround'), inputs.workaround), field(t('prb.root_cause'), inputs.root_cause),
      field(t('prb.solution'), inputs.solution), field(t('prb.solution_evidence'), inputs.solution_evidence),
      err, h('button', { type: 'submit', class: 'primary' }, t('common.save')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!inputs.title.value.trim()) {
        fieldError(inputs.title, err, t('form.required', { field: t('prb.title') }));
        return;
      }
      // the title is the record's (PATCH /api/v1/records/{id}); the rest are the problem's fields
      const fields = {};
      for (const [k, el] of Object.entries(inputs)) if (k !== 'title' && el.value !== was[k]) fields[k] = el.value;
      if ('assignee_id' in fields) fields.assignee_id = fields.assignee_id ? Number(fields.assignee_id) : null;
      const title = inputs.title.value !== was.title ? inputs.title.value.trim() : null;
      if (!title && !Object.keys(fields).length) {
        showError(err, new Error(t('prb.nothing_changed')));
        return;
      }
      try {
        if (title) {
          const r = await apiPatch(`/api/v1/records/${p.id}`, { version, title });
          was.title = inputs.title.value;
          version = r.version;
          p = { ...p, ...r };
        }
        if (Object.keys(fields).length) p = await apiPatch(`/api/v1/problems/${p.id}`, { version, fields });
        announce(t('prb.saved'));
        delete edit.dataset.version;
        clear(edit);
        await refresh(true);
      } catch (e) {
        if (e.status === 409) {
          // someone else saved first: the server names both versions; the
          // page shows the newest record, what was typed stays, and saving
          // again sends only the fields changed here over the newest version
          await refresh(false).catch(() => {});
          version = p.version;
          showError(err, new Error(bi(e.message) + ' ' + t('prb.stale_hint')));
          return;
        }
        fieldError(inputs[e.field] || (e.field === 'fields' ? null : inputs[String(e.field || '').replace(/^fields\./, '')]) || null, err, e);
      }
    });
    return h('details', { class: 'edit-box', open: false }, h('summary', {}, t('prb.edit')), form);
  }

  async function refresh(all) {
    p = await get(`/api/v1/problems/${id}`);
    if (!ctx.alive()) return;
    render();
    const loads = [parts.actions.load(p), parts.clocks.load(p), parts.links.load(p), parts.timeline.load(p), parts.entries.load(p)];
    if (all) loads.push(parts.approvals.load(p), parts.checklists.load(p), parts.cis.load(p));
    await Promise.all(loads);
  }

  render();
  const first = (x) => x.load(p).catch((e) => x.el.append(h('p', { class: 'error', role: 'alert' }, bi(e.message))));
  await first(parts.cis); // the timeline names CIs
  await Promise.all(Object.values(parts).filter((x) => x !== parts.cis).map(first));
  let n = 0;
  ctx.every(5000, () => { refresh(++n % 3 === 0).catch(() => {}); });
}
