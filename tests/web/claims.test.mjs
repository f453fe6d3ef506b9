// Separation of duties at the counting desk, in real Chromium against a
// real hub: each counter claims their card with a PIN on their own device
// (a browser profile is a device: its local storage keeps the device id),
// and two counters key one batch — "0117" typed by one and "117" by the
// other are the same ballot, shown as 117. One device cannot hold two desk
// cards; a new tab asks for the PIN (a wrong one is refused in words); a
// card claimed elsewhere says so and that the organiser can release it. The scrutineer's page
// shows every claim with its address, the count line, and each
// scrutineer's own hand count. axe-core on the claim form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHub, launch, shot, axeViolations, exportJson } from './harness.mjs';
import { driver } from './driver.mjs';

const WAIT = { timeout: 20000 };
const LAPTOP = { viewport: { width: 1280, height: 800 } };
let hub, browser, d, ctx1, ctx2, ctx3, one, two, scr, errors = [];

before(async () => {
  hub = await startHub({ voters: 4 });
  browser = await launch();
  d = await driver(browser, hub);
  await d.advanceTo('voting');
  [ctx1, ctx2, ctx3] = [await browser.newContext(LAPTOP), await browser.newContext(LAPTOP), await browser.newContext(LAPTOP)];
  one = await ctx1.newPage();
  two = await ctx2.newPage();
  scr = await ctx3.newPage();
  for (const p of [one, two, scr]) p.on('pageerror', (e) => errors.push(String(e)));
});
after(async () => { await browser?.close(); await hub?.stop(); });

async function claimText(p) {
  await p.waitForSelector('#claim:not([hidden]) #claim-text', WAIT);
  return p.textContent('#claim-text');
}
async function newPin(p, pin) {
  await p.fill('#pin', pin);
  await p.fill('#pin2', pin);
  await p.press('#pin2', 'Enter');
}
async function openBatch(p, n) {
  await p.fill('#batch-no', String(n));
  await p.press('#batch-no', 'Enter');
  await p.waitForFunction((n) => document.querySelector('#batch-h').textContent.indexOf(String(n)) >= 0, n);
}
async function key(p, number, marks) {
  await p.fill('#k-number', number);
  await p.press('#k-number', 'Enter');
  await p.keyboard.type(marks);
  await p.keyboard.press('Enter');
}
async function finish(p) {
  await p.click('#finish');
  await p.click('.yz-dialog [data-confirm="yes"]');
  await p.waitForSelector('.yz-dialog', { state: 'detached' });
}

test('each counter claims their card with a PIN on their own device; the claim is logged', async () => {
  await one.goto(hub.tokens.counters[0].link);
  assert.match(await claimText(one), /认领这张卡：设一个4至6位数字密码（请记住）/);
  assert.deepEqual(await axeViolations(one), []);
  await shot(one, 'count-claim');
  // Typed twice, and they must agree.
  await one.fill('#pin', '1357');
  await one.fill('#pin2', '1358');
  await one.press('#pin2', 'Enter');
  await one.waitForSelector('#claim-error:not([hidden])');
  assert.match(await one.textContent('#claim-error'), /两次输入的密码不一样/);
  await one.fill('#pin', '12');
  await one.fill('#pin2', '12');
  await one.press('#pin2', 'Enter');
  await one.waitForFunction(() => /4至6位数字/.test(document.querySelector('#claim-error').textContent));
  await newPin(one, '1357');
  await one.waitForSelector('#view-batches:not([hidden])', WAIT);
  assert.match(await one.textContent('#say'), /已认领/);
  const pins = await one.evaluate(() => ({ local: JSON.stringify(localStorage), url: location.href }));
  assert.ok(!pins.local.includes('1357') && !pins.url.includes('1357'), 'the PIN is kept for this tab only, never in the address');

  await two.goto(hub.tokens.counters[1].link);
  await claimText(two);
  await newPin(two, '2468');
  await two.waitForSelector('#view-batches:not([hidden])', WAIT);
  const desk = exportJson(hub).electorate.desk;
  const claimed = desk.filter((c) => c.claim).map((c) => c.serial).sort();
  assert.deepEqual(claimed, ['counter-1', 'counter-2']);
});

test('one device holds one desk card: the same browser cannot take a second card, and says what to do', async () => {
  const again = await ctx1.newPage();
  again.on('pageerror', (e) => errors.push(String(e)));
  await again.goto(hub.tokens.counters[2].link);
  await claimText(again);
  await newPin(again, '1111');
  await again.waitForFunction(() => document.querySelector('#claim-text') && document.querySelector('#claim-text').getAttribute('data-code') === 'device_has_card', null, WAIT);
  assert.match(await again.textContent('#claim'), /这台设备已经认领了“点票员 1”[\s\S]*一台设备只能用一张[\s\S]*组织者解除/);
  assert.equal(await again.$('#view-batches:not([hidden])'), null);
  await again.close();
  assert.equal(exportJson(hub).electorate.desk.find((c) => c.serial === 'counter-3').claim, undefined, 'not claimed');
});

