"""Figures for kernel A/B files: median time per case and variant, and a roofline."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from .. import load
from .common import figure_title, plt, safe_name, save, time_unit

VERDICT_COLORS = {"FASTER": "tab:green", "SLOWER": "tab:red", "SAME": "tab:blue"}
BASELINE_COLOR = "0.55"
Z95 = 1.959963984540054


def median_ci95(samples_s: np.ndarray) -> Tuple[float, float, float]:
    """Median and a distribution-free 95% CI from order statistics (binomial, normal approximation).
    Needs no random resampling, so the figure is the same every time; NaN bounds below 6 samples."""
    x = np.sort(np.asarray(samples_s, dtype=float))
    x = x[np.isfinite(x)]
    n = x.size
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    median = float(np.median(x))
    if n < 6:
        return median, float("nan"), float("nan")
    half_width = Z95 * math.sqrt(n) / 2.0
    lo_rank = max(1, int(math.floor(n / 2.0 - half_width)))  # 1-based order statistics
    hi_rank = min(n, int(math.ceil(n / 2.0 + half_width)) + 1)
    return median, float(x[lo_rank - 1]), float(x[hi_rank - 1])


def _case_ci(path: Path, op: str, case: str, cases: set) -> Dict[str, Tuple[float, float, float]]:
    if (op, case) not in cases:
        return {}
    samples = load.ab_samples(path, op, case)
    return {variant: median_ci95(rows["time_s"].to_numpy()) for variant, rows in samples.groupby("variant", sort=False)}


def _grid(n: int) -> Tuple[int, int]:
    cols = min(n, 3)
    return int(math.ceil(n / cols)), cols


def ab_bars(path: Path, attrs: Dict, experiment: str, summary: pd.DataFrame, op: str,
            outdir: Path, formats: Sequence[str]) -> List[Path]:
    """One panel per case: median time per variant with 95% CI, coloured and marked by verdict."""
    rows_op = summary[summary["op"] == op]
    case_names = list(dict.fromkeys(rows_op["case"]))
    cases_with_samples = set(load.ab_cases(path))
    nrows, ncols = _grid(len(case_names))
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 4.4 * nrows), squeeze=False, constrained_layout=True)
    for ax, case in zip(axes.flat, case_names):
        rows = rows_op[rows_op["case"] == case].reset_index(drop=True)
        case_attrs = load.ab_case_attrs(path, op, case) if (op, case) in cases_with_samples else {}
        baseline = case_attrs.get("baseline")
        ci = _case_ci(path, op, case, cases_with_samples)
        ok = rows["status"] == "ok"
        scale, unit = time_unit(float(rows.loc[ok, "median_s"].max()) if ok.any() else float("nan"))
        x = np.arange(len(rows))
        top = 0.0
        not_run = []
        for i, row in rows.iterrows():
            variant = row["variant"]
            if row["status"] != "ok" or not np.isfinite(row["median_s"]):
                not_run.append((i, row["status"]))
                continue
            is_baseline = variant == baseline
            color = BASELINE_COLOR if is_baseline else VERDICT_COLORS.get(row.get("verdict", ""), "tab:purple")
            height = row["median_s"] * scale
            _, lo, hi = ci.get(variant, (np.nan, np.nan, np.nan))
            yerr = None
            if np.isfinite(lo) and np.isfinite(hi):
                yerr = [[max(height - lo * scale, 0.0)], [max(hi * scale - height, 0.0)]]
            ax.bar(i, height, color=color, yerr=yerr, capsize=4, edgecolor="black", linewidth=0.5)
            bar_top = hi * scale if np.isfinite(hi) else height
            top = max(top, bar_top)
            if is_baseline:
                mark = "baseline"
            else:
                mark = str(row.get("verdict", ""))
                ratio, rlo, rhi = (row.get(k, np.nan) for k in ("ratio_vs_baseline", "ratio_ci_lo", "ratio_ci_hi"))
                if np.isfinite(ratio):
                    mark += f"\n{ratio:.3g} [{rlo:.3g}, {rhi:.3g}]"
            ax.text(i, bar_top, mark, ha="center", va="bottom", fontsize=7)
        for i, status in not_run:
            ax.text(i, (top or 1.0) * 0.02, status, ha="center", va="bottom", fontsize=8, style="italic", color="0.35")
        ax.set_xlim(-0.6, len(rows) - 0.4)
        ax.set_xticks(x)
        ax.set_xticklabels(rows["variant"], rotation=25, ha="right", fontsize=8)
        ax.set_ylabel(f"median time ({unit})")
        ax.set_ylim(0, top * 1.3 if top > 0 else 1.0)
        ax.set_title(f"{case}", fontsize=9)
        ax.grid(True, axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(case_names):]:
        ax.axis("off")
    fig.text(0.005, 0.005, "bars: median with 95% CI (order statistics); marks: verdict and ratio vs baseline "
             "[95% CI] as recorded", fontsize=7, color="0.35", ha="left", va="bottom")
    figure_title(fig, experiment, f"A/B timings — {op}", attrs, path)
    return save(fig, outdir, f"{path.stem}-ab-{safe_name(op)}", formats)


def roofline_peaks(summary: pd.DataFrame) -> pd.DataFrame:
    """Per-row device peaks (TFLOP/s, GB/s). Explicit `peak_tflops`/`peak_gbps` columns are used
    when the file has them; otherwise they follow from the achieved rates and the recorded
    percentages of peak (pct_peak_* are percentages: tflops / (pct_peak_flops / 100))."""
    out = summary.copy()
    if "peak_tflops" not in out.columns:
        with np.errstate(divide="ignore", invalid="ignore"):
            out["peak_tflops"] = out["tflops"] / (out["pct_peak_flops"] / 100.0) if "pct_peak_flops" in out else np.nan
    if "peak_gbps" not in out.columns:
        with np.errstate(divide="ignore", invalid="ignore"):
            out["peak_gbps"] = out["gbps"] / (out["pct_peak_bw"] / 100.0) if "pct_peak_bw" in out else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        # flop/byte = (TFLOP/s * 1e12) / (GB/s * 1e9); the time cancels
        out["flops_per_byte"] = out["tflops"] * 1e3 / out["gbps"]
    return out


def _round3(x: float) -> float:
    return float(f"{x:.3g}") if np.isfinite(x) and x > 0 else float("nan")


def roofline(path: Path, attrs: Dict, experiment: str, summary: pd.DataFrame,
             outdir: Path, formats: Sequence[str]) -> List[Path]:
    """Achieved TFLOP/s against arithmetic intensity, one panel per device (peak pair)."""
    rows = roofline_peaks(summary)
    rows = rows[(rows["status"] == "ok") & np.isfinite(rows["flops_per_byte"]) & (rows["flops_per_byte"] > 0)
                & np.isfinite(rows["tflops"]) & (rows["tflops"] > 0)].copy()
    rows["device_key"] = [(_round3(f), _round3(b)) for f, b in zip(rows["peak_tflops"], rows["peak_gbps"])]
    devices = list(dict.fromkeys(rows["device_key"]))
    n = max(len(devices), 1)
    fig, axes = plt.subplots(1, n, figsize=(6.5 * n, 5.2), squeeze=False, constrained_layout=True)
    variants = list(dict.fromkeys(rows["variant"]))
    cmap = plt.get_cmap("tab10" if len(variants) <= 10 else "tab20")
    color_of = {v: cmap(i % cmap.N) for i, v in enumerate(variants)}
    markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
    marker_of = {op: markers[i % len(markers)] for i, op in enumerate(dict.fromkeys(rows["op"]))}
    for ax, device in zip(axes.flat, devices or [None]):
        if device is None:
            ax.text(0.5, 0.5, "no successful variant with FLOP and byte counts", ha="center", va="center",
                    transform=ax.transAxes)
            ax.set_xlabel("arithmetic intensity (FLOP/byte)")
            ax.set_ylabel("achieved throughput (TFLOP/s)")
            continue
        peak_tflops, peak_gbps = device
        sel = rows[rows["device_key"] == device]
        ai = sel["flops_per_byte"].to_numpy(dtype=float)
        lo, hi = ai.min() / 4, ai.max() * 4
        have_peaks = np.isfinite(peak_tflops) and np.isfinite(peak_gbps)
        if have_peaks:
            ridge = peak_tflops * 1e3 / peak_gbps
            lo, hi = min(lo, ridge / 8), max(hi, ridge * 8)
            grid = np.logspace(np.log10(lo), np.log10(hi), 256)
            ax.plot(grid, np.minimum(peak_tflops, grid * peak_gbps / 1e3), color="black", lw=1.5)
            ax.axhline(peak_tflops, color="0.5", ls=":", lw=1)
            ax.text(hi / 1.15, peak_tflops / 1.12, f"peak compute {peak_tflops:.3g} TFLOP/s", ha="right", va="top",
                    fontsize=8)
            ax.text(lo * 1.1, lo * 1.1 * peak_gbps / 1e3, f"peak bandwidth {peak_gbps:.3g} GB/s",
                    ha="left", va="bottom", fontsize=8, rotation=0)
        for _, r in sel.iterrows():
            ax.scatter(r["flops_per_byte"], r["tflops"], color=color_of[r["variant"]], marker=marker_of[r["op"]],
                       edgecolor="black", linewidth=0.4, s=40, zorder=3)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(lo, hi)
        ax.set_xlabel("arithmetic intensity (FLOP/byte)")
        ax.set_ylabel("achieved throughput (TFLOP/s)")
        backends = ", ".join(dict.fromkeys(sel["backend"])) if "backend" in sel else ""
        title = f"backends: {backends}" if backends else "device"
        if not have_peaks:
            title += " (file records no peak; roof omitted)"
        ax.set_title(title, fontsize=9)
        ax.grid(True, which="both", alpha=0.25)
        handles = [plt.Line2D([], [], color=color_of[v], marker="o", ls="", label=v)
                   for v in dict.fromkeys(sel["variant"])]
        handles += [plt.Line2D([], [], color="0.3", marker=marker_of[o], ls="", label=f"op {o}")
                    for o in dict.fromkeys(sel["op"])]
        ax.legend(handles=handles, loc="lower right", fontsize=7)
    figure_title(fig, experiment, "roofline (one point per case and variant)", attrs, path)
    return save(fig, outdir, f"{path.stem}-roofline", formats)


def draw_all(path: Path, outdir: Path, formats: Sequence[str]) -> List[Path]:
    attrs = load.root_attrs(path)
    experiment = load.experiment_name(attrs, path)
    summary = load.ab_summary(path)
    written = []
    for op in dict.fromkeys(summary["op"]):
        written += ab_bars(path, attrs, experiment, summary, op, outdir, formats)
    if len(summary) and {"tflops", "gbps"} <= set(summary.columns):
        written += roofline(path, attrs, experiment, summary, outdir, formats)
    return written
