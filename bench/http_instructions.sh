#!/usr/bin/env bash
# Instructions per signed /whoowns: `rolecall serve` under callgrind, driven by
# wrk, counting only while the load runs (start-up and the model load are left
# out). Unlike requests per second this figure does not move with the load on a
# shared VM, so it is the one to compare two commits by.
#
# usage: bench/http_instructions.sh [BIN ...]
#   BIN   daemon binaries to measure in turn (default: build/rolecall). Each is
#         run with the config and taxonomy of the repository it was built in
#         (the parent of its build directory), so an old commit's binary gets
#         its own taxonomy and model.
# environment: DURATION=15 (seconds of counted load), CONNECTIONS=4
#
# Prints one line per binary: requests, instructions, instructions per request.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
duration=${DURATION:-15}
connections=${CONNECTIONS:-4}
start_timeout=120  # valgrind start-up plus the model load, slowed ~50x

die() { echo "http_instructions: $*" >&2; exit 1; }
for tool in valgrind callgrind_control callgrind_annotate wrk openssl python3; do
  command -v "$tool" > /dev/null || die "$tool is not installed (apt-get install valgrind wrk)"
done
# shellcheck source=bench/slash_request.sh
. "$repo/bench/slash_request.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rolecall-http-instructions.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2> /dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

measure() {  # BIN
  local bin=$1 tree port requests total
  bin=$(readlink -f "$bin")
  tree=$(dirname "$(dirname "$bin")")
  [ -f "$tree/config/rolecall.example.yaml" ] || die "no config/ next to $(dirname "$bin")"
  make_config warn "$tmp/config.yaml" "$tree"
  rm -f "$tmp"/db* "$tmp"/callgrind.out*
  port=$(free_port)
  SLACK_SIGNING_SECRET="$secret" ROLECALL_DB="$tmp/db" ROLECALL_LISTEN="127.0.0.1:$port" \
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$tmp/callgrind.out" \
    "$bin" serve --config "$tmp/config.yaml" --threads 1 > "$tmp/server.log" 2>&1 &
  server_pid=$!
  local deadline=$((SECONDS + start_timeout))
  while ! (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; do
    kill -0 "$server_pid" 2> /dev/null || die "$bin exited during start-up: $(tail -5 "$tmp/server.log")"
    [ $SECONDS -lt $deadline ] || die "$bin did not listen within ${start_timeout}s"
    sleep 0.2
  done
  write_lua "$tmp/req.lua"
  wrk -t1 -c"$connections" -d3s -s "$tmp/req.lua" "http://127.0.0.1:$port/slack/commands" > /dev/null
  callgrind_control -i on "$server_pid" > /dev/null 2>&1
  wrk -t1 -c"$connections" -d"$duration"s -s "$tmp/req.lua" \
    "http://127.0.0.1:$port/slack/commands" > "$tmp/wrk.out"
  callgrind_control -i off "$server_pid" > /dev/null 2>&1
  kill "$server_pid"
  wait "$server_pid" 2> /dev/null || true
  server_pid=
  grep -q ' non2xx=0 ' "$tmp/wrk.out" || die "$bin: non-2xx answers: $(grep BENCH "$tmp/wrk.out")"
  requests=$(sed -n 's/^BENCH requests=\([0-9]*\) .*/\1/p' "$tmp/wrk.out")
  total=$(callgrind_annotate "$tmp/callgrind.out" 2> /dev/null |
    sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
  if [ -z "$requests" ] || [ "$requests" -eq 0 ] || [ -z "$total" ]; then die "$bin: no count"; fi
  echo "$bin requests=$requests instructions=$total per_request=$((total / requests))"
}

if [ $# -eq 0 ]; then set -- "$repo/build/rolecall"; fi
for b in "$@"; do measure "$b"; done
