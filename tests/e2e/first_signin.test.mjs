// first_signin.test.mjs — an initial password is changed at first sign-in
// (probe-ui #28, R-SEC-SYS-1, docs/accounts.md "First sign-in"): with the
// policy's login.initial_password_change on, the bootstrap administrator
// signs in and is taken to the password form alone — the navigation hidden,
// any other screen sends back there — and after the change signs in again
// with the new password and reaches the screens of the role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, launchBrowser, ADMIN_PW, artifact } from './harness.mjs';

const WAIT = { timeout: 30000 };
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NEW_PW = 'Admin-new-pass-2';
let srv, browser;

before(async () => {
  const text = readFileSync(join(ROOT, 'policy', 'default.yaml'), 'utf8');
  assert.ok(text.includes('  session_ttl: 12h\n'));
  const file = join(mkdtempSync(join(tmpdir(), 'opsdesk-e2e-pol-')), 'policy.yaml');
  writeFileSync(file, text.replace('  session_ttl: 12h\n', '  session_ttl: 12h\n  initial_password_change: true\n'));
  srv = await new Server().start(['--policy', file]);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

async function signIn(page, pw) {
  await page.waitForSelector('form.login-form', WAIT);
  await page.fill('input[name=username]', 'sysadmin');
  await page.fill('input[name=password]', pw);
  await page.click('form.login-form button[type=submit]');
  await page.waitForSelector('header.top:not([hidden])', WAIT);
}

test('first sign-in: the password form alone, then the new password opens the screens', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.base + '/#/users');
  await signIn(page, ADMIN_PW);
  await page.waitForSelector('[data-testid=pw-must-change]', WAIT);
  assert.equal(await page.evaluate(() => location.hash), '#/account', 'taken to the password form, not back to #/users');
  assert.match(await page.innerText('[data-testid=pw-must-change]'), /首次登录：请先修改/);
  const visibleNav = await page.$$eval('#nav-main li[data-perm]', (lis) => lis.filter((li) => !li.hidden).length);
  assert.equal(visibleNav, 0, 'no screen offered before the change');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll at 390 px');
  await page.screenshot({ path: artifact('first-signin-390.png'), fullPage: true });
  // another screen sends back to the form
  await page.goto(srv.base + '/#/users');
  await page.waitForSelector('[data-testid=pw-must-change]', WAIT);
  assert.equal(await page.evaluate(() => location.hash), '#/account');
  // the same password again: the API's reason beside the field
  await page.fill('input[autocomplete=current-password]', ADMIN_PW);
  await page.fill('input[name=new_password]', ADMIN_PW);
  await page.fill('input[name=new_password2]', ADMIN_PW);
  await page.click('form.form button[type=submit]');
  await page.waitForFunction(() => /新密码不能与初始密码相同/.test(document.body.innerText), null, WAIT);
  assert.equal(await page.getAttribute('input[name=new_password]', 'aria-invalid'), 'true');
  // a new password: the session ends, sign in again
  await page.fill('input[autocomplete=current-password]', ADMIN_PW);
  await page.fill('input[name=new_password]', NEW_PW);
  await page.fill('input[name=new_password2]', NEW_PW);
  await page.click('form.form button[type=submit]');
  await signIn(page, NEW_PW);
  await page.waitForFunction(() => location.hash === '#/users', null, WAIT);
  assert.equal(await page.$('[data-testid=pw-must-change]'), null);
  const nav = await page.$$eval('#nav-main li[data-perm]', (lis) => lis.filter((li) => !li.hidden).length);
  assert.ok(nav > 0, 'the role\'s screens are offered again');
  await page.screenshot({ path: artifact('first-signin-after.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await ctx.close();
});
