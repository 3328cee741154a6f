// ke_problem_picker.test.mjs — the known-error form's problem picker asks
// the server (GET /api/v1/problems?q=…, debounced; docs/known-errors.md)
// rather than offering the newest problems only: a problem older than the
// first page is found by a word of its title and picked, and the chosen one
// stays in the list while another search answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser, old;

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  await srv.makeUser('wangfang', ['problem_manager'], { display_name: '王芳' });
  const tok = await srv.login('wangfang');
  old = await srv.must('POST', '/api/v1/problems', { title: '磁带库机械臂卡死' }, tok, 201);
  for (let i = 0; i < 55; i++) await srv.must('POST', '/api/v1/problems', { title: `批量问题 ${i}` }, tok, 201);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

test('a problem beyond the first page is found on the server and picked', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const p = await ctx.newPage();
  await p.goto(srv.base + '/#/known-errors/new');
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'wangfang');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  const sel = '[data-testid=ke-form] select[name=problem_id]';
  await p.waitForSelector(sel, WAIT);
  const values = async () => p.$$eval(`${sel} option`, (os) => os.map((o) => o.value));
  assert.equal((await values()).includes(String(old.id)), false, 'the old problem is not on the first page');
  await p.fill('[data-testid=ke-form] input[name=problem_q]', '机械臂');
  await p.waitForSelector(`${sel} option[value="${old.id}"]`, { ...WAIT, state: 'attached' });
  assert.deepEqual(await values(), ['', String(old.id)]);
  await p.selectOption(sel, String(old.id));
  // another search: the chosen problem stays offered and chosen
  await p.fill('[data-testid=ke-form] input[name=problem_q]', '批量问题 3');
  await p.waitForFunction((s) => document.querySelector(s).dataset.q === '批量问题 3', sel, WAIT);
  const after = await values();
  assert.equal(after[1], String(old.id));
  assert.ok(after.length > 2);
  assert.equal(await p.inputValue(sel), String(old.id));
  await ctx.close();
});
