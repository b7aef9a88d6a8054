#!/usr/bin/env bash
# Installs every Debian 12 package rolecall needs to build, test and benchmark.
# Idempotent: apt-get skips what is already installed. Run as root (or via sudo).
#   scripts/install-deps.sh          build + run dependencies
#   scripts/install-deps.sh --test   also the test and benchmark tools (wrk, valgrind, chromium),
#                                    clang with libFuzzer for tests/fuzz, and the PostgreSQL
#                                    server the storage contract suite starts (postgresql)
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config ca-certificates curl
  libboost-dev libboost-system-dev
  libcpprest-dev
  libsqlitecpp-dev libsqlite3-dev sqlite3
  libspdlog-dev libfmt-dev
  nlohmann-json3-dev
  libyaml-cpp-dev
  libssl-dev
  libpq-dev
  libhowardhinnant-date-dev tzdata
  libgtest-dev libgmock-dev libbenchmark-dev
)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(wrk chromium chromium-driver python3 clang-14 libclang-rt-14-dev
             postgresql valgrind)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
