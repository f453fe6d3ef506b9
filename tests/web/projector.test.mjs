// The browser projector (/projector) in real Chromium at 1920×1080 (opened
// from its join link, as the projector) and 1280×720 (as `public`), driven
// through a whole meeting by the organiser over the protocol: each scene's
// content, the live tally against `hub export` after 40 real ballots, a hub
// crash and restart, the results against the export, and the log hash
// confirmed with `hub verify --head`. In every scene and both languages,
// every text measures at least 1/40 of the screen's height (27 px at
// 1080p), and the Chinese screen names no command or internal word.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHub, launch, shot, docShot, axeViolations, hubCmd, readQrCodes, tooSmall, textOffScreen } from './harness.mjs';
import { driver, ballotsFor } from './driver.mjs';

const WAIT = { timeout: 20000 };
let hub, browser, d, big, small, foreign = [], errors = [], snap;

before(async () => {
  hub = await startHub({ voters: 45 });
  browser = await launch();
  d = await driver(browser, hub);
  snap = (await d.page.evaluate(() => window.__yz.socks.organiser.welcome.snapshot));
  big = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  small = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  for (const p of [big, small]) {
    p.on('request', (r) => { if (!r.url().startsWith(hub.url)) foreign.push(r.url()); });
    p.on('pageerror', (e) => errors.push(String(e)));
  }
  await big.goto(hub.tokens.projector.link);
  await small.goto(`${hub.url}/projector`);
});
after(async () => { await browser?.close(); await hub?.stop(); });

const both = () => [big, small];
const scene = (p, name) => p.waitForSelector(`#scene[data-scene="${name}"]`, WAIT);
async function shots(name, docs = false) {
  await (docs ? docShot : shot)(big, `projector-${name}`);
  await shot(small, `projector-${name}-720`);
}

/** Every element matching `sel` (and not on another page of a paged list) lies inside the viewport. */
async function allOnScreen(p, sel) {
  return p.evaluate((sel) => {
    const w = innerWidth, h = innerHeight, out = [];
    for (const el of document.querySelectorAll(sel)) {
      if (el.closest('[hidden]')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.left < 0 || r.top < 0 || r.right > w + 0.5 || r.bottom > h + 0.5) out.push(el.getAttribute('data-id') || el.textContent);
    }
    return out;
  }, sel);
}

/** Words a resident should never read on the Chinese screen: command names and internal names. */
const JARGON = /hub verify|hub export|pitches|voting/;

/** Both languages, both sizes: every text readable from the back; no jargon in Chinese. */
async function readable(what) {
  for (const p of both()) {
    assert.deepEqual(await tooSmall(p), [], `${what}, Chinese, ${p.viewportSize().height}p`);
    assert.deepEqual(await textOffScreen(p), [], `${what}, Chinese, ${p.viewportSize().height}p: cut off`);
    assert.doesNotMatch(await p.evaluate(() => document.body.innerText), JARGON, `${what}: jargon on the Chinese screen`);
    await p.keyboard.press('l');
    await p.waitForFunction(() => document.documentElement.lang === 'en', null, WAIT);
    assert.deepEqual(await tooSmall(p), [], `${what}, English, ${p.viewportSize().height}p`);
    assert.deepEqual(await textOffScreen(p), [], `${what}, English, ${p.viewportSize().height}p: cut off`);
    await p.keyboard.press('l');
    await p.waitForFunction(() => document.documentElement.lang === 'zh-CN', null, WAIT);
  }
}

test('before the meeting opens: a welcome that says so, the rules and the QR code to follow on a phone', async () => {
  for (const p of both()) {
    await scene(p, 'setup');
    assert.match(await p.textContent('#scene'), /会议尚未开始/);
    assert.match(await p.textContent('#scene'), /最多 10 个/);
    assert.equal(await p.textContent('#join-address'), hub.url);
    assert.ok(await p.$eval('img.qr', (i) => i.complete && i.naturalWidth > 0), 'QR image loads');
  }
  // The join link's token went into the page's storage, not the address bar.
  assert.equal(new URL(big.url()).hash, '');
  assert.ok(await big.evaluate(() => localStorage.getItem('yz.token.projector')));
  await shots('setup');
  await readable('setup');
  assert.deepEqual(await axeViolations(big), []);
});

test('check-in: the rules card with the fingerprint of the locked rules', async () => {
  const a = await d.organise({ kind: 'open_meeting' });
  for (const p of both()) {
    await scene(p, 'welcome');
    await p.waitForSelector('#scene-fingerprint', WAIT);
    assert.equal(await p.textContent('#scene-fingerprint'), a.result.fingerprint);
    assert.equal(await p.textContent('#fingerprint'), a.result.fingerprint);
    assert.match(await p.textContent('#phase'), /签到/);
  }
  await shots('welcome');
  await readable('welcome');
});

