// The organiser's console on the day (issue 16), on a 1366 × 768 laptop
// screen with 30 tables: the next sensible step is the one primary button,
// in sight without scrolling in every phase (during the pitches it calls the
// next table that has not pitched); the confirmations name what is not
// finished; the big countdown ticks; every table fits one readiness strip;
// no command names or raw phase codes in the Chinese console.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHub, launch, axeViolations, connect, exportJson, docShot } from './harness.mjs';

const MEETING = `[meeting]
name = "三十桌测试会议"
venue = "测试社区活动室"
date = "2026-12-06"
proposals = "proposals.csv"

[rules]
tables = 30
picks_per_table = 3
max_choices = 10
discussion_minutes = 40
pitch_minutes = 3
assignment = "all_tables"

[rules.budget]
amount = 300000
`;

const LAPTOP = { viewport: { width: 1366, height: 768 } };
const JARGON = /hub verify|hub export|pitches|voting/;
let hub, browser, page;

before(async () => {
  hub = await startHub({ voters: 4, meeting: MEETING });
  browser = await launch();
  page = await (await browser.newContext(LAPTOP)).newPage();
  await page.goto(`${hub.url}/admin`);
  await page.fill('#signin-code', hub.tokens.organiser.token);
  await page.click('#signin-form button[type="submit"]');
  await page.waitForSelector('#view-meeting:not([hidden])');
});
after(async () => { await browser?.close(); await hub?.stop(); });

