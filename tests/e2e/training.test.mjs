// training.test.mjs — training in the browser (R-PLAN-3; seed 000 ch. 9 §2:
// two qualified people per key position; seed 004 §7.5.2: 48 hours a
// person a year; docs/plans.md "Courses and sessions"): on the training
// page the roster shows the key position below two and the hours show
// everyone short; a course that qualifies for the position is created from
// its form, a session of it scheduled with three attendees, and on the
// session page two are recorded as attended and passed, one absent — then
// the hours show 8 h for the two (the absent one still 0, all still short of
// 48) and the roster shows the two qualified, the position no longer below
// two.  Screenshots on a desktop and a 390 px phone (no horizontal scroll):
// tests/e2e/artifacts/training-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Server, launchBrowser, artifact, ROOT, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
const PHONE = { width: 390, height: 844 };
const READINESS = `
readiness:
  annual_hours: 48
  positions:
    - key: duty_engineer
      name_zh: 值班工程师
      name_en: Duty engineer
      roles: [ops_engineer]
      min_qualified: 2
      certificate_required: true
`;
let srv, browser, dir, eng, engId;
const ops = {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'opsdesk-e2e-policy-'));
  const policy = join(dir, 'policy.yaml');
  const text = readFileSync(join(ROOT, 'policy', 'default.yaml'), 'utf8');
  writeFileSync(policy, text.split('\nreadiness:\n')[0].trimEnd() + '\n' + READINESS);
  srv = await new Server().start(['--policy', policy]);
  await srv.must('POST', '/api/v1/test/clock', { set: '2030-06-15T00:00:00Z' });
  browser = await launchBrowser();
  ({ id: engId, token: eng } = await srv.makeUser('trneng', ['emergency_engineering'], { display_name: '孙工' }));
  for (const [u, name] of [['trna', '张伟'], ['trnb', '李娜'], ['trnc', '王强']]) {
    ops[u] = (await srv.makeUser(u, ['ops_engineer'], { display_name: name })).id;
  }
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function signIn(p, path) {
  await p.goto(srv.base + '/#' + path);
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'trneng');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
}

// No horizontal scroll: the page is no wider than the screen.
async function fits(p, name) {
  await p.waitForTimeout(150);
  const m = await p.evaluate(() => ({ sw: document.documentElement.scrollWidth, bw: document.body.scrollWidth, iw: window.innerWidth }));
  assert.ok(m.sw <= m.iw && m.bw <= m.iw, `${name}: ${m.sw}/${m.bw} px wide on a ${m.iw} px screen`);
  const words = await p.evaluate(() => document.getElementById('view').textContent);
  assert.doesNotMatch(words, /\d{4}-\d\d-\d\dT\d\d:/, `${name}: an ISO time`);
  assert.equal(words.match(/\b[a-z]+_[a-z_]+\b/), null, `${name}: a raw key`);
}

const rowText = (p, sel) => p.innerText(sel);

