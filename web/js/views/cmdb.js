// cmdb.js — the CMDB: list by category and grade, the CI page with its
// relations and impact (an ECharts graph of the CIs that depend on it,
// transitively, R-CI-4), and the create / edit form with the grading
// guidance of the category shown beside the grade field (R-CI-3).
import { t, bi } from '../i18n.js';
import { get, post, patch, del, qs } from '../api.js';
import { h, clear, field, select, table, tr, section, showError, fieldError, gradeBadge, gradeName, envName, relName, categoryName, fmtTime, button, pager, csvButton, confirmButton } from '../dom.js';
import { go, hasRole } from '../main.js';
import { LEVEL_COLORS } from './dashboard.js';

const ENVS = ['production', 'same_city_backup', 'same_room_backup', 'test', 'training'];
const RELS = ['runs_on', 'depends_on', 'backs_up', 'connects_to'];
const mayWrite = () => hasRole('ops_engineer', 'ops_section_head', 'ops_department_head');

let catCache = null;
async function categories() {
  if (!catCache) catCache = await get('/api/v1/policy/categories');
  return catCache;
}

export async function cmdbListView(ctx) {
  const cats = (await categories()).categories;
  const q = h('input', { type: 'search', name: 'q' });
  const cat = select([['', t('common.all')], ...cats.map((c) => [c.key, categoryName(c)])], '');
  const grade = select([['', t('common.all')], ...['L1', 'L2', 'L3', 'NG'].map((g) => [g, gradeName(g)])], '');
  const body = h('div', { 'data-testid': 'ci-list' });
  const pg = h('div', { class: 'pager', 'data-testid': 'ci-pager' });
  const PAGE = 50;
  let offset = 0;
  const byKey = Object.fromEntries(cats.map((c) => [c.key, c]));
  // retired CIs are history: left out unless asked for
  const withRetired = h('input', { type: 'checkbox', name: 'retired', 'data-testid': 'ci-show-retired' });
  const params = () => ({ q: q.value, category: cat.value, grade: grade.value, retired: withRetired.checked ? 'include' : '' });
  const form = h('form', { class: 'filters', role: 'search' }, field(t('cmdb.search'), q), field(t('cmdb.category'), cat), field(t('cmdb.grade'), grade),
    h('label', { class: 'check' }, withRetired, ' ', t('cmdb.show_retired')),
    h('button', { type: 'submit' }, t('common.search')),
    csvButton('cmdb', (limit, off) => get('/api/v1/cis' + qs({ ...params(), limit, offset: off })),
      [[t('cmdb.name'), (c) => c.name], [t('cmdb.category'), (c) => categoryName(byKey[c.category]) || c.category], [t('cmdb.grade'), (c) => gradeName(c.grade)],
        [t('cmdb.department'), (c) => c.department || ''], [t('cmdb.environment'), (c) => envName(c.environment)], [t('cmdb.location'), (c) => c.location || ''],
        [t('cmdb.verified'), (c) => (c.last_verified_at ? fmtTime(c.last_verified_at) : '')]]));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); offset = 0; load(); });
  cat.addEventListener('change', () => { offset = 0; load(); });
  grade.addEventListener('change', () => { offset = 0; load(); });
  withRetired.addEventListener('change', () => { offset = 0; load(); });
  ctx.el.append(h('div', { class: 'page-head' }, h('h1', {}, t('cmdb.title')),
    h('a', { class: 'button', href: '#/cmdb-unverified', 'data-testid': 'link-unverified' }, t('rev.unverified_title')),
    h('a', { class: 'button', href: '#/contacts', 'data-testid': 'link-contacts' }, t('contact.title')),
    mayWrite() ? h('a', { class: 'button primary', href: '#/cmdb/new' }, t('cmdb.new')) : null), form, body, pg);
  async function load() {
    const r = await get('/api/v1/cis' + qs({ ...params(), limit: PAGE, offset }));
    if (!ctx.alive()) return;
    clear(body, table([t('cmdb.name'), t('cmdb.category'), t('cmdb.grade'), t('cmdb.department'), t('cmdb.environment'), t('cmdb.location'), t('cmdb.verified')],
      r.items.map((c) => tr(h('span', {}, h('a', { href: `#/cmdb/${c.id}` }, c.name), c.retired_at ? [' ', retiredBadge()] : null), categoryName(byKey[c.category]) || c.category, gradeBadge(c.grade), c.department || '—', envName(c.environment), c.location || '—', fmtTime(c.last_verified_at)))));
    pager(pg, r, offset, PAGE, (o) => { offset = o; load(); });
  }
  await load();
}

