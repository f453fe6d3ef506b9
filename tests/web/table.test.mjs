// The table page (/table) in real Chromium at phone size, against a real
// hub: the chair's picks and speaking queue, the recorder's notes, the
// adviser's annotations — each checked in the hub's own export.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHub, launch, shot, docShot, axeViolations, organiser, connect, exportJson, until } from './harness.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
let hub, browser, org;

before(async () => {
  hub = await startHub({ voters: 0 });
  browser = await launch();
  org = await organiser(browser, hub);
  assert.equal((await org.command({ kind: 'open_meeting' })).type, 'ack');
  await org.advanceTo('discussion');
});
after(async () => { await browser?.close(); await hub?.stop(); });

/** A phone of its own (own storage) opening a card's join link. */
async function phone(link, role) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(hub.url) && !r.url().startsWith('data:')) foreign.push(r.url()); });
  await page.goto(link);
  await page.waitForFunction((role) => document.querySelector('#who').textContent.includes(role), role);
  assert.equal(new URL(page.url()).hash, '', 'the token is taken out of the address bar');
  return { page, context, foreign };
}

const table1 = () => exportJson(hub).tables.find((t) => t.table === 1);

test('a chair marks 3 picks on a phone, the 4th is refused, reviews, submits and locks them', async () => {
  const { page, context, foreign } = await phone(hub.tokens.tables[0].chair.link, '桌长');
  await page.click('[data-tab="picks"]');
  const share = await page.$$eval('#picks-body input[type="checkbox"]', (els) => els.map((e) => e.value));
  assert.equal(share.length, 10, 'table 1 discusses 10 of the 60 proposals');
  await page.waitForSelector('#picks-count');
  for (const id of share.slice(0, 3)) await page.check(`#picks-body input[value="${id}"]`);
  assert.match(await page.textContent('#picks-count'), /已选 3 \/ 3/);
  // Scrolled to the end of the list, the tabs are still in sight, not under the header.
  const scrolled = await page.evaluate(() => {
    window.scrollTo(0, document.body.scrollHeight);
    const b = document.querySelector('[data-tab="picks"]').getBoundingClientRect();
    const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
    return { y: window.scrollY, tabSeen: b.top >= 0 && !!hit && !!hit.closest('[data-tab="picks"]') };
  });
  assert.ok(scrolled.y > 0, 'the list is longer than a phone screen');
  assert.ok(scrolled.tabSeen, 'the tabs stay visible and clickable when the page scrolls');
  await page.evaluate(() => window.scrollTo(0, 0));
  // A 4th is refused with a plain message, and stays unmarked.
  await page.click(`#picks-body input[value="${share[3]}"]`);
  await page.waitForSelector('#say .notice.error');
  assert.match(await page.textContent('#say'), /只能推选 3 个/);
  assert.equal(await page.isChecked(`#picks-body input[value="${share[3]}"]`), false);
  assert.deepEqual(await axeViolations(page), []);

  await page.click('text=核对并提交');
  const reviewed = await page.$$eval('#picks-body ol.review li strong', (els) => els.map((e) => e.textContent.split(' ')[0]));
  assert.deepEqual(reviewed, share.slice(0, 3));
  await page.click('text=提交推选');
  await page.waitForFunction(() => /已提交，尚未锁定/.test(document.querySelector('#picks-state').textContent));
  assert.deepEqual(table1().picks, share.slice(0, 3));
  assert.equal(table1().picks_locked, false);

  await page.click('text=锁定推选');
  await page.waitForSelector('.yz-dialog');
  assert.match(await page.textContent('.yz-dialog'), /不能再更改/);
  assert.deepEqual(await axeViolations(page), [], 'the confirmation dialog is accessible');
  await page.click('.yz-dialog [data-confirm="yes"]');
  await page.waitForFunction(() => /已锁定/.test(document.querySelector('#picks-state').textContent));
  assert.equal(await page.$('#picks-body input[type="checkbox"]'), null, 'no more marking once locked');
  const t = table1();
  assert.deepEqual(t.picks, share.slice(0, 3));
  assert.equal(t.picks_locked, true);
  const exported = exportJson(hub).picks.find((p) => p.table === 1);
  assert.deepEqual(exported.proposals, share.slice(0, 3));
  assert.equal(exported.locked, true);
  await shot(page, 'table-chair-picks-phone');

  // Other tables' progress is visible.
  await page.click('[data-tab="tables"]');
  await page.waitForSelector('#tables li[data-table="1"]');
  assert.match(await page.textContent('#tables li[data-table="1"]'), /已锁定 3\/3/);
  assert.match(await page.textContent('#tables li[data-table="2"]'), /推选 0\/3/);
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(foreign, []);
  await context.close();
});

