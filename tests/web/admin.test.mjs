// The organiser's console (/admin) in real Chromium at phone size, against
// a real hub: the secret typed in (and kept out of sight), the meeting moved
// from setup to published with every confirmation clicked and ballots cast
// in between, tables' progress and who is connected, voter and table cards
// whose QR codes really open working cards, and the exports.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startHub, launch, shot, docShot, axeViolations, connect, exportJson, readQrCodes, hubCmd } from './harness.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
let hub, browser, context, page;
const secret = () => hub.tokens.organiser.token;

before(async () => {
  hub = await startHub({ voters: 4 });
  browser = await launch();
  context = await browser.newContext({ ...PHONE, acceptDownloads: true });
  page = await context.newPage();
});
after(async () => { await browser?.close(); await hub?.stop(); });

const phase = () => exportJson(hub).phase;
async function confirmStep(expect) {
  await page.click('#advance');
  await page.waitForSelector('.yz-dialog');
  const text = await page.textContent('.yz-dialog');
  assert.match(text, expect);
  assert.match(text, /不能撤回/);
  await page.click('.yz-dialog [data-confirm="yes"]');
  await page.waitForSelector('.yz-dialog', { state: 'detached' });
}
async function waitPhase(name) {
  await page.waitForFunction((name) => document.querySelector('#phase').textContent === name, name);
}

test('the secret is typed in, refused when wrong, then kept for this tab only and never shown', async () => {
  await page.goto(`${hub.url}/admin`);
  await page.waitForSelector('#signin:not([hidden])');
  assert.equal(await page.getAttribute('#signin-code', 'type'), 'password');
  assert.deepEqual(await axeViolations(page), []);
  await page.fill('#signin-code', 'NOT-THE-SECRET-0000');
  await page.click('#signin-form button[type="submit"]');
  await page.waitForSelector('#say .notice.error');
  assert.match(await page.textContent('#say'), /组织者密码不正确/);
  await page.waitForSelector('#signin:not([hidden])');

  // A chair's code is no organiser secret either.
  await page.fill('#signin-code', hub.tokens.tables[0].chair.token);
  await page.click('#signin-form button[type="submit"]');
  await page.waitForFunction(() => /不是组织者密码/.test(document.querySelector('#say').textContent));
  await page.waitForSelector('#signin:not([hidden])');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('yz.token.admin')), null, 'a refused code is not kept');

  await page.fill('#signin-code', secret().toLowerCase());
  await page.click('#signin-form button[type="submit"]');
  await page.waitForSelector('#view-meeting:not([hidden])');
  assert.equal(await page.inputValue('#signin-code'), '');
  const raw = secret().replace(/-/g, '');
  const html = await page.content();
  assert.ok(!html.includes(raw) && !html.toLowerCase().includes(raw.toLowerCase()), 'the secret is nowhere on the page');
  const stores = await page.evaluate(() => ({ local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage) }));
  assert.ok(!stores.local.toLowerCase().includes(raw.toLowerCase()), 'not in localStorage');
  assert.ok(stores.session.includes(raw), 'kept in sessionStorage, in its canonical form');
  // A reload in the same tab stays signed in.
  await page.reload();
  await page.waitForSelector('#view-meeting:not([hidden])');
});

