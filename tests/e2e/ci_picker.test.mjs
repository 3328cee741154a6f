// ci_picker.test.mjs — the registration form's CI picker asks the server
// (GET /api/v1/cis?q=…, debounced) instead of loading a fixed first page:
// with more CIs than one page, the last CI is found by typing its name, a
// chosen CI stays chosen (and drives the prediction) while the search
// changes, and a search that matches nothing says so; the regrade form's
// CI list searches the same way and keeps the incident's CIs selected
// (R-INC-2, R-INC-4, R-CI-1; probe-ui #26). A screenshot goes to
// tests/e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
const N = 60; // more than the picker's page of 50
let srv, browser, page;
const S = {};

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  await srv.makeUser('zhang', ['ops_engineer'], { display_name: '张工' });
  const tok = srv.tokens.zhang;
  for (let i = 1; i <= N; i++) {
    const name = `pick-srv-${String(i).padStart(3, '0')}`;
    const ci = await srv.must('POST', '/api/v1/cis', { name, category: 'server', grade: i === N ? 'L1' : 'L3', department: '运行部' }, tok);
    S[name] = ci.id;
  }
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

const waitText = (sel, needle) => page.waitForFunction(([s, n]) => [...document.querySelectorAll(s)].some((e) => e.innerText.includes(n)), [sel, needle], WAIT);
const ids = () => page.$$eval('[data-testid=ci-pick] input[type=checkbox]', (els) => els.map((e) => Number(e.value)));

test('the picker shows one page, then finds the CI beyond it on the server', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.base + '/#/incidents/new');
  await page.waitForSelector('form.login-form', WAIT);
  await page.fill('input[name=username]', 'zhang');
  await page.fill('input[name=password]', USER_PW);
  await page.click('form.login-form button[type=submit]');
  await page.waitForSelector('[data-testid=ci-pick] input[type=checkbox]', WAIT);
  assert.equal((await ids()).length, 50, 'one page of 50 CIs');
  assert.equal(await page.locator(`#ci-${S['pick-srv-060']}`).count(), 0, 'the 60th CI is not on the first page');
  await waitText('[data-testid=ci-pick-more]', '50 / 60');

  // typing asks the server: the 60th CI is found
  const seen = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/cis?')) seen.push(new URL(r.url()).searchParams.get('q')); });
  await page.fill('input[name=ci_filter]', 'pick-srv-060');
  await page.waitForSelector(`#ci-${S['pick-srv-060']}`, WAIT);
  assert.deepEqual(await ids(), [S['pick-srv-060']], 'only the match');
  assert.deepEqual(seen, ['pick-srv-060'], 'one request for the typed text (debounced)');
  await page.check(`#ci-${S['pick-srv-060']}`);
  await waitText('[data-testid=pred-level]', '一级事件');

  // another search: the chosen CI stays, first and checked
  await page.fill('input[name=ci_filter]', 'pick-srv-00');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=ci-pick] input[type=checkbox]').length === 10, null, WAIT);
  const now = await ids();
  assert.equal(now[0], S['pick-srv-060'], 'the chosen CI first');
  assert.deepEqual(now.slice(1), [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => S[`pick-srv-00${i}`]), 'then the nine matches');
  assert.equal(await page.isChecked(`#ci-${S['pick-srv-060']}`), true);

  // nothing matches: said so, the chosen CI still there
  await page.fill('input[name=ci_filter]', '不存在的设备');
  await page.waitForSelector('[data-testid=ci-pick-none]', WAIT);
  assert.match(await page.locator('[data-testid=ci-pick-none]').innerText(), /未找到匹配的配置项/);
  assert.deepEqual(await ids(), [S['pick-srv-060']]);
  await page.screenshot({ path: artifact('ci-picker-search.png'), fullPage: true });

  // the registration saves with the CI found by search
  await page.fill('input[name=title]', '搜索选中的服务器故障');
  await page.click('form.form button[type=submit]');
  await page.waitForURL(/#\/incidents\/\d+$/, WAIT);
  const id = Number(new URL(page.url()).hash.split('/').pop());
  const inc = await srv.must('GET', `/api/v1/incidents/${id}`, undefined, srv.tokens.zhang);
  assert.deepEqual(inc.cis.map((c) => c.id ?? c), [S['pick-srv-060']]);
  S.inc = id;
  assert.deepEqual(errors, [], 'no page errors');
});

