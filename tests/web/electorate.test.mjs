// Who may vote, who counts and what was struck, as the public pages show it,
// in real Chromium against a real hub with the door register on: before the
// vote the projector and the landing page show the electorate's size and
// fingerprint beside the rules'; an exclusion confirmed by the organiser (on
// an adviser's recommendation) and a cost adopted from the adviser are
// announced on the projector and shown on the pitch card and the voter page
// (the excluded proposal cannot be chosen); a card not handed out at the door,
// or cancelled, says so on the voter page; during the vote cards issued late,
// a cancellation and the desk's claims are announced on the projector and
// listed on /board, which finds a paper ballot however its number is typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHub, launch, shot, axeViolations } from './harness.mjs';
import { driver } from './driver.mjs';

const MEETING = `[meeting]
name = "门口登记测试会议"
venue = "测试社区活动室"
date = "2026-12-06"
proposals = "proposals.csv"

[rules]
tables = 3
max_choices = 5
registration = "door"

[rules.budget]
amount = 300000
`;

const WAIT = { timeout: 20000 };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
let hub, browser, d, proj, landing, board, snap, errors = [];

before(async () => {
  hub = await startHub({ voters: 6, meeting: MEETING });
  browser = await launch();
  d = await driver(browser, hub);
  snap = await d.page.evaluate(() => window.__yz.socks.organiser.welcome.snapshot);
  proj = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  landing = await (await browser.newContext(PHONE)).newPage();
  board = await (await browser.newContext(PHONE)).newPage();
  for (const p of [proj, landing, board]) p.on('pageerror', (e) => errors.push(String(e)));
  await proj.goto(hub.tokens.projector.link);
  await landing.goto(hub.url);
  await board.goto(`${hub.url}/board`);
});
after(async () => { await browser?.close(); await hub?.stop(); });

const text = (p, sel) => p.textContent(sel);
/** A voter's phone opening the card's link. */
async function voterPage(i) {
  const page = await (await browser.newContext(PHONE)).newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(hub.tokens.voters[i].link);
  return page;
}

test('before the vote: the electorate\'s size and fingerprint beside the rules\' fingerprint', async () => {
  const fp = snap.electorate.fingerprint;
  assert.match(fp, /^[0-9A-F]{4}-[0-9A-F]{4}$/);
  assert.equal(snap.electorate.cards_issued, 6, '--voters 6 makes exactly 6 cards');
  const opened = await d.organise({ kind: 'open_meeting' });
  await proj.waitForSelector('#scene[data-scene="welcome"] #scene-electorate-fingerprint', WAIT);
  assert.equal(await text(proj, '#scene-fingerprint'), opened.result.fingerprint);
  assert.equal(await text(proj, '#scene-electorate-fingerprint'), fp);
  assert.equal(await text(proj, '#electorate-issued'), '6');
  assert.equal(await text(proj, '#electorate-registered'), '0', 'the door register is on: nobody registered yet');
  assert.equal(await text(proj, '#electorate-fingerprint'), fp, 'and in the footer, beside the rules');
  await shot(proj, 'projector-welcome-electorate');
  assert.deepEqual(await axeViolations(proj), []);
  await landing.waitForFunction((fp) => document.querySelector('#electorate-fingerprint') && document.querySelector('#electorate-fingerprint').textContent === fp, fp, WAIT);
  assert.equal(await text(landing, '#electorate-issued'), '6');
});

