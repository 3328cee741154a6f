// known_error_form.js — writing a known error (R-PRB-3, docs/known-errors.md):
// the create form (#/known-errors/new, ?problem=ID prefills the problem) and
// the edit form (#/known-errors/{id}/edit): title, symptoms, root cause,
// workaround (a step a line), permanent solution, its problem, CIs, match
// rules (one input each; the server's 422 `match_rules[i]` is shown at rule
// i) and published.  Editing sends only what changed, with the version read
// (a stale save is the server's 409, both versions named).
import { t, bi } from '../i18n.js';
import { get, post, qs, patch as apiPatch } from '../api.js';
import { h, clear, field, button, fieldError, showError } from '../dom.js';
import { go, can } from '../main.js';

const ref = (x) => (x ? `${x.number} ${x.title}` : '');
const PROBLEM_PICK_PAGE = 50;
const PROBLEM_PICK_DELAY = 250;
const CI_PICK_PAGE = 50;

export async function knownErrorNewView(ctx) { await knownErrorForm(ctx, null); }
export async function knownErrorEditView(ctx, [id]) { await knownErrorForm(ctx, await get(`/api/v1/known-errors/${id}`)); }

async function knownErrorForm(ctx, k) {
  const x = k ? (k.known_error ? { ...k, ...k.known_error } : k) : {};
  const startProblem = Number(new URLSearchParams((location.hash.split('?')[1]) || '').get('problem')) || x.problem_id || 0;
  // the pickers' lists: problems (the newest; more are searched on the
  // server, GET /api/v1/problems?q=…, debounced) and CIs (for ci.read)
  const [probs, cis] = await Promise.all([
    get('/api/v1/problems?limit=' + PROBLEM_PICK_PAGE).then((r) => r.items).catch(() => []),
    // the CIs already on the known error, by id (others are searched on the server as typed)
    can('ci.read') ? Promise.all((x.ci_ids || []).map((id) => get(`/api/v1/cis/${id}`).catch(() => null))).then((l) => l.filter(Boolean)) : [],
  ]);
  if (startProblem && !probs.some((p) => p.id === startProblem)) {
    const p = await get(`/api/v1/problems/${startProblem}`).catch(() => null);
    if (p) probs.unshift(p);
  }
  if (!ctx.alive()) return;
  const inputs = {
    title: h('input', { name: 'title', maxlength: 300, value: x.title || '' }),
    symptoms: h('textarea', { name: 'symptoms', rows: 3, maxlength: 8192, value: x.symptoms || '' }),
    root_cause: h('textarea', { name: 'root_cause', rows: 3, maxlength: 8192, value: x.root_cause || '' }),
    workaround: h('textarea', { name: 'workaround', rows: 4, maxlength: 8192, value: Array.isArray(x.workaround) ? x.workaround.join('\n') : (x.workaround || '') }),
    solution: h('textarea', { name: 'solution', rows: 3, maxlength: 8192, value: x.solution || x.permanent_solution || '' }),
    problem_id: h('select', { name: 'problem_id' }, h('option', { value: '' }, t('ke.no_problem')),
      probs.map((p) => h('option', { value: String(p.id), selected: p.id === startProblem }, ref(p)))),
    published: h('input', { type: 'checkbox', name: 'published', checked: !!x.published }),
  };
  // the problem picker: a search on the server refills the options; the
  // chosen problem stays among them whatever the search
  const probQ = h('input', { type: 'search', name: 'problem_q', maxlength: 100, placeholder: t('ke.problem_search'), 'aria-label': t('ke.problem_search') });
  const known = new Map(probs.map((p) => [p.id, p]));
  const fillProblems = (list) => {
    const cur = Number(inputs.problem_id.value) || 0;
    const shown = (cur && known.has(cur) && !list.some((p) => p.id === cur) ? [known.get(cur)] : []).concat(list);
    clear(inputs.problem_id, h('option', { value: '' }, t('ke.no_problem')),
      shown.map((p) => h('option', { value: String(p.id), selected: p.id === cur }, ref(p))));
  };
  const probField = field(t('ke.problem'), inputs.problem_id); // the select keeps the label
  inputs.problem_id.before(probQ, ' ');
  let probSeq = 0;
  let probTimer = null;
  probQ.addEventListener('input', () => {
    clearTimeout(probTimer);
    probTimer = setTimeout(async () => {
      const my = ++probSeq;
      const q = probQ.value.trim();
      try {
        const r = await get('/api/v1/problems?limit=' + PROBLEM_PICK_PAGE + (q ? '&q=' + encodeURIComponent(q) : ''));
        if (my !== probSeq || !ctx.alive()) return; // a later search answers instead
        for (const p of r.items || []) known.set(p.id, p);
        fillProblems(r.items || []);
        inputs.problem_id.dataset.q = q;
      } catch (e) { if (my === probSeq) showError(err, e); }
    }, PROBLEM_PICK_DELAY);
  });
  // CIs: chosen ones as removable chips, more added by name
  let ciIds = [...(x.ci_ids || [])];
  const ciKnown = new Map(cis.map((c) => [c.id, c.name])); // id → name of every CI seen
  const ciName = (id) => ciKnown.get(id) || '#' + id;
  const ciChips = h('ul', { class: 'ke-chips', 'data-testid': 'ke-form-cis' });
  const ciAdd = h('input', { name: 'ci_add', list: 'ke-ci-list', maxlength: 200, 'aria-label': t('ke.ci_add') });
  const ciList = h('datalist', { id: 'ke-ci-list' });
  // the CIs matching what is typed: GET /api/v1/cis?q=… (an older answer never overwrites a newer one)
  let ciSeq = 0;
  let ciTimer = null;
  const searchCis = async (q) => {
    const my = ++ciSeq;
    const r = await get('/api/v1/cis' + qs({ q, limit: CI_PICK_PAGE })).catch(() => null);
    if (!r || my !== ciSeq) return null;
    for (const c of r.items) ciKnown.set(c.id, c.name);
    clear(ciList, r.items.map((c) => h('option', { value: c.name })));
    return r.items;
  };
  ciAdd.addEventListener('input', () => { clearTimeout(ciTimer); ciTimer = setTimeout(() => searchCis(ciAdd.value.trim()), PROBLEM_PICK_DELAY); });
  const ciErr = h('p', { class: 'error', role: 'alert', hidden: true });
  const drawCis = () => clear(ciChips, ciIds.map((id) => h('li', { class: 'chip', 'data-ci': String(id) }, ciName(id), ' ',
    button('×', () => { ciIds = ciIds.filter((y) => y !== id); drawCis(); }, { class: 'link', 'aria-label': t('ke.ci_remove', { name: ciName(id) }) }))));
  const addCi = async () => {
    const v = ciAdd.value.trim();
    clearTimeout(ciTimer);
    const found = v ? (await searchCis(v)) || [] : [];
    const c = found.find((y) => y.name === v) || (/^#?\d+$/.test(v) ? { id: Number(v.replace('#', '')) } : null);
    if (!c) { showError(ciErr, new Error(t('ke.ci_unknown', { name: v }))); return; }
    showError(ciErr, null);
    if (!ciIds.includes(c.id)) ciIds.push(c.id);
    ciAdd.value = '';
    drawCis();
  };
  ciAdd.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); addCi(); } });
  drawCis();
  // match rules: one input each
  const rulesBox = h('ol', { class: 'ke-rules', 'data-testid': 'ke-form-rules' });
  const addRule = (v = '') => {
    const inp = h('input', { name: 'match_rule', maxlength: 250, value: v, placeholder: 'service="pay"', 'aria-label': t('ke.match_rule_n', { n: rulesBox.children.length + 1 }) });
    const li = h('li', {}, inp, ' ', button(t('ke.rule_remove'), () => { li.remove(); }, { class: 'link' }));
    rulesBox.append(li);
    return inp;
  };
  for (const r of x.match_rules || []) addRule(typeof r === 'string' ? r : JSON.stringify(r));
  const ruleInputs = () => [...rulesBox.querySelectorAll('input[name=match_rule]')];
  const rules = () => ruleInputs().map((i) => i.value.trim()).filter(Boolean);

  const values = () => ({
    title: inputs.title.value.trim(), symptoms: inputs.symptoms.value, root_cause: inputs.root_cause.value,
    workaround: inputs.workaround.value, solution: inputs.solution.value,
    problem_id: inputs.problem_id.value ? Number(inputs.problem_id.value) : null,
    ci_ids: [...ciIds], match_rules: rules(), published: inputs.published.checked,
  });
  let was = values();
  let version = k ? k.version : 0;
  const err = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'form', 'data-testid': 'ke-form', novalidate: true },
    field(t('ke.title'), inputs.title, { required: true }),
    field(t('ke.symptoms'), inputs.symptoms), field(t('ke.root_cause'), inputs.root_cause),
    field(t('ke.workaround'), inputs.workaround, { hint: t('ke.workaround_hint') }),
    field(t('ke.solution'), inputs.solution), probField,
    h('fieldset', { class: 'field' }, h('legend', {}, t('ke.cis')), ciChips,
      can('ci.read') ? h('div', { class: 'ke-inline' }, ciAdd, ciList, button(t('ke.ci_add'), addCi, { 'data-testid': 'ke-ci-add' })) : null, ciErr),
    h('fieldset', { class: 'field' }, h('legend', {}, t('ke.match_rules')), h('small', { class: 'hint' }, t('ke.match_rules_hint')), rulesBox,
      button(t('ke.rule_add'), () => addRule().focus(), { 'data-testid': 'ke-rule-add' })),
    h('label', { class: 'check' }, inputs.published, ' ', t('ke.published_label')),
    err, h('button', { type: 'submit', class: 'primary' }, k ? t('common.save') : t('ke.create')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = values();
    if (!v.title) { fieldError(inputs.title, err, t('form.required', { field: t('ke.title') })); return; }
    let body;
    if (k) {
      body = {};
      for (const key of Object.keys(v)) if (JSON.stringify(v[key]) !== JSON.stringify(was[key])) body[key] = v[key];
      if (!Object.keys(body).length) { showError(err, new Error(t('prb.nothing_changed'))); return; }
      body.version = version;
    } else {
      body = { title: v.title, ci_ids: v.ci_ids, match_rules: v.match_rules, published: v.published };
      for (const key of ['symptoms', 'root_cause', 'workaround', 'solution']) if (v[key].trim()) body[key] = v[key];
      if (v.problem_id) body.problem_id = v.problem_id;
    }
    try {
      const r = k ? await apiPatch(`/api/v1/known-errors/${k.id}`, body) : await post('/api/v1/known-errors', body);
      go(`#/known-errors/${r.id}`);
    } catch (e) {
      if (e.status === 409 && k) {
        // someone else saved first: keep what is typed, take the newest version, save again sends the changes
        const fresh = await get(`/api/v1/known-errors/${k.id}`).catch(() => null);
        if (fresh) version = fresh.version;
        showError(err, new Error(bi(e.message) + ' ' + t('prb.stale_hint')));
        return;
      }
      // match_rules[i]: the i-th non-empty rule's input
      const m = /^match_rules\[(\d+)\]$/.exec(e.field || '');
      const filled = ruleInputs().filter((i) => i.value.trim());
      const at = m ? filled[Number(m[1])] : e.field === 'match_rules' ? filled[0] : e.field === 'ci_ids' ? (can('ci.read') ? ciAdd : null) : inputs[e.field];
      fieldError(at || null, err, e);
    }
  });
  const back = k ? h('a', { href: `#/known-errors/${k.id}` }, k.number) : null;
  ctx.el.append(h('p', { class: 'crumbs' }, h('a', { href: '#/known-errors' }, t('nav.known_errors')), back ? [' / ', back] : null),
    h('h1', {}, k ? t('ke.edit_title', { n: k.number }) : t('ke.new_title')), form);
  was = k ? values() : was;
}
