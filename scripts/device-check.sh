#!/usr/bin/env bash
# Every GPU check in one run of at most ~8 minutes on a lent H100/H200, with no network:
#   0. preflight     a GPU must be visible and the CUDA runtime usable; otherwise exit 1 at once,
#                    printing the runtime's error, the driver and the toolkit versions
#   1. configure     the "gpu" preset's settings (CUDA on, sm_90a, Release); no package installs
#   2. build         moelab and the GPU test executables
#   3. GPU suites    tests/kernels/common/gpu one op family per process (a sticky CUDA error in one
#                    family cannot fail another), the harness's measurement test, the older GPU
#                    suites (attention, MoE)
#   4. sanitizers    compute-sanitizer memcheck, racecheck, synccheck, initcheck on the tiny
#                    sanitize_<family> cases
#   5. A/B suites    every experiments/kernels/*.toml, strict (skipped or unsupported variants
#                    fail), each in its own process, sharing what is left of the budget
# Inside device-check nothing may pass by being skipped: MOELAB_REQUIRE_GPU=1 turns a GPU suite's
# "no device" (exit 77) into a failure, exit 77 counts as a failure here too, and the A/B runs are
# strict. Every timed row is also held to the sanity bound (<= 1.05 x peak FLOP/s and bandwidth;
# lab/ab/sanity.hpp), which fails the suite.
# Writes under $OUT (default ./out/device-check): device-check.log, summary.md, one HDF5 file and
# one log per A/B suite. A failing step is recorded and the script goes on (except the preflight);
# exit status 0 when every step passed, 1 otherwise, 2 on bad arguments.
# Usage: bash scripts/device-check.sh [--dry-run] [--budget-s 480] [--suite-time-s 0.75]
#   --dry-run   print the plan with each step's time limit and estimate; runs nothing, needs no GPU
set -uo pipefail
cd "$(dirname "$0")/.."

budget_s=480        # whole script
suite_time_s=0.75   # ab.max_time_s per case in the A/B suites (the files say 5 s; the check is shorter)
dry_run=0
while (($#)); do
  case "$1" in
    --dry-run) dry_run=1; shift ;;
    --budget-s) budget_s="$2"; shift 2 ;;
    --suite-time-s) suite_time_s="$2"; shift 2 ;;
    *) echo "device-check: unknown argument $1" >&2; exit 2 ;;
  esac
done
if ! [[ "$budget_s" =~ ^[0-9]+$ ]] || ((budget_s < 60)); then
  echo "device-check: --budget-s must be an integer >= 60, got '$budget_s'" >&2
  exit 2
fi

