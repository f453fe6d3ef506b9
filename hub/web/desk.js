/* desk.js — the counting desk as plain data, shared by the counter's page
 * (/count), the scrutineer's (/scrutiny) and the organiser's console: names
 * of statuses, verdicts and differences in both languages, reading what a
 * counter typed as proposal ids, the two copies of a batch side by side,
 * what still keeps the vote from closing, and the hub's desk errors in
 * plain words. Pure functions of the snapshot, no DOM.
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
      default: return reason || '';
    }
  };
  /** Just the word for a void verdict (a chip). */
  D.voidWord = function (reason) {
    var n = { blank: ['空白', 'blank'], over_limit: ['超限', 'over limit'], unknown_proposal: ['未知项目', 'unknown'], repeated_mark: ['重复', 'repeated'] }[reason];
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
   * Everything that keeps the vote from closing, in the hub's order
   * (unfinished batches, unfinished boards, then sheet counts): what the
   * organiser's close would be refused for, before they try.
   * [{unit: 'batch'|'board', n, why: 'keying'|'disputed'|'nothing_keyed'|'no_sheets'|'mismatch', keyed, sheets, code}]
   */
  D.blockers = function (s) {
    var p = s.paper, out = [];
    if (!p) return out;
    p.batches.forEach(function (b) {
      if (b.status !== 'agreed') out.push({ unit: 'batch', n: b.batch, why: b.status === 'disputed' ? 'disputed' : (b.copies.length ? 'keying' : 'nothing_keyed'), code: 'paper_open' });
    });
    p.boards.forEach(function (b) {
      if (b.status !== 'agreed') out.push({ unit: 'board', n: b.board, why: b.status === 'disputed' ? 'disputed' : 'keying', code: 'paper_open' });
    });
    p.batches.forEach(function (b) {
      if (b.status !== 'agreed') return;
      var keyed = (b.ballots || []).length;
      if (b.sheets === null || b.sheets === undefined) out.push({ unit: 'batch', n: b.batch, why: 'no_sheets', keyed: keyed, code: 'paper_count_mismatch' });
      else if (b.sheets !== keyed) out.push({ unit: 'batch', n: b.batch, why: 'mismatch', keyed: keyed, sheets: b.sheets, code: 'paper_count_mismatch' });
    });
    return out;
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

  function unitFrom(detail) {
    var m = /(batch|board) (\d+)/.exec(detail || '');
    return m ? { unit: m[1], n: parseInt(m[2], 10) } : null;
  }

  /**
   * A desk error from the hub as a sentence in the reader's language, with
   * its detail turned into words (the hub's details are in English).
   * Other errors: YZ.errorText.
   */
  D.errorText = function (m) {
    if (!m) return '';
    var d = m.detail || '', u = unitFrom(d), x;
    switch (m.code) {
      case 'paper_open':
      case 'paper_count_mismatch': {
        var why = /differ/.test(d) ? 'disputed' : /nothing keyed/.test(d) ? 'nothing_keyed' : /no sheet count/.test(d) ? 'no_sheets'
          : /keyed, /.test(d) ? 'mismatch' : 'keying';
        var nums = /(\d+) keyed, (\d+) sheets/.exec(d);
        var b = { unit: u ? u.unit : 'batch', n: u ? u.n : '?', why: why, keyed: nums ? +nums[1] : 0, sheets: nums ? +nums[2] : 0 };
        return tr('还不能结束投票：', 'The vote cannot close yet: ') + D.blockerText(b);
      }
      case 'ballot_number_used':
        x = /^(.*): batch (\d+)$/.exec(d);
        return x ? tr('选票编号 ' + x[1] + ' 已在第 ' + x[2] + ' 批计入，一个编号只能计一次。请核对纸质选票。', 'Ballot number ' + x[1] + ' was already counted in batch ' + x[2] + '; a number counts once. Check the paper ballot.')
          : YZ.errorText(m);
      case 'batch_taken':
        return tr('这一批已由另外两位点票员录入（' + d.replace('counters', '点票员') + '）。请换一个批次。', 'Two other counters are keying this one (' + d + '). Choose another.');
      case 'batch_agreed':
        return (u ? (u.unit === 'board' ? D.boardName(u.n) : D.batchName(u.n)) : '') + tr('已经一致并计入，不能再改。', ' has already agreed and counted; it cannot change.');
      case 'unknown_batch':
        return tr('第 ' + d + ' 批还没有你的录入。', 'You have keyed nothing in batch ' + d + '.');
      case 'unknown_paper_ballot':
        return tr('你的副本里没有编号 ' + d + '。', 'Number ' + d + ' is not in your copy.');
      case 'copy_finished':
        return tr('你已经点过“录入完毕”。要更正，请直接重新录入那张票。', 'You have already finished this batch. To correct, key the ballot again.');
      case 'boards_not_allowed':
        return tr('本次会议按平均分配法计算，需要每一张选票，不能使用贴纸板。', 'This meeting uses equal shares, which needs every ballot: sticker boards cannot be used.');
      case 'wrong_phase':
        return tr('只能在投票阶段录入（现在：' + YZ.phaseName(d) + '）。', 'Keying is open during the vote only (now: ' + YZ.phaseName(d) + ').');
      default:
        return YZ.errorText(m);
    }
  };

  YZ.desk = D;
})();
