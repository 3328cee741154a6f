// problem_entries.test.mjs — the problem page's 调查与复盘 / Investigation and
// review section (R-PRB-3; docs/problems.md "Entries"), against a real
// server: a solver adds an investigation, a workaround (the problem's
// workaround field then shows it) and a structured review, edits an entry
// (the old text stays under its earlier versions) and the workaround (the
// field follows); another solver sees no edit button on them; the section in
// English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser;
const U = {};
const errors = [];

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  U.liu = await srv.makeUser('liu', ['problem_manager'], { display_name: '刘问题' });
  U.sun = await srv.makeUser('sun', ['problem_solver'], { display_name: '孙处理' });
  U.wang = await srv.makeUser('wang', ['problem_solver'], { display_name: '王处理' });
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

async function page(user, { locale = 'zh-CN' } = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale, timezoneId: 'UTC' });
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
const FORM = '[data-testid=entry-form]';

async function add(p, kind, text, review) {
  await p.selectOption(`${FORM} select[name=kind]`, kind);
  await p.fill(`${FORM} textarea[name=text]`, text);
  if (review) for (const [k, v] of Object.entries(review)) await p.fill(`${FORM} textarea[name=${k}]`, v);
  await p.click(`${FORM} button[type=submit]`);
  await p.waitForFunction((t) => [...document.querySelectorAll('[data-testid=entry] .entry-text')].some((e) => e.textContent === t), text, WAIT);
}

test('investigation, workaround and review entries added on the page; an entry and the workaround edited', async () => {
  const prb = await srv.must('POST', '/api/v1/problems', { title: '支付网关间歇超时', fields: { impact: 'medium', urgency: 'medium', category: 'network' } }, U.liu.token);
  const p = await page('sun');
  await p.goto(srv.base + `/#/problems/${prb.id}`);
  await p.waitForSelector('[data-testid=problem-entries-part] h2', WAIT);
  assert.equal(await p.locator('[data-testid=problem-entries-part] h2').innerText(), '调查与复盘');
  await p.waitForSelector('[data-testid=entries-list] li.note', WAIT);
  await p.click('[data-testid=entry-add] summary');
  assert.equal(await p.locator('[data-testid=entry-review-fields]').first().isVisible(), false, 'the review fields only for a review');

  await add(p, 'investigation', '抓包发现 TLS 握手超时');
  await add(p, 'workaround', '切换到备用网关');
  // the workaround entry is the problem's workaround field
  await p.waitForFunction(() => document.querySelector('[data-testid=problem-facts]').textContent.includes('切换到备用网关'), null, WAIT);
  assert.equal((await get(`/api/v1/problems/${prb.id}`)).problem.workaround, '切换到备用网关');

  await p.selectOption(`${FORM} select[name=kind]`, 'review');
  assert.equal(await p.locator(`${FORM} [data-testid=entry-review-fields]`).isVisible(), true);
  await add(p, 'review', '重大问题复盘', { what: '支付超时 20 分钟', why: '网关证书链过长', prevent: '证书变更前评审', actions: '缩短证书链\n增加握手时延监控' });
  const items = p.locator('[data-testid=entry]');
  assert.equal(await items.count(), 3);
  // newest first: kind, author, the review's four parts
  assert.deepEqual(await items.evaluateAll((els) => els.map((e) => e.dataset.kind)), ['review', 'workaround', 'investigation']);
  const rv = await items.nth(0).innerText();
  for (const s of ['复盘评估', 'sun', '支付超时 20 分钟', '网关证书链过长', '证书变更前评审', '缩短证书链', '增加握手时延监控']) assert.ok(rv.includes(s), s);
  assert.equal(await items.nth(0).locator('[data-testid=entry-review] li').count(), 2);

  // edit the investigation: the old text stays under its earlier versions
  const inv = items.nth(2);
  await inv.locator('[data-testid=entry-edit]').click();
  await p.fill('[data-testid=entry-edit-form] textarea[name=text]', '抓包发现 TLS 握手超时，集中在 10:00–10:05');
  await p.fill('[data-testid=entry-edit-form] input[name=reason]', '补充时段');
  await p.click('[data-testid=entry-edit-form] button[type=submit]');
  await p.waitForSelector('[data-testid=entry][data-kind=investigation] [data-testid=entry-edited]', WAIT);
  const edited = p.locator('[data-testid=entry][data-kind=investigation]');
  assert.equal(await edited.locator('.entry-text').first().innerText(), '抓包发现 TLS 握手超时，集中在 10:00–10:05');
  await edited.locator('[data-testid=entry-history] summary').click();
  const hist = await edited.locator('[data-testid=entry-history]').innerText();
  assert.match(hist, /早先的版本（1）/);
  assert.ok(hist.includes('抓包发现 TLS 握手超时') && hist.includes('补充时段'), hist);

  // edit the workaround: the field follows
  await p.locator('[data-testid=entry][data-kind=workaround] [data-testid=entry-edit]').click();
  await p.fill('[data-testid=entry-edit-form] textarea[name=text]', '切换到备用网关并缩短超时');
  await p.click('[data-testid=entry-edit-form] button[type=submit]');
  await p.waitForFunction(() => document.querySelector('[data-testid=problem-facts]').textContent.includes('切换到备用网关并缩短超时'), null, WAIT);
  const now = await get(`/api/v1/problems/${prb.id}/entries`);
  assert.deepEqual(now.items.map((e) => [e.kind, e.version, e.history.length]), [['review', 1, 0], ['workaround', 2, 1], ['investigation', 2, 1]]);
  await p.locator('[data-testid=problem-entries-part]').scrollIntoViewIfNeeded();
  await p.screenshot({ path: artifact('problem-entries-zh.png'), fullPage: true });
  await p.context().close();

  // another solver reads the entries, edits none of them
  const w = await page('wang');
  await w.goto(srv.base + `/#/problems/${prb.id}`);
  await w.waitForSelector('[data-testid=entry][data-kind=review]', WAIT);
  assert.equal(await w.locator('[data-testid=entry]').count(), 3);
  assert.equal(await w.locator('[data-testid=entry-edit]').count(), 0);
  await w.context().close();

  // the problem manager edits any; the section in English
  const en = await page('liu');
  await en.selectOption('#lang-switch', 'en');
  await en.goto(srv.base + `/#/problems/${prb.id}`);
  await en.waitForSelector('[data-testid=entry][data-kind=review]', WAIT);
  assert.equal(await en.locator('[data-testid=problem-entries-part] h2').innerText(), 'Investigation and review');
  assert.equal(await en.locator('[data-testid=entry-edit]').count(), 3);
  assert.match(await en.locator('[data-testid=entry][data-kind=review]').innerText(), /Review[\s\S]*What happened[\s\S]*Improvement actions/);
  await en.locator('[data-testid=problem-entries-part]').screenshot({ path: artifact('problem-entries-en.png') });
  await en.context().close();
  assert.deepEqual(errors, [], 'no script error on any page');
});
