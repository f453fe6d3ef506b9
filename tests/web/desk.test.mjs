// The counting desk in real Chromium against a real hub: two counters key
// the same batch of paper ballots from the keyboard, one on a laptop and one
// on a phone (each in its own browser profile, opened from its card's join
// link), while the scrutineer watches every keystroke on /scrutineer. A
// disagreement is flagged on all three pages and counts nothing until it is
// corrected; a ballot over the limit or with an unknown number is void with
// its reason and kept whole; a ballot number counts once; an entry keyed
// while the hub is down survives closing the page; sticker boards are read
// twice; the organiser's close is refused until the scrutineer's hand count
// matches; then the public board shows every ballot, finds a receipt, and
// adds up to the hub's count. axe-core on every page. Each desk card is
// claimed with a PIN on first use (its own browser profile is its device),
// and ballot numbers are kept normalised: "0001" is ballot "1".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHub, launch, shot, docShot, axeViolations, exportJson } from './harness.mjs';
import { driver } from './driver.mjs';

const WAIT = { timeout: 20000 };
const LAPTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
let hub, browser, d, ctxA, a, b, scr, receipts = [], errors = [];

before(async () => {
  hub = await startHub({ voters: 4 });
  browser = await launch();
  d = await driver(browser, hub);
  await d.advanceTo('voting');
  ctxA = await browser.newContext(LAPTOP);
  a = await ctxA.newPage();
  b = await (await browser.newContext(PHONE)).newPage();
  scr = await (await browser.newContext(LAPTOP)).newPage();
  for (const p of [a, b, scr]) p.on('pageerror', (e) => errors.push(String(e)));
  await a.goto(hub.tokens.counters[0].link);
  await b.goto(hub.tokens.counters[1].link);
  await scr.goto(hub.tokens.scrutineers[0].link);
  for (const [p, pin] of [[a, '1357'], [b, '2468'], [scr, '9753']]) await claim(p, pin, true);
  // The scrutineer's card opens the scrutineer's page; the page's old address still leads there.
  assert.equal(new URL(scr.url()).pathname, '/scrutineer');
  const old = await fetch(`${hub.url}/scrutiny`, { redirect: 'manual' });
  assert.equal(old.status, 308);
  assert.equal(old.headers.get('location'), '/scrutineer');
});

/** Answer the page's PIN form: a new claim (PIN twice) or the PIN of a card claimed on this device. */
async function claim(p, pin, fresh) {
  await p.waitForSelector('#claim-form', WAIT);
  assert.equal(await p.textContent('#claim-text').then((t) => /认领这张卡：设一个4至6位数字密码（请记住）/.test(t)), fresh);
  await p.fill('#pin', pin);
  if (fresh) await p.fill('#pin2', pin);
  await p.press(fresh ? '#pin2' : '#pin', 'Enter');
  await p.waitForSelector('#claim', { state: 'hidden', ...WAIT });
}
after(async () => { await browser?.close(); await hub?.stop(); });

/** A ballot number as the hub keeps it ("0001" → "1"). */
const N = (n) => n.replace(/^0+(?=\d)/, '');
const row = (p, n) => `#copy-table tr[data-number="${N(n)}"]`;
const paperBallots = () => exportJson(hub).ballots.filter((x) => x.method === 'paper');

async function openBatch(p, n) {
  await p.fill('#batch-no', String(n));
  await p.press('#batch-no', 'Enter');
  await p.waitForFunction((n) => document.querySelector('#batch-h') && document.querySelector('#batch-h').textContent.indexOf(String(n)) >= 0, n);
}

/** Key one ballot the way a counter does: number, Enter (or the suggested number), the marks, Enter. */
async function key(p, number, marks, { wait = true } = {}) {
  await p.focus('#k-number');
  if (await p.inputValue('#k-number') !== number) {
    await p.keyboard.press('Control+A');
    await p.keyboard.type(number);
  }
  await p.keyboard.press('Enter');
  assert.equal(await p.evaluate(() => document.activeElement.id), 'k-marks', 'Enter on the number moves to the marks');
  await p.keyboard.type(marks);
  await p.keyboard.press('Enter');
  if (wait) await p.waitForSelector(`${row(p, number)}[data-state="keyed"]`, WAIT);
}

