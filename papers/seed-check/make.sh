#!/usr/bin/env bash
# Regenerates this paper: runs every experiment below, draws its figures, builds out/paper.md.
# Usage: papers/seed-check/make.sh [--no-run]   (--no-run reuses out/*.h5 and only redraws/rebuilds)
# Environment: MOELAB=path/to/moelab (default: the newest working build/*/lab/moelab),
#              PYTHON=python with moelab_analysis (default: .venv/bin/python, else /usr/bin/python3).
set -euo pipefail

# The experiments this paper reports, in paper order. Add experiments/seed/*.toml here as they land;
# an experiment without sections/<stem>.md gets a generated section (table + figures).
EXPERIMENTS=(
  experiments/quickstart.toml
  experiments/seed/sglang_vs_vllm_offline.toml
  experiments/seed/sglang_vs_vllm_multiturn.toml
  experiments/seed/sglang_vs_vllm_rag.toml
  experiments/seed/moe_cost_per_mtok.toml
  experiments/seed/compression_qwen3.toml
)

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$here/out"
run_experiments=1
for arg in "$@"; do
  case "$arg" in
    --no-run) run_experiments=0 ;;
    *) echo "make.sh: unknown argument '$arg' (expected --no-run)" >&2; exit 2 ;;
  esac
done

find_moelab() {
  if [ -n "${MOELAB:-}" ]; then echo "$MOELAB"; return; fi
  local exe
  # Newest first; a binary counts only if it has the `run` command.
  for exe in $(ls -t "$repo"/build/*/lab/moelab 2>/dev/null); do
    if "$exe" run --help 2>&1 | grep -q -- "--set"; then echo "$exe"; return; fi
  done
  echo "make.sh: no working moelab binary under build/*/lab/ (build one: scripts/setup.sh, or set MOELAB)" >&2
  exit 2
}

python="${PYTHON:-}"
if [ -z "$python" ]; then
  if [ -x "$repo/.venv/bin/python" ]; then python="$repo/.venv/bin/python"; else python=/usr/bin/python3; fi
fi
export PYTHONPATH="$repo/analysis${PYTHONPATH:+:$PYTHONPATH}"
export MPLBACKEND=Agg

mkdir -p "$out/figures"
stems=()
[ "$run_experiments" -eq 1 ] && moelab="$(find_moelab)"
for config in "${EXPERIMENTS[@]}"; do
  stem="$(basename "$config" .toml)"
  stems+=("$stem")
  if [ "$run_experiments" -eq 1 ]; then
    echo "== $config"
    (cd "$repo" && "$moelab" run "$config" -o "$out/$stem.h5")
  fi
  rm -f "$out/figures/$stem"-*.png
  "$python" -m moelab_analysis figures "$out/$stem.h5" -o "$out/figures"
done

"$python" "$here/build_paper.py" --results "$out" --figures "$out/figures" -o "$out/paper.md" "${stems[@]}"
