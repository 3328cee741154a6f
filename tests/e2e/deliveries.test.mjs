// deliveries.test.mjs — the delivery log screen (投递记录, #/deliveries,
// R-NOT-7): a section head's personal bot is down, so the messages to them
// fail; the log shows every attempt newest first, the failed ones in red
// with the reason; the state filter leaves exactly the failures; a
// recipient's name narrows the log to that person and 显示所有人 widens it
// again; the desk sends a failed message again from the log (a leader sees
// no 重发); at 390 px no horizontal scroll, no raw keys or ISO times; in
// English.  Screenshots: deliveries-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser, hook;
const S = {};

function receiver() {
  return new Promise((ok) => {
    const s = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{}'); }); });
    s.listen(0, '127.0.0.1', () => ok(s));
  });
}
function deadPort() {
  return new Promise((ok) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); }); });
}

before(async () => {
  hook = await receiver();
  srv = await new Server().start(['--bot-allow', '127.0.0.0/8']);
  browser = await launchBrowser();
  const eng = await srv.makeUser('zhang', ['ops_engineer', 'monitoring_engineer'], { display_name: '张伟' });
  const lead = await srv.makeUser('sun', ['ops_leader', 'ops_department_head', 'emergency_leadership'], { display_name: '孙立新' });
  const head = await srv.makeUser('zhao', ['ops_section_head'], { display_name: '赵强' });
  S.eng = eng.token;
  S.head = head.id;
  const bots = { L1: ['bot'], L2: ['bot'], L3: ['bot'], NG: ['bot'] };
  await srv.must('PUT', '/api/v1/auth/me/notify', { bot_kind: 'webhook', bot_url: `http://127.0.0.1:${hook.address().port}/hook`, channels: bots }, lead.token);
  await srv.must('PUT', '/api/v1/auth/me/notify', { bot_kind: 'webhook', bot_url: `http://127.0.0.1:${await deadPort()}/hook`, channels: bots }, head.token);
  const ci = (await srv.must('POST', '/api/v1/cis', { name: 'core-db-01', category: 'database', grade: 'L2', department: '运行部' }, S.eng)).id;
  const inc = await srv.must('POST', '/api/v1/incidents', { title: '核心数据库响应缓慢', ci_ids: [ci], severity: 'moderate', location: '主机房 B-2', symptoms: '查询超时', impact_scope: '通关业务' }, S.eng);
  S.inc = inc;
  await srv.must('POST', `/api/v1/incidents/${inc.id}/reports`, { kind: 'first' }, S.eng);
  // the dispatcher retries the dead bot until the policy's attempt limit
  for (let i = 0; i < 40; i++) {
    const d = await srv.must('GET', '/api/v1/deliveries?status=failed', undefined, S.eng);
    if (d.total) break;
    await srv.clock(600);
    await new Promise((ok) => setTimeout(ok, 100));
  }
  S.all = await srv.must('GET', '/api/v1/deliveries?limit=500', undefined, S.eng);
  S.failed = await srv.must('GET', '/api/v1/deliveries?status=failed&limit=500', undefined, S.eng);
  assert.ok(S.failed.total >= 1, 'a failure to show');
  assert.ok(S.all.total > S.failed.total, 'and successes too');
});

