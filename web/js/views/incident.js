// incident.js — one incident: state and levels, the deadline panel (met /
// due in … / missed), escalation history, recipients and acknowledgements,
// reports, the report forms (first / second / progress / final, required
// fields marked), activate / close shown only to the authority the policy
// names (the server refuses others anyway), the review form, the timeline;
// polled every 3 s so escalations appear without a reload.  Also the
// printable report (A4).
import { t, tOr, bi } from '../i18n.js';
import { get, post } from '../api.js';
import {
  h, clear, field, select, table, tr, section, showError, levelBadge, gradeBadge, gradeName, respBadge, stateBadge, badge, levelName,
  respName, sevName, roleName, dlName, reportName, fieldName, fmtTime, countdown, localInputToIso, isoToLocalInput, button,
} from '../dom.js';
import { session, hasRole } from '../main.js';
import { serverNow } from '../api.js';

const OPEN_STATES = ['detected', 'reported', 'confirmed', 'activated'];
const REPORT_FIELDS = {
  first: [['location', 'input'], ['symptoms', 'textarea'], ['impact_scope', 'textarea']],
  second: [['response_level', 'resp'], ['system_impact', 'textarea'], ['estimated_recovery_at', 'datetime']],
  progress: [['text', 'textarea']],
  final: [['cause', 'textarea'], ['process', 'textarea'], ['current_state', 'textarea'], ['business_impact_minutes', 'number'], ['improvements', 'textarea']],
};
const REVIEW_FIELDS = ['cause_analysis', 'lessons', 'improvements', 'measures', 'result'];

function kindsFor(state) {
  return { detected: ['first'], reported: ['second', 'progress'], confirmed: ['progress'], activated: ['progress', 'final'] }[state] || [];
}