const retiredBadge = () => h('span', { class: 'badge retired', 'data-testid': 'ci-retired' }, t('cmdb.retired'));

export async function ciView(ctx, [id]) {
  const [ci, impact, cats, history] = await Promise.all([get(`/api/v1/cis/${id}`), get(`/api/v1/cis/${id}/impact`), categories(),
    get(`/api/v1/cis/${id}/retirements?limit=100`)]);
  const retired = !!ci.retired_at;
  // retiring (audited, with a reason): the CI stays in history, leaves the pickers and suppresses nothing
  let retireBox = null;
  if (mayWrite() && !retired) {
    const reason = h('textarea', { name: 'retire_reason', rows: 2, maxlength: 500 });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const confirm = confirmButton(t('cmdb.retire'), t('cmdb.retire_confirm', { name: ci.name }), async () => {
      if (!reason.value.trim()) { fieldError(reason, err, t('form.required', { field: t('cmdb.retire_reason') })); return; }
      try {
        await post(`/api/v1/cis/${ci.id}/retire`, { reason: reason.value.trim() });
        go(`#/cmdb/${ci.id}`);
      } catch (e) { fieldError(e.field === 'reason' ? reason : null, err, e); }
    }, { 'data-testid': 'ci-retire' });
    retireBox = h('details', { class: 'add-box', 'data-testid': 'ci-retire-box' }, h('summary', {}, t('cmdb.retire')),
      h('p', { class: 'note' }, t('cmdb.retire_note')), field(t('cmdb.retire_reason'), reason, { required: true }), err, confirm);
  }
  // back into service (恢复使用, audited with a reason): listed and pickable again
  if (mayWrite() && retired) {
    const reason = h('textarea', { name: 'unretire_reason', rows: 2, maxlength: 500 });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const confirm = confirmButton(t('cmdb.unretire'), t('cmdb.unretire_confirm', { name: ci.name }), async () => {
      if (!reason.value.trim()) { fieldError(reason, err, t('form.required', { field: t('cmdb.unretire_reason') })); return; }
      try {
        await post(`/api/v1/cis/${ci.id}/unretire`, { reason: reason.value.trim() });
        go(`#/cmdb/${ci.id}`);
      } catch (e) { fieldError(e.field === 'reason' ? reason : null, err, e); }
    }, { 'data-testid': 'ci-unretire' });
    retireBox = h('details', { class: 'add-box', 'data-testid': 'ci-unretire-box' }, h('summary', {}, t('cmdb.unretire')),
      h('p', { class: 'note' }, t('cmdb.unretire_note')), field(t('cmdb.unretire_reason'), reason, { required: true }), err, confirm);
  }
  const cat = cats.categories.find((c) => c.key === ci.category);
  const graphEl = h('div', { class: 'chart graph', role: 'img', 'aria-label': t('cmdb.impact_graph'), 'data-testid': 'impact-graph' });
  const relErr = h('p', { class: 'error', role: 'alert', hidden: true });
  let relForm = null;
  if (mayWrite() && !retired) {
    // the target is searched on the server (GET /api/v1/cis?q=…, debounced):
    // every CI of a large CMDB can be reached, not only a first page
    const type = select(RELS.map((r) => [r, relName(r)]), 'depends_on');
    const target = h('select', { name: 'rel_target' });
    const targetQ = h('input', { type: 'search', name: 'rel_target_q' });
    let seq = 0;
    let timer = null;
    const search = async () => {
      const my = ++seq;
      const r = await get('/api/v1/cis' + qs({ q: targetQ.value.trim(), limit: 50 }));
      if (my !== seq) return;
      clear(target, (r.items || []).filter((c) => c.id !== ci.id).map((c) => h('option', { value: String(c.id) }, c.name)));
    };
    targetQ.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => search().catch((e) => showError(relErr, e)), 250); });
    await search();
    relForm = h('form', { class: 'filters' }, field(t('cmdb.rel_type'), type), field(t('inc.ci_filter'), targetQ), field(t('cmdb.rel_target'), target), h('button', { type: 'submit' }, t('cmdb.add_relation')), relErr);
    relForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        await post(`/api/v1/cis/${ci.id}/relations`, { type: type.value, target_id: Number(target.value) });
        go(`#/cmdb/${ci.id}`);
      } catch (e) { showError(relErr, e); }
    });
  }
  const verifyErr = h('p', { class: 'error', role: 'alert', hidden: true });
  ctx.el.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/cmdb' }, t('nav.cmdb')), ' / ', ci.name),
    h('div', { class: 'page-head' }, h('h1', {}, ci.name, ' ', gradeBadge(ci.grade), retired ? [' ', retiredBadge()] : null),
      mayWrite() && !retired ? h('a', { class: 'button', href: `#/cmdb/${ci.id}/edit` }, t('common.edit')) : null,
      mayWrite() && !retired ? button(t('cmdb.verify'), async () => { try { await post(`/api/v1/cis/${ci.id}/verify`); go(`#/cmdb/${ci.id}`); } catch (e) { showError(verifyErr, e); } }) : null),
    verifyErr,
    // (Element.append writes null as text: only what is there)
    ...[retired ? h('p', { class: 'note', 'data-testid': 'ci-retired-note' }, t('cmdb.retired_at', { at: fmtTime(ci.retired_at), reason: ci.retired_reason || '—' })) : null, retireBox].filter(Boolean),
    h('div', { class: 'inc-grid' },
      section(t('cmdb.details'), h('dl', { class: 'facts' },
        h('dt', {}, t('cmdb.category')), h('dd', {}, categoryName(cat) || ci.category),
        h('dt', {}, t('cmdb.grade')), h('dd', {}, gradeName(ci.grade)),
        h('dt', {}, t('cmdb.guidance')), h('dd', {}, ci.grade_guidance || '—'),
        h('dt', {}, t('cmdb.department')), h('dd', {}, ci.department || '—'),
        h('dt', {}, t('cmdb.environment')), h('dd', {}, envName(ci.environment)),
        h('dt', {}, t('cmdb.location')), h('dd', {}, ci.location || '—'),
        h('dt', {}, t('cmdb.verified')), h('dd', {}, fmtTime(ci.last_verified_at)),
        // the CI's own attributes (description, model, address …): what people search for by name
        Object.entries(ci.attributes || {}).map(([k, v]) => [h('dt', {}, k), h('dd', { 'data-testid': 'ci-attr' }, typeof v === 'string' ? v : JSON.stringify(v))]))),
      section(t('cmdb.relations'), table([t('cmdb.rel_source'), t('cmdb.rel_type'), t('cmdb.rel_target'), mayWrite() ? t('common.actions') : null].filter(Boolean),
        ci.relations.map((r) => tr(h('a', { href: `#/cmdb/${r.source_id}` }, r.source_name), relName(r.type), h('a', { href: `#/cmdb/${r.target_id}` }, r.target_name),
          // a wrong relation can be removed (audited), from the CI it goes out of
          ...(mayWrite() ? [r.source_id === ci.id ? confirmButton(t('cmdb.rel_remove'), t('cmdb.rel_remove_confirm', { source: r.source_name, type: relName(r.type), target: r.target_name }), async () => {
            try { await del(`/api/v1/cis/${ci.id}/relations/${r.id}`); go(`#/cmdb/${ci.id}`); } catch (e) { showError(relErr, e); }
          }, { 'data-testid': 'rel-remove' }) : ''] : [])))), relForm),
      // who retired it or brought it back, when and why (from the audit trail), newest first
      history.items.length ? section(t('cmdb.history_title'), h('div', { 'data-testid': 'ci-history' },
        table([t('cmdb.history_at'), t('cmdb.history_action'), t('cmdb.history_by'), t('cmdb.history_reason')],
          history.items.map((x) => tr(fmtTime(x.at), t('cmdb.history_' + x.action), x.actor_name || x.actor, x.reason || '—'))))) : null,
      // seed 000 ch. 9 §4: the vendors and key customers told when this CI fails (docs/contacts.md)
      section(t('contact.title'), contactsOf(ci.id)),
      section(t('cmdb.impact', { n: impact.count }), graphEl,
        table([t('cmdb.name'), t('cmdb.grade'), t('cmdb.depth')], impact.impacted.map((c) => tr(h('a', { href: `#/cmdb/${c.id}` }, c.name), gradeBadge(c.grade), String(c.depth)))))));
  const chart = ctx.chart(graphEl);
  chart.setOption(impactOption(ci, impact));
}

