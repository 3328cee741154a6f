// desk.test.mjs — what the desk corrects and writes beside the formal
// reports: a dependency loop is refused on the CI page with both CIs named,
// a wrong relation is removed after a confirmation (R-CI-4), the CMDB search
// finds a CI by its Chinese description; an internal work note lands in the
// timeline and notifies nobody; "待我处理" lists the acknowledgement a
// section head owes, not the leadership group's (told only: seed 000 ch. 7
// §2.1 item 6, duties.ack_required) (R-NOT-4); the quick-reference table says how often and how
// many times people are reminded; maintenance windows that have ended are
// hidden until asked for.  Screenshots in tests/e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 20000 };
let srv, browser, eng, el, sect, appCi, dbCi, rel, inc;

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  eng = await srv.makeUser('zhangw', ['ops_engineer', 'monitoring_engineer'], { display_name: '张伟' });
  el = await srv.makeUser('zhouht', ['emergency_leadership'], { display_name: '周海涛', department: '数据中心' });
  sect = await srv.makeUser('zhaoq', ['ops_section_head'], { display_name: '赵强' });
  appCi = await srv.must('POST', '/api/v1/cis', { name: 'app-core', category: 'application', grade: 'L1', department: '运行部', attributes: { 描述: '核心交易系统' } }, eng.token);
  dbCi = await srv.must('POST', '/api/v1/cis', { name: 'db-main', category: 'database', grade: 'L1', department: '运行部', attributes: { 描述: '报关主库' } }, eng.token);
  rel = await srv.must('POST', `/api/v1/cis/${appCi.id}/relations`, { type: 'depends_on', target_id: dbCi.id }, eng.token);
  inc = await srv.must('POST', '/api/v1/incidents', { title: '核心交易缓慢', ci_ids: [appCi.id], severity: 'moderate', location: '主机房', symptoms: '交易超时', impact_scope: '柜面业务' }, eng.token);
  await srv.must('POST', `/api/v1/incidents/${inc.id}/reports`, { kind: 'first' }, eng.token);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

async function signIn(user, hash) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const p = await ctx.newPage();
  await p.goto(srv.base + '/' + hash);
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', user);
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  return [ctx, p];
}

test('CMDB: a loop is refused, a wrong relation removed after a confirmation, a CI found by its description', async () => {
  const [ctx, p] = await signIn('zhangw', `#/cmdb/${dbCi.id}`);
  await p.waitForSelector('h1:has-text("db-main")', WAIT);
  // db-main depends on app-core would close app-core → db-main → app-core
  const form = p.locator('form.filters', { has: p.locator('select') }).last();
  await form.locator('select').nth(0).selectOption('depends_on');
  await form.locator('select').nth(1).selectOption(String(appCi.id));
  await form.locator('button[type=submit]').click();
  const err = form.locator('p.error');
  await err.waitFor({ state: 'visible', ...WAIT });
  assert.match(await err.innerText(), /app-core 已经（直接或间接）依赖 db-main，再加这条关系会形成依赖环/);
  assert.doesNotMatch(await err.innerText(), /dependency loop/, 'the Chinese half only');
  await p.screenshot({ path: artifact('desk-ci-loop-refused.png'), fullPage: true });
  // the impact graph explains its colours: a legend of the grades
  const legend = await p.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('[data-testid=impact-graph]')).getOption().legend[0].data);
  assert.deepEqual(legend, ['一级', '二级', '三级', '非等级']);
  // the relation is removed from the CI it goes out of, after a confirmation
  assert.equal(await p.locator('[data-testid=rel-remove]').count(), 0, 'no remove button on the target');
  await p.goto(srv.base + `/#/cmdb/${appCi.id}`);
  await p.waitForSelector('h1:has-text("app-core")', WAIT);
  await p.click('[data-testid=rel-remove]');
  const confirm = p.locator('[data-testid=rel-remove-confirm]');
  await confirm.waitFor(WAIT);
  assert.match(await p.locator('.confirm-text').innerText(), /删除关系：app-core .+ db-main？此操作记入审计。/);
  await p.screenshot({ path: artifact('desk-ci-relation-confirm.png'), fullPage: true });
  await confirm.click();
  await p.waitForFunction(() => !document.querySelector('[data-testid=rel-remove]'), null, WAIT);
  const ci = await srv.must('GET', `/api/v1/cis/${appCi.id}`, undefined, eng.token);
  assert.deepEqual(ci.relations, [], 'the relation is gone');
  const audit = await srv.must('GET', `/api/v1/audit?entity=ci&entity_id=${appCi.id}`, undefined, await srv.admin('auditor'));
  assert.equal(audit.items.filter((a) => a.action === 'ci.unrelate' && a.before.id === rel.id).length, 1);
  // the search finds a CI by its Chinese description
  await p.goto(srv.base + '/#/cmdb');
  await p.fill('input[name=q]', '核心');
  await p.click('form.filters button[type=submit]');
  // the answer to the search (the full list before it holds both)
  await p.waitForFunction(() => {
    const b = document.querySelector('[data-testid=ci-list] tbody');
    return b && b.innerText.includes('app-core') && !b.innerText.includes('db-main');
  }, null, WAIT);
  assert.match(await p.locator('[data-testid=ci-pager]').innerText(), /共 1 条/);
  await p.screenshot({ path: artifact('desk-ci-search-chinese.png'), fullPage: true });
  await ctx.close();
});

