// form_help.test.mjs — what the forms tell people before they act, and the
// skip link (probe-ui #10, #12, #21, #22, #28): the registration form shows
// the policy's severity definition (影响程度) for the severity chosen (the
// 速查表 all three), and its
// prediction names the people each recipient role will reach — exactly the
// API's answer — with a role nobody holds flagged before saving, and the
// rules' texts carry no role keys; the
// account page refuses two different new passwords at the second field
// (aria-invalid, focus) and sends nothing; the skip link (Tab, Enter)
// focuses the content and leaves the address — a sorted list's order
// included — alone; the printable report lists a report's fields in the
// seed's order, names people by display name, shows Beijing time and ends
// with the 填报人 / 审核人 block and links the server's .md / .html (#25,
// #26); a CI's attributes are edited in its form (a bad line named at the
// field), shown on its page and found by the CMDB search (#15); a sign-in
// attempt pending shows no stale message (#32); the security administrator
// sets a person's department scopes on the user page (#23).
// Screenshots: form-help-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, USER_PW, ADMIN_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser;
const S = {};

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  S.eng = (await srv.makeUser('wangjg', ['monitoring_engineer', 'ops_engineer'], { display_name: '王建国' })).token;
  await srv.makeUser('zhaoq', ['ops_section_head'], { display_name: '赵强' });
  S.ci = (await srv.must('POST', '/api/v1/cis', { name: 'db-main', category: 'database', grade: 'L1', department: '运行部' }, S.eng)).id;
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

async function signIn(hash) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const p = await ctx.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(srv.base + '/' + hash);
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'wangjg');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('header.top:not([hidden])', WAIT);
  return { ctx, p, errors };
}

