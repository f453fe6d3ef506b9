// One count, the same everywhere (issue 13): at one moment during a vote
// with phone ballots, an agreed paper batch holding void ballots, a batch
// still being keyed and a sticker board, every page shows the same numbers
// received / valid / void (and by phone, on paper, stickers) — the projector,
// the landing page, the organiser's console, a chair's /table, the public
// /board — equal to the hub's `turnout`; after the close the same again (a
// voter's page too), with the void ballots by reason in the same words, and
// the notice (/notice) and the JSON export agree.
//
// The pages mark each number with the ids YZ.countLine gives them
// (`count-received`, `count-valid`, `count-void`, `count-phone`,
// `count-paper`, `count-stickers`); this test reads those ids on every page.
// Until the console draws the count with YZ.countLine it shows only the
// ballots received during the vote (#turnout), which is what is read there;
// after the close its own summary counts valid ballots only, so it is
// compared after the close once it carries the count-* ids.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHub, launch, shot, exportJson } from './harness.mjs';
import { driver } from './driver.mjs';

const WAIT = { timeout: 20000 };
const LAPTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
let hub, browser, d, snap, pages = {}, errors = [];

before(async () => {
  hub = await startHub({ voters: 8 });
  browser = await launch();
  d = await driver(browser, hub);
  snap = await d.page.evaluate(() => window.__yz.socks.organiser.welcome.snapshot);
  await d.organise({ kind: 'open_meeting' });
  await d.advanceTo('discussion');
  await d.pickAll(snap);
  await d.advanceTo('voting');
  await open('projector', hub.tokens.projector.link, { viewport: { width: 1920, height: 1080 } });
  await open('landing', hub.url, PHONE);
  await open('console', hub.tokens.organiser.link, LAPTOP);
  await open('table', hub.tokens.tables[0].chair.link, PHONE);
  await open('board', `${hub.url}/board`, PHONE);
});
after(async () => { await browser?.close(); await hub?.stop(); });

async function open(name, url, ctx) {
  const p = await (await browser.newContext(ctx)).newPage();
  p.on('pageerror', (e) => errors.push(`${name}: ${e}`));
  await p.goto(url);
  pages[name] = p;
}

const KEYS = ['received', 'valid', 'void', 'phone', 'paper', 'stickers'];

/** The count as a page shows it: the text of its `count-*` elements (null where a page has none). */
function shown(p) {
  return p.evaluate((keys) => Object.fromEntries(keys.map((k) => {
    const el = document.getElementById(`count-${k}`);
    return [k, el ? el.textContent : null];
  })), KEYS);
}

/** The hub's own numbers, as strings, in the pages' terms. */
function expected(t) {
  return { received: String(t.ballots), valid: String(t.valid), void: String(t.void), phone: String(t.phone), paper: String(t.paper), stickers: String(t.stickers) };
}

/** Wait until every page named shows `want` (the console: its turnout until it uses the one count line). */
async function everyPageShows(want, moment, names = Object.keys(pages)) {
  for (const name of names) {
    const p = pages[name];
    let last = null;
    try {
      const end = Date.now() + WAIT.timeout;
      for (;;) {
        last = await shown(p);
        if (name === 'console' && last.received === null) {
          const t = await p.$('#turnout');
          last = { received: t ? await t.textContent() : null };
          if (last.received === want.received) break;
        } else if (KEYS.every((k) => last[k] === want[k])) break;
        if (Date.now() > end) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 100));
      }
    } catch (e) {
      throw new Error(`${moment}: ${name} shows ${JSON.stringify(last)}, the hub says ${JSON.stringify(want)} (${e.message})`);
    }
  }
}

async function keyBatch(batch, names, ballots) {
  for (const name of names) {
    for (const [number, marks] of ballots) {
      const a = await d.command(name, { kind: 'key_paper', batch, number, marks });
      assert.equal(a.type, 'ack', JSON.stringify(a));
    }
  }
}

