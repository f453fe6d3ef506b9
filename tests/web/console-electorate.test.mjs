// Who may vote, who counts, what may be struck — decided on the organiser's
// console (/admin) in real Chromium against a real hub, and seen by the
// room: the electorate's size and fingerprint beside the rules'; an
// adviser's exclusion is only a recommendation until the organiser confirms
// it (and can lift it) before the vote, an estimate only a remark until
// adopted; from the opening of the vote nothing of it can change. During
// the vote cards are issued only with a reason (refused without one, in
// words), listed as late and shown on the public board; a card cancelled
// from the console gets a clear refusal on /vote; the desk cards' claims
// are listed with their address, the organiser's flagged, and released
// with a reason; and the console offers no way to count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHub, launch, shot, axeViolations, exportJson, until } from './harness.mjs';
import { driver } from './driver.mjs';

const WAIT = { timeout: 20000 };
const LAPTOP = { viewport: { width: 1280, height: 900 } };
let hub, browser, d, org, errors = [];

before(async () => {
  hub = await startHub({ voters: 6 });
  browser = await launch();
  d = await driver(browser, hub);
  org = await (await browser.newContext(LAPTOP)).newPage();
  org.on('pageerror', (e) => errors.push(String(e)));
  await org.goto(hub.tokens.organiser.link);
  await org.waitForSelector('#view-meeting:not([hidden])', WAIT);
});
after(async () => { await browser?.close(); await hub?.stop(); });

const board = async () => (await fetch(`${hub.url}/api/board`)).json();
async function yes(expect) {
  await org.waitForSelector('.yz-dialog');
  if (expect) assert.match(await org.textContent('.yz-dialog'), expect);
  await org.click('.yz-dialog [data-confirm="yes"]');
  await org.waitForSelector('.yz-dialog', { state: 'detached' });
}
async function tab(name) {
  await org.click(`#tabs [data-tab="${name}"]`);
  await org.waitForSelector(`#view-${name}:not([hidden])`);
}

test('the electorate\'s size and fingerprint stand beside the rules fingerprint', async () => {
  await org.waitForFunction(() => document.querySelector('#step-electorate-issued').textContent === '6', null, WAIT);
  const fp = await org.textContent('#step-electorate-fingerprint');
  assert.match(fp, /^[0-9A-F]{4}-[0-9A-F]{4}$/);
  assert.equal(fp, (await board()).electorate.fingerprint, 'the same fingerprint the public board publishes');
  await d.organise({ kind: 'open_meeting' });
  await org.waitForSelector('#fingerprints #fingerprint', WAIT);
  assert.match(await org.textContent('#fingerprints'), /规则指纹 [0-9A-Z]{4}-[0-9A-Z]{4} · 投票卡 6 张 · 选民指纹 [0-9A-F]{4}-[0-9A-F]{4}/);
});

test('an adviser recommends; only the organiser\'s confirmation excludes, and it can be lifted; an estimate is adopted or not', async () => {
  await d.connect('adviser', hub.tokens.adviser_all.token);
  const a1 = await d.command('adviser', { kind: 'annotate', proposal: 'P05', feasibility: 'excluded', exclusion_rule: 2, reason: '属物业维修范围', cost_estimate: null, remark: '' });
  assert.equal(a1.type, 'ack', JSON.stringify(a1));
  assert.equal((await d.command('adviser', { kind: 'annotate', proposal: 'P07', feasibility: 'feasible', exclusion_rule: null, reason: '', cost_estimate: 52000, remark: '含充电桩' })).type, 'ack');
  await tab('screening');
  await org.waitForSelector('#exclusion-list li[data-proposal="P05"][data-state="recommended"]', WAIT);
  assert.match(await org.textContent('#exclusion-list li[data-proposal="P05"]'), /技术顾问建议依据第 2 条排除（应由其他主体负责[\s\S]*属物业维修范围/);
  assert.deepEqual((await board()).exclusions, [], 'a recommendation excludes nothing');
  assert.deepEqual(await axeViolations(org), []);

  await org.click('#exclusion-list li[data-proposal="P05"] [data-action="confirm"]');
  await yes(/依据第 2 条[\s\S]*不会获得资助[\s\S]*投影上公开/);
  await org.waitForSelector('#exclusion-list li[data-proposal="P05"][data-state="confirmed"]', WAIT);
  assert.match(await org.textContent('#exclusion-list li[data-proposal="P05"]'), /已确认排除：第 2 条/);
  assert.deepEqual(exportJson(hub).exclusions.map((x) => [x.proposal, x.rule]), [['P05', 2]]);

  // Lifted, with a public reason (none: refused in words); then confirmed again.
  await org.click('#exclusion-list li[data-proposal="P05"] [data-action="lift"]');
  await org.waitForFunction(() => /撤销排除的原因/.test(document.querySelector('#say').textContent));
  await org.fill('#lift-reason-P05', '复核后由社区实施');
  await org.click('#exclusion-list li[data-proposal="P05"] [data-action="lift"]');
  await org.waitForSelector('#exclusion-list li[data-proposal="P05"][data-state="recommended"]', WAIT);
  assert.deepEqual(exportJson(hub).exclusions, []);
  await org.click('#exclusion-list li[data-proposal="P05"] [data-action="confirm"]');
  await yes();
  await org.waitForSelector('#exclusion-list li[data-proposal="P05"][data-state="confirmed"]', WAIT);

  // The cost the count uses: the list's until the organiser adopts the estimate.
  const row = '#cost-table tr[data-proposal="P07"]';
  await org.waitForSelector(`${row}[data-source="list"]`, WAIT);
  assert.match(await org.textContent(row), /48,000 元[\s\S]*52,000 元[\s\S]*48,000 元[\s\S]*清单造价/);
  await org.click(`${row} [data-action="adopt"]`);
  await org.waitForSelector(`${row}[data-source="adviser"]`, WAIT);
  assert.match(await org.textContent(row), /48,000 元[\s\S]*52,000 元[\s\S]*52,000 元[\s\S]*采用顾问估算/);
  await org.click(`${row} [data-action="list"]`);
  await org.waitForSelector(`${row}[data-source="list"]`, WAIT);
  await org.click(`${row} [data-action="adopt"]`);
  await org.waitForSelector(`${row}[data-source="adviser"]`, WAIT);
  assert.deepEqual(await axeViolations(org), []);
  await shot(org, 'admin-screening');
});

