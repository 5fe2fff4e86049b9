#!/usr/bin/env bash
# Every GPU check in one run of at most ~8 minutes, for a lent H100/H200:
#   configure (preset "gpu" settings, sm_90a; scripts/setup.sh only if that fails) -> build ->
#   ctest -L gpu -> the GPU suite with messages -> every kernel A/B suite in experiments/kernels/.
# Writes under $OUT (default ./out/device-check): device-check.log, one HDF5 file and one log per
# A/B suite, summary.md. A failing step is recorded and the script goes on; exit status is 0 when
# every step passed, 1 otherwise.
# Usage: bash scripts/device-check.sh [--budget-s 480] [--suite-time-s 1.5]
set -uo pipefail
cd "$(dirname "$0")/.."

budget_s=480        # whole script
suite_time_s=1.5    # ab.max_time_s per case in the A/B suites (files say 5 s; the device check is shorter)
while (($#)); do
  case "$1" in
    --budget-s) budget_s="$2"; shift 2 ;;
    --suite-time-s) suite_time_s="$2"; shift 2 ;;
    *) echo "device-check: unknown argument $1" >&2; exit 2 ;;
  esac
done

OUT="${OUT:-$PWD/out/device-check}"
mkdir -p "$OUT"
log="$OUT/device-check.log"
summary="$OUT/summary.md"
: >"$log"
start_s=$(date +%s)
build_dir="${BUILD_DIR:-build/gpu}"   # what preset "gpu" uses
moelab="$build_dir/lab/moelab"
failed=0
declare -a rows=()

say() { echo "[device-check $(( $(date +%s) - start_s ))s] $*" | tee -a "$log"; }
left_s() { echo $(( budget_s - ($(date +%s) - start_s) )); }

# step NAME CAP_S CMD...: runs CMD with a timeout of min(CAP_S, time left - 5 s), logs it, records the outcome.
step() {
  local name="$1" cap="$2"; shift 2
  local left; left=$(( $(left_s) - 5 ))
  local limit=$(( cap < left ? cap : left ))
  if (( limit < 5 )); then
    say "SKIP $name (out of time)"
    rows+=("| $name | skipped (out of time) | 0 |")
    failed=1
    return 1
  fi
  say "START $name (limit ${limit}s): $*"
  local t0; t0=$(date +%s)
  timeout --kill-after=10 "$limit" "$@" >>"$log" 2>&1
  local rc=$?
  local dt=$(( $(date +%s) - t0 ))
  local outcome="ok"
  if (( rc == 124 || rc == 137 )); then
    outcome="TIMED OUT after ${limit}s"
  elif (( rc == 77 )); then
    outcome="skipped (exit 77: no CUDA device)"
  elif (( rc != 0 )); then
    outcome="FAILED (exit $rc)"
  fi
  [[ "$outcome" == ok || "$outcome" == skipped* ]] || failed=1
  say "END $name: $outcome (${dt}s)"
  rows+=("| $name | $outcome | $dt |")
  return $rc
}

say "repository $(git rev-parse --short HEAD 2>/dev/null || echo unknown), budget ${budget_s}s, output $OUT"
{ nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,clocks.max.mem,memory.total --format=csv 2>&1 || echo "nvidia-smi unavailable"; } | tee -a "$log"

# 1-2. Configure (the "gpu" preset's settings, spelled out so BUILD_DIR can differ). Only when that
# fails is scripts/setup.sh run (it installs missing Debian packages, which needs a network the
# lent machine may not have), and the configure retried.
# The C++20 flag for nvcc is also set by cmake/Cuda.cmake; repeating it keeps older checkouts building.
nproc_n=$(nproc 2>/dev/null || echo 8)
configure() {  # run through `bash -c` so that `timeout` can wrap it
  local generator=()  # an existing build directory keeps its generator
  if [[ ! -f "$build_dir/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
  cmake -S . -B "$build_dir" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE=Release -DMOELAB_ENABLE_CUDA=ON -DMOELAB_REQUIRE_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90a \
    -DCMAKE_CUDA20_STANDARD_COMPILE_OPTION=-std=c++20 -DCMAKE_CUDA20_EXTENSION_COMPILE_OPTION=-std=c++20
}
export build_dir
export -f configure
if ! step "configure (CUDA on, sm_90a, Release)" 90 bash -c configure; then
  step "setup (missing packages; no build)" 150 bash scripts/setup.sh --no-build gpu
  step "configure again" 90 bash -c configure
fi
mapfile -t gpu_tests < <(grep -l 'LABELS gpu' tests/*/CMakeLists.txt 2>/dev/null | xargs -r sed -n 's/.*moelab_test_dir(\([A-Za-z0-9_]*\).*/\1/p')
say "gpu test targets: ${gpu_tests[*]:-none}"
step "build (moelab ${gpu_tests[*]})" 270 cmake --build "$build_dir" -j "$nproc_n" --target moelab "${gpu_tests[@]}"
if [[ ! -x "$moelab" ]]; then
  say "no moelab binary: the build failed (see the log)"
fi

# 3. GPU tests: ctest's verdict, then the suite again with per-variant messages for the log.
step "ctest -L gpu" 120 ctest --test-dir "$build_dir" -L gpu --output-on-failure
if [[ -x "$build_dir/tests/kernels_gpu/test_kernels_gpu" ]]; then
  step "kernels_gpu (messages)" 90 "$build_dir/tests/kernels_gpu/test_kernels_gpu" --log_level=message --report_level=short
fi

# 4. A/B suites: attention first, then router and grouped GEMM; each gets an equal share of what is left.
mapfile -t suites < <(ls experiments/kernels/attention*.toml 2>/dev/null; ls experiments/kernels/*.toml 2>/dev/null | grep -v '/attention')
if [[ -x "$moelab" ]]; then
  "$moelab" --version >>"$log" 2>&1
  "$moelab" list variants >>"$log" 2>&1
  for i in "${!suites[@]}"; do
    suite="${suites[$i]}"
    name=$(basename "$suite" .toml)
    remaining=$(( ${#suites[@]} - i ))
    share=$(( ($(left_s) - 10) / remaining ))
    step "ab $name" "$share" bash -c "\"$moelab\" run \"$suite\" -o \"$OUT/$name.h5\" --set ab.max_time_s=$suite_time_s \
      >\"$OUT/$name.log\" 2>&1; rc=\$?; cat \"$OUT/$name.log\"; exit \$rc"
  done
else
  for suite in "${suites[@]}"; do rows+=("| ab $(basename "$suite" .toml) | not run (no moelab) | 0 |"); done
  failed=1
fi

# 5. Summary.
{
  echo "# Device check — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "Commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || echo 'no nvidia-smi'); total $(( $(date +%s) - start_s )) s of ${budget_s} s."
  echo
  echo "| step | outcome | seconds |"
  echo "|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "## A/B verdicts (time ratio vs the first variant; FASTER = lower time)"
  for f in "$OUT"/*.log; do
    [[ "$f" == "$log" ]] && continue
    echo
    echo "### $(basename "$f" .log)"
    echo '```'
    grep -E '^[a-z_]+(\.[a-z_]+)? \[|^  [a-z]+\.[a-z_0-9]+ ' "$f" | cut -c1-200
    echo '```'
  done
  echo
  echo "## Problems"
  grep -nE ' wrong | error |FAILED|TIMED OUT|Failed|\*\*\*' "$log" | grep -v '^.*START' | head -40 || true
} >"$summary"
say "summary: $summary"
exit $failed
