// record_parts.js — the workflow kernel's generic UI parts, reused by the
// screens of every module (problems and known errors first, then requests,
// changes, …): the state badge (its category's colour, zh/en name), the
// action bar (each action, and when it is refused WHY — the refusal's
// message, 403 "who may" apart from 409 "what is missing"), clock bars
// (target, elapsed, paused, the 50/75/100 % marks, breached), the approval
// panel (rounds, steps, votes, vote buttons; a comment is required on
// reject and more-info), the checklist panel (items by type, results), the
// timeline with a note form, links (pending ones marked pending) and CIs
// with their roles.  Each part is an object {el, load()} whose load()
// fetches its own list and rebuilds only what changed (dom.js patch), so a
// page polls without losing focus, selection or what is being typed.
// Times are Beijing time (fmtTime); every text comes from the catalogue.
import { t, tOr, bi, currentLang } from '../i18n.js';
import { get, post, put, del, serverNow } from '../api.js';
import {
  h, clear, field, select, table, tr, section, button, badge, fmtTime, fmtDuration, countdown, patch, announce,
  confirmButton, fieldError, showError, gradeBadge,
} from '../dom.js';
import { can, session } from '../main.js';
import { ciPick } from '../ci_pick.js';

// ---- names ----

// Categories and names of the states the UI knows before the server says
// (the server's own state_zh / state_en / state_category win when present).
const STATE_CATEGORY = {
  problem: { new: 'open', accepted: 'open', planned: 'open', assigned: 'open', active: 'open', suspended: 'pending', resolved: 'resolved', closed: 'closed', cancelled: 'closed' },
  known_error: { draft: 'open', published: 'resolved', retired: 'closed' },
  drill: { planned: 'open', prepared: 'open', running: 'open', evaluated: 'resolved', closed: 'closed' },
  plan: { draft: 'open', evaluated: 'open', submitted: 'open', approved: 'open', published: 'resolved' },
};
export const LINK_KINDS = ['caused_by', 'known_error_of', 'fixed_by', 'originated_from', 'duplicate_of', 'parent_of', 'evidence_of', 'mitigates', 'exercises', 'simulates'];
export const CI_ROLES = ['affected', 'implemented_on', 'inspected', 'evidence_source', 'in_scope'];
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'];
export const LEVELS3 = ['high', 'medium', 'low'];

const lang2 = (zh, en, fallback) => (currentLang() === 'en' ? en || zh || fallback : zh || en || fallback);

export const recStateName = (kind, state, rec) => lang2(rec && rec.state_zh, rec && rec.state_en, tOr(`rst.${kind}.${state}`, tOr('rst.any.' + state, state)));
export const recStateCategory = (kind, state, rec) => (rec && rec.state_category) || (STATE_CATEGORY[kind] || {})[state] || 'open';
export const kindName = (k, rec) => lang2(rec && rec.kind_zh, rec && rec.kind_en, tOr('rkind.' + k, k));
export const linkKindName = (k) => tOr('rlink.' + k, k);
export const ciRoleName = (r) => tOr('cirole.' + r, r);
export const clockName = (n) => tOr('clock.' + n, n);
export const levelName3 = (v) => (v ? tOr('lvl3.' + v, v) : '—');
export const decisionName = (d) => tOr('vote.' + d, d);

// The state badge: colour by the state's category (open, pending,
// resolved, closed), text in the reader's language; the category is said
// in words too (title, screen readers), not by colour alone.
export function recStateBadge(rec) {
  const cat = recStateCategory(rec.kind, rec.state, rec);
  return h('span', { class: 'badge rcat-' + cat, 'data-testid': 'rec-state', 'data-category': cat, title: t('rcat.' + cat) },
    recStateName(rec.kind, rec.state, rec), h('span', { class: 'sr-only' }, ' (' + t('rcat.' + cat) + ')'));
}

export const priorityBadge = (p) => (p ? badge(tOr('prio.' + p, p), 'prio-' + p) : h('span', { class: 'note' }, t('prio.unset')));

// Where a record of a kind is shown (null: no page for it yet).
export function recordHref(kind, id, rec) {
  if (kind === 'problem') return `#/problems/${id}`;
  if (kind === 'known_error') return `#/known-errors/${id}`;
  if (kind === 'drill') return `#/drills/${id}`;
  if (kind === 'plan') return `#/plans/${id}`;
  if (kind === 'incident' && rec && rec.incident_id) return `#/incidents/${rec.incident_id}`;
  return id ? `#/records/${id}` : null;
}

