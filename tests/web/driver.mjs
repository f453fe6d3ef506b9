// A protocol driver for the browser tests: real WebSocket clients of the hub
// (docs/protocol.md) living in one blank page on the hub's origin (Node 20
// has no global WebSocket). The tests use it to play the organiser, an
// adviser, and a room full of voters while the pages under test watch.

/** Every wait inside the page is bounded; this is the most any one may take. */
const ANSWER_MS = 15000;

const PAGE_CODE = () => {
  // Runs in the page. One named socket per role; commands wait for their answer.
  window.__yz = {
    socks: {},
    async open(name, ws, token, hello) {
      const s = { token, ws, hello, answers: {}, welcome: null, n: 0 };
      await new Promise((resolve, reject) => {
        const sock = new WebSocket(ws);
        s.sock = sock;
        const t = setTimeout(() => reject(new Error(`no welcome for ${name}`)), 15000);
        sock.onmessage = (e) => {
          const m = JSON.parse(e.data);
          if (m.type === 'welcome') { s.welcome = m; clearTimeout(t); resolve(); }
          else if (m.type === 'error' && !s.welcome) { clearTimeout(t); reject(new Error(`${name}: ${m.code}`)); }
          else if (m.id) s.answers[m.id] = m;
        };
        // A desk card (counter, scrutineer) is claimed by its first hello: each
        // named socket is its own device unless the caller says otherwise.
        sock.onopen = () =>
          sock.send(JSON.stringify({ device: `driver-${name}`, pin: '2468', ...(hello || {}), type: 'hello', token }));
        sock.onerror = () => { clearTimeout(t); reject(new Error(`${name}: socket error`)); };
      });
      this.socks[name] = s;
      return s.welcome;
    },
    async command(name, command, limit) {
      const s = this.socks[name];
      if (s.sock.readyState !== 1) await this.open(name, s.ws, s.token, s.hello);
      const t = this.socks[name];
      const id = `${name}-${Date.now().toString(36)}-${++t.n}`;
      t.sock.send(JSON.stringify({ type: 'command', id, command }));
      for (let i = 0; i < limit / 20 && !t.answers[id]; i++) await new Promise((r) => setTimeout(r, 20));
      return t.answers[id] || { type: 'timeout', id };
    },
  };
};

/**
 * One driver page on the hub's origin. Returns an object with
 * `connect(name, token)`, `command(name, command)`, `organiser()` helpers
 * and `castBallots([{ token, choices }])`.
 */
export async function driver(browser, hub) {
  const page = await browser.newPage();
  await page.goto(`${hub.url}/healthz`);
  await page.evaluate(PAGE_CODE);
  const d = {
    page,
    async connect(name, token, hello = null) {
      return page.evaluate(([n, ws, t, x]) => window.__yz.open(n, ws, t, x), [name, hub.ws, token, hello]);
    },
    /**
     * A counter's or scrutineer's card, claimed (or used again) from a
     * device of its own: `device` and `pin` in the hello (docs/protocol.md).
     */
    async desk(name, token, pin = '2468') {
      return d.connect(name, token, { device: `dev-${name}`, pin });
    },
    async command(name, command) {
      return page.evaluate(([n, c, l]) => window.__yz.command(n, c, l), [name, command, ANSWER_MS]);
    },
    /** The organiser's command; throws on anything but an ack. */
    async organise(command) {
      const a = await d.command('organiser', command);
      if (a.type !== 'ack') throw new Error(`${JSON.stringify(command)} → ${JSON.stringify(a)}`);
      return a;
    },
    /** Advance phase by phase up to `phase` (from wherever the meeting is). */
    async advanceTo(phase) {
      const order = ['check_in', 'discussion', 'picks', 'pitches', 'voting', 'counted', 'published'];
      for (const p of order) {
        const a = await d.command('organiser', { kind: 'advance_phase', to: p });
        if (a.type !== 'ack' && !['bad_phase_transition'].includes(a.code)) throw new Error(`advance to ${p}: ${JSON.stringify(a)}`);
        if (p === phase) return;
      }
    },
    /**
     * Every table picks `picks_per_table` proposals of its share: the first
     * ones, or, when every table shares the whole list, table N the Nth group
     * (the organiser stands in for the chairs).
     */
    async pickAll(snapshot) {
      const n = snapshot.rules.picks_per_table;
      for (const t of snapshot.tables) {
        const from = snapshot.rules.assignment === 'all_tables' ? (t.table - 1) * n : 0;
        await d.organise({ kind: 'set_picks', table: t.table, proposals: t.share.slice(from, from + n) });
      }
    },
    /**
     * Cast ballots through real voter connections, up to 20 at once.
     * Returns the acks' receipts in order (or the error code if refused).
     */
    async castBallots(ballots) {
      return page.evaluate(async ([ws, ballots, limit]) => {
        const cast = ({ token, choices }) => new Promise((resolve) => {
          const sock = new WebSocket(ws);
          const t = setTimeout(() => { sock.close(); resolve('timeout'); }, limit);
          sock.onopen = () => sock.send(JSON.stringify({ type: 'hello', token }));
          sock.onmessage = (e) => {
            const m = JSON.parse(e.data);
            if (m.type === 'welcome') sock.send(JSON.stringify({ type: 'command', id: 'b1', command: { kind: 'cast_ballot', choices } }));
            else if (m.id === 'b1' || (m.type === 'error' && !m.id)) {
              clearTimeout(t);
              sock.close();
              resolve(m.type === 'ack' ? m.result.receipt : m.code);
            }
          };
        });
        const out = [];
        for (let i = 0; i < ballots.length; i += 20) out.push(...await Promise.all(ballots.slice(i, i + 20).map(cast)));
        return out;
      }, [hub.ws, ballots, ANSWER_MS]);
    },
  };
  await d.connect('organiser', hub.tokens.organiser.token);
  return d;
}

/** A small deterministic generator (tests must not depend on luck). */
export function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 4294967296; };
}

/** `n` ballots of 1..max distinct choices from `ids`, skewed so that the tally has a clear order and some ties. */
export function ballotsFor(tokens, ids, max, seed = 7) {
  const r = rng(seed);
  return tokens.map((token) => {
    const k = 1 + Math.floor(r() * max);
    const chosen = new Set();
    while (chosen.size < k) chosen.add(ids[Math.floor(ids.length * r() * r())]);
    return { token, choices: [...chosen] };
  });
}
