// ui.test.mjs — the web UI in a real browser: Debian's chromium
// driven by playwright-core against a real opsdesk with --test-clock.
// One server and one story, in order: sign in (Chinese by default), create
// a CI with the grading guidance beside the grade, register an incident and
// see the predicted levels before saving, send the first report, move the
// test clock and watch the escalation appear without a reload, take the
// incident through second report → activation → final report, a user
// without the authority sees no close button and is refused by the API,
// the authority closes, the review files it in the case library; the
// dashboard draws its charts from that data; English and back; a session
// that expires sends the person to sign in and back to where they were.
// Screenshots of the dashboard, the incident page and the registration
// form go to tests/e2e/artifacts/ on every run (R-NOT-6, R-ACT-1,
// R-CLOSE-1, R-PIR-2, R-SEC-SYS-1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, canvasInk, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser, eng, lead, head;
const S = {}; // ids shared by the steps

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  await srv.makeUser('zhang', ['ops_engineer', 'monitoring_engineer'], { display_name: '张工' });
  await srv.makeUser('li', ['ops_leader', 'ops_department_head', 'emergency_leadership'], { display_name: '李主任' });
  await srv.makeUser('wang', ['ops_section_head'], { display_name: '王科长' });
  const tok = srv.tokens.zhang;
  S.db = (await srv.must('POST', '/api/v1/cis', { name: 'e2e-core-db', category: 'database', grade: 'L1', department: '运行部' }, tok)).id;
  S.web = (await srv.must('POST', '/api/v1/cis', { name: 'e2e-web-01', category: 'server', grade: 'L3', department: '运行部', location: '主机房' }, tok)).id;
  await srv.must('POST', `/api/v1/cis/${S.web}/relations`, { type: 'depends_on', target_id: S.db }, tok);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) {
    const rc = await srv.stop();
    assert.equal(rc, 0, 'the server exits cleanly');
  }
});

async function newPage(viewport = { width: 1600, height: 1000 }) {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => { S.pageErrors = (S.pageErrors || []).concat(String(e)); });
  return page;
}

async function signIn(page, user, hash = '#/dashboard') {
  await page.goto(srv.base + '/' + hash);
  await page.waitForSelector('form.login-form', WAIT);
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', USER_PW);
  await page.click('form.login-form button[type=submit]');
  await page.waitForSelector('header.top:not([hidden])', WAIT);
}

const text = (page, sel) => page.locator(sel).first().innerText();
const waitText = (page, sel, needle) => page.waitForFunction(([s, n]) => [...document.querySelectorAll(s)].some((e) => e.innerText.includes(n)), [sel, needle], WAIT);

test('sign in: Chinese by default, the API message on a wrong password, then back where one was going', async () => {
  eng = await newPage();
  await eng.goto(srv.base + '/#/incidents');
  await eng.waitForSelector('form.login-form', WAIT);
  assert.equal(await eng.getAttribute('html', 'lang'), 'zh-CN');
  assert.match(await text(eng, 'form.login-form'), /用户名/);
  await eng.fill('input[name=username]', 'zhang');
  await eng.fill('input[name=password]', 'wrong-Pass-1!');
  await eng.click('form.login-form button[type=submit]');
  await waitText(eng, '#login-error', '用户名或密码错误');
  await eng.fill('input[name=password]', USER_PW);
  await eng.click('form.login-form button[type=submit]');
  await eng.waitForSelector('[data-testid=incident-list]', WAIT);
  assert.equal(new URL(eng.url()).hash, '#/incidents', 'back to the page asked for');
  const cookies = await eng.context().cookies();
  const c = cookies.find((x) => x.name === 'od_session');
  assert.ok(c && c.httpOnly && c.sameSite === 'Strict', 'an HttpOnly, SameSite=Strict session cookie');
  assert.equal(await eng.evaluate(() => document.cookie.includes('od_session')), false, 'scripts cannot read it');
});

