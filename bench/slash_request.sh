# shellcheck shell=bash
# The signed /whoowns request both HTTP benches send, and the config they run
# rolecall with. Sourced by bench/http_load.sh and bench/http_instructions.sh,
# which set $repo and define die() first.
# shellcheck disable=SC2154  # repo and die come from the sourcing script

secret=bench-signing-secret-0123456789abcdef
question='who owns the acceptance criteria for the refund story'

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A slash command as Slack sends it (form fields of platforms/slack.md), from a
# channel of the example config's "checkout" team.
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote_plus(sys.argv[1]))' "$1"; }
body="token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&team_domain=example&channel_id=C0CHECKOUT1&channel_name=checkout&user_id=U2147483697&user_name=Steve&command=%2Fwhoowns&text=$(urlencode "$question")&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1234%2F5678&trigger_id=13345224609.738474920.8088930838d88f008e0&api_app_id=A0123456789&is_enterprise_install=false"

# sign KIND -> sets $ts and $sig (KIND: good | badsig | stale)
sign() {
  ts=$(date +%s)
  [ "$1" = stale ] && ts=$((ts - 600))
  sig=v0=$(printf 'v0:%s:%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)
  [ "$1" = badsig ] && sig=v0=$(printf '%064d' 0)
  return 0
}

# write_lua FILE: a freshly signed wrk script whose done() prints one parseable line.
write_lua() {
  sign good
  cat > "$1" << LUA
wrk.method = "POST"
wrk.body = [[$body]]
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Slack-Request-Timestamp"] = "$ts"
wrk.headers["X-Slack-Signature"] = "$sig"
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d sockerr=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end
LUA
}

# rolecall: the example config with an absolute taxonomy path and the given
# log level (per-request lines are info; warn keeps only problems).
# Scheduled digests are turned off: one falling due during a run (the example
# teams post on Monday, Tuesday and Friday) would be delivered, and its
# retries to example.invalid, on the server's CPU in the middle of a measurement.
make_config() {  # LEVEL FILE [TREE: the checkout whose config/ to use; default $repo]
  local tree=${3:-$repo}
  sed -e "s|^  path: taxonomy.yaml|  path: $tree/config/taxonomy.yaml|" \
    -e "s|^      enabled: true|      enabled: false|" \
    -e "/^log:/,/^[a-z]/ s|^  level: info|  level: $1|" \
    "$tree/config/rolecall.example.yaml" > "$2"
  grep -q "^  level: $1" "$2" || die "could not set log.level in the config copy"
  ! grep -q "^      enabled: true" "$2" || die "could not turn digests off in the config copy"
}
