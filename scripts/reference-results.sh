#!/usr/bin/env bash
# Runs the quickstart and every experiments/seed/*.toml into OUTDIR; with --compare BASEDIR, then
# checks that each result file's datasets are byte-identical to BASEDIR's (moelab_analysis diff).
# Behaviour-preserving changes run it before (into BASEDIR) and after.
# Usage: scripts/reference-results.sh OUTDIR [--compare BASEDIR] [--moelab PATH] [--allow-added]
# --allow-added: outputs that only the new files have (new datasets or attributes) are not differences;
# everything BASEDIR's files hold must still be there, byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."
out="" base="" moelab="build/default/lab/moelab" added=()
while (($#)); do
  case "$1" in
    --compare) base="$2"; shift 2 ;;
    --moelab) moelab="$2"; shift 2 ;;
    --allow-added) added=(--allow-added); shift ;;
    -*) echo "reference-results: unknown option $1" >&2; exit 2 ;;
    *) out="$1"; shift ;;
  esac
done
[ -n "$out" ] || { echo "usage: scripts/reference-results.sh OUTDIR [--compare BASEDIR] [--moelab PATH] [--allow-added]" >&2; exit 2; }
[ -x "$moelab" ] || { echo "reference-results: no binary at $moelab (build first: scripts/setup.sh)" >&2; exit 2; }
py=.venv/bin/python; [ -x "$py" ] || py=/usr/bin/python3
mkdir -p "$out"
status=0
for cfg in experiments/quickstart.toml experiments/seed/*.toml; do
  stem=$(basename "$cfg" .toml)
  start=$(date +%s.%N)
  "$moelab" run "$cfg" -o "$out/$stem.h5" >/dev/null
  printf '%-28s %6.2f s' "$stem" "$(echo "$(date +%s.%N) - $start" | bc)"
  if [ -n "$base" ]; then
    if PYTHONPATH=analysis "$py" -m moelab_analysis diff "${added[@]}" "$base/$stem.h5" "$out/$stem.h5" >"$out/$stem.diff" 2>&1; then
      printf '  identical\n'
    else
      printf '  DIFFERENT (see %s)\n' "$out/$stem.diff"; status=1
    fi
  else
    printf '\n'
  fi
done
exit $status