test('CMDB: create a CI with the grading guidance beside the grade field', async () => {
  await eng.goto(srv.base + '/#/cmdb/new');
  await eng.waitForSelector('[data-testid=guidance]', WAIT);
  await eng.selectOption('select[name=category]', 'network');
  await eng.selectOption('select[name=grade]', 'L2');
  await waitText(eng, '[data-testid=guidance] .current', '二级网络设备');
  await eng.fill('input[name=name]', 'e2e-core-switch');
  await eng.fill('input[name=department]', '运行部');
  await eng.click('form.form button[type=submit]');
  await eng.waitForSelector('[data-testid=impact-graph] canvas', WAIT);
  assert.match(await text(eng, 'h1'), /e2e-core-switch/);
  // the database's impact graph shows the web server that depends on it
  await eng.goto(srv.base + `/#/cmdb/${S.db}`);
  await waitText(eng, '.panel', 'e2e-web-01');
  const ink = await canvasInk(eng, '[data-testid=impact-graph]');
  assert.ok(ink.canvas && ink.ink > 500, 'the impact graph is drawn: ' + JSON.stringify(ink.ink));
  await eng.screenshot({ path: artifact('ci-page.png'), fullPage: true });
});

test('register: the predicted levels, deadlines and recipients appear before saving', async () => {
  await eng.goto(srv.base + '/#/incidents/new');
  await eng.waitForSelector('[data-testid=ci-pick]', WAIT);
  await eng.check(`#ci-${S.web}`);
  await eng.selectOption('select[name=severity]', 'minor');
  await waitText(eng, '[data-testid=pred-level]', '三级事件');
  await waitText(eng, '[data-testid=pred-response]', '三级响应');
  // the rule behind it, in words: requirement ids are not text people read (probe-ui #10)
  assert.match(await text(eng, '[data-testid=pred-response]'), /三级 × 轻微 → 三级响应/, 'the rule behind it');
  assert.doesNotMatch(await text(eng, '[data-testid=prediction]'), /R-[A-Z]+-\d/, 'no requirement id in the prediction');
  assert.equal(await eng.getAttribute('[data-testid=pred-response] .rule', 'title'), 'R-INC-3', 'the id in a tooltip');
  assert.match(await text(eng, '[data-testid=pred-first]'), /10 分钟/);
  assert.match(await text(eng, '[data-testid=pred-handling]'), /480 分钟/);
  assert.match(await text(eng, '[data-testid=pred-recipients]'), /运行部科室负责人/);
  // a more serious CI changes the answer at once
  await eng.check(`#ci-${S.db}`);
  await waitText(eng, '[data-testid=pred-level]', '一级事件');
  await eng.uncheck(`#ci-${S.db}`);
  await waitText(eng, '[data-testid=pred-level]', '三级事件');
  await eng.fill('input[name=title]', '前台服务器响应缓慢');
  await eng.fill('input[name=location]', '主机房 A 区');
  await eng.fill('textarea[name=symptoms]', '页面响应超过 10 秒');
  await eng.fill('textarea[name=impact_scope]', '通关业务前台');
  await eng.screenshot({ path: artifact('registration-form.png'), fullPage: true });
  await eng.click('form.form button[type=submit]');
  await eng.waitForURL(/#\/incidents\/\d+$/, WAIT);
  S.inc = Number(new URL(eng.url()).hash.split('/').pop());
  await waitText(eng, '[data-testid=inc-state]', '已发现');
  assert.match(await text(eng, '[data-testid=inc-level]'), /三级事件/);
  // seed 000 ch. 8 §1: the handling department (the policy's default) leads the review
  assert.equal(await text(eng, '[data-testid=inc-handling-dept]'), '运行部');
});

test('first report: required fields marked, sent, the deadline met', async () => {
  await eng.waitForSelector('[data-testid=form-first]', WAIT);
  assert.equal(await eng.locator('[data-testid=form-first] .req').count(), 3, 'three required fields marked');
  assert.equal(await eng.inputValue('[data-testid=form-first] textarea[name=symptoms]'), '页面响应超过 10 秒');
  await eng.click('[data-testid=form-first] button[type=submit]');
  await waitText(eng, '[data-testid=inc-state]', '已上报');
  await waitText(eng, '[data-testid=deadlines]', '已按时完成');
  await waitText(eng, '[data-testid=reports]', '首报');
});

test('the test clock moves 4 hours: the escalation appears without a reload', async () => {
  await eng.evaluate(() => { window.__noReload = 'still here'; });
  assert.match(await text(eng, '[data-testid=escalations]'), /没有升级|下一次/);
  await srv.clock(4 * 3600 + 60);
  await waitText(eng, '[data-testid=escalations] li', '二级响应');
  await waitText(eng, '[data-testid=inc-response]', '二级响应');
  assert.equal(await eng.evaluate(() => window.__noReload), 'still here', 'no reload');
  await waitText(eng, '[data-testid=deadlines]', '已逾期'); // the progress reports not sent meanwhile
  await eng.screenshot({ path: artifact('incident-page.png'), fullPage: true });
});

test('second report, activation by the authority, final report', async () => {
  // the session is short-lived on the test clock's scale: 4 h of 12 h used
  await eng.waitForSelector('[data-testid=form-second]', WAIT);
  await eng.fill('[data-testid=form-second] textarea[name=system_impact]', '前台响应缓慢，后台正常');
  await eng.click('[data-testid=form-second] button[type=submit]');
  await waitText(eng, '[data-testid=inc-state]', '已确认');
  assert.equal(await eng.locator('[data-testid=btn-activate]').count(), 0, 'an engineer may not activate');

  lead = await newPage();
  await signIn(lead, 'li', `#/incidents/${S.inc}`);
  await lead.waitForSelector('[data-testid=btn-activate]', WAIT);
  await lead.click('[data-testid=btn-activate]');
  await lead.click('[data-testid=btn-activate-confirm]'); // irreversible: asked first
  await waitText(lead, '[data-testid=inc-state]', '已启动');

  await waitText(eng, '[data-testid=inc-state]', '已启动'); // polled
  await eng.waitForSelector('[data-testid=form-final]', WAIT);
  await eng.fill('[data-testid=form-final] textarea[name=cause]', '连接池配置过小');
  await eng.fill('[data-testid=form-final] textarea[name=process]', '扩大连接池并重启服务');
  await eng.fill('[data-testid=form-final] textarea[name=current_state]', '已恢复正常');
  await eng.fill('[data-testid=form-final] input[name=business_impact_minutes]', '35');
  await eng.fill('[data-testid=form-final] textarea[name=improvements]', '连接池纳入容量监控');
  await eng.click('[data-testid=form-final] button[type=submit]');
  await waitText(eng, '[data-testid=inc-state]', '已解决');
});

test('without the authority: no close button, and the API refuses', async () => {
  head = await newPage();
  await signIn(head, 'wang', `#/incidents/${S.inc}`);
  await waitText(head, '[data-testid=inc-state]', '已解决');
  await head.waitForSelector('[data-testid=close-by]', WAIT);
  assert.equal(await head.locator('[data-testid=btn-close]').count(), 0);
  assert.match(await text(head, '[data-testid=close-by]'), /主管运行的中心领导/);
  const status = await head.evaluate(async (id) => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const r = await fetch(`/api/v1/incidents/${id}/close`, { method: 'POST', headers: { 'X-CSRF-Token': me.csrf_token, 'Content-Type': 'application/json' }, body: '{}' });
    return r.status;
  }, S.inc);
  assert.equal(status, 403, 'the server refuses a closure without the authority');
  const again = await srv.must('GET', `/api/v1/incidents/${S.inc}`, undefined, srv.tokens.zhang);
  assert.equal(again.state, 'resolved');
});

