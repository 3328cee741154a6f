// ci_pick.js — one CI chosen from the server's search, for the forms and
// filters that pick a single CI (the events list's CI filter, a maintenance
// window's CI, a record's CIs): a search box asks GET /api/v1/cis?q=…
// (250 ms after the last keystroke; an older answer never overwrites a newer
// one) and a native <select> lists the answer, the chosen CI always first
// and kept whatever the search, so every CI of a large CMDB can be picked —
// not only the first 500.  A note says when more CIs match than are shown.
import { t } from './i18n.js';
import { get, qs } from './api.js';
import { h, clear } from './dom.js';

const PAGE = 50;
const DELAY = 250;

// name: the select's name; empty: the label of the "none" option (null: no
// such option); value / valueName: the CI chosen at the start.  Returns
// {search, select, note, ready, set(id, name)}; `change` fires on select.
export function ciPick({ name, empty = null, value = null, valueName = '', exclude = null, onError = null } = {}) {
  const search = h('input', { type: 'search', name: name + '_q', autocomplete: 'off' });
  const sel = h('select', { name });
  const note = h('small', { class: 'note', 'data-testid': name + '-more', hidden: true });
  let chosen = value ? { id: Number(value), name: valueName || '#' + value } : null;
  let items = [];
  let seq = 0;
  let timer = null;
  function draw() {
    const cur = sel.value ? Number(sel.value) : (chosen ? chosen.id : null);
    const list = items.filter((c) => c.id !== exclude && (!chosen || c.id !== chosen.id));
    clear(sel, empty !== null ? h('option', { value: '' }, empty) : null,
      chosen ? h('option', { value: String(chosen.id) }, chosen.name) : null,
      list.map((c) => h('option', { value: String(c.id) }, c.name)));
    sel.value = cur ? String(cur) : '';
    if (sel.selectedIndex < 0 && sel.options.length) sel.selectedIndex = 0;
  }
  async function run() {
    const my = ++seq;
    const q = search.value.trim();
    try {
      const r = await get('/api/v1/cis' + qs({ q, limit: PAGE }));
      if (my !== seq) return; // a later search answers instead
      items = r.items || [];
      draw();
      note.hidden = !(r.total > items.length) && !(q && !items.length);
      clear(note, q && !items.length ? t('inc.ci_none_match') : t('inc.ci_more', { n: items.length, total: r.total }));
      sel.dataset.q = q;
    } catch (e) { if (my === seq && onError) onError(e); }
  }
  sel.addEventListener('change', () => {
    const id = sel.value ? Number(sel.value) : null;
    const c = items.find((x) => x.id === id) || (chosen && chosen.id === id ? chosen : null);
    chosen = c ? { id: c.id, name: c.name } : null;
  });
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, DELAY); });
  // Enter searches at once and never submits the form around the picker
  search.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); clearTimeout(timer); run(); } });
  draw();
  const ready = run();
  return {
    search, select: sel, note, ready,
    set(id, nm) { chosen = id ? { id: Number(id), name: nm || '#' + id } : null; draw(); },
  };
}
