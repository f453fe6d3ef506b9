// The scrutineer's page keeps a witness copy of the log (witness.js): every
// entry checked with its SHA-256, kept in IndexedDB across reloads,
// downloadable. A hub brought back on a shorter log (here: the data folder
// put back to an earlier backup, as if its WAL were lost) is stopped by the
// first page that saw more, the organiser's console says so at the top, the
// witness copy stays as it was, and `hub restore` from the downloaded copy
// brings the hub back with every ballot. With a hidden tally the entries of
// the vote stay sealed in the copy until the close.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHub, launch, shot, hubCmd } from './harness.mjs';
import { driver } from './driver.mjs';

const WAIT = { timeout: 20000 };
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const exportLog = (hub) => hubCmd(['export', '--data', hub.data, '--format', 'log']).trim().split('\n').map((l) => JSON.parse(l));
/** The scrutineer claims the card on this device with a new PIN (the desk pages ask on first use). */
async function claim(p, pin) {
  await p.waitForSelector('#claim-form', WAIT);
  await p.fill('#pin', pin);
  await p.fill('#pin2', pin);
  await p.press('#pin2', 'Enter');
  await p.waitForSelector('#claim', { state: 'hidden', ...WAIT });
}
const count = (p) => p.evaluate(() => Number((document.querySelector('#witness-count') || {}).textContent || 0));

test('the page hashes like everyone else: SHA-256 of UTF-8 text', async () => {
  const hub = await startHub({ voters: 1 });
  try {
    const p = await browser.newPage();
    await p.goto(hub.tokens.scrutineers[0].link);
    await p.waitForFunction(() => window.YZ && window.YZ.sha256);
    const samples = ['', 'abc', '圆桌 Yuanzhuo', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), '投'.repeat(1000)];
    const got = await p.evaluate((xs) => xs.map((x) => window.YZ.sha256(x)), samples);
    assert.deepEqual(got, samples.map((x) => createHash('sha256').update(x, 'utf8').digest('hex')));
  } finally { await hub.stop(); }
});

test('a witness copy on the scrutineer page survives a hub that lost entries, and restores it', async () => {
  const hub = await startHub({ voters: 8 });
  try {
    const d = await driver(browser, hub);
    const errors = [];
    const scr = await (await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } })).newPage();
    const adm = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    for (const p of [scr, adm]) p.on('pageerror', (e) => errors.push(String(e)));
    await scr.goto(hub.tokens.scrutineers[0].link);
    await claim(scr, '9753');
    await adm.goto(hub.tokens.organiser.link);
    await d.advanceTo('voting');
    // A backup now: what the folder will be put back to.
    const early = join(hub.dir, 'early.sqlite');
    hubCmd(['backup', '--data', hub.data, '--out', early]);
    const receipts = await d.castBallots(hub.tokens.voters.slice(0, 5).map((v, i) => ({ token: v.token, choices: [`P0${i + 1}`] })));
    assert.equal(receipts.filter((r) => /^[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(r)).length, 5);
    const log = exportLog(hub);
    await scr.waitForFunction((n) => Number((document.querySelector('#witness-count') || {}).textContent) === n, log.length, WAIT);
    assert.equal(await scr.getAttribute('#witness-head', 'class'), 'mono');
    assert.equal((await scr.textContent('#witness-head')).replace(/ /g, ''), log[log.length - 1].hash.slice(0, 16));
    // The console has seen the last entry too (its status line is online).
    await adm.waitForSelector('#status[data-state="online"]', WAIT);

    // Kept in IndexedDB: a reload shows the same copy before anything new arrives.
    await scr.reload();
    await scr.waitForFunction((n) => Number((document.querySelector('#witness-count') || {}).textContent) === n, log.length, WAIT);

    // The hub comes back on the folder as it was at the backup: shorter than
    // what the pages saw. The first page to reconnect stops it.
    await hub.restart({
      down: () => {
        for (const f of ['meeting.sqlite', 'meeting.sqlite-wal', 'meeting.sqlite-shm', 'meeting.head']) rmSync(join(hub.data, f), { force: true });
        hubCmd(['restore', '--from', early, '--data', hub.data]);
      },
    });
    await adm.waitForSelector('#halted:not([hidden])', WAIT);
    const banner = await adm.textContent('#halted');
    assert.match(banner, /日志缺少已确认的记录/);
    assert.match(banner, /hub restore --from/);
    assert.match(banner, /log ends at entry \d+; \S+ saw entry \d+/);
    assert.equal(await adm.getAttribute('#status', 'data-state'), 'halted');
    await shot(adm, 'admin-halted');
    const health = await fetch(`${hub.url}/healthz`);
    assert.equal(health.status, 503);
    assert.match((await health.json()).halted.en, /acknowledged entries are missing/);
    // The witness copy is untouched, and can be downloaded.
    await scr.waitForSelector('#status[data-state="halted"]', WAIT);
    assert.equal(await count(scr), log.length);
    const [download] = await Promise.all([scr.waitForEvent('download'), scr.click('#witness-download')]);
    const copyFile = join(hub.dir, 'witness.jsonl');
    await download.saveAs(copyFile);
    const copy = readFileSync(copyFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(copy, log);
    await shot(scr, 'scrutiny-witness');

    // Restored from the scrutineer's copy, the hub serves every ballot again and the console clears.
    await hub.restart({ down: () => { hubCmd(['restore', '--from', copyFile, '--data', hub.data]); } });
    await adm.waitForSelector('#status[data-state="online"]', WAIT);
    assert.equal(await adm.isHidden('#halted'), true);
    const ex = hub.export();
    for (const r of receipts) assert.ok(ex.ballots.some((b) => b.receipt === r), `ballot ${r} restored`);
    assert.match(hubCmd(['verify', '--data', hub.data]), /log intact/);
    assert.deepEqual(errors, []);
  } finally { await hub.stop(); }
});

