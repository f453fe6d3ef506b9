// The landing page in real Chromium: the meeting's name and rules, no
// external requests.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHub, launch, shot } from './harness.mjs';

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
});

test('a join link names the role; an unknown one says so', async () => {
  const page = await browser.newPage();
  const chair = hub.tokens.tables[1].chair;
  await page.goto(chair.link);
  assert.match(await page.textContent('body'), /桌长/);
  const r = await page.goto(`${hub.url}/j/NOPE1234`);
  assert.equal(r.status(), 404);
});