async function finish(p) {
  await p.click('#finish');
  await p.waitForSelector('.yz-dialog');
  await p.click('.yz-dialog [data-confirm="yes"]');
  await p.waitForSelector('.yz-dialog', { state: 'detached' });
}

test('a counter keys from the keyboard; what is typed is read as proposal ids, and the scrutineer sees each entry live', async () => {
  await a.waitForSelector('#view-batches:not([hidden])', WAIT);
  assert.equal(new URL(a.url()).pathname, '/count');
  assert.equal(new URL(a.url()).hash, '', 'the token left the address bar');
  assert.match(await a.textContent('#who'), /点票员 · 1号/);
  await scr.waitForSelector('#view:not([hidden])', WAIT);
  assert.match(await scr.textContent('#who'), /监票员/);

  // How typed marks are read: numbers, P-numbers, "p 14", commas, full-width digits; unknown ones kept as typed.
  const parse = (t) => a.evaluate((t) => window.YZCount.parse(t), t);
  assert.deepEqual((await parse('14 3 p 27')).marks, ['P14', 'P03', 'P27']);
  assert.deepEqual((await parse('P05,p06，７')).marks, ['P05', 'P06', 'P07']);
  assert.deepEqual((await parse('77 x9')).marks, ['77', 'x9']);
  assert.equal((await parse('-')).blank, true);

  await openBatch(a, 1);
  assert.equal(await a.evaluate(() => document.activeElement.id), 'k-number', 'opening a batch puts the cursor on the ballot number');
  await key(a, '0001', '14 3 p 27');
  assert.match(await a.textContent(row(a, '0001')), /P14[\s\S]*P03[\s\S]*P27/);
  // The next number is suggested, selected, with the cursor on it.
  assert.equal(await a.inputValue('#k-number'), '0002');
  assert.equal(await a.evaluate(() => document.activeElement.id), 'k-number');
  // Within seconds on the scrutineer's page, in counter 1's column.
  await scr.waitForFunction(() => {
    const td = document.querySelector('[data-batch="1"] tr[data-number="1"] td[data-counter="1"]');
    return td && /P14/.test(td.textContent) && /P27/.test(td.textContent);
  }, null, WAIT);

  await key(a, '0002', 'P05,P06');
  // Eleven marks with at most ten: keyed as marked, and the page says it will be void.
  await a.focus('#k-number');
  await a.keyboard.press('Enter');
  await a.keyboard.type('1 2 3 4 5 6 7 8 9 10 11');
  assert.match(await a.textContent('#k-preview'), /共 11 项 \/ 最多 10 项[\s\S]*将判为废票：超过上限/);
  await a.keyboard.press('Enter');
  await a.waitForSelector(`${row(a, '0003')}[data-state="keyed"]`, WAIT);
  assert.match(await a.textContent(row(a, '0003')), /将判废票：超限/);
  await scr.waitForSelector('[data-batch="1"] tr[data-number="3"] td[data-counter="1"]', WAIT);
  assert.deepEqual(await axeViolations(a), []);
  assert.deepEqual(await axeViolations(scr), []);
});