const HIDDEN = `[meeting]
name = "见证测试会议"
venue = "测试社区活动室"
date = "2026-12-06"
proposals = "proposals.csv"

[rules]
tables = 3
max_choices = 3
tally = "hidden_until_close"

[rules.budget]
amount = 200000
`;

test('with a hidden tally the entries of the vote stay sealed in the copy until the close', async () => {
  const hub = await startHub({ voters: 4, meeting: HIDDEN });
  try {
    const d = await driver(browser, hub);
    const snap = await d.page.evaluate(() => window.__yz.socks.organiser.welcome.snapshot);
    const scr = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await scr.goto(hub.tokens.scrutineers[0].link);
    await claim(scr, '9753');
    await d.organise({ kind: 'open_meeting' });
    await d.advanceTo('discussion');
    await d.pickAll(snap);
    await d.advanceTo('voting');
    const choices = ['P07', 'P08', 'P09'];
    await d.castBallots(hub.tokens.voters.slice(0, 3).map((v) => ({ token: v.token, choices })));
    // The log cannot be exported while the tally is hidden: the board's
    // sequence number says how many entries there are (no entry comes after
    // the acknowledged ballots until the close).
    await scr.waitForFunction(async () => {
      const b = await (await fetch('/api/board', { cache: 'no-store' })).json();
      return Number((document.querySelector('#witness-count') || {}).textContent) === b.seq;
    }, null, { ...WAIT, polling: 200 });
    await scr.waitForSelector('#witness-sealed', WAIT);
    const text = () => scr.evaluate(() => {
      return new Promise((resolve) => {
        const dbs = indexedDB.databases ? indexedDB.databases() : Promise.resolve([]);
        dbs.then((list) => {
          const name = list.map((x) => x.name).find((x) => x.indexOf('yz-witness-') === 0);
          const req = indexedDB.open(name);
          req.onsuccess = () => {
            const all = req.result.transaction('rows').objectStore('rows').getAll();
            all.onsuccess = () => resolve(all.result);
          };
        });
      });
    });
    const held = await text();
    const ballots = held.filter((r) => r.sealed);
    assert.ok(ballots.length >= 3, 'the ballots are sealed');
    assert.ok(!JSON.stringify(held).includes('ballot_cast'), 'no ballot can be read in the copy');
    // The close: the sealed entries come again, open, checked against the hashes held.
    await d.advanceTo('counted');
    await scr.waitForSelector('#witness-sealed', { state: 'detached', timeout: 20000 });
    const opened = await text();
    const log = exportLog(hub);
    await scr.waitForFunction((n) => Number((document.querySelector('#witness-count') || {}).textContent) === n, log.length, WAIT);
    assert.ok(opened.every((r) => typeof r.body === 'string'));
    assert.equal(opened.filter((r) => r.body.includes('ballot_cast')).length, 3);
  } finally { await hub.stop(); }
});
