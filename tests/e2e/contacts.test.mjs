// contacts.test.mjs — the screens of what was left of seed 000: the vendor
// and key-customer contacts kept per CI (ch. 9 §4, 技术资料保障), a contact
// without a phone flagged; the reporting desks' owners (ch. 7 §2.1 item 3,
// 接口负责人; R-NOT-3) set by the system administrator from the policy page,
// a desk without an owner flagged; and the handling department changed on
// the incident page by the authority of the highest level reached, with a
// reason (ch. 8 §1; R-PIR-1, R-ACT-1).  Screenshots go to tests/e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, USER_PW, ADMIN_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser;
const S = {};

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  S.eng = await srv.makeUser('zhang', ['ops_engineer'], { display_name: '张工' });
  S.head = await srv.makeUser('wang', ['ops_department_head'], { display_name: '王部长' });
  const ci = await srv.must('POST', '/api/v1/cis', { name: 'core-db', category: 'database', grade: 'L1', department: '运行部' }, srv.tokens.zhang);
  S.ci = ci.id;
  const ci3 = await srv.must('POST', '/api/v1/cis', { name: 'report-srv', category: 'server', grade: 'L3', department: '运行部' }, srv.tokens.zhang);
  const inc = await srv.must('POST', '/api/v1/incidents', { title: '报表服务器缓慢', ci_ids: [ci3.id], severity: 'moderate' }, srv.tokens.zhang);
  S.inc = inc.id;
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

async function open(user, pw, hash) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.base + '/' + hash);
  await page.waitForSelector('form.login-form', WAIT);
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', pw);
  await page.click('form.login-form button[type=submit]');
  return { ctx, page, errors };
}

test('contacts: added per CI from the CMDB screen, one without a phone flagged', async () => {
  const { ctx, page, errors } = await open('zhang', USER_PW, '#/cmdb');
  await page.click('[data-testid=link-contacts]');
  await page.waitForSelector('[data-testid=form-contact]', WAIT);
  await page.fill('[data-testid=form-contact] input[name=name]', '赵工');
  await page.fill('[data-testid=form-contact] input[name=organisation]', '数据库厂商');
  await page.fill('[data-testid=form-contact] input[name=phone]', '13955556666');
  await page.fill('[data-testid=form-contact] input[name=ci_q]', 'core');
  await page.waitForSelector(`[data-testid=form-contact] select[name=ci_id] option[value="${S.ci}"]`, { ...WAIT, state: 'attached' });
  await page.selectOption('[data-testid=form-contact] select[name=ci_id]', String(S.ci));
  await page.click('[data-testid=form-contact] button[type=submit]');
  await page.waitForFunction(() => document.querySelector('[data-testid=contact-list]').innerText.includes('赵工'), null, WAIT);
  // a customer of a service, without a phone
  await page.selectOption('[data-testid=form-contact] select[name=kind]', 'customer');
  await page.fill('[data-testid=form-contact] input[name=name]', '钱经理');
  await page.fill('[data-testid=form-contact] input[name=service]', '报关数据交换');
  await page.check('#contact-lv-L1');
  await page.click('[data-testid=form-contact] button[type=submit]');
  await page.waitForSelector('[data-testid=contact-unreachable]', WAIT);
  const text = await page.locator('[data-testid=contact-list]').innerText();
  assert.match(text, /赵工[\s\S]*数据库厂商[\s\S]*core-db[\s\S]*一级[\s\S]*二级[\s\S]*（策略）/, 'the vendor on its CI, the policy levels');
  assert.match(text, /钱经理[\s\S]*无电话[\s\S]*报关数据交换/, 'the customer flagged: no phone');
  const api = await srv.must('GET', '/api/v1/contacts', undefined, srv.tokens.zhang);
  assert.equal(api.total, 2);
  await page.screenshot({ path: artifact('contacts.png'), fullPage: true });
  // the CI page lists its own contacts
  await page.goto(srv.base + `/#/cmdb/${S.ci}`);
  await page.waitForFunction(() => (document.querySelector('[data-testid=ci-contacts]') || {}).innerText?.includes('赵工'), null, WAIT);
  assert.doesNotMatch(await page.locator('[data-testid=ci-contacts]').innerText(), /钱经理/, 'the service-only contact is not on the CI');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('desk owners: flagged when missing, set by the system administrator from the policy page', async () => {
  const { ctx, page, errors } = await open('sysadmin', ADMIN_PW, '#/policy');
  await page.waitForSelector('[data-testid=link-desks]', WAIT);
  await page.click('[data-testid=link-desks]');
  await page.waitForSelector('[data-testid=desk-owner-ops_security]', WAIT);
  assert.match(await page.locator('[data-testid=desk-owner-ops_security]').innerText(), /未指定负责人/);
  await page.selectOption('select[name=owner-ops_security]', String(S.eng.id));
  await page.waitForFunction(() => document.querySelector('[data-testid=desk-owner-ops_security]').innerText.includes('张工'), null, WAIT);
  assert.match(await page.locator('[data-testid=desk-owner-ops_security]').innerText(), /无手机号/, 'the owner has no mobile');
  const desks = await srv.must('GET', '/api/v1/desks', undefined, srv.tokens.zhang);
  assert.equal(desks.items.find((d) => d.key === 'ops_security').owner.id, S.eng.id);
  assert.equal(desks.items.find((d) => d.key === 'monitoring').owner_missing, true);
  await page.screenshot({ path: artifact('desk_owners.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the handling department changed on the incident page by the R3 authority, with a reason', async () => {
  // the engineer sees no such form
  const e = await open('zhang', USER_PW, `#/incidents/${S.inc}`);
  await e.page.waitForSelector('[data-testid=inc-handling-dept]', WAIT);
  assert.equal(await e.page.locator('[data-testid=handling-change]').count(), 0);
  await e.ctx.close();
  const { ctx, page, errors } = await open('wang', USER_PW, `#/incidents/${S.inc}`);
  await page.waitForSelector('[data-testid=handling-change]', WAIT);
  assert.equal(await page.locator('[data-testid=inc-handling-dept]').innerText(), '运行部');
  await page.click('[data-testid=handling-change] summary');
  await page.fill('[data-testid=form-handling] input[name=department]', '技术部');
  await page.click('[data-testid=form-handling] button[type=submit]');
  await page.waitForSelector('[data-testid=form-handling] .error:not([hidden])', WAIT); // the reason is required
  assert.equal(await page.locator('[data-testid=inc-handling-dept]').innerText(), '运行部');
  await page.fill('[data-testid=form-handling] textarea[name=reason]', '故障定位在应用层');
  await page.click('[data-testid=form-handling] button[type=submit]');
  await page.waitForFunction(() => document.querySelector('[data-testid=inc-handling-dept]').innerText === '技术部', null, WAIT);
  const inc = await srv.must('GET', `/api/v1/incidents/${S.inc}`, undefined, srv.tokens.zhang);
  assert.equal(inc.handling_department, '技术部');
  assert.equal(inc.timeline.filter((x) => x.kind === 'handling_changed').length, 1);
  assert.deepEqual(errors, []);
  await ctx.close();
});
