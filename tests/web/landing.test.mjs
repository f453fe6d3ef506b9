// The landing page in real Chromium: the meeting's name and rules, how to
// join (the typed code goes to /vote in the fragment), no external
// requests, join links, and the public live view following a meeting from
// setup to the results, its numbers equal to `hub export`.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHub, launch, shot, axeViolations } from './harness.mjs';
import { driver } from './driver.mjs';

const WAIT = { timeout: 20000 };
let hub, browser, d, page, snap, errors = [];
before(async () => {
  hub = await startHub({ voters: 4 });
  browser = await launch();
  d = await driver(browser, hub);
  snap = (await d.page.evaluate(() => window.__yz.socks.organiser.welcome.snapshot));
  page = await browser.newPage({ viewport: { width: 360, height: 640 } });
  page.on('pageerror', (e) => errors.push(String(e)));
});
after(async () => { await browser?.close(); await hub?.stop(); });

test('landing page shows the meeting and asks nothing from the internet', async () => {
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(hub.url)) foreign.push(r.url()); });
  await page.goto(hub.url);
  const h1 = await page.textContent('h1');
  assert.match(h1, /幸福微实事|筛选/);
  assert.match(await page.textContent('body'), /300,000 元/);
  assert.ok(await page.$('a[href="/projector"]'), 'a link to the projector view');
  await page.waitForSelector('#live-phase', WAIT);
  assert.match(await page.textContent('#live-phase'), /准备/);
  assert.match(await page.textContent('#live-body'), /会议尚未开始/);
  await shot(page, 'landing-phone');
  // The card's code box first: above the fold at 360×640, its placeholder whole, also in large type.
  for (const large of [false, true]) {
    if (large) {
      await page.click('[data-large-toggle]');
      await page.waitForFunction(() => document.documentElement.classList.contains('large'), null, WAIT);
    }
    const box = await page.$eval('#code', (i) => { const r = i.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, right: r.right, fits: i.scrollWidth <= i.clientWidth }; });
    assert.ok(box.top >= 0 && box.bottom <= 640 && box.right <= 360, `the code box above the fold${large ? ' in large type' : ''}: ${JSON.stringify(box)}`);
    const go = await page.$eval('#code-form button[type="submit"]', (b) => b.getBoundingClientRect().bottom);
    assert.ok(go <= 640, `and its button: ${go}`);
  }
  await page.click('[data-large-toggle]');
  await page.waitForFunction(() => !document.documentElement.classList.contains('large'), null, WAIT);
  assert.doesNotMatch(await page.evaluate(() => document.body.innerText), /hub verify|hub export|pitches|voting/);
  assert.deepEqual(foreign, []);
  assert.deepEqual(await axeViolations(page), []);
});

test('the page says the rules in the one vocabulary\'s words (money, the allocation rule, card codes)', async () => {
  await page.goto(hub.url);
  await page.waitForSelector('#live-phase', WAIT);
  const got = await page.evaluate(() => ({
    words: window.YZ_WORDS, lead: document.querySelector('.lead').textContent,
    money: YZ.money(1234567, 'CNY'), share: YZ.money(3448.75, 'CNY'), other: YZ.money(950, 'EUR'), code: YZ.normalizeToken('ｋ7m2-q9xp oil'),
    rule: YZ.allocationName('equal_shares')
  }));
  assert.ok(got.words && got.words.allocation && got.words.money, 'the hub serves the vocabulary with yz.js');
  // The demo funds greedily, skipping what does not fit: the lead says that rule in the vocabulary's words.
  assert.ok(got.lead.includes(got.words.allocation.greedy_skip.zh), got.lead);
  assert.equal(got.rule, got.words.allocation.equal_shares.zh);
  assert.equal(got.money, '1,234,567 元');
  assert.equal(got.share, '3,448.75 元', 'an equal share keeps its decimals');
  assert.equal(got.other, '950 EUR');
  assert.equal(got.code, 'K7M2Q9XP011', 'the twin of the hub\'s normalize_token');
});