test('an entry keyed while the hub is down stays on the device, also when the page is closed, and goes in once the hub is back', async () => {
  const key4 = `yz.pending.count.${hub.tokens.counters[0].token.replace(/-/g, '')}`;
  await hub.restart({
    down: async () => {
      await a.waitForSelector('#status[data-state="offline"], #status[data-state="connecting"]', WAIT);
      await key(a, '0004', '77', { wait: false });
      await a.waitForSelector(`${row(a, '0004')}[data-state="unsent"]`, WAIT);
      await a.waitForSelector('#unsent:not([hidden])');
      const kept = await a.evaluate((k) => localStorage.getItem(k), key4);
      assert.match(kept, /"number":"0004"/);
      assert.match(kept, /"marks":\["77"\]/, 'an unknown number is sent as typed');
      await a.close();
    },
  });
  a = await ctxA.newPage();
  a.on('pageerror', (e) => errors.push(String(e)));
  await a.goto(`${hub.url}/count`);
  // A new tab on the same device: the card is claimed here, the PIN is asked again (it is kept per tab).
  await claim(a, '1357', false);
  await a.waitForSelector('#view-batches:not([hidden])', WAIT);
  // A new tab: the counter opens the batch again and finds the entry keyed.
  await openBatch(a, 1);
  await a.waitForSelector(`${row(a, '0004')}[data-state="keyed"]`, WAIT);
  assert.equal(await a.evaluate((k) => localStorage.getItem(k), key4), null, 'nothing left unanswered');
  const copy = await a.evaluate(() => window.YZCount.app.snap.paper_copies[0].ballots.map((x) => x.number));
  assert.deepEqual(copy, ['1', '2', '3', '4'], 'keyed once, not twice, under the numbers the hub keeps');
});

test('the second counter keys independently; the copies disagree and every page says where; nothing counts until it is corrected', async () => {
  await b.waitForSelector('#view-batches:not([hidden])', WAIT);
  await openBatch(b, 1);
  // The other copy is known only by its size.
  assert.match(await b.textContent('#batch-state'), /另一份：1 号点票员 4 张/);
  await key(b, '0001', '14 3 27');
  await key(b, '0002', '5 7'); // misread: P07 instead of P06
  await key(b, '0003', '1,2,3,4,5,6,7,8,9,10,11');
  await key(b, '0004', '77');
  const seen = await b.evaluate(() => window.YZCount.app.snap.paper_copies.map((c) => c.counter));
  assert.deepEqual(seen, [2], 'a counter receives only their own copy');
  await scr.waitForFunction(() => !!document.querySelector('[data-batch="1"] tr[data-number="2"].differs'), null, WAIT);

  await finish(a);
  await a.waitForFunction(() => /等待另一位点票员/.test(document.querySelector('#batch-state').textContent), null, WAIT);
  await finish(b);
  for (const p of [a, b]) {
    await p.waitForSelector('#disputed li[data-at="2"][data-reason="marks_differ"]', WAIT);
    assert.match(await p.textContent('#disputed'), /两份录入不一致[\s\S]*2：两份录入的选项不同/);
    assert.equal(await p.$$eval('#disputed li', (l) => l.length), 1);
    await p.waitForSelector(`${row(p, '0002')}.differs`);
  }
  assert.match(await a.textContent('#disputed'), /我的录入：[\s\S]*P05[\s\S]*P06/);
  await scr.waitForSelector('[data-batch="1"] [data-status="disputed"]', WAIT);
  assert.match(await scr.textContent('[data-batch="1"] tr[data-number="2"]'), /P05[\s\S]*P06[\s\S]*P05[\s\S]*P07[\s\S]*两份录入的选项不同/);
  for (const p of [a, b]) await p.evaluate(() => { document.querySelector('#say').textContent = ''; window.scrollTo(0, 0); });
  await docShot(a, 'count-laptop');
  await shot(b, 'count-phone-disputed');
  // In English too.
  await b.click('[data-lang-toggle]');
  await b.waitForFunction(() => /The two copies differ[\s\S]*2: the marks differ between the copies/.test(document.querySelector('#disputed').textContent));
  assert.equal(await b.textContent('#who'), 'Counter 2');
  await shot(b, 'count-phone-disputed-en');
  await b.click('[data-lang-toggle]');
  await b.waitForFunction(() => /两份录入不一致/.test(document.querySelector('#disputed').textContent));
  await shot(scr, 'scrutiny-disputed');
  assert.deepEqual(await axeViolations(b), []);
  assert.deepEqual(await axeViolations(scr), []);
  // Nothing of the batch counts yet.
  assert.equal(paperBallots().length, 0);
  assert.equal(exportJson(hub).tally.P05, 0);

  // Counter 2 re-checks ballot 0002 against the paper and keys it again.
  await b.click(`${row(b, '0002')} [data-edit="2"]`);
  assert.equal(await b.evaluate(() => document.activeElement.id), 'k-marks');
  assert.match(await b.textContent('#k-preview'), /将更正已录入的 2/);
  await b.keyboard.type('5 6');
  await b.keyboard.press('Enter');
  await b.waitForFunction(() => /P06/.test(document.querySelector('#copy-table tr[data-number="2"]').textContent), null, WAIT);
  await finish(b);
  for (const p of [a, b]) await p.waitForSelector('#batch-status[data-status="agreed"]', WAIT);
  assert.match(await a.textContent('#agreed tr[data-number="3"]'), /废票：超过上限：标了 11 项，最多 10 项/);
  assert.match(await a.textContent('#agreed tr[data-number="4"]'), /废票：标记了不存在的项目/);
  assert.match(await a.textContent('#agreed tr[data-number="1"]'), /有效/);
  await scr.waitForSelector('[data-batch="1"] [data-status="agreed"]', WAIT);
  assert.match(await scr.textContent('[data-batch="1"] tr[data-number="3"]'), /废票：超过上限/);

  // Now it counts: every ballot with its verdict, void ones whole.
  const paper = paperBallots();
  assert.deepEqual(paper.map((x) => [x.paper, x.void_reason]), [['1', null], ['2', null], ['3', 'over_limit'], ['4', 'unknown_proposal']]);
  assert.equal(paper[2].choices.length, 11, 'never trimmed');
  assert.deepEqual(paper[3].choices, ['77']);
  const tally = exportJson(hub).tally;
  assert.deepEqual([tally.P05, tally.P06, tally.P07, tally.P14, tally.P01], [1, 1, 0, 1, 0]);
});

