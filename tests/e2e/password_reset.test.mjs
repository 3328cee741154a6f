// password_reset.test.mjs — the system administrator resets a person's
// password on the user page (docs/accounts.md, R-SEC-SYS-1): after a
// confirmation the temporary password is shown once on the page; the person
// signs in with it and must change it first; their old session is ended.
// No reset button on the security administrator's page (separation of
// duties: theirs is reset on the server machine).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, ADMIN_PW, artifact } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser;
const S = {};

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  S.li = await srv.makeUser('lisi', ['ops_engineer'], { display_name: '李四' });
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

async function signIn(user, pw, hash) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => { S.pageErrors = (S.pageErrors || []).concat(String(e)); });
  await page.goto(srv.base + '/' + hash);
  await page.waitForSelector('form.login-form', WAIT);
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', pw);
  await page.click('form.login-form button[type=submit]');
  await page.waitForSelector('header.top:not([hidden])', WAIT);
  return page;
}

test('the system administrator resets a password; it is shown once and must be changed', async () => {
  const p = await signIn('sysadmin', ADMIN_PW, `#/users/${S.li.id}`);
  await p.waitForSelector('[data-testid=user-reset-password]', WAIT);
  const dialogs = [];
  p.on('dialog', async (d) => { dialogs.push(d.message()); await d.accept(); });
  await p.click('[data-testid=user-reset-password]');
  await p.waitForSelector('[data-testid=user-temp-password]:not([hidden])', WAIT);
  assert.equal(dialogs.length, 1);
  assert.match(dialogs[0], /李四/);
  const text = await p.locator('[data-testid=user-temp-password]').innerText();
  assert.match(text, /临时密码/);
  assert.match(text, /只显示这一次/);
  const pw = await p.locator('[data-testid=user-temp-password] code').innerText();
  assert.ok(pw.length >= 12, pw);
  await p.screenshot({ path: artifact('user-reset-password.png'), fullPage: true });

  // the old session is ended; the temporary password signs in, to be changed first
  assert.equal((await srv.request('GET', '/api/v1/auth/me', undefined, S.li.token)).status, 401);
  const tok = await srv.login('lisi', pw);
  const me = await srv.must('GET', '/api/v1/auth/me', undefined, tok);
  assert.equal(me.must_change_password, true);
  assert.equal((await srv.request('GET', '/api/v1/incidents', undefined, tok)).status, 403);

  // a dismissed confirmation changes nothing
  p.removeAllListeners('dialog');
  p.on('dialog', async (d) => { await d.dismiss(); });
  await p.click('[data-testid=user-reset-password]');
  assert.equal((await srv.request('GET', '/api/v1/auth/me', undefined, tok)).status, 200, 'no second reset');
  assert.deepEqual(S.pageErrors || [], []);
});

test('no reset button on the security administrator\'s page', async () => {
  const users = await srv.must('GET', '/api/v1/users?limit=100', undefined, await srv.admin('sysadmin'));
  const sec = users.items.find((u) => u.username === 'secadmin');
  const p = await signIn('sysadmin', ADMIN_PW, `#/users/${sec.id}`);
  await p.waitForSelector('[data-testid=user-facts]', WAIT);
  await p.waitForSelector('.actions button', WAIT);
  assert.equal(await p.locator('[data-testid=user-reset-password]').count(), 0);
});