after(async () => {
  if (browser) await browser.close();
  if (hook) hook.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

async function newPage(viewport, timezoneId = 'UTC') {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => { S.pageErrors = (S.pageErrors || []).concat(String(e)); });
  return page;
}

async function signIn(page, user, hash) {
  await page.goto(srv.base + '/' + hash);
  await page.waitForSelector('form.login-form', WAIT);
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', USER_PW);
  await page.click('form.login-form button[type=submit]');
  await page.waitForSelector('header.top:not([hidden])', WAIT);
}

async function fits(page, name) {
  await page.waitForTimeout(150);
  const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
  assert.ok(m.sw <= m.iw, `${name}: ${m.sw} px wide on a ${m.iw} px screen`);
  const words = await page.evaluate(() => {
    const root = document.getElementById('view').cloneNode(true);
    for (const x of root.querySelectorAll('code, pre, select, option, script, style')) x.remove();
    return root.textContent;
  });
  assert.doesNotMatch(words, /\d{4}-\d\d-\d\dT\d\d:/, `${name}: an ISO time`);
  assert.equal(words.match(/\b[a-z]+_[a-z_]+\b/), null, `${name}: a raw key`);
  await page.screenshot({ path: artifact(`deliveries-${name}.png`), fullPage: true });
}

const rows = (p) => p.locator('[data-testid=dlog-list] tbody tr');
const text = (p, sel) => p.locator(sel).first().innerText();

test('the log lists every attempt, failed ones in red with the reason, Beijing time', async () => {
  const p = await newPage({ width: 1440, height: 900 });
  await signIn(p, 'zhang', '#/deliveries');
  await p.waitForSelector('[data-testid=dlog-list] table', WAIT);
  assert.equal(await rows(p).count(), Math.min(50, S.all.total));
  assert.match(await text(p, '[data-testid=page-info]'), new RegExp(`共 ${S.all.total} 条`));
  // newest first: the first row is the newest attempt
  assert.equal(await rows(p).first().getAttribute('data-testid'), 'dlog-row-' + S.all.items[0].id);
  const f = S.failed.items[0];
  const bad = p.locator(`[data-testid=dlog-row-${f.id}]`);
  assert.ok(await bad.evaluate((tr) => tr.classList.contains('failed')));
  assert.equal(await bad.locator('td').first().evaluate((td) => getComputedStyle(td).color), 'rgb(180, 35, 24)', 'red');
  const line = await bad.innerText();
  assert.match(line, /赵强/);
  assert.match(line, /发送失败/);
  assert.match(line, new RegExp(S.inc.number));
  assert.match(line, /北京时间|\(UTC\+08:00\)|UTC\+8/, 'the time says its zone');
  // the state filter: exactly the failures
  await p.selectOption('select[name=status]', 'failed');
  await p.waitForFunction((n) => document.querySelectorAll('[data-testid=dlog-list] tbody tr').length === n, S.failed.items.length, WAIT);
  assert.equal(await p.locator('[data-testid=dlog-list] tbody tr:not(.failed)').count(), 0);
  await fits(p, 'failed-desktop');
  // a recipient's name: only their messages; then everyone again
  await p.selectOption('select[name=status]', '');
  await p.waitForFunction((n) => document.querySelectorAll('[data-testid=dlog-list] tbody tr').length === n, Math.min(50, S.all.total), WAIT);
  await p.click(`[data-testid=dlog-who-${f.id}]`);
  await p.waitForSelector('[data-testid=dlog-recipient]:not([hidden])', WAIT);
  const mine = S.all.items.filter((d) => d.recipient_id === S.head).length;
  await p.waitForFunction((n) => document.querySelectorAll('[data-testid=dlog-list] tbody tr').length === n, Math.min(50, mine), WAIT);
  assert.match(await text(p, '[data-testid=dlog-recipient]'), /赵强/);
  await p.click('[data-testid=dlog-everyone]');
  await p.waitForSelector('[data-testid=dlog-recipient][hidden]', { state: 'attached', ...WAIT });
  // a time range in the future: nothing, said plainly
  await p.fill('input[name=from]', '2099-01-01T00:00');
  await p.click('form.filters button[type=submit]');
  await p.waitForSelector('[data-testid=dlog-empty]', WAIT);
  await p.fill('input[name=from]', '');
  await p.click('form.filters button[type=submit]');
  await p.waitForSelector('[data-testid=dlog-list] table', WAIT);
  assert.deepEqual(S.pageErrors || [], []);
  await p.context().close();
});

test('the desk sends a failed message again from the log; a leader has no button', async () => {
  const lead = await newPage({ width: 1440, height: 900 });
  await signIn(lead, 'sun', '#/deliveries');
  await lead.waitForSelector('[data-testid=dlog-list] table', WAIT);
  assert.equal(await lead.locator('button[data-testid^=dlog-retry-]').count(), 0);
  await lead.context().close();
  const p = await newPage({ width: 1440, height: 900 });
  await signIn(p, 'zhang', '#/deliveries');
  const f = S.failed.items.find((d) => d.outbox_id && d.message_status === 'failed');
  assert.ok(f, 'a failed outbox message');
  await p.click(`[data-testid=dlog-retry-${f.id}]`);
  // queued again: the message is no longer failed, the button goes
  await p.waitForSelector(`[data-testid=dlog-retry-${f.id}]`, { state: 'detached', ...WAIT });
  const inc = await srv.must('GET', `/api/v1/incidents/${S.inc.id}`, undefined, S.eng);
  assert.notEqual(inc.messages.find((m) => m.id === f.outbox_id).status, 'failed');
  assert.ok(inc.timeline.some((e) => e.kind === 'message_retry'));
  await p.context().close();
});

test('on a 390 px phone and in English', async () => {
  const p = await newPage({ width: 390, height: 844 });
  await signIn(p, 'zhang', '#/deliveries');
  await p.waitForSelector('[data-testid=dlog-list] table', WAIT);
  await fits(p, 'phone');
  await p.click('#nav-toggle');
  assert.equal(await p.locator('#nav-main a[href="#/deliveries"]').isVisible(), true, 'in the menu');
  await p.click('#nav-toggle');
  await p.evaluate(() => { localStorage.setItem('opsdesk.lang', 'en'); });
  await p.reload();
  await p.waitForSelector('[data-testid=dlog-list] table', WAIT);
  assert.match(await text(p, 'h1'), /Delivery log/);
  await p.selectOption('select[name=status]', 'failed');
  await p.waitForSelector('[data-testid=dlog-list] tbody tr.failed', WAIT);
  assert.match(await text(p, '[data-testid=dlog-list] tbody tr.failed'), /Failed/);
  await fits(p, 'phone-en');
  await p.context().close();
});