test('a ballot number counts once: keyed again in another batch it is refused, plainly', async () => {
  await openBatch(a, 2);
  await key(a, '0001', '5', { wait: false });
  await a.waitForSelector('#k-error:not([hidden])', WAIT);
  assert.match(await a.textContent('#k-error'), /编号 0001 未录入：选票编号 1 已在第 1 批计入/);
  assert.equal(await a.$(row(a, '0001')), null, 'nothing was keyed');
  // The same refusal over the protocol, by code.
  await d.connect('counter3', hub.tokens.counters[2].token);
  const r = await d.command('counter3', { kind: 'key_paper', batch: 5, number: '０００２', marks: ['P01'] });
  assert.equal(r.code, 'ballot_number_used');
  assert.equal(r.detail, '2: batch 1', 'full-width, with leading zeros: the same ballot');
  assert.deepEqual(r.about, { unit: 'batch', n: 1, number: '2' }, 'what it is about, as data');
});

test('sticker boards: two readings, a difference flagged, one correction, then they count', async () => {
  for (const p of [a, b]) {
    await p.click('#tabs [data-tab="boards"]');
    await p.fill('#board-no', '1');
    await p.press('#board-no', 'Enter');
    await p.waitForSelector('#board-form');
  }
  await a.fill('#stk-P01', '12');
  await a.fill('#stk-P02', '5');
  assert.equal(await a.textContent('#board-total'), '17');
  await a.click('#board-submit');
  await a.waitForFunction(() => /已提交我的读数/.test(document.querySelector('#board-state').textContent), null, WAIT);
  await b.fill('#stk-P01', '12');
  await b.fill('#stk-P02', '6');
  await b.click('#board-submit');
  for (const p of [a, b]) await p.waitForSelector('#board-disputed', WAIT);
  assert.match(await b.textContent('#board-disputed'), /P02/);
  await b.waitForSelector('#board-form tr[data-id="P02"].differs');
  assert.deepEqual(await axeViolations(b), []);
  await b.fill('#stk-P02', '5');
  await b.click('#board-submit');
  for (const p of [a, b]) await p.waitForSelector('#board-agreed', WAIT);
  assert.match(await a.textContent('#board-agreed'), /共 17 张贴纸/);
  assert.equal(exportJson(hub).tally.P01, 12);
  await scr.waitForSelector('[data-board="1"] tr[data-id="P02"]', WAIT);
  for (const p of [a, b]) await p.click('#tabs [data-tab="batches"]');
});

