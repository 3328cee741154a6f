// known_errors.test.mjs — the known-error database in the browser
// (research/modules-spec.md §M2.6; docs/known-errors.md): a published known
// error with a workaround shows on a new incident on its CI as
// "已知错误 KE-…：" with the workaround; the apply button records the use
// (once: the button gives way to "已应用"), and the known error shows on the
// event page of a matching alert too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser, eng, ke, inc, evId;

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  eng = await srv.makeUser('liming', ['ops_engineer', 'monitoring_engineer'], { display_name: '李明' });
  const tok = await srv.login('liming');
  const ci = await srv.must('POST', '/api/v1/cis', { name: 'ke-web-db', category: 'server', grade: 'L3', department: '运行部' }, tok, 201);
  ke = await srv.must('POST', '/api/v1/known-errors', {
    title: '连接池耗尽', workaround: '重启应用实例 app-7', ci_ids: [ci.id], published: true,
  }, tok, 201);
  inc = await srv.must('POST', '/api/v1/incidents', { title: '数据库连接失败', ci_ids: [ci.id], severity: 'minor' }, tok, 201);
  const key = (await srv.must('POST', '/api/v1/api-keys', { name: 'am', integration: 'api' }, await srv.admin('sysadmin'), 201)).key;
  const r = await srv.must('POST', '/api/v1/events', { dedup_key: 'pool-1', status: 'firing', severity: 'warning', summary: '连接池满',
    ci: 'ke-web-db', labels: { alertname: 'DbPoolFull' } }, key, 202);
  evId = r.events[0].id;
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

test('a known error shows on the incident page and is applied once; and on the event page', async () => {
  const m = await srv.must('GET', `/api/v1/incidents/${inc.id}/known-errors`, undefined, await srv.login('liming'), 200);
  assert.deepEqual(m.items.map((x) => x.number), [ke.number]);
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const p = await ctx.newPage();
  await p.goto(srv.base + `/#/incidents/${inc.id}`);
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'liming');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  const item = p.locator(`[data-testid=ke-match][data-ke="${ke.number}"]`);
  await item.waitFor(WAIT);
  const text = await item.innerText();
  assert.match(text, new RegExp(`已知错误 ${ke.number}：`));
  assert.match(text, /临时解决办法：\s*重启应用实例 app-7/);
  await p.screenshot({ path: artifact('known-error-incident.png') });
  await item.locator('[data-testid=ke-apply]').click();
  await item.locator('[data-testid=ke-applied]').waitFor(WAIT);
  assert.equal(await item.locator('[data-testid=ke-apply]').count(), 0);
  const got = await srv.must('GET', `/api/v1/known-errors/${ke.id}`, undefined, await srv.login('liming'), 200);
  assert.equal(got.uses, 1);
  // the event page: pick the event, its detail shows the known error
  await p.goto(srv.base + '/#/events');
  await p.locator(`[data-testid=event-list] tr[data-event-id="${evId}"] button.linklike`).click();
  await p.locator(`[data-testid=event-detail] [data-testid=ke-match][data-ke="${ke.number}"]`).waitFor(WAIT);
  await ctx.close();
});
