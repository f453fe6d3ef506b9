// Shared pieces of the browser tests: a real hub process on 127.0.0.1 with a
// fresh data folder, its tokens, and real headless Chromium (Debian's
// /usr/bin/chromium) driven by playwright-core. Screenshots go to
// tests/web/screenshots/ so that a person can look at them.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, readFileSync, writeFileSync, copyFileSync, statSync, realpathSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
export const hubBin = resolve(process.env.YZ_HUB_BIN || join(root, 'target', 'release', 'hub'));
export const screenshots = join(here, 'screenshots');

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/**
 * Why the binary at `exe` is not the one its sources make today, or null:
 * missing, built in another checkout, or older than one of the files Cargo
 * lists in its dep-info (`exe.d`: every source of the crates it is built
 * from, and the pages it embeds). Like `bin()` in tests/src/lib.rs.
 */
export function staleness(exe) {
  const mtime = (p) => { try { return statSync(p).mtimeMs; } catch { return null; } };
  const built = mtime(exe);
  if (built === null) return `${exe} is not built`;
  let text;
  try { text = readFileSync(`${exe}.d`, 'utf8'); } catch { return `${exe} has no ${exe}.d beside it (which sources it was built from)`; }
  const line = text.split('\n').find((l) => l.trim() && !l.startsWith('#')) || '';
  // Makefile syntax: words split on spaces, `\ ` a space inside a path.
  const words = (line.match(/(?:\\.|[^\s\\])+/g) || []).map((w) => w.replace(/\\(.)/g, '$1'));
  const target = words.shift() || '';
  if (!target.endsWith(':')) return `${exe}.d cannot be read as Cargo's dep-info`;
  const same = (a, b) => { try { return realpathSync(a) === realpathSync(b); } catch { return false; } };
  if (!same(resolve(root, target.slice(0, -1)), exe)) return `${exe} was built as ${target.slice(0, -1)} (another checkout)`;
  for (const w of words) {
    const source = resolve(root, w);
    const t = mtime(source);
    if (t === null) return `${exe} is built from ${source}, which is gone`;
    if (t > built) return `${exe} is older than ${source}`;
  }
  return null;
}

let hubChecked = false;
/** The hub binary, refused when stale: the pages tested are the ones in the sources. */
function hub() {
  if (!hubChecked) {
    const why = staleness(hubBin);
    if (why) throw new Error(`${why}: run \`cargo build --release -p hub\` first`);
    hubChecked = true;
  }
  return hubBin;
}

/** `hub <args>` → stdout. */
export function hubCmd(args) {
  return execFileSync(hub(), args, { encoding: 'utf8' });
}

/**
 * Start a hub on a fresh data folder (the demo meeting unless `meeting`
 * is given: the text of a meeting file, written into the test's folder next
 * to a copy of the demo proposals, or to `proposals`, the text of a
 * proposals CSV) with `voters` voter tokens minted.
 * `args` go to both `hub tokens` and `hub serve`, `serveArgs` only to serve
 * (e.g. `--no-public`). Returns { url, ws, port, data, tokens, restart(), stop() }.
 */
