// A meeting with other rules: the tally hidden until the vote closes
// (`tally = "hidden_until_close"`), a lot for ties, five tables that all
// discuss every proposal (`assignment = "all_tables"`), at most 5 choices.
// The projector and the public live view show only the turnout while
// voting — no count per proposal anywhere in the page — and the full
// results after; the voter page lists each table's picks, then every
// proposal once.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startHub, launch, shot, axeViolations } from './harness.mjs';
import { driver } from './driver.mjs';

const MEETING = `[meeting]
name = "隐藏计票测试会议"
venue = "测试社区活动室"
date = "2026-12-05"
proposals = "proposals.csv"

[rules]
tables = 5
max_choices = 5
tally = "hidden_until_close"
tie_break = "lot"
assignment = "all_tables"

[rules.budget]
amount = 200000
`;

const WAIT = { timeout: 20000 };
let hub, browser, d, projector, landing, snap;
before(async () => {
  hub = await startHub({ voters: 6, meeting: MEETING });
  browser = await launch();
  d = await driver(browser, hub);
  snap = (await d.page.evaluate(() => window.__yz.socks.organiser.welcome.snapshot));
  projector = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  landing = await browser.newPage({ viewport: { width: 360, height: 640 } });
  await projector.goto(hub.tokens.projector.link);
  await landing.goto(hub.url);
});
after(async () => { await browser?.close(); await hub?.stop(); });

test('the rules card says the tally is hidden until the vote closes', async () => {
  await projector.waitForSelector('#scene[data-scene="setup"]', WAIT);
  const card = await projector.textContent('.rules');
  assert.match(card, /投票结束后才公布/);
  assert.match(card, /最多 5 个/);
  assert.match(card, /公开抽签/);
  assert.match(card, /5 桌，共 60 个项目/);
});

test('while voting, only the turnout shows: no count per proposal on the projector or the phones', async () => {
  await d.organise({ kind: 'open_meeting' });
  await d.advanceTo('discussion');
  await d.pickAll(snap);
  await d.advanceTo('voting');
  const r = await d.castBallots(hub.tokens.voters.slice(0, 5).map((v, i) => ({ token: v.token, choices: [snap.proposals[i].id, 'P60'] })));
  assert.equal(r.length, 5);
  await projector.waitForFunction(() => document.querySelector('#count-received') && document.querySelector('#count-received').textContent === '5', null, WAIT);
  assert.equal(await projector.$('#tally'), null);
  assert.equal((await projector.$$('[data-votes]')).length, 0);
  assert.match(await projector.textContent('.hidden-note'), /投票结束后公布/);
  await shot(projector, 'projector-voting-hidden');
  assert.deepEqual(await axeViolations(projector), []);

  await landing.waitForFunction(() => document.querySelector('#count-received') && document.querySelector('#count-received').textContent === '5', null, WAIT);
  assert.equal(await landing.$('#live-tally'), null);
  assert.ok(await landing.isVisible('#tally-hidden'));
  assert.equal((await landing.$$('[data-votes]')).length, 0);
  await shot(landing, 'landing-voting-hidden');
});

test('every table discusses every proposal: the voter page lists each table\'s picks, then all once; at most 5', async () => {
  const phone = await (await browser.newContext({ viewport: { width: 360, height: 640 }, hasTouch: true })).newPage();
  await phone.goto(hub.tokens.voters[5].link);
  await phone.waitForSelector('#app[data-screen="choose"]', WAIT);
  assert.equal((await phone.$$('.group')).length, 6);
  assert.equal((await phone.$$('.item')).length, 5 * 3 + 60);
  assert.deepEqual(await phone.$$eval('.group:first-of-type .item', (is) => is.map((i) => i.getAttribute('data-id'))), ['P01', 'P02', 'P03']);
  // Chosen under table 1's picks, it is chosen in the full list too, and counts once.
  await phone.tap('.group:first-of-type .item[data-id="P01"] label');
  assert.deepEqual(await phone.$$eval('.item[data-id="P01"] input', (bs) => bs.map((b) => b.checked)), [true, true]);
  assert.equal(await phone.textContent('#count'), '1');
  for (const id of ['P04', 'P07', 'P10', 'P13']) await phone.tap(`.item[data-id="${id}"] label`);
  assert.match(await phone.textContent('#counter'), /5\s*\/\s*5/);
  await phone.tap('.group:last-of-type .item[data-id="P20"] label');
  assert.equal(await phone.isChecked('.group:last-of-type .item[data-id="P20"] input'), false);
  assert.match(await phone.textContent('#limit-msg'), /最多只能选 5 个/);
  // Unticked in the full list, it goes everywhere.
  await phone.tap('.group:last-of-type .item[data-id="P13"] label');
  assert.equal(await phone.textContent('#count'), '4');
  assert.deepEqual(await phone.$$eval('.item[data-id="P13"] input', (bs) => bs.map((b) => b.checked)), [false, false]);
  await phone.tap('.group:last-of-type .item[data-id="P20"] label');
  await phone.tap('#to-review');
  assert.deepEqual(await phone.$$eval('.review-list li .pid', (ps) => ps.map((p) => p.textContent)), ['P01', 'P04', 'P07', 'P10', 'P20']);
  await phone.tap('#submit');
  await phone.waitForSelector('#app[data-screen="receipt"]', WAIT);
  const ex = hub.export();
  assert.equal(ex.ballots.length, 6);
  assert.equal(ex.tally_hidden, true);
  assert.equal(ex.tally, null, 'no count in the export while the tally is hidden');
  assert.equal(ex.results, null);
  assert.ok(ex.ballots.every((b) => b.choices === null), 'no choices either');
  await projector.waitForFunction(() => document.querySelector('#count-received').textContent === '6', null, WAIT);
  await phone.context().close();
});

