#!/usr/bin/env bash
# The sweep benchmark (experiments/perf/sweep_2000.toml, 2,040 points): wall and CPU time in one
# process, with -j 2, and over mpirun -np 1, 2 and 4 (4 oversubscribes a 2-core machine), with the
# load average before and after each run and a check that every file holds the datasets of the
# one-process file. Prints a markdown table. Results: experiments/perf/README.md.
# Usage: experiments/perf/sweep_bench.sh [MOELAB] [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
moelab="${1:-build/cpu/lab/moelab}"
out="${2:-/tmp/sweep_bench}"
config=experiments/perf/sweep_2000.toml
py=.venv/bin/python; [ -x "$py" ] || py=/usr/bin/python3
mkdir -p "$out"
mpirun=(mpirun --oversubscribe)
[ "$(id -u)" -ne 0 ] || mpirun+=(--allow-run-as-root)

load() { cut -d' ' -f1 /proc/loadavg; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%dT%H:%MZ)"
start=$(date +%s.%N)
"$moelab" validate "$config" >/dev/null
echo "planning alone (moelab validate: every point parsed and checked): $(echo "$(date +%s.%N) - $start" | bc | cut -c1-5) s wall"
echo
echo "| run | wall s | user+sys CPU s | time after the last point | load before / after | datasets vs 1 process |"
echo "|---|---|---|---|---|---|"
run() {  # NAME, then the command
  local name="$1"; shift
  local before; before=$(load)
  /usr/bin/time -f "%e %U %S" -o "$out/$name.time" "$@" >"$out/$name.out" 2>"$out/$name.err"
  local after; after=$(load)
  read -r wall user sys <"$out/$name.time"
  local tail; tail=$(grep -o '[0-9.:]* s* *after the last point' "$out/$name.err" | tail -1 | sed 's/ *after the last point//')
  local same="(reference)"
  if [ "$name" != one-process ]; then
    if PYTHONPATH=analysis "$py" -m moelab_analysis diff "$out/one-process.h5" "$out/$name.h5" >/dev/null 2>&1; then
      same="identical"
    else
      same="DIFFERENT"
    fi
  fi
  printf '| %s | %s | %.1f | %s | %s / %s | %s |\n' "$name" "$wall" "$(echo "$user + $sys" | bc)" "$tail" "$before" "$after" "$same"
}
run one-process "$moelab" run "$config" -o "$out/one-process.h5"
run j2 "$moelab" run "$config" -o "$out/j2.h5" -j 2
for np in 1 2 4; do
  run "mpirun-np$np" "${mpirun[@]}" -np "$np" "$moelab" run "$config" -o "$out/mpirun-np$np.h5"
done