test('the authority closes, the review files the case, the case library finds it', async () => {
  await lead.waitForSelector('[data-testid=btn-close]', WAIT);
  await lead.click('[data-testid=btn-close]');
  await lead.click('[data-testid=btn-close-confirm]');
  await waitText(lead, '[data-testid=inc-state]', '已关闭');

  await waitText(eng, '[data-testid=inc-state]', '已关闭');
  await eng.waitForSelector('[data-testid=form-review]', WAIT);
  const f = '[data-testid=form-review]';
  await eng.fill(`${f} textarea[name=cause_analysis]`, '连接池上限 50，高峰并发 200');
  await eng.fill(`${f} textarea[name=lessons]`, '容量参数应随业务量评审');
  await eng.fill(`${f} textarea[name=improvements]`, '季度容量评审');
  await eng.fill(`${f} textarea[name=measures]`, '连接池扩至 300，效果良好');
  await eng.fill(`${f} textarea[name=result]`, '业务恢复，无数据丢失');
  await eng.click(`${f} button[type=submit]`);
  await waitText(eng, '[data-testid=inc-state]', '已复盘');

  await eng.goto(srv.base + '/#/cases');
  await eng.waitForSelector('[data-testid=case-list]', WAIT);
  await eng.fill('input[name=q]', '连接池');
  await eng.click('form.filters button[type=submit]');
  await waitText(eng, '[data-testid=case-list]', '前台服务器响应缓慢');
  // the row shows the case's highest response level and filing time (the
  // fields the API names), and the list its total
  assert.equal(await eng.locator('[data-testid=case-list] .rs-undefined').count(), 0, 'highest response level shown');
  assert.notEqual((await eng.locator('[data-testid=case-list] tbody tr td').last().textContent()).trim(), '—', 'filing time shown');
  await eng.screenshot({ path: artifact('cases.png'), fullPage: true });
  await waitText(eng, '[data-testid=case-pager] [data-testid=page-info]', '共 1 条');
  await eng.click('[data-testid=case-list] a'); // the case opens its incident
  await eng.waitForSelector('[data-testid=inc-state]', WAIT);
  await eng.goto(srv.base + `/#/incidents/${S.inc}/report`);
  await eng.waitForSelector('[data-testid=print-doc]', WAIT);
  await waitText(eng, '[data-testid=print-doc]', '连接池扩至 300');
  await eng.emulateMedia({ media: 'print' });
  assert.equal(await eng.locator('header.top').isVisible(), false, 'no navigation on paper');
  await eng.pdf({ path: artifact('incident-report.pdf'), format: 'A4', printBackground: true });
  await eng.emulateMedia({ media: 'screen' });
  await eng.goto(srv.base + '/#/policy');
  await waitText(eng, '.print-doc', '一级响应');
  // per response level, whether the plan must be activated before the final report (policy activation_required)
  assert.equal(await eng.locator('[data-testid=activation-required-R1]').innerText(), '须先启动预案');
  assert.equal(await eng.locator('[data-testid=activation-required-R3]').innerText(), '须先启动预案');
  assert.match(await eng.locator('[data-testid=activation-required-NG]').innerText(), /^无须启动/);
  await eng.screenshot({ path: artifact('policy.png'), fullPage: true });
});

