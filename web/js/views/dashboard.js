// dashboard.js — 态势总览, the wall screen (1920×1080): open incidents by
// incident level × response level, deadlines missed and coming up with live
// countdowns (R-NOT-6), incidents per day by level (30 days), events per
// hour by class (GET /api/v1/events/stats, with the ingestion queue's
// pending / capacity; an empty chart with a note when that API is absent),
// drills apart; O&M reports overdue (a tile linking to #/reports).  Polls
// every 5 s; no reload needed.
import { t, tOr, bi } from '../i18n.js';
import { get, ApiError } from '../api.js';
import { h, clear, patch, section, table, tr, countdown, levelBadge, respBadge, levelName, respName, dlName, fmtTime, fmtClock } from '../dom.js';

const LEVELS = ['L1', 'L2', 'L3', 'NG'];
const RESPS = ['R1', 'R2', 'R3', 'NG'];
export const LEVEL_COLORS = { L1: '#e5484d', L2: '#f76b15', L3: '#e2b007', NG: '#8b8d98' };
const CLASS_COLORS = { exception: '#e5484d', warning: '#f76b15', info: '#3e8ed0', filtered: '#8b8d98', silenced: '#8e4ec6', suppressed: '#12a594' };
const REFRESH_MS = 5000;
const MAX_ROWS = 6; // what a wall panel shows; the rest is counted

export async function dashboardView(ctx) {
  const kpis = h('div', { class: 'kpis', 'data-testid': 'kpis' });
  const matrix = h('div', { 'data-testid': 'matrix' });
  const missed = h('ol', { class: 'dl-list missed', 'data-testid': 'missed' });
  const upcoming = h('ol', { class: 'dl-list', 'data-testid': 'upcoming' });
  const drills = h('div', { 'data-testid': 'drills' });
  const perDay = h('div', { class: 'chart', id: 'chart-per-day', role: 'img', 'aria-label': t('dash.per_day') });
  const perHour = h('div', { class: 'chart', id: 'chart-per-hour', role: 'img', 'aria-label': t('dash.per_hour') });
  const eventsNote = h('p', { class: 'note', hidden: true, 'data-testid': 'events-note' });
  const ingest = h('p', { class: 'note ingest', 'data-testid': 'events-ingest' });
  const stamp = h('span', { class: 'stamp', 'data-testid': 'refreshed' });
  const err = h('p', { class: 'error', role: 'alert', hidden: true });

  ctx.el.append(h('div', { class: 'wall' },
    h('div', { class: 'wall-head' }, h('h1', {}, t('dash.title')), stamp),
    err,
    kpis,
    h('div', { class: 'wall-grid' },
      section(t('dash.matrix'), matrix),
      section(t('dash.missed'), missed),
      section(t('dash.upcoming'), upcoming),
      section(t('dash.per_day'), perDay),
      section(t('dash.per_hour'), eventsNote, perHour, ingest),
      section(t('dash.drills'), drills))));

  const dayChart = ctx.chart(perDay);
  const hourChart = ctx.chart(perHour);
  const onResize = () => { dayChart.resize(); hourChart.resize(); fitRows(missed); fitRows(upcoming); };
  window.addEventListener('resize', onResize);
  ctx.onLeave(() => window.removeEventListener('resize', onResize));

  const tz = 480; // days are Beijing days (UTC+08:00), whatever the browser's zone
  async function refresh() {
    try {
      const d = await get(`/api/v1/dashboard?tz=${tz}&days=30`);
      if (!ctx.alive()) return;
      err.hidden = true;
      renderKpis(kpis, d);
      patch(matrix, d.open, () => matrixTable(d.open)); // only what changed is redrawn (focus on the wall's links stays)
      renderDeadlines(missed, d.deadlines.missed.filter((x) => !x.drill), 'dash.no_missed');
      renderDeadlines(upcoming, d.deadlines.upcoming.filter((x) => !x.drill), 'dash.no_upcoming');
      renderDrills(drills, d);
      dayChart.setOption(perDayOption(d), true);
      stamp.textContent = t('dash.refreshed', { at: fmtTime(d.now) });
    } catch (e) {
      // a kiosk has no sign-in page to go to: it says why it stopped
      if (!ctx.alive() || (e.status === 401 && !document.body.classList.contains('kiosk'))) return;
      err.textContent = t('common.load_failed') + ' ' + bi(e.message);
      err.hidden = false;
    }
    try {
      const s = await get('/api/v1/events/stats?hours=24');
      if (!ctx.alive()) return;
      eventsNote.hidden = true;
      hourChart.setOption(perHourOption(s.buckets || []), true);
      ingest.textContent = s.ingest ? t('dash.ingest', { pending: s.ingest.pending, capacity: s.ingest.capacity }) : '';
    } catch (e) {
      if (!ctx.alive() || e.status === 401) return;
      eventsNote.textContent = e instanceof ApiError && e.status === 404 ? t('dash.events_absent') : t('dash.events_failed', { msg: bi(e.message) });
      eventsNote.hidden = false;
      hourChart.setOption(perHourOption([]), true);
    }
  }
  await refresh();
  ctx.every(REFRESH_MS, refresh);
}

