// main.js — boot, session and the hash router.  Each view is a function
// (ctx, params) that fills ctx.el; timers it starts through ctx.every() stop
// when the person navigates away.  Switching the language re-renders the
// current view from the catalogue.
import { t, bi, loadLang, currentLang, applyStatic } from './i18n.js';
import { get, post, setCsrf, setBearer, setUnauthorizedHandler } from './api.js';
import { h, clear, tickCountdowns, textChart } from './dom.js';
import { loginView } from './views/login.js';
import { dashboardView } from './views/dashboard.js';
import { incidentListView, incidentNewView } from './views/incidents.js';
import { incidentView, incidentReportView } from './views/incident.js';
import { cmdbListView, ciView, ciEditView } from './views/cmdb.js';
import { eventsView } from './views/events.js';
import { policyView } from './views/policy.js';
import { unverifiedView, eventReviewView } from './views/reviews.js';
import { casesView } from './views/cases.js';
import { accountView } from './views/account.js';
import { usersView, userView } from './views/users.js';
import { auditView, apiKeysView } from './views/admin.js';
// workflow records: problems and known errors (the kernel's generic parts in record_parts.js)
import { problemListView, problemNewView, problemView } from './views/problems.js';
import { knownErrorSearchView, knownErrorView } from './views/known_errors.js';
import { problemCandidatesView } from './views/problem_candidates.js';
import { knownErrorNewView, knownErrorEditView } from './views/known_error_form.js';
import { recordRedirectView } from './views/record_parts.js';
import { slaView, reportsView, reportView } from './views/sla.js';
import { contactsView, desksView } from './views/contacts.js';
import { deliveriesView } from './views/deliveries.js';
import { drillListView, drillNewView, drillView } from './views/drills.js';
import { planListView, planView } from './views/plans.js';
import { trainingView, trainingSessionView } from './views/training.js';


export const session = { me: null };
// index.html loads echarts async: it does not hold up the modules or the first paint
const echartsReady = new Promise((ok) => {
  if (window.echarts) ok();
  else document.getElementById('echarts-lib').addEventListener('load', ok, { once: true });
});
const RETURN_KEY = 'opsdesk.return';

// [path, view, nav key, permission the screen needs (null = any signed-in person)]
const routes = [
  [/^\/login$/, loginView, 'login', null],
  [/^\/dashboard$/, dashboardView, 'dashboard', 'incident.read'],
  [/^\/incidents(?:\?.*)?$/, incidentListView, 'incidents', 'incident.read'],
  [/^\/incidents\/new$/, incidentNewView, 'incidents', 'incident.create'],
  [/^\/incidents\/(\d+)$/, incidentView, 'incidents', 'incident.read'],
  [/^\/incidents\/(\d+)\/report$/, incidentReportView, 'incidents', 'incident.read'],
  [/^\/cmdb$/, cmdbListView, 'cmdb', 'ci.read'],
  [/^\/cmdb\/new$/, ciEditView, 'cmdb', 'ci.write'],
  [/^\/cmdb\/(\d+)$/, ciView, 'cmdb', 'ci.read'],
  [/^\/cmdb\/(\d+)\/edit$/, ciEditView, 'cmdb', 'ci.write'],
  [/^\/events$/, eventsView, 'events', 'event.read'],
  [/^\/policy$/, policyView, 'policy', 'policy.read'],
  [/^\/cases$/, casesView, 'cases', 'incident.read'],
  [/^\/account$/, accountView, 'account', null],
  [/^\/users$/, usersView, 'users', 'user.read'],
  [/^\/users\/(\d+)$/, userView, 'users', 'user.read'],
  [/^\/audit$/, auditView, 'audit', 'audit.read'],
  [/^\/api-keys$/, apiKeysView, 'apikeys', 'apikey.admin'],
  [/^\/problems$/, problemListView, 'problems', 'record.read'],
  [/^\/problems\/new$/, problemNewView, 'problems', 'record.write'],
  [/^\/problems\/(\d+)$/, problemView, 'problems', 'record.read'],
  [/^\/known-errors(?:\?.*)?$/, knownErrorSearchView, 'knownerrors', 'record.read'],
  [/^\/known-errors\/(\d+)$/, knownErrorView, 'knownerrors', 'record.read'],
  [/^\/records\/(\d+)$/, recordRedirectView, 'problems', 'record.read'],
  [/^\/problems\/candidates$/, problemCandidatesView, 'problems', 'record.read'],
  [/^\/known-errors\/new(?:\?.*)?$/, knownErrorNewView, 'knownerrors', 'record.write'],
  [/^\/known-errors\/(\d+)\/edit$/, knownErrorEditView, 'knownerrors', 'record.write'],
  [/^\/sla$/, slaView, 'sla', 'incident.read'],
  [/^\/reports$/, reportsView, 'reports', 'incident.read'],
  [/^\/reports\/(\d+)$/, reportView, 'reports', 'incident.read'],
  // the periodic reviews (reviews.js), reached from the CMDB and events screens
  [/^\/cmdb-unverified$/, unverifiedView, 'cmdb', 'ci.read'],
  [/^\/events-review$/, eventReviewView, 'events', 'event.read'],
  // desk owners and vendor / customer contacts (contacts.js), reached from the CMDB screen
  [/^\/contacts$/, contactsView, 'cmdb', 'ci.read'],
  [/^\/desks$/, desksView, 'policy', 'policy.read'],
  // the delivery log of every message (deliveries.js)
  [/^\/deliveries$/, deliveriesView, 'deliveries', 'incident.read'],
  [/^\/drills$/, drillListView, 'drills', 'record.read'],
  [/^\/drills\/new$/, drillNewView, 'drills', 'record.write'],
  [/^\/drills\/(\d+)$/, drillView, 'drills', 'record.read'],
  [/^\/training$/, trainingView, 'training', 'record.read'],
  [/^\/training\/sessions\/(\d+)$/, trainingSessionView, 'training', 'record.read'],
  [/^\/plans$/, planListView, 'plans', 'record.read'],
  [/^\/plans\/(\d+)$/, planView, 'plans', 'record.read'],
];