test('an exclusion the organiser confirmed and a cost adopted from the adviser: announced, on the card, not selectable', async () => {
  await d.advanceTo('discussion');
  await d.pickAll(snap);
  const [p1, p2] = snap.tables[0].share;
  const listCost = snap.proposals.find((p) => p.id === p2).cost;
  await d.connect('adviser', hub.tokens.adviser_all.token);
  for (const c of [
    { kind: 'annotate', proposal: p1, feasibility: 'excluded', exclusion_rule: 6, reason: '地下管线无法迁改', cost_estimate: null, remark: '' },
    { kind: 'annotate', proposal: p2, feasibility: 'feasible', exclusion_rule: null, reason: '', cost_estimate: 9999, remark: '' },
  ]) assert.equal((await d.command('adviser', c)).type, 'ack');
  // A recommendation is not an exclusion: nothing is announced yet.
  await proj.waitForSelector('#scene[data-scene="tables"]', WAIT);
  assert.equal(await proj.$('#announce [data-kind="exclusion"]'), null);
  await d.organise({ kind: 'confirm_exclusion', proposal: p1, rule: 6, reason: '' });
  await d.organise({ kind: 'set_cost', proposal: p2, source: 'adviser' });
  await proj.waitForSelector('#announce [data-kind="exclusion"]', WAIT);
  assert.equal(await text(proj, '#announce [data-kind="exclusion"]'), `${p1} 已确认排除：第6条 技术上不可行`);
  await proj.waitForSelector('#announce [data-kind="cost"]', WAIT);
  assert.equal(await text(proj, '#announce [data-kind="cost"]'), `${p2} 造价采用顾问估算 9,999 元（清单造价 ${listCost.toLocaleString('en-US')} 元）`);
  await shot(proj, 'projector-tables-announced');

  await d.advanceTo('pitches');
  await proj.waitForSelector(`.pcard[data-id="${p1}"] .pexcl`, WAIT);
  assert.equal(await text(proj, `.pcard[data-id="${p1}"] .pexcl`), `${p1} 已确认排除：第6条 技术上不可行`);
  assert.equal(await proj.getAttribute(`.pcard[data-id="${p2}"] [data-cost]`, 'data-cost'), '9999', 'the one cost is the adopted one');
  assert.match(await text(proj, `.pcard[data-id="${p2}"] .pcostnote`), new RegExp(`采用顾问估算；清单造价 ${listCost.toLocaleString('en-US')} 元`));
  await shot(proj, 'projector-pitch-excluded');
  assert.deepEqual(await axeViolations(proj), []);

  await d.advanceTo('voting');
  // The hub refuses a ballot for it, whatever the page does.
  await d.connect('reg', hub.tokens.registrars[0].token);
  assert.equal((await d.command('reg', { kind: 'register', issue: { kind: 'card', serial: 'V0001' } })).type, 'ack');
  assert.deepEqual(await d.castBallots([{ token: hub.tokens.voters[0].token, choices: [p1] }]), ['proposal_excluded']);
  const vote = await voterPage(0);
  await vote.waitForSelector('#app[data-screen="choose"]', WAIT);
  const item = `.item[data-id="${p1}"]`;
  assert.equal(await vote.getAttribute(item, 'data-excluded'), '1');
  assert.equal(await vote.isDisabled(`${item} input.box`), true, 'not selectable');
  assert.match(await text(vote, item), /已确认排除：第6条 技术上不可行，不能选/);
  assert.match(await text(vote, `.item[data-id="${p2}"]`), /造价 9,999 元[\s\S]*采用顾问估算；清单造价/);
  await vote.click(`${item} label`, { force: true });
  assert.equal(await vote.textContent('#count'), '0', 'a tap on it chooses nothing');
  await shot(vote, 'vote-excluded');
  assert.deepEqual(await axeViolations(vote), []);
});

test('a card not handed out at the door, or cancelled, says so on the voter page', async () => {
  const notYet = await voterPage(2);
  await notYet.waitForSelector('#card-status[data-status="not_registered"]', WAIT);
  assert.match(await text(notYet, '#card-status'), /请先到门口登记处领取/);
  assert.deepEqual(await axeViolations(notYet), []);
  // Registered at the door: the page lets the resident vote, by itself.
  assert.equal((await d.command('reg', { kind: 'register', issue: { kind: 'card', serial: 'V0003' } })).type, 'ack');
  await notYet.waitForSelector('#app[data-screen="choose"]', WAIT);

  const lost = await voterPage(3);
  await lost.waitForSelector('#card-status', WAIT);
  assert.equal((await d.command('reg', { kind: 'register', issue: { kind: 'card', serial: 'V0004' } })).type, 'ack');
  await lost.waitForSelector('#app[data-screen="choose"]', WAIT);
  await d.organise({ kind: 'cancel_card', serial: 'V0004', reason: '卡片遗失，已补发纸质选票' });
  await lost.waitForSelector('#card-status[data-status="cancelled"]', WAIT);
  assert.match(await text(lost, '#card-status'), /此卡已作废：卡片遗失，已补发纸质选票/);
  await shot(lost, 'vote-card-cancelled');
  assert.deepEqual(await d.castBallots([{ token: hub.tokens.voters[3].token, choices: ['P10'] }]), ['card_cancelled']);
});