// "3 d 04 h", the age of a record (until it closed).
export function age(rec) {
  const from = new Date(rec.created_at).getTime();
  const to = rec.closed_at ? new Date(rec.closed_at).getTime() : serverNow();
  const hours = Math.max(0, Math.floor((to - from) / 3600e3));
  return t('age.dh', { d: Math.floor(hours / 24), h: hours % 24 });
}

// A person by id: me by name, else the name the server gave, else #id.
export function personName(id, name) {
  if (id == null) return '—';
  if (name) return name;
  if (session.me && session.me.id === id) return session.me.display_name || session.me.username;
  return '#' + id;
}

function part(testid, title, ...extra) {
  const body = h('div', { 'data-testid': testid });
  const el = section(title, body, ...extra);
  el.classList.add('rec-part');
  el.dataset.testid = testid + '-part';
  return { el, body };
}

// ---- action bar ----

// GET …/actions → {items:[{key, to, name_zh, name_en, allowed, refusal:{status, message}|null, needs_reason}]};
// an allowed action is a button (one needing a reason opens a short form
// first); a refused one stays visible, marked unavailable, with the
// server's reason under it.  onDone(record) after an action went through.
// choices: {actionKey: {field, options: [[value, label]], label}} — a field
// an action needs beside its reason (a problem's suspend_reason, …), asked
// in the same form and sent as the action's `fields`.
export function actionBar(rec, { onDone, refuseKinds, choices = {} } = {}) {
  const el = h('div', { class: 'rec-actions', 'data-testid': 'action-bar', role: 'group', 'aria-label': t('ract.title') });
  const err = h('p', { class: 'error', role: 'alert', hidden: true, 'data-testid': 'action-error' });
  const wrap = h('div', { class: 'rec-actions-wrap' }, el, err);
  let open = null; // the action whose reason form is open
  let items = [];
  let current = rec;

  async function run(a, reason, errEl, input, fields) {
    const body = { version: current.version };
    if (reason) body.reason = reason;
    if (fields && Object.keys(fields).length) body.fields = fields;
    try {
      const fresh = await post(`/api/v1/records/${current.id}/actions/${encodeURIComponent(a.key)}`, body);
      open = null;
      showError(err, null);
      announce(t('ract.done', { what: actName(a) }));
      if (onDone) await onDone(fresh);
    } catch (e) {
      if (errEl) fieldError(input, errEl, e);
      else showError(err, e);
    }
  }

  const actName = (a) => lang2(a.name_zh, a.name_en, tOr('ract.' + a.key, a.key));
  // the server's reason in the reader's words: the field, role or action it
  // names by key (refusal.what, the action's key) said by its name
  const whyText = (a, why) => {
    let m = bi(why.message || '');
    const swap = (key, name) => { if (key && name && name !== key) m = m.replace(new RegExp(`(^|[^A-Za-z_])${key}(?![A-Za-z_])`, 'g'), `$1${name}`); };
    if (why.what) swap(why.what, tOr('rfield.' + why.what, tOr('role.' + why.what, why.what)));
    swap(a.key, actName(a));
    return m;
  };

  function build() {
    if (!items.length) return h('p', { class: 'note' }, t('ract.none'));
    return h('ul', { class: 'act-list' }, items.map((a) => {
      const id = 'act-' + a.key;
      // refused only for what its own form asks (the reason, a choice): offered, the form asks for it
      const asked = a.refusal && a.refusal.status === 409 && ((a.needs_reason && a.refusal.what === 'reason') || (choices[a.key] && a.refusal.what === choices[a.key].field));
      if (!a.allowed && !asked) {
        const why = a.refusal || {};
        const kindKey = why.status === 403 ? 'ract.refused_who' : why.status === 409 ? 'ract.refused_step' : 'ract.refused';
        return h('li', { class: 'act refused', 'data-testid': 'act-' + a.key, 'data-status': why.status || '' },
          h('button', { type: 'button', 'aria-disabled': 'true', class: 'act-off', 'aria-describedby': id + '-why', onclick: () => announce(whyText(a, why)) }, actName(a)),
          h('small', { class: 'why', id: id + '-why' }, h('strong', {}, t(kindKey)), ' ', whyText(a, why)));
      }
      if (a.needs_reason && open === a.key) {
        const reason = h('textarea', { name: 'reason', rows: 2, maxlength: 2000 });
        const ferr = h('p', { class: 'error', role: 'alert', hidden: true });
        const ch = choices[a.key];
        const pick = ch ? select(ch.options, ch.options[0][0], { name: ch.field }) : null;
        const form = h('form', { class: 'form act-form', 'data-testid': 'act-form-' + a.key, novalidate: true },
          pick ? field(ch.label, pick, { required: true }) : null,
          field(t('ract.reason'), reason, { required: true }), ferr,
          h('div', { class: 'row-actions' }, h('button', { type: 'submit', class: 'primary' }, t('common.confirm_do', { what: actName(a) })),
            button(t('common.cancel'), () => { open = null; rebuild(true); }, { 'data-testid': 'act-cancel' })));
        form.addEventListener('submit', (ev) => {
          ev.preventDefault();
          if (!reason.value.trim()) {
            fieldError(reason, ferr, t('form.required', { field: t('ract.reason') }));
            return;
          }
          run(a, reason.value.trim(), ferr, reason, pick ? { [ch.field]: pick.value } : null);
        });
        setTimeout(() => reason.focus(), 0);
        return h('li', { class: 'act', 'data-testid': 'act-' + a.key }, form);
      }
      const target = a.to ? h('small', { class: 'note' }, ' → ', recStateName(current.kind, a.to)) : null;
      return h('li', { class: 'act', 'data-testid': 'act-' + a.key },
        button(actName(a), () => { if (a.needs_reason) { open = a.key; rebuild(true); } else run(a); }, { class: 'primary', id }), target);
    }));
  }

  function rebuild(force) {
    if (force) delete el.dataset.key;
    patch(el, [items, open, current.version, currentLang()], build);
  }

  async function load(r) {
    if (r) current = r;
    try {
      const ans = await get(`/api/v1/records/${current.id}/actions`);
      items = (ans.items || []).filter((a) => !refuseKinds || refuseKinds(a));
    } catch (e) {
      items = [];
      showError(err, e);
    }
    rebuild();
  }
  return { el: wrap, load };
}

