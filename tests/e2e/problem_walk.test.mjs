// problem_walk.test.mjs — problems and known errors joined up, end to end
// (R-PRB-1…3, R-EVT-2; research/modules-spec.md §M2; docs/problems.md,
// docs/known-errors.md), against a real server:
//   three incidents on one CI → the daily scan proposes a problem, the
//   problem manager accepts the candidate (a problem linked to the three,
//   source proactive) → accepted, assigned, started from the problem page →
//   the assignee publishes a workaround and a known error carries it → a NEW
//   incident on the CI shows "已知错误 KE-…：临时解决办法 …" and the on-call
//   engineer applies it (the incident linked to the problem, one use) → the
//   assignee resolves with a root cause and a solution, fills the closure
//   checklist → closing is refused to the assignee (403, the reason shown in
//   the action bar) and done by the problem manager.
// The candidate is accepted on the candidates screen and the known error
// written on its form; every other step is a click.  Screenshots, desktop and a 390 px phone, go to
// tests/e2e/artifacts/walk-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
const DESK = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
let srv, browser;
const U = {};
const W = {};
const errors = [];

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  U.liu = await srv.makeUser('liu', ['problem_manager'], { display_name: '刘问题' });
  U.sun = await srv.makeUser('sun', ['problem_solver', 'ops_engineer'], { display_name: '孙处理' });
  U.zhang = await srv.makeUser('zhang', ['ops_engineer', 'monitoring_engineer'], { display_name: '张值班' });
  W.ci = (await srv.must('POST', '/api/v1/cis', { name: 'pay-db-01', category: 'server', grade: 'L3', department: '运行部' }, U.zhang.token)).id;
  W.incs = [];
  for (let i = 1; i <= 3; i++) {
    W.incs.push(await srv.must('POST', '/api/v1/incidents', { title: `支付库连接超时 ${i}`, ci_ids: [W.ci], severity: 'minor' }, U.zhang.token));
  }
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

async function page(user, viewport = DESK) {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'UTC', hasTouch: viewport.width < 500 });
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

async function open(p, hash, sel) {
  await p.goto(srv.base + '/' + hash);
  await p.waitForSelector(sel, WAIT);
}

async function waitText(p, sel, needle) {
  try {
    await p.waitForFunction(([s, n]) => [...document.querySelectorAll(s)].some((e) => e.innerText.includes(n)), [sel, needle], WAIT);
  } catch (e) {
    const was = await p.evaluate((s) => [...document.querySelectorAll(s)].map((x) => x.innerText).join(' | '), sel).catch(() => '?');
    throw new Error(`waiting for ${JSON.stringify(needle)} in ${sel}: ${e.message}; it shows ${JSON.stringify(was.slice(0, 600))}`);
  }
}

async function shot(p, name) {
  await p.waitForTimeout(150);
  const m = await p.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
  assert.ok(m.sw <= m.iw, `${name}: ${m.sw} px wide on a ${m.iw} px screen`);
  await p.screenshot({ path: artifact(`walk-${name}.png`), fullPage: true });
}

// clicks an allowed action of the action bar and waits for the new state's name
async function act(p, key, stateName) {
  await p.waitForSelector(`[data-testid=act-${key}] button.primary`, WAIT);
  await p.click(`[data-testid=act-${key}] button`);
  await waitText(p, '[data-testid=problem-head] [data-testid=rec-state]', stateName);
}

// saves fields through the page's edit form
async function edit(p, values) {
  await p.click('[data-testid=problem-edit] summary');
  for (const [name, v] of Object.entries(values)) {
    const el = p.locator(`[data-testid=problem-edit-form] [name=${name}]`);
    if ((await el.evaluate((x) => x.tagName)) === 'SELECT') await el.selectOption(v);
    else await el.fill(v);
  }
  await p.click('[data-testid=problem-edit-form] button[type=submit]');
  // the facts show what was typed (the last text field)
  await waitText(p, '[data-testid=problem-facts]', Object.entries(values).filter(([k]) => !['impact', 'urgency', 'domain'].includes(k)).pop()[1]);
}

