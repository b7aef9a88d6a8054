#!/usr/bin/env python3
"""Memory under hostile load (issue 13, resource bounds): does rolecall's
resident memory stay flat while the network throws junk at it?

Starts `rolecall serve` (the shipped example config, Slack and Teams secrets
from the environment, a temp database, scheduled digests off), then runs
ROUNDS rounds of the same hostile mix against it and reads VmRSS from
/proc/PID/status after each round:

  bad Slack signatures, stale timestamps, signed malformed JSON, signed JSON
  nested 100k deep, signed invalid UTF-8, bodies over the limit (2 MB and
  10 MB, announced and chunked), header blocks over the limit, slow-loris
  connections that never finish their headers, a burst of idle connections
  past max_connections, Teams webhooks with forged HMACs, unknown paths, and
  valid signed mentions in between (which must keep getting 200).

The first WARMUP rounds let allocators and caches settle; the verdict
compares the RSS after the warm-up with the largest RSS after it. Exits 1
when it grew by more than --max-growth-mib, when /healthz stops answering,
when a valid request does not get 200, or when any request gets a 5xx other
than the 503 of the connection limit. Prints a JSON summary (--json FILE
writes it too).

  tests/soak/hostile_memory.py [--bin build/rolecall] [--rounds 40] [--warmup 5]

Not part of ctest: it runs for a minute or two.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SLACK_SECRET = "hostile-memory-signing-secret-0123"
TEAMS_KEY = base64.b64encode(b"t" * 32).decode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def slack_headers(body, ts=None, secret=SLACK_SECRET):
    ts = str(int(time.time())) if ts is None else ts
    base = b"v0:" + ts.encode() + b":" + body
    sig = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig,
            "Content-Type": "application/json"}


def teams_auth(body, key=TEAMS_KEY):
    mac = hmac.new(base64.b64decode(key), body, hashlib.sha256).digest()
    return "HMAC " + base64.b64encode(mac).decode()


class Client:
    """Raw HTTP/1.1 over a socket: we need to send what no library would."""

    def __init__(self, port):
        self.port = port
        self.statuses = {}

    def raw(self, data, read=True, timeout=5.0):
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        except OSError:
            self.statuses["refused"] = self.statuses.get("refused", 0) + 1
            return 0
        try:
            s.sendall(data)
            if not read:
                return None
            buf = b""
            while b"\r\n" not in buf:
                chunk = s.recv(4096)
                if not chunk:
                    break
                buf += chunk
            m = re.match(rb"HTTP/1\.[01] (\d{3})", buf)
            status = int(m.group(1)) if m else 0
            self.statuses[status] = self.statuses.get(status, 0) + 1
            return status
        except (ConnectionResetError, BrokenPipeError, socket.timeout):
            self.statuses["reset"] = self.statuses.get("reset", 0) + 1
            return 0
        finally:
            s.close()

    def request(self, method, path, body=b"", headers=None, extra=b""):
        headers = dict(headers or {})
        headers.setdefault("Host", "127.0.0.1")
        headers.setdefault("Content-Length", str(len(body)))
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()) + "Connection: close\r\n\r\n"
        return self.raw(head.encode() + extra + body)


def mention(i):
    return json.dumps({
        "type": "event_callback", "team_id": "T0HOSTILE", "api_app_id": "A1",
        "event_id": f"EvHostile{i}", "event_time": int(time.time()),
        "event": {"type": "app_mention", "user": "U0USER001", "channel": "C0CHECK01",
                  "text": f"<@U0BOT0001> who owns the pricing page? ({i})",
                  "ts": f"{1700000000 + i}.000100"}}).encode()


def hostile_round(c, round_no, problems):
    n = round_no * 1000
    # Valid requests keep working in between.
    for i in range(20):
        body = mention(n + i)
        st = c.request("POST", "/slack/events", body, slack_headers(body))
        if st != 200:
            problems.append(f"round {round_no}: a valid mention got {st}")
    for i in range(40):
        body = mention(n + 100 + i)
        h = slack_headers(body)
        h["X-Slack-Signature"] = "v0=" + "0" * 64
        c.request("POST", "/slack/events", body, h)                       # bad signature
        c.request("POST", "/slack/events", body, slack_headers(body, ts="1600000000"))  # stale
        junk = b'{"type":"event_callback","event":{"type":' + b"[" * 50 + b"\xff\xfe"
        c.request("POST", "/slack/events", junk, slack_headers(junk))      # signed, malformed
        form = b"command=%2Fwhoowns&text=" + b"%ZZ" * 200
        h = slack_headers(form)
        h["Content-Type"] = "application/x-www-form-urlencoded"
        c.request("POST", "/slack/commands", form, h)                      # bad escapes
        c.request("GET", "/no/such/path" + "x" * 200)
        teams = json.dumps({"type": "message", "id": str(n + i), "text": "<at>bot</at> hi",
                            "from": {"id": "29:x", "name": "Eve"},
                            "conversation": {"id": "19:c"}}).encode()
        c.request("POST", "/teams/webhook", teams,
                  {"Authorization": teams_auth(teams, base64.b64encode(b"x" * 32).decode()),
                   "Content-Type": "application/json"})                    # forged HMAC
    deep = b"[" * 100_000 + b"]" * 100_000
    c.request("POST", "/slack/events", deep, slack_headers(deep))          # nested 100k deep
    bad_utf8 = json.dumps({"type": "event_callback", "event": {"type": "app_mention",
                           "text": "x"}}).encode().replace(b'"x"', b'"\xc3\x28\xed\xa0\x80"')
    c.request("POST", "/slack/events", bad_utf8, slack_headers(bad_utf8))
    for size in (2 << 20, 10 << 20):                                       # over the body limit
        c.request("POST", "/slack/events", b"a" * size, {"Content-Type": "application/json"})
    chunked = (b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
               b"".join(b"100000\r\n" + b"b" * 0x100000 + b"\r\n" for _ in range(3)) + b"0\r\n\r\n")
    c.raw(chunked)                                                         # chunked, over limit
    c.raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"h" * 65536 + b"\r\n\r\n")  # headers
    # Slow-loris and idle connections: opened, left hanging, then dropped.
    idle = []
    for _ in range(300):
        try:
            s = socket.create_connection(("127.0.0.1", c.port), timeout=2)
            s.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")
            idle.append(s)
        except OSError:
            break
    time.sleep(0.5)
    for s in idle:
        s.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(REPO, "build", "rolecall"))
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--max-growth-mib", type=float, default=8.0)
    ap.add_argument("--json")
    a = ap.parse_args()
    if not os.access(a.bin, os.X_OK):
        sys.exit(f"hostile_memory: no daemon binary at {a.bin} (cmake --build --preset release)")

    tmp = tempfile.mkdtemp(prefix="rolecall-hostile-")
    port = free_port()
    cfg = os.path.join(tmp, "rolecall.yaml")
    with open(os.path.join(REPO, "config", "rolecall.example.yaml")) as f:
        text = f.read()
    text = text.replace("  path: taxonomy.yaml", f"  path: {REPO}/config/taxonomy.yaml")
    text = text.replace("      enabled: true", "      enabled: false")
    text = re.sub(r"(?m)^(log:\n(?:  .*\n)*?)  level: info", r"\1  level: warn", text)
    with open(cfg, "w") as f:
        f.write(text)
    env = dict(os.environ, SLACK_SIGNING_SECRET=SLACK_SECRET, TEAMS_WEBHOOK_SECRET=TEAMS_KEY,
               ROLECALL_DB=os.path.join(tmp, "db"), ROLECALL_LISTEN=f"127.0.0.1:{port}")
    env.pop("SLACK_BOT_TOKEN", None)
    log = open(os.path.join(tmp, "rolecall.log"), "wb")
    proc = subprocess.Popen([a.bin, "serve", "--config", cfg], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    problems, samples = [], []
    try:
        c = Client(port)
        deadline = time.time() + 30
        while c.request("GET", "/healthz") != 200:
            if time.time() > deadline or proc.poll() is not None:
                sys.exit("hostile_memory: the daemon did not start; see " + log.name)
            time.sleep(0.1)
        start_rss = rss_kib(proc.pid)
        t0 = time.time()
        for r in range(a.rounds):
            hostile_round(c, r + 1, problems)
            if c.request("GET", "/healthz") != 200:
                problems.append(f"round {r + 1}: /healthz did not answer 200")
            samples.append(rss_kib(proc.pid))
            print(f"round {r + 1}: rss {samples[-1] / 1024:.1f} MiB", file=sys.stderr)
        elapsed = time.time() - t0
        if proc.poll() is not None:
            problems.append(f"the daemon exited with {proc.returncode}")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    five_xx = {k: v for k, v in c.statuses.items() if isinstance(k, int) and k >= 500 and k != 503}
    if five_xx:
        problems.append(f"5xx answers: {five_xx}")
    settled = samples[a.warmup - 1] if a.warmup > 0 else start_rss
    peak_after = max(samples[a.warmup:]) if len(samples) > a.warmup else settled
    growth_mib = (peak_after - settled) / 1024
    if growth_mib > a.max_growth_mib:
        problems.append(f"RSS grew {growth_mib:.1f} MiB after the warm-up (limit "
                        f"{a.max_growth_mib} MiB)")
    summary = {
        "rounds": a.rounds, "warmup_rounds": a.warmup, "seconds": round(elapsed, 1),
        "requests": sum(c.statuses.values()),
        "statuses": {str(k): v for k, v in sorted(c.statuses.items(), key=lambda kv: str(kv[0]))},
        "rss_mib": {"at_start": round(start_rss / 1024, 1),
                    "after_warmup": round(settled / 1024, 1),
                    "peak_after_warmup": round(peak_after / 1024, 1),
                    "last": round(samples[-1] / 1024, 1)},
        "growth_after_warmup_mib": round(growth_mib, 2),
        "problems": problems,
        "ok": not problems,
    }
    out = json.dumps(summary, indent=2)
    print(out)
    if a.json:
        with open(a.json, "w") as f:
            f.write(out + "\n")
    if summary["ok"]:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print("hostile_memory: kept " + tmp + " (daemon log inside)", file=sys.stderr)
    sys.exit(0 if summary["ok"] else 1)


if __name__ == "__main__":
    main()
