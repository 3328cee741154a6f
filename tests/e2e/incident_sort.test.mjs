// incident_sort.test.mjs — the incident list sorted by a column (probe-ui
// #26; docs/internals/lists.md "Sorting by a column"): the 编号, 事件级别
// and 发现时间 headers are buttons; a click sorts the list by that column
// (again: the other way), marks the column with aria-sort, and writes the
// order into the address (#/incidents?sort=…) so that a reload keeps it;
// the next page follows the same order; the rows are exactly the API's
// answer for that sort.  At 390 px the headers fold into cards, so the 排序
// select does the same, without horizontal scroll.  English too.
// Screenshots: incident-sort-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser;
const S = {};
const N = 53; // more than one page of 50

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  S.eng = (await srv.makeUser('zhang', ['ops_engineer', 'monitoring_engineer'], { display_name: '张伟' })).token;
  const cis = [];
  for (const [name, grade] of [['sort-core-db', 'L1'], ['sort-app', 'L2'], ['sort-report', 'L3']]) {
    cis.push((await srv.must('POST', '/api/v1/cis', { name, category: 'server', grade, department: '运行部' }, S.eng)).id);
  }
  const now = Number((await srv.clock(0)).now_ms);
  for (let k = 0; k < N; k++) {
    // detection times out of the registration order
    const detected = new Date(now - 3600000 - ((k * 17) % 31) * 60000).toISOString();
    await srv.must('POST', '/api/v1/incidents', {
      title: `排序事件 ${k}`, ci_ids: [cis[k % 3]], severity: 'moderate', detected_at: detected,
      location: '主机房', symptoms: '响应慢', impact_scope: '查询',
    }, S.eng);
  }
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

async function signIn(viewport, hash, lang) {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'UTC' });
  if (lang) await ctx.addInitScript((l) => localStorage.setItem('opsdesk.lang', l), lang);
  const p = await ctx.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(srv.base + '/' + hash);
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'zhang');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('[data-testid=incident-list] tbody tr', WAIT);
  return { ctx, p, errors };
}

const numbers = (p) => p.$$eval('[data-testid=incident-list] tbody tr td:first-child', (tds) => tds.map((td) => td.innerText.trim()));
const apiNumbers = async (sort, offset = 0) =>
  (await srv.must('GET', `/api/v1/incidents?limit=50&offset=${offset}${sort ? '&sort=' + sort : ''}`, undefined, S.eng)).items.map((i) => i.number);
const waitRows = (p, want) => p.waitForFunction((w) => JSON.stringify([...document.querySelectorAll('[data-testid=incident-list] tbody tr td:first-child')].map((td) => td.innerText.trim())) === w,
  JSON.stringify(want), WAIT);
const ariaSort = (p) => p.$$eval('[data-testid=incident-list] thead th', (ths) => ths.map((th) => th.getAttribute('aria-sort')));