/** The primary button's box, at the top of the page and scrolled to the bottom: inside the viewport both times. */
async function nextStepInView(label) {
  await page.waitForSelector('[data-next-step]');
  for (const where of ['top', 'bottom']) {
    const box = await page.evaluate((where) => {
      window.scrollTo(0, where === 'top' ? 0 : document.documentElement.scrollHeight);
      const all = document.querySelectorAll('[data-next-step]');
      const b = all[0].getBoundingClientRect();
      return { n: all.length, top: b.top, bottom: b.bottom, left: b.left, right: b.right, w: innerWidth, h: innerHeight, text: all[0].textContent };
    }, where);
    assert.equal(box.n, 1, 'one primary step');
    assert.ok(box.top >= 0 && box.left >= 0 && box.bottom <= box.h && box.right <= box.w && box.bottom > box.top,
      `${label}: the next step "${box.text}" is inside 1366×768 (${where}): ${JSON.stringify(box)}`);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  return page.textContent('[data-next-step]');
}
async function confirmDialog(expect) {
  await page.waitForSelector('.yz-dialog');
  const text = await page.textContent('.yz-dialog');
  if (expect) assert.match(text, expect);
  await page.click('.yz-dialog [data-confirm="yes"]');
  await page.waitForSelector('.yz-dialog', { state: 'detached' });
  return text;
}
async function waitPhase(name) {
  await page.waitForFunction((name) => document.querySelector('#phase').textContent === name, name);
}
/** No command name or raw phase code on any tab of the Chinese console. */
async function noJargon(when) {
  for (const tab of ['meeting', 'tables', 'screening', 'desk', 'cards', 'export']) {
    await page.click(`[data-tab="${tab}"]`);
    const text = await page.evaluate(() => document.body.innerText);
    assert.doesNotMatch(text, JARGON, `${when}, tab ${tab}`);
  }
  await page.click('[data-tab="meeting"]');
}

test('the next step is the one primary button, in sight at 1366×768, from the opening to the publication', async () => {
  assert.match(await nextStepInView('setup'), /开会并锁定规则/);
  await page.click('[data-next-step]');
  await confirmDialog(/锁定/);
  await waitPhase('签到');
  assert.match(await nextStepInView('check-in'), /分桌讨论/);
  // Every table in one strip, on one screen with the header.
  await page.waitForFunction(() => document.querySelectorAll('#strip li').length === 30);
  const fit = await page.evaluate(() => {
    const strip = document.querySelector('#strip-card').getBoundingClientRect();
    return { strip: strip.height, bar: document.querySelector('.bar').getBoundingClientRect().height, h: innerHeight };
  });
  assert.ok(fit.strip + fit.bar <= fit.h, `30 tables and the header fit one screen: ${JSON.stringify(fit)}`);
  await page.click('[data-next-step]');
  await confirmDialog(/40 分钟/);
  await waitPhase('分桌讨论');
  await nextStepInView('discussion');

  // The big countdown ticks: its text changes within a bounded wait.
  await page.waitForSelector('#timer-left');
  const first = await page.textContent('#timer-left');
  assert.match(first, /^\d+:\d\d$/);
  await page.waitForFunction((t) => document.querySelector('#timer-left').textContent !== t, first, { timeout: 5000 });
  assert.deepEqual(await axeViolations(page), []);
  await noJargon('discussion');

  await page.click('[data-next-step]');
  await confirmDialog(/推选/);
  await waitPhase('各桌推选');
  await nextStepInView('picks');
  // The picks have no time in the rules: one tap gives them a clock.
  await page.click('#timer-picks');
  await page.waitForFunction(() => /^\d+:\d\d$/.test(document.querySelector('#timer-left')?.textContent || ''));
  assert.match(await page.textContent('#timer-card'), /各桌推选/);
  // Two tables pick; the strip counts them, the confirmation names the tables without picks.
  for (const t of [0, 1]) {
    const chair = await connect(browser, hub, hub.tokens.tables[t].chair.token);
    const share = chair.welcome.snapshot.tables[t].share;
    assert.equal((await chair.command({ kind: 'set_picks', table: t + 1, proposals: share.slice(3 * t, 3 * t + 3) })).type, 'ack');
    await chair.close();
  }
  await page.waitForFunction(() => /推选 3\/3/.test(document.querySelector('#strip li[data-table="2"]').textContent));
  await page.click('[data-next-step]');
  await confirmDialog(/推选不足 3 个[\s\S]*第3桌（0）/);
  await waitPhase('上台推介');

  // Pitches: the big button calls the next table that has not pitched, not the vote.
  await page.waitForFunction(() => /第1桌/.test(document.querySelector('#pitching')?.textContent || ''));
  assert.match(await nextStepInView('pitches, table 1 on stage'), /下一桌上台：第2桌/);
  assert.match(await page.textContent('#strip-h'), /已推介 0\/2/);
  await docShot(page, 'console-pitches-1366');
  // Moving to the vote now is a secondary button, and its confirmation names table 2.
  await page.click('#advance');
  const early = await page.textContent('.yz-dialog');
  assert.match(early, /还没有上台推介[\s\S]*第2桌/);
  await page.click('.yz-dialog [data-confirm="no"]');
  await page.click('[data-next-step]');
  await page.waitForFunction(() => /第2桌/.test(document.querySelector('#pitching').textContent));
  assert.match(await page.textContent('#strip-h'), /已推介 1\/2/);
  assert.deepEqual(await axeViolations(page), []);
  // The last table is on stage: the vote is next, and the pitch still running is named.
  assert.match(await nextStepInView('pitches, last table'), /投票/);
  await page.click('[data-next-step]');
  await confirmDialog(/正在推介[\s\S]*第2桌/);
  await waitPhase('投票');
  assert.equal(exportJson(hub).phase, 'voting');
  assert.match(await nextStepInView('voting'), /结束投票并计票/);
  await noJargon('voting');

  await page.click('[data-next-step]');
  await confirmDialog(/不再接受任何选票/);
  await waitPhase('计票完成');
  assert.match(await nextStepInView('counted'), /公布结果/);
  await page.click('[data-next-step]');
  await confirmDialog(/公布结果/);
  await waitPhase('结果公示');
  assert.match(await nextStepInView('published'), /打印结果公示/);
  await noJargon('published');
  // After the publication the step leads to the exports, the notice first.
  await page.click('[data-next-step]');
  await page.waitForSelector('#view-export:not([hidden])');
  const order = await page.$$eval('#view-export button', (b) => b.map((x) => x.id));
  assert.equal(order[0], 'print-notice');
  assert.ok(order.indexOf('export-xlsx') < order.indexOf('export-json'), 'the workbook before the JSON');
  assert.equal(order[order.length - 1], 'export-json', 'the JSON last');
  assert.deepEqual(await axeViolations(page), []);
});
