#!/usr/bin/env bash
# HTTP load bench of the Slack slash-command path: wrk against `rolecall serve`
# and, in the same run, against the Slack Bolt anchor app, both pinned the same
# way (server on one CPU with one worker thread, wrk on another CPU).
#
# usage: bench/http_load.sh [ANCHORS_DIR]
#   ANCHORS_DIR   the bench-anchors folder holding bolt-baseline/ (default:
#                 $BENCH_ANCHORS, else ../shared/bench-anchors next to the repo).
#                 When it or node/npm is missing, the Bolt half is skipped.
# environment (all optional):
#   ROLECALL_BIN  daemon binary (default: build/rolecall, else build-bench/rolecall)
#   DURATION=10   seconds per wrk run        CONNECTIONS=32   wrk connections
#   ROUNDS=2      rounds (medians reported)  WARMUP=2         seconds of warm-up load
#   SERVER_CPU=0  CLIENT_CPU=1               CPUs the server and wrk are pinned to
#   WITH_INFO_LOG=1   also run rolecall with the default `log.level: info`
#   NICE=0        nice value of the server's and wrk's scheduling groups. Each
#                 runs in its own session, so its own autogroup (with autogroup
#                 on, a plain `nice` counts only within a session); a negative
#                 value (root) makes them win their CPU over other sessions' work
#                 on a shared machine.
#   OUT=FILE      also write the summary (markdown) to FILE
#
# Every wrk run gets a freshly signed request (Slack rejects timestamps older
# than five minutes). Before measuring, a signed curl request must get a 200
# JSON answer naming the Product Owner and a bad signature must get 401; the
# script fails otherwise. Nothing is written into the repository: the Bolt app
# is copied to a temp dir and installed there with `npm ci`.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
anchors=${1:-${BENCH_ANCHORS:-$repo/../shared/bench-anchors}}
duration=${DURATION:-10}
connections=${CONNECTIONS:-32}
rounds=${ROUNDS:-2}
warmup=${WARMUP:-2}
server_cpu=${SERVER_CPU:-0}
client_cpu=${CLIENT_CPU:-1}
with_info_log=${WITH_INFO_LOG:-1}
nice_level=${NICE:-0}
start_timeout=30

die() { echo "http_load: $*" >&2; exit 1; }
note() { echo "== $*" >&2; }

for tool in wrk curl taskset setsid timeout openssl python3; do
  command -v "$tool" > /dev/null || die "$tool is not installed"
done
[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs (server and wrk pinned apart); nproc=$(nproc)"
if [ "$nice_level" -lt -20 ] || [ "$nice_level" -gt 19 ]; then die "NICE must be in -20..19"; fi
# shellcheck source=bench/slash_request.sh
. "$repo/bench/slash_request.sh"

if [ -n "${ROLECALL_BIN:-}" ]; then
  bin=$ROLECALL_BIN
elif [ -x "$repo/build/rolecall" ]; then
  bin=$repo/build/rolecall
else
  bin=$repo/build-bench/rolecall
fi
[ -x "$bin" ] || die "no daemon binary at $bin; build it first:
  cmake --preset release && cmake --build --preset release --target rolecall"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rolecall-http-load.XXXXXX")
server_pid=  # the one server running at a time; cleared once it is reaped
wrk_pid=
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  [ -n "$wrk_pid" ] && kill "$wrk_pid" 2> /dev/null
  [ -n "$server_pid" ] && stop_server "$server_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# isolated CPU COMMAND...: run COMMAND pinned to CPU in a session of its own
# whose autogroup gets the nice value NICE. The new session sets its own
# autogroup before it execs COMMAND (setting it from outside could race the
# setsid and hit the caller's session). The pid stays COMMAND's.
isolated() {
  local cpu=$1
  shift
  # shellcheck disable=SC2016  # expanded by the inner sh
  exec setsid sh -c '[ "$1" = 0 ] || echo "$1" > /proc/self/autogroup || exit 125
    shift; exec taskset -c "$@"' sh "$nice_level" "$cpu" "$@"
}
if [ "$nice_level" != 0 ]; then
  (isolated "$client_cpu" true) 2> /dev/null ||
    die "cannot set nice $nice_level on an autogroup (needs root and CONFIG_SCHED_AUTOGROUP)"