// ---- clocks ----

// Elapsed working time of a clock: from its start to now (or to when it
// paused / stopped), less the time it spent paused.
export function clockElapsed(c, now) {
  if (!c.started_at) return 0;
  const start = new Date(c.started_at).getTime();
  const end = c.stopped_at ? new Date(c.stopped_at).getTime() : c.state === 'paused' && c.paused_at ? new Date(c.paused_at).getTime() : now;
  return Math.max(0, end - start - (c.paused_total_ms || 0));
}

function clockBar(c, now) {
  const target = c.target_ms;
  const elapsed = clockElapsed(c, now);
  const pct = target ? Math.floor((elapsed * 100) / target) : null;
  const breached = !!c.breached_at || c.breached;
  const tone = breached || (pct != null && pct >= 100) ? 'over' : pct >= 75 ? 'p75' : pct >= 50 ? 'p50' : 'ok';
  const stateText = t('clockst.' + c.state);
  const bar = target
    ? h('div', {
      class: 'clock-bar tone-' + tone + (c.state === 'paused' ? ' paused' : ''), role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100,
      'aria-valuenow': Math.min(pct, 100), 'aria-valuetext': t('clock.pct', { n: pct }), 'aria-label': clockName(c.name),
    },
    h('span', { class: 'fill', style: `width:${Math.min(pct, 100)}%` }),
    [50, 75, 100].map((m) => h('span', { class: 'mark m' + m + (pct >= m ? ' passed' : ''), style: `left:${m}%`, title: m + '%' })))
    : null;
  return h('li', { class: 'clock', 'data-testid': 'clock-' + c.name, 'data-state': c.state, 'data-breached': String(breached) },
    h('div', { class: 'clock-head' },
      h('strong', {}, clockName(c.name)), ' ',
      badge(stateText, 'clk-' + c.state),
      breached ? badge(t('clock.breached'), 'bad') : null,
      target ? h('span', { class: 'pct', 'data-testid': 'clock-pct' }, t('clock.pct', { n: pct })) : null),
    bar,
    h('dl', { class: 'clock-facts' },
      h('dt', {}, t('clock.target')), h('dd', {}, target ? fmtDuration(target) : t('clock.no_target')),
      h('dt', {}, t('clock.elapsed')), h('dd', { 'data-testid': 'clock-elapsed' }, fmtDuration(elapsed)),
      c.paused_total_ms ? [h('dt', {}, t('clock.paused_total')), h('dd', {}, fmtDuration(c.paused_total_ms))] : null,
      c.state === 'paused' && c.paused_at ? [h('dt', {}, t('clock.paused_at')), h('dd', {}, fmtTime(c.paused_at))] : null,
      c.due_at ? [h('dt', {}, t('clock.due')), h('dd', {}, fmtTime(c.due_at), ' ', c.state === 'running' && !breached ? countdown(c.due_at) : null)] : null,
      breached && c.breached_at ? [h('dt', {}, t('clock.breached_at')), h('dd', { class: 'bad' }, fmtTime(c.breached_at))] : null,
      c.stopped_at ? [h('dt', {}, t('clock.stopped_at')), h('dd', {}, fmtTime(c.stopped_at))] : null,
      c.calendar ? [h('dt', {}, t('clock.calendar')), h('dd', {}, tOr('cal.' + c.calendar, c.calendar))] : null));
}

