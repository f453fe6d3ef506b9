/* table-screen.js — /table-screen, a read-only screen for one table (a
 * tablet or a spare phone laid in the middle of it): the meeting's
 * countdown in big digits (the same time as the projector), who is speaking
 * and for how long, who comes next, and the talk time of every seat, those
 * who have not spoken yet marked.
 *
 * It opens with the table's own read-only screen card (printed with the
 * table's staff cards, its QR code opens this page), or with the card of
 * the table's chair, recorder or adviser (the chair's page links here with
 * its card): the hub shows that card its table's queue. This page sends no
 * command: it only shows.
 */
(function () {
  'use strict';
  const h = YZ.h, $ = YZ.$;
  const PAGE = 'table-screen', ROLES = { screen: 1, chair: 1, recorder: 1, adviser: 1 };
  const app = { you: null, snap: null, status: 'connecting', statusDetail: null };
  let session = null;

  /** "5" is seat 5: shown as 5号 / Seat 5; a name is shown as written (as on the chair's page). */
  const speaker = YZ.seatName;
  function myTable() { return app.you && app.you.table; }
  function detail() {
    const list = (app.snap && app.snap.table_details) || [];
    for (let i = 0; i < list.length; i++) if (list[i].table === myTable()) return list[i];
    return null;
  }
  function summary() {
    const list = (app.snap && app.snap.tables) || [];
    for (let i = 0; i < list.length; i++) if (list[i].table === myTable()) return list[i];
    return null;
  }

  /** Talk time per speaker, the current turn included; queued names that have not spoken count as 0. */
  function balance(d, now) {
    const rows = [], by = {};
    function row(name) {
      if (!by[name]) { by[name] = { name: name, turns: 0, ms: 0, speaking: false, order: rows.length }; rows.push(by[name]); }
      return by[name];
    }
    (d.balance || []).forEach(function (b) { const r = row(b.name); r.turns = b.turns; r.ms = b.total_ms; });
    (d.queue || []).forEach(function (e) {
      if (e.state === 'speaking' && e.started_at_ms) { const r = row(e.name); r.ms += Math.max(0, now - e.started_at_ms); r.speaking = true; }
      if (e.state === 'waiting') row(e.name);
    });
    // Seats in seat order first, then names in order of appearance.
    rows.sort(function (a, b) {
      const sa = /^\d+$/.test(a.name), sb = /^\d+$/.test(b.name);
      if (sa && sb) return Number(a.name) - Number(b.name);
      if (sa !== sb) return sa ? -1 : 1;
      return a.order - b.order;
    });
    return rows;
  }

  function render() {
    const s = app.snap, st = $('#ts-status');
    st.setAttribute('data-state', app.status);
    st.textContent = YZ.statusText(app.status, app.statusDetail);
    if (!s || !app.you) return;
    const t = summary();
    $('#ts-table').textContent = t ? t.name : YZ.t('table', { n: myTable() });
    $('#ts-phase').textContent = YZ.phaseName(s.phase);
    document.title = ($('#ts-table').textContent) + ' · ' + s.meeting.name;
    tick();
  }

  /** Twice a second: the countdown and the talk times follow the hub's clock. */
  function tick() {
    const s = app.snap;
    if (!s || !app.you) return;
    const now = session.now(), timer = s.timer;
    const clock = $('#ts-clock');
    if (timer) {
      const left = YZ.remainingMs(timer, now);
      $('#ts-clock-label').textContent = YZ.timerLabel(timer.label) + (timer.paused ? YZ.t('paused') : '');
      clock.textContent = YZ.clock(left);
      clock.setAttribute('data-over', left <= -1000 ? 'yes' : 'no');
    } else {
      $('#ts-clock-label').textContent = YZ.t('meeting_clock');
      clock.textContent = '—';
      clock.setAttribute('data-over', 'no');
    }
    let d = detail() || { queue: [], balance: [] }, cur = null;
    d.queue.forEach(function (e) { if (e.state === 'speaking') cur = e; });
    $('#ts-speaker').textContent = cur ? speaker(cur.name) : YZ.t('nobody_is_speaking');
    $('#ts-talk').textContent = cur && cur.started_at_ms ? YZ.t('talking_for') + YZ.clock(Math.max(0, now - cur.started_at_ms)) : '';
    const waiting = d.queue.filter(function (e) { return e.state === 'waiting'; });
    YZ.drawIf($('#ts-next'), JSON.stringify(waiting.map(function (e) { return e.name; }).slice(0, 4)), function () {
      YZ.fill($('#ts-next'), waiting.length ? waiting.slice(0, 4).map(function (e) { return h('li', null, speaker(e.name)); })
        : h('li', { class: 'muted' }, YZ.t('nobody_is_waiting')));
    });
    const rows = balance(d, now);
    const silent = rows.filter(function (r) { return r.turns === 0 && !r.speaking; });
    $('#ts-silent').textContent = silent.length ? YZ.t('not_spoken_yet', { names: silent.map(function (r) { return speaker(r.name); }).join(YZ.t('list_sep')) }) : '';
    YZ.fill($('#ts-balance'), rows.length ? rows.map(function (r) {
      const spoken = r.turns > 0 || r.speaking;
      return h('li', { 'data-name': r.name, 'data-spoken': spoken ? 'yes' : 'no', 'data-now': r.speaking ? 'yes' : 'no' },
        h('strong', null, speaker(r.name)),
        h('span', { class: 't mono' }, spoken ? YZ.clock(r.ms) + YZ.t('turns_suffix', { turns: r.turns }) : YZ.t('not_yet')));
    }) : h('li', { class: 'muted' }, YZ.t('nobody_has_spoken_yet')));
  }

  function signIn(error) {
    if (session) { session.stop(); session = null; }
    app.you = null; app.snap = null;
    $('#screen').hidden = true;
    $('#signin').hidden = false;
    if (error) YZ.say('error', error);
    $('#signin-code').focus();
  }

  function start(token, typed) {
    $('#signin').hidden = true;
    $('#wrong-card').hidden = true;
    session = new YZ.Session({
      token: token,
      client: 'table-screen/1',
      onStatus: function (state, detail) {
        app.status = state; app.statusDetail = detail;
        if (state === 'refused') { YZ.forgetToken(PAGE); signIn(YZ.statusText(state, detail)); return; }
        render();
      },
      onWelcome: function (you, snap) {
        if (!ROLES[you.role] || !you.table) {
          session.stop();
          YZ.forgetToken(PAGE);
          signIn();
          YZ.fill($('#wrong-text'), YZ.t('this_card_is_for_not', { label: you.label }));
          $('#wrong-card').hidden = false;
          return;
        }
        if (typed) YZ.keepToken(PAGE, token);
        if (!YZ.storage.get('yz.lang')) YZ.initLang(snap.meeting.language);
        app.you = you;
        $('#screen').hidden = false;
      },
      onChange: function (snap) {
        if (!app.you) return;
        app.snap = snap;
        render();
      },
      onNotice: function (m) { YZ.say('error', YZ.errorText(m)); }
    }).start();
  }

  function init() {
    YZ.initLang();
    YZ.langToggle();
    YZ.onLang(function () { $('#ts-next').__yzKey = null; render(); });
    $('#signin-form').addEventListener('submit', function (e) {
      e.preventDefault();
      const code = $('#signin-code').value.toUpperCase().replace(/[\s-]/g, '');
      $('#signin-code').value = '';
      if (code) start(code, true);
    });
    setInterval(tick, 500);
    const token = YZ.takeToken(PAGE);
    if (token) start(token, false); else signIn();
  }

  init();
})();
