// light_path.test.mjs — the light path on the incident page (probe-ui #27,
// docs/policy.md activation_required): an 非等级 incident, once its level is
// confirmed, offers the final report without 启动应急预案 and says why; the
// engineer files it and the incident is resolved; an R3 incident in the same
// state offers no final report (its plan must be activated first).
// Screenshot: light-path.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser;
const S = {};

async function confirmed(grade) {
  const ci = (await srv.must('POST', '/api/v1/cis', { name: `app-${grade}`, category: 'application', grade, department: '运行部' }, S.eng)).id;
  const inc = await srv.must('POST', '/api/v1/incidents', { title: `${grade} 应用报错`, ci_ids: [ci], severity: 'moderate', location: '主机房', symptoms: '偶发报错', impact_scope: '内部查询' }, S.eng);
  await srv.must('POST', `/api/v1/incidents/${inc.id}/reports`, { kind: 'first' }, S.eng);
  await srv.must('POST', `/api/v1/incidents/${inc.id}/reports`, { kind: 'second', response_level: inc.response_level, system_impact: '查询偶发失败', estimated_recovery_at: '2030-01-01T00:00:00Z' }, S.eng);
  return inc;
}

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  S.eng = (await srv.makeUser('zhang', ['ops_engineer'], { display_name: '张伟' })).token;
  await srv.makeUser('zhao', ['ops_section_head'], { display_name: '赵强' });
  S.ng = await confirmed('NG');
  S.r3 = await confirmed('L3');
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

test('an 非等级 incident is resolved without activating the plan; R3 is not', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const p = await ctx.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(srv.base + `/#/incidents/${S.r3.id}`);
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'zhang');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('[data-testid=form-progress]', WAIT);
  assert.equal(await p.locator('[data-testid=form-final]').count(), 0, 'R3: the plan first');
  assert.equal(await p.locator('[data-testid=light-path]').count(), 0);

  await p.goto(srv.base + `/#/incidents/${S.ng.id}`);
  await p.waitForSelector('[data-testid=form-final]', WAIT);
  assert.match(await p.locator('[data-testid=light-path]').innerText(), /非等级响应无需启动应急预案/);
  const f = p.locator('[data-testid=form-final]');
  await f.locator('textarea[name=cause]').fill('应用缓存过期');
  await f.locator('textarea[name=process]').fill('清理缓存后恢复');
  await f.locator('textarea[name=current_state]').fill('运行正常');
  await f.locator('input[name=business_impact_minutes]').fill('12');
  await f.locator('textarea[name=improvements]').fill('增加缓存监控');
  await p.screenshot({ path: artifact('light-path.png'), fullPage: true });
  await f.locator('button[type=submit]').click();
  await p.waitForFunction(() => /已解决/.test(document.querySelector('[data-testid=inc-state]').innerText), null, WAIT);
  const inc = await srv.must('GET', `/api/v1/incidents/${S.ng.id}`, undefined, S.eng);
  assert.equal(inc.state, 'resolved');
  assert.equal(inc.activated_level, null);
  // the section head (the NG authority) may close it
  assert.match(await p.locator('[data-testid=close-by]').innerText(), /科室负责人/);
  assert.deepEqual(errors, []);
  await ctx.close();
});
