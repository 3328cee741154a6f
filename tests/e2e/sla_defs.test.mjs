// sla_defs.test.mjs — the reports screen lists the policy's report
// definitions (R-SLA-6; modules-spec §1.10; docs/service-levels.md "报告定义"):
// with a policy holding a fifth, custom definition `special` (专项安全报告),
// the generate control shows one button per definition, titled in the
// reader's language, and the run list's kind filter offers the same five;
// the custom report is generated from its button (OMR-SEC-…, its title in
// the head), and the filter shows only the runs of the chosen kind.
// Screenshots (desktop, and English on a 390 px phone without horizontal
// scroll): tests/e2e/artifacts/report-defs-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Server, launchBrowser, artifact, ROOT, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
const SPECIAL = `    special:
      zh: 专项安全报告
      en: special security report
      period: month
      code: SEC
      sections: [problems, improvements, trend, next_month_plan]
      manual: [improvements]
      file_within: 3d
      reviewer: ops_leader
      recipients: [ops_department_head, emergency_leadership]
`;
const KEYS = ['weekly', 'monthly', 'quarterly', 'annual', 'special'];
let srv, browser, dir, eng;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'opsdesk-e2e-policy-'));
  const policy = join(dir, 'policy.yaml');
  const text = readFileSync(join(ROOT, 'policy', 'default.yaml'), 'utf8');
  const anchor = '      file_within: 14d\n\n# Key positions';
  assert.equal(text.split(anchor).length, 2, 'the shipped policy ends sla.reports with the annual report');
  writeFileSync(policy, text.replace(anchor, '      file_within: 14d\n' + SPECIAL + '\n# Key positions'));
  srv = await new Server().start(['--policy', policy]);
  browser = await launchBrowser();
  await srv.must('POST', '/api/v1/test/clock', { set: '2027-03-10T12:00:00+08:00' });
  eng = (await srv.makeUser('defs_eng', ['ops_engineer'])).token;
  // a weekly run already there, generated through the API
  await srv.must('POST', '/api/v1/reports/runs', { kind: 'weekly' }, eng);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function signIn(lang) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: lang, timezoneId: 'Asia/Shanghai' });
  await ctx.addInitScript((l) => localStorage.setItem('opsdesk.lang', l), lang);
  const p = await ctx.newPage();
  await p.goto(srv.base + '/#/reports');
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'defs_eng');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('[data-testid=report-generate] button', WAIT);
  return [ctx, p];
}

const buttons = (p) => p.$$eval('[data-testid=report-generate] button', (bs) => bs.map((b) => [b.dataset.testid, b.innerText.trim()]));
const options = (p) => p.$$eval('[data-testid=report-kind] option', (os) => os.map((o) => [o.value, o.textContent]));
const rows = (p) => p.$$eval('[data-testid=report-list] tbody tr', (trs) => trs.map((tr) => [...tr.cells].slice(0, 2).map((c) => c.innerText.trim())));

test('the generate control and the kind filter list the five definitions; the custom one is generated and filtered', async () => {
  const [ctx, p] = await signIn('zh-CN');
  const zh = ['运维周报', '运维月报', '季度报告', '年度报告', '专项安全报告'];
  assert.deepEqual(await buttons(p), KEYS.map((k, i) => ['report-generate-' + k, '生成' + zh[i]]));
  assert.deepEqual(await options(p), [['', '全部类型'], ...KEYS.map((k, i) => [k, zh[i]])]);
  await p.waitForFunction(() => document.querySelectorAll('[data-testid=report-list] tbody tr a').length === 1, null, WAIT);
  assert.deepEqual(await rows(p), [['OMR-W-20270301-v1', '运维周报']]);
  await p.screenshot({ path: artifact('report-defs-list.png'), fullPage: true });

  // the custom definition from its button: February 2027, numbered with its code
  await p.click('[data-testid=report-generate-special]');
  await p.waitForSelector('[data-testid=report-head]', WAIT);
  assert.equal(await p.innerText('h1'), 'OMR-SEC-20270201-v1');
  assert.match(await p.innerText('[data-testid=report-head]'), /^专项安全报告 · /);
  assert.equal(await p.locator('[data-testid=manual-improvements]').count(), 1, 'its required manual section');

  // the list filtered by kind: all, then the custom kind, then the weekly
  await p.click('a[data-nav=reports]');
  await p.waitForFunction(() => document.querySelectorAll('[data-testid=report-list] tbody tr a').length === 2, null, WAIT);
  assert.deepEqual((await rows(p)).map((r) => r[1]).sort(), ['专项安全报告', '运维周报']);
  await p.selectOption('[data-testid=report-kind]', 'special');
  await p.waitForFunction(() => document.querySelectorAll('[data-testid=report-list] tbody tr a').length === 1, null, WAIT);
  assert.deepEqual(await rows(p), [['OMR-SEC-20270201-v1', '专项安全报告']]);
  await p.screenshot({ path: artifact('report-defs-filtered.png'), fullPage: true });
  await p.selectOption('[data-testid=report-kind]', 'weekly');
  await p.waitForFunction(() => (document.querySelector('[data-testid=report-list] tbody tr a') || {}).innerText === 'OMR-W-20270301-v1', null, WAIT);
  assert.deepEqual(await rows(p), [['OMR-W-20270301-v1', '运维周报']]);
  await ctx.close();
});

test('in English the definitions carry their English titles', async () => {
  const [ctx, p] = await signIn('en');
  const en = ['weekly O&M report', 'monthly O&M report', 'quarterly O&M report', 'annual O&M report', 'special security report'];
  assert.deepEqual(await buttons(p), KEYS.map((k, i) => ['report-generate-' + k, 'Generate the ' + en[i]]));
  assert.deepEqual(await options(p), [['', 'All kinds'], ...KEYS.map((k, i) => [k, en[i]])]);
  await p.selectOption('[data-testid=report-kind]', 'special');
  await p.waitForFunction(() => document.querySelectorAll('[data-testid=report-list] tbody tr a').length === 1
    && document.querySelector('[data-testid=report-list] tbody tr a').innerText.startsWith('OMR-SEC-'), null, WAIT);
  assert.deepEqual(await rows(p), [['OMR-SEC-20270201-v1', 'special security report']]);
  await p.screenshot({ path: artifact('report-defs-en.png'), fullPage: true });
  // on a 390 px phone the five buttons wrap: no horizontal scroll
  await p.setViewportSize({ width: 390, height: 844 });
  await p.waitForTimeout(150);
  const m = await p.evaluate(() => ({ sw: document.documentElement.scrollWidth, bw: document.body.scrollWidth, iw: window.innerWidth }));
  assert.ok(m.sw <= m.iw && m.bw <= m.iw, `${m.sw}/${m.bw} px wide on a ${m.iw} px screen`);
  await p.screenshot({ path: artifact('report-defs-phone.png'), fullPage: true });
  await ctx.close();
});
