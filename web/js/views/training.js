// training.js — the training screens (培训; docs/plans.md "Courses and
// sessions", R-PLAN-3): the training page with the courses (list and the
// form that creates one), the sessions (list and the form that schedules
// one with its attendees), the yearly hours per person against the annual
// target (48 h; the short ones marked) and the key-position roster (the
// qualified people per position, fewer than two flagged); and the session
// page, whose attendee table records attendance and assessment in one step.
// The people to choose from are those of GET /api/v1/training/hours (every
// enabled person the reader may see).
import { t, tOr, currentLang } from '../i18n.js';
import { get, post, qs } from '../api.js';
import {
  h, field, select, table, tr, section, badge, fmtTime, patch, fieldError, showError, announce, localInputToIso,
} from '../dom.js';
import { go, can } from '../main.js';

const ASSESSMENTS = ['pass', 'fail', 'absent'];
const assessName = (k) => tOr('trn.assess_' + k, k);
const hoursText = (n) => t('trn.hours_n', { n: Math.round(n * 100) / 100 });
const posName = (p) => (currentLang() === 'en' ? p.name_en || p.key : p.name_zh || p.key);
const personName = (p) => `${p.display_name} (${p.username})`;

async function people() {
  return get('/api/v1/training/hours' + qs({ limit: 500 })).then((r) => r.items).catch(() => []);
}

