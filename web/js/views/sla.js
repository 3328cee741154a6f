// sla.js — service levels (服务级别, R-SLA-1/2/5) and the weekly, monthly, quarterly and annual
// O&M reports (运维周报/月报, R-SLA-6): a month's availability per service
// and for the platform with the downtime budget, a 12-month trend, the
// incidents with their response / restore / handling verdicts; the report
// list, and a report page whose manual sections are filled, then filed.
import { t, tOr, currentLang } from '../i18n.js';
import { get, post, qs } from '../api.js';
import { h, clear, field, select, table, tr, badge, fmtTime, fmtDuration, section, button, errorBox, levelBadge } from '../dom.js';
import { can, go } from '../main.js';

const pad = (n) => String(n).padStart(2, '0');
// [from, to) of a Beijing-time month "YYYY-MM"
function monthBounds(ym) {
  const [y, m] = ym.split('-').map(Number);
  const ny = m === 12 ? y + 1 : y, nm = m === 12 ? 1 : m + 1;
  return [`${y}-${pad(m)}-01T00:00:00+08:00`, `${ny}-${pad(nm)}-01T00:00:00+08:00`];
}
function prevMonth(ym, k = 1) {
  let [y, m] = ym.split('-').map(Number);
  m -= k;
  while (m < 1) { m += 12; y -= 1; }
  return `${y}-${pad(m)}`;
}
function thisMonth() {
  const d = new Date(Date.now() + 8 * 3600e3);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
}
const pct = (av) => (av ? (av.availability_ppm / 10000).toFixed(3) + ' %' : '—');
const hours = (ms) => (ms == null ? '—' : (ms / 3600e3).toFixed(2) + ' h');
const verdictBadge = (v) => badge(t('sla.verdict.' + v.verdict), v.verdict === 'breached' ? 'lv-L1' : v.verdict === 'met' ? 'ok' : '');

function kpi(label, value, testid, cls) {
  return h('div', { class: 'sla-kpi ' + (cls || ''), 'data-testid': testid }, h('span', { class: 'kpi-value' }, value), h('span', { class: 'kpi-label' }, label));
}

function figures(d) {
  const p = d.platform.availability, inc = d.incidents;
  const kpis = h('div', { class: 'sla-kpis', 'data-testid': 'sla-kpis' },
    kpi(t('sla.platform'), pct(p), 'sla-platform', p && !p.met ? 'bad' : ''),
    kpi(t('sla.downtime'), hours(p && p.downtime_ms), 'sla-downtime'),
    kpi(t('sla.budget_left'), hours(p && p.period_remaining_ms), 'sla-budget-left', p && p.period_remaining_ms < 0 ? 'bad' : ''),
    kpi(t('sla.year_left'), hours(p && p.budget.remaining_ms), 'sla-year-left'),
    kpi('MTTA', inc.mtta.n ? fmtDuration(inc.mtta.mean_ms) : '—', 'sla-mtta'),
    kpi('MTTR', inc.mttr.n ? fmtDuration(inc.mttr.mean_ms) : '—', 'sla-mttr'),
    kpi(t('sla.breaches'), String(inc.response.breached + inc.restore.breached), 'sla-breaches'));
  const services = table([t('sla.service'), t('sla.availability'), t('sla.target'), t('sla.unplanned'), t('sla.budget_left'), t('sla.year_left'), t('sla.met')],
    d.services.map((s) => tr(s.name, pct(s.availability), (s.availability.target_ppm / 10000).toFixed(3) + ' %', hours(s.availability.unplanned_ms),
      hours(s.availability.period_remaining_ms), hours(s.availability.budget.remaining_ms), s.availability.met ? badge(t('sla.yes'), 'ok') : badge(t('sla.no'), 'lv-L1'))));
  const counts = table([t('sla.metric'), t('sla.verdict.met'), t('sla.verdict.breached'), t('sla.verdict.pending')],
    ['response', 'restore', 'handling'].map((m) => tr(t('sla.metric.' + m), String(inc[m].met), String(inc[m].breached), String(inc[m].pending))));
  const incidents = table([t('inc.number'), t('inc.level'), t('sla.major'), t('sla.metric.response'), t('sla.metric.restore'), t('sla.metric.handling')],
    inc.items.map((x) => tr(h('a', { href: `#/incidents/${x.id}` }, x.number), levelBadge(x.level), x.major ? t('sla.yes') : t('sla.no'),
      verdictBadge(x.response), verdictBadge(x.restore), verdictBadge(x.handling))));
  return [kpis, section(t('sla.services'), services), section(t('sla.compliance'), counts, h('p', { class: 'hint' }, t('sla.two_verdicts'))),
    section(t('sla.incidents'), incidents)];
}

