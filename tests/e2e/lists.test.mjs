// lists.test.mjs — a list at real size: 50 000 events (ingested through the
// events API in batches of 5 000, info severity, so nobody is paged); the
// events screen says how many there are and its pager reaches the last,
// oldest one; a filter narrows the count; the CSV export holds every
// matching row (R-EVT-1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 60000 };
const N = 50000;
let srv, browser;

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  await srv.makeUser('wangjg', ['monitoring_engineer'], { display_name: '王建国' });
  const key = (await srv.must('POST', '/api/v1/api-keys', { name: 'bulk', integration: 'api' }, await srv.admin('sysadmin'))).key;
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  for (let b = 0; b < N / 5000; b++) {
    const batch = [];
    for (let i = b * 5000; i < (b + 1) * 5000; i++) {
      const n = String(i).padStart(5, '0');
      batch.push({ dedup_key: `bulk-${n}`, status: 'firing', severity: 'info', summary: (i % 10 === 0 ? '磁盘使用率 ' : '温度 ') + n,
        starts_at: new Date(t0 + i * 1000).toISOString() });
    }
    await srv.must('POST', '/api/v1/events', batch, key, 202);
  }
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

test('paging reaches the last of 50 000 events; a filter narrows it; CSV holds every match', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const p = await ctx.newPage();
  await p.goto(srv.base + '/#/events');
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'wangjg');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  const info = '[data-testid=event-pager] [data-testid=page-info]';
  await p.waitForFunction((s) => document.querySelector(s) && document.querySelector(s).innerText.includes('共 50000 条'), info, WAIT);
  await p.click('[data-testid=event-pager] [data-testid=page-last]');
  await p.waitForFunction((s) => document.querySelector(s).innerText.includes('第 49901–50000 条'), info, WAIT);
  const rows = p.locator('[data-testid=event-list] tbody tr');
  assert.equal(await rows.count(), 100);
  // newest first: the last row of the last page is the oldest event
  assert.match(await rows.last().innerText(), /磁盘使用率 00000/);
  await p.screenshot({ path: artifact('events-last-page.png') });
  await p.click('[data-testid=event-pager] [data-testid=page-first]');
  await p.waitForFunction((s) => document.querySelector(s).innerText.includes('第 1–100 条'), info, WAIT);
  // a filter: one event in ten
  await p.fill('input[name=q]', '磁盘');
  await p.click('form.filters button[type=submit]');
  await p.waitForFunction((s) => document.querySelector(s).innerText.includes('共 5000 条'), info, WAIT);
  const [dl] = await Promise.all([p.waitForEvent('download', WAIT), p.click('[data-testid=csv-events]')]);
  const csv = readFileSync(await dl.path(), 'utf8');
  const lines = csv.replace(/^\ufeff/, '').trim().split('\r\n');
  assert.equal(lines.length, 1 + 5000, 'a header and every matching event');
  assert.match(lines[0], /^最近出现/);
  assert.equal(lines.filter((l) => l.includes('磁盘使用率')).length, 5000);
  assert.doesNotMatch(csv, /\d{4}-\d\d-\d\dT\d\d/, 'times as people read them');
  await ctx.close();
});
