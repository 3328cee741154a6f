// phone.test.mjs — the leader's path on a 390×844 phone, and what the desk
// must see and keep: a leader gets the acknowledgement link on their
// personal bot, acknowledges, opens the incident, activates the plan and
// closes it — each irreversible step asked first; no screen is wider than
// the phone (scrollWidth ≤ innerWidth on every screen, asserted), the header
// is compact, the countdowns and the registration prediction are in view.
// Also: a failed message shows in red within one poll; focus and a text
// selection survive polling; deadlines stop counting at resolution; a
// browser set to UTC shows Beijing time with its label; the auditor
// verifies the audit chain; a person without a role gets a clear page.
// Screenshots go to tests/e2e/artifacts/phone-*.png (R-NOT-4, R-NOT-6,
// R-NOT-7, R-ACT-1, R-CLOSE-1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Server, launchBrowser, artifact, USER_PW, ADMIN_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
const PHONE = { width: 390, height: 844 };
let srv, browser, hook, leadPage;
const got = []; // what the personal bots received
const S = {};

function receiver() {
  return new Promise((ok) => {
    const s = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { got.push(body); res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{}'); });
    });
    s.listen(0, '127.0.0.1', () => ok(s));
  });
}

// a port where nothing listens: messages to it fail
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
  await srv.makeUser('nobody', [], { display_name: '陈志斌' });
  S.eng = eng.token;
  S.lead = lead;
  await srv.must('PUT', '/api/v1/auth/me/notify', { bot_kind: 'webhook', bot_url: `http://127.0.0.1:${hook.address().port}/hook`, channels: { L1: ['bot'], L2: ['bot'], L3: ['bot'], NG: ['bot'] } }, lead.token);
  // the section head's bot is down: their messages fail
  await srv.must('PUT', '/api/v1/auth/me/notify', { bot_kind: 'webhook', bot_url: `http://127.0.0.1:${await deadPort()}/hook`, channels: { L1: ['bot'], L2: ['bot'], L3: ['bot'], NG: ['bot'] } }, head.token);
  S.ci = (await srv.must('POST', '/api/v1/cis', { name: 'core-db-01', category: 'database', grade: 'L2', department: '运行部' }, S.eng)).id;
});

after(async () => {
  if (browser) await browser.close();
  if (hook) hook.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

async function newPage(viewport = PHONE, timezoneId = 'Asia/Shanghai') {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId, deviceScaleFactor: 1, hasTouch: viewport.width < 500 });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => { S.pageErrors = (S.pageErrors || []).concat(String(e)); });
  return page;
}

async function signIn(page, user, hash, pw = USER_PW) {
  await page.goto(srv.base + '/' + hash);
  await page.waitForSelector('form.login-form', WAIT);
  await fits(page, 'login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', pw);
  await page.click('form.login-form button[type=submit]');
  await page.waitForSelector('header.top:not([hidden])', WAIT);
}

// No horizontal scroll: the page is no wider than the screen.  A screenshot
// of the first screenful (what the person sees) and of the whole page.
async function fits(page, name) {
  await page.waitForTimeout(150); // layout after the last render
  const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, bw: document.body.scrollWidth, iw: window.innerWidth }));
  assert.ok(m.sw <= m.iw && m.bw <= m.iw, `${name}: ${m.sw}/${m.bw} px wide on a ${m.iw} px screen`);
  // what people read holds no machine text: no raw keys, no ISO times (code and raw payloads aside)
  const words = await page.evaluate(() => {
    const root = (document.getElementById('view') || document.body).cloneNode(true);
    for (const x of root.querySelectorAll('code, pre, select, option, script, style')) x.remove();
    return root.textContent;
  });
  assert.doesNotMatch(words, /\d{4}-\d\d-\d\dT\d\d:/, `${name}: an ISO time`);
  // (the one-word role keys too, as a rule's text glosses them: "特定联络人 (liaison)")
  const raw = words.match(/\b[a-z]+_[a-z_]+\b|\((?:liaison|auditor)\)/);
  assert.equal(raw, null, `${name}: a raw key ${raw}`);
  await page.screenshot({ path: artifact(`phone-${name}.png`) });
  await page.screenshot({ path: artifact(`phone-${name}-full.png`), fullPage: true });
}

// true when the element is inside the first screenful
const inView = (page, sel) => page.$eval(sel, (el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth && r.width > 0; });
const text = (page, sel) => page.locator(sel).first().innerText();
const waitText = (page, sel, needle) => page.waitForFunction(([s, n]) => [...document.querySelectorAll(s)].some((e) => e.innerText.includes(n)), [sel, needle], WAIT);

