"""Compare one metric between two simulation files, run by run (matched on the run label)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import load
from .errors import MoelabFileError


def compare_metric(path_a, path_b, metric: str) -> pd.DataFrame:
    """Rows for labels present in both files: label, <metric>_a, <metric>_b, ratio (= b / a)."""
    a = load.summary(path_a)
    b = load.summary(path_b)
    key = "label" if "label" in a.columns and "label" in b.columns else None
    if key is None:
        # kernel A/B summaries are matched on (op, case, variant)
        parts = ["op", "case", "variant"]
        if not all(p in a.columns and p in b.columns for p in parts):
            raise MoelabFileError(f"{path_a}, {path_b}: no common key (label or op/case/variant) to match rows on")
        a = a.assign(label=a[parts].agg("/".join, axis=1))
        b = b.assign(label=b[parts].agg("/".join, axis=1))
    for path, df in ((path_a, a), (path_b, b)):
        if metric not in df.columns:
            numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
            raise MoelabFileError(f"{path}: no column {metric!r} in /summary (numeric columns: {', '.join(numeric)})")
    unit = a.attrs.get("units", {}).get(metric, "")
    merged = pd.merge(a[["label", metric]], b[["label", metric]], on="label", suffixes=("_a", "_b"), sort=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        merged["ratio"] = merged[f"{metric}_b"].astype(float) / merged[f"{metric}_a"].astype(float)
    merged.attrs["units"] = {"label": "", f"{metric}_a": unit, f"{metric}_b": unit, "ratio": ""}
    merged.attrs["unmatched_a"] = sorted(set(a["label"]) - set(b["label"]))
    merged.attrs["unmatched_b"] = sorted(set(b["label"]) - set(a["label"]))
    return merged


def paired_ratio(summary: pd.DataFrame, metric: str, key: str, numerator, denominator, on=None) -> pd.DataFrame:
    """Within one sweep: metric at key == numerator divided by metric at key == denominator, for
    runs equal in every other swept key (`on`; default: every `a__b` swept-key column but `key`).
    Rows: the `on` columns, <metric>_num, <metric>_den, ratio; sorted by the `on` columns."""
    for column in (metric, key):
        if column not in summary.columns:
            raise MoelabFileError(f"{summary.attrs.get('source', 'summary')}: no column {column!r}")
    on = list(on) if on is not None else [c for c in summary.columns if "__" in c and c != key]
    num = summary[summary[key] == numerator][on + [metric]]
    den = summary[summary[key] == denominator][on + [metric]]
    if num.empty or den.empty:
        raise MoelabFileError(f"{summary.attrs.get('source', 'summary')}: no runs with {key} = {numerator!r} "
                              f"and {denominator!r} to pair")
    merged = pd.merge(num, den, on=on, suffixes=("_num", "_den"), validate="one_to_one")
    with np.errstate(divide="ignore", invalid="ignore"):
        merged["ratio"] = merged[f"{metric}_num"].astype(float) / merged[f"{metric}_den"].astype(float)
    return merged.sort_values(on).reset_index(drop=True)