test('the organiser opens the meeting (rules shown, then locked with the fingerprint) and runs discussion, clock and picks', async () => {
  assert.equal(phase(), 'setup');
  assert.match(await page.textContent('#step'), /锁定[\s\S]*每桌推选[\s\S]*3[\s\S]*最多 10 项[\s\S]*300,000 元/);
  assert.deepEqual(await axeViolations(page), []);
  // Cancelling changes nothing.
  await page.click('#advance');
  await page.waitForSelector('.yz-dialog');
  assert.deepEqual(await axeViolations(page), [], 'the confirmation dialog is accessible');
  await page.click('.yz-dialog [data-confirm="no"]');
  assert.equal(phase(), 'setup');

  await confirmStep(/规则[\s\S]*锁定/);
  await waitPhase('签到');
  const fp = await page.textContent('#fingerprint');
  assert.match(fp, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assert.equal(exportJson(hub).fingerprint, fp);

  await confirmStep(/40 分钟/);
  await waitPhase('分桌讨论');
  await page.waitForSelector('#timer-left');
  assert.match(await page.textContent('#timer-card'), /分桌讨论/);

  // The clock: pause, resume, extend, and a new clock (which asks, since it replaces the running one).
  await page.click('#timer-pause');
  await page.waitForSelector('#timer-resume');
  assert.match(await page.textContent('#clock'), /暂停/);
  await page.click('#timer-resume');
  await page.waitForSelector('#timer-pause');
  await page.fill('#extend-minutes', '5');
  await page.click('#extend-form button[type="submit"]');
  await page.waitForFunction(() => /4[45]:\d\d/.test(document.querySelector('#timer-left').textContent));

  // A chair working at table 1 (over the protocol): the console shows it, and that the chair is connected.
  const chair = await connect(browser, hub, hub.tokens.tables[0].chair.token);
  const share = chair.welcome.snapshot.tables[0].share;
  assert.equal((await chair.command({ kind: 'queue_speaker', table: 1, name: '3', turn: 'question' })).type, 'ack');
  assert.equal((await chair.command({ kind: 'start_speaker', table: 1 })).type, 'ack');
  assert.equal((await chair.command({ kind: 'add_note', table: 1, proposal: share[0], tag: 'support', text: '大家都支持' })).type, 'ack');
  await page.click('[data-tab="tables"]');
  await page.waitForFunction(() => {
    const li = document.querySelector('#progress li[data-table="1"]');
    return li && /发言中：3号/.test(li.textContent) && /记录 1/.test(li.textContent) && /● 桌长/.test(li.textContent);
  }, null, { timeout: 15000 });
  assert.match(await page.textContent('#progress li[data-table="2"]'), /○ 桌长/);
  assert.match(await page.textContent('#presence'), /桌长：1/);
  assert.match(await page.textContent('#presence'), /组织者：[1-9]/);
  assert.deepEqual(await axeViolations(page), []);
  await shot(page, 'admin-tables-phone');

  await page.click('[data-tab="meeting"]');
  await page.fill('#timer-label', '茶歇');
  await page.fill('#timer-minutes', '10');
  await page.click('#timer-form button[type="submit"]');
  await page.waitForSelector('.yz-dialog');
  assert.match(await page.textContent('.yz-dialog'), /替换/);
  await page.click('.yz-dialog [data-confirm="yes"]');
  await page.waitForFunction(() => /茶歇/.test(document.querySelector('#timer-card').textContent));
  // The README's picture of the console: the top of the meeting view, no toast.
  await page.evaluate(() => { document.activeElement.blur(); document.querySelector('#say').textContent = ''; window.scrollTo(0, 0); });
  await docShot(page, 'admin-phone');

  await confirmStep(/推选/);
  await waitPhase('各桌推选');
  assert.equal((await chair.command({ kind: 'set_picks', table: 1, proposals: share.slice(0, 3) })).type, 'ack');
  await page.click('[data-tab="tables"]');
  await page.waitForFunction(() => /推选 3\/3/.test(document.querySelector('#progress li[data-table="1"]').textContent));
  await page.click('[data-tab="meeting"]');
  // Into pitches: the picks are locked as they stand, and the tables short of picks are named.
  await page.waitForFunction(() => /第2桌（0）/.test(document.querySelector('#step').textContent));
  await confirmStep(/锁定[\s\S]*第2桌（0）/);
  await waitPhase('上台推介');
  await page.waitForFunction(() => document.querySelector('#pitching') && /第1桌/.test(document.querySelector('#pitching').textContent));
  assert.equal(exportJson(hub).picks[0].locked, true);
  await page.selectOption('#pitch-table', '2');
  await page.click('#pitch-card button[type="submit"]');
  await page.waitForFunction(() => /第2桌/.test(document.querySelector('#pitching').textContent));
  assert.deepEqual(await axeViolations(page), []);
  await chair.close();

  await confirmStep(/投票[\s\S]*最多选 10 项/);
  await waitPhase('投票');
  assert.equal(phase(), 'voting');
});

let minted = [];

test('voter cards minted from the console: N QR codes that open N working cards; table cards for every seat', async () => {
  await page.click('[data-tab="cards"]');
  const total = hub.tokens.voters_total;
  await page.waitForFunction((n) => document.querySelector('#cards-electorate-issued').textContent === String(n), total);
  assert.deepEqual(await axeViolations(page), []);
  await page.fill('#mint-count', '10');
  // During the vote a reason is required, and the room is told.
  await page.fill('#mint-reason', '迟到居民');
  await page.click('#mint-form button[type="submit"]');
  await page.waitForSelector('.yz-dialog');
  assert.match(await page.textContent('.yz-dialog'), /10 张/);
  await page.click('.yz-dialog [data-confirm="yes"]');
  await page.waitForSelector('#view-sheet:not([hidden]) .yz-card');
  const cards = await page.$$eval('.yz-card', (els) => els.map((e) => ({
    serial: e.getAttribute('data-serial'), code: e.querySelector('.card-code').textContent,
    link: e.querySelector('img').getAttribute('data-link') })));
  assert.equal(cards.length, 10);
  assert.deepEqual(cards.map((c) => c.serial), Array.from({ length: 10 }, (_, i) => `V${String(total + i + 1).padStart(4, '0')}`));
  assert.equal(new Set(cards.map((c) => c.code)).size, 10);
  // What a phone's camera reads off each card is that card's join link.
  const read = await readQrCodes(page, '.yz-card img');
  assert.equal(read.length, 10);
  assert.deepEqual(read, cards.map((c) => `${hub.url}/j/${c.code.replace(/-/g, '')}`));
  minted = cards;
  // Every link opens the voting page with the code in the fragment, and every code is a voter.
  for (const c of cards) {
    const r = await fetch(c.link, { redirect: 'manual' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), `/vote#token=${c.code.replace(/-/g, '')}`);
  }
  const voter = await connect(browser, hub, cards[3].code);
  assert.equal(voter.welcome.you.role, 'voter');
  assert.equal(voter.welcome.you.label, cards[3].serial);
  const share = voter.welcome.snapshot.tables.map((t) => t.picks).flat();
  const ack = await voter.command({ kind: 'cast_ballot', choices: share.slice(0, 2) });
  assert.equal(ack.type, 'ack');
  assert.match(ack.result.receipt, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assert.equal(exportJson(hub).ballots.length, 1);
  await voter.close();
  assert.deepEqual(await axeViolations(page), []);

  // Printed: A4, 6 cards a page, nothing of the console on paper; the how-to lines at 12 pt (16 px) or more, inside the card.
  await page.emulateMedia({ media: 'print' });
  for (const c of await page.$$eval('.yz-card', (els) => els.map((e) => ({
    help: Math.min(...[...e.querySelectorAll('.card-help, .card-help *')].map((x) => parseFloat(getComputedStyle(x).fontSize))),
    over: e.scrollHeight > e.clientHeight + 1 })))) {
    assert.ok(c.help >= 16, `card instructions at ${c.help}px`);
    assert.equal(c.over, false, 'the card\'s content fits the card');
  }
  assert.equal(await page.isVisible('.bar'), false);
  assert.equal(await page.isVisible('#sheet-print'), false);
  assert.equal(await page.isVisible('.yz-card >> nth=9'), true);
  // (As printing does: the print style sheet, not the screen's.)
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.equal(pages, 2, '10 cards print on 2 A4 pages');
  await shot(page, 'admin-voter-cards-phone');

  await page.click('#sheet-close');
  await page.waitForSelector('#view-cards:not([hidden])');
  await page.waitForFunction((n) => document.querySelector('#cards-electorate-issued').textContent === String(n), total + 10);
  assert.match(await page.textContent('#issuance-list li[data-late="yes"]'), /投票期间追加[\s\S]*发卡 10 张[\s\S]*迟到居民/);
  // Reprinting a range shows the same cards.
  await page.fill('#range-from', String(total + 1));
  await page.fill('#range-to', String(total + 2));
  await page.click('#range-form button[type="submit"]');
  await page.waitForFunction(() => document.querySelectorAll('.yz-card').length === 2);
  assert.deepEqual(await page.$$eval('.card-code', (els) => els.map((e) => e.textContent)), cards.slice(0, 2).map((c) => c.code));
  await page.click('#sheet-close');

  await page.click('#table-cards');
  await page.waitForSelector('#view-sheet:not([hidden]) .yz-card');
  const kinds = await page.$$eval('.yz-card', (els) => els.map((e) => e.getAttribute('data-kind')));
  // Each table: chair, recorder, adviser, and the read-only card of its table screen.
  assert.equal(kinds.length, 6 * 4 + 1 + 2 + 4 + 1);
  assert.deepEqual(kinds.slice(0, 4), ['chair', 'recorder', 'adviser', 'screen']);
  assert.deepEqual(kinds.slice(-8), ['adviser_all', 'scrutineer', 'scrutineer', 'counter', 'counter', 'counter', 'counter', 'projector']);
  const staffRead = await readQrCodes(page, '.yz-card img');
  assert.equal(staffRead[0], hub.tokens.tables[0].chair.link);
  assert.equal(staffRead[3], hub.tokens.tables[0].screen.link, 'the table screen card\'s QR code holds its own link');
  assert.match(await page.textContent('.yz-card[data-kind="screen"]'), /第1桌 · 桌面屏（只读）[\s\S]*平板或手机/);
  assert.deepEqual(staffRead.slice(-5, -1), hub.tokens.counters.map((c) => c.link), 'the counters\' cards open their counting desk');
  assert.match(await page.textContent('.yz-card[data-kind="counter"]'), /点票员/);
  assert.equal(staffRead[staffRead.length - 1], hub.tokens.projector.link);
  const text = await page.textContent('#sheet');
  assert.ok(!text.includes(hub.tokens.organiser.token), 'the organiser\'s secret is never printed');
  assert.match(text, /第1桌 · 桌长/);
  await page.click('#sheet-close');
});

test('ballots are cast, the organiser closes the vote (results computed) and publishes; exports match hub export', async () => {
  const picks = exportJson(hub).picks.map((p) => p.proposals).flat();
  for (const c of minted.slice(4, 7)) {
    const v = await connect(browser, hub, c.code);
    assert.equal((await v.command({ kind: 'cast_ballot', choices: [picks[0], picks[2]] })).type, 'ack');
    await v.close();
  }
  await page.click('[data-tab="meeting"]');
  await page.waitForFunction(() => document.querySelector('#count-received') && document.querySelector('#count-received').textContent === '4');
  await page.waitForFunction(() => document.querySelector('#step-received') && document.querySelector('#step-received').textContent === '4');
  await confirmStep(/不再接受任何选票[\s\S]*4/);
  await waitPhase('计票完成');
  await page.waitForSelector('#ranking');
  const first = await page.textContent('#ranking tbody tr:first-child');
  assert.match(first, new RegExp(`1\\s*${picks[0]}[\\s\\S]*4`));
  assert.equal(exportJson(hub).results.final, true);
  assert.deepEqual(await axeViolations(page), []);

  await confirmStep(/公布结果/);
  await waitPhase('结果公示');
  await page.waitForFunction(() => /会议结束/.test(document.querySelector('#step').textContent));
  assert.equal(await page.$('#advance'), null, 'no step after published');
  assert.equal(phase(), 'published');
  await shot(page, 'admin-results-phone');

  await page.click('[data-tab="export"]');
  assert.deepEqual(await axeViolations(page), []);
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  assert.equal(json.suggestedFilename(), 'yuanzhuo-export.json');
  const got = JSON.parse(readFileSync(await json.path(), 'utf8'));
  assert.deepEqual(got, exportJson(hub));
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  assert.equal(csv.suggestedFilename(), '圆桌-结果排名.csv', 'named in Chinese');
  const bytes = readFileSync(await csv.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a byte order mark, for Chinese Excel');
  assert.equal(bytes.toString('utf8'), hubCmd(['export', '--data', hub.data, '--format', 'csv']));
  assert.match(bytes.toString('utf8'), /^\ufeff名次,位次,编号,项目/);
});
