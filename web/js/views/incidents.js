// incidents.js — the incident desk: the list with filters and search, and
// the registration form, which shows as the CIs and severity are picked
// what the policy will decide (GET /api/v1/grading, the 速查表 answer):
// incident level, response level, deadlines, recipients, each with its rule.
import { t, bi } from '../i18n.js';
import { get, post, qs } from '../api.js';
import {
  h, clear, field, select, table, tr, section, showError, levelBadge, gradeBadge, gradeName, respBadge, stateBadge, levelName, respName,
  stateName, sevName, roleName, fmtTime, countdown, localInputToIso, badge, patch, pager, csvButton, fieldError,
} from '../dom.js';
import { go, hasRole, session } from '../main.js';

const STATES = ['detected', 'reported', 'confirmed', 'activated', 'resolved', 'closed', 'reviewed'];
const LEVELS = ['L1', 'L2', 'L3', 'NG'];
const RESPS = ['R1', 'R2', 'R3', 'NG'];
const PAGE = 50;

// The orders the API serves by an index (docs/internals/lists.md "Sorting
// by a column"): the number (= registration order), the incident level,
// the detection time; each column's first click gives its usual direction.
const SORTS = ['-id', 'id', 'level', '-level', '-detected_at', 'detected_at'];
const SORT_COLS = { 0: ['-id', 'id'], 3: ['level', '-level'], 5: ['-detected_at', 'detected_at'] };

function sortFromHash() {
  const k = new URLSearchParams(location.hash.split('?')[1] || '').get('sort');
  return SORTS.includes(k) ? k : '-id';
}

// The sortable headers of the list: a button in the th, aria-sort on the
// column the list is sorted by; a click sorts by it (again: the other way).
function sortable(tbl, cur, setSort) {
  const ths = tbl.tHead.rows[0].cells;
  for (const [col, [first, second]] of Object.entries(SORT_COLS)) {
    const th = ths[col];
    const on = cur === first || cur === second;
    if (on) th.setAttribute('aria-sort', cur.startsWith('-') ? 'descending' : 'ascending');
    const label = th.textContent;
    th.textContent = '';
    th.append(h('button', { type: 'button', class: 'sort', 'data-testid': 'sort-' + first.replace('-', ''),
      title: t('inc.sort_hint'), onclick: () => setSort(cur === first ? second : first) }, label));
  }
  return tbl;
}

