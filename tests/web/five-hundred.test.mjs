// The public pages at the largest size MEETING.md names for the room: 500
// proposals at 30 tables. The projector (1920×1080 and 1280×720) keeps every
// text at 1/40 of the screen's height or more in every scene and both
// languages, shows the top of the tally and pages the rest, pages the
// not-funded proposals with the reason in words; a resident on a 360×640
// phone in large type finds a proposal by its number in a few taps, with the
// submit and confirm buttons in sight.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHub, launch, shot, axeViolations, tooSmall, root } from './harness.mjs';
import { driver, ballotsFor } from './driver.mjs';

const WAIT = { timeout: 20000 };
const PHONE = { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true };
const N = 500;
let hub, browser, d, snap, big, small;

/** 500 proposals: the demo's 60 (titles, places, costs) again and again, numbered P001…P500. */
function proposals() {
  const [head, ...rows] = readFileSync(join(root, 'hub', 'demo', 'proposals.csv'), 'utf8').trim().split('\n');
  const out = [head];
  for (let i = 0; i < N; i++) {
    const cells = rows[i % rows.length].split(',');
    cells[0] = `P${String(i + 1).padStart(3, '0')}`;
    out.push(cells.join(','));
  }
  return out.join('\n') + '\n';
}

const meeting = readFileSync(join(root, 'hub', 'demo', 'meeting.toml'), 'utf8').replace(/^tables = \d+$/m, 'tables = 30');

before(async () => {
  hub = await startHub({ voters: 60, meeting, proposals: proposals() });
  browser = await launch();
  d = await driver(browser, hub);
  snap = await d.page.evaluate(() => window.__yz.socks.organiser.welcome.snapshot);
  assert.equal(snap.proposals.length, N);
  assert.equal(snap.tables.length, 30);
  big = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  small = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  for (const p of [big, small]) await p.goto(`${hub.url}/projector`);
});
after(async () => { await browser?.close(); await hub?.stop(); });

const both = () => [big, small];
const scene = (p, name) => p.waitForSelector(`#scene[data-scene="${name}"]`, WAIT);

/** Elements matching `sel`, not on another page, that are not wholly on screen. */
function offScreen(p, sel) {
  return p.evaluate((sel) => [...document.querySelectorAll(sel)].filter((el) => !el.closest('[hidden]')).filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width === 0 || r.height === 0 || r.left < 0 || r.top < 0 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5;
  }).map((el) => el.getAttribute('data-id') || el.getAttribute('data-table') || el.textContent), sel);
}

/** Every text at least 1/40 of the height, in Chinese and in English. */
async function readable(p, what) {
  assert.deepEqual(await tooSmall(p), [], `${what}, Chinese, ${p.viewportSize().height}p`);
  await p.keyboard.press('l');
  await p.waitForFunction(() => document.documentElement.lang === 'en', null, WAIT);
  assert.deepEqual(await tooSmall(p), [], `${what}, English, ${p.viewportSize().height}p`);
  await p.keyboard.press('l');
  await p.waitForFunction(() => document.documentElement.lang === 'zh-CN', null, WAIT);
}

test('30 tables: every card on screen, every text readable', async () => {
  await d.organise({ kind: 'open_meeting' });
  await d.advanceTo('discussion');
  await d.pickAll(snap);
  for (const p of both()) {
    await scene(p, 'tables');
    await p.waitForFunction(() => document.querySelectorAll('.tcard.state-picked').length === 30, null, WAIT);
    assert.deepEqual(await offScreen(p, '.tcard'), []);
    await readable(p, 'tables');
  }
  await shot(big, 'projector-500-tables');
});