const GRADES = ['L1', 'L2', 'L3', 'NG'];

function impactOption(ci, impact) {
  // one category per grade: the legend explains the colours
  const cat = (g) => Math.max(0, GRADES.indexOf(g));
  const nodes = [{ id: String(ci.id), name: ci.name, grade: ci.grade, category: cat(ci.grade), symbolSize: 46, itemStyle: { color: LEVEL_COLORS[ci.grade], borderColor: '#111', borderWidth: 3 } }];
  for (const c of impact.impacted) nodes.push({ id: String(c.id), name: c.name, grade: c.grade, category: cat(c.grade), symbolSize: Math.max(20, 38 - 6 * c.depth), itemStyle: { color: LEVEL_COLORS[c.grade] } });
  const links = impact.impacted.map((c) => ({ source: String(c.id), target: String(c.via) }));
  return {
    animation: false,
    textStyle: { fontFamily: 'Noto Sans CJK SC, sans-serif' },
    // plain text: ctx.chart escapes it (textChart in dom.js); a CI name is data, never HTML
    tooltip: { formatter: (p) => (p.dataType === 'node' ? `${p.data.name} · ${gradeName(p.data.grade)}` : t('cmdb.depends_on_edge')) },
    legend: { top: 0, data: GRADES.map(gradeName), textStyle: { color: '#1d2430' } },
    series: [{
      type: 'graph', layout: 'force', roam: true, draggable: true, data: nodes, links,
      categories: GRADES.map((g) => ({ name: gradeName(g), itemStyle: { color: LEVEL_COLORS[g] } })),
      // kept inside the canvas (gravity, a margin for the legend and the labels), labels that
      // would overlap are hidden and long names cut
      top: 36, bottom: 24, left: 40, right: 40,
      force: { repulsion: 220, edgeLength: 80, gravity: 0.15 },
      label: { show: true, position: 'bottom', color: '#1d2430', fontSize: 13, width: 120, overflow: 'truncate' },
      labelLayout: { hideOverlap: true },
      edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 9, lineStyle: { color: '#6b7686', width: 2 },
    }],
  };
}