export async function incidentListView(ctx) {
  const f = {
    q: h('input', { type: 'search', name: 'q' }),
    state: select([['', t('common.all')], ...STATES.map((s) => [s, stateName(s)])], '', { name: 'state' }),
    level: select([['', t('common.all')], ...LEVELS.map((l) => [l, levelName(l)])], '', { name: 'level' }),
    response_level: select([['', t('common.all')], ...RESPS.map((r) => [r, respName(r)])], '', { name: 'response_level' }),
    drill: select([['', t('common.all')], ['false', t('inc.real_only')], ['true', t('inc.drills_only')]], '', { name: 'drill' }),
  };
  // the order: a column's header (desktop) or the 排序 select (every width);
  // kept in the address (#/incidents?sort=…) so that a reload keeps it
  f.sort = select(SORTS.map((k) => [k, t('inc.sort_' + k.replace('-', 'desc_'))]), sortFromHash(), { name: 'sort' });
  let offset = 0;
  const params = () => ({ q: f.q.value, state: f.state.value, level: f.level.value, response_level: f.response_level.value, drill: f.drill.value,
    sort: f.sort.value === '-id' ? '' : f.sort.value });
  const setSort = (k) => {
    f.sort.value = k;
    history.replaceState(null, '', k === '-id' ? '#/incidents' : '#/incidents?sort=' + encodeURIComponent(k));
    offset = 0;
    load();
  };
  f.sort.addEventListener('change', () => setSort(f.sort.value));
  const body = h('div', { 'data-testid': 'incident-list' });
  const pg = h('div', { class: 'pager', 'data-testid': 'incident-pager' });
  const form = h('form', { class: 'filters', role: 'search' },
    field(t('inc.search'), f.q), field(t('inc.state'), f.state), field(t('inc.level'), f.level),
    field(t('inc.response'), f.response_level), field(t('inc.drill'), f.drill), field(t('inc.sort'), f.sort),
    h('button', { type: 'submit' }, t('common.search')),
    csvButton('incidents', (limit, off) => get('/api/v1/incidents' + qs({ ...params(), limit, offset: off })),
      [[t('inc.number'), (i) => i.number], [t('inc.title'), (i) => i.title], [t('inc.state'), (i) => stateName(i.state)], [t('inc.level'), (i) => levelName(i.level)],
        [t('inc.response'), (i) => respName(i.response_level)], [t('inc.detected_at'), (i) => fmtTime(i.detected_at)], [t('inc.handling_deadline'), (i) => fmtTime(i.handling_deadline)],
        [t('inc.drill'), (i) => (i.drill ? t('common.yes') : t('common.no'))]]));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); offset = 0; load(); });
  for (const k of ['state', 'level', 'response_level', 'drill']) f[k].addEventListener('change', () => { offset = 0; load(); });

  const mine = h('div', { 'data-testid': 'mine' });
  ctx.el.append(h('div', { class: 'page-head' }, h('h1', {}, t('inc.list_title')),
    hasRole('monitoring_engineer', 'ops_engineer') ? h('a', { class: 'button primary', href: '#/incidents/new' }, t('inc.register')) : null),
  mine, form, body, pg);

  async function load() {
    const r = await get('/api/v1/incidents' + qs({ ...params(), limit: PAGE, offset }));
    if (!ctx.alive()) return;
    // a poll that brings nothing new leaves the list (focus, selection) alone
    patch(body, [r, f.sort.value], () => sortable(table([t('inc.number'), t('inc.title'), t('inc.state'), t('inc.level'), t('inc.response'), t('inc.detected_at'), t('inc.handling_deadline')],
      r.items.map((i) => tr(h('a', { href: `#/incidents/${i.id}` }, i.number),
        h('span', {}, i.title, i.drill ? [' ', badge(t('inc.drill_badge'), 'drill')] : null),
        stateBadge(i.state), levelBadge(i.level), respBadge(i.response_level), fmtTime(i.detected_at),
        i.handling_deadline && !['resolved', 'closed', 'reviewed'].includes(i.state) ? countdown(i.handling_deadline) : fmtTime(i.handling_deadline)))),
    f.sort.value, setSort));
    pager(pg, r, offset, PAGE, (o) => { offset = o; load(); });
  }
  // 待我处理: what waits for me — acknowledgements I owe, plans to activate,
  // incidents to close, cases to review — before the whole list
  const REVIEWERS = ['ops_engineer', 'ops_section_head', 'ops_department_head', 'ops_leader', 'emergency_leadership'];
  async function loadMine() {
    const roles = session.me.roles;
    const want = [['confirmed', (i) => roles.includes(i.activation_role), 'mine.activate'], ['resolved', (i) => roles.includes(i.closing_role), 'mine.close']];
    if (roles.some((r) => REVIEWERS.includes(r))) want.push(['closed', () => true, 'mine.review']);
    const lists = await Promise.all(want.map(([st]) => get('/api/v1/incidents' + qs({ state: st, limit: 100 }))));
    const acks = await get('/api/v1/incidents' + qs({ awaiting_my_ack: 'true', limit: 100 }));
    const owned = await get('/api/v1/incidents' + qs({ owner: 'me', limit: 100 }));
    if (!ctx.alive()) return;
    const todo = acks.items.map((i) => [i, 'mine.ack']);
    for (const i of owned.items.filter((x) => !['closed', 'reviewed'].includes(x.state))) todo.push([i, 'mine.own']);
    want.forEach(([, ok, what], k) => { for (const i of lists[k].items.filter(ok)) todo.push([i, what]); });
    patch(mine, todo.map(([i, what]) => [i.id, i.title, i.level, i.response_level, what]), () => (todo.length
      ? section(t('mine.title', { n: todo.length }), table([t('inc.number'), t('inc.title'), t('mine.what'), t('inc.level'), t('inc.response')],
        todo.map(([i, what]) => tr(h('a', { href: `#/incidents/${i.id}` }, i.number), i.title, t(what), levelBadge(i.level), respBadge(i.response_level)))))
      : null));
    mine.dataset.loaded = '1';
  }
  await Promise.all([load(), loadMine()]);
  ctx.every(10000, () => { load().catch(() => {}); loadMine().catch(() => {}); });
}

