// The door register (/door) in real Chromium against a real hub whose rules
// have `registration = "door"`: a registrar, from the keyboard, hands one
// resident a voter card, another a numbered paper ballot (typed "0117", kept
// as 117), another a sticker sheet; a name typed at the door reaches the log
// only as a hash, and the same name cannot register twice; refusals are
// said in words (a card handed out twice, a cancelled card, an unknown
// card); a resident whose phone died is switched to paper, and their card
// can then no longer vote. axe-core on the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startHub, launch, shot, axeViolations, exportJson, until } from './harness.mjs';
import { driver } from './driver.mjs';

const WAIT = { timeout: 20000 };
const MEETING = `[meeting]
name = "门口登记测试会议"
venue = "测试社区活动室"
date = "2026-12-12"
proposals = "proposals.csv"

[rules]
tables = 3
max_choices = 5
registration = "door"

[rules.budget]
amount = 300000
`;
let hub, browser, d, page, errors = [];

before(async () => {
  hub = await startHub({ voters: 8, meeting: MEETING });
  browser = await launch();
  d = await driver(browser, hub);
  await d.advanceTo('voting');
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
});
after(async () => { await browser?.close(); await hub?.stop(); });

/** Wait for the big "register number" box to name entry `n`, and return what it says. */
async function given(n) {
  await page.waitForSelector(`#given-entry[data-register="${n}"]`, WAIT);
  return page.textContent('#given-entry');
}
async function refused(re) {
  await page.waitForSelector('#reg-error:not([hidden])', WAIT);
  assert.match(await page.textContent('#reg-error'), re);
}