export async function ciEditView(ctx, [id]) {
  const cats = (await categories()).categories;
  const ci = id ? await get(`/api/v1/cis/${id}`) : null;
  const name = h('input', { name: 'name', maxlength: 200, value: ci ? ci.name : '' });
  const cat = select(cats.map((c) => [c.key, categoryName(c)]), ci ? ci.category : cats[0].key, { name: 'category' });
  const grade = h('select', { name: 'grade' });
  const dept = h('input', { name: 'department', value: ci ? ci.department : '' });
  const env = select(ENVS.map((e) => [e, envName(e)]), ci ? ci.environment : 'production', { name: 'environment' });
  const loc = h('input', { name: 'location', value: ci ? ci.location : '' });
  // attributes as "键 = 值" lines (a Chinese name, model, IP …)
  const attrs = h('textarea', { name: 'attributes', rows: 4, value: ci ? Object.entries(ci.attributes || {}).map(([k, v]) => `${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\n') : '' });
  const guide = h('aside', { class: 'guidance', 'aria-live': 'polite', 'data-testid': 'guidance' });
  const err = h('p', { class: 'error', role: 'alert', hidden: true });

  function fillGrades() {
    const c = cats.find((x) => x.key === cat.value);
    const keep = grade.value || (ci ? ci.grade : '');
    clear(grade, c.grades.map((g) => h('option', { value: g, selected: g === keep }, gradeName(g))));
    renderGuide();
  }
  function renderGuide() {
    const c = cats.find((x) => x.key === cat.value);
    clear(guide, h('h2', {}, t('cmdb.guidance_title', { cat: categoryName(c) })),
      c.principle ? h('p', { class: 'principle' }, c.principle) : null,
      h('dl', {}, c.grades.map((g) => [h('dt', { class: g === grade.value ? 'current' : '' }, gradeName(g)), h('dd', { class: g === grade.value ? 'current' : '' }, (c.guidance || {})[g] || '—')])));
  }
  cat.addEventListener('change', fillGrades);
  grade.addEventListener('change', renderGuide);

  const form = h('form', { class: 'form two-col', novalidate: true },
    h('div', { class: 'col' },
      field(t('cmdb.name'), name, { required: true }),
      field(t('cmdb.category'), cat, { required: true }),
      field(t('cmdb.grade'), grade, { required: true, hint: t('cmdb.grade_hint') }),
      field(t('cmdb.department'), dept),
      field(t('cmdb.environment'), env),
      field(t('cmdb.location'), loc),
      field(t('cmdb.attributes'), attrs, { hint: t('cmdb.attributes_hint') }),
      err, h('button', { type: 'submit', class: 'primary' }, t('common.save'))),
    guide);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { name: name.value.trim(), category: cat.value, grade: grade.value, department: dept.value.trim(), environment: env.value, location: loc.value.trim() };
    if (!body.name) {
      fieldError(name, err, t('form.required', { field: t('cmdb.name') }));
      return;
    }
    const attributes = {};
    for (const line of attrs.value.split('\n').map((l) => l.trim()).filter(Boolean)) {
      const i = line.search(/[=:\uff1a]/);
      if (i <= 0) {
        fieldError(attrs, err, t('cmdb.attributes_bad', { line }));
        return;
      }
      attributes[line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
    body.attributes = attributes;
    try {
      const saved = ci ? await patch(`/api/v1/cis/${ci.id}`, body) : await post('/api/v1/cis', body);
      go(`#/cmdb/${saved.id}`);
    } catch (e) { fieldError({ name, category: cat, grade, department: dept, environment: env, location: loc, attributes: attrs }[e.field] || null, err, e); }
  });
  ctx.el.append(h('h1', {}, ci ? t('cmdb.edit_title', { name: ci.name }) : t('cmdb.new')), form);
  fillGrades();
}

// The contacts kept for one CI (GET /api/v1/contacts?ci_id=), filled in when they arrive.
function contactsOf(ciId) {
  const el = h('div', { 'data-testid': 'ci-contacts' }, h('p', { class: 'note' }, '…'));
  get('/api/v1/contacts' + qs({ ci_id: ciId, limit: 100 })).then((r) => clear(el,
    r.items.length ? table([t('contact.kind_label'), t('contact.name'), t('contact.organisation'), t('contact.phone'), t('contact.told_levels')],
      r.items.map((c) => tr(t('contact.kind.' + c.kind), c.name, c.organisation || '—',
        c.phone || h('strong', { class: 'bad' }, t('contact.no_phone')), c.told_levels.map(gradeName).join(t('common.sep')))))
      : h('p', { class: 'note' }, t('contact.none_for_ci')),
    h('p', {}, h('a', { href: '#/contacts' }, t('contact.title'))))).catch((e) => clear(el, h('p', { class: 'error' }, bi(e.message || String(e)))));
  return el;
}