test('the chair runs the speaking queue: two queued, one started, the timebox turns red past the turn length', async () => {
  const { page, context } = await phone(hub.tokens.tables[1].chair.link, '桌长');
  await page.click('[data-tab="queue"]');
  // The hub's errors are shown as they come.
  await page.click('#q-next');
  await page.waitForSelector('#say .notice.error');
  assert.match(await page.textContent('#say'), /没有|nobody/i);

  // Refusals in words, never a raw phase code.
  assert.equal(await page.evaluate(() => YZ.errorText({ code: 'wrong_phase', zh: '当前阶段不允许此操作', detail: 'pitches' })),
    '现在是“上台推介”阶段，这一步不能做。');

  // One tap on a seat queues it; the toast's undo takes it out again.
  await page.click('#seats button[data-seat="7"]');
  await page.waitForFunction(() => /7号/.test(document.querySelector('#waiting').textContent));
  assert.equal(await page.inputValue('#q-name'), '', 'the name box is left alone');
  await page.click('#say [data-undo="7"]');
  await page.waitForFunction(() => !/7号/.test(document.querySelector('#waiting').textContent));
  await page.click('#seats button[data-seat="5"]');
  await page.waitForSelector('#waiting li[data-entry]');
  assert.match(await page.textContent('#waiting'), /5号/);
  await page.fill('#q-name', '王阿姨');
  await page.check('#queue-form input[value="against"]');
  await page.click('#queue-form button[type="submit"]');
  await page.waitForFunction(() => document.querySelectorAll('#waiting li[data-entry]').length === 2);
  assert.match(await page.textContent('#waiting'), /5号[\s\S]*支持[\s\S]*王阿姨[\s\S]*反对/);
  assert.match(await page.textContent('#balance'), /2 人尚未发言/);

  // A long turn first: the timebox is green.
  await page.fill('#q-turn', '60');
  await page.dispatchEvent('#q-turn', 'change');
  await page.click('#q-next');
  await page.waitForSelector('#speaking[data-timebox="green"]');
  assert.match(await page.textContent('#speaking'), /5号/);
  const green = await page.$eval('#speaking', (e) => getComputedStyle(e).backgroundColor);
  // Now the agreed length is 2 s: the turn runs past it and the timebox turns red, saying so in words too.
  await page.fill('#q-turn', '2');
  await page.dispatchEvent('#q-turn', 'change');
  await page.waitForSelector('#speaking[data-timebox="red"]', { timeout: 15000 });
  assert.match(await page.textContent('#speaking'), /超时/);
  const red = await page.$eval('#speaking', (e) => getComputedStyle(e).backgroundColor);
  assert.notEqual(green, red);
  // The rule between: amber in the last quarter (at most 15 s) of the turn.
  assert.deepEqual(await page.evaluate(() => [10000, 50000, 60000, 60001].map((ms) => window.YZTable.timebox(ms, 60000))),
    ['green', 'amber', 'amber', 'red']);
  // The state follows the hub's clock: elapsed = hub now − started_at_ms of the entry.
  const computed = await page.evaluate(() => {
    const d = window.YZTable.app.snap.table_details.find((x) => x.table === 2);
    const cur = d.queue.find((e) => e.state === 'speaking');
    return cur && cur.started_at_ms > 0;
  });
  assert.ok(computed);
  assert.deepEqual(await axeViolations(page), []);
  await page.evaluate(() => { document.activeElement.blur(); document.querySelector('#say').textContent = ''; window.scrollTo(0, 0); });
  await docShot(page, 'table-chair-phone');

  await page.click('#q-stop');
  await page.waitForSelector('#speaking:not([data-timebox])');
  await page.waitForFunction(() => /1 人尚未发言/.test(document.querySelector('#balance').textContent));
  const row = await page.textContent('#balance tbody tr:last-child');
  assert.match(row, /5号\s*1/, 'seat 5 has one finished turn');
  const q = exportJson(hub).tables.find((t) => t.table === 2).queue;
  assert.deepEqual(q.map((e) => [e.name, e.turn, e.state]), [['5', 'for', 'done'], ['王阿姨', 'against', 'waiting']]);
  await context.close();
});

