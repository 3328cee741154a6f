// events.test.mjs — the monitoring-events screen in a real browser against
// the real events API (docs/events.md, docs/ui.md).
// The system administrator creates an Alertmanager API key through the API;
// alerts are posted to /api/v1/integrations/alertmanager as Alertmanager
// sends them; in the browser: the list shows them without a reload (the
// screen polls), the detail shows the rule behind each step and the raw
// payload, the exception (critical, on an L1 CI: policy/default.yaml
// `events:` classifies it an exception and opens an incident) links to its
// incident, a maintenance window created in the UI silences the next alert
// (R-EVT-4), editing and deleting it, and the dashboard's events-per-hour
// chart is drawn.  Screenshots: events.png, event-detail.png.
// R-EVT-1, R-EVT-2, R-EVT-3, R-EVT-4.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, canvasInk, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser, page, amKey;
const S = {};

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  await srv.makeUser('mon', ['monitoring_engineer', 'ops_engineer'], { display_name: '监控值班' });
  await srv.makeUser('aud', ['auditor'], { display_name: '审计' });
  const tok = srv.tokens.mon;
  S.db = (await srv.must('POST', '/api/v1/cis', { name: 'ev-core-db', category: 'database', grade: 'L1', department: '运行部' }, tok)).id;
  S.web = (await srv.must('POST', '/api/v1/cis', { name: 'ev-web-01', category: 'server', grade: 'L3', department: '运行部' }, tok)).id;
  const key = await srv.must('POST', '/api/v1/api-keys', { name: 'am-e2e', integration: 'alertmanager' }, await srv.admin('sysadmin'), 201);
  assert.match(key.key, /^odk_/, 'the secret is answered once');
  amKey = key.key;
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

// One Alertmanager webhook message (version 4) with these alerts.
async function alertmanager(...alerts) {
  const now = new Date().toISOString();
  const body = {
    version: '4', groupKey: '{}:{alertname="e2e"}', truncatedAlerts: 0, status: 'firing', receiver: 'opsdesk',
    groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://alertmanager.example:9093',
    alerts: alerts.map((a) => ({
      status: 'firing', labels: a.labels, annotations: a.annotations, startsAt: now, endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph',
    })),
  };
  const r = await srv.must('POST', '/api/v1/integrations/alertmanager', body, amKey, 202);
  assert.equal(r.accepted, alerts.length);
  return r.events;
}

const waitText = (p, sel, needle) => p.waitForFunction(([s, n]) => [...document.querySelectorAll(s)].some((e) => e.innerText.includes(n)), [sel, needle], WAIT);
const row = (p, id) => p.locator(`[data-testid=event-list] tr[data-event-id="${id}"]`);

