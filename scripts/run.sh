#!/usr/bin/env bash
# Builds rolecall and starts the daemon on its embedded default: SQLite in
# var/rolecall.db, config/rolecall.example.yaml, no Slack account needed.
# The local console is then at http://127.0.0.1:8080/ .
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target rolecall
mkdir -p var
exec ./build/rolecall serve "$@"