const GRADE_ORDER = { L1: 0, L2: 1, L3: 2, NG: 3 };

// The CI picker asks the server (GET /api/v1/cis?q=…, debounced) rather than
// loading a fixed first page: every CI of a large CMDB can be found and picked.
const CI_PICK_PAGE = 50;
const CI_PICK_DELAY = 250;

export async function incidentNewView(ctx) {
  const first = await get('/api/v1/cis' + qs({ limit: CI_PICK_PAGE }));
  let cis = first.items || [];
  let found = { total: first.total, shown: cis.length };
  const cmdbEmpty = !cis.length;
  const known = new Map(cis.map((c) => [c.id, c])); // every CI seen, so a chosen one stays shown
  const title = h('input', { name: 'title', maxlength: 300 });
  const sevDefs = (await get('/api/v1/policy/categories').catch(() => ({}))).severities || {};
  const sevDef = h('div', { class: 'sev-def note', 'data-testid': 'sev-def', 'aria-live': 'polite' });
  const showSevDef = () => clear(sevDef, sevDefs[severity.value] ? sevDefs[severity.value].description : '');
  const severity = select([['', t('inc.sev_unknown')], ['severe', sevName('severe')], ['moderate', sevName('moderate')], ['minor', sevName('minor')]], '', { name: 'severity' });
  const detected = h('input', { type: 'datetime-local', name: 'detected_at' });
  const location = h('input', { name: 'location', maxlength: 500 });
  const symptoms = h('textarea', { name: 'symptoms', rows: 3, maxlength: 4000 });
  const impact = h('textarea', { name: 'impact_scope', rows: 2, maxlength: 2000 });
  const drill = h('input', { type: 'checkbox', name: 'drill' });
  // seed 000 ch. 7 §1 item 3 (就高原则): the levels it may be while it cannot be determined
  const cands = ['L1', 'L2', 'L3', 'NG'].map((g) => h('input', { type: 'checkbox', name: 'candidate_levels', value: g, id: 'cand-' + g }));
  const candBox = h('fieldset', { class: 'cand-pick', 'data-testid': 'cand-pick' }, h('legend', {}, t('inc.candidate_levels')),
    cands.map((cb) => h('span', { class: 'ci-opt' }, cb, h('label', { for: cb.id }, gradeName(cb.value)))),
    h('p', { class: 'note' }, t('inc.candidate_hint')));
  // seed 000 ch. 8 §1: the handling department leads the review
  const handling = h('input', { name: 'handling_department', maxlength: 127, placeholder: t('inc.handling_default') });
  const ciFilter = h('input', { type: 'search', name: 'ci_filter' });
  const chosen = new Set();
  const ciBox = h('fieldset', { class: 'ci-pick', 'data-testid': 'ci-pick' });
  const prediction = h('div', { class: 'prediction', 'aria-live': 'polite', 'data-testid': 'prediction' }, h('p', { class: 'note' }, t('inc.pick_ci_first')));
  const err = h('p', { class: 'error', role: 'alert', hidden: true });

  function renderCis() {
    // the chosen CIs first (whatever the search), then this search's answer
    const list = [...chosen].map((id) => known.get(id)).filter(Boolean).concat(cis.filter((c) => !chosen.has(c.id)));
    clear(ciBox, h('legend', {}, t('inc.cis'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      list.map((c) => {
        const cb = h('input', { type: 'checkbox', value: String(c.id), id: 'ci-' + c.id, checked: chosen.has(c.id) });
        cb.addEventListener('change', () => { if (cb.checked) chosen.add(c.id); else chosen.delete(c.id); predict(); });
        return h('div', { class: 'ci-opt' }, cb, h('label', { for: cb.id }, c.name, ' ', gradeBadge(c.grade), h('small', {}, ' ' + (c.department || ''))));
      }));
    if (cmdbEmpty) ciBox.append(h('p', { class: 'note' }, t('inc.no_cis'), ' ', h('a', { href: '#/cmdb/new' }, t('cmdb.new'))));
    else if (!found.shown && ciFilter.value.trim()) ciBox.append(h('p', { class: 'note', 'data-testid': 'ci-pick-none' }, t('inc.ci_none_match')));
    else if (found.total > found.shown) ciBox.append(h('p', { class: 'note', 'data-testid': 'ci-pick-more' }, t('inc.ci_more', { n: found.shown, total: found.total })));
  }
  let searchSeq = 0;
  let timer = null;
  async function searchCis() {
    const my = ++searchSeq;
    const q = ciFilter.value.trim();
    try {
      const r = await get('/api/v1/cis' + qs({ q, limit: CI_PICK_PAGE }));
      if (my !== searchSeq || !ctx.alive()) return; // a later search answers instead
      cis = r.items || [];
      for (const c of cis) known.set(c.id, c);
      found = { total: r.total, shown: cis.length };
      ciBox.dataset.q = q;
      renderCis();
    } catch (e) {
      if (my === searchSeq) showError(err, e);
    }
  }
  ciFilter.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(searchCis, CI_PICK_DELAY); });

  let seq = 0;
  async function predict() {
    const my = ++seq;
    const picked = [...chosen].map((id) => known.get(id)).filter(Boolean).sort((a, b) => GRADE_ORDER[a.grade] - GRADE_ORDER[b.grade]);
    const cand = cands.filter((cb) => cb.checked).map((cb) => cb.value).sort((a, b) => GRADE_ORDER[a] - GRADE_ORDER[b]);
    if (!picked.length && !cand.length) {
      clear(prediction, h('p', { class: 'note' }, t('inc.pick_ci_first')));
      return;
    }
    // the highest of the CIs' grades and the candidates; a candidate above every CI is provisional
    const byCand = cand.length && (!picked.length || GRADE_ORDER[cand[0]] < GRADE_ORDER[picked[0].grade]);
    try {
      const g = await get('/api/v1/grading' + qs(byCand ? { level: cand[0], severity: severity.value } : { ci_id: picked[0].id, severity: severity.value }));
      if (my !== seq || !ctx.alive()) return;
      renderPrediction(prediction, g, byCand ? null : picked[0], { provisional: byCand, handling: handling.value.trim() });
    } catch (e) {
      if (my === seq) clear(prediction, h('p', { class: 'error' }, bi(e.message)));
    }
  }
  severity.addEventListener('change', predict);
  for (const cb of cands) cb.addEventListener('change', predict);
  handling.addEventListener('change', predict);
  severity.addEventListener('change', showSevDef);

  const form = h('form', { class: 'form two-col', novalidate: true },
    h('div', { class: 'col' },
      field(t('inc.title'), title, { required: true }),
      field(t('inc.severity'), severity, { hint: t('inc.sev_hint') }), sevDef,
      field(t('inc.ci_filter'), ciFilter),
      ciBox,
      candBox,
      field(t('inc.handling_department'), handling, { hint: t('inc.handling_hint') }),
      field(t('inc.detected_at'), detected, { hint: t('inc.detected_hint') + ' ' + t('time.input_zone') }),
      field(t('field.location'), location),
      field(t('field.symptoms'), symptoms),
      field(t('field.impact_scope'), impact),
      h('div', { class: 'field check' }, drill, h('label', { for: (drill.id = 'drill-box') }, t('inc.is_drill'))),
      err,
      h('button', { type: 'submit', class: 'primary' }, t('inc.register_submit'))),
    h('aside', { class: 'col' }, h('h2', {}, t('inc.prediction')), prediction));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { title: title.value.trim(), ci_ids: [...chosen], drill: drill.checked };
    if (severity.value) body.severity = severity.value;
    if (detected.value) body.detected_at = localInputToIso(detected.value);
    for (const [k, el] of [['location', location], ['symptoms', symptoms], ['impact_scope', impact]]) if (el.value.trim()) body[k] = el.value.trim();
    if (!body.title) {
      fieldError(title, err, t('form.required', { field: t('inc.title') }));
      return;
    }
    const cand = cands.filter((cb) => cb.checked).map((cb) => cb.value);
    if (cand.length) body.candidate_levels = cand;
    if (handling.value.trim()) body.handling_department = handling.value.trim();
    if (!body.ci_ids.length && !cand.length) {
      fieldError(ciFilter, err, t('inc.need_title_ci'));
      return;
    }
    try {
      const inc = await post('/api/v1/incidents', body);
      go(`#/incidents/${inc.id}`);
    } catch (e) {
      const byField = { title, severity, detected_at: detected, location, symptoms, impact_scope: impact, ci_ids: ciFilter, candidate_levels: cands[0], handling_department: handling };
      fieldError(byField[e.field] || null, err, e);
    }
  });
  ctx.el.append(h('h1', {}, t('inc.register_title')), form);
  renderCis();
}

