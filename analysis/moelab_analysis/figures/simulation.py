"""Figures for simulation files: throughput vs latency, latency CDFs, KV cache use, queues."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np
import pandas as pd

from .. import load
from ..text_table import format_value, swept_columns
from .common import figure_title, plt, run_colors, save, short_key, short_label, time_unit, use_log_axis

CDF_MAX_POINTS = 2000  # a CDF drawn from quantiles looks the same and stays small


def _scaled_axis(values: np.ndarray):
    finite = values[np.isfinite(values)]
    return time_unit(float(finite.max()) if finite.size else float("nan"))


def _series(summary: pd.DataFrame):
    """Runs grouped into lines. The sweep's last axis varies fastest (lab/experiment/sweep.hpp), so
    with several axes each combination of the others is one line along the last one."""
    swept = swept_columns(summary.columns)
    if len(swept) < 2:
        return [("", summary.index.to_list())], swept[-1:] if swept else []
    outer = swept[:-1]
    groups = []
    for key, rows in summary.groupby(outer if len(outer) > 1 else outer[0], sort=False):
        key = key if isinstance(key, tuple) else (key,)
        name = ", ".join(f"{short_key(c)}={format_value(v)}" for c, v in zip(outer, key))
        groups.append((name, rows.index.to_list()))
    return groups, swept[-1:]


def throughput_vs_latency(path: Path, attrs: Dict, experiment: str, summary: pd.DataFrame,
                          outdir: Path, formats: Sequence[str]) -> List[Path]:
    """Output tok/s against TTFT and TPOT (p50 and p99), one point per run, labelled."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), constrained_layout=True)
    y = summary["output_tok_per_s"].to_numpy(dtype=float)
    groups, inner = _series(summary)
    if inner and len(groups) > 1:  # the line says the other axes; the point says the last one
        col = inner[0]
        labels = [f"{short_key(col)}={format_value(v)}" for v in summary[col]]
    else:
        labels = [short_label(str(lbl), f"{int(r):04d}") for lbl, r in zip(summary["label"], summary["run"])]
    colors = run_colors(len(groups)) if len(groups) > 1 else None
    for ax, metric, name in ((axes[0], "ttft", "time to first token"), (axes[1], "tpot", "time per output token")):
        p50 = summary[f"{metric}_p50_s"].to_numpy(dtype=float)
        p99 = summary[f"{metric}_p99_s"].to_numpy(dtype=float)
        scale, unit = _scaled_axis(np.concatenate([p50, p99]))
        for i in range(len(y)):
            ax.plot([p50[i] * scale, p99[i] * scale], [y[i], y[i]], color="0.8", lw=1, zorder=1)
        for g, (group_name, idx) in enumerate(groups):
            c50 = colors[g] if colors else "tab:blue"
            c99 = colors[g] if colors else "tab:red"
            ax.plot(p50[idx] * scale, y[idx], "o-", color=c50, zorder=3,
                    label=f"{group_name} p50" if group_name else "p50")
            ax.plot(p99[idx] * scale, y[idx], "^--", color=c99, zorder=3,
                    label=f"{group_name} p99" if group_name else "p99")
        for xi, yi, text in zip(p50 * scale, y, labels):
            if np.isfinite(xi) and np.isfinite(yi):
                ax.annotate(text, (xi, yi), textcoords="offset points", xytext=(4, 4), fontsize=7)
        if use_log_axis(np.concatenate([p50, p99])):
            ax.set_xscale("log")
        ax.set_xlabel(f"{name} ({unit})")
        ax.set_ylabel("output throughput (tokens/s)")
        ax.set_title(f"throughput vs {metric.upper()}")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="best", fontsize=7, ncol=1 if len(groups) <= 4 else 2)
    figure_title(fig, experiment, "throughput vs latency (one point per run)", attrs, path)
    return save(fig, outdir, f"{path.stem}-throughput-vs-latency", formats)


def _cdf_points(values: np.ndarray):
    v = np.sort(values[np.isfinite(values)])
    if v.size == 0:
        return v, v
    if v.size <= CDF_MAX_POINTS:
        return v, np.arange(1, v.size + 1) / v.size
    q = np.linspace(0.0, 1.0, CDF_MAX_POINTS)
    return np.quantile(v, q), q


def latency_cdfs(path: Path, attrs: Dict, experiment: str, runs: List[str], labels: List[str],
                 outdir: Path, formats: Sequence[str]) -> List[Path]:
    """CDFs of TTFT and TPOT over requests, one curve per run."""
    per_run = {run: load.requests(path, run) for run in runs}
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), constrained_layout=True)
    colors = run_colors(len(runs))
    for ax, metric, name in ((axes[0], "ttft_s", "time to first token"), (axes[1], "tpot_s", "time per output token")):
        all_values = np.concatenate([per_run[r][metric].to_numpy(dtype=float) for r in runs]) if runs else np.array([])
        scale, unit = _scaled_axis(all_values)
        drawn = False
        for run, label, color in zip(runs, labels, colors):
            x, q = _cdf_points(per_run[run][metric].to_numpy(dtype=float))
            if x.size:
                ax.plot(x * scale, q, color=color, label=label, drawstyle="steps-post")
                drawn = True
        if use_log_axis(all_values, spread=100.0):
            ax.set_xscale("log")
        ax.set_ylim(0, 1.02)
        ax.set_xlabel(f"{name} ({unit})")
        ax.set_ylabel("fraction of requests (CDF)")
        ax.set_title(f"{metric[:-2].upper()} CDF")
        ax.grid(True, alpha=0.3)
        if drawn:
            ax.legend(loc="lower right", fontsize=7, ncol=1 if len(runs) <= 12 else 2)
        else:
            ax.text(0.5, 0.5, "no request has this metric", ha="center", va="center", transform=ax.transAxes)
    figure_title(fig, experiment, "latency CDFs (one curve per run)", attrs, path)
    return save(fig, outdir, f"{path.stem}-latency-cdf", formats)


