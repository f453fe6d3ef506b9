/* staff.js — the shell every staff page shares: the organiser's console
 * (/admin), the counter's page (/count), the scrutineer's (/scrutineer), the
 * door register (/door) and the table page (/table: chair, recorder,
 * adviser). It owns what was once copied into each of them:
 *
 *   - sign-in: the #signin form (a typed code is read as the hub reads it,
 *     YZ.normalizeToken, and kept only once the hub has welcomed it), the
 *     code of a join link (YZ.takeToken), forgetting it on signing in again;
 *   - the claim of a desk card (a counter's or scrutineer's: device and PIN
 *     in the hello, YZ.desk.claim): why it was refused, the PIN asked for;
 *   - a card of another role: sent to its own page (#wrong-card, YZ.wrongCard),
 *     or, on the console, refused with words of the page's choosing; a desk
 *     card (the hub asks for its PIN) opened on a page that claims none, if
 *     the page asks (deskCard): sent to the desk pages;
 *   - the session (YZ.Session) and the header's common part: the status,
 *     the phase, who you are, the tab's title, the commands not yet answered;
 *   - notices (#say), all with one timeout: YZ.say's (errors 15 s, else 6 s).
 *
 * A page passes only what differs (YZ.staff(opts), then shell.begin()):
 *   page      the page's name for its stored code ('count')
 *   roles     the roles whose cards belong here (['counter'])
 *   client    the client name in the hello ('count-page/1')
 *   persist   unanswered commands kept on the device under this name, or none
 *   claim     true: a desk card, claimed with a PIN on this device
 *   tabOnly   true: the code is kept for this tab only (the organiser's secret)
 *   deskCard  true: a desk card opened here is sent to /count or /scrutineer (#wrong-card)
 *   title     the word key the tab's title starts with, or title(you, snap) giving that start
 *   who(you, snap)        the header's #who text, or null to leave it
 *   refused(detail)       what to say when the hub refuses the code (default: YZ.statusText)
 *   otherRole(you)        a card of another role: what to say, signing in again (default: #wrong-card)
 *   reset(signOut)        forget the page's state (signOut: the person signs in again)
 *   render()              draw everything; header() the header (it calls shell.header())
 *   welcome(you, snap, session), change(snap, update), answer(message, id), log(frame)
 *
 * ES2017 at most; extends window.YZ (load after yz.js and desk.js).
 */
