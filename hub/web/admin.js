/* admin.js — the organiser's console (/admin): open the meeting and lock the
 * rules, move the phases one step at a time, run the clock, choose the
 * pitching table, watch every table's progress and who is connected, close
 * the vote, publish; print voter and table cards; download the exports.
 *
 * Who may vote and what may be struck are entries of the log, decided here:
 * voter cards are issued (with a reason once the vote is open, announced to
 * the room) and cancelled; the counters' and scrutineers' claims are shown
 * and, when needed, released; the advisers' exclusion recommendations are
 * confirmed or lifted and their cost estimates adopted, before the vote
 * only. The organiser never counts: nothing here keys paper or declares a
 * hand count (the hub refuses the organiser's secret at the desk).
 *
 * The meeting is run over /ws (docs/protocol.md) like every client; presence,
 * cards and exports come from the organiser endpoints (hub/src/admin.rs) with
 * the secret in an Authorization header. The secret is kept in this tab's
 * sessionStorage only and never shown after it is entered.
 *
 * Every step that cannot be undone asks first and says what will happen.
 */
(function () {
  'use strict';
  const h = YZ.h, tr = YZ.tr, $ = YZ.$;
  const PAGE = 'admin';
  const TABS = { meeting: 'meeting', tables: 'tables_tab', screening: 'exclusions', desk: 'counting_desk_tab', cards: 'cards_tab', export: 'export' };
  const ROLE_NAMES = {
    organiser: 'presence_organiser', chair: 'chairs', recorder: 'recorders', adviser: 'presence_advisers',
    voter: 'voters', scrutineer: 'scrutineers', counter: 'counters', registrar: 'registrars', projector: 'projectors', screen: 'table_screens', public: 'public_views'
  };
  const CARD_KINDS = {
    voter: 'voting_card', chair: 'role_chair', recorder: 'role_recorder', adviser: 'role_adviser',
    adviser_all: 'adviser_all_tables', scrutineer: 'role_scrutineer', counter: 'role_counter', registrar: 'door_registrar', projector: 'projector', screen: 'table_screen_read_only'
  };
  const PRESENCE_EVERY_MS = 3000, CARDS_PER_PAGE = 6;
  const name2 = function (k) { return YZ.t(k); };

  const app = { you: null, snap: null, tab: 'meeting', presence: null, presenceError: null, sheet: null, autoNext: false, handedOver: null, closeRefused: null };

  // ------------------------------------------------------------ helpers

  function say(kind, text) { shell.say(kind, text); }

  function send(command, okText) {
    const p = shell.session.command(command);
    renderHeader();
    return p.then(function (m) {
      renderHeader();
      if (m.type === 'error') say('error', commandError(command, m));
      else if (okText) say('ok', okText);
      return m;
    });
  }

  /** A refused command in words (the desk's codes and the electorate's: YZ.desk.errorText). */
  function commandError(command, m) {
    if (m.code !== 'wrong_phase') return YZ.desk.errorText(m);
    const now = YZ.phaseName(m.detail || app.snap.phase);
    if (/^(confirm_exclusion|lift_exclusion|set_cost)$/.test(command.kind)) {
      return YZ.t('from_opening_of_vote_nothing', { now: now });
    }
    return YZ.t('not_possible_now', { now: now });
  }

  /** An organiser endpoint: resolves {ok, status, body} (body parsed as JSON when it is). */
  function api(method, path, body) {
    const init = { method: method, headers: { Authorization: 'Bearer ' + secret() }, cache: 'no-store' };
    if (body !== undefined) { init.body = JSON.stringify(body); init.headers['Content-Type'] = 'application/json'; }
    return fetch(path, init).then(function (r) {
      const kind = r.headers.get('content-type') || '';
      return r.text().then(function (text) {
        let b = text;
        // Exports are passed on as text; everything else (and every refusal) is JSON.
        if (kind.indexOf('json') >= 0 && (!r.ok || path.indexOf('/export.') < 0)) {
          try { b = JSON.parse(text); } catch (e) { b = text; }
        }
        return { ok: r.ok, status: r.status, body: b, type: kind };
      });
    }, function () {
      return { ok: false, status: 0, body: { zh: YZ.tIn('zh', 'cannot_reach_hub'), en: YZ.tIn('en', 'cannot_reach_hub') } };
    });
  }
  /** Why the hub would not issue cards, in words. */
  function mintError(r) {
    const code = r.body && r.body.code;
    if (code === 'reason_required') return YZ.t('vote_is_open_cards_added');
    if (code === 'wrong_phase') return YZ.t('vote_has_closed_no_more');
    if (code === 'not_open') return YZ.t('meeting_does_not_exist_yet');
    return apiError(r);
  }
  function apiError(r) {
    const b = r.body && typeof r.body === 'object' ? r.body : null;
    if (b && (b.zh || b.en)) return tr(b.zh, b.en);
    return YZ.t('request_failed', { status: r.status });
  }

  function drawIf(el, key, draw) { YZ.drawIf(el, key, draw); }

  function proposalTitle(id) { const p = YZ.proposalMap(app.snap)[id]; return p ? id + ' ' + p.title : id; }
  function currency() { return app.snap.rules.budget.currency; }

  // ------------------------------------------------------------ header, tabs

  function renderHeader() {
    shell.header(app.snap);
    $('#signout').hidden = !secret();
    renderHalted();
    renderClock();
    renderNext();
  }

  // ------------------------------------------------------------ the next step, always in sight

  /** The table to call next during the pitches: the hub's (the next with picks that has not pitched). */
  function nextPitchTable() {
    const s = app.snap, p = s.pitch;
    if (s.phase !== 'pitches') return null;
    if (p) return p.next || null;
    const first = s.tables.filter(function (t) { return t.picks.length; })[0];
    return first ? first.table : null;
  }
  function tableName(n) { const x = app.snap.tables[n - 1]; return x ? x.name : YZ.t('table', { n: n }); }
  function callTable(n) { return send({ kind: 'set_pitch_table', table: n }, tableName(n) + YZ.t('is_on_stage')); }

  /**
   * The one primary button, in the sticky header so it is in sight on every
   * tab and at any scroll: the next sensible step (during the pitches, the
   * next table that has not pitched; after the publication, the exports).
   */
  function renderNext() {
    const row = $('#next-row'), s = app.snap;
    row.hidden = !s || !app.you || !!app.sheet;
    if (row.hidden) return;
    const to = YZ.nextPhase(s.phase), nt = nextPitchTable();
    drawIf(row, [YZ.lang(), s.phase, nt, to].join('|'), function () {
      let btn;
      if (nt) {
        btn = h('button', { type: 'button', id: 'pitch-next', class: 'primary', 'data-next-step': 'yes', onclick: function () { callTable(nt); } },
          YZ.t('next_table', { tablename: tableName(nt), nt: nt }));
      } else if (to) {
        btn = h('button', { type: 'button', id: 'advance', class: 'primary' + (to === 'counted' || to === 'published' || to === 'check_in' ? ' danger' : ''), 'data-next-step': 'yes', onclick: advance }, stepLabel(to));
      } else {
        btn = h('button', { type: 'button', id: 'to-export', class: 'primary', 'data-next-step': 'yes', onclick: function () { show('export'); } },
          YZ.t('print_notice_export_results'));
      }
      YZ.fill(row, h('span', { class: 'next-label' }, YZ.t('next_step')), btn);
    });
  }

  /** The hub found its log shorter than what it acknowledged: say so above everything, until it is restored. */
  function renderHalted() {
    const box = $('#halted'), on = shell.status === 'halted';
    box.hidden = !on;
    if (!on) return;
    YZ.fill(box,
      h('p', null, h('strong', null, YZ.t('log_is_missing_entries_hub'))),
      h('p', null, YZ.errorText(shell.detail)),
      h('p', null, YZ.t('stop_hub_ctrl_c_restore')),
      h('p', null, h('code', null, YZ.t('restore_command'))));
  }

  function renderClock() {
    const t = app.snap && app.snap.timer;
    YZ.showClock($('#clock'), t, t ? shell.session.now() : 0);
  }

  function renderTabs() {
    const nav = $('#tabs'), on = !!app.snap && !app.sheet;
    nav.hidden = !on;
    YZ.fill(nav, Object.keys(TABS).map(function (t) {
      return h('button', { type: 'button', 'data-tab': t, 'aria-pressed': String(app.tab === t), onclick: function () { show(t); } }, name2(TABS[t]));
    }));
    Object.keys(TABS).forEach(function (t) { $('#view-' + t).hidden = !on || app.tab !== t; });
    $('#view-sheet').hidden = !app.sheet;
  }

  function show(t) {
    app.tab = t;
    YZ.tabStorage.set('yz.admin.tab', t);
    renderTabs();
    renderView();
    window.scrollTo(0, 0);
  }

  function renderView() {
    if (!app.snap) return;
    if (app.sheet) { renderSheet(); return; }
    switch (app.tab) {
      case 'meeting': renderMeeting(); break;
      case 'tables': renderProgress(); break;
      case 'desk': renderDesk(); break;
      case 'cards': renderCards(); break;
      case 'screening': renderScreening(); break;
    }
  }

  // ------------------------------------------------------------ meeting: phases

  function rulesList() {
    const r = app.snap.rules, s = app.snap;
    const row = function (k, v) { return [h('dt', null, k), h('dd', null, v)]; };
    return h('dl', { class: 'rules' },
      row(YZ.t('tables'), YZ.t('table_count_and_names', { n: r.tables.length, names: r.tables.join(YZ.t('list_sep')) })),
      row(YZ.t('proposals'), String(s.proposals.length) + (r.assignment === 'all_tables' ? YZ.t('every_table_discusses_all') : YZ.t('split_between_tables'))),
      row(YZ.t('picks_per_table'), String(r.picks_per_table)),
      row(YZ.t('choices_per_voter'), YZ.t('at_most', { max_choices: r.max_choices })),
      row(YZ.t('budget'), YZ.money(r.budget.amount, r.budget.currency)),
      row(YZ.t('funding'), YZ.allocationName(r.allocation)),
      row(YZ.t('tie_break_label'), YZ.tieBreakName(r.tie_break)),
      row(YZ.t('tally'), YZ.tallyName(r.tally)),
      row(YZ.t('discussion'), YZ.t('min', { discussion_minutes: r.discussion_minutes })),
      row(YZ.t('pitch_per_table'), YZ.t('pitch_minutes', { pitch_minutes: r.pitch_minutes })));
  }

  function tablesWithoutPicks() {
    const need = app.snap.rules.picks_per_table;
    return app.snap.tables.filter(function (t) { return t.picks.length !== need; });
  }

  /** A chair's signal from the table's device, if any: 'ready' or 'more_time'. */
  function signalOf(t) { return t.signal || null; }

  /**
   * What is not finished before moving to `to`, one line per kind, naming the
   * tables (or the desk's batches): shown in the step card and in the
   * confirmation of every step that cannot be undone.
   */
  function unfinished(to) {
    const s = app.snap, need = s.rules.picks_per_table, out = [];
    const names = function (list, f) { return list.map(function (t) { return t.name + (f ? f(t) : ''); }).join(YZ.t('list_sep')); };
    const more = s.tables.filter(function (t) { return signalOf(t) === 'more_time'; });
    if ((to === 'picks' || to === 'pitches') && more.length) {
      out.push(YZ.t('these_chairs_asked_for_more') + names(more));
    }
    if (to === 'pitches') {
      const missing = tablesWithoutPicks();
      if (missing.length) out.push(YZ.t('these_tables_do_not_have', { need: need }) + names(missing, function (t) { return YZ.t('paren', { v: t.picks.length }); }));
      const open = s.tables.filter(function (t) { return t.picks.length === need && !t.picks_locked; });
      if (open.length) out.push(YZ.t('these_tables_have_not_locked') + names(open));
    }
    if (to === 'voting') {
      const p = s.pitch, done = p ? p.done : [];
      const notYet = s.tables.filter(function (t) { return t.picks.length && done.indexOf(t.table) < 0 && (!p || p.table !== t.table); });
      if (p && s.timer && s.timer.label === 'pitch' && YZ.remainingMs(s.timer, shell.session.now()) > 0) {
        out.push(YZ.t('still_pitching_time_not_up') + tableName(p.table));
      }
      if (notYet.length) out.push(YZ.t('these_tables_have_not_pitched') + names(notYet));
    }
    if (to === 'counted') {
      YZ.desk.blockers(s).forEach(function (b) { out.push(YZ.desk.blockerText(b)); });
    }
    return out;
  }
  function unfinishedNotice(to) {
    const list = unfinished(to);
    if (!list.length) return null;
    return h('div', { class: 'notice error unfinished', 'data-unfinished': to },
      h('strong', null, YZ.t('not_finished_yet')), h('ul', { class: 'plain' }, list.map(function (x) { return h('li', null, x); })));
  }

  /** What moving to `to` does, in words, for the confirmation and the step card. */
  function stepText(to) {
    const r = app.snap.rules, s = app.snap;
    switch (to) {
      case 'check_in': return [h('p', null, YZ.t('opening_locks_these_rules_and')), rulesList()];
      case 'discussion': return h('p', null, YZ.t('tables_start_discussing_meeting_clock', { discussion_minutes: r.discussion_minutes }));
      case 'pitches': return [h('p', null, YZ.t('pitches_every_tables_picks_are', { pitch_minutes: r.pitch_minutes })), unfinishedNotice(to)];
      case 'picks': return [h('p', null, YZ.t('discussion_ends_each_chair_submits', { picks_per_table: r.picks_per_table })), unfinishedNotice(to)];
      case 'voting': return [h('p', null, YZ.t('voting_opens_residents_vote_by', { max_choices: r.max_choices })), unfinishedNotice(to)];
      case 'counted': return [h('p', null, YZ.t('close_vote_and_count_no', { tieBreakName: YZ.tieBreakName(r.tie_break) })),
        h('p', { id: 'step-count', class: 'count-line' }, YZ.countLine(s, 'step')),
        deskBlockers()];
      case 'published': return h('p', null, YZ.t('publish_ranking_and_funded_list'));
    }
    return null;
  }

  function stepLabel(to) {
    if (to === 'check_in') return YZ.t('open_meeting_and_lock_rules');
    if (to === 'counted') return YZ.t('close_vote_and_count');
    if (to === 'published') return YZ.t('publish_results');
    return YZ.t('next_phase') + YZ.phaseName(to);
  }

  /** Discard an empty paper batch (nothing keyed in either copy, no sheets counted): logged, after a confirmation. */
  function discardBatch(n) {
    const name = YZ.desk.batchName(n);
    YZ.confirm({
      title: YZ.t('discard_confirm', { name: name, toLowerCase: name.toLowerCase() }),
      body: [h('p', null, YZ.t('has_no_ballot_in_either', { name: name })),
        h('p', null, YZ.t('discard_is_logged_if_paper'))],
      confirm: YZ.t('discard', { name: name, toLowerCase: name.toLowerCase() }), danger: true
    }).then(function (yes) {
      if (!yes) return;
      send({ kind: 'discard_batch', batch: n }, YZ.t('discarded', { name: name }));
    });
  }

  /** A blocker in words, with the discard button when the hub says the batch is empty. */
  function blockerItem(b, attrs) {
    return h('li', attrs, YZ.desk.blockerText(b), b.discardable ? [' ', h('button', { type: 'button', class: 'small discard-batch', 'data-batch': b.n,
      onclick: function () { discardBatch(b.n); } }, YZ.t('discard_empty_batch'))] : null);
  }

  function advance() {
    const s = app.snap, to = YZ.nextPhase(s.phase);
    if (!to) return;
    YZ.confirm({
      title: stepLabel(to) + YZ.t('question_mark'),
      body: [stepText(to), h('p', null, h('strong', null, YZ.t('this_step_cannot_be_undone')))],
      confirm: stepLabel(to), danger: to === 'counted' || to === 'published' || to === 'check_in'
    }).then(function (yes) {
      if (!yes) return;
      const cmd = to === 'check_in' ? { kind: 'open_meeting' } : { kind: 'advance_phase', to: to };
      send(cmd).then(function (m) {
        // The close refused for the counting desk: say why where the button is, until it closes.
        app.closeRefused = m.type === 'error' && (m.code === 'paper_open' || m.code === 'paper_count_mismatch') ? m : null;
        renderStep();
        if (m.type !== 'ack') return;
        if (to === 'check_in') say('ok', YZ.t('meeting_is_open_and_rules') + (m.result && m.result.fingerprint || app.snap.fingerprint));
        else say('ok', YZ.t('now') + YZ.phaseName(to));
      });
    });
  }

  function renderMeeting() {
    const s = app.snap;
    $('#meeting-h').textContent = s.meeting.name;
    $('#meeting-where').textContent = [s.meeting.venue, s.meeting.date].filter(Boolean).join(' · ');
    const at = YZ.PHASES.indexOf(s.phase);
    YZ.fill($('#phases'), YZ.PHASES.map(function (p, i) {
      return h('li', { class: i < at ? 'done' : (i === at ? 'now' : null), 'aria-current': i === at ? 'step' : null }, (i + 1) + '. ' + YZ.phaseName(p));
    }));
    renderStep();
    renderStrip();
    renderTimer();
    renderPitch();
    renderVote();
    // Before opening the rules are in the step card itself; afterwards they stay at hand here.
    $('#rules-card').hidden = !s.fingerprint;
    drawIf($('#rules'), s.fingerprint, function () {
      YZ.fill($('#rules'), rulesList(), h('p', { class: 'muted' }, s.fingerprint
        ? YZ.t('these_rules_were_locked_when')
        : YZ.t('these_rules_are_locked_when')));
    });
  }

  function renderStep() {
    const s = app.snap, to = YZ.nextPhase(s.phase);
    // A refused close stays said only while something still blocks it.
    if (app.closeRefused && (to !== 'counted' || !YZ.desk.blockers(s).length)) app.closeRefused = null;
    const key = [YZ.lang(), s.phase, s.fingerprint, s.electorate.fingerprint, s.electorate.cards_issued, s.electorate.cards_cancelled, JSON.stringify(unfinished(to)), nextPitchTable(),
      to === 'counted' ? JSON.stringify([YZ.desk.blockers(s), app.closeRefused]) : ''].join('|');
    const count = $('#step-count');
    if (count) drawIf(count, JSON.stringify(s.turnout), function () { YZ.fill(count, YZ.countLine(s, 'step')); });
    drawIf($('#step'), key, function () {
      YZ.fill($('#step'),
      h('p', { id: 'fingerprints' }, s.fingerprint ? [YZ.t('rules_locked_fingerprint'), h('span', { class: 'fingerprint mono', id: 'fingerprint' }, s.fingerprint), ' · '] : null,
        YZ.desk.electorateLine(s, 'step-electorate')),
      h('h3', null, YZ.t('now_phase_prefix') + YZ.phaseName(s.phase)),
      to ? [h('p', null, h('strong', null, YZ.t('next_phase_prefix') + YZ.phaseName(to)),
        nextPitchTable() ? h('span', { class: 'muted' }, YZ.t('call_other_tables_first_button')) : null), stepText(to),
        nextPitchTable() ? h('button', { type: 'button', id: 'advance', onclick: advance }, stepLabel(to)) : null]
        : h('p', { class: 'notice ok' }, YZ.t('results_are_published_meeting_is')),
      h('p', { class: 'muted' }, YZ.t('projector_page'), h('a', { href: '/projector', target: '_blank', rel: 'noopener' }, '/projector'),
        YZ.t('public_page'), h('a', { href: '/', target: '_blank', rel: 'noopener' }, '/')));
    });
  }

  /**
   * Every table at a glance, small enough for 30 tables on one screen: what
   * it is doing in this phase (discussing, picks n/3, locked, on stage,
   * pitched) and its chair's signal (ready, needs more time).
   */
  function renderStrip() {
    const s = app.snap, card = $('#strip-card'), at = YZ.PHASES.indexOf(s.phase);
    card.hidden = at < 1 || at > YZ.PHASES.indexOf('pitches');
    if (card.hidden) return;
    const need = s.rules.picks_per_table, p = s.pitch;
    const rows = s.tables.map(function (t) {
      let state, text, sig = signalOf(t);
      if (s.phase === 'pitches') {
        if (p && p.table === t.table) { state = 'on-stage'; text = YZ.t('table_state_on_stage'); }
        else if (p && p.done.indexOf(t.table) >= 0) { state = 'pitched'; text = YZ.t('pitched'); }
        else if (!t.picks.length) { state = 'no-picks'; text = YZ.t('table_state_no_picks'); }
        else { state = 'waiting'; text = YZ.t('to_pitch'); }
      } else if (s.phase === 'picks') {
        state = t.picks_locked ? 'locked' : (t.picks.length === need ? 'full' : 'picking');
        text = (t.picks_locked ? YZ.t('locked') : YZ.t('picks')) + t.picks.length + '/' + need;
      } else {
        state = 'discussing'; text = s.phase === 'check_in' ? YZ.t('checking_in') : YZ.t('table_state_discussing');
      }
      return { t: t, state: state, text: text, sig: s.phase === 'pitches' ? null : sig };
    });
    let count = function (f) { return rows.filter(f).length; }, n = rows.length, head;
    if (s.phase === 'pitches') head = YZ.t('tables_pitched', { count: count(function (r) { return r.state === 'pitched'; }), count2: count(function (r) { return r.t.picks.length; }) });
    else if (s.phase === 'picks') head = YZ.t('tables_locked', { count: count(function (r) { return r.state === 'locked'; }), n: n });
    else head = YZ.t('tables_count_heading', { n: n });
    const ready = count(function (r) { return r.sig === 'ready'; }), more = count(function (r) { return r.sig === 'more_time'; });
    if (s.phase !== 'pitches' && (ready || more)) head += YZ.t('ready_more_time', { ready: ready, more: more });
    drawIf(card, JSON.stringify([YZ.lang(), head, rows.map(function (r) { return [r.t.name, r.state, r.text, r.sig]; })]), function () {
      $('#strip-h').textContent = head;
      YZ.fill($('#strip'), rows.map(function (r) {
        return h('li', { 'data-table': r.t.table, 'data-state': r.state, 'data-signal': r.sig || 'none' },
          h('strong', null, r.t.name), ' ', h('span', null, r.text),
          r.sig ? h('span', { class: 'signal' }, r.sig === 'ready' ? YZ.t('ready') : YZ.t('more_time')) : null);
      }));
    });
  }

  /** What keeps the vote from closing (the counting desk), in words, with the hub's refusal if the organiser tried. */
  function deskBlockers() {
    const list = YZ.desk.blockers(app.snap), refused = app.closeRefused;
    if (!list.length && !refused) return null;
    return h('div', { class: 'notice error', id: 'close-blocked', role: refused ? 'alert' : null },
      refused ? h('p', null, h('strong', null, YZ.t('closing_vote_was_refused')), YZ.desk.errorText(refused)) : null,
      list.length ? [h('p', null, h('strong', null, YZ.t('counting_desk_is_not_done'))),
        h('ul', { class: 'plain' }, list.map(function (b) { return blockerItem(b, { 'data-unit': b.unit + ':' + b.n, 'data-why': b.why }); })),
        h('p', null, YZ.t('every_batch_must_agree_between'),
          ' ', h('button', { type: 'button', class: 'small', onclick: function () { show('desk'); } }, YZ.t('open_counting_desk')))] : null);
  }

  // ------------------------------------------------------------ counting desk

  function renderDesk() {
    const s = app.snap, D = YZ.desk, p = s.paper || { batches: [], boards: [], counted: 0, void: 0, stickers: 0 };
    const blockers = D.blockers(s);
    drawIf($('#desk'), JSON.stringify([p, s.paper_copies, s.turnout, s.phase]), function () {
      YZ.fill($('#desk'),
        h('div', { class: 'card', id: 'desk-summary' },
          h('p', { class: 'count-line' }, YZ.countLine(s, 'desk')),
          s.turnout.void ? h('p', { class: 'small-text' }, YZ.t('void') + YZ.voidLine(s)) : null,
          h('p', { class: 'muted small-text', id: 'desk-not-organiser' }, YZ.t('organiser_neither_keys_nor_counts')),
          s.phase === 'voting' ? (blockers.length
            ? h('div', { class: 'notice error', id: 'desk-blockers' }, h('strong', null, YZ.t('vote_cannot_close_yet')),
              h('ul', { class: 'plain' }, blockers.map(function (b) { return blockerItem(b, null); })))
            : h('p', { class: 'notice ok', id: 'desk-blockers' }, YZ.t('counting_desk_is_done_vote'))) : null,
          h('p', { class: 'muted' }, YZ.t('counters_use_their_cards_to'), h('a', { href: '/count', target: '_blank', rel: 'noopener' }, '/count'),
            YZ.t('scrutineers_enter'), h('a', { href: '/scrutineer', target: '_blank', rel: 'noopener' }, '/scrutineer'),
            YZ.t('everyone_can_check'), h('a', { href: '/board', target: '_blank', rel: 'noopener' }, '/board'), YZ.t('public_board'))),
        h('h3', null, YZ.t('paper_ballot_batches')),
        p.batches.length ? h('table', { class: 'ranking', id: 'desk-batches' },
          h('caption', { class: 'visually-hidden' }, YZ.t('batches')),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, YZ.t('batch')), h('th', { scope: 'col' }, YZ.t('status')),
            h('th', { scope: 'col' }, YZ.t('keyed')), h('th', { scope: 'col' }, YZ.t('hand_count')))),
          h('tbody', null, p.batches.map(function (b) {
            const k = D.keyed(b), keyed = k.agreed !== null ? String(k.agreed) : k.copies.map(function (c) { return YZ.t('counter_entries', { counter: c.counter, entries: c.entries }) + (c.finished ? ' ✓' : ''); }).join(' · ') || '—';
            const match = k.agreed !== null && b.sheets !== null && b.sheets !== undefined ? (b.sheets === k.agreed ? h('span', { class: 'chip ok' }, YZ.t('match')) : h('span', { class: 'chip bad' }, YZ.t('mismatch'))) : null;
            return h('tr', { 'data-batch': b.batch },
              h('td', null, String(b.batch)),
              h('td', null, h('span', { class: 'chip ' + (b.status === 'agreed' ? 'ok' : b.status === 'disputed' ? 'bad' : 'warn') }, D.statusText(b.status)),
                b.status === 'disputed' ? h('div', { class: 'small-text' }, b.differences.map(function (d) { return d.at + ' ' + D.diffText(d.reason); }).join(YZ.t('semicolon'))) : null,
                b.status === 'agreed' ? h('div', { class: 'small-text' }, YZ.t('batch_void_prefix') + b.ballots.filter(function (x) { return x.void; }).length) : null),
              h('td', null, keyed),
              h('td', null, b.sheets === null || b.sheets === undefined ? YZ.t('sheets_not_counted_yet') : String(b.sheets), ' ', match));
          }))) : h('p', { class: 'muted' }, YZ.t('no_paper_batches_yet')),
        s.rules.allocation === 'equal_shares' ? null : [h('h3', null, YZ.t('sticker_boards')),
          p.boards.length ? h('table', { class: 'ranking', id: 'desk-boards' },
            h('caption', { class: 'visually-hidden' }, YZ.t('sticker_boards')),
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, YZ.t('board')), h('th', { scope: 'col' }, YZ.t('status')), h('th', { scope: 'col' }, YZ.t('stickers')))),
            h('tbody', null, p.boards.map(function (b) {
              const total = Object.keys(b.counts || {}).reduce(function (a, k) { return a + b.counts[k]; }, 0);
              return h('tr', { 'data-board': b.board }, h('td', null, String(b.board)),
                h('td', null, h('span', { class: 'chip ' + (b.status === 'agreed' ? 'ok' : b.status === 'disputed' ? 'bad' : 'warn') }, D.statusText(b.status)),
                  b.status === 'disputed' ? h('div', { class: 'small-text' }, b.differences.map(function (d) { return d.at; }).join(YZ.t('list_sep'))) : null),
                h('td', null, b.status === 'agreed' ? (p.marks_hidden ? YZ.t('counted_shown_after_close') : String(total)) : YZ.t('reading_s', { length: b.copies.length })));
            }))) : h('p', { class: 'muted' }, YZ.t('no_sticker_boards_yet'))]);
    });
  }

  // ------------------------------------------------------------ meeting: clock

  function renderTimer() {
    const s = app.snap, t = s.timer, box = $('#timer-card');
    drawIf(box, s.phase + JSON.stringify(t), function () { drawTimer(s, t, box); });
  }

  function drawTimer(s, t, box) {
    const running = t && !t.paused, can = YZ.PHASES.indexOf(s.phase) >= 1 && YZ.PHASES.indexOf(s.phase) <= 5;
    const keep = {};
    ['timer-label', 'timer-minutes', 'extend-minutes'].forEach(function (id) { const el = $('#' + id); if (el) keep[id] = el.value; });
    const focused = document.activeElement && box.contains(document.activeElement) ? document.activeElement.id : null;
    YZ.fill(box,
      h('h3', null, YZ.t('clock')),
      t ? [h('p', null, h('strong', null, YZ.timerLabel(t.label)), t.paused ? h('span', { class: 'chip warn' }, YZ.t('timer_paused_chip')) : null),
        h('p', { class: 'timer-big mono', id: 'timer-left', role: 'timer', 'aria-live': 'off' }, YZ.clock(YZ.remainingMs(t, shell.session.now()))),
        h('div', { class: 'row-buttons' },
          running ? h('button', { type: 'button', id: 'timer-pause', onclick: function () { send({ kind: 'pause_timer' }); } }, YZ.t('pause'))
            : h('button', { type: 'button', id: 'timer-resume', class: 'primary', onclick: function () { send({ kind: 'resume_timer' }); } }, YZ.t('resume'))),
        h('form', { class: 'inline-form', id: 'extend-form', onsubmit: extend },
          h('div', null, h('label', { for: 'extend-minutes' }, YZ.t('extend_minutes')),
            h('input', { id: 'extend-minutes', type: 'number', min: 1, max: 120, value: keep['extend-minutes'] || 5, inputmode: 'numeric', required: true })),
          h('button', { type: 'submit' }, YZ.t('extend')))]
        : [h('p', { class: 'muted' }, YZ.t('no_clock_running')),
          // The picks have no time in the rules: one tap gives them a clock the whole room sees.
          s.phase === 'picks' ? h('button', { type: 'button', id: 'timer-picks', onclick: function () {
            send({ kind: 'start_timer', label: YZ.tIn('zh', 'tables_choose_their_picks'), minutes: 10 }, YZ.t('picks_clock_started_10_min'));
          } }, YZ.t('picks_clock_10_min')) : null],
      can ? h('form', { class: 'inline-form', id: 'timer-form', onsubmit: startTimer },
        h('div', null, h('label', { for: 'timer-label' }, YZ.t('label')),
          h('input', { id: 'timer-label', class: 'label-input', maxlength: 40, value: keep['timer-label'] || YZ.t('break'), required: true })),
        h('div', null, h('label', { for: 'timer-minutes' }, YZ.t('minutes')),
          h('input', { id: 'timer-minutes', type: 'number', min: 1, max: 600, value: keep['timer-minutes'] || 10, inputmode: 'numeric', required: true })),
        h('button', { type: 'submit' }, YZ.t('start_clock'))) : null);
    if (focused && $('#' + focused)) $('#' + focused).focus();
  }

  function startTimer(e) {
    e.preventDefault();
    const label = $('#timer-label').value.trim(), minutes = parseInt($('#timer-minutes').value, 10);
    if (!label || !(minutes >= 1 && minutes <= 600)) { say('error', YZ.t('label_of_1_40_characters')); return; }
    const go = function () { send({ kind: 'start_timer', label: label, minutes: minutes }, YZ.t('clock_started') + label); };
    if (!app.snap.timer) { go(); return; }
    YZ.confirm({
      title: YZ.t('replace_running_clock'),
      body: h('p', null, YZ.t('time_left_on_is_dropped', { timerLabel: YZ.timerLabel(app.snap.timer.label), label: label, minutes: minutes })),
      confirm: YZ.t('replace')
    }).then(function (yes) { if (yes) go(); });
  }

  function extend(e) {
    e.preventDefault();
    const minutes = parseInt($('#extend-minutes').value, 10);
    if (!(minutes >= 1 && minutes <= 120)) { say('error', YZ.t('extend_by_1_120_minutes')); return; }
    send({ kind: 'extend_timer', minutes: minutes }, YZ.t('extended_by_min', { minutes: minutes }));
  }

  // ------------------------------------------------------------ meeting: pitches, vote, results

  function renderPitch() {
    const s = app.snap, box = $('#pitch-card');
    box.hidden = s.phase !== 'pitches';
    if (box.hidden) return;
    const p = s.pitch, name = function (t) { const x = s.tables[t - 1]; return x ? x.name : String(t); };
    drawIf(box, JSON.stringify(p) + s.tables.map(function (t) { return t.picks.length; }).join(), function () {
    const sel = $('#pitch-table'), keep = p && p.next ? String(p.next) : (sel ? sel.value : '');
    YZ.fill(box,
      h('h3', null, YZ.t('pitches')),
      p ? h('p', null, YZ.t('on_stage'), h('strong', { id: 'pitching' }, name(p.table)),
        p.next ? YZ.t('next', { name: name(p.next) }) : YZ.t('last_table'),
        p.done.length ? h('br') : null, p.done.length ? YZ.t('done_tables_prefix') + p.done.map(name).join(YZ.t('list_sep')) : null)
        : h('p', { class: 'muted' }, YZ.t('no_table_on_stage_yet')),
      h('form', { class: 'inline-form', onsubmit: function (e) {
        e.preventDefault();
        const t = parseInt($('#pitch-table').value, 10);
        send({ kind: 'set_pitch_table', table: t }, name(t) + YZ.t('is_on_stage'));
      } },
        h('div', null, h('label', { for: 'pitch-table' }, YZ.t('table_on_stage')),
          h('select', { id: 'pitch-table' }, s.tables.map(function (t) {
            return h('option', { value: String(t.table) }, t.name + (t.picks.length ? '' : YZ.t('no_picks')));
          }))),
        h('button', { type: 'submit' }, YZ.t('call_this_table'))),
      h('label', { class: 'opt', for: 'auto-next' },
        h('input', { type: 'checkbox', id: 'auto-next', checked: app.autoNext ? 'checked' : null, onchange: function (e) {
          app.autoNext = e.target.checked;
          YZ.tabStorage.set('yz.admin.autonext', app.autoNext ? '1' : null);
        } }),
        YZ.t('when_pitchs_time_is_up')));
    if (keep) $('#pitch-table').value = keep;
    });
  }

  /**
   * Twice a second: the big countdown follows the hub's clock, and (when the
   * organiser asked for it) a pitch whose time is up hands over to the next
   * table, once per pitch.
   */
  function tick() {
    const s = app.snap, t = s && s.timer;
    if (!s) return;
    renderClock();
    const big = $('#timer-left');
    if (big && t) {
      const left = YZ.remainingMs(t, shell.session.now());
      big.textContent = YZ.clock(left);
      big.setAttribute('data-over', left <= -1000 ? 'yes' : 'no');
    }
    const nt = nextPitchTable();
    if (app.autoNext && nt && s.pitch && t && t.label === 'pitch' && !t.paused && YZ.remainingMs(t, shell.session.now()) <= 0) {
      const key = s.pitch.table + ':' + t.started_at_ms;
      if (app.handedOver !== key) { app.handedOver = key; callTable(nt); }
    }
  }

  function renderVote() {
    const s = app.snap, box = $('#vote-card'), res = s.results;
    const at = YZ.PHASES.indexOf(s.phase);
    box.hidden = at < YZ.PHASES.indexOf('voting');
    if (box.hidden) return;
    if (!res) {
      drawIf(box, JSON.stringify(s.turnout), function () {
        YZ.fill(box, h('h3', null, YZ.t('vote')),
          h('p', { class: 'count-line', id: 'vote-count' }, YZ.countLine(s)),
          s.turnout.void ? h('p', { class: 'small-text', id: 'vote-void' }, YZ.t('void') + YZ.voidLine(s)) : null);
      });
      return;
    }
    const funded = {};
    res.funded.forEach(function (id) { funded[id] = true; });
    box.__yzKey = null;
    YZ.fill(box, h('h3', null, s.phase === 'published' ? YZ.t('results_published') : YZ.t('results_not_yet_published')),
      h('p', null, YZ.t('results_ballots_prefix') + res.ballots + YZ.t('results_funded_prefix') + res.funded.length + YZ.t('total') +
        YZ.money(res.total_cost, currency()) + ' / ' + YZ.money(res.budget, currency())),
      h('table', { class: 'ranking', id: 'ranking' },
        h('caption', { class: 'visually-hidden' }, YZ.t('ranking')),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, YZ.t('rank')), h('th', { scope: 'col' }, YZ.t('proposal')),
          h('th', { scope: 'col' }, YZ.t('votes_column')), h('th', { scope: 'col' }, YZ.t('funded')))),
        h('tbody', null, res.ranking.filter(function (row) { return row.votes > 0 || funded[row.proposal]; }).slice(0, 30).map(function (row) {
          return h('tr', { class: row.funded ? 'funded' : null },
            h('td', null, String(row.rank)), h('td', null, proposalTitle(row.proposal)), h('td', null, String(row.votes)),
            h('td', null, row.funded ? YZ.t('yes') : YZ.t('answer_no')));
        }))),
      res.ties.filter(function (t) { return t.decisive; }).map(function (t) {
        return h('p', { class: 'notice info' }, YZ.t('tie_at_votes_decided_funding', { votes: t.votes }) + t.proposals.join(' > ') + ' — ' + YZ.tieBreakName(res.tie_break));
      }),
      h('p', { class: 'count-line', id: 'vote-count' }, YZ.countLine(s)));
  }

  // ------------------------------------------------------------ tables and presence

  function fetchPresence() {
    // Not while the console is out of sight (a phone in a pocket): it catches up when shown.
    if (!secret() || document.hidden) return;
    api('GET', '/api/admin/presence').then(function (r) {
      if (r.ok) { app.presence = r.body; app.presenceError = null; }
      else { app.presenceError = apiError(r); }
      if (app.tab === 'tables' && !app.sheet) renderProgress();
    });
  }

  function seat(label, n) {
    return h('span', { class: 'presence-dot', 'data-on': n > 0 ? 'yes' : 'no' }, (n > 0 ? '● ' : '○ ') + label + (n > 1 ? '×' + n : ''),
      h('span', { class: 'visually-hidden' }, n > 0 ? YZ.t('connected') : YZ.t('not_connected')));
  }

  function renderProgress() {
    const s = app.snap, pr = app.presence, need = s.rules.picks_per_table;
    YZ.fill($('#presence-summary'),
      app.presenceError ? h('p', { class: 'notice error' }, app.presenceError) : null,
      pr ? h('div', { class: 'card', id: 'presence' },
        h('h3', null, YZ.t('connections_prefix') + pr.connections),
        h('ul', { class: 'plain' }, Object.keys(ROLE_NAMES).map(function (r) {
          return h('li', { 'data-role': r }, name2(ROLE_NAMES[r]) + YZ.t('colon') + (pr.roles[r] || 0));
        })),
        h('p', null, seat(YZ.t('all_tables_adviser'), pr.adviser_all))) : h('p', { class: 'muted' }, YZ.t('reading_who_is_connected')));
    const details = {};
    (s.table_details || []).forEach(function (d) { details[d.table] = d; });
    YZ.fill($('#progress'), s.tables.map(function (t) {
      const d = details[t.table] || { queue: [], notes: [] };
      const p = pr && pr.tables ? pr.tables[t.table - 1] : null;
      const notes = d.notes.filter(function (n) { return !n.withdrawn; }).length;
      const waiting = d.queue.filter(function (e) { return e.state === 'waiting'; }).length;
      return h('li', { 'data-table': t.table },
        h('div', { class: 'grow' },
          h('strong', null, t.name), ' ',
          h('span', { class: 'chip ' + (t.picks_locked ? 'ok' : (t.picks.length === need ? 'warn' : '')), 'data-picks': t.picks.length + '/' + need + (t.picks_locked ? ' locked' : '') },
            (t.picks_locked ? YZ.t('locked') : YZ.t('picks')) + t.picks.length + '/' + need),
          h('div', null, t.speaking ? YZ.t('table_speaking_prefix') + (/^\d+$/.test(t.speaking) ? YZ.t('seat', { name: t.speaking }) : t.speaking) : YZ.t('nobody_speaking'),
            YZ.t('waiting') + waiting + YZ.t('notes') + notes),
          p ? h('div', null, seat(YZ.t('chair'), p.chair), ' ', seat(YZ.t('recorder'), p.recorder), ' ', seat(YZ.t('adviser_short'), p.adviser)) : null,
          t.picks.length ? h('ul', { class: 'plain' }, t.picks.map(function (id) { return h('li', null, proposalTitle(id)); })) : null));
    }));
  }

  // ------------------------------------------------------------ cards

  function phaseAt(p) { return YZ.PHASES.indexOf(app.snap.phase) >= YZ.PHASES.indexOf(p); }

  function renderCards() {
    const s = app.snap, D = YZ.desk, e = s.electorate, voting = phaseAt('voting'), closed = phaseAt('counted');
    drawIf($('#electorate-summary'), JSON.stringify([e.cards_issued, e.cards_cancelled, e.fingerprint, s.fingerprint]), function () {
      YZ.fill($('#electorate-summary'), D.electorateLine(s, 'cards-electorate'),
        s.fingerprint ? [YZ.t('rules_fingerprint_inline'), h('b', { class: 'mono fingerprint' }, s.fingerprint)] : null,
        h('br'), h('span', { class: 'muted small-text' }, YZ.t('before_vote_opens_projector_shows')));
    });
    $('#mint-reason-label').textContent = voting
      ? YZ.t('reason_vote_is_open_required')
      : YZ.t('reason_optional_required_once_vote');
    $('#mint-reason').required = voting;
    ['#mint-form', '#cancel-form', '#release-form'].forEach(function (f) {
      const els = document.querySelectorAll(f + ' input, ' + f + ' button, ' + f + ' select');
      for (let i = 0; i < els.length; i++) els[i].disabled = closed;
    });
    drawIf($('#issuances'), JSON.stringify(e.issuances), function () { YZ.fill($('#issuances'), D.issuanceList(s, 'issuance-list')); });
    drawIf($('#cancellations'), JSON.stringify(e.cancellations), function () {
      YZ.fill($('#cancellations'), e.cancellations.length ? [h('h4', null, YZ.t('cancelled_cards_heading')), D.cancellationList(s, 'cancellation-list')] : null);
    });
    drawIf($('#desk-cards-box'), JSON.stringify(e.desk), function () {
      YZ.fill($('#desk-cards-box'), D.deskTable(s, { id: 'desk-cards' }));
      const sel = $('#release-serial'), keep = sel.value, claimed = e.desk.filter(function (d) { return d.claim; });
      YZ.fill(sel, claimed.length ? claimed.map(function (d) { return h('option', { value: d.serial }, YZ.deskName(d) + YZ.t('paren', { v: d.serial })); })
        : h('option', { value: '' }, YZ.t('no_card_is_claimed')));
      if (keep && claimed.some(function (d) { return d.serial === keep; })) sel.value = keep;
      $('#release-form button[type="submit"]').disabled = closed || !claimed.length;
    });
  }

  // ------------------------------------------------------------ exclusions and costs

  function renderScreening() {
    const s = app.snap, frozen = phaseAt('voting');
    const note = $('#screening-frozen');
    note.hidden = !frozen;
    note.textContent = frozen ? YZ.t('vote_has_opened_from_then') : '';
    drawIf($('#exclusions'), JSON.stringify([s.annotations, s.exclusions, frozen]), function () { drawExclusions(s, frozen); });
    drawIf($('#costs'), JSON.stringify([s.annotations, s.adopted_costs, s.proposals.map(function (p) { return p.cost; }), frozen]), function () { drawCosts(s, frozen); });
  }

  function safeId(id) { return String(id).replace(/[^A-Za-z0-9_-]/g, '_'); }

  function drawExclusions(s, frozen) {
    const ann = YZ.annotationMap(s), done = YZ.exclusionMap(s), pm = YZ.proposalMap(s);
    const ids = [];
    s.proposals.forEach(function (p) {
      const a = ann[p.id];
      if ((a && a.feasibility === 'excluded') || done[p.id]) ids.push(p.id);
    });
    if (!ids.length) { YZ.fill($('#exclusions'), h('p', { class: 'muted', id: 'no-exclusions' }, YZ.t('no_adviser_recommends_excluding_proposal'))); return; }
    YZ.fill($('#exclusions'), h('ul', { class: 'rows', id: 'exclusion-list' }, ids.map(function (id) {
      const a = ann[id], rec = a && a.feasibility === 'excluded' ? a : null, x = done[id], p = pm[id];
      const lift = 'lift-reason-' + safeId(id);
      return h('li', { 'data-proposal': id, 'data-state': x ? 'confirmed' : 'recommended' },
        h('div', { class: 'grow' },
          h('strong', null, h('span', { class: 'mono' }, id), ' ', p ? p.title : ''),
          rec ? h('div', null, YZ.t('adviser_recommends_excluding_it_under', { exclusion_rule: rec.exclusion_rule, exclusionRule: YZ.exclusionRule(rec.exclusion_rule) }),
            rec.reason ? YZ.t('colon_reason', { reason: rec.reason }) : '', rec.by_table ? h('span', { class: 'muted' }, YZ.t('table_s_adviser', { by_table: rec.by_table })) : null)
            : h('div', { class: 'muted' }, YZ.t('no_adviser_recommends_it_any')),
          x ? h('div', null, h('span', { class: 'chip bad' }, YZ.t('excluded_by_rule', { rule: x.rule })), ' ',
            YZ.t('confirmed_at', { time: YZ.desk.time(x.at_ms), reason: x.reason ? YZ.t('colon_reason', { reason: x.reason }) : '' })) : null,
          frozen ? null : x
            ? h('form', { class: 'inline-form', 'data-lift': id, novalidate: true, onsubmit: function (e) { e.preventDefault(); liftExclusion(id, $('#' + lift).value.trim()); } },
              h('div', { class: 'grow' }, h('label', { for: lift }, YZ.t('why_lift_it_public')), h('input', { id: lift, class: 'wide', maxlength: 200, required: true })),
              h('button', { type: 'submit', 'data-action': 'lift' }, YZ.t('lift_exclusion'), h('span', { class: 'visually-hidden' }, ' ' + id)))
            : h('div', { class: 'row-buttons' }, h('button', { type: 'button', class: 'primary danger', 'data-action': 'confirm', onclick: function () { confirmExclusion(id, rec); } },
              YZ.t('confirm_exclusion_rule', { exclusion_rule: rec.exclusion_rule }), h('span', { class: 'visually-hidden' }, ' ' + id)))));
    })));
  }

  function confirmExclusion(id, rec) {
    const p = YZ.proposalMap(app.snap)[id];
    YZ.confirm({
      title: YZ.t('exclude_confirm', { id: id }),
      body: [h('p', null, YZ.t('exclude_under_rule', { exclusion_rule: rec.exclusion_rule, exclusionRule: YZ.exclusionRule(rec.exclusion_rule), v: p ? p.title : id })),
        h('p', null, YZ.t('once_excluded_no_phone_can'))],
      confirm: YZ.t('exclude'), danger: true
    }).then(function (yes) {
      if (!yes) return;
      send({ kind: 'confirm_exclusion', proposal: id, rule: rec.exclusion_rule, reason: '' }, YZ.t('is_excluded', { id: id }));
    });
  }

  function liftExclusion(id, reason) {
    if (!reason) { say('error', YZ.t('say_why_exclusion_is_lifted')); return; }
    send({ kind: 'lift_exclusion', proposal: id, reason: reason }, YZ.t('exclusion_of_is_lifted', { id: id }));
  }

  function drawCosts(s, frozen) {
    const ann = YZ.annotationMap(s), adopted = {};
    (s.adopted_costs || []).forEach(function (c) { adopted[c.proposal] = c; });
    const rows = s.proposals.filter(function (p) { return (ann[p.id] && ann[p.id].cost_estimate !== null && ann[p.id].cost_estimate !== undefined) || adopted[p.id]; });
    if (!rows.length) { YZ.fill($('#costs'), h('p', { class: 'muted', id: 'no-estimates' }, YZ.t('no_adviser_has_estimated_cost'))); return; }
    const cur = currency();
    YZ.fill($('#costs'), h('table', { class: 'ranking', id: 'cost-table' },
      h('caption', { class: 'visually-hidden' }, YZ.t('costs')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, YZ.t('proposal')), h('th', { scope: 'col' }, YZ.t('list_cost')),
        h('th', { scope: 'col' }, YZ.t('advisers_estimate_remark')), h('th', { scope: 'col' }, YZ.t('used_by_count')),
        frozen ? null : h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, YZ.t('actions'))))),
      h('tbody', null, rows.map(function (p) {
        const a = ann[p.id], est = a ? a.cost_estimate : null, ad = adopted[p.id], list = ad ? ad.list_cost : p.cost;
        const useAdviser = !!ad;
        return h('tr', { 'data-proposal': p.id, 'data-source': useAdviser ? 'adviser' : 'list' },
          h('th', { scope: 'row' }, h('span', { class: 'mono' }, p.id), ' ', p.title),
          h('td', null, YZ.money(list, cur)),
          h('td', null, est === null || est === undefined ? '—' : YZ.money(est, cur)),
          h('td', null, h('strong', { 'data-cost': p.cost }, YZ.money(p.cost, cur)), ' ',
            h('span', { class: 'chip ' + (useAdviser ? 'warn' : '') }, useAdviser ? YZ.t('advisers') : YZ.t('lists'))),
          frozen ? null : h('td', { class: 'actions' },
            est !== null && est !== undefined && est !== p.cost ? h('button', { type: 'button', class: 'small', 'data-action': 'adopt', onclick: function () {
              send({ kind: 'set_cost', proposal: p.id, source: 'adviser' }, YZ.t('uses_advisers_estimate', { id: p.id }) + YZ.money(est, cur));
            } }, YZ.t('adopt'), h('span', { class: 'visually-hidden' }, ' ' + p.id)) : null, ' ',
            useAdviser ? h('button', { type: 'button', class: 'small', 'data-action': 'list', onclick: function () {
              send({ kind: 'set_cost', proposal: p.id, source: 'list' }, YZ.t('uses_list_cost', { id: p.id }));
            } }, YZ.t('use_list_cost'), h('span', { class: 'visually-hidden' }, ' ' + p.id)) : null));
      }))));
  }

  function openSheet(title, r) {
    if (!r.ok) { say('error', apiError(r)); return; }
    app.sheet = { title: title, data: r.body };
    renderTabs();
    renderSheet();
    window.scrollTo(0, 0);
    $('#sheet-print').focus();
  }

  function cardNode(c, d) {
    const kind = CARD_KINDS[c.kind] ? [YZ.tIn('zh', CARD_KINDS[c.kind]), YZ.tIn('en', CARD_KINDS[c.kind])] : [c.kind, c.kind];
    const src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(c.qr);
    const voter = c.kind === 'voter', screen = c.kind === 'screen';
    const help = voter ? 'card_help_voter' : screen ? 'card_help_screen' : 'card_help_staff';
    // Cards are printed in Chinese (the residents' language) with English beside it.
    return h('div', { class: 'yz-card', 'data-kind': c.kind, 'data-serial': c.serial },
      h('div', { class: 'card-top' },
        h('div', { class: 'qr' }, h('img', { src: src, alt: YZ.tIn('zh', voter ? 'card_qr_vote' : 'card_qr') + ' ' + c.serial, 'data-link': c.link })),
        h('div', { class: 'card-text' },
          h('div', { class: 'card-kind' }, (c.table_name ? c.table_name + ' · ' : '') + kind[0]),
          h('div', { class: 'card-kind-en' }, (c.table ? YZ.tIn('en', 'table', { n: c.table }) + ' · ' : '') + kind[1]),
          h('div', { class: 'card-meeting' }, d.meeting.name),
          h('div', { class: 'card-code' }, c.code),
          h('div', { class: 'card-serial' }, c.serial))),
      h('div', { class: 'card-help' },
        h('div', null, h('strong', null, YZ.tIn('zh', help, { max: d.max_choices }))),
        h('div', null, YZ.tIn('en', help, { max: d.max_choices })),
        h('div', null, YZ.tIn('zh', 'card_open') + ' / ' + YZ.tIn('en', 'card_open') + ' ', h('span', { class: 'mono' }, d.base_url),
          ' ' + YZ.tIn('zh', 'card_enter_code') + ' / ' + YZ.tIn('en', 'card_enter_code'))));
  }

  function renderSheet() {
    const sh = app.sheet, d = sh.data;
    $('#sheet-h').textContent = sh.title + YZ.t('card_sheet_count', { length: d.cards.length });
    // Six cards (2 × 3) fill an A4 page; each page is its own block so that printing breaks between them.
    const pages = [];
    d.cards.forEach(function (c, i) {
      if (i % CARDS_PER_PAGE === 0) pages.push(h('div', { class: 'sheet-page' }));
      pages[pages.length - 1].appendChild(cardNode(c, d));
    });
    YZ.fill($('#sheet'), pages);
  }

  function closeSheet() {
    app.sheet = null;
    YZ.fill($('#sheet'));
    renderTabs();
    renderView();
  }

  function wireCards() {
    $('#mint-form').addEventListener('submit', function (e) {
      e.preventDefault();
      const n = parseInt($('#mint-count').value, 10), reason = $('#mint-reason').value.trim(), late = phaseAt('voting');
      if (!(n >= 1 && n <= 500)) { say('error', YZ.t('mint_1_to_500_at')); return; }
      if (late && !reason) {
        say('error', YZ.t('vote_is_open_say_why'));
        $('#mint-reason').focus();
        return;
      }
      YZ.confirm({
        title: YZ.t('mint_new_voter_cards', { n: n }),
        body: [h('p', null, YZ.t('each_card_casts_one_ballot')),
          late ? h('p', null, h('strong', null, YZ.t('during_vote_room_will_see', { time: YZ.desk.time(shell.session.now()), n: n, reason: reason }))) : null],
        confirm: YZ.t('mint')
      }).then(function (yes) {
        if (!yes) return;
        api('POST', '/api/admin/voters', { count: n, reason: reason }).then(function (r) {
          if (!r.ok) { say('error', YZ.t('no_cards_were_issued') + mintError(r)); return; }
          $('#mint-reason').value = '';
          openSheet(YZ.t('new_voter_cards'), r);
        });
      });
    });
    $('#cancel-form').addEventListener('submit', function (e) {
      e.preventDefault();
      const serial = $('#cancel-serial').value.trim(), reason = $('#cancel-reason').value.trim();
      if (!serial) { say('error', YZ.t('type_cards_number_e_g')); $('#cancel-serial').focus(); return; }
      if (!reason) { say('error', YZ.t('say_why_card_is_cancelled')); $('#cancel-reason').focus(); return; }
      YZ.confirm({
        title: YZ.t('cancel_voter_card_confirm', { serial: serial }),
        body: h('p', null, YZ.t('card_can_no_longer_vote', { reason: reason })),
        confirm: YZ.t('cancel_card'), cancel: YZ.t('back'), danger: true
      }).then(function (yes) {
        if (!yes) return;
        send({ kind: 'cancel_card', serial: serial, reason: reason }).then(function (m) {
          if (m.type !== 'ack') return;
          say('ok', YZ.t('card_cancelled_notice') + YZ.desk.cardSerial(serial));
          $('#cancel-serial').value = ''; $('#cancel-reason').value = '';
        });
      });
    });
    $('#release-form').addEventListener('submit', function (e) {
      e.preventDefault();
      const serial = $('#release-serial').value, reason = $('#release-reason').value.trim();
      if (!serial) return;
      if (!reason) { say('error', YZ.t('say_why_claim_is_released')); $('#release-reason').focus(); return; }
      const name = YZ.desk.claim.serialName(serial);
      YZ.confirm({
        title: YZ.t('release_claim_confirm', { name: name }),
        body: h('p', null, YZ.t('card_can_then_be_claimed')),
        confirm: YZ.t('release'), danger: true
      }).then(function (yes) {
        if (!yes) return;
        send({ kind: 'release_claim', serial: serial, reason: reason }, YZ.t('released_claim_of', { name: name })).then(function (m) {
          if (m.type === 'ack') $('#release-reason').value = '';
        });
      });
    });
    $('#range-form').addEventListener('submit', function (e) {
      e.preventDefault();
      const a = parseInt($('#range-from').value, 10), b = parseInt($('#range-to').value, 10);
      if (!(a >= 1 && b >= a)) { say('error', YZ.t('enter_valid_range_of_card')); return; }
      api('GET', '/api/admin/cards/voters?from=' + a + '&to=' + b).then(function (r) { openSheet(YZ.t('voter_cards_sheet_title') + a + '–' + b, r); });
    });
    $('#table-cards').addEventListener('click', function () {
      api('GET', '/api/admin/cards/tables').then(function (r) { openSheet(YZ.t('table_and_staff_cards'), r); });
    });
    $('#sheet-print').addEventListener('click', function () { window.print(); });
    $('#sheet-close').addEventListener('click', closeSheet);
  }

  // ------------------------------------------------------------ exports

  function download(path, name) {
    api('GET', path).then(function (r) {
      if (!r.ok) { say('error', apiError(r)); return; }
      const blob = new Blob([r.body], { type: r.type || 'application/octet-stream' });
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: name, class: 'visually-hidden' }, name);
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(url); if (a.parentNode) a.parentNode.removeChild(a); }, 1000);
      say('ok', YZ.t('downloaded') + name);
    });
  }

  /**
   * A document from the organiser endpoints as a file (binary-safe: the
   * workbook), or printed from a hidden frame (the notice, the letters: the
   * browser's print dialog, where A4 and the printer are chosen).
   */
  function fetchDocument(path) {
    return fetch(path, { headers: { Authorization: 'Bearer ' + secret() }, cache: 'no-store' }).then(function (r) {
      if (r.ok) return r.blob().then(function (blob) { return { ok: true, blob: blob }; });
      return r.text().then(function (text) {
        let b = null;
        try { b = JSON.parse(text); } catch (e) { b = null; }
        return { ok: false, status: r.status, body: b };
      });
    }, function () {
      return { ok: false, status: 0, body: { zh: YZ.tIn('zh', 'cannot_reach_hub'), en: YZ.tIn('en', 'cannot_reach_hub') } };
    });
  }
  function downloadDocument(path, name) {
    fetchDocument(path).then(function (r) {
      if (!r.ok) { say('error', apiError(r)); return; }
      const url = URL.createObjectURL(r.blob);
      const a = h('a', { href: url, download: name, class: 'visually-hidden' }, name);
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(url); if (a.parentNode) a.parentNode.removeChild(a); }, 1000);
      say('ok', YZ.t('downloaded') + name);
    });
  }
  function printDocument(path) {
    fetchDocument(path).then(function (r) {
      if (!r.ok) { say('error', apiError(r)); return; }
      const old = $('#print-frame');
      if (old) old.parentNode.removeChild(old);
      const reader = new FileReader();
      reader.onload = function () {
        const frame = h('iframe', { id: 'print-frame', title: YZ.t('print'), class: 'visually-hidden' });
        frame.addEventListener('load', function () {
          try { frame.contentWindow.focus(); frame.contentWindow.print(); } catch (e) { say('error', YZ.t('cannot_print') + e); }
        });
        frame.srcdoc = String(reader.result);
        document.body.appendChild(frame);
        say('ok', YZ.t('printing_choose_a4_paper'));
      };
      reader.readAsText(r.blob);
    });
  }

  // ------------------------------------------------------------ connection

  function renderAll() {
    renderHeader();
    renderTabs();
    renderView();
  }

  // The organiser's secret is no card: kept for this tab only, and a card of another role is refused here.
  const shell = YZ.staff({
    page: PAGE, roles: ['organiser'], client: 'admin-page/1', tabOnly: true, title: 'organiser',
    refused: function (detail) { return YZ.t('not_organisers_secret') + YZ.errorText(detail); },
    otherRole: function (you) { return YZ.t('that_code_is_for_not', { label: you.label }); },
    reset: function () { app.snap = null; app.you = null; app.sheet = null; },
    render: function () { renderAll(); },
    header: function () { renderHeader(); },
    welcome: function (you) { app.you = you; },
    change: function (snap, u) {
      const first = !app.snap;
      app.snap = snap;
      if (first || !u) { renderAll(); if (first) fetchPresence(); return; }
      renderHeader();
      renderView();
    }
  });

  /** The organiser's secret while signed in (the organiser endpoints want it), else null. */
  function secret() { return shell.session ? shell.token : null; }

  function init() {
    YZ.initLang();
    YZ.langToggle();
    YZ.onLang(function () { renderAll(); });
    document.addEventListener('visibilitychange', function () { if (!document.hidden) fetchPresence(); });
    const t = YZ.tabStorage.get('yz.admin.tab');
    if (TABS[t]) app.tab = t;
    wireCards();
    $('#export-json').addEventListener('click', function () { download('/api/admin/export.json', 'yuanzhuo-export.json'); });
    // As bytes (the byte order mark Chinese Excel needs stays), named in Chinese.
    $('#export-csv').addEventListener('click', function () { downloadDocument('/api/admin/export.csv', YZ.tIn('zh', 'results_csv_name')); });
    $('#export-xlsx').addEventListener('click', function () { downloadDocument('/api/admin/export.xlsx', 'yuanzhuo-results.xlsx'); });
    $('#export-pb').addEventListener('click', function () { downloadDocument('/api/admin/export.pb', 'yuanzhuo.pb'); });
    $('#export-notice').addEventListener('click', function () { downloadDocument('/api/admin/notice.html', 'yuanzhuo-notice.html'); });
    $('#export-letters').addEventListener('click', function () { downloadDocument('/api/admin/letters.html', 'yuanzhuo-letters.html'); });
    $('#print-notice').addEventListener('click', function () { printDocument('/api/admin/notice.html'); });
    $('#print-letters').addEventListener('click', function () { printDocument('/api/admin/letters.html'); });
    function hallQuery(ballots) {
      const q = [];
      if (ballots) {
        q.push('from=' + encodeURIComponent($('#hall-from').value.trim()));
        q.push('to=' + encodeURIComponent($('#hall-to').value.trim()));
      } else if ($('#hall-table').value.trim() !== '') {
        q.push('table=' + encodeURIComponent($('#hall-table').value.trim()));
      }
      return q.length ? '?' + q.join('&') : '';
    }
    $('#print-ballots').addEventListener('click', function () { printDocument('/api/admin/print/ballots.html' + hallQuery(true)); });
    $('#print-posters').addEventListener('click', function () { printDocument('/api/admin/print/posters.html'); });
    $('#print-handouts').addEventListener('click', function () { printDocument('/api/admin/print/handouts.html' + hallQuery(false)); });
    $('#print-minutes').addEventListener('click', function () { printDocument('/api/admin/print/minutes.html' + hallQuery(false)); });
    $('#print-record').addEventListener('click', function () { printDocument('/api/admin/print/record.html'); });
    $('#export-contacts').addEventListener('click', function () { downloadDocument('/api/admin/contacts.csv', YZ.tIn('zh', 'contacts_csv_name')); });
    $('#signout').addEventListener('click', function () {
      YZ.confirm({ title: YZ.t('sign_out_confirm'), body: h('p', null, YZ.t('you_will_need_organisers_secret')), confirm: YZ.t('sign_out') })
        .then(function (yes) { if (yes) shell.signIn(); });
    });
    app.autoNext = YZ.tabStorage.get('yz.admin.autonext') === '1';
    setInterval(tick, 500);
    setInterval(fetchPresence, PRESENCE_EVERY_MS);
    shell.begin();
  }

  init();
})();
