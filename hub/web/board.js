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
  const h = YZ.h, $ = YZ.$, D = YZ.desk;
  const SHOW = 300, MIN_GAP_MS = 3000, POLL_MS = 15000;
  let board = null, drawnKey = '', full = false, found = null, searched = false;
  let loading = false, again = false, lastLoad = 0, wantSeq = 0, timer = null, failed = false, poller = null;

  // ------------------------------------------------------------ loading

  function schedule(delay) {
    if (timer) return;
    const wait = Math.max(delay || 0, MIN_GAP_MS - (Date.now() - lastLoad));
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

  function proposalTitles(b) { const m = {}; b.proposals.forEach(function (p) { m[p.id] = p.title; }); return m; }

  /** Votes per proposal from the ballots on this board: phone, valid paper, agreed stickers. */
  function sums(b) {
    const out = {};
    b.proposals.forEach(function (p) { out[p.id] = { phone: 0, paper: 0, stickers: 0 }; });
    const add = function (id, k, n) { if (out[id]) out[id][k] += n; };
    b.phone.forEach(function (x) { (x.choices || []).forEach(function (id) { add(id, 'phone', 1); }); });
    b.paper.forEach(function (x) { if (!x.void) (x.marks || []).forEach(function (id) { add(id, 'paper', 1); }); });
    b.boards.forEach(function (x) { Object.keys(x.counts || {}).forEach(function (id) { add(id, 'stickers', x.counts[id]); }); });
    return out;
  }

  /** A typed receipt in the hub's form: Crockford letters, XXXX-XXXX. */
  function receiptOf(text) {
    const t = String(text || '').toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
    return /^[0-9A-HJKMNP-TV-Z]{8}$/.test(t) ? t.slice(0, 4) + '-' + t.slice(4) : null;
  }

  function find(text) {
    if (!board) return null;
    const t = String(text || '').trim();
    if (!t) return null;
    const r = receiptOf(t);
    if (r) {
      const p = board.phone.filter(function (x) { return x.receipt === r; })[0];
      if (p) return { kind: 'phone', typed: t, ballot: p };
    }
    // Typed as on the sheet ("0117", "０１１７"): the hub keeps numbers normalised ("117").
    const number = YZ.normalizeBallotNumber(t);
    const paper = board.paper.filter(function (x) { return x.number === number; })[0];
    if (paper) return { kind: 'paper', typed: t, ballot: paper };
    return { kind: 'none', typed: t, receipt: r };
  }

  // ------------------------------------------------------------ drawing

  function ids(list, titles) {
    if (!list) return h('span', { class: 'muted' }, YZ.t('not_shown'));
    if (!list.length) return h('span', { class: 'muted' }, YZ.t('blank'));
    return list.map(function (id, i) { return [i ? ' ' : '', h('span', { class: 'pid mono', title: titles[id] || YZ.t('not_proposal') }, id)]; });
  }

  function more(n, what) {
    if (full || n <= SHOW) return null;
    return h('p', { class: 'no-print' }, h('button', { type: 'button', class: 'show-all', onclick: function () { full = true; drawnKey = ''; draw(); } },
      YZ.t('show_all', { n: n, what: what })));
  }

  function withheldNote(b) {
    if (b.withheld === 'receipts_only') return h('p', { class: 'notice info', id: 'withheld' }, YZ.t('by_this_meetings_rules_board'));
    if (b.withheld === 'hidden_until_close') return h('p', { class: 'notice info', id: 'withheld' }, YZ.t('by_meetings_rules_votes_per'));
    return null;
  }

  /** Why a paper ballot is void, in the words every screen uses; over the limit says by how much. */
  function voidText(code, marks) {
    let t = YZ.voidReason(code);
    if (code === 'over_limit' && marks) t += YZ.t('marks_at_most', { length: marks.length, max_choices: board.max_choices });
    return t;
  }

  function summary(b) {
    const row = function (k, v, id) { return [h('dt', null, k), h('dd', { id: id }, v)]; };
    const voids = YZ.voidLine(b), e = b.electorate || {};
    return [
      h('dl', { class: 'rules' },
        row(YZ.t('now_label'), YZ.phaseName(b.phase), 'b-phase'),
        row(YZ.t('ballots'), YZ.countLine(b), 'b-count'),
        voids ? row(YZ.t('void_by_reason'), voids, 'b-void-reasons') : null,
        row(YZ.t('voter_cards'), YZ.t('issued_cancelled', { v: e.cards_issued || 0, v2: e.cards_cancelled || 0 }), 'b-cards'),
        b.fingerprint ? row(YZ.t('rules_fingerprint'), h('span', { class: 'mono' }, b.fingerprint)) : null,
        e.fingerprint ? row(YZ.t('electorate_fingerprint'), h('span', { class: 'mono', id: 'b-electorate-fingerprint' }, e.fingerprint)) : null),
      h('p', null, YZ.t('this_board_reflects_log_entry'), h('b', { id: 'b-seq' }, String(b.seq)), YZ.t('whose_hash_is')),
      h('p', { class: 'mono hash', id: 'b-head', 'data-head': b.log_head }, YZ.groupHex(b.log_head)),
      h('p', { class: 'muted small' }, YZ.t('compare_it_with_hash_on')),
      b.results ? h('p', { class: 'notice ok' }, YZ.t('vote_has_closed_log_hash'), h('span', { class: 'mono', id: 'b-closed' }, YZ.groupHex(b.results.closed_at_head, 16)), '…') : null,
      failed ? h('p', { class: 'notice error' }, YZ.t('cannot_read_latest_board_right')) : null
    ];
  }

  function phoneList(b, titles) {
    const list = full ? b.phone : b.phone.slice(0, SHOW);
    if (!b.phone.length) return h('p', { class: 'muted' }, YZ.t('no_phone_ballots_yet'));
    return [
      h('p', { class: 'muted' }, YZ.t('ballots_in_receipt_order_not', { length: b.phone.length })),
      h('table', { class: 'btable', id: 'phone-table' },
        h('caption', { class: 'visually-hidden' }, YZ.t('phone_ballots')),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, YZ.t('receipt')), b.choices_shown ? h('th', { scope: 'col' }, YZ.t('choices')) : null)),
        h('tbody', null, list.map(function (x) {
          return h('tr', { 'data-receipt': x.receipt }, h('td', { class: 'mono' }, x.receipt), b.choices_shown ? h('td', null, ids(x.choices, titles)) : null);
        }))),
      more(b.phone.length, YZ.t('sheets_unit'))
    ];
  }

  function paperList(b, titles) {
    if (!b.paper.length) {
      const open = b.batches.filter(function (x) { return x.status !== 'agreed'; }).length;
      return h('p', { class: 'muted' }, YZ.t('no_paper_ballots_counted_yet') + (open ? YZ.t('batches_being_keyed', { open: open }) : ''));
    }
    const list = full ? b.paper : b.paper.slice(0, SHOW);
    return [
      h('p', { class: 'muted' }, YZ.t('keyed_by_two_counters_independently')),
      h('ul', { class: 'plain batches' }, b.batches.map(function (x) {
        return h('li', { 'data-batch': x.batch }, D.batchName(x.batch) + YZ.t('colon') + D.statusText(x.status) +
          (x.ballots !== null && x.ballots !== undefined ? YZ.t('batch_ballots_suffix', { ballots: x.ballots }) : '') +
          (x.sheets !== null && x.sheets !== undefined ? YZ.t('sheets_counted_by_scrutineer', { sheets: x.sheets }) : ''));
      })),
      h('table', { class: 'btable', id: 'paper-table' },
        h('caption', { class: 'visually-hidden' }, YZ.t('paper_ballots')),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, YZ.t('number')), h('th', { scope: 'col' }, YZ.t('batch')),
          b.choices_shown ? h('th', { scope: 'col' }, YZ.t('marks')) : null, h('th', { scope: 'col' }, YZ.t('verdict')))),
        h('tbody', null, list.map(function (x) {
          return h('tr', { 'data-number': x.number, class: x.void ? 'void' : null },
            h('td', { class: 'mono' }, x.number), h('td', null, String(x.batch)),
            b.choices_shown ? h('td', null, ids(x.marks, titles)) : null,
            h('td', null, x.void ? h('span', { class: 'chip bad' }, YZ.t('void_chip_prefix') + voidText(x.void, x.marks)) : h('span', { class: 'chip ok' }, YZ.t('valid'))));
        }))),
      more(b.paper.length, YZ.t('sheets_unit'))
    ];
  }

  function voidList(b, titles) {
    const v = b.paper.filter(function (x) { return x.void; });
    if (!v.length) return h('p', { class: 'muted' }, YZ.t('no_void_ballots'));
    return [h('p', null, YZ.t('void_ballots_count_for_no')),
      h('ul', { class: 'plain', id: 'void-list' }, v.map(function (x) {
        return h('li', { 'data-number': x.number }, h('b', { class: 'mono' }, x.number), YZ.t('in_batch', { batch: x.batch }), YZ.t('colon'),
          voidText(x.void, x.marks), x.marks ? [YZ.t('marks_prefix'), ids(x.marks, titles)] : null);
      }))];
  }

  /** Every issue of voter cards (with its reason), every cancellation, the desk cards and their claims. */
  function electorateList(b) {
    const e = b.electorate || { issuances: [], cancellations: [], desk: [] };
    return [
      h('h3', null, YZ.t('cards_issued')),
      e.issuances.length ? h('ul', { class: 'plain', id: 'issuances' }, e.issuances.map(function (i) {
        return h('li', { class: i.during_vote ? 'during-vote' : null, 'data-first': i.first },
          i.during_vote ? h('b', null, YZ.issueText(i)) : [YZ.hhmm(i.at_ms) + ' ', YZ.issueText(i)],
          i.during_vote ? h('span', { class: 'chip warn' }, YZ.t('issued_during_vote')) : null);
      })) : h('p', { class: 'muted' }, YZ.t('board_no_voter_cards_yet')),
      h('h3', null, YZ.t('cancelled_cards')),
      e.cancellations.length ? h('ul', { class: 'plain', id: 'cancellations' }, e.cancellations.map(function (c) {
        return h('li', { 'data-serial': c.serial }, YZ.cancelText(c));
      })) : h('p', { class: 'muted' }, YZ.t('no_card_was_cancelled')),
      h('h3', null, YZ.t('counters_and_scrutineers')),
      h('ul', { class: 'plain', id: 'desk-claims' }, e.desk.map(function (d) {
        const c = YZ.claimText(d);
        return h('li', { 'data-serial': d.serial, class: c && c.flagged ? 'flagged' : null },
          c ? [c.flagged ? h('b', null, '⚠ ') : null, c.text, h('span', { class: 'muted' }, YZ.t('device_in_parens', { device: d.claim.device })),
            c.also ? h('span', { class: c.flagged ? 'chip bad' : 'chip' }, c.also) : null]
            : [YZ.deskName(d), YZ.t('not_claimed_yet')]);
      }))
    ];
  }

  function exclusionList(b, titles) {
    if (!b.exclusions || !b.exclusions.length) return h('p', { class: 'muted' }, YZ.t('no_proposal_was_excluded'));
    return h('ul', { class: 'plain', id: 'exclusion-list' }, b.exclusions.map(function (x) {
      return h('li', { 'data-id': x.proposal }, YZ.exclusionText(x, true), titles[x.proposal] ? YZ.t('paren', { v: titles[x.proposal] }) : '');
    }));
  }

  function boardsList(b, titles) {
    if (b.allocation === 'equal_shares') return h('p', { class: 'muted' }, YZ.t('equal_shares_no_sticker_boards'));
    if (!b.boards.length) return h('p', { class: 'muted' }, YZ.t('no_sticker_boards'));
    return h('ul', { class: 'plain', id: 'board-list' }, b.boards.map(function (x) {
      const c = x.counts;
      return h('li', { 'data-board': x.board }, h('b', null, D.boardName(x.board)), YZ.t('colon'), D.statusText(x.status),
        c ? h('span', { class: 'counts' }, ' — ', Object.keys(c).map(function (id, i) { return [i ? YZ.t('comma') : '', h('span', { class: 'mono', title: titles[id] || '' }, id), ' ', String(c[id])]; })) : null);
    }));
  }

  function tallyTable(b, titles) {
    if (!b.tally) return h('p', { class: 'muted' }, YZ.t('published_when_vote_closes_by'));
    const s = sums(b), counts = b.tally.counts, mismatch = [];
    const rows = b.proposals.map(function (p, i) {
      const x = s[p.id], mine = x.phone + x.paper + x.stickers, hub = counts[p.id] || 0;
      if (b.choices_shown && mine !== hub) mismatch.push(p.id);
      return { id: p.id, title: p.title, x: x, sum: mine, hub: hub, order: i };
    }).sort(function (a, c) { return c.hub - a.hub || a.order - c.order; });
    return [
      b.choices_shown ? (mismatch.length
        ? h('p', { class: 'notice error', id: 'sum-check' }, YZ.t('warning_adding_up_ballots_on') + mismatch.join(', '))
        : h('p', { class: 'notice ok', id: 'sum-check', 'data-agrees': 'yes' }, YZ.t('adding_up_every_ballot_and')))
        : h('p', { class: 'muted' }, YZ.t('choices_are_not_published_these')),
      h('table', { class: 'btable', id: 'tally-table' },
        h('caption', { class: 'visually-hidden' }, YZ.t('votes_per_proposal')),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, YZ.t('proposal')),
          b.choices_shown ? [h('th', { scope: 'col', class: 'num' }, YZ.t('phone')), h('th', { scope: 'col', class: 'num' }, YZ.t('paper')),
            b.allocation !== 'equal_shares' ? h('th', { scope: 'col', class: 'num' }, YZ.t('stickers')) : null] : null,
          h('th', { scope: 'col', class: 'num' }, YZ.t('total_column')))),
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
    const b = board, titles = proposalTitles(b);
    if (found.kind === 'phone') {
      return h('div', { class: 'notice ok', id: 'found', 'data-found': found.ballot.receipt },
        h('p', null, h('strong', null, YZ.t('found_receipt') + found.ballot.receipt), YZ.t('this_phone_ballot_was_received')),
        found.ballot.choices ? h('ul', { class: 'plain' }, found.ballot.choices.map(function (id) { return h('li', null, h('span', { class: 'mono' }, id), ' ', titles[id] || ''); }))
          : h('p', null, b.withheld === 'receipts_only' ? YZ.t('its_choices_are_not_published') : YZ.t('its_choices_are_published_when')));
    }
    if (found.kind === 'paper') {
      const x = found.ballot;
      return h('div', { class: 'notice ' + (x.void ? 'error' : 'ok'), id: 'found', 'data-found': x.number },
        h('p', null, h('strong', null, YZ.t('found_paper_ballot', { number: x.number })), YZ.t('in_batch', { batch: x.batch }),
          x.void ? YZ.t('found_ballot_void', { voidtext: voidText(x.void, x.marks) }) : YZ.t('valid_counted')),
        x.marks ? h('p', null, ids(x.marks, titles)) : null);
    }
    return h('div', { class: 'notice error', id: 'found', 'data-found': '' },
      h('p', null, YZ.t('nothing_found_for', { typed: found.typed })),
      h('p', null, YZ.t('check_receipt_code_8_characters')));
  }

  function draw() {
    const b = board;
    if (!b) {
      if (failed) YZ.fill($('#summary'), h('p', { class: 'notice error' }, YZ.t('cannot_read_board_trying_again')));
      return;
    }
    const key = [YZ.lang(), b.seq, b.log_head, full, failed].join('|');
    // A receipt from the link is looked up as soon as the first board is in.
    if (!found && !searched && $('#find-code').value) found = find($('#find-code').value);
    searched = true;
    if (found) found = find(found.typed);
    YZ.fill($('#find-result'), foundBox());
    if (key === drawnKey) return;
    drawnKey = key;
    const titles = proposalTitles(b);
    document.title = YZ.t('public_board_title_prefix') + b.meeting.name;
    YZ.fill($('#meeting-name'), b.meeting.name, ' ', h('span', { class: 'sub' }, YZ.t('public_board_subtitle')));
    $('#meeting-where').textContent = [b.meeting.venue, b.meeting.date].filter(Boolean).join(' · ');
    YZ.fill($('#summary'), summary(b));
    YZ.fill($('#electorate'), electorateList(b));
    YZ.fill($('#exclusions'), exclusionList(b, titles));
    YZ.fill($('#phone'), withheldNote(b), phoneList(b, titles));
    YZ.fill($('#paper'), paperList(b, titles));
    YZ.fill($('#void'), voidList(b, titles));
    YZ.fill($('#boards'), boardsList(b, titles));
    YZ.fill($('#tally'), tallyTable(b, titles));
    YZ.fill($('#foot'), YZ.t('log') + b.seq + ' · ', h('span', { class: 'mono', id: 'log-head' }, YZ.groupHex(b.log_head)));
  }

  // ------------------------------------------------------------ search, print, connection

  function search(text) {
    found = find(text);
    if (!board) { found = { kind: 'none', typed: String(text || '').trim() }; }
    YZ.fill($('#find-result'), foundBox());
  }

  function status(state, detail) {
    const el = $('#status');
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
    const m = /(?:^#|&)receipt=([^&]+)/.exec(location.hash || '');
    if (!m) return false;
    try { $('#find-code').value = decodeURIComponent(m[1]); } catch (e) { return false; }
    return true;
  }
  fromLink();
  window.addEventListener('hashchange', function () { if (fromLink()) search($('#find-code').value); });
  load();
  const session = new YZ.Session({
    token: 'public', client: 'board-page/1',
    onWelcome: function (you, s) { if (!YZ.storage.get('yz.lang')) YZ.initLang(s.meeting.language); },
    onChange: function (s, u) { if (!u || 'turnout' in u || 'phase' in u || 'results' in u || 'tally' in u || 'electorate' in u || 'exclusions' in u) want(s.seq); },
    onStatus: status
  });
  session.start();

  // For the browser tests and debugging.
  window.YZBoard = { board: function () { return board; }, find: find, sums: function () { return board ? sums(board) : null; } };
})();
