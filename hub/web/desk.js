/* desk.js — the counting desk as plain data, shared by the counter's page
 * (/count), the scrutineer's (/scrutiny), the door register (/door) and the
 * organiser's console: names of statuses, verdicts and differences in both
 * languages, reading what a counter typed as proposal ids, the two copies of
 * a batch side by side, what still keeps the vote from closing, and the
 * hub's desk errors in plain words (pure functions of the snapshot); then
 * the staff pages' shared pieces of the electorate (who may vote, who
 * counts: the desk cards' claims, the card issues and cancellations) and the
 * claim of a desk card, which build DOM with YZ.h.
 *
 * ES2017 at most; extends window.YZ (load after yz.js).
 */
(function () {
  'use strict';
  var YZ = window.YZ, tr = YZ.tr;
  var D = {};

  // ------------------------------------------------------------ names

  var STATUS = {
    keying: ['录入中', 'being keyed'],
    disputed: ['两份录入不一致，待核对', 'the two copies differ: re-check'],
    agreed: ['两份一致，已计入', 'agreed and counted']
  };
  D.statusText = function (st) { var n = STATUS[st]; return n ? tr(n[0], n[1]) : st; };

  var DIFF = {
    marks_differ: ['两份录入的选项不同', 'the marks differ between the copies'],
    only_in_one: ['只有一份录入了这张票', 'keyed in one copy only'],
    number_used: ['这个编号已在另一批计入', 'this number was already counted in another batch'],
    count_differs: ['两次读数不同', 'the two readings differ']
  };
  D.diffText = function (r) { var n = DIFF[r]; return n ? tr(n[0], n[1]) : r; };

  /** Why a paper ballot is void, in words; `marks` and `max` make over_limit concrete. */
  D.voidText = function (reason, marks, max) {
    switch (reason) {
      case 'blank': return tr('空白票（没有标记）', 'blank (no marks)');
      case 'over_limit': return marks && max ? tr('超过上限：标了 ' + marks.length + ' 项，最多 ' + max + ' 项', 'over the limit: ' + marks.length + ' marks, at most ' + max)
        : tr('超过上限', 'over the limit');
      case 'unknown_proposal': return tr('标记了不存在的项目', 'a mark that is no proposal');
      case 'repeated_mark': return tr('同一项目标记两次', 'the same proposal marked twice');
      case 'unissued_number': return tr('编号未在门口发出', 'a number never handed out at the door');
      case 'cancelled_number': return tr('编号已作废（持有人已换发）', 'a cancelled number (its holder switched)');
      default: return reason || '';
    }
  };
  /** Just the word for a void verdict (a chip). */
  D.voidWord = function (reason) {
    var n = { blank: ['空白', 'blank'], over_limit: ['超限', 'over limit'], unknown_proposal: ['未知项目', 'unknown'], repeated_mark: ['重复', 'repeated'],
      unissued_number: ['未发出', 'not issued'], cancelled_number: ['已作废', 'cancelled'] }[reason];
    return n ? tr(n[0], n[1]) : reason;
  };

  D.batchName = function (n) { return tr('第 ' + n + ' 批', 'Batch ' + n); };
  D.boardName = function (n) { return tr('第 ' + n + ' 号贴纸板', 'Board ' + n); };
  D.deskName = function (c) { return tr(c + ' 号点票员', 'counter ' + c); };

  /** Ballot numbers in reading order: 2 before 10, numbers before other labels. */
  D.natural = function (a, b) {
    var x = /^\d+$/.test(a), y = /^\d+$/.test(b);
    if (x && y) return parseInt(a, 10) - parseInt(b, 10) || (a < b ? -1 : a > b ? 1 : 0);
    if (x !== y) return x ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  };

  /** The number after "0117" is "0118" (padding kept); "" when it is not a number. */
  D.nextNumber = function (n) {
    var m = /^(.*?)(\d+)$/.exec(String(n || '').trim());
    if (!m) return '';
    var next = String(parseInt(m[2], 10) + 1);
    while (next.length < m[2].length) next = '0' + next;
    return m[1] + next;
  };

  /**
   * A paper ballot's number as the hub keeps it (docs/protocol.md, "Paper
   * ballot numbers"): full-width folded, spaces and dashes dropped, upper
   * case, and digits only without leading zeros — "0117", "117" and "０１１７"
   * are all "117".
   */
  D.normalizeNumber = function (s) {
    var f = ascii(s || '').replace(/[\s-]/g, '').toUpperCase();
    if (f && /^[0-9]+$/.test(f)) return f.replace(/^0+/, '') || '0';
    return f;
  };

  /** A voter card's serial as the hub keeps it: "v42", "42", "Ｖ００４２" → "V0042". */
  D.cardSerial = function (typed) {
    var s = ascii(typed || '').trim().toUpperCase();
    var digits = s.charAt(0) === 'V' ? s.slice(1) : s;
    if (/^[0-9]+$/.test(digits) && digits.length <= 9) {
      var n = String(parseInt(digits, 10));
      while (n.length < 4) n = '0' + n;
      return 'V' + n;
    }
    return s;
  };

  // ------------------------------------------------------------ reading what was typed

  /** Full-width digits and letters (Chinese input methods) as ASCII. */
  function ascii(s) {
    return String(s).replace(/[\uff01-\uff5e]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); }).replace(/\u3000/g, ' ');
  }
  var BLANK = /^(-+|—+|空|空白|空票|无|blank|none)$/i;
  var SHAPE = /^([A-Za-z]*)0*(\d+)$/;
  var indexFor = null, indexOf = null;
  function index(proposals) {
    if (indexFor === proposals && indexOf) return indexOf;
    var exact = {}, upper = {}, byNumber = {};
    proposals.forEach(function (p) {
      exact[p.id] = p;
      (upper[p.id.toUpperCase()] = upper[p.id.toUpperCase()] || []).push(p);
      var m = SHAPE.exec(p.id);
      if (m) (byNumber[parseInt(m[2], 10)] = byNumber[parseInt(m[2], 10)] || []).push({ p: p, prefix: m[1].toUpperCase() });
    });
    indexFor = proposals;
    indexOf = { exact: exact, upper: upper, byNumber: byNumber };
    return indexOf;
  }

  /**
   * What a counter typed for a ballot's marks, as proposal ids. People type
   * "14", "P14", "p 14", "p14, 3 27"; each item is matched to the meeting's
   * proposal list by its number (and letters, if typed). Anything that
   * matches no proposal is kept exactly as typed, so that the hub judges the
   * ballot (void: unknown proposal) rather than the page dropping it; an
   * item that could be two proposals ("1" with A1 and B1) is flagged for the
   * counter to type in full. "-" (or 空) keys a blank ballot.
   * Returns { marks, items: [{typed, id, title, unknown, choices}], blank, empty, ambiguous }.
   */
  D.parseMarks = function (text, proposals) {
    var t = ascii(text || '').trim();
    if (!t) return { marks: [], items: [], blank: false, empty: true, ambiguous: false };
    if (BLANK.test(t)) return { marks: [], items: [], blank: true, empty: false, ambiguous: false };
    var ix = index(proposals || []);
    var parts = t.replace(/([A-Za-z]+)\s+(?=\d)/g, '$1').split(/[\s,，、;；\/|+]+/).filter(Boolean);
    var items = parts.map(function (typed) {
      var p = ix.exact[typed] || (ix.upper[typed.toUpperCase()] && ix.upper[typed.toUpperCase()].length === 1 ? ix.upper[typed.toUpperCase()][0] : null);
      if (p) return { typed: typed, id: p.id, title: p.title, unknown: false, choices: null };
      var m = SHAPE.exec(typed);
      if (m) {
        var pre = m[1].toUpperCase();
        var found = (ix.byNumber[parseInt(m[2], 10)] || []).filter(function (x) { return !pre || x.prefix === pre; });
        if (found.length === 1) return { typed: typed, id: found[0].p.id, title: found[0].p.title, unknown: false, choices: null };
        if (found.length > 1) return { typed: typed, id: null, title: '', unknown: false, choices: found.map(function (x) { return x.p.id; }) };
      }
      return { typed: typed, id: null, title: '', unknown: true, choices: null };
    });
    return {
      marks: items.map(function (i) { return i.id || i.typed; }),
      items: items, blank: false, empty: false,
      ambiguous: items.some(function (i) { return !!i.choices; })
    };
  };

  /** What the rules will say of these marks once both copies agree (docs/verification.md §4). */
  D.verdict = function (marks, max, proposals) {
    if (!marks.length) return 'blank';
    if (marks.length > max) return 'over_limit';
    var known = index(proposals || []).exact;
    if (marks.some(function (m) { return !known[m]; })) return 'unknown_proposal';
    var seen = {};
    for (var i = 0; i < marks.length; i++) { if (seen[marks[i]]) return 'repeated_mark'; seen[marks[i]] = true; }
    return null;
  };

  // ------------------------------------------------------------ the desk in a snapshot

  D.batch = function (s, n) { return ((s.paper && s.paper.batches) || []).filter(function (b) { return b.batch === n; })[0] || null; };
  D.board = function (s, n) { return ((s.paper && s.paper.boards) || []).filter(function (b) { return b.board === n; })[0] || null; };
  /** The keyed copies of a unit this connection may read (its own, or both for scrutineers). */
  D.copies = function (s, unit) {
    var k = YZ.unitKey(unit);
    return (s.paper_copies || []).filter(function (c) { return YZ.unitKey(c.unit) === k; });
  };

  function sameMarks(a, b) {
    if (!a || !b || a.length !== b.length) return false;
    var x = a.slice().sort(), y = b.slice().sort();
    for (var i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  D.sameMarks = sameMarks;

  /**
   * A batch's copies side by side: one row per ballot number keyed in any
   * copy, its marks in each, whether they differ (and why), and the verdict
   * once agreed. { counters: ['1','2'], rows: [{number, marks: {c: [..]|null}, reason, verdict}] }
   */
  D.batchRows = function (s, n) {
    var copies = D.copies(s, { batch: n }), b = D.batch(s, n);
    var counters = copies.map(function (c) { return c.counter; });
    var byNumber = {};
    copies.forEach(function (c) {
      (c.ballots || []).forEach(function (x) {
        var row = byNumber[x.number] || (byNumber[x.number] = { number: x.number, marks: {}, reason: null, verdict: undefined });
        row.marks[c.counter] = x.marks;
      });
    });
    var server = {};
    (b ? b.differences : []).forEach(function (d) { server[d.at] = d.reason; });
    var verdicts = {};
    (b ? b.ballots || [] : []).forEach(function (x) { verdicts[x.number] = x; });
    var rows = Object.keys(byNumber).concat(Object.keys(verdicts).filter(function (k) { return !byNumber[k]; })).sort(D.natural).map(function (num) {
      var row = byNumber[num] || { number: num, marks: {}, reason: null };
      counters.forEach(function (c) { if (!row.marks[c]) row.marks[c] = null; });
      if (counters.length === 2) {
        var a = row.marks[counters[0]], z = row.marks[counters[1]];
        if (!a || !z) row.reason = 'only_in_one';
        else if (!sameMarks(a, z)) row.reason = 'marks_differ';
      }
      if (!row.reason && server[num]) row.reason = server[num];
      var v = verdicts[num];
      row.verdict = v ? (v.void || null) : undefined;
      if (v && !counters.length) row.marks.agreed = v.marks;
      return row;
    });
    return { counters: counters, rows: rows };
  };

  /** A board's readings side by side: one row per proposal with stickers in either reading. */
  D.boardRows = function (s, n) {
    var copies = D.copies(s, { board: n }), b = D.board(s, n), pm = YZ.proposalMap(s);
    var counters = copies.map(function (c) { return c.counter; });
    var ids = {};
    copies.forEach(function (c) { Object.keys(c.counts || {}).forEach(function (id) { ids[id] = true; }); });
    if (b) Object.keys(b.counts || {}).forEach(function (id) { ids[id] = true; });
    var order = {};
    (s.proposals || []).forEach(function (p, i) { order[p.id] = i; });
    var rows = Object.keys(ids).sort(function (x, y) { return (order[x] === undefined ? 1e9 : order[x]) - (order[y] === undefined ? 1e9 : order[y]); }).map(function (id) {
      var counts = {};
      copies.forEach(function (c) { counts[c.counter] = (c.counts || {})[id] || 0; });
      var differ = counters.length === 2 && counts[counters[0]] !== counts[counters[1]];
      return { id: id, title: pm[id] ? pm[id].title : '', counts: counts, differ: differ, agreed: b && b.status === 'agreed' ? (b.counts[id] || 0) : null };
    });
    return { counters: counters, rows: rows };
  };

  /** Ballots keyed in a batch so far: the agreed number, else per copy. */
  D.keyed = function (b) {
    if (!b) return { agreed: null, copies: [] };
    return { agreed: b.status === 'agreed' ? (b.ballots || []).length : null, copies: b.copies || [] };
  };

  /**
   * Everything that keeps the vote from closing, as the hub says it in each
   * batch's and board's `blocker`, in the order of its refusal (unfinished
   * batches, unfinished boards, then sheet counts).
   * [{unit: 'batch'|'board', n, why: 'keying'|'disputed'|'nothing_keyed'|'no_sheets'|'mismatch', code, keyed, sheets, discardable}]
   */
  D.blockers = function (s) {
    var p = s.paper;
    if (!p) return [];
    var of = function (list) { return list.map(function (u) { return u.blocker; }).filter(Boolean); };
    var batches = of(p.batches);
    return batches.filter(function (b) { return b.code === 'paper_open'; })
      .concat(of(p.boards), batches.filter(function (b) { return b.code !== 'paper_open'; }));
  };

  D.blockerText = function (b) {
    var name = b.unit === 'board' ? D.boardName(b.n) : D.batchName(b.n);
    switch (b.why) {
      case 'disputed': return name + tr('：两份录入不一致，点票员须对照纸质选票核对更正', ': the two copies differ; the counters must re-check the paper and correct');
      case 'keying': return name + (b.unit === 'board' ? tr('：还需要第二位点票员读数', ': waits for the second reading') : tr('：仍在录入（两位点票员都须点“录入完毕”）', ': still being keyed (both counters must finish)'));
      case 'nothing_keyed': return name + tr('：监票员已清点张数，但还没有人录入', ': the scrutineer counted its sheets but nobody has keyed it');
      case 'no_sheets': return name + tr('：监票员还没有登记清点的张数', ': the scrutineer has not entered the hand count of its sheets');
      case 'mismatch': return name + tr('：录入 ' + b.keyed + ' 张，监票员清点 ' + b.sheets + ' 张，不一致', ': ' + b.keyed + ' keyed, ' + b.sheets + ' sheets counted by hand');
      default: return name;
    }
  };

  // ------------------------------------------------------------ the hub's desk errors, plainly

  /**
   * A desk error from the hub as a sentence in the reader's language, with
   * what it is about (`about`: batch or board, ballot number, counters,
   * register number, receipt) put into words. Other errors: YZ.errorText.
   */
  D.errorText = function (m) {
    if (!m) return '';
    var d = m.detail || '', a = m.about || {}, x;
    switch (m.code) {
      case 'paper_open':
      case 'paper_count_mismatch':
        return tr('还不能结束投票：', 'The vote cannot close yet: ') + (m.blockers || []).map(D.blockerText).join(tr('；', '; '));
      case 'batch_not_empty':
        return D.batchName(+d) + tr('已有录入的选票或清点的张数，不能丢弃。', ' has keyed ballots or counted sheets; it cannot be discarded.');
      case 'ballot_number_used':
        return a.number != null ? tr('选票编号 ' + a.number + ' 已在第 ' + a.n + ' 批计入，一个编号只能计一次。请核对纸质选票。', 'Ballot number ' + a.number + ' was already counted in batch ' + a.n + '; a number counts once. Check the paper ballot.')
          : YZ.errorText(m);
      case 'batch_taken':
        x = (a.counters || []).join(', ');
        return tr('这一批已由另外两位点票员录入（点票员 ' + x + '）。请换一个批次。', 'Two other counters are keying this one (counters ' + x + '). Choose another.');
      case 'batch_agreed':
        return (a.unit ? (a.unit === 'board' ? D.boardName(a.n) : D.batchName(a.n)) : '') + tr('已经一致并计入，不能再改。', ' has already agreed and counted; it cannot change.');
      case 'unknown_batch':
        return tr('第 ' + d + ' 批还没有你的录入。', 'You have keyed nothing in batch ' + d + '.');
      case 'unknown_paper_ballot':
        return tr('你的副本里没有编号 ' + d + '。', 'Number ' + d + ' is not in your copy.');
      case 'copy_finished':
        return tr('你已经点过“录入完毕”。要更正，请直接重新录入那张票。', 'You have already finished this batch. To correct, key the ballot again.');
      case 'boards_not_allowed':
        return tr('本次会议按平均分配法计算，需要每一张选票，不能使用贴纸板。', 'This meeting uses equal shares, which needs every ballot: sticker boards cannot be used.');
      case 'same_device':
        x = (a.counters || [])[0];
        return tr('这一批的另一份' + (x != null ? '（' + x + ' 号点票员）' : '') + '是在这台设备上录入的。两份必须由两个人在两台设备上分别录入：请另一位点票员用自己的设备录入这一批。',
          'The other copy of this batch' + (x != null ? ' (counter ' + x + ')' : '') + ' was keyed on this same device. The two copies must be keyed by two people on two devices: let another counter key this batch on their own device.');
      case 'already_voted':
        return a.number != null ? tr('这个选票编号已在计票中（' + a.number + ': 第 ' + a.n + ' 批），不能再换。', 'That ballot number is already counted (' + a.number + ': batch ' + a.n + '); it cannot be switched.')
          : tr('这张卡已经投过票' + (a.receipt ? '（回执 ' + a.receipt + '）' : '') + '，不能再作废或换发。', 'This card has already voted' + (a.receipt ? ' (receipt ' + a.receipt + ')' : '') + '; it can no longer be cancelled or switched.');
      case 'unknown_card':
        return tr('没有 ' + d + ' 这张卡。请核对卡上印的编号（投票卡以 V 开头，如 V0042）。', 'There is no card ' + d + '. Check the number printed on it (voter cards start with V, e.g. V0042).');
      case 'card_cancelled':
        return tr(d + ' 已经作废，不能再用。', d + ' has been cancelled and cannot be used.');
      case 'reason_required':
        return tr('请写明原因（会公开显示）。', 'Give a reason (it is shown to everyone).');
      case 'already_issued':
        return tr(d + ' 已经发给了别人，不能再发。请换一张卡或一个编号。', d + ' was already handed to someone else. Use another card or number.');
      case 'already_registered':
        x = a.register;
        return tr('此人已经登记过' + (x ? '（登记号 ' + x + '）' : '') + '，一人只能登记一次。如需换一种方式投票，请用“换发”。',
          'This person is already registered' + (x ? ' (register number ' + x + ')' : '') + '; one registration per person. To change how they vote, use “Switch”.');
      case 'unknown_register':
        return tr('没有登记号 ' + d + '。', 'There is no register number ' + d + '.');
      case 'no_register':
        return tr('本次会议的规则不设门口登记。', 'This meeting\'s rules have no door register.');
      case 'not_registered':
        return tr('这张卡还没有在门口登记发放。', 'This card was not handed out at the door.');
      case 'stickers_over_issued':
        return tr('贴纸板上的贴纸多于门口发出的贴纸（' + d + '），请重新清点。', 'The boards hold more stickers than were handed out (' + d + '): count again.');
      case 'not_recommended':
        return tr('技术顾问没有依据这一条规则建议排除它（' + d + '），不能确认。', 'No adviser recommends excluding it under that rule (' + d + '): it cannot be confirmed.');
      case 'not_excluded':
        return tr(d + ' 没有被排除。', d + ' is not excluded.');
      case 'no_estimate':
        return tr(d + ' 还没有技术顾问的估算。', 'No adviser has estimated ' + d + '.');
      case 'not_claimed':
        return tr('这张卡还没有认领，不能录入。请重新打开本页并设定密码认领。', 'This card is not claimed yet and cannot key. Open this page again and choose a PIN to claim it.');
      case 'wrong_phase':
        return tr('只能在投票阶段录入（现在：' + YZ.phaseName(d) + '）。', 'Keying is open during the vote only (now: ' + YZ.phaseName(d) + ').');
      default:
        return YZ.errorText(m);
    }
  };

  // ------------------------------------------------------------ the electorate, for the staff pages

  /** "15:02": a time of the meeting's day, on this device's clock (the venue's). */
  D.time = function (ms) {
    var d = new Date(ms), m = d.getMinutes();
    return d.getHours() + ':' + (m < 10 ? '0' : '') + m;
  };

  /** What a resident holds, in words: "投票卡 V0042", "纸质选票 117", "贴纸 10 张". */
  D.issueText = function (i) {
    if (!i) return '';
    switch (i.kind) {
      case 'card': return tr('投票卡 ', 'voter card ') + i.serial;
      case 'paper': return tr('纸质选票 ', 'paper ballot ') + i.number;
      case 'stickers': return tr('贴纸 ' + i.stickers + ' 张', i.stickers + ' stickers');
      default: return i.kind;
    }
  };

  /** The "same address as" flags of a claim, as chips: the organiser's console in red. */
  D.claimFlags = function (claim) {
    var h = YZ.h;
    return (claim && claim.same_address_as || []).map(function (who) {
      return who === 'organiser'
        ? h('span', { class: 'chip bad', 'data-same': who }, tr('与组织者同一地址', 'same address as the organiser'))
        : h('span', { class: 'chip warn', 'data-same': who }, tr('与' + D.claim.serialName(who) + '同一地址', 'same address as ' + D.claim.serialName(who)));
    });
  };

  /**
   * Every counter's and scrutineer's card with its claim: when, from which
   * address and device, and which other staff cards were on that address.
   * opts: {id, action(card) → a cell's content (the console's release)}.
   */
  D.deskTable = function (s, opts) {
    var h = YZ.h, desk = (s.electorate && s.electorate.desk) || [];
    if (!desk.length) return h('p', { class: 'muted', id: opts.id }, tr('没有点票员或监票员卡。', 'No counter\'s or scrutineer\'s cards.'));
    return h('table', { class: 'desk-table claims', id: opts.id },
      h('caption', { class: 'visually-hidden' }, tr('点票员与监票员卡的认领', 'Claims of the counters\' and scrutineers\' cards')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, tr('卡', 'Card')), h('th', { scope: 'col' }, tr('认领', 'Claim')),
        opts.action ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, tr('操作', 'Actions'))) : null)),
      h('tbody', null, desk.map(function (d) {
        var c = d.claim;
        return h('tr', { 'data-serial': d.serial, 'data-claimed': c ? 'yes' : 'no', class: c && c.same_address_as && c.same_address_as.indexOf('organiser') >= 0 ? 'differs' : null },
          h('th', { scope: 'row' }, YZ.deskName(d), h('br'), h('span', { class: 'muted small-text mono' }, d.serial)),
          h('td', null, c ? [tr(D.time(c.at_ms) + ' 认领', 'claimed ' + D.time(c.at_ms)), tr(' · 地址 ', ' · address '), h('span', { class: 'mono' }, c.address),
            tr(' · 设备 ', ' · device '), h('span', { class: 'mono' }, c.device), D.claimFlags(c).length ? h('div', null, D.claimFlags(c)) : null]
            : h('span', { class: 'muted' }, tr('未认领', 'not claimed'))),
          opts.action ? h('td', { class: 'actions' }, opts.action(d)) : null);
      })));
  };

  /** Every issue of voter cards: when, which serials, how many, why; those after the opening of the vote marked. */
  D.issuanceList = function (s, id) {
    var h = YZ.h, list = (s.electorate && s.electorate.issuances) || [];
    if (!list.length) return h('p', { class: 'muted', id: id }, tr('还没有发放投票卡。', 'No voter cards issued yet.'));
    return h('ul', { class: 'rows', id: id }, list.map(function (i) {
      return h('li', { 'data-seq': i.seq, 'data-late': i.during_vote ? 'yes' : 'no' },
        h('span', { class: 'mono' }, D.time(i.at_ms)), ' ',
        i.during_vote ? h('span', { class: 'chip warn' }, tr('投票期间追加', 'during the vote')) : null, ' ',
        h('span', { class: 'grow' }, tr('发卡 ' + i.count + ' 张 ', i.count + ' cards ') , h('span', { class: 'mono' }, YZ.cardRange(i)),
          i.reason ? tr('：' + i.reason, ': ' + i.reason) : ''));
    }));
  };

  /** Every cancelled card, with when and why. */
  D.cancellationList = function (s, id) {
    var h = YZ.h, list = (s.electorate && s.electorate.cancellations) || [];
    if (!list.length) return h('p', { class: 'muted', id: id }, tr('没有作废的投票卡。', 'No card cancelled.'));
    return h('ul', { class: 'rows', id: id }, list.map(function (c) {
      return h('li', { 'data-serial': c.serial }, h('span', { class: 'mono' }, D.time(c.at_ms)), ' ',
        h('span', { class: 'grow' }, tr('作废 ', 'cancelled '), h('span', { class: 'mono' }, c.serial), tr('：' + c.reason, ': ' + c.reason)));
    }));
  };

  /** "投票卡 120 张（作废 2 张）· 选民指纹 3F2A-91C0". */
  D.electorateLine = function (s, prefix) {
    var h = YZ.h, e = s.electorate || {}, p = prefix || 'electorate';
    return [tr('投票卡 ', 'Voter cards: '), h('b', { id: p + '-issued', class: 'mono' }, String(e.cards_issued || 0)), tr(' 张', ''),
      e.cards_cancelled ? [tr('（作废 ', ' ('), h('b', { id: p + '-cancelled', class: 'mono' }, String(e.cards_cancelled)), tr(' 张）', ' cancelled)')] : null,
      e.fingerprint ? [tr(' · 选民指纹 ', ' · electorate fingerprint '), h('b', { id: p + '-fingerprint', class: 'mono fingerprint' }, e.fingerprint)] : null];
  };

  // ------------------------------------------------------------ claiming a desk card

  /**
   * A counter's or scrutineer's card is claimed by the person who uses it:
   * its first hello carries this device's id and a PIN they choose, and from
   * then on only this device with that PIN opens it (docs/protocol.md,
   * hello). The device id is made once and kept in local storage, for every
   * page of the hub (one device holds one desk card: a phone that claimed a
   * counter's card keeps it). The PIN is kept for this tab only, never in an
   * address.
   */
  var C = {};
  var memoryDevice = null;
  C.device = function () {
    var d = YZ.storage.get('yz.device') || YZ.tabStorage.get('yz.device') || memoryDevice;
    if (!d) {
      d = 'd' + YZ.randomId() + YZ.randomId();
      YZ.storage.set('yz.device', d);
      YZ.tabStorage.set('yz.device', d);
    }
    memoryDevice = d;
    return d;
  };
  function pinKey(token) { return 'yz.pin.' + String(token || '').toUpperCase().replace(/[^0-9A-Z]/g, ''); }
  C.pin = function (token) { return YZ.tabStorage.get(pinKey(token)); };
  C.setPin = function (token, pin) { YZ.tabStorage.set(pinKey(token), pin); };
  /** The extra fields of a desk card's hello (YZ.Session opts.hello). */
  C.hello = function (token) { return function () { return { device: C.device(), pin: C.pin(token) }; }; };
  /** What was typed as a PIN: 4 to 6 digits (full-width ones too), or null. */
  C.readPin = function (typed) {
    var p = ascii(typed || '').replace(/\s/g, '');
    return /^[0-9]{4,6}$/.test(p) ? p : null;
  };
  /** A desk card's serial for people: "counter-2" → "点票员 2", "observer-1" → "监票员 A". */
  C.serialName = function (serial) {
    var m = /^(counter|observer)-(\d+)$/.exec(serial || '');
    if (!m) return serial === 'organiser' ? tr('组织者', 'the organiser') : serial;
    return YZ.deskName({ role: m[1], number: parseInt(m[2], 10) });
  };
  var CLAIM_CODES = { claim_required: 1, wrong_pin: 1, too_many_tries: 1, claimed_elsewhere: 1, device_has_card: 1 };
  /** Whether a refused hello is about the claim (and not a wrong code). */
  C.isClaimRefusal = function (m) {
    return !!m && (CLAIM_CODES[m.code] === 1 || (m.code === 'invalid_field' && (m.about || {}).field === 'pin'));
  };
  /**
   * What to say about a refused hello, and what to ask:
   * {title, text, ask: 'new' (choose a PIN) | 'pin' (type the PIN) | null}.
   * `sentPin`: whether the hello carried a PIN.
   */
  C.explain = function (m, sentPin) {
    var release = tr('组织者可以在控制台“卡片”页解除认领（会公开记录），之后可在新设备上重新认领。',
      'The organiser can release the claim on the console\'s Cards tab (it is logged and shown), after which it can be claimed again on a new device.');
    switch (m.code) {
      case 'claim_required':
      case 'invalid_field':
        return { title: tr('认领这张卡', 'Claim this card'), ask: 'new',
          text: tr('认领这张卡：设一个4至6位数字密码（请记住）。认领后，这张卡只能在这台设备上、用这个密码使用；认领会记入日志，并在投影和监票页公开显示。',
            'Claim this card: choose a PIN of 4 to 6 digits (remember it). From then on the card works only on this device with this PIN; the claim is logged and shown on the projector and to the scrutineers.') };
      case 'wrong_pin':
        return sentPin
          ? { title: tr('密码不对', 'Wrong PIN'), ask: 'pin',
            text: tr('密码不对，请再输入一次认领时设的密码。连续输错 5 次，这张卡会锁定一分钟。忘了密码请找组织者：' , 'Wrong PIN: type the PIN you chose when you claimed this card. Five wrong PINs lock the card for a minute. Forgot it? Ask the organiser: ') + release }
          : { title: tr('输入密码', 'Type your PIN'), ask: 'pin',
            text: tr('这张卡已在这台设备上认领。请输入认领时设的密码。', 'This card was claimed on this device. Type the PIN you chose then.') };
      case 'too_many_tries':
        return { title: tr('密码错误次数过多', 'Too many wrong PINs'), ask: null,
          text: tr('连续输错 5 次密码，这张卡锁定一分钟。请一分钟后再试；忘了密码请找组织者。', 'Five wrong PINs: the card is locked for a minute. Try again in a minute; if you forgot the PIN, ask the organiser.') + ' ' + release };
      case 'claimed_elsewhere':
        return { title: tr('这张卡已在另一台设备上认领', 'This card was claimed on another device'), ask: null,
          text: tr('这张卡已经在另一台设备上认领了。如果不是你认领的，请马上告诉组织者和监票员。', 'This card was already claimed on another device. If it was not you, tell the organiser and the scrutineers at once.') + ' ' + release };
      case 'device_has_card':
        return { title: tr('这台设备已经有一张卡', 'This device already holds a card'), ask: null,
          text: tr('这台设备已经认领了' + (m.detail ? '“' + C.serialName(m.detail) + '”' : '另一张点票/监票卡') + '。一台设备只能用一张点票或监票卡，两份录入须来自两个人、两台设备。请换一台设备，或请组织者解除那张卡的认领。',
            'This device already holds ' + (m.detail ? C.serialName(m.detail) : 'another desk card') + '. One device holds one counter\'s or scrutineer\'s card, so that the two copies come from two people on two devices. Use another device, or ask the organiser to release that claim.') };
      default:
        return { title: tr('无法进入', 'Cannot sign in'), ask: null, text: YZ.errorText(m) };
    }
  };

  /**
   * The #claim section of /count and /scrutiny: say why the card was
   * refused and, when a PIN would help, ask for it (twice for a new claim).
   * opts: {refusal, sentPin, onPin(pin), onRetry(), onOther()}.
   */
  C.show = function (opts) {
    var ex = C.explain(opts.refusal, opts.sentPin), h = YZ.h;
    var box = YZ.$('#claim');
    var err = h('p', { class: 'notice error', id: 'claim-error', role: 'alert', hidden: true });
    var form = null;
    if (ex.ask) {
      var fresh = ex.ask === 'new';
      form = h('form', { id: 'claim-form', class: 'card', autocomplete: 'off', novalidate: true, onsubmit: function (e) {
        e.preventDefault();
        var pin = C.readPin(YZ.$('#pin').value);
        var again = fresh ? C.readPin(YZ.$('#pin2').value) : pin;
        err.hidden = false;
        if (!pin) { err.textContent = tr('密码须为4至6位数字。', 'A PIN is 4 to 6 digits.'); YZ.$('#pin').focus(); return; }
        if (again !== pin) { err.textContent = tr('两次输入的密码不一样，请重新输入。', 'The two PINs differ: type them again.'); YZ.$('#pin2').value = ''; YZ.$('#pin2').focus(); return; }
        err.hidden = true;
        opts.onPin(pin);
      } },
        h('div', null, h('label', { for: 'pin' }, fresh ? tr('设一个密码（4至6位数字）', 'Choose a PIN (4 to 6 digits)') : tr('密码', 'PIN')),
          h('input', { id: 'pin', class: 'mono pin', type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: 6, required: true })),
        fresh ? h('div', null, h('label', { for: 'pin2' }, tr('再输入一次', 'Type it again')),
          h('input', { id: 'pin2', class: 'mono pin', type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: 6, required: true })) : null,
        h('button', { type: 'submit', class: 'primary', id: 'claim-submit' }, fresh ? tr('认领', 'Claim') : tr('进入', 'Open')));
    }
    YZ.fill(box,
      h('h2', { id: 'claim-h' }, ex.title),
      h('p', { id: 'claim-text', 'data-code': opts.refusal.code }, ex.text),
      form, err,
      h('div', { class: 'row-buttons' },
        ex.ask ? null : h('button', { type: 'button', id: 'claim-retry', class: 'primary', onclick: opts.onRetry }, tr('再试一次', 'Try again')),
        h('button', { type: 'button', id: 'claim-other', onclick: opts.onOther }, tr('用另一张卡', 'Use another card'))));
    box.hidden = false;
    var first = YZ.$('#pin') || YZ.$('#claim-retry');
    if (first) first.focus();
  };
  C.hide = function () { var box = YZ.$('#claim'); box.hidden = true; YZ.fill(box); };
  D.claim = C;

  YZ.desk = D;
})();