test('the registrar\'s card opens /door (the registrars\' cards exist only with a door register); the page is served under the hub\'s policy', async () => {
  assert.equal(hub.tokens.registrars.length, 2);
  // The console prints them with the staff cards.
  const sheet = await (await fetch(`${hub.url}/api/admin/cards/tables`, { headers: { Authorization: `Bearer ${hub.tokens.organiser.token}` } })).json();
  assert.deepEqual(sheet.cards.filter((c) => c.kind === 'registrar').map((c) => c.link), hub.tokens.registrars.map((r) => r.link));
  const r = await fetch(`${hub.url}/door`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
  const js = await fetch(`${hub.url}/assets/door.js`);
  assert.match(js.headers.get('content-type'), /javascript/);
  const to = await fetch(hub.tokens.registrars[0].link, { redirect: 'manual' });
  assert.match(to.headers.get('location'), /^\/door#token=/);
  await page.goto(hub.tokens.registrars[0].link);
  await page.waitForSelector('#view:not([hidden])', WAIT);
  assert.equal(new URL(page.url()).hash, '', 'the token left the address bar');
  assert.match(await page.textContent('#who'), /登记员 · 1号/);
  assert.match(await page.textContent('#reg-holder-help'), /只有它的密钥哈希[\s\S]*写入日志/);
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'reg-value', null, WAIT);
  assert.deepEqual(await axeViolations(page), []);
  // In English, the card's number comes from `you.desk`, not from the Chinese label.
  await page.click('[data-lang-toggle]');
  await page.waitForFunction(() => document.querySelector('#who').textContent === 'Registrar 1', null, WAIT);
  await page.click('[data-lang-toggle]');
  await page.waitForFunction(() => /登记员 · 1号/.test(document.querySelector('#who').textContent), null, WAIT);
  await page.focus('#reg-value');
});

test('from the keyboard: a card, a paper ballot typed with leading zeros, a sticker sheet; each resident told their register number', async () => {
  await page.keyboard.type('v1');
  await page.keyboard.press('Enter');
  assert.match(await given(1), /1[\s\S]*投票卡 V0001/);
  await page.waitForFunction(() => document.querySelector('#door-registered').textContent === '1', null, WAIT);
  assert.equal(await page.inputValue('#reg-value'), '', 'ready for the next resident');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reg-value');

  // A name at the door: only a hash of it reaches the hub's log.
  await page.fill('#reg-value', 'V0002');
  await page.fill('#reg-holder', '张三 110101');
  await page.press('#reg-holder', 'Enter');
  assert.match(await given(2), /投票卡 V0002/);
  assert.equal(await page.inputValue('#reg-holder'), '', 'the page does not keep the name');

  // Alt+2: paper. The number as typed, "0117", is ballot 117; the next number is filled in.
  await page.focus('#reg-value');
  await page.keyboard.press('Alt+2');
  assert.equal(await page.evaluate(() => document.querySelector('input[name="reg-kind"]:checked').value), 'paper');
  await page.keyboard.type('0117');
  await page.keyboard.press('Enter');
  assert.match(await given(3), /纸质选票 117/);
  assert.equal(await page.inputValue('#reg-value'), '0118');

  // Alt+3: a sticker sheet, as many stickers as choices by default.
  await page.keyboard.press('Alt+3');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reg-stickers');
  assert.equal(await page.inputValue('#reg-stickers'), '5');
  await page.keyboard.press('Enter');
  assert.match(await given(4), /贴纸 5 张/);

  await page.waitForFunction(() => document.querySelector('#door-registered').textContent === '4', null, WAIT);
  assert.deepEqual(await page.$$eval('#door-counts .big', (els) => els.map((e) => e.textContent)), ['4', '2', '1', '1', '5']);
  assert.deepEqual(await page.$$eval('#recent li', (ls) => ls.map((l) => l.getAttribute('data-register'))), ['4', '3', '2', '1'], 'the latest first');
  assert.match(await page.textContent('#recent li[data-register="2"]'), /投票卡 V0002[\s\S]*已记名/);
  await shot(page, 'door-laptop');

  const ex = exportJson(hub);
  assert.ok(!JSON.stringify(ex).includes('张三') && !JSON.stringify(ex).includes('110101'), 'no name in the export');
  for (const f of ['meeting.sqlite', 'meeting.sqlite-wal'].filter((f) => existsSync(join(hub.data, f)))) {
    const bytes = readFileSync(join(hub.data, f));
    assert.ok(!bytes.includes(Buffer.from('张三')), `no name in ${f}`);
  }
});

test('refusals in words: a card or number handed out twice, the same person twice, a cancelled card, a card that does not exist', async () => {
  await page.keyboard.press('Alt+1');
  await page.fill('#reg-value', 'V0001');
  await page.press('#reg-value', 'Enter');
  await refused(/没有登记：V0001 已经发给了别人[\s\S]*已发给登记号 1/);
  await page.keyboard.press('Alt+2');
  await page.fill('#reg-value', '117');
  await page.press('#reg-value', 'Enter');
  await refused(/117 已经发给了别人[\s\S]*登记号 3/);
  await page.keyboard.press('Alt+1');
  await page.fill('#reg-value', 'V0003');
  await page.fill('#reg-holder', '张三 110101');
  await page.press('#reg-value', 'Enter');
  await refused(/此人已经登记过（登记号 2）/);
  await page.fill('#reg-holder', '');
  await d.organise({ kind: 'cancel_card', serial: 'V0005', reason: '卡遗失' });
  await page.fill('#reg-value', 'v5');
  await page.press('#reg-value', 'Enter');
  await refused(/V0005 已经作废/);
  await page.fill('#reg-value', 'V0999');
  await page.press('#reg-value', 'Enter');
  await refused(/没有 V0999 这张卡/);
  // The link in a card's QR code (its secret code) is not what is keyed here.
  await page.fill('#reg-value', `${hub.url}/j/ABCD1234`);
  await page.press('#reg-value', 'Enter');
  await refused(/请输入卡上印的编号/);
  assert.deepEqual(await axeViolations(page), []);
  assert.equal(exportJson(hub).turnout.register.registered, 4, 'nothing registered by a refusal');
});

test('a resident whose phone died switches to paper: the card is cancelled in the same entry and can no longer vote', async () => {
  // Only cards handed out at the door vote.
  assert.deepEqual(await d.castBallots([{ token: hub.tokens.voters[5].token, choices: ['P01'] }]), ['not_registered']);
  await page.click('#recent li[data-register="1"] [data-switch="1"]');
  await page.waitForSelector('#view-switch:not([hidden])');
  assert.match(await page.textContent('#sw-held'), /现在持有：投票卡 V0001/);
  await page.fill('#sw-value', '200');
  await page.click('#sw-reasons button >> text=手机没电');
  assert.match(await page.textContent('#sw-summary'), /将作废 投票卡 V0001，改发 纸质选票 200/);
  assert.deepEqual(await axeViolations(page), []);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#given-entry[data-register="1"]', WAIT);
  assert.match(await page.textContent('#given-entry'), /已换发[\s\S]*纸质选票 200[\s\S]*原 投票卡 V0001 已作废/);
  await page.waitForFunction(() => /纸质选票 200[\s\S]*原 投票卡 V0001 已作废（手机没电）/.test(document.querySelector('#recent li[data-register="1"]').textContent), null, WAIT);
  assert.deepEqual(await d.castBallots([{ token: hub.tokens.voters[0].token, choices: ['P01'] }]), ['card_cancelled']);
  const ok = await d.castBallots([{ token: hub.tokens.voters[1].token, choices: ['P02'] }]);
  assert.match(ok[0], /^[0-9A-Z]{4}-[0-9A-Z]{4}$/, 'a card handed out at the door votes');
  // What has voted cannot be switched.
  await page.keyboard.press('Alt+s');
  await page.fill('#sw-register', '2');
  await page.fill('#sw-value', '201');
  await page.fill('#sw-reason', '想改用纸质');
  await page.press('#sw-reason', 'Enter');
  await page.waitForSelector('#sw-error:not([hidden])', WAIT);
  assert.match(await page.textContent('#sw-error'), /没有换发：这张卡已经投过票/);
  await page.waitForFunction(() => document.querySelector('#door-paper').textContent === '2', null, WAIT);
  assert.deepEqual(await page.$$eval('#door-counts .big', (els) => els.map((e) => e.textContent)), ['4', '1', '2', '1', '5']);
  // The count line, as on every page.
  await until(async () => (await page.textContent('#count-received')) === '1', 'the ballot in the count line');
  assert.equal(await page.textContent('#count-registered'), '4');
  await shot(page, 'door-switched');
  assert.deepEqual(errors, []);
});
