// ui_paint.mjs — the UI's first meaningful paint of the dashboard and the
// incident list in headless Chromium, against a running opsdesk (bench/scale.py
// --ui runs it on the generated data; the target of the scale work: ≤ 1 s).
//
//   node bench/ui_paint.mjs --base http://127.0.0.1:PORT --user U --password P [--n 10]
//
// Signs in once through the form, then for each sample opens the screen in a
// new browser context (empty HTTP cache, the session cookie and the local
// storage copied in) and
// records, from the navigation's start (performance.timeOrigin):
// - first contentful paint (the browser's own "paint" entry);
// - meaningful: the first animation frame in which the screen shows its data —
//   the dashboard's KPI cards with the "refreshed" stamp written (set after
//   /api/v1/dashboard answered and was drawn), the incident list's first
//   table row;
// then the same once more in the same context (cache warm).  Prints one line
// of JSON per screen: medians and maxima in ms.  Loopback only; nothing is
// asserted.
import { launchBrowser } from '../tests/e2e/harness.mjs';

function arg(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

const base = arg('base');
const user = arg('user');
const password = arg('password');
const n = Number(arg('n', '10'));
if (!base || !user || !password || !(n > 0)) {
  console.error('usage: node bench/ui_paint.mjs --base URL --user U --password P [--n N]');
  process.exit(2);
}
if (!/^http:\/\/(127\.\d+\.\d+\.\d+|\[::1\]|localhost)(:\d+)?$/.test(base)) {
  console.error('ui_paint: --base must be a loopback address');
  process.exit(2);
}

// each returns the time of the frame it first holds true in (null before)
const SCREENS = [
  { name: 'dashboard', hash: '#/dashboard',
    ready: () => (document.querySelector('[data-testid=kpis] .kpi') && document.querySelector('[data-testid=refreshed]')?.textContent
      ? performance.now() : null) },
  { name: 'incident list', hash: '#/incidents',
    ready: () => (document.querySelector('[data-testid=incident-list] tbody tr') ? performance.now() : null) },
];

const WAIT = { timeout: 60000 };
const med = (v) => { const s = [...v].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : null; };
const round = (x) => (x == null ? null : Math.round(x * 10) / 10);

// one visit: the time of the first frame with the data, and the FCP
async function visit(page, screen) {
  await page.goto(`${base}/${screen.hash}`, { waitUntil: 'commit' });
  const meaningful = await page.waitForFunction(screen.ready, null, { ...WAIT, polling: 'raf' });
  const ms = await meaningful.jsonValue();
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
  return { ms, fcp };
}

const browser = await launchBrowser();
try {
  const signin = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
  const p = await signin.newPage();
  await p.goto(`${base}/#/dashboard`);
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', user);
  await p.fill('input[name=password]', password);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('header.top:not([hidden])', WAIT);
  const storage = await signin.storageState();
  await signin.close();
  for (const screen of SCREENS) {
    const cold = [], warm = [], fcp = [];
    for (let i = 0; i < n; i++) {
      const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 }, storageState: storage });
      const page = await ctx.newPage();
      const a = await visit(page, screen);
      cold.push(a.ms);
      if (a.fcp != null) fcp.push(a.fcp);
      const page2 = await ctx.newPage();
      warm.push((await visit(page2, screen)).ms);
      await ctx.close();
    }
    console.log(JSON.stringify({
      screen: screen.name, n,
      fcp_median_ms: round(med(fcp)),
      meaningful_cold_median_ms: round(med(cold)), meaningful_cold_max_ms: round(Math.max(...cold)),
      meaningful_warm_median_ms: round(med(warm)), meaningful_warm_max_ms: round(Math.max(...warm)),
    }));
  }
} finally {
  await browser.close();
}
