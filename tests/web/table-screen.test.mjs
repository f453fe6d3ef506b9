// The table screen (/table-screen, issue 16): a tablet in the middle of a
// table, opened from the chair's page with the table's card, read-only. It
// shows the current speaker, the next ones, who has not spoken yet, and the
// meeting's countdown: the same remaining time as the projector (±1 s).
// And the chair's word to the organiser ("ready" / "more time") from the
// chair's phone reaches the console's readiness strip and its confirmation.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHub, launch, docShot, axeViolations, organiser, connect } from './harness.mjs';

const WAIT = { timeout: 20000 };
const JARGON = /hub verify|hub export|pitches|voting/;
let hub, browser, org, chair;

before(async () => {
  hub = await startHub({ voters: 0 });
  browser = await launch();
  org = await organiser(browser, hub);
  assert.equal((await org.command({ kind: 'open_meeting' })).type, 'ack');
  await org.advanceTo('discussion');
  chair = await connect(browser, hub, hub.tokens.tables[0].chair.token);
  for (const seat of ['3', '5', '7']) {
    assert.equal((await chair.command({ kind: 'queue_speaker', table: 1, name: seat, turn: 'for' })).type, 'ack');
  }
  assert.equal((await chair.command({ kind: 'start_speaker', table: 1 })).type, 'ack');
});
after(async () => { await browser?.close(); await hub?.stop(); });

/** "39:58" → seconds. */
const secs = (t) => { const m = /(\d+):(\d\d)$/.exec(t.trim()); assert.ok(m, `a countdown: ${t}`); return Number(m[1]) * 60 + Number(m[2]); };

test('the table screen shows the speaker, the next, who has not spoken, and the projector\'s time', async () => {
  // Opened from the chair's page, as a person would: the link carries the card.
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
  await phone.goto(hub.tokens.tables[0].chair.link);
  await phone.click('[data-tab="queue"]');
  const href = await phone.getAttribute('#screen-link', 'href');
  assert.match(href, /^\/table-screen#token=/);

  const tablet = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
  const errors = [];
  tablet.on('pageerror', (e) => errors.push(String(e)));
  await tablet.goto(hub.url + href);
  await tablet.waitForFunction(() => document.querySelector('#ts-speaker').textContent === '3号', null, WAIT);
  assert.equal(new URL(tablet.url()).hash, '', 'the card is taken out of the address bar');
  assert.match(await tablet.textContent('#ts-table'), /第1桌/);
  assert.match(await tablet.textContent('#ts-next'), /5号[\s\S]*7号/);
  // Who has not spoken is marked, in words too.
  assert.equal(await tablet.getAttribute('#ts-balance li[data-name="5"]', 'data-spoken'), 'no');
  assert.equal(await tablet.getAttribute('#ts-balance li[data-name="3"]', 'data-now'), 'yes');
  assert.match(await tablet.textContent('#ts-silent'), /还没有发言：5号、7号/);
  // Nothing to press on it but the language.
  assert.deepEqual(await tablet.$$eval('main button:not([hidden])', (b) => b.filter((x) => x.offsetParent).map((x) => x.hasAttribute('data-lang-toggle'))), [true]);

  // The same remaining time as the projector, ±1 s (read projector, screen, projector: bounded either side).
  const projector = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  await projector.goto(hub.tokens.projector.link);
  await projector.waitForFunction(() => /^\d+:\d\d$/.test(document.querySelector('[data-timer]')?.textContent || ''), null, WAIT);
  const before = secs(await projector.textContent('[data-timer]'));
  const screen = secs(await tablet.textContent('#ts-clock'));
  const after = secs(await projector.textContent('[data-timer]'));
  assert.ok(screen <= before + 1 && screen >= after - 1, `projector ${before}…${after}, table screen ${screen}`);
  // The digits are big enough to read across a table.
  const size = await tablet.$eval('#ts-clock', (e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(size >= 100, `the countdown is ${size}px`);
  // It follows the queue live.
  assert.equal((await chair.command({ kind: 'start_speaker', table: 1 })).type, 'ack');
  await tablet.waitForFunction(() => document.querySelector('#ts-speaker').textContent === '5号', null, WAIT);
  await tablet.waitForFunction(() => document.querySelector('#ts-balance li[data-name="3"]').getAttribute('data-spoken') === 'yes', null, WAIT);
  assert.doesNotMatch(await tablet.evaluate(() => document.body.innerText), JARGON);
  assert.deepEqual(await axeViolations(tablet), []);
  await docShot(tablet, 'table-screen-tablet');
  assert.deepEqual(errors, []);
});

test('the table\'s own read-only card opens the table screen from its printed QR link', async () => {
  const card = hub.tokens.tables[0].screen;
  assert.ok(card && card.link, 'the token sheet has a screen card for each table');
  const tablet = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
  await tablet.goto(card.link);
  await tablet.waitForURL(/\/table-screen/, WAIT);
  // The same table's queue as the chair's card shows: seat 5 speaks (from the test above).
  await tablet.waitForFunction(() => document.querySelector('#ts-speaker') && document.querySelector('#ts-speaker').textContent === '5号', null, WAIT);
  assert.equal(await tablet.isHidden('#wrong-card'), true);
  // Read-only: the hub refuses its commands (tests/tests/system/protocol.rs).
  assert.deepEqual(await axeViolations(tablet), []);
});

test('a chair says "more time" from the phone: the console\'s strip shows it and the next step names the table', async () => {
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
  await phone.goto(hub.tokens.tables[0].chair.link);
  await phone.waitForSelector('#signal-box:not([hidden]) [data-signal="more_time"]', WAIT);
  await phone.click('#signal-box [data-signal="more_time"]');
  await phone.waitForFunction(() => document.querySelector('#signal-box [data-signal="more_time"]').getAttribute('aria-pressed') === 'true', null, WAIT);
  assert.deepEqual(await axeViolations(phone), []);

  const console = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await console.goto(`${hub.url}/admin`);
  await console.fill('#signin-code', hub.tokens.organiser.token);
  await console.click('#signin-form button[type="submit"]');
  await console.waitForSelector('#strip li[data-table="1"][data-signal="more_time"]', WAIT);
  assert.match(await console.textContent('#strip-h'), /要求更多时间 1/);
  // The confirmation of the step names the table that asked for time.
  await console.click('[data-next-step]');
  await console.waitForSelector('.yz-dialog');
  assert.match(await console.textContent('.yz-dialog'), /要求更多时间：第1桌/);
  await console.click('.yz-dialog [data-confirm="no"]');

  // Another tap on the same button takes it back; the strip follows.
  await phone.click('#signal-box [data-signal="more_time"]');
  await console.waitForSelector('#strip li[data-table="1"][data-signal="none"]', WAIT);
  await phone.click('#signal-box [data-signal="ready"]');
  await console.waitForSelector('#strip li[data-table="1"][data-signal="ready"]', WAIT);
  assert.match(await console.textContent('#strip-h'), /已就绪 1/);
});