test('from the opening of the vote exclusions and costs are fixed: read-only, saying why, and refused by the hub', async () => {
  await d.advanceTo('voting');
  await org.waitForSelector('#screening-frozen:not([hidden])', WAIT);
  assert.match(await org.textContent('#screening-frozen'), /投票已经开始[\s\S]*不能再确认或撤销排除，也不能更改造价/);
  await org.waitForFunction(() => !document.querySelector('#view-screening [data-action]'), null, WAIT);
  assert.match(await org.textContent('#exclusion-list li[data-proposal="P05"]'), /已确认排除：第 2 条/);
  for (const c of [{ kind: 'lift_exclusion', proposal: 'P05', reason: '再议' }, { kind: 'set_cost', proposal: 'P07', source: 'list' }]) {
    const r = await d.command('organiser', c);
    assert.equal(r.code, 'wrong_phase', JSON.stringify(r));
  }
  // Nothing can be confirmed either.
  const r = await d.command('organiser', { kind: 'confirm_exclusion', proposal: 'P07', rule: 2, reason: '' });
  assert.equal(r.type, 'error');
  // The excluded proposal cannot be chosen.
  assert.deepEqual(await d.castBallots([{ token: hub.tokens.voters[2].token, choices: ['P05'] }]), ['proposal_excluded']);
  assert.deepEqual(exportJson(hub).adopted_costs.map((c) => [c.proposal, c.cost, c.list_cost]), [['P07', 52000, 48000]], 'the one cost the count uses');
});