test('the recorder adds a multi-line Chinese note to a proposal and edits it', async () => {
  const { page, context } = await phone(hub.tokens.tables[0].recorder.link, '记录员');
  await page.waitForSelector('#view-notes:not([hidden])');
  const share = (await page.$$eval('#n-proposal option', (els) => els.map((e) => e.value))).filter(Boolean);
  await page.selectOption('#n-proposal', share[1]);
  await page.check('#note-form input[value="concern"]');
  await page.click('#n-text');
  // As an IME commits text: whole phrases at once, then a line break.
  await page.keyboard.insertText('晚上噪音会影响三楼住户');
  await page.keyboard.press('Enter');
  await page.keyboard.insertText('建议限定施工时间（早8点至晚6点）');
  await page.click('#n-save');
  await page.waitForSelector('#notes li[data-note]');
  assert.match(await page.textContent('#notes'), /晚上噪音会影响三楼住户\n建议限定施工时间/);
  assert.match(await page.textContent('#notes h3'), new RegExp(share[1]));
  let notes = table1().notes;
  assert.equal(notes.length, 1);
  assert.equal(notes[0].proposal, share[1]);
  assert.equal(notes[0].tag, 'concern');
  assert.equal(notes[0].text, '晚上噪音会影响三楼住户\n建议限定施工时间（早8点至晚6点）');
  assert.deepEqual(await axeViolations(page), []);

  await page.click(`#notes [data-k="edit-${notes[0].note}"]`);
  assert.equal(await page.inputValue('#n-text'), notes[0].text);
  assert.equal(await page.isDisabled('#n-proposal'), true, 'an edit keeps the note\'s proposal');
  await page.fill('#n-text', '晚上噪音会影响三楼住户，多位居民担心');
  await page.check('#note-form input[value="objection"]');
  await page.click('#n-save');
  await page.waitForFunction(() => /已修改/.test(document.querySelector('#notes').textContent));
  notes = table1().notes;
  assert.equal(notes.length, 1);
  assert.equal(notes[0].text, '晚上噪音会影响三楼住户，多位居民担心');
  assert.equal(notes[0].tag, 'objection');
  assert.ok(notes[0].edited_at_ms);
  await shot(page, 'table-recorder-phone');

  // A general note, then withdrawn (asks first).
  await page.selectOption('#n-proposal', '');
  await page.fill('#n-text', '本桌居民普遍关心老人出行');
  await page.click('#n-save');
  await page.waitForFunction(() => document.querySelectorAll('#notes li[data-note]').length === 2);
  notes = table1().notes;
  assert.equal(notes[1].proposal, null);
  await page.click(`#notes [data-k="withdraw-${notes[1].note}"]`);
  await page.click('.yz-dialog [data-confirm="yes"]');
  await page.waitForSelector(`#notes li.withdrawn[data-note="${notes[1].note}"]`);
  assert.equal(table1().notes[1].withdrawn, true);
  await context.close();
});

