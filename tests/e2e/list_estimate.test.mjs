// list_estimate.test.mjs — a total the server stopped counting: a text search
// with a state reads each row it counts, so its total is counted to 1 000
// beyond the page and flagged total_estimated (docs/internals/lists.md
// "Totals that do not read millions"); the pager then reads "至少 N 条" /
// "at least N" and has no last page, while the same search alone (counted by
// its index) reads the exact total.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
const N = 1100;
let srv, browser;

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  await srv.makeUser('zhang', ['ops_engineer'], { display_name: '张工' });
  const ci = await srv.must('POST', '/api/v1/cis', { name: 'report-srv', category: 'server', grade: 'L3', department: '运行部' }, srv.tokens.zhang);
  for (let b = 0; b < N; b += 8) {
    await Promise.all(Array.from({ length: Math.min(8, N - b) }, (_, i) =>
      srv.must('POST', '/api/v1/incidents', { title: `容量演练 ${b + i}`, ci_ids: [ci.id], severity: 'minor' }, srv.tokens.zhang)));
  }
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

for (const [lang, exact, atLeast] of [['zh-CN', `共 ${N} 条`, '至少 1050 条'], ['en', `of ${N}`, 'of at least 1050']]) {
  test(`an estimated total reads "at least" and has no last page (${lang})`, async () => {
    const api = await srv.must('GET', '/api/v1/incidents?limit=50&state=detected&q=' + encodeURIComponent('容量演练'), undefined, srv.tokens.zhang);
    assert.equal(api.total, 1050);
    assert.equal(api.total_estimated, true);
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const p = await ctx.newPage();
    await p.goto(srv.base + '/#/incidents');
    await p.waitForSelector('form.login-form', WAIT);
    await p.fill('input[name=username]', 'zhang');
    await p.fill('input[name=password]', USER_PW);
    await p.click('form.login-form button[type=submit]');
    const info = '[data-testid=incident-pager] [data-testid=page-info]';
    await p.waitForSelector(info, WAIT);
    if (lang !== 'zh-CN') {
      await p.selectOption('#lang-switch', lang);
      await p.waitForSelector('h1:has-text("Incident desk")', WAIT);
      await p.waitForFunction((s) => document.querySelector(s) && document.querySelector(s).innerText.includes(' of '), info, WAIT);
    }
    await p.fill('input[name=q]', '容量演练');
    await p.click('form.filters button[type=submit]');
    await p.waitForFunction(([s, want]) => document.querySelector(s).innerText.includes(want), [info, exact], WAIT);
    assert.equal(await p.locator('[data-testid=incident-pager] [data-testid=page-last]').isDisabled(), false);
    await p.selectOption('select[name=state]', 'detected');
    await p.waitForFunction(([s, want]) => document.querySelector(s).innerText.includes(want), [info, atLeast], WAIT);
    assert.equal(await p.locator('[data-testid=incident-pager] [data-testid=page-last]').isDisabled(), true);
    assert.equal(await p.locator('[data-testid=incident-pager] [data-testid=page-next]').isDisabled(), false);
    await p.locator('[data-testid=incident-pager]').scrollIntoViewIfNeeded();
    await p.screenshot({ path: artifact(`list-estimate-${lang}.png`) });
    await ctx.close();
  });
}
