// drills.test.mjs — an emergency drill in the browser (R-PLAN-2; seed 000
// ch. 9 §3; docs/drills.md): scheduled from the drills screen against a
// published plan, prepared and started from the action bar, its simulated
// L1 incident injected from the drill page (shown on the dashboard as a
// live drill), the incident handled through the real path (activated from
// the incident page, which shows the plan that applies and records its
// version), the scorecard
// showing which deadlines were met, the evaluation and lessons filed and the
// drill closed — which makes the plan's review due, then the plan updated
// from its page: a new version drafted from the lessons (the change note is
// the revise reason), evaluated, approved by the committee and published,
// rendered on the plan page; a finding is turned into
// its follow-up problem from the drill page; the participants are shown with
// their roles (picked by name on the drill form) and the evaluator enters 1–5 scores for the drill and for a
// participant, the totals shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, artifact, USER_PW } from './harness.mjs';

const WAIT = { timeout: 30000 };
let srv, browser, lead, ops, leadId, opsId, planId, ciId, eng, l2;

before(async () => {
  srv = await new Server().start();
  browser = await launchBrowser();
  ({ id: leadId, token: lead } = await srv.makeUser('drl_lead', ['emergency_leadership', 'ops_engineer'], { display_name: '周总' }));
  l2 = await srv.makeUser('drl_lead2', ['emergency_leadership']);
  ({ id: opsId, token: ops } = await srv.makeUser('drl_ops', ['ops_engineer', 'monitoring_engineer']));
  eng = await srv.makeUser('drl_eng', ['emergency_engineering'], { display_name: '吴工' });
  await srv.must('POST', '/api/v1/committees', { key: 'emergency_leadership', name_zh: '应急领导小组', name_en: 'Emergency leadership group',
    chair_id: leadId, members: [l2.id], quorum: 2 }, await srv.admin('sysadmin'));
  ciId = (await srv.must('POST', '/api/v1/cis', { name: '核心数据库 e2e-db', category: 'database', grade: 'L1', department: '运行部' }, ops)).id;
  planId = (await srv.must('POST', '/api/v1/plans', { title: '数据库故障专项预案', fields: { owner_id: eng.id, scope_ci_ids: [ciId] } }, eng.token)).id;
  await srv.must('POST', `/api/v1/plans/${planId}/versions`, { body: '# 数据库故障专项预案\n' }, eng.token);
  const act = async (action, token, fields) => {
    const v = (await srv.must('GET', `/api/v1/plans/${planId}`, undefined, eng.token)).version;
    await srv.must('POST', `/api/v1/records/${planId}/actions/${action}`, fields ? { version: v, fields } : { version: v }, token);
  };
  await act('evaluate', eng.token, { evaluation: '可行' });
  await act('submit', eng.token);
  const round = (await srv.must('GET', `/api/v1/records/${planId}/approvals`, undefined, eng.token)).items.at(-1).id;
  for (const tok of [lead, l2.token]) {
    await srv.must('POST', `/api/v1/records/${planId}/approvals/${round}/votes`, { step: 'plan_approval', decision: 'approve' }, tok);
  }
  await act('approve', eng.token);
  await act('publish', lead);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
});