test('discussion: the countdown and each table\'s status, live', async () => {
  await d.advanceTo('discussion');
  for (const p of both()) {
    await scene(p, 'tables');
    assert.equal((await p.$$('.tcard')).length, 6);
    await p.waitForFunction(() => /^(39|40):\d\d$/.test(document.querySelector('.clock').textContent), null, WAIT);
  }
  await d.pickAll(snap);
  await d.organise({ kind: 'lock_picks', table: 1 });
  for (const p of both()) {
    await p.waitForSelector('.tcard[data-table="1"].state-locked', WAIT);
    await p.waitForSelector('.tcard[data-table="6"].state-picked', WAIT);
    const card = await p.textContent('.tcard[data-table="2"]');
    for (const id of snap.tables[1].share.slice(0, 3)) assert.ok(card.includes(id), `${id} on table 2's card`);
  }
  // Table 2's balance, live: three seats queue, two take the floor in turn.
  await d.connect('chair2', hub.tokens.tables[1].chair.token);
  for (const seat of ['3', '5', '8']) {
    assert.equal((await d.command('chair2', { kind: 'queue_speaker', table: 2, name: seat, turn: 'for' })).type, 'ack');
  }
  for (const p of both()) await p.waitForSelector('.tcard[data-table="2"] .tbalance[data-seats="3"][data-spoken="0"]', WAIT);
  for (let i = 0; i < 2; i++) assert.equal((await d.command('chair2', { kind: 'start_speaker', table: 2 })).type, 'ack');
  for (const p of both()) {
    await p.waitForSelector('.tcard[data-table="2"] .tbalance[data-seats="3"][data-spoken="2"]', WAIT);
    assert.match(await p.textContent('.tcard[data-table="2"] .tspeaking'), /已发言 2\/3 位 · 正在发言：5号/);
    assert.equal(await p.$('.tcard[data-table="3"] .tbalance'), null, 'no balance where nobody queued');
  }
  await shots('tables');
  await readable('tables');
  assert.deepEqual(await axeViolations(big), []);
});

test('pitches: the table on stage with its picks, cost, the adviser\'s remark, and the next table', async () => {
  await d.connect('adviser', hub.tokens.adviser_all.token);
  const [p1, p2] = snap.tables[0].share;
  const ack = await d.command('adviser', { kind: 'annotate', proposal: p1, feasibility: 'feasible', cost_estimate: 15500, remark: '可与楼道改造一起施工' });
  assert.equal(ack.type, 'ack');
  await d.command('adviser', { kind: 'annotate', proposal: p2, feasibility: 'excluded', exclusion_rule: 2, reason: '属物业维修范围', remark: '建议向物业公司反映' });
  await d.advanceTo('pitches');
  for (const p of both()) {
    await scene(p, 'pitch');
    const ids = await p.$$eval('.pcard', (cs) => cs.map((c) => c.getAttribute('data-id')));
    assert.deepEqual(ids, snap.tables[0].share.slice(0, 3));
    const first = await p.textContent(`.pcard[data-id="${p1}"]`);
    // The one cost is the list's (the organiser did not adopt the estimate); the estimate is a labelled remark.
    const listCost = snap.proposals.find((x) => x.id === p1).cost;
    assert.equal(await p.getAttribute(`.pcard[data-id="${p1}"] [data-cost]`, 'data-cost'), String(listCost));
    assert.match(first, /顾问估算 15,500 元（仅供参考，计票用上面的造价）/);
    assert.match(first, /可与楼道改造一起施工/);
    // The adviser's exclusion is a recommendation, and says so.
    assert.match(await p.textContent(`.pcard[data-id="${p2}"]`), /顾问建议排除（第2条：应由其他主体负责（如物业）），由组织者决定/);
    assert.match(await p.textContent('.pnext'), /下一桌\s*第2桌/);
    assert.deepEqual(await allOnScreen(p, '.pcard'), []);
  }
  await shots('pitch');
  await readable('pitch');
  await d.organise({ kind: 'set_pitch_table', table: 2 });
  for (const p of both()) {
    await p.waitForFunction(() => document.querySelector('.onstage') && document.querySelector('.onstage').textContent === '第2桌', null, WAIT);
    assert.match(await p.textContent('.pnext'), /已推介\s*第1桌/);
  }
  assert.deepEqual(await axeViolations(big), []);
});

/** The tally as the page shows it: proposal id → count, from the DOM. */
const domTally = (p) => p.$$eval('#tally .trow', (rows) => Object.fromEntries(rows.map((r) => [r.getAttribute('data-id'), Number(r.querySelector('.tvotes').textContent)])));