fi

# post KIND PORT PATH -> prints "STATUS BODY"
post() {
  sign "$1"
  curl -sS --max-time 5 -o "$tmp/curl.body" -w '%{http_code}' \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    -H "X-Slack-Request-Timestamp: $ts" -H "X-Slack-Signature: $sig" \
    --data-binary "$body" "http://127.0.0.1:$2$3"
  printf ' %s' "$(cat "$tmp/curl.body")"
}

wait_listening() {  # PID PORT NAME
  local deadline=$((SECONDS + start_timeout))
  while ! (exec 3<> "/dev/tcp/127.0.0.1/$2") 2> /dev/null; do
    kill -0 "$1" 2> /dev/null || die "$3 exited during start-up (log: $4)"
    [ $SECONDS -lt $deadline ] || die "$3 did not listen on port $2 within ${start_timeout}s"
    sleep 0.1
  done
}

# RSS and CPU time are read from /proc/$server_pid: it must be the server itself,
# not a wrapper shell.
check_pid_is() {  # EXECUTABLE
  [ "$(readlink "/proc/$server_pid/exe")" = "$1" ] ||
    die "pid $server_pid is $(readlink "/proc/$server_pid/exe"), not $1"
}

stop_server() {  # PID: SIGTERM, a bounded wait, then SIGKILL (a hung server must not hang us)
  kill "$1" 2> /dev/null || true
  for _ in $(seq 100); do kill -0 "$1" 2> /dev/null || break; sleep 0.1; done
  kill -9 "$1" 2> /dev/null || true
  wait "$1" 2> /dev/null || true
  server_pid=
}

# ---- servers -----------------------------------------------------------------
make_config warn "$tmp/rolecall-warn.yaml"
make_config info "$tmp/rolecall-info.yaml"

start_rolecall() {  # LEVEL PORT
  local log=$tmp/rolecall-$1.log
  rm -f "$tmp/db" "$tmp/db-wal" "$tmp/db-shm"
  (isolated "$server_cpu" env SLACK_SIGNING_SECRET="$secret" ROLECALL_DB="$tmp/db" \
    ROLECALL_LISTEN="127.0.0.1:$2" "$bin" serve --config "$tmp/rolecall-$1.yaml" --threads 1) \
    > "$log" 2>&1 &
  server_pid=$!
  wait_listening "$server_pid" "$2" "rolecall" "$log"
  check_pid_is "$(readlink -f "$bin")"
}

bolt_dir=
setup_bolt() {
  if [ ! -f "$anchors/bolt-baseline/server.js" ]; then
    note "Bolt half SKIPPED: no bolt-baseline/ in '$anchors' (pass the anchors dir as \$1 or BENCH_ANCHORS)"
    return 1
  fi
  if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
    note "Bolt half SKIPPED: node/npm not installed"
    return 1
  fi
  bolt_dir=$tmp/bolt-baseline
  cp -R "$anchors/bolt-baseline" "$bolt_dir"
  chmod -R u+w "$bolt_dir"
  note "installing the Bolt app (npm ci) in $bolt_dir"
  if ! (cd "$bolt_dir" && timeout 300 npm ci --no-audit --no-fund --loglevel=error > "$tmp/npm.log" 2>&1); then
    cat "$tmp/npm.log" >&2
    die "npm ci of the Bolt app failed"
  fi
  return 0
}

start_bolt() {  # PORT
  (cd "$bolt_dir" && isolated "$server_cpu" env SLACK_SIGNING_SECRET="$secret" node server.js "$1") \
    > "$tmp/bolt.log" 2>&1 &
  server_pid=$!
  wait_listening "$server_pid" "$1" "Bolt" "$tmp/bolt.log"
  check_pid_is "$(readlink -f "$(command -v node)")"
}