test('schedule, run, score, evaluate and close a drill; the plan review falls due', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const p = await ctx.newPage();
  await p.goto(srv.base + '/#/drills');
  await p.waitForSelector('form.login-form', WAIT);
  await p.fill('input[name=username]', 'drl_lead');
  await p.fill('input[name=password]', USER_PW);
  await p.click('form.login-form button[type=submit]');
  await p.waitForSelector('[data-testid=drill-list]', WAIT);
  await p.click('[data-testid=drill-new]');
  await p.waitForSelector('[data-testid=drill-form]', WAIT);
  await p.fill('input[name=title]', '数据库故障功能演练');
  await p.selectOption('select[name=plan_id]', String(planId));
  await p.fill('textarea[name=goals]', '检验一级响应的通知与启动');
  await p.fill('textarea[name=scenario]', '主库磁盘故障');
  // the participants picked by name, each with a role in the drill
  await p.check(`[data-testid=drill-people] input[name=participant][value="${leadId}"]`);
  await p.selectOption(`[data-testid=drill-people] select[name=role-${leadId}]`, 'commander');
  await p.check(`[data-testid=drill-people] input[name=participant][value="${opsId}"]`);
  await p.selectOption(`[data-testid=drill-people] select[name=role-${opsId}]`, 'operator');
  await p.fill('input[name=scheduled_at]', '2030-01-01T10:00');
  await p.click('[data-testid=drill-form] button[type=submit]');
  await p.waitForSelector('[data-testid=drill-head]', WAIT);
  assert.match(await p.innerText('[data-testid=drill-head]'), /DRL-\d{4}-\d{6}/);
  assert.match(await p.innerText('[data-testid=drill-mode]'), /沙盒/);
  const drillId = Number(p.url().match(/#\/drills\/(\d+)/)[1]);
  // the participants' roles in the drill, saved with it and shown by name
  const d0 = (await srv.must('GET', `/api/v1/drills/${drillId}`, undefined, lead)).drill;
  assert.deepEqual([d0.participants, d0.participant_roles], [[leadId, opsId], { [leadId]: 'commander', [opsId]: 'operator' }]);
  await p.waitForSelector('[data-testid=drill-scores] .drill-participants', WAIT);
  assert.match(await p.innerText('[data-testid=drill-scores] .drill-participants'), /周总[\s\S]*总指挥[\s\S]*drl_ops[\s\S]*处置/);
  assert.doesNotMatch(await p.innerText('[data-testid=drill-scores] .drill-participants'), /#\d/);
  assert.match(await p.innerText('[data-testid=drill-facts]'), /周总 \(drl_lead\) · 总指挥/);
  assert.match(await p.innerText('[data-testid=drill-plan-link]'), /^PLN-\d{4}-\d{6} /); // the plan by number, not #id
  // prepare, then start, from the action bar
  await p.click('[data-testid=act-prepare] button');
  await p.waitForFunction(() => document.querySelector('[data-testid=drill-head]').innerText.includes('已准备'), null, WAIT);
  await p.click('[data-testid=act-start] button');
  await p.waitForSelector('[data-testid=drill-inject-form]', WAIT);
  // the simulated incident through the real path
  await p.fill('input[name=inc_title]', '核心数据库不可用（演练）');
  await p.fill('input[name=ci_ids]', String(ciId));
  await p.click('[data-testid=drill-inject-form] button[type=submit]');
  await p.waitForSelector('[data-testid=drill-incident-link]', WAIT);
  const incNumber = await p.innerText('[data-testid=drill-incident-link]');
  assert.match(incNumber, /^INC-/);
  const d = await srv.must('GET', `/api/v1/drills/${drillId}`, undefined, lead);
  const iid = d.drill.incident.id;
  // the dashboard shows it as a live drill, apart from the real incidents
  await p.click('a[data-nav=dashboard]');
  await p.waitForSelector('[data-testid=kpi-drills]', WAIT);
  await p.waitForFunction(() => document.querySelector('[data-testid=kpi-drills]').innerText.includes('1'), null, WAIT);
  assert.match(await p.innerText('[data-testid=drills]'), new RegExp(incNumber));
  await p.screenshot({ path: artifact('drill-dashboard.png'), fullPage: true });
  // the response, handled by the desk and the leadership (API)
  await srv.clock(4 * 60);
  await srv.must('POST', `/api/v1/incidents/${iid}/reports`, { kind: 'first', location: '主机房', symptoms: '连接超时', impact_scope: '全部' }, ops);
  await srv.must('POST', `/api/v1/incidents/${iid}/ack`, undefined, lead);
  await srv.must('POST', `/api/v1/incidents/${iid}/reports`, { kind: 'second', response_level: 'R1', system_impact: '核心业务中断', estimated_recovery_at: '2030-01-01T00:00:00Z' }, ops);
  // the leader activates from the incident page: the plan that applies is recorded with its version
  await p.goto(srv.base + `/#/incidents/${iid}`);
  await p.waitForSelector('[data-testid=inc-plans] table', WAIT);
  assert.match(await p.innerText('[data-testid=inc-plans]'), /数据库故障专项预案[\s\S]*配置项[\s\S]*v1/);
  assert.equal(await p.inputValue('[data-testid=activation-plan]'), String(planId)); // the only plan that applies
  await p.click('[data-testid=btn-activate]');
  await p.click('[data-testid=btn-activate-confirm]');
  await p.waitForSelector('[data-testid=inc-activations]', WAIT);
  assert.match(await p.innerText('[data-testid=inc-activations]'), /数据库故障专项预案 第 1 版/);
  await srv.must('POST', `/api/v1/incidents/${iid}/reports`, { kind: 'final', cause: '演练脚本', process: '切换备库', current_state: '已恢复', business_impact_minutes: 0, improvements: '无' }, ops);
  await srv.must('POST', `/api/v1/incidents/${iid}/close`, undefined, lead);
  // the scorecard: the first report met its 5-minute deadline
  await p.goto(srv.base + `/#/drills/${drillId}`);
  await p.waitForSelector('[data-testid=drill-score]', WAIT);
  const card = await p.innerText('[data-testid=drill-scorecard]');
  assert.match(card, /首报[\s\S]*达标/);
  assert.match(card, /4\.0 分钟/); // to the first acknowledgement
  // evaluation, then lessons, then close
  await p.fill('[data-testid=drill-edit-form] textarea[name=evaluation]', '通知链路正常');
  await p.check('[data-testid=drill-edit-form] input[name=step_run]');
  await p.click('[data-testid=drill-edit-form] button[type=submit]');
  await p.waitForFunction(() => document.querySelector('[data-testid=drill-facts]').innerText.includes('通知链路正常'), null, WAIT);
  await p.click('[data-testid=act-evaluate] button');
  await p.waitForFunction(() => document.querySelector('[data-testid=drill-head]').innerText.includes('已评估'), null, WAIT);
  // a finding becomes its follow-up problem in one step, linked originated_from the drill
  await p.fill('[data-testid=drill-finding-form] input[name=finding_title]', '部门负责人未确认告警');
  await p.fill('[data-testid=drill-finding-form] textarea[name=finding_description]', '演练中未在期限内确认');
  await p.click('[data-testid=drill-finding-form] button[type=submit]');
  await p.waitForFunction(() => /PRB-\d{4}-\d+[\s\S]*部门负责人未确认告警/.test(document.querySelector('[data-testid=drill-findings]').innerText), null, WAIT);
  const found = (await srv.must('GET', `/api/v1/drills/${drillId}`, undefined, lead)).drill.findings;
  assert.deepEqual(found.map((f) => [f.kind, f.title]), [['problem', '部门负责人未确认告警']]);
  // the evaluator's 1–5 scores: the whole drill's command, then the operator's handling
  await p.waitForSelector('[data-testid=drill-score-form]', WAIT);
  await p.selectOption('[data-testid=drill-score-form] select[name=score_item]', 'command');
  await p.selectOption('[data-testid=drill-score-form] select[name=score_value]', '4');
  await p.fill('[data-testid=drill-score-form] input[name=score_note]', '指挥有序');
  await p.click('[data-testid=drill-score-form] button[type=submit]');
  await p.waitForFunction(() => document.querySelector('[data-testid=drill-overall]').innerText.includes('4.00'), null, WAIT);
  assert.match(await p.innerText('[data-testid=drill-scores] .drill-manual'), /指挥\s+4\s+指挥有序/);
  await p.selectOption('[data-testid=drill-score-form] select[name=score_target]', String(opsId));
  await p.selectOption('[data-testid=drill-score-form] select[name=score_item]', 'handling');
  await p.selectOption('[data-testid=drill-score-form] select[name=score_value]', '5');
  await p.click('[data-testid=drill-score-form] button[type=submit]');
  await p.waitForFunction(() => document.querySelector('[data-testid=drill-scores] .drill-participants').innerText.includes('5.00'), null, WAIT);
  const manual = (await srv.must('GET', `/api/v1/drills/${drillId}/scorecard`, undefined, lead)).manual;
  assert.equal(manual.overall, 4);
  assert.deepEqual(manual.participants.map((x) => [x.user_id, x.role, x.scores, x.average]),
    [[leadId, 'commander', {}, null], [opsId, 'operator', { handling: 5 }, 5]]);
  await p.screenshot({ path: artifact('drill-scores.png'), fullPage: true });
  await p.waitForSelector('[data-testid=drill-edit-form] textarea[name=lessons]', WAIT);
  await p.fill('[data-testid=drill-edit-form] textarea[name=lessons]', '补充备用联系人');
  await p.click('[data-testid=drill-edit-form] button[type=submit]');
  await p.waitForFunction(() => document.querySelector('[data-testid=drill-facts]').innerText.includes('补充备用联系人'), null, WAIT);
  await p.click('[data-testid=act-close] button');
  await p.waitForFunction(() => document.querySelector('[data-testid=drill-head]').innerText.includes('已关闭'), null, WAIT);
  await p.screenshot({ path: artifact('drill-closed.png'), fullPage: true });
  // the plan's review is due 30 days after the drill closed (docs/drills.md)
  const plan = (await srv.must('GET', `/api/v1/plans/${planId}`, undefined, lead)).plan;
  assert.equal(plan.review_trigger, 'drill');
  assert.equal(Date.parse(plan.next_review_at) - Date.parse(plan.review_triggered_at), 30 * 86400000);
  // the sixth and seventh steps: the plan updated from its page with the drill's lessons —
  // a new version drafted (the change note is the revise reason), evaluated, approved by
  // the committee, published; the owner (emergency engineering) drafts it
  const ectx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const e = await ectx.newPage();
  await e.goto(srv.base + `/#/plans/${planId}`);
  await e.waitForSelector('form.login-form', WAIT);
  await e.fill('input[name=username]', 'drl_eng');
  await e.fill('input[name=password]', USER_PW);
  await e.click('form.login-form button[type=submit]');
  await e.waitForSelector('[data-testid=plan-current] h1', WAIT);
  assert.equal(await e.innerText('[data-testid=plan-current] h1'), '数据库故障专项预案'); // v1 rendered from its Markdown
  assert.match(await e.innerText('[data-testid=plan-facts]'), /演练关闭/); // the review trigger
  await e.waitForSelector('[data-testid=plan-draft-form] textarea[name=plan_body]', WAIT);
  assert.equal(await e.inputValue('[data-testid=plan-draft-form] textarea[name=plan_body]'), '# 数据库故障专项预案\n'); // drafted from v1
  await e.fill('[data-testid=plan-draft-form] textarea[name=plan_body]',
    '# 数据库故障专项预案\n\n## 联系人\n\n- **备用联系人**：值班经理\n\n<script>alert(1)</script>\n');
  await e.fill('[data-testid=plan-draft-form] textarea[name=change_note]', '按演练经验补充备用联系人');
  await e.click('[data-testid=plan-draft-form] button[type=submit]');
  await e.waitForFunction(() => /第 2 版/.test(document.querySelector('[data-testid=plan-versions]').innerText), null, WAIT);
  assert.match(await e.innerText('[data-testid=plan-head]'), /草稿/);
  await e.fill('[data-testid=plan-eval-form] textarea[name=evaluation]', '已按演练教训修订');
  await e.click('[data-testid=plan-eval-form] button[type=submit]');
  await e.waitForFunction(() => document.querySelector('[data-testid=plan-facts]').innerText.includes('已按演练教训修订'), null, WAIT);
  await e.click('[data-testid=act-evaluate] button');
  await e.waitForFunction(() => document.querySelector('[data-testid=plan-head]').innerText.includes('已评估'), null, WAIT);
  await e.click('[data-testid=act-submit] button');
  await e.waitForFunction(() => document.querySelector('[data-testid=plan-head]').innerText.includes('审批'), null, WAIT);
  // the emergency leadership group's two votes (its quorum)
  const round = (await srv.must('GET', `/api/v1/records/${planId}/approvals`, undefined, lead)).items.at(-1).id;
  for (const tok of [lead, l2.token]) {
    await srv.must('POST', `/api/v1/records/${planId}/approvals/${round}/votes`, { step: 'plan_approval', decision: 'approve' }, tok);
  }
  await e.reload();
  await e.waitForSelector('[data-testid=act-approve] button.primary', WAIT);
  await e.click('[data-testid=act-approve] button');
  await e.waitForFunction(() => document.querySelector('[data-testid=plan-head]').innerText.includes('已批准'), null, WAIT);
  await e.click('[data-testid=act-publish] button');
  await e.waitForFunction(() => document.querySelector('[data-testid=plan-head]').innerText.includes('已发布'), null, WAIT);
  await e.waitForFunction(() => document.querySelector('[data-testid=plan-current] h3').innerText.includes('第 2 版'), null, WAIT);
  assert.equal(await e.innerText('[data-testid=plan-current] h2'), '联系人');
  assert.equal(await e.innerText('[data-testid=plan-current] li strong'), '备用联系人');
  assert.equal(await e.locator('[data-testid=plan-current] script').count(), 0); // raw HTML never reaches the page
  assert.match(await e.innerText('[data-testid=plan-versions]'), /第 1 版\s+已被取代[\s\S]*第 2 版\s+已发布/);
  assert.match(await e.innerText('[data-testid=rec-timeline]'), /按演练经验补充备用联系人/);
  await e.screenshot({ path: artifact('drill-plan-updated.png'), fullPage: true });
  // the plan list: the plan with its current version
  await e.goto(srv.base + '/#/plans');
  await e.waitForSelector(`[data-testid=plan-list] a[href="#/plans/${planId}"]`, WAIT);
  assert.match(await e.innerText('[data-testid=plan-list]'), /PLN-\d{4}-\d{6}\s+数据库故障专项预案\s+已发布\s+\(已解决\)\s+第 2 版/);
  await e.screenshot({ path: artifact('drill-plan-list.png'), fullPage: true });
  await ectx.close();
  const updated = (await srv.must('GET', `/api/v1/plans/${planId}`, undefined, lead)).plan;
  assert.equal(updated.current_version, 2);
  assert.deepEqual(updated.versions.map((v) => [v.number, v.state]), [[1, 'superseded'], [2, 'published']]);
  assert.equal(updated.review_trigger, ''); // the new publication clears the drill's trigger
  assert.ok(Date.parse(updated.next_review_at) > Date.parse(plan.next_review_at));
  const v2 = await srv.must('GET', `/api/v1/plans/${planId}/versions/2`, undefined, lead);
  assert.ok(!v2.html.includes('<script'));
  await ctx.close();
});
