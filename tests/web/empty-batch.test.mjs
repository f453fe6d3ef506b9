// A stray paper batch (issue 16): a counter opens a batch, keys a ballot and
// removes it; the other counter, who keyed nothing there, finishes an empty
// copy on /count; the copies agree on nothing and the batch no longer blocks
// the close. The console's refusal of the close clears by itself as soon as
// nothing blocks it.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHub, launch, axeViolations, organiser, connect, exportJson } from './harness.mjs';

const WAIT = { timeout: 20000 };
let hub, browser;

before(async () => {
  hub = await startHub({ voters: 2 });
  browser = await launch();
  const org = await organiser(browser, hub);
  assert.equal((await org.command({ kind: 'open_meeting' })).type, 'ack');
  await org.advanceTo('voting');
  await org.close();
});
after(async () => { await browser?.close(); await hub?.stop(); });

test('an empty copy finishes, the stray batch agrees on nothing, and the console\'s refusal clears', async () => {
  const one = await connect(browser, hub, hub.tokens.counters[0].token);
  assert.equal((await one.command({ kind: 'key_paper', batch: 7, number: '9', marks: ['P01'] })).type, 'ack');
  assert.equal((await one.command({ kind: 'remove_paper', batch: 7, number: '9' })).type, 'ack');
  assert.equal((await one.command({ kind: 'finish_paper', batch: 7 })).type, 'ack');

  // The organiser tries to close: refused, said where the button is.
  const con = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await con.goto(`${hub.url}/admin`);
  await con.fill('#secret', hub.tokens.organiser.token);
  await con.click('#signin-form button[type="submit"]');
  await con.waitForSelector('[data-next-step]');
  await con.click('[data-next-step]');
  await con.waitForSelector('.yz-dialog');
  assert.match(await con.textContent('.yz-dialog'), /还没有完成|计票台还没有完成/);
  await con.click('.yz-dialog [data-confirm="yes"]');
  await con.waitForFunction(() => /结束投票被拒绝/.test(document.querySelector('#close-blocked')?.textContent || ''), null, WAIT);

  // The second counter, who keyed nothing in batch 7, finishes an empty copy.
  const two = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
  await two.goto(hub.tokens.counters[1].link);
  await two.waitForSelector('#claim-form', WAIT);
  await two.fill('#pin', '2468');
  await two.fill('#pin2', '2468');
  await two.press('#pin2', 'Enter');
  await two.waitForSelector('#claim', { state: 'hidden', ...WAIT });
  await two.fill('#batch-no', '7');
  await two.press('#batch-no', 'Enter');
  await two.waitForFunction(() => /7/.test(document.querySelector('#batch-h')?.textContent || ''), null, WAIT);
  await two.waitForSelector('#finish:not([disabled])', WAIT);
  await two.click('#finish');
  await two.waitForSelector('.yz-dialog');
  assert.match(await two.textContent('.yz-dialog'), /0 张/);
  await two.click('.yz-dialog [data-confirm="yes"]');
  await two.waitForSelector('#batch-status[data-status="agreed"]', WAIT);
  assert.deepEqual(await axeViolations(two), []);

  // Nothing blocks the close any more: the console's refusal is gone without another try.
  await con.waitForFunction(() => !document.querySelector('#close-blocked'), null, WAIT);
  await con.click('[data-next-step]');
  await con.waitForSelector('.yz-dialog');
  await con.click('.yz-dialog [data-confirm="yes"]');
  await con.waitForFunction(() => document.querySelector('#phase').textContent === '计票完成', null, WAIT);
  const ex = exportJson(hub);
  assert.equal(ex.phase, 'counted');
  assert.equal(ex.ballots.filter((b) => b.method === 'paper').length, 0);
  await one.close();
});
