// The voter page (/vote) in real Chromium at phone size (360×640, touch):
// from the card's link to the receipt, with the projector page watching the
// count; a used card; a typed code; and flaky Wi-Fi — the hub's answer lost,
// a ballot frame lost and the page reloaded — each time exactly one ballot
// in `hub export`, never two, never none.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHub, launch, shot, docShot, axeViolations } from './harness.mjs';
import { driver } from './driver.mjs';

const WAIT = { timeout: 20000 };
const PHONE = { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true };
let hub, browser, d, snap, projector, phone, errors = [];

before(async () => {
  hub = await startHub({ voters: 8 });
  browser = await launch();
  d = await driver(browser, hub);
  snap = (await d.page.evaluate(() => window.__yz.socks.organiser.welcome.snapshot));
  projector = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await projector.goto(`${hub.url}/projector`);
  phone = await newPhone();
});
after(async () => { await browser?.close(); await hub?.stop(); });

/** A fresh phone (its own storage), optionally with a WebSocket route in front of the hub. */
async function newPhone(route) {
  const ctx = await browser.newContext(PHONE);
  if (route) await ctx.routeWebSocket(/\/ws$/, route);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  return page;
}
const screen = (p, name) => p.waitForSelector(`#app[data-screen="${name}"]`, WAIT);
const ballots = () => hub.export().ballots;
const projectorCounts = () => projector.$$eval('#tally .trow', (rows) => Object.fromEntries(rows.map((r) => [r.getAttribute('data-id'), Number(r.getAttribute('data-votes'))])));

test('the card\'s link opens a waiting screen that switches by itself when voting opens', async () => {
  await phone.goto(hub.tokens.voters[0].link);
  await screen(phone, 'waiting');
  assert.equal(new URL(phone.url()).pathname, '/vote');
  assert.equal(new URL(phone.url()).hash, '', 'the code is not left in the address bar');
  assert.match(await phone.textContent('h1'), /投票尚未开始/);
  assert.deepEqual(await axeViolations(phone), []);
  await d.organise({ kind: 'open_meeting' });
  await d.advanceTo('discussion');
  await d.pickAll(snap);
  await d.advanceTo('pitches');
  await phone.waitForFunction(() => /正在推介/.test(document.body.textContent), null, WAIT);
  await shot(phone, 'vote-waiting');
  await d.advanceTo('voting');
  await screen(phone, 'choose');
  assert.equal((await phone.$$('.group')).length, 6);
  assert.equal((await phone.$$('.item')).length, 60);
  for (const t of snap.tables) {
    const picked = await phone.$$eval(`.group:nth-of-type(${t.table}) .item[data-picked="1"]`, (is) => is.map((i) => i.getAttribute('data-id')));
    assert.deepEqual(picked, t.share.slice(0, 3), `table ${t.table}'s picks are marked`);
  }
  assert.deepEqual(await axeViolations(phone), []);
});

test('search narrows the list; only-picks shows the tables\' picks', async () => {
  const visible = () => phone.$$eval('.item', (is) => is.filter((i) => !i.hidden && i.offsetParent).map((i) => i.getAttribute('data-id')));
  await phone.fill('#search', '厕所');
  assert.deepEqual(await visible(), ['P03']);
  // A number finds that proposal ("p4", "4", "04": P04), words anything containing them.
  await phone.fill('#search', 'p4');
  assert.deepEqual(await visible(), ['P04']);
  await phone.fill('#search', '41');
  assert.deepEqual(await visible(), ['P41']);
  await phone.fill('#search', '楼道');
  assert.ok((await visible()).length > 1);
  await phone.fill('#search', '没有这种项目');
  assert.deepEqual(await visible(), []);
  assert.ok(await phone.isVisible('#no-match'));
  await phone.fill('#search', '');
  await phone.tap('label[for="picks-only"]');
  assert.equal((await visible()).length, 18);
  await phone.tap('label[for="picks-only"]');
  assert.equal((await visible()).length, 60);
});

const TEN = ['P01', 'P02', 'P03', 'P11', 'P12', 'P13', 'P21', 'P22', 'P23', 'P40'];