test('registration: the severity definition, and the people the prediction will reach', async () => {
  const { ctx, p, errors } = await signIn('#/incidents/new');
  await p.waitForSelector(`#ci-${S.ci}`, WAIT);
  const cats = await srv.must('GET', '/api/v1/policy/categories', undefined, S.eng);
  await p.selectOption('select[name=severity]', 'moderate');
  await p.waitForFunction((want) => document.querySelector('[data-testid=sev-def]').innerText.trim() === want,
    cats.severities.moderate.description.trim(), WAIT);
  await p.selectOption('select[name=severity]', 'severe');
  await p.waitForFunction((want) => document.querySelector('[data-testid=sev-def]').innerText.trim() === want,
    cats.severities.severe.description.trim(), WAIT);
  await p.check(`#ci-${S.ci}`);
  await p.waitForSelector('[data-testid=prediction] ul.people li', WAIT);
  const g = await srv.must('GET', `/api/v1/grading?ci_id=${S.ci}&severity=severe`, undefined, S.eng);
  assert.ok(g.recipients && g.recipients.length >= 2, 'roles to reach');
  const shown = await p.$$eval('[data-testid=prediction] ul.people li', (lis) => lis.map((li) => li.innerText.trim()));
  assert.equal(shown.length, g.recipients.length);
  const nobody = g.recipients.filter((r) => !r.people.length).length;
  assert.ok(nobody >= 1, 'some role has nobody in this small organisation');
  assert.equal(await p.locator('[data-testid=pred-nobody]').count(), nobody);
  const withZhao = g.recipients.findIndex((r) => r.people.includes('赵强'));
  assert.ok(withZhao >= 0, 'the section head is named by the API');
  assert.match(shown[withZhao], /赵强/);
  for (const s of shown) assert.doesNotMatch(s, /\b[a-z]+_[a-z_]+\b/, 'role names, not keys');
  // the rules' texts name roles without their keys, one-word keys ("liaison") too
  assert.doesNotMatch(await p.locator('[data-testid=prediction]').innerText(), /\([a-z_]+\)/);
  await p.screenshot({ path: artifact('form-help-register.png'), fullPage: true });
  // the 速查表 carries the same definitions, one row a severity
  await p.goto(srv.base + '/#/policy');
  await p.waitForSelector('.sev-def', WAIT);
  const defs = await p.$$eval('#view .sev-def', (els) => els.map((x) => x.innerText.trim()));
  assert.deepEqual(defs, ['severe', 'moderate', 'minor'].map((k) => cats.severities[k].description.trim()));
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the account page refuses two different new passwords; the skip link keeps the address', async () => {
  const { ctx, p, errors } = await signIn('#/account');
  await p.waitForSelector('input[name=new_password2]', WAIT);
  const pw = p.locator('input[type=password]');
  await pw.nth(0).fill(USER_PW);
  await p.fill('input[name=new_password]', 'Another-pass-2!');
  await p.fill('input[name=new_password2]', 'Another-pass-3!');
  await p.locator('input[name=new_password2]').press('Enter');
  await p.waitForSelector('input[name=new_password2][aria-invalid=true]', WAIT);
  assert.equal(await p.evaluate(() => document.activeElement.name), 'new_password2');
  assert.match(await p.locator('#view').innerText(), /两次输入的新密码不一致/);
  await p.screenshot({ path: artifact('form-help-password.png') });
  // nothing was sent: the old password still signs in
  await srv.login('wangjg', USER_PW);

  await p.goto(srv.base + '/#/incidents?sort=level');
  await p.reload(); // a fresh document: the first Tab reaches the skip link
  await p.waitForSelector('[data-testid=incident-list] table', WAIT);
  await p.keyboard.press('Tab');
  assert.equal(await p.evaluate(() => document.activeElement.id), 'skip');
  await p.keyboard.press('Enter');
  await p.waitForFunction(() => document.activeElement && document.activeElement.id === 'view', null, WAIT);
  assert.equal(new URL(p.url()).hash, '#/incidents?sort=level');
  assert.equal(await p.locator('[data-testid=incident-list] table').count(), 1, 'the list, not 页面不存在');
  assert.equal(await p.inputValue('select[name=sort]'), 'level');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the printable report: fields in the seed order, names not usernames, Beijing time, 填报人/审核人', async () => {
  const inc = await srv.must('POST', '/api/v1/incidents', {
    title: '主库连接数耗尽', ci_ids: [S.ci], severity: 'severe', location: '主机房', symptoms: '连接超时', impact_scope: '通关业务',
  }, S.eng);
  await srv.must('POST', `/api/v1/incidents/${inc.id}/reports`, { kind: 'first' }, S.eng);
  const { ctx, p, errors } = await signIn(`#/incidents/${inc.id}/report`);
  await p.waitForSelector('[data-testid=print-doc] article.report dt', WAIT);
  const dts = await p.$$eval('[data-testid=print-doc] article.report dl dt', (els) => els.map((e) => e.innerText.trim()));
  assert.deepEqual(dts, ['发生地点', '故障现象', '影响范围']);
  assert.match(await p.locator('[data-testid=print-doc] article.report h3').first().innerText(), /王建国/);
  const doc = await p.locator('[data-testid=print-doc]').innerText();
  assert.doesNotMatch(doc, /wangjg/, 'display names, not usernames');
  assert.doesNotMatch(doc, /\bsystem\b/, 'the automatic steps as 系统');
  assert.match(doc, /北京时间 系统 /);
  assert.doesNotMatch(doc, /\d{4}-\d\d-\d\dT\d\d:/, 'no ISO times');
  assert.match(doc, /北京时间/);
  // the server's exports are linked from the print view
  assert.equal(await p.locator(`a[href="/api/v1/incidents/${inc.id}/report.md"]`).count(), 1);
  assert.equal(await p.locator(`a[href="/api/v1/incidents/${inc.id}/report.html"]`).count(), 1);
  const sign = await p.$$eval('table.signatures th', (ths) => ths.map((th) => th.innerText.trim()));
  assert.deepEqual(sign.slice(0, 2), ['填报人', '审核人']);
  await p.screenshot({ path: artifact('form-help-report.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('CI attributes: edited in the form, shown on the page, found by the CMDB search', async () => {
  const { ctx, p, errors } = await signIn(`#/cmdb/${S.ci}/edit`);
  await p.waitForSelector('textarea[name=attributes]', WAIT);
  // a line without 键 = 值: named at the field, nothing sent
  await p.fill('textarea[name=attributes]', '描述 = 报关主库\n没有等号的一行');
  await p.click('form.form button[type=submit]');
  await p.waitForSelector('textarea[name=attributes][aria-invalid=true]', WAIT);
  assert.deepEqual((await srv.must('GET', `/api/v1/cis/${S.ci}`, undefined, S.eng)).attributes, {});
  await p.fill('textarea[name=attributes]', '描述 = 报关主库\n型号：Oracle 19c');
  await p.click('form.form button[type=submit]');
  await p.waitForSelector('[data-testid=ci-attr]', WAIT);
  assert.deepEqual((await p.$$eval('[data-testid=ci-attr]', (dds) => dds.map((d) => d.innerText.trim()))).sort(), ['Oracle 19c', '报关主库']);
  assert.deepEqual((await srv.must('GET', `/api/v1/cis/${S.ci}`, undefined, S.eng)).attributes, { 描述: '报关主库', 型号: 'Oracle 19c' });
  await p.goto(srv.base + '/#/cmdb');
  await p.waitForSelector('[data-testid=ci-list] table', WAIT);
  await p.fill('input[name=q]', '报关');
  await p.press('input[name=q]', 'Enter');
  await p.waitForFunction(() => /db-main/.test(document.querySelector('[data-testid=ci-list]').innerText), null, WAIT);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('sign-in: the previous message is gone while a new attempt is pending', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const p = await ctx.newPage();
  await p.goto(srv.base + '/#/login');
  await p.waitForSelector('form.login-form', WAIT);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('#login-error:not([hidden])', WAIT);
  assert.match(await p.locator('#login-error').innerText(), /请输入用户名和密码/);
  // the next attempt is held by the network for a while: no stale message meanwhile
  let release;
  const held = new Promise((ok) => { release = ok; });
  await p.route('**/api/v1/auth/login', async (route) => { await held; await route.continue(); });
  await p.fill('input[name=username]', 'wangjg');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('#login-error[hidden]', { ...WAIT, state: 'attached' });
  assert.equal(await p.locator('form.login-form button[type=submit]').isDisabled(), true, 'pending');
  release();
  await p.waitForSelector('header.top:not([hidden])', WAIT);
  await ctx.close();
});

test('the security administrator sets a person\'s department scopes on the user page', async () => {
  const target = await srv.makeUser('scoped1', ['ops_engineer'], { display_name: '范围测试' });
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const p = await ctx.newPage();
  await p.goto(srv.base + `/#/users/${target.id}`);
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'secadmin');
  await p.fill('input[name=password]', ADMIN_PW);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('[data-testid=roles-form] input[name=scopes]', WAIT);
  await p.fill('[data-testid=roles-form] input[name=scopes]', '运行部、技术部');
  await p.click('[data-testid=roles-form] button[type=submit]');
  await p.waitForSelector('[data-testid=roles-form] p.ok:not([hidden])', WAIT);
  const u = await srv.must('GET', `/api/v1/users/${target.id}`, undefined, await srv.admin('secadmin'));
  assert.deepEqual(u.scopes, ['运行部', '技术部']);
  assert.deepEqual(u.roles, ['ops_engineer']);
  await ctx.close();
});
