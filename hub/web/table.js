/* table.js — the table page (/table): what a table's chair, recorder or
 * adviser does on a phone, the same functions as the terminal table-client.
 *
 *   chair     speaking queue (add by seat number or name, kind of turn, start
 *             next, a per-turn timebox green → amber → red, talk-time
 *             balance), the table's picks (mark exactly picks_per_table,
 *             review, submit, lock), notes, proposals, other tables
 *   recorder  notes tied to a proposal or "general" (tags, edit, withdraw)
 *   adviser   annotations: feasibility, exclusion rule with a reason, cost
 *             estimate, remark; the all-tables adviser sees every table
 *
 * State (`app`) is plain data changed by events (hub messages, taps); the
 * render* functions draw parts of the page from it. The hub decides what is
 * allowed: its errors are shown as they come. Unanswered commands survive a
 * reload (YZ.Session persist, kept per card) and are re-sent with the same id.
 * Sign-in, the session and the header's common part are the staff shell's
 * (staff.js).
 */
(function () {
  'use strict';
  const h = YZ.h, tr = YZ.tr, $ = YZ.$;

  const TURNS = { for: 'for', against: 'against', question: 'question', point_of_order: 'point_of_order' };
  const TAGS = { support: 'support', concern: 'concern', objection: 'objection', new_idea: 'new_idea', question: 'note_tag_question' };
  // An adviser's "excluded" is a recommendation: only the organiser excludes (before the vote).
  const ROLE_NAMES = { chair: 'role_chair', recorder: 'role_recorder', adviser: 'role_adviser' };
  const TABS = {
    queue: 'queue', picks: 'picks_tab', proposals: 'proposals',
    notes: 'notes_tab', annotate: 'advice', tables: 'tables_tab'
  };
  const TABS_FOR = {
    chair: ['queue', 'picks', 'proposals', 'notes', 'tables'],
    recorder: ['notes', 'proposals', 'tables'],
    adviser: ['annotate', 'tables']
  };
  const SEATS = 12;
  const name2 = function (k) { return YZ.t(k); };

  const app = {
    you: null,
    snap: null,
    tab: null,
    picks: null,        // the chair's marks, or null: follow the hub's picks
    reviewing: false,
    editing: null,      // note id being edited
    noteFilter: 'all',
    annotating: null,   // proposal id whose annotation form is open
    advTable: 'all',
    advQuery: '',
    turnSec: 60
  };

  // ------------------------------------------------------------ derived data

  function myTable() { return app.you && app.you.table; }
  function summary(t) {
    const list = (app.snap && app.snap.tables) || [];
    for (let i = 0; i < list.length; i++) if (list[i].table === t) return list[i];
    return null;
  }
  function detail(t) {
    const list = (app.snap && app.snap.table_details) || [];
    for (let i = 0; i < list.length; i++) if (list[i].table === t) return list[i];
    return null;
  }
  function proposals() { return YZ.proposalMap(app.snap); }
  function annotations() { return YZ.annotationMap(app.snap); }
  function share() { const s = summary(myTable()); return s ? s.share : []; }
  function picksNeeded() { return app.snap ? app.snap.rules.picks_per_table : 3; }
  function tableName(t) { const s = summary(t); return s ? s.name : YZ.t('table', { n: t }); }
  /** "5" is seat 5: shown as 5号 / Seat 5; a name is shown as written. */
  function speaker(name) { return /^\d+$/.test(name) ? YZ.t('seat', { name: name }) : name; }
  function hhmm(ms) {
    const d = new Date(ms), m = d.getMinutes();
    return d.getHours() + ':' + (m < 10 ? '0' : '') + m;
  }

  /** green, then amber near the end (last quarter, at most 15 s), red past the turn length. */
  function timebox(elapsedMs, turnMs) {
    if (elapsedMs > turnMs) return 'red';
    if (elapsedMs >= turnMs - Math.min(15000, turnMs / 4)) return 'amber';
    return 'green';
  }

  /** Talk time per speaker, the current turn included; queued names that have not spoken count as 0. */
  function balance(d, now) {
    const rows = [], by = {};
    function row(name) {
      if (!by[name]) { by[name] = { name: name, turns: 0, ms: 0, speaking: false, waiting: false, order: rows.length }; rows.push(by[name]); }
      return by[name];
    }
    (d.balance || []).forEach(function (b) { const r = row(b.name); r.turns = b.turns; r.ms = b.total_ms; });
    (d.queue || []).forEach(function (e) {
      if (e.state === 'speaking' && e.started_at_ms) { const r = row(e.name); r.ms += Math.max(0, now - e.started_at_ms); r.speaking = true; }
      if (e.state === 'waiting') row(e.name).waiting = true;
    });
    rows.sort(function (a, b) { return a.ms - b.ms || a.order - b.order; });
    return rows;
  }

  // ------------------------------------------------------------ messages

  function say(kind, text) { YZ.say(kind, text); }

  const mine = {};
  /** Send a command; an error from the hub is shown as it comes. Resolves with the answer. */
  function send(command, okText) {
    const session = shell.session, id = session.newId();
    mine[id] = true;
    const p = session.command(command, id);
    renderHeader();
    if (session.state !== 'online') say('info', YZ.t('offline_kept_on_this_phone'));
    return p.then(function (m) {
      delete mine[id];
      renderHeader();
      if (m.type === 'error') say('error', YZ.errorText(m));
      else if (okText) say('ok', okText);
      return m;
    });
  }

  /**
   * Re-render `el` with `draw` only when `key` (what it shows) changed, so
   * that an update about another table does not replace the button under a
   * finger; put the focus back on the same control.
   */
  function keepFocus(el, draw, key) {
    if (key !== undefined) {
      key = YZ.lang() + '|' + key;
      if (el.__yzKey === key) return;
      el.__yzKey = key;
    }
    const a = document.activeElement, k = a && el.contains(a) ? a.getAttribute('data-k') : null;
    draw();
    if (k) { const again = el.querySelector('[data-k="' + k + '"]'); if (again) again.focus(); }
  }

  // ------------------------------------------------------------ header, tabs

  /** "桌长 · 第2桌": the card's role and its table (or all tables). */
  function whoText(you) {
    const role = ROLE_NAMES[you.role] ? name2(ROLE_NAMES[you.role]) : you.role;
    return role + ' · ' + (you.all_tables ? YZ.t('every_table') : tableName(you.table));
  }

  function renderHeader() {
    shell.header(app.snap);
    renderClock();
    renderSignal();
  }

  /**
   * The chair's word to the organiser (signal_table): the table is ready, or
   * needs more time. It decides nothing; the console shows it beside the
   * table, until the phase changes.
   */
  function renderSignal() {
    const box = $('#signal-box'), s = app.snap, you = app.you;
    const on = !!(s && you && you.role === 'chair' && you.table && ['check_in', 'discussion', 'picks'].indexOf(s.phase) >= 0);
    box.hidden = !on;
    if (!on) return;
    const t = summary(you.table), now = t ? t.signal || null : null;
    YZ.drawIf(box, [s.phase, now].join('|'), function () {
      const button = function (sig, key) {
        return h('button', { type: 'button', 'data-signal': sig, 'aria-pressed': String(now === sig), class: now === sig ? 'primary' : null,
          onclick: function () {
            const next = now === sig ? null : sig;
            send({ kind: 'signal_table', table: you.table, signal: next },
              next === 'ready' ? YZ.t('organiser_sees_this_table_is')
                : next === 'more_time' ? YZ.t('organiser_sees_this_table_needs')
                  : YZ.t('taken_back'));
          } }, YZ.t(key));
      };
      YZ.fill(box,
        h('p', { class: 'small-text' }, h('strong', null, YZ.t('tell_organiser')),
          now === 'ready' ? YZ.t('this_table_is_ready_tap')
            : now === 'more_time' ? YZ.t('this_table_needs_more_time')
              : YZ.t('tap_ready_when_table_is')),
        h('div', { class: 'row-buttons' },
          button('ready', 'table_ready'),
          button('more_time', 'need_more_time')));
    });
  }

  function renderClock() {
    const t = app.snap && app.snap.timer;
    YZ.showClock($('#clock'), t, t ? shell.session.now() : 0);
  }

  function tabsFor() {
    if (!app.you) return [];
    return TABS_FOR[app.you.role] || [];
  }

  function renderTabs() {
    const tabs = tabsFor(), nav = $('#tabs');
    nav.hidden = tabs.length === 0;
    if (tabs.indexOf(app.tab) < 0) app.tab = tabs[0] || null;
    YZ.fill(nav, tabs.map(function (t) {
      return h('button', { type: 'button', 'data-tab': t, 'aria-pressed': String(app.tab === t), onclick: function () { show(t); } }, name2(TABS[t]));
    }));
    Object.keys(TABS).forEach(function (t) { $('#view-' + t).hidden = app.tab !== t; });
  }

  function show(t) {
    app.tab = t;
    YZ.tabStorage.set('yz.table.tab', t);
    renderTabs();
    renderView();
    window.scrollTo(0, 0);
  }

  function renderView() {
    if (!app.snap || !app.you) return;
    switch (app.tab) {
      case 'queue': renderQueue(); break;
      case 'picks': renderPicks(); break;
      case 'proposals': renderProposals(); break;
      case 'notes': renderNotes(); break;
      case 'annotate': renderAnnotate(); break;
      case 'tables': renderTables(); break;
    }
  }

  // ------------------------------------------------------------ queue (chair)

  function renderQueue() {
    const d = detail(myTable());
    // The table screen opens with this card (read-only there).
    if (shell.token) $('#screen-link').href = '/table-screen#token=' + encodeURIComponent(shell.token);
    const waiting = d ? d.queue.filter(function (e) { return e.state === 'waiting'; }) : [];
    keepFocus($('#waiting'), function () {
      YZ.fill($('#waiting'), waiting.length ? waiting.map(function (e, i) {
        return h('li', { 'data-entry': e.entry },
          h('span', { class: 'grow' }, h('strong', null, (i + 1) + '. ' + speaker(e.name)), ' ',
            h('span', { class: 'chip turn-' + e.turn }, (TURNS[e.turn] ? name2(TURNS[e.turn]) : e.turn))),
          h('button', { type: 'button', class: 'small', 'data-k': 'start-' + e.entry,
            'aria-label': YZ.t('start_speaker_label', { speaker: speaker(e.name) }),
            onclick: function () { send({ kind: 'start_speaker', table: myTable(), entry: e.entry }); } }, YZ.t('start')),
          h('button', { type: 'button', class: 'small danger', 'data-k': 'remove-' + e.entry,
            'aria-label': YZ.t('remove_speaker_label', { speaker: speaker(e.name) }),
            onclick: function () { send({ kind: 'remove_speaker', table: myTable(), entry: e.entry }); } }, YZ.t('remove_speaker')));
      }) : h('li', { class: 'muted' }, YZ.t('nobody_is_waiting_to_speak')));
    }, JSON.stringify(waiting));
    const seats = $('#seats');
    if (!seats.firstChild || seats.getAttribute('data-lang') !== YZ.lang()) {
      seats.setAttribute('data-lang', YZ.lang());
      const list = [];
      for (let i = 1; i <= SEATS; i++) {
        (function (n) {
          list.push(h('button', { type: 'button', class: 'seat', 'aria-label': speaker(String(n)),
            'data-seat': String(n), onclick: function () { queueSeat(String(n)); } }, String(n)));
        })(i);
      }
      YZ.fill(seats, list);
    }
    renderSpeaking();
  }

  /** The current turn and the balance: redrawn every half second (no controls in them). */
  function renderSpeaking() {
    const d = detail(myTable()), box = $('#speaking');
    if (!d) { YZ.fill(box); return; }
    let now = shell.session.now(), cur = null;
    d.queue.forEach(function (e) { if (e.state === 'speaking') cur = e; });
    if (cur) {
      const turnMs = app.turnSec * 1000, el = Math.max(0, now - (cur.started_at_ms || now)), state = timebox(el, turnMs);
      const words = { green: YZ.t('speaking_green'), amber: YZ.t('nearly_time'), red: YZ.t('over_time') };
      box.className = 'speaking timebox timebox-' + state;
      box.setAttribute('data-timebox', state);
      YZ.fill(box,
        h('div', { class: 'who-speaks' }, speaker(cur.name), ' ', h('span', { class: 'chip' }, (TURNS[cur.turn] ? name2(TURNS[cur.turn]) : cur.turn))),
        h('div', { class: 'time mono' }, YZ.clock(el), h('span', { class: 'of' }, ' / ' + YZ.clock(turnMs))),
        h('div', { class: 'state' }, state === 'red' && el - turnMs >= 1000 ? YZ.clock(turnMs - el) : words[state]));
    } else {
      box.className = 'speaking';
      box.removeAttribute('data-timebox');
      YZ.fill(box, h('div', { class: 'muted' }, YZ.t('nobody_is_speaking_now')));
    }
    const rows = balance(d, now);
    const most = rows.reduce(function (m, r) { return Math.max(m, r.ms); }, 0) || 1;
    const silent = rows.filter(function (r) { return r.turns === 0 && !r.speaking; }).length;
    YZ.fill($('#balance'), rows.length ? [
      silent ? h('p', { class: 'notice info' }, YZ.t('not_yet_spoken', { silent: silent })) : null,
      h('table', { class: 'balance', 'aria-labelledby': 'balance-h' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, YZ.t('speaker')), h('th', { scope: 'col' }, YZ.t('turns')),
          h('th', { scope: 'col' }, YZ.t('talk_total_column')))),
        h('tbody', null, rows.map(function (r) {
          return h('tr', { class: r.speaking ? 'now' : (r.turns === 0 ? 'silent' : null) },
            h('th', { scope: 'row' }, speaker(r.name), r.speaking ? h('span', { class: 'chip' }, YZ.t('speaking_now_chip')) : null,
              r.turns === 0 && !r.speaking ? h('span', { class: 'chip' }, YZ.t('not_yet')) : null),
            h('td', null, String(r.turns)),
            h('td', null, h('span', { class: 'mono' }, YZ.clock(r.ms)),
              h('span', { class: 'bar-track', 'aria-hidden': 'true' }, h('span', { class: 'bar-fill', style: 'width:' + Math.round(100 * r.ms / most) + '%' }))));
        })))
    ] : h('p', { class: 'muted' }, YZ.t('nobody_has_spoken_yet')));
  }

  function chosenTurn() { return ($('#queue-form').querySelector('input[name="turn"]:checked') || {}).value || 'for'; }

  /** One tap on a seat number queues that seat (with the kind of turn chosen below), with an undo in the toast. */
  function queueSeat(name) {
    const table = myTable();
    send({ kind: 'queue_speaker', table: table, name: name, turn: chosenTurn() }).then(function (m) {
      if (m.type !== 'ack') return;
      const entry = m.result && m.result.entry;
      const undo = h('button', { type: 'button', class: 'small', 'data-undo': name, onclick: function () {
        const d = detail(table), e = d ? d.queue.filter(function (x) { return x.entry === entry; })[0] : null;
        if (!e || e.state !== 'waiting') { say('error', YZ.t('is_no_longer_waiting', { speaker: speaker(name) })); return; }
        send({ kind: 'remove_speaker', table: table, entry: entry }, YZ.t('undone', { speaker: speaker(name) }));
      } }, YZ.t('undo'));
      YZ.say('ok', [YZ.t('speaker_queued', { speaker: speaker(name) }), undo], 8000);
    });
  }

  function wireQueue() {
    $('#queue-form').addEventListener('submit', function (e) {
      e.preventDefault();
      const name = $('#q-name').value.trim();
      const turn = chosenTurn();
      if (!name) { say('error', YZ.t('enter_seat_number_or_name')); return; }
      // Cleared at once (the command is kept until answered), given back if the hub refuses it.
      $('#q-name').value = '';
      send({ kind: 'queue_speaker', table: myTable(), name: name, turn: turn },
        YZ.t('is_in_queue', { speaker: speaker(name) })).then(function (m) {
        if (m.type === 'error' && !$('#q-name').value) $('#q-name').value = name;
      });
    });
    $('#q-next').addEventListener('click', function () { send({ kind: 'start_speaker', table: myTable() }); });
    $('#q-stop').addEventListener('click', function () { send({ kind: 'stop_speaker', table: myTable() }); });
    const turn = $('#q-turn');
    turn.addEventListener('change', function () {
      const v = parseInt(turn.value, 10);
      if (!(v >= 1 && v <= 3600)) { turn.value = app.turnSec; say('error', YZ.t('between_1_and_3600_seconds')); return; }
      app.turnSec = v;
      YZ.storage.set('yz.table.turn', String(v));
      renderSpeaking();
    });
  }

  // ------------------------------------------------------------ picks (chair)

  function hubPicks() { const s = summary(myTable()); return s ? s.picks : []; }
  function marked() { return app.picks || hubPicks().slice(); }
  function same(a, b) { return a.length === b.length && a.every(function (x) { return b.indexOf(x) >= 0; }); }

  function flag(id) {
    const x = YZ.exclusionMap(app.snap)[id];
    if (x) return h('span', { class: 'chip feas-excluded confirmed', 'data-excluded': id }, YZ.t('excluded_rule', { rule: x.rule }));
    const a = annotations()[id];
    if (!a) return null;
    let t = YZ.feasibilityName(a.feasibility);
    if (a.exclusion_rule) t += ' · ' + YZ.t('exclusion_rule_number', { exclusion_rule: a.exclusion_rule });
    return h('span', { class: 'chip feas-' + a.feasibility }, t);
  }

  function renderPicks() {
    const s = summary(myTable());
    if (!s) return;
    const need = picksNeeded(), mark = marked(), P = proposals(), hub = s.picks;
    const st = $('#picks-state');
    if (s.picks_locked) st.textContent = YZ.t('picks_are_locked_and_cannot');
    else if (hub.length) st.textContent = YZ.t('submitted_not_locked') + hub.join(YZ.t('list_sep'));
    else st.textContent = YZ.t('not_submitted_yet_mark_proposals', { need: need });
    st.className = 'notice ' + (s.picks_locked ? 'ok' : 'info');
    $('#picks-count').textContent = YZ.t('marked', { length: mark.length, need: need });
    const body = $('#picks-body');
    if (s.picks_locked) {
      keepFocus(body, function () {
        YZ.fill(body, h('ol', { class: 'rows' }, hub.map(function (id) {
          return h('li', null, h('strong', null, id), ' ', P[id] ? P[id].title : '');
        })));
      }, 'locked' + hub.join());
      return;
    }
    if (app.reviewing) {
      keepFocus(body, function () {
        YZ.fill(body,
          h('h3', null, YZ.t('check_picks')),
          h('ol', { class: 'rows review' }, mark.map(function (id) {
            const p = P[id] || { title: id, cost: 0, location: '' };
            return h('li', null, h('span', { class: 'grow' }, h('strong', null, id + ' ' + p.title),
              h('br'), h('span', { class: 'muted' }, [p.location, YZ.money(p.cost, app.snap.rules.budget.currency)].filter(Boolean).join(' · '))));
          })),
          h('div', { class: 'row-buttons' },
            h('button', { type: 'button', class: 'primary', 'data-k': 'submit', onclick: submitPicks }, YZ.t('submit_picks')),
            h('button', { type: 'button', 'data-k': 'back', onclick: function () { app.reviewing = false; renderPicks(); } }, YZ.t('change'))));
      }, 'review' + JSON.stringify([mark, P[mark[0]] && P[mark[0]].title]));
      return;
    }
    keepFocus(body, function () {
      const list = h('ul', { class: 'rows picks', 'aria-label': YZ.t('table_proposals') }, s.share.map(function (id) {
        const p = P[id] || { title: id, cost: 0, location: '' }, on = mark.indexOf(id) >= 0;
        return h('li', { class: on ? 'on' : null },
          h('label', { class: 'pick' },
            h('input', { type: 'checkbox', value: id, checked: on, 'data-k': 'pick-' + id, onchange: function (ev) { toggle(id, ev.target); } }),
            h('span', { class: 'grow' }, h('strong', null, id + ' ' + p.title), h('br'),
              h('span', { class: 'muted' }, [p.location, YZ.money(p.cost, app.snap.rules.budget.currency)].filter(Boolean).join(' · ')), ' ', flag(id))));
      }));
      const ready = mark.length === need;
      const buttons = h('div', { class: 'row-buttons' },
        h('button', { type: 'button', class: 'primary', 'data-k': 'review', disabled: !ready,
          onclick: function () { app.reviewing = true; renderPicks(); } }, YZ.t('review_and_submit')),
        hub.length && same(hub, mark) ? h('button', { type: 'button', class: 'danger', 'data-k': 'lock', onclick: lockPicks }, YZ.t('lock_picks')) : null);
      const hint = ready ? null : h('p', { class: 'muted' }, mark.length < need
        ? YZ.t('more_to_mark', { v: need - mark.length })
        : YZ.t('too_many', { v: mark.length - need }));
      YZ.fill(body, buttons, hint, list);
    }, JSON.stringify([s.share, hub, mark, s.share.map(function (id) { const a = annotations()[id]; return a ? a.feasibility + a.exclusion_rule : ''; }), app.snap.exclusions]));
  }

  function toggle(id, box) {
    const mark = marked(), i = mark.indexOf(id), need = picksNeeded();
    if (box.checked && i < 0) {
      if (mark.length >= need) {
        box.checked = false;
        say('error', YZ.t('only_picks_per_table_unmark', { need: need }));
        return;
      }
      mark.push(id);
    } else if (!box.checked && i >= 0) mark.splice(i, 1);
    app.picks = mark;
    renderPicks();
  }

  function submitPicks() {
    const mark = marked().slice();
    send({ kind: 'set_picks', table: myTable(), proposals: mark }, YZ.t('picks_submitted_lock_them_when')).then(function (m) {
      if (m.type === 'ack') { app.picks = null; app.reviewing = false; }
      renderPicks();
    });
  }

  function lockPicks() {
    const P = proposals();
    YZ.confirm({
      title: YZ.t('lock_picks_confirm'),
      body: [h('p', null, YZ.t('once_locked_tables_picks_cannot')),
        h('ol', null, hubPicks().map(function (id) { return h('li', null, id + ' ' + (P[id] ? P[id].title : '')); }))],
      confirm: YZ.t('lock'), danger: true
    }).then(function (yes) {
      if (yes) send({ kind: 'lock_picks', table: myTable() }, YZ.t('picks_locked_notice'));
    });
  }

  // ------------------------------------------------------------ proposals

  function annotationText(a, p) {
    if (!a) return null;
    const cur = app.snap.rules.budget.currency;
    const adopted = (app.snap.adopted_costs || []).filter(function (c) { return c.proposal === a.proposal; })[0];
    const hasEstimate = a.cost_estimate !== null && a.cost_estimate !== undefined;
    return h('div', { class: 'annotation' },
      h('p', null, h('strong', null, YZ.t('adviser')),
        a.feasibility === 'excluded' && a.exclusion_rule ? YZ.recommendText(a.exclusion_rule) : YZ.feasibilityName(a.feasibility)),
      a.reason ? h('p', null, YZ.t('reason_prefix'), a.reason) : null,
      hasEstimate ? h('p', { class: 'estimate' }, YZ.t('advisers_estimate_estimate_only'), YZ.money(a.cost_estimate, cur),
        adopted ? YZ.t('adopted_by_organiser_it_is')
          : p ? YZ.t('count_uses_organiser_may_adopt', { money: YZ.money(p.cost, cur) }) : '') : null,
      a.remark ? h('p', null, YZ.t('remark'), a.remark) : null);
  }

  /**
   * Confirmed exclusions that concern this table: a proposal the table
   * picked (or, for an all-tables adviser, any table picked). Announced in
   * a notice that stays on the page, and once, as it arrives, in the
   * message line.
   */
  let toldExcluded = null;
  function renderExclusions() {
    const s = app.snap, el = $('#exclusion-notice');
    if (!s || !app.you) { el.hidden = true; return; }
    const mine = {};
    (s.tables || []).forEach(function (t) {
      if (app.you.all_tables || t.table === myTable()) t.picks.forEach(function (id) { (mine[id] = mine[id] || []).push(t.table); });
    });
    const P = proposals();
    const hits = (s.exclusions || []).filter(function (x) { return mine[x.proposal]; });
    el.hidden = hits.length === 0;
    YZ.fill(el, hits.length ? [
      h('strong', null, YZ.t('organiser_excluded_proposal_this_table')),
      h('ul', { class: 'plain' }, hits.map(function (x) {
        return h('li', { 'data-excluded': x.proposal }, YZ.exclusionText(x, true), P[x.proposal] ? h('span', { class: 'muted' }, ' · ' + P[x.proposal].title) : null,
          app.you.all_tables ? ' · ' + mine[x.proposal].map(tableName).join(YZ.t('list_sep')) : '');
      })),
      h('p', { class: 'small-text' }, YZ.t('it_can_no_longer_be'))
    ] : []);
    const ids = hits.map(function (x) { return x.proposal; });
    if (toldExcluded !== null) {
      ids.filter(function (id) { return toldExcluded.indexOf(id) < 0; }).forEach(function (id) {
        say('error', YZ.exclusionText(YZ.exclusionMap(s)[id]) + YZ.t('this_tables_pick'));
      });
    }
    toldExcluded = ids;
  }

  /** The one count, the same words and numbers as every other screen, from the opening of the vote. */
  function renderCount() {
    const s = app.snap, el = $('#count-line');
    const show = !!s && YZ.PHASES.indexOf(s.phase) >= YZ.PHASES.indexOf('voting');
    el.hidden = !show;
    if (show) YZ.fill(el, YZ.countLine(s));
  }

  function renderProposals() {
    const P = proposals(), A = annotations(), X = YZ.exclusionMap(app.snap), d = detail(myTable());
    const notes = {};
    (d ? d.notes : []).forEach(function (n) { if (!n.withdrawn && n.proposal) notes[n.proposal] = (notes[n.proposal] || 0) + 1; });
    const box = $('#proposals'), open = {};
    Array.prototype.forEach.call(box.querySelectorAll('details[open]'), function (d) { open[d.getAttribute('data-proposal')] = true; });
    keepFocus(box, function () {
    YZ.fill(box, share().map(function (id) {
      const p = P[id];
      if (!p) return null;
      return h('details', { class: 'proposal', 'data-proposal': id, open: !!open[id] },
        h('summary', null, h('strong', null, id), ' ', p.title, ' ', flag(id)),
        h('dl', { class: 'facts' },
          p.location ? [h('dt', null, YZ.t('location')), h('dd', null, p.location)] : null,
          [h('dt', null, YZ.t('cost')), h('dd', null, YZ.money(p.cost, app.snap.rules.budget.currency),
            YZ.costOf(app.snap, p).remark ? h('span', { class: 'muted' }, ' · ' + YZ.costOf(app.snap, p).remark) : null)],
          p.category ? [h('dt', null, YZ.t('category')), h('dd', null, p.category)] : null,
          p.proposer ? [h('dt', null, YZ.t('proposer')), h('dd', null, p.proposer)] : null,
          [h('dt', null, YZ.t('notes_tab')), h('dd', null, String(notes[id] || 0))]),
        p.description ? h('p', null, p.description) : null,
        X[id] ? h('p', { class: 'notice error' }, YZ.exclusionText(X[id], true)) : null,
        annotationText(A[id], p));
    }));
    }, JSON.stringify([share(), share().map(function (id) { return [A[id] || null, X[id] || null, P[id] ? P[id].cost : 0]; }), notes]));
  }

  // ------------------------------------------------------------ notes (recorder, chair)

  function proposalOptions(sel, withAll) {
    const P = proposals(), keep = sel.value, opts = [];
    if (withAll) opts.push(h('option', { value: 'all' }, YZ.t('all_notes')));
    opts.push(h('option', { value: '' }, YZ.t('general_no_particular_proposal')));
    share().forEach(function (id) { opts.push(h('option', { value: id }, id + ' ' + (P[id] ? P[id].title : ''))); });
    YZ.fill(sel, opts);
    sel.value = keep;
    if (sel.value !== keep) sel.selectedIndex = 0;
  }

  function renderNoteForm() {
    const editing = app.editing;
    $('#note-form-h').textContent = editing ? YZ.t('edit_note', { editing: editing }) : YZ.t('new_note');
    $('#n-save').textContent = editing ? YZ.t('save_changes') : YZ.t('save_note');
    $('#n-cancel').hidden = !editing;
    $('#n-proposal').disabled = !!editing;
  }

  function renderNotes() {
    const sel = $('#n-proposal'), filter = $('#n-filter');
    if (sel.getAttribute('data-for') !== share().join() + YZ.lang()) {
      proposalOptions(sel, false);
      proposalOptions(filter, true);
      filter.value = app.noteFilter;
      sel.setAttribute('data-for', share().join() + YZ.lang());
    }
    renderNoteForm();
    const d = detail(myTable()), P = proposals();
    let notes = d ? d.notes.slice() : [];
    if (app.noteFilter !== 'all') notes = notes.filter(function (n) { return (n.proposal || '') === app.noteFilter; });
    // Grouped per proposal, in the order of the table's share, "general" first.
    const order = [''].concat(share()), groups = {};
    notes.forEach(function (n) { const k = n.proposal || ''; (groups[k] = groups[k] || []).push(n); });
    keepFocus($('#notes'), function () {
      const out = [];
      order.forEach(function (k) {
        const list = groups[k];
        if (!list) return;
        out.push(h('h3', null, k ? k + ' ' + (P[k] ? P[k].title : '') : YZ.t('general'), ' ', h('span', { class: 'muted' }, '(' + list.filter(function (n) { return !n.withdrawn; }).length + ')')));
        out.push(h('ul', { class: 'rows notes' }, list.map(noteItem)));
      });
      YZ.fill($('#notes'), out.length ? out : h('p', { class: 'muted' }, YZ.t('no_notes_yet')));
    }, JSON.stringify([notes, app.noteFilter]));
  }

  function noteItem(n) {
    const who = ROLE_NAMES[n.by] ? name2(ROLE_NAMES[n.by]) : n.by;
    return h('li', { class: n.withdrawn ? 'withdrawn' : null, 'data-note': n.note },
      h('div', { class: 'grow' },
        h('div', null, h('span', { class: 'chip tag-' + n.tag }, (TAGS[n.tag] ? name2(TAGS[n.tag]) : n.tag)), ' ',
          h('span', { class: 'muted' }, '#' + n.note + ' · ' + who + ' · ' + hhmm(n.at_ms) + (n.edited_at_ms ? YZ.t('edited') : '')),
          n.withdrawn ? h('span', { class: 'chip' }, YZ.t('withdrawn')) : null),
        h('p', { class: 'note-text' }, n.text)),
      n.withdrawn ? null : h('div', { class: 'note-actions' },
        h('button', { type: 'button', class: 'small', 'data-k': 'edit-' + n.note, 'aria-label': YZ.t('edit_note_label', { note: n.note }), onclick: function () { editNote(n); } }, YZ.t('edit')),
        h('button', { type: 'button', class: 'small danger', 'data-k': 'withdraw-' + n.note, 'aria-label': YZ.t('withdraw_note', { note: n.note }), onclick: function () { withdrawNote(n); } }, YZ.t('withdraw'))));
  }

  function editNote(n) {
    app.editing = n.note;
    $('#n-proposal').value = n.proposal || '';
    const r = $('#note-form').querySelector('input[name="tag"][value="' + n.tag + '"]');
    if (r) r.checked = true;
    $('#n-text').value = n.text;
    renderNoteForm();
    $('#note-form').scrollIntoView();
    $('#n-text').focus();
  }

  function stopEditing() {
    app.editing = null;
    $('#n-text').value = '';
    renderNoteForm();
  }

  function withdrawNote(n) {
    YZ.confirm({
      title: YZ.t('withdraw_note_confirm', { note: n.note }),
      body: [h('p', { class: 'note-text' }, n.text), h('p', null, YZ.t('it_will_no_longer_count'))],
      confirm: YZ.t('withdraw'), danger: true
    }).then(function (yes) {
      if (!yes) return;
      send({ kind: 'withdraw_note', note: n.note }, YZ.t('note_withdrawn')).then(function (m) {
        if (m.type === 'ack' && app.editing === n.note) stopEditing();
      });
    });
  }

  function wireNotes() {
    $('#note-form').addEventListener('submit', function (e) {
      e.preventDefault();
      const text = $('#n-text').value.trim();
      const tag = ($('#note-form').querySelector('input[name="tag"]:checked') || {}).value || 'support';
      if (!text) { say('error', YZ.t('write_note_first')); return; }
      let editing = app.editing, cmd;
      if (editing) cmd = { kind: 'edit_note', note: editing, tag: tag, text: text };
      else cmd = { kind: 'add_note', table: myTable(), proposal: $('#n-proposal').value || null, tag: tag, text: text };
      // The form is emptied at once, so that a slow or offline link cannot tempt a second tap
      // (the note is kept on this phone until the hub answers); a refusal gives the text back.
      if (editing) stopEditing(); else $('#n-text').value = '';
      send(cmd, editing ? YZ.t('note_changed') : YZ.t('note_saved')).then(function (m) {
        if (m.type !== 'error' || $('#n-text').value) return;
        $('#n-text').value = text;
        if (editing) { app.editing = editing; renderNoteForm(); }
      });
    });
    $('#n-cancel').addEventListener('click', stopEditing);
    $('#n-filter').addEventListener('change', function () { app.noteFilter = $('#n-filter').value; renderNotes(); });
  }

  // ------------------------------------------------------------ annotations (adviser)

  function annotatable() {
    const s = app.snap, you = app.you;
    if (!you.all_tables) return share().map(function (id) { return { id: id, table: you.table }; });
    const out = [], seen = {};
    (s.tables || []).forEach(function (t) {
      if (app.advTable !== 'all' && String(t.table) !== app.advTable) return;
      t.share.forEach(function (id) { if (!seen[id]) { seen[id] = true; out.push({ id: id, table: t.table }); } });
    });
    return out;
  }

  function renderAnnotate() {
    const you = app.you, P = proposals(), A = annotations();
    const wrap = $('#a-table-wrap');
    wrap.hidden = !you.all_tables;
    if (you.all_tables) {
      const sel = $('#a-table');
      if (sel.getAttribute('data-lang') !== YZ.lang() || sel.options.length !== app.snap.tables.length + 1) {
        YZ.fill(sel, [h('option', { value: 'all' }, YZ.t('all_tables'))].concat(app.snap.tables.map(function (t) {
          return h('option', { value: String(t.table) }, t.name);
        })));
        sel.value = app.advTable;
        sel.setAttribute('data-lang', YZ.lang());
      }
    }
    const q = app.advQuery.toLowerCase();
    const items = annotatable().filter(function (x) {
      const p = P[x.id];
      return !q || x.id.toLowerCase().indexOf(q) >= 0 || (p && (p.title + ' ' + p.location).toLowerCase().indexOf(q) >= 0);
    });
    $('#annotate-list').hidden = !!app.annotating;
    $('#annotate-form').hidden = !app.annotating;
    keepFocus($('#a-proposals'), function () {
      YZ.fill($('#a-proposals'), items.length ? items.map(function (x) {
        const p = P[x.id] || { title: x.id }, a = A[x.id];
        return h('li', null,
          h('button', { type: 'button', class: 'rowbutton', 'data-k': 'ann-' + x.id, 'data-proposal': x.id, onclick: function () { openAnnotation(x.id); } },
            h('strong', null, x.id), ' ', p.title,
            you.all_tables ? h('span', { class: 'muted' }, ' · ' + tableName(x.table)) : null, ' ',
            a ? flag(x.id) : h('span', { class: 'chip' }, YZ.t('not_yet_assessed'))));
      }) : h('li', { class: 'muted' }, YZ.t('no_matching_proposals')));
    }, JSON.stringify(items.map(function (x) { return [x.id, A[x.id] || null, YZ.exclusionMap(app.snap)[x.id] || null]; })));
  }

  function ruleOptions() {
    const sel = $('#a-rule'), keep = sel.value;
    YZ.fill(sel, [h('option', { value: '' }, YZ.t('none'))].concat(YZ.EXCLUSION_RULES.map(function (r, i) {
      return h('option', { value: String(i + 1) }, YZ.t('rule', { v: i + 1 }) + tr(r[0], r[1]));
    })));
    sel.value = keep;
  }

  function openAnnotation(id) {
    const P = proposals(), a = annotations()[id], p = P[id] || { title: id, cost: 0 };
    app.annotating = id;
    $('#a-title').textContent = id + ' ' + p.title;
    YZ.fill($('#a-detail'),
      h('p', null, [p.location, YZ.t('cost_as_proposed') + YZ.money(p.cost, app.snap.rules.budget.currency)].filter(Boolean).join(' · ')),
      p.description ? h('p', null, p.description) : null);
    ruleOptions();
    const f = $('#annotate-form');
    const feas = (a && a.feasibility) || 'feasible';
    f.querySelector('input[name="feasibility"][value="' + feas + '"]').checked = true;
    $('#a-rule').value = a && a.exclusion_rule ? String(a.exclusion_rule) : '';
    $('#a-reason').value = a ? a.reason : '';
    $('#a-cost').value = a && a.cost_estimate !== null && a.cost_estimate !== undefined ? String(a.cost_estimate) : '';
    $('#a-cost').placeholder = String(p.cost);
    $('#a-remark').value = a ? a.remark : '';
    syncRule();
    renderAnnotate();
    window.scrollTo(0, 0);
    $('#a-title').setAttribute('tabindex', '-1');
    $('#a-title').focus();
  }

  function closeAnnotation() {
    const id = app.annotating;
    app.annotating = null;
    renderAnnotate();
    const back = id && $('#a-proposals').querySelector('[data-proposal="' + id + '"]');
    if (back) back.focus();
  }

  /** "Feasible" takes no rule (the hub refuses one): the choice is disabled then. */
  function syncRule() {
    const feas = ($('#annotate-form').querySelector('input[name="feasibility"]:checked') || {}).value;
    const rule = $('#a-rule');
    rule.disabled = feas === 'feasible';
    if (feas === 'feasible') rule.value = '';
    // Checked by this page (with a plain message), not by the browser's own bubble.
    rule.setAttribute('aria-required', feas === 'excluded' ? 'true' : 'false');
  }

  function wireAnnotate() {
    const f = $('#annotate-form');
    Array.prototype.forEach.call(f.querySelectorAll('input[name="feasibility"]'), function (r) { r.addEventListener('change', syncRule); });
    $('#a-back').addEventListener('click', closeAnnotation);
    $('#a-search').addEventListener('input', function () { app.advQuery = $('#a-search').value.trim(); renderAnnotate(); });
    $('#a-table').addEventListener('change', function () { app.advTable = $('#a-table').value; renderAnnotate(); });
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      const id = app.annotating;
      const feas = (f.querySelector('input[name="feasibility"]:checked') || {}).value || 'feasible';
      const rule = $('#a-rule').value ? parseInt($('#a-rule').value, 10) : null;
      const costText = $('#a-cost').value.replace(/[\s,\uff0c]/g, '');
      if (costText && !/^\d+$/.test(costText)) { say('error', YZ.t('cost_estimate_is_whole_number')); $('#a-cost').focus(); return; }
      if (feas === 'excluded' && !rule) { say('error', YZ.t('excluding_needs_one_of_exclusion')); $('#a-rule').focus(); return; }
      send({
        kind: 'annotate', proposal: id, feasibility: feas, exclusion_rule: feas === 'feasible' ? null : rule,
        reason: $('#a-reason').value.trim(), cost_estimate: costText ? parseInt(costText, 10) : null, remark: $('#a-remark').value.trim()
      }, feas === 'excluded' ? YZ.t('annotation_saved_excluded', { id: id, recommendText: YZ.recommendText(rule) })
        : YZ.t('annotation_of_saved', { id: id })).then(function (m) {
        if (m.type === 'ack' && app.annotating === id) closeAnnotation();
      });
    });
  }

  // ------------------------------------------------------------ tables

  function renderTables() {
    const s = app.snap, P = proposals(), need = picksNeeded();
    YZ.fill($('#tables'), (s.tables || []).map(function (t) {
      const mineT = t.table === myTable();
      return h('li', { class: mineT ? 'mine' : null, 'data-table': t.table },
        h('div', { class: 'grow' },
          h('strong', null, t.name), mineT ? h('span', { class: 'chip' }, YZ.t('this_table')) : null, ' ',
          h('span', { class: 'chip ' + (t.picks_locked ? 'ok' : (t.picks.length ? 'warn' : '')) },
            t.picks_locked ? YZ.t('picks_locked_count', { length: t.picks.length, need: need })
              : YZ.t('picks_count', { length: t.picks.length, need: need })),
          t.speaking ? h('div', { class: 'muted' }, YZ.t('speaking') + speaker(t.speaking)) : null,
          t.picks.length ? h('ul', { class: 'plain' }, t.picks.map(function (id) { return h('li', null, id + ' ' + (P[id] ? P[id].title : '')); })) : null));
    }));
  }

  // ------------------------------------------------------------ connection

  function renderAll() {
    renderHeader();
    renderTabs();
    renderView();
    renderExclusions();
    renderCount();
  }

  // Unanswered commands are kept on the phone per card ('yz.pending.table.' + the card's code).
  const shell = YZ.staff({
    page: 'table', roles: Object.keys(ROLE_NAMES), client: 'table-page/1', persist: 'table', deskCard: true,
    title: function (you) { return whoText(you) + ' · '; },
    who: function (you, snap) { return snap ? whoText(you) : null; },
    reset: function () { app.you = null; app.snap = null; },
    render: function () { renderAll(); },
    header: function () { renderHeader(); },
    welcome: function (you) { app.you = you; },
    change: function (snap, u) {
      app.snap = snap;
      if (app.picks && same(app.picks, hubPicks())) app.picks = null;
      if (!u) { renderAll(); return; }
      renderHeader();
      if (u.phase || u.tables || u.table || u.speaking || u.table_detail || u.table_change || u.annotation || u.exclusions || u.proposal || u.adopted_costs) renderView();
      if (u.exclusions || u.tables || u.table) renderExclusions();
      if (u.turnout || u.phase) renderCount();
    },
    answer: function (m, id) {
      renderHeader();
      // Answers to commands re-sent after a reload have no waiting promise.
      if (!mine[id] && m.type === 'error') say('error', YZ.errorText(m));
    }
  });

  function init() {
    YZ.initLang();
    YZ.langToggle();
    YZ.onLang(function () { renderAll(); });
    const saved = parseInt(YZ.storage.get('yz.table.turn') || '', 10);
    if (saved >= 1 && saved <= 3600) app.turnSec = saved;
    $('#q-turn').value = app.turnSec;
    app.tab = YZ.tabStorage.get('yz.table.tab');
    wireQueue();
    wireNotes();
    wireAnnotate();
    setInterval(function () {
      if (!app.snap) return;
      renderClock();
      if (app.tab === 'queue') renderSpeaking();
    }, 500);
    shell.begin();
  }

  // Exposed for the browser tests and for debugging from the console.
  window.YZTable = { app: app, timebox: timebox, balance: balance };
  init();
})();
