// The peer: what an organiser would otherwise hand-roll — a plain Node.js
// server on the `ws` package. It accepts the same ballot messages as the hub
// (docs/protocol.md: hello, command cast_ballot, advance_phase), keeps the
// same tally, appends each batch of ballots to a file and calls fdatasync
// before acknowledging them, and broadcasts the tally to viewers and phase
// changes to everyone. scripts/bench runs the same load against it and the
// hub, side by side. It is a yardstick, not a product: no rules, no roles
// beyond voter/viewer/organiser, no hash chain.
//
//   node peer.js --port 9200 --file /tmp/peer.log [--proposals 60] [--max 10] [--welcome voter-welcome.json]

'use strict';
const http = require('http');
const fs = require('fs');
const crypto = require('crypto');
const { WebSocketServer } = require('ws');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const port = Number(arg('port', 9200));
const file = arg('file', 'peer.log');
const nProposals = Number(arg('proposals', 60));
const maxChoices = Number(arg('max', 10));
// The voters' welcome as the hub sends it (for the bytes-per-phone figure):
// the same content, sent the way a hand-rolled `ws` server would.
const welcomeFile = arg('welcome', null);
const voterWelcome = welcomeFile ? fs.readFileSync(welcomeFile, 'utf8') : null;

const ids = Array.from({ length: nProposals }, (_, i) => `P${String(i + 1).padStart(2, '0')}`);
const known = new Set(ids);
const tally = Object.fromEntries(ids.map((id) => [id, 0]));
const voted = new Map(); // token -> { id, ack }
let ballots = 0;
let seq = 0;
let phase = 'voting';
let prev = '0'.repeat(64);
const stats = { commits: 0, entries: 0, commands: 0 };
const fd = fs.openSync(file, 'a');

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, connections: wss.clients.size, log: stats }));
  } else {
    res.writeHead(404);
    res.end();
  }
});
const wss = new WebSocketServer({ server, path: '/ws', maxPayload: 64 * 1024, perMessageDeflate: false });

const error = (id, code, detail) => JSON.stringify({ type: 'error', id, code, zh: code, en: code, detail });

let batch = [];
let flushing = false;

function flush() {
  flushing = false;
  if (batch.length === 0) return;
  const b = batch;
  batch = [];
  const lines = [];
  for (const x of b) {
    seq += 1;
    const line = JSON.stringify({ seq, voter: x.token, choices: x.choices });
    prev = crypto.createHash('sha256').update(prev + line).digest('hex');
    x.seq = seq;
    x.receipt = prev.slice(0, 10).toUpperCase();
    lines.push(line);
  }
  fs.writeSync(fd, lines.join('\n') + '\n');
  fs.fdatasyncSync(fd);
  stats.commits += 1;
  stats.entries += b.length;
  stats.commands += b.length;
  for (const x of b) {
    for (const c of x.choices) tally[c] += 1;
    ballots += 1;
    const ack = JSON.stringify({ type: 'ack', id: x.id, seq: x.seq, result: { receipt: x.receipt, choices: x.choices } });
    voted.set(x.token, { id: x.id, ack });
    if (x.ws.readyState === 1) x.ws.send(ack);
  }
  const update = JSON.stringify({ type: 'update', seq, log_head: prev, server_now_ms: Date.now(),
    turnout: { ballots }, tally: { counts: tally, ballots } });
  for (const c of wss.clients) if (c.role === 'viewer' && c.readyState === 1) c.send(update);
}

function welcome(ws) {
  if (voterWelcome && ws.role === 'voter') return voterWelcome;
  return JSON.stringify({
    type: 'welcome',
    you: { role: ws.role, label: ws.role },
    snapshot: {
      seq, log_head: prev, server_now_ms: Date.now(), phase,
      rules: { max_choices: maxChoices, picks_per_table: 3 },
      proposals: ids.map((id) => ({ id })), tables: [],
      tally: ws.role === 'viewer' ? { counts: tally, ballots } : null,
    },
  });
}

wss.on('connection', (ws) => {
  ws.role = null;
  ws.on('message', (data, isBinary) => {
    let m;
    try { m = JSON.parse(isBinary ? '' : data.toString()); } catch (e) { ws.send(error(undefined, 'bad_message')); return; }
    if (!ws.role) {
      if (m.type !== 'hello' || typeof m.token !== 'string') { ws.send(error(undefined, 'not_authenticated')); ws.close(1008); return; }
      ws.token = m.token;
      ws.role = m.token === 'projector' || m.token === 'public' ? 'viewer' : m.token === 'organiser' ? 'organiser' : 'voter';
      ws.send(welcome(ws));
      return;
    }
    if (m.type === 'snapshot') { ws.send(welcome(ws).replace('"type":"welcome"', '"type":"snapshot"')); return; }
    if (m.type !== 'command' || !m.command) { ws.send(error(m.id, 'bad_message')); return; }
    const c = m.command;
    if (c.kind === 'advance_phase' && ws.role === 'organiser') {
      phase = c.to;
      seq += 1;
      const update = JSON.stringify({ type: 'update', seq, log_head: prev, server_now_ms: Date.now(), phase });
      for (const x of wss.clients) if (x.readyState === 1) x.send(update);
      ws.send(JSON.stringify({ type: 'ack', id: m.id, seq, result: { phase } }));
      return;
    }
    if (c.kind !== 'cast_ballot' || ws.role !== 'voter') { ws.send(error(m.id, 'forbidden')); return; }
    if (phase !== 'voting') { ws.send(error(m.id, 'wrong_phase')); return; }
    const before = voted.get(ws.token);
    if (before) { ws.send(before.id === m.id ? before.ack : error(m.id, 'already_voted')); return; }
    if (batch.some((x) => x.token === ws.token)) { ws.send(error(m.id, 'already_voted')); return; }
    const ch = c.choices;
    if (!Array.isArray(ch) || ch.length === 0) { ws.send(error(m.id, 'empty_ballot')); return; }
    if (ch.length > maxChoices) { ws.send(error(m.id, 'too_many_choices', `${ch.length}/${maxChoices}`)); return; }
    if (new Set(ch).size !== ch.length) { ws.send(error(m.id, 'duplicate_choice')); return; }
    const bad = ch.find((x) => !known.has(x));
    if (bad) { ws.send(error(m.id, 'unknown_proposal', bad)); return; }
    batch.push({ ws, id: m.id, token: ws.token, choices: ch });
    // Group commit: everything that arrived in this turn of the event loop.
    if (!flushing) { flushing = true; setImmediate(flush); }
  });
  ws.on('error', () => {});
});

server.listen(port, '127.0.0.1', () => console.log(`peer listening on 127.0.0.1:${port}`));
