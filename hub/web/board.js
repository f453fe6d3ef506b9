/* board.js — the public board (/board): every accepted ballot as the hub's
 * `GET /api/board` gives it (docs/protocol.md), the search "find my
 * ballot" by receipt code or paper ballot number, the sticker boards, the
 * turnout and the log head, and the votes per proposal added up here from
 * the ballots shown (phone + paper + stickers), next to the hub's own tally:
 * anyone can see that the two agree.
 *
 * It follows the meeting as `public` and reads the board again when the
 * turnout or the phase changes (at most every few seconds); a hub started
 * with --no-public refuses that, and the page then reads the board every
 * 15 s instead. Long lists show their first rows with a "show all" button;
 * printing always prints everything.
 */
(function () {
  'use strict';
  var h = YZ.h, tr = YZ.tr, $ = YZ.$, D = YZ.desk;
  var SHOW = 300, MIN_GAP_MS = 3000, POLL_MS = 15000;
  var board = null, drawnKey = '', full = false, found = null, searched = false;
  var loading = false, again = false, lastLoad = 0, wantSeq = 0, timer = null, failed = false, poller = null;

  // ------------------------------------------------------------ loading

  function schedule(delay) {
    if (timer) return;
    var wait = Math.max(delay || 0, MIN_GAP_MS - (Date.now() - lastLoad));
    timer = setTimeout(load, Math.max(0, wait));
  }
  function want(seq) {
    wantSeq = Math.max(wantSeq, seq || 0);
    if (!board || board.seq < wantSeq) schedule();
  }
  function load() {
    timer = null;
    if (document.hidden) return; // caught up when the page is looked at again
    if (loading) { again = true; return; }
    loading = true;
    lastLoad = Date.now();
    fetch('/api/board', { cache: 'no-cache' }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    }).then(function (b) {
      loading = false; failed = false;
      board = b;
      draw();
      // The hub rebuilds a busy board at most once a second: ask again for what we know exists.
      if (again || b.seq < wantSeq) { again = false; schedule(1500); }
    }, function () {
      loading = false; failed = true;
      draw();
      schedule(5000);
    });
  }

  // ------------------------------------------------------------ the model

  function proposalTitles(b) { var m = {}; b.proposals.forEach(function (p) { m[p.id] = p.title; }); return m; }

  /** Votes per proposal from the ballots on this board: phone, valid paper, agreed stickers. */
  function sums(b) {
    var out = {};
    b.proposals.forEach(function (p) { out[p.id] = { phone: 0, paper: 0, stickers: 0 }; });
    var add = function (id, k, n) { if (out[id]) out[id][k] += n; };
    b.phone.forEach(function (x) { (x.choices || []).forEach(function (id) { add(id, 'phone', 1); }); });
    b.paper.forEach(function (x) { if (!x.void) (x.marks || []).forEach(function (id) { add(id, 'paper', 1); }); });
    b.boards.forEach(function (x) { Object.keys(x.counts || {}).forEach(function (id) { add(id, 'stickers', x.counts[id]); }); });
    return out;
  }

  /** A typed receipt in the hub's form: Crockford letters, XXXX-XXXX. */
  function receiptOf(text) {
    var t = String(text || '').toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
    return /^[0-9A-HJKMNP-TV-Z]{8}$/.test(t) ? t.slice(0, 4) + '-' + t.slice(4) : null;
  }

  function find(text) {
    if (!board) return null;
    var t = String(text || '').trim();
    if (!t) return null;
    var r = receiptOf(t);
    if (r) {
      var p = board.phone.filter(function (x) { return x.receipt === r; })[0];
      if (p) return { kind: 'phone', typed: t, ballot: p };
    }
    // Typed as on the sheet ("0117", "０１１７"): the hub keeps numbers normalised ("117").
    var number = YZ.normalizeBallotNumber(t);
    var paper = board.paper.filter(function (x) { return x.number === number; })[0];
    if (paper) return { kind: 'paper', typed: t, ballot: paper };
    return { kind: 'none', typed: t, receipt: r };
  }

  // ------------------------------------------------------------ drawing

  function ids(list, titles) {
    if (!list) return h('span', { class: 'muted' }, tr('（不公开）', '(not shown)'));
    if (!list.length) return h('span', { class: 'muted' }, tr('（空白）', '(blank)'));
    return list.map(function (id, i) { return [i ? ' ' : '', h('span', { class: 'pid mono', title: titles[id] || tr('不是项目编号', 'not a proposal') }, id)]; });
  }

  function more(n, what) {
    if (full || n <= SHOW) return null;
    return h('p', { class: 'no-print' }, h('button', { type: 'button', class: 'show-all', onclick: function () { full = true; drawnKey = ''; draw(); } },
      tr('显示全部 ' + n + ' ' + what, 'Show all ' + n)));
  }

  function withheldNote(b) {
    if (b.withheld === 'receipts_only') return h('p', { class: 'notice info', id: 'withheld' }, tr('按本次会议的规则，公示板只列出回执码，不公开每张选票选了什么：谁也无法向别人证明自己投给了谁。各项目的总票数照常公布。',
      'By this meeting\'s rules the board lists only the receipt codes, not what each ballot chose: nobody can prove to anyone how they voted. The totals per proposal are published as usual.'));
    if (b.withheld === 'hidden_until_close') return h('p', { class: 'notice info', id: 'withheld' }, tr('按会议规则，各项目的票数在投票结束后公布；在那之前这里只列出回执码。',
      'By the meeting\'s rules the votes per proposal are published when the vote closes; until then only the receipt codes are listed.'));
    return null;
  }

  /** Why a paper ballot is void, in the words every screen uses; over the limit says by how much. */
  function voidText(code, marks) {
    var t = YZ.voidReason(code);
    if (code === 'over_limit' && marks) t += tr('（标了 ' + marks.length + ' 项，最多 ' + board.max_choices + ' 项）', ' (' + marks.length + ' marks, at most ' + board.max_choices + ')');
    return t;
  }

  function summary(b) {
    var row = function (k, v, id) { return [h('dt', null, k), h('dd', { id: id }, v)]; };
    var voids = YZ.voidLine(b), e = b.electorate || {};
    return [
      h('dl', { class: 'rules' },
        row(tr('现在', 'Now'), YZ.phaseName(b.phase), 'b-phase'),
        row(tr('选票', 'Ballots'), YZ.countLine(b), 'b-count'),
        voids ? row(tr('废票原因', 'Void, by reason'), voids, 'b-void-reasons') : null,
        row(tr('投票卡', 'Voter cards'), tr('已发 ' + (e.cards_issued || 0) + ' 张，已作废 ' + (e.cards_cancelled || 0) + ' 张', (e.cards_issued || 0) + ' issued, ' + (e.cards_cancelled || 0) + ' cancelled'), 'b-cards'),
        b.fingerprint ? row(tr('规则指纹', 'Rules fingerprint'), h('span', { class: 'mono' }, b.fingerprint)) : null,
        e.fingerprint ? row(tr('选民指纹', 'Electorate fingerprint'), h('span', { class: 'mono', id: 'b-electorate-fingerprint' }, e.fingerprint)) : null),
      h('p', null, tr('本页反映会议日志第 ', 'This board reflects log entry #'), h('b', { id: 'b-seq' }, String(b.seq)), tr(' 条，其哈希：', ', whose hash is:')),
      h('p', { class: 'mono hash', id: 'b-head', 'data-head': b.log_head }, YZ.groupHex(b.log_head)),
      h('p', { class: 'muted small' }, tr('与大屏幕上显示的哈希对照；会后按公告里的核对说明，可以确认它确实属于会议日志。', 'Compare it with the hash on the big screen; afterwards the checking steps in the notice confirm it is part of the meeting\'s log.')),
      b.results ? h('p', { class: 'notice ok' }, tr('投票已结束。计票时日志哈希：', 'The vote has closed. Log hash at the close: '), h('span', { class: 'mono', id: 'b-closed' }, YZ.groupHex(b.results.closed_at_head, 16)), '…') : null,
      failed ? h('p', { class: 'notice error' }, tr('暂时无法读取最新的公示板，稍后自动重试。', 'Cannot read the latest board right now; trying again shortly.')) : null
    ];
  }

  function phoneList(b, titles) {
    var list = full ? b.phone : b.phone.slice(0, SHOW);
    if (!b.phone.length) return h('p', { class: 'muted' }, tr('还没有手机选票。', 'No phone ballots yet.'));
    return [
      h('p', { class: 'muted' }, tr('共 ' + b.phone.length + ' 张，按回执码排序（不按投票先后）。', b.phone.length + ' ballots, in receipt order (not the order cast).')),
      h('table', { class: 'btable', id: 'phone-table' },
        h('caption', { class: 'visually-hidden' }, tr('手机选票', 'Phone ballots')),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, tr('回执码', 'Receipt')), b.choices_shown ? h('th', { scope: 'col' }, tr('所选项目', 'Choices')) : null)),
        h('tbody', null, list.map(function (x) {
          return h('tr', { 'data-receipt': x.receipt }, h('td', { class: 'mono' }, x.receipt), b.choices_shown ? h('td', null, ids(x.choices, titles)) : null);
        }))),
      more(b.phone.length, tr('张', ''))
    ];
  }

  function paperList(b, titles) {
    if (!b.paper.length) {
      var open = b.batches.filter(function (x) { return x.status !== 'agreed'; }).length;
      return h('p', { class: 'muted' }, tr('还没有计入的纸质选票。', 'No paper ballots counted yet.') + (open ? tr('（' + open + ' 批正在录入）', ' (' + open + ' batches being keyed)') : ''));
    }
    var list = full ? b.paper : b.paper.slice(0, SHOW);
    return [
      h('p', { class: 'muted' }, tr('两位点票员分别录入、两份一致后计入。', 'Keyed by two counters independently; counted once both copies agreed.')),
      h('ul', { class: 'plain batches' }, b.batches.map(function (x) {
        return h('li', { 'data-batch': x.batch }, D.batchName(x.batch) + tr('：', ': ') + D.statusText(x.status) +
          (x.ballots !== null && x.ballots !== undefined ? tr('，' + x.ballots + ' 张', ', ' + x.ballots + ' ballots') : '') +
          (x.sheets !== null && x.sheets !== undefined ? tr('（监票员清点 ' + x.sheets + ' 张）', ' (' + x.sheets + ' sheets counted by the scrutineer)') : ''));
      })),
      h('table', { class: 'btable', id: 'paper-table' },
        h('caption', { class: 'visually-hidden' }, tr('纸质选票', 'Paper ballots')),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, tr('编号', 'Number')), h('th', { scope: 'col' }, tr('批次', 'Batch')),
          b.choices_shown ? h('th', { scope: 'col' }, tr('标记', 'Marks')) : null, h('th', { scope: 'col' }, tr('判定', 'Verdict')))),
        h('tbody', null, list.map(function (x) {
          return h('tr', { 'data-number': x.number, class: x.void ? 'void' : null },
            h('td', { class: 'mono' }, x.number), h('td', null, String(x.batch)),
            b.choices_shown ? h('td', null, ids(x.marks, titles)) : null,
            h('td', null, x.void ? h('span', { class: 'chip bad' }, tr('废票：', 'void: ') + voidText(x.void, x.marks)) : h('span', { class: 'chip ok' }, tr('有效', 'valid'))));
        }))),
      more(b.paper.length, tr('张', ''))
    ];
  }

  function voidList(b, titles) {
    var v = b.paper.filter(function (x) { return x.void; });
    if (!v.length) return h('p', { class: 'muted' }, tr('没有废票。', 'No void ballots.'));
    return [h('p', null, tr('废票不计入任何项目，但照样公示，原票保留，不做删改。', 'Void ballots count for no proposal, but are published as they are: never trimmed, never dropped.')),
      h('ul', { class: 'plain', id: 'void-list' }, v.map(function (x) {
        return h('li', { 'data-number': x.number }, h('b', { class: 'mono' }, x.number), tr('（第 ' + x.batch + ' 批）', ' (batch ' + x.batch + ')'), tr('：', ': '),
          voidText(x.void, x.marks), x.marks ? [tr(' — 标记：', ' — marks: '), ids(x.marks, titles)] : null);
      }))];
  }

  /** Every issue of voter cards (with its reason), every cancellation, the desk cards and their claims. */
  function electorateList(b) {
    var e = b.electorate || { issuances: [], cancellations: [], desk: [] };
    return [
      h('h3', null, tr('发卡记录', 'Cards issued')),
      e.issuances.length ? h('ul', { class: 'plain', id: 'issuances' }, e.issuances.map(function (i) {
        return h('li', { class: i.during_vote ? 'during-vote' : null, 'data-first': i.first },
          i.during_vote ? h('b', null, YZ.issueText(i)) : [YZ.tr(YZ.hhmm(i.at_ms) + ' ', YZ.hhmm(i.at_ms) + ' '), YZ.issueText(i)],
          i.during_vote ? h('span', { class: 'chip warn' }, tr('投票开始后发出', 'issued during the vote')) : null);
      })) : h('p', { class: 'muted' }, tr('还没有发出投票卡。', 'No voter cards issued yet.')),
      h('h3', null, tr('作废的投票卡', 'Cancelled cards')),
      e.cancellations.length ? h('ul', { class: 'plain', id: 'cancellations' }, e.cancellations.map(function (c) {
        return h('li', { 'data-serial': c.serial }, YZ.cancelText(c));
      })) : h('p', { class: 'muted' }, tr('没有作废的投票卡。', 'No card was cancelled.')),
      h('h3', null, tr('点票员与监票员', 'Counters and scrutineers')),
      h('ul', { class: 'plain', id: 'desk-claims' }, e.desk.map(function (d) {
        var c = YZ.claimText(d);
        return h('li', { 'data-serial': d.serial, class: c && c.flagged ? 'flagged' : null },
          c ? [c.flagged ? h('b', null, '⚠ ') : null, c.text, h('span', { class: 'muted' }, tr('（设备 ', ' (device ') + d.claim.device + tr('）', ')')),
            c.also ? h('span', { class: c.flagged ? 'chip bad' : 'chip' }, c.also) : null]
            : [YZ.deskName(d), tr('：尚未认领', ': not claimed yet')]);
      }))
    ];
  }

  function exclusionList(b, titles) {
    if (!b.exclusions || !b.exclusions.length) return h('p', { class: 'muted' }, tr('没有项目被排除。', 'No proposal was excluded.'));
    return h('ul', { class: 'plain', id: 'exclusion-list' }, b.exclusions.map(function (x) {
      return h('li', { 'data-id': x.proposal }, YZ.exclusionText(x, true), titles[x.proposal] ? tr('（' + titles[x.proposal] + '）', ' (' + titles[x.proposal] + ')') : '');
    }));
  }

  function boardsList(b, titles) {
    if (b.allocation === 'equal_shares') return h('p', { class: 'muted' }, tr('本次会议按平均分配法计算，不使用贴纸板。', 'Equal shares: no sticker boards at this meeting.'));
    if (!b.boards.length) return h('p', { class: 'muted' }, tr('没有贴纸板。', 'No sticker boards.'));
    return h('ul', { class: 'plain', id: 'board-list' }, b.boards.map(function (x) {
      var c = x.counts;
      return h('li', { 'data-board': x.board }, h('b', null, D.boardName(x.board)), tr('：', ': '), D.statusText(x.status),
        c ? h('span', { class: 'counts' }, ' — ', Object.keys(c).map(function (id, i) { return [i ? tr('，', ', ') : '', h('span', { class: 'mono', title: titles[id] || '' }, id), ' ', String(c[id])]; })) : null);
    }));
  }

  function tallyTable(b, titles) {
    if (!b.tally) return h('p', { class: 'muted' }, tr('按会议规则，投票结束后公布。', 'Published when the vote closes, by the meeting\'s rules.'));
    var s = sums(b), counts = b.tally.counts, mismatch = [];
    var rows = b.proposals.map(function (p, i) {
      var x = s[p.id], mine = x.phone + x.paper + x.stickers, hub = counts[p.id] || 0;
      if (b.choices_shown && mine !== hub) mismatch.push(p.id);
      return { id: p.id, title: p.title, x: x, sum: mine, hub: hub, order: i };
    }).sort(function (a, c) { return c.hub - a.hub || a.order - c.order; });
    return [
      b.choices_shown ? (mismatch.length
        ? h('p', { class: 'notice error', id: 'sum-check' }, tr('注意：以下项目按本页选票相加的票数与会场服务器的计票不同：', 'Warning: adding up the ballots on this board differs from the hub\'s count for: ') + mismatch.join(', '))
        : h('p', { class: 'notice ok', id: 'sum-check', 'data-agrees': 'yes' }, tr('本页把上面每张选票和贴纸板加起来，与会场服务器的计票完全一致。', 'Adding up every ballot and board above gives exactly the hub\'s count.')))
        : h('p', { class: 'muted' }, tr('每张选票的选择不公开，这里是会场服务器的计票。', 'The choices are not published; these are the hub\'s totals.')),
      h('table', { class: 'btable', id: 'tally-table' },
        h('caption', { class: 'visually-hidden' }, tr('各项目票数', 'Votes per proposal')),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, tr('项目', 'Proposal')),
          b.choices_shown ? [h('th', { scope: 'col', class: 'num' }, tr('手机', 'Phone')), h('th', { scope: 'col', class: 'num' }, tr('纸质', 'Paper')),
            b.allocation !== 'equal_shares' ? h('th', { scope: 'col', class: 'num' }, tr('贴纸', 'Stickers')) : null] : null,
          h('th', { scope: 'col', class: 'num' }, tr('合计', 'Total')))),
        h('tbody', null, rows.map(function (r) {
          return h('tr', { 'data-id': r.id, 'data-votes': r.hub },
            h('th', { scope: 'row' }, h('span', { class: 'mono' }, r.id), ' ', r.title),
            b.choices_shown ? [h('td', { class: 'num' }, String(r.x.phone)), h('td', { class: 'num' }, String(r.x.paper)),
              b.allocation !== 'equal_shares' ? h('td', { class: 'num' }, String(r.x.stickers)) : null] : null,
            h('td', { class: 'num' }, h('b', null, String(r.hub))));
        })))
    ];
  }

  function foundBox() {
    if (!found) return null;
    var b = board, titles = proposalTitles(b);
    if (found.kind === 'phone') {
      return h('div', { class: 'notice ok', id: 'found', 'data-found': found.ballot.receipt },
        h('p', null, h('strong', null, tr('找到了：回执码 ', 'Found: receipt ') + found.ballot.receipt), tr('，这张手机选票已收到并计入。', ' — this phone ballot was received and counts.')),
        found.ballot.choices ? h('ul', { class: 'plain' }, found.ballot.choices.map(function (id) { return h('li', null, h('span', { class: 'mono' }, id), ' ', titles[id] || ''); }))
          : h('p', null, b.withheld === 'receipts_only' ? tr('按会议规则不公开所选项目。', 'Its choices are not published, by the meeting\'s rules.') : tr('所选项目在投票结束后公布。', 'Its choices are published when the vote closes.')));
    }
    if (found.kind === 'paper') {
      var x = found.ballot;
      return h('div', { class: 'notice ' + (x.void ? 'error' : 'ok'), id: 'found', 'data-found': x.number },
        h('p', null, h('strong', null, tr('找到了：纸质选票 ' + x.number, 'Found: paper ballot ' + x.number)), tr('（第 ' + x.batch + ' 批）', ' (batch ' + x.batch + ')'),
          x.void ? tr('，废票：' + voidText(x.void, x.marks), ' — void: ' + voidText(x.void, x.marks)) : tr('，有效，已计入。', ' — valid, counted.')),
        x.marks ? h('p', null, ids(x.marks, titles)) : null);
    }
    return h('div', { class: 'notice error', id: 'found', 'data-found': '' },
      h('p', null, tr('没有找到“' + found.typed + '”。', 'Nothing found for “' + found.typed + '”.')),
      h('p', null, tr('请核对回执码（8 位，如 7KQ2-M9XD）。刚刚投的票：本页会自动更新，稍等片刻再查。纸质选票在两位点票员的录入一致后才出现在这里。',
        'Check the receipt code (8 characters, e.g. 7KQ2-M9XD). Just voted? This page updates itself; try again in a moment. Paper ballots appear once both counters\' copies agree.')));
  }

  function draw() {
    var b = board;
    if (!b) {
      if (failed) YZ.fill($('#summary'), h('p', { class: 'notice error' }, tr('无法读取公示板，稍后自动重试。', 'Cannot read the board; trying again shortly.')));
      return;
    }
    var key = [YZ.lang(), b.seq, b.log_head, full, failed].join('|');
    // A receipt from the link is looked up as soon as the first board is in.
    if (!found && !searched && $('#find-code').value) found = find($('#find-code').value);
    searched = true;
    if (found) found = find(found.typed);
    YZ.fill($('#find-result'), foundBox());
    if (key === drawnKey) return;
    drawnKey = key;
    var titles = proposalTitles(b);
    document.title = tr('公示板 · ', 'Public board · ') + b.meeting.name;
    YZ.fill($('#meeting-name'), b.meeting.name, ' ', h('span', { class: 'sub' }, tr('· 公示板', '· public board')));
    $('#meeting-where').textContent = [b.meeting.venue, b.meeting.date].filter(Boolean).join(' · ');
    YZ.fill($('#summary'), summary(b));
    YZ.fill($('#electorate'), electorateList(b));
    YZ.fill($('#exclusions'), exclusionList(b, titles));
    YZ.fill($('#phone'), withheldNote(b), phoneList(b, titles));
    YZ.fill($('#paper'), paperList(b, titles));
    YZ.fill($('#void'), voidList(b, titles));
    YZ.fill($('#boards'), boardsList(b, titles));
    YZ.fill($('#tally'), tallyTable(b, titles));
    YZ.fill($('#foot'), tr('日志 #', 'Log #') + b.seq + ' · ', h('span', { class: 'mono', id: 'log-head' }, YZ.groupHex(b.log_head)));
  }

  // ------------------------------------------------------------ search, print, connection

  function search(text) {
    found = find(text);
    if (!board) { found = { kind: 'none', typed: String(text || '').trim() }; }
    YZ.fill($('#find-result'), foundBox());
  }

  function status(state, detail) {
    var el = $('#status');
    el.hidden = state === 'online';
    el.setAttribute('data-state', state);
    el.textContent = YZ.statusText(state, detail);
    if (state === 'refused') {
      // A hub started with --no-public: no live feed for anonymous pages; read the board now and then.
      el.hidden = true;
      if (!poller) poller = setInterval(function () { schedule(); }, POLL_MS);
    }
  }

  YZ.langToggle();
  YZ.initLarge();
  YZ.initLang();
  YZ.onLang(function () { drawnKey = ''; draw(); });
  $('#find-form').addEventListener('submit', function (e) { e.preventDefault(); search($('#find-code').value); });
  $('#print').addEventListener('click', function () { full = true; drawnKey = ''; draw(); window.print(); });
  window.addEventListener('beforeprint', function () { if (!full) { full = true; drawnKey = ''; draw(); } });
  document.addEventListener('visibilitychange', function () { if (!document.hidden) schedule(); });
  // A link from the voter's receipt: /board#receipt=XXXX-XXXX (a fragment: never sent to the server).
  function fromLink() {
    var m = /(?:^#|&)receipt=([^&]+)/.exec(location.hash || '');
    if (!m) return false;
    try { $('#find-code').value = decodeURIComponent(m[1]); } catch (e) { return false; }
    return true;
  }
  fromLink();
  window.addEventListener('hashchange', function () { if (fromLink()) search($('#find-code').value); });
  load();
  var session = new YZ.Session({
    token: 'public', client: 'board-page/1',
    onWelcome: function (you, s) { if (!YZ.storage.get('yz.lang')) YZ.initLang(s.meeting.language); },
    onChange: function (s, u) { if (!u || 'turnout' in u || 'phase' in u || 'results' in u || 'tally' in u || 'electorate' in u || 'exclusions' in u) want(s.seq); },
    onStatus: status
  });
  session.start();

  // For the browser tests and debugging.
  window.YZBoard = { board: function () { return board; }, find: find, sums: function () { return board ? sums(board) : null; } };
})();