const get = (path, user = 'liu') => srv.must('GET', path, undefined, U[user].token);

test('recurring incidents → problem → workaround → known error on a new incident → resolved → closed by the problem manager', async () => {
  // 1. the daily scan proposes a problem for the CI; the problem manager accepts it
  const scan = await srv.must('POST', '/api/v1/problems/candidates/scan', undefined, U.liu.token);
  assert.equal(scan.created, 1);
  const cands = (await get('/api/v1/problems/candidates?state=open')).items;
  assert.deepEqual(cands.map((c) => [c.ci_ids, c.incident_count]), [[[W.ci], 3]]);
  // the candidates screen, reached from the problem list: the rule, the CI, the three incidents
  const pm = await page('liu');
  await open(pm, '#/problems', '[data-testid=problem-candidates]');
  await pm.click('[data-testid=problem-candidates]');
  const row = `[data-testid=cand][data-id="${cands[0].id}"]`;
  await pm.waitForSelector(row, WAIT);
  await waitText(pm, row, '同一配置项 30 天内反复发生事件');
  await waitText(pm, row, '待决定');
  for (const inc of W.incs) assert.equal(await pm.locator(`${row} a[href="#/incidents/${inc.id}"]`).count(), 1);
  await shot(pm, 'candidates-desktop');
  const cp = await page('liu', PHONE);
  await open(cp, '#/problems/candidates', row);
  await shot(cp, 'candidates-phone');
  await cp.context().close();
  // accepting with a title opens the new problem's page
  await pm.fill(`${row} [data-testid=cand-accept] input[name=title]`, '支付库连接反复超时');
  await pm.click(`${row} [data-testid=cand-accept] button[type=submit]`);
  await pm.waitForFunction(() => /^#\/problems\/\d+$/.test(location.hash), null, WAIT);
  W.pid = Number(await pm.evaluate(() => location.hash.split('/')[2]));
  assert.equal((await get('/api/v1/problems/candidates?state=accepted')).items[0].problem_id, W.pid);
  await waitText(pm, '[data-testid=problem-head] h1', '支付库连接反复超时');
  await waitText(pm, '[data-testid=problem-facts]', '主动发现');
  for (const inc of W.incs) await waitText(pm, '[data-testid=links]', inc.number);
  await waitText(pm, '[data-testid=rec-cis]', 'pay-db-01');
  await pm.waitForSelector('[data-testid=clock-resolve][data-state=running]', WAIT);
  // three incidents in 30 days: a workaround is required (the badge)
  await waitText(pm, '[data-testid=problem-head]', '需要临时解决方案');
  // accept needs impact, urgency and category: refused (409, the step named) until they are set
  await pm.waitForSelector('[data-testid=act-accept][data-status="409"]', WAIT);
  await shot(pm, 'new-desktop');
  await edit(pm, { impact: 'medium', urgency: 'high', category: '数据库连接' });
  await waitText(pm, '[data-testid=rec-timeline]', '修改字段：影响度、紧急度、分类');
  await act(pm, 'accept', '已接受');
  assert.equal((await get(`/api/v1/problems/${W.pid}`)).priority, 'P2');
  // assign: the assignee is picked on the edit form (people with a problem role only), then the action
  await pm.click('[data-testid=problem-edit] summary');
  const picks = await pm.locator('[data-testid=problem-edit-form] select[name=assignee_id] option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(picks, ['', String(U.liu.id), String(U.sun.id)]);
  await pm.click('[data-testid=problem-edit] summary');
  await edit(pm, { assignee_id: String(U.sun.id), category: '数据库连接（已分配）' });
  await waitText(pm, '[data-testid=problem-facts]', '孙处理');
  assert.equal((await get(`/api/v1/problems/${W.pid}`)).assignee_id, U.sun.id);
  await act(pm, 'assign', '已分配');

  // 2. the assignee starts, publishes a workaround; the known error carries it
  const sv = await page('sun');
  await open(sv, `#/problems/${W.pid}`, '[data-testid=problem-head] h1');
  await act(sv, 'start', '处理中');
  await edit(sv, { workaround: '重启支付应用的连接池（pay-app restart-pool）' });
  await sv.waitForSelector('[data-testid=act-publish_workaround] button.primary', WAIT);
  await sv.click('[data-testid=act-publish_workaround] button');
  await waitText(sv, '[data-testid=rec-timeline]', '发布临时解决方案');
  // the known error is written on its form, opened from the problem page (the problem prefilled)
  await sv.click('[data-testid=problem-new-ke]');
  await sv.waitForSelector('[data-testid=ke-form]', WAIT);
  assert.equal(await sv.inputValue('[data-testid=ke-form] select[name=problem_id]'), String(W.pid));
  await sv.fill('[data-testid=ke-form] [name=title]', '支付库连接池耗尽');
  await sv.fill('[data-testid=ke-form] [name=symptoms]', '支付接口超时，数据库连接数达到上限');
  await sv.fill('[data-testid=ke-form] [name=root_cause]', '连接池上限过低');
  await sv.fill('[data-testid=ke-form] [name=workaround]', '重启支付应用的连接池（pay-app restart-pool）');
  await sv.fill('[data-testid=ke-form] [name=ci_add]', 'pay-db-01');
  await sv.click('[data-testid=ke-ci-add]');
  await waitText(sv, '[data-testid=ke-form-cis]', 'pay-db-01');
  await sv.check('[data-testid=ke-form] [name=published]');
  // a rule that does not parse: the server's 422 is shown at that rule, nothing is saved
  await sv.click('[data-testid=ke-rule-add]');
  await sv.click('[data-testid=ke-rule-add]');
  const rules = sv.locator('[data-testid=ke-form-rules] input[name=match_rule]');
  await rules.nth(0).fill('title=~".*超时.*"');
  await rules.nth(1).fill('title=~"(支付"');
  await sv.click('[data-testid=ke-form] button[type=submit]');
  await sv.waitForSelector('[data-testid=ke-form-rules] li:nth-child(2) .field-error', WAIT);
  assert.match(await sv.locator('[data-testid=ke-form-rules] li:nth-child(2) .field-error').innerText(), /第 2 条匹配规则无效/);
  assert.equal(await rules.nth(1).getAttribute('aria-invalid'), 'true');
  assert.equal((await get('/api/v1/known-errors')).items.length, 0);
  await shot(sv, 'ke-form-desktop');
  await sv.locator('[data-testid=ke-form-rules] li:nth-child(2) button').click();
  await sv.click('[data-testid=ke-form] button[type=submit]');
  await sv.waitForSelector('[data-testid=ke-head] h1', WAIT);
  W.ke = await get(`/api/v1/known-errors/${await sv.evaluate(() => location.hash.split('/')[2])}`);
  assert.deepEqual([W.ke.title, W.ke.problem_id, W.ke.ci_ids, W.ke.match_rules, W.ke.published],
    ['支付库连接池耗尽', W.pid, [W.ci], ['title=~".*超时.*"'], true]);
  // edited on its form: only what changed is sent
  await sv.click('[data-testid=ke-edit]');
  await sv.waitForSelector('[data-testid=ke-form]', WAIT);
  await sv.fill('[data-testid=ke-form] [name=root_cause]', '连接池上限 50 过低');
  await sv.click('[data-testid=ke-form] button[type=submit]');
  await waitText(sv, '[data-testid=ke-facts]', '连接池上限 50 过低');
  const kp = await page('sun', PHONE);
  await open(kp, `#/known-errors/${W.ke.id}/edit`, '[data-testid=ke-form]');
  await shot(kp, 'ke-form-phone');
  await kp.context().close();
  await open(sv, `#/problems/${W.pid}`, '[data-testid=problem-head] h1');
  await waitText(sv, '[data-testid=links]', W.ke.number);

  // 3. a NEW incident on the CI shows the known error; the on-call engineer applies its workaround
  W.inc4 = await srv.must('POST', '/api/v1/incidents', { title: '支付接口大量超时', ci_ids: [W.ci], severity: 'minor' }, U.zhang.token);
  const oc = await page('zhang');
  await open(oc, `#/incidents/${W.inc4.id}`, `[data-testid=ke-match][data-ke="${W.ke.number}"]`);
  const item = oc.locator(`[data-testid=ke-match][data-ke="${W.ke.number}"]`);
  assert.match(await item.innerText(), new RegExp(`已知错误 ${W.ke.number}：[\\s\\S]*临时解决办法：\\s*重启支付应用的连接池`));
  await shot(oc, 'incident-known-error-desktop');
  await item.locator('[data-testid=ke-apply]').click();
  await item.locator('[data-testid=ke-applied]').waitFor(WAIT);
  assert.equal((await get(`/api/v1/known-errors/${W.ke.id}`)).uses, 1);
  const ph = await page('zhang', PHONE);
  await open(ph, `#/incidents/${W.inc4.id}`, `[data-testid=ke-match][data-ke="${W.ke.number}"] [data-testid=ke-applied]`);
  await shot(ph, 'incident-known-error-phone');
  await ph.context().close();
  // the incident is linked to the problem now: four caused_by links
  await sv.reload();
  await waitText(sv, '[data-testid=links]', W.inc4.number);
  const links = (await get(`/api/v1/records/${W.pid}/links?limit=200`)).items;
  assert.equal(links.filter((l) => l.kind === 'caused_by' && l.direction === 'in').length, 4);
  await oc.context().close();

  // 4. the assignee resolves: root cause and a verified solution; the closure checklist opens
  await edit(sv, { root_cause: '连接池上限 50 过低，高峰期耗尽', solution: '连接池上限调到 200 并加监控', solution_evidence: '调整后一周高峰期无超时' });
  await act(sv, 'resolve', '已解决');
  await sv.waitForSelector('[data-testid=checklist-close]', WAIT);
  const chk = (await get(`/api/v1/records/${W.pid}/checklists`)).items[0].id;
  for (const key of ['ke_updated', 'kb_updated', 'incidents_informed']) {
    await sv.selectOption(`[data-testid=chk-${chk}-${key}] select[name=value]`, 'pass');
    await sv.click(`[data-testid=chk-${chk}-${key}] button[type=submit]`);
    await waitText(sv, '[data-testid=checklist-close]', '已填 ' + (['ke_updated', 'kb_updated', 'incidents_informed'].indexOf(key) + 1) + '/3');
  }
  await waitText(sv, '[data-testid=checklist-close]', '已完成');
  // 5. closing is the problem manager's alone: refused to the assignee, the reason in the action bar
  await sv.reload();
  await sv.waitForSelector('[data-testid=act-close][data-status="403"]', WAIT);
  const why = await sv.locator('[data-testid=act-close]').innerText();
  assert.match(why, /关闭[\s\S]*无权执行：[\s\S]*问题经理/);
  assert.equal(await sv.getAttribute('[data-testid=act-close] button', 'aria-disabled'), 'true');
  await shot(sv, 'close-refused-desktop');
  const sp = await page('sun', PHONE);
  await open(sp, `#/problems/${W.pid}`, '[data-testid=act-close][data-status="403"]');
  await shot(sp, 'close-refused-phone');
  await sp.context().close();
  await sv.context().close();
  // and through the API too: 403, nothing changes
  const before = await get(`/api/v1/records/${W.pid}`);
  const r = await srv.request('POST', `/api/v1/records/${W.pid}/actions/close`, { version: before.version }, U.sun.token);
  assert.equal(r.status, 403);
  assert.equal((await get(`/api/v1/records/${W.pid}`)).state, 'resolved');
  await pm.reload();
  await act(pm, 'close', '已关闭');
  const done = await get(`/api/v1/problems/${W.pid}`);
  assert.equal(done.state, 'closed');
  assert.equal(done.problem.closed_by, U.liu.id);
  assert.equal((await get(`/api/v1/records/${W.pid}/clocks`)).items[0].state, 'stopped');
  await shot(pm, 'closed-desktop');
  await pm.context().close();
  assert.deepEqual(errors, [], 'no script error on any page');
});
