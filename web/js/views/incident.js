// incident.js — one incident: state and levels, the deadline panel (met /
// due in … / missed), escalation history, recipients and acknowledgements,
// reports, the report forms (first / second / progress / final, required
// fields marked), activate / close shown only to the authority the policy
// names (the server refuses others anyway), the review form, the timeline;
// polled every 3 s so escalations appear without a reload: each part is
// rebuilt only when its own data changed (focus, selection and scroll
// survive), and what changed is announced to a screen reader.  Who was
// told, on which channel, when, and what failed (in red, with the reason)
// comes from the incident's messages.  Also the printable report (A4).
import { t, tOr, bi } from '../i18n.js';
import { get, post, qs, put as apiPut, patch as apiPatch } from '../api.js';
import {
  h, clear, field, select, table, tr, section, showError, levelBadge, gradeBadge, gradeName, respBadge, stateBadge, badge, levelName,
  respName, sevName, roleName, dlName, reportName, fieldName, fmtTime, countdown, localInputToIso, isoToLocalInput, button,
  patch, announce, confirmButton, fieldError,
} from '../dom.js';
import { session, hasRole, can } from '../main.js';
import { serverNow } from '../api.js';
import { problemFromIncident } from './problems.js';
import { incidentPlansPanel } from './incident_plans.js';
import { knownErrorsPanel } from './known_errors_panel.js';

const OPEN_STATES = ['detected', 'reported', 'confirmed', 'activated'];
const REPORT_FIELDS = {
  first: [['location', 'input'], ['symptoms', 'textarea'], ['impact_scope', 'textarea']],
  second: [['response_level', 'resp'], ['system_impact', 'textarea'], ['estimated_recovery_at', 'datetime']],
  progress: [['text', 'textarea']],
  final: [['cause', 'textarea'], ['process', 'textarea'], ['current_state', 'textarea'], ['business_impact_minutes', 'number'], ['improvements', 'textarea']],
};
const REVIEW_FIELDS = ['cause_analysis', 'lessons', 'improvements', 'measures', 'result'];
// the server's limits, in characters (as maxlength counts them)
const MAXLEN = { location: 500, symptoms: 4000, impact_scope: 2000, system_impact: 4000, text: 4000, cause: 4000, process: 8000, current_state: 4000, improvements: 4000 };
const NOTE_MAX = 2000;

// the light path: at a level whose plan need not be activated (the policy's
// duties.activation_required; 非等级 by default) the final report follows the second
function kindsFor(state, activationRequired = true) {
  return { detected: ['first'], reported: ['second', 'progress'], confirmed: activationRequired ? ['progress'] : ['progress', 'final'], activated: ['progress', 'final'] }[state] || [];
}

