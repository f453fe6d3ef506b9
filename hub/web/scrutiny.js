/* scrutiny.js — the scrutineer's page (/scrutiny, observer token): every
 * batch of paper ballots with both counters' copies side by side, live as
 * they are keyed (each keystroke the hub accepts arrives as a `copy_change`
 * update and flashes in its row), the rows where the copies differ, the
 * verdict on every ballot once a batch agrees (void ones with the reason),
 * both readings of every sticker board, the turnout and the log head.
 *
 * The one thing a scrutineer enters is the hand count of a batch's sheets
 * (`declare_sheets`), their own (scrutineer A's and B's stand side by
 * side), shown against what was keyed: the vote cannot close until they
 * match. Above it all, every desk card's claim (when, from which address,
 * flagged when the organiser's console was there), and the voter cards
 * issued and cancelled, with the count in the same words as every page.
 *
 * The scrutineer's card is claimed on first use with a PIN on this device
 * (YZ.desk.claim), like a counter's. The page also keeps a witness copy of
 * the whole log (witness.js): checked entry by entry, kept in this browser,
 * downloadable for `hub restore`.
 */
(function () {
  'use strict';
  var h = YZ.h, tr = YZ.tr, $ = YZ.$, D = YZ.desk;
  var PAGE = 'scrutiny';
  var app = { token: null, typed: false, you: null, snap: null, status: 'connecting', statusDetail: null, claiming: null };
  var session = null, mine = {}, witness = null;
  var seen = {}; // unit|counter|number → marks as last drawn, to flash what changed
  var cards = {}; // unit key → its card element
  var drawnOnce = false; // after the first drawing, a row that appears is new: flash it

  function say(kind, text) { YZ.say(kind, text); }

  function drawIf(el, key, draw) { YZ.drawIf(el, key, draw); }

  function renderHeader() {
    var st = $('#status');
    st.setAttribute('data-state', app.status);
    st.textContent = app.claiming && app.status === 'refused' ? tr('需要密码', 'PIN needed') : YZ.statusText(app.status, app.statusDetail);
    var s = app.snap;
    $('#phase').textContent = s ? YZ.phaseName(s.phase) : '';
    if (app.you) $('#who').textContent = myNumber() ? scrName(myNumber()) : app.you.label;
    if (s) document.title = tr('监票 · ', 'Scrutiny · ') + s.meeting.name;
    YZ.showUnsent($('#unsent'), session);
  }

  // ------------------------------------------------------------ summary

  /** This scrutineer's number ("1" for A), from the card's label. */
  function myNumber() {
    var m = /([A-Z])\s*$/.exec(app.you ? app.you.label : '');
    return m ? String(m[1].charCodeAt(0) - 64) : null;
  }
  function scrName(n) { return YZ.deskName({ role: 'observer', number: parseInt(n, 10) }); }

  function renderSummary() {
    var s = app.snap, c = YZ.count(s), reg = c.register;
    drawIf($('#summary'), JSON.stringify(s.turnout), function () {
      YZ.fill($('#summary'),
        h('p', { class: 'count-line' }, YZ.countLine(s)),
        c.void ? h('p', { class: 'small-text', id: 'void-line' }, tr('废票：', 'Void: ') + YZ.voidLine(s)) : null,
        reg ? h('p', { class: 'small-text', id: 'register-line' }, tr('门口登记 ' + reg.registered + ' 人：投票卡 ' + reg.cards + '，纸质选票 ' + reg.paper + '，贴纸 ' + reg.sticker_sheets + ' 份（共 ' + reg.stickers + ' 张）',
          reg.registered + ' registered at the door: ' + reg.cards + ' cards, ' + reg.paper + ' paper ballots, ' + reg.sticker_sheets + ' sticker sheets (' + reg.stickers + ' stickers)')) : null);
    });
    var me = myNumber();
    drawIf($('#me'), String(me), function () {
      YZ.fill($('#me'), h('strong', { id: 'me-name', 'data-scrutineer': me }, tr('本页：', 'This page: ') + (me ? scrName(me) : app.you.label)),
        tr('。你登记的清点张数记在你名下，另一位监票员的清点并列显示。', '. The hand counts you enter are yours; the other scrutineer\'s stand beside them.'));
    });
    drawIf($('#claims'), JSON.stringify(s.electorate.desk), function () { YZ.fill($('#claims'), D.deskTable(s, { id: 'desk-cards' })); });
    drawIf($('#electorate'), JSON.stringify([s.electorate.issuances, s.electorate.cancellations, s.electorate.fingerprint]), function () {
      YZ.fill($('#electorate'), h('p', null, D.electorateLine(s)),
        D.issuanceList(s, 'issuances'),
        s.electorate.cancellations.length ? [h('h3', null, tr('作废的投票卡', 'Cancelled cards')), D.cancellationList(s, 'cancellations')] : null);
    });
    YZ.fill($('#head'), tr('第 ', 'Entry ') + s.seq + tr(' 条 · ', ' · '), h('span', { id: 'log-head', 'data-head': s.log_head }, YZ.groupHex(s.log_head)),
      s.fingerprint ? [h('br'), tr('规则指纹 ', 'Rules fingerprint '), h('b', null, s.fingerprint)] : null);
    var blockers = s.phase === 'voting' ? D.blockers(s) : [];
    drawIf($('#blockers'), JSON.stringify(blockers), function () {
      YZ.fill($('#blockers'), blockers.length ? h('div', { class: 'notice info', id: 'close-blockers' },
        h('strong', null, tr('投票结束前还需要：', 'Before the vote can close:')),
        h('ul', { class: 'plain' }, blockers.map(function (b) { return h('li', null, D.blockerText(b)); }))) : null);
    });
  }

  // ------------------------------------------------------------ batches

  function sheetsLine(b) {
    var k = D.keyed(b), parts = [];
    if (k.agreed !== null) parts.push(tr('录入 ' + k.agreed + ' 张', 'keyed ' + k.agreed));
    else parts.push(k.copies.length ? k.copies.map(function (c) { return D.deskName(c.counter) + ' ' + tr(c.entries + ' 张', String(c.entries)) + (c.finished ? ' ✓' : ''); }).join(' · ') : tr('尚无录入', 'nothing keyed'));
    var has = b.sheets !== null && b.sheets !== undefined, me = myNumber(), counts = b.sheet_counts || [];
    parts.push(' / ', has ? tr('清点 ' + b.sheets + ' 张', 'counted ' + b.sheets) : counts.length ? tr('两位监票员清点不同', 'the scrutineers\' counts differ') : tr('未清点', 'not counted yet'));
    var each = counts.map(function (x) {
      return h('span', { class: 'sheet-count', 'data-scrutineer': x.scrutineer }, scrName(x.scrutineer) + (x.scrutineer === me ? tr('（我）', ' (me)') : '') + tr(' 清点 ' + x.sheets + ' 张', ' counted ' + x.sheets));
    });
    var chip = null;
    if (has && k.agreed !== null) chip = b.sheets === k.agreed ? h('span', { class: 'chip ok', 'data-match': 'yes' }, tr('一致', 'match'))
      : h('span', { class: 'chip bad', 'data-match': 'no' }, tr('不一致', 'mismatch'));
    else if (has && k.copies.some(function (c) { return c.entries !== b.sheets; })) chip = h('span', { class: 'chip warn', 'data-match': 'not-yet' }, tr('录入张数与清点不同', 'keyed ≠ counted so far'));
    return [h('p', { class: 'sheets-line' }, parts, ' ', chip), each.length ? h('p', { class: 'small-text sheet-counts' }, each.map(function (e, i) { return [i ? ' · ' : '', e]; })) : null];
  }

  function marksCell(marks, fresh, counter) {
    if (!marks) return h('td', { class: 'muted', 'data-counter': counter }, '—');
    if (hidden()) return h('td', { class: 'muted' + (fresh ? ' freshcell' : ''), 'data-counter': counter }, tr('已录入', 'keyed'));
    var pm = YZ.proposalMap(app.snap);
    return h('td', { 'data-counter': counter, class: fresh ? 'freshcell' : null }, marks.length ? marks.map(function (id, i) {
      return [i ? ' ' : '', h('span', { class: 'mark mono' + (pm[id] ? '' : ' unknown'), title: pm[id] ? pm[id].title : tr('不是项目编号', 'not a proposal') }, id)];
    }) : h('span', { class: 'muted' }, tr('（空白）', '(blank)')));
  }

  function batchTable(n, b) {
    var r = D.batchRows(app.snap, n), max = app.snap.rules.max_choices;
    var unit = 'batch:' + n;
    var body = r.rows.map(function (row) {
      var fresh = false;
      var cells = r.counters.map(function (c) {
        var key = unit + '|' + c + '|' + row.number, now = JSON.stringify(row.marks[c]);
        var changed = seen[key] !== undefined && seen[key] !== now || (seen[key] === undefined && drawnOnce);
        seen[key] = now;
        if (changed && row.marks[c]) fresh = true;
        return marksCell(row.marks[c], changed && !!row.marks[c], c);
      });
      var verdict = row.verdict === undefined ? (row.reason ? h('span', { class: 'chip bad' }, D.diffText(row.reason)) : h('span', { class: 'muted' }, r.counters.length === 2 ? tr('相同', 'same') : ''))
        : row.verdict ? h('span', { class: 'chip bad' }, tr('废票：', 'void: ') + D.voidText(row.verdict, hidden() ? null : row.marks[r.counters[0]] || row.marks.agreed, max))
        : h('span', { class: 'chip ok' }, tr('有效', 'valid'));
      var cls = [row.reason ? 'differs' : '', row.verdict ? 'void' : '', fresh ? 'fresh' : ''].filter(Boolean).join(' ');
      return h('tr', { 'data-number': row.number, 'data-reason': row.reason || null, class: cls || null },
        h('th', { scope: 'row', class: 'mono' }, row.number), cells, h('td', null, verdict));
    });
    if (!body.length) return h('p', { class: 'muted' }, tr('还没有录入。', 'Nothing keyed yet.'));
    return h('table', { class: 'desk-table' },
      h('caption', { class: 'visually-hidden' }, D.batchName(n) + tr('的两份录入', ': both copies')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, tr('编号', 'Number')),
        r.counters.map(function (c) { return h('th', { scope: 'col' }, D.deskName(c)); }),
        h('th', { scope: 'col' }, b && b.status === 'agreed' ? tr('判定', 'Verdict') : tr('比对', 'Comparison')))),
      h('tbody', null, body));
  }

  function batchCard(b) {
    var n = b.batch, el = cards['batch:' + n];
    if (!el) {
      el = cards['batch:' + n] = h('section', { class: 'card batch-card', 'data-batch': n, 'aria-labelledby': 'b-h-' + n },
        h('h3', { id: 'b-h-' + n }), h('div', { class: 'line' }), h('div', { class: 'body' }));
    }
    var copies = D.copies(app.snap, { batch: n });
    drawIf(el, JSON.stringify([b, copies]), function () {
      YZ.fill(el.children[0], h('span', null, D.batchName(n)), h('span', { class: 'chip st-' + b.status, 'data-status': b.status }, D.statusText(b.status)),
        h('button', { type: 'button', class: 'small', 'data-sheets': n, onclick: function () {
          var mine = (b.sheet_counts || []).filter(function (x) { return x.scrutineer === myNumber(); })[0];
          $('#s-batch').value = String(n);
          $('#s-sheets').value = mine ? String(mine.sheets) : '';
          $('#s-sheets').focus();
        } }, tr('登记张数', 'Enter count'), h('span', { class: 'visually-hidden' }, ' ' + D.batchName(n))));
      YZ.fill(el.children[1], sheetsLine(b),
        b.status === 'disputed' ? h('p', { class: 'notice error' }, tr('两份不一致：', 'The copies differ: '), b.differences.map(function (d) { return d.at + '（' + D.diffText(d.reason) + '）'; }).join(tr('；', '; '))) : null);
      YZ.fill(el.children[2], batchTable(n, b));
    });
    return el;
  }

  function renderBatches() {
    var s = app.snap, list = s.paper ? s.paper.batches : [];
    $('#marks-hidden').hidden = !hidden();
    var box = $('#batches');
    if (!list.length) {
      drawIf(box, 'none', function () { YZ.fill(box, h('p', { class: 'muted' }, tr('还没有纸质选票录入。', 'No paper ballots keyed yet.'))); });
      return;
    }
    var els = list.slice().sort(function (a, b) { return a.batch - b.batch; }).map(batchCard);
    // Keep the cards (and whatever is focused in them) in place; only add and order.
    if (box.__yzKey) { box.__yzKey = null; YZ.fill(box); }
    els.forEach(function (el, i) { if (box.children[i] !== el) box.insertBefore(el, box.children[i] || null); });
    while (box.children.length > els.length) box.removeChild(box.lastChild);
    drawnOnce = true;
  }

  // ------------------------------------------------------------ boards

  /** A hidden tally: marks and sticker counts are not shown to anyone but their counter until the close. */
  function hidden() { return !!(app.snap && app.snap.paper && app.snap.paper.marks_hidden); }

  function renderBoards() {
    var s = app.snap, list = s.paper ? s.paper.boards : [];
    var key = JSON.stringify([list, (s.paper_copies || []).filter(function (c) { return c.unit.board !== undefined; })]);
    drawIf($('#boards'), key, function () {
      if (s.rules.allocation === 'equal_shares') { YZ.fill($('#boards'), h('p', { class: 'muted' }, tr('本次会议按平均分配法计算，不使用贴纸板。', 'Equal shares: no sticker boards at this meeting.'))); return; }
      if (!list.length) { YZ.fill($('#boards'), h('p', { class: 'muted' }, tr('还没有贴纸板读数。', 'No sticker board read yet.'))); return; }
      if (hidden()) {
        YZ.fill($('#boards'), list.map(function (b) {
          return h('section', { class: 'card', 'data-board': b.board, 'aria-labelledby': 'bd-h-' + b.board },
            h('h3', { id: 'bd-h-' + b.board }, D.boardName(b.board), ' ', h('span', { class: 'chip st-' + b.status }, D.statusText(b.status))),
            h('p', null, D.copies(s, { board: b.board }).map(function (c) { return D.deskName(c.counter) + (c.finished ? ' ✓' : ''); }).join(' · ') || tr('尚无读数', 'no reading yet')),
            b.status === 'disputed' ? h('p', { class: 'notice error' }, tr('读数不同：', 'The readings differ: '), b.differences.map(function (d) { return d.at; }).join(tr('、', ', '))) : null);
        }));
        return;
      }
      YZ.fill($('#boards'), list.map(function (b) {
        var r = D.boardRows(s, b.board);
        return h('section', { class: 'card', 'data-board': b.board, 'aria-labelledby': 'bd-h-' + b.board },
          h('h3', { id: 'bd-h-' + b.board }, D.boardName(b.board), ' ', h('span', { class: 'chip st-' + b.status }, D.statusText(b.status))),
          r.rows.length ? h('table', { class: 'desk-table' },
            h('caption', { class: 'visually-hidden' }, D.boardName(b.board) + tr('的两次读数', ': both readings')),
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, tr('项目', 'Proposal')),
              r.counters.map(function (c) { return h('th', { scope: 'col' }, D.deskName(c)); }),
              h('th', { scope: 'col' }, tr('计入', 'Counted')))),
            h('tbody', null, r.rows.map(function (row) {
              return h('tr', { 'data-id': row.id, class: row.differ ? 'differs' : null },
                h('th', { scope: 'row' }, h('span', { class: 'mono' }, row.id), ' ', row.title),
                r.counters.map(function (c) { return h('td', { class: 'mono' }, String(row.counts[c])); }),
                h('td', { class: 'mono' }, row.agreed === null ? (row.differ ? tr('不同', 'differs') : '—') : String(row.agreed)));
            }))) : h('p', { class: 'muted' }, tr('（读数为空）', '(empty reading)')));
      }));
    });
  }

  // ------------------------------------------------------------ the witness copy

  function renderWitness() {
    var w = witness, box = $('#witness');
    $('#witness-card').hidden = !w;
    if (!w) return;
    var last = w.last();
    $('#witness-download').disabled = !w.rows.length;
    if (w.rewritten) {
      var r = w.rewritten;
      YZ.fill(box, h('div', { class: 'notice error', role: 'alert', id: 'witness-refused' },
        h('strong', null, r.stored ? tr('本设备上保存的副本已损坏，不再继续。', 'The copy kept on this device is damaged; it is not continued.')
          : tr('会场服务器发来的记录与本副本不同：日志被改写了，或者这是另一场会议。本副本保持原样，不再写入。', 'The hub sent an entry that differs from this copy: its log was rewritten, or this is another meeting. This copy is kept as it was; nothing more is written.')),
        r.seq ? h('p', { class: 'mono' }, tr('第 ' + r.seq + ' 条', 'Entry ' + r.seq) + (r.held ? ' · ' + tr('副本 ', 'copy ') + YZ.groupHex(r.held, 16) + ' · ' + tr('服务器 ', 'hub ') + YZ.groupHex(r.sent, 16) : '') + (r.detail ? ' · ' + r.detail : '')) : null,
        h('p', null, tr('请下载本副本，交给组织者和其他监票员核对。', 'Download this copy and give it to the organiser and the other scrutineers to check.'))));
      return;
    }
    YZ.fill(box,
      h('p', { id: 'witness-state' }, !w.loaded ? tr('正在读取本设备上的副本…', 'Reading the copy kept on this device…')
        : last ? [tr('已核对 ', 'Checked '), h('b', { id: 'witness-count' }, String(w.rows.length)), tr(' 条记录，最后一条的哈希 ', ' entries; the last one\'s hash '), h('span', { class: 'mono', id: 'witness-head' }, YZ.groupHex(last.hash, 16))]
        : tr('还没有记录。', 'No entries yet.')),
      w.sealed ? h('p', { class: 'muted small-text', id: 'witness-sealed' }, tr('其中 ' + w.sealed + ' 条是投票期间的记录，计票结果公开前保持密封（只核对链接），投票结束后自动打开核对。', w.sealed + ' of them were written during the vote and stay sealed until the vote closes (only their links are checked); they are opened and checked after the close.')) : null,
      w.loaded && !w.stored ? h('p', { class: 'notice warn' }, tr('这个浏览器不能长期保存副本，请定期下载。', 'This browser cannot keep the copy; download it regularly.')) : null);
  }

  function renderAll() {
    renderHeader();
    renderWitness();
    var on = !!app.snap;
    $('#view').hidden = !on;
    if (!on) return;
    renderSummary();
    renderBatches();
    renderBoards();
  }

  // ------------------------------------------------------------ the hand count

  function wireSheets() {
    $('#sheets-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var batch = parseInt($('#s-batch').value, 10), sheets = parseInt($('#s-sheets').value, 10);
      if (!(batch >= 1 && batch <= 9999) || !(sheets >= 0 && sheets <= 100000)) {
        say('error', tr('批次 1–9999，张数 0–100000。', 'A batch 1 to 9999 and 0 to 100000 sheets.'));
        return;
      }
      var id = session.newId();
      mine[id] = true;
      session.command({ kind: 'declare_sheets', batch: batch, sheets: sheets }, id).then(function (m) {
        delete mine[id];
        renderHeader();
        if (m.type === 'error') say('error', D.errorText(m));
        else say('ok', tr(D.batchName(batch) + '：已登记清点 ' + sheets + ' 张', D.batchName(batch) + ': ' + sheets + ' sheets entered'));
      });
      renderHeader();
      $('#s-sheets').value = '';
    });
  }

  // ------------------------------------------------------------ connection

  function signIn(error) {
    if (session) { session.stop(); session = null; }
    app.you = null; app.snap = null; app.claiming = null; witness = null;
    D.claim.hide();
    $('#signin').hidden = false;
    renderAll();
    if (error) say('error', error);
    $('#signin-code').focus();
  }

  /** The hub refused the card's hello over its claim: say why, ask for the PIN if that helps. */
  function claimRefused(refusal, sentPin) {
    if (session) { session.stop(); session = null; }
    app.you = null; app.snap = null;
    if (refusal.code === 'wrong_pin') D.claim.setPin(app.token, null);
    app.claiming = refusal.code;
    renderAll();
    D.claim.show({
      refusal: refusal, sentPin: sentPin,
      onPin: function (pin) { D.claim.setPin(app.token, pin); D.claim.hide(); start(app.token, app.typed); },
      onRetry: function () { D.claim.hide(); start(app.token, app.typed); },
      onOther: function () { YZ.forgetToken(PAGE); D.claim.setPin(app.token, null); signIn(); }
    });
  }

  function start(token, typed) {
    app.token = token;
    app.typed = !!typed;
    $('#signin').hidden = true;
    var sentPin = !!D.claim.pin(token);
    session = new YZ.Session({
      token: token,
      client: 'scrutiny-page/1',
      hello: D.claim.hello(token),
      persist: 'yz.pending.scrutiny.' + token.toUpperCase().replace(/[^0-9A-Z]/g, ''),
      onStatus: function (state, detail) {
        app.status = state; app.statusDetail = detail;
        renderHeader();
        if (state !== 'refused') return;
        if (D.claim.isClaimRefusal(detail)) { claimRefused(detail, sentPin); return; }
        YZ.forgetToken(PAGE);
        signIn(YZ.statusText(state, detail));
      },
      onWelcome: function (you, snap) {
        if (you.role !== 'observer') {
          YZ.wrongCard(session, PAGE, you);
          return;
        }
        if (!witness) witness = new YZ.Witness({ key: YZ.sha256(token.toUpperCase().replace(/[^0-9A-Z]/g, '')).slice(0, 16), onChange: schedule });
        witness.attach(session, snap.phase);
        if (typed) YZ.keepToken(PAGE, token);
        if (!YZ.storage.get('yz.lang')) YZ.initLang(snap.meeting.language);
        app.you = you;
        if (app.claiming === 'claim_required') say('ok', tr('已认领：这张卡从现在起只能在这台设备上、用你设的密码使用。', 'Claimed: from now on this card works only on this device, with your PIN.'));
        app.claiming = null;
      },
      onChange: function (snap) {
        if (!app.you) return;
        app.snap = snap;
        schedule();
      },
      onAnswer: function (m, id) {
        renderHeader();
        if (!mine[id] && m.type === 'error') say('error', D.errorText(m));
      },
      onNotice: function (m) { say('error', YZ.errorText(m)); },
      onLog: function (frame) { if (witness) witness.take(frame); }
    }).start();
  }

  var schedule = YZ.frame(renderAll);

  function init() {
    YZ.initLang();
    YZ.langToggle();
    YZ.onLang(function () { renderAll(); });
    wireSheets();
    $('#witness-download').addEventListener('click', function () {
      if (!witness || !witness.rows.length) return;
      var last = witness.last(), name = 'witness-' + (app.snap ? app.snap.meeting.date : 'meeting') + '-' + last.seq + '.jsonl';
      witness.download(name);
      say('ok', tr('已下载 ', 'Downloaded ') + name);
    });
    $('#signin-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var code = YZ.normalizeToken($('#signin-code').value);
      if (!code) return;
      $('#signin-code').value = '';
      start(code, true);
    });
    var token = YZ.takeToken(PAGE);
    if (token) start(token); else signIn();
  }

  init();
})();