test('voting at 500 proposals: the top of the tally stays, the rest turn in pages, all readable', async () => {
  await d.advanceTo('voting');
  const ids = snap.proposals.map((p) => p.id);
  const receipts = await d.castBallots(ballotsFor(hub.tokens.voters.slice(0, 50).map((v) => v.token), ids, 10));
  assert.equal(receipts.filter((r) => /^[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(r)).length, 50, receipts.join(' '));
  for (const p of both()) {
    await scene(p, 'voting');
    await p.waitForFunction(() => document.querySelector('#count-received').textContent === '50', null, WAIT);
    await p.waitForFunction(() => document.querySelectorAll('#tally .trow').length === 500, null, WAIT);
    const line = await p.waitForSelector('#tally-pages:not([hidden])', WAIT);
    assert.match(await line.textContent(), /前 \d+ 名常显/);
    assert.deepEqual(await offScreen(p, '#tally .trow'), []);
    assert.equal(await p.evaluate(() => {
      const line = document.querySelector('#tally-pages').getBoundingClientRect();
      return [...document.querySelectorAll('#tally .trow:not([hidden])')].filter((r) => r.getBoundingClientRect().bottom > line.top + 0.5).length;
    }), 0, 'the page line is under the rows, not over them');
    const shown = await p.$$eval('#tally .trow:not([hidden])', (rs) => rs.map((r) => r.getAttribute('data-id')));
    assert.ok(shown.length >= 20, `${shown.length} rows on screen`);
    // The top of the vote is always there; → (or the 8 s cycle) turns the rest.
    const first = await p.$$eval('#tally .trow', (rs) => rs[0].getAttribute('data-id'));
    assert.ok(shown.includes(first));
    const page = await line.getAttribute('data-page');
    await p.keyboard.press('ArrowRight');
    await p.waitForFunction((pg) => document.querySelector('#tally-pages').getAttribute('data-page') !== pg, page, WAIT);
    const next = await p.$$eval('#tally .trow:not([hidden])', (rs) => rs.map((r) => r.getAttribute('data-id')));
    assert.ok(next.includes(first), 'the leader stays on screen');
    assert.notDeepEqual(next, shown, 'another page of the rest');
    assert.deepEqual(await offScreen(p, '#tally .trow'), []);
    await readable(p, 'voting');
  }
  await shot(big, 'projector-500-voting');
});

test('a resident finds proposal 437 by its number on a 360×640 phone in large type, and votes', async () => {
  const ctx = await browser.newContext(PHONE);
  const phone = await ctx.newPage();
  await phone.goto(hub.tokens.voters[55].link);
  await phone.waitForSelector('#app[data-screen="choose"]', WAIT);
  await phone.tap('[data-large-toggle]');
  await phone.waitForFunction(() => document.documentElement.classList.contains('large'), null, WAIT);
  assert.equal((await phone.$$('.item')).length, N);
  // Tap the box, type the number, tap the proposal: three taps.
  await phone.tap('#search');
  await phone.keyboard.type('437');
  await phone.waitForFunction(() => [...document.querySelectorAll('.item')].filter((i) => !i.hidden && i.offsetParent).length === 1, null, WAIT);
  assert.deepEqual(await phone.$$eval('.item', (is) => is.filter((i) => !i.hidden && i.offsetParent).map((i) => i.getAttribute('data-id'))), ['P437']);
  await phone.tap('.item[data-id="P437"] label');
  assert.equal(await phone.textContent('#count'), '1');
  const inView = (sel) => phone.$eval(sel, (el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
  });
  assert.ok(await inView('#to-review'), 'the submit button is on screen');
  await phone.tap('#to-review');
  await phone.waitForSelector('#app[data-screen="review"]', WAIT);
  assert.ok(await inView('#submit'), 'the confirm button is on screen');
  await phone.tap('#submit');
  await phone.waitForSelector('#app[data-screen="receipt"]', WAIT);
  assert.match(await phone.textContent('#receipt'), /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  // The receipt fits its box.
  assert.ok(await phone.$eval('.receipt-box', (b) => {
    const box = b.getBoundingClientRect(), code = document.querySelector('#receipt').getBoundingClientRect();
    return b.scrollWidth <= b.clientWidth && code.left >= box.left && code.right <= box.right;
  }), 'the receipt code inside its box');
  await shot(phone, 'vote-500-receipt');
  assert.deepEqual(await axeViolations(phone), []);
  await ctx.close();
});

test('results at 500 proposals: funded and not funded in pages, each with the reason in words, all readable', async () => {
  await d.advanceTo('counted');
  const ex = hub.export();
  for (const p of both()) {
    await scene(p, 'results');
    await p.waitForSelector('[data-pages-for="rrest"][data-pages]', WAIT);
    const pages = Number(await p.getAttribute('[data-pages-for="rrest"]', 'data-pages'));
    assert.ok(pages > 1, `${pages} pages of the not funded`);
    assert.deepEqual(await offScreen(p, '#rfunded li, #rrest li'), []);
    for (const why of await p.$$eval('#rrest li:not([hidden]) .why', (ws) => ws.map((w) => w.textContent))) {
      assert.match(why, /^(预算剩余 [\d,]+ 元，不够 [\d,]+ 元|无人投票|预算线以下.*|投票前已确认排除)$/);
    }
    assert.equal(await p.$$eval('#rfunded li, #rrest li', (ls) => ls.length), N);
    await readable(p, 'results');
  }
  assert.equal(ex.results.ranking.length, N);
  await shot(big, 'projector-500-results');
  assert.deepEqual(await axeViolations(big), []);
});