export async function incidentView(ctx, [id]) {
  let inc = await get(`/api/v1/incidents/${id}`);
  const head = h('div', { class: 'inc-head' });
  const actions = h('div', { class: 'actions', 'data-testid': 'actions' });
  const actErr = h('p', { class: 'error', role: 'alert', hidden: true });
  const deadlines = h('div', { 'data-testid': 'deadlines' });
  const escalations = h('div', { 'data-testid': 'escalations' });
  const recipients = h('div', { 'data-testid': 'recipients' });
  const reports = h('div', { 'data-testid': 'reports' });
  const forms = h('div', { 'data-testid': 'report-forms' });
  const timeline = h('ol', { class: 'timeline', 'data-testid': 'timeline' });
  let formsState = null;

  ctx.el.append(head, actions, actErr,
    h('div', { class: 'inc-grid' },
      section(t('inc.deadlines'), deadlines),
      section(t('inc.escalations'), escalations),
      section(t('inc.recipients_acks'), recipients),
      section(t('inc.reports'), reports),
      forms,
      section(t('inc.timeline'), timeline)));

  function render() {
    const ci = inc.cis.map((c) => h('a', { href: `#/cmdb/${c.id}` }, c.name, ' ', gradeBadge(c.grade)));
    clear(head,
      h('p', { class: 'crumbs' }, h('a', { href: '#/incidents' }, t('nav.incidents')), ' / ', inc.number),
      h('h1', {}, inc.title, ' ', inc.drill ? badge(t('inc.drill_badge'), 'drill') : null),
      h('div', { class: 'badges' },
        h('span', { 'data-testid': 'inc-state' }, stateBadge(inc.state)),
        h('span', { 'data-testid': 'inc-level' }, levelBadge(inc.level)),
        h('span', { 'data-testid': 'inc-response' }, respBadge(inc.response_level)),
        inc.highest_response_level !== inc.response_level ? h('span', {}, t('inc.highest', { r: respName(inc.highest_response_level) })) : null,
        h('span', {}, sevName(inc.severity) + (inc.severity_provisional ? ' ' + t('inc.provisional') : ''))),
      h('dl', { class: 'facts' },
        h('dt', {}, t('inc.number')), h('dd', {}, inc.number),
        h('dt', {}, t('inc.detected_at')), h('dd', {}, fmtTime(inc.detected_at)),
        h('dt', {}, t('inc.handling_deadline')), h('dd', {}, inc.handling_deadline ? [fmtTime(inc.handling_deadline), ' ', OPEN_STATES.includes(inc.state) ? countdown(inc.handling_deadline) : null] : t('common.none_limit')),
        h('dt', {}, t('inc.cis')), h('dd', {}, ci.length ? ci.flatMap((x, i) => (i ? [t('common.sep'), x] : [x])) : '—'),
        h('dt', {}, t('field.location')), h('dd', {}, inc.location || '—'),
        h('dt', {}, t('field.symptoms')), h('dd', {}, inc.symptoms || '—'),
        h('dt', {}, t('field.impact_scope')), h('dd', {}, inc.impact_scope || '—'),
        h('dt', {}, t('inc.activation_role')), h('dd', {}, roleName(inc.activation_role)),
        h('dt', {}, t('inc.closing_role')), h('dd', {}, roleName(inc.closing_role))));

    // authority buttons: only for the role the policy names for this level (R-ACT-1, R-CLOSE-1)
    const me = session.me;
    const mayActivate = inc.state === 'confirmed' && me.roles.includes(inc.activation_role);
    const mayClose = inc.state === 'resolved' && me.roles.includes(inc.closing_role);
    const mine = inc.recipients.find((r) => r.user_id === me.id);
    clear(actions,
      mayActivate ? button(t('inc.activate'), () => act('activate'), { class: 'primary', 'data-testid': 'btn-activate' }) : null,
      mayClose ? button(t('inc.close'), () => act('close'), { class: 'primary', 'data-testid': 'btn-close' }) : null,
      mine && !mine.acked_at && OPEN_STATES.includes(inc.state) ? button(t('inc.ack_btn'), () => act('ack'), { 'data-testid': 'btn-ack' }) : null,
      h('a', { class: 'button', href: `#/incidents/${inc.id}/report` }, t('inc.print_report')),
      inc.state === 'confirmed' && !mayActivate ? h('span', { class: 'note' }, t('inc.activate_by', { role: roleName(inc.activation_role) })) : null,
      inc.state === 'resolved' && !mayClose ? h('span', { class: 'note', 'data-testid': 'close-by' }, t('inc.close_by', { role: roleName(inc.closing_role) })) : null);

    clear(deadlines, table([t('inc.dl_kind'), t('inc.dl_due'), t('inc.dl_state')],
      inc.deadlines.map((d) => tr(dlName(d.kind) + (d.recipient_id ? ' · ' + recipientName(d.recipient_id) : ''), fmtTime(d.due_at), dlState(d)))));

    clear(escalations, inc.escalations.length
      ? h('ol', { class: 'esc' }, inc.escalations.map((e) => h('li', {}, respBadge(e.from), ' → ', respBadge(e.to), ' ', h('time', {}, fmtTime(e.at)), h('div', { class: 'why' }, bi(e.reason)))))
      : h('p', { class: 'note' }, inc.next_escalation_at && OPEN_STATES.includes(inc.state) ? [t('inc.next_escalation'), ' ', countdown(inc.next_escalation_at)] : t('inc.no_escalation')));

    clear(recipients, table([t('inc.recipient'), t('inc.reason'), t('inc.notified_at'), t('inc.ack_due'), t('inc.acked_at')],
      inc.recipients.map((r) => tr(r.display_name || r.username, tOr('rcpt.' + r.reason, bi(r.reason)), fmtTime(r.notified_at), r.ack_due ? fmtTime(r.ack_due) : '—',
        r.acked_at ? h('span', { class: 'ok' }, fmtTime(r.acked_at)) : r.ack_overdue ? h('span', { class: 'bad' }, t('inc.ack_overdue')) : r.ack_due ? countdown(r.ack_due) : '—'))));

    clear(reports, inc.reports.length ? inc.reports.map(reportBlock) : h('p', { class: 'note' }, t('inc.no_reports')));
    clear(timeline, inc.timeline.map((e) => h('li', {}, h('time', {}, fmtTime(e.at)), ' ', h('strong', {}, e.actor), ' ', bi(e.text))));

    // forms keep what is being typed: rebuilt only when the state or the level changes
    const key = inc.state + '/' + inc.response_level;
    if (formsState !== key) {
      formsState = key;
      renderForms();
    }
  }

  function recipientName(uid) {
    const r = inc.recipients.find((x) => x.user_id === uid);
    return r ? r.display_name || r.username : '#' + uid;
  }

  function dlState(d) {
    if (d.state === 'met') return h('span', { class: 'ok' }, t('dl.met_at', { at: fmtTime(d.met_at) }));
    if (d.state === 'met_late') return h('span', { class: 'bad' }, t('dl.met_late', { at: fmtTime(d.met_at) }));
    if (d.state === 'missed') return countdown(d.due_at);
    return countdown(d.due_at);
  }

  function renderForms() {
    const kinds = hasRole('monitoring_engineer', 'ops_engineer', 'ops_section_head') ? kindsFor(inc.state) : [];
    const review = inc.state === 'closed' && hasRole('ops_engineer', 'ops_section_head', 'ops_department_head', 'ops_leader', 'emergency_leadership');
    clear(forms, kinds.map(reportForm), review ? reviewForm() : null);
  }

  function reportForm(kind) {
    const inputs = {};
    const rows = REPORT_FIELDS[kind].map(([name, type]) => {
      let el;
      if (type === 'textarea') el = h('textarea', { name, rows: 3 });
      else if (type === 'resp') el = select(['R1', 'R2', 'R3', 'NG'].map((r) => [r, respName(r)]), inc.response_level, { name });
      else if (type === 'datetime') el = h('input', { type: 'datetime-local', name, value: isoToLocalInput(serverNow() + 3600e3) });
      else if (type === 'number') el = h('input', { type: 'number', name, min: 0, step: 1 });
      else el = h('input', { name });
      if (kind === 'first' && inc[name]) el.value = inc[name];
      inputs[name] = [el, type];
      return field(fieldName(name), el, { required: true });
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
      try {
        inc = await post(`/api/v1/incidents/${inc.id}/reports`, body);
        showError(err, null);
        formsState = null;
        render();
      } catch (e) { showError(err, e); }
    });
    return section(t('inc.form_title', { kind: reportName(kind) }), h('p', { class: 'note' }, t('inc.required_note')), form);
  }

  function reviewForm() {
    const inputs = Object.fromEntries(REVIEW_FIELDS.map((n) => [n, h('textarea', { name: n, rows: 3 })]));
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form', 'data-testid': 'form-review', novalidate: true },
      REVIEW_FIELDS.map((n) => field(fieldName(n), inputs[n], { required: true })), err,
      h('button', { type: 'submit', class: 'primary' }, t('inc.review_submit')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {};
      for (const n of REVIEW_FIELDS) if (inputs[n].value.trim()) body[n] = inputs[n].value.trim();
      try {
        inc = await post(`/api/v1/incidents/${inc.id}/review`, body);
        showError(err, null);
        formsState = null;
        render();
      } catch (e) { showError(err, e); }
    });
    return section(t('inc.review_title'), h('p', { class: 'note' }, t('inc.required_note')), form);
  }

  async function act(what) {
    try {
      inc = await post(`/api/v1/incidents/${inc.id}/${what}`);
      showError(actErr, null);
      render();
    } catch (e) { showError(actErr, e); }
  }

  render();
  ctx.every(3000, async () => {
    try {
      const fresh = await get(`/api/v1/incidents/${id}`);
      if (!ctx.alive()) return;
      inc = fresh;
      render();
    } catch { /* the next poll tries again */ }
  });
}

