// The numbered paper ballots of `hub print ballots` in real Chromium, laid
// out for print: every side of every ballot stays inside its A4 page (the
// PDF has exactly the sides the ballots say they take, so nothing spilled
// onto a page of its own), nothing is wider than the paper, every side
// carries its ballot's number, and the titles are never smaller than 11 pt.
// Sixty proposals (the demo list: both sides of one sheet) and twelve (one
// side, at the largest size). And the organiser's console: a range too
// large is refused with the reason, a good one opens the print. The posters
// print one A4 page each; the handouts and the minutes start each table on
// a page of its own; no text in any of them is below 9 pt (the English
// beside the Chinese, 8 pt).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, shot, hubCmd, root, startHub, until, axeViolations, pdfPages } from './harness.mjs';

const A4 = { width: 794, height: 1123 }; // CSS pixels at 96 dpi
const scratch = mkdtempSync(join(tmpdir(), 'yz-printing-'));
let browser;

before(async () => { browser = await launch(); });
after(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A data folder for the demo proposals' first `count`; the ballots `from`–`to` as HTML. */
function ballots(name, count, from, to) {
  const dir = join(scratch, name);
  const csv = readFileSync(join(root, 'hub', 'demo', 'proposals.csv'), 'utf8').split('\n').filter((l) => l.trim());
  const meeting = `[meeting]\nname = "幸福里社区“幸福微实事”项目筛选大会"\nvenue = "幸福里社区党群服务中心多功能厅"\ndate = "2026-11-28"\nproposals = "proposals.csv"\n\n[rules]\ntables = ${count >= 18 ? 6 : 3}\nmax_choices = 10\n\n[rules.budget]\namount = 300000\n`;
  rmSync(dir, { recursive: true, force: true });
  writeFileSync(join(scratch, `${name}.csv`), csv.slice(0, count + 1).join('\n') + '\n');
  writeFileSync(join(scratch, `${name}.toml`), meeting.replace('proposals.csv', `${name}.csv`));
  hubCmd(['tokens', '--data', dir, '--meeting', join(scratch, `${name}.toml`), '--format', 'json']);
  return print(dir, name, ['ballots', '--from', String(from), '--to', String(to)]);
}

/** `hub print ARGS` for a data folder, as HTML. */
function print(dir, name, args) {
  const out = join(scratch, `${name}-${args[0]}.html`);
  hubCmd(['print', ...args, '--data', dir, '--out', out]);
  return readFileSync(out, 'utf8');
}

async function check(name, html, from, to, sidesExpected) {
  const page = await browser.newPage({ viewport: A4 });
  await page.setContent(html);
  await shot(page, `ballots-${name}`);
  await page.emulateMedia({ media: 'print' });
  const laid = await page.evaluate(() => {
    const limit = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > limit + 1);
    const ballots = [...document.querySelectorAll('section.ballot')].map((b) => ({
      number: b.dataset.number,
      sides: Number(b.dataset.pages),
      pages: [...b.querySelectorAll('.page')].map((p) => ({
        height: p.getBoundingClientRect().height,
        numbers: [...p.querySelectorAll('.number')].map((n) => n.textContent),
        boxes: p.querySelectorAll('.sq').length,
      })),
    }));
    const smallest = Math.min(...[...document.querySelectorAll('.items .title')].map((t) => parseFloat(getComputedStyle(t).fontSize)));
    return { scroll: document.documentElement.scrollWidth, limit, wide: wide.slice(0, 5).map((e) => e.tagName + '.' + e.className), ballots, smallest };
  });
  assert.ok(laid.scroll <= laid.limit && laid.wide.length === 0, JSON.stringify({ ...laid, ballots: undefined }));
  assert.equal(laid.ballots.length, to - from + 1);
  assert.ok(laid.smallest >= 11 * 96 / 72 - 0.01, `titles at least 11 pt: ${laid.smallest}px`);
  // Printable height of an A4 page with the ballots' margins (10 + 10 mm).
  const printable = (297 - 20) * 96 / 25.4;
  let sides = 0;
  for (const b of laid.ballots) {
    assert.equal(b.sides, sidesExpected, `ballot ${b.number}`);
    let boxes = 0;
    for (const [i, p] of b.pages.entries()) {
      assert.ok(p.height <= printable, `ballot ${b.number} side ${i + 1}: ${p.height}px of ${printable}px`);
      if (p.boxes > 0) assert.deepEqual(p.numbers, [b.number], `ballot ${b.number}'s number on side ${i + 1}`);
      boxes += p.boxes;
    }
    assert.equal(boxes, name === 'short' ? 12 : 60, `every proposal on ballot ${b.number}`);
    sides += b.pages.length;
  }
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  const { pages, a4 } = pdfPages(pdf);
  assert.ok(a4, 'A4 pages');
  assert.equal(pages, sides, 'one printed page per side: nothing spilled over');
  await page.close();
}

