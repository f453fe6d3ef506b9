// A meeting whose rules hide the tally until the vote closes
// (`tally = "hidden_until_close"`, a lot for ties, five tables): the
// projector and the public live view show only the turnout while voting —
// no count per proposal anywhere in the page — and the full results after.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
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
  await projector.waitForFunction(() => document.querySelector('#ballots') && document.querySelector('#ballots').textContent === '5', null, WAIT);
  assert.equal(await projector.$('#tally'), null);
  assert.equal((await projector.$$('[data-votes]')).length, 0);
  assert.match(await projector.textContent('.hidden-note'), /投票结束后公布/);
  await shot(projector, 'projector-voting-hidden');
  assert.deepEqual(await axeViolations(projector), []);

  await landing.waitForFunction(() => document.querySelector('#live-ballots') && document.querySelector('#live-ballots').textContent === '5', null, WAIT);
  assert.equal(await landing.$('#live-tally'), null);
  assert.ok(await landing.isVisible('#tally-hidden'));
  assert.equal((await landing.$$('[data-votes]')).length, 0);
  await shot(landing, 'landing-voting-hidden');
});

test('once the vote closes the full results appear, equal to the export', async () => {
  await d.advanceTo('counted');
  const ex = hub.export();
  await projector.waitForSelector('#scene[data-scene="results"]', WAIT);
  const votes = await projector.$$eval('#rfunded li, #rrest li', (ls) => Object.fromEntries(ls.map((l) => [l.getAttribute('data-id'), Number(l.getAttribute('data-votes'))])));
  assert.deepEqual(votes, ex.tally);
  assert.equal(votes.P60, 5);
  assert.match(await projector.textContent('.how'), /公开抽签/);
  await shot(projector, 'projector-results-lot');
  await landing.waitForSelector('#live-ranking', WAIT);
  assert.equal((await landing.$$('#live-ranking li[data-id]')).length, 60);
});
