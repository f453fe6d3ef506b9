/* count.js — the counter's page (/count): key paper ballots into this
 * counter's own copy of a batch, fast from a keyboard (number, Tab or Enter,
 * the proposals marked, Enter) or on a phone; correct or remove an entry;
 * finish the batch; see whether the two copies agreed, or which numbers to
 * re-check against the paper; read sticker boards (one form per board, sent
 * whole).
 *
 * A counter sees only their own copy: the hub sends nothing else (the other
 * counter's copy is known only by how many entries it has), so the second
 * keying stays independent. The page judges nothing either: it turns what
 * was typed into proposal ids and sends anything it cannot match as typed,
 * so that the hub records the ballot void with its reason. Unanswered
 * entries survive a reload (YZ.Session persist) and show as unsent.
 *
 * The counter's card is claimed on first use: the page sends this device's
 * id and the PIN the counter chooses (YZ.desk.claim); one device holds one
 * desk card. The hub keeps ballot numbers normalised (`0117` is `117`): an
 * entry is followed from the keystroke to the hub's copy by its command id,
 * and shown under the number the hub keeps.
 *
 * State (`app`) is plain data changed by events; render* draw from it and
 * the snapshot.
 */
(function () {
  'use strict';
  const h = YZ.h, $ = YZ.$, D = YZ.desk;
  const PAGE = 'count';
  const app = { you: null, snap: null, tab: 'batches', batch: null, board: null, keyError: null, last: null };
  const mine = {};
  // Entries by command id: every key_paper this page has seen unanswered, and
  // those the hub acknowledged whose copy has not arrived yet ({command, seq}).
  const seen = {}, acked = {};

  // ------------------------------------------------------------ messages

  function say(kind, text) { shell.say(kind, text); }

  /** Send a command; resolves with the hub's answer. Errors are the caller's to show. */
  function send(command) {
    const id = shell.session.newId();
    mine[id] = true;
    seen[id] = command;
    const p = shell.session.command(command, id);
    renderHeader();
    renderView();
    if (shell.session.state !== 'online') say('info', YZ.t('offline_kept_on_this_device'));
    return p.then(function (m) {
      delete mine[id];
      renderHeader();
      renderView();
      return m;
    });
  }

  function drawIf(el, key, draw) { YZ.drawIf(el, key, draw); }

  function proposals() { return app.snap ? app.snap.proposals : []; }
  function maxChoices() { return app.snap ? app.snap.rules.max_choices : 0; }
  function voting() { return app.snap && app.snap.phase === 'voting'; }
  function title(id) { const p = YZ.proposalMap(app.snap)[id]; return p ? p.title : ''; }

  /** This card's desk number (the `counter` of its copies), or null. */
  function myDesk() {
    return app.you && app.you.desk != null ? app.you.desk : null;
  }
  function myCopy(unit) { return D.copies(app.snap, unit)[0] || null; }

  /** Unanswered commands of this page for a unit: what is keyed here but not yet in the hub's copy. */
  function pendingFor(batch) {
    const list = shell.session ? shell.session.pendingCommands().filter(function (p) { return p.command.batch === batch && (p.command.kind === 'key_paper' || p.command.kind === 'remove_paper' || p.command.kind === 'finish_paper'); }) : [];
    list.forEach(function (p) { seen[p.id] = p.command; });
    return list;
  }

  /**
   * Entries the hub has acknowledged (by command id) whose copy has not
   * reached this page yet: shown as keyed, under the number the hub keeps.
   * Dropped once the copy holds the number, or a later entry of the log
   * has arrived (updates come in order, so the copy is then here).
   */
  function ackedFor(batch) {
    const s = app.snap, copy = myCopy({ batch: batch }), have = {};
    (copy ? copy.ballots : []).forEach(function (x) { have[x.number] = x.marks; });
    const out = [];
    Object.keys(acked).forEach(function (id) {
      const a = acked[id], there = have[D.normalizeNumber(a.command.number)];
      if ((there && D.sameMarks(there, a.command.marks)) || s.seq > a.seq) { delete acked[id]; return; }
      if (a.command.batch === batch) out.push(a.command);
    });
    return out;
  }

  /** The hub's answer to a command of this page (also one re-sent after a reload). */
  function answered(m, id) {
    const c = seen[id];
    delete seen[id];
    if (c && c.kind === 'key_paper' && m.type === 'ack') acked[id] = { command: c, seq: m.seq };
  }

  // ------------------------------------------------------------ header and tabs

  function renderHeader() {
    const s = app.snap;
    shell.header(s);
    const line = $('#count-line');
    line.hidden = !s || YZ.PHASES.indexOf(s.phase) < YZ.PHASES.indexOf('voting');
    drawIf(line, s ? JSON.stringify(s.turnout) : '', function () { if (s) YZ.fill(line, YZ.countLine(s, 'count')); });
  }

  function renderTabs() {
    const on = !!app.snap;
    $('#tabs').hidden = !on;
    const btns = document.querySelectorAll('#tabs [data-tab]');
    for (let i = 0; i < btns.length; i++) btns[i].setAttribute('aria-pressed', String(btns[i].getAttribute('data-tab') === app.tab));
    $('#view-batches').hidden = !on || app.tab !== 'batches';
    $('#view-boards').hidden = !on || app.tab !== 'boards';
    const note = $('#phase-note'), s = app.snap;
    note.hidden = !s || s.phase === 'voting';
    if (s && s.phase !== 'voting') {
      note.textContent = YZ.PHASES.indexOf(s.phase) < YZ.PHASES.indexOf('voting')
        ? YZ.t('paper_ballots_are_keyed_during', { phaseName: YZ.phaseName(s.phase) })
        : YZ.t('vote_has_closed_nothing_more');
    }
  }

  function renderView() {
    if (!app.snap) return;
    if (app.tab === 'batches') { renderBatchList(); renderBatch(); } else renderBoards();
  }

  function renderAll() { renderHeader(); renderTabs(); renderView(); }

  // ------------------------------------------------------------ batches: the list

  function copyLine(c, desk) {
    const who = c.counter === desk ? YZ.t('me_short') : D.deskName(c.counter);
    return who + YZ.t('colon') + YZ.t('copy_keyed', { entries: c.entries }) + (c.finished ? YZ.t('done') : '');
  }

  function renderBatchList() {
    const s = app.snap, desk = myDesk(), list = (s.paper ? s.paper.batches : []);
    drawIf($('#batch-list'), JSON.stringify(list) + '|' + app.batch + '|' + desk, function () {
      YZ.fill($('#batch-list'), list.length ? list.map(function (b) {
        return h('li', { 'data-batch': b.batch, class: b.batch === app.batch ? 'mine' : null },
          h('button', { type: 'button', class: 'rowbutton', 'aria-current': b.batch === app.batch ? 'true' : null, onclick: function () { choose(b.batch); } },
            h('strong', null, D.batchName(b.batch)), ' ',
            h('span', { class: 'chip st-' + b.status }, D.statusText(b.status)),
            h('br'),
            h('span', { class: 'small-text' }, b.copies.length ? b.copies.map(function (c) { return copyLine(c, desk); }).join(' · ') : YZ.t('nothing_keyed'))));
      }) : h('li', { class: 'muted' }, YZ.t('no_batch_yet_type_batch')));
    });
  }

  function choose(n) {
    app.batch = n;
    app.keyError = null;
    YZ.tabStorage.set('yz.count.batch', String(n));
    $('#batch-no').value = String(n);
    renderView();
    const num = $('#k-number');
    if (!num.value) {
      const copy = myCopy({ batch: n });
      const last = copy && copy.ballots.length ? copy.ballots.slice().sort(function (a, b) { return D.natural(a.number, b.number); }).pop().number : '';
      num.value = last ? D.nextNumber(last) : '';
    }
    if (!$('#k-number').disabled) { num.focus(); num.select(); }
    preview();
  }

  // ------------------------------------------------------------ batches: the open batch

  function marksText(marks) {
    if (!marks || !marks.length) return h('span', { class: 'muted' }, YZ.t('blank'));
    return marks.map(function (id, i) {
      const t = title(id);
      return [i ? ' ' : '', h('span', { class: 'mark mono' + (t ? '' : ' unknown'), title: t || YZ.t('not_proposal') }, id)];
    });
  }

  /** Whether the open batch can be keyed here: [ok, why not]. */
  function canKey(b, copy) {
    if (!voting()) return [false, ''];
    if (b && b.status === 'agreed') return [false, YZ.t('this_batch_has_agreed_and')];
    if (b && !copy && b.copies.length >= 2) {
      return [false, YZ.t('batch_keyed_by_counters', { counters: b.copies.map(function (c) { return YZ.t('counter_no', { n: c.counter }); }).join(YZ.t('counters_and')) })];
    }
    return [true, ''];
  }

  function renderBatch() {
    const box = $('#batch'), n = app.batch;
    box.hidden = n === null;
    if (n === null) return;
    const s = app.snap, b = D.batch(s, n), copy = myCopy({ batch: n }), desk = myDesk();
    const pend = pendingFor(n), done = ackedFor(n);
    const can = canKey(b, copy);
    YZ.fill($('#batch-h'), D.batchName(n), ' ', b ? h('span', { class: 'chip st-' + b.status, id: 'batch-status', 'data-status': b.status }, D.statusText(b.status))
      : h('span', { class: 'chip', id: 'batch-status', 'data-status': 'new' }, YZ.t('new_batch')));
    const form = $('#key-form');
    form.hidden = !can[0] && !!can[1];
    ['k-number', 'k-marks', 'k-save'].forEach(function (id) { $('#' + id).disabled = !can[0]; });
    const err = $('#k-error');
    err.hidden = !app.keyError;
    err.textContent = app.keyError || '';
    drawIf($('#batch-state'), JSON.stringify([b, copy ? copy.finished : null, can, desk]), function () { drawState(b, copy, desk, can); });
    drawIf($('#copy'), JSON.stringify([copy, pend, done, b ? b.differences : null, b ? b.status : null, app.last]), function () { drawCopy(n, b, copy, pend, done); });
    const fin = $('#finish');
    fin.hidden = !!(b && b.status === 'agreed');
    fin.disabled = !voting() || !b || (copy && copy.finished) || pend.length > 0;
  }

  function drawState(b, copy, desk, can) {
    const box = $('#batch-state');
    if (!can[0] && can[1]) { YZ.fill(box, h('p', { class: 'notice ' + (b && b.status === 'agreed' ? 'ok' : 'error') }, can[1]), b && b.status === 'agreed' ? agreedTable(b) : null); return; }
    if (!b) {
      YZ.fill(box, h('p', { class: 'notice info' }, YZ.t('new_batch_it_starts_with')));
      return;
    }
    const other = b.copies.filter(function (c) { return c.counter !== desk; })[0];
    const lines = [
      h('li', null, YZ.t('my_copy') + YZ.t('copy_ballots', { n: copy ? copy.ballots.length : 0 }) +
        (copy && copy.finished ? YZ.t('finished') : YZ.t('keying'))),
      h('li', null, other ? YZ.t('other_copy_state', { counter: other.counter, entries: other.entries, state: YZ.t(other.finished ? 'comma_finished' : 'keying') })
        : YZ.t('other_copy_no_second_counter'))
    ];
    const parts = [h('ul', { class: 'plain copies-summary' }, lines)];
    if (b.sheets !== null && b.sheets !== undefined) parts.push(h('p', null, YZ.t('counted_by_scrutineer_sheets', { sheets: b.sheets })));
    if (b.status === 'disputed') {
      parts.unshift(h('div', { class: 'notice error', id: 'disputed' },
        h('p', null, h('strong', null, YZ.t('two_copies_differ')), ' ',
          YZ.t('both_counters_check_these_numbers')),
        h('ul', { class: 'diffs' }, b.differences.map(function (d) {
          const mineRow = copy ? copy.ballots.filter(function (x) { return x.number === d.at; })[0] : null;
          return h('li', { 'data-at': d.at, 'data-reason': d.reason },
            h('strong', { class: 'mono' }, d.at), YZ.t('colon'), D.diffText(d.reason),
            mineRow ? [YZ.t('mine'), marksText(mineRow.marks), ' ', editButton(mineRow)] : YZ.t('not_in_my_copy'));
        }))));
    } else if (copy && copy.finished && other && !other.finished) {
      parts.push(h('p', { class: 'notice info' }, YZ.t('waiting_for_other_counter_to')));
    } else if (copy && copy.finished && !other) {
      parts.push(h('p', { class: 'notice info' }, YZ.t('second_counter_must_key_this')));
    }
    YZ.fill(box, parts);
  }

  function agreedTable(b) {
    const valid = b.ballots.filter(function (x) { return !x.void; }).length;
    // A hidden tally: the agreed ballots come without marks; this counter's own copy (equal to them) has them.
    const own = {};
    if (app.snap.paper && app.snap.paper.marks_hidden) {
      const copy = myCopy({ batch: b.batch });
      (copy ? copy.ballots : []).forEach(function (x) { own[x.number] = x.marks; });
    }
    const marksOf = function (x) { return own[x.number] || x.marks; };
    return [h('p', null, YZ.t('valid_void', { valid: valid, v: b.ballots.length - valid })),
      h('table', { class: 'desk-table', id: 'agreed' },
        h('caption', { class: 'visually-hidden' }, YZ.t('verdict_on_each_ballot')),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, YZ.t('number')), h('th', { scope: 'col' }, YZ.t('marks')), h('th', { scope: 'col' }, YZ.t('verdict')))),
        h('tbody', null, b.ballots.map(function (x) {
          return h('tr', { 'data-number': x.number, class: x.void ? 'void' : null },
            h('td', { class: 'mono' }, x.number), h('td', null, marksText(marksOf(x))),
            h('td', null, x.void ? h('span', { class: 'chip bad' }, YZ.t('void_chip_prefix') + D.voidText(x.void, marksOf(x), maxChoices())) : h('span', { class: 'chip ok' }, YZ.t('valid'))));
        })))];
  }

  function editButton(row) {
    return h('button', { type: 'button', class: 'small', 'data-edit': row.number, onclick: function () { edit(row.number, row.marks); } },
      YZ.t('edit'), h('span', { class: 'visually-hidden' }, ' ' + row.number));
  }

  function drawCopy(n, b, copy, pend, done) {
    const rows = {}, order = [];
    const put = function (number, marks, state) {
      if (!rows[number]) order.push(number);
      rows[number] = { number: number, marks: marks, state: state };
    };
    (copy ? copy.ballots : []).forEach(function (x) { put(x.number, x.marks, 'keyed'); });
    // Answered, its copy on the way: keyed, under the number the hub keeps.
    done.forEach(function (c) { put(D.normalizeNumber(c.number), c.marks, 'keyed'); });
    pend.forEach(function (p) {
      const c = p.command, num = D.normalizeNumber(c.number);
      if (c.kind === 'key_paper') put(num, c.marks, 'unsent');
      else if (c.kind === 'remove_paper' && rows[num]) rows[num].state = 'removing';
    });
    const differs = {};
    (b && b.status === 'disputed' ? b.differences : []).forEach(function (d) { differs[d.at] = d.reason; });
    order.sort(D.natural);
    const agreed = b && b.status === 'agreed';
    YZ.fill($('#copy-h'), YZ.t('my_copy') + YZ.t('copy_ballots', { n: order.length }),
      copy && copy.finished ? h('span', { class: 'chip ok' }, YZ.t('copy_finished')) : null);
    if (!order.length) { YZ.fill($('#copy'), h('p', { class: 'muted' }, YZ.t('nothing_keyed_yet'))); return; }
    const max = maxChoices(), props = proposals();
    YZ.fill($('#copy'), h('table', { class: 'desk-table', id: 'copy-table' },
      h('caption', { class: 'visually-hidden' }, YZ.t('ballots_i_keyed')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, YZ.t('number')), h('th', { scope: 'col' }, YZ.t('marks')),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, YZ.t('actions'))))),
      h('tbody', null, order.map(function (num) {
        const r = rows[num], v = D.verdict(r.marks, max, props);
        const cls = [r.state, differs[num] ? 'differs' : '', num === D.normalizeNumber(app.last) ? 'last' : ''].filter(Boolean).join(' ');
        const notes = [
          r.state === 'unsent' ? h('span', { class: 'chip warn' }, YZ.t('unsent')) : null,
          r.state === 'removing' ? h('span', { class: 'chip warn' }, YZ.t('removal_unsent')) : null,
          differs[num] ? h('span', { class: 'chip bad' }, YZ.t('re_check') + D.diffText(differs[num])) : null,
          v ? h('span', { class: 'chip bad', title: D.voidText(v, r.marks, max) }, YZ.t('will_be_void') + D.voidWord(v)) : null
        ].filter(Boolean);
        return h('tr', { 'data-number': num, 'data-state': r.state, class: cls },
          h('td', { class: 'mono' }, num),
          h('td', null, marksText(r.marks), notes.length ? h('div', { class: 'row-notes' }, notes) : null),
          h('td', { class: 'actions' }, agreed || !voting() ? null : [editButton(r), ' ',
            h('button', { type: 'button', class: 'small danger', 'data-remove': num, disabled: r.state !== 'keyed' ? true : null, onclick: function () { remove(n, num); } },
              YZ.t('remove'), h('span', { class: 'visually-hidden' }, ' ' + num))]));
      }))));
  }

  // ------------------------------------------------------------ keying

  function edit(number, marks) {
    $('#k-number').value = number;
    $('#k-marks').value = marks.join(' ');
    preview();
    const m = $('#k-marks');
    m.focus();
    m.select();
  }

  function remove(batch, number) {
    send({ kind: 'remove_paper', batch: batch, number: number }).then(function (m) {
      if (m.type === 'error') say('error', YZ.t('could_not_remove', { number: number }) + D.errorText(m));
      else say('ok', YZ.t('removed', { number: number }));
    });
  }

  function preview() {
    const box = $('#k-preview');
    if (!app.snap || app.batch === null) { YZ.fill(box); return; }
    const number = $('#k-number').value.trim(), p = D.parseMarks($('#k-marks').value, proposals()), max = maxChoices();
    const copy = myCopy({ batch: app.batch });
    const had = copy && number ? copy.ballots.filter(function (x) { return x.number === D.normalizeNumber(number); })[0] : null;
    const parts = [];
    if (had) parts.push(h('p', { class: 'fix' }, YZ.t('corrects_was', { number: had.number }), marksText(had.marks), YZ.t('close_paren')));
    if (p.blank) parts.push(h('p', null, h('span', { class: 'chip warn' }, YZ.t('blank_ballot')), ' ', YZ.t('recorded_void_blank')));
    else if (!p.empty) {
      parts.push(h('ul', { class: 'k-items' }, p.items.map(function (it) {
        if (it.choices) return h('li', { class: 'ambiguous' }, h('b', { class: 'mono' }, it.typed), YZ.t('could_be') + it.choices.join(YZ.t('list_sep')) + YZ.t('type_it_in_full'));
        if (it.unknown) return h('li', { class: 'unknown' }, h('b', { class: 'mono' }, it.typed), YZ.t('is_no_proposal_keyed_as'));
        return h('li', null, h('b', { class: 'mono' }, it.id), ' ', it.title);
      })));
      const v = D.verdict(p.marks, max, proposals());
      parts.push(h('p', { class: 'k-count' + (p.marks.length > max ? ' over' : '') }, YZ.t('of_at_most', { length: p.marks.length, max: max }),
        v && v !== 'unknown_proposal' ? [' · ', h('strong', null, YZ.t('will_be_void_prefix') + D.voidText(v, p.marks, max))] : null));
    }
    YZ.fill(box, parts);
  }

  function keyError(text) {
    app.keyError = text;
    const err = $('#k-error');
    err.hidden = !text;
    err.textContent = text || '';
  }

  function submitKey(e) {
    e.preventDefault();
    if (app.batch === null || !voting()) return;
    const number = $('#k-number').value.trim();
    const p = D.parseMarks($('#k-marks').value, proposals());
    if (!number) { keyError(YZ.t('type_number_printed_on_ballot')); $('#k-number').focus(); return; }
    if (number.length > 20) { keyError(YZ.t('number_too_long')); $('#k-number').focus(); return; }
    if (p.empty) { keyError(YZ.t('type_proposals_marked_for_blank')); $('#k-marks').focus(); return; }
    if (p.ambiguous) { keyError(YZ.t('number_matches_several_proposals_type')); $('#k-marks').focus(); return; }
    if (p.marks.length > 100) { keyError(YZ.t('at_most_100_marks_per')); return; }
    keyError(null);
    const batch = app.batch;
    app.last = number;
    send({ kind: 'key_paper', batch: batch, number: number, marks: p.marks }).then(function (m) {
      if (m.type === 'error') {
        const text = YZ.t('ballot_was_not_keyed', { number: number }) + D.errorText(m);
        keyError(text);
        say('error', text);
      }
    });
    $('#k-marks').value = '';
    const num = $('#k-number');
    num.value = D.nextNumber(number);
    num.focus();
    num.select();
    preview();
  }

  function finish() {
    const n = app.batch, b = D.batch(app.snap, n);
    // A batch another counter started, where nothing is keyed here: an empty copy can be finished.
    const copy = myCopy({ batch: n }) || (b ? { ballots: [], finished: false } : null);
    if (!copy) return;
    YZ.confirm({
      title: YZ.t('finish_batch_confirm', { batchName: D.batchName(n) }),
      body: h('p', null, YZ.t('you_keyed_ballots_in_this', { length: copy.ballots.length })),
      confirm: YZ.t('finish')
    }).then(function (yes) {
      if (!yes) return;
      send({ kind: 'finish_paper', batch: n }).then(function (m) {
        if (m.type === 'error') { say('error', D.errorText(m)); return; }
        const b = D.batch(app.snap, n);
        if (b && b.status === 'agreed') say('ok', YZ.t('copies_agree_counts', { batchName: D.batchName(n) }));
        else if (b && b.status === 'disputed') say('error', YZ.t('copies_differ_re_check_numbers'));
        else say('ok', YZ.t('finished_waiting_for_other_counter'));
      });
    });
  }

  function wireKeying() {
    $('#batch-form').addEventListener('submit', function (e) {
      e.preventDefault();
      const n = parseInt($('#batch-no').value, 10);
      if (!(n >= 1 && n <= 9999)) { say('error', YZ.t('batch_number_is_1_to')); return; }
      $('#k-number').value = '';
      choose(n);
    });
    $('#key-form').addEventListener('submit', submitKey);
    $('#k-number').addEventListener('keydown', function (e) {
      if (e.key === 'Enter') {
        e.preventDefault();
        if ($('#k-number').value.trim()) { const m = $('#k-marks'); m.focus(); m.select(); }
      } else if (e.key === 'Escape') { $('#k-number').value = ''; $('#k-marks').value = ''; preview(); }
    });
    $('#k-marks').addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { $('#k-marks').value = ''; preview(); }
    });
    $('#k-number').addEventListener('input', preview);
    $('#k-marks').addEventListener('input', preview);
    $('#finish').addEventListener('click', finish);
  }

  // ------------------------------------------------------------ sticker boards

  function renderBoards() {
    const s = app.snap, body = $('#boards-body');
    if (s.rules.allocation === 'equal_shares') {
      drawIf(body, 'equal', function () {
        YZ.fill(body, h('p', { class: 'notice info', id: 'boards-off' }, YZ.t('this_meeting_uses_equal_shares')));
      });
      return;
    }
    const boards = s.paper ? s.paper.boards : [];
    drawIf(body, 'boards|' + app.board + '|' + voting(), function () {
      YZ.fill(body,
        h('p', { class: 'muted' }, YZ.t('two_counters_each_count_board')),
        h('form', { class: 'inline-form card', id: 'board-pick', onsubmit: function (e) {
          e.preventDefault();
          const n = parseInt($('#board-no').value, 10);
          if (!(n >= 1 && n <= 9999)) { say('error', YZ.t('board_number_is_1_to')); return; }
          app.board = n; renderBoards();
          const first = document.querySelector('#board-form input');
          if (first) first.focus();
        } },
          h('div', null, h('label', { for: 'board-no' }, YZ.t('board_number')),
            h('input', { id: 'board-no', type: 'number', min: 1, max: 9999, inputmode: 'numeric', required: true, value: app.board || '' })),
          h('button', { type: 'submit' }, YZ.t('open_this_board'))),
        h('ul', { class: 'rows', id: 'board-list' }),
        h('div', { id: 'board-state' }),
        app.board ? boardForm(app.board) : null);
    });
    drawIf($('#board-list'), JSON.stringify(boards) + app.board, function () {
      YZ.fill($('#board-list'), boards.map(function (b) {
        return h('li', { 'data-board': b.board, class: b.board === app.board ? 'mine' : null },
          h('button', { type: 'button', class: 'rowbutton', onclick: function () { app.board = b.board; $('#board-no').value = b.board; renderBoards(); } },
            h('strong', null, D.boardName(b.board)), ' ', h('span', { class: 'chip st-' + b.status }, D.statusText(b.status)), ' ',
            h('span', { class: 'small-text' }, (b.copies.length === 1 ? YZ.t('one_reading') : YZ.t('n_readings', { n: b.copies.length })))));
      }));
    });
    if (app.board) {
      const b = D.board(s, app.board), copy = myCopy({ board: app.board });
      drawIf($('#board-state'), JSON.stringify([b, copy]), function () { drawBoardState(b, copy); });
      const agreed = b && b.status === 'agreed';
      const inputs = document.querySelectorAll('#board-form input, #board-form button');
      for (let i = 0; i < inputs.length; i++) inputs[i].disabled = agreed || !voting();
      const diff = {};
      (b && b.status === 'disputed' ? b.differences : []).forEach(function (d) { diff[d.at] = true; });
      const rows = document.querySelectorAll('#board-form tr[data-id]');
      for (let j = 0; j < rows.length; j++) rows[j].classList.toggle('differs', !!diff[rows[j].getAttribute('data-id')]);
    }
  }

  function drawBoardState(b, copy) {
    const parts = [];
    if (!b) parts.push(h('p', { class: 'notice info' }, YZ.t('new_board_it_starts_with')));
    else if (b.status === 'agreed') {
      // A hidden tally: the agreed counts come empty; this counter's own reading is equal to them.
      const n = app.snap.paper && app.snap.paper.marks_hidden && copy ? sum(copy.counts) : sum(b.counts);
      parts.push(h('p', { class: 'notice ok', id: 'board-agreed' }, YZ.t('readings_agree_and_count_stickers', { n: n })));
    } else if (b.status === 'disputed') {
      parts.push(h('div', { class: 'notice error', id: 'board-disputed' }, h('p', null, h('strong', null, YZ.t('readings_differ')),
        YZ.t('re_count_proposals_marked_correct')),
        h('p', null, b.differences.map(function (d) { return d.at; }).join(YZ.t('list_sep')))));
    } else {
      parts.push(h('p', { class: 'notice info' }, copy ? YZ.t('my_reading_is_in_waiting')
        : YZ.t('reading_s_so_far_count', { length: b.copies.length })));
    }
    if (copy) parts.push(h('p', null, YZ.t('my_reading_stickers', { sum: sum(copy.counts) })));
    YZ.fill($('#board-state'), parts);
  }

  function sum(counts) { return Object.keys(counts || {}).reduce(function (a, k) { return a + counts[k]; }, 0); }

  function boardForm(n) {
    const copy = myCopy({ board: n }), have = copy ? copy.counts : {};
    const total = h('span', { id: 'board-total' }, String(sum(have)));
    function recount() {
      let t = 0, ins = document.querySelectorAll('#board-form input[data-id]');
      for (let i = 0; i < ins.length; i++) t += parseInt(ins[i].value, 10) || 0;
      total.textContent = String(t);
    }
    return h('form', { id: 'board-form', class: 'card', autocomplete: 'off', novalidate: true, onsubmit: function (e) { e.preventDefault(); submitBoard(n); } },
      h('h3', null, D.boardName(n), YZ.t('stickers_per_proposal')),
      h('table', { class: 'desk-table board-table' },
        h('caption', { class: 'visually-hidden' }, YZ.t('stickers_per_proposal_caption')),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, YZ.t('proposal')), h('th', { scope: 'col' }, YZ.t('stickers_column')))),
        h('tbody', null, app.snap.proposals.map(function (p) {
          const id = 'stk-' + p.id.replace(/[^A-Za-z0-9_-]/g, '_');
          return h('tr', { 'data-id': p.id },
            h('th', { scope: 'row' }, h('label', { for: id }, h('span', { class: 'mono' }, p.id), ' ', p.title)),
            h('td', null, h('input', { id: id, 'data-id': p.id, type: 'number', min: 0, max: 100000, inputmode: 'numeric', value: have[p.id] ? String(have[p.id]) : '', placeholder: '0', oninput: recount })));
        }))),
      h('p', null, YZ.t('stickers_total_prefix'), total, YZ.t('stickers_total_suffix')),
      h('button', { type: 'submit', class: 'primary', id: 'board-submit' }, YZ.t('submit_whole_board')));
  }

  function submitBoard(n) {
    let ins = document.querySelectorAll('#board-form input[data-id]'), counts = {}, bad = null;
    for (let i = 0; i < ins.length; i++) {
      const v = ins[i].value.trim();
      if (v === '') continue;
      const k = Number(v);
      if (!(k >= 0 && k <= 100000 && Math.floor(k) === k)) { bad = ins[i]; break; }
      if (k > 0) counts[ins[i].getAttribute('data-id')] = k;
    }
    if (bad) { say('error', YZ.t('sticker_counts_are_whole_numbers') + bad.getAttribute('data-id')); bad.focus(); return; }
    send({ kind: 'key_board', board: n, counts: counts }).then(function (m) {
      if (m.type === 'error') { say('error', D.errorText(m)); return; }
      const b = D.board(app.snap, n);
      if (b && b.status === 'agreed') say('ok', YZ.t('readings_agree_board_counts'));
      else if (b && b.status === 'disputed') say('error', YZ.t('it_differs_from_other_reading'));
      else say('ok', YZ.t('reading_submitted_waiting_for_second'));
    });
  }

  // ------------------------------------------------------------ connection (staff.js)

  const shell = YZ.staff({
    page: PAGE, roles: ['counter'], client: 'count-page/1', persist: 'count', claim: true, title: 'count_page_title',
    who: function (you, s) { return s ? YZ.t('counter_who', { label: you.label, v: myDesk() || '' }) : null; },
    reset: function () { app.you = null; app.snap = null; },
    render: function () { renderAll(); },
    header: function () { renderHeader(); },
    welcome: function (you) { app.you = you; },
    change: function (snap, u) {
      const first = !app.snap;
      app.snap = snap;
      if (first) {
        const saved = parseInt(YZ.tabStorage.get('yz.count.batch') || '', 10);
        renderAll();
        if (saved >= 1) choose(saved);
        return;
      }
      renderHeader();
      if (!u || u.phase) renderTabs();
      renderView();
      if (u && (u.paper_copy || u.copy_change)) preview();
    },
    answer: function (m, id) {
      answered(m, id);
      renderHeader();
      renderView();
      // Answers to entries re-sent after a reload have no waiting promise: show their errors here.
      if (!mine[id] && m.type === 'error') say('error', D.errorText(m));
    }
  });

  function init() {
    YZ.initLang();
    YZ.langToggle();
    YZ.onLang(function () { renderAll(); preview(); });
    const btns = document.querySelectorAll('#tabs [data-tab]');
    for (let i = 0; i < btns.length; i++) {
      btns[i].addEventListener('click', function (e) {
        app.tab = e.currentTarget.getAttribute('data-tab');
        YZ.tabStorage.set('yz.count.tab', app.tab);
        renderAll();
      });
    }
    const t = YZ.tabStorage.get('yz.count.tab');
    if (t === 'boards' || t === 'batches') app.tab = t;
    wireKeying();
    shell.begin();
  }

  // Exposed for the browser tests and for debugging from the console.
  window.YZCount = { app: app, parse: function (t) { return D.parseMarks(t, proposals()); } };
  init();
})();
