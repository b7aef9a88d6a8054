#!/usr/bin/env python3
"""rolecall's Socket Mode client against a Socket Mode server that is not
ours in C++: a WebSocket server written here with the Python standard library
alone (its own handshake, framing, masking, ping and close handling), plus a
fake Slack Web API. It runs `rolecall serve` with an app token and plays
Slack: hello, envelopes of every type in the fixtures' shapes, a refresh
request and a dropped connection, and checks the acks.

Usage: socket_mode_interop.py --binary build/rolecall --source .
Exit 0 when every check passed, 1 otherwise.
"""

import argparse
import base64
import hashlib
import http.server
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
FAILURES = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        FAILURES.append(what)


def wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


class Connection:
    """One server-side WebSocket connection (RFC 6455, text frames)."""

    def __init__(self, sock, number):
        self.sock = sock
        self.number = number
        self.lock = threading.Lock()
        self.frames = []          # text frames from the client
        self.open = True
        self.client_closed = False
        self.pings = 0

    def send_frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([n])
        elif n < 65536:
            header += bytes([126]) + struct.pack("!H", n)
        else:
            header += bytes([127]) + struct.pack("!Q", n)
        with self.lock:
            try:
                self.sock.sendall(header + payload)
            except OSError:
                self.open = False

    def send_json(self, obj):
        self.send_frame(0x1, json.dumps(obj).encode())

    def recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("eof")
            data += chunk
        return data

    def read_loop(self, on_text):
        try:
            message = b""
            while True:
                b1, b2 = self.recv_exact(2)
                fin, opcode = b1 & 0x80, b1 & 0x0F
                masked, n = b2 & 0x80, b2 & 0x7F
                if not masked:
                    raise ConnectionError("client frame not masked")
                if n == 126:
                    n = struct.unpack("!H", self.recv_exact(2))[0]
                elif n == 127:
                    n = struct.unpack("!Q", self.recv_exact(8))[0]
                mask = self.recv_exact(4)
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self.recv_exact(n)))
                if opcode == 0x9:
                    self.pings += 1
                    self.send_frame(0xA, payload)
                elif opcode == 0x8:
                    self.client_closed = True
                    self.send_frame(0x8, payload[:2])
                    break
                elif opcode in (0x0, 0x1):
                    message += payload
                    if fin:
                        text = message.decode()
                        message = b""
                        self.frames.append(text)
                        on_text(self, text)
        except (ConnectionError, OSError):
            pass
        self.open = False
        try:
            self.sock.close()
        except OSError:
            pass

    def drop(self):
        self.open = False
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class SocketModeServer:
    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.acks = {}  # envelope_id -> (ack frame, seconds after delivery)
        self.sent_at = {}
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(sock,), daemon=True).start()

    def serve(self, sock):
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = sock.recv(4096)
            if not chunk:
                return
            request += chunk
        lines = request.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in
                   (l.split(":", 1) for l in lines[1:] if ":" in l)}
        if headers.get("upgrade", "").lower() != "websocket" or "?ticket=" not in lines[0]:
            sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            sock.close()
            return
        accept = base64.b64encode(
            hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
        sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept +
                      "\r\n\r\n").encode())
        conn = Connection(sock, len(self.connections) + 1)
        self.connections.append(conn)
        conn.send_json({"type": "hello", "num_connections": len(self.open_connections()),
                        "debug_info": {"host": "applink-python-%d" % conn.number,
                                       "build_number": 1, "approximate_connection_time": 18060},
                        "connection_info": {"app_id": "A0APP0001"}})
        conn.read_loop(self.on_text)

    def on_text(self, conn, text):
        frame = json.loads(text)
        if "envelope_id" in frame:
            eid = frame["envelope_id"]
            self.acks.setdefault(eid, (frame, time.monotonic() - self.sent_at.get(eid, 0)))

    def open_connections(self):
        return [c for c in self.connections if c.open]

    def deliver(self, conn, envelope):
        self.sent_at[envelope["envelope_id"]] = time.monotonic()
        conn.send_json(envelope)