# ---- checks before measuring -------------------------------------------------
check_rolecall() {  # PORT
  local out status
  out=$(post good "$1" /slack/commands)
  status=${out%% *}
  [ "$status" = 200 ] || die "signed /whoowns got $status, want 200: ${out#* }"
  printf '%s' "${out#* }" | python3 -c '
import json, sys
answer = json.load(sys.stdin)
text = json.dumps(answer)
assert answer.get("response_type") == "ephemeral", "not an ephemeral reply"
assert "Product Owner" in text, "answer does not name the Product Owner"
assert "Tom Becker" in text or "U0TOMB0001" in text, "answer does not name the checkout PO"
' || die "signed /whoowns answer is wrong: ${out#* }"
  for kind in badsig stale; do
    out=$(post "$kind" "$1" /slack/commands)
    [ "${out%% *}" = 401 ] || die "$kind request got ${out%% *}, want 401"
  done
  note "rolecall: signed /whoowns -> 200 naming the Product Owner; bad signature and stale timestamp -> 401"
}

check_bolt() {  # PORT
  local out
  out=$(post good "$1" /slack/commands)
  [ "${out%% *}" = 200 ] || die "Bolt: signed /whoowns got ${out%% *}, want 200: ${out#* }"
  out=$(post badsig "$1" /slack/commands)
  [ "${out%% *}" = 401 ] || die "Bolt: bad signature got ${out%% *}, want 401"
  note "Bolt: signed /whoowns -> 200; bad signature -> 401"
}

# ---- measuring ---------------------------------------------------------------
run_wrk() {  # PORT SECONDS -> the BENCH line in $tmp/wrk.bench
  write_lua "$tmp/req.lua"
  (isolated "$client_cpu" timeout $(($2 + 30)) wrk -t1 -c"$connections" -d"$2"s --latency -s "$tmp/req.lua" \
    "http://127.0.0.1:$1/slack/commands") > "$tmp/wrk.out" 2>&1 &
  wrk_pid=$!
  wait "$wrk_pid" || { cat "$tmp/wrk.out" >&2; die "wrk failed"; }
  wrk_pid=
  grep '^BENCH ' "$tmp/wrk.out" > "$tmp/wrk.bench" || { cat "$tmp/wrk.out" >&2; die "no result from wrk"; }
}