test('regrade: the CI list searches the server too, and keeps the CIs already chosen', async () => {
  await page.click('[data-testid=regrade] summary');
  const opts = () => page.$$eval('[data-testid=form-regrade] select[name=ci_ids] option', (os) => os.map((o) => [Number(o.value), o.selected]));
  await page.waitForSelector('[data-testid=form-regrade] select[name=ci_ids] option', { ...WAIT, state: 'attached' });
  const first = await opts();
  assert.equal(first.length, 51, 'the incident\'s CI, then the first page of 50');
  assert.deepEqual(first[0], [S['pick-srv-060'], true], 'the incident\'s own CI first, selected');
  await page.fill('[data-testid=form-regrade] input[name=ci_q]', 'pick-srv-059');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=form-regrade] select[name=ci_ids] option').length === 2, null, WAIT);
  assert.deepEqual(await opts(), [[S['pick-srv-060'], true], [S['pick-srv-059'], false]]);
  await page.selectOption('[data-testid=form-regrade] select[name=ci_ids]', [String(S['pick-srv-060']), String(S['pick-srv-059'])]);
  await page.fill('[data-testid=form-regrade] textarea[name=reason]', '还影响了另一台服务器');
  await page.click('[data-testid=form-regrade] button[type=submit]');
  await page.waitForFunction(async ([id, want]) => {
    const r = await fetch(`/api/v1/incidents/${id}`);
    const j = await r.json();
    return j.cis && j.cis.map((c) => c.id).sort((a, b) => a - b).join() === want;
  }, [S.inc, [S['pick-srv-059'], S['pick-srv-060']].sort((a, b) => a - b).join()], WAIT);
});

test('CI page: the relation target is searched on the server, so the 60th CI can be the target', async () => {
  await page.goto(srv.base + `/#/cmdb/${S['pick-srv-001']}`);
  await page.waitForSelector('select[name=rel_target] option', { ...WAIT, state: 'attached' });
  const targets = () => page.$$eval('select[name=rel_target] option', (os) => os.map((o) => Number(o.value)));
  const first = await targets();
  assert.equal(first.length, 49, 'the first page of 50 less the CI itself');
  assert.ok(!first.includes(S['pick-srv-060']) && !first.includes(S['pick-srv-001']));
  await page.fill('input[name=rel_target_q]', 'pick-srv-060');
  await page.waitForFunction(() => document.querySelectorAll('select[name=rel_target] option').length === 1, null, WAIT);
  assert.deepEqual(await targets(), [S['pick-srv-060']]);
  await page.click('form.filters button[type=submit]');
  await page.waitForFunction(async ([id, want]) => {
    const r = await fetch(`/api/v1/cis/${id}`);
    const j = await r.json();
    return JSON.stringify(j).includes(`"target_id":${want}`);
  }, [S['pick-srv-001'], S['pick-srv-060']], WAIT);
});