test('dashboard: the charts are drawn from the data (1920×1080 wall screen)', async () => {
  const wall = await newPage({ width: 1920, height: 1080 });
  // one more open incident so the deadline panels have something to count down
  await srv.must('POST', '/api/v1/incidents', { title: '核心数据库告警', ci_ids: [S.db], severity: 'moderate' }, srv.tokens.zhang);
  await signIn(wall, 'zhang', '#/dashboard');
  await wall.waitForSelector('#chart-per-day canvas', WAIT);
  await waitText(wall, '[data-testid=kpi-open]', '1');
  await waitText(wall, '[data-testid=upcoming]', '核心数据库告警');
  // O&M reports tile (docs/service-levels.md, R-SLA-6): the API's three counts, linking to the report list,
  // red exactly when one of them is not zero
  const rp = (await srv.must('GET', '/api/v1/dashboard', undefined, srv.tokens.zhang)).reports;
  const nRp = rp.unfiled_overdue + rp.unreviewed_overdue + rp.undistributed;
  await waitText(wall, '[data-testid=kpi-reports] .kpi-value', String(nRp));
  await waitText(wall, '[data-testid=kpi-reports]', '运维报告待办');
  await waitText(wall, '[data-testid=kpi-reports-detail]', `归档逾期 ${rp.unfiled_overdue} · 审核逾期 ${rp.unreviewed_overdue}`);
  assert.equal(await wall.getAttribute('[data-testid=kpi-reports]', 'href'), '#/reports');
  assert.equal((await wall.getAttribute('[data-testid=kpi-reports]', 'class')).includes('alarm'), nRp > 0);
  const day = await canvasInk(wall, '#chart-per-day');
  assert.ok(day.canvas && day.ink > 2000, 'per-day chart has ink: ' + day.ink);
  assert.ok(day.colors.includes('14,11,0'), 'an L3 bar (#e2b007) is drawn for today');
  assert.ok(day.colors.includes('14,4,4'), 'an L1 bar (#e5484d) is drawn for today');
  const hour = await canvasInk(wall, '#chart-per-hour');
  assert.ok(hour.canvas && hour.ink > 500, 'the per-hour chart is drawn (axes at least): ' + hour.ink);
  const note = wall.locator('[data-testid=events-note]');
  if (await note.isVisible()) assert.match(await note.innerText(), /监控事件/); // events API not there: said so
  await wall.screenshot({ path: artifact('dashboard.png') });
  await wall.context().close();
});

