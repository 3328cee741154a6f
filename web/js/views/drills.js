// drills.js — the emergency drill screens (应急演练; docs/drills.md, R-PLAN-2):
// the drill list with the plans whose yearly drill is due, the form that
// schedules a drill, and the drill page: its fields (editable), the
// workflow's actions (prepare, start, evaluate, close) from the kernel's
// action bar, the simulated incident (injected while the drill runs, a link
// to its incident page), the scorecard computed from that incident's real
// deadlines, the findings turned into follow-up records in one step (a
// problem linked originated_from the drill), and
// the records linked to it (its plan, its incident), the participants with
// their roles and the manual scores (drill_scores.js).  The page polls every 5 s.
import { t, tOr, bi, currentLang } from '../i18n.js';
import { get, post, patch as apiPatch, qs } from '../api.js';
import {
  h, clear, field, select, table, tr, section, badge, fmtTime, patch, pager, fieldError, showError, announce, dlName, localInputToIso,
} from '../dom.js';
import { go, can } from '../main.js';
import { recStateBadge, recStateName, actionBar, timelinePart, linksPart } from './record_parts.js';
import { scoresPart } from './drill_scores.js';
import { drillPeople, peopleNames, participantPicker } from './drill_people.js';

const STATES = ['planned', 'prepared', 'running', 'evaluated', 'closed'];
const TYPES = ['functional', 'tabletop', 'full_scale'];
const MODES = ['sandbox', 'live'];
const STEPS = ['goal', 'plan', 'resources', 'run', 'evaluate', 'lessons', 'review'];
const FINDING_KINDS = ['problem']; // the follow-up kinds a module serves
// a finding's follow-up record (a problem, a change, a plan revision) hangs under the drill
const DRILL_LINKS = ['parent_of', 'evidence_of'];
const PAGE = 50;

const ext = (d) => d.drill || {};
const typeName = (k) => tOr('drl.type_' + k, k);
const modeName = (k) => tOr('drl.mode_' + k, k);
const stepName = (k) => tOr('drl.step_' + k, k);
const verdictName = (v) => tOr('drl.verdict_' + v.replace('/', ''), v);
const ids = (s) => s.split(/[,\uFF0C\s]+/).filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n > 0);
const ms = (v) => (v === null || v === undefined ? '—' : t('drl.minutes', { n: (v / 60000).toFixed(1) }));

export async function drillListView(ctx) {
  const state = select([['', t('common.all')], ...STATES.map((s) => [s, recStateName('drill', s)])], '', { name: 'state' });
  const body = h('div', { 'data-testid': 'drill-list' });
  const pg = h('div', { class: 'pager' });
  const due = h('div', { 'data-testid': 'drill-due' });
  let offset = 0;
  state.addEventListener('change', () => { offset = 0; load(); });
  ctx.el.append(h('div', { class: 'page-head' }, h('h1', {}, t('drl.list_title')),
    can('record.write') ? h('a', { class: 'button primary', href: '#/drills/new', 'data-testid': 'drill-new' }, t('drl.new')) : null),
  h('form', { class: 'filters', role: 'search' }, field(t('drl.state'), state)), body, pg, section(t('drl.due_title'), due));

  async function load() {
    const [r, d] = await Promise.all([get('/api/v1/drills' + qs({ state: state.value, limit: PAGE, offset })), get('/api/v1/drills/overdue')]);
    if (!ctx.alive()) return;
    patch(body, [r, currentLang()], () => table(
      [t('drl.number'), t('drl.title'), t('drl.state'), t('drl.type'), t('drl.mode'), t('drl.scheduled_at'), t('drl.incident')],
      r.items.map((x) => tr(h('a', { href: `#/drills/${x.id}` }, x.number), x.title, recStateBadge(x), typeName(ext(x).drill_type),
        modeName(ext(x).mode), fmtTime(ext(x).scheduled_at), ext(x).incident ? h('a', { href: `#/incidents/${ext(x).incident.id}` }, ext(x).incident.number) : '—')),
      { cls: 'drills' }));
    pager(pg, r, offset, PAGE, (o) => { offset = o; load(); });
    patch(due, [d, currentLang()], () => (d.items.length
      ? table([t('drl.plan'), t('drl.last_drill'), t('drl.due_at')], d.items.map((x) => tr(`${x.number} ${x.title}`, fmtTime(x.last_drill_at), fmtTime(x.drill_due_at))))
      : h('p', { class: 'note' }, t('drl.none_due'))));
  }
  await load();
  ctx.every(10000, () => { load().catch(() => {}); });
}

