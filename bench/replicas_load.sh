#!/usr/bin/env bash
# HTTP load through 1, 2 and 3 rolecall replicas on one PostgreSQL (issue 14):
# signed /whoowns slash commands, and signed intake-channel messages (Events
# API, each with its own event id, so each is classified, routed and written:
# dedupe key and routing row in one transaction). One wrk per replica, all at
# once, the connections split between them; the figure is the sum.
#
# usage: bench/replicas_load.sh
# environment (all optional):
#   ROLECALL_BIN  daemon binary (default: build/rolecall)
#   PG_BINDIR     PostgreSQL server binaries (default: newest /usr/lib/postgresql/*/bin)
#   DURATION=8    seconds per wrk run         CONNECTIONS=24  wrk connections in all
#   REPLICAS="1 2 3"                          THREADS=1       worker threads per replica
#   OUT=FILE      also write the summary (markdown) to FILE
#
# The server is a throwaway PostgreSQL (initdb in a temp dir, Unix socket
# only) with its default durability (fsync, synchronous_commit on). No bot
# token is set, so nothing is posted to Slack: the work measured is verify,
# parse, classify, route, and the store's writes. The machine's load is
# printed with the results: on a shared 2-core VM read them as a floor.
# Signed requests are made before each run (Slack rejects timestamps older
# than five minutes); every replica must be ready (/readyz 200) before, and
# the table counts the non-2xx answers and the routings really written.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
duration=${DURATION:-8}
connections=${CONNECTIONS:-24}
replica_counts=${REPLICAS:-1 2 3}
threads=${THREADS:-1}
secret=bench-signing-secret-0123456789abcdef
bin=${ROLECALL_BIN:-$repo/build/rolecall}

die() { echo "replicas_load: $*" >&2; exit 1; }
note() { echo "== $*" >&2; }

for tool in wrk curl python3; do command -v "$tool" > /dev/null || die "$tool is not installed"; done
[ -x "$bin" ] || die "no daemon binary at $bin"
pg_bin=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1)}
[ -x "$pg_bin/pg_ctl" ] || die "no PostgreSQL server binaries (package postgresql)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rolecall-replicas-load.XXXXXX")
chmod 755 "$tmp"
pids=()
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); chown postgres "$tmp"; fi
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
  [ -f "$tmp/data/postmaster.pid" ] &&
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$tmp/data" -m immediate -w stop > /dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

note "initdb and start PostgreSQL in $tmp"
"${as_pg[@]}" "$pg_bin/initdb" -D "$tmp/data" -A trust -U rolecall -E UTF8 --locale=C \
  > "$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; die "initdb failed"; }
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$tmp/data" -l "$tmp/pg.log" -w \
  -o "-k $tmp -c listen_addresses='' -c max_connections=100" start > /dev/null ||
  { cat "$tmp/pg.log" >&2; die "pg_ctl start failed"; }
pg_version=$("$pg_bin/postgres" --version)

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The example config with an absolute taxonomy path, log level warn, digests off.
sed -e "s|^  path: taxonomy.yaml|  path: $repo/config/taxonomy.yaml|" \
  -e "s|^      enabled: true|      enabled: false|" \
  -e "/^log:/,/^[a-z]/ s|^  level: info|  level: warn|" \
  "$repo/config/rolecall.example.yaml" > "$tmp/rolecall.yaml"

# make_lua KIND COUNT FILE: a wrk script with COUNT freshly signed requests
# (whoowns: one slash command, signed once; intake: COUNT messages in the
# checkout intake channel, each its own event id), cycled if wrk needs more.
make_lua() {
  python3 - "$1" "$2" "$3" "$secret" << 'PY'
import hashlib, hmac, json, sys, time, urllib.parse, uuid
kind, count, path, secret = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4].encode()
ts = str(int(time.time()))
def sign(body):
    return "v0=" + hmac.new(secret, f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
texts = ["can we pull the login bug into this sprint?",
         "we should reposition for enterprise buyers",
         "please refine the acceptance criteria for the refund story",
         "can someone own the pricing page experiment for next quarter?"]
reqs = []
if kind == "whoowns":
    body = urllib.parse.urlencode({
        "token": "x", "team_id": "T0001", "channel_id": "C0CHECKOUT1", "user_id": "U2147483697",
        "command": "/whoowns", "text": "who owns the acceptance criteria for the refund story",
        "response_url": "https://hooks.slack.com/commands/1234/5678", "trigger_id": "1.2.3"})
    reqs.append(("/slack/commands", "application/x-www-form-urlencoded", body))
else:
    run = uuid.uuid4().hex[:8]
    for i in range(count):
        msg_ts = f"{int(time.time())}.{i:06d}"
        body = json.dumps({"token": "x", "team_id": "T0001", "api_app_id": "A0123456789",
            "type": "event_callback", "event_id": f"Ev{run}{i:08d}", "event_time": int(time.time()),
            "event": {"type": "message", "user": "U0AUTHOR1", "text": texts[i % len(texts)] + f" #{i}",
                      "ts": msg_ts, "channel": "C0CHKINTAKE", "channel_type": "channel",
                      "event_ts": msg_ts}}, separators=(",", ":"))
        reqs.append(("/slack/events", "application/json", body))
with open(path, "w") as f:
    f.write("local reqs = {\n")
    for target, ctype, body in reqs:
        f.write("  {%s, %s, %s, %s},\n" % tuple(json.dumps(x) for x in (target, ctype, body, sign(body))))
    f.write("}\n")
    f.write(f'local ts = "{ts}"\n')
    f.write("""
local i = 0
request = function()
  i = i + 1
  local r = reqs[(i - 1) % #reqs + 1]
  return wrk.format("POST", r[1], {["Content-Type"] = r[2], ["X-Slack-Request-Timestamp"] = ts,
                                   ["X-Slack-Signature"] = r[4]}, r[3])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d sockerr=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
""")
PY
}