export function clocksPart(rec) {
  const p = part('clocks', t('rec.clocks'));
  let items = [];
  // a running clock's elapsed time moves: rebuilt once a minute at most, not on every poll
  const minute = () => Math.floor(serverNow() / 60000);
  async function load(r) {
    if (r) rec = r;
    items = (await get(`/api/v1/records/${rec.id}/clocks`)).items || [];
    patch(p.body, [items, minute(), currentLang()], () => (items.length
      ? h('ul', { class: 'clocks' }, items.map((c) => clockBar(c, serverNow())))
      : h('p', { class: 'note' }, t('rec.no_clocks'))));
  }
  return { el: p.el, load };
}

// ---- approvals ----

const DECISIONS = ['approve', 'reject', 'more_info', 'abstain'];
const COMMENT_REQUIRED = ['reject', 'more_info'];

function modeText(s) {
  if (s.mode === 'quorum') return s.quorum_percent != null ? t('appr.quorum_pct', { n: s.quorum_percent }) : t('appr.quorum_n', { n: s.quorum_count });
  return tOr('appr.mode_' + s.mode, s.mode);
}

function approverText(a) {
  if (typeof a === 'string') return tOr('role.' + a, a);
  if (!a) return '';
  if (a.name_zh || a.name_en) return lang2(a.name_zh, a.name_en, a.key);
  if (a.role) return tOr('role.' + a.role, a.role);
  if (a.committee) return a.committee;
  if (a.field) return tOr('appr.field_' + a.field, a.field);
  return a.display_name || a.username || a.key || '';
}

export function approvalsPart(rec, { onChange } = {}) {
  const p = part('approvals', t('rec.approvals'));
  let items = [];
  const drafts = {}; // comments being typed survive a rebuild

  function voteForm(round, s) {
    const k = round.id + '/' + s.key;
    const comment = h('textarea', { name: 'comment', rows: 2, maxlength: 2000, value: drafts[k] || '' });
    comment.addEventListener('input', () => { drafts[k] = comment.value; });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const allowed = s.decisions_allowed || DECISIONS;
    const needs = s.comment_required_on || COMMENT_REQUIRED;
    const form = h('form', { class: 'vote-form', 'data-testid': `vote-${round.id}-${s.key}`, novalidate: true },
      field(t('appr.comment'), comment, { hint: t('appr.comment_hint', { what: needs.map(decisionName).join(t('common.sep')) }) }),
      err,
      h('div', { class: 'vote-buttons' }, allowed.map((d) => button(decisionName(d), () => vote(d), { class: d === 'approve' ? 'primary' : d === 'reject' ? 'danger primary' : '', 'data-testid': 'vote-' + d }))));
    form.addEventListener('submit', (ev) => ev.preventDefault());
    async function vote(decision) {
      const text = comment.value.trim();
      if (needs.includes(decision) && !text) {
        fieldError(comment, err, t('appr.comment_required', { what: decisionName(decision) }));
        return;
      }
      const body = { step: s.key, decision };
      if (text) body.comment = text;
      try {
        await post(`/api/v1/records/${rec.id}/approvals/${round.id}/votes`, body);
        delete drafts[k];
        announce(t('appr.voted', { what: decisionName(decision) }));
        delete p.body.dataset.key;
        await load();
        if (onChange) onChange();
      } catch (e) { fieldError(e.field === 'comment' ? comment : null, err, e); }
    }
    return form;
  }

  function stepBlock(round, s, openRound) {
    const votes = s.votes || [];
    const canVote = openRound && ['waiting', 'pending', 'open'].includes(s.state) && s.can_vote !== false && can('record.write');
    return h('div', { class: 'appr-step', 'data-testid': `step-${round.id}-${s.key}`, 'data-state': s.state },
      h('h4', {}, lang2(s.name_zh, s.name_en, tOr('apstep.' + s.key, s.key)), ' ', badge(tOr('apst.' + s.state, s.state), 'ap-' + s.state)),
      h('p', { class: 'note' }, t('appr.mode'), t('inc.role_colon'), modeText(s), ' · ', t('appr.approvers'), t('inc.role_colon'),
        (s.approvers || []).map(approverText).join(t('common.sep')) || '—',
        s.due_at ? [' · ', t('appr.due'), t('inc.role_colon'), fmtTime(s.due_at)] : null,
        s.decided_at ? [' · ', t('appr.decided_at'), t('inc.role_colon'), fmtTime(s.decided_at)] : null),
      votes.length ? table([t('appr.voter'), t('appr.decision'), t('appr.comment'), t('appr.channel'), t('appr.at')],
        votes.map((v) => tr(
          h('span', {}, personName(v.user_id, v.display_name || v.username), v.on_behalf_of ? h('small', { class: 'note' }, ' ', t('appr.on_behalf', { who: personName(v.on_behalf_of, v.on_behalf_of_name) })) : null),
          badge(decisionName(v.decision), 'vote-' + v.decision), v.comment || '—', tOr('channel.' + v.channel, v.channel || '—'), fmtTime(v.at)))) : h('p', { class: 'note' }, t('appr.no_votes')),
      canVote ? voteForm(round, s) : null);
  }

  function build() {
    if (!items.length) return h('p', { class: 'note' }, t('rec.no_approvals'));
    // newest round first and open; older rounds kept, folded
    const rounds = [...items].sort((a, b) => b.round - a.round);
    return rounds.map((r, i) => {
      const openRound = ['open', 'waiting', 'pending'].includes(r.state);
      const inner = [h('p', { class: 'note' }, t('appr.opened', { at: fmtTime(r.opened_at) }), r.closed_at ? ' · ' + t('appr.closed', { at: fmtTime(r.closed_at) }) : ''),
        (r.steps || []).slice().sort((a, b) => a.order - b.order).map((s) => stepBlock(r, s, openRound))];
      const head = [t('appr.round', { n: r.round }), ' ', badge(tOr('apst.' + r.state, r.state), 'ap-' + r.state)];
      return i === 0
        ? h('div', { class: 'appr-round', 'data-testid': 'round-' + r.round }, h('h3', {}, head), inner)
        : h('details', { class: 'appr-round old', 'data-testid': 'round-' + r.round }, h('summary', {}, head), inner);
    });
  }

  async function load(r) {
    if (r) rec = r;
    items = (await get(`/api/v1/records/${rec.id}/approvals`)).items || [];
    patch(p.body, [items, currentLang()], build);
  }
  return { el: p.el, load };
}