test('the adviser excludes a proposal under rule 2 with a reason; the all-tables adviser sees every table', async () => {
  const { page, context } = await phone(hub.tokens.tables[0].adviser.link, '技术顾问');
  await page.waitForSelector('#a-proposals button[data-proposal]');
  const ids = await page.$$eval('#a-proposals button[data-proposal]', (els) => els.map((e) => e.getAttribute('data-proposal')));
  assert.equal(ids.length, 10);
  const id = ids[4];
  await page.click(`#a-proposals button[data-proposal="${id}"]`);
  await page.waitForSelector('#annotate-form:not([hidden])');
  assert.equal(await page.isDisabled('#a-rule'), true, 'feasible takes no rule');
  await page.check('#annotate-form input[value="excluded"]');
  // Excluding without a rule is refused before it is sent.
  await page.click('#annotate-form button[type="submit"]');
  await page.waitForSelector('#say .notice.error');
  assert.match(await page.textContent('#say'), /排除规则/);
  await page.selectOption('#a-rule', '2');
  await page.fill('#a-reason', '属物业维修范围，应由物业公司负责');
  await page.fill('#a-cost', '8000');
  await page.fill('#a-remark', '建议向物业公司反映');
  assert.deepEqual(await axeViolations(page), []);
  await shot(page, 'table-adviser-phone');
  await page.click('#annotate-form button[type="submit"]');
  await page.waitForSelector('#annotate-list:not([hidden])');
  // The adviser's exclusion is a recommendation, and is worded as one.
  await page.waitForFunction((id) => /建议排除 · 第2条/.test(document.querySelector(`#a-proposals button[data-proposal="${id}"]`).textContent), id);
  assert.match(await page.textContent('#say'), /顾问建议排除（第2条：应由其他主体负责（如物业）），由组织者决定/);
  const a = exportJson(hub).annotations.find((x) => x.proposal === id);
  assert.equal(a.feasibility, 'excluded');
  assert.equal(a.exclusion_rule, 2);
  assert.equal(a.reason, '属物业维修范围，应由物业公司负责');
  assert.equal(a.cost_estimate, 8000);
  assert.equal(a.remark, '建议向物业公司反映');
  assert.equal(a.by_table, 1);
  assert.deepEqual(await axeViolations(page), []);
  await context.close();

  // The chair of table 1 sees the adviser's flag on the proposal.
  const chair = await phone(hub.tokens.tables[0].chair.link, '桌长');
  await chair.page.click('[data-tab="proposals"]');
  await chair.page.click(`#proposals details[data-proposal="${id}"] summary`);
  const detailText = await chair.page.textContent(`#proposals details[data-proposal="${id}"]`);
  assert.match(detailText, /顾问建议排除（第2条：应由其他主体负责（如物业）），由组织者决定[\s\S]*属物业维修范围/);
  // The estimate is labelled as one, beside the one cost (the list's).
  assert.match(detailText, /顾问估算（仅为估算）：8,000 元；计票用的造价是 [\d,]+ 元/);
  assert.deepEqual(await axeViolations(chair.page), []);
  await chair.context.close();

  const all = await phone(hub.tokens.adviser_all.link, '全部桌');
  await all.page.waitForSelector('#a-proposals button[data-proposal="P60"]');
  assert.equal(await all.page.$$eval('#a-proposals button[data-proposal]', (els) => els.length), 60);
  await all.page.selectOption('#a-table', '6');
  await until(async () => (await all.page.$$eval('#a-proposals button[data-proposal]', (els) => els.length)) === 10, 'table 6 only');
  await all.page.fill('#a-search', id);
  await all.page.selectOption('#a-table', 'all');
  await until(async () => (await all.page.$$eval('#a-proposals button[data-proposal]', (els) => els.length)) === 1, 'search by id');
  assert.deepEqual(await axeViolations(all.page), []);
  await all.context.close();
});

test('the organiser confirms the exclusion of a table\'s pick: the chair, recorder and adviser of that table are told', async () => {
  const pick = table1().picks[0];
  const pages = [];
  for (const [link, role] of [[hub.tokens.tables[0].chair.link, '桌长'], [hub.tokens.tables[0].recorder.link, '记录员'], [hub.tokens.tables[0].adviser.link, '技术顾问']]) {
    pages.push(await phone(link, role));
  }
  // Another table's chair hears nothing of it.
  const other = await phone(hub.tokens.tables[1].chair.link, '桌长');
  const adviser = await connect(browser, hub, hub.tokens.tables[0].adviser.token);
  assert.equal((await adviser.command({ kind: 'annotate', proposal: pick, feasibility: 'excluded', exclusion_rule: 6, reason: '地下管线无法迁改', cost_estimate: null, remark: '' })).type, 'ack');
  // A recommendation alone changes nothing for the table.
  for (const { page } of pages) assert.equal(await page.isVisible('#exclusion-notice'), false);
  const ok = await org.command({ kind: 'confirm_exclusion', proposal: pick, rule: 6, reason: '' });
  assert.equal(ok.type, 'ack', JSON.stringify(ok));
  for (const { page } of pages) {
    await page.waitForSelector('#exclusion-notice:not([hidden])');
    const text = await page.textContent('#exclusion-notice');
    assert.match(text, new RegExp(`组织者已确认排除本桌推选的项目：[\\s\\S]*${pick} 已确认排除：第6条 技术上不可行`));
    assert.match(text, /不能再被选中，也不会获得资助/);
    // Said once as it arrived, too.
    assert.match(await page.textContent('#say'), new RegExp(`${pick} 已确认排除：第6条 技术上不可行（本桌推选）`));
  }
  await shot(pages[0].page, 'table-chair-exclusion');
  assert.deepEqual(await axeViolations(pages[0].page), []);
  assert.equal(await other.page.isVisible('#exclusion-notice'), false);
  // Lifted again (before the vote), the notice goes.
  assert.equal((await org.command({ kind: 'lift_exclusion', proposal: pick, reason: '复核后可行' })).type, 'ack');
  await pages[0].page.waitForSelector('#exclusion-notice', { state: 'hidden' });
  for (const p of [...pages, other]) await p.context.close();
  await adviser.close();
});

