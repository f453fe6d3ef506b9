// The landing page in real Chromium: the meeting's name and rules, no
// external requests.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHub, launch, shot, axeViolations } from './harness.mjs';

let hub, browser;
before(async () => { hub = await startHub({ voters: 0 }); browser = await launch(); });
after(async () => { await browser?.close(); await hub?.stop(); });

test('landing page shows the meeting and asks nothing from the internet', async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 640 } });
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(hub.url)) foreign.push(r.url()); });
  await page.goto(hub.url);
  const h1 = await page.textContent('h1');
  assert.match(h1, /幸福微实事|筛选/);
  assert.match(await page.textContent('body'), /300000/);
  await shot(page, 'landing-phone');
  assert.deepEqual(foreign, []);
  assert.deepEqual(await axeViolations(page), []);
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
  const page = await browser.newPage();
  const unknown = await page.goto(`${hub.url}/j/NOPE1234`);
  assert.equal(unknown.status(), 404);
  assert.match(await page.textContent('body'), /代码无效/);
});

test('every page is served with a policy that forbids outside resources', async () => {
  const r = await fetch(`${hub.url}/`);
  assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
  const js = await fetch(`${hub.url}/assets/yz.js`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type'), /javascript/);
  const qr = await fetch(`${hub.url}/qr.svg`);
  assert.match(await qr.text(), /<svg/);
});