// ---- checklists ----

function itemText(it) { return lang2(it.text_zh, it.text_en, it.key); }

// A result's value as the server keeps it (JSON text: true / false for a
// check, a number, a quoted string); a check's is said by its badge alone.
function resultValue(v) {
  if (typeof v !== 'string') return v;
  try { return JSON.parse(v); } catch (e) { return v; }
}
function shownValue(v) {
  const x = resultValue(v);
  if (x === true || x === false || x == null || ['pass', 'fail'].includes(x)) return '';
  return String(x);
}

export function checklistsPart(rec, { onChange } = {}) {
  const p = part('checklists', t('rec.checklists'));
  let items = [];

  function resultCell(res) {
    if (!res) return h('span', { class: 'note' }, t('chk.no_result'));
    return h('span', {},
      res.passed === true ? badge(t('chk.passed'), 'chk-pass') : res.passed === false ? badge(t('chk.failed'), 'bad') : null, ' ',
      shownValue(res.value), res.evidence ? [' · ', t('chk.evidence'), t('inc.role_colon'), res.evidence] : null,
      h('small', { class: 'note' }, ' ', personName(res.by, res.by_name), ' ', fmtTime(res.at)),
      res.finding_record_id ? [' ', h('a', { href: recordHref(res.finding_kind || 'problem', res.finding_record_id) || '#' }, t('chk.finding'))] : null);
  }

  function inputFor(it, res) {
    const x = res ? resultValue(res.value) : '';
    const v = x === true ? 'pass' : x === false ? 'fail' : x == null ? '' : String(x);
    switch (it.type) {
      case 'check': return select([['', '—'], ['pass', t('chk.pass')], ['fail', t('chk.fail')]], v, { name: 'value' });
      case 'number': return h('input', { type: 'number', name: 'value', value: v, min: it.min, max: it.max, step: 'any' });
      case 'choice': return select([['', '—'], ...(it.options || []).map((o) => (typeof o === 'string' ? [o, o] : [o.key, lang2(o.zh, o.en, o.key)]))], v, { name: 'value' });
      case 'evidence': return h('input', { name: 'value', value: v, maxlength: 2000 });
      default: return h('textarea', { name: 'value', rows: 2, value: v, maxlength: 4000 });
    }
  }

  function itemRow(inst, it, res, writable) {
    const typeText = tOr('chktype.' + it.type, it.type) + (it.type === 'number' && it.unit ? ` (${it.unit})` : '');
    const cells = [
      h('span', {}, itemText(it), it.required ? h('span', { class: 'req', title: t('chk.required') }, ' *') : null),
      typeText, resultCell(res)];
    if (writable) {
      const input = inputFor(it, res);
      const note = h('input', { name: 'note', maxlength: 2000 });
      const err = h('p', { class: 'error', role: 'alert', hidden: true });
      const form = h('form', { class: 'chk-form', 'data-testid': `chk-${inst.id}-${it.key}`, novalidate: true },
        field(t('chk.value'), input), field(t('chk.note'), note), err, h('button', { type: 'submit' }, t('common.save')));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        if (input.value === '') {
          fieldError(input, err, t('form.required', { field: t('chk.value') }));
          return;
        }
        // typed as the item is: a check is a boolean, a number a number
        const body = { value: it.type === 'check' ? input.value === 'pass' : it.type === 'number' ? Number(input.value) : input.value };
        if (note.value.trim()) body.note = note.value.trim();
        try {
          await put(`/api/v1/records/${rec.id}/checklists/${inst.id}/items/${encodeURIComponent(it.key)}`, body);
          announce(t('chk.saved', { item: itemText(it) }));
          await load(null, true);
          if (onChange) onChange();
        } catch (e) { fieldError(e.field === 'note' ? note : input, err, e); }
      });
      cells.push(form);
    }
    return tr(...cells);
  }

  function build() {
    if (!items.length) return h('p', { class: 'note' }, t('rec.no_checklists'));
    return items.map((inst) => {
      const results = Object.fromEntries((inst.results || []).map((x) => [x.item, x]));
      const writable = !['complete', 'completed', 'closed'].includes(inst.state) && can('record.write');
      // the template's items when the server gives them; else the results alone
      const defs = inst.items && inst.items.length ? inst.items : (inst.results || []).map((x) => ({ key: x.item, type: x.type || 'text' }));
      const heads = [t('chk.item'), t('chk.type'), t('chk.result')];
      if (writable && inst.items) heads.push(t('chk.record'));
      const done = defs.filter((d) => results[d.key]).length;
      return h('div', { class: 'chk-inst', 'data-testid': 'checklist-' + inst.phase },
        h('h3', {}, tOr('phase.' + inst.phase, inst.phase), ' ', badge(tOr('chkst.' + inst.state, inst.state), 'chkst-' + inst.state),
          h('small', { class: 'note' }, ' ', t('chk.progress', { done, n: defs.length }), ' · ', lang2(inst.template_zh, inst.template_en, tOr('chktpl.' + inst.template, inst.template)), ' v', inst.template_version)),
        table(heads, defs.map((d) => itemRow(inst, d, results[d.key], writable && !!inst.items)), { cls: 'chk-table' }));
    });
  }

  async function load(r, force) {
    if (r) rec = r;
    items = (await get(`/api/v1/records/${rec.id}/checklists`)).items || [];
    // a poll does not rebuild a form being filled under the person's hands
    if (!force && p.body.contains(document.activeElement) && document.activeElement.form) return;
    patch(p.body, [items, currentLang()], build);
  }
  return { el: p.el, load };
}