test('the events screen shows Alertmanager alerts as they arrive, without a reload', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  page = await ctx.newPage();
  page.on('pageerror', (e) => { S.pageErrors = (S.pageErrors || []).concat(String(e)); });
  page.on('dialog', (d) => d.accept());
  await page.goto(srv.base + '/#/events');
  await page.waitForSelector('form.login-form', WAIT);
  await page.fill('input[name=username]', 'mon');
  await page.fill('input[name=password]', USER_PW);
  await page.click('form.login-form button[type=submit]');
  await page.waitForSelector('[data-testid=event-list] table', WAIT);
  await page.evaluate(() => { window.__sameDocument = 'e2e'; });

  const evs = await alertmanager(
    { labels: { alertname: 'HighLatency', instance: 'ev-web-01:9100', severity: 'warning', job: 'node' }, annotations: { summary: 'ev-web-01 延迟超过 2 秒' } },
    { labels: { alertname: 'DBDown', instance: 'ev-core-db:9104', severity: 'critical', job: 'mysql' }, annotations: { summary: 'ev-core-db 主库不可用' } });
  S.warn = evs[0].id;
  S.exc = evs[1].id;
  assert.equal(evs[0].class, 'warning');
  assert.equal(evs[1].class, 'exception');
  assert.ok(evs[1].incident_id, 'the exception opened an incident');

  await row(page, S.exc).waitFor(WAIT);
  await row(page, S.warn).waitFor(WAIT);
  assert.equal(await page.evaluate(() => window.__sameDocument), 'e2e', 'no reload: the list polls');
  const exc = await row(page, S.exc).innerText();
  assert.match(exc, /异常/);
  assert.match(exc, /ev-core-db/);
  assert.match(exc, /已处理/, 'state handled');
  assert.match(exc, /INC-\d{4}-\d+/, 'the incident number');
  const warn = await row(page, S.warn).innerText();
  assert.match(warn, /警告/);
  assert.match(warn, /ev-web-01/);
  assert.match(warn, /告警中/, 'status firing');
  assert.equal(await row(page, S.warn).locator('[data-testid=event-incident]').count(), 0, 'a warning opens no incident');

  // filters: class exception only, then all again
  await page.selectOption('select[name=class]', 'exception');
  await page.waitForFunction((id) => !document.querySelector(`tr[data-event-id="${id}"]`), S.warn, WAIT);
  await row(page, S.exc).waitFor(WAIT);
  await page.selectOption('select[name=class]', '');
  await row(page, S.warn).waitFor(WAIT);

  // every form control of the screen has a label
  const unlabelled = await page.$$eval('#view input, #view select', (els) => els.filter((e) => !e.labels || !e.labels.length).map((e) => e.name || e.outerHTML));
  assert.deepEqual(unlabelled, [], 'every input is labelled');
});

test('the detail shows the rule behind each step and the raw payload; opened from the keyboard', async () => {
  const open = row(page, S.exc).locator('button.linklike');
  await open.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=event-detail] table.decisions', WAIT);
  const steps = await page.$$eval('[data-testid=event-detail] table.decisions tbody tr', (rs) => rs.map((r) => [...r.cells].map((c) => c.innerText.trim())));
  const step = (name) => steps.find((s) => s[0] === name);
  assert.ok(step('分类'), 'classify step: ' + JSON.stringify(steps));
  assert.equal(step('分类')[1], 'severe-on-graded-ci', 'the classification rule by name');
  assert.ok(step('登记事件'), 'incident step: ' + JSON.stringify(steps));
  assert.equal(step('登记事件')[1], 'critical-severe');
  assert.match(step('登记事件')[2], /登记事件 INC-/, 'the result in Chinese');
  const raw = await page.locator('[data-testid=event-raw]').innerText();
  assert.match(raw, /"alertname": "DBDown"/);
  assert.match(raw, /"generatorURL"/, 'the alert object as Alertmanager sent it');
  assert.match(await page.locator('[data-testid=event-detail]').innerText(), /ev-core-db:9104/, 'labels shown');
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.tagName), 'H3', 'focus moves to the detail');
  await page.locator('[data-testid=event-detail]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: artifact('event-detail.png'), fullPage: true });
});

test('the exception links to the incident it opened', async () => {
  const link = page.locator('[data-testid=detail-incident]');
  const number = await link.innerText();
  await link.click();
  await page.waitForSelector('[data-testid=inc-state]', WAIT);
  await waitText(page, '#view', number);
  const inc = await srv.must('GET', new URL(page.url()).hash.replace('#', '/api/v1'), undefined, srv.tokens.mon);
  assert.equal(inc.number, number);
  assert.ok(inc.cis.some((c) => c.id === S.db), 'on the event\'s CI');
  await page.goBack();
  await page.waitForSelector('[data-testid=event-list] table', WAIT);
});