test('during the vote, with void paper ballots, a batch still being keyed and stickers: every page shows the same count', async () => {
  const ids = snap.proposals.map((p) => p.id);
  const receipts = await d.castBallots(hub.tokens.voters.slice(0, 5).map((v, i) => ({ token: v.token, choices: [ids[i], ids[10 + i]] })));
  assert.equal(receipts.filter((r) => /^[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(r)).length, 5, receipts.join(' '));
  // The desk: two counters, each on a device of their own.
  await d.desk('c1', hub.tokens.counters[0].token);
  await d.desk('c2', hub.tokens.counters[1].token);
  const batch1 = [
    ['0001', ['P01', 'P02']], ['0002', ['P03']], ['0003', ['P04', 'P05']],
    ['0004', ids.slice(0, 11)], // more marks than allowed
    ['0005', []], // blank
    ['0006', ['P99']], // no such proposal
  ];
  await keyBatch(1, ['c1', 'c2'], batch1);
  for (const n of ['c1', 'c2']) assert.equal((await d.command(n, { kind: 'finish_paper', batch: 1 })).type, 'ack');
  // A second batch keyed by one counter only: not agreed, so counted nowhere yet.
  await keyBatch(2, ['c1'], [['0007', ['P06']], ['0008', ['P07']]]);
  for (const n of ['c1', 'c2']) assert.equal((await d.command(n, { kind: 'key_board', board: 1, counts: { P01: 12, P02: 5 } })).type, 'ack');

  const t = exportJson(hub).turnout;
  assert.deepEqual([t.ballots, t.valid, t.void, t.phone, t.paper, t.stickers], [11, 8, 3, 5, 6, 17], JSON.stringify(t));
  await everyPageShows(expected(t), 'during the vote');
  for (const [name, p] of Object.entries(pages)) await shot(p, `one-count-voting-${name}`);
});

test('after the close: the same count on every page, the void ballots by reason in the same words, and /notice and the export agree', async () => {
  await keyBatch(2, ['c2'], [['0007', ['P06']], ['0008', ['P07']]]);
  for (const n of ['c1', 'c2']) assert.equal((await d.command(n, { kind: 'finish_paper', batch: 2 })).type, 'ack');
  await d.desk('o1', hub.tokens.scrutineers[0].token);
  for (const [batch, sheets] of [[1, 6], [2, 2]]) assert.equal((await d.command('o1', { kind: 'declare_sheets', batch, sheets })).type, 'ack');
  await d.organise({ kind: 'advance_phase', to: 'counted' });

  const ex = exportJson(hub);
  const t = ex.turnout;
  assert.deepEqual([t.ballots, t.valid, t.void, t.phone, t.paper, t.stickers], [13, 10, 3, 5, 8, 17], JSON.stringify(t));
  assert.deepEqual(t.void_reasons, { blank: 1, over_limit: 1, unknown_proposal: 1 });
  // The results count the valid ones: the same numbers, seen from the other side.
  assert.equal(ex.results.ballots, t.valid);
  assert.equal(ex.results.void, t.void);
  // A voter's page too: voters get no turnout, their page counts from the results.
  await open('vote', hub.tokens.voters[0].link, PHONE);
  await pages.vote.waitForSelector('#app[data-screen="results"]', WAIT);
  const withLine = async (name) => !!(await pages[name].$('#count-received'));
  const names = [];
  for (const name of Object.keys(pages)) if (name !== 'console' || await withLine(name)) names.push(name);
  await everyPageShows(expected(t), 'after the close', names);

  // Void by reason, in words, the same on the projector, the landing page and the board.
  const words = '空白票 1，超过可选项数 1，含不存在的提案编号 1';
  await pages.projector.waitForSelector('#scene[data-scene="results"] #void-reasons', WAIT);
  assert.equal(await pages.projector.textContent('#void-reasons'), words);
  assert.equal(await pages.landing.textContent('#void-reasons'), `废票原因：${words}`);
  await pages.board.waitForSelector('#b-void-reasons', WAIT);
  assert.equal(await pages.board.textContent('#b-void-reasons'), words);
  for (const [name, p] of Object.entries(pages)) await shot(p, `one-count-counted-${name}`);

  // The notice says the same, in the same words.
  const notice = await (await fetch(`${hub.url}/notice`)).text();
  const plain = notice.replace(/<[^>]+>/g, '');
  const m = /共收到选票 (\d+) 张：手机投票 (\d+) 张，纸质选票 (\d+) 张（其中作废 (\d+) 张）。计入结果的有效选票 (\d+) 张。/.exec(plain);
  assert.ok(m, 'the notice states the count');
  assert.deepEqual(m.slice(1).map(Number), [t.ballots, t.phone, t.paper, t.void, t.valid]);
  for (const w of ['空白票 1 张', '超过可选项数 1 张', '含不存在的提案编号 1 张']) assert.ok(plain.includes(w), `${w} in the notice`);
  assert.deepEqual(errors, []);
});
