/* vote.js — the resident's voting page at /vote, opened from the voting
 * card's link (token in the fragment) or by typing the card's code.
 *
 * Screens, chosen from the snapshot and this page's own state: the code
 * form, a waiting screen until voting opens, the choice list (grouped by
 * table, each table's picks marked, searchable, at most max_choices), a
 * review, the submission, the receipt (also for a card that has voted), and
 * the results once counted.
 *
 * Nothing is lost and nothing counted twice: the ballot is sent with one
 * command id that survives reconnects and a reload (YZ.Session `persist`),
 * and the hub answers a repeated id with the same receipt. The choice in
 * progress is kept in local storage, per card.
 */
(function () {
  'use strict';
  const YZ = window.YZ, V = YZ.views, h = YZ.h;
  const app = YZ.$('#app');

  let token = YZ.takeToken('vote');
  let session = null, snapshot = null, you = null;
  let ui = freshUi();
  let mounted = { screen: '', key: '' };

  function freshUi() {
    return {
      codeError: '', choices: [], query: '', picksOnly: false, review: false,
      limitHit: false, submitError: null, receipt: null, submitting: false, pendingAtStart: false
    };
  }

  // ------------------------------------------------------------ per-card storage

  /** The hub's reading of a typed code (docs/protocol.md: case, dashes, O/I/L). */
  const canonical = YZ.normalizeToken;
  /** A short name for a card in storage keys (FNV-1a; the code itself stays out of key names). */
  function cardKey() {
    let s = canonical(token), x = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) { x ^= s.charCodeAt(i); x = Math.imul(x, 0x01000193) >>> 0; }
    return x.toString(36);
  }
  function draftKey() { return 'yz.vote.draft.' + cardKey(); }
  function saveDraft() { YZ.storage.set(draftKey(), ui.choices.length ? JSON.stringify(ui.choices) : null); }
  function loadDraft() {
    try { return JSON.parse(YZ.storage.get(draftKey()) || '[]') || []; } catch (e) { return []; }
  }
  function clearDraft() { YZ.storage.set(draftKey(), null); }

  // ------------------------------------------------------------ which screen

  function mine() {
    const s = snapshot;
    if (s && s.my_ballot) return { receipt: s.my_ballot.receipt, choices: s.my_ballot.choices, fresh: ui.receipt ? ui.receipt.fresh : ui.pendingAtStart };
    return ui.receipt;
  }

  function screenOf() {
    if (!token) return 'code';
    if (!you || !snapshot) return 'connecting';
    if (you.role !== 'voter') return 'wrong';
    const s = snapshot;
    if (mine()) return V.at(s, 'counted') ? 'results' : 'receipt';
    if (ui.submitting || (session && session.unanswered() > 0)) return 'submitting';
    if (s.my_card && s.my_card.status !== 'usable' && !V.at(s, 'counted')) return 'card';
    if (s.phase === 'voting') return ui.review ? 'review' : 'choose';
    if (V.at(s, 'counted')) return 'results';
    return 'waiting';
  }

  /** The data a screen is built from; it is rebuilt only when this changes. */
  function keyOf(screen) {
    const s = snapshot, k = { screen: screen, lang: YZ.lang() };
    if (s) {
      k.phase = s.phase;
      if (screen === 'choose') { k.tables = s.tables; k.annotations = s.annotations; k.max = s.rules.max_choices; k.exclusions = s.exclusions; k.costs = s.adopted_costs; }
      if (screen === 'card') k.card = s.my_card;
      if (screen === 'waiting') { k.pitch = s.pitch; k.timer = !!s.timer; k.tables = s.pitch ? s.tables : null; }
      if (screen === 'review') { k.choices = ui.choices; k.err = ui.submitError; }
      if (screen === 'receipt' || screen === 'results') { k.mine = mine(); k.results = s.results; k.err = ui.submitError; }
    }
    if (screen === 'code') k.err = ui.codeError;
    if (screen === 'wrong') k.role = you && you.role;
    return JSON.stringify(k);
  }

  // ------------------------------------------------------------ drawing

  function render() {
    const screen = screenOf(), key = keyOf(screen);
    if (screen !== mounted.screen || key !== mounted.key) {
      const changed = screen !== mounted.screen;
      YZ.fill(app, SCREENS[screen]());
      app.setAttribute('data-screen', screen);
      mounted = { screen: screen, key: key };
      if (screen === 'choose') syncChoices();
      if (changed) {
        const first = app.querySelector('h1');
        if (first && document.activeElement !== YZ.$('#code')) { first.setAttribute('tabindex', '-1'); first.focus(); }
        window.scrollTo(0, 0);
      }
    }
    if (snapshot) document.title = YZ.t('vote') + ' · ' + snapshot.meeting.name;
    tick();
  }
  const schedule = YZ.frame(render);

  function pm() { return YZ.proposalMap(snapshot); }
  function max() { return snapshot.rules.max_choices; }
  function notice(kind, text) { return h('p', { class: 'notice ' + kind, role: kind === 'error' ? 'alert' : null }, text); }
  function timerLine() {
    return snapshot && snapshot.timer ? h('p', { class: 'timerline' }, YZ.timerLabel(snapshot.timer.label), ' ', h('b', { class: 'mono', 'data-timer': '' })) : null;
  }

  const SCREENS = {
    code: function () {
      return h('section', { class: 'card' },
        h('h1', null, YZ.t('enter_code_on_your_voting')),
        h('p', null, YZ.t('code_is_printed_next_to')),
        h('form', { id: 'code-form', novalidate: true, onsubmit: onCode },
          h('label', { for: 'code' }, YZ.t('card_code')),
          h('input', { id: 'code', name: 'code', type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false',
            maxlength: 40, class: 'codeinput', 'aria-describedby': ui.codeError ? 'code-error' : null, 'aria-invalid': ui.codeError ? 'true' : null }),
          ui.codeError ? h('p', { class: 'notice error', id: 'code-error', role: 'alert' }, ui.codeError) : null,
          h('button', { type: 'submit', class: 'primary big' }, YZ.t('continue'))),
        h('p', { class: 'muted' }, YZ.t('you_can_also_scan_qr')),
        h('p', null, h('a', { href: '/' }, YZ.t('about_this_meeting_live'))));
    },

    connecting: function () {
      return h('section', { class: 'card' }, h('h1', null, YZ.t('connecting_to_hub')),
        h('p', { class: 'muted' }, YZ.t('make_sure_your_phone_is')));
    },

    wrong: function () {
      const page = { chair: '/table', recorder: '/table', adviser: '/table', organiser: '/admin', projector: '/projector' }[you.role] || '/';
      return h('section', { class: 'card' },
        h('h1', null, YZ.t('this_is_not_voting_card')),
        h('p', null, YZ.t('this_card_is_for') + you.label),
        h('p', null, h('a', { class: 'button primary', href: page + '#token=' + encodeURIComponent(canonical(token)) }, YZ.t('open_page_for_this_card'))),
        h('p', null, h('button', { type: 'button', onclick: anotherCard }, YZ.t('enter_another_code'))));
    },

    /** A card that cannot vote (docs/protocol.md, `my_card`): say why, and what to do. */
    card: function () {
      const c = snapshot.my_card;
      return h('section', { class: 'card', id: 'card-status', 'data-status': c.status },
        h('h1', null, c.status === 'cancelled' ? YZ.t('this_card_was_cancelled') : YZ.t('this_card_has_not_been')),
        notice('error', cardText(c)),
        h('p', null, YZ.t('card_serial_prefix') , h('b', { class: 'mono' }, c.serial)),
        c.status === 'not_registered' ? h('p', { class: 'muted' }, YZ.t('once_it_is_registered_this')) : null,
        h('p', null, h('button', { type: 'button', id: 'another', onclick: anotherCard }, YZ.t('enter_another_code'))));
    },

    waiting: function () {
      const s = snapshot, p = s.phase === 'pitches' ? V.pitch(s) : null;
      return h('section', { class: 'card' },
        h('h1', null, YZ.t('voting_has_not_opened_yet')),
        h('p', { class: 'phase' }, YZ.t('now'), h('b', null, YZ.phaseName(s.phase))),
        timerLine(),
        p ? h('div', { class: 'onstage' },
          h('h2', null, YZ.t('pitching_now') + p.name),
          h('ul', { class: 'plain' }, p.picks.map(function (c) { return h('li', null, h('span', { class: 'pid mono' }, c.id), ' ', c.title, ' · ', c.costText); }))) : null,
        notice('info', YZ.t('when_voting_opens_this_page', { max: max() })),
        h('details', { class: 'browse' }, h('summary', null, YZ.t('look_at_all_proposals', { length: s.proposals.length })),
          groups().map(function (g) {
            return h('section', { class: 'group' }, h('h2', null, g.name),
              h('ul', { class: 'plain' }, g.items.map(function (it) {
                return h('li', null, h('span', { class: 'pid mono' }, it.p.id), ' ', it.p.title, it.picked ? h('span', { class: 'badge' }, YZ.t('pick')) : null);
              })));
          })));
    },

    choose: function () {
      const m = max();
      return h('section', { class: 'choose' },
        // Fixed at the bottom of the screen, full width, one line: what is chosen and the way on.
        h('div', { class: 'submitbar', id: 'submitbar' },
          // Inside the bar, so that it shows wherever the list is scrolled to.
          h('p', { class: 'notice error', id: 'limit-msg', role: 'alert', hidden: true }),
          h('div', { class: 'bar-row' },
            h('p', { class: 'counter', id: 'counter', 'aria-live': 'polite' }),
            h('button', { type: 'button', class: 'primary', id: 'to-review', onclick: toReview }, YZ.t('review_submit')))),
        h('h1', null, YZ.t('choose_proposals_you_support')),
        h('p', { class: 'muted' }, YZ.t('up_to_tap_to_choose', { m: m })),
        h('div', { class: 'tools' },
          h('label', { for: 'search' }, YZ.t('search')),
          h('input', { id: 'search', type: 'search', value: ui.query, placeholder: YZ.t('number_or_words'), oninput: onSearch, inputmode: 'search' }),
          h('label', { class: 'switch', for: 'picks-only' },
            h('input', { id: 'picks-only', type: 'checkbox', checked: ui.picksOnly, onchange: onPicksOnly }),
            ' ', YZ.t('only_tables_picks'))),
        h('p', { class: 'muted', id: 'no-match', hidden: true }, YZ.t('no_proposal_matches')),
        h('div', { id: 'list', onchange: onTick }, groups().map(function (g, gi) {
          return h('section', { class: 'group', 'aria-labelledby': 'g' + gi },
            h('h2', { id: 'g' + gi }, g.name, g.pickCount ? h('span', { class: 'gpicks' }, YZ.t('group_picks', { pickCount: g.pickCount })) : null),
            h('ul', { class: 'items' }, g.items.map(function (it) { return item(it, gi); })));
        })));
    },

    review: function () {
      const map = pm(), list = ordered(ui.choices);
      return h('section', { class: 'card' },
        h('h1', null, YZ.t('check_your_choices')),
        h('p', null, YZ.t('you_chose_at_most_once', { length: list.length, max: max() })),
        h('ol', { class: 'review-list' }, list.map(function (id) {
          const p = map[id] || { title: id };
          return h('li', null, h('span', { class: 'pid mono' }, id), ' ', p.title);
        })),
        ui.submitError ? h('p', { class: 'notice error', role: 'alert', id: 'submit-error', 'data-code': ui.submitError.code }, refusalText(ui.submitError)) : null,
        // Fixed at the bottom: the confirmation is in sight however long the list.
        h('div', { class: 'actions submitbar' },
          h('button', { type: 'button', class: 'primary big', id: 'submit', onclick: submit }, YZ.t('submit_my_ballot')),
          h('button', { type: 'button', id: 'back', onclick: function () { ui.review = false; render(); } }, YZ.t('go_back_and_change'))));
    },

    submitting: function () {
      return h('section', { class: 'card' },
        h('h1', null, YZ.t('submitting')),
        h('p', null, YZ.t('please_keep_this_page_open')),
        h('p', { class: 'status big', id: 'submit-status', 'data-state': session ? session.state : 'connecting' }, YZ.statusText(session ? session.state : 'connecting')));
    },

    receipt: function () {
      const b = mine(), map = pm();
      return h('section', { class: 'card receipt' },
        h('h1', null, b.fresh ? YZ.t('your_ballot_is_recorded') : YZ.t('this_card_has_already_voted')),
        receiptBox(b),
        h('h2', null, YZ.t('your_choices', { length: b.choices.length })),
        h('ol', { class: 'review-list', id: 'my-choices' }, ordered(b.choices).map(function (id) {
          return h('li', null, h('span', { class: 'pid mono' }, id), ' ', (map[id] || { title: id }).title);
        })),
        notice('info', YZ.t('when_count_is_done_this')),
        h('p', null, h('button', { type: 'button', id: 'another', onclick: anotherCard }, YZ.t('vote_with_another_card'))));
    },

    results: function () {
      const s = snapshot, r = V.results(s), b = mine();
      const chosen = {};
      if (b) b.choices.forEach(function (id) { chosen[id] = true; });
      return h('section', { class: 'card results' },
        h('h1', null, r && r.final ? YZ.t('results_published_final') : YZ.t('results')),
        b ? receiptBox(b) : notice('info', YZ.t('voting_has_closed')),
        !b && ui.submitError ? notice('error', YZ.t('your_ballot_was_not_recorded') + YZ.errorText(ui.submitError)) : null,
        r ? [
          h('p', { class: 'summary', id: 'count-line' }, YZ.countLine(V.closedTurnout(s))),
          h('p', { class: 'summary' }, YZ.t('budget_proposals_funded_in_all', { money: YZ.money(r.budget, r.currency), funded: r.funded, money2: YZ.money(r.total, r.currency) })),
          h('ol', { class: 'ranking', id: 'ranking' }, r.rows.map(function (row) {
            return h('li', { class: (row.funded ? 'funded' : 'unfunded') + (chosen[row.id] ? ' mine' : ''), 'data-id': row.id, 'data-votes': row.votes },
              h('span', { class: 'rank' }, row.rankText),
              h('span', { class: 'rtext' },
                h('span', { class: 'rtitle' }, h('span', { class: 'pid mono' }, row.id), ' ', row.title),
                h('span', { class: 'rmeta' }, YZ.t('votes', { votes: row.votes }), ' · ',
                  row.funded ? h('b', { class: 'ok' }, YZ.t('funded_mark')) : row.reason,
                  chosen[row.id] ? [' · ', h('b', null, YZ.t('your_choice'))] : null)));
          }))
        ] : h('p', null, YZ.t('counting')),
        b ? null : h('p', null, h('button', { type: 'button', id: 'another', onclick: anotherCard }, YZ.t('enter_another_code'))));
    }
  };

  /** Why this card cannot vote, in words: "此卡已作废：原因…", "请先到门口登记处领取". */
  function cardText(c) {
    if (c.status === 'cancelled') {
      return YZ.t('card_cancelled_cannot_vote', { reason: c.reason || YZ.t('no_reason_given') });
    }
    return YZ.t('please_collect_it_at_door');
  }

  /** The hub's refusal of a ballot, in plain words (the card's own reasons first). */
  function refusalText(m) {
    const map = YZ.proposalMap(snapshot);
    switch (m.code) {
      case 'card_cancelled': return cardText({ status: 'cancelled', reason: snapshot.my_card ? snapshot.my_card.reason : '' });
      case 'not_registered': return cardText({ status: 'not_registered' });
      case 'proposal_excluded': {
        const x = YZ.exclusionMap(snapshot)[m.detail];
        return YZ.t('not_submitted') + (x ? YZ.exclusionText(x) : YZ.errorText(m)) +
          YZ.t('proposal_excluded_before_vote_cannot');
      }
      default: return YZ.t('not_submitted') + YZ.errorText(m);
    }
  }

  function receiptBox(b) {
    return h('div', { class: 'receipt-box' },
      h('p', { class: 'rlabel' }, YZ.t('your_receipt_code')),
      h('p', { class: 'rcode mono', id: 'receipt' }, b.receipt),
      h('p', null, YZ.t('photograph_or_write_down_this')),
      h('p', null, h('a', { href: '/board#receipt=' + encodeURIComponent(b.receipt), id: 'board-link' }, YZ.t('see_this_ballot_on_public'))));
  }

  // ------------------------------------------------------------ the choice list

  /**
   * The proposals by table, in list order, each table's picks marked. When
   * every table discusses every proposal, each table shows only its picks
   * and the whole list follows once.
   */
  function groups() {
    const s = snapshot, map = pm(), picks = V.picks(s), am = YZ.annotationMap(s), cur = s.rules.budget.currency;
    const shared = s.rules.assignment === 'all_tables';
    const out = s.tables.map(function (t) {
      const ids = shared ? t.picks : t.share;
      return {
        name: t.name, pickCount: t.picks.length,
        items: ids.map(function (id) { return { p: V.proposal(map[id] || { id: id, title: id, cost: 0 }, am[id], cur, s), picked: t.picks.indexOf(id) >= 0 }; })
      };
    });
    if (shared) {
      out.push({ name: YZ.t('all_proposals'), pickCount: 0, items: s.proposals.map(function (p) {
        return { p: V.proposal(p, am[p.id], cur, s), picked: !!picks[p.id] };
      }) });
    }
    return out;
  }

  function item(it, gi) {
    const p = it.p, id = 'c' + gi + '-' + p.id;
    const hay = [p.id, p.title, p.location, p.category, p.description].join(' ').toLowerCase();
    const out = !!p.excluded;
    return h('li', { class: 'item' + (it.picked ? ' picked' : '') + (out ? ' excluded' : ''), 'data-id': p.id, 'data-picked': it.picked ? '1' : '0', 'data-excluded': out ? '1' : null, 'data-hay': hay },
      h('input', { type: 'checkbox', id: id, value: p.id, class: 'box', disabled: out, 'aria-describedby': out ? id + '-x' : null }),
      // One compact line or two: number, title, cost; the rest behind 详情 (details, on tap).
      h('label', { for: id },
        h('span', { class: 'ititle' }, h('span', { class: 'pid mono' }, p.id), ' ', p.title,
          it.picked ? h('span', { class: 'badge' }, YZ.t('tables_pick_badge')) : null),
        out ? h('span', { class: 'iexcl', id: id + '-x' }, p.excluded, YZ.t('cannot_be_chosen')) : null,
        h('span', { class: 'imeta' }, YZ.t('cost_prefix') + p.costText)),
      h('details', { class: 'more' },
        h('summary', null, YZ.t('details'), h('span', { class: 'visually-hidden' }, ' ' + p.id)),
        p.location ? h('p', { class: 'imeta' }, YZ.t('where_prefix') + p.location) : null,
        p.costRemark ? h('p', { class: 'imeta' }, p.costRemark) : null,
        p.description ? h('p', { class: 'idesc' }, p.description) : null,
        p.adviser ? h('p', { class: 'iadv adv-' + p.feasibility }, p.adviser, p.remark ? ' — ' + p.remark : '') : null));
  }

  /** Reflect the choices on every box, the counter and the review button. */
  function syncChoices() {
    const on = {};
    ui.choices.forEach(function (id) { on[id] = true; });
    const boxes = app.querySelectorAll('input.box');
    for (let i = 0; i < boxes.length; i++) {
      boxes[i].checked = !!on[boxes[i].value];
      boxes[i].parentNode.classList.toggle('chosen', !!on[boxes[i].value]);
    }
    const c = YZ.$('#counter');
    if (c) YZ.fill(c, YZ.t('chosen'), h('b', { id: 'count' }, ui.choices.length), ' / ' + max());
    const go = YZ.$('#to-review');
    if (go) go.disabled = ui.choices.length === 0;
    const msg = YZ.$('#limit-msg');
    if (msg) {
      const full = ui.limitHit && ui.choices.length >= max();
      msg.hidden = !full;
      msg.textContent = full ? YZ.t('you_can_choose_at_most', { max: max() }) : '';
    }
    applyFilter();
  }

  function onTick(e) {
    const box = e.target;
    if (!box || !box.classList || !box.classList.contains('box')) return;
    const id = box.value, at = ui.choices.indexOf(id);
    if (box.checked && YZ.exclusionMap(snapshot)[id]) { box.checked = false; return; }
    if (box.checked && at < 0) {
      if (ui.choices.length >= max()) {
        box.checked = false;
        ui.limitHit = true;
      } else {
        ui.choices.push(id);
        ui.limitHit = false;
      }
    } else if (!box.checked && at >= 0) {
      ui.choices.splice(at, 1);
      ui.limitHit = false;
    }
    saveDraft();
    syncChoices();
  }

  function onSearch(e) { ui.query = e.target.value; applyFilter(); }
  function onPicksOnly(e) { ui.picksOnly = e.target.checked; applyFilter(); }

  /** The number in a proposal id ("P07" → 7), or NaN. */
  function idNumber(id) { const d = String(id).replace(/\D/g, ''); return d ? parseInt(d, 10) : NaN; }

  function applyFilter() {
    let q = ui.query.toLowerCase().replace(/\s+/g, ' ').trim(), shown = 0;
    const groupsEl = app.querySelectorAll('#list .group');
    // A number ("7", "p7", "P07") finds that proposal, when there is one; words anything containing them.
    let num = /^p?\s*0*\d+$/.test(q) ? idNumber(q) : NaN, byNumber = false;
    if (!isNaN(num)) {
      const all = app.querySelectorAll('#list .item');
      for (let k = 0; k < all.length && !byNumber; k++) byNumber = idNumber(all[k].getAttribute('data-id')) === num;
    }
    for (let g = 0; g < groupsEl.length; g++) {
      let items = groupsEl[g].querySelectorAll('.item'), any = false;
      for (let i = 0; i < items.length; i++) {
        const hit = !q || (byNumber ? idNumber(items[i].getAttribute('data-id')) === num : items[i].getAttribute('data-hay').indexOf(q) >= 0);
        const ok = hit && (!ui.picksOnly || items[i].getAttribute('data-picked') === '1');
        items[i].hidden = !ok;
        if (ok) { any = true; shown++; }
      }
      groupsEl[g].hidden = !any;
    }
    const none = YZ.$('#no-match');
    if (none) none.hidden = shown > 0;
  }

  /** Choices in list order (as printed on the proposals list). */
  function ordered(ids) {
    const pos = {};
    snapshot.proposals.forEach(function (p, i) { pos[p.id] = i; });
    return ids.slice().sort(function (a, b) { return (pos[a] || 0) - (pos[b] || 0); });
  }

  function toReview() {
    if (!ui.choices.length) return;
    ui.review = true;
    ui.submitError = null;
    render();
  }

  // ------------------------------------------------------------ submitting

  function submit() {
    if (ui.submitting || !ui.choices.length) return;
    ui.submitting = true;
    ui.submitError = null;
    session.command({ kind: 'cast_ballot', choices: ordered(ui.choices) });
    render();
  }

  /** The hub's answer to our ballot: also for one re-sent after a reload. */
  function onAnswer(m) {
    ui.submitting = false;
    if (m.type === 'ack') {
      ui.receipt = { receipt: m.result.receipt, choices: m.result.choices || ui.choices, fresh: true };
      clearDraft();
    } else if (m.code === 'already_voted') {
      // Voted before (another phone, another tab): show that ballot.
      ui.receipt = { receipt: m.detail || '', choices: [], fresh: false };
      clearDraft();
      session.refresh();
    } else {
      ui.submitError = m;
      ui.review = true;
    }
    render();
  }

  // ------------------------------------------------------------ connection

  function connect() {
    if (session) session.stop();
    you = null; snapshot = null;
    session = new YZ.Session({
      token: token,
      client: 'vote-page/1',
      persist: 'yz.vote.pending.' + cardKey(),
      onWelcome: function (w, s) {
        you = w;
        YZ.initLang(s.meeting.language);
        const known = {}, xm = YZ.exclusionMap(s);
        s.proposals.forEach(function (p) { if (!xm[p.id]) known[p.id] = true; });
        if (!ui.choices.length) ui.choices = loadDraft().filter(function (id) { return known[id]; }).slice(0, s.rules.max_choices);
        if (session.unanswered() > 0) ui.pendingAtStart = true;
        if (s.my_ballot || YZ.views.at(s, 'counted')) clearDraft();
      },
      onChange: function (s) { snapshot = s; schedule(); },
      onAnswer: function (m) { onAnswer(m); },
      onStatus: status
    });
    session.start();
    render();
  }

  function status(state, detail) {
    const el = YZ.$('#status');
    el.hidden = state === 'online';
    el.setAttribute('data-state', state);
    el.textContent = YZ.statusText(state, detail);
    const sub = YZ.$('#submit-status');
    if (sub) { sub.setAttribute('data-state', state); sub.textContent = YZ.statusText(state, detail); }
    if (state === 'refused') {
      session.stop();
      session = null;
      YZ.forgetToken('vote');
      token = null;
      ui.codeError = YZ.t('this_code_is_not_valid') +
        (detail && detail.code !== 'unknown_token' ? ' ' + YZ.errorText(detail) : '');
      render();
    }
  }

  function onCode(e) {
    e.preventDefault();
    const code = YZ.$('#code').value.trim();
    if (canonical(code).length < 8) {
      ui.codeError = YZ.t('that_code_is_too_short');
      render();
      YZ.$('#code').value = code;
      YZ.$('#code').focus();
      return;
    }
    token = code;
    ui = freshUi();
    YZ.keepToken('vote', token);
    connect();
  }

  /** A shared phone: forget this card and start again with another. */
  function anotherCard() {
    if (session) session.stop();
    session = null; you = null; snapshot = null;
    YZ.forgetToken('vote');
    token = null;
    ui = freshUi();
    render();
    const c = YZ.$('#code');
    if (c) c.focus();
  }

  function tick() {
    const els = app.querySelectorAll('[data-timer]');
    if (!els.length || !snapshot || !snapshot.timer) return;
    const ms = YZ.remainingMs(snapshot.timer, session ? session.now() : Date.now());
    for (let i = 0; i < els.length; i++) els[i].textContent = YZ.clock(ms) + (snapshot.timer.paused ? YZ.t('paused') : '');
  }

  YZ.langToggle();
  YZ.initLarge();
  YZ.initLang();
  YZ.onLang(function () { mounted.key = ''; render(); if (mounted.screen === 'choose') syncChoices(); });
  YZ.every(1000, tick);
  if (token) connect(); else render();
})();