test('ten choices, the eleventh refused; the choice survives a reload; review, submit, receipt; the projector counts it', async () => {
  const before = await projectorCounts();
  for (const id of TEN) await phone.tap(`.item[data-id="${id}"] label`);
  assert.equal(await phone.textContent('#count'), '10');
  assert.match(await phone.textContent('#counter'), /10\s*\/\s*10/);
  await phone.tap('.item[data-id="P24"] label');
  assert.equal(await phone.isChecked('.item[data-id="P24"] input'), false, 'the 11th is not taken');
  assert.equal(await phone.textContent('#count'), '10');
  assert.ok(await phone.isVisible('#limit-msg'), 'and the voter is told why, where they are looking');
  assert.match(await phone.textContent('#limit-msg'), /最多只能选 10 个/);
  await phone.$eval('.item[data-id="P22"]', (e) => e.scrollIntoView({ block: 'center' }));
  await docShot(phone, 'vote-phone');
  // The details of a proposal open on tap, under it.
  assert.equal(await phone.isVisible('.item[data-id="P22"] .more .idesc'), false);
  await phone.tap('.item[data-id="P22"] .more summary');
  await phone.waitForSelector('.item[data-id="P22"] .more .idesc', { state: 'visible', ...WAIT });
  assert.equal(await phone.isChecked('.item[data-id="P22"] input'), true, 'opening the details does not untick it');
  // In large type the bar at the bottom stays one line, inside the screen, the list scrolling under it.
  await phone.tap('[data-large-toggle]');
  await phone.waitForFunction(() => document.documentElement.classList.contains('large'), null, WAIT);
  for (const y of [0, 3000]) {
    await phone.evaluate((y) => window.scrollTo(0, y), y);
    const bar = await phone.evaluate(() => {
      const b = document.querySelector('#submitbar .bar-row').getBoundingClientRect(), go = document.querySelector('#to-review').getBoundingClientRect();
      const c = document.querySelector('#counter');
      return { top: b.top, bottom: b.bottom, height: b.height, goBottom: go.bottom, goRight: go.right, counterFits: c.scrollWidth <= c.clientWidth, lines: Math.round(go.height / parseFloat(getComputedStyle(document.querySelector('#to-review')).lineHeight || 20)) };
    });
    assert.ok(bar.goBottom <= 640 && bar.goRight <= 360, `the submit button inside 360×640: ${JSON.stringify(bar)}`);
    assert.ok(bar.height <= 80 && bar.counterFits, `one line, ${bar.height}px: ${JSON.stringify(bar)}`);
  }
  await phone.tap('[data-large-toggle]');

  await phone.reload();
  await screen(phone, 'choose');
  const kept = await phone.$$eval('input.box:checked', (bs) => bs.map((b) => b.value));
  assert.deepEqual(kept.sort(), [...TEN].sort(), 'the choice in progress is still there after a reload');

  await phone.tap('#to-review');
  await screen(phone, 'review');
  assert.deepEqual(await phone.$$eval('.review-list li .pid', (ps) => ps.map((p) => p.textContent)), TEN);
  // Confirm is in sight without scrolling, also in large type with ten choices listed.
  await phone.tap('[data-large-toggle]');
  await phone.waitForFunction(() => document.documentElement.classList.contains('large'), null, WAIT);
  const confirm = await phone.$eval('#submit', (b) => { const r = b.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, right: r.right }; });
  assert.ok(confirm.top >= 0 && confirm.bottom <= 640 && confirm.right <= 360, `确认提交 inside 360×640: ${JSON.stringify(confirm)}`);
  await shot(phone, 'vote-review-large');
  await phone.tap('[data-large-toggle]');
  await shot(phone, 'vote-review');
  assert.deepEqual(await axeViolations(phone), []);
  await phone.tap('#submit');
  await screen(phone, 'receipt');
  const receipt = await phone.textContent('#receipt');
  assert.match(receipt, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assert.match(await phone.textContent('h1'), /投票成功/);
  assert.match(await phone.textContent('#app'), /公示栏核对/);
  await shot(phone, 'vote-receipt');
  assert.deepEqual(await axeViolations(phone), []);

  const recorded = ballots();
  assert.equal(recorded.length, 1);
  assert.equal(recorded[0].receipt, receipt);
  assert.deepEqual([...recorded[0].choices].sort(), [...TEN].sort());
  await projector.waitForFunction(() => document.querySelector('#count-received').textContent === '1', null, WAIT);
  const after = await projectorCounts();
  for (const p of snap.proposals) assert.equal(after[p.id], before[p.id] + (TEN.includes(p.id) ? 1 : 0), p.id);
});

