#!/usr/bin/env python3
"""The benchmark behind scripts/bench/run: the hub against the disk's own
limit and against a plain Node.js `ws` server (peer.js), side by side in one
run, on 127.0.0.1. Servers are pinned to core 0 and the load generator
(`simulate`) to core 1 when the machine has two. Each figure is the median
of several runs that alternate hub and peer. Then the hub alone: closing
an equal-shares vote at 60 proposals × 1,000 voters and at 500 × 5,000 (the
close's ack time), each followed by the restart, `hub verify`, `hub
export` and `scripts/verify-count`. The must-handle meeting of MEETING.md
(30 tables, 500 proposals, 200 viewers, 5,000 phones) against the peer;
the welcome's growth with proposals and voter cards; the bytes one keyed
paper ballot costs a desk connection, early and late. Standard library only.
"""
import argparse
import base64
import csv
import json
import os
import random
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, "target", "release")
# YZ_BENCH_HUB, YZ_BENCH_SIM: another hub or simulator binary (e.g. an older
# build, for before/after figures), taken as is.
HUB = os.environ.get("YZ_BENCH_HUB") or os.path.join(BIN, "hub")
SIM = os.environ.get("YZ_BENCH_SIM") or os.path.join(BIN, "simulate")
VERIFY_COUNT = os.path.join(ROOT, "scripts", "verify-count")
PEER = os.path.join(ROOT, "scripts", "bench", "peer.js")
TWO_CORES = (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None


def stale(exe):
    """Why the binary at `exe` is not the one its sources make today, if it
    is not (as the test harness checks, tests/src/lib.rs `stale`): missing,
    or older than a file in its Cargo dep-info (`exe.d`)."""
    try:
        built = os.path.getmtime(exe)
        with open(exe + ".d") as f:
            line = f.readline()
    except OSError:
        return f"{exe} is not built, or has no {exe}.d beside it"
    _, _, deps = line.partition(": ")
    for dep in deps.replace("\\ ", "\0").split():
        dep = os.path.join(ROOT, dep.replace("\0", " "))
        if not os.path.exists(dep):
            return f"{exe} is built from {dep}, which is gone"
        if os.path.getmtime(dep) > built:
            return f"{exe} is older than {dep}"
    return None


def pinned(core, cmd):
    return (["taskset", "-c", str(core)] + cmd) if TWO_CORES else cmd


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc, limit=20):
    until = time.time() + limit
    while time.time() < until:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early ({proc.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server did not listen on {port}")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Server:
    """A fresh hub (new data folder) or peer on a free port, pinned to core 0."""

    def __init__(self, kind, work, voters, meeting=None, welcome=None):
        self.kind = kind
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix=f"{kind}-", dir=work)
        self.tokens = os.path.join(self.dir, "tokens.json")
        if kind == "hub":
            data = self.data = os.path.join(self.dir, "data")
            given = ["--meeting", meeting] if meeting else []
            sheet = subprocess.run([HUB, "tokens", "--data", data, "--format", "json", "--voters", str(voters)] + given,
                                   check=True, capture_output=True, text=True).stdout
            with open(self.tokens, "w") as f:
                f.write(sheet)
            cmd = [HUB, "serve", "--data", data, "--bind", f"127.0.0.1:{self.port}"]
        else:
            sheet = {"organiser": {"token": "organiser"}, "projector": {"token": "projector"}, "tables": [],
                     "voters": [{"token": f"V{i:05}"} for i in range(1, voters + 1)]}
            with open(self.tokens, "w") as f:
                json.dump(sheet, f)
            cmd = ["node", PEER, "--port", str(self.port), "--file", os.path.join(self.dir, "peer.log")]
            if welcome:
                cmd += ["--welcome", welcome]
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.proc = subprocess.Popen(pinned(0, cmd), stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)
        wait_port(self.port, self.proc)

    @property
    def url(self):
        return f"ws://127.0.0.1:{self.port}/ws"

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def stop(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def shares_meeting(work, proposals, tables, budget):
    """A meeting file under equal shares with `proposals` proposals (costs
    fixed by the size), every table and rule as at a street-level session."""
    d = tempfile.mkdtemp(prefix=f"shares-{proposals}-", dir=work)
    r = random.Random(proposals)
    with open(os.path.join(d, "proposals.csv"), "w", encoding="utf-8") as f:
        f.write("编号,标题,估算金额\n")
        for i in range(1, proposals + 1):
            f.write(f"P{i:03},项目{i},{r.choice([5000, 8000, 10000, 12000, 15000, 20000, 30000, 50000, 80000])}\n")
    path = os.path.join(d, "meeting.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"""[meeting]\nname = "bench {proposals}"\nvenue = "bench"\ndate = "2026-11-28"\nproposals = "proposals.csv"\n
[rules]\ntables = {tables}\npicks_per_table = 3\nmax_choices = 10\nallocation = "equal_shares"\ntie_break = "lower_cost"\n
[rules.budget]\namount = {budget}\n""")
    return path


def timed(cmd):
    """Seconds to run `cmd` (which must succeed)."""
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def restart_s(data):
    """Seconds from starting a hub on `data` (log replayed, count redone) to its listening."""
    port = free_port()
    t = time.perf_counter()
    p = subprocess.Popen(pinned(0, [HUB, "serve", "--data", data, "--bind", f"127.0.0.1:{port}"]),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        wait_port(port, p, limit=600)
        return time.perf_counter() - t
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()


def equal_shares_close(work, proposals, voters, tables, budget):
    """A vote of `voters` phones on `proposals` proposals, closed under equal
    shares: the close's ack time, then the restart, `hub verify`, `hub
    export` and `scripts/verify-count` on the closed meeting."""
    s = Server("hub", work, voters, meeting=shares_meeting(work, proposals, tables, budget))
    try:
        summary = simulate(s, ["--phase", "voting-only", "--voters", str(voters), "--concurrency", "64"])
        s.kill()
        out = {"close_ms": summary.get("close_ms")}
        log, export = os.path.join(s.dir, "log.jsonl"), os.path.join(s.dir, "export.json")
        out["restart_s"] = restart_s(s.data)
        out["verify_s"] = timed([HUB, "verify", "--data", s.data])
        out["export_s"] = timed([HUB, "export", "--data", s.data, "--format", "json", "--out", export])
        subprocess.run([HUB, "export", "--data", s.data, "--format", "log", "--out", log], check=True)
        out["verify_count_s"] = timed([sys.executable, VERIFY_COUNT, log, export])
        return out
    finally:
        s.stop()


def simulate(server, extra, hold=None):
    """Run simulate against `server`; returns its JSON summary. With `hold`,
    call hold() once the crowd is connected, then let it finish."""
    out = os.path.join(server.dir, "summary.json")
    cmd = pinned(1, [SIM, "--hub", server.url, "--tokens", server.tokens, "--summary-json", out] + extra)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
    result = None
    if hold is not None:
        for line in p.stdout:
            if line.strip() == "ready":
                result = hold()
                break
    p.stdin.close()
    p.stdin = None  # closed: the simulator goes on (and communicate must not touch it)
    try:
        _, err = p.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        p.kill()
        raise RuntimeError(f"simulate timed out against {server.kind}")
    if p.returncode != 0:
        raise RuntimeError(f"simulate failed against {server.kind}: {err.strip()[-800:]}")
    with open(out) as f:
        s = json.load(f)
    if result is not None:
        s["held"] = result
    return s


def first_token(server, role="voters"):
    with open(server.tokens) as f:
        sheet = json.load(f)
    return sheet[role][0]["token"]


def welcome_bytes(port, token, offer_deflate=True):
    """Connect like a browser (offering permessage-deflate unless told not
    to), say hello, and count the welcome's bytes on the wire (frame headers
    included). Returns (wire bytes, message text, whether it came deflated)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    ext = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" if offer_deflate else ""
    s.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{ext}\r\n").encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += s.recv(4096)
    head, buf = buf.split(b"\r\n\r\n", 1)
    deflated = b"permessage-deflate" in head.lower()
    payload = json.dumps({"type": "hello", "token": token}).encode()
    mask = os.urandom(4)
    s.sendall(bytes([0x81, 0x80 | 126]) + struct.pack(">H", len(payload)) + mask
              + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def need(n):
        nonlocal buf
        while len(buf) < n:
            d = s.recv(65536)
            if not d:
                raise RuntimeError("closed before the welcome")
            buf += d
    wire, msg, compressed = 0, b"", None
    while True:
        need(2)
        b0, ln, off = buf[0], buf[1] & 0x7F, 2
        if ln == 126:
            need(4)
            ln, off = struct.unpack(">H", buf[2:4])[0], 4
        elif ln == 127:
            need(10)
            ln, off = struct.unpack(">Q", buf[2:10])[0], 10
        need(off + ln)
        frame, buf = buf[:off + ln], buf[off + ln:]
        if b0 & 0x08:
            continue  # a control frame
        wire += len(frame)
        if compressed is None:
            compressed = bool(b0 & 0x40)
        msg += frame[off:]
        if b0 & 0x80:
            break
    s.close()
    if compressed:
        msg = zlib.decompressobj(-15).decompress(msg + b"\x00\x00\xff\xff")
    return wire, msg.decode(), bool(compressed and deflated)


class Ws:
    """A bare WebSocket client (no compression offered): text frames out,
    each text frame in with its size on the wire (headers included)."""

    def __init__(self, port, hello):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self.buf += self.s.recv(4096)
        self.buf = self.buf.split(b"\r\n\r\n", 1)[1]
        self.ids = 0
        self.sent = []
        self.send(hello)
        while True:
            m, _ = self.recv()
            if m.get("type") == "welcome":
                self.welcome = m
                return
            if m.get("type") == "error":
                raise RuntimeError(f"refused: {m}")

    def send(self, obj):
        payload = json.dumps(obj).encode()
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([0x81, 0x80 | n]) if n < 126 else bytes([0x81, 0x80 | 126]) + struct.pack(">H", n)
        self.s.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _need(self, n):
        while len(self.buf) < n:
            d = self.s.recv(1 << 16)
            if not d:
                raise RuntimeError("connection closed")
            self.buf += d

    def recv(self):
        """The next text message and its bytes on the wire (fragments joined)."""
        msg, wire = b"", 0
        while True:
            self._need(2)
            b0, ln, off = self.buf[0], self.buf[1] & 0x7F, 2
            if ln == 126:
                self._need(4)
                ln, off = struct.unpack(">H", self.buf[2:4])[0], 4
            elif ln == 127:
                self._need(10)
                ln, off = struct.unpack(">Q", self.buf[2:10])[0], 10
            self._need(off + ln)
            frame, self.buf = self.buf[:off + ln], self.buf[off + ln:]
            if b0 & 0x0F in (0x0, 0x1):
                msg, wire = msg + frame[off:], wire + len(frame)
                if b0 & 0x80:
                    return json.loads(msg), wire

    def command(self, command):
        """Send a command (kept under the hub's rate: 12 a second) and wait for its answer."""
        now = time.monotonic()
        self.sent = [t for t in self.sent if now - t < 1.0]
        if len(self.sent) >= 12:
            time.sleep(max(0.0, 1.0 - (now - self.sent[0])))
        self.sent.append(time.monotonic())
        self.ids += 1
        cid = f"b{self.ids}"
        self.send({"type": "command", "id": cid, "command": command})
        while True:
            m, _ = self.recv()
            if m.get("id") == cid and m.get("type") in ("ack", "error"):
                if m["type"] != "ack":
                    raise RuntimeError(f"{command} refused: {m}")
                return m

    def close(self):
        self.s.close()


def desk_bytes(work, counts=(10, 300)):
    """Bytes a desk connection (a scrutineer's page) receives for one keyed
    paper ballot, after `counts` ballots keyed into the same copy. Hub only:
    the peer has no counting desk."""
    s = Server("hub", work, 0)
    try:
        with open(s.tokens) as f:
            sheet = json.load(f)
        desk = lambda who, i: {"type": "hello", "token": sheet[who][i]["token"], "device": f"bench-{who}-{i}", "pin": "2468"}
        org = Ws(s.port, {"type": "hello", "token": sheet["organiser"]["token"]})
        org.command({"kind": "open_meeting"})
        for p in ("discussion", "picks", "pitches", "voting"):
            org.command({"kind": "advance_phase", "to": p})
        counter, obs = Ws(s.port, desk("counters", 0)), Ws(s.port, desk("scrutineers", 0))
        ids = [p["id"] for p in counter.welcome["snapshot"]["proposals"]]
        by_seq, at = {}, {}
        for n in range(1, max(counts) + 2):
            ack = counter.command({"kind": "key_paper", "batch": 1, "number": str(n), "marks": ids[n % 5:n % 5 + 3]})
            at[n] = ack["seq"]
            # Read the scrutineer's page up to this keystroke, adding up the
            # bytes of the updates at each log position.
            while True:
                m, size = obs.recv()
                seq = m.get("seq", m.get("snapshot", {}).get("seq", 0))
                if m.get("type") == "update":
                    by_seq[seq] = by_seq.get(seq, 0) + size
                if seq >= ack["seq"]:
                    break
        out = {n: by_seq.get(at[n]) for n in counts}
        for c in (counter, obs, org):
            c.close()
        return out
    finally:
        s.stop()


def big_meeting(work, n=500, tables=30):
    """A street-level meeting: `n` proposals in Chinese, with the lengths
    and variety of real ones (deterministic)."""
    rnd = random.Random(15)
    things = ["楼道声控灯", "楼梯扶手", "公共厕所", "监控探头", "绿化带", "健身器材", "垃圾分类亭", "电动车充电棚",
              "老年活动室", "儿童游乐场", "雨水管网", "停车位划线", "休闲座椅", "宣传栏", "无障碍坡道", "晾衣架"]
    acts = ["改造", "加装", "翻新", "更新", "修缮", "新建", "补种", "清理"]
    why = ["夜里上下楼摸黑，老人容易摔倒。", "居民反映多年无人维修，安全隐患大。", "雨天积水严重，出行不便。",
           "现有设施破旧，影响小区环境。", "电动车在楼道充电，存在火灾隐患。", "孩子们放学后没有安全的玩耍场所。",
           "建议由社区统一采购并安排后期维护。", "希望施工避开居民休息时间，减少噪音。", "费用可与物业公司协商分担。"]
    folder = tempfile.mkdtemp(prefix="meeting-", dir=work)
    with open(os.path.join(folder, "proposals.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["编号", "标题", "描述", "地点", "类别", "提议人", "估算金额", "层级"])
        for i in range(1, n + 1):
            title = f"{rnd.choice(things)}{rnd.choice(acts)}"
            desc = "".join(rnd.sample(why, rnd.randint(2, 4)))
            w.writerow([f"P{i:03}", title, desc, f"{rnd.choice(['朝阳新村', '百花洲路', '纺织厂宿舍', '幸福里'])}"
                        f"{rnd.randint(1, 30)}栋", "设施改造", f"{rnd.randint(1, 40)}栋居民",
                        rnd.randint(5, 120) * 1000, "社区"])
    meeting = os.path.join(folder, "meeting.toml")
    with open(meeting, "w") as f:
        f.write(f'[meeting]\nname = "街道项目筛选大会"\nvenue = "街道礼堂"\ndate = "2026-11-28"\n'
                f'proposals = "proposals.csv"\n[rules]\ntables = {tables}\npicks_per_table = 3\nmax_choices = 10\n'
                f'[rules.budget]\namount = 1000000\n')
    return meeting


def welcome_figures(work):
    """Welcome bytes per phone at 60 and 500 proposals: the hub as a browser
    gets it (deflated), the hub's plain text, and the peer sending that same
    text as a hand-rolled `ws` server does."""
    out = {}
    for n, meeting in ((60, None), (500, big_meeting(work))):
        hub = Server("hub", work, 1, meeting=meeting)
        try:
            token = first_token(hub)
            wire, text, deflated = welcome_bytes(hub.port, token)
            plain, _, _ = welcome_bytes(hub.port, token, offer_deflate=False)
        finally:
            hub.stop()
        path = os.path.join(work, f"welcome-{n}.json")
        with open(path, "w") as f:
            f.write(text)
        peer = Server("peer", work, 1, welcome=path)
        try:
            pwire, _, pdeflated = welcome_bytes(peer.port, first_token(peer))
        finally:
            peer.stop()
        out[n] = {"hub": wire, "hub_deflated": deflated, "hub_plain": plain, "peer": pwire, "peer_deflated": pdeflated}
    # Growth with the electorate: 100 and 5,000 voter cards.
    for v in (100, 5000):
        hub = Server("hub", work, v)
        try:
            token = first_token(hub)
            wire, _, _ = welcome_bytes(hub.port, token)
            plain, _, _ = welcome_bytes(hub.port, token, offer_deflate=False)
        finally:
            hub.stop()
        out[f"voters-{v}"] = {"hub": wire, "hub_plain": plain}
    return out


def fsync_limit(work, seconds):
    """F: small appends with fdatasync after each, on the hub's filesystem."""
    path = os.path.join(work, "fsync.probe")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    rec = b'{"seq":1,"choices":["P01","P07","P19"]}\n'
    lat = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t = time.perf_counter()
        os.write(fd, rec)
        os.fdatasync(fd)
        lat.append((time.perf_counter() - t) * 1e3)
    os.close(fd)
    os.unlink(path)
    lat.sort()
    return {"per_sec": len(lat) / seconds, "p50_ms": lat[len(lat) // 2], "p99_ms": lat[int(len(lat) * 0.99)]}


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3, help="runs per figure and server (median reported)")
    ap.add_argument("--phones", type=int, default=5000, help="idle phones for the broadcast and memory figures")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--only", help="comma-separated figures to run (burst1,burst64,burst1024,latency,crowd,memory,"
                                   "musthandle,equal_shares,welcome,desk)")
    a = ap.parse_args()
    only = set(a.only.split(",")) if a.only else None
    for b in [b for b, given in ((HUB, "YZ_BENCH_HUB"), (SIM, "YZ_BENCH_SIM")) if not os.environ.get(given)]:
        why = stale(b)
        if why:
            sys.exit(f"{why}: cargo build --release --workspace (scripts/bench/run does it)")
    work = tempfile.mkdtemp(prefix="yz-bench-", dir=os.path.join(ROOT, "target"))
    started = time.time()
    print(f"bench: {os.cpu_count()} cores, {'server on core 0, load on core 1' if TWO_CORES else 'no pinning'}; "
          f"{a.runs} alternating runs per figure; work folder {work}", flush=True)

    disk = [fsync_limit(work, 2.0) for _ in range(a.runs)]
    F = median([d["per_sec"] for d in disk])
    fs_p99 = median([d["p99_ms"] for d in disk])
    print(f"  disk: {F:.0f} fdatasync appends/s, p50 {median([d['p50_ms'] for d in disk]):.2f} ms, p99 {fs_p99:.2f} ms", flush=True)

    phones = a.phones
    scenarios = [
        ("burst1", 300, ["--phase", "voting-only", "--preconnect", "--concurrency", "1", "--voters", "300", "--keep-open"]),
        ("burst64", 3000, ["--phase", "voting-only", "--preconnect", "--concurrency", "64", "--voters", "3000", "--keep-open"]),
        ("burst1024", 4096, ["--phase", "voting-only", "--preconnect", "--concurrency", "1024", "--voters", "4096", "--keep-open"]),
        ("latency", 2000, ["--phase", "voting-only", "--preconnect", "--concurrency", "2000", "--voters", "2000", "--rate", "1000", "--keep-open"]),
        ("crowd", 1000, ["--phase", "voting-only", "--preconnect", "--concurrency", "64", "--voters", "1000", "--rate", "500",
                         "--viewers", "5", "--idle", str(phones)]),
        ("memory", phones, ["--phase", "none", "--voters", "0", "--idle", str(phones), "--hold"]),
    ]
    # The must-handle meeting (MEETING.md): 30 tables, 500 proposals, 500
    # voting, 200 viewers, the rest of 5,000 phones idle; the peer sends the
    # hub's own 500-proposal welcome.
    scenarios.append(("musthandle", 500, ["--phase", "voting-only", "--preconnect", "--concurrency", "64", "--voters", "500",
                                          "--rate", "250", "--viewers", "200", "--idle", str(phones)]))
    welcome = None
    if only is None or "welcome" in only or "musthandle" in only:
        welcome = welcome_figures(work)
        print(f"  welcome: done ({time.time() - started:.0f} s)", flush=True)
    big = big_meeting(work)
    results = {}
    for name, voters, extra in scenarios:
        if only is not None and name not in only:
            continue
        runs = {"hub": [], "peer": []}
        for r in range(a.runs):
            for kind in (("hub", "peer") if r % 2 == 0 else ("peer", "hub")):
                kw = {}
                if name == "musthandle":
                    kw = {"meeting": big} if kind == "hub" else {"welcome": os.path.join(work, "welcome-500.json")}
                s = Server(kind, work, voters, **kw)
                try:
                    if name == "memory":
                        time.sleep(0.5)
                        before = rss_kib(s.proc.pid)
                        summary = simulate(s, extra, hold=lambda: rss_kib(s.proc.pid))
                        summary["rss_growth_kib"] = summary["held"] - before
                    else:
                        summary = simulate(s, extra)
                finally:
                    s.stop()
                runs[kind].append(summary)
        results[name] = runs
        print(f"  {name}: done ({time.time() - started:.0f} s)", flush=True)

    closes = {}
    if only is None or "equal_shares" in only:
        for proposals, voters, tables, budget in ((60, 1000, 6, 300_000), (500, 5000, 30, 1_000_000)):
            closes[proposals] = [equal_shares_close(work, proposals, voters, tables, budget)
                                 for _ in range(a.runs)]
            print(f"  equal shares {proposals} × {voters}: done ({time.time() - started:.0f} s)", flush=True)

    desk = None
    if only is None or "desk" in only:
        desk = desk_bytes(work)
        print(f"  desk: done ({time.time() - started:.0f} s)", flush=True)

    def fig(name, kind, f):
        if name not in results:
            return None
        return median([f(s) for s in results[name][kind]])

    def close_fig(proposals, key):
        if proposals not in closes:
            return None
        return median([c.get(key) for c in closes[proposals]])

    rows = []

    def row(label, h, p, unit, target="", better="higher"):
        ratio = (h / p) if (h is not None and p) else None
        rows.append((label, h, p, ratio, unit, target, better))

    for c in ("1", "64", "1024"):
        n = f"burst{c}"
        row(f"durable ballots/s, {c} concurrent voter{'s' if c != '1' else ''}",
            fig(n, "hub", lambda s: s["ballots_per_sec"]), fig(n, "peer", lambda s: s["ballots_per_sec"]), "/s")
    extra_lines = []
    for c in ("1", "64", "1024"):
        n = f"burst{c}"
        if n not in results:
            continue
        batch = fig(n, "hub", lambda s: s.get("hub_batch_avg"))
        bps = fig(n, "hub", lambda s: s["ballots_per_sec"])
        cps = fig(n, "hub", lambda s: s.get("hub_commits", 0) / max(s["vote_seconds"], 1e-9))
        pbatch = fig(n, "peer", lambda s: s.get("hub_batch_avg"))
        extra_lines.append(
            f"  {c:>4} voters: hub batch {batch:.1f}, ballots/s ÷ (F × batch) = {bps / (F * batch):.2f}, "
            f"commits/s ÷ F = {cps / F:.2f}   (peer batch {pbatch:.1f})")
    row("ack latency p50, 2,000 ballots over 2 s", fig("latency", "hub", lambda s: s["ack_ms"]["p50"]),
        fig("latency", "peer", lambda s: s["ack_ms"]["p50"]), "ms", better="lower")
    row("ack latency p99, 2,000 ballots over 2 s", fig("latency", "hub", lambda s: s["ack_ms"]["p99"]),
        fig("latency", "peer", lambda s: s["ack_ms"]["p99"]), "ms", f"≤ {3 * fs_p99:.1f} (3 × fdatasync p99)", "lower")
    row(f"ack → projector p99, 5 viewers + {phones} idle phones", fig("crowd", "hub", lambda s: s["ack_to_viewer_ms"]["p99"]),
        fig("crowd", "peer", lambda s: s["ack_to_viewer_ms"]["p99"]), "ms", "≤ 100, ≤ peer", "lower")
    row(f"phase change → all {phones} phones p95", fig("crowd", "hub", lambda s: s["phase_broadcast_ms"]["p95"]),
        fig("crowd", "peer", lambda s: s["phase_broadcast_ms"]["p95"]), "ms", "≤ 250", "lower")
    for phase, what in (("counted", "the close (voting → counted)"), ("published", "publishing, once the close is on every phone")):
        row(f"  {what}", fig("crowd", "hub", lambda s, p=phase: s["phase_broadcast_by_phase"][p]["p95"]),
            fig("crowd", "peer", lambda s, p=phase: s["phase_broadcast_by_phase"][p]["p95"]), "ms", "", "lower")
    row(f"must-handle: ack → viewer p99, 200 viewers + {phones} phones, 500 proposals",
        fig("musthandle", "hub", lambda s: s["ack_to_viewer_ms"]["p99"]),
        fig("musthandle", "peer", lambda s: s["ack_to_viewer_ms"]["p99"]), "ms", "≤ 100, ≤ peer", "lower")
    row(f"must-handle: phase change → all {phones} phones p95", fig("musthandle", "hub", lambda s: s["phase_broadcast_ms"]["p95"]),
        fig("musthandle", "peer", lambda s: s["phase_broadcast_ms"]["p95"]), "ms", "≤ 250", "lower")
    for phase, what in (("counted", "the close (voting → counted)"), ("published", "publishing, once the close is on every phone")):
        row(f"  {what}", fig("musthandle", "hub", lambda s, p=phase: s["phase_broadcast_by_phase"][p]["p95"]),
            fig("musthandle", "peer", lambda s, p=phase: s["phase_broadcast_by_phase"][p]["p95"]), "ms", "", "lower")
    for proposals, voters in ((60, "1,000"), (500, "5,000")):
        row(f"equal-shares close, {proposals} proposals × {voters} voters", close_fig(proposals, "close_ms"), None, "ms",
            "≤ 100", "lower")
        row("  then: restart (replay, listening)", close_fig(proposals, "restart_s"), None, "s", "", "lower")
        row("  then: hub verify", close_fig(proposals, "verify_s"), None, "s", "", "lower")
        row("  then: hub export --format json", close_fig(proposals, "export_s"), None, "s", "", "lower")
        row("  then: scripts/verify-count", close_fig(proposals, "verify_count_s"), None, "s", "≤ 60", "lower")
    row(f"memory per idle connection ({phones})", fig("memory", "hub", lambda s: s["rss_growth_kib"] / max(s["idle_phones"], 1)),
        fig("memory", "peer", lambda s: s["rss_growth_kib"] / max(s["idle_phones"], 1)), "KiB", "≤ 16", "lower")
    if welcome:
        for n, w in welcome.items():
            if isinstance(n, int):
                row(f"welcome bytes per phone, {n} proposals (browser offer)", w["hub"], w["peer"], "B",
                    f"hub plain {w['hub_plain']}", "lower")
        for v in (100, 5000):
            w = welcome.get(f"voters-{v}")
            if w:
                row(f"welcome bytes per phone, 60 proposals, {v} voter cards", w["hub"], None, "B",
                    f"hub plain {w['hub_plain']}", "lower")
    if desk:
        for n, b in sorted(desk.items()):
            row(f"bytes per paper ballot to a desk connection, after {n} keyed", b, None, "B", "flat", "lower")

    print(f"\nYuanzhuo hub vs Node.js ws peer — medians of {a.runs} alternating runs; disk F = {F:.0f} fdatasync/s (p99 {fs_p99:.2f} ms)\n")
    w = max(len(r[0]) for r in rows)
    print(f"{'figure':<{w}}  {'hub':>10}  {'peer':>10}  {'hub/peer':>8}  target")
    print("-" * (w + 50))
    for label, h, p, ratio, unit, target, better in rows:
        if h is None:
            continue
        fmt = (lambda x: f"{x:>10.0f}") if unit in ("/s", "B") else (lambda x: f"{x:>10.2f}")
        print(f"{label:<{w}}  {fmt(h)}  {fmt(p) if p is not None else ' ' * 10}  "
              f"{(f'{ratio:8.2f}' if ratio is not None else ' ' * 8)}  {unit} {target}")
    if extra_lines:
        print("\nbatching (group commit):")
        for line in extra_lines:
            print(line)
    print(f"\nerrors seen: hub {sum(sum(s['errors'].values()) for n in results for s in results[n]['hub'])}, "
          f"peer {sum(sum(s['errors'].values()) for n in results for s in results[n]['peer'])}")
    print(f"bench took {time.time() - started:.0f} s")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"disk": disk, "F": F, "results": results, "equal_shares": closes, "welcome": welcome,
                       "desk": desk}, f, indent=1)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