export async function drillNewView(ctx) {
  const plans = await get('/api/v1/plans' + qs({ state: 'published', limit: 500 })).then((r) => r.items).catch(() => []);
  const people = participantPicker(await drillPeople());
  const inputs = {
    title: h('input', { name: 'title', maxlength: 300 }),
    plan_id: select([['', t('drl.no_plan')], ...plans.map((p) => [String(p.id), `${p.number} ${p.title}`])], plans.length === 1 ? String(plans[0].id) : '', { name: 'plan_id' }),
    drill_type: select(TYPES.map((k) => [k, typeName(k)]), 'functional', { name: 'drill_type' }),
    mode: select(MODES.map((k) => [k, modeName(k)]), 'sandbox', { name: 'mode' }),
    goals: h('textarea', { name: 'goals', rows: 2, maxlength: 8000 }),
    scenario: h('textarea', { name: 'scenario', rows: 3, maxlength: 8000 }),
    scheduled_at: h('input', { name: 'scheduled_at', type: 'datetime-local' }),
  };
  const err = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'form', 'data-testid': 'drill-form', novalidate: true },
    field(t('drl.title'), inputs.title, { required: true }), field(t('drl.plan'), inputs.plan_id),
    h('div', { class: 'two' }, field(t('drl.type'), inputs.drill_type), field(t('drl.mode'), inputs.mode, { hint: t('drl.mode_hint') })),
    field(t('drl.goals'), inputs.goals), field(t('drl.scenario'), inputs.scenario),
    h('fieldset', {}, h('legend', {}, t('drl.participants')), h('p', { class: 'note' }, t('drl.participants_hint')), people.el),
    field(t('drl.scheduled_at'), inputs.scheduled_at),
    err, h('button', { type: 'submit', class: 'primary' }, t('drl.create')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const title = inputs.title.value.trim();
    if (!title) {
      fieldError(inputs.title, err, t('form.required', { field: t('drl.title') }));
      return;
    }
    const fields = { drill_type: inputs.drill_type.value, mode: inputs.mode.value, planned_steps: STEPS };
    if (inputs.plan_id.value) fields.plan_id = Number(inputs.plan_id.value);
    for (const k of ['goals', 'scenario']) if (inputs[k].value.trim()) fields[k] = inputs[k].value.trim();
    const who = people.value();
    if (who.participants.length) fields.participants = who.participants;
    if (Object.keys(who.participant_roles).length) fields.participant_roles = who.participant_roles;
    if (inputs.scheduled_at.value) fields.scheduled_at = localInputToIso(inputs.scheduled_at.value);
    try {
      const d = await post('/api/v1/drills', { title, fields });
      go(`#/drills/${d.id}`);
    } catch (e) {
      fieldError(inputs[e.field] || null, err, e);
    }
  });
  ctx.el.append(h('p', { class: 'crumbs' }, h('a', { href: '#/drills' }, t('nav.drills'))), h('h1', {}, t('drl.new_title')), form);
}