test('the close is refused while the hand count differs, the console says why, and it closes once the count matches', async () => {
  receipts = await d.castBallots([
    { token: hub.tokens.voters[0].token, choices: ['P01', 'P14'] },
    { token: hub.tokens.voters[1].token, choices: ['P14'] },
    { token: hub.tokens.voters[2].token, choices: ['P27', 'P30'] },
  ]);
  assert.ok(receipts.every((r) => /^[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(r)), receipts.join());
  const org = await (await browser.newContext(PHONE)).newPage();
  org.on('pageerror', (e) => errors.push(String(e)));
  await org.goto(hub.tokens.organiser.link);
  await org.waitForSelector('#view-meeting:not([hidden])', WAIT);
  // Before anyone tries: the step card lists what the desk still needs.
  await org.waitForFunction(() => /监票员还没有登记清点的张数/.test(document.querySelector('#step').textContent), null, WAIT);

  // The scrutineer miscounts: 5 sheets for 4 ballots.
  await scr.click('[data-batch="1"] [data-sheets="1"]');
  assert.equal(await scr.inputValue('#s-batch'), '1');
  await scr.fill('#s-sheets', '5');
  await scr.press('#s-sheets', 'Enter');
  await scr.waitForSelector('[data-batch="1"] [data-match="no"]', WAIT);
  assert.match(await scr.textContent('[data-batch="1"] .sheets-line'), /录入 4 张 \/ 清点 5 张/);
  await org.waitForFunction(() => /录入 4 张，监票员清点 5 张/.test(document.querySelector('#step').textContent), null, WAIT);

  await org.click('#advance');
  await org.waitForSelector('.yz-dialog');
  await org.click('.yz-dialog [data-confirm="yes"]');
  await org.waitForFunction(() => /结束投票被拒绝[\s\S]*还不能结束投票：第 1 批：录入 4 张，监票员清点 5 张/.test((document.querySelector('#close-blocked') || {}).textContent || ''), null, WAIT);
  assert.equal(exportJson(hub).phase, 'voting');
  await shot(org, 'admin-close-refused');
  await org.click('#close-blocked button');
  await org.waitForSelector('#view-desk:not([hidden]) #desk-batches tr[data-batch="1"]', WAIT);
  assert.match(await org.textContent('#desk-blockers'), /第 1 批：录入 4 张，监票员清点 5 张/);
  assert.match(await org.textContent('#desk-batches tr[data-batch="1"]'), /两份一致，已计入[\s\S]*4[\s\S]*5[\s\S]*不一致/);
  assert.deepEqual(await axeViolations(org), []);

  // Counted again: four.
  await scr.fill('#s-batch', '1');
  await scr.fill('#s-sheets', '4');
  await scr.click('#sheets-form button[type="submit"]');
  await scr.waitForSelector('[data-batch="1"] [data-match="yes"]', WAIT);
  await org.waitForFunction(() => /可以结束投票/.test(document.querySelector('#desk-blockers').textContent), null, WAIT);
  await org.click('[data-tab="meeting"]');
  await org.waitForFunction(() => !document.querySelector('#step #close-blocked li'), null, WAIT);
  await org.click('#advance');
  await org.waitForSelector('.yz-dialog');
  await org.click('.yz-dialog [data-confirm="yes"]');
  await org.waitForFunction(() => document.querySelector('#phase').textContent === '计票完成', null, WAIT);
  const res = exportJson(hub).results;
  assert.deepEqual([res.ballots, res.paper, res.void, res.stickers], [5, 2, 2, 17]);
  await a.waitForFunction(() => /投票已经结束/.test(document.querySelector('#phase-note').textContent), null, WAIT);
});

test('the public board: every ballot, void ones with reasons, the boards, the head hash; it finds a receipt and adds up to the count', async () => {
  const e = exportJson(hub);
  const board = await (await browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true })).newPage();
  board.on('pageerror', (x) => errors.push(String(x)));
  const foreign = [];
  board.on('request', (r) => { if (!r.url().startsWith(hub.url)) foreign.push(r.url()); });
  await board.goto(`${hub.url}/board`);
  await board.waitForSelector('#phone-table', WAIT);
  await board.waitForFunction((head) => document.querySelector('#b-head').getAttribute('data-head') === head, e.log_head, WAIT);
  const phone = await board.$$eval('#phone-table tbody tr', (rs) => rs.map((r) => [r.getAttribute('data-receipt'), r.cells[1].textContent.trim().split(/\s+/)]));
  assert.deepEqual(phone.map((x) => x[0]), receipts.slice().sort(), 'every phone ballot, by receipt');
  const byReceipt = Object.fromEntries(phone);
  assert.deepEqual(byReceipt[receipts[2]], ['P27', 'P30']);
  const paper = await board.$$eval('#paper-table tbody tr', (rs) => rs.map((r) => r.getAttribute('data-number')));
  assert.deepEqual(paper, ['1', '2', '3', '4'], 'numbers as the hub keeps them (normalised)');
  assert.match(await board.textContent('#void-list'), /3[\s\S]*超过可选项数（标了 11 项，最多 10 项）[\s\S]*4[\s\S]*含不存在的提案编号[\s\S]*77/);
  assert.match(await board.textContent('#board-list'), /第 1 号贴纸板[\s\S]*P01[\s\S]*12[\s\S]*P02[\s\S]*5/);
  assert.equal(await board.textContent('#count-received'), '7');
  await board.waitForSelector('#sum-check[data-agrees="yes"]');
  assert.equal(await board.getAttribute('#tally-table tr[data-id="P14"]', 'data-votes'), String(e.tally.P14));

  // Find my receipt: typed as people type it.
  await board.fill('#find-code', receipts[0].toLowerCase().replace('-', ' '));
  await board.press('#find-code', 'Enter');
  await board.waitForSelector(`#found[data-found="${receipts[0]}"]`);
  assert.match(await board.textContent('#found'), /已收到并计入[\s\S]*P01[\s\S]*P14/);
  await board.evaluate(() => document.querySelector('#find').scrollIntoView());
  await docShot(board, 'board-phone');
  await board.fill('#find-code', '3');
  await board.press('#find-code', 'Enter');
  await board.waitForSelector('#found[data-found="3"]');
  assert.match(await board.textContent('#found'), /废票：超过可选项数/);
  await board.fill('#find-code', 'ZZZZ-ZZZZ');
  await board.press('#find-code', 'Enter');
  await board.waitForSelector('#found[data-found=""]');
  assert.match(await board.textContent('#found'), /没有找到/);
  assert.deepEqual(await axeViolations(board), []);
  // The voter page links to it with the receipt in the fragment.
  await board.goto(`${hub.url}/board#receipt=${receipts[1]}`);
  await board.waitForSelector(`#found[data-found="${receipts[1]}"]`, WAIT);
  // Printed: every row, no buttons.
  await board.emulateMedia({ media: 'print' });
  assert.equal(await board.isVisible('#find'), false);
  assert.equal(await board.$$eval('#phone-table tbody tr', (r) => r.length), 3);
  assert.deepEqual(foreign, []);

  // The projector's results: the paper count, the stickers and where the board is.
  const proj = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await proj.goto(hub.tokens.projector.link);
  await proj.waitForSelector('#scene[data-scene="results"] #count-line', WAIT);
  assert.match(await proj.textContent('#count-line'), /已收到 7 张（有效 5，废票 2）；手机 3，纸质 4；贴纸 17/);
  assert.match(await proj.textContent('#result-stickers'), /贴纸板 17 票/);
  await proj.waitForFunction((u) => document.querySelector('#board-address').textContent === u, `${hub.url}/board`, WAIT);
  await shot(proj, 'projector-results-paper');
  // The public live view too, with the way to the board.
  const landing = await browser.newPage({ viewport: { width: 360, height: 640 } });
  await landing.goto(hub.url);
  await landing.waitForSelector('#count-line', WAIT);
  assert.match(await landing.textContent('#count-line'), /已收到 7 张（有效 5，废票 2）；手机 3，纸质 4；贴纸 17/);
  assert.equal(await landing.getAttribute('#board-link', 'href'), '/board');
  assert.deepEqual(errors, []);
});