export async function trainingView(ctx) {
  const courses = h('div', { 'data-testid': 'trn-courses' });
  const sessions = h('div', { 'data-testid': 'trn-sessions' });
  const hours = h('div', { 'data-testid': 'trn-hours' });
  const roster = h('div', { 'data-testid': 'trn-roster' });
  const courseForm = h('div', { 'data-testid': 'trn-course-new' });
  const sessionForm = h('div', { 'data-testid': 'trn-session-new' });
  const year = h('input', { name: 'year', type: 'number', min: 2000, max: 2999, inputmode: 'numeric', class: 'short' });
  year.addEventListener('change', () => { loadHours().catch(() => {}); });
  ctx.el.append(h('div', { class: 'page-head' }, h('h1', {}, t('trn.title'))),
    section(t('trn.courses'), courses, courseForm),
    section(t('trn.sessions'), sessions, sessionForm),
    section(t('trn.hours_title'), h('form', { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() }, field(t('trn.year'), year)), hours),
    section(t('trn.roster_title'), roster));
  let roster0 = { positions: [] };
  let names = {}; // username -> display name, from the hours list
  let courseList = [];

  async function loadCourses() {
    const r = await get('/api/v1/training/courses' + qs({ limit: 500 }));
    if (!ctx.alive()) return;
    courseList = r.items;
    patch(courses, [r, currentLang()], () => table(
      [t('trn.course_title'), t('trn.hours'), t('trn.positions'), t('trn.validity'), t('trn.active')],
      r.items.map((c) => tr(c.title, hoursText(c.hours),
        c.positions.map((k) => posName(roster0.positions.find((p) => p.key === k) || { key: k })).join(', ') || '—',
        t('trn.months_n', { n: c.validity_months }), c.active ? t('common.yes') : t('common.no'))),
      { cls: 'courses' }));
  }

  async function loadSessions() {
    const r = await get('/api/v1/training/sessions' + qs({ limit: 100 }));
    if (!ctx.alive()) return;
    patch(sessions, [r, currentLang()], () => table(
      [t('trn.course'), t('trn.starts_at'), t('trn.trainer'), t('trn.location'), t('trn.attendees'), t('trn.results')],
      r.items.map((s) => tr(h('a', { href: `#/training/sessions/${s.id}`, 'data-testid': 'trn-session-link' }, s.course_title),
        fmtTime(s.starts_at), s.trainer_display_name, s.location || '—', String(s.attendee_count),
        s.results_at ? badge(t('trn.results_done'), 'ok') : badge(t('trn.results_pending'), 'warn'))),
      { cls: 'sessions' }));
  }

  async function loadHours() {
    const r = await get('/api/v1/training/hours' + qs({ year: year.value || undefined, limit: 500 }));
    if (!ctx.alive()) return;
    if (!year.value) year.value = String(r.year);
    for (const p of r.items) names[p.username] = p.display_name;
    patch(hours, [r, currentLang()], () => [
      h('p', { class: 'note' }, t('trn.hours_note', { year: r.year, n: r.annual_hours })),
      table([t('trn.person'), t('trn.department'), t('trn.hours'), t('trn.short_by'), t('trn.met')],
        r.items.map((p) => {
          const row = tr(personName(p), p.department || '—', hoursText(p.hours), p.met ? '—' : hoursText(p.short_by),
            p.met ? badge(t('trn.met_yes'), 'ok') : badge(t('trn.short'), 'warn'));
          row.dataset.user = p.username;
          if (!p.met) row.classList.add('short');
          return row;
        }), { cls: 'hours' })]);
  }

  async function loadRoster() {
    const r = await get('/api/v1/readiness/roster');
    if (!ctx.alive()) return;
    roster0 = r;
    patch(roster, [r, currentLang()], () => (r.positions.length ? table(
      [t('trn.position'), t('trn.min_qualified'), t('trn.qualified'), t('trn.people'), t('trn.coverage')],
      r.positions.map((p) => {
        const row = tr(posName(p), String(p.min_qualified), String(p.qualified), p.people.map((u) => names[u] || u).join(', ') || '—',
          p.below_two ? badge(t('trn.below_two'), 'bad') : p.gap ? badge(t('trn.gap'), 'warn') : badge(t('trn.covered'), 'ok'));
        row.dataset.position = p.key;
        if (p.below_two) row.classList.add('below-two');
        return row;
      }), { cls: 'roster' }) : h('p', { class: 'note' }, t('trn.no_positions'))));
  }

  function courseFormBuild() {
    const inputs = {
      title: h('input', { name: 'title', maxlength: 200 }),
      hours: h('input', { name: 'hours', type: 'number', min: 0.5, max: 200, step: 0.5, inputmode: 'decimal', class: 'short' }),
      validity_months: h('input', { name: 'validity_months', type: 'number', min: 1, max: 120, value: '12', inputmode: 'numeric', class: 'short' }),
      description: h('textarea', { name: 'description', rows: 2, maxlength: 4000 }),
    };
    const boxes = roster0.positions.map((p) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'positions', value: p.key }), ' ', posName(p)));
    inputs.positions = h('fieldset', { class: 'checks', name: 'positions', 'data-testid': 'trn-positions' }, h('legend', {}, t('trn.positions')),
      boxes.length ? boxes : h('span', { class: 'note' }, t('trn.no_positions')));
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form', 'data-testid': 'trn-course-form', novalidate: true },
      h('h3', {}, t('trn.course_new')),
      field(t('trn.course_title'), inputs.title, { required: true }),
      h('div', { class: 'two' }, field(t('trn.hours'), inputs.hours, { required: true, hint: t('trn.hours_hint') }),
        field(t('trn.validity'), inputs.validity_months, { hint: t('trn.validity_hint') })),
      inputs.positions, field(t('trn.description'), inputs.description),
      err, h('button', { type: 'submit', class: 'primary' }, t('trn.course_create')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const title = inputs.title.value.trim();
      if (!title) return fieldError(inputs.title, err, t('form.required', { field: t('trn.course_title') }));
      if (!inputs.hours.value) return fieldError(inputs.hours, err, t('form.required', { field: t('trn.hours') }));
      const body = {
        title, hours: Number(inputs.hours.value), validity_months: Number(inputs.validity_months.value || 12),
        positions: [...form.querySelectorAll('input[name=positions]:checked')].map((x) => x.value),
      };
      if (inputs.description.value.trim()) body.description = inputs.description.value.trim();
      try {
        const c = await post('/api/v1/training/courses', body);
        announce(t('trn.course_added', { title: c.title }));
        form.reset();
        fieldError(null, err, null);
        await loadCourses();
        sessionForm.replaceChildren(await sessionFormBuild());
      } catch (e) { fieldError(inputs[e.field] || null, err, e); }
    });
    return form;
  }

  async function sessionFormBuild() {
    const ppl = await people();
    const active = courseList.filter((c) => c.active);
    const inputs = {
      course_id: select([['', t('trn.choose')], ...active.map((c) => [String(c.id), `${c.title} · ${hoursText(c.hours)}`])], '', { name: 'course_id' }),
      starts_at: h('input', { name: 'starts_at', type: 'datetime-local' }),
      ends_at: h('input', { name: 'ends_at', type: 'datetime-local' }),
      trainer_id: select([['', t('trn.choose')], ...ppl.map((p) => [String(p.user_id), personName(p)])], '', { name: 'trainer_id' }),
      location: h('input', { name: 'location', maxlength: 200 }),
      materials: h('textarea', { name: 'materials', rows: 2, maxlength: 4000 }),
    };
    inputs.attendees = h('fieldset', { class: 'checks', name: 'attendees' }, h('legend', {}, t('trn.attendees')),
      ppl.map((p) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'attendees', value: String(p.user_id) }), ' ', personName(p))));
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form', 'data-testid': 'trn-session-form', novalidate: true },
      h('h3', {}, t('trn.session_new')),
      field(t('trn.course'), inputs.course_id, { required: true }),
      h('div', { class: 'two' }, field(t('trn.starts_at'), inputs.starts_at, { required: true }), field(t('trn.ends_at'), inputs.ends_at, { required: true })),
      h('div', { class: 'two' }, field(t('trn.trainer'), inputs.trainer_id, { required: true }), field(t('trn.location'), inputs.location)),
      field(t('trn.materials'), inputs.materials, { hint: t('trn.materials_hint') }), inputs.attendees,
      err, h('button', { type: 'submit', class: 'primary' }, t('trn.session_create')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      for (const k of ['course_id', 'starts_at', 'ends_at', 'trainer_id']) {
        if (!inputs[k].value) return fieldError(inputs[k], err, t('form.required', { field: t('trn.' + (k === 'course_id' ? 'course' : k === 'trainer_id' ? 'trainer' : k)) }));
      }
      const body = {
        course_id: Number(inputs.course_id.value), trainer_id: Number(inputs.trainer_id.value),
        starts_at: localInputToIso(inputs.starts_at.value), ends_at: localInputToIso(inputs.ends_at.value),
        attendees: [...form.querySelectorAll('input[name=attendees]:checked')].map((x) => ({ user_id: Number(x.value) })),
      };
      for (const k of ['location', 'materials']) if (inputs[k].value.trim()) body[k] = inputs[k].value.trim();
      try {
        const s = await post('/api/v1/training/sessions', body);
        go(`#/training/sessions/${s.id}`);
      } catch (e) { fieldError(inputs[e.field] || null, err, e); }
    });
    return form;
  }

  await loadHours();
  await loadRoster().catch(() => {});
  await Promise.all([loadCourses(), loadSessions()]);
  if (can('record.write')) {
    courseForm.append(courseFormBuild());
    sessionForm.append(await sessionFormBuild());
  }
  ctx.every(15000, () => { Promise.all([loadSessions(), loadHours().then(loadRoster)]).catch(() => {}); });
}

