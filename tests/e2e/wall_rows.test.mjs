// wall_rows.test.mjs — the wall screen's deadline lists at 1920×1080
// (probe-ui #18): one row per incident and deadline kind — the
// acknowledgements several people owe on one incident are one row naming
// them, not a row each — at most 6 rows a panel, fewer when the panel has
// no room for them, and every row not shown counted ("另有 N 项") inside
// the panel and the screen, never scrolled away or clipped.  The counts are the API's
// (GET /api/v1/dashboard).  Screenshot: wall-rows.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser;
const S = {};

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  S.eng = (await srv.makeUser('wangjg', ['monitoring_engineer', 'ops_engineer'], { display_name: '王建国' })).token;
  await srv.makeUser('zhaoq', ['ops_section_head'], { display_name: '赵强' });
  await srv.makeUser('qianm', ['ops_department_head'], { display_name: '钱敏' });
  await srv.makeUser('wuf', ['liaison'], { display_name: '吴芳' });
  const ci = (await srv.must('POST', '/api/v1/cis', { name: 'db-main', category: 'database', grade: 'L1', department: '运行部' }, S.eng)).id;
  const body = (k) => ({ title: `大屏时限 ${k}`, ci_ids: [ci], severity: 'severe', location: '主机房', symptoms: '不可用', impact_scope: '通关' });
  S.first = (await srv.must('POST', '/api/v1/incidents', body(0), S.eng)).id;
  await srv.must('POST', `/api/v1/incidents/${S.first}/reports`, { kind: 'first' }, S.eng);
  for (let k = 1; k <= 4; k++) await srv.must('POST', '/api/v1/incidents', body(k), S.eng);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

test('one row per incident and kind, as many as fit, the rest counted on screen', async () => {
  const d = await srv.must('GET', '/api/v1/dashboard', undefined, S.eng);
  const up = d.deadlines.upcoming.filter((x) => !x.drill);
  const acks = up.filter((x) => x.incident.id === S.first && x.kind === 'ack');
  assert.ok(acks.length >= 3, `several acknowledgements owed on one incident (${acks.length})`);
  const rows = new Set(up.map((x) => `${x.incident.id}:${x.kind}`)).size;
  assert.ok(rows > 6, `more rows than a panel shows (${rows})`);

  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const p = await ctx.newPage();
  await p.goto(srv.base + '/#/dashboard');
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'wangjg');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('[data-testid=upcoming] [data-testid=more]', WAIT);
  const items = await p.$$eval('[data-testid=upcoming] > li:not([data-testid=more]):not([hidden])', (lis) => lis.map((li) => li.innerText));
  assert.ok(items.length >= 3 && items.length <= 6, `rows shown: ${items.length}`);
  // every row not shown is counted: those beyond six, and those the panel has no room for
  assert.equal((await p.locator('[data-testid=upcoming] [data-testid=more]').innerText()).trim(), `另有 ${rows - items.length} 项`);
  // the acknowledgements of one incident: one row with every name (if it is among the six shown)
  const number = acks[0].incident.number;
  const ackRows = items.filter((x) => x.includes(number) && x.includes('接收确认'));
  assert.ok(ackRows.length <= 1, 'not a row per person');
  if (ackRows.length) for (const who of acks.map((x) => x.recipient.display_name)) assert.match(ackRows[0], new RegExp(who));
  // the count is on the screen, not cut off by its panel
  const box = await p.$eval('[data-testid=upcoming] [data-testid=more]', (el) => {
    const r = el.getBoundingClientRect();
    let clip = null;
    for (let a = el.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowY !== 'visible') { const b = a.getBoundingClientRect(); clip = { top: b.top, bottom: b.bottom }; break; }
    }
    return { top: r.top, bottom: r.bottom, h: innerHeight, clip };
  });
  assert.ok(box.bottom <= box.h, `inside the screen: ${JSON.stringify(box)}`);
  await p.screenshot({ path: artifact('wall-rows.png') });
  if (box.clip) assert.ok(box.bottom <= box.clip.bottom + 1, `inside its panel: ${JSON.stringify(box)}`);
  await ctx.close();
});