test('the same card cannot vote again: it shows "already voted" and the same receipt', async () => {
  const receipt = await phone.textContent('#receipt');
  const again = await newPhone();
  await again.goto(hub.tokens.voters[0].link);
  await screen(again, 'receipt');
  assert.match(await again.textContent('h1'), /已经投过票/);
  assert.equal(await again.textContent('#receipt'), receipt);
  assert.equal((await again.$$('#my-choices li')).length, 10);
  // And through the protocol itself.
  assert.deepEqual(await d.castBallots([{ token: hub.tokens.voters[0].token, choices: ['P59'] }]), ['already_voted']);
  assert.equal(ballots().length, 1);
  await again.context().close();
});

test('a code typed by hand works whatever its case and dashes; a wrong code or a staff card says so', async () => {
  const p = await newPhone();
  await p.goto(`${hub.url}/vote`);
  await screen(p, 'code');
  assert.deepEqual(await axeViolations(p), []);
  await p.fill('#code', 'NOPE-NOPE-NOPE');
  await p.tap('button[type="submit"]');
  await p.waitForSelector('#code-error', WAIT);
  assert.match(await p.textContent('#code-error'), /代码无效/);
  await shot(p, 'vote-code-refused');
  assert.deepEqual(await axeViolations(p), []);

  await p.fill('#code', hub.tokens.tables[0].chair.token);
  await p.tap('button[type="submit"]');
  await screen(p, 'wrong');
  assert.match(await p.textContent('#app'), /不是投票卡/);
  await p.tap('#app button');
  await screen(p, 'code');

  const typed = hub.tokens.voters[1].token.toLowerCase().replace(/-/g, ' ');
  await p.fill('#code', typed);
  await p.tap('button[type="submit"]');
  await screen(p, 'choose');
  await p.context().close();
});

test('Wi-Fi drops before the hub\'s answer arrives: the page re-sends the same command id, and one ballot is recorded', async () => {
  const ids = [];
  let dropped = false;
  const p = await newPhone((ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      const j = JSON.parse(m);
      if (j.type === 'command' && j.command.kind === 'cast_ballot') ids.push(j.id);
      server.send(m);
    });
    server.onMessage((m) => {
      const j = JSON.parse(m);
      if (!dropped && j.type === 'ack' && ids.includes(j.id)) {
        // The ballot is in the hub's log; the answer never reaches the phone.
        dropped = true;
        ws.close();
        server.close();
        return;
      }
      ws.send(m);
    });
  });
  const count = ballots().length;
  await p.goto(hub.tokens.voters[2].link);
  await screen(p, 'choose');
  for (const id of ['P05', 'P06']) await p.tap(`.item[data-id="${id}"] label`);
  await p.tap('#to-review');
  await p.tap('#submit');
  await screen(p, 'receipt');
  assert.ok(dropped, 'the first answer was dropped');
  assert.ok(ids.length >= 2, `sent ${ids.length} times`);
  assert.equal(new Set(ids).size, 1, 'always with the same id');
  const now = ballots();
  assert.equal(now.length, count + 1, 'exactly one ballot');
  assert.equal(now[now.length - 1].receipt, await p.textContent('#receipt'));
  assert.match(await p.textContent('h1'), /投票成功/);
  await p.context().close();
});