def fixture(source, name):
    with open(os.path.join(source, "tests", "fixtures", "slack", name)) as f:
        return json.load(f)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--source", required=True)
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    args.source = os.path.abspath(args.source)

    ws = SocketModeServer()
    opens = []

    class WebApi(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if "apps.connections.open" in self.path:
                opens.append(self.headers.get("Authorization", ""))
                body = {"ok": True, "url": "ws://127.0.0.1:%d/link/?ticket=%d&app_id=A0APP0001"
                        % (ws.port, len(opens))}
            elif "auth.test" in self.path:
                body = {"ok": True, "user_id": "U0BOT0001", "bot_id": "B0BOT0001",
                        "team_id": "T0TEAM001", "team": "T", "url": "https://x.slack.com/"}
            else:
                body = {"ok": True, "channel": "C0CHECKOUT1", "ts": "1700000000.000200"}
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a):
            pass

    api = http.server.ThreadingHTTPServer(("127.0.0.1", 0), WebApi)
    threading.Thread(target=api.serve_forever, daemon=True).start()

    work = tempfile.mkdtemp(prefix="rolecall-interop-")
    env = dict(os.environ)
    for name in ("SLACK_SIGNING_SECRET", "TEAMS_WEBHOOK_SECRET", "ROLECALL_CONFIG"):
        env.pop(name, None)
    env.update({"SLACK_APP_TOKEN": "xapp-1-A0APP0001-1-interop",
                "SLACK_BOT_TOKEN": "xoxb-interop",
                "SLACK_API_URL": "http://127.0.0.1:%d/api/" % api.server_address[1],
                "ROLECALL_DB": os.path.join(work, "rolecall.db"),
                "ROLECALL_LISTEN": "127.0.0.1:0"})
    log = open(os.path.join(work, "rolecall.log"), "w")
    daemon = subprocess.Popen(
        [args.binary, "serve", "--threads", "2", "--config",
         os.path.join(args.source, "config", "rolecall.example.yaml")],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=work)
    try:
        check(wait_for(lambda: len(ws.open_connections()) == 2), "two connections opened")
        check(all(a == "Bearer xapp-1-A0APP0001-1-interop" for a in opens),
              "apps.connections.open with the app token")
        first, second = ws.open_connections()

        mention = fixture(args.source, "socket_mode_envelope_events_api_app_mention.json")
        mention["payload"]["event"]["channel"] = "C0CHECKOUT1"
        mention["payload"]["event"]["text"] = "<@U0BOT0001> who owns pricing?"
        message = fixture(args.source, "socket_mode_envelope_events_api_message.json")
        slash = fixture(args.source, "socket_mode_envelope_slash_commands.json")
        slash["payload"]["command"] = "/whoowns"
        slash["payload"]["text"] = "who owns pricing?"
        interactive = {"envelope_id": "interactive-1", "type": "interactive",
                       "accepts_response_payload": False,
                       "payload": fixture(args.source, "interactive_block_actions_message.json")}
        limited = {"envelope_id": "limited-1", "type": "events_api",
                   "accepts_response_payload": False, "retry_attempt": 0, "retry_reason": "",
                   "payload": fixture(args.source, "events_app_rate_limited.json")}
        for conn, envelope in ((first, mention), (second, message), (first, slash),
                               (second, interactive), (first, limited)):
            ws.deliver(conn, envelope)
        ids = [e["envelope_id"] for e in (mention, message, slash, interactive, limited)]
        check(wait_for(lambda: all(i in ws.acks for i in ids)), "every envelope type acked")
        check(all(ws.acks[i][1] < 3.0 for i in ids if i in ws.acks), "acks within 3 s")
        slash_ack = ws.acks.get(slash["envelope_id"], ({}, 0))[0]
        check("Product Manager" in json.dumps(slash_ack.get("payload", {})),
              "the slash command's answer is in the ack's payload")
        check(ws.acks.get(mention["envelope_id"], ({"x": 1}, 0))[0] ==
              {"envelope_id": mention["envelope_id"]}, "a plain ack for events")

        # A refresh: the new connection first, then the old one closes itself.
        first.send_json({"type": "disconnect", "reason": "refresh_requested",
                         "debug_info": {"host": "applink-python"}})
        check(wait_for(lambda: len(ws.connections) == 3 and not first.open),
              "refresh: a new connection, then the old one closed")
        check(first.client_closed, "the old one closed with a close frame")

        # A dropped connection comes back.
        second.drop()
        check(wait_for(lambda: len(ws.connections) == 4 and len(ws.open_connections()) == 2),
              "a dropped connection is replaced")
        later = dict(mention, envelope_id="after-drop")
        later["payload"] = dict(mention["payload"], event_id="Ev222")
        ws.deliver(ws.open_connections()[-1], later)
        check(wait_for(lambda: "after-drop" in ws.acks), "the replacement acks")

        daemon.send_signal(signal.SIGTERM)
        check(daemon.wait(timeout=10) == 0, "SIGTERM exits 0")
        check(wait_for(lambda: not ws.open_connections(), 5), "sockets closed on exit")
    finally:
        if daemon.poll() is None:
            daemon.kill()
        log.close()
        api.shutdown()
    if FAILURES:
        with open(os.path.join(work, "rolecall.log")) as f:
            sys.stdout.write(f.read()[-4000:])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
