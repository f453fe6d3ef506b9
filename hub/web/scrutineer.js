/* scrutineer.js — the scrutineer's page (/scrutineer, scrutineer token): every
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
  const h = YZ.h, $ = YZ.$, D = YZ.desk;
  const PAGE = 'scrutineer';
  const app = { you: null, snap: null };
  let mine = {}, witness = null;
  const seen = {}; // unit|counter|number → marks as last drawn, to flash what changed
  const cards = {}; // unit key → its card element
  let drawnOnce = false; // after the first drawing, a row that appears is new: flash it

  function say(kind, text) { shell.say(kind, text); }

  function drawIf(el, key, draw) { YZ.drawIf(el, key, draw); }

  function renderHeader() { shell.header(app.snap); }

  // ------------------------------------------------------------ summary

  /** This scrutineer's number ("1" for A), from the card's label. */
  /** This card's number (the `scrutineer` of its sheet counts), or null. */
  function myNumber() {
    return app.you && app.you.desk != null ? app.you.desk : null;
  }
  function scrName(n) { return YZ.deskName({ role: 'scrutineer', number: n }); }

  function renderSummary() {
    const s = app.snap, c = YZ.count(s), reg = c.register;
    drawIf($('#summary'), JSON.stringify(s.turnout), function () {
      YZ.fill($('#summary'),
        h('p', { class: 'count-line' }, YZ.countLine(s)),
        c.void ? h('p', { class: 'small-text', id: 'void-line' }, YZ.t('void') + YZ.voidLine(s)) : null,
        reg ? h('p', { class: 'small-text', id: 'register-line' }, YZ.t('registered_at_door_cards_paper', { registered: reg.registered, cards: reg.cards, paper: reg.paper, sticker_sheets: reg.sticker_sheets, stickers: reg.stickers })) : null);
    });
    const me = myNumber();
    drawIf($('#me'), String(me), function () {
      YZ.fill($('#me'), h('strong', { id: 'me-name', 'data-scrutineer': me }, YZ.t('this_page') + (me ? scrName(me) : app.you.label)),
        YZ.t('hand_counts_you_enter_are'));
    });
    drawIf($('#claims'), JSON.stringify(s.electorate.desk), function () { YZ.fill($('#claims'), D.deskTable(s, { id: 'desk-cards' })); });
    drawIf($('#electorate'), JSON.stringify([s.electorate.issuances, s.electorate.cancellations, s.electorate.fingerprint]), function () {
      YZ.fill($('#electorate'), h('p', null, D.electorateLine(s)),
        D.issuanceList(s, 'issuances'),
        s.electorate.cancellations.length ? [h('h3', null, YZ.t('cancelled_cards')), D.cancellationList(s, 'cancellations')] : null);
    });
    YZ.fill($('#head'), YZ.t('log_entry_number', { seq: s.seq }) + ' · ', h('span', { id: 'log-head', 'data-head': s.log_head }, YZ.groupHex(s.log_head)),
      s.fingerprint ? [h('br'), YZ.t('rules_fingerprint_prefix'), h('b', null, s.fingerprint)] : null);
    const blockers = s.phase === 'voting' ? D.blockers(s) : [];
    drawIf($('#blockers'), JSON.stringify(blockers), function () {
      YZ.fill($('#blockers'), blockers.length ? h('div', { class: 'notice info', id: 'close-blockers' },
        h('strong', null, YZ.t('before_vote_can_close')),
        h('ul', { class: 'plain' }, blockers.map(function (b) { return h('li', null, D.blockerText(b)); }))) : null);
    });
  }

  // ------------------------------------------------------------ batches

  function sheetsLine(b) {
    const k = D.keyed(b), parts = [];
    if (k.agreed !== null) parts.push(YZ.t('keyed_agreed', { agreed: k.agreed }));
    else parts.push(k.copies.length ? k.copies.map(function (c) { return YZ.t('desk_copy_entries', { desk: D.deskName(c.counter), entries: c.entries }) + (c.finished ? ' ✓' : ''); }).join(' · ') : YZ.t('nothing_keyed'));
    const has = b.sheets !== null && b.sheets !== undefined, me = myNumber(), counts = b.sheet_counts || [];
    parts.push(' / ', has ? YZ.t('sheets_counted_n', { sheets: b.sheets }) : counts.length ? YZ.t('scrutineers_counts_differ') : YZ.t('not_counted_yet'));
    const each = counts.map(function (x) {
      return h('span', { class: 'sheet-count', 'data-scrutineer': x.scrutineer }, scrName(x.scrutineer) + (x.scrutineer === me ? YZ.t('me') : '') + YZ.t('counted', { sheets: x.sheets }));
    });
    let chip = null;
    if (has && k.agreed !== null) chip = b.sheets === k.agreed ? h('span', { class: 'chip ok', 'data-match': 'yes' }, YZ.t('match'))
      : h('span', { class: 'chip bad', 'data-match': 'no' }, YZ.t('mismatch'));
    else if (has && k.copies.some(function (c) { return c.entries !== b.sheets; })) chip = h('span', { class: 'chip warn', 'data-match': 'not-yet' }, YZ.t('keyed_counted_so_far'));
    return [h('p', { class: 'sheets-line' }, parts, ' ', chip), each.length ? h('p', { class: 'small-text sheet-counts' }, each.map(function (e, i) { return [i ? ' · ' : '', e]; })) : null];
  }

  function marksCell(marks, fresh, counter) {
    if (!marks) return h('td', { class: 'muted', 'data-counter': counter }, '—');
    if (hidden()) return h('td', { class: 'muted' + (fresh ? ' freshcell' : ''), 'data-counter': counter }, YZ.t('keyed_hidden'));
    const pm = YZ.proposalMap(app.snap);
    return h('td', { 'data-counter': counter, class: fresh ? 'freshcell' : null }, marks.length ? marks.map(function (id, i) {
      return [i ? ' ' : '', h('span', { class: 'mark mono' + (pm[id] ? '' : ' unknown'), title: pm[id] ? pm[id].title : YZ.t('not_proposal') }, id)];
    }) : h('span', { class: 'muted' }, YZ.t('blank')));
  }

  function batchTable(n, b) {
    const r = D.batchRows(app.snap, n), max = app.snap.rules.max_choices;
    const unit = 'batch:' + n;
    const body = r.rows.map(function (row) {
      let fresh = false;
      const cells = r.counters.map(function (c) {
        const key = unit + '|' + c + '|' + row.number, now = JSON.stringify(row.marks[c]);
        const changed = seen[key] !== undefined && seen[key] !== now || (seen[key] === undefined && drawnOnce);
        seen[key] = now;
        if (changed && row.marks[c]) fresh = true;
        return marksCell(row.marks[c], changed && !!row.marks[c], c);
      });
      const verdict = row.verdict === undefined ? (row.reason ? h('span', { class: 'chip bad' }, D.diffText(row.reason)) : h('span', { class: 'muted' }, r.counters.length === 2 ? YZ.t('same') : ''))
        : row.verdict ? h('span', { class: 'chip bad' }, YZ.t('void_chip_prefix') + D.voidText(row.verdict, hidden() ? null : row.marks[r.counters[0]] || row.marks.agreed, max))
        : h('span', { class: 'chip ok' }, YZ.t('valid'));
      const cls = [row.reason ? 'differs' : '', row.verdict ? 'void' : '', fresh ? 'fresh' : ''].filter(Boolean).join(' ');
      return h('tr', { 'data-number': row.number, 'data-reason': row.reason || null, class: cls || null },
        h('th', { scope: 'row', class: 'mono' }, row.number), cells, h('td', null, verdict));
    });
    if (!body.length) return h('p', { class: 'muted' }, YZ.t('nothing_keyed_yet'));
    return h('table', { class: 'desk-table' },
      h('caption', { class: 'visually-hidden' }, D.batchName(n) + YZ.t('both_copies')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, YZ.t('number')),
        r.counters.map(function (c) { return h('th', { scope: 'col' }, D.deskName(c)); }),
        h('th', { scope: 'col' }, b && b.status === 'agreed' ? YZ.t('verdict') : YZ.t('comparison')))),
      h('tbody', null, body));
  }

  function batchCard(b) {
    let n = b.batch, el = cards['batch:' + n];
    if (!el) {
      el = cards['batch:' + n] = h('section', { class: 'card batch-card', 'data-batch': n, 'aria-labelledby': 'b-h-' + n },
        h('h3', { id: 'b-h-' + n }), h('div', { class: 'line' }), h('div', { class: 'body' }));
    }
    const copies = D.copies(app.snap, { batch: n });
    drawIf(el, JSON.stringify([b, copies]), function () {
      YZ.fill(el.children[0], h('span', null, D.batchName(n)), h('span', { class: 'chip st-' + b.status, 'data-status': b.status }, D.statusText(b.status)),
        h('button', { type: 'button', class: 'small', 'data-sheets': n, onclick: function () {
          const mine = (b.sheet_counts || []).filter(function (x) { return x.scrutineer === myNumber(); })[0];
          $('#s-batch').value = String(n);
          $('#s-sheets').value = mine ? String(mine.sheets) : '';
          $('#s-sheets').focus();
        } }, YZ.t('enter_count'), h('span', { class: 'visually-hidden' }, ' ' + D.batchName(n))));
      YZ.fill(el.children[1], sheetsLine(b),
        b.status === 'disputed' ? h('p', { class: 'notice error' }, YZ.t('copies_differ'), b.differences.map(function (d) { return d.at + YZ.t('paren', { v: D.diffText(d.reason) }); }).join(YZ.t('semicolon'))) : null);
      YZ.fill(el.children[2], batchTable(n, b));
    });
    return el;
  }

  function renderBatches() {
    const s = app.snap, list = s.paper ? s.paper.batches : [];
    $('#marks-hidden').hidden = !hidden();
    const box = $('#batches');
    if (!list.length) {
      drawIf(box, 'none', function () { YZ.fill(box, h('p', { class: 'muted' }, YZ.t('no_paper_ballots_keyed_yet'))); });
      return;
    }
    const els = list.slice().sort(function (a, b) { return a.batch - b.batch; }).map(batchCard);
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
    const s = app.snap, list = s.paper ? s.paper.boards : [];
    const key = JSON.stringify([list, (s.paper_copies || []).filter(function (c) { return c.unit.board !== undefined; })]);
    drawIf($('#boards'), key, function () {
      if (s.rules.allocation === 'equal_shares') { YZ.fill($('#boards'), h('p', { class: 'muted' }, YZ.t('equal_shares_no_sticker_boards'))); return; }
      if (!list.length) { YZ.fill($('#boards'), h('p', { class: 'muted' }, YZ.t('no_sticker_board_read_yet'))); return; }
      if (hidden()) {
        YZ.fill($('#boards'), list.map(function (b) {
          return h('section', { class: 'card', 'data-board': b.board, 'aria-labelledby': 'bd-h-' + b.board },
            h('h3', { id: 'bd-h-' + b.board }, D.boardName(b.board), ' ', h('span', { class: 'chip st-' + b.status }, D.statusText(b.status))),
            h('p', null, D.copies(s, { board: b.board }).map(function (c) { return D.deskName(c.counter) + (c.finished ? ' ✓' : ''); }).join(' · ') || YZ.t('no_reading_yet')),
            b.status === 'disputed' ? h('p', { class: 'notice error' }, YZ.t('readings_differ_at'), b.differences.map(function (d) { return d.at; }).join(YZ.t('list_sep'))) : null);
        }));
        return;
      }
      YZ.fill($('#boards'), list.map(function (b) {
        const r = D.boardRows(s, b.board);
        return h('section', { class: 'card', 'data-board': b.board, 'aria-labelledby': 'bd-h-' + b.board },
          h('h3', { id: 'bd-h-' + b.board }, D.boardName(b.board), ' ', h('span', { class: 'chip st-' + b.status }, D.statusText(b.status))),
          r.rows.length ? h('table', { class: 'desk-table' },
            h('caption', { class: 'visually-hidden' }, D.boardName(b.board) + YZ.t('both_readings')),
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, YZ.t('proposal')),
              r.counters.map(function (c) { return h('th', { scope: 'col' }, D.deskName(c)); }),
              h('th', { scope: 'col' }, YZ.t('counted_column')))),
            h('tbody', null, r.rows.map(function (row) {
              return h('tr', { 'data-id': row.id, class: row.differ ? 'differs' : null },
                h('th', { scope: 'row' }, h('span', { class: 'mono' }, row.id), ' ', row.title),
                r.counters.map(function (c) { return h('td', { class: 'mono' }, String(row.counts[c])); }),
                h('td', { class: 'mono' }, row.agreed === null ? (row.differ ? YZ.t('differs') : '—') : String(row.agreed)));
            }))) : h('p', { class: 'muted' }, YZ.t('empty_reading')));
      }));
    });
  }

  // ------------------------------------------------------------ the witness copy

  function renderWitness() {
    const w = witness, box = $('#witness');
    $('#witness-card').hidden = !w;
    if (!w) return;
    const last = w.last();
    $('#witness-download').disabled = !w.rows.length;
    if (w.rewritten) {
      const r = w.rewritten;
      YZ.fill(box, h('div', { class: 'notice error', role: 'alert', id: 'witness-refused' },
        h('strong', null, r.stored ? YZ.t('copy_kept_on_this_device')
          : YZ.t('hub_sent_entry_that_differs')),
        r.seq ? h('p', { class: 'mono' }, YZ.t('log_entry_number', { seq: r.seq }) + (r.held ? ' · ' + YZ.t('copy') + YZ.groupHex(r.held, 16) + ' · ' + YZ.t('hub') + YZ.groupHex(r.sent, 16) : '') + (r.detail ? ' · ' + r.detail : '')) : null,
        h('p', null, YZ.t('download_this_copy_and_give'))));
      return;
    }
    YZ.fill(box,
      h('p', { id: 'witness-state' }, !w.loaded ? YZ.t('reading_copy_kept_on_this')
        : last ? [YZ.t('checked'), h('b', { id: 'witness-count' }, String(w.rows.length)), YZ.t('entries_last_ones_hash'), h('span', { class: 'mono', id: 'witness-head' }, YZ.groupHex(last.hash, 16))]
        : YZ.t('no_entries_yet')),
      w.sealed ? h('p', { class: 'muted small-text', id: 'witness-sealed' }, YZ.t('of_them_were_written_during', { sealed: w.sealed })) : null,
      w.loaded && !w.stored ? h('p', { class: 'notice warn' }, YZ.t('this_browser_cannot_keep_copy')) : null);
  }

  function renderAll() {
    renderHeader();
    renderWitness();
    const on = !!app.snap;
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
      const batch = parseInt($('#s-batch').value, 10), sheets = parseInt($('#s-sheets').value, 10);
      if (!(batch >= 1 && batch <= 9999) || !(sheets >= 0 && sheets <= 100000)) {
        say('error', YZ.t('batch_1_to_9999_and'));
        return;
      }
      const id = shell.session.newId();
      mine[id] = true;
      shell.session.command({ kind: 'declare_sheets', batch: batch, sheets: sheets }, id).then(function (m) {
        delete mine[id];
        renderHeader();
        if (m.type === 'error') say('error', D.errorText(m));
        else say('ok', YZ.t('sheets_entered', { batchName: D.batchName(batch), sheets: sheets }));
      });
      renderHeader();
      $('#s-sheets').value = '';
    });
  }

  // ------------------------------------------------------------ connection (staff.js)

  /** Redraw at most once a frame, however many updates arrive (YZ.frame). */
  const schedule = YZ.frame(renderAll);

  const shell = YZ.staff({
    page: PAGE, roles: ['scrutineer'], client: 'scrutineer-page/1', persist: 'scrutineer', claim: true, title: 'scrutiny',
    who: function (you) { return myNumber() ? scrName(myNumber()) : you.label; },
    reset: function (signOut) { app.you = null; app.snap = null; if (signOut) witness = null; },
    render: function () { renderAll(); },
    header: function () { renderHeader(); },
    welcome: function (you, snap, session) {
      if (!witness) witness = new YZ.Witness({ key: YZ.sha256(shell.token.toUpperCase().replace(/[^0-9A-Z]/g, '')).slice(0, 16), onChange: schedule });
      witness.attach(session, snap.phase);
      app.you = you;
    },
    change: function (snap) {
      app.snap = snap;
      schedule();
    },
    answer: function (m, id) {
      renderHeader();
      if (!mine[id] && m.type === 'error') say('error', D.errorText(m));
    },
    log: function (frame) { if (witness) witness.take(frame); }
  });

  function init() {
    YZ.initLang();
    YZ.langToggle();
    YZ.onLang(function () { renderAll(); });
    wireSheets();
    $('#witness-download').addEventListener('click', function () {
      if (!witness || !witness.rows.length) return;
      const last = witness.last(), name = 'witness-' + (app.snap ? app.snap.meeting.date : 'meeting') + '-' + last.seq + '.jsonl';
      witness.download(name);
      say('ok', YZ.t('downloaded') + name);
    });
    shell.begin();
  }

  init();
})();