test('a join link opens the page for its role and keeps the token out of the server\'s sight', async () => {
  const chair = hub.tokens.tables[1].chair;
  const r = await fetch(chair.link, { redirect: 'manual' });
  assert.equal(r.status, 303);
  const to = r.headers.get('location');
  assert.match(to, /^\/table#token=[0-9A-Z]+$/);
  assert.equal(to.split('=')[1], chair.token.replace(/-/g, ''));
  const organiser = await fetch(hub.tokens.organiser.link, { redirect: 'manual' });
  assert.match(organiser.headers.get('location'), /^\/admin#token=/);
  const voter = await fetch(hub.tokens.voters[0].link, { redirect: 'manual' });
  assert.match(voter.headers.get('location'), /^\/vote#token=/);
  const projector = await fetch(hub.tokens.projector.link, { redirect: 'manual' });
  assert.match(projector.headers.get('location'), /^\/projector#token=/);
  const p = await browser.newPage();
  const unknown = await p.goto(`${hub.url}/j/NOPE1234`);
  assert.equal(unknown.status(), 404);
  assert.match(await p.textContent('body'), /代码无效/);
  await p.close();
});

test('every page is served with a policy that forbids outside resources', async () => {
  for (const path of ['/', '/projector', '/vote']) {
    const r = await fetch(`${hub.url}${path}`);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
  }
  for (const asset of ['yz.js', 'views.js', 'projector.js', 'vote.js', 'landing.js']) {
    const js = await fetch(`${hub.url}/assets/${asset}`);
    assert.equal(js.status, 200, asset);
    assert.match(js.headers.get('content-type'), /javascript/);
  }
  for (const asset of ['yz.css', 'projector.css', 'vote.css', 'landing.css']) {
    const css = await fetch(`${hub.url}/assets/${asset}`);
    assert.equal(css.status, 200, asset);
    assert.match(css.headers.get('content-type'), /text\/css/);
  }
  const qr = await fetch(`${hub.url}/qr.svg`);
  assert.match(await qr.text(), /<svg/);
});

test('the public live view follows the meeting: tables, the stage, the tally, the results', async () => {
  await d.organise({ kind: 'open_meeting' });
  await page.waitForFunction(() => /签到/.test(document.querySelector('#live-phase').textContent), null, WAIT);
  await page.waitForSelector('#fingerprint', WAIT);

  await d.advanceTo('discussion');
  await page.waitForSelector('#live-tables', WAIT);
  assert.equal((await page.$$('#live-tables li')).length, 6);
  await d.pickAll(snap);
  await d.organise({ kind: 'lock_picks', table: 3 });
  await page.waitForSelector('#live-tables li[data-table="3"].state-locked', WAIT);
  assert.match(await page.textContent('#live-tables li[data-table="1"]'), /P01.*P02.*P03/);
  assert.deepEqual(await axeViolations(page), []);

  await d.advanceTo('pitches');
  await page.waitForFunction(() => /正在推介：第1桌/.test(document.querySelector('#live-body').textContent), null, WAIT);

  await d.advanceTo('voting');
  await page.waitForSelector('#live-tally', WAIT);
  const receipts = await d.castBallots([
    { token: hub.tokens.voters[0].token, choices: ['P01', 'P02'] },
    { token: hub.tokens.voters[1].token, choices: ['P02', 'P60'] },
    { token: hub.tokens.voters[2].token, choices: ['P02'] },
  ]);
  assert.equal(receipts.length, 3);
  await page.waitForFunction(() => document.querySelector('#count-received').textContent === '3', null, WAIT);
  const shown = await page.$$eval('#live-tally li', (ls) => Object.fromEntries(ls.map((l) => [l.getAttribute('data-id'), Number(l.getAttribute('data-votes'))])));
  assert.deepEqual(shown, hub.export().tally);
  assert.equal(await page.getAttribute('#live-tally li:first-child', 'data-id'), 'P02');
  await shot(page, 'landing-voting');
  assert.deepEqual(await axeViolations(page), []);

  await d.advanceTo('counted');
  await page.waitForSelector('#live-ranking', WAIT);
  const ex = hub.export();
  const ranking = await page.$$eval('#live-ranking li[data-id]', (ls) => ls.map((l) => [l.getAttribute('data-id'), Number(l.getAttribute('data-votes')), l.getAttribute('data-funded') === '1']));
  assert.deepEqual(ranking, ex.results.ranking.map((r) => [r.proposal, r.votes, r.funded]));
  assert.equal(await page.getAttribute('#log-head', 'data-head'), ex.log_head);
  await shot(page, 'landing-results');
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, []);
});

test('typing a voting card\'s code on the landing page opens the voter page, the code kept out of the address bar', async () => {
  await page.fill('#code', '12');
  await page.click('#code-form button');
  assert.ok(await page.isVisible('#code-error'));
  await page.fill('#code', hub.tokens.voters[3].token.toLowerCase());
  await page.click('#code-form button');
  await page.waitForSelector('#app[data-screen="results"]', WAIT); // voting has closed: this card never voted
  assert.equal(new URL(page.url()).pathname, '/vote');
  assert.equal(new URL(page.url()).hash, '');
});

test('a hub that refuses the public view: the landing page says so, the projector needs its link', async () => {
  const closed = await startHub({ voters: 0, serveArgs: ['--no-public'] });
  try {
    const p = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await p.goto(closed.url);
    assert.match(await p.textContent('#live-body'), /未开放公众实时查看/);
    await p.goto(`${closed.url}/projector`);
    await p.waitForFunction(() => /不开放匿名投影/.test(document.querySelector('#scene').textContent), null, WAIT);
    await p.goto(closed.tokens.projector.link);
    await p.waitForSelector('#scene[data-scene="setup"]', WAIT);
    assert.deepEqual(await axeViolations(p), []);
    await p.close();
  } finally {
    await closed.stop();
  }
});