(function () {
  'use strict';
  const YZ = window.YZ;
  const $ = YZ.$;

  YZ.staff = function (opts) {
    const claims = opts.claim ? YZ.desk.claim : null;
    const store = opts.tabOnly ? { session: true } : undefined;
    const noop = function () {};
    const header = opts.header || noop;
    const shell = {
      session: null,
      /** The card as the hub welcomed it; null until then. */
      you: null,
      status: 'connecting',
      detail: null,
      /** The claim refusal being answered ('claim_required', 'wrong_pin'…), or null. */
      claiming: null,
      token: null,
      typed: false
    };

    /** A notice in #say; errors stay 15 s, anything else 6 s (YZ.say). */
    shell.say = function (kind, text) { YZ.say(kind, text); };

    /** The header's common part: status, phase, who, the tab's title, unanswered commands. */
    shell.header = function (snap) {
      const st = $('#status');
      st.setAttribute('data-state', shell.status);
      st.textContent = shell.claiming && shell.status === 'refused' ? YZ.t('pin_needed') : YZ.statusText(shell.status, shell.detail);
      $('#phase').textContent = snap ? YZ.phaseName(snap.phase) : '';
      const who = shell.you && opts.who ? opts.who(shell.you, snap) : null;
      if (who !== null && who !== undefined) $('#who').textContent = who;
      if (snap && typeof opts.title === 'function') {
        if (shell.you) document.title = opts.title(shell.you, snap) + snap.meeting.name;
      } else if (snap) document.title = YZ.t(opts.title) + snap.meeting.name;
      YZ.showUnsent($('#unsent'), shell.session);
    };

    function stop(signOut) {
      if (shell.session) { shell.session.stop(); shell.session = null; }
      shell.you = null;
      if (opts.reset) opts.reset(signOut);
    }

    /** Back to the sign-in form (the stored code forgotten), saying `error` if given. */
    shell.signIn = function (error) {
      stop(true);
      shell.claiming = null;
      YZ.forgetToken(opts.page);
      if (claims) claims.hide();
      $('#signin').hidden = false;
      opts.render();
      if (error) shell.say('error', error);
      $('#signin-code').focus();
    };

    /** A desk card opened on a page that claims none: say where it belongs (the hub names no desk card before its claim). */
    function deskCard() {
      stop(false);
      YZ.forgetToken(opts.page);
      YZ.fill($('#wrong-text'), YZ.t('this_is_counting_desk_card'),
        YZ.h('a', { href: '/count' }, '/count'), YZ.t('scrutineers_open'), YZ.h('a', { href: '/scrutineer' }, '/scrutineer'),
        YZ.t('or_scan_cards_qr_code'));
      $('#wrong-card').hidden = false;
      $('#signin').hidden = true;
    }

    /** The hub refused the card's hello over its claim: say why, ask for the PIN if that helps. */
    function claimRefused(refusal, sentPin) {
      stop(false);
      if (refusal.code === 'wrong_pin') claims.setPin(shell.token, null);
      shell.claiming = refusal.code;
      opts.render();
      claims.show({
        refusal: refusal, sentPin: sentPin,
        onPin: function (pin) { claims.setPin(shell.token, pin); claims.hide(); shell.start(shell.token, shell.typed); },
        onRetry: function () { claims.hide(); shell.start(shell.token, shell.typed); },
        onOther: function () { claims.setPin(shell.token, null); shell.signIn(); }
      });
    }

    /** Open a session with `token`; `typed`: keep it only once the hub welcomes it here. */
    shell.start = function (token, typed) {
      shell.token = token;
      shell.typed = !!typed;
      $('#signin').hidden = true;
      const sentPin = claims ? !!claims.pin(token) : false;
      const key = token.toUpperCase().replace(/[^0-9A-Z]/g, '');
      const session = new YZ.Session({
        token: token,
        client: opts.client,
        hello: claims ? claims.hello(token) : null,
        persist: opts.persist ? 'yz.pending.' + opts.persist + '.' + key : null,
        onStatus: function (state, detail) {
          shell.status = state;
          shell.detail = detail;
          header();
          if (state !== 'refused') return;
          if (claims && claims.isClaimRefusal(detail)) { claimRefused(detail, sentPin); return; }
          if (opts.deskCard && YZ.desk.claim.isClaimRefusal(detail)) { deskCard(); return; }
          shell.signIn(opts.refused ? opts.refused(detail) : YZ.statusText(state, detail));
        },
        onWelcome: function (you, snap) {
          if (opts.roles.indexOf(you.role) < 0) {
            if (opts.otherRole) shell.signIn(opts.otherRole(you));
            else YZ.wrongCard(session, opts.page, you);
            return;
          }
          if (typed) YZ.keepToken(opts.page, token, store);
          if (!YZ.storage.get('yz.lang')) YZ.initLang(snap.meeting.language);
          shell.you = you;
          if (opts.welcome) opts.welcome(you, snap, session);
          if (shell.claiming === 'claim_required') shell.say('ok', YZ.t('claimed_from_now_on_this'));
          shell.claiming = null;
        },
        onChange: function (snap, u) {
          if (shell.you && opts.change) opts.change(snap, u);
        },
        onAnswer: function (m, id) { if (opts.answer) opts.answer(m, id); },
        onNotice: function (m) { shell.say('error', YZ.errorText(m)); },
        onLog: function (frame) { if (opts.log) opts.log(frame); }
      });
      shell.session = session;
      session.start();
    };

    /** Wire the sign-in form, then start with the code of a join link or the stored one, or ask for it. */
    shell.begin = function () {
      $('#signin-form').addEventListener('submit', function (e) {
        e.preventDefault();
        const input = $('#signin-code');
        const code = YZ.normalizeToken(input.value);
        input.value = '';
        if (code) shell.start(code, true);
      });
      const token = YZ.takeToken(opts.page, store);
      if (token) shell.start(token); else shell.signIn();
    };

    return shell;
  };
})();