test('a maintenance window created in the UI silences the next alert; edit and delete it', async () => {
  const form = page.locator('[data-testid=window-form]');
  await form.locator('input[name=name]').fill('ev-web-01 扩容维护');
  await form.locator('select[name=ci_id]').selectOption(String(S.web));
  await form.locator('input[name=matcher_value]').first().fill('Disk.*');
  await form.locator('input[name=matcher_regex]').first().check();
  await form.locator('input[name=comment]').fill('变更 CHG-1');
  await form.locator('button[type=submit]').click();
  await waitText(page, '[data-testid=windows]', 'ev-web-01 扩容维护');
  const ws = await srv.must('GET', '/api/v1/maintenance-windows', undefined, srv.tokens.mon);
  assert.equal(ws.total, 1);
  const w = ws.items[0];
  assert.deepEqual(w.ci, { id: S.web, name: 'ev-web-01' });
  assert.deepEqual(w.matchers, [{ name: 'alertname', value: 'Disk.*', regex: true, negative: false }]);
  assert.equal(w.created_by, 'mon');
  assert.ok(Date.parse(w.starts_at) <= Date.now() + 60000 && Date.parse(w.ends_at) > Date.now(), 'active now (default: now … +2 h)');

  // a keyboard user in the list keeps their place when new alerts arrive
  await row(page, S.warn).locator('button.linklike').focus();
  const [silenced] = await alertmanager({ labels: { alertname: 'DiskFull', instance: 'ev-web-01:9100', severity: 'warning' }, annotations: { summary: 'ev-web-01 磁盘将满' } });
  assert.equal(silenced.state, 'silenced');
  S.silenced = silenced.id;
  await row(page, S.silenced).waitFor(WAIT);
  await page.waitForFunction((id) => document.querySelector(`tr[data-event-id="${id}"]`).dataset.state === 'silenced', S.silenced, WAIT);
  assert.equal(await page.evaluate(() => document.activeElement.closest('tr') && document.activeElement.closest('tr').dataset.eventId), String(S.warn),
    'the focus stays on the same event after the list refreshed');
  const txt = await row(page, S.silenced).innerText();
  assert.match(txt, /已静默/);
  assert.match(txt, /ev-web-01 扩容维护/, 'the window that silenced it');
  await row(page, S.silenced).locator('button.linklike').click();
  await waitText(page, '[data-testid=event-detail] table.decisions', 'ev-web-01 扩容维护');
  assert.match(await page.locator('[data-testid=event-detail] table.decisions').innerText(), /维护窗口/);
  await page.locator('[data-testid=event-list]').scrollIntoViewIfNeeded();
  assert.doesNotMatch(await page.locator('#view').innerText(), /\bnull\b|undefined|NaN/, 'no stray values on the page');
  await page.screenshot({ path: artifact('events.png'), fullPage: true });

  // edit: a new name, the matcher made negative; the form says it edits
  await page.locator(`[data-testid=windows] tr[data-window-id="${w.id}"] button`, { hasText: '编辑' }).click();
  assert.equal(await form.locator('input[name=name]').inputValue(), 'ev-web-01 扩容维护');
  assert.equal(await form.locator('input[name=matcher_value]').first().inputValue(), 'Disk.*');
  await form.locator('input[name=name]').fill('ev-web-01 扩容维护（延长）');
  await form.locator('input[name=matcher_negative]').first().check();
  await form.locator('button[type=submit]').click();
  await waitText(page, '[data-testid=windows]', '（延长）');
  assert.match(await page.locator('[data-testid=windows]').innerText(), /alertname!~"Disk\.\*"/);
  const w2 = await srv.must('GET', `/api/v1/maintenance-windows/${w.id}`, undefined, srv.tokens.mon);
  assert.equal(w2.name, 'ev-web-01 扩容维护（延长）');
  assert.equal(w2.matchers[0].negative, true);
  assert.deepEqual(w2.ci, { id: S.web, name: 'ev-web-01' }, 'the CI kept');

  // a bad window: the API's message, nothing written
  await form.locator('input[name=name]').fill('坏窗口');
  await form.locator('select[name=ci_id]').selectOption('');
  await form.locator('input[name=matcher_value]').first().fill('');
  await form.locator('button[type=submit]').click();
  await waitText(page, '[data-testid=window-form] .error', '不能静默全部告警');
  assert.equal((await srv.must('GET', '/api/v1/maintenance-windows', undefined, srv.tokens.mon)).total, 1);

  // delete (confirmed): gone from the list, the silenced event keeps its reference
  await page.locator(`[data-testid=windows] tr[data-window-id="${w.id}"] button`, { hasText: '删除' }).click();
  await page.waitForFunction((id) => !document.querySelector(`[data-testid=windows] tr[data-window-id="${id}"]`), w.id, WAIT);
  assert.equal((await srv.request('GET', `/api/v1/maintenance-windows/${w.id}`, undefined, srv.tokens.mon)).status, 404);
  const ev = await srv.must('GET', `/api/v1/events/${S.silenced}`, undefined, srv.tokens.mon);
  assert.equal(ev.state, 'silenced');
  assert.equal(ev.window.id, w.id);
});