export async function slaView(ctx) {
  const month = h('input', { type: 'month', name: 'month', value: prevMonth(thisMonth()), 'data-testid': 'sla-month' });
  const body = h('div', { 'data-testid': 'sla-body' });
  const trendEl = h('div', { class: 'chart', style: 'height:260px', 'data-testid': 'sla-trend' });
  const form = h('form', { class: 'filters' }, field(t('sla.month'), month), h('button', { type: 'submit' }, t('common.search')));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  ctx.el.append(h('h1', {}, t('sla.title')), form, body, section(t('sla.trend'), trendEl));
  const chart = ctx.chart(trendEl);
  async function load() {
    const [from, to] = monthBounds(month.value || prevMonth(thisMonth()));
    try {
      const d = await get('/api/v1/service-levels' + qs({ from, to }));
      if (!ctx.alive()) return;
      clear(body, ...figures(d));
    } catch (err) {
      clear(body, errorBox(err));
      return;
    }
    const months = Array.from({ length: 12 }, (_, i) => prevMonth(month.value, 11 - i));
    const rows = await Promise.all(months.map((m) => { const [f, tt] = monthBounds(m); return get('/api/v1/service-levels' + qs({ from: f, to: tt })); }));
    if (!ctx.alive()) return;
    chart.setOption({
      animation: false, tooltip: { trigger: 'axis' }, xAxis: { type: 'category', data: months },
      yAxis: { type: 'value', min: (v) => Math.min(99, Math.floor(v.min)), max: 100 },
      series: [{ name: t('sla.platform'), type: 'line', data: rows.map((r) => r.platform.availability.availability_ppm / 10000) }],
    });
  }
  await load();
}

// The generate buttons and the kind filter list the policy's report definitions (sla.reports,
// GET /api/v1/reports/definitions) by their title in the reader's language (R-SLA-6).
const defTitle = (d) => (currentLang() === 'en' ? d.title.en : d.title.zh);
const kindTitle = (defs, k) => { const d = defs.find((x) => x.key === k); return d ? defTitle(d) : tOr('rpt.kind.' + k, k); };

export async function reportsView(ctx) {
  const body = h('div', { 'data-testid': 'report-list' });
  const err = errorBox(null);
  const defs = (await get('/api/v1/reports/definitions' + qs({ limit: 500 }))).items;
  if (!ctx.alive()) return;
  const actions = can('incident.report') ? h('div', { class: 'actions', 'data-testid': 'report-generate' },
    ...defs.map((d) => button(t('rpt.generate', { title: defTitle(d) }), async () => {
      try { const r = await post('/api/v1/reports/runs', { kind: d.key }); go(`#/reports/${r.id}`); } catch (e) { clear(err, errorBox(e)); }
    }, { 'data-testid': 'report-generate-' + d.key }))) : null;
  const kind = select([['', t('rpt.kind.all')], ...defs.map((d) => [d.key, defTitle(d)])], '', { name: 'kind', 'data-testid': 'report-kind' });
  const filters = h('form', { class: 'filters' }, field(t('rpt.kind'), kind));
  ctx.el.append(h('h1', {}, t('rpt.title')), actions, err, filters, body);
  async function load() {
    const r = await get('/api/v1/reports/runs' + qs({ limit: 100, kind: kind.value || undefined }));
    if (!ctx.alive()) return;
    clear(body, table([t('rpt.number'), t('rpt.kind'), t('rpt.period'), t('rpt.version'), t('rpt.state'), t('rpt.generated')],
      r.items.map((x) => tr(h('a', { href: `#/reports/${x.id}` }, x.number), kindTitle(defs, x.kind), `${fmtTime(x.period_start, { zone: false, seconds: false })} — ${fmtTime(x.period_end, { zone: false, seconds: false })}`,
        String(x.version), badge(t('rpt.state.' + x.state), x.state === 'draft' ? '' : 'ok'), fmtTime(x.generated_at)))));
  }
  kind.addEventListener('change', () => load().catch((e) => clear(err, errorBox(e))));
  await load();
}