test('during the vote: late cards, a cancellation and the desk\'s claims are announced and listed; the board finds 0117', async () => {
  const r = await fetch(`${hub.url}/api/admin/voters`, {
    method: 'POST', body: JSON.stringify({ count: 2, reason: '迟到居民' }),
    headers: { authorization: `Bearer ${hub.tokens.organiser.token}`, 'content-type': 'application/json' },
  });
  assert.ok(r.ok, await r.text());
  await proj.waitForSelector('#announce [data-kind="issue"]', WAIT);
  assert.match(await text(proj, '#announce [data-kind="issue"]'), /^⚠ \d{1,2}:\d\d 追加发卡 2 张（V0007–V0008）：迟到居民$/);
  assert.match(await text(proj, '#announce [data-kind="cancel"]'), /已作废投票卡 1 张（最近：\d{1,2}:\d\d V0004 已作废：卡片遗失，已补发纸质选票）/);

  // Two counters claim their cards from this machine, where the organiser's console is too: flagged.
  await d.desk('c1', hub.tokens.counters[0].token);
  await d.desk('c2', hub.tokens.counters[1].token);
  await proj.waitForFunction(() => document.querySelectorAll('#announce [data-kind="claim"]').length === 2, null, WAIT);
  const claims = await proj.$$eval('#announce [data-kind="claim"]', (cs) => cs.map((c) => [c.textContent, c.classList.contains('flagged')]));
  for (const [t, flagged] of claims) {
    assert.match(t, /^⚠ 点票员 [12] 已认领 · \d{1,2}:\d\d · 127\.0\.0\.1 · 同一地址：.*组织者控制台/);
    assert.ok(flagged, t);
  }
  await shot(proj, 'projector-voting-announced');
  assert.deepEqual(await axeViolations(proj), []);

  // A paper ballot handed out at the door as 0117, keyed by both counters as typed on the sheet.
  assert.equal((await d.command('reg', { kind: 'register', issue: { kind: 'paper', number: '0117' } })).type, 'ack');
  for (const [name, number] of [['c1', '0117'], ['c2', '０１１７']]) {
    assert.equal((await d.command(name, { kind: 'key_paper', batch: 1, number, marks: ['P10'] })).type, 'ack');
    assert.equal((await d.command(name, { kind: 'finish_paper', batch: 1 })).type, 'ack');
  }
  await proj.waitForFunction(() => document.querySelector('#count-paper') && document.querySelector('#count-paper').textContent === '1', null, WAIT);
  assert.equal(await text(proj, '#count-registered'), '4', 'three cards and one paper ballot at the door');

  await board.reload();
  await board.waitForSelector('#issuances li.during-vote', WAIT);
  assert.match(await text(board, '#issuances li.during-vote'), /\d{1,2}:\d\d 追加发卡 2 张（V0007–V0008）：迟到居民/);
  assert.match(await text(board, '#cancellations li[data-serial="V0004"]'), /V0004 已作废：卡片遗失，已补发纸质选票/);
  for (const n of ['1', '2']) {
    assert.match(await text(board, `#desk-claims li[data-serial="counter-${n}"]`), new RegExp(`点票员 ${n} 已认领 · \\d{1,2}:\\d\\d · 127\\.0\\.0\\.1`));
    assert.equal(await board.getAttribute(`#desk-claims li[data-serial="counter-${n}"]`, 'class'), 'flagged');
  }
  assert.match(await text(board, '#desk-claims li[data-serial="scrutineer-1"]'), /监票员 A：尚未认领/);
  const p1 = snap.tables[0].share[0];
  assert.match(await text(board, `#exclusion-list li[data-id="${p1}"]`), new RegExp(`${p1} 已确认排除：第6条 技术上不可行（地下管线无法迁改）`));
  await board.waitForFunction(() => document.querySelector('#count-registered') && document.querySelector('#count-registered').textContent === '4', null, WAIT);
  // The number as typed on the sheet, or as the counters typed it: one ballot, "117".
  for (const typed of ['0117', '０１１７', '117']) {
    await board.fill('#find-code', typed);
    await board.press('#find-code', 'Enter');
    await board.waitForSelector('#found[data-found="117"]', WAIT);
    assert.match(await text(board, '#found'), /找到了：纸质选票 117/);
  }
  await shot(board, 'board-electorate');
  assert.deepEqual(await axeViolations(board), []);
  assert.deepEqual(errors, []);
});
