/* desk.js — the counting desk as plain data, shared by the counter's page
 * (/count), the scrutineer's (/scrutineer), the door register (/door) and the
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
  const YZ = window.YZ;
  const D = {};

  // ------------------------------------------------------------ names

  const STATUS = {
    keying: 'being_keyed',
    disputed: 'two_copies_differ_re_check',
    agreed: 'agreed_and_counted'
  };
  D.statusText = function (st) { const n = STATUS[st]; return n ? YZ.t(n) : st; };

  const DIFF = {
    marks_differ: 'marks_differ_between_copies',
    only_in_one: 'keyed_in_one_copy_only',
    number_used: 'this_number_was_already_counted',
    count_differs: 'two_readings_differ'
  };
  D.diffText = function (r) { const n = DIFF[r]; return n ? YZ.t(n) : r; };

  /** Why a paper ballot is void, in words; `marks` and `max` make over_limit concrete. */
  D.voidText = function (reason, marks, max) {
    switch (reason) {
      case 'blank': return YZ.t('blank_no_marks');
      case 'over_limit': return marks && max ? YZ.t('over_limit_marks_at_most', { length: marks.length, max: max })
        : YZ.t('over_limit');
      case 'unknown_proposal': return YZ.t('mark_that_is_no_proposal');
      case 'repeated_mark': return YZ.t('same_proposal_marked_twice');
      case 'unissued_number': return YZ.t('number_never_handed_out_at');
      case 'void_cancelled_number': return YZ.t('cancelled_number_its_holder_switched');
      default: return reason || '';
    }
  };
  /** Just the word for a void verdict (a chip). */
  D.voidWord = function (reason) {
    const n = { blank: 'void_short_blank', over_limit: 'void_short_over_limit', unknown_proposal: 'unknown', repeated_mark: 'repeated',
      unissued_number: 'not_issued', cancelled_number: 'void_short_cancelled' }[reason];
    return n ? YZ.t(n) : reason;
  };

  D.batchName = function (n) { return YZ.t('batch_name', { n: n }); };
  D.boardName = function (n) { return YZ.t('sticker_board_name', { n: n }); };
  D.deskName = function (c) { return YZ.t('counter_desk_name', { c: c }); };

  /** Ballot numbers in reading order: 2 before 10, numbers before other labels. */
  D.natural = function (a, b) {
    const x = /^\d+$/.test(a), y = /^\d+$/.test(b);
    if (x && y) return parseInt(a, 10) - parseInt(b, 10) || (a < b ? -1 : a > b ? 1 : 0);
    if (x !== y) return x ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  };

  /** The number after "0117" is "0118" (padding kept); "" when it is not a number. */
  D.nextNumber = function (n) {
    const m = /^(.*?)(\d+)$/.exec(String(n || '').trim());
    if (!m) return '';
    let next = String(parseInt(m[2], 10) + 1);
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
    const f = ascii(s || '').replace(/[\s-]/g, '').toUpperCase();
    if (f && /^[0-9]+$/.test(f)) return f.replace(/^0+/, '') || '0';
    return f;
  };

  /** A voter card's serial as the hub keeps it: "v42", "42", "Ｖ００４２" → "V0042". */
  D.cardSerial = function (typed) {
    const s = ascii(typed || '').trim().toUpperCase();
    const digits = s.charAt(0) === 'V' ? s.slice(1) : s;
    if (/^[0-9]+$/.test(digits) && digits.length <= 9) {
      let n = String(parseInt(digits, 10));
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
  // What a counter may type for a blank ballot, in either language.
  const BLANK = new RegExp('^(-+|—+|' + (YZ.tIn('zh', 'blank_typed') + ' ' + YZ.tIn('en', 'blank_typed')).split(' ').join('|') + ')$', 'i');
  const SHAPE = /^([A-Za-z]*)0*(\d+)$/;
  let indexFor = null, indexOf = null;
  function index(proposals) {
    if (indexFor === proposals && indexOf) return indexOf;
    const exact = {}, upper = {}, byNumber = {};
    proposals.forEach(function (p) {
      exact[p.id] = p;
      (upper[p.id.toUpperCase()] = upper[p.id.toUpperCase()] || []).push(p);
      const m = SHAPE.exec(p.id);
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
    const t = ascii(text || '').trim();
    if (!t) return { marks: [], items: [], blank: false, empty: true, ambiguous: false };
    if (BLANK.test(t)) return { marks: [], items: [], blank: true, empty: false, ambiguous: false };
    const ix = index(proposals || []);
    const parts = t.replace(/([A-Za-z]+)\s+(?=\d)/g, '$1').split(/[\s,\uff0c\u3001;\uff1b\/|+]+/).filter(Boolean);
    const items = parts.map(function (typed) {
      const p = ix.exact[typed] || (ix.upper[typed.toUpperCase()] && ix.upper[typed.toUpperCase()].length === 1 ? ix.upper[typed.toUpperCase()][0] : null);
      if (p) return { typed: typed, id: p.id, title: p.title, unknown: false, choices: null };
      const m = SHAPE.exec(typed);
      if (m) {
        const pre = m[1].toUpperCase();
        const found = (ix.byNumber[parseInt(m[2], 10)] || []).filter(function (x) { return !pre || x.prefix === pre; });
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
    const known = index(proposals || []).exact;
    if (marks.some(function (m) { return !known[m]; })) return 'unknown_proposal';
    const seen = {};
    for (let i = 0; i < marks.length; i++) { if (seen[marks[i]]) return 'repeated_mark'; seen[marks[i]] = true; }
    return null;
  };

  // ------------------------------------------------------------ the desk in a snapshot

  D.batch = function (s, n) { return ((s.paper && s.paper.batches) || []).filter(function (b) { return b.batch === n; })[0] || null; };
  D.board = function (s, n) { return ((s.paper && s.paper.boards) || []).filter(function (b) { return b.board === n; })[0] || null; };
  /** The keyed copies of a unit this connection may read (its own, or both for scrutineers). */
  D.copies = function (s, unit) {
    const k = YZ.unitKey(unit);
    return (s.paper_copies || []).filter(function (c) { return YZ.unitKey(c.unit) === k; });
  };

  function sameMarks(a, b) {
    if (!a || !b || a.length !== b.length) return false;
    const x = a.slice().sort(), y = b.slice().sort();
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  D.sameMarks = sameMarks;

  /**
   * A batch's copies side by side: one row per ballot number keyed in any
   * copy, its marks in each, whether they differ (and why), and the verdict
   * once agreed. { counters: [1, 2], rows: [{number, marks: {c: [..]|null}, reason, verdict}] }
   */
  D.batchRows = function (s, n) {
    const copies = D.copies(s, { batch: n }), b = D.batch(s, n);
    const counters = copies.map(function (c) { return c.counter; });
    const byNumber = {};
    copies.forEach(function (c) {
      (c.ballots || []).forEach(function (x) {
        const row = byNumber[x.number] || (byNumber[x.number] = { number: x.number, marks: {}, reason: null, verdict: undefined });
        row.marks[c.counter] = x.marks;
      });
    });
    const server = {};
    (b ? b.differences : []).forEach(function (d) { server[d.at] = d.reason; });
    const verdicts = {};
    (b ? b.ballots || [] : []).forEach(function (x) { verdicts[x.number] = x; });
    const rows = Object.keys(byNumber).concat(Object.keys(verdicts).filter(function (k) { return !byNumber[k]; })).sort(D.natural).map(function (num) {
      const row = byNumber[num] || { number: num, marks: {}, reason: null };
      counters.forEach(function (c) { if (!row.marks[c]) row.marks[c] = null; });
      if (counters.length === 2) {
        const a = row.marks[counters[0]], z = row.marks[counters[1]];
        if (!a || !z) row.reason = 'only_in_one';
        else if (!sameMarks(a, z)) row.reason = 'marks_differ';
      }
      if (!row.reason && server[num]) row.reason = server[num];
      const v = verdicts[num];
      row.verdict = v ? (v.void || null) : undefined;
      if (v && !counters.length) row.marks.agreed = v.marks;
      return row;
    });
    return { counters: counters, rows: rows };
  };

  /** A board's readings side by side: one row per proposal with stickers in either reading. */
  D.boardRows = function (s, n) {
    const copies = D.copies(s, { board: n }), b = D.board(s, n), pm = YZ.proposalMap(s);
    const counters = copies.map(function (c) { return c.counter; });
    const ids = {};
    copies.forEach(function (c) { Object.keys(c.counts || {}).forEach(function (id) { ids[id] = true; }); });
    if (b) Object.keys(b.counts || {}).forEach(function (id) { ids[id] = true; });
    const order = {};
    (s.proposals || []).forEach(function (p, i) { order[p.id] = i; });
    const rows = Object.keys(ids).sort(function (x, y) { return (order[x] === undefined ? 1e9 : order[x]) - (order[y] === undefined ? 1e9 : order[y]); }).map(function (id) {
      const counts = {};
      copies.forEach(function (c) { counts[c.counter] = (c.counts || {})[id] || 0; });
      const differ = counters.length === 2 && counts[counters[0]] !== counts[counters[1]];
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
    const p = s.paper;
    if (!p) return [];
    const of = function (list) { return list.map(function (u) { return u.blocker; }).filter(Boolean); };
    const batches = of(p.batches);
    return batches.filter(function (b) { return b.code === 'paper_open'; })
      .concat(of(p.boards), batches.filter(function (b) { return b.code !== 'paper_open'; }));
  };

  D.blockerText = function (b) {
    const name = b.unit === 'board' ? D.boardName(b.n) : D.batchName(b.n);
    switch (b.why) {
      case 'disputed': return name + YZ.t('two_copies_differ_counters_must');
      case 'keying': return name + (b.unit === 'board' ? YZ.t('waits_for_second_reading') : YZ.t('still_being_keyed_both_counters'));
      case 'nothing_keyed': return name + YZ.t('scrutineer_counted_its_sheets_but');
      case 'no_sheets': return name + YZ.t('scrutineer_has_not_entered_hand');
      case 'mismatch': return name + YZ.t('keyed_sheets_counted_by_hand', { keyed: b.keyed, sheets: b.sheets });
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
    let d = m.detail || '', a = m.about || {}, x;
    switch (m.code) {
      case 'paper_open':
      case 'paper_count_mismatch':
        return YZ.t('vote_cannot_close_yet_prefix') + (m.blockers || []).map(D.blockerText).join(YZ.t('semicolon'));
      case 'batch_not_empty':
        return D.batchName(a.n) + YZ.t('has_keyed_ballots_or_counted');
      case 'ballot_number_used':
        return a.number != null ? YZ.t('ballot_number_was_already_counted', { v: a.number, v2: a.n })
          : YZ.errorText(m);
      case 'batch_taken':
        return YZ.t('batch_taken_by_two', { counters: (a.counters || []).join(', ') });
      case 'batch_agreed':
        return (a.unit ? (a.unit === 'board' ? D.boardName(a.n) : D.batchName(a.n)) : '') + YZ.t('has_already_agreed_and_counted');
      case 'unknown_batch':
        return YZ.t('you_have_keyed_nothing_in', { d: a.n != null ? a.n : d });
      case 'unknown_paper_ballot':
        return YZ.t('number_is_not_in_your', { d: a.number != null ? a.number : d });
      case 'copy_finished':
        return YZ.t('you_have_already_finished_this');
      case 'boards_not_allowed':
        return YZ.t('equal_shares_needs_every_ballot');
      case 'same_device':
        x = (a.counters || [])[0];
        return YZ.t('other_copy_same_device', { counter: x != null ? YZ.t('paren_counter', { n: x }) : '' });
      case 'already_voted':
        return a.number != null ? YZ.t('ballot_number_in_count', { number: a.number, n: a.n })
          : YZ.t('card_already_voted', { receipt: a.receipt ? YZ.t('paren_receipt', { d: a.receipt }) : '' });
      case 'unknown_card':
        return YZ.t('there_is_no_card_check', { d: d });
      case 'card_cancelled':
        return YZ.t('has_been_cancelled_and_cannot', { d: d });
      case 'reason_required':
        return YZ.t('give_reason_it_is_shown');
      case 'already_issued':
        return YZ.t('was_already_handed_to_someone', { d: d });
      case 'already_registered':
        x = a.register;
        return YZ.t('person_already_registered', { register: x ? YZ.t('paren_register', { n: x }) : '' });
      case 'unknown_register':
        return YZ.t('there_is_no_register_number', { d: d });
      case 'no_register':
        return YZ.t('this_meetings_rules_have_no');
      case 'not_registered':
        return YZ.t('this_card_was_not_handed');
      case 'stickers_over_issued':
        return YZ.t('boards_hold_more_stickers_than', { d: d });
      case 'not_recommended':
        return YZ.t('no_adviser_recommends_excluding_it', { d: d });
      case 'not_excluded':
        return YZ.t('is_not_excluded', { d: d });
      case 'no_estimate':
        return YZ.t('no_adviser_has_estimated', { d: d });
      case 'not_claimed':
        return YZ.t('this_card_is_not_claimed');
      case 'wrong_phase':
        return YZ.t('keying_is_open_during_vote', { phaseName: YZ.phaseName(d) });
      default:
        return YZ.errorText(m);
    }
  };

  // ------------------------------------------------------------ the electorate, for the staff pages

  /** "15:02": a time of the meeting's day, on this device's clock (the venue's). */
  D.time = function (ms) {
    const d = new Date(ms), m = d.getMinutes();
    return d.getHours() + ':' + (m < 10 ? '0' : '') + m;
  };

  /** What a resident holds, in words: "投票卡 V0042", "纸质选票 117", "贴纸 10 张". */
  D.issueText = function (i) {
    if (!i) return '';
    switch (i.kind) {
      case 'card': return YZ.t('voter_card') + i.serial;
      case 'paper': return YZ.t('paper_ballot') + i.number;
      case 'stickers': return YZ.t('issue_stickers', { stickers: i.stickers });
      default: return i.kind;
    }
  };

  /** The "same address as" flags of a claim, as chips: the organiser's console in red. */
  D.claimFlags = function (claim) {
    const h = YZ.h;
    return (claim && claim.same_address_as || []).map(function (who) {
      return who === 'organiser'
        ? h('span', { class: 'chip bad', 'data-same': who }, YZ.t('same_address_as_organiser'))
        : h('span', { class: 'chip warn', 'data-same': who }, YZ.t('same_address_as_card', { serialName: D.claim.serialName(who) }));
    });
  };

  /**
   * Every counter's and scrutineer's card with its claim: when, from which
   * address and device, and which other staff cards were on that address.
   * opts: {id, action(card) → a cell's content (the console's release)}.
   */
  D.deskTable = function (s, opts) {
    const h = YZ.h, desk = (s.electorate && s.electorate.desk) || [];
    if (!desk.length) return h('p', { class: 'muted', id: opts.id }, YZ.t('no_counters_or_scrutineers_cards'));
    return h('table', { class: 'desk-table claims', id: opts.id },
      h('caption', { class: 'visually-hidden' }, YZ.t('claims_of_counters_and_scrutineers')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, YZ.t('card')), h('th', { scope: 'col' }, YZ.t('claim')),
        opts.action ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, YZ.t('actions'))) : null)),
      h('tbody', null, desk.map(function (d) {
        const c = d.claim;
        return h('tr', { 'data-serial': d.serial, 'data-claimed': c ? 'yes' : 'no', class: c && c.same_address_as && c.same_address_as.indexOf('organiser') >= 0 ? 'differs' : null },
          h('th', { scope: 'row' }, YZ.deskName(d), h('br'), h('span', { class: 'muted small-text mono' }, d.serial)),
          h('td', null, c ? [YZ.t('claimed_at', { time: D.time(c.at_ms) }), YZ.t('address'), h('span', { class: 'mono' }, c.address),
            YZ.t('claim_device_prefix'), h('span', { class: 'mono' }, c.device), D.claimFlags(c).length ? h('div', null, D.claimFlags(c)) : null]
            : h('span', { class: 'muted' }, YZ.t('not_claimed'))),
          opts.action ? h('td', { class: 'actions' }, opts.action(d)) : null);
      })));
  };

  /** Every issue of voter cards: when, which serials, how many, why; those after the opening of the vote marked. */
  D.issuanceList = function (s, id) {
    const h = YZ.h, list = (s.electorate && s.electorate.issuances) || [];
    if (!list.length) return h('p', { class: 'muted', id: id }, YZ.t('desk_no_voter_cards_yet'));
    return h('ul', { class: 'rows', id: id }, list.map(function (i) {
      return h('li', { 'data-seq': i.seq, 'data-late': i.during_vote ? 'yes' : 'no' },
        h('span', { class: 'mono' }, D.time(i.at_ms)), ' ',
        i.during_vote ? h('span', { class: 'chip warn' }, YZ.t('during_vote')) : null, ' ',
        h('span', { class: 'grow' }, YZ.t('issue_cards_count', { count: i.count }) , h('span', { class: 'mono' }, YZ.cardRange(i)),
          i.reason ? YZ.t('colon_reason', { reason: i.reason }) : ''));
    }));
  };

  /** Every cancelled card, with when and why. */
  D.cancellationList = function (s, id) {
    const h = YZ.h, list = (s.electorate && s.electorate.cancellations) || [];
    if (!list.length) return h('p', { class: 'muted', id: id }, YZ.t('no_card_cancelled'));
    return h('ul', { class: 'rows', id: id }, list.map(function (c) {
      return h('li', { 'data-serial': c.serial }, h('span', { class: 'mono' }, D.time(c.at_ms)), ' ',
        h('span', { class: 'grow' }, YZ.t('cancellation_prefix'), h('span', { class: 'mono' }, c.serial), YZ.t('colon_reason', { reason: c.reason })));
    }));
  };

  /** "投票卡 120 张（作废 2 张）· 选民指纹 3F2A-91C0". */
  D.electorateLine = function (s, prefix) {
    const h = YZ.h, e = s.electorate || {}, p = prefix || 'electorate';
    return [YZ.t('electorate_cards_prefix'), h('b', { id: p + '-issued', class: 'mono' }, String(e.cards_issued || 0)), YZ.t('sheets_suffix'),
      e.cards_cancelled ? [YZ.t('cancelled_count_open'), h('b', { id: p + '-cancelled', class: 'mono' }, String(e.cards_cancelled)), YZ.t('cancelled')] : null,
      e.fingerprint ? [YZ.t('electorate_fingerprint_inline'), h('b', { id: p + '-fingerprint', class: 'mono fingerprint' }, e.fingerprint)] : null];
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
  const C = {};
  let memoryDevice = null;
  C.device = function () {
    let d = YZ.storage.get('yz.device') || YZ.tabStorage.get('yz.device') || memoryDevice;
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
    const p = ascii(typed || '').replace(/\s/g, '');
    return /^[0-9]{4,6}$/.test(p) ? p : null;
  };
  /** A desk card's serial for people: "counter-2" → "点票员 2", "scrutineer-1" → "监票员 A". */
  C.serialName = function (serial) {
    const m = /^(counter|scrutineer)-(\d+)$/.exec(serial || '');
    if (!m) return serial === 'organiser' ? YZ.t('the_organiser') : serial;
    return YZ.deskName({ role: m[1], number: parseInt(m[2], 10) });
  };
  const CLAIM_CODES = { claim_required: 1, wrong_pin: 1, too_many_tries: 1, claimed_elsewhere: 1, device_has_card: 1 };
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
    const release = YZ.t('organiser_can_release_claim_on');
    switch (m.code) {
      case 'claim_required':
      case 'invalid_field':
        return { title: YZ.t('claim_this_card'), ask: 'new',
          text: YZ.t('claim_this_card_choose_pin') };
      case 'wrong_pin':
        return sentPin
          ? { title: YZ.t('wrong_pin'), ask: 'pin',
            text: YZ.t('wrong_pin_type_pin_you') + release }
          : { title: YZ.t('type_your_pin'), ask: 'pin',
            text: YZ.t('claimed_here_type_pin') };
      case 'too_many_tries':
        return { title: YZ.t('too_many_wrong_pins'), ask: null,
          text: YZ.t('five_wrong_pins_card_is') + ' ' + release };
      case 'claimed_elsewhere':
        return { title: YZ.t('this_card_was_claimed_on'), ask: null,
          text: YZ.t('this_card_was_already_claimed') + ' ' + release };
      case 'device_has_card':
        return { title: YZ.t('this_device_already_holds_card'), ask: null,
          text: YZ.t('device_holds_card', { card: m.detail ? YZ.t('quoted_name', { v: C.serialName(m.detail) }) : YZ.t('another_desk_card') }) };
      default:
        return { title: YZ.t('cannot_sign_in'), ask: null, text: YZ.errorText(m) };
    }
  };

  /**
   * The #claim section of /count and /scrutineer: say why the card was
   * refused and, when a PIN would help, ask for it (twice for a new claim).
   * opts: {refusal, sentPin, onPin(pin), onRetry(), onOther()}.
   */
  C.show = function (opts) {
    const ex = C.explain(opts.refusal, opts.sentPin), h = YZ.h;
    const box = YZ.$('#claim');
    const err = h('p', { class: 'notice error', id: 'claim-error', role: 'alert', hidden: true });
    let form = null;
    if (ex.ask) {
      const fresh = ex.ask === 'new';
      form = h('form', { id: 'claim-form', class: 'card', autocomplete: 'off', novalidate: true, onsubmit: function (e) {
        e.preventDefault();
        const pin = C.readPin(YZ.$('#pin').value);
        const again = fresh ? C.readPin(YZ.$('#pin2').value) : pin;
        err.hidden = false;
        if (!pin) { err.textContent = YZ.t('pin_digits_rule'); YZ.$('#pin').focus(); return; }
        if (again !== pin) { err.textContent = YZ.t('two_pins_differ_type_them'); YZ.$('#pin2').value = ''; YZ.$('#pin2').focus(); return; }
        err.hidden = true;
        opts.onPin(pin);
      } },
        h('div', null, h('label', { for: 'pin' }, fresh ? YZ.t('choose_pin_label') : YZ.t('pin')),
          h('input', { id: 'pin', class: 'mono pin', type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: 6, required: true })),
        fresh ? h('div', null, h('label', { for: 'pin2' }, YZ.t('type_it_again')),
          h('input', { id: 'pin2', class: 'mono pin', type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: 6, required: true })) : null,
        h('button', { type: 'submit', class: 'primary', id: 'claim-submit' }, fresh ? YZ.t('claim') : YZ.t('open')));
    }
    YZ.fill(box,
      h('h2', { id: 'claim-h' }, ex.title),
      h('p', { id: 'claim-text', 'data-code': opts.refusal.code }, ex.text),
      form, err,
      h('div', { class: 'row-buttons' },
        ex.ask ? null : h('button', { type: 'button', id: 'claim-retry', class: 'primary', onclick: opts.onRetry }, YZ.t('try_again')),
        h('button', { type: 'button', id: 'claim-other', onclick: opts.onOther }, YZ.t('use_another_card'))));
    box.hidden = false;
    const first = YZ.$('#pin') || YZ.$('#claim-retry');
    if (first) first.focus();
  };
  C.hide = function () { const box = YZ.$('#claim'); box.hidden = true; YZ.fill(box); };
  D.claim = C;

  YZ.desk = D;
})();
