// account.test.mjs — the notification directory and the accounts screen in
// a real browser (R-NOT-7; docs/notify.md, docs/ui.md).  A person sets
// their own language, channels per level and personal bot on the account
// page (GET/PUT /api/v1/auth/me/notify); the bot URL and secret are
// write-only and never come back to the page.  The system administrator
// lists and creates accounts (the password rule stated by the API), and sets
// a person's notification entry on the user page; the security
// administrator assigns roles, and the separation of the three
// administrator roles is refused (R-NOT-1, R-NOT-3, R-SEC-SYS-1, R-SEC-SYS-2).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, USER_PW, ADMIN_PW, artifact } from './harness.mjs';

const WAIT = { timeout: 30000 };
const BOT_URL = 'https://oapi.dingtalk.com/robot/send?access_token=e2e-secret-token';
const BOT_SECRET = 'SEC-e2e-signing-secret';
let srv, browser;
const S = {};

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  S.zhang = (await srv.makeUser('zhang', ['ops_engineer'], { display_name: '张工' })).id;
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

const waitText = (p, sel, needle) => p.waitForFunction(([s, n]) => [...document.querySelectorAll(s)].some((e) => e.innerText.includes(n)), [sel, needle], WAIT);
const unlabelled = (p) => p.$$eval('#view input, #view select', (els) => els.filter((e) => !e.labels || !e.labels.length).filter((e) => !e.getAttribute('aria-label')).map((e) => e.name));

test('my notification settings: language, channels per level, a personal bot whose URL and secret never come back', async () => {
  const p = await signIn('zhang', USER_PW, '#/account');
  await p.waitForSelector('[data-testid=notify-form]', WAIT);
  assert.equal(await p.locator('#nav-users').isVisible(), false, 'no users screen for an engineer');
  assert.equal(await p.locator('input[name=channels_default]').isChecked(), true, 'the policy\'s channels at first');
  assert.equal(await p.locator('input[name=ch_L1_sms]').isChecked(), true, 'the policy: sms, email, bot');
  assert.equal(await p.locator('input[name=ch_L1_sms]').isDisabled(), true);
  assert.deepEqual(await unlabelled(p), [], 'every input is labelled');

  // keyboard only: the language, then own channels
  await p.locator('select[name=notify_lang]').focus();
  await p.keyboard.press('ArrowDown'); // zh-CN → en
  assert.equal(await p.locator('select[name=notify_lang]').inputValue(), 'en');
  await p.keyboard.press('Tab');
  assert.equal(await p.evaluate(() => document.activeElement.name), 'channels_default', 'Tab reaches the next control');
  await p.keyboard.press('Space');
  assert.equal(await p.locator('input[name=ch_L3_sms]').isDisabled(), false);
  await p.locator('input[name=ch_L3_sms]').uncheck();
  await p.locator('input[name=ch_L3_bot]').uncheck();
  await p.locator('select[name=bot_kind]').selectOption('dingtalk');
  await p.locator('input[name=bot_url]').fill(BOT_URL);
  await p.locator('input[name=bot_secret]').fill(BOT_SECRET);
  await p.locator('[data-testid=notify-form] button[type=submit]').click();
  await p.waitForSelector('[data-testid=notify-form] .ok:not([hidden])', WAIT); // innerText of a hidden element is its text: wait until shown
  await waitText(p, '[data-testid=notify-form] .ok', '已保存');
  await waitText(p, '[data-testid=notify-bot-current]', '钉钉');
  assert.match(await p.locator('[data-testid=notify-bot-current]').innerText(), /oapi\.dingtalk\.com.*已设置签名密钥/);
  assert.equal(await p.locator('input[name=bot_url]').inputValue(), '', 'the URL is not put back in the form');
  const html = await p.content();
  assert.ok(!html.includes('e2e-secret-token') && !html.includes(BOT_SECRET), 'neither URL token nor secret in the page');
  assert.doesNotMatch(await p.locator('#view').innerText(), /\bnull\b|undefined|NaN/, 'no stray values on the page');
  await p.screenshot({ path: artifact('account-notify.png'), fullPage: true });

  const me = await srv.must('GET', '/api/v1/auth/me/notify', undefined, srv.tokens.zhang);
  assert.equal(me.lang, 'en');
  assert.deepEqual(me.channels_own, { L1: ['sms', 'email', 'bot'], L2: ['sms', 'email', 'bot'], L3: ['email'], NG: ['sms', 'email', 'bot'] });
  assert.equal(me.bot.kind, 'dingtalk');
  assert.equal(me.bot.secret_set, true);

  // a level without any channel: the API's message, nothing changed
  await p.locator('input[name=ch_L3_email]').uncheck();
  await p.locator('[data-testid=notify-form] button[type=submit]').click();
  await waitText(p, '[data-testid=notify-form] .error', 'L3');
  await p.locator('input[name=ch_L3_email]').check();

  // another kind without the URL again: said so before sending
  await p.locator('select[name=bot_kind]').selectOption('feishu');
  await p.locator('[data-testid=notify-form] button[type=submit]').click();
  await waitText(p, '[data-testid=notify-form] .error', '请重新填写机器人地址');
  assert.equal((await srv.must('GET', '/api/v1/auth/me/notify', undefined, srv.tokens.zhang)).bot.kind, 'dingtalk');

  // no bot, the policy's channels again
  await p.locator('select[name=bot_kind]').selectOption('');
  await p.locator('input[name=channels_default]').check();
  await p.locator('[data-testid=notify-form] button[type=submit]').click();
  await waitText(p, '[data-testid=notify-bot-current]', '未设置个人机器人');
  const after = await srv.must('GET', '/api/v1/auth/me/notify', undefined, srv.tokens.zhang);
  assert.equal(after.bot, null);
  assert.deepEqual(after.channels_own, {});
  assert.equal(after.lang, 'en', 'the language kept');
  await p.context().close();
});

