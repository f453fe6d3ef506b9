// A meeting whose board keeps ballots private (`board = "receipts_only"`),
// funded by the Method of Equal Shares, on a hub started with --no-public:
// the public board lists every receipt and paper ballot number with its
// verdict but no choice, finds a receipt, and keeps itself current by
// reading the board now and then (there is no public live feed); the
// counter's page has no sticker boards (equal shares needs every ballot);
// the projector explains the outcome from `results.equal_shares` in both
// languages and says where the board is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHub, launch, shot, axeViolations, exportJson } from './harness.mjs';
import { driver } from './driver.mjs';

const MEETING = `[meeting]
name = "平均分配测试会议"
venue = "测试社区活动室"
date = "2026-12-06"
proposals = "proposals.csv"

[rules]
tables = 3
max_choices = 3
allocation = "equal_shares"
board = "receipts_only"

[rules.budget]
amount = 100000
`;

const WAIT = { timeout: 30000 };
let hub, browser, d, board, receipts = [], errors = [];

before(async () => {
  hub = await startHub({ voters: 6, meeting: MEETING, serveArgs: ['--no-public'] });
  browser = await launch();
  d = await driver(browser, hub);
  await d.advanceTo('voting');
  board = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
  board.on('pageerror', (e) => errors.push(String(e)));
  await board.goto(`${hub.url}/board`);
});
after(async () => { await browser?.close(); await hub?.stop(); });

async function paper(batch, ballots) {
  for (const [name, i] of [['c1', 0], ['c2', 1]]) {
    if (!(await d.page.evaluate((n) => !!window.__yz.socks[n], name))) await d.desk(name, hub.tokens.counters[i].token);
    for (const [number, marks] of ballots) {
      const a = await d.command(name, { kind: 'key_paper', batch, number, marks });
      assert.equal(a.type, 'ack', JSON.stringify(a));
    }
    assert.equal((await d.command(name, { kind: 'finish_paper', batch })).type, 'ack');
  }
}

test('a receipts-only board: every receipt and paper number with its verdict, no choice anywhere', async () => {
  receipts = await d.castBallots([
    { token: hub.tokens.voters[0].token, choices: ['P01', 'P02'] },
    { token: hub.tokens.voters[1].token, choices: ['P01', 'P02'] },
    { token: hub.tokens.voters[2].token, choices: ['P01', 'P02'] },
  ]);
  await paper(1, [['0001', ['P04']], ['0002', ['P04']], ['0003', ['P01', 'P02', 'P03', 'P04']]]);
  // No public feed on this hub: the board reads itself again within its polling interval.
  await board.waitForFunction(() => document.querySelectorAll('#phone-table tbody tr').length === 3, null, WAIT);
  await board.waitForFunction(() => document.querySelectorAll('#paper-table tbody tr').length === 3, null, WAIT);
  assert.match(await board.textContent('#withheld'), /只列出回执码，不公开每张选票选了什么/);
  assert.deepEqual(await board.$$eval('#phone-table thead th', (t) => t.length), 1, 'no column of choices');
  assert.deepEqual(await board.$$eval('#phone-table tbody tr', (r) => r.map((x) => x.getAttribute('data-receipt'))), receipts.slice().sort());
  const text = await board.textContent('main');
  assert.ok(!/P01\s+P02/.test(text), 'no ballot\'s choices on the page');
  assert.match(await board.textContent('#void-list'), /3（第 1 批）：超过可选项数$/, 'the verdict, not even how many marks');
  assert.ok(!/P04/.test(await board.textContent('#paper-table')), 'paper marks are private too');
  const api = await (await fetch(`${hub.url}/api/board`)).json();
  assert.equal(api.withheld, 'receipts_only');
  assert.ok(api.phone.every((x) => !('choices' in x)) && api.paper.every((x) => !('marks' in x)));
  // The totals stay public, and the board says they are the hub's.
  assert.equal(await board.getAttribute('#tally-table tr[data-id="P01"]', 'data-votes'), '3');
  assert.match(await board.textContent('#tally'), /这里是会场服务器的计票/);

  await board.fill('#find-code', receipts[1]);
  await board.press('#find-code', 'Enter');
  await board.waitForSelector(`#found[data-found="${receipts[1]}"]`);
  assert.match(await board.textContent('#found'), /已收到并计入[\s\S]*按会议规则不公开所选项目/);
  assert.deepEqual(await axeViolations(board), []);
  await shot(board, 'board-receipts-only');
});

