#!/usr/bin/env bash
# Runs every libFuzzer target in fuzz/ for SECONDS each (default 60), built with the `sanitize`
# preset (clang, ASan + UBSan). A crash, a sanitizer report, an exception other than InputError
# (what moelab reports with exit 2), an input taking more than 10 s or more than 4 GB is a
# failure: the script prints the reproducer's path and exits 1. New corpus entries go to a
# scratch directory, never into the repository.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET ...]   (targets: experiment_toml set_override
#        jsonl_trace csv_trace kernel_shape; MOELAB_FUZZ_JOBS targets run at once, default nproc)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
all=(experiment_toml set_override jsonl_trace csv_trace kernel_shape)
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")
jobs="${MOELAB_FUZZ_JOBS:-$(nproc)}"

# Seeds per target: the repository's experiments and data, and small samples in fuzz/corpus/
# (fuzz/README.md says what each target covers).
seeds_for() {
  case "$1" in
    experiment_toml) echo experiments data/models data/hardware data/engines data/workloads ;;  # read recursively
    set_override) echo fuzz/corpus/set ;;
    jsonl_trace) echo fuzz/corpus/jsonl fuzz/corpus/traces ;;
    csv_trace) echo fuzz/corpus/csv fuzz/corpus/traces ;;
    kernel_shape) echo fuzz/corpus/kernel_shape ;;
    *) echo "fuzz: unknown target $1 (known: ${all[*]})" >&2; exit 2 ;;
  esac
}
for t in "${targets[@]}"; do seeds_for "$t" >/dev/null; done

scripts/setup.sh --no-build sanitize
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}" CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize --target "${targets[@]/#/fuzz_}"

work=$(mktemp -d "${TMPDIR:-/tmp}/moelab-fuzz.XXXXXX")
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

run_one() {
  local t="$1" dir="$work/$1"
  mkdir -p "$dir/corpus"
  local status=0
  # shellcheck disable=SC2046
  build/sanitize/fuzz/fuzz_"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -close_fd_mask=1 \
    -print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus" $(seeds_for "$t") >"$dir/log" 2>&1 || status=$?
  echo "$status" >"$dir/status"
}

running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

failed=0
printf '%-16s %12s %12s %10s  %s\n' target runs runs/s corpus result
for t in "${targets[@]}"; do
  dir="$work/$t"
  status=$(cat "$dir/status" 2>/dev/null || echo "?")
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/log" | grep -o '[0-9]*$' | tail -1)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$dir/log" | grep -o '[0-9]*$' | tail -1)
  corpus=$(find "$dir/corpus" -type f | wc -l)
  if [ "$status" = 0 ]; then
    printf '%-16s %12s %12s %10s  ok\n' "$t" "${runs:-?}" "${rate:-?}" "$corpus"
  else
    failed=1
    artifact=$(ls "$dir"/crash-* "$dir"/timeout-* "$dir"/oom-* "$dir"/leak-* 2>/dev/null | head -1 || true)
    printf '%-16s %12s %12s %10s  FAILED (exit %s)%s\n' "$t" "${runs:-?}" "${rate:-?}" "$corpus" "$status" \
      "${artifact:+; reproduce: build/sanitize/fuzz/fuzz_$t $artifact}"
    tail -40 "$dir/log" | sed "s/^/  $t: /"
  fi
done
if ((failed)); then
  echo "fuzz: failures kept in $work" >&2
  exit 1
fi
rm -rf "$work"
