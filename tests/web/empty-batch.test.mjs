// A stray paper batch (issue 16): a counter opens a batch, keys a ballot and
// removes it; the other counter, who keyed nothing there, finishes an empty
// copy on /count; the copies agree on nothing and the batch no longer blocks
// the close. The console's refusal of the close clears by itself as soon as
// nothing blocks it. Or the organiser discards the stray batch from the
// console (logged), and `hub verify` and scripts/verify-count accept it.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { startHub, launch, axeViolations, organiser, connect, exportJson, hubCmd, root } from './harness.mjs';

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
  await con.fill('#signin-code', hub.tokens.organiser.token);
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
  // The independent recount agrees: a batch agreed empty needs no hand count (as the hub decided).
  const file = join(hub.dir, 'empty-batch-log.jsonl');
  writeFileSync(file, hubCmd(['export', '--data', hub.data, '--format', 'log']));
  execFileSync('python3', [join(root, 'scripts', 'verify-count'), file], { encoding: 'utf8' });
  await one.close();
});

test('the organiser discards an empty batch from the console: it leaves the blockers, and the log checks out', async () => {
  const h2 = await startHub({ voters: 2 });
  try {
    const org = await organiser(browser, h2);
    assert.equal((await org.command({ kind: 'open_meeting' })).type, 'ack');
    await org.advanceTo('voting');
    // A counter opens batch 4, keys a ballot, takes it out again and leaves; batch 5 has a ballot.
    const one = await connect(browser, h2, h2.tokens.counters[0].token);
    assert.equal((await one.command({ kind: 'key_paper', batch: 4, number: '9', marks: ['P01'] })).type, 'ack');
    assert.equal((await one.command({ kind: 'remove_paper', batch: 4, number: '9' })).type, 'ack');
    assert.equal((await one.command({ kind: 'key_paper', batch: 5, number: '10', marks: ['P02'] })).type, 'ack');

    const con = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await con.goto(`${h2.url}/admin`);
    await con.fill('#signin-code', h2.tokens.organiser.token);
    await con.click('#signin-form button[type="submit"]');
    // The blockers come from the hub's data: batch 4 may be discarded, batch 5 may not.
    await con.waitForSelector('#close-blocked [data-unit="batch:4"] .discard-batch', WAIT);
    assert.equal(await con.locator('#close-blocked [data-unit="batch:5"] .discard-batch').count(), 0);
    assert.match(await con.textContent('#close-blocked [data-unit="batch:4"]'), /第 4 批：仍在录入/);
    await con.click('#close-blocked [data-unit="batch:4"] .discard-batch');
    await con.waitForSelector('.yz-dialog');
    assert.match(await con.textContent('.yz-dialog'), /丢弃第 4 批/);
    assert.match(await con.textContent('.yz-dialog'), /记入日志/);
    await con.click('.yz-dialog [data-confirm="yes"]');
    await con.waitForFunction(() => !document.querySelector('#close-blocked [data-unit="batch:4"]'), null, WAIT);
    assert.ok(await con.locator('#close-blocked [data-unit="batch:5"]').count(), 'batch 5 still blocks');
    assert.deepEqual(await axeViolations(con), []);

    // The refusal of the close is data: the blockers, never parsed from prose.
    const r = await org.command({ kind: 'advance_phase', to: 'counted' });
    assert.equal(r.code, 'paper_open');
    assert.deepEqual(r.blockers, [{ unit: 'batch', n: 5, why: 'keying', code: 'paper_open' }]);

    // Logged, and both checkers know the new event (verify-count exits non-zero on any problem).
    const log = hubCmd(['export', '--data', h2.data, '--format', 'log']);
    assert.match(log, /batch_discarded/);
    assert.match(hubCmd(['verify', '--data', h2.data]), /log intact/);
    const file = join(h2.dir, 'log.jsonl');
    writeFileSync(file, log);
    execFileSync('python3', [join(root, 'scripts', 'verify-count'), file], { encoding: 'utf8' });
    await one.close();
    await org.close();
  } finally {
    await h2.stop();
  }
});