export async function drillView(ctx, [id]) {
  let d = await get(`/api/v1/drills/${id}`);
  const ppl = await drillPeople();
  const names = peopleNames(ppl);
  const who = (uid) => names.get(uid) || '#' + uid;
  // the drill's plan by its number and title, not its id
  const planOf = ext(d).plan_id ? await get(`/api/v1/plans/${ext(d).plan_id}`).catch(() => null) : null;
  const planLabel = (pid) => (planOf && planOf.id === pid ? `${planOf.number} ${planOf.title}` : '#' + pid);
  const head = h('div', { class: 'rec-head', 'data-testid': 'drill-head' });
  const facts = h('div', { 'data-testid': 'drill-facts' });
  const edit = h('div', { 'data-testid': 'drill-edit' });
  const sim = h('div', { 'data-testid': 'drill-incident' });
  const card = h('div', { 'data-testid': 'drill-scorecard' });
  const finds = h('div', { 'data-testid': 'drill-findings' });
  const findForm = h('div', { 'data-testid': 'drill-finding-new' });
  const actions = actionBar(d, { onDone: async () => { await refresh(); } });
  const timeline = timelinePart(d, {});
  const links = linksPart(d, { kinds: DRILL_LINKS });
  const scores = scoresPart(names); // participants' roles and the manual 1–5 scores (drill_scores.js)
  scores.onSaved(async () => { await refresh(); });
  ctx.el.append(head, actions.el, h('div', { class: 'rec-grid' },
    section(t('drl.fields'), facts, edit), section(t('drl.incident'), sim), section(t('drl.scorecard'), card),
    section(t('drl.scores'), scores.el), section(t('drl.findings'), finds, findForm), links.el, timeline.el));
  let seenState = d.state;

  function render() {
    const x = ext(d);
    patch(head, [d.number, d.title, d.state, x.mode, currentLang()], () => [
      h('p', { class: 'crumbs' }, h('a', { href: '#/drills' }, t('nav.drills')), ' / ', d.number),
      h('h1', {}, d.title, ' ', badge(t('inc.drill_badge'), 'drill')),
      h('div', { class: 'badges' }, recStateBadge(d), h('span', { 'data-testid': 'drill-mode' }, badge(modeName(x.mode), 'mode-' + x.mode)))]);
    const rows = [
      [t('drl.number'), d.number], [t('drl.type'), typeName(x.drill_type)], [t('drl.mode'), modeName(x.mode)],
      [t('drl.plan'), x.plan_id ? h('a', { href: `#/plans/${x.plan_id}`, 'data-testid': 'drill-plan-link' }, planLabel(x.plan_id)) : '—'],
      [t('drl.goals'), x.goals || '—'], [t('drl.scenario'), x.scenario || '—'],
      [t('drl.participants'), (x.participants || []).map((u) => {
        const r = (x.participant_roles || {})[String(u)];
        return r ? `${who(u)} · ${tOr('drl.role_' + r, r)}` : who(u);
      }).join(t('common.sep')) || '—'],
      [t('drl.scheduled_at'), fmtTime(x.scheduled_at)], [t('drl.started_at'), fmtTime(x.started_at)],
      [t('drl.steps_done'), (x.done_steps || []).map(stepName).join(', ') || '—'],
      [t('drl.evaluation'), x.evaluation || '—'], [t('drl.lessons'), x.lessons || '—'],
      x.closed_at ? [t('drl.closed_at'), fmtTime(x.closed_at)] : null,
    ].filter(Boolean);
    patch(facts, [rows, currentLang()], () => h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
    const box = edit.firstElementChild;
    if (d.state === 'closed' && box) clear(edit); // a closed drill is not edited
    if (can('record.write') && d.state !== 'closed' && edit.dataset.version !== String(d.version) && !(box && box.open)) {
      edit.dataset.version = String(d.version);
      clear(edit, editForm());
    }
    patch(sim, [x.incident, d.state, currentLang()], () => (x.incident
      ? h('p', {}, h('a', { href: `#/incidents/${x.incident.id}`, 'data-testid': 'drill-incident-link' }, x.incident.number), ' ',
        badge(t('inc.drill_badge'), 'drill'), ' ', x.incident.level, ' · ', tOr('state.' + x.incident.state, x.incident.state))
      : d.state === 'running' && can('incident.create') ? injectForm() : h('p', { class: 'note' }, t('drl.no_incident'))));
    const found = x.findings || [];
    patch(finds, [found, currentLang()], () => (found.length
      ? table([t('drl.number'), t('drl.finding_kind'), t('drl.title'), t('drl.state')],
        found.map((f) => tr(h('a', { href: f.kind === 'problem' ? `#/problems/${f.id}` : `#/records/${f.id}` }, f.number),
          tOr('drl.fkind_' + f.kind, f.kind), f.title, recStateName(f.kind, f.state))), { cls: 'drill-findings' })
      : h('p', { class: 'note' }, t('drl.no_findings'))));
    const findable = can('record.write') && d.state !== 'planned';
    if (!findable) clear(findForm);
    else if (!findForm.firstElementChild) findForm.append(findingForm());
    if (d.state !== seenState) {
      announce(t('live.rec_state', { n: d.number, s: recStateName('drill', d.state, d) }));
      seenState = d.state;
    }
  }

  function findingForm() {
    const kind = select(FINDING_KINDS.map((k) => [k, t('drl.fkind_' + k)]), 'problem', { name: 'finding_kind' });
    const title = h('input', { name: 'finding_title', maxlength: 300 });
    const description = h('textarea', { name: 'finding_description', rows: 2, maxlength: 8000 });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form', 'data-testid': 'drill-finding-form', novalidate: true },
      field(t('drl.finding_kind'), kind), field(t('drl.finding_title'), title, { required: true }),
      field(t('drl.finding_desc'), description), err, h('button', { type: 'submit' }, t('drl.finding_add')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!title.value.trim()) {
        fieldError(title, err, t('form.required', { field: t('drl.finding_title') }));
        return;
      }
      const body = { kind: kind.value, title: title.value.trim() };
      if (description.value.trim()) body.description = description.value.trim();
      try {
        const r = await post(`/api/v1/drills/${d.id}/findings`, body);
        announce(t('drl.finding_added', { n: r.number }));
        title.value = '';
        description.value = '';
        err.hidden = true;
        await refresh();
      } catch (e) { fieldError({ kind, title, description }[e.field] || null, err, e); }
    });
    return form;
  }

  function injectForm() {
    const title = h('input', { name: 'inc_title', maxlength: 300, value: d.title });
    const cis = h('input', { name: 'ci_ids', maxlength: 200 });
    const sev = select(['severe', 'moderate', 'minor'].map((k) => [k, t('sev.' + k)]), 'severe', { name: 'severity' });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form', 'data-testid': 'drill-inject-form', novalidate: true },
      field(t('drl.inc_title'), title, { required: true }), field(t('drl.ci_ids'), cis, { hint: t('drl.ci_ids_hint') }), field(t('drl.severity'), sev),
      err, h('button', { type: 'submit', class: 'primary' }, t('drl.inject')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const inc = await post(`/api/v1/drills/${d.id}/inject`, { title: title.value.trim(), ci_ids: ids(cis.value), severity: sev.value });
        announce(t('drl.injected', { n: inc.number }));
        await refresh();
      } catch (e) { fieldError({ title, ci_ids: cis, severity: sev }[e.field] || null, err, e); }
    });
    return form;
  }

  function editForm() {
    const x = ext(d);
    const inputs = {
      goals: h('textarea', { name: 'goals', rows: 2, maxlength: 8000, value: x.goals || '' }),
      scenario: h('textarea', { name: 'scenario', rows: 2, maxlength: 8000, value: x.scenario || '' }),
      evaluation: h('textarea', { name: 'evaluation', rows: 3, maxlength: 8000, value: x.evaluation || '' }),
      lessons: h('textarea', { name: 'lessons', rows: 3, maxlength: 8000, value: x.lessons || '' }),
    };
    const steps = STEPS.map((k) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'step_' + k, checked: (x.done_steps || []).includes(k) }), ' ', stepName(k)));
    const people = participantPicker(ppl, x.participants || [], x.participant_roles || {});
    const wasPeople = JSON.stringify(people.value());
    const was = Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, el.value]));
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form', 'data-testid': 'drill-edit-form', novalidate: true },
      field(t('drl.goals'), inputs.goals), field(t('drl.scenario'), inputs.scenario),
      h('fieldset', {}, h('legend', {}, t('drl.participants')), people.el),
      h('fieldset', {}, h('legend', {}, t('drl.steps_done')), steps),
      field(t('drl.evaluation'), inputs.evaluation), field(t('drl.lessons'), inputs.lessons),
      err, h('button', { type: 'submit', class: 'primary' }, t('common.save')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const fields = {};
      for (const [k, el] of Object.entries(inputs)) if (el.value !== was[k]) fields[k] = el.value;
      if (JSON.stringify(people.value()) !== wasPeople) Object.assign(fields, people.value());
      const done = STEPS.filter((k, i) => steps[i].querySelector('input').checked);
      if (done.join() !== (x.done_steps || []).join()) fields.done_steps = done;
      if (!Object.keys(fields).length) {
        showError(err, new Error(t('prb.nothing_changed')));
        return;
      }
      try {
        d = await apiPatch(`/api/v1/drills/${d.id}`, { version: d.version, fields });
        announce(t('prb.saved'));
        delete edit.dataset.version;
        clear(edit);
        await refresh();
      } catch (e) { fieldError(inputs[e.field] || null, err, e); }
    });
    return h('details', { class: 'edit-box', open: d.state === 'running' || d.state === 'evaluated' }, h('summary', {}, t('drl.edit')), form);
  }

  async function loadCard() {
    const c = await get(`/api/v1/drills/${d.id}/scorecard`);
    if (!ctx.alive()) return;
    scores.load(d, c);
    patch(card, [c, currentLang()], () => (c.incident ? [
      h('dl', { class: 'facts', 'data-testid': 'drill-score' },
        h('dt', {}, t('drl.score')), h('dd', {}, c.score_pct === null ? '—' : c.score_pct + ' %'),
        h('dt', {}, t('drl.passed_failed')), h('dd', {}, t('drl.pf', { p: c.passed, f: c.failed, n: c.pending })),
        h('dt', {}, t('drl.to_ack')), h('dd', {}, ms(c.to_ack_ms)),
        h('dt', {}, t('drl.to_activate')), h('dd', {}, ms(c.to_activate_ms)),
        h('dt', {}, t('drl.steps_done')), h('dd', {}, `${c.steps_done} / ${c.steps_planned}`),
        h('dt', {}, t('drl.participants')), h('dd', {}, c.participants.map((u) => u.display_name || u.username).join(', ') || '—')),
      table([t('drl.deadline'), t('drl.due_at'), t('drl.met_at'), t('drl.verdict')],
        c.items.map((it) => tr(dlName(it.kind), fmtTime(it.due_at), fmtTime(it.met_at), badge(verdictName(it.verdict), 'verdict-' + it.verdict.replace('/', '')))), { cls: 'scorecard' }),
    ] : h('p', { class: 'note' }, t('drl.no_incident'))));
  }

  async function refresh() {
    d = await get(`/api/v1/drills/${id}`);
    if (!ctx.alive()) return;
    render();
    await Promise.all([actions.load(d), timeline.load(d), links.load(d), loadCard()]);
  }

  render();
  await Promise.all([actions.load(d), timeline.load(d), links.load(d), loadCard()].map((p) => p.catch((e) => card.append(h('p', { class: 'error', role: 'alert' }, bi(e.message))))));
  ctx.every(5000, () => { refresh().catch(() => {}); });
}