test('a work note goes to the timeline and to nobody; the section head sees the acknowledgement owed', async () => {
  const before = await srv.must('GET', `/api/v1/incidents/${inc.id}`, undefined, eng.token);
  const [ctx, p] = await signIn('zhangw', `#/incidents/${inc.id}`);
  await p.waitForSelector('[data-testid=note-text]', WAIT);
  await p.fill('[data-testid=note-text]', '已联系厂商，工程师 30 分钟到场');
  await p.click('[data-testid=note-save]');
  const note = p.locator('[data-testid=tl-note]');
  await note.waitFor(WAIT);
  assert.match(await note.innerText(), /张伟 内部记录 已联系厂商，工程师 30 分钟到场/);
  assert.equal(await p.inputValue('[data-testid=note-text]'), '', 'the form is emptied');
  const tl = await p.locator('[data-testid=timeline]').innerText();
  assert.match(tl, /提交首报（客服部监控服务科）/);
  assert.doesNotMatch(tl, /monitoring|desk/, 'no English inside the Chinese timeline');
  await p.screenshot({ path: artifact('desk-work-note.png'), fullPage: true });
  const after = await srv.must('GET', `/api/v1/incidents/${inc.id}`, undefined, eng.token);
  assert.equal(after.messages.length, before.messages.length, 'nobody was told');
  // the engineer takes the incident: the owner is shown, the button goes
  assert.equal(await p.locator('[data-testid=inc-owner]').innerText(), '未指定 由我负责');
  await p.click('[data-testid=btn-take-owner]');
  await p.waitForFunction(() => document.querySelector('[data-testid=inc-owner]').innerText === '张伟', null, WAIT);
  assert.equal(await p.locator('[data-testid=btn-take-owner]').count(), 0);
  await p.goto(srv.base + '/#/incidents');
  await p.waitForFunction(() => document.querySelector('[data-testid=mine]') && document.querySelector('[data-testid=mine]').innerText.includes('我负责的事件'), null, WAIT);
  await ctx.close();
  // the emergency leadership member is an L1 recipient told only: nothing owed
  const [ctx3, r] = await signIn('zhouht', '#/incidents');
  await r.waitForSelector('[data-testid=mine][data-loaded]', { state: 'attached', ...WAIT });
  assert.doesNotMatch(await r.locator('[data-testid=mine]').innerText(), /待我确认收到/, 'the leadership group owes no acknowledgement');
  await ctx3.close();
  // the section head is an L1 recipient who owes the acknowledgement and has not given it
  const [ctx2, q] = await signIn('zhaoq', '#/incidents');
  const mine = q.locator('[data-testid=mine]');
  await q.waitForFunction(() => document.querySelector('[data-testid=mine]') && document.querySelector('[data-testid=mine]').innerText.includes('待我确认收到'), null, WAIT);
  assert.match(await mine.innerText(), new RegExp(inc.number));
  await q.screenshot({ path: artifact('desk-mine-ack.png'), fullPage: true });
  await srv.must('POST', `/api/v1/incidents/${inc.id}/ack`, {}, sect.token);
  await q.reload();
  await q.waitForSelector('[data-testid=mine][data-loaded]', { state: 'attached', ...WAIT });
  assert.doesNotMatch(await mine.innerText(), /待我确认收到/, 'acknowledged: no longer waiting');
  await ctx2.close();
});