test('registration on a phone: the prediction is on screen while the form is filled', async () => {
  const p = await newPage();
  await signIn(p, 'zhang', '#/incidents/new');
  await p.waitForSelector('[data-testid=ci-pick]', WAIT);
  await p.check(`#ci-${S.ci}`);
  await p.selectOption('select[name=severity]', 'moderate');
  await waitText(p, '[data-testid=pred-level]', '二级事件');
  // the people it will reach, by name; a role nobody holds is a warning before saving
  await waitText(p, '[data-testid=pred-recipients]', '赵强');
  assert.match(await text(p, '[data-testid=pred-recipients]'), /孙立新/);
  assert.ok(await p.locator('[data-testid=pred-nobody]').count() >= 1, 'the liaison role has nobody');
  await p.locator('input[name=title]').scrollIntoViewIfNeeded();
  assert.ok(await inView(p, '[data-testid=pred-level]'), 'the predicted level is on screen');
  const header = await p.$eval('header.top', (el) => el.getBoundingClientRect().height);
  assert.ok(header <= 60, `a compact header: ${header} px`);
  assert.equal(await p.locator('#nav-main').isVisible(), false, 'the navigation folds behind the menu');
  await p.click('#nav-toggle');
  assert.equal(await p.locator('#nav-main a[href="#/incidents"]').isVisible(), true, 'the menu opens');
  await fits(p, 'menu-open');
  await p.click('#nav-toggle');
  // an empty title is named next to its field, marked and focused
  await p.click('form.form button[type=submit]');
  await p.waitForSelector('input[name=title][aria-invalid=true]', WAIT);
  assert.equal(await p.evaluate(() => document.activeElement.name), 'title');
  await fits(p, 'register');
  await p.fill('input[name=title]', '核心数据库响应缓慢');
  await p.fill('input[name=location]', '主机房 B-2');
  await p.fill('textarea[name=symptoms]', '查询超时');
  await p.fill('textarea[name=impact_scope]', '通关业务');
  await p.click('form.form button[type=submit]');
  await p.waitForURL(/#\/incidents\/\d+$/, WAIT);
  S.inc = Number(new URL(p.url()).hash.split('/').pop());
  await p.waitForSelector('[data-testid=form-first]', WAIT);
  await p.click('[data-testid=form-first] button[type=submit]');
  await waitText(p, '[data-testid=inc-state]', '已上报');
  await fits(p, 'incident-engineer');
  // regrade from the page: a reason is required, named at its field
  await p.click('[data-testid=regrade] summary');
  await p.waitForSelector('[data-testid=form-regrade] select[name=ci_ids] option', { ...WAIT, state: 'attached' });
  await fits(p, 'regrade');
  await p.selectOption('[data-testid=form-regrade] select[name=severity]', 'minor');
  await p.click('[data-testid=form-regrade] button[type=submit]');
  await p.waitForSelector('[data-testid=form-regrade] textarea[name=reason][aria-invalid=true]', WAIT);
  await p.fill('[data-testid=form-regrade] textarea[name=reason]', '影响范围小于初判');
  await p.click('[data-testid=form-regrade] button[type=submit]');
  await p.waitForFunction(() => document.querySelector('.inc-head .badges').innerText.includes('轻微'), null, WAIT);
  assert.equal((await srv.must('GET', `/api/v1/incidents/${S.inc}`, undefined, S.eng)).severity, 'minor');
  await p.selectOption('[data-testid=form-regrade] select[name=severity]', 'moderate');
  await p.fill('[data-testid=form-regrade] textarea[name=reason]', '复核后恢复为中等');
  await p.click('[data-testid=form-regrade] button[type=submit]');
  await p.waitForFunction(() => document.querySelector('.inc-head .badges').innerText.includes('中等'), null, WAIT);
  await p.context().close();
});

test('the leader acknowledges from the link on a phone', async () => {
  await srv.clock(0); // the dispatcher sends what is due
  let m = null;
  for (let i = 0; i < 50 && !m; i++) {
    m = got.join('\n').match(/http:\/\/127\.0\.0\.1:\d+\/ack\/[A-Za-z0-9_-]{16,64}/);
    if (!m) await new Promise((ok) => setTimeout(ok, 200));
  }
  assert.ok(m, 'the leader got the link: ' + got.join('\n').slice(0, 300));
  const p = await newPage();
  await p.goto(m[0]);
  await fits(p, 'ack-link');
  await Promise.all([p.waitForNavigation(WAIT), p.getByRole('button', { name: /确认收到/ }).click()]);
  assert.equal(await p.locator('#state').getAttribute('data-state'), 'acknowledged');
  await fits(p, 'ack-done');
  await p.context().close();
});

test('the leader opens the incident: compact, countdowns in view, nothing wider than the phone', async () => {
  leadPage = await newPage();
  const p = leadPage;
  await signIn(p, 'sun', `#/incidents/${S.inc}`);
  await waitText(p, '[data-testid=inc-state]', '已上报');
  assert.ok(await inView(p, '[data-testid=inc-state]'), 'the state is on the first screen');
  await p.locator('[data-testid=handling] .countdown').scrollIntoViewIfNeeded();
  assert.ok(await inView(p, '[data-testid=handling] .countdown'), 'the handling countdown is visible whole');
  assert.match(await text(p, '[data-testid=handling]'), /剩余 \d\d:\d\d:\d\d/);
  assert.match(await text(p, '[data-testid=recipients]'), /孙立新/, 'people by name');
  await fits(p, 'incident-leader');
});

test('a failed message shows in red on the incident within one poll', async () => {
  const p = leadPage;
  // the dispatcher retries the dead bot until the policy's attempt limit
  for (let i = 0; i < 40; i++) {
    const inc = await srv.must('GET', `/api/v1/incidents/${S.inc}`, undefined, S.eng);
    if (inc.failed_messages.length) break;
    await srv.clock(600);
    await new Promise((ok) => setTimeout(ok, 100));
  }
  const inc = await srv.must('GET', `/api/v1/incidents/${S.inc}`, undefined, S.eng);
  assert.ok(inc.failed_messages.length >= 1, 'the API lists the failure');
  await p.waitForSelector('[data-testid=failed-alert] .delivery-alert', { timeout: 4000 }); // one 3 s poll
  assert.match(await text(p, '[data-testid=failed-alert]'), /赵强/);
  await p.waitForSelector('[data-testid=deliveries] tr.failed', WAIT);
  const color = await p.$eval('[data-testid=deliveries] tr.failed td', (td) => getComputedStyle(td).color);
  assert.equal(color, 'rgb(180, 35, 24)', 'failed rows are red');
  assert.match(await text(p, '[data-testid=deliveries] tr.failed'), /请电话联系/);
  await fits(p, 'incident-failed');
  // the desk sends it again from the page (the leader may not: no button)
  assert.equal(await p.locator('[data-testid=deliveries] button[data-testid^=retry-]').count(), 0);
  const e = await newPage();
  await signIn(e, 'zhang', `#/incidents/${S.inc}`);
  const mid = inc.failed_messages.find((f) => f.queue === 'outbox').id;
  await e.click(`[data-testid=retry-${mid}]`);
  await waitText(e, '[data-testid=timeline]', `#${mid}`);
  const again = await srv.must('GET', `/api/v1/incidents/${S.inc}`, undefined, S.eng);
  assert.notEqual(again.messages.find((m) => m.id === mid).status, 'failed', 'queued again');
  await e.context().close();
});

test('polling keeps focus and a text selection, and announces what changed', async () => {
  const p = leadPage;
  await p.focus('[data-testid=btn-print]');
  await p.evaluate(() => {
    const tl = document.querySelector('[data-testid=timeline] li');
    const r = document.createRange();
    r.selectNodeContents(tl);
    getSelection().removeAllRanges();
    getSelection().addRange(r);
  });
  const sel = await p.evaluate(() => String(getSelection()));
  assert.ok(sel.length > 5);
  await p.waitForTimeout(7000); // two polls with nothing new
  assert.equal(await p.evaluate(() => document.activeElement.dataset.testid), 'btn-print', 'focus stays');
  assert.equal(await p.evaluate(() => String(getSelection())), sel, 'the selection stays');
  // something new: the second report; the page changes, focus stays where it was
  await srv.must('POST', `/api/v1/incidents/${S.inc}/reports`, { kind: 'second', response_level: 'R2', system_impact: '查询缓慢', estimated_recovery_at: new Date(Date.now() + 7200e3).toISOString() }, S.eng);
  await waitText(p, '[data-testid=inc-state]', '已确认');
  assert.equal(await p.evaluate(() => document.activeElement.dataset.testid), 'btn-print', 'focus survives a change');
  await p.waitForFunction(() => document.getElementById('live').textContent.includes('已确认'), null, WAIT);
  assert.equal(await p.locator('main[aria-live]').count(), 0, 'the page itself is not a live region');
});

test('activate on a phone: asked first, then done', async () => {
  const p = leadPage;
  await p.waitForSelector('[data-testid=btn-activate]', WAIT);
  assert.ok(await inView(p, '[data-testid=btn-activate]'), 'the action is at hand');
  await p.click('[data-testid=btn-activate]');
  await p.waitForSelector('[data-testid=btn-activate-confirm]', WAIT);
  assert.equal((await srv.must('GET', `/api/v1/incidents/${S.inc}`, undefined, S.eng)).state, 'confirmed', 'nothing happened yet');
  assert.match(await text(p, '.confirm'), /不能撤销/);
  await fits(p, 'activate-confirm');
  await p.click('[data-testid=btn-activate-cancel]');
  assert.equal(await p.locator('[data-testid=btn-activate-confirm]').count(), 0, 'cancel goes back');
  await p.click('[data-testid=btn-activate]');
  await p.click('[data-testid=btn-activate-confirm]');
  await waitText(p, '[data-testid=inc-state]', '已启动');
  await fits(p, 'activated');
});

test('close on a phone; the deadlines stop counting with the incident', async () => {
  const p = leadPage;
  await srv.must('POST', `/api/v1/incidents/${S.inc}/reports`, { kind: 'final', cause: '索引失效', process: '重建索引', current_state: '已恢复', business_impact_minutes: 20, improvements: '增加巡检' }, S.eng);
  await p.waitForSelector('[data-testid=btn-close]', WAIT);
  await p.click('[data-testid=btn-close]');
  await p.click('[data-testid=btn-close-confirm]');
  await waitText(p, '[data-testid=inc-state]', '已关闭');
  await srv.clock(3 * 3600); // far past every deadline
  await p.waitForTimeout(3500);
  assert.equal(await p.locator('[data-testid=deadlines] .countdown, [data-testid=recipients] .countdown, [data-testid=handling] .countdown').count(), 0, 'nothing counts down');
  const inc = await srv.must('GET', `/api/v1/incidents/${S.inc}`, undefined, S.eng);
  const closed = Date.parse(inc.closed_at);
  assert.deepEqual(inc.timeline.filter((e) => e.kind === 'deadline_missed' && Date.parse(e.at) > closed), [], 'nothing missed after closure');
  assert.equal(inc.deadlines.filter((d) => d.state === 'pending').length, 0, 'nothing pending');
  await fits(p, 'closed');
});

test('every screen fits the phone', async () => {
  const p = leadPage;
  for (const [hash, ready, name] of [
    ['#/dashboard', '[data-testid=kpis] .kpi', 'dashboard'],
    ['#/incidents', '[data-testid=incident-list] table', 'incidents'],
    [`#/incidents/${S.inc}/report`, '[data-testid=print-doc]', 'report'],
    ['#/cmdb', 'table', 'cmdb'],
    [`#/cmdb/${S.ci}`, 'h1', 'ci'],
    ['#/events', 'h1', 'events'],
    ['#/policy', 'table', 'policy'],
    ['#/cases', '[data-testid=case-list]', 'cases'],
    ['#/account', 'h1', 'account'],
    ['#/deliveries', '[data-testid=dlog-list] table', 'deliveries'],
    ['#/cmdb-unverified', '[data-testid=unverified-list]', 'unverified'],
    ['#/events-review', 'h1', 'events-review'],
  ]) {
    await p.goto(srv.base + '/' + hash);
    await p.waitForSelector(ready, WAIT);
    await fits(p, name);
  }
  const e = await newPage();
  await signIn(e, 'zhang', '#/cmdb/new');
  await e.waitForSelector('[data-testid=guidance]', WAIT);
  await fits(e, 'ci-new');
  // attributes: a Chinese name beside the host name the matcher uses
  await e.fill('input[name=name]', 'db-standby-01');
  await e.fill('textarea[name=attributes]', '中文名 = 备用数据库\n型号 X9');
  await e.click('form.form button[type=submit]');
  await e.waitForSelector('textarea[name=attributes][aria-invalid=true]', WAIT);
  await e.fill('textarea[name=attributes]', '中文名 = 备用数据库\n型号 = X9');
  await e.click('form.form button[type=submit]');
  await e.waitForSelector('[data-testid=ci-attr]', WAIT);
  assert.deepEqual(await e.locator('[data-testid=ci-attr]').allInnerTexts(), ['备用数据库', 'X9']);
  await fits(e, 'ci-attributes');
  await e.goto(srv.base + '/#/events');
  await e.waitForSelector('h1', WAIT);
  await fits(e, 'events-writer');
  await e.context().close();
});

test('a browser set to UTC shows Beijing time with its label', async () => {
  const p = await newPage({ width: 1280, height: 900 }, 'UTC');
  await signIn(p, 'sun', `#/incidents/${S.inc}`);
  await p.waitForSelector('[data-testid=inc-state]', WAIT);
  const inc = await srv.must('GET', `/api/v1/incidents/${S.inc}`, undefined, S.eng);
  const bj = new Date(Date.parse(inc.detected_at) + 8 * 3600e3).toISOString().replace('T', ' ').slice(0, 19);
  assert.match(await text(p, 'dl.facts'), new RegExp(bj + ' 北京时间'), 'Beijing time, labelled');
  const rendered = await p.evaluate(() => document.getElementById('view').innerText);
  assert.doesNotMatch(rendered, /\d{4}-\d\d-\d\dT\d\d:\d\d/, 'no ISO times');
  await p.context().close();
});

test('the auditor verifies the audit chain from the UI', async () => {
  const p = await newPage();
  await signIn(p, 'auditor', '', ADMIN_PW);
  await p.waitForFunction(() => document.body.dataset.view === 'audit', null, WAIT);
  await p.waitForSelector('[data-testid=audit-list] tbody tr td', WAIT);
  await p.click('#nav-toggle');
  assert.equal(await p.locator('#nav-main a[href="#/audit"]').isVisible(), true, 'the audit trail is in the menu');
  assert.equal(await p.locator('#nav-main a[href="#/users"]').isVisible(), false, 'the users screen is not');
  await p.click('#nav-toggle');
  await p.click('[data-testid=audit-verify]');
  await waitText(p, '[data-testid=audit-verdict]', '审计链完整');
  await p.fill('input[name=actor]', 'sun');
  await p.click('form.filters button[type=submit]');
  await p.waitForFunction(() => [...document.querySelectorAll('[data-testid=audit-list] tbody tr')].every((tr) => tr.innerText.includes('sun')), null, WAIT);
  await fits(p, 'audit');
  await p.context().close();
});

test('the wall screen: a kiosk on a display key, 1920 and 3840 wide, past the 12 h of a session', async () => {
  // the system administrator creates the key on the API keys screen
  const a = await newPage({ width: 1280, height: 900 });
  await signIn(a, 'sysadmin', '#/api-keys', ADMIN_PW);
  await a.fill('input[name=name]', 'wall-duty-room');
  await a.selectOption('select[name=integration]', 'display');
  await a.click('form.form button[type=submit]');
  const url = (await a.locator('[data-testid=kiosk-url]').innerText()).trim();
  assert.match(url, /#\/wall\?key=odk_/);
  await a.context().close();
  const sizes = {};
  for (const [w, hgt] of [[1920, 1080], [3840, 2160]]) {
    const p = await newPage({ width: w, height: hgt });
    await p.goto(url);
    await p.waitForSelector('[data-testid=kpis] .kpi', WAIT);
    assert.equal(new URL(p.url()).hash, '#/wall', 'the key leaves the address bar');
    assert.equal(await p.locator('header.top').isVisible(), false, 'the wall screen alone');
    const m = await p.evaluate(() => ({ sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight, iw: innerWidth, ih: innerHeight, kpi: parseFloat(getComputedStyle(document.querySelector('.kpi-value')).fontSize) }));
    assert.ok(m.sw <= m.iw, `${w}: ${m.sw} px wide`);
    assert.ok(m.sh <= m.ih + 2, `${w}: fits the screen height (${m.sh} of ${m.ih})`);
    sizes[w] = m.kpi;
    await p.screenshot({ path: artifact(`wall-${w}.png`) });
    if (w === 1920) {
      // 13 hours on: a session would have expired; the display key still reads
      const before = await text(p, '[data-testid=refreshed]');
      await srv.clock(13 * 3600);
      await p.waitForFunction((b) => document.querySelector('[data-testid=refreshed]').innerText !== b, before, WAIT);
      assert.equal(await p.locator('form.login-form').count(), 0, 'no sign-in page');
    }
    await p.context().close();
  }
  assert.ok(sizes[3840] >= sizes[1920] * 1.7, `the 4K screen scales its text: ${JSON.stringify(sizes)}`);
});

test('a person without a role gets a clear page, not a 403', async () => {
  const p = await newPage();
  await signIn(p, 'nobody', '');
  await p.waitForSelector('[data-testid=no-role]', WAIT);
  assert.equal(await p.locator('#nav-main li:not([hidden])').count(), 0, 'no screen offered');
  await p.goto(srv.base + '/#/incidents');
  await p.waitForSelector('[data-testid=no-access]', WAIT);
  assert.doesNotMatch(await text(p, '#view'), /incident\.read|monitoring_engineer|403/);
  await fits(p, 'no-role');
  await p.context().close();
  assert.deepEqual(S.pageErrors || [], [], 'no script errors');
});
