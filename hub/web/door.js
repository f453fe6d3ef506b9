/* door.js — the door register (/door, registrar's card), with the rules'
 * `registration = "door"`: each arriving resident gets the next register
 * number and exactly one way to vote — a voter card (its printed serial), a
 * numbered paper ballot or a sheet of stickers — and the log records which
 * (docs/protocol.md, `register`). A resident whose phone died switches
 * (`reissue`): what they held is cancelled in the same entry.
 *
 * Made for a busy door: the cursor waits in the one field that matters,
 * Enter registers, Alt+1/2/3 choose what is handed out, Alt+R and Alt+S
 * switch between registering and switching; big type; every refusal in
 * words. A name or ID, if typed, goes to the hub only, which writes a keyed
 * hash of it: this page keeps nothing (no unsent command is stored on the
 * device either).
 *
 * The hub's answer to `register` carries the resident's register number
 * (`result.register`); the page shows it once the entry itself arrives.
 */
(function () {
  'use strict';
  const h = YZ.h, $ = YZ.$, D = YZ.desk;
  const PAGE = 'door';
  const RECENT = 12;
  const REASONS = ['phone_died', 'cannot_use_phone', 'card_lost', 'chose_paper'];
  const app = { you: null, snap: null, mode: 'register', given: null };
  let waiting = []; // registrations acknowledged, their entry not seen yet: {issue, known, register}

  function say(kind, text) { shell.say(kind, text); }

  function drawIf(el, key, draw) { YZ.drawIf(el, key, draw); }

  function register() { return (app.snap && app.snap.register) || []; }
  function entry(n) { return register().filter(function (e) { return e.register === n; })[0] || null; }
  function door() { return !!(app.snap && app.snap.rules.registration === 'door'); }
  function open() { return door() && YZ.PHASES.indexOf(app.snap.phase) < YZ.PHASES.indexOf('counted'); }
  function maxStickers() { return app.snap ? app.snap.rules.max_choices : 1; }

  // ------------------------------------------------------------ what is handed out

  const cardSerial = D.cardSerial;

  /** The same issue, as the hub would keep it (to find the entry it made). */
  function sameIssue(a, b) {
    if (!a || !b || a.kind !== b.kind) return false;
    if (a.kind === 'card') return cardSerial(a.serial) === cardSerial(b.serial);
    if (a.kind === 'paper') return D.normalizeNumber(a.number) === D.normalizeNumber(b.number);
    return a.stickers === b.stickers;
  }

  /** Who holds this card or paper number now, if anyone. */
  function holderOf(issue) {
    return register().filter(function (e) { return sameIssue(e.issue, issue); })[0] || null;
  }

  /**
   * What the form says is handed out: {issue} or {error, field}. A scanned
   * join link (a card's QR code) holds the card's secret code, not its
   * number: the registrar is asked to type the number printed on the card.
   */
  function readIssue(prefix) {
    const kind = document.querySelector('input[name="' + prefix + '-kind"]:checked').value;
    if (kind === 'stickers') {
      const n = parseInt($('#' + prefix + '-stickers').value, 10), max = maxStickers();
      if (!(n >= 1 && n <= max)) return { error: YZ.t('sheet_has_1_to_stickers', { max: max }), field: prefix + '-stickers' };
      return { issue: { kind: 'stickers', stickers: n } };
    }
    const v = $('#' + prefix + '-value').value.trim();
    if (!v) {
      return { error: kind === 'card' ? YZ.t('type_number_printed_on_voter')
        : YZ.t('type_number_printed_on_paper'), field: prefix + '-value' };
    }
    if (/\/j\/|^https?:/i.test(v)) {
      return { error: YZ.t('that_is_link_in_cards'), field: prefix + '-value' };
    }
    if (kind === 'card') {
      const serial = cardSerial(v);
      if (!/^V[0-9]{4,}$/.test(serial)) return { error: YZ.t('voter_cards_number_is_v'), field: prefix + '-value' };
      return { issue: { kind: 'card', serial: serial } };
    }
    if (!D.normalizeNumber(v)) return { error: YZ.t('type_number_printed_on_paper'), field: prefix + '-value' };
    return { issue: { kind: 'paper', number: v } };
  }

  /** A refusal of the hub in words, naming who holds what was handed out. */
  function refusal(m, issue) {
    let text = D.errorText(m);
    if (m.code === 'already_issued' && issue) {
      const e = holderOf(issue);
      if (e) text += YZ.t('held_by_register_number', { register: e.register });
    }
    if (m.code === 'wrong_phase') text = YZ.t('vote_has_closed_register_is');
    return text;
  }

  // ------------------------------------------------------------ drawing

  function renderHeader() { shell.header(app.snap); }

  function renderAll() {
    renderHeader();
    const s = app.snap, on = !!s;
    $('#view').hidden = !on || !door();
    $('#modes').hidden = !on || !open();
    const note = $('#door-note');
    note.hidden = !on || open();
    if (on && !door()) note.textContent = YZ.t('no_door_register_at_meeting');
    else if (on && !open()) note.textContent = YZ.t('register_closed_with_vote');
    if (!on || !door()) return;
    const btns = document.querySelectorAll('#modes [data-mode]');
    for (let i = 0; i < btns.length; i++) btns[i].setAttribute('aria-pressed', String(btns[i].getAttribute('data-mode') === app.mode));
    $('#view-register').hidden = !open() || app.mode !== 'register';
    $('#view-switch').hidden = !open() || app.mode !== 'switch';
    renderCounts();
    renderForms();
    renderRecent();
    renderGiven();
    renderHeld();
  }

  function renderCounts() {
    const s = app.snap, r = YZ.count(s).register || { registered: 0, cards: 0, paper: 0, sticker_sheets: 0, stickers: 0 };
    drawIf($('#door-counts'), JSON.stringify(r), function () {
      const big = function (id, label, v) { return h('div', null, h('div', { class: 'muted small-text' }, label), h('div', { class: 'big mono', id: id }, String(v))); };
      YZ.fill($('#door-counts'),
        big('door-registered', YZ.t('registered'), r.registered),
        big('door-cards', YZ.t('voter_cards'), r.cards),
        big('door-paper', YZ.t('paper_ballots'), r.paper),
        big('door-sheets', YZ.t('sticker_sheets'), r.sticker_sheets),
        big('door-stickers', YZ.t('stickers_handed_out'), r.stickers));
    });
    const line = $('#door-count-line');
    line.hidden = YZ.PHASES.indexOf(s.phase) < YZ.PHASES.indexOf('voting');
    drawIf(line, JSON.stringify(s.turnout), function () { YZ.fill(line, YZ.countLine(s)); });
  }

  function valueLabel(kind) {
    return kind === 'card' ? YZ.t('voter_card_number_printed_on')
      : YZ.t('paper_ballot_number_printed_on');
  }

  function renderForms() {
    ['reg', 'sw'].forEach(function (p) {
      const kind = document.querySelector('input[name="' + p + '-kind"]:checked').value;
      $('#' + p + '-value-box').hidden = kind === 'stickers';
      $('#' + p + '-stickers-box').hidden = kind !== 'stickers';
      $('#' + p + '-value-label').textContent = valueLabel(kind);
      const st = $('#' + p + '-stickers');
      st.max = String(maxStickers());
      if (!st.value) st.value = String(maxStickers());
    });
    $('#reg-value-help').textContent = YZ.t('enter_registers_after_paper_ballot');
    drawIf($('#sw-reasons'), 'reasons', function () {
      YZ.fill($('#sw-reasons'), REASONS.map(function (r) {
        return h('button', { type: 'button', class: 'small', onclick: function () { $('#sw-reason').value = YZ.t(r); renderSummary(); $('#sw-submit').focus(); } }, YZ.t(r));
      }));
    });
    renderSummary();
  }

  function issueLine(e) {
    return [h('strong', { class: 'mono' }, YZ.t('no') + e.register), ' ',
      h('span', { class: 'muted' }, D.time(e.at_ms)), ' ', D.issueText(e.issue),
      e.holder ? h('span', { class: 'chip' }, YZ.t('name_recorded')) : null,
      e.replaced && e.replaced.length ? h('span', { class: 'small-text muted' }, ' ' + e.replaced.map(function (r) {
        return YZ.t('was_cancelled', { issueText: D.issueText(r.issue), reason: r.reason });
      }).join(YZ.t('semicolon'))) : null];
  }

  function renderRecent() {
    const list = register().slice(-RECENT).reverse();
    drawIf($('#recent'), JSON.stringify(list) + open(), function () {
      YZ.fill($('#recent'), list.length ? list.map(function (e) {
        return h('li', { 'data-register': e.register, 'data-kind': e.issue.kind },
          h('span', { class: 'grow' }, issueLine(e)),
          open() ? h('button', { type: 'button', class: 'small', 'data-switch': e.register, onclick: function () { startSwitch(e.register); } },
            YZ.t('switch'), h('span', { class: 'visually-hidden' }, YZ.t('register_number') + e.register)) : null);
      }) : h('li', { class: 'muted' }, YZ.t('nobody_registered_yet')));
    });
  }

  function renderGiven() {
    const g = app.given, box = $('#given');
    drawIf(box, JSON.stringify(g), function () {
      if (!g) { YZ.fill(box); return; }
      if (g.waiting) { YZ.fill(box, h('p', { class: 'given-box muted' }, YZ.t('registering'))); return; }
      YZ.fill(box, h('div', { class: 'given-box', id: 'given-entry', 'data-register': g.register },
        h('div', { class: 'muted' }, g.switched ? YZ.t('switched') : YZ.t('tell_resident_register_number')),
        h('div', { class: 'given-number mono', id: 'given-number' }, String(g.register)),
        h('div', { class: 'given-issue' }, YZ.t('handed') + D.issueText(g.issue)),
        g.was ? h('div', { class: 'small-text' }, YZ.t('was_now_cancelled', { issueText: D.issueText(g.was) })) : null));
    });
  }

  function renderHeld() {
    const n = parseInt($('#sw-register').value, 10), e = n >= 1 ? entry(n) : null, box = $('#sw-held');
    const key = JSON.stringify([n, e]);
    drawIf(box, key, function () {
      if (!($('#sw-register').value)) { YZ.fill(box); return; }
      YZ.fill(box, e ? [YZ.t('holds_now'), h('strong', { id: 'sw-holds' }, D.issueText(e.issue))]
        : h('span', { class: 'chip bad' }, YZ.t('no_such_register_number')));
    });
    renderSummary();
  }

  function renderSummary() {
    const n = parseInt($('#sw-register').value, 10), e = n >= 1 ? entry(n) : null, r = readIssue('sw');
    YZ.fill($('#sw-summary'), e && r.issue ? [YZ.t('cancels'), h('strong', null, D.issueText(e.issue)), YZ.t('hands_out'),
      h('strong', null, D.issueText(r.issue.kind === 'card' ? r.issue : r.issue.kind === 'paper' ? { kind: 'paper', number: D.normalizeNumber(r.issue.number) } : r.issue))] : null);
  }

  // ------------------------------------------------------------ registering

  function showError(prefix, text, field) {
    const el = $('#' + prefix + '-error');
    el.hidden = !text;
    el.textContent = text || '';
    if (field) { const f = $('#' + field); f.focus(); if (f.select) f.select(); }
  }

  function submitRegister(e) {
    e.preventDefault();
    if (!open()) return;
    const r = readIssue('reg');
    if (r.error) { showError('reg', r.error, r.field); return; }
    showError('reg', null);
    const holder = $('#reg-holder').value.trim();
    const cmd = { kind: 'register', issue: r.issue };
    if (holder) cmd.holder = holder;
    const known = {};
    register().forEach(function (x) { known[x.register] = true; });
    app.given = { waiting: true };
    renderGiven();
    $('#reg-submit').disabled = true;
    shell.session.command(cmd).then(function (m) {
      $('#reg-submit').disabled = false;
      renderHeader();
      if (m.type !== 'ack') {
        app.given = null;
        renderGiven();
        showError('reg', YZ.t('not_registered') + refusal(m, r.issue), r.issue.kind === 'stickers' ? 'reg-stickers' : 'reg-value');
        return;
      }
      $('#reg-holder').value = '';
      const v = $('#reg-value');
      v.value = r.issue.kind === 'paper' ? D.nextNumber($('#reg-value').value.trim()) : '';
      waiting.push({ issue: r.issue, known: known, register: m.result && m.result.register });
      resolveGiven();
      (r.issue.kind === 'stickers' ? $('#reg-stickers') : v).focus();
      if (v.select) v.select();
    });
    renderHeader();
  }

  /** Acknowledged registrations whose entry has arrived: show its number. */
  function resolveGiven() {
    waiting = waiting.filter(function (w) {
      const found = register().filter(function (x) {
        return w.register ? x.register === w.register : !w.known[x.register] && sameIssue(x.issue, w.issue);
      });
      if (!found.length) return true;
      const e = found[found.length - 1];
      app.given = { register: e.register, issue: e.issue };
      say('ok', YZ.t('registered_notice', { register: e.register, issueText: D.issueText(e.issue) }));
      return false;
    });
    renderGiven();
  }

  function startSwitch(n) {
    setMode('switch');
    $('#sw-register').value = String(n);
    renderHeld();
    const kind = document.querySelector('input[name="sw-kind"]:checked').value;
    const f = kind === 'stickers' ? $('#sw-stickers') : $('#sw-value');
    f.focus();
  }

  function submitSwitch(e) {
    e.preventDefault();
    if (!open()) return;
    const n = parseInt($('#sw-register').value, 10), held = n >= 1 ? entry(n) : null;
    if (!held) { showError('sw', YZ.t('type_residents_register_number_see'), 'sw-register'); return; }
    const r = readIssue('sw');
    if (r.error) { showError('sw', r.error, r.field); return; }
    const reason = $('#sw-reason').value.trim();
    if (!reason) { showError('sw', YZ.t('say_why_it_is_shown'), 'sw-reason'); return; }
    showError('sw', null);
    const was = held.issue;
    $('#sw-submit').disabled = true;
    shell.session.command({ kind: 'reissue', register: n, issue: r.issue, reason: reason }).then(function (m) {
      $('#sw-submit').disabled = false;
      renderHeader();
      if (m.type !== 'ack') {
        showError('sw', YZ.t('not_switched') + refusal(m, r.issue), m.code === 'reason_required' ? 'sw-reason' : m.code === 'unknown_register' || m.code === 'already_voted' ? 'sw-register' : null);
        return;
      }
      app.given = { register: n, issue: r.issue.kind === 'card' ? { kind: 'card', serial: cardSerial(r.issue.serial) } : r.issue.kind === 'paper' ? { kind: 'paper', number: D.normalizeNumber(r.issue.number) } : r.issue, was: was, switched: true };
      say('ok', YZ.t('register_number_switched_to_is', { n: n, issueText: D.issueText(app.given.issue), issueText2: D.issueText(was) }));
      $('#sw-value').value = ''; $('#sw-reason').value = ''; $('#sw-register').value = '';
      setMode('register');
      renderHeld();
    });
    renderHeader();
  }

  function setMode(m) {
    app.mode = m;
    renderAll();
    const f = m === 'register' ? (document.querySelector('input[name="reg-kind"]:checked').value === 'stickers' ? $('#reg-stickers') : $('#reg-value')) : $('#sw-register');
    if (!f.closest('[hidden]')) f.focus();
  }

  function chooseKind(prefix, kind) {
    const r = document.querySelector('input[name="' + prefix + '-kind"][value="' + kind + '"]');
    if (r) r.checked = true;
    renderForms();
    const f = kind === 'stickers' ? $('#' + prefix + '-stickers') : $('#' + prefix + '-value');
    f.focus();
    if (f.select) f.select();
  }

  function wire() {
    $('#reg-form').addEventListener('submit', submitRegister);
    $('#sw-form').addEventListener('submit', submitSwitch);
    ['reg', 'sw'].forEach(function (p) {
      const radios = document.querySelectorAll('input[name="' + p + '-kind"]');
      for (let i = 0; i < radios.length; i++) radios[i].addEventListener('change', function (e) { chooseKind(p, e.currentTarget.value); });
      // Typing a card number ("V…") where a paper number is expected means a card.
      $('#' + p + '-value').addEventListener('input', function (e) {
        if (/^[vV\uff56\uff36]/.test(e.currentTarget.value) && document.querySelector('input[name="' + p + '-kind"]:checked').value !== 'card') {
          document.querySelector('input[name="' + p + '-kind"][value="card"]').checked = true;
          renderForms();
        }
        showError(p, null);
        if (p === 'sw') renderSummary();
      });
    });
    $('#sw-register').addEventListener('input', renderHeld);
    $('#sw-reason').addEventListener('input', renderSummary);
    $('#sw-stickers').addEventListener('input', renderSummary);
    const modes = document.querySelectorAll('#modes [data-mode]');
    for (let i = 0; i < modes.length; i++) modes[i].addEventListener('click', function (e) { setMode(e.currentTarget.getAttribute('data-mode')); });
    document.addEventListener('keydown', function (e) {
      if (!e.altKey || !app.snap || !open() || document.querySelector('.yz-dialog')) return;
      const k = e.key.toLowerCase(), prefix = app.mode === 'register' ? 'reg' : 'sw';
      const kinds = { 1: 'card', 2: 'paper', 3: 'stickers' };
      if (kinds[k]) { e.preventDefault(); chooseKind(prefix, kinds[k]); }
      else if (k === 'r') { e.preventDefault(); setMode('register'); }
      else if (k === 's') { e.preventDefault(); setMode('switch'); }
    });
  }

  // ------------------------------------------------------------ connection (staff.js)

  /** Redraw at most once a frame, however many updates arrive (YZ.frame). */
  const schedule = YZ.frame(function () { resolveGiven(); renderAll(); });

  // Nothing is kept on the device here (no persist): a name or ID typed goes to the hub only.
  const shell = YZ.staff({
    page: PAGE, roles: ['registrar'], client: 'door-page/1', title: 'door_page_title',
    who: function (you) { return YZ.t('registrar_who', { label: you.label, v: you.desk != null ? you.desk : '' }); },
    reset: function () { app.you = null; app.snap = null; },
    render: function () { renderAll(); },
    header: function () { renderHeader(); },
    welcome: function (you) { app.you = you; },
    change: function (snap) {
      const first = !app.snap;
      app.snap = snap;
      schedule();
      if (first) setTimeout(function () { setMode(app.mode); }, 0);
    },
    answer: function () { renderHeader(); }
  });

  function init() {
    YZ.initLang();
    YZ.langToggle();
    YZ.onLang(function () { renderAll(); });
    wire();
    shell.begin();
  }

  // Exposed for the browser tests and for debugging from the console.
  window.YZDoor = { app: app, cardSerial: cardSerial };
  init();
})();