test('English and back: the switch is remembered', async () => {
  await eng.goto(srv.base + '/#/dashboard');
  await eng.waitForSelector('#chart-per-day canvas', WAIT);
  await eng.selectOption('#lang-switch', 'en');
  await waitText(eng, 'header nav', 'Dashboard');
  await waitText(eng, 'h1', 'Situation overview');
  await waitText(eng, '[data-testid=kpi-reports]', 'O&M reports to act on');
  assert.equal(await eng.getAttribute('html', 'lang'), 'en');
  await eng.reload();
  await waitText(eng, 'header nav', 'Case library');
  await eng.waitForSelector('#chart-per-day canvas', WAIT);
  await eng.screenshot({ path: artifact('dashboard-en.png') });
  await eng.goto(srv.base + `/#/incidents/${S.inc}`);
  await waitText(eng, '[data-testid=inc-state]', 'Reviewed');
  assert.doesNotMatch(await text(eng, '[data-testid=timeline]'), /[\u4e00-\u9fff]{4,}[^)]*$/m, 'API texts shown in English');
  await eng.selectOption('#lang-switch', 'zh-CN');
  await waitText(eng, 'header nav', '态势总览');
  await waitText(eng, '[data-testid=inc-state]', '已复盘');
});

test('an expired session sends one to sign in, then back to where one was', async () => {
  await srv.clock(12 * 3600 + 60); // past login.session_ttl (12 h)
  await eng.goto(srv.base + '/#/cmdb');
  await eng.waitForSelector('form.login-form', WAIT);
  await eng.fill('input[name=username]', 'zhang');
  await eng.fill('input[name=password]', USER_PW);
  await eng.click('form.login-form button[type=submit]');
  await eng.waitForSelector('[data-testid=ci-list]', WAIT);
  assert.equal(new URL(eng.url()).hash, '#/cmdb');
  assert.deepEqual(S.pageErrors || [], [], 'no script errors on any page');
});