test('the counting desk keeps its marks to the counter who keyed them; the console exports no counts', async () => {
  for (const n of [0, 1]) {
    await d.desk(`counter${n}`, hub.tokens.counters[n].token);
    for (const [number, marks] of [['501', ['P41', 'P42']], ['502', ['P41', 'P43', 'P44', 'P45', 'P46', 'P47']]]) {
      assert.equal((await d.command(`counter${n}`, { kind: 'key_paper', batch: 1, number, marks })).type, 'ack');
    }
    assert.equal((await d.command(`counter${n}`, { kind: 'finish_paper', batch: 1 })).type, 'ack');
  }
  const scr = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await scr.goto(hub.tokens.scrutineers[0].link);
  // The scrutineer claims the card on first use.
  await scr.waitForSelector('#claim-form', WAIT);
  await scr.fill('#pin', '8642');
  await scr.fill('#pin2', '8642');
  await scr.press('#pin2', 'Enter');
  await scr.waitForSelector('.batch-card[data-batch="1"] [data-status="agreed"]', WAIT);
  assert.ok(await scr.isVisible('#marks-hidden'), 'the scrutineer is told why there are no marks');
  const batches = await scr.textContent('#batches');
  assert.ok(!/P4[1-7]/.test(batches), `no marks on /scrutineer: ${batches}`);
  assert.equal(await scr.$$eval('.batch-card[data-batch="1"] tbody tr', (rs) => rs.length), 2, 'both numbers, both copies');
  assert.match(await scr.textContent('.batch-card[data-batch="1"] tr[data-number="502"]'), /废票：超过上限/);
  assert.match(await scr.textContent('.batch-card[data-batch="1"] tr[data-number="501"]'), /已录入[\s\S]*有效/);
  await shot(scr, 'scrutiny-hidden-tally');
  assert.deepEqual(await axeViolations(scr), []);
  // The hand count still works: the close will need it.
  await scr.fill('#s-batch', '1');
  await scr.fill('#s-sheets', '2');
  await scr.click('#sheets-form button[type="submit"]');
  await scr.waitForSelector('.batch-card[data-batch="1"] [data-match="yes"]', WAIT);

  // A counter sees the batch as they keyed it.
  const cnt = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // The counter's own device (the one the driver keyed from), in a new tab: the PIN is asked for.
  await cnt.goto(`${hub.url}/healthz`);
  await cnt.evaluate(() => localStorage.setItem('yz.device', 'dev-counter0'));
  await cnt.goto(hub.tokens.counters[0].link);
  await cnt.waitForSelector('#claim-form', WAIT);
  await cnt.fill('#pin', '2468');
  await cnt.press('#pin', 'Enter');
  await cnt.waitForSelector('#batch-no', WAIT);
  await cnt.fill('#batch-no', '1');
  await cnt.press('#batch-no', 'Enter');
  await cnt.waitForSelector('#agreed tr[data-number="501"]', WAIT);
  assert.match(await cnt.textContent('#agreed tr[data-number="501"]'), /P41[\s\S]*P42[\s\S]*有效/);

  // The organiser's console: the desk without marks; the CSV and the workbook refused, saying why.
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  const org = await ctx.newPage();
  await org.goto(hub.tokens.organiser.link);
  await org.waitForSelector('#view-meeting:not([hidden])', WAIT);
  await org.click('[data-tab="export"]');
  await org.click('#export-csv');
  await org.waitForFunction(() => /hidden_until_close|投票结束/.test(document.querySelector('#say').textContent), null, WAIT);
  assert.match(await org.textContent('#say'), /投票结束/);
  const [json] = await Promise.all([org.waitForEvent('download'), org.click('#export-json')]);
  const got = JSON.parse(readFileSync(await json.path(), 'utf8'));
  assert.equal(got.tally, null);
  assert.ok(!JSON.stringify(got.paper).match(/P4[1-7]/), 'no marks in the exported desk');
  await ctx.close();
  await scr.close();
  await cnt.close();
});

test('once the vote closes the full results appear, equal to the export', async () => {
  await d.advanceTo('counted');
  const ex = hub.export();
  assert.deepEqual(ex.ballots[5].choices, ['P01', 'P04', 'P07', 'P10', 'P20']);
  await projector.waitForSelector('#scene[data-scene="results"]', WAIT);
  await projector.waitForSelector('#rfunded li, #rrest li', WAIT); // the results follow the phase
  const votes = await projector.$$eval('#rfunded li, #rrest li', (ls) => Object.fromEntries(ls.map((l) => [l.getAttribute('data-id'), Number(l.getAttribute('data-votes'))])));
  assert.deepEqual(votes, ex.tally);
  assert.equal(votes.P60, 5);
  assert.equal(votes.P01, 2);
  assert.equal(votes.P41, 1, 'the paper ballot counts');
  assert.match(await projector.textContent('.how'), /公开抽签/);
  await shot(projector, 'projector-results-lot');
  await landing.waitForSelector('#live-ranking', WAIT);
  assert.equal((await landing.$$('#live-ranking li[data-id]')).length, 60);
});
