// deliveries.js — the delivery log (投递记录, R-NOT-7): every send attempt of
// every message, newest first (GET /api/v1/deliveries), so the desk finds
// what did not reach people without opening each incident.  Filters: state
// (failed first of all), channel, recipient (a name in a row filters by that
// person), a Beijing-time range.  Failed attempts are red with the channel's
// error; a failed message can be sent again (重发) by report writers.  Paged
// by the keyset cursor (next_before_id), refreshed every 15 s without
// rebuilding rows that did not change; CSV of every matching attempt.
import { t, tOr, bi } from '../i18n.js';
import { get, post, qs } from '../api.js';
import { h, clear, field, select, table, tr, fmtTime, button, badge, patch, csvButton, localInputToIso, announce } from '../dom.js';
import { can } from '../main.js';

const PAGE = 50;
const STATES = ['failed', 'retry', 'interrupted', 'sent'];
const CHANNELS = ['sms', 'email', 'personal_bot', 'group_bot', 'bot', 'inbox', 'web'];

// the kind in words, and the configured channel's name when it says more (sms-gw)
function channelText(d) {
  const kind = d.channel_kind || d.channel;
  const name = tOr('channel.' + kind, kind);
  return d.channel && d.channel !== kind && d.channel !== 'personal_bot' ? `${name} · ${d.channel}` : name;
}

export async function deliveriesView(ctx) {
  const state = select([['', t('dlog.any_state')], ...STATES.map((s) => [s, t('dlog.st_' + s)])], '', { name: 'status' });
  const channel = select([['', t('dlog.any_channel')], ...CHANNELS.map((c) => [c, tOr('channel.' + c, c)])], '', { name: 'channel' });
  const from = h('input', { type: 'datetime-local', name: 'from' });
  const to = h('input', { type: 'datetime-local', name: 'to' });
  const who = h('p', { class: 'note', 'data-testid': 'dlog-recipient', hidden: true });
  const body = h('div', { 'data-testid': 'dlog-list' });
  const pg = h('div', { class: 'pager', 'data-testid': 'dlog-pager' });
  const err = h('p', { class: 'error', role: 'alert', hidden: true });
  let recipient = null; // {id, name}
  let cursors = [0]; // before_id of each page seen (0 = the newest)
  let page = 0;
  let last = null;
  const params = () => ({ status: state.value, channel: channel.value, recipient_id: recipient ? recipient.id : '',
    from: localInputToIso(from.value), to: localInputToIso(to.value) });
  const form = h('form', { class: 'filters', role: 'search' },
    field(t('dlog.state'), state), field(t('dlog.channel'), channel),
    field(t('dlog.from'), from, { hint: t('time.input_zone') }), field(t('dlog.to'), to, { hint: t('time.input_zone') }),
    h('button', { type: 'submit' }, t('common.search')),
    csvButton('deliveries', (lim, off) => get('/api/v1/deliveries' + qs({ ...params(), limit: lim, offset: off })),
      [[t('dlog.at'), (d) => fmtTime(d.at)], [t('dlog.incident'), (d) => d.incident_number || ''],
        [t('dlog.recipient'), (d) => d.recipient_name || t('dv.group_bot')], [t('dlog.channel'), (d) => channelText(d)],
        [t('dlog.state'), (d) => t('dlog.st_' + d.status)], [t('dlog.error'), (d) => bi(d.error || '')]]));
  for (const c of [state, channel]) c.addEventListener('change', () => restart());
  form.addEventListener('submit', (ev) => { ev.preventDefault(); restart(); });
  ctx.el.append(h('div', { class: 'page-head' }, h('h1', {}, t('dlog.title'))),
    h('p', { class: 'note' }, t('dlog.note')), form, who, err, body, pg);

  function restart() { cursors = [0]; page = 0; load(); }

  async function load() {
    let r;
    try {
      r = await get('/api/v1/deliveries' + qs({ ...params(), limit: PAGE, before_id: cursors[page] || '' }));
    } catch (e) {
      if (!ctx.alive()) return;
      err.hidden = false;
      clear(err, bi(e.message));
      return;
    }
    if (!ctx.alive()) return;
    err.hidden = true;
    const newFailed = last && page === 0 ? r.items.filter((d) => d.status === 'failed' && !last.items.some((x) => x.id === d.id)).length : 0;
    if (newFailed) announce(t('dlog.new_failed', { n: newFailed }));
    last = r;
    cursors[page + 1] = r.next_before_id || 0;
    who.hidden = !recipient;
    if (recipient) clear(who, t('dlog.only_recipient', { name: recipient.name }), ' ', button(t('dlog.everyone'), () => { recipient = null; restart(); }, { 'data-testid': 'dlog-everyone' }));
    patch(body, [r.items, r.total], () => rows(r));
    patch(pg, [page, r.items.length, r.total, r.next_before_id], () => [
      h('span', { 'data-testid': 'page-info' }, t('common.page_info', { from: r.items.length ? page * PAGE + 1 : 0, to: page * PAGE + r.items.length, total: r.total })),
      h('button', { type: 'button', 'data-testid': 'page-first', disabled: page === 0, onclick: () => { page = 0; load(); } }, t('common.first')),
      h('button', { type: 'button', 'data-testid': 'page-prev', disabled: page === 0, onclick: () => { page -= 1; load(); } }, t('common.prev')),
      h('button', { type: 'button', 'data-testid': 'page-next', disabled: !r.next_before_id, onclick: () => { page += 1; load(); } }, t('common.next'))]);
  }

  function rows(r) {
    if (!r.items.length) return h('p', { class: 'note', 'data-testid': 'dlog-empty' }, t('dlog.empty'));
    return table([t('dlog.at'), t('dlog.incident'), t('dlog.recipient'), t('dlog.channel'), t('dlog.kind'), t('dlog.state'), t('dlog.error')],
      r.items.map((d) => {
        const bad = d.status === 'failed';
        const canRetry = bad && d.outbox_id && d.message_status === 'failed' && can('incident.report');
        const row = tr(fmtTime(d.at),
          d.incident_id ? h('a', { href: `#/incidents/${d.incident_id}` }, d.incident_number || '#' + d.incident_id) : '—',
          d.recipient_id ? h('a', { href: '#/deliveries', 'data-testid': 'dlog-who-' + d.id,
            onclick: (ev) => { ev.preventDefault(); recipient = { id: d.recipient_id, name: d.recipient_name || '#' + d.recipient_id }; restart(); } },
          d.recipient_name || '#' + d.recipient_id) : t('dv.group_bot'),
          channelText(d), tOr('msgkind.' + d.kind, d.kind),
          h('span', {}, badge(t('dlog.st_' + d.status), 'dv-' + d.status), d.message_attempts > 1 ? ' ' + t('dv.attempts', { n: d.message_attempts }) : ''),
          h('span', { class: bad ? 'failed-msg' : '' }, d.error ? bi(d.error) : (d.http_status ? t('dlog.http', { code: d.http_status }) : ''),
            canRetry ? [' ', button(t('dv.retry'), () => retry(d.outbox_id), { 'data-testid': 'dlog-retry-' + d.id })] : null));
        row.dataset.testid = 'dlog-row-' + d.id;
        if (bad) row.classList.add('failed');
        return row;
      }), { cls: 'dlog' });
  }

  async function retry(mid) {
    try {
      await post(`/api/v1/messages/${mid}/retry`);
      announce(t('dv.retried'));
    } catch (e) {
      err.hidden = false;
      clear(err, bi(e.message));
    }
    load();
  }

  await load();
  ctx.every(15000, () => { if (page === 0) load(); });
}