// ---- timeline ----

// An entry in the reader's language, from its data where the kernel keeps
// it (links, CIs, field edits, state changes), not from the keys in its text.
export function timelineText(e, rec, ciName) {
  const d = e.data || {};
  switch (e.kind) {
    case 'note': return e.text;
    case 'link':
    case 'unlink':
      if (!d.kind) break;
      return t(e.kind === 'link' ? 'tl.link' : 'tl.unlink', { kind: linkKindName(d.kind), ref: d.to_ref || '#' + (d.to_id || '') }) + (d.state === 'pending' ? ' ' + t('tl.pending') : '');
    case 'ci':
    case 'ci_removed':
      if (!d.ci_id) break;
      return t(e.kind === 'ci' ? 'tl.ci' : 'tl.ci_removed', { ci: (ciName && ciName(d.ci_id)) || '#' + d.ci_id, role: ciRoleName(d.role) });
    case 'updated':
      if (!Object.keys(d).length) break;
      return t('tl.updated', { fields: Object.keys(d).map((k) => tOr('rfield.' + k, k)).join(t('common.sep')) });
    case 'update': // the workflow's field edit: {fields: {…}}
      if (!d.fields || !Object.keys(d.fields).length) break;
      return t('tl.updated', { fields: Object.keys(d.fields).map((k) => tOr('rfield.' + k, k)).join(t('common.sep')) });
    case 'state':
      if (!d.to) break;
      return t('tl.state', { from: recStateName(rec.kind, d.from), to: recStateName(rec.kind, d.to) }) + (d.reason ? t('inc.role_colon') + d.reason : '');
    default: break;
  }
  return bi(e.text);
}

