// sla.test.mjs — the service-level screen and the O&M reports in the browser
// (R-SLA-1, R-SLA-2, R-SLA-6): a month's platform availability and downtime
// budget with one approved hour of outage; the weekly report generated from
// the reports list, refused for review without its manual section, filled,
// submitted for review (draft → under_review; no longer editable) and the
// print view downloaded as A4 HTML; then filed by the department head (the
// policy's reviewer role, not its author) with a note — its SHA-256 shown —
// and distributed to the policy's recipients (modules-spec §1.10, §M4.5
// "Workflow": draft → under_review → filed → distributed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser;

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  await srv.must('POST', '/api/v1/test/clock', { set: '2027-03-10T12:00:00+08:00' });
  const eng = (await srv.makeUser('sla_eng', ['ops_engineer'])).token;
  const lead = (await srv.makeUser('sla_lead', ['ops_section_head'])).token;
  const ci = (await srv.must('POST', '/api/v1/cis', { name: 'portal-db', category: 'database', grade: 'L1', department: '运行部' }, eng)).id;
  await srv.must('POST', '/api/v1/services', { key: 'svc-portal', name: 'CIM 门户', ci_id: ci }, eng);
  // one hour of unplanned outage on Wednesday 03-03, entered by hand and approved by another person
  const iv = await srv.must('POST', '/api/v1/outage-intervals', { service: 'svc-portal', kind: 'unplanned',
    starts_at: '2027-03-03T10:00:00+08:00', ends_at: '2027-03-03T11:00:00+08:00' }, eng);
  await srv.must('POST', `/api/v1/outage-intervals/${iv.id}/approve`, undefined, lead);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

test('service levels of March; the weekly report filled, submitted for review and printed', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const p = await ctx.newPage();
  await p.goto(srv.base + '/#/sla');
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'sla_lead');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('[data-testid=sla-kpis]', WAIT);
  await p.fill('input[name=month]', '2027-03');
  await p.click('form.filters button[type=submit]');
  // 1 − 1 h / 744 h = 99.8655… % → 99.865 %; the month's budget 3.72 h, 2.72 h left
  await p.waitForFunction(() => document.querySelector('[data-testid=sla-platform]').innerText.includes('99.865 %'), null, WAIT);
  assert.match(await p.innerText('[data-testid=sla-downtime]'), /1\.00 h/);
  assert.match(await p.innerText('[data-testid=sla-budget-left]'), /2\.72 h/);
  assert.match(await p.innerText('[data-testid=sla-body]'), /CIM 门户/);
  await p.screenshot({ path: artifact('sla-month.png'), fullPage: true });

  // the weekly report of 03-01 – 03-08 (in force since Monday 03-08 08:00)
  await p.click('a[data-nav=reports]');
  await p.click('[data-testid=report-generate-weekly]');
  await p.waitForSelector('[data-testid=report-head]', WAIT);
  assert.equal(await p.innerText('h1'), 'OMR-W-20270301-v1');
  assert.match(await p.innerText('[data-testid=sla-platform]'), /99\.405 %/); // 1 − 1/168
  // generated 03-10 12:00: to be filed within two days
  assert.match(await p.innerText('[data-testid=review-file_due]'), /2027-03-12 12:00/);
  // submitting without the next week's plan is refused, with the reason
  await p.click('[data-testid=report-submit]');
  await p.waitForSelector('.error', WAIT);
  assert.match(await p.innerText('.error'), /下周运维服务规划/);
  await p.fill('[data-testid=manual-next_week_plan]', '下周完成门户数据库主备切换演练');
  await p.click('[data-testid=report-submit]');
  await p.waitForFunction(() => (document.querySelector('[data-testid=report-head]') || {}).innerText?.includes('审核中'), null, WAIT);
  assert.equal(await p.inputValue('[data-testid=manual-next_week_plan]'), '下周完成门户数据库主备切换演练');
  assert.equal(await p.locator('[data-testid=report-save]').count(), 0, 'a report under review cannot be edited');
  assert.equal(await p.locator('[data-testid=report-sha]').count(), 0, 'not filed yet: no hash');
  await p.screenshot({ path: artifact('report-submitted.png'), fullPage: true });

  // the print view: A4 HTML with the figures and the filled section
  const [print] = await Promise.all([ctx.waitForEvent('page', WAIT), p.click('[data-testid="dl-report.html"]')]);
  await print.waitForLoadState();
  const html = await print.content();
  assert.match(html, /size:A4/);
  assert.match(html, /99\.405 %/);
  assert.match(html, /下周完成门户数据库主备切换演练/);
  await print.screenshot({ path: artifact('report-print.png'), fullPage: true });
  await ctx.close();
});

test('the weekly report filed by the department head after review and distributed', async () => {
  await srv.makeUser('sla_head', ['ops_department_head']);
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const p = await ctx.newPage();
  await p.goto(srv.base + '/#/reports/1');
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'sla_head');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('[data-testid=report-file]', WAIT);
  assert.equal(await p.innerText('h1'), 'OMR-W-20270301-v1');
  // submitted 03-10 12:00: the review is due two days later
  assert.match(await p.innerText('[data-testid=review-due]'), /2027-03-12 12:00/);
  await p.fill('[data-testid=review-input]', '数据核对无误，同意分发');
  await p.click('[data-testid=report-file]');
  await p.waitForSelector('[data-testid=report-sha]', WAIT);
  assert.match(await p.innerText('[data-testid=report-head]'), /已归档/);
  assert.match(await p.innerText('[data-testid=report-sha]'), /^[0-9a-f]{64}$/);
  assert.match(await p.innerText('[data-testid=review-note]'), /数据核对无误，同意分发/);
  await p.screenshot({ path: artifact('report-filed.png'), fullPage: true });
  await p.click('[data-testid=report-distribute]');
  await p.waitForSelector('[data-testid=distribute-sent]', WAIT);
  assert.match(await p.innerText('[data-testid=distribute-sent]'), /已向收件人发送 \d+ 条消息/);
  await p.waitForFunction(() => (document.querySelector('[data-testid=report-head]') || {}).innerText?.includes('已分发'), null, WAIT);
  assert.equal(await p.locator('[data-testid=report-distribute]').count(), 0, 'distributed once');
  await p.screenshot({ path: artifact('report-distributed.png'), fullPage: true });
  await ctx.close();
});