let current = null; // {timers, charts}

function stopCurrent() {
  if (!current) return;
  for (const id of current.timers) clearInterval(id);
  for (const c of current.charts) c.dispose();
  for (const fn of current.cleanups) fn();
  current = null;
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

export function hasRole(...roles) { return !!session.me && roles.some((r) => session.me.roles.includes(r)); }
export function can(perm) { return !perm || (!!session.me && (session.me.permissions || []).includes(perm)); }

// Where a user lands: the first screen their permissions open — the
// dashboard for operational roles; the three separated administrators
// (三权分立) hold no incident permission, so the sysadmin and secadmin land
// on the users screen and the auditor on the audit trail; someone without
// a role on their account page, which says so.
function home() {
  if (session.me && session.me.must_change_password) return '#/account'; // the initial password first
  if (can('audit.read')) return '#/audit';
  if (can('incident.read')) return '#/dashboard';
  if (can('user.read')) return '#/users';
  if (can('record.read')) return '#/problems'; // the workflow modules' roles
  return '#/account';
}

// The kiosk: #/wall?key=<display key> keeps the key in this browser and
// shows the wall screen alone, read through that key — no sign-in, no
// session to expire; a revoked key shows why the screen stopped.
const KIOSK_KEY = 'opsdesk.display';
async function kiosk(path) {
  const m = path.match(/[?&]key=([A-Za-z0-9_-]{16,128})/);
  if (m) {
    localStorage.setItem(KIOSK_KEY, m[1]);
    history.replaceState(null, '', '#/wall'); // the key does not stay in the address bar
  }
  const key = localStorage.getItem(KIOSK_KEY);
  stopCurrent();
  const el = document.getElementById('view');
  clear(el);
  document.body.classList.add('kiosk');
  document.body.dataset.view = 'dashboard';
  if (!key) {
    el.append(h('p', { class: 'panel', 'data-testid': 'kiosk-nokey' }, t('kiosk.no_key')));
    return;
  }
  setBearer(key);
  const ctx = newCtx(el);
  await dashboardView(ctx, []);
}

async function route() {
  const raw = (location.hash || '').slice(1);
  if (raw === '/wall' || raw.startsWith('/wall?')) return kiosk(raw);
  document.body.classList.remove('kiosk');
  setBearer(null);
  if (!location.hash || location.hash === '#' || location.hash === '#/') {
    if (session.me) return go(home());
  }
  const path = (location.hash || '#/dashboard').slice(1) || '/dashboard';
  if (path !== '/login' && !session.me) {
    try {
      await loadMe();
    } catch {
      sessionStorage.setItem(RETURN_KEY, location.hash || '');
      location.hash = '#/login';
      return;
    }
  }
  // an initial password is changed before anything else (the API refuses the rest)
  if (session.me && session.me.must_change_password && path !== '/account' && path !== '/login') return go('#/account');
  const hit = routes.find(([re]) => re.test(path));
  stopCurrent();
  const el = document.getElementById('view');
  clear(el);
  setNavOpen(false);
  document.body.dataset.view = hit ? hit[2] : 'none';
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === document.body.dataset.view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.getElementById('top').hidden = path === '/login';
  if (!hit) {
    el.append(t('common.not_found'));
    return;
  }
  if (!can(hit[3])) {
    // a clear page instead of a red 403 listing role keys
    el.append(h('div', { class: 'panel no-access', 'data-testid': 'no-access' },
      h('h1', {}, t('access.title')),
      h('p', {}, (session.me.roles || []).length ? t('access.no_permission') : t('access.no_role')),
      h('p', {}, h('a', { href: home() }, t('access.go_home')))));
    return;
  }
  const ctx = newCtx(el);
  try {
    await hit[1](ctx, path.match(hit[0]).slice(1));
  } catch (e) {
    if (e && e.status === 401) return;
    console.error(e);
    const p = document.createElement('p');
    p.className = 'error';
    p.setAttribute('role', 'alert');
    p.textContent = t('common.load_failed') + ' ' + (e && e.message ? bi(e.message) : '');
    el.append(p);
  }
}

// A view's context: its element, and the timers and charts that stop when
// the person navigates away.
function newCtx(el) {
  const ctx = {
    el, timers: [], charts: [], cleanups: [],
    every(ms, fn) { this.timers.push(setInterval(fn, ms)); },
    chart(container) {
      const make = () => {
        const c = window.echarts.init(container, null, { renderer: 'canvas' });
        // every option goes through textChart: tooltips are text, never HTML
        const setOption = c.setOption.bind(c);
        c.setOption = (option, ...rest) => setOption(textChart(option), ...rest);
        return c;
      };
      if (window.echarts) {
        const c = make();
        this.charts.push(c);
        return c;
      }
      // echarts (1 MB) loads on its own, after the first paint: until it has,
      // the chart keeps the options it is given and draws the last ones then
      let real = null, gone = false;
      const queued = [];
      const chart = {
        setOption: (...a) => (real ? real.setOption(...a) : queued.push(a)),
        resize: () => real && real.resize(),
        dispose: () => { gone = true; if (real) real.dispose(); },
      };
      echartsReady.then(() => {
        if (gone) return;
        real = make();
        for (const a of queued) real.setOption(...a);
      });
      this.charts.push(chart);
      return chart;
    },
    onLeave(fn) { this.cleanups.push(fn); },
    alive() { return current === this; },
  };
  current = ctx;
  return ctx;
}

// The phone menu: the navigation folds behind one button below 760 px.
function setNavOpen(open) {
  document.body.classList.toggle('nav-open', open);
  const b = document.getElementById('nav-toggle');
  if (b) b.setAttribute('aria-expanded', String(open));
}

export async function loadMe() {
  const me = await get('/api/v1/auth/me', { quiet401: true });
  session.me = me;
  setCsrf(me.csrf_token);
  document.getElementById('who').textContent = me.display_name || me.username;
  for (const li of document.querySelectorAll('#nav-main li[data-perm]')) li.hidden = !can(li.dataset.perm) || !!me.must_change_password;
  return me;
}

export function afterLogin(answer) {
  setCsrf(answer.csrf_token);
  return loadMe().then(() => {
    const back = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    go(back && back !== '#/login' ? back : home());
  });
}

function sessionLost() {
  if (location.hash === '#/login') return;
  session.me = null;
  setCsrf(null);
  sessionStorage.setItem(RETURN_KEY, location.hash || '');
  location.hash = '#/login';
}

async function boot() {
  await loadLang(currentLang());
  setUnauthorizedHandler(sessionLost);
  const sw = document.getElementById('lang-switch');
  sw.value = currentLang();
  sw.addEventListener('change', async () => {
    await loadLang(sw.value);
    applyStatic(document);
    route();
  });
  document.getElementById('logout').addEventListener('click', async () => {
    try { await post('/api/v1/auth/logout'); } catch { /* signed out anyway */ }
    session.me = null;
    setCsrf(null);
    sessionStorage.removeItem(RETURN_KEY);
    go('#/login');
  });
  document.getElementById('nav-toggle').addEventListener('click', () => setNavOpen(!document.body.classList.contains('nav-open')));
  // the skip link focuses the page's content without touching the hash (the router's)
  document.getElementById('skip').addEventListener('click', (ev) => {
    ev.preventDefault();
    document.getElementById('view').focus();
  });
  window.addEventListener('hashchange', route);
  setInterval(tickCountdowns, 1000);
  route();
}

boot();
