"""Figures for kernel A/B files: median time per case and variant, and a roofline."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from .. import load
from .common import figure_title, plt, safe_name, save, time_unit, use_log_axis

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
            is_baseline = variant == baseline or row.get("verdict") == "baseline"
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
                    mark += f"\ntime ×{ratio:.3g} [{rlo:.3g}, {rhi:.3g}]"
            ax.text(i, bar_top, mark, ha="center", va="bottom", fontsize=7)
        ax.set_xlim(-0.6, len(rows) - 0.4)
        ax.set_xticks(x)
        ax.set_xticklabels(rows["variant"], rotation=25, ha="right", fontsize=8)
        ax.set_ylabel(f"median time ({unit})")
        heights = rows.loc[ok, "median_s"].to_numpy(dtype=float) * scale
        if use_log_axis(heights):  # a 100x faster variant would otherwise be an invisible bar
            ax.set_yscale("log")
            ax.set_ylim(np.nanmin(heights) / 3, top * 4)
            ax.set_ylabel(f"median time ({unit}, log scale)")
        else:
            ax.set_ylim(0, top * 1.3 if top > 0 else 1.0)
        for i, status in not_run:
            y_text = (np.nanmin(heights) / 2.5) if ax.get_yscale() == "log" else (top or 1.0) * 0.02
            wrong = status == "wrong"  # failed the check against ref: must not look like "not run"
            ax.text(i, y_text, status.upper() if wrong else status, ha="center", va="bottom", fontsize=8,
                    style="normal" if wrong else "italic", color="tab:red" if wrong else "0.35",
                    fontweight="bold" if wrong else "normal")
        ax.set_title(f"{case}", fontsize=9)
        ax.grid(True, axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(case_names):]:
        ax.axis("off")
    fig.text(0.005, 0.03, "bars: median, 95% CI (order statistics); marks: verdict, time ratio "
             "vs baseline [95% CI]", fontsize=7, color="0.35", ha="left", va="bottom")
    figure_title(fig, experiment, f"A/B timings — {op}", attrs, path, bottom_strip=0.06)
    return save(fig, outdir, f"{path.stem}-ab-{safe_name(op)}", formats)


def _root_peak(attrs: Dict, key: str, scale: float) -> float:
    value = attrs.get(key)
    return float(value) / scale if isinstance(value, (int, float)) and value > 0 else float("nan")


def roofline_points(summary: pd.DataFrame, attrs: Dict) -> pd.DataFrame:
    """Per-row arithmetic intensity and device peaks (TFLOP/s, GB/s).

    Intensity is flops / bytes (the `flops` and `bytes` columns; else TFLOP/s over GB/s, where the
    time cancels). Peaks, first found wins: explicit `peak_tflops`/`peak_gbps` columns; per-row
    `peak_flops_per_s`/`peak_bytes_per_s` columns; the achieved rate over the recorded percentage (pct_peak_* are percentages); for GPU rows
    (backend "cuda") the root attributes `peak_flops_per_s`/`peak_bytes_per_s`. CPU rows usually
    have no recorded peak, and their panel is drawn without a roof."""
    out = summary.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        if {"flops", "bytes"} <= set(out.columns):
            out["flops_per_byte"] = out["flops"].astype(float) / out["bytes"].astype(float)
        else:
            out["flops_per_byte"] = out["tflops"] * 1e3 / out["gbps"]
        for peak, rate, pct, attr, scale in (("peak_tflops", "tflops", "pct_peak_flops", "peak_flops_per_s", 1e12),
                                             ("peak_gbps", "gbps", "pct_peak_bw", "peak_bytes_per_s", 1e9)):
            if peak in out.columns:
                continue
            derived = out[rate] / (out[pct] / 100.0) if pct in out.columns else pd.Series(np.nan, index=out.index)
            derived = derived.where(np.isfinite(derived) & (derived > 0))
            is_gpu = out["backend"] == "cuda" if "backend" in out.columns else pd.Series(False, index=out.index)
            root = _root_peak(attrs, attr, scale)
            fallback = derived.where(derived.notna(), np.where(is_gpu, root, np.nan))
            if attr in out.columns:  # per-row peaks (the writer's peak_flops_per_s / peak_bytes_per_s)
                row_peak = out[attr].astype(float) / scale
                fallback = row_peak.where(np.isfinite(row_peak) & (row_peak > 0), fallback)
            out[peak] = fallback
    return out


def _round3(x: float) -> Optional[float]:
    """Group key for a peak: 3 significant digits absorb rounding in derived peaks; None = unknown."""
    return float(f"{x:.3g}") if np.isfinite(x) and x > 0 else None


def roofline(path: Path, attrs: Dict, experiment: str, summary: pd.DataFrame,
             outdir: Path, formats: Sequence[str]) -> List[Path]:
    """Achieved TFLOP/s against arithmetic intensity, one panel per device (peak pair)."""
    rows = roofline_points(summary, attrs)
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
        ax.set_xlabel("arithmetic intensity (FLOP/byte)")
        ax.set_ylabel("achieved throughput (TFLOP/s)")
        if device is None:
            ax.text(0.5, 0.5, "no successful variant with FLOP and byte counts", ha="center", va="center",
                    transform=ax.transAxes)
            continue
        peak_tflops, peak_gbps = device
        sel = rows[rows["device_key"] == device]
        ai = sel["flops_per_byte"].to_numpy(dtype=float)
        perf = sel["tflops"].to_numpy(dtype=float)
        lo, hi = ai.min() / 4, ai.max() * 4
        if peak_gbps is not None:
            lo = min(lo, perf.min() * 1e3 / peak_gbps / 2)  # keep the bandwidth roof under the lowest point visible
        # CPU reference kernels reach GFLOP/s; TFLOP/s would put every tick at 1e-6.
        top_rate = max(perf.max(), peak_tflops or 0.0)
        rate_scale, rate_unit = (1.0, "TFLOP/s") if top_rate >= 0.1 else (1e3, "GFLOP/s")
        ax.set_ylabel(f"achieved throughput ({rate_unit})")
        if peak_tflops is not None and peak_gbps is not None:
            ridge = peak_tflops * 1e3 / peak_gbps
            lo, hi = min(lo, ridge / 8), max(hi, ridge * 8)
            grid = np.logspace(np.log10(lo), np.log10(hi), 256)
            ax.plot(grid, np.minimum(peak_tflops, grid * peak_gbps / 1e3) * rate_scale, color="black", lw=1.5)
        if peak_tflops is not None:
            ax.axhline(peak_tflops * rate_scale, color="0.5", ls=":", lw=1)
            ax.text(hi / 1.15, peak_tflops * rate_scale / 1.12, f"peak compute {peak_tflops * rate_scale:.4g} {rate_unit}",
                    ha="right", va="top", fontsize=8)
        if peak_gbps is not None:
            ax.text(lo * 1.3, lo * 1.3 * peak_gbps / 1e3 * rate_scale * 1.15, f"peak bandwidth {peak_gbps:.4g} GB/s",
                    ha="left", va="bottom", fontsize=8)
        for _, r in sel.iterrows():
            ax.scatter(r["flops_per_byte"], r["tflops"] * rate_scale, color=color_of[r["variant"]],
                       marker=marker_of[r["op"]], edgecolor="black", linewidth=0.4, s=40, zorder=3)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(lo, hi)
        backends = list(dict.fromkeys(sel["backend"])) if "backend" in sel else []
        if "cuda" in backends and attrs.get("device"):
            title = f"GPU: {attrs['device']}"
        elif "cuda" not in backends and attrs.get("cpu"):
            title = f"CPU: {attrs['cpu']}"
        else:
            title = "device"
        title += f" (backends: {', '.join(backends)})" if backends else ""
        if peak_tflops is None or peak_gbps is None:
            title += "\nno peak recorded for this device: roof omitted"
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
