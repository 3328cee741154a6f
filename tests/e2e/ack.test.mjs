// ack.test.mjs — an acknowledgement link opened in a real browser (R-NOT-4,
// probe M7).  Mail-security sandboxes and link scanners open links in
// browsers that run scripts; opening the link must therefore not
// acknowledge.  The alarm goes to the recipient's personal webhook bot, a
// receiver in this process on loopback (the server allows 127.0.0.0/8 for
// personal bots); the test opens the link in Chromium, lets the page settle,
// checks that nothing was acknowledged, then clicks the button.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Server, launchBrowser } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser, hook;
const got = []; // bodies posted to the personal bot
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

before(async () => {
  hook = await receiver();
  srv = await new Server().start(['--bot-allow', '127.0.0.0/8']);
  browser = await launchBrowser();
  const eng = await srv.makeUser('eng', ['ops_engineer']);
  const lead = await srv.makeUser('lead', ['emergency_leadership']);
  S.eng = eng.token;
  S.lead = lead.id;
  await srv.must('PUT', '/api/v1/auth/me/notify', { bot_kind: 'webhook', bot_url: `http://127.0.0.1:${hook.address().port}/hook`, channels: { L1: ['bot'] } }, lead.token);
  S.ci = (await srv.must('POST', '/api/v1/cis', { name: '核心数据库 core-db', category: 'database', grade: 'L1', department: '运行部' }, S.eng)).id;
});

after(async () => {
  if (browser) await browser.close();
  if (hook) hook.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

const ackedAt = async (id) => (await srv.must('GET', `/api/v1/incidents/${id}`, undefined, S.eng)).recipients.find((r) => r.user_id === S.lead || r.username === 'lead').acked_at;

test('opening an acknowledgement link in a browser does not acknowledge; the click does', async () => {
  const inc = await srv.must('POST', '/api/v1/incidents', { title: '数据库主库不可用', ci_ids: [S.ci], severity: 'moderate', location: '主机房 A-3', symptoms: '连接超时', impact_scope: '通关业务' }, S.eng);
  await srv.must('POST', `/api/v1/incidents/${inc.id}/reports`, { kind: 'first' }, S.eng);
  await srv.clock(0); // the dispatcher sends what is due
  const m = got.join('\n').match(/http:\/\/127\.0\.0\.1:\d+\/ack\/[A-Za-z0-9_-]{16,64}/);
  assert.ok(m, 'the personal bot got the link: ' + got.join('\n').slice(0, 400));

  const ctx = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: true });
  const page = await ctx.newPage();
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });
  await page.goto(m[0], { waitUntil: 'networkidle' });
  await page.waitForTimeout(1500); // a scanner's dwell: nothing may happen by itself
  assert.deepEqual(posts, [], 'the page posted nothing by itself');
  assert.equal(await page.locator('#state').getAttribute('data-state'), 'ready');
  assert.equal(await page.locator('script').count(), 0, 'the page has no script');
  assert.equal(await ackedAt(inc.id), null, 'opening the link did not acknowledge');

  const button = page.getByRole('button', { name: /确认收到/ });
  assert.equal(await button.isVisible(), true, 'a visible button');
  await Promise.all([page.waitForNavigation(WAIT), button.click()]);
  assert.equal(await page.locator('#state').getAttribute('data-state'), 'acknowledged');
  assert.equal(posts.length, 1);
  assert.notEqual(await ackedAt(inc.id), null, 'the click acknowledged');
  await ctx.close();
});