function reportBlock(r) {
  return h('article', { class: 'report' },
    h('h3', {}, reportName(r.kind), ' · ', fmtTime(r.at), ' · ', r.author, r.desk_name ? ' · ' + bi(r.desk_name) : ''),
    h('dl', {}, Object.entries(r.fields || {}).map(([k, v]) => [h('dt', {}, fieldName(k)), h('dd', {}, k === 'response_level' ? respName(v) : k.endsWith('_at') ? fmtTime(v) : String(v ?? '—'))])));
}

// The printable report (R-PIR-2, R-PIR-3): A4, Chinese fonts; the browser prints it to PDF.
export async function incidentReportView(ctx, [id]) {
  const inc = await get(`/api/v1/incidents/${id}`);
  const review = inc.reports.find((r) => r.kind === 'review');
  const others = inc.reports.filter((r) => r.kind !== 'review');
  ctx.el.append(h('div', { class: 'no-print actions' },
    h('a', { class: 'button', href: `#/incidents/${inc.id}` }, t('common.back')),
    button(t('common.print'), () => window.print(), { class: 'primary' })),
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
    table([t('inc.dl_kind'), t('inc.dl_due'), t('inc.dl_state')], inc.deadlines.map((d) => tr(dlName(d.kind), fmtTime(d.due_at),
      d.state === 'met' ? t('dl.met_at', { at: fmtTime(d.met_at) }) : d.state === 'met_late' ? t('dl.met_late', { at: fmtTime(d.met_at) }) : d.state === 'missed' ? t('dl.missed') : t('dl.pending')))),
    h('h2', {}, t('inc.escalations')),
    inc.escalations.length ? h('ol', {}, inc.escalations.map((e) => h('li', {}, `${respName(e.from)} → ${respName(e.to)} · ${fmtTime(e.at)} · `, bi(e.reason)))) : h('p', {}, t('inc.no_escalation')),
    h('h2', {}, t('inc.reports')), others.map(reportBlock),
    h('h2', {}, t('inc.review_title')), review ? reportBlock(review) : h('p', {}, t('report.no_review')),
    h('h2', {}, t('inc.timeline')),
    h('ol', { class: 'timeline' }, inc.timeline.map((e) => h('li', {}, fmtTime(e.at), ' ', e.actor, ' ', bi(e.text))))));
}
