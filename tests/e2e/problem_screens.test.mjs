// problem_screens.test.mjs — the problem module's screens beyond the walk
// (R-PRB-1, R-PRB-3; docs/known-errors.md, docs/internals/record-ui.md), against
// a real server: a proactive candidate dismissed after a confirmation (cancel
// first: nothing changes), the candidates screen in English with the
// policy's rule windows and thresholds (R-PRB-5: ci_recurrence set to 45 days
// here, shown as 45, never a fixed 30); the known-error
// edit form's stale save (the server's 409, what was typed kept, a second
// save goes through) and a rule refused by the server on edit, shown at it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser;
const U = {};
const errors = [];

before(async () => {
  const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const text = readFileSync(join(ROOT, 'policy', 'default.yaml'), 'utf8');
  const old = '  ci_recurrence: {min_incidents: 3, within: 30d}\n';
  assert.equal(text.split(old).length, 2, 'the default ci_recurrence rule, once');
  const file = join(mkdtempSync(join(tmpdir(), 'opsdesk-e2e-pcr-')), 'policy.yaml');
  writeFileSync(file, text.replace(old, '  ci_recurrence: {min_incidents: 3, within: 45d}\n'));
  srv = await new Server().start(['--policy', file]);
  browser = await launchBrowser();
  U.liu = await srv.makeUser('liu', ['problem_manager'], { display_name: '刘问题' });
  U.zhang = await srv.makeUser('zhang', ['ops_engineer'], { display_name: '张值班' });
  U.ci = (await srv.must('POST', '/api/v1/cis', { name: 'mq-01', category: 'server', grade: 'L3', department: '运行部' }, U.zhang.token)).id;
  for (let i = 1; i <= 3; i++) await srv.must('POST', '/api/v1/incidents', { title: `消息积压 ${i}`, ci_ids: [U.ci], severity: 'minor' }, U.zhang.token);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

async function page(user, { viewport = { width: 1440, height: 900 }, locale = 'zh-CN' } = {}) {
  const ctx = await browser.newContext({ viewport, locale, timezoneId: 'UTC' });
  const p = await ctx.newPage();
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(srv.base + '/');
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', user);
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('header.top:not([hidden])', WAIT);
  return p;
}

const get = (path) => srv.must('GET', path, undefined, U.liu.token);

test('a candidate is dismissed only after the confirmation; the screen in English', async () => {
  assert.equal((await srv.must('POST', '/api/v1/problems/candidates/scan', undefined, U.liu.token)).created, 1);
  const [c] = (await get('/api/v1/problems/candidates?state=open')).items;
  const p = await page('liu');
  await p.goto(srv.base + '/#/problems/candidates');
  const row = `[data-testid=cand][data-id="${c.id}"]`;
  await p.waitForSelector(row, WAIT);
  assert.match(await p.locator(row).innerText(), /同一配置项 45 天内反复发生事件/);
  assert.equal(await p.locator('[data-testid=cand-hint]').innerText(),
    '每日扫描（策略规则）：同一配置项 45 天内 3 起及以上事件；同一配置项 90 天内 2 起及以上达到 R1 的事件；' +
    '同一事件规则 30 天内开启 3 起及以上事件。接受即创建问题（来源：主动发现）。');
  await p.click(`${row} [data-testid=cand-dismiss]`);
  await p.click(`${row} [data-testid=cand-dismiss-cancel]`);
  assert.equal((await get('/api/v1/problems/candidates?state=open')).items.length, 1, 'cancel changes nothing');
  await p.click(`${row} [data-testid=cand-dismiss]`);
  await p.click(`${row} [data-testid=cand-dismiss-confirm]`);
  await p.waitForSelector(row, { state: 'detached', ...WAIT });
  const after = (await get('/api/v1/problems/candidates')).items;
  assert.deepEqual(after.map((x) => [x.id, x.state, x.problem_id]), [[c.id, 'dismissed', null]]);
  await p.selectOption('select[name=state]', 'dismissed');
  await p.waitForSelector(row, WAIT);
  assert.match(await p.locator(row).innerText(), /已驳回/);
  assert.equal(await p.locator(`${row} [data-testid=cand-accept]`).count(), 0, 'a decided candidate offers no decision');
  await p.context().close();
  const en = await page('liu');
  await en.selectOption('#lang-switch', 'en');
  await en.goto(srv.base + '/#/problems/candidates');
  await en.waitForSelector('[data-testid=cand-list]', WAIT);
  await en.selectOption('select[name=state]', '');
  await en.waitForSelector(row, WAIT);
  assert.match(await en.locator(row).innerText(), /Recurring incidents on one CI in 45 days[\s\S]*Dismissed/);
  assert.match(await en.locator('[data-testid=cand-hint]').innerText(), /^Daily scan \(policy rules\): 3 or more incidents on one CI in 45 days; 2 or more reaching R1 on one CI in 90 days;/);
  await en.screenshot({ path: artifact('screens-candidates-en.png'), fullPage: true });
  await en.context().close();
});

test('known-error edit: a stale save is the 409, what was typed stays; a bad rule is shown at the rule', async () => {
  const k = await srv.must('POST', '/api/v1/known-errors', { title: '消息队列积压', symptoms: '消费延迟', match_rules: ['service="mq"'] }, U.liu.token);
  const p = await page('liu');
  await p.goto(srv.base + `/#/known-errors/${k.id}/edit`);
  await p.waitForSelector('[data-testid=ke-form]', WAIT);
  await p.fill('[data-testid=ke-form] [name=root_cause]', '消费者线程数不足');
  // someone else saves first
  await srv.must('PATCH', `/api/v1/known-errors/${k.id}`, { version: k.version, symptoms: '消费延迟超过 5 分钟' }, U.liu.token);
  await p.click('[data-testid=ke-form] button[type=submit]');
  await p.waitForSelector('[data-testid=ke-form] p.error[role=alert]:not([hidden])', WAIT);
  assert.match(await p.locator('[data-testid=ke-form] p.error[role=alert]:not([hidden])').innerText(), /版本/);
  assert.equal(await p.inputValue('[data-testid=ke-form] [name=root_cause]'), '消费者线程数不足');
  // a rule the server refuses, on edit: shown at that rule, nothing saved
  await p.locator('[data-testid=ke-form-rules] input[name=match_rule]').nth(0).fill('service=~"(mq"');
  await p.click('[data-testid=ke-form] button[type=submit]');
  await p.waitForSelector('[data-testid=ke-form-rules] li:nth-child(1) .field-error', WAIT);
  assert.match(await p.locator('[data-testid=ke-form-rules] li:nth-child(1) .field-error').innerText(), /第 1 条匹配规则无效/);
  assert.equal((await get(`/api/v1/known-errors/${k.id}`)).root_cause, '');
  await p.locator('[data-testid=ke-form-rules] input[name=match_rule]').nth(0).fill('service=~"mq.*"');
  await p.click('[data-testid=ke-form] button[type=submit]');
  await p.waitForSelector('[data-testid=ke-head] h1', WAIT);
  const now = await get(`/api/v1/known-errors/${k.id}`);
  assert.deepEqual([now.root_cause, now.symptoms, now.match_rules], ['消费者线程数不足', '消费延迟超过 5 分钟', ['service=~"mq.*"']]);
  await p.context().close();
  assert.deepEqual(errors, [], 'no script error on any page');
});