function renderKpis(el, d) {
  const nMissed = d.deadlines.missed.filter((x) => !x.drill).length;
  const card = (label, value, cls, testid) => h('div', { class: 'kpi ' + (cls || ''), 'data-testid': testid },
    h('span', { class: 'kpi-value' }, String(value)), h('span', { class: 'kpi-label' }, label));
  const rp = d.reports || { unfiled_overdue: 0, unreviewed_overdue: 0, undistributed: 0 };
  const up = d.upkeep || { risk_assessment_overdue: false, risk_assessment_due_at: null, feedback_overdue: 0 };
  patch(el, [d.open.total, d.open.by_level, nMissed, d.drills.open.total, rp, up], () => [
    card(t('dash.open_total'), d.open.total, 'total', 'kpi-open'),
    LEVELS.map((l) => card(levelName(l), d.open.by_level[l], 'lv-' + l, 'kpi-' + l)),
    card(t('dash.missed_count'), nMissed, nMissed ? 'alarm' : '', 'kpi-missed'),
    card(t('dash.drills_open'), d.drills.open.total, 'drill', 'kpi-drills'),
    reportsTile(rp), upkeepTile(up)]);
}

// Seed 000 ch. 9 (docs/upkeep.md): the risk assessment of 运行部 when due,
// and content feedback not acted on in time; red when any is counted.
function upkeepTile(up) {
  const n = (up.risk_assessment_overdue ? 1 : 0) + up.feedback_overdue;
  return h('div', { class: 'kpi' + (n ? ' alarm' : ''), 'data-testid': 'kpi-upkeep' },
    h('span', { class: 'kpi-value' }, String(n)),
    h('span', { class: 'kpi-label' }, t('dash.upkeep')),
    h('span', { class: 'kpi-detail', 'data-testid': 'kpi-upkeep-detail' },
      t(up.risk_assessment_overdue ? 'dash.upkeep_risk_due' : 'dash.upkeep_risk_ok', { at: up.risk_assessment_due_at ? fmtTime(up.risk_assessment_due_at) : '—' }),
      ' · ', t('dash.upkeep_feedback', { n: up.feedback_overdue })));
}

// O&M reports past their filing or review deadline, and reviewed ones not
// distributed (docs/service-levels.md): one tile linking to the report list,
// red when any is counted.
function reportsTile(rp) {
  const n = rp.unfiled_overdue + rp.unreviewed_overdue + rp.undistributed;
  return h('a', { class: 'kpi kpi-link' + (n ? ' alarm' : ''), href: '#/reports', 'data-testid': 'kpi-reports' },
    h('span', { class: 'kpi-value' }, String(n)),
    h('span', { class: 'kpi-label' }, t('dash.reports')),
    h('span', { class: 'kpi-detail', 'data-testid': 'kpi-reports-detail' },
      t('dash.reports_detail', { unfiled: rp.unfiled_overdue, unreviewed: rp.unreviewed_overdue, undistributed: rp.undistributed })));
}

function matrixTable(o) {
  return table([t('dash.level_resp'), ...RESPS.map((r) => tOr('rshort.' + r, r)), t('dash.sum')],
    LEVELS.map((l) => tr(levelBadge(l), ...RESPS.map((r) => h('td', { class: 'num' + (o.matrix[l][r] ? ' hot' : '') }, String(o.matrix[l][r]))),
      h('td', { class: 'num' }, String(o.by_level[l])))),
    { cls: 'matrix' });
}

function renderDeadlines(el, list, emptyKey) {
  patch(el, list, () => deadlineItems(list, emptyKey));
  fitRows(el);
}

// A wall is not scrolled: the rows that do not fit in the panel's list are
// hidden from the end and counted in "另有 N 项" (with those beyond
// MAX_ROWS), so the count is always on the screen.
function fitRows(el) {
  const more = el.querySelector('[data-testid=more]');
  if (!more) return;
  const rows = [...el.children].filter((li) => li !== more);
  for (const li of rows) li.hidden = false;
  const extra = Number(more.dataset.extra) || 0;
  let hidden = 0;
  const show = () => {
    more.hidden = extra + hidden === 0;
    more.textContent = t('dash.more', { n: extra + hidden });
  };
  show();
  if (!el.clientHeight) return; // not laid out (a hidden panel)
  while (el.scrollHeight > el.clientHeight + 1 && hidden < rows.length - 1) {
    rows[rows.length - 1 - hidden].hidden = true;
    hidden++;
    show();
  }
}