test('headers sort the list, the address keeps the order, the next page follows it', async () => {
  const { ctx, p, errors } = await signIn({ width: 1440, height: 900 }, '#/incidents');
  assert.deepEqual(await numbers(p), await apiNumbers(''), 'newest first by default');
  assert.deepEqual((await ariaSort(p))[0], 'descending');
  // 发现时间: latest first, then earliest first
  await p.click('[data-testid=sort-detected_at]');
  await waitRows(p, await apiNumbers('-detected_at'));
  assert.equal(new URL(p.url()).hash, '#/incidents?sort=-detected_at');
  assert.deepEqual(await ariaSort(p), [null, null, null, null, null, 'descending', null]);
  await p.click('[data-testid=sort-detected_at]');
  const asc = await apiNumbers('detected_at');
  await waitRows(p, asc);
  assert.equal(new URL(p.url()).hash, '#/incidents?sort=detected_at');
  assert.equal((await ariaSort(p))[5], 'ascending');
  // the API's order is really by detection time (ties by number)
  const all = (await srv.must('GET', '/api/v1/incidents?limit=500&sort=detected_at', undefined, S.eng)).items;
  for (let i = 1; i < all.length; i++) {
    const a = all[i - 1], b = all[i];
    assert.ok(a.detected_at < b.detected_at || (a.detected_at === b.detected_at && a.id < b.id), `${a.number} before ${b.number}`);
  }
  // the next page follows the order
  await p.click('[data-testid=page-next]');
  await waitRows(p, await apiNumbers('detected_at', 50));
  assert.equal((await numbers(p)).length, N - 50);
  await p.screenshot({ path: artifact('incident-sort-detected.png'), fullPage: true });
  // a reload keeps the order (first page again)
  await p.reload();
  await p.waitForSelector('[data-testid=incident-list] tbody tr', WAIT);
  await waitRows(p, asc);
  assert.equal(await p.inputValue('select[name=sort]'), 'detected_at');
  // 事件级别: level 1 first
  await p.click('[data-testid=sort-level]');
  const lv = await apiNumbers('level');
  await waitRows(p, lv);
  const levels = await p.$$eval('[data-testid=incident-list] tbody tr td:nth-child(4)', (tds) => tds.map((td) => td.innerText.trim()));
  const rank = (x) => ['一级', '二级', '三级', '非等级'].findIndex((k) => x.startsWith(k));
  assert.ok(levels.every((x) => rank(x) >= 0), levels.join());
  assert.deepEqual(levels, [...levels].sort((a, b) => rank(a) - rank(b)));
  assert.equal(rank(levels[0]), 0);
  assert.equal(rank(levels.at(-1)), 2);
  // 编号: back to the default, the address without a sort
  await p.click('[data-testid=sort-id]');
  await waitRows(p, await apiNumbers('-id'));
  await p.click('[data-testid=sort-id]');
  await waitRows(p, await apiNumbers('id'));
  await p.click('[data-testid=sort-id]');
  await waitRows(p, await apiNumbers(''));
  assert.equal(new URL(p.url()).hash, '#/incidents');
  // a filter keeps the order
  await p.click('[data-testid=sort-detected_at]');
  await p.selectOption('select[name=level]', 'L2');
  const l2 = (await srv.must('GET', '/api/v1/incidents?limit=50&level=L2&sort=-detected_at', undefined, S.eng)).items.map((i) => i.number);
  await waitRows(p, l2);
  assert.equal(l2.length, 18);
  await p.screenshot({ path: artifact('incident-sort-level-filter.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('390 px: the 排序 select, no horizontal scroll; English', async () => {
  const { ctx, p, errors } = await signIn({ width: 390, height: 844 }, '#/incidents?sort=level');
  await waitRows(p, await apiNumbers('level'));
  assert.equal(await p.inputValue('select[name=sort]'), 'level');
  await p.selectOption('select[name=sort]', '-detected_at');
  await waitRows(p, await apiNumbers('-detected_at'));
  assert.equal(new URL(p.url()).hash, '#/incidents?sort=-detected_at');
  const m = await p.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
  assert.ok(m.sw <= m.iw, `${m.sw} px wide on ${m.iw}`);
  assert.match(await p.locator('form.filters').innerText(), /排序/);
  await p.screenshot({ path: artifact('incident-sort-phone.png') });
  await ctx.close();

  const en = await signIn({ width: 1440, height: 900 }, '#/incidents?sort=-level', 'en');
  await waitRows(en.p, await apiNumbers('-level'));
  assert.equal(await en.p.locator('[data-testid=sort-detected_at]').innerText(), 'Detected');
  assert.match(await en.p.locator('select[name=sort] option:checked').innerText(), /Incident level \(ungraded first\)/);
  for (const sel of ['form.filters', '[data-testid=incident-list] thead', '[data-testid=incident-pager]']) {
    assert.doesNotMatch(await en.p.locator(sel).innerText(), /[\u4e00-\u9fff]/, `${sel}: no Chinese UI text`);
  }
  await en.p.screenshot({ path: artifact('incident-sort-en.png') });
  assert.deepEqual([...errors, ...en.errors], []);
  await en.ctx.close();
});