export async function startHub({ voters = 20, args = [], serveArgs = [], meeting = null, proposals = null } = {}) {
  hub();
  const dir = mkdtempSync(join(tmpdir(), 'yz-web-'));
  const data = join(dir, 'data');
  if (meeting !== null) {
    writeFileSync(join(dir, 'meeting.toml'), meeting);
    if (proposals !== null) writeFileSync(join(dir, 'proposals.csv'), proposals);
    else copyFileSync(join(root, 'hub', 'demo', 'proposals.csv'), join(dir, 'proposals.csv'));
    args = ['--meeting', join(dir, 'meeting.toml'), ...args];
  }
  const port = await freePort();
  const tokens = JSON.parse(hubCmd(['tokens', '--data', data, '--format', 'json', '--voters', String(voters),
    '--base-url', `http://127.0.0.1:${port}`, ...args]));
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  let child = null;
  async function spawnHub() {
    child = spawn(hubBin, ['serve', '--data', data, '--bind', `127.0.0.1:${port}`, ...args, ...serveArgs],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d) => { log += d; });
    const until = Date.now() + 20000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`hub exited: ${log}`);
      try {
        const r = await fetch(`${url}/healthz`);
        // 503 is an answer too: a hub that is up but not well (halted, a full disk) says so there.
        if (r.ok || r.status === 503) return;
      } catch { /* not up yet */ }
      if (Date.now() > until) throw new Error(`hub did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  async function kill(signal) {
    if (child.exitCode !== null) return;
    child.kill(signal);
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  }
  await spawnHub();
  return {
    url, port, data, dir, tokens, ws: `ws://127.0.0.1:${port}/ws`,
    log: () => log,
    /** Kill the hub (SIGKILL: a crash, unless told otherwise) and start it again on the same folder and port. */
    async restart({ signal = 'SIGKILL', down = null } = {}) {
      await kill(signal);
      if (down) await down();
      await spawnHub();
    },
    /** `hub export --format json` of this hub's data folder (works while it serves). */
    export() { return JSON.parse(hubCmd(['export', '--data', data, '--format', 'json'])); },
    async stop() {
      await kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Headless Chromium with the flags this machine needs (no network beyond loopback).
 * With YZ_WEB_DIR=hub/web the pages' scripts and style sheets are read from
 * that folder instead of the hub's embedded copies, to work on a page without
 * rebuilding the hub (the HTML still comes from the hub: Chromium lets only
 * a page served from 127.0.0.1 open a socket to it). Unset, the tests see
 * exactly what the binary serves.
 */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.YZ_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
  const dir = process.env.YZ_WEB_DIR;
  if (!dir) return browser;
  const fromDisk = async (target) => target.route(/^http:\/\/127\.0\.0\.1:\d+\/assets\/[a-z-]+\.(js|css)(\?.*)?$/, (route) => {
    const file = join(dir, new URL(route.request().url()).pathname.slice(8));
    if (!existsSync(file)) return route.continue();
    const type = file.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8';
    return route.fulfill({ status: 200, contentType: type, body: readFileSync(file) });
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...a) => { const c = await newContext(...a); await fromDisk(c); return c; };
  browser.newPage = async (...a) => { const c = await browser.newContext(...a); const p = await c.newPage(); return p; };
  return browser;
}

export async function shot(page, name) {
  mkdirSync(screenshots, { recursive: true });
  const path = join(screenshots, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/**
 * A screenshot that the README shows: taken like `shot`, and copied to
 * docs/screenshots/ when the run is asked to refresh them
 * (`YZ_DOCS_SHOTS=1 npm test --prefix tests/web`).
 */
export async function docShot(page, name) {
  const path = await shot(page, name);
  if (process.env.YZ_DOCS_SHOTS === '1') {
    const docs = join(root, 'docs', 'screenshots');
    mkdirSync(docs, { recursive: true });
    copyFileSync(path, join(docs, `${name}.png`));
  }
  return path;
}

/**
 * A protocol client in Node (for driving the meeting from a test while the
 * browser watches). Node 20 has no global WebSocket, so this speaks through
 * a page: `page.evaluate` in a blank page on the hub's origin.
 */
export async function organiser(browser, hub) {
  return connect(browser, hub, hub.tokens.organiser.token);
}

/**
 * The same protocol client for any token (a voter casting a ballot, a chair
 * queueing a speaker…): { page, welcome, command(c), close() }.
 */
export async function connect(browser, hub, token) {
  const page = await browser.newPage();
  await page.goto(`${hub.url}/healthz`);
  const welcome = await page.evaluate(async ({ ws, token }) => {
    const sock = new WebSocket(ws);
    window.__yz = { sock, answers: {}, n: 0, welcome: null };
    let welcomed;
    const first = new Promise((r) => { welcomed = r; });
    sock.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.type === 'welcome' || (m.type === 'error' && !window.__yz.welcome)) { window.__yz.welcome = m; welcomed(m); }
      if (m.id) window.__yz.answers[m.id] = m;
    };
    await new Promise((r) => { sock.onopen = r; });
    // A desk card (counter, scrutineer) is claimed by its first hello: each such client is its own device.
    sock.send(JSON.stringify({ type: 'hello', token, device: `harness-${token}`, pin: '2468' }));
    return Promise.race([first, new Promise((r) => setTimeout(() => r(null), 10000))]);
  }, { ws: hub.ws, token });
  if (!welcome || welcome.type !== 'welcome') throw new Error(`not welcomed: ${JSON.stringify(welcome)}`);
  return {
    page,
    welcome,
    async close() { await page.close(); },
    async command(command) {
      return page.evaluate(async (command) => {
        const id = `o-${++window.__yz.n}`;
        window.__yz.sock.send(JSON.stringify({ type: 'command', id, command }));
        for (let i = 0; i < 600 && !window.__yz.answers[id]; i++) await new Promise((r) => setTimeout(r, 25));
        return window.__yz.answers[id];
      }, command);
    },
    async advanceTo(phase) {
      const order = ['check_in', 'discussion', 'picks', 'pitches', 'voting', 'counted', 'published'];
      for (const p of order) {
        const a = await this.command({ kind: 'advance_phase', to: p });
        if (a?.type === 'error' && a.code !== 'bad_phase_transition') throw new Error(JSON.stringify(a));
        if (p === phase) return;
      }
    },
  };
}

const jsqrSource = readFileSync(join(here, 'node_modules', 'jsqr', 'dist', 'jsQR.js'), 'utf8');

/**
 * Read the QR code of every image matching `selector` the way a phone's
 * camera would: draw it, then decode the pixels with jsQR. Returns the
 * decoded texts (null where nothing could be read).
 */
export async function readQrCodes(page, selector) {
  await page.evaluate(jsqrSource);
  return page.evaluate(async (sel) => {
    const out = [];
    for (const img of document.querySelectorAll(sel)) {
      if (!img.complete) await new Promise((r) => { img.onload = r; img.onerror = r; });
      const n = 400, c = document.createElement('canvas');
      c.width = n; c.height = n;
      const g = c.getContext('2d');
      g.fillStyle = '#fff'; g.fillRect(0, 0, n, n);
      g.drawImage(img, 0, 0, n, n);
      const found = window.jsQR(g.getImageData(0, 0, n, n).data, n, n);
      out.push(found ? found.data : null);
    }
    return out;
  }, selector);
}

const axeSource = readFileSync(join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * Accessibility check with axe-core (WCAG 2 A/AA rules) on the page as it is
 * now. Returns the violations (empty when clean), each as
 * "rule-id: help (n nodes: selector…)" so that a failing assert says what to fix.
 */
export async function axeViolations(page, { exclude = [] } = {}) {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async (exclude) => {
    const r = await window.axe.run({ exclude: exclude.map((s) => [s]) },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);
  }, exclude);
  return result;
}

/** What `hub export --format json` says about this hub's data folder now. */
export function exportJson(hub) {
  return JSON.parse(hubCmd(['export', '--data', hub.data, '--format', 'json']));
}

/**
 * Wait until `fn()` returns something truthy (checked every 50 ms, at most
 * `timeout` ms), and return it; fails with `what` otherwise.
 */
/** Pages of a PDF (its page objects) and whether every page is A4. */
export function pdfPages(buf) {
  const text = buf.toString('latin1');
  const pages = (text.match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
  const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
  const a4 = boxes.length > 0 && boxes.every(([w, h]) => Math.abs(w - 595.3) < 1.5 && Math.abs(h - 841.9) < 1.5);
  return { pages, a4 };
}

export async function until(fn, what, timeout = 15000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try { last = await fn(); } catch (e) { last = e; }
    if (last && !(last instanceof Error)) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Texts on screen smaller than `fraction` of the viewport's height (the
 * projector: 1/40, 27 px at 1080p): every visible text node's computed
 * font size, listed with what it says (empty when all are large enough).
 */
export async function tooSmall(page, fraction = 1 / 40) {
  return page.evaluate((fraction) => {
    const min = innerHeight * fraction, out = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.bottom < 0 || r.top > innerHeight) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < min - 0.01) out.push(`${px}px < ${min}px: ${n.textContent.trim().slice(0, 40)}`);
    }
    return out;
  }, fraction);
}

/**
 * Visible texts that run off the screen (below the bottom or past the
 * right edge: a page that does not scroll has cut them off), for the
 * projector.
 */
export async function textOffScreen(page) {
  return page.evaluate(() => {
    const out = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      // A line cut short with "…" on purpose ends where its box ends.
      let right = Infinity;
      for (let a = el; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).textOverflow === 'ellipsis') right = Math.min(right, a.getBoundingClientRect().right);
      }
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const r of range.getClientRects()) {
        if (r.width > 0 && r.left < right && (r.bottom > innerHeight + 0.5 || Math.min(r.right, right) > innerWidth + 0.5)) { out.push(n.textContent.trim().slice(0, 40)); break; }
      }
    }
    return out;
  });
}
