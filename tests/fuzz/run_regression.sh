#!/usr/bin/env bash
# Runs every fuzz target briefly on its corpus: each input in
# tests/fuzz/corpus/<target>/ first (the regression part: old crashes and
# every input that reached new coverage), then fresh mutations until the time
# is up. Exits non-zero when any target crashes, leaks, hangs, runs out of
# memory or trips UBSan (the fuzz build halts on UBSan reports).
#
#   tests/fuzz/run_regression.sh [-t SECONDS] [-b BUILD_DIR] [TARGET...]
#
#   -t SECONDS   mutation time per target after its corpus (default 20)
#   -b BUILD_DIR the fuzz build (default build-fuzz: `cmake --workflow --preset fuzz`)
#   TARGET       names as in tests/fuzz/<name>.cpp (default: all built ones)
#
# New inputs go to a scratch directory, never into the source tree; a crashing
# input is kept as $FUZZ_ARTIFACTS/<target>-crash-<sha1> (default
# build-fuzz/fuzz-artifacts) and the command to reproduce it is printed.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=20
build=build-fuzz
while getopts "t:b:" opt; do
  case "$opt" in
    t) seconds="$OPTARG" ;;
    b) build="$OPTARG" ;;
    *) sed -n '2,17p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

bin="$build/fuzz"
if [[ ! -d "$bin" ]]; then
  echo "run_regression: no fuzz build in $build (run: cmake --workflow --preset fuzz)" >&2
  exit 2
fi
targets=("$@")
if ((${#targets[@]} == 0)); then
  for f in "$bin"/fuzz_*; do targets+=("$(basename "$f" | sed 's/^fuzz_//')"); done
fi

artifacts="${FUZZ_ARTIFACTS:-$build/fuzz-artifacts}"
mkdir -p "$artifacts"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

failed=()
start_all=$SECONDS
for t in "${targets[@]}"; do
  exe="$bin/fuzz_$t"
  corpus="tests/fuzz/corpus/$t"
  if [[ ! -x "$exe" ]]; then
    echo "run_regression: $exe is not built" >&2
    failed+=("$t")
    continue
  fi
  args=(-max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 -print_final_stats=1
        -artifact_prefix="$artifacts/$t-")
  [[ -f "tests/fuzz/dict/$t.dict" ]] && args+=(-dict="tests/fuzz/dict/$t.dict")
  mkdir -p "$scratch/$t"
  log="$scratch/$t.log"
  start=$SECONDS
  dirs=("$scratch/$t")
  [[ -d "$corpus" ]] && dirs+=("$corpus")
  if "$exe" "${args[@]}" "${dirs[@]}" >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed+=("$t")
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 || true)
  printf 'fuzz %-18s %-6s %4ds  %8s runs  %s\n' "$t" "$status" $((SECONDS - start)) "${runs:-?}" \
    "${cov:-}"
  if [[ "$status" != ok ]]; then
    grep -E 'FUZZ_CHECK|ERROR: |runtime error|SUMMARY|Test unit written' "$log" | head -20 |
      sed 's/^/    /' || true
    echo "    full log: $artifacts/$t.log"
    cp "$log" "$artifacts/$t.log"
    for a in "$artifacts/$t-"*; do
      if [[ -f "$a" ]]; then echo "    reproduce: $exe $a"; fi
    done
  fi
done
echo "fuzz regression: ${#targets[@]} targets in $((SECONDS - start_all)) s, ${#failed[@]} failed${failed:+: ${failed[*]}}"
((${#failed[@]} == 0))
