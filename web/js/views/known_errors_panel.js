// known_errors_panel.js — the known errors that match an incident or an event
// (docs/known-errors.md): "已知错误 KE-…：临时解决办法 …", with an apply
// button on an incident for those who may write records (once per known
// error; applied ones say so).  A small panel the incident and event pages
// embed; it loads once and again after an apply.
import { t, bi } from '../i18n.js';
import { get, post } from '../api.js';
import { h, clear, button } from '../dom.js';
import { can } from '../main.js';

// kind: 'incident' or 'event'; id: its id.  Returns the panel element.
export function knownErrorsPanel(kind, id) {
  const box = h('div', { class: 'ke-matches', 'data-testid': 'ke-matches' });
  const base = kind === 'incident' ? `/api/v1/incidents/${id}` : `/api/v1/events/${id}`;
  async function load() {
    try {
      const page = await get(`${base}/known-errors?limit=20`);
      if (!page.items.length) {
        clear(box);
        return;
      }
      clear(box, h('h2', {}, t('ke.matches')), h('ul', { class: 'ke-list' }, page.items.map((k) => h('li', { 'data-testid': 'ke-match', 'data-ke': k.number },
        h('strong', {}, t('ke.line', { number: k.number })), ' ', k.title,
        h('div', { class: 'ke-workaround' }, t('ke.workaround_label'), ' ', k.workaround || '—'),
        kind === 'incident' && k.applied ? h('span', { class: 'ok', 'data-testid': 'ke-applied' }, t('ke.applied')) : null,
        kind === 'incident' && !k.applied && can('record.write')
          ? button(t('ke.apply'), async (ev) => {
            ev.target.disabled = true;
            try {
              await post(`${base}/apply-known-error`, { ke_id: k.id });
              await load();
            } catch (err) {
              ev.target.disabled = false;
              box.append(h('p', { class: 'error', role: 'alert' }, bi(err.message)));
            }
          }, { 'data-testid': 'ke-apply' })
          : null))));
    } catch (err) {
      clear(box); // nothing to show (out of scope, or no permission)
    }
  }
  load();
  return box;
}