test('the system administrator lists and creates accounts and sets a person\'s notification entry', async () => {
  const p = await signIn('sysadmin', ADMIN_PW, '#/users');
  await p.waitForSelector('[data-testid=user-list] table', WAIT);
  assert.equal(await p.locator('#nav-users').isVisible(), true);
  await waitText(p, '[data-testid=user-list]', 'zhang');
  assert.deepEqual(await unlabelled(p), [], 'every input is labelled');
  const f = p.locator('[data-testid=user-form]');
  // the app's messages, next to their field (no English browser bubble): an empty username first
  assert.equal(await f.getAttribute('novalidate'), '');
  await f.locator('button[type=submit]').click();
  await waitText(p, '[data-testid=user-form] .field-error', '请填写「用户名」');
  assert.equal(await f.locator('input[name=username]').getAttribute('aria-invalid'), 'true');
  await f.locator('input[name=username]').fill('liu');
  await f.locator('input[name=display_name]').fill('刘工');
  await f.locator('input[name=password]').fill('short');
  await f.locator('input[name=phone]').fill('13800000009');
  await f.locator('button[type=submit]').click();
  await waitText(p, '[data-testid=user-form] .field-error', '密码须包含');
  assert.match(await f.locator('.field-error').innerText(), /至少8个字符/, 'the rule the password breaks');
  assert.equal(await f.locator('.field-error').count(), 1, 'the stale username message is gone');
  assert.equal(await f.locator('input[name=password]').getAttribute('aria-invalid'), 'true');
  assert.equal(await f.locator('input[name=username]').getAttribute('aria-invalid'), null);
  await f.locator('input[name=password]').fill('Liu-pass-1!');
  await f.locator('button[type=submit]').click();
  await p.waitForSelector('[data-testid=user-facts]', WAIT);
  S.liu = Number(new URL(p.url()).hash.split('/')[2]);
  assert.ok(S.liu > 0);
  assert.equal(await p.locator('[data-testid=roles-form]').count(), 0, 'roles are the security administrator\'s');
  await p.waitForSelector('[data-testid=notify-form]', WAIT);
  assert.match(await p.locator('[data-testid=notify-form]').innerText(), /13800000009/);
  // the administrator sets the language; a personal bot is its owner's to set (R-SEC-SYS-2)
  await p.locator('select[name=notify_lang]').selectOption('en');
  await p.locator('[data-testid=notify-form] button[type=submit]').click();
  await p.waitForSelector('[data-testid=notify-form] .ok:not([hidden])', WAIT); // innerText of a hidden element is its text: wait until shown
  await waitText(p, '[data-testid=notify-form] .ok', '已保存');
  const n = await srv.must('GET', `/api/v1/users/${S.liu}/notify`, undefined, await srv.admin('sysadmin'));
  assert.equal(n.lang, 'en');
  assert.equal(n.bot, null);
  assert.deepEqual(await unlabelled(p), [], 'every input is labelled');
  assert.doesNotMatch(await p.locator('#view').innerText(), /\bnull\b|undefined|NaN/, 'no stray values on the page');
  await p.screenshot({ path: artifact('user-page.png'), fullPage: true });
  await p.context().close();
});

test('the security administrator assigns roles; the three administrator roles stay separated', async () => {
  const p = await signIn('secadmin', ADMIN_PW, `#/users/${S.liu}`);
  await p.waitForSelector('[data-testid=roles-form]', WAIT);
  assert.equal(await p.locator('[data-testid=notify-form]').count(), 0, 'the directory is the system administrator\'s');
  await p.locator('#role-monitoring_engineer').check();
  await p.locator('#role-ops_engineer').check();
  await p.locator('[data-testid=roles-form] button[type=submit]').click();
  await waitText(p, '[data-testid=user-roles]', '监控');
  assert.deepEqual((await srv.must('GET', `/api/v1/users/${S.liu}`, undefined, await srv.admin('secadmin'))).roles.sort(), ['monitoring_engineer', 'ops_engineer']);
  await p.locator('#role-system_admin').check();
  await p.locator('#role-auditor').check();
  await p.locator('[data-testid=roles-form] button[type=submit]').click();
  await waitText(p, '[data-testid=roles-error]', '三权分立');
  assert.deepEqual((await srv.must('GET', `/api/v1/users/${S.liu}`, undefined, await srv.admin('secadmin'))).roles.sort(), ['monitoring_engineer', 'ops_engineer'], 'nothing written');
  await p.selectOption('#lang-switch', 'en');
  await waitText(p, '[data-testid=roles-form]', 'Save roles');
  await p.locator('#role-security_admin').check();
  await p.locator('#role-auditor').check();
  await p.locator('[data-testid=roles-form] button[type=submit]').click();
  await waitText(p, '[data-testid=roles-error]', 'separation of duties');
  assert.deepEqual(S.pageErrors || [], [], 'no script errors');
  await p.context().close();
});

test('where each kind of user lands after signing in at the root: engineers the dashboard, the separated administrators a screen they may use', async () => {
  for (const [user, pw, view] of [['zhang', USER_PW, 'dashboard'], ['sysadmin', ADMIN_PW, 'users'], ['secadmin', ADMIN_PW, 'users'], ['auditor', ADMIN_PW, 'audit']]) {
    const p = await signIn(user, pw, '');
    await p.waitForFunction((v) => document.body.dataset.view === v, view, WAIT);
    const errs = (await p.locator('#view [role=alert].error').allInnerTexts()).filter((s) => s.trim());
    assert.deepEqual(errs, [], `${user}: no error on landing`);
    await p.context().close();
  }
});