test('the ballot frame is lost and the voter reloads: the same id goes out again after the reload, and one ballot is recorded', async () => {
  const ids = [];
  let block = true;
  const p = await newPhone((ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      const j = JSON.parse(m);
      if (j.type === 'command' && j.command.kind === 'cast_ballot') {
        ids.push(j.id);
        if (block) return; // lost on the way to the hub
      }
      server.send(m);
    });
  });
  const count = ballots().length;
  await p.goto(hub.tokens.voters[3].link);
  await screen(p, 'choose');
  for (const id of ['P07', 'P08', 'P09']) await p.tap(`.item[data-id="${id}"] label`);
  await p.tap('#to-review');
  await p.tap('#submit');
  await screen(p, 'submitting');
  await p.waitForFunction(() => Object.keys(localStorage).some((k) => k.indexOf('yz.vote.pending.') === 0), null, WAIT);
  assert.equal(ballots().length, count, 'the hub has not seen it');
  await shot(p, 'vote-submitting');
  block = false;
  await p.reload();
  await screen(p, 'receipt');
  assert.ok(ids.length >= 2 && new Set(ids).size === 1, `ids ${ids.join(' ')}`);
  const now = ballots();
  assert.equal(now.length, count + 1, 'exactly one ballot');
  assert.deepEqual([...now[now.length - 1].choices].sort(), ['P07', 'P08', 'P09']);
  assert.equal(await p.textContent('#receipt'), now[now.length - 1].receipt);
  assert.ok(!(await p.evaluate(() => Object.keys(localStorage).some((k) => k.indexOf('yz.vote.pending.') === 0))), 'nothing left pending');
  await p.context().close();
});

test('the close switches a page on the phase alone; the results fill in when they come', async () => {
  // A phone whose results are held back on the way: the hub sends the
  // close's phase first, in an update of its own, and the results after it.
  let ws = null, holding = true, phaseAlone = null;
  const held = [];
  const late = await newPhone((route) => {
    const server = route.connectToServer();
    ws = route;
    route.onMessage((m) => server.send(m));
    server.onMessage((m) => {
      const j = JSON.parse(m);
      if (j.type === 'update' && j.phase === 'counted') phaseAlone = !('results' in j);
      if (holding && j.type === 'update' && 'results' in j) { held.push(m); return; }
      route.send(m);
    });
  });
  await late.goto(hub.tokens.voters[7].link);
  await screen(late, 'choose');
  await d.advanceTo('counted');
  await screen(late, 'results');
  assert.equal(phaseAlone, true, 'the phase came in an update without the results');
  assert.match(await late.textContent('#app'), /正在计票/);
  assert.equal((await late.$$('#ranking li')).length, 0);
  holding = false;
  held.forEach((m) => ws.send(m));
  await late.waitForSelector('#ranking li', WAIT);
  assert.equal((await late.$$('#ranking li')).length, 60);
  await late.context().close();
});

test('after the count the page shows the results, the voter\'s receipt and choices marked; large type and English', async () => {
  await screen(phone, 'results');
  await phone.waitForSelector('#ranking li', WAIT);
  assert.equal(await phone.textContent('#receipt'), ballots()[0].receipt);
  assert.equal((await phone.$$('#ranking li')).length, 60);
  assert.equal((await phone.$$('#ranking li.mine')).length, 10);
  const ex = hub.export();
  const shown = await phone.$$eval('#ranking li', (ls) => ls.map((l) => [l.getAttribute('data-id'), Number(l.getAttribute('data-votes'))]));
  assert.deepEqual(shown, ex.results.ranking.map((r) => [r.proposal, r.votes]));
  await shot(phone, 'vote-results');
  assert.deepEqual(await axeViolations(phone), []);

  await phone.tap('[data-large-toggle]');
  assert.ok(await phone.evaluate(() => document.documentElement.classList.contains('large')));
  await phone.tap('[data-lang-toggle]');
  await phone.waitForFunction(() => /Results/.test(document.querySelector('h1').textContent), null, WAIT);
  await shot(phone, 'vote-results-large-en');
  assert.deepEqual(await axeViolations(phone), []);
  await phone.reload();
  await screen(phone, 'results');
  assert.ok(await phone.evaluate(() => document.documentElement.classList.contains('large') && document.documentElement.lang === 'en'), 'both remembered');
  assert.deepEqual(errors, []);
});