test('a new tab asks for the PIN, refuses a wrong one; another device is told the card is claimed elsewhere', async () => {
  const tab = await ctx2.newPage();
  tab.on('pageerror', (e) => errors.push(String(e)));
  await tab.goto(`${hub.url}/count`);
  assert.match(await claimText(tab), /已在这台设备上认领。请输入认领时设的密码/);
  assert.equal(await tab.$('#pin2'), null, 'no second field: this is no new claim');
  await tab.fill('#pin', '0000');
  await tab.press('#pin', 'Enter');
  await tab.waitForFunction(() => /^密码不对/.test((document.querySelector('#claim-text') || {}).textContent), null, WAIT);
  assert.match(await tab.textContent('#claim-text'), /5 次[\s\S]*组织者/);
  await tab.fill('#pin', '2468');
  await tab.press('#pin', 'Enter');
  await tab.waitForSelector('#view-batches:not([hidden])', WAIT);
  await tab.close();

  const other = await ctx3.newPage();
  other.on('pageerror', (e) => errors.push(String(e)));
  await other.goto(hub.tokens.counters[0].link);
  assert.match(await claimText(other), /已经在另一台设备上认领了[\s\S]*告诉组织者和监票员[\s\S]*组织者可以[\s\S]*解除认领/);
  assert.equal(await other.$('#pin'), null, 'no PIN can help here');
  await other.click('#claim-other');
  await other.waitForSelector('#signin:not([hidden])');
  await other.close();
});

test('two counters key one batch on two devices: "0117" and "117" are one ballot, shown as 117; the scrutineer sees the claims and each hand count', async () => {
  await scr.goto(hub.tokens.scrutineers[0].link);
  await claimText(scr);
  await newPin(scr, '9999');
  await scr.waitForSelector('#view:not([hidden])', WAIT);
  assert.match(await scr.textContent('#me-name'), /本页：监票员 A/);
  await scr.waitForSelector('#desk-cards tr[data-serial="counter-1"][data-claimed="yes"]', WAIT);
  assert.match(await scr.textContent('#desk-cards tr[data-serial="counter-1"]'), /点票员 1[\s\S]*认领[\s\S]*127\.0\.0\.1/);
  assert.match(await scr.textContent('#desk-cards tr[data-serial="scrutineer-1"]'), /监票员 A[\s\S]*认领/);
  assert.match(await scr.textContent('#desk-cards tr[data-serial="counter-3"]'), /未认领/);
  assert.deepEqual(await axeViolations(scr), []);

  await openBatch(one, 1);
  await key(one, '0117', '3 14');
  await one.waitForSelector('#copy-table tr[data-number="117"][data-state="keyed"]', WAIT);
  assert.equal(await one.$('#copy-table tr[data-number="0117"]'), null, 'one row, under the number the hub keeps');
  assert.match(await one.textContent('#copy-table tr[data-number="117"]'), /117[\s\S]*P03[\s\S]*P14/);
  await key(one, '0118', '5');
  await one.waitForSelector('#copy-table tr[data-number="118"][data-state="keyed"]', WAIT);
  await openBatch(two, 1);
  await key(two, '117', '14 3');
  await key(two, '１１８', '5');
  await two.waitForSelector('#copy-table tr[data-number="118"][data-state="keyed"]', WAIT);
  assert.equal(await two.$$eval('#copy-table tbody tr', (r) => r.length), 2);
  await finish(one);
  await finish(two);
  for (const p of [one, two]) await p.waitForSelector('#batch-status[data-status="agreed"]', WAIT);
  assert.deepEqual(exportJson(hub).ballots.filter((b) => b.method === 'paper').map((b) => b.paper), ['117', '118']);

  // The count line, the same words on the scrutineer's page and the counters'.
  await scr.waitForFunction(() => document.querySelector('#count-received').textContent === '2', null, WAIT);
  await one.waitForFunction(() => document.querySelector('#count-received') && document.querySelector('#count-received').textContent === '2', null, WAIT);
  assert.equal(await scr.textContent('#count-paper'), '2');

  // Each scrutineer's own hand count, side by side.
  await scr.fill('#s-batch', '1');
  await scr.fill('#s-sheets', '2');
  await scr.press('#s-sheets', 'Enter');
  await scr.waitForSelector('[data-batch="1"] .sheet-count[data-scrutineer="1"]', WAIT);
  assert.match(await scr.textContent('[data-batch="1"] .sheet-counts'), /监票员 A（我） 清点 2 张/);
  await d.connect('scrutineer2', hub.tokens.scrutineers[1].token);
  assert.equal((await d.command('scrutineer2', { kind: 'declare_sheets', batch: 1, sheets: 3 })).type, 'ack');
  await scr.waitForSelector('[data-batch="1"] .sheet-count[data-scrutineer="2"]', WAIT);
  assert.match(await scr.textContent('[data-batch="1"] .sheet-counts'), /监票员 B 清点 3 张/);
  assert.match(await scr.textContent('[data-batch="1"] .sheets-line'), /两位监票员清点不同/);
  await shot(scr, 'scrutiny-claims');
});

test('the hub\'s refusal of a second copy from the same device is said in words', async () => {
  // One device holds one desk card, so only a claim moved by the organiser can bring both copies of a
  // batch to one device; the hub refuses that with `same_device`, which the counter reads as:
  const text = await one.evaluate(() => window.YZ.desk.errorText({ code: 'same_device', detail: 'batch 2: counter 1', about: { unit: 'batch', n: 2, counters: [1] }, zh: '', en: '' }));
  assert.match(text, /这一批的另一份（1 号点票员）是在这台设备上录入的[\s\S]*两个人在两台设备上/);
  assert.deepEqual(errors, []);
});
