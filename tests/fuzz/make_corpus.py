#!/usr/bin/env python3
"""Writes the fixture-derived seeds of the fuzz targets into
tests/fuzz/corpus/<target>/seed-*. Idempotent; only seed-* files are written,
so inputs the fuzzer found (named by their SHA-1) stay as they are.

    python3 tests/fuzz/make_corpus.py

Seeds come from tests/fixtures (Slack and Teams payloads, signature vectors),
config/ (the example config, the taxonomy, the head of the model file) and
tests/data/corpus (chat lines). Targets that read their input through
FuzzedDataProvider get seeds encoded the way it consumes bytes (FdpInput).
"""
import json
import pathlib
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
OUT = ROOT / "tests" / "fuzz" / "corpus"


def write(target, name, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / f"seed-{name}").write_bytes(data)


class FdpInput:
    """Bytes that FuzzedDataProvider (LLVM 14) reads back as the values given:
    strings (ConsumeRandomLengthString) from the front, integers from the back,
    the rest (ConsumeRemainingBytesAsString) in between."""

    def __init__(self):
        self.front = b""
        self.back = []  # in consumption order; the first is the last byte

    def string(self, s):
        if isinstance(s, str):
            s = s.encode()
        self.front += s.replace(b"\\", b"\\\\") + b"\\x"

    def integral(self, value, lo, hi, size):
        span = hi - lo
        v = value - lo
        offset = 0
        out = []
        while offset < size * 8 and (span >> offset) > 0:
            out.append(0)
            offset += 8
        # The first byte read is the most significant.
        for i in range(len(out)):
            out[i] = (v >> (8 * (len(out) - 1 - i))) & 0xFF
        self.back.extend(out)

    def boolean(self, b):
        self.back.append(1 if b else 0)

    def u8(self, v):
        self.back.append(v & 0xFF)

    def bytes(self, rest=b""):
        if isinstance(rest, str):
            rest = rest.encode()
        return self.front + rest + bytes(reversed(self.back))


def slack_signature_seed(secret, ts, sig, body, now, sign=False, edit=0):
    # Order of slack_signature.cpp: sign, secret, ts, now, near?, [sig], edit, at, byte, body.
    f = FdpInput()
    f.boolean(sign)
    f.string(secret)
    f.string(ts)
    f.integral(now, 0, 1 << 40, 8)
    f.boolean(False)
    if not sign:
        f.string(sig)
    f.integral(edit, 0, 6, 4)
    f.u8(7)
    f.u8(ord("A"))
    return f.bytes(body)


def teams_signature_seed(key, header, body, sign=False, edit=0):
    # Order of teams_signature.cpp: sign, key, [header], edit, at, byte, body.
    f = FdpInput()
    f.boolean(sign)
    f.string(key)
    if not sign:
        f.string(header)
    f.integral(edit, 0, 7, 4)
    f.u8(40)
    f.u8(ord("x"))
    return f.bytes(body)


def http_request(method, target, headers, body=b"", version="1.1"):
    if isinstance(body, str):
        body = body.encode()
    head = f"{method} {target} HTTP/{version}\r\n"
    for k, v in headers:
        head += f"{k}: {v}\r\n"
    if body and not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers):
        head += f"Content-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