test('the quick-reference table says how people are reminded', async () => {
  const [ctx, p] = await signIn('zhangw', '#/policy');
  const line = p.locator('[data-testid=renotify-policy]');
  await line.waitFor(WAIT);
  assert.equal(await line.innerText(), '未确认的人员每 5 分钟提醒一次，最多 6 次；之后时间线提示值班人员电话联系。');
  await ctx.close();
});

test('maintenance windows that have ended are hidden until asked for', async () => {
  const now = (await srv.clock(0)).now_ms;
  const iso = (ms) => new Date(ms).toISOString();
  await srv.must('POST', '/api/v1/maintenance-windows', { name: '上周机房巡检', ci_id: dbCi.id, starts_at: iso(now - 7 * 86400e3), ends_at: iso(now - 7 * 86400e3 + 3600e3) }, eng.token);
  await srv.must('POST', '/api/v1/maintenance-windows', { name: '今晚数据库升级', ci_id: dbCi.id, starts_at: iso(now + 3600e3), ends_at: iso(now + 3 * 3600e3) }, eng.token);
  const [ctx, p] = await signIn('zhangw', '#/events');
  const list = p.locator('[data-testid=windows]');
  await p.waitForFunction(() => document.querySelector('[data-testid=windows]') && document.querySelector('[data-testid=windows]').innerText.includes('今晚数据库升级'), null, WAIT);
  assert.doesNotMatch(await list.innerText(), /上周机房巡检/);
  assert.equal(await p.locator('[data-testid=mw-hidden]').innerText(), '另有 1 个已结束的窗口未显示。');
  assert.equal(await p.locator('[data-testid=windows] th:empty').count(), 0, 'no empty table header');
  await p.check('[data-testid=mw-show-past]');
  await p.waitForFunction(() => document.querySelector('[data-testid=windows]').innerText.includes('上周机房巡检'), null, WAIT);
  assert.match(await list.innerText(), /已结束/);
  await list.screenshot({ path: artifact('desk-windows-past-shown.png') });
  await ctx.close();
});

test('the periodic reviews have screens: CIs not verified, the weekly event review', async () => {
  await srv.must('POST', `/api/v1/cis/${dbCi.id}/verify`, {}, eng.token);
  const [ctx, p] = await signIn('zhangw', '#/cmdb');
  await p.click('[data-testid=link-unverified]');
  const list = p.locator('[data-testid=unverified-list]');
  await p.waitForFunction(() => document.querySelector('[data-testid=unverified-list] tbody'), null, WAIT);
  const text = await list.innerText();
  assert.match(text, /app-core[\s\S]*从未核查/);
  assert.doesNotMatch(text, /db-main/, 'verified this month');
  assert.match(await p.locator('[data-testid=unverified-pager]').innerText(), /共 1 条/);
  await p.screenshot({ path: artifact('desk-unverified.png'), fullPage: true });
  await p.goto(srv.base + '/#/events');
  await p.click('[data-testid=link-event-review]');
  await p.waitForSelector('[data-testid=review-range]', WAIT);
  assert.match(await p.locator('[data-testid=review-range]').innerText(), /^\d{4}-W\d{2}：\d{4}-\d\d-\d\d \d\d:\d\d 北京时间 至 /);
  assert.match(await p.locator('[data-testid=event-review]').innerText(), /转为事件的告警（0）[\s\S]*已关闭告警抽样（0 \/ 0）/);
  await p.screenshot({ path: artifact('desk-event-review.png'), fullPage: true });
  await ctx.close();
});
