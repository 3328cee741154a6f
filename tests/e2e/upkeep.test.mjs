// upkeep.test.mjs — the dashboard's upkeep tile (seed 000 ch. 9 §2, §4;
// docs/upkeep.md; audit #50, #57): with no risk assessment ever recorded the
// tile counts it as due and is red; once 运行部 records one and nothing else is
// overdue it reads 0 with the next due time; a content feedback entry past its
// due time counts again (in Chinese; the English texts: lint/web-i18n).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser;

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  await srv.makeUser('wangqiang', ['ops_engineer'], { display_name: '王强', department: '运行部' });
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

async function tile(locale) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale, timezoneId: 'Asia/Shanghai' });
  const p = await ctx.newPage();
  await p.goto(srv.base + '/#/dashboard');
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'wangqiang');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  const el = p.locator('[data-testid=kpi-upkeep]');
  await el.waitFor(WAIT);
  const out = { value: (await el.locator('.kpi-value').innerText()).trim(), detail: await el.locator('[data-testid=kpi-upkeep-detail]').innerText(), alarm: (await el.getAttribute('class')).includes('alarm') };
  await p.screenshot({ path: artifact(`upkeep-${locale}.png`) });
  await ctx.close();
  return out;
}

test('the upkeep tile: risk assessment due, then recorded; feedback overdue', async () => {
  let got = await tile('zh-CN');
  assert.deepEqual([got.value, got.alarm], ['1', true]);
  assert.match(got.detail, /系统风险评估已到期 · 反馈逾期 0/);
  const tok = await srv.login('wangqiang');
  const now = await srv.must('GET', '/api/v1/dashboard', undefined, tok, 200);
  await srv.must('POST', '/api/v1/risk-assessments', { held_at: now.now, scope: '核心数据库', findings: '磁盘 85%', risks: '写满', actions: '扩容' }, tok, 201);
  got = await tile('zh-CN');
  assert.deepEqual([got.value, got.alarm], ['0', false]);
  assert.match(got.detail, /下次风险评估 .+ · 反馈逾期 0/);
  await srv.must('POST', '/api/v1/content-feedback', { topic: '备份恢复培训', source: 'assessment', text: '考核未通过' }, tok, 201);
  await srv.clock(30 * 24 * 3600);
  got = await tile('zh-CN');
  assert.deepEqual([got.value, got.alarm], ['1', true]);
  assert.match(got.detail, /下次风险评估 .+ · 反馈逾期 1/);
});