results=$tmp/results
: > "$results"
# CPU time (user + system, in clock ticks) the server's process has used so far.
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
tick_us=$((1000000 / $(getconf CLK_TCK)))
# Nanoseconds the server's threads have spent runnable but waiting for a CPU:
# how much other work on the machine got in its way.
wait_ns() { cat "/proc/$1"/task/*/schedstat 2> /dev/null | awk '{s += $2} END {printf "%.0f", s}'; }  # %d would clamp at 2^31 in mawk

measure() {  # NAME ROUND PORT  (server already started as $server_pid)
  if [ "$warmup" -gt 0 ]; then run_wrk "$3" "$warmup"; fi
  local line hwm cpu0 cpu1 wait0 wait1
  cpu0=$(cpu_ticks "$server_pid") wait0=$(wait_ns "$server_pid")
  run_wrk "$3" "$duration"
  cpu1=$(cpu_ticks "$server_pid") wait1=$(wait_ns "$server_pid")
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status")
  line="$(cat "$tmp/wrk.bench") cpu_us=$(((cpu1 - cpu0) * tick_us)) cpu_wait_us=$(((wait1 - wait0) / 1000)) hwm_kb=$hwm"
  echo "$1 $2 $line" >> "$results"
  note "$1 round $2: $line"
  case $line in *' non2xx=0 '*) ;; *) die "$1: non-2xx responses during the run: $line" ;; esac
}

bolt_on=0
setup_bolt && bolt_on=1

note "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

variants=(rolecall-warn)
[ "$with_info_log" = 1 ] && variants+=(rolecall-info)
[ "$bolt_on" = 1 ] && variants+=(bolt)

for round in $(seq "$rounds"); do
  for v in "${variants[@]}"; do
    port=$(free_port)
    case $v in
      rolecall-*) start_rolecall "${v#rolecall-}" "$port"; [ "$round" = 1 ] && check_rolecall "$port" ;;
      bolt) start_bolt "$port"; [ "$round" = 1 ] && check_bolt "$port" ;;
    esac
    measure "$v" "$round" "$port"
    stop_server "$server_pid"
  done
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- summary -----------------------------------------------------------------
summary=$(python3 - "$results" "$load_before" "$load_after" "$duration" "$connections" "$rounds" "$nice_level" << 'PY'
import statistics, sys
path, load_before, load_after, duration, conns, rounds, nice = sys.argv[1:]
runs = {}
for line in open(path):
    f = line.split()
    kv = dict(x.split("=") for x in f[3:])
    kv = {k: int(v) for k, v in kv.items()}
    kv["rps"] = kv["requests"] / (kv["duration_us"] / 1e6)
    kv["cpu_per_req"] = kv["cpu_us"] / kv["requests"]
    kv["wait_share"] = kv["cpu_wait_us"] / kv["duration_us"]
    kv["busy"] = kv["cpu_us"] / kv["duration_us"]
    runs.setdefault(f[0], []).append(kv)
med = lambda name, key: statistics.median(r[key] for r in runs[name])
names = {"rolecall-warn": "rolecall, log.level warn",
         "rolecall-info": "rolecall, log.level info (default)",
         "bolt": "Bolt 5.1.0 (anchor)"}
bolt = med("bolt", "rps") if "bolt" in runs else None
print(f"wrk -t1 -c{conns} -d{duration}s --latency, server on 1 CPU (1 thread), wrk on another,"
      f" nice {nice}; {rounds} rounds, medians. Load average before {load_before}, after {load_after}.\n")
print("| server | req/s | p50 | p99 | ratio to Bolt | server CPU per request | server CPU busy | server waited for its CPU | peak RSS (VmHWM) | rounds (req/s) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for n in ["rolecall-warn", "rolecall-info", "bolt"]:
    if n not in runs: continue
    rps = med(n, "rps")
    ratio = f"{rps / bolt:.1f}x" if bolt else "n/a"
    per = ", ".join(f"{r['rps']:,.0f}" for r in runs[n])
    print(f"| {names[n]} | {rps:,.0f} | {med(n, 'p50_us') / 1000:.2f} ms | {med(n, 'p99_us') / 1000:.2f} ms"
          f" | {ratio} | {med(n, 'cpu_per_req'):.1f} µs | {med(n, 'busy') * 100:.0f}% | {med(n, 'wait_share') * 100:.0f}% of the run | {max(r['hwm_kb'] for r in runs[n]) / 1024:.1f} MiB | {per} |")
w = "rolecall-warn"
print()
checks = []
if bolt:
    # Rounds interleave the servers, so a round's ratio compares like with like.
    per_round = [a["rps"] / b["rps"] for a, b in zip(runs[w], runs["bolt"])]
    checks.append((f">= 6x Bolt's req/s", med(w, "rps") >= 6 * bolt,
                   f"{med(w, 'rps') / bolt:.1f}x; per round " + ", ".join(f"{r:.1f}x" for r in per_round)
                   + f"; Bolt needs {med('bolt', 'cpu_per_req') / med(w, 'cpu_per_req'):.1f}x the CPU per request"))
else:
    checks.append((">= 6x Bolt's req/s", None, "Bolt skipped"))
checks.append((f"p99 < 2 ms at c{conns}", med(w, "p99_us") < 2000, f"{med(w, 'p99_us') / 1000:.2f} ms"))
hwm = max(r["hwm_kb"] for r in runs[w])
checks.append(("peak RSS < 32 MB", hwm * 1024 < 32e6, f"{hwm * 1024 / 1e6:.1f} MB"))
for name, ok, got in checks:
    verdict = "skipped" if ok is None else ("met" if ok else "MISSED")
    print(f"- target {name} (rolecall, log.level warn): {verdict} ({got})")
PY
)
echo "$summary"
[ -n "${OUT:-}" ] && printf '%s\n' "$summary" > "$OUT"
exit 0
