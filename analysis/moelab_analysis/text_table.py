"""Compact terminal rendering of moelab tables: a header row of names, a row of units, values."""
from __future__ import annotations

import math
from typing import Dict, List, Sequence

import numpy as np
import pandas as pd

# What `summary` shows by default; everything else needs --all.
SIMULATION_HEADLINE = [
    "run", "label",  # swept columns are inserted after these
    "finished", "unfinished", "output_tok_per_s",
    "ttft_p50_s", "ttft_p99_s", "tpot_p50_s", "tpot_p99_s",
    "kv_utilization_mean", "prefix_hit_rate", "usd_per_m_output_tok",
]
KERNEL_AB_HEADLINE = [
    "op", "case", "variant", "status", "median_s", "iqr_s", "samples", "tflops", "gbps",
    "ratio_vs_baseline", "ratio_ci_lo", "ratio_ci_hi", "verdict",
]


def swept_columns(columns: Sequence[str]) -> List[str]:
    """In a simulation /summary the swept keys sit between `label` and `requests` (SCHEMA.md)."""
    cols = list(columns)
    if "label" not in cols or "requests" not in cols:
        return []
    return cols[cols.index("label") + 1: cols.index("requests")]


CAPACITY_HEADLINE = [
    "run", "label", "model", "hardware", "engine", "tensor_parallel", "status", "capacity", "first_failing",
    "probes", "ttft_slo_percentile_s", "tpot_slo_percentile_s", "output_tok_per_s", "busy_fraction",
]


def headline_columns(df: pd.DataFrame, kind: str) -> List[str]:
    if kind == "kernel-ab":
        wanted = KERNEL_AB_HEADLINE
    elif kind == "capacity":
        wanted = CAPACITY_HEADLINE
    else:
        wanted = SIMULATION_HEADLINE[:2] + swept_columns(df.columns) + SIMULATION_HEADLINE[2:]
    return [c for c in wanted if c in df.columns]


def format_value(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        if v == 0.0:
            return "0"
        if abs(v) >= 1e7 or abs(v) < 1e-4:
            return f"{v:.3e}"
        if abs(v) >= 1e4:  # 12578, not 1.258e+04
            return f"{v:.0f}"
        return f"{v:.4g}"
    return str(value)


def render(df: pd.DataFrame, columns: Sequence[str], units: Dict[str, str], max_label_chars: int = 48) -> str:
    """Aligned text: names, [units], then one line per row. Long strings are shortened in the middle."""
    def shorten(s: str) -> str:
        if len(s) <= max_label_chars:
            return s
        half = (max_label_chars - 1) // 2
        return s[:half] + "…" + s[-(max_label_chars - 1 - half):]

    header = list(columns)
    unit_row = [f"[{units.get(c, '')}]" if units.get(c, "") else "" for c in columns]
    body = [[shorten(format_value(v)) for v in row] for row in df[list(columns)].itertuples(index=False)]
    widths = [max(len(x) for x in [h, u] + [r[i] for r in body]) for i, (h, u) in enumerate(zip(header, unit_row))]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in columns]

    def line(cells: Sequence[str]) -> str:
        out = [cell.rjust(w) if num else cell.ljust(w) for cell, w, num in zip(cells, widths, numeric)]
        return "  ".join(out).rstrip()

    lines = [line(header), line(unit_row)] + [line(r) for r in body]
    return "\n".join(lines)