export async function trainingSessionView(ctx, [id]) {
  const head = h('div', { 'data-testid': 'trn-session-head' });
  const facts = h('div', { 'data-testid': 'trn-session-facts' });
  const att = h('div', { 'data-testid': 'trn-attendees' });
  const note = h('p', { class: 'note', 'data-testid': 'trn-results-note', hidden: true });
  ctx.el.append(head, section(t('trn.session'), facts), section(t('trn.attendees'), att, note));

  async function load() {
    const s = await get(`/api/v1/training/sessions/${id}`);
    if (!ctx.alive()) return;
    patch(head, [s.course_title, currentLang()], () => [
      h('p', { class: 'crumbs' }, h('a', { href: '#/training' }, t('nav.training')), ' / ', s.course_title),
      h('h1', {}, s.course_title)]);
    const rows = [[t('trn.course'), s.course_title], [t('trn.hours'), hoursText(s.hours)],
      [t('trn.starts_at'), fmtTime(s.starts_at)], [t('trn.ends_at'), fmtTime(s.ends_at)],
      [t('trn.trainer'), s.trainer_display_name], [t('trn.location'), s.location || '—'],
      [t('trn.materials'), s.materials || '—'], [t('trn.results_at'), s.results_at ? fmtTime(s.results_at) : t('trn.results_pending')]];
    patch(facts, [rows, currentLang()], () => h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
    patch(att, [s.attendees, s.results_at, currentLang()], () => attendeeForm(s));
  }

  function attendeeForm(s) {
    const write = can('record.write');
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const rows = s.attendees.map((a) => {
      const attended = h('input', { type: 'checkbox', name: `attended-${a.user_id}`, checked: a.attended, disabled: !write, 'aria-label': t('trn.attended') });
      const assess = select(ASSESSMENTS.map((k) => [k, assessName(k)]), a.assessment || (a.attended ? 'pass' : 'absent'),
        { name: `assessment-${a.user_id}`, disabled: !write, 'aria-label': t('trn.assessment') });
      const score = h('input', { type: 'number', min: 0, max: 100, name: `score-${a.user_id}`, value: a.score === null ? '' : String(a.score), disabled: !write, inputmode: 'numeric', class: 'short', 'aria-label': t('trn.score') });
      attended.addEventListener('change', () => { assess.value = attended.checked ? 'pass' : 'absent'; if (!attended.checked) score.value = ''; });
      assess.addEventListener('change', () => { attended.checked = assess.value !== 'absent'; });
      const row = tr(`${a.display_name} (${a.username})`, a.department || '—', attended, assess, score);
      row.dataset.user = a.username;
      return { a, attended, assess, score, row };
    });
    const form = h('form', { class: 'form', 'data-testid': 'trn-results-form', novalidate: true },
      table([t('trn.person'), t('trn.department'), t('trn.attended'), t('trn.assessment'), t('trn.score')], rows.map((x) => x.row), { cls: 'attendees' }),
      err, write && s.attendees.length ? h('button', { type: 'submit', class: 'primary' }, t('trn.results_save')) : null);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {
        attendees: rows.map((x) => {
          const o = { user_id: x.a.user_id, attended: x.attended.checked, assessment: x.attended.checked ? x.assess.value : 'absent' };
          if (x.attended.checked && x.score.value !== '') o.score = Number(x.score.value);
          return o;
        }),
      };
      try {
        const r = await post(`/api/v1/training/sessions/${s.id}/results`, body);
        const msg = t('trn.results_saved', { n: r.trainings, c: r.certificates });
        note.textContent = msg;
        note.hidden = false;
        announce(msg);
        await load();
      } catch (e) { showError(err, e); }
    });
    return form;
  }

  await load();
}