function deadlineItems(list, emptyKey) {
  if (!list.length) return h('li', { class: 'empty' }, t(emptyKey));
  // one row per incident and kind (the acknowledgements of several people are one row naming them)
  const rows = [];
  for (const x of list) {
    const same = rows.find((r) => r.incident.id === x.incident.id && r.kind === x.kind);
    if (same) {
      if (x.recipient) same.people.push(x.recipient.display_name || x.recipient.username);
      continue;
    }
    rows.push({ ...x, people: x.recipient ? [x.recipient.display_name || x.recipient.username] : [] });
  }
  const shown = rows.slice(0, MAX_ROWS);
  return [shown.map((x) => h('li', { class: x.missed ? 'missed' : '' },
    h('div', { class: 'dl-main' },
      h('div', {}, h('a', { href: `#/incidents/${x.incident.id}` }, x.incident.number), ' ', levelBadge(x.incident.level), ' ', respBadge(x.incident.response_level)),
      h('div', { class: 'dl-title' }, x.incident.title),
      h('div', { class: 'dl-kind' }, dlName(x.kind) + (x.people.length ? ' · ' + x.people.join(t('common.sep')) : ''))),
    countdown(x.due_at))),
  h('li', { class: 'more empty', 'data-testid': 'more', 'data-extra': String(rows.length - shown.length), hidden: rows.length === shown.length },
    t('dash.more', { n: rows.length - shown.length }))];
}

function renderDrills(el, d) {
  const dl = [...d.deadlines.missed, ...d.deadlines.upcoming].filter((x) => x.drill);
  const sum = d.drills.per_day.reduce((a, b) => a + b, 0);
  if (el.dataset.key === JSON.stringify([d.drills, dl])) return;
  el.dataset.key = JSON.stringify([d.drills, dl]);
  clear(el,
    h('p', { class: 'drill-line' }, t('dash.drills_summary', { open: d.drills.open.total, days: d.days, n: sum })),
    LEVELS.filter((l) => d.drills.open.by_level[l]).map((l) => h('span', { class: 'chip' }, levelName(l) + ' × ' + d.drills.open.by_level[l])),
    dl.length ? h('ol', { class: 'dl-list', 'data-testid': 'drill-deadlines' }) : null);
  if (dl.length) renderDeadlines(el.querySelector('ol'), dl, 'dash.no_upcoming');
}

// chart text grows with the wall (1920 → 14 px, 3840 → 28 px)
const axisText = () => ({ color: '#c9ced6', fontSize: Math.round(14 * Math.max(1, window.innerWidth / 1920)) });

function perDayOption(d) {
  const days = d.per_day.days.map((s) => s.slice(5));
  return {
    animation: false,
    textStyle: { fontFamily: 'Noto Sans CJK SC, sans-serif' },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, textStyle: axisText(), data: LEVELS.map(levelName) },
    grid: { left: 40, right: 16, top: 36, bottom: 28, containLabel: true },
    xAxis: { type: 'category', data: days, axisLabel: axisText() },
    yAxis: { type: 'value', minInterval: 1, axisLabel: axisText(), splitLine: { lineStyle: { color: '#2c3440' } } },
    series: LEVELS.map((l) => ({ name: levelName(l), type: 'bar', stack: 'lv', data: d.per_day.by_level[l], itemStyle: { color: LEVEL_COLORS[l] } })),
  };
}

function perHourOption(buckets) {
  // suppressed by a dependency: its own series, so the blind spot shows
  const classes = ['exception', 'warning', 'info', 'filtered', 'silenced', 'suppressed'];
  const hours = buckets.map((b) => fmtClock(b.start));
  return {
    animation: false,
    textStyle: { fontFamily: 'Noto Sans CJK SC, sans-serif' },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, textStyle: axisText(), data: classes.map((c) => t('evclass.' + c)) },
    grid: { left: 40, right: 16, top: 36, bottom: 28, containLabel: true },
    xAxis: { type: 'category', data: hours, axisLabel: axisText() },
    yAxis: { type: 'value', minInterval: 1, axisLabel: axisText(), splitLine: { lineStyle: { color: '#2c3440' } } },
    series: classes.map((c) => ({ name: t('evclass.' + c), type: 'bar', stack: 'ev', data: buckets.map((b) => b[c] || 0), itemStyle: { color: CLASS_COLORS[c] } })),
  };
}
