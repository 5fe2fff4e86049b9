#!/usr/bin/env bash
# Regenerates this paper: runs every experiment below, draws its figures, builds out/paper.md.
# Usage: papers/seed-check/make.sh [--no-run]   (--no-run reuses out/*.h5 and only redraws/rebuilds)
# Environment: MOELAB=path/to/moelab (default: the newest working build/*/lab/moelab),
#              MOELAB_DATA_DIR (default: this checkout's data/),
#              PYTHON=python with moelab_analysis (default: .venv/bin/python, else /usr/bin/python3).
# Takes about 2-3 minutes on one core, nearly all of it the two capacity searches (economics), plus
# up to a minute for the validation suite with its per-step CPU time sweep.
set -euo pipefail

# The experiments this paper reports, in paper order. Add experiments/seed/*.toml here as they land;
# an experiment without sections/<stem>.md gets a generated section (table + figures).
EXPERIMENTS=(
  experiments/quickstart.toml
  experiments/seed/sglang_vs_vllm_offline.toml
  experiments/seed/sensitivity_offline.toml
  experiments/seed/sglang_vs_vllm_multiturn.toml
  experiments/seed/sglang_vs_vllm_rag.toml
  experiments/seed/ablation_multiturn.toml
  experiments/seed/ablation_rag.toml
  experiments/seed/sglang_vs_vllm_mooncake.toml
  experiments/seed/moe_cost_per_mtok.toml
  experiments/economics/moe_capacity.toml
  experiments/economics/moe_chat_capacity.toml
  experiments/seed/compression_qwen3.toml
)
# Per-run KV and queue figures only where a section shows them (the rest would be hundreds of files).
per_run_figures() {
  case "$1" in
    quickstart|moe_cost_per_mtok|compression_qwen3) echo all ;;
    *) echo none ;;
  esac
}

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
export MOELAB_DATA_DIR="${MOELAB_DATA_DIR:-$repo/data}"
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
  if [ "$("$python" -c "import sys, moelab_analysis as m; print(m.root_attrs(sys.argv[1]).get('kind'))" "$out/$stem.h5")" = simulation ]; then
    "$python" -m moelab_analysis figures "$out/$stem.h5" -o "$out/figures" --runs "$(per_run_figures "$stem")"
  else
    "$python" -m moelab_analysis figures "$out/$stem.h5" -o "$out/figures"
  fi
done
"$python" "$repo/experiments/seed/sensitivity_figure.py" "$out/sensitivity_offline.h5" -o "$out/figures"
# The seed's own cost arithmetic, recomputed from its figures (claims.toml) and data/prices/.
"$python" "$here/seed_arithmetic.py" -o "$out/seed_arithmetic.h5"
# The simulator's error against published measurements (experiments/validation/), with the per-step CPU
# time sensitivity the fidelity paragraph quotes.
if [ "$run_experiments" -eq 1 ]; then
  (cd "$repo" && experiments/validation/run.sh --moelab "$moelab" -o "$out/validation.h5" --overhead-sweep 0,0.001,0.002,0.004)
fi

"$python" "$here/build_paper.py" --results "$out" --figures "$out/figures" -o "$out/paper.md" "${stems[@]}"