// The other single-CI pickers (web/js/ci_pick.js): the events list's CI
// filter, a maintenance window's CI and a record's CIs search the server
// the same way, so the 60th CI can be picked in each (probe-ui #26).
test('events: the CI filter and the window form reach the 60th CI', async () => {
  await srv.makeUser('mon', ['monitoring_engineer', 'ops_engineer'], { display_name: '监控员' });
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const p = await ctx.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(srv.base + '/#/events');
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'mon');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('select[name=ci] option', { ...WAIT, state: 'attached' });
  const opts = (sel) => p.$$eval(`select[name=${sel}] option`, (os) => os.map((o) => o.value));
  // one page of 50 and "all"; the 60th is not there, and the note says there are more
  assert.equal((await opts('ci')).length, 51);
  assert.ok(!(await opts('ci')).includes(String(S['pick-srv-060'])));
  assert.match(await p.locator('[data-testid=ci-more]').innerText(), /50 \/ 60/);
  await p.fill('input[name=ci_q]', 'pick-srv-060');
  await p.waitForFunction(() => document.querySelectorAll('select[name=ci] option').length === 2, null, WAIT);
  // the list is asked again, filtered by that CI
  const filtered = p.waitForRequest((r) => r.url().includes('/api/v1/events?') && new URL(r.url()).searchParams.get('ci') === String(S['pick-srv-060']), WAIT);
  await p.selectOption('select[name=ci]', String(S['pick-srv-060']));
  await filtered;
  // Enter in a picker's search box searches; it does not submit the window form
  const form = p.locator('[data-testid=window-form]');
  await form.locator('input[name=name]').fill('机房 60 号服务器维护');
  await form.locator('input[name=ci_id_q]').fill('pick-srv-060');
  await form.locator('input[name=ci_id_q]').press('Enter');
  await p.waitForFunction(() => document.querySelectorAll('[data-testid=window-form] select[name=ci_id] option').length === 2, null, WAIT);
  assert.equal((await srv.must('GET', '/api/v1/maintenance-windows', undefined, srv.tokens.mon)).total, 0, 'nothing saved by Enter');
  await form.locator('select[name=ci_id]').selectOption(String(S['pick-srv-060']));
  // a later search keeps the chosen CI listed and chosen
  await form.locator('input[name=ci_id_q]').fill('pick-srv-001');
  await p.waitForFunction(() => document.querySelectorAll('[data-testid=window-form] select[name=ci_id] option').length === 3, null, WAIT);
  assert.equal(await form.locator('select[name=ci_id]').inputValue(), String(S['pick-srv-060']));
  await form.locator('button[type=submit]').click();
  await p.waitForFunction(async () => (await (await fetch('/api/v1/maintenance-windows')).json()).total === 1, null, WAIT);
  const w = (await srv.must('GET', '/api/v1/maintenance-windows', undefined, srv.tokens.mon)).items[0];
  assert.equal(w.ci.id, S['pick-srv-060']);
  // editing shows the window's CI chosen
  await p.click(`[data-testid=windows] button:has-text("编辑")`);
  await p.waitForFunction((id) => document.querySelector('[data-testid=window-form] select[name=ci_id]').value === String(id), S['pick-srv-060'], WAIT);
  await p.screenshot({ path: artifact('ci-picker-events.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a record: a CI beyond the first page is added with its role', async () => {
  const tok = (await srv.makeUser('liu', ['problem_manager', 'ops_engineer'], { display_name: '刘问题' })).token;
  const prb = await srv.must('POST', '/api/v1/problems', { title: '服务器反复重启', fields: { domain: 'host', source: 'desk' } }, tok);
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const p = await ctx.newPage();
  await p.goto(srv.base + `/#/problems/${prb.id}`);
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'liu');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('[data-testid=rec-cis-part] details.add-box summary', WAIT);
  await p.click('[data-testid=rec-cis-part] details.add-box summary');
  await p.waitForSelector('[data-testid=ci-form] select[name=ci_id] option', { ...WAIT, state: 'attached' });
  assert.equal(await p.locator('[data-testid=ci-form] select[name=ci_id] option').count(), 50);
  await p.fill('[data-testid=ci-form] input[name=ci_id_q]', 'pick-srv-060');
  await p.waitForFunction(() => document.querySelectorAll('[data-testid=ci-form] select[name=ci_id] option').length === 1, null, WAIT);
  await p.click('[data-testid=ci-form] button[type=submit]');
  await p.waitForFunction(() => /pick-srv-060/.test(document.querySelector('[data-testid=rec-cis]').innerText), null, WAIT);
  const cis = await srv.must('GET', `/api/v1/records/${prb.id}/cis`, undefined, tok);
  assert.deepEqual(cis.items.map((c) => c.id), [S['pick-srv-060']]);
  await ctx.close();
});
