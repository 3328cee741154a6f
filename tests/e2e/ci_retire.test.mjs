// ci_retire.test.mjs — retiring a CI from its page (probe-ui #16): a reason
// is asked for next to its field, the step is confirmed first; afterwards
// the page says 已退役 with the time, offers no edit, verify or relation
// form; the CMDB list leaves it out until 显示已退役的配置项 is ticked (then
// marked 已退役); the registration form's CI search no longer finds it.
// 恢复使用 brings it back (a reason, a confirmation): listed again.
// 390 px: no horizontal scroll.  Screenshots: ci-retire-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser;
const S = {};

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  S.eng = (await srv.makeUser('zhang', ['ops_engineer'], { display_name: '张伟' })).token;
  S.old = (await srv.must('POST', '/api/v1/cis', { name: 'old-report-srv', category: 'server', grade: 'L3', department: '运行部' }, S.eng)).id;
  S.keep = (await srv.must('POST', '/api/v1/cis', { name: 'new-report-srv', category: 'server', grade: 'L3', department: '运行部' }, S.eng)).id;
  await srv.must('POST', `/api/v1/cis/${S.keep}/relations`, { type: 'backs_up', target_id: S.old }, S.eng);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

async function fits(p, name) {
  const m = await p.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
  assert.ok(m.sw <= m.iw, `${name}: ${m.sw} px wide on ${m.iw}`);
  await p.screenshot({ path: artifact(`ci-retire-${name}.png`), fullPage: true });
}

test('retire a CI from its page; it leaves the list and the pickers, its history stays', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const p = await ctx.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(srv.base + `/#/cmdb/${S.old}`);
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'zhang');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('[data-testid=ci-retire-box] summary', WAIT);
  await p.click('[data-testid=ci-retire-box] summary');
  // without a reason: named at its field, nothing sent
  await p.click('[data-testid=ci-retire]');
  await p.click('[data-testid=ci-retire-confirm]');
  await p.waitForSelector('textarea[name=retire_reason][aria-invalid=true]', WAIT);
  assert.equal((await srv.must('GET', `/api/v1/cis/${S.old}`, undefined, S.eng)).retired_at, null);
  await p.fill('textarea[name=retire_reason]', '设备已下线，由 new-report-srv 替代');
  await fits(p, 'confirm');
  // the confirmation is still open: confirm again, with the reason now
  await p.click('[data-testid=ci-retire-confirm]');
  await p.waitForSelector('[data-testid=ci-retired-note]', WAIT);
  assert.match(await p.locator('[data-testid=ci-retired-note]').innerText(), /已于 .* 北京时间 退役（原因：设备已下线，由 new-report-srv 替代）/);
  assert.equal(await p.locator('[data-testid=ci-retire-box]').count(), 0);
  assert.equal(await p.locator('select[name=rel_target]').count(), 0, 'no new relation');
  assert.match(await p.locator('h1').innerText(), /已退役/);
  assert.doesNotMatch(await p.locator('#view').innerText(), /\bnull\b|undefined/, 'no stray null');
  // its relation is history, still shown
  assert.match(await p.locator('body').innerText(), /new-report-srv/);
  await fits(p, 'page');
  const ci = await srv.must('GET', `/api/v1/cis/${S.old}`, undefined, S.eng);
  assert.ok(ci.retired_at);

  // the list leaves it out until asked for
  await p.goto(srv.base + '/#/cmdb');
  await p.waitForSelector('[data-testid=ci-list] table', WAIT);
  assert.doesNotMatch(await p.locator('[data-testid=ci-list]').innerText(), /old-report-srv/);
  await p.check('[data-testid=ci-show-retired]');
  await p.waitForFunction(() => /old-report-srv/.test(document.querySelector('[data-testid=ci-list]').innerText), null, WAIT);
  assert.equal(await p.locator('[data-testid=ci-list] [data-testid=ci-retired]').count(), 1);
  await fits(p, 'list');

  // the registration form no longer finds it
  await p.goto(srv.base + '/#/incidents/new');
  await p.waitForSelector('[data-testid=ci-pick] input[type=checkbox]', WAIT);
  await p.fill('input[name=ci_filter]', 'report-srv');
  await p.waitForFunction(() => document.querySelectorAll('[data-testid=ci-pick] input[type=checkbox]').length === 1, null, WAIT);
  assert.equal(await p.locator(`#ci-${S.old}`).count(), 0);
  assert.equal(await p.locator(`#ci-${S.keep}`).count(), 1);

  // back into service from its page: a reason first, then the confirmation
  await p.goto(srv.base + `/#/cmdb/${S.old}`);
  await p.waitForSelector('[data-testid=ci-unretire-box] summary', WAIT);
  await p.click('[data-testid=ci-unretire-box] summary');
  await p.click('[data-testid=ci-unretire]');
  await p.click('[data-testid=ci-unretire-confirm]');
  await p.waitForSelector('textarea[name=unretire_reason][aria-invalid=true]', WAIT);
  assert.ok((await srv.must('GET', `/api/v1/cis/${S.old}`, undefined, S.eng)).retired_at, 'nothing sent without a reason');
  await p.fill('textarea[name=unretire_reason]', '替代设备延期，旧服务器继续使用');
  await p.click('[data-testid=ci-unretire-confirm]');
  await p.waitForSelector('select[name=rel_target]', WAIT);
  assert.equal(await p.locator('[data-testid=ci-retired-note]').count(), 0);
  assert.equal(await p.locator('[data-testid=ci-unretire-box]').count(), 0);
  assert.equal(await p.locator('[data-testid=ci-retire-box]').count(), 1);
  assert.doesNotMatch(await p.locator('h1').innerText(), /已退役/);
  // its history: who retired it and brought it back, when (Beijing time), why; newest first
  const hist = await p.$$eval('[data-testid=ci-history] tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.innerText.trim())));
  assert.equal(hist.length, 2);
  assert.deepEqual(hist.map((r) => r.slice(1)), [['恢复使用', '张伟', '替代设备延期，旧服务器继续使用'], ['退役', '张伟', '设备已下线，由 new-report-srv 替代']]);
  for (const r of hist) assert.match(r[0], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 北京时间$/);
  await fits(p, 'unretired');
  assert.equal((await srv.must('GET', `/api/v1/cis/${S.old}`, undefined, S.eng)).retired_at, null);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the history in English; a CI never retired shows none', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'UTC' });
  await ctx.addInitScript(() => localStorage.setItem('opsdesk.lang', 'en'));
  const p = await ctx.newPage();
  await p.goto(srv.base + `/#/cmdb/${S.old}`);
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'zhang');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('[data-testid=ci-history] tbody tr', WAIT);
  const text = await p.locator('[data-testid=ci-history]').innerText();
  assert.match(text, /Time\s+Action\s+By\s+Reason/);
  assert.match(text, /Back in service/);
  assert.match(text, /Retired/);
  assert.match(text, /Beijing time/);
  await p.screenshot({ path: artifact('ci-retire-history-en.png'), fullPage: true });
  await p.goto(srv.base + `/#/cmdb/${S.keep}`);
  await p.waitForSelector('[data-testid=impact-graph]', WAIT);
  assert.equal(await p.locator('[data-testid=ci-history]').count(), 0);
  await ctx.close();
});