test('no sticker boards under equal shares: the counter\'s page says so and the hub refuses one', async () => {
  const count = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  count.on('pageerror', (e) => errors.push(String(e)));
  await count.goto(hub.tokens.counters[2].link);
  await count.waitForSelector('#claim-form', WAIT);
  await count.fill('#pin', '1234');
  await count.fill('#pin2', '1234');
  await count.press('#pin2', 'Enter');
  await count.waitForSelector('#view-batches:not([hidden])', WAIT);
  await count.click('#tabs [data-tab="boards"]');
  assert.match(await count.textContent('#boards-off'), /平均分配法[\s\S]*不使用贴纸板/);
  assert.deepEqual(await axeViolations(count), []);
  await d.connect('c3', hub.tokens.counters[3].token);
  const r = await d.command('c3', { kind: 'key_board', board: 1, counts: { P01: 3 } });
  assert.equal(r.code, 'boards_not_allowed');
});

test('after the close the projector explains equal shares, in Chinese and in English, and shows where the board is', async () => {
  await d.castBallots([
    { token: hub.tokens.voters[3].token, choices: ['P04'] },
    { token: hub.tokens.voters[4].token, choices: ['P27'] },
    { token: hub.tokens.voters[5].token, choices: ['P04'] },
  ]);
  await d.desk('obs', hub.tokens.scrutineers[0].token);
  assert.equal((await d.command('obs', { kind: 'declare_sheets', batch: 1, sheets: 3 })).type, 'ack');
  await d.organise({ kind: 'advance_phase', to: 'counted' });
  const es = exportJson(hub).results.equal_shares;
  // 8 counting ballots (6 by phone, 2 valid on paper): 12,500 each; the shares buy P01 and P02,
  // P04's supporters hold 50,000 of its 62,000, and the completion step funds it from what is left.
  assert.deepEqual([es.voters, es.share, es.selected.slice().sort(), es.completion], [8, '12500.00', ['P01', 'P02'], ['P04']]);

  const proj = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  proj.on('pageerror', (e) => errors.push(String(e)));
  await proj.goto(hub.tokens.projector.link);
  await proj.waitForSelector('#scene[data-scene="results"] #equal-shares', WAIT);
  assert.equal(await proj.textContent('#equal-shares'),
    `按平均分配法：预算平分给 8 位投票人，每人 12,500 元；按支持者的份额选出 ${es.selected.join('、')}；余下预算按票数补足 P04。`);
  assert.equal(await proj.textContent('#rfunded li[data-id="P04"] .how'), '补足');
  assert.equal(await proj.textContent(`#rfunded li[data-id="${es.selected[0]}"] .how`), '份额');
  // The one count: 9 received (6 by phone, 3 on paper), 8 valid, 1 void.
  assert.deepEqual(await proj.$$eval('#count-line b', (bs) => bs.map((b) => [b.id, b.textContent])),
    [['count-received', '9'], ['count-valid', '8'], ['count-void', '1'], ['count-phone', '6'], ['count-paper', '3']]);
  assert.equal(await proj.textContent('#void-reasons'), '超过可选项数 1');
  assert.equal(await proj.textContent('#board-address'), `${hub.url}/board`);
  await shot(proj, 'projector-results-equal-shares');
  await proj.keyboard.press('L');
  await proj.waitForFunction(() => /^By equal shares/.test(document.querySelector('#equal-shares').textContent), null, WAIT);
  assert.equal(await proj.textContent('#equal-shares'),
    `By equal shares: the budget is split between 8 voters, ¥12,500 each; their shares bought ${es.selected.join(', ')}; what was left went, from the top of the ranking, to P04.`);

  // The board caught up with the close by itself.
  await board.waitForFunction(() => /计票完成/.test(document.querySelector('#b-phase').textContent), null, WAIT);
  assert.equal(await board.textContent('#count-received'), '9');
  assert.equal(await board.textContent('#count-void'), '1');
  assert.deepEqual(errors, []);
});