// Who will be told, by name, role by role; a role nobody holds is a warning
// before saving.
function recipientsOf(g) {
  if (!g.recipients) return (g.recipient_roles || []).map(roleName).join(t('common.sep'));
  return h('ul', { class: 'people' }, g.recipients.map((r) => h('li', {},
    h('span', { class: 'note' }, roleName(r.role), t('inc.role_colon')),
    r.people.length ? r.people.join(t('common.sep')) : h('strong', { class: 'bad', 'data-testid': 'pred-nobody' }, t('inc.role_nobody')))));
}

// The grading answer: the values and, for each, the rule behind it.
export function renderPrediction(el, g, ci, extra = {}) {
  const mins = (m) => (m == null ? t('common.none_limit') : t('time.minutes', { n: m }));
  // a rule's text glosses role names with their keys, "运行部科室负责人 (ops_section_head)": people read the names
  // (a one-word key such as "liaison" too, when it is a role's)
  const plain = (s) => s.replace(/\s*\(([a-z]+(?:_[a-z]+)*)\)/g, (m, k) => (k.includes('_') || roleName(k) !== k ? '' : m));
  // the rule in words; its requirement id stays out of the text (a tooltip at most)
  const rule = (f) => (g.rules || []).filter((r) => r.field === f).map((r) => h('div', { class: 'rule', title: r.req }, plain(bi(r.text))));
  const row = (label, value, f, testid) => h('div', { class: 'pred-row', 'data-testid': testid }, h('dt', {}, label), h('dd', {}, value, rule(f)));
  clear(el,
    ci ? h('p', { class: 'note' }, t('inc.pred_from', { ci: ci.name, grade: gradeName(ci.grade) }))
      : h('p', { class: 'note', 'data-testid': 'pred-from-cand' }, t('inc.pred_from_cand', { grade: gradeName(g.level) })),
    h('dl', {},
      row(t('inc.level'), [levelBadge(g.level), extra.provisional ? h('span', { 'data-testid': 'pred-level-prov' }, t('inc.level_provisional')) : null], 'level', 'pred-level'),
      row(t('inc.response'), respBadge(g.response_level), 'response_level', 'pred-response'),
      g.severity_provisional ? row(t('inc.severity'), t('inc.sev_provisional'), 'severity_provisional', 'pred-prov') : null,
      row(t('inc.handling_limit'), mins(g.handling_limit_minutes), 'handling_limit_minutes', 'pred-handling'),
      row(t('inc.first_report_within'), mins(g.first_report_within_minutes), 'first_report_minutes', 'pred-first'),
      row(t('inc.recipients'), recipientsOf(g), 'recipients', 'pred-recipients'),
      row(t('inc.ack'), g.ack_required ? t('inc.ack_within', { n: g.ack_within_minutes }) : t('inc.ack_none'), 'ack_window_minutes', 'pred-ack'),
      row(t('inc.progress_every'), mins(g.progress_every_minutes), 'progress_every_minutes', 'pred-progress'),
      row(t('inc.activation_role'), roleName(g.activation_role), 'activation_role', 'pred-activation'),
      'handling' in extra ? row(t('inc.handling_department'), extra.handling || t('inc.handling_default'), 'handling_department', 'pred-handling-dept') : null));
}