def _per_replica(ts: pd.DataFrame):
    for replica in sorted(ts["replica"].unique()):
        yield replica, ts[ts["replica"] == replica].sort_values("t_s", kind="stable")


def _replica_panels(ts: pd.DataFrame, top, bottom, titles, ylabels, ylim):
    """Two stacked step plots over simulated time, one line per replica. `top`/`bottom` map a
    replica's rows to y values; returns (fig, axes, number of replicas)."""
    fig, axes = plt.subplots(2, 1, figsize=(10, 6.5), sharex=True, constrained_layout=True)
    replicas = list(_per_replica(ts))
    for (replica, rows), color in zip(replicas, run_colors(len(replicas))):
        t = rows["t_s"].to_numpy(dtype=float)
        for ax, values in zip(axes, (top, bottom)):
            ax.plot(t, values(rows), color=color, drawstyle="steps-post", label=f"replica {replica}")
    for ax, title, ylabel in zip(axes, titles, ylabels):
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.set_ylim(*ylim)
        ax.grid(True, alpha=0.3)
        if replicas and len(replicas) <= 16:
            ax.legend(loc="upper right", fontsize=7, ncol=1 if len(replicas) <= 8 else 2)
    axes[1].set_xlabel("simulated time (s)")
    if not replicas:
        axes[0].text(0.5, 0.5, "no timeseries samples", ha="center", va="center", transform=axes[0].transAxes)
    return fig, axes, len(replicas)


def _share_of_total(column: str):
    def values(rows: pd.DataFrame):
        total = rows["kv_blocks_total"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(total > 0, rows[column].to_numpy(dtype=float) / total, np.nan)
    return values


def kv_usage_over_time(path: Path, attrs: Dict, experiment: str, run: str, label: str,
                       outdir: Path, formats: Sequence[str]) -> List[Path]:
    """Pinned and cached KV blocks as fractions of the total, per replica."""
    ts = load.timeseries(path, run)
    fig, axes, n_replicas = _replica_panels(
        ts, _share_of_total("kv_blocks_pinned"), _share_of_total("kv_blocks_cached"),
        ("KV blocks pinned by running requests", "KV blocks unpinned but kept for prefix reuse (evictable)"),
        ("pinned blocks / total", "cached blocks / total"), (0, 1.02))
    if n_replicas and (ts["kv_blocks_cached"] == 0).all():  # a flat line on the axis is easy to miss
        axes[1].text(0.5, 0.5, "no cached blocks at any sample in this run", ha="center", va="center",
                     transform=axes[1].transAxes, color="0.35")
    figure_title(fig, experiment, f"KV cache usage over time — run {run} ({label})", attrs, path)
    return save(fig, outdir, f"{path.stem}-kv-usage-run{run}", formats)


def queues_over_time(path: Path, attrs: Dict, experiment: str, run: str, label: str,
                     outdir: Path, formats: Sequence[str]) -> List[Path]:
    """Running and waiting requests per replica over time."""
    ts = load.timeseries(path, run)
    fig, _, _ = _replica_panels(
        ts, lambda rows: rows["running"].to_numpy(), lambda rows: rows["waiting"].to_numpy(),
        ("requests in the running batch", "requests queued, not yet admitted"),
        ("running (requests)", "waiting (requests)"), (0, None))
    figure_title(fig, experiment, f"queue lengths over time — run {run} ({label})", attrs, path)
    return save(fig, outdir, f"{path.stem}-queues-run{run}", formats)


def draw_all(path: Path, outdir: Path, formats: Sequence[str], per_run=None) -> List[Path]:
    """Sweep-wide figures, then KV and queue figures for each run in `per_run` (None: every run)."""
    attrs = load.root_attrs(path)
    experiment = load.experiment_name(attrs, path)
    summary = load.summary(path)
    runs = load.run_names(path)
    label_of = {f"{int(r):04d}": short_label(str(lbl), f"{int(r):04d}")
                for r, lbl in zip(summary["run"], summary["label"])}
    labels = [label_of.get(run, f"run {run}") for run in runs]
    chosen = set(runs) if per_run is None else {load.run_name(path, r) for r in per_run}  # bad names fail first
    written = []
    if len(summary):
        written += throughput_vs_latency(path, attrs, experiment, summary, outdir, formats)
    if runs:
        written += latency_cdfs(path, attrs, experiment, runs, labels, outdir, formats)
    for run, label in zip(runs, labels):
        if run not in chosen:
            continue
        written += kv_usage_over_time(path, attrs, experiment, run, label, outdir, formats)
        written += queues_over_time(path, attrs, experiment, run, label, outdir, formats)
    return written