export async function reportView(ctx, [id]) {
  const run = await get(`/api/v1/reports/runs/${id}`);
  const base = `/api/v1/reports/runs/${id}`;
  const err = h('div');
  const draft = run.state === 'draft';
  const inputs = {};
  const manual = section(t('rpt.manual'), ...run.required_sections.map((s) => {
    inputs[s.key] = h('textarea', { name: s.key, rows: 4, 'data-testid': 'manual-' + s.key, readonly: !draft }, run.manual[s.key] || '');
    return field(t('rpt.section.' + s.key), inputs[s.key], { required: true, wide: true });
  }));
  const save = async () => {
    const sections = {};
    for (const [k, el] of Object.entries(inputs)) sections[k] = el.value;
    return post(`${base}/manual`, { sections });
  };
  const acts = h('div', { class: 'actions' });
  if (draft && can('incident.report')) acts.append(button(t('rpt.save'), async () => { try { await save(); go(`#/reports/${id}`); } catch (e) { clear(err, errorBox(e)); } }, { 'data-testid': 'report-save' }));
  // draft → under_review: the author submits it (modules-spec §M4.5 "Workflow"; docs/service-levels.md)
  if (draft && can('incident.report')) acts.append(button(t('rpt.submit'), async () => {
    try { await save(); await post(`${base}/submit`); go(`#/reports/${id}`); } catch (e) { clear(err, errorBox(e)); }
  }, { class: 'primary', 'data-testid': 'report-submit' }));
  const downloads = h('p', { class: 'downloads', 'data-testid': 'report-downloads' },
    ...[['report.html', 'rpt.dl.print'], ['report.md', 'rpt.dl.md'], ['report.xlsx', 'rpt.dl.xlsx'], ['services.csv', 'rpt.dl.services'], ['incidents.csv', 'rpt.dl.incidents'], ['report.json', 'rpt.dl.json']]
      .map(([f, k]) => [h('a', { href: `${base}/${f}`, target: '_blank', rel: 'noopener', 'data-testid': 'dl-' + f }, t(k)), ' ']));
  const head = h('p', { 'data-testid': 'report-head' }, `${run.title ? defTitle(run) : tOr('rpt.kind.' + run.kind, run.kind)} · ${t('rpt.version')} ${run.version} · `,
    badge(t('rpt.state.' + run.state), run.state === 'draft' ? '' : 'ok'), run.sha256 ? [' · SHA-256 ', h('code', { 'data-testid': 'report-sha' }, run.sha256)] : null);
  ctx.el.append(h('h1', {}, run.number), head, h('div', {}, ...figures(run.snapshot.service_levels)), manual, err, acts,
    reviewPanel(run, base, id), section(t('rpt.downloads'), downloads));
}

// The review of a run under review — filed or returned to draft with a note by the policy's reviewer
// role, never its author (the server says 403 otherwise) — and the distribution of a filed run to the
// policy's recipients (docs/service-levels.md).
function reviewPanel(run, base, id) {
  const rv = run.review || {};
  const err = h('div');
  const rows = [];
  const line = (k, ...v) => rows.push(h('p', { 'data-testid': 'review-' + k.split('.').pop() }, h('strong', {}, t(k)), ' ', ...v));
  if (rv.file_due_at && (run.state === 'draft' || run.state === 'under_review')) line('rpt.file_due', fmtTime(rv.file_due_at));
  if (rv.due_at && run.state === 'under_review') line('rpt.review.due', fmtTime(rv.due_at), run.review_overdue ? [' ', badge(t('rpt.review.overdue'), 'bad')] : null);
  if (rv.reviewed_at) line('rpt.review.at', fmtTime(rv.reviewed_at));
  if (rv.note) line('rpt.review.note', rv.note);
  if (rv.distributed_at) line('rpt.distributed_at', fmtTime(rv.distributed_at));
  const acts = h('div', { class: 'actions' });
  if (run.state === 'under_review') {
    const note = h('textarea', { name: 'note', rows: 2, maxlength: 2000, 'data-testid': 'review-input' });
    acts.append(field(t('rpt.review.note'), note, { wide: true }), button(t('rpt.file'), async () => {
      try { await post(`${base}/file`, note.value ? { note: note.value } : {}); go(`#/reports/${id}`); } catch (e) { clear(err, errorBox(e)); }
    }, { class: 'primary', 'data-testid': 'report-file' }), button(t('rpt.return'), async () => {
      try { await post(`${base}/return`, { note: note.value }); go(`#/reports/${id}`); } catch (e) { clear(err, errorBox(e)); }
    }, { 'data-testid': 'report-return' }));
  }
  if (run.state === 'filed' && can('incident.lead')) {
    acts.append(button(t('rpt.distribute'), async () => {
      try {
        const r = await post(`${base}/distribute`);
        clear(err, h('p', { role: 'status', 'data-testid': 'distribute-sent' }, t('rpt.distribute.sent', { n: r.messages_queued })));
        setTimeout(() => go(`#/reports/${id}`), 1500);
      } catch (e) { clear(err, errorBox(e)); }
    }, { class: 'primary', 'data-testid': 'report-distribute' }));
  }
  return section(t('rpt.review'), ...rows, err, acts);
}