// #/records/ID: any record's own page, whatever its kind (a link's far side
// names the record, not the page of its kind).
export async function recordRedirectView(ctx, [id]) {
  const rec = await get(`/api/v1/records/${id}`);
  const href = recordHref(rec.kind, rec.id, rec);
  if (href && !href.startsWith('#/records/')) {
    location.replace(href);
    return;
  }
  // a kind without its own screen (an emergency plan, …): its workflow's
  // actions and its timeline, so its steps (a plan's review after a drill)
  // are taken here
  let cur = rec;
  const head = h('div', { 'data-testid': 'rec-state' }, recStateBadge(rec));
  const timeline = timelinePart(rec, {});
  const actions = actionBar(rec, { onDone: async () => {
    cur = await get(`/api/v1/records/${id}`);
    if (!ctx.alive()) return;
    head.replaceChildren(recStateBadge(cur));
    await Promise.all([actions.load(cur), timeline.load(cur)]);
  } });
  ctx.el.append(h('p', { class: 'crumbs' }, kindName(rec.kind, rec)), h('h1', {}, rec.number, ' ', rec.title), head,
    actions.el, timeline.el);
  await Promise.all([actions.load(cur), timeline.load(cur)]);
}

export function timelinePart(rec, { ciName } = {}) {
  const list = h('ol', { class: 'timeline', 'data-testid': 'rec-timeline' });
  const text = h('textarea', { name: 'note', rows: 2, maxlength: 8000 });
  const err = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'note-form', 'data-testid': 'note-form', novalidate: true }, field(t('rec.note'), text), err,
    h('button', { type: 'submit' }, t('rec.add_note')));
  const p = part('timeline-part', t('inc.timeline'), can('record.write') ? form : null);
  p.body.append(list);
  const item = (e) => h('li', { 'data-kind': e.kind }, h('time', {}, fmtTime(e.at)), ' ', h('strong', {}, e.actor_name || e.actor), ' ',
    timelineText(e, rec, ciName), e.source === 'incident' ? h('small', { class: 'note' }, ' · ', t('rec.from_incident')) : null);
  let shown = [];
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!text.value.trim()) {
      fieldError(text, err, t('form.required', { field: t('rec.note') }));
      return;
    }
    try {
      await post(`/api/v1/records/${rec.id}/timeline`, { text: text.value.trim() });
      text.value = '';
      fieldError(null, err, null);
      await load();
    } catch (e) { fieldError(text, err, e); }
  });
  async function load(r) {
    if (r) rec = r;
    const all = [];
    for (let off = 0; off < 2000; off += 200) { // the whole timeline, oldest first
      const pg = await get(`/api/v1/records/${rec.id}/timeline?limit=200&offset=${off}`);
      all.push(...(pg.items || []));
      if (!pg.items || !pg.items.length || all.length >= pg.total) break;
    }
    // the timeline only grows: new entries are appended and announced
    const same = shown.length && all.length > shown.length && JSON.stringify(all.slice(0, shown.length)) === JSON.stringify(shown);
    if (same) {
      list.append(...all.slice(shown.length).map(item));
      announce(t('live.timeline', { text: bi(all[all.length - 1].text) }));
    } else if (JSON.stringify(all) !== JSON.stringify(shown)) clear(list, all.length ? all.map(item) : h('li', { class: 'note' }, t('common.none')));
    shown = all;
  }
  return { el: p.el, load };
}

// ---- links ----