test('voting: all 60 proposals on one screen, sorted by votes, equal to the hub\'s tally after 40 ballots', async (t) => {
  await d.advanceTo('voting');
  for (const p of both()) await scene(p, 'voting');
  const ids = snap.proposals.map((p) => p.id);
  const receipts = await d.castBallots(ballotsFor(hub.tokens.voters.slice(0, 40).map((v) => v.token), ids, 10));
  assert.equal(receipts.filter((r) => /^[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(r)).length, 40, receipts.join(' '));
  const ex = hub.export();
  assert.equal(ex.ballots.length, 40);
  for (const p of both()) {
    await p.waitForFunction(() => document.querySelector('#count-received').textContent === '40', null, WAIT);
    await p.waitForFunction((n) => [...document.querySelectorAll('#tally .trow')].reduce((s, r) => s + Number(r.getAttribute('data-votes')), 0) === n,
      Object.values(ex.tally).reduce((a, b) => a + b, 0), WAIT);
    assert.deepEqual(await domTally(p), ex.tally);
    // Sorted by votes, most first.
    const order = await p.$$eval('#tally .trow', (rows) => rows.map((r) => Number(r.getAttribute('data-votes'))));
    assert.deepEqual(order, [...order].sort((a, b) => b - a));
    // Every row, its title and its count, on screen without scrolling, at a size that reads from the back.
    assert.deepEqual(await allOnScreen(p, '#tally .trow'), []);
    assert.equal(await p.$$eval('#tally .trow[hidden]', (rs) => rs.length), 0, 'at 60 proposals, no pages: all on one screen');
    assert.deepEqual(await allOnScreen(p, '#tally .tvotes'), []);
    const px = await p.$eval('#tally', (l) => parseFloat(getComputedStyle(l).fontSize));
    assert.ok(px >= p.viewportSize().height / 40, `tally type ${px}px`);
    // How to vote without a phone, in words.
    assert.match(await p.textContent('#paper-how'), /纸质选票.*最多 10 个项目编号/);
  }
  await shots('voting', true);
  await readable('voting');
  assert.deepEqual(await axeViolations(big), []);

  // One more ballot: how long until the screen shows it (reported, not asserted).
  const t0 = Date.now();
  await d.castBallots([{ token: hub.tokens.voters[40].token, choices: [ids[59]] }]);
  const acked = Date.now() - t0;
  await big.waitForFunction(() => document.querySelector('#count-received').textContent === '41', null, WAIT);
  t.diagnostic(`one ballot: acked ${acked} ms, on the projector ${Date.now() - t0} ms after sending (connect + hello + cast included)`);
});

test('the projector recovers by itself when the hub crashes and restarts', async () => {
  await hub.restart({
    down: async () => {
      for (const p of both()) await p.waitForFunction(() => document.querySelector('#status').getAttribute('data-state') !== 'online', null, WAIT);
    },
  });
  for (const p of both()) {
    await p.waitForFunction(() => document.querySelector('#status').getAttribute('data-state') === 'online', null, WAIT);
    assert.equal(await p.textContent('#count-received'), '41');
  }
  await d.castBallots([{ token: hub.tokens.voters[41].token, choices: [snap.proposals[58].id] }]);
  for (const p of both()) await p.waitForFunction(() => document.querySelector('#count-received').textContent === '42', null, WAIT);
  assert.deepEqual(await domTally(big), hub.export().tally);
});

test('results: the ranking, the budget line with running totals, ties, and a log hash anyone can check', async () => {
  await d.advanceTo('counted');
  const ex = hub.export();
  assert.equal(ex.results.final, true);
  for (const p of both()) {
    await scene(p, 'results');
    // The results follow the close's phase in an update of their own.
    await p.waitForSelector('#rfunded li, #rrest li', WAIT);
    const rows = await p.$$eval('#rfunded li, #rrest li', (ls) => ls.map((l) => ({
      id: l.getAttribute('data-id'), votes: Number(l.getAttribute('data-votes')), funded: l.getAttribute('data-funded') === '1',
      running: l.getAttribute('data-running') === null ? null : Number(l.getAttribute('data-running')),
    })));
    assert.equal(rows.length, 60);
    const funded = rows.filter((r) => r.funded);
    assert.deepEqual(funded.map((r) => r.id), ex.results.funded, 'funded, in ranking order');
    const byId = Object.fromEntries(ex.results.ranking.map((r) => [r.proposal, r]));
    for (const r of rows) {
      assert.equal(r.votes, byId[r.id].votes, `${r.id} votes`);
      assert.equal(r.funded, byId[r.id].funded, `${r.id} funded`);
      if (r.funded) assert.equal(r.running, byId[r.id].running_total, `${r.id} running total`);
    }
    assert.ok(rows.filter((r) => !r.funded).every((r, i, a) => i === 0 || byId[a[i - 1].id].position < byId[r.id].position), 'not funded, in ranking order');
    assert.match(await p.textContent('#funded-total'), new RegExp(ex.results.total_cost.toLocaleString('en-US')));
    // The one count, as during the vote: 42 received, all valid (phones only).
    assert.deepEqual([await p.textContent('#count-received'), await p.textContent('#count-valid'), await p.textContent('#count-void')], ['42', '42', '0']);
    // Ties among proposals with votes, decisive ones said so; a shared rank is written "3=".
    const ties = ex.results.ties;
    const tiesShown = (await p.$$('#ties li[data-tie]:not([hidden])')).length;
    assert.ok(tiesShown >= Math.min(ties.length, 1), 'the first tie at least');
    assert.equal(tiesShown + Number((await p.getAttribute('#ties-more', 'data-more')) || 0), ties.length, 'and how many more');
    if (ties.some((t) => t.decisive)) assert.match(await p.textContent('#ties li:first-child'), /影响资助/);
    for (const row of ex.results.ranking) {
      const tied = ex.results.ranking.filter((x) => x.rank === row.rank).length > 1;
      assert.equal(await p.textContent(`li[data-id="${row.proposal}"] .rank`), tied ? `${row.rank}=` : String(row.rank), `${row.proposal} rank`);
    }
    // What does not fit says, in words, what was left and what it needed.
    for (const row of ex.results.ranking.filter((x) => x.unfunded_reason === 'does_not_fit')) {
      const left = 300000 - ex.results.ranking.filter((x) => x.funded && x.position < row.position).reduce((a, x) => a + x.cost, 0);
      assert.equal(await p.textContent(`#rrest li[data-id="${row.proposal}"] .why`),
        `预算剩余 ${left.toLocaleString('en-US')} 元，不够 ${row.cost.toLocaleString('en-US')} 元`);
    }
    // Every row shown, page after page (→ turns the page, as the 8 s cycle does).
    const seen = new Set();
    const pagesOf = async () => Number((await p.getAttribute('[data-pages-for="rrest"]', 'data-pages')) || 1);
    for (let i = 0, n = await pagesOf(); i < n; i++) {
      assert.deepEqual(await allOnScreen(p, '#rfunded li, #rrest li'), []);
      for (const id of await p.$$eval('#rfunded li:not([hidden]), #rrest li:not([hidden])', (ls) => ls.map((l) => l.getAttribute('data-id')))) seen.add(id);
      const at = await p.getAttribute('[data-pages-for="rrest"]', 'data-page');
      await p.keyboard.press('ArrowRight');
      if (n > 1) await p.waitForFunction((at) => document.querySelector('[data-pages-for="rrest"]').getAttribute('data-page') !== at, at, WAIT);
    }
    assert.equal(seen.size, 60, 'every proposal on some page');
    // The public board's QR code reads as its address.
    assert.deepEqual(await readQrCodes(p, 'img.bqr'), [`${hub.url}/board`]);
    // The footer's head is the log's head now; both hashes check out against the log.
    assert.equal(await p.getAttribute('#log-head', 'data-head'), ex.log_head);
  }
  for (const sel of ['#log-head', '#closed-head']) {
    const head = await big.getAttribute(sel, 'data-head');
    assert.match(head, /^[0-9a-f]{64}$/);
    hubCmd(['verify', '--data', hub.data, '--head', head]); // throws (non-zero exit) if not part of the log
  }
  await shots('results', true);
  await readable('results');
  assert.deepEqual(await axeViolations(big), []);
  await d.advanceTo('published');
  for (const p of both()) await p.waitForFunction(() => /结果公示/.test(document.querySelector('#scene-title').textContent), null, WAIT);
});

test('English on a keypress or the toggle, Chinese back; nothing fetched from outside the hub', async () => {
  await big.click('[data-lang-toggle]');
  await big.waitForFunction(() => document.documentElement.lang === 'en', null, WAIT);
  assert.match(await big.textContent('#scene-title'), /Published results/);
  assert.match(await big.textContent('#phase'), /Published/);
  await shot(big, 'projector-results-en');
  await big.keyboard.press('l');
  await big.waitForFunction(() => document.documentElement.lang === 'zh-CN', null, WAIT);
  assert.match(await big.textContent('#scene-title'), /结果公示/);
  assert.deepEqual(foreign, []);
  assert.deepEqual(errors, []);
});