export async function incidentView(ctx, [id]) {
  let inc = await get(`/api/v1/incidents/${id}`);
  const head = h('div', { class: 'inc-head' });
  const failedAlert = h('div', { 'data-testid': 'failed-alert' });
  const actions = h('div', { class: 'actions', 'data-testid': 'actions' });
  const actErr = h('p', { class: 'error', role: 'alert', hidden: true });
  const deadlines = h('div', { 'data-testid': 'deadlines' });
  const escalations = h('div', { 'data-testid': 'escalations' });
  const recipients = h('div', { 'data-testid': 'recipients' });
  const deliveries = h('div', { 'data-testid': 'deliveries' });
  const reports = h('div', { 'data-testid': 'reports' });
  const forms = h('div', { 'data-testid': 'report-forms' });
  const notes = h('div', { 'data-testid': 'note-form' });
  const timeline = h('ol', { class: 'timeline', 'data-testid': 'timeline' });
  const plans = incidentPlansPanel(id);
  let formsState = null;
  let regradeOpen = false; // the regrade form stays open across rebuilds
  let seen = null; // what was last announced: state, response level, timeline length, failures

  ctx.el.append(head, failedAlert, knownErrorsPanel('incident', id), actions, actErr,
    h('div', { class: 'inc-grid' },
      section(t('inc.deadlines'), deadlines),
      section(t('iplan.title'), plans.el),
      section(t('inc.escalations'), escalations),
      section(t('inc.recipients_acks'), recipients),
      section(t('inc.deliveries'), deliveries),
      section(t('inc.reports'), reports),
      forms,
      notes,
      section(t('inc.timeline'), timeline)));
  if (can('incident.report') || can('incident.lead')) notes.append(noteForm());

  const open = () => OPEN_STATES.includes(inc.state);

  function render() {
    const ci = inc.cis.map((c) => h('a', { href: `#/cmdb/${c.id}` }, c.name, ' ', gradeBadge(c.grade)));
    patch(head, [inc.title, inc.drill, inc.state, inc.level, inc.response_level, inc.highest_response_level, inc.severity, inc.severity_provisional,
      inc.level_provisional, inc.handling_department, inc.handling_deadline, inc.cis, inc.location, inc.symptoms, inc.impact_scope, inc.activation_role, inc.closing_role, inc.detected_at, inc.owner], () => [
      h('p', { class: 'crumbs' }, h('a', { href: '#/incidents' }, t('nav.incidents')), ' / ', inc.number),
      h('h1', {}, inc.title, ' ', inc.drill ? badge(t('inc.drill_badge'), 'drill') : null),
      h('div', { class: 'badges' },
        h('span', { 'data-testid': 'inc-state' }, stateBadge(inc.state)),
        h('span', { 'data-testid': 'inc-level' }, levelBadge(inc.level), inc.level_provisional ? ' ' + t('inc.level_provisional') : ''),
        h('span', { 'data-testid': 'inc-response' }, respBadge(inc.response_level)),
        inc.highest_response_level !== inc.response_level ? h('span', {}, t('inc.highest', { r: respName(inc.highest_response_level) })) : null,
        h('span', {}, sevName(inc.severity) + (inc.severity_provisional ? ' ' + t('inc.provisional') : ''))),
      h('dl', { class: 'facts' },
        h('dt', {}, t('inc.number')), h('dd', {}, inc.number),
        // the owner (负责人): who drives the handling; one click takes it
        h('dt', {}, t('owner.label')), h('dd', { 'data-testid': 'inc-owner' }, inc.owner ? (inc.owner.display_name || inc.owner.username) : t('owner.none'),
          (can('incident.report') || can('incident.lead')) && (!inc.owner || inc.owner.id !== session.me.id)
            ? [' ', button(t('owner.take'), () => takeOwner(), { 'data-testid': 'btn-take-owner' })] : null),
        h('dt', {}, t('inc.detected_at')), h('dd', {}, fmtTime(inc.detected_at)),
        h('dt', {}, t('inc.handling_department')), h('dd', { 'data-testid': 'inc-handling-dept' }, inc.handling_department || '—'),
        h('dt', {}, t('inc.handling_deadline')), h('dd', { 'data-testid': 'handling' }, inc.handling_deadline ? [fmtTime(inc.handling_deadline), ' ', open() ? countdown(inc.handling_deadline) : null] : t('common.none_limit')),
        h('dt', {}, t('inc.cis')), h('dd', {}, ci.length ? ci.flatMap((x, i) => (i ? [t('common.sep'), x] : [x])) : '—'),
        h('dt', {}, t('field.location')), h('dd', {}, inc.location || '—'),
        h('dt', {}, t('field.symptoms')), h('dd', {}, inc.symptoms || '—'),
        h('dt', {}, t('field.impact_scope')), h('dd', {}, inc.impact_scope || '—'),
        h('dt', {}, t('inc.activation_role')), h('dd', {}, roleName(inc.activation_role)),
        h('dt', {}, t('inc.closing_role')), h('dd', {}, roleName(inc.closing_role)))]);

    // failed messages first, in red: the desk must not believe people were told
    const failed = inc.failed_messages || [];
    patch(failedAlert, failed, () => (failed.length ? h('div', { class: 'delivery-alert', role: 'alert' },
      t('inc.failed_alert', { n: failed.length }), ' ',
      [...new Set(failed.map((f) => (f.recipient_id ? recipientName(f.recipient_id) : t('dv.group_bot'))))].join(t('common.sep')), ' ',
      h('a', { href: '#dv-table', onclick: (ev) => { ev.preventDefault(); deliveries.scrollIntoView(); } }, t('inc.failed_see'))) : null));

    // authority buttons: only for the role the policy names for this level (R-ACT-1, R-CLOSE-1);
    // irreversible, so each asks first with a summary
    const me = session.me;
    // after an escalation past the activation, the new level's authority activates again (seed 000 ch. 7 §2.2)
    const mayActivate = (inc.state === 'confirmed' || inc.reactivation_due) && me.roles.includes(inc.activation_role);
    const mayClose = inc.state === 'resolved' && me.roles.includes(inc.closing_role);
    const mine = inc.recipients.find((r) => r.user_id === me.id);
    const mayAck = mine && !mine.acked_at && open();
    patch(actions, [inc.state, mayActivate, mayClose, mayAck, inc.activation_role, inc.closing_role, inc.response_level, inc.reactivation_due, inc.activation_required], () => [
      mayActivate ? confirmButton(t('inc.activate'), t('inc.activate_confirm', { n: inc.number, r: respName(inc.response_level) }), () => act('activate', plans.activation()), { class: 'primary', 'data-testid': 'btn-activate' }) : null,
      mayClose ? confirmButton(t('inc.close'), t('inc.close_confirm', { n: inc.number }), () => act('close'), { class: 'primary', 'data-testid': 'btn-close' }) : null,
      mayAck ? button(t('inc.ack_btn'), () => act('ack'), { 'data-testid': 'btn-ack' }) : null,
      h('a', { class: 'button', href: `#/incidents/${inc.id}/report`, 'data-testid': 'btn-print' }, t('inc.print_report')),
      problemFromIncident(inc),
      (inc.state === 'confirmed' || inc.reactivation_due) && !mayActivate ? h('span', { class: 'note' }, t('inc.activate_by', { role: roleName(inc.activation_role) })) : null,
      inc.state === 'confirmed' && inc.activation_required === false ? h('span', { class: 'note', 'data-testid': 'light-path' }, t('inc.light_path', { r: respName(inc.response_level) })) : null,
      inc.state === 'resolved' && !mayClose ? h('span', { class: 'note', 'data-testid': 'close-by' }, t('inc.close_by', { role: roleName(inc.closing_role) })) : null]);

    patch(deadlines, [inc.deadlines, inc.state], () => table([t('inc.dl_kind'), t('inc.dl_due'), t('inc.dl_state')],
      inc.deadlines.map((d) => tr(dlName(d.kind) + (d.recipient_id ? ' · ' + recipientName(d.recipient_id) : ''), fmtTime(d.due_at), dlState(d)))));

    patch(escalations, [inc.escalations, inc.next_escalation_at, inc.state], () => (inc.escalations.length
      ? h('ol', { class: 'esc' }, inc.escalations.map((e) => h('li', {}, respBadge(e.from), ' → ', respBadge(e.to), ' ', h('time', {}, fmtTime(e.at)), h('div', { class: 'why' }, bi(e.reason)))))
      : h('p', { class: 'note' }, inc.next_escalation_at && open() ? [t('inc.next_escalation'), ' ', countdown(inc.next_escalation_at)] : t('inc.no_escalation'))));

    patch(recipients, [inc.recipients, inc.state], () => table([t('inc.recipient'), t('inc.reason'), t('inc.notified_at'), t('inc.ack_due'), t('inc.acked_at')],
      inc.recipients.map((r) => tr([r.display_name || r.username, r.unreachable_24h ? [' ', badge(t('users.unreachable_24h'), 'bad')] : null], tOr('rcpt.' + r.reason, bi(r.reason)), fmtTime(r.notified_at), r.ack_due ? fmtTime(r.ack_due) : r.ack_required === false ? t('inc.ack_none') : '—',
        r.acked_at ? h('span', { class: 'ok' }, fmtTime(r.acked_at)) : r.ack_overdue ? h('span', { class: 'bad' }, t('inc.ack_overdue'))
          : r.ack_due && open() ? countdown(r.ack_due) : r.ack_due ? t('dl.ended') : '—'))));

    patch(deliveries, [inc.messages, failed], () => deliveryTable());

    patch(reports, inc.reports, () => (inc.reports.length ? inc.reports.map(reportBlock) : h('p', { class: 'note' }, t('inc.no_reports'))));
    // the timeline only grows: new entries are appended, the ones shown (and a selection in them) stay
    // a work note is the person's own words, marked as internal
    const tlItem = (e) => (e.kind === 'note'
      ? h('li', { class: 'tl-note', 'data-testid': 'tl-note' }, h('time', {}, fmtTime(e.at)), ' ', h('strong', {}, actorName(e)), ' ', badge(t('note.badge'), 'note'), ' ', e.text)
      : h('li', {}, h('time', {}, fmtTime(e.at)), ' ', h('strong', {}, actorName(e)), ' ', bi(e.text)));
    const shownTl = timeline.dataset.key ? JSON.parse(timeline.dataset.key) : null;
    if (shownTl && inc.timeline.length > shownTl.length && JSON.stringify(inc.timeline.slice(0, shownTl.length)) === timeline.dataset.key) {
      timeline.append(...inc.timeline.slice(shownTl.length).map(tlItem));
      timeline.dataset.key = JSON.stringify(inc.timeline);
    } else patch(timeline, inc.timeline, () => inc.timeline.map(tlItem));

    // forms keep what is being typed: rebuilt only when the state or the level changes
    const key = inc.state + '/' + inc.response_level;
    if (formsState !== key) {
      formsState = key;
      renderForms();
    }
    // tell a screen reader what changed, not that the page was redrawn
    const now = { state: inc.state, resp: inc.response_level, tl: inc.timeline.length, failed: failed.length };
    if (seen) {
      if (now.state !== seen.state) announce(t('live.state', { n: inc.number, s: t('state.' + inc.state) }));
      else if (now.resp !== seen.resp) announce(t('live.response', { n: inc.number, r: respName(inc.response_level) }));
      else if (now.failed > seen.failed) announce(t('inc.failed_alert', { n: now.failed }));
      else if (now.tl > seen.tl) announce(t('live.timeline', { text: bi(inc.timeline[inc.timeline.length - 1].text) }));
    }
    seen = now;
  }

  async function takeOwner() {
    try {
      inc = await apiPut(`/api/v1/incidents/${inc.id}/owner`, { user_id: session.me.id });
      showError(actErr, null);
      render();
      announce(t('owner.taken', { n: inc.number }));
    } catch (e) { showError(actErr, e); }
  }

  // Every message of the incident: who, which channel, when, its state;
  // a failure in red with the channel's error, and what to do about it.
  function deliveryTable() {
    const failedIds = new Set((inc.failed_messages || []).filter((f) => f.queue !== 'bot').map((f) => f.id));
    const errs = Object.fromEntries((inc.failed_messages || []).map((f) => [f.queue + ':' + f.id, f]));
    const rows = (inc.messages || []).map((m) => {
      const bad = failedIds.has(m.id) || m.status === 'failed';
      const f = errs['outbox:' + m.id];
      const row = tr(recipientName(m.recipient_id), tOr('channel.' + m.channel, m.channel), tOr('msgkind.' + m.kind, m.kind), fmtTime(m.created_at),
        h('span', {}, badge(tOr('dv.' + m.status, m.status), 'dv-' + m.status), m.attempts > 1 ? ' ' + t('dv.attempts', { n: m.attempts }) : ''),
        bad ? h('span', { class: 'failed-msg' }, f ? bi(f.error) : '', ' ', t('dv.call_instead'), ' ',
          can('incident.report') ? button(t('dv.retry'), () => retry(m.id), { 'data-testid': 'retry-' + m.id }) : null) : '');
      if (bad) row.classList.add('failed');
      return row;
    });
    for (const f of (inc.failed_messages || []).filter((x) => x.queue === 'bot')) {
      const row = tr(t('dv.group_bot'), tOr('channel.' + f.channel, f.channel), tOr('msgkind.' + f.kind, f.kind), '—',
        badge(t('dv.failed'), 'dv-failed'), h('span', { class: 'failed-msg' }, bi(f.error)));
      row.classList.add('failed');
      rows.push(row);
    }
    return h('div', { id: 'dv-table' }, table([t('inc.recipient'), t('dv.channel'), t('dv.kind'), t('dv.at'), t('dv.state'), t('dv.error')], rows));
  }

  function recipientName(uid) {
    const r = inc.recipients.find((x) => x.user_id === uid);
    return r ? r.display_name || r.username : '#' + uid;
  }

  function dlState(d) {
    if (d.state === 'met') return h('span', { class: 'ok' }, t('dl.met_at', { at: fmtTime(d.met_at) }));
    if (d.state === 'met_late') return h('span', { class: 'bad' }, t('dl.met_late', { at: fmtTime(d.met_at) }));
    if (d.state === 'ended' || !open()) return d.state === 'missed' ? h('span', { class: 'bad' }, t('dl.missed')) : h('span', { class: 'note' }, t('dl.ended'));
    return countdown(d.due_at);
  }

  function renderForms() {
    const kinds = hasRole('monitoring_engineer', 'ops_engineer', 'ops_section_head') ? kindsFor(inc.state, inc.activation_required !== false) : [];
    const review = inc.state === 'closed' && hasRole('ops_engineer', 'ops_section_head', 'ops_department_head', 'ops_leader', 'emergency_leadership');
    // seed 000 ch. 8 §1: the handling department leads the review; the authority of the highest level changes it
    const handling = inc.state !== 'reviewed' && session.me.roles.includes(inc.closing_role);
    clear(forms, kinds.map(reportForm), review ? reviewForm() : null, can('incident.report') && open() ? regradeForm() : null,
      handling ? handlingForm() : null);
  }

  function handlingForm() {
    const dept = h('input', { name: 'department', maxlength: 127, value: inc.handling_department || '' });
    const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 1000 });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form', 'data-testid': 'form-handling', novalidate: true },
      field(t('handling.department'), dept, { required: true }), field(t('handling.reason'), reason, { required: true }),
      h('p', { class: 'note' }, t('handling.note')), err, h('button', { type: 'submit', class: 'primary' }, t('handling.submit')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      for (const [el, name] of [[dept, 'handling.department'], [reason, 'handling.reason']])
        if (!el.value.trim()) {
          fieldError(el, err, t('form.required', { field: t(name) }));
          return;
        }
      try {
        inc = await apiPut(`/api/v1/incidents/${inc.id}/handling-department`, { department: dept.value.trim(), reason: reason.value.trim() });
        fieldError(null, err, null);
        formsState = null;
        render();
      } catch (e) { fieldError({ department: dept, reason }[e.field] || null, err, e); }
    });
    return h('details', { class: 'panel', 'data-testid': 'handling-change' }, h('summary', {}, h('strong', {}, t('handling.title'))), form);
  }

  function reportForm(kind) {
    const inputs = {};
    const rows = REPORT_FIELDS[kind].map(([name, type]) => {
      let el;
      if (type === 'textarea') el = h('textarea', { name, rows: 3, maxlength: MAXLEN[name] });
      else if (type === 'resp') el = select(['R1', 'R2', 'R3', 'NG'].map((r) => [r, respName(r)]), inc.response_level, { name });
      else if (type === 'datetime') el = h('input', { type: 'datetime-local', name, value: isoToLocalInput(serverNow() + 3600e3) });
      else if (type === 'number') el = h('input', { type: 'number', name, min: 0, step: 1 });
      else el = h('input', { name, maxlength: MAXLEN[name] });
      if (kind === 'first' && inc[name]) el.value = inc[name];
      inputs[name] = [el, type];
      return field(fieldName(name), el, { required: true, hint: type === 'datetime' ? t('time.input_zone') : undefined });
    });
    const desk = select([['', t('inc.desk_default')], ['monitoring', t('desk.monitoring')], ['ops_security', t('desk.ops_security')]], '', { name: 'desk' });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form', 'data-kind': kind, 'data-testid': 'form-' + kind, novalidate: true },
      rows, field(t('inc.desk'), desk), err, h('button', { type: 'submit', class: 'primary' }, t('inc.send_report', { kind: reportName(kind) })));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { kind };
      for (const [name, [el, type]] of Object.entries(inputs)) {
        if (type === 'number') { if (el.value !== '') body[name] = Number(el.value); }
        else if (type === 'datetime') { if (el.value) body[name] = localInputToIso(el.value); }
        else if (el.value.trim()) body[name] = el.value.trim();
      }
      if (desk.value) body.desk = desk.value;
      // a required field left empty is named and marked where it is
      const empty = Object.entries(inputs).find(([name]) => body[name] === undefined);
      if (empty) {
        fieldError(empty[1][0], err, t('form.required', { field: fieldName(empty[0]) }));
        return;
      }
      try {
        inc = await post(`/api/v1/incidents/${inc.id}/reports`, body);
        fieldError(null, err, null);
        formsState = null;
        render();
      } catch (e) { fieldError(e.field && inputs[e.field] ? inputs[e.field][0] : null, err, e); }
    });
    return section(t('inc.form_title', { kind: reportName(kind) }), h('p', { class: 'note' }, t('inc.required_note')), form);
  }

  // An internal work note: for the people handling the incident, written to
  // the timeline only; unlike a progress report it notifies nobody.  Built
  // once, so polling never takes what is being typed.
  function noteForm() {
    const text = h('textarea', { name: 'text', rows: 2, maxlength: NOTE_MAX, 'data-testid': 'note-text' });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form', novalidate: true }, field(t('note.text'), text, { hint: t('note.hint') }), err,
      h('button', { type: 'submit', 'data-testid': 'note-save' }, t('note.save')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!text.value.trim()) { fieldError(text, err, t('form.required', { field: t('note.text') })); return; }
      try {
        inc = await post(`/api/v1/incidents/${inc.id}/notes`, { text: text.value.trim() });
        text.value = '';
        fieldError(null, err, null);
        render();
        announce(t('note.saved'));
      } catch (e) { fieldError(e.field === 'text' ? text : null, err, e); }
    });
    return section(t('note.title'), form);
  }

  // Regrade (R-INC-4): severity, CIs, response level, with the reason; folded
  // away until asked for.  The CIs are loaded when it is opened.
  function regradeForm() {
    const sev = select([['severe', sevName('severe')], ['moderate', sevName('moderate')], ['minor', sevName('minor')]], inc.severity, { name: 'severity' });
    const resp = select(['R1', 'R2', 'R3', 'NG'].map((r) => [r, respName(r)]), inc.response_level, { name: 'response_level' });
    const ciSel = h('select', { name: 'ci_ids', multiple: true, size: 6 });
    const ciQ = h('input', { type: 'search', name: 'ci_q' });
    const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 2000 });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form', 'data-testid': 'form-regrade', novalidate: true },
      field(t('inc.severity'), sev), field(t('inc.response'), resp), field(t('inc.ci_filter'), ciQ), field(t('inc.cis'), ciSel, { hint: t('regrade.ci_hint') }),
      field(t('regrade.reason'), reason, { required: true }), err, h('button', { type: 'submit', class: 'primary' }, t('regrade.submit')));
    const box = h('details', { class: 'panel', 'data-testid': 'regrade', open: regradeOpen }, h('summary', {}, h('strong', {}, t('regrade.title'))), form);
    // the options: the selected CIs (at first the incident's own) first, then
    // the server's answer to the search (GET /api/v1/cis?q=…, debounced), so
    // a CI beyond any first page can be added and none is dropped unseen
    const known = new Map(inc.cis.map((c) => [c.id, c]));
    let searchSeq = 0;
    let timer = null;
    const search = async () => {
      const my = ++searchSeq;
      const r = await get('/api/v1/cis' + qs({ q: ciQ.value.trim(), limit: 50 }));
      if (my !== searchSeq) return;
      const picked = ciSel.options.length ? [...ciSel.selectedOptions].map((o) => Number(o.value)) : inc.cis.map((c) => c.id);
      for (const c of r.items || []) known.set(c.id, c);
      const rest = (r.items || []).filter((c) => !picked.includes(c.id));
      const opt = (c, on) => h('option', { value: String(c.id), selected: on }, `${c.name} (${gradeName(c.grade)})`);
      clear(ciSel, picked.map((id) => known.get(id)).filter(Boolean).map((c) => opt(c, true)), rest.map((c) => opt(c, false)));
    };
    const fill = async () => {
      regradeOpen = box.open;
      if (!box.open || ciSel.options.length) return;
      await search();
    };
    ciQ.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => search().catch((e2) => showError(err, e2)), 250); });
    box.addEventListener('toggle', fill);
    if (regradeOpen) fill();
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!reason.value.trim()) {
        fieldError(reason, err, t('form.required', { field: t('regrade.reason') }));
        return;
      }
      const body = { reason: reason.value.trim() };
      if (sev.value !== inc.severity || inc.severity_provisional) body.severity = sev.value;
      if (resp.value !== inc.response_level) body.response_level = resp.value;
      const ids = [...ciSel.selectedOptions].map((o) => Number(o.value));
      if (ciSel.options.length && ids.length && ids.sort().join() !== inc.cis.map((c) => c.id).sort().join()) body.ci_ids = ids;
      try {
        inc = await apiPatch(`/api/v1/incidents/${inc.id}`, body);
        fieldError(null, err, null);
        formsState = null;
        render();
      } catch (e) {
        fieldError({ severity: sev, response_level: resp, ci_ids: ciSel, reason }[e.field] || null, err, e);
      }
    });
    return box;
  }

  function reviewForm() {
    const inputs = Object.fromEntries(REVIEW_FIELDS.map((n) => [n, h('textarea', { name: n, rows: 3 })]));
    // seed 000 ch. 8 §1: the grading and the handling process summed up (was the level right?)
    const grading = h('textarea', { name: 'grading_review', rows: 3, maxlength: 8000 });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form', 'data-testid': 'form-review', novalidate: true },
      REVIEW_FIELDS.map((n) => field(fieldName(n), inputs[n], { required: true })),
      field(fieldName('grading_review'), grading, { hint: t('inc.grading_review_hint') }), err,
      h('button', { type: 'submit', class: 'primary' }, t('inc.review_submit')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {};
      for (const n of REVIEW_FIELDS) if (inputs[n].value.trim()) body[n] = inputs[n].value.trim();
      if (grading.value.trim()) body.grading_review = grading.value.trim();
      const empty = REVIEW_FIELDS.find((n) => body[n] === undefined);
      if (empty) {
        fieldError(inputs[empty], err, t('form.required', { field: fieldName(empty) }));
        return;
      }
      try {
        inc = await post(`/api/v1/incidents/${inc.id}/review`, body);
        fieldError(null, err, null);
        formsState = null;
        render();
      } catch (e) { fieldError(e.field && inputs[e.field] ? inputs[e.field] : null, err, e); }
    });
    return section(t('inc.review_title'), h('p', { class: 'note' }, t('inc.required_note')), form);
  }

  // a failed message sent again (once the channel is back)
  async function retry(mid) {
    try {
      inc = await post(`/api/v1/messages/${mid}/retry`);
      showError(actErr, null);
      render();
      announce(t('dv.retried'));
    } catch (e) { showError(actErr, e); }
  }

  async function act(what, body) {
    try {
      inc = await post(`/api/v1/incidents/${inc.id}/${what}`, body);
      showError(actErr, null);
      render();
      if (what === 'activate') plans.load().catch(() => {});
    } catch (e) { showError(actErr, e); }
  }

  render();
  plans.load().catch((e) => plans.el.append(h('p', { class: 'error', role: 'alert' }, bi(e.message))));
  ctx.every(3000, async () => {
    try {
      const fresh = await get(`/api/v1/incidents/${id}`);
      if (!ctx.alive() || JSON.stringify(fresh) === JSON.stringify(inc)) return;
      inc = fresh;
      render();
    } catch { /* the next poll tries again */ }
  });
}

