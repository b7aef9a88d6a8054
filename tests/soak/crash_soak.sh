#!/usr/bin/env bash
# The crash soak (issue 13): builds rolecall and the soak driver, then runs
# build/tests/crash_soak: the real daemon killed with SIGKILL at random
# moments (60 times by default) under a steady stream of signed Slack
# mentions, while the fake Slack answers some 429s, 500s (before and after
# storing the post), dropped connections and slow 200s. Prints the figures
# as JSON; exits 0 only with 0 lost, 0 duplicated and integrity_check ok.
#
#   tests/soak/crash_soak.sh [BUILD_DIR] [-- crash_soak options]
#   tests/soak/crash_soak.sh build -- --kills 100 --rate 40 --json /tmp/soak.json
#   tests/soak/crash_soak.sh build -- --kills 0 --duration 90    # control run
#
# Not part of ctest: it takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
build="build"
if [[ $# -gt 0 && "$1" != "--" ]]; then build="$1"; shift; fi
[[ $# -gt 0 && "$1" == "--" ]] && shift
if [[ ! -f "$build/build.ninja" && ! -f "$build/Makefile" ]]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROLECALL_BUILD_BENCH=OFF
fi
cmake --build "$build" --target rolecall crash_soak
exec "$build/tests/crash_soak" "$@"