test('cards issued during the vote need a reason (refused in words), are listed as late and published on the board', async () => {
  await tab('cards');
  await org.fill('#mint-count', '3');
  await org.fill('#mint-reason', '');
  await org.click('#mint-form button[type="submit"]');
  await org.waitForFunction(() => /投票已经开始：追加发卡必须写明原因/.test(document.querySelector('#say').textContent), null, WAIT);
  assert.equal(await org.$('.yz-dialog'), null, 'nothing to confirm without a reason');
  // The hub refuses it too, with a code the console turns into words.
  const raw = await fetch(`${hub.url}/api/admin/voters`, { method: 'POST', headers: { Authorization: `Bearer ${hub.tokens.organiser.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ count: 3 }) });
  assert.equal(raw.status, 409);
  assert.equal((await raw.json()).code, 'reason_required');

  await org.fill('#mint-reason', '迟到居民');
  await org.click('#mint-form button[type="submit"]');
  await yes(/全场都会看到“\d+:\d\d 追加发卡 3 张：迟到居民”/);
  await org.waitForSelector('#view-sheet:not([hidden]) .yz-card', WAIT);
  assert.deepEqual(await org.$$eval('.yz-card', (c) => c.map((e) => e.getAttribute('data-serial'))), ['V0007', 'V0008', 'V0009']);
  await org.click('#sheet-close');
  await org.waitForSelector('#issuance-list li[data-late="yes"]', WAIT);
  assert.match(await org.textContent('#issuance-list li[data-late="yes"]'), /\d+:\d\d[\s\S]*投票期间追加[\s\S]*发卡 3 张 V0007–V0009：迟到居民/);
  assert.match(await org.textContent('#issuance-list li[data-late="no"]'), /发卡 6 张 V0001–V0006/);
  assert.equal(await org.textContent('#cards-electorate-issued'), '9');
  const late = await until(async () => (await board()).electorate.issuances.find((i) => i.during_vote), 'the late issue on /api/board');
  assert.deepEqual([late.first, late.last, late.count, late.reason], ['V0007', 'V0009', 3, '迟到居民']);
  assert.deepEqual(await axeViolations(org), []);
});

test('a card cancelled from the console cannot vote, and /vote says so; a card that voted cannot be cancelled', async () => {
  const [receipt] = await d.castBallots([{ token: hub.tokens.voters[0].token, choices: ['P01'] }]);
  assert.match(receipt, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await org.fill('#cancel-serial', 'v1');
  await org.fill('#cancel-reason', '误发');
  await org.click('#cancel-form button[type="submit"]');
  await yes(/作废投票卡 v1/);
  await org.waitForFunction(() => /已经投过票[\s\S]*不能再作废/.test(document.querySelector('#say').textContent), null, WAIT);

  await org.fill('#cancel-serial', 'v2');
  await org.fill('#cancel-reason', '持卡人改用纸质选票');
  await org.click('#cancel-form button[type="submit"]');
  await yes(/不能恢复[\s\S]*持卡人改用纸质选票/);
  await org.waitForSelector('#cancellation-list li[data-serial="V0002"]', WAIT);
  assert.match(await org.textContent('#cancellation-list li[data-serial="V0002"]'), /作废 V0002：持卡人改用纸质选票/);
  assert.equal(await org.textContent('#cards-electorate-cancelled'), '1');
  assert.deepEqual(await d.castBallots([{ token: hub.tokens.voters[1].token, choices: ['P01'] }]), ['card_cancelled']);

  // The voter's own page: a clear refusal.
  const vote = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
  await vote.goto(hub.tokens.voters[1].link);
  // The page may say so at once; otherwise the ballot it lets the voter fill in is refused, in words.
  await vote.waitForFunction(() => /作废/.test(document.body.innerText) || !!document.querySelector('#app[data-screen="choose"]'), null, WAIT);
  if (!/作废/.test(await vote.evaluate(() => document.body.innerText))) {
    await vote.click('.item[data-id="P01"] label');
    await vote.click('#to-review');
    await vote.waitForSelector('#app[data-screen="review"]', WAIT);
    await vote.click('#submit');
  }
  await vote.waitForFunction(() => /此卡已作废：持卡人改用纸质选票|这张投票卡已作废/.test(document.body.innerText), null, WAIT);
  await vote.context().close();
});

test('the desk cards and their claims; the organiser\'s address flagged; a claim released with a reason; the console cannot count', async () => {
  const counter = await (await browser.newContext(LAPTOP)).newPage();
  counter.on('pageerror', (e) => errors.push(String(e)));
  await counter.goto(hub.tokens.counters[0].link);
  await counter.waitForSelector('#claim-form', WAIT);
  await counter.fill('#pin', '5555');
  await counter.fill('#pin2', '5555');
  await counter.press('#pin2', 'Enter');
  await counter.waitForSelector('#view-batches:not([hidden])', WAIT);

  const row = '#desk-cards tr[data-serial="counter-1"]';
  await org.waitForSelector(`${row}[data-claimed="yes"]`, WAIT);
  assert.match(await org.textContent(row), /点票员 1[\s\S]*\d+:\d\d 认领[\s\S]*地址 127\.0\.0\.1[\s\S]*设备 [0-9a-f]+/);
  assert.match(await org.textContent(row), /与组织者同一地址/, 'the console was connected from the same address');
  assert.match(await org.textContent('#desk-cards tr[data-serial="scrutineer-2"]'), /监票员 B[\s\S]*未认领/);
  assert.deepEqual(await axeViolations(org), []);
  await shot(org, 'admin-cards');

  await org.selectOption('#release-serial', 'counter-1');
  await org.fill('#release-reason', '点票员换了手机');
  await org.click('#release-form button[type="submit"]');
  await yes(/解除“点票员 1”的认领[\s\S]*新设备/);
  await org.waitForSelector(`${row}[data-claimed="no"]`, WAIT);
  assert.equal(exportJson(hub).electorate.desk.find((c) => c.serial === 'counter-1').claim, undefined);

  // Nothing on the console keys paper or declares a count, and the hub refuses the organiser at the desk.
  for (const t of ['meeting', 'desk', 'cards']) {
    await tab(t);
    assert.equal(await org.$('#k-number, #k-marks, #board-form, #sheets-form, #s-sheets'), null, `nothing to key on the ${t} tab`);
  }
  assert.match(await org.textContent('#desk-not-organiser'), /组织者不录入、不清点/);
  for (const c of [{ kind: 'key_paper', batch: 1, number: '1', marks: ['P01'] }, { kind: 'declare_sheets', batch: 1, sheets: 1 }, { kind: 'key_board', board: 1, counts: { P01: 1 } }]) {
    assert.equal((await d.command('organiser', c)).code, 'forbidden', c.kind);
  }
  // The organiser's secret at the counting desk is sent back to the console.
  const desk = await (await browser.newContext(LAPTOP)).newPage();
  await desk.goto(`${hub.url}/count`);
  await desk.fill('#signin-code', hub.tokens.organiser.token);
  await desk.press('#signin-code', 'Enter');
  await desk.waitForSelector('#wrong-card:not([hidden])', WAIT);
  assert.match(await desk.textContent('#wrong-text'), /\/admin/);
  assert.deepEqual(errors, []);
});
