// drill_scores.js — the drill page's participants and manual scores (演练评分;
// docs/drills.md "人工评分", R-PLAN-2): each participant with their role in the
// drill (commander, coordinator, operator, observer, evaluator), their 1–5
// scores per item and their mean; the whole drill's score and note per item
// and the overall mean; and, while the drill runs or is evaluated, the form
// the evaluator scores with (PUT /api/v1/drills/{id}/scores: the whole drill
// or one participant, one item, 1–5, a note).  The totals are the server's
// (the scorecard's `manual` part).
import { t, tOr } from '../i18n.js';
import { put } from '../api.js';
import { h, clear, field, select, table, tr, fieldError, announce } from '../dom.js';
import { can } from '../main.js';

const ITEMS = ['communication', 'coordination', 'command', 'handling'];
const SCORABLE = ['running', 'evaluated'];

const itemName = (k) => tOr('drl.item_' + k, k);
const roleName = (k) => (k ? tOr('drl.role_' + k, k) : '—');
const num = (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(2));

// names of the users: the people list's (drill_people.js), then the scorecard's recipients
function namesOf(card, known) {
  const m = new Map(known || []);
  for (const u of card.participants || []) m.set(u.id, u.display_name || u.username);
  return m;
}

export function scoresPart(known) {
  const el = h('div', { 'data-testid': 'drill-scores' });
  const view = h('div', {});
  const formBox = h('div', {});
  el.append(view, formBox);
  let formFor = '';

  function load(d, card) {
    const man = (card && card.manual) || { items: [], participants: [], overall: null };
    const names = namesOf(card || {}, known);
    const who = (uid) => names.get(uid) || '#' + uid;
    clear(view,
      h('h3', {}, t('drl.participants_roles')),
      man.participants.length
        ? table([t('drl.participant'), t('drl.role'), ...ITEMS.map(itemName), t('drl.average')],
          man.participants.map((p) => tr(who(p.user_id), roleName(p.role),
            ...ITEMS.map((k) => (p.scores[k] === undefined ? '—' : String(p.scores[k]))), num(p.average))),
          { cls: 'drill-participants' })
        : h('p', { class: 'note' }, t('drl.no_participants')),
      h('h3', {}, t('drl.manual_scores')),
      table([t('drl.item'), t('drl.score_1_5'), t('drl.note')],
        man.items.map((it) => tr(itemName(it.item), it.score === null ? '—' : String(it.score), it.note || '')),
        { cls: 'drill-manual' }),
      h('p', { 'data-testid': 'drill-overall' }, t('drl.overall'), ': ', h('strong', {}, num(man.overall))));
    const scorable = can('record.write') && SCORABLE.includes(d.state);
    const key = scorable ? d.id + ':' + man.participants.map((p) => p.user_id).join(',') : '';
    if (key !== formFor) {
      formFor = key;
      clear(formBox, scorable ? scoreForm(d, man, who) : []);
    }
  }

  let onSaved = async () => {};
  function scoreForm(d, man, who) {
    const target = select([['0', t('drl.whole_drill')], ...man.participants.map((p) => [String(p.user_id), `${who(p.user_id)} (${roleName(p.role)})`])],
      '0', { name: 'score_target' });
    const item = select(ITEMS.map((k) => [k, itemName(k)]), ITEMS[0], { name: 'score_item' });
    const score = select([1, 2, 3, 4, 5].map((n) => [String(n), String(n)]), '3', { name: 'score_value' });
    const note = h('input', { name: 'score_note', maxlength: 500 });
    const err = h('p', { class: 'error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form', 'data-testid': 'drill-score-form', novalidate: true },
      field(t('drl.score_target'), target), field(t('drl.item'), item), field(t('drl.score_1_5'), score),
      field(t('drl.note'), note), err, h('button', { type: 'submit', class: 'primary' }, t('drl.score_save')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { item: item.value, score: Number(score.value) };
      if (target.value !== '0') body.user_id = Number(target.value);
      if (note.value.trim()) body.note = note.value.trim();
      try {
        await put(`/api/v1/drills/${d.id}/scores`, body);
        announce(t('drl.score_saved'));
        note.value = '';
        err.hidden = true;
        await onSaved();
      } catch (e) { fieldError({ item, score, user_id: target, note }[e.field] || null, err, e); }
    });
    return h('details', { class: 'edit-box', open: true }, h('summary', {}, t('drl.score_enter')), form);
  }

  return { el, load, onSaved: (fn) => { onSaved = fn; } };
}