build_dir="${BUILD_DIR:-build/gpu}"   # what preset "gpu" uses
moelab="$build_dir/lab/moelab"
gpu_test="$build_dir/tests/kernels/common/gpu/test_kernels_common_gpu"
families=(attention router grouped_gemm mla)
sanitizers=(memcheck racecheck synccheck initcheck)
mapfile -t gpu_tests < <(grep -l 'LABELS gpu' tests/*/CMakeLists.txt 2>/dev/null | xargs -r sed -n 's/.*moelab_test_dir(\([A-Za-z0-9_]*\).*/\1/p')
# A/B suites: attention first, then the others; the harness gives each case ab.max_time_s.
mapfile -t suites < <(ls experiments/kernels/attention*.toml 2>/dev/null; ls experiments/kernels/*.toml 2>/dev/null | grep -v '/attention')

# The plan: "name|limit_s|estimate_s". Estimates are for one H200 with 16 cores and a cold build
# directory; the limits cap each step (a step also never runs past the budget). None of these
# times has been measured yet: correct them from the first run's summary.md.
plan=(
  "preflight (GPU visible, CUDA runtime usable)|40|15"
  "configure (CUDA on, sm_90a, Release)|60|15"
  "build (moelab ${gpu_tests[*]})|240|180"
)
for f in "${families[@]}"; do plan+=("gpu suite kernels_gpu/$f|45|10"); done
plan+=("gpu suite kernels_gpu/measurement|30|8" "gpu suite kernels_gpu/device_is_described + every_op_has_shapes|20|3")
for t in "${gpu_tests[@]}"; do
  [[ "$t" == test_kernels_common_gpu ]] && continue
  plan+=("gpu suite $t|45|10")
done
for s in "${sanitizers[@]}"; do plan+=("compute-sanitizer $s (sanitize_*)|40|15"); done
for suite in "${suites[@]}"; do plan+=("ab $(basename "$suite" .toml) (strict)|share|12"); done

if ((dry_run)); then
  total=0
  echo "device-check plan (budget ${budget_s}s; estimates for one H200, not yet measured):"
  printf '  %-64s %8s %8s\n' "step" "limit_s" "est_s"
  for row in "${plan[@]}"; do
    IFS='|' read -r name limit est <<<"$row"
    printf '  %-64s %8s %8s\n' "$name" "$limit" "$est"
    total=$((total + est))
  done
  echo "estimated total: ${total}s of ${budget_s}s ('share': the A/B suites split what is left equally)"
  ((total <= budget_s)) || echo "WARNING: the estimate exceeds the budget"
  exit 0
fi

OUT="${OUT:-$PWD/out/device-check}"
mkdir -p "$OUT"
log="$OUT/device-check.log"
summary="$OUT/summary.md"
: >"$log"
start_s=$(date +%s)
failed=0
declare -a rows=()
export MOELAB_REQUIRE_GPU=1   # a GPU suite without a usable device fails instead of skipping

say() { echo "[device-check $(( $(date +%s) - start_s ))s] $*" | tee -a "$log"; }
left_s() { echo $(( budget_s - ($(date +%s) - start_s) )); }

# step NAME CAP_S CMD...: runs CMD with a timeout of min(CAP_S, time left - 5 s), logs it, records
# the outcome. Exit 77 ("skipped") is a failure: nothing in device-check may pass by not running.
step() {
  local name="$1" cap="$2"; shift 2
  local left; left=$(( $(left_s) - 5 ))
  local limit=$(( cap < left ? cap : left ))
  if (( limit < 5 )); then
    say "NOT RUN $name (out of time)"
    rows+=("| $name | NOT RUN (out of time) | 0 |")
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
    outcome="FAILED (exit 77: skipped, which device-check does not accept)"
  elif (( rc != 0 )); then
    outcome="FAILED (exit $rc)"
  fi
  [[ "$outcome" == ok ]] || failed=1
  say "END $name: $outcome (${dt}s)"
  rows+=("| $name | $outcome | $dt |")
  return $rc
}

write_summary() {
  {
    echo "# Device check — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo
    echo "Commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || echo 'no nvidia-smi'); total $(( $(date +%s) - start_s )) s of ${budget_s} s; exit status $failed."
    echo
    echo "| step | outcome | seconds |"
    echo "|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "## Preflight"
    echo '```'
    grep -E '^(nvidia-smi|toolkit|probe|preflight):' "$log" || true
    echo '```'
    echo
    echo "## A/B verdicts (time ratio vs the first variant; FASTER = lower time)"
    for f in "$OUT"/*.log; do
      [[ "$f" == "$log" ]] && continue
      echo
      echo "### $(basename "$f" .log)"
      echo '```'
      grep -E '^[a-z_0-9]+(\.[a-z_]+)? \[|^  [a-z]+\.[a-z_0-9]+ |vs anchor' "$f" | cut -c1-200
      echo '```'
    done
    echo
    echo "## Problems"
    grep -nE ' wrong | error |implausible|FAILED|TIMED OUT|NOT RUN|Failed|\*\*\*|ERROR SUMMARY: [1-9]' "$log" | grep -v 'START ' | head -60 || true
  } >"$summary"
  say "summary: $summary"
}

say "repository $(git rev-parse --short HEAD 2>/dev/null || echo unknown), budget ${budget_s}s, output $OUT"

# 0. Preflight: a visible GPU and a CUDA runtime that can use it. A driver older than the runtime
# needs, a missing /dev/nvidia-uvm or a container without the driver's libraries all read as
# "no device" to the runtime; here they stop the check with the runtime's own words.
preflight() {
  local visible=0
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then visible=1; fi
  compgen -G '/dev/nvidia[0-9]*' >/dev/null && visible=1
  if command -v nvidia-smi >/dev/null 2>&1; then
    echo "nvidia-smi: $(nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,clocks.max.mem,memory.total --format=csv,noheader 2>&1 | head -4)"
  else
    echo "nvidia-smi: not installed"
  fi
  local nvcc; nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
  echo "toolkit: $("$nvcc" --version 2>&1 | grep -i release || echo "nvcc not found at $nvcc")"
  if ((visible == 0)); then
    echo "preflight: no GPU visible (no working nvidia-smi, no /dev/nvidia<N>): device-check needs one"
    return 1
  fi
  [[ -x "$nvcc" ]] || { echo "preflight: a GPU is visible but there is no nvcc"; return 1; }
  local dir; dir=$(mktemp -d)
  cat >"$dir/probe.cu" <<'EOF'
#include <cstdio>
#include <cuda_runtime.h>
int main() {
  int runtime = 0, driver = 0, count = 0;
  cudaRuntimeGetVersion(&runtime);
  cudaDriverGetVersion(&driver);
  std::printf("probe: cudaRuntimeGetVersion %d, cudaDriverGetVersion %d\n", runtime, driver);
  cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) { std::printf("probe: cudaGetDeviceCount: %s (%s)\n", cudaGetErrorName(e), cudaGetErrorString(e)); return 1; }
  if (count == 0) { std::printf("probe: cudaGetDeviceCount: 0 devices\n"); return 1; }
  cudaDeviceProp prop{};
  e = cudaGetDeviceProperties(&prop, 0);
  if (e != cudaSuccess) { std::printf("probe: cudaGetDeviceProperties: %s\n", cudaGetErrorString(e)); return 1; }
  void* p = nullptr;
  e = cudaMalloc(&p, 1 << 20);
  if (e != cudaSuccess) { std::printf("probe: cudaMalloc: %s (%s)\n", cudaGetErrorName(e), cudaGetErrorString(e)); return 1; }
  cudaFree(p);
  std::printf("probe: device 0: %s, sm_%d%d, %d SMs\n", prop.name, prop.major, prop.minor, prop.multiProcessorCount);
  return prop.major == 9 ? 0 : 2;  // the sm_90a kernels need a Hopper GPU
}
EOF
  "$nvcc" -o "$dir/probe" "$dir/probe.cu" || { echo "preflight: nvcc could not build the probe"; return 1; }
  "$dir/probe"
  local rc=$?
  rm -rf "$dir"
  ((rc == 2)) && echo "preflight: the GPU is not sm_90 (Hopper); the sm_90a build cannot run on it"
  ((rc == 0)) || echo "preflight: the CUDA runtime cannot use the visible GPU (see above)"
  return $rc
}
export -f preflight
if ! step "preflight (GPU visible, CUDA runtime usable)" 40 bash -c preflight; then
  grep -E '^(nvidia-smi|toolkit|probe|preflight):' "$log" | sed 's/^/  /' >&2
  write_summary
  exit 1
fi

# 1-2. Configure (the "gpu" preset's settings, spelled out so BUILD_DIR can differ) and build.
# No package installation: the lent machine has no network; a failing configure fails the check.
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
step "configure (CUDA on, sm_90a, Release)" 60 bash -c configure
say "gpu test targets: ${gpu_tests[*]:-none}"
step "build (moelab ${gpu_tests[*]})" 240 cmake --build "$build_dir" -j "$nproc_n" --target moelab "${gpu_tests[@]}"

# 3. GPU suites: one process per op family, then the rest.
if [[ -x "$gpu_test" ]]; then
  step "gpu suite kernels_gpu/device_is_described + every_op_has_shapes" 20 "$gpu_test" \
    --run_test=kernels_gpu/device_is_described,every_op_has_shapes --log_level=message --report_level=short
  for f in "${families[@]}"; do
    step "gpu suite kernels_gpu/$f" 45 "$gpu_test" --run_test="kernels_gpu/$f" --log_level=message --report_level=short
  done
  step "gpu suite kernels_gpu/measurement" 30 "$gpu_test" --run_test=kernels_gpu/measurement --log_level=message --report_level=short
else
  say "no $gpu_test: the build failed (see the log)"
  rows+=("| gpu suites | NOT RUN (no test_kernels_common_gpu) | 0 |")
  failed=1
fi
for t in "${gpu_tests[@]}"; do
  [[ "$t" == test_kernels_common_gpu ]] && continue
  exe=$(find "$build_dir/tests" -maxdepth 2 -type f -name "$t" -perm -u+x 2>/dev/null | head -1)
  if [[ -n "$exe" ]]; then
    step "gpu suite $t" 45 "$exe" --log_level=message --report_level=short
  else
    rows+=("| gpu suite $t | NOT RUN (not built) | 0 |")
    failed=1
  fi
done

# 4. compute-sanitizer on the tiny per-family cases (one checked launch per variant).
sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer /usr/local/cuda/compute-sanitizer/compute-sanitizer 2>/dev/null | head -1)
sanitize_cases=$(printf 'sanitize_%s,' "${families[@]}")
for s in "${sanitizers[@]}"; do
  if [[ -z "$sanitizer" ]]; then
    say "compute-sanitizer not found (PATH, /usr/local/cuda)"
    rows+=("| compute-sanitizer $s | NOT RUN (no compute-sanitizer) | 0 |")
    failed=1
  elif [[ -x "$gpu_test" ]]; then
    step "compute-sanitizer $s (sanitize_*)" 40 "$sanitizer" --tool "$s" --error-exitcode 3 --target-processes all \
      "$gpu_test" --run_test="kernels_gpu/${sanitize_cases%,}" --report_level=short
  fi
done

# 5. A/B suites, each in its own process, strict, sharing what is left equally.
if [[ -x "$moelab" ]]; then
  "$moelab" --version >>"$log" 2>&1
  "$moelab" list variants >>"$log" 2>&1
  for i in "${!suites[@]}"; do
    suite="${suites[$i]}"
    name=$(basename "$suite" .toml)
    remaining=$(( ${#suites[@]} - i ))
    share=$(( ($(left_s) - 10) / remaining ))
    step "ab $name (strict)" "$share" bash -c "\"$moelab\" run \"$suite\" -o \"$OUT/$name.h5\" \
      --set ab.max_time_s=$suite_time_s --set ab.strict=true >\"$OUT/$name.log\" 2>&1; rc=\$?; cat \"$OUT/$name.log\"; exit \$rc"
  done
else
  for suite in "${suites[@]}"; do rows+=("| ab $(basename "$suite" .toml) | NOT RUN (no moelab) | 0 |"); done
  failed=1
fi

write_summary
exit $failed
