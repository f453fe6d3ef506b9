// The pre-screening record on paper and in the console, in real Chromium:
// 120 residents' proposals screened to the demo's 60 (kept, merged, struck
// under each rule). `hub print record` lays every one out on A4 with no text
// below 9 pt (English 8 pt) and nothing wider than the paper; the console's
// Export tab prints it and downloads the contact list (the CLI's, with the
// contacts the log never holds); after a real vote every resident's letter
// (struck, merged, not funded) is one A4 page.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub, launch, shot, hubCmd, until, axeViolations, pdfPages } from './harness.mjs';
import { driver } from './driver.mjs';

const A4 = { width: 794, height: 1123 }; // CSS pixels at 96 dpi
const scratch = mkdtempSync(join(tmpdir(), 'yz-prescreening-'));
const RECORD = join(scratch, '预审记录.csv');

/** 60 kept, 30 merged (into P01–P30), 30 struck (rules 1–7 in turn); every other resident left a phone number. */
function record() {
  const rows = ['原始编号,提议人,联系电话,建议内容,地点,处理结果,会议编号,合并方式,排除规则,理由'];
  let n = 0;
  const next = (outcome, into, merge, rule, reason) => {
    n += 1;
    const id = `Y${String(n).padStart(4, '0')}`;
    const phone = n % 2 === 0 ? `1390000${String(n).padStart(4, '0')}` : '';
    rows.push([id, `居民${n}`, phone, `建议${id}：小区里希望能把这一处公共设施修好，方便老人和孩子`, `${n % 9 + 1}栋`, outcome, into, merge, rule, reason].join(','));
  };
  for (let p = 1; p <= 60; p++) next('保留', `P${String(p).padStart(2, '0')}`, '', '', '');
  for (let p = 1; p <= 30; p++) next('合并', `P${String(p).padStart(2, '0')}`, String(p % 3 + 1), '', '');
  for (let k = 0; k < 30; k++) next('排除', '', '', String(k % 7 + 1), '该处属于物业管理区域，应由物业公司负责维修');
  writeFileSync(RECORD, rows.join('\n') + '\n');
}

const MEETING = () => `[meeting]
name = "幸福里社区“幸福微实事”项目筛选大会"
venue = "幸福里社区党群服务中心多功能厅"
date = "2026-11-28"
proposals = "proposals.csv"
prescreening = "${RECORD.replace(/\\/g, '\\\\')}"

[rules]
tables = 6
max_choices = 3

[rules.budget]
amount = 120000
`;

let hub, browser;

before(async () => {
  record();
  hub = await startHub({ voters: 6, meeting: MEETING() });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await hub?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Laid out for print at A4: what is wider than the paper, and text below 9 pt (English 8 pt). */
async function laidOut(page) {
  await page.emulateMedia({ media: 'print' });
  return page.evaluate(() => {
    const limit = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > limit + 1);
    const texts = [...document.querySelectorAll('body *')].filter((e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()));
    const small = texts.filter((e) => parseFloat(getComputedStyle(e).fontSize) < (e.closest('.en') ? 8 : 9) * 96 / 72 - 0.01)
      .map((e) => e.tagName + '.' + e.className + ' ' + getComputedStyle(e).fontSize);
    return { wide: wide.slice(0, 5).map((e) => e.tagName + '.' + e.className), small: small.slice(0, 5), rows: document.querySelectorAll('tr[data-raw]').length };
  });
}

test('the printed record: every resident\'s proposal on A4, readable, nothing off the paper', async () => {
  const out = join(scratch, 'record.html');
  hubCmd(['print', 'record', '--data', hub.data, '--out', out]);
  const page = await browser.newPage({ viewport: A4 });
  await page.setContent(readFileSync(out, 'utf8'));
  await shot(page, 'prescreening-record');
  const laid = await laidOut(page);
  assert.equal(laid.rows, 120);
  assert.deepEqual(laid.wide, [], 'nothing wider than the paper');
  assert.deepEqual(laid.small, [], 'no Chinese text below 9 pt, no English below 8 pt');
  const { a4 } = pdfPages(await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true }));
  assert.ok(a4, 'A4 pages');
  assert.ok(!(await page.content()).includes('居民1'), 'no proposer names on the public record');
  await page.close();
});

test('the console prints the record and downloads the contact list the CLI gives', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true });
  try {
    const page = await context.newPage();
    await page.goto(hub.tokens.organiser.link);
    await page.waitForSelector('#view-meeting:not([hidden])');
    await page.click('[data-tab="export"]');
    await page.waitForSelector('#view-export:not([hidden])');
    assert.deepEqual(await axeViolations(page), []);
    await page.click('#print-record');
    const frame = await until(async () => {
      const f = page.frames().find((x) => x !== page.mainFrame());
      return f && (await f.$$('tr[data-raw]')).length > 0 && f;
    }, 'the record in the print frame');
    assert.equal((await frame.$$('tr[data-raw]')).length, 120);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-contacts')]);
    assert.match(dl.suggestedFilename(), /联系名单/);
    const text = readFileSync(await dl.path(), 'utf8');
    assert.equal(text, hubCmd(['export', '--data', hub.data, '--format', 'contacts']));
    assert.match(text, /Y0002,居民2,13900000002/);
    assert.ok(!hubCmd(['export', '--data', hub.data, '--format', 'log']).includes('13900000002'), 'never in the log');
  } finally {
    await context.close();
  }
});

test('after the vote, every resident\'s letter is one A4 page', async () => {
  const d = await driver(browser, hub);
  await d.organise({ kind: 'open_meeting' });
  await d.advanceTo('voting');
  const choices = [['P01', 'P02', 'P03'], ['P01', 'P04'], ['P02', 'P05'], ['P01'], ['P06'], ['P02', 'P31']];
  await d.castBallots(hub.tokens.voters.map((v, i) => ({ token: v.token, choices: choices[i] })));
  assert.equal((await d.organise({ kind: 'advance_phase', to: 'counted' })).type, 'ack');
  const out = join(scratch, 'letters.html');
  hubCmd(['export', '--data', hub.data, '--format', 'letters', '--out', out]);
  const page = await browser.newPage({ viewport: A4 });
  await page.setContent(readFileSync(out, 'utf8'));
  const kinds = await page.$$eval('section.letter', (ls) => ls.map((l) => l.dataset.reason));
  assert.equal(kinds.filter((k) => k === 'struck').length, 30);
  assert.ok(kinds.includes('merged_funded') && kinds.includes('no_votes'), kinds.join(' '));
  await shot(page, 'prescreening-letters');
  const laid = await laidOut(page);
  assert.deepEqual(laid.wide, []);
  const { pages, a4 } = pdfPages(await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true }));
  assert.ok(a4, 'A4 pages');
  assert.equal(pages, kinds.length, 'one page per letter');
  await page.close();
});