// Who wrote a timeline entry: the person's name; the scheduler and the
// other automatic steps ("system") as 系统, not as the machine's word.
const actorName = (e) => (e.actor === 'system' && (!e.actor_name || e.actor_name === 'system') ? t('audit.system') : e.actor_name || e.actor);

// A report's fields in the order of its form (the seed's order), not by key.
function orderedFields(r) {
  const order = (REPORT_FIELDS[r.kind] || REVIEW_FIELDS.map((n) => [n])).map(([n]) => n);
  const rank = (k) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.entries(r.fields || {}).sort(([a], [b]) => rank(a) - rank(b));
}

function reportBlock(r) {
  return h('article', { class: 'report' },
    h('h3', {}, reportName(r.kind), ' · ', fmtTime(r.at), ' · ', r.author_name || r.author, r.desk_name ? ' · ' + bi(r.desk_name) : ''),
    h('dl', {}, orderedFields(r).map(([k, v]) => [h('dt', {}, fieldName(k)), h('dd', {}, k === 'response_level' ? respName(v) : k.endsWith('_at') ? fmtTime(v) : String(v ?? '—'))])));
}

function nameOf(inc, uid) {
  const r = inc.recipients.find((x) => x.user_id === uid);
  return r ? r.display_name || r.username : '#' + uid;
}

