// app.js — a minimal page over the REST API: sign in, open incidents, the
// quick-reference matrix.  The full UI is issue 6.
const $ = (s) => document.querySelector(s);
let token = sessionStorage.getItem('opsdesk-token');

async function api(path, opts = {}) {
  const r = await fetch(path, { ...opts, headers: { 'Content-Type': 'application/json',
    ...(token ? { Authorization: 'Bearer ' + token } : {}) } });
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new Error(body && body.error ? body.error.message : r.status);
  return body;
}

function cell(tr, text) { const td = document.createElement('td'); td.textContent = text ?? '—'; tr.appendChild(td); }

async function showDesk() {
  const me = await api('/api/v1/auth/me');
  $('#who').textContent = me.username + ' · ' + me.roles.join(', ');
  $('#login-box').hidden = true; $('#desk').hidden = false;
  try {
    const list = await api('/api/v1/incidents?limit=100');
    const tb = $('#incidents tbody'); tb.textContent = '';
    for (const i of list.items.filter((x) => !['closed', 'reviewed'].includes(x.state))) {
      const tr = document.createElement('tr');
      [i.number, i.title, i.state_zh, i.level, i.response_level, i.handling_deadline].forEach((v) => cell(tr, v));
      tb.appendChild(tr);
    }
  } catch (e) { $('#incidents tbody').textContent = e.message; }
  try {
    const t = await api('/api/v1/policy/table');
    const tb = $('#matrix tbody'); tb.textContent = '';
    for (const [lv, row] of Object.entries(t.response_matrix)) {
      const tr = document.createElement('tr');
      cell(tr, t.levels[lv].name_zh + ' ' + lv);
      ['severe', 'moderate', 'minor'].forEach((s) => cell(tr, row[s]));
      tb.appendChild(tr);
    }
  } catch (e) { $('#matrix tbody').textContent = e.message; }
}

$('#login').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    const r = await api('/api/v1/auth/login', { method: 'POST',
      body: JSON.stringify({ username: $('#u').value, password: $('#p').value }) });
    token = r.token; sessionStorage.setItem('opsdesk-token', token);
    await showDesk();
  } catch (e) { $('#login-err').textContent = e.message; }
});

if (token) showDesk().catch(() => { token = null; sessionStorage.removeItem('opsdesk-token'); });