results=$tmp/results
: > "$results"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for n in $replica_counts; do
  db=bench_$n
  "${as_pg[@]}" "$pg_bin/psql" -h "$tmp" -U rolecall -d postgres -qc "CREATE DATABASE $db" > /dev/null
  url="host=$tmp user=rolecall dbname=$db"
  ports=()
  for r in $(seq "$n"); do
    port=$(free_port)
    env SLACK_SIGNING_SECRET="$secret" ROLECALL_DATABASE_URL="$url" ROLECALL_LISTEN="127.0.0.1:$port" \
      "$bin" serve --config "$tmp/rolecall.yaml" --threads "$threads" > "$tmp/replica-$n-$r.log" 2>&1 &
    pids+=($!)
    ports+=("$port")
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 100); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ] && break
      sleep 0.1
    done
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ] ||
      die "replica on $port not ready: $(cat "$tmp"/replica-"$n"-*.log)"
  done
  for kind in whoowns intake; do
    per=$((connections / n))
    [ "$per" -ge 1 ] || per=1
    wrk_pids=()
    for r in $(seq "$n"); do
      make_lua "$kind" 40000 "$tmp/$kind-$r.lua"
      wrk -t1 -c"$per" -d"$duration"s --latency -s "$tmp/$kind-$r.lua" "http://127.0.0.1:${ports[$((r - 1))]}" \
        > "$tmp/wrk-$n-$kind-$r.out" 2>&1 &
      wrk_pids+=($!)
    done
    for p in "${wrk_pids[@]}"; do wait "$p" || die "wrk failed: $(cat "$tmp"/wrk-"$n"-"$kind"-*.out)"; done
    for r in $(seq "$n"); do
      line=$(grep '^BENCH ' "$tmp/wrk-$n-$kind-$r.out") || die "no result: $(cat "$tmp/wrk-$n-$kind-$r.out")"
      echo "$n $kind $r $line" >> "$results"
      note "$n replica(s), $kind, replica $r: $line"
    done
  done
  routed=$("${as_pg[@]}" "$pg_bin/psql" -h "$tmp" -U rolecall -d "$db" -Atc "SELECT count(*) FROM routings")
  echo "$n routed 0 BENCH rows=$routed" >> "$results"
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
  pids=()
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

summary=$(python3 - "$results" "$load_before" "$load_after" "$duration" "$connections" "$pg_version" "$threads" << 'PY'
import sys
path, before, after, duration, conns, pg, threads = sys.argv[1:]
runs, routed = {}, {}
for line in open(path):
    f = line.split()
    n, kind = int(f[0]), f[1]
    kv = dict(x.split("=") for x in f[4:])
    if kind == "routed":
        routed[n] = int(kv["rows"]); continue
    runs.setdefault((n, kind), []).append({k: int(v) for k, v in kv.items()})
print(f"wrk -c{conns} in all (split over the replicas), {duration} s, one wrk per replica at once; "
      f"replicas with --threads {threads}; {pg} on the same machine (Unix socket, default durability). "
      f"Load average before {before}, after {after}.\n")
print("| replicas | workload | req/s (sum) | p50 (worst replica) | p99 (worst replica) | non-2xx | socket errors | routings written |")
print("|---|---|---|---|---|---|---|---|")
for (n, kind), rs in sorted(runs.items()):
    rps = sum(r["requests"] / (r["duration_us"] / 1e6) for r in rs)
    p50 = max(r["p50_us"] for r in rs) / 1000
    p99 = max(r["p99_us"] for r in rs) / 1000
    non2xx = sum(r["non2xx"] for r in rs)
    err = sum(r["sockerr"] for r in rs)
    label = "signed /whoowns" if kind == "whoowns" else "signed intake message (routed, stored)"
    print(f"| {n} | {label} | {rps:,.0f} | {p50:.2f} ms | {p99:.2f} ms | {non2xx} | {err} | "
          f"{routed.get(n, 0) if kind == 'intake' else ''} |")
PY
)
echo "$summary"
[ -n "${OUT:-}" ] && echo "$summary" > "$OUT"
exit 0