export function linksPart(rec, { kinds = LINK_KINDS } = {}) {
  const p = part('links', t('rec.links'));
  const kind = select(kinds.map((k) => [k, linkKindName(k)]), kinds[0], { name: 'link_kind' });
  const ref = h('input', { name: 'to_ref', maxlength: 31, placeholder: 'PRB-2026-000001' });
  const err = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'link-form inline-form', 'data-testid': 'link-form', novalidate: true },
    field(t('link.kind'), kind), field(t('link.to_ref'), ref, { hint: t('link.to_ref_hint') }), err, h('button', { type: 'submit' }, t('link.add')));
  if (can('record.write')) p.el.append(h('details', { class: 'add-box' }, h('summary', {}, t('link.add')), form));
  let items = [];
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = ref.value.trim();
    if (!v) {
      fieldError(ref, err, t('form.required', { field: t('link.to_ref') }));
      return;
    }
    const body = { kind: kind.value };
    if (/^\d+$/.test(v)) body.to_id = Number(v); else body.to_ref = v;
    try {
      await post(`/api/v1/records/${rec.id}/links`, body);
      ref.value = '';
      fieldError(null, err, null);
      announce(t('link.added'));
      await load();
    } catch (e) { fieldError({ to_ref: ref, to_id: ref, kind, to_kind: ref }[e.field] || null, err, e); }
  });
  const far = (l) => l.to || l.from || {};
  function build() {
    if (!items.length) return h('p', { class: 'note' }, t('rec.no_links'));
    return table([t('link.kind'), t('link.record'), t('link.state'), t('link.created_at'), ''], items.map((l) => {
      const o = far(l);
      const href = o.visible !== false && o.id ? recordHref(o.kind, o.id, o) : null;
      const num = o.number || o.ref || l.to_ref || '—';
      const row = tr(
        h('span', {}, linkKindName(l.kind), h('small', { class: 'note' }, ' ', t(l.direction === 'in' ? 'link.in' : 'link.out'))),
        h('span', {}, href ? h('a', { href }, num) : num, ' ', o.visible === false ? h('small', { class: 'note' }, t('link.hidden')) : o.title ? o.title : '',
          ' ', h('small', { class: 'note' }, kindName(o.kind || l.to_kind)), o.state && o.kind ? [' ', recStateBadge({ kind: o.kind, state: o.state })] : null),
        l.state === 'pending' ? h('span', { 'data-testid': 'link-pending' }, badge(t('link.pending'), 'pending'), ' ', h('small', { class: 'note' }, t('link.pending_hint'))) : badge(t('link.active'), 'rcat-resolved'),
        fmtTime(l.created_at),
        l.direction !== 'in' && can('record.write') ? confirmButton(t('common.delete'), t('link.delete_confirm', { n: num }), () => unlink(l.id), { 'data-testid': 'unlink-' + l.id }) : '');
      row.dataset.testid = 'link-' + l.id;
      if (l.state === 'pending') row.classList.add('pending');
      return row;
    }), { cls: 'links' });
  }
  async function unlink(lid) {
    try {
      await del(`/api/v1/records/${rec.id}/links/${lid}`);
      showError(err, null);
      await load();
    } catch (e) { showError(err, e); }
  }
  async function load(r) {
    if (r) rec = r;
    items = (await get(`/api/v1/records/${rec.id}/links?limit=200`)).items || [];
    patch(p.body, [items, currentLang()], build);
  }
  return { el: p.el, load };
}

// ---- CIs with roles ----

export function cisPart(rec) {
  const p = part('rec-cis', t('rec.cis'));
  let items = [];
  // the CI is searched on the server (ci_pick.js), once the box is opened
  let pick = null;
  const ciSlot = h('div', { class: 'ci-slot' });
  const ci = { get value() { return pick ? pick.select.value : ''; } };
  const role = select(CI_ROLES.map((r) => [r, ciRoleName(r)]), 'affected', { name: 'role' });
  const err = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'inline-form', 'data-testid': 'ci-form', novalidate: true }, ciSlot, field(t('rec.ci_role'), role), err,
    h('button', { type: 'submit' }, t('rec.ci_add')));
  if (can('record.write') && can('ci.read')) {
    const box = h('details', { class: 'add-box' }, h('summary', {}, t('rec.ci_add')), form);
    box.addEventListener('toggle', async () => {
      if (!box.open || pick) return;
      pick = ciPick({ name: 'ci_id', onError: (e) => fieldError(null, err, e) });
      clear(ciSlot, field(t('inc.ci_filter'), pick.search), field(t('rec.ci'), pick.select), pick.note);
      await pick.ready;
    });
    p.el.append(box);
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await post(`/api/v1/records/${rec.id}/cis`, { ci_id: Number(ci.value), role: role.value });
      fieldError(null, err, null);
      await load();
    } catch (e) { fieldError({ ci_id: pick && pick.select, role }[e.field] || null, err, e); }
  });
  async function load(r) {
    if (r) rec = r;
    items = (await get(`/api/v1/records/${rec.id}/cis?limit=200`)).items || [];
    patch(p.body, [items, currentLang()], () => (items.length
      ? table([t('cmdb.name'), t('rec.ci_role'), t('cmdb.grade'), t('cmdb.department')], items.map((c) => tr(
        can('ci.read') ? h('a', { href: `#/cmdb/${c.id}` }, c.name) : c.name,
        h('span', {}, badge(ciRoleName(c.role), 'cirole'), c.source === 'incident' ? h('small', { class: 'note' }, ' · ', t('rec.from_incident')) : null),
        c.grade ? gradeBadge(c.grade) : '—', c.department || '—')))
      : h('p', { class: 'note' }, t('rec.no_cis'))));
  }
  // a CI's name by id (the timeline names CIs with it)
  const name = (cid) => (items.find((c) => c.id === cid) || {}).name;
  return { el: p.el, load, name };
}
