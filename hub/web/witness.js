/* witness.js — a witness copy of the meeting's log kept by the scrutineer's
 * page (/scrutineer), like `hub witness` does on a terminal: the page asks the
 * hub for the raw log (`follow_log`), checks every entry (its number, its
 * link to the one before, and the SHA-256 of `prev ‖ body` against its hash)
 * and keeps it in this browser's IndexedDB, so that a reload or a crash of
 * the browser loses nothing; the download button saves it as a file that
 * `hub restore --from FILE` reads. A hub that sends an entry different from
 * one held here is refused: the copy stays as it was ("the box only grows").
 *
 * Entries a hidden tally seals during the vote are kept sealed (linked,
 * not readable) and asked for again once the vote has closed.
 *
 * ES2017 at most; the SHA-256 is written here because crypto.subtle exists
 * only on https pages and the hub is reached over plain http on the LAN.
 */
(function () {
  'use strict';
  const YZ = window.YZ;
  const GENESIS = '0000000000000000000000000000000000000000000000000000000000000000';

  // ------------------------------------------------------------ SHA-256 (FIPS 180-4)

  const K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];

  /** Lower-case hex SHA-256 of a string's UTF-8 bytes. */
  function sha256(text) {
    const bytes = new TextEncoder().encode(text);
    const n = bytes.length, total = ((n + 9 + 63) >> 6) << 6;
    const m = new Uint8Array(total);
    m.set(bytes);
    m[n] = 0x80;
    const bits = n * 8;
    // Length in bits, big-endian, in the last 8 bytes (messages under 2^53 bits).
    const hi = Math.floor(bits / 4294967296), lo = bits >>> 0;
    m[total - 8] = hi >>> 24; m[total - 7] = (hi >>> 16) & 255; m[total - 6] = (hi >>> 8) & 255; m[total - 5] = hi & 255;
    m[total - 4] = lo >>> 24; m[total - 3] = (lo >>> 16) & 255; m[total - 2] = (lo >>> 8) & 255; m[total - 1] = lo & 255;
    const H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    const W = new Array(64);
    for (let off = 0; off < total; off += 64) {
      let t;
      for (t = 0; t < 16; t++) {
        const i = off + 4 * t;
        W[t] = ((m[i] << 24) | (m[i + 1] << 16) | (m[i + 2] << 8) | m[i + 3]) >>> 0;
      }
      for (t = 16; t < 64; t++) {
        const x = W[t - 15], y = W[t - 2];
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        W[t] = (W[t - 16] + s0 + W[t - 7] + s1) >>> 0;
      }
      let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
      for (t = 0; t < 64; t++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const ch = (e & f) ^ (~e & g);
        const t1 = (h + S1 + ch + K[t] + W[t]) >>> 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const maj = (a & b) ^ (a & c) ^ (b & c);
        const t2 = (S0 + maj) >>> 0;
        h = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
      }
      H[0] = (H[0] + a) >>> 0; H[1] = (H[1] + b) >>> 0; H[2] = (H[2] + c) >>> 0; H[3] = (H[3] + d) >>> 0;
      H[4] = (H[4] + e) >>> 0; H[5] = (H[5] + f) >>> 0; H[6] = (H[6] + g) >>> 0; H[7] = (H[7] + h) >>> 0;
    }
    return H.map(function (v) { return ('00000000' + v.toString(16)).slice(-8); }).join('');
  }
  YZ.sha256 = sha256;

  // ------------------------------------------------------------ checking

  /** Does `row` follow `prev` (null for entry 1)? null if so, else what is wrong (English, for the record). */
  function problem(prev, row) {
    const wantSeq = prev ? prev.seq + 1 : 1, wantPrev = prev ? prev.hash : GENESIS;
    if (row.seq !== wantSeq) return 'entry ' + row.seq + ': expected entry ' + wantSeq;
    if (row.prev !== wantPrev) return 'entry ' + row.seq + ': prev is not the hash of entry ' + (wantSeq - 1);
    if (typeof row.body === 'string') return bodyProblem(row, row.body);
    if (typeof row.sealed === 'string' && /^[0-9a-f]{64}$/.test(row.hash)) return null;
    return 'entry ' + row.seq + ': no body';
  }
  function bodyProblem(row, body) {
    if (sha256(row.prev + body) !== row.hash) return 'entry ' + row.seq + ': hash mismatch';
    let b;
    try { b = JSON.parse(body); } catch (e) { return 'entry ' + row.seq + ': body unreadable'; }
    return b.seq === row.seq ? null : 'entry ' + row.seq + ': body says seq ' + b.seq;
  }
  function closesVote(body) {
    try { const e = JSON.parse(body).event; return e.type === 'phase_changed' && e.to === 'counted'; } catch (x) { return false; }
  }
  /** One entry as a line of the copy, in `hub export --format log`'s order. */
  function line(r) {
    const o = { seq: r.seq, prev: r.prev, hash: r.hash };
    if (typeof r.body === 'string') o.body = r.body; else o.sealed = r.sealed;
    return JSON.stringify(o) + '\n';
  }

  // ------------------------------------------------------------ the copy

  /**
   * new YZ.Witness({ key, onChange(witness) }) — key: a name for this
   * copy's IndexedDB database (one per card). Fields for drawing: rows
   * (held entries), sealed (how many), rewritten (null, or what the hub did),
   * stored (kept in IndexedDB, or memory only), loaded.
   */
  YZ.Witness = function (opts) {
    this.opts = opts;
    this.rows = [];
    this.sealed = 0;
    this.rewritten = null;
    this.stored = false;
    this.loaded = false;
    this.db = null;
    this.session = null;
    this.phase = null;
    this._load();
  };
  const W = YZ.Witness.prototype;

  W._changed = function () { if (this.opts.onChange) this.opts.onChange(this); };

  W._load = function () {
    const self = this;
    const done = function () { self.loaded = true; self._changed(); self._follow(); };
    if (!window.indexedDB) { done(); return; }
    let req;
    try { req = indexedDB.open('yz-witness-' + this.opts.key, 1); } catch (e) { done(); return; }
    req.onupgradeneeded = function () { req.result.createObjectStore('rows', { keyPath: 'seq' }); };
    req.onerror = function () { done(); };
    req.onsuccess = function () {
      self.db = req.result;
      self.stored = true;
      const all = self.db.transaction('rows', 'readonly').objectStore('rows').getAll();
      all.onsuccess = function () {
        const rows = (all.result || []).sort(function (a, b) { return a.seq - b.seq; });
        // Check what was kept, as on arrival: a copy damaged in storage is not continued.
        for (let i = 0; i < rows.length; i++) {
          const p = problem(i ? rows[i - 1] : null, rows[i]);
          if (p) { self.rewritten = { stored: true, detail: p }; break; }
        }
        if (!self.rewritten) self.rows = rows;
        self._count();
        done();
      };
      all.onerror = function () { done(); };
    };
  };

  W._count = function () { this.sealed = this.rows.filter(function (r) { return typeof r.sealed === 'string'; }).length; };
  W.firstSealed = function () {
    for (let i = 0; i < this.rows.length; i++) if (typeof this.rows[i].sealed === 'string') return this.rows[i].seq;
    return null;
  };
  W.last = function () { return this.rows.length ? this.rows[this.rows.length - 1] : null; };

  /** Follow the log on this session (call on every welcome, with the snapshot's phase). */
  W.attach = function (session, phase) {
    this.session = session;
    this.phase = phase;
    this._follow();
  };
  W._follow = function () {
    if (!this.loaded || !this.session || this.rewritten) return;
    const next = this.rows.length + 1, again = this.phase === 'counted' || this.phase === 'published' ? this.firstSealed() : null;
    this.session.send({ type: 'follow_log', from: again || next });
  };

  /** A `log` message from the hub. */
  W.take = function (frame) {
    if (this.rewritten || !this.loaded) return;
    let fresh = [], opened = [], closed = false;
    for (let i = 0; i < frame.rows.length; i++) {
      const row = frame.rows[i], held = this.rows[row.seq - 1];
      if (row.seq <= this.rows.length) {
        if (held.hash !== row.hash || held.prev !== row.prev) {
          this.rewritten = { seq: row.seq, held: held.hash, sent: row.hash };
          break;
        }
        if (typeof held.sealed === 'string' && typeof row.body === 'string') {
          if (bodyProblem(row, row.body)) { this.rewritten = { seq: row.seq, held: held.hash, sent: row.hash, detail: 'opened body does not match' }; break; }
          this.rows[row.seq - 1] = { seq: row.seq, prev: row.prev, hash: row.hash, body: row.body };
          opened.push(this.rows[row.seq - 1]);
        }
        continue;
      }
      const p = problem(this.last(), row);
      if (p) { this.rewritten = { seq: row.seq, detail: p }; break; }
      const kept = typeof row.body === 'string' ? { seq: row.seq, prev: row.prev, hash: row.hash, body: row.body }
        : { seq: row.seq, prev: row.prev, hash: row.hash, sealed: row.sealed };
      if (kept.body && closesVote(kept.body)) closed = true;
      this.rows.push(kept);
      fresh.push(kept);
    }
    this._store(fresh.concat(opened));
    this._count();
    if (closed) { this.phase = 'counted'; if (this.firstSealed()) this._follow(); }
    this._changed();
  };

  W._store = function (rows) {
    if (!this.db || !rows.length) return;
    try {
      const st = this.db.transaction('rows', 'readwrite').objectStore('rows');
      rows.forEach(function (r) { st.put(r); });
    } catch (e) { this.stored = false; }
  };

  /** The copy as a file (JSON lines), for `hub restore --from`. */
  W.text = function () { return this.rows.map(line).join(''); };
  W.download = function (name) {
    const blob = new Blob([this.text()], { type: 'application/x-ndjson' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.parentNode.removeChild(a); }, 1000);
  };
})();