test('a reader without event.write sees the windows but no form', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const p = await ctx.newPage();
  await p.goto(srv.base + '/#/events');
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'aud');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  await row(p, S.exc).waitFor(WAIT);
  assert.equal(await p.locator('[data-testid=window-form]').count(), 0);
  await waitText(p, '#view', '仅监控');
  await ctx.close();
});

test('the dashboard draws events per hour from GET /api/v1/events/stats', async () => {
  await page.goto(srv.base + '/#/dashboard');
  await page.waitForSelector('#chart-per-hour canvas', WAIT);
  await page.waitForFunction(() => {
    const c = document.querySelector('#chart-per-hour canvas');
    return c && c.width > 0;
  }, undefined, WAIT);
  assert.equal(await page.locator('[data-testid=events-note]').isVisible(), false, 'the events API is there: no note');
  const stats = await srv.must('GET', '/api/v1/events/stats?hours=24', undefined, srv.tokens.mon);
  const last = stats.buckets[stats.buckets.length - 1];
  assert.deepEqual([last.exception, last.warning, last.silenced], [1, 1, 1]);
  assert.ok(stats.ingest && stats.ingest.capacity > 0, 'ingest queue figures');
  const ink = await canvasInk(page, '#chart-per-hour');
  assert.ok(ink.canvas && ink.ink > 2000, 'the per-hour chart has ink: ' + ink.ink);
  assert.ok(ink.colors.includes('14,4,4'), 'an exception bar (#e5484d)');
  assert.ok(ink.colors.includes('15,6,1'), 'a warning bar (#f76b15)');
  assert.ok(ink.colors.includes('8,4,12'), 'a silenced bar (#8e4ec6)');
  assert.match(await page.locator('[data-testid=events-ingest]').innerText(), /0 \/ \d+/);
  await page.screenshot({ path: artifact('dashboard-events.png') });
});

test('in English: the screen, the step names and the API\'s decision texts', async () => {
  await page.goto(srv.base + '/#/events');
  await row(page, S.exc).waitFor(WAIT);
  await page.selectOption('#lang-switch', 'en');
  await waitText(page, 'h1', 'Monitoring events');
  await row(page, S.exc).locator('button.linklike').click();
  await page.waitForSelector('[data-testid=event-detail] table.decisions', WAIT);
  const d = await page.locator('[data-testid=event-detail]').innerText();
  assert.match(d, /Classify/);
  assert.match(d, /opened incident INC-/);
  assert.doesNotMatch(d, /登记事件|影响程度/, 'no Chinese from the API in English');
  assert.match(await row(page, S.silenced).innerText(), /Silenced/);
  await page.selectOption('#lang-switch', 'zh-CN');
  await waitText(page, 'h1', '监控事件');
  assert.deepEqual(S.pageErrors || [], [], 'no script errors');
});
