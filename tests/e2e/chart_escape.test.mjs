// chart_escape.test.mjs — chart tooltips are text, never HTML
// (probe-security M2, R-SEC-SYS-1): a CI whose name is markup (an <img> with
// an inline handler, an <a>, a <b>, a <meta http-equiv=refresh>) is shown
// in the CMDB impact graph.  A person hovers that node and the base node:
// the tooltip shows the name as literal text, no element of the name enters
// the page, no script runs, and the page does not navigate (the meta
// refresh once sent the viewer to another site).  Every chart goes through
// ctx.chart, whose setOption escapes tooltip text (textChart in web/js/dom.js).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
// nothing listens on port 9 (discard); a navigation or request there is the failure
const EVIL = '<img src=x onerror="window.__xss=1"><b id=inj-b>B</b><a id=inj-a href="http://127.0.0.1:9/a">A</a>'
  + '<meta http-equiv=refresh content="0;url=http://127.0.0.1:9/p">';
let srv, browser;
const S = {};

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  const { token } = await srv.makeUser('esc_eng', ['ops_engineer']);
  S.base = (await srv.must('POST', '/api/v1/cis', { name: 'esc-base-db', category: 'database', grade: 'L1', department: '运行部' }, token)).id;
  S.evil = (await srv.must('POST', '/api/v1/cis', { name: EVIL, category: 'server', grade: 'L3', department: '运行部' }, token)).id;
  await srv.must('POST', `/api/v1/cis/${S.evil}/relations`, { type: 'depends_on', target_id: S.base }, token);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

// Hovers series data item `name` with the mouse until the tooltip for it is
// up (its text ends in " · " + the grade's name, `suffix`): the node's layout
// position, turned into pixels by the chart, relative to the chart's
// element.  The force layout may still be settling, so the position is read
// again before each try.
async function hoverNode(page, sel, name, suffix) {
  // the force layout has settled: the node is where it was one poll ago
  await page.waitForFunction(([s, n]) => {
    const chart = window.echarts.getInstanceByDom(document.querySelector(s));
    const data = chart.getModel().getSeriesByIndex(0).getData();
    const now = JSON.stringify(data.getItemLayout(data.indexOfName(n)).map((v) => Math.round(v)));
    const same = window.__lastLayout === now;
    window.__lastLayout = now;
    return same;
  }, [sel, name], { timeout: 120000, polling: 250 }); // slow to settle on a loaded machine
  for (let attempt = 0; attempt < 20; attempt++) {
    if (!(await page.$(sel))) throw new Error('the graph is gone: the page navigated to ' + page.url());
    const pos = await page.$eval(sel, (el, n) => {
      const chart = window.echarts.getInstanceByDom(el);
      const data = chart.getModel().getSeriesByIndex(0).getData();
      const xy = chart.convertToPixel({ seriesIndex: 0 }, data.getItemLayout(data.indexOfName(n)));
      const r = el.getBoundingClientRect();
      return { x: r.left + xy[0], y: r.top + xy[1] };
    }, name);
    await page.mouse.move(5, 5);
    await page.mouse.move(pos.x, pos.y, { steps: 4 });
    try {
      await page.waitForFunction(([s, x]) => [...document.querySelectorAll(s + ' div')].some((d) => d.style.display !== 'none' && d.innerText.trim().endsWith(' · ' + x)), [sel, suffix], { timeout: 2000 });
      return;
    } catch { /* the node moved: try again */ }
  }
  throw new Error('no tooltip over ' + name);
}

test('a CI name made of markup stays text in the impact graph tooltip', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await ctx.newPage();
  const away = [];
  page.on('request', (r) => { if (r.url().includes(':9/') || r.url().endsWith('/x')) away.push(r.url()); });
  page.on('framenavigated', (f) => { if (f === page.mainFrame() && !f.url().startsWith(srv.base)) away.push('navigated: ' + f.url()); });
  await page.goto(srv.base + '/#/cmdb/' + S.base);
  await page.waitForSelector('form.login-form', WAIT);
  await page.fill('input[name=username]', 'esc_eng');
  await page.fill('input[name=password]', USER_PW);
  await page.click('form.login-form button[type=submit]');
  const graph = '[data-testid=impact-graph]';
  await page.waitForSelector(graph + ' canvas', WAIT);
  await page.waitForFunction((s) => {
    const c = window.echarts.getInstanceByDom(document.querySelector(s));
    return c && c.getModel() && c.getModel().getSeriesByIndex(0).getData().count() === 2;
  }, graph, WAIT);
  const url = page.url();

  for (const [name, grade] of [[EVIL, '三级'], ['esc-base-db', '一级']]) {
    await hoverNode(page, graph, name, grade); // the tooltip is up ("name · grade")
    const injected = await page.evaluate(() => ({
      b: !!document.getElementById('inj-b'),
      a: !!document.getElementById('inj-a'),
      img: document.querySelectorAll('img[src=x]').length,
      meta: document.querySelectorAll('body meta').length,
      xss: window.__xss === 1,
    }));
    assert.deepEqual(injected, { b: false, a: false, img: 0, meta: 0, xss: false }, 'no element of the CI name entered the page');
    // ... and shows the node's name as literal text
    const tip = await page.$$eval(graph + ' div', (ds) => ds.filter((d) => d.innerText.includes(' · ')).map((d) => d.innerText).join('\n'));
    assert.ok(tip.includes(name + ' · '), 'the tooltip shows the name as text: ' + tip);
  }
  await page.screenshot({ path: artifact('chart-escape-tooltip.png') });
  // the refresh had a 0 s delay: a page that was going to navigate has done
  // so by the time the next chart round trip (a re-hover) has been drawn
  await hoverNode(page, graph, EVIL, '三级');
  assert.equal(page.url(), url, 'the page did not navigate');
  assert.deepEqual(away, [], 'no request left for the injected targets');
  await ctx.close();
});