test('a course, a session and its results change the hours and the roster', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const p = await ctx.newPage();
  await signIn(p, '/training');
  await p.waitForSelector('[data-testid=trn-roster] tr[data-position=duty_engineer]', WAIT);
  // before: nobody qualified, the position below two; everyone short of 48 h
  assert.match(await rowText(p, 'tr[data-position=duty_engineer]'), /值班工程师[\s\S]*2[\s\S]*0[\s\S]*少于两人/);
  assert.equal(await p.locator('tr[data-position=duty_engineer].below-two').count(), 1);
  await p.waitForSelector('[data-testid=trn-hours] tr[data-user=trna]', WAIT);
  assert.match(await rowText(p, '[data-testid=trn-hours] tr[data-user=trna]'), /张伟[\s\S]*0 学时[\s\S]*48 学时[\s\S]*学时不足/);
  // a course of 8 hours that qualifies for the duty engineer's position
  await p.fill('[data-testid=trn-course-form] input[name=title]', '值班应急处置培训');
  await p.fill('[data-testid=trn-course-form] input[name=hours]', '8');
  await p.check('[data-testid=trn-positions] input[value=duty_engineer]');
  await p.fill('[data-testid=trn-course-form] textarea[name=description]', '一级响应的通知、启动与升级');
  await p.click('[data-testid=trn-course-form] button[type=submit]');
  await p.waitForFunction(() => document.querySelector('[data-testid=trn-courses]').innerText.includes('值班应急处置培训'), null, WAIT);
  assert.match(await p.innerText('[data-testid=trn-courses]'), /值班应急处置培训[\s\S]*8 学时[\s\S]*值班工程师[\s\S]*12 个月/);
  const course = (await srv.must('GET', '/api/v1/training/courses', undefined, eng)).items[0];
  // a session of it, three attendees
  await p.waitForSelector(`[data-testid=trn-session-form] select[name=course_id] option[value="${course.id}"]`, { ...WAIT, state: 'attached' });
  await p.selectOption('[data-testid=trn-session-form] select[name=course_id]', String(course.id));
  await p.fill('[data-testid=trn-session-form] input[name=starts_at]', '2030-06-10T09:00');
  await p.fill('[data-testid=trn-session-form] input[name=ends_at]', '2030-06-10T17:00');
  await p.selectOption('[data-testid=trn-session-form] select[name=trainer_id]', String(engId));
  await p.fill('[data-testid=trn-session-form] input[name=location]', '三楼培训室');
  for (const u of ['trna', 'trnb', 'trnc']) await p.check(`[data-testid=trn-session-form] input[name=attendees][value="${ops[u]}"]`);
  await p.screenshot({ path: artifact('training-desktop-before.png'), fullPage: true });
  await p.click('[data-testid=trn-session-form] button[type=submit]');
  // the session page: two attended and passed, one absent
  await p.waitForSelector('[data-testid=trn-results-form]', WAIT);
  assert.match(await p.innerText('[data-testid=trn-session-facts]'), /值班应急处置培训[\s\S]*2030-06-10 09:00[\s\S]*孙工[\s\S]*三楼培训室/);
  await p.check(`input[name=attended-${ops.trna}]`);
  await p.selectOption(`select[name=assessment-${ops.trna}]`, 'pass');
  await p.fill(`input[name=score-${ops.trna}]`, '92');
  await p.check(`input[name=attended-${ops.trnb}]`);
  assert.equal(await p.inputValue(`select[name=assessment-${ops.trnb}]`), 'pass');
  assert.equal(await p.inputValue(`select[name=assessment-${ops.trnc}]`), 'absent');
  await p.click('[data-testid=trn-results-form] button[type=submit]');
  await p.waitForSelector('[data-testid=trn-results-note]:not([hidden])', WAIT);
  assert.match(await p.innerText('[data-testid=trn-results-note]'), /2 人计入学时，2 项岗位资质/);
  await p.screenshot({ path: artifact('training-desktop-session.png'), fullPage: true });
  const sessionUrl = p.url();
  // the training page: 8 h for the two who attended, none for the absent one; the position covered
  await p.click('[data-testid=trn-session-head] a[href="#/training"]');
  await p.waitForSelector('[data-testid=trn-hours] tr[data-user=trna]', WAIT);
  assert.match(await rowText(p, '[data-testid=trn-hours] tr[data-user=trna]'), /张伟[\s\S]*8 学时[\s\S]*40 学时[\s\S]*学时不足/);
  assert.match(await rowText(p, '[data-testid=trn-hours] tr[data-user=trnb]'), /李娜[\s\S]*8 学时/);
  assert.match(await rowText(p, '[data-testid=trn-hours] tr[data-user=trnc]'), /王强[\s\S]*0 学时[\s\S]*48 学时/);
  await p.waitForSelector('tr[data-position=duty_engineer]', WAIT);
  const roster = await rowText(p, 'tr[data-position=duty_engineer]');
  assert.match(roster, /张伟/);
  assert.match(roster, /李娜/);
  assert.doesNotMatch(roster, /王强/);
  assert.match(roster, /已覆盖/);
  assert.equal(await p.locator('tr[data-position=duty_engineer].below-two').count(), 0);
  await p.waitForFunction(() => document.querySelector('[data-testid=trn-sessions]').innerText.includes('已记录'), null, WAIT);
  assert.match(await p.innerText('[data-testid=trn-sessions]'), /值班应急处置培训[\s\S]*孙工[\s\S]*三楼培训室[\s\S]*3[\s\S]*已记录/);
  await fits(p, 'desktop');
  await p.screenshot({ path: artifact('training-desktop.png'), fullPage: true });
  await ctx.close();

  // a 390 px phone: the same pages, nothing wider than the screen
  const pc = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', isMobile: true, hasTouch: true });
  const q = await pc.newPage();
  await signIn(q, '/training');
  await q.waitForSelector('[data-testid=trn-roster] tr[data-position=duty_engineer]', WAIT);
  await q.waitForSelector('[data-testid=trn-session-form]', WAIT);
  await fits(q, 'phone training');
  await q.screenshot({ path: artifact('training-phone.png'), fullPage: true });
  await q.goto(sessionUrl);
  await q.waitForSelector('[data-testid=trn-results-form]', WAIT);
  await fits(q, 'phone session');
  await q.screenshot({ path: artifact('training-phone-session.png'), fullPage: true });
  await pc.close();
});