def main():
    slack = FIXTURES / "slack"
    teams = FIXTURES / "teams"
    events = sorted(slack.glob("events_*.json"))
    forms = [slack / "slash_command_bolt_python.txt", slack / "slash_command_slack_docs_example.txt",
             slack / "slash_command_ssl_check.txt", slack / "interactive_block_actions_form_body.txt"]
    interactive = sorted(slack.glob("interactive_block_actions_*.json"))
    vectors = json.loads((slack / "signature_vectors.json").read_text())
    hmac = json.loads((teams / "hmac-vectors.json").read_text())
    teams_requests = [teams / "outgoing-webhook-request.json",
                      teams / "outgoing-webhook-request.docs-2017.json"]

    # form_urlencoded: form bodies, as they are.
    for p in forms:
        write("form_urlencoded", p.stem, p.read_bytes())
    for v in vectors["vectors"]:
        write("form_urlencoded", "vector-" + v["name"], bytes.fromhex(v["body_hex"]))
    for name, text in {"empty-segments": "a=1&&b=2&=&c", "plus-and-percent": "text=who+owns%20%E2%9C%93",
                       "bad-percent": "a=%4", "ssl-and-payload": "ssl_check=1&payload=%7B%7D",
                       "repeated": "command=%2Fa&command=%2Fb", "encoded-name": "%63ommand=%2Fwhoowns"}.items():
        write("form_urlencoded", name, text)

    # slack_request: selector byte (0 JSON, 1 form, 2 form with charset; +4 retry headers) + body.
    for p in events:
        write("slack_request", p.stem, b"\x00" + p.read_bytes())
    write("slack_request", "events_app_mention-retry", b"\x0c" + (slack / "events_app_mention.json").read_bytes())
    for p in forms:
        write("slack_request", p.stem, b"\x01" + p.read_bytes())
        write("slack_request", p.stem + "-charset", b"\x02" + p.read_bytes())
    for p in interactive:
        body = "payload=" + urllib.parse.quote(p.read_text(), safe="")
        write("slack_request", p.stem + "-form", b"\x01" + body.encode())
    write("slack_request", "event-time-float",
          b'\x00{"type":"event_callback","event_id":"Ev1","event_time":1531420618.5,'
          b'"event":{"type":"app_mention","user":"U1","text":"<@U0BOT> who owns pricing?","channel":"C1"}}')

    # slack_signature: each vector as Slack sends it, and signed by the harness.
    secret, ts = vectors["signing_secret"], vectors["timestamp"]
    for v in vectors["vectors"]:
        body = bytes.fromhex(v["body_hex"])
        write("slack_signature", v["name"],
              slack_signature_seed(secret, ts, v["expected_signature"], body, int(ts) + 12))
        write("slack_signature", v["name"] + "-signed-edited",
              slack_signature_seed(secret, ts, "", body, int(ts) + 12, sign=True, edit=2))
    for n in vectors.get("negative_checks", []):
        write("slack_signature", n["name"],
              slack_signature_seed(n.get("signing_secret", secret), n.get("timestamp", ts),
                                   n.get("expected_signature_for_this_timestamp",
                                         n.get("expected_signature_for_this_secret", "")),
                                   bytes.fromhex(vectors["vectors"][0]["body_hex"]), int(ts)))

    # teams_signature: the HMAC vectors (key bytes decoded), plain and edited.
    import base64
    for v in hmac["vectors"]:
        key = base64.b64decode(v["security_token_b64"])
        body = (teams / v["body_file"]).read_bytes() if "body_file" in v else v["body_utf8"].encode()
        write("teams_signature", v["name"], teams_signature_seed(key, v["expected_authorization"], body))
        write("teams_signature", v["name"] + "-signed-padding",
              teams_signature_seed(key, "", body, sign=True, edit=2))
        write("teams_signature", v["name"] + "-token", teams_signature_seed(b"", v["security_token_b64"], body))

    # teams_activity: the request bodies, and texts with mentions and entities.
    for p in teams_requests:
        write("teams_activity", p.stem, p.read_bytes())
    write("teams_activity", "entities",
          '{"type":"message","id":"1","text":"<at>rolecall</at>: decision &quot;ship&quot; &#x1F680; &amp;nbsp;'
          '&#55296; <AT id=\\"1\\">Ana</AT>\\u00a0reassign #42 to po.","from":{"id":"29:1","name":"Ana"},'
          '"conversation":{"id":"19:x@thread.tacv2;messageid=17"},"entities":[{"type":"mention",'
          '"text":"<at>rolecall</at>","mentioned":{"id":"28:b","name":"rolecall"}}]}')

    # http_request: segmentation byte + what a client sends.
    mention = (slack / "events_app_mention.json").read_bytes()
    slash = (slack / "slash_command_slack_docs_example.txt").read_bytes()
    teams_body = (teams / "outgoing-webhook-request.json").read_bytes()
    reqs = {
        "slack-event": http_request("POST", "/slack/events", [
            ("Host", "rolecall.example"), ("Content-Type", "application/json"),
            ("X-Slack-Request-Timestamp", ts), ("X-Slack-Signature", "v0=" + "0" * 64),
            ("X-Slack-Retry-Num", "1"), ("X-Slack-Retry-Reason", "http_timeout")], mention),
        "slack-command": http_request("POST", "/slack/events", [
            ("Host", "x"), ("Content-Type", "application/x-www-form-urlencoded")], slash),
        "teams": http_request("POST", "/teams/webhook/default", [
            ("Host", "x"), ("Content-Type", "application/json; charset=utf-8"),
            ("Authorization", hmac["vectors"][1]["expected_authorization"])], teams_body),
        "healthz-10": http_request("GET", "/healthz", [], version="1.0"),
        "pipelined": http_request("GET", "/healthz", [("Host", "x")]) +
                     http_request("GET", "/metrics", [("Host", "x"), ("Connection", "close")]),
        "chunked": http_request("POST", "/slack/events", [
            ("Host", "x"), ("Transfer-Encoding", "chunked"), ("Content-Type", "application/json")],
            b"5\r\n{\"a\":\r\n3;ext=1\r\n1}\n\r\n0\r\nTrailer: x\r\n\r\n"),
        "repeated-headers": http_request("GET", "/console/api?q=1", [
            ("Host", "x"), ("Accept", "a"), ("ACCEPT", "b"), ("X-Empty", "")]),
    }
    for name, raw in reqs.items():
        write("http_request", name, b"\x00" + raw)
        write("http_request", name + "-segmented", b"\x85" + raw)

    # classifier: chat lines of every collection, and platform markup.
    lines = []
    for p in sorted((ROOT / "tests" / "data" / "corpus").glob("*.jsonl")):
        rows = [json.loads(l) for l in p.read_text().splitlines() if l.strip()]
        step = max(1, len(rows) // 12)
        lines += [(p.stem, i, r["text"]) for i, r in enumerate(rows) if i % step == 0][:12]
    for stem, i, text in lines:
        write("classifier", f"{stem}-{i}", text)
    for p in events:
        ev = json.loads(p.read_text()).get("event", {})
        if ev.get("text"):
            write("classifier", p.stem, ev["text"])
    write("classifier", "markup", "<@U0BOT|rolecall> who owns <#C1|pricing> &amp; the <https://x.example|roadmap>? "
                                  "<!subteam^S1|@devs> :tada:\n> quoted sprint backlog\n```code groom```")
    write("classifier", "teams-markup", "<at>rolecall</at> Wer ist zuständig für „Preisseite“? &nbsp;<p>ack</p>")

    # Loaders: the shipped files and the test ones.
    write("config_loader", "rolecall.example", (ROOT / "config" / "rolecall.example.yaml").read_bytes())
    write("config_loader", "slack-and-teams",
          "server: {listen: '127.0.0.1:0', body_limit_bytes: 2048}\nslack: {signing_secret: s3cr3t-value-123,"
          " bot_token: xoxb-1-2-3}\nteams:\n  webhooks:\n    - {name: default, team: checkout, "
          "secret: Y29uZmlnLXRlYW1zLWtleS1pcy0zMi1ieXRlcy1vayE=}\nproduct_teams:\n  - id: checkout\n"
          "    name: Checkout\n    slack_channels: [C1]\n    intake_channels: [C2]\n    product_managers:\n"
          "      - {name: Priya, slack: U1}\n    product_owners:\n      - {name: Tom, slack: U2}\n"
          "    digest: {weekday: 1, hour: 9, time_zone: Europe/Berlin}\n    teams_workflow_urls:\n"
          "      - https://prod.example/workflows/x?sig=abcdefgh\ndefault_team: checkout\n"
          "routing: {clarify_below: 0.45, learn_threshold: 3}\n")
    write("taxonomy_loader", "taxonomy", (ROOT / "config" / "taxonomy.yaml").read_bytes())
    write("taxonomy_loader", "taxonomy_small", (ROOT / "tests" / "config" / "data" / "taxonomy_small.yaml").read_bytes())
    model = (ROOT / "config" / "classifier-model.tsv").read_text().splitlines(keepends=True)
    head = [l for l in model if not l.startswith("f\t")]
    features = [l for l in model if l.startswith("f\t")]
    write("classifier_model", "shipped-head", "".join(head + features[:40]))
    write("classifier_model", "shipped-header-only", "".join(head))


if __name__ == "__main__":
    main()
