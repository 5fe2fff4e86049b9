#!/usr/bin/env bash
# The validation suite in one command: every end-to-end point of data/validation/ through moelab,
# one predicted-vs-measured table (OUT, HDF5), the error table by family on stdout and the parity
# plot next to OUT. See experiments/validation/README.md.
# Usage: experiments/validation/run.sh [--moelab PATH] [-o OUT.h5] [--steady-state-check] [--overhead-sweep S,S,...]
#   --overhead-sweep: also re-run every simulated point with [engine] step_overhead_s set to each value (seconds;
#   the per-step CPU time is an unmeasured assumption) and store the error by family in /sensitivity.
set -euo pipefail
cd "$(dirname "$0")/../.."
moelab="" out="out/validation/validation.h5" extra=()
while (($#)); do
  case "$1" in
    --moelab) moelab="$2"; shift 2 ;;
    -o) out="$2"; shift 2 ;;
    --steady-state-check) extra+=(--steady-state-check); shift ;;
    --overhead-sweep) extra+=(--overhead-sweep "$2"); shift 2 ;;
    *) echo "validation: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -z "$moelab" ]; then
  for candidate in build/cpu/lab/moelab build/default/lab/moelab; do
    [ -x "$candidate" ] && { moelab="$candidate"; break; }
  done
fi
[ -x "$moelab" ] || { echo "validation: no moelab binary (build first: scripts/setup.sh cpu)" >&2; exit 2; }
py=.venv/bin/python; [ -x "$py" ] || py=/usr/bin/python3
export PYTHONPATH="analysis${PYTHONPATH:+:$PYTHONPATH}"
"$py" -m moelab_analysis validation run --moelab "$moelab" -o "$out" "${extra[@]}"
"$py" -m moelab_analysis validation report "$out" -o "$(dirname "$out")" >/dev/null
echo "parity plot: $(dirname "$out")/$(basename "$out" .h5)-parity.png"