// The printable report (R-PIR-2, R-PIR-3): A4, Chinese fonts; the browser prints it to PDF.
export async function incidentReportView(ctx, [id]) {
  const inc = await get(`/api/v1/incidents/${id}`);
  const review = inc.reports.find((r) => r.kind === 'review');
  const others = inc.reports.filter((r) => r.kind !== 'review');
  ctx.el.append(h('div', { class: 'no-print actions' },
    h('a', { class: 'button', href: `#/incidents/${inc.id}` }, t('common.back')),
    button(t('common.print'), () => window.print(), { class: 'primary' }),
    h('a', { class: 'button', href: `/api/v1/incidents/${inc.id}/report.md`, download: `${inc.number}.md` }, t('report.download_md')),
    h('a', { class: 'button', href: `/api/v1/incidents/${inc.id}/report.html`, target: '_blank', rel: 'noopener' }, t('report.open_html'))),
  h('article', { class: 'print-doc', 'data-testid': 'print-doc' },
    h('header', {}, h('p', { class: 'doc-kind' }, t('report.doc_title')), h('h1', {}, inc.title), h('p', {}, inc.number, inc.drill ? ' · ' + t('inc.drill_badge') : '')),
    table([t('report.item'), t('report.value')], [
      tr(t('inc.state'), stateBadge(inc.state)),
      tr(t('inc.level'), levelName(inc.level)),
      tr(t('inc.response'), respName(inc.response_level) + (inc.highest_response_level !== inc.response_level ? ' (' + t('inc.highest', { r: respName(inc.highest_response_level) }) + ')' : '')),
      tr(t('inc.severity'), sevName(inc.severity)),
      tr(t('inc.detected_at'), fmtTime(inc.detected_at)),
      tr(t('inc.activated_at'), fmtTime(inc.activated_at)),
      tr(t('inc.resolved_at'), fmtTime(inc.resolved_at)),
      tr(t('inc.closed_at'), fmtTime(inc.closed_at)),
      tr(t('field.location'), inc.location || '—'),
      tr(t('inc.cis'), inc.cis.map((c) => `${c.name} (${gradeName(c.grade)})`).join(t('common.sep')) || '—'),
      tr(t('field.symptoms'), inc.symptoms || '—'),
      tr(t('field.impact_scope'), inc.impact_scope || '—'),
    ], { cls: 'kv' }),
    h('h2', {}, t('inc.deadlines')),
    table([t('inc.dl_kind'), t('inc.dl_due'), t('inc.dl_state')], inc.deadlines.map((d) => tr(dlName(d.kind) + (d.recipient_id ? ' · ' + nameOf(inc, d.recipient_id) : ''), fmtTime(d.due_at),
      d.state === 'met' ? t('dl.met_at', { at: fmtTime(d.met_at) }) : d.state === 'met_late' ? t('dl.met_late', { at: fmtTime(d.met_at) }) : d.state === 'missed' ? t('dl.missed') : d.state === 'ended' ? t('dl.ended') : t('dl.pending')))),
    h('h2', {}, t('inc.escalations')),
    inc.escalations.length ? h('ol', {}, inc.escalations.map((e) => h('li', {}, `${respName(e.from)} → ${respName(e.to)} · ${fmtTime(e.at)} · `, bi(e.reason)))) : h('p', {}, t('inc.no_escalation')),
    h('h2', {}, t('inc.reports')), others.map(reportBlock),
    h('h2', {}, t('inc.review_title')), review ? reportBlock(review) : h('p', {}, t('report.no_review')),
    h('h2', {}, t('inc.timeline')),
    h('ol', { class: 'timeline' }, inc.timeline.map((e) => h('li', {}, fmtTime(e.at), ' ', actorName(e), ' ', bi(e.text)))),
    h('p', { class: 'note' }, t('report.zone_note')),
    // who filled it in and who checked it, signed on paper
    table([t('report.filled_by'), t('report.checked_by'), t('report.sign_date')], [tr(' ', ' ', ' ')], { cls: 'signatures' })));
}