test('a code typed in instead of scanned works, and a wrong one is refused plainly', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.goto(`${hub.url}/table`);
  await page.waitForSelector('#signin:not([hidden])');
  assert.deepEqual(await axeViolations(page), []);
  await page.fill('#signin-code', 'WRONG-CODE-1234');
  await page.click('#signin-form button[type="submit"]');
  await page.waitForSelector('#say .notice.error');
  assert.match(await page.textContent('#say'), /代码无效/);
  await page.waitForSelector('#signin:not([hidden])');
  await page.fill('#signin-code', hub.tokens.tables[2].recorder.token.toLowerCase());
  await page.click('#signin-form button[type="submit"]');
  await page.waitForFunction(() => /记录员 · 第3桌|记录员/.test(document.querySelector('#who').textContent));
  assert.match(await page.textContent('#who'), /记录员/);
  await context.close();
});

test('a card that belongs on another page says whose it is and links to its page', async () => {
  // The organiser's card is welcomed, and sent to its page by name.
  const context = await browser.newContext(PHONE);
  const tab = await context.newPage();
  await tab.goto(`${hub.url}/table#token=${hub.tokens.organiser.token}`);
  await tab.waitForSelector('#wrong-card:not([hidden])');
  assert.equal(await tab.getAttribute('#wrong-text a', 'href'), '/admin');
  await context.close();
  // A desk card connects here read-only (no device, no PIN: nothing is claimed),
  // and is sent to its own desk page by name.
  for (const [token, page] of [[hub.tokens.counters[0].token, '/count'], [hub.tokens.scrutineers[0].token, '/scrutineer']]) {
    const context = await browser.newContext(PHONE);
    const tab = await context.newPage();
    await tab.goto(`${hub.url}/table#token=${token}`);
    await tab.waitForSelector('#wrong-card:not([hidden])');
    assert.match(await tab.textContent('#wrong-text'), /这张卡属于“(点票员|监票员)/);
    assert.deepEqual(await tab.$$eval('#wrong-text a', (as) => as.map((a) => a.getAttribute('href'))), [page]);
    assert.deepEqual(await axeViolations(tab), []);
    await context.close();
  }
});

test('a note whose answer is lost on the way survives a reload and is recorded exactly once', async () => {
  // The page's WebSocket goes through this relay, which can lose the hub's
  // answer and then refuse connections, as a dropped Wi-Fi does.
  const net = { mode: 'pass', droppedAck: null };
  const context = await browser.newContext(PHONE);
  await context.routeWebSocket(/\/ws$/, (ws) => {
    if (net.mode === 'cut') { ws.close({ code: 4001, reason: 'link down' }); return; }
    const server = ws.connectToServer();
    ws.onMessage((m) => server.send(m));
    server.onMessage((m) => {
      if (net.mode === 'drop-ack' && typeof m === 'string' && m.startsWith('{"type":"ack"')) {
        net.droppedAck = JSON.parse(m);
        net.mode = 'cut';
        ws.close({ code: 4001, reason: 'link down' });
        server.close();
        return;
      }
      ws.send(m);
    });
  });
  const page = await context.newPage();
  await page.goto(hub.tokens.tables[3].recorder.link);
  await page.waitForSelector('#status[data-state="online"]');
  await page.waitForSelector('#view-notes:not([hidden])');

  net.mode = 'drop-ack';
  const text = '断网时写的记录：路灯太暗，老人晚上不敢出门';
  await page.fill('#n-text', text);
  await page.click('#n-save');
  await until(() => net.droppedAck, 'the hub\'s answer to be lost');
  assert.equal(net.droppedAck.type, 'ack', 'the hub did record it');
  await page.waitForSelector('#status:not([data-state="online"])');
  await page.waitForSelector('#unsent:not([hidden])');

  // The phone reloads the page while the link is still down: the unanswered note is still there.
  await page.reload();
  await page.waitForSelector('#unsent:not([hidden])');
  assert.match(await page.textContent('#unsent'), /1 条待发送/);

  net.mode = 'pass';
  await page.waitForSelector('#unsent[hidden]', { state: 'attached', timeout: 30000 });
  await page.waitForSelector('#status[data-state="online"]');
  const notes = exportJson(hub).tables.find((t) => t.table === 4).notes;
  assert.deepEqual(notes.map((n) => n.text), [text], 'sent again with the same id: one note, not two');
  await page.waitForFunction((text) => document.querySelector('#notes').textContent.includes(text), text);
  assert.equal(await page.$$eval('#notes li[data-note]', (els) => els.length), 1);
  await context.close();
});
