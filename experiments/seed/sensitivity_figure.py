#!/usr/bin/env python3
"""Figure for experiments/seed/sensitivity_offline.toml: the SGLang/vLLM output-throughput ratio
against the assumed CPU time per step, one line per output-length cap.

    PYTHONPATH=analysis python3 experiments/seed/sensitivity_figure.py out/sensitivity_offline.h5 -o FIGDIR

Writes FIGDIR/<file stem>-ratio-vs-step-overhead.png.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import moelab_analysis as ma
from moelab_analysis import load
from moelab_analysis.compare import paired_ratio
from moelab_analysis.errors import MoelabFileError
from moelab_analysis.figures.common import figure_title, plt, run_colors, save

OVERHEAD = "engine__step_overhead_s"
CAP = "workload__output_tokens__max"


def draw(path: Path, outdir: Path) -> Path:
    attrs = ma.root_attrs(path)
    pairs = paired_ratio(ma.summary(path), "output_tok_per_s", "engine__id", "sglang", "vllm", on=[OVERHEAD, CAP])
    caps = sorted(pairs[CAP].unique())
    fig, ax = plt.subplots(figsize=(8, 5), layout="constrained")
    for color, cap in zip(run_colors(len(caps)), caps):
        p = pairs[pairs[CAP] == cap]
        ax.plot(p[OVERHEAD] * 1e3, p["ratio"], marker="o", color=color, label=f"{int(cap):,}")
    ax.axhline(1.0, color="0.6", lw=0.8)
    ax.set_xlabel("CPU time per engine step, added by vLLM, hidden by SGLang [ms] (assumption)")
    ax.set_ylabel("SGLang / vLLM output tokens/s")
    ax.grid(alpha=0.3)
    ax.legend(title="output-length cap [tokens]", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    figure_title(fig, load.experiment_name(attrs, path), "SGLang/vLLM ratio vs CPU time per step", attrs, path)
    return save(fig, outdir, f"{path.stem}-ratio-vs-step-overhead", ["png"])[0]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("-o", "--outdir", type=Path, required=True)
    args = ap.parse_args(argv)
    try:
        print(draw(args.file, args.outdir))
    except MoelabFileError as e:
        print(f"sensitivity_figure: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