test('sixty proposals: each ballot on both sides of one A4 sheet, each side inside its page', async () => {
  await check('demo', ballots('demo', 60, 98, 101), 98, 101, 2);
});

test('twelve proposals: one side per ballot, inside its page, at the largest size', async () => {
  const html = ballots('short', 12, 1, 3);
  assert.match(html, /class="ballot t-a"/);
  await check('short', html, 1, 3, 1);
});

test('the console prints ballots for a range and refuses a range too large, saying why', async () => {
  const hub = await startHub({ voters: 0 });
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(hub.tokens.organiser.link);
    await page.waitForSelector('#view-meeting:not([hidden])');
    await page.click('[data-tab="export"]');
    await page.waitForSelector('#view-export:not([hidden])');
    assert.deepEqual(await axeViolations(page), []);
    await page.fill('#hall-from', '1');
    await page.fill('#hall-to', '900');
    await page.click('#print-ballots');
    await page.waitForSelector('#say .notice.error');
    const said = await page.textContent('#say');
    assert.match(said, /一次最多打印 500 张选票/);
    assert.equal(await page.$('#print-frame'), null, 'nothing to print');
    await page.fill('#hall-to', '2');
    await page.click('#print-ballots');
    await page.waitForSelector('#print-frame');
    const frame = await until(async () => {
      const f = page.frames().find((x) => x !== page.mainFrame());
      return f && (await f.$$('section.ballot')).length > 0 && f;
    }, 'the ballots in the print frame');
    const numbers = await frame.$$eval('section.ballot', (bs) => bs.map((b) => b.dataset.number));
    assert.deepEqual(numbers, ['1', '2']);
    await shot(page, 'admin-print-hall');
  } finally {
    await context.close();
    await hub.stop();
  }
});

test('posters one page each, handouts and minutes a page or more per table, all A4, no text below 9 pt (the English beside it 8 pt)', async () => {
  ballots('docs', 60, 1, 1);
  const dir = join(scratch, 'docs');
  for (const [what, section, exact] of [['posters', 'section.poster', true], ['handouts', '.handout', false], ['minutes', 'section.minutes', false]]) {
    const page = await browser.newPage({ viewport: A4 });
    await page.setContent(print(dir, 'docs', [what]));
    await shot(page, what);
    await page.emulateMedia({ media: 'print' });
    const laid = await page.evaluate((sel) => {
      const limit = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > limit + 1);
      const texts = [...document.querySelectorAll('body *')].filter((e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()));
      const small = texts.filter((e) => parseFloat(getComputedStyle(e).fontSize) < (e.closest('.en') ? 8 : 9) * 96 / 72 - 0.01).map((e) => e.tagName + '.' + e.className + ' ' + getComputedStyle(e).fontSize);
      return { sections: document.querySelectorAll(sel).length, scroll: document.documentElement.scrollWidth, limit, wide: wide.slice(0, 5).map((e) => e.tagName + '.' + e.className), small: small.slice(0, 5) };
    }, section);
    assert.ok(laid.scroll <= laid.limit && laid.wide.length === 0, `${what}: ${JSON.stringify(laid)}`);
    assert.deepEqual(laid.small, [], `${what}: no Chinese text below 9 pt, no English below 8 pt`);
    assert.equal(laid.sections, what === 'posters' ? 60 : 6, what);
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
    const { pages, a4 } = pdfPages(pdf);
    assert.ok(a4, `${what}: A4 pages`);
    if (exact) assert.equal(pages, laid.sections, `${what}: one page each`);
    else assert.ok(pages >= laid.sections, `${what}: each table on a page of its own (${pages} pages)`);
    await page.close();
  }
});
