#!/usr/bin/env bash
# Builds rolecall and runs the whole test suite (the README's test command and
# what CI runs). Installs the Debian packages it needs first.
#   scripts/test.sh          release build with debug info (preset "release")
#   scripts/test.sh asan     AddressSanitizer + UBSan build (preset "asan")
#   scripts/test.sh fuzz     libFuzzer targets (preset "fuzz", clang), each run on
#                            its corpus plus 20 s of mutations (tests/fuzz/run_regression.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
scripts/install-deps.sh --test
cmake --workflow --preset "$preset"
if [[ "$preset" == fuzz ]]; then
  tests/fuzz/run_regression.sh
fi
