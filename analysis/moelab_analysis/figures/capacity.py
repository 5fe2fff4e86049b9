"""Figures for capacity files (SLO capacity and the economics at it):

- cost-vs-load: $/M tokens of every probe against its arrival rate, the SLO-capacity point marked;
- cost-vs-volume: effective $/M across daily volumes (self-hosted fleets) against API prices,
  break-even volumes marked;
- cost-breakdown: $/M at capacity split into the cost model's components;
- cost-vs-quality: $/M against a published quality score (data, not simulation), Pareto front.

Colours are categorical, one per compared system; `color_by` picks the /capacity column that
defines a system (default: model x hardware x engine). Legends sit outside the axes.
"""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from .. import load
from ..errors import MoelabFileError
from ..text_table import format_value
from .common import figure_title, plt, save, short_key
from matplotlib import ticker

LINESTYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D", "v", "P"]
API_COLOR = "0.25"


def categorical_colors(n: int) -> List:
    """Distinct colours for n categories (never a gradient: systems are not ordered)."""
    names = "tab10" if n <= 10 else "tab20"
    cmap = plt.get_cmap(names)
    return [cmap(i % cmap.N) for i in range(n)]


def system_labels(capacity: pd.DataFrame, color_by: Optional[str]) -> pd.Series:
    """Per run: the label of the system it belongs to (what gets one colour)."""
    if color_by:
        if color_by not in capacity.columns:
            raise MoelabFileError(f"--color-by: no column {color_by!r} in /capacity "
                                  f"(columns: {', '.join(capacity.columns)})")
        return capacity[color_by].map(lambda v: f"{short_key(color_by)}={format_value(v)}")
    parts = ["model", "hardware", "engine"]
    varying = [p for p in parts if capacity[p].nunique() > 1] or ["model", "hardware"]
    tp = capacity["tensor_parallel"].astype(int).astype(str)
    return capacity[varying].astype(str).agg(" · ".join, axis=1) + " · TP" + tp


def _colour_map(labels: Sequence[str]) -> Dict[str, object]:
    unique = list(dict.fromkeys(labels))
    return dict(zip(unique, categorical_colors(len(unique))))


def _legend_outside(ax, handles=None, labels=None, title=None):
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, title=title,
                  title_fontsize=7, frameon=False, borderaxespad=0.0)


def _plain_log_axes(ax, x: bool = True, y: bool = True):
    """Log axes labelled 0.5, 2, 1e+08 rather than 5x10^-1 (major and minor ticks)."""
    fmt = ticker.FuncFormatter(lambda v, _: f"{v:g}")
    for on, axis in ((x, ax.xaxis), (y, ax.yaxis)):
        if on:
            axis.set_major_formatter(fmt)
            axis.set_minor_formatter(ticker.NullFormatter())


def _panels(n: int, width: float = 7.5, height: float = 4.6):
    fig, axes = plt.subplots(n, 1, figsize=(width + 3.5, height * n), constrained_layout=True, squeeze=False)
    return fig, list(axes[:, 0])


def cost_vs_load(path: Path, attrs: Dict, experiment: str, tables: Dict[str, pd.DataFrame], systems: pd.Series,
                 outdir: Path, formats: Sequence[str]) -> List[Path]:
    capacity, probes, costs = tables["capacity"], tables["probes"], tables["costs"]
    scenarios = list(dict.fromkeys(costs["cost"]))
    colours = _colour_map(systems)
    fig, axes = _panels(len(scenarios))
    percentile = attrs.get("slo_percentile", "?")
    for ax, scenario in zip(axes, scenarios):
        rows = costs[costs["cost"] == scenario].merge(
            probes[["run", "probe", "requests_per_s", "meets_slo"]], on=["run", "probe"], how="left")
        for run, group in rows.groupby("run", sort=True):
            label = systems.iloc[int(run)] if int(run) < len(systems) else str(run)
            colour = colours.get(label)
            g = group.sort_values("requests_per_s", kind="stable")
            x = g["requests_per_s"].to_numpy(dtype=float)
            y = g["usd_per_m_tokens"].to_numpy(dtype=float)
            ax.plot(x, y, "-", color=colour, lw=1, alpha=0.6)
            ok = g["meets_slo"].to_numpy() == 1
            ax.plot(x[ok], y[ok], "o", color=colour, ms=4, label=f"{label} (run {int(run)})")
            ax.plot(x[~ok], y[~ok], "o", mfc="none", color=colour, ms=4)
            at = g[g["at_capacity"] == 1]
            if len(at):
                ax.plot(at["requests_per_s"], at["usd_per_m_tokens"], "*", color=colour, ms=14, mec="black", mew=0.6,
                        zorder=5)
                ax.annotate(f"SLO capacity {format_value(float(at['requests_per_s'].iloc[0]))}/s\n"
                            f"${float(at['usd_per_m_tokens'].iloc[0]):.3g}/M",
                            (float(at["requests_per_s"].iloc[0]), float(at["usd_per_m_tokens"].iloc[0])),
                            textcoords="offset points", xytext=(6, 6), fontsize=7)
        ax.set_xscale("log")
        ax.set_yscale("log")
        _plain_log_axes(ax)
        ax.set_xlabel("arrival rate (requests/s)")
        ax.set_ylabel("$ per million tokens (prompt + output)")
        ax.set_title(f"cost scenario '{scenario}': filled = meets the SLO, hollow = misses it, star = capacity",
                     fontsize=9)
        ax.grid(True, which="both", alpha=0.25)
        _legend_outside(ax, title="system")
    what = (f"$/M tokens vs load (SLO p{format_value(percentile)}: TTFT <= {format_value(attrs.get('slo_ttft_s'))} s, "
            f"TPOT <= {format_value(attrs.get('slo_tpot_s'))} s)")
    figure_title(fig, experiment, what, attrs, path)
    return save(fig, outdir, f"{path.stem}-cost-vs-load", formats)


def _break_even_points(tables: Dict[str, pd.DataFrame]) -> pd.DataFrame:
    be = tables["break_even"]
    api = tables["api"][["run", "api", "usd_per_m_tokens"]].rename(columns={"usd_per_m_tokens": "api_usd_per_m_tokens"})
    return be.merge(api, on=["run", "api"], how="left")


def cost_vs_volume(path: Path, attrs: Dict, experiment: str, tables: Dict[str, pd.DataFrame], systems: pd.Series,
                   outdir: Path, formats: Sequence[str]) -> List[Path]:
    fleet, api = tables["fleet"], tables["api"]
    if len(fleet) == 0:
        return []
    scenarios = list(dict.fromkeys(fleet["cost"]))
    colours = _colour_map(systems)
    be = _break_even_points(tables)
    fig, axes = _panels(len(scenarios))
    apis = api.drop_duplicates("api")  # one line per API (its price at the first run's token mix)
    x_lo, x_hi = float(fleet["tokens_per_day"].min()), float(fleet["tokens_per_day"].max())
    for ax, scenario in zip(axes, scenarios):
        for run, group in fleet[fleet["cost"] == scenario].groupby("run", sort=True):
            label = systems.iloc[int(run)]
            g = group.sort_values("tokens_per_day", kind="stable")
            ax.plot(g["tokens_per_day"], g["usd_per_m_tokens"], "-", color=colours[label], lw=1.8,
                    label=f"self-hosted: {label} (run {int(run)})")
            for _, b in be[(be["cost"] == scenario) & (be["run"] == run) & (be["status"] == "crosses")].iterrows():
                ax.plot(b["tokens_per_day"], b["api_usd_per_m_tokens"], "X", color=colours[label], mec="black",
                        mew=0.6, ms=9, zorder=5)
        for i, (_, a) in enumerate(apis.iterrows()):
            ax.hlines(a["usd_per_m_tokens"], x_lo, x_hi, colors=API_COLOR, linestyles=LINESTYLES[(i + 1) % 4], lw=1.1,
                      label=f"API: {a['api']} (${a['usd_per_m_tokens']:.3g}/M)")
            ax.text(x_hi, a["usd_per_m_tokens"], f" {a['api']}", fontsize=6, va="center", color=API_COLOR)
        ax.set_xscale("log")
        ax.set_yscale("log")
        _plain_log_axes(ax)
        ax.set_xlabel("demand (tokens per day, prompt + output)")
        ax.set_ylabel("effective $ per million tokens")
        ax.set_title(f"cost scenario '{scenario}': fleet scaled per hour to the SLO; X = break-even with an API",
                     fontsize=9)
        ax.grid(True, which="both", alpha=0.25)
        _legend_outside(ax)
    figure_title(fig, experiment, "self-hosted $/M vs daily volume, against API list prices", attrs, path)
    return save(fig, outdir, f"{path.stem}-cost-vs-volume", formats)


def cost_breakdown(path: Path, attrs: Dict, experiment: str, tables: Dict[str, pd.DataFrame], systems: pd.Series,
                   outdir: Path, formats: Sequence[str]) -> List[Path]:
    comp = tables["cost_components"]
    if len(comp) == 0:
        return []
    bars = comp[["run", "cost"]].drop_duplicates().reset_index(drop=True)
    components = list(dict.fromkeys(comp["component"]))
    colours = dict(zip(components, categorical_colors(len(components))))
    fig, ax = plt.subplots(figsize=(11, 0.45 * len(bars) + 1.8), constrained_layout=True)
    labels = []
    for i, bar in bars.iterrows():
        left = 0.0
        rows = comp[(comp["run"] == bar["run"]) & (comp["cost"] == bar["cost"])]
        for component in components:
            value = float(rows.loc[rows["component"] == component, "usd_per_m_tokens"].sum())
            if value > 0:
                ax.barh(i, value, left=left, color=colours[component], edgecolor="white", lw=0.5,
                        label=component if component not in labels else None)
                labels.append(component)
                left += value
        ax.text(left, i, f" ${left:.3g}/M", va="center", fontsize=7)
    ax.set_yticks(range(len(bars)))
    ax.set_yticklabels([f"{systems.iloc[int(r)]} | {c}" for r, c in zip(bars["run"], bars["cost"])], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("$ per million tokens at SLO capacity (prompt + output)")
    ax.grid(True, axis="x", alpha=0.25)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[c]) for c in components]
    _legend_outside(ax, handles, components, title="component")
    figure_title(fig, experiment, "cost breakdown at SLO capacity", attrs, path)
    return save(fig, outdir, f"{path.stem}-cost-breakdown", formats)


def pareto_front(points: List[Tuple[float, float]]) -> List[Tuple[float, float]]:
    """Points (quality, cost) no other point beats on both (higher quality, lower cost), by quality."""
    front = []
    for q, c in sorted(points, key=lambda p: (-p[0], p[1])):
        if not front or c < front[-1][1]:
            front.append((q, c))
    return sorted(front)


def choose_benchmark(quality: pd.DataFrame, ids: Sequence[str], benchmark: Optional[str]) -> Optional[str]:
    if len(quality) == 0:
        return None
    if benchmark:
        if benchmark not in set(quality["benchmark"]):
            raise MoelabFileError(f"--benchmark: {benchmark!r} not in /quality "
                                  f"(has: {', '.join(sorted(set(quality['benchmark'])))})")
        return benchmark
    covered = quality[quality["quality_id"].isin(ids)].groupby("benchmark")["quality_id"].nunique()
    if covered.empty:
        return None
    best = covered.max()
    return sorted(b for b, n in covered.items() if n == best)[0]


def score_of(quality: pd.DataFrame, quality_id: str, benchmark: str) -> Tuple[float, str]:
    """The first row (file order) for this model and benchmark: its score and variant."""
    rows = quality[(quality["quality_id"] == quality_id) & (quality["benchmark"] == benchmark)]
    if len(rows) == 0:
        return float("nan"), ""
    return float(rows["score_percent"].iloc[0]), str(rows["variant"].iloc[0])


def cost_vs_quality(path: Path, attrs: Dict, experiment: str, tables: Dict[str, pd.DataFrame], systems: pd.Series,
                    outdir: Path, formats: Sequence[str], benchmark: Optional[str]) -> List[Path]:
    capacity, costs, api, quality = tables["capacity"], tables["costs"], tables["api"], tables["quality"]
    at = costs[costs["at_capacity"] == 1].merge(capacity[["run", "model"]], on="run", how="left")
    ids = list(capacity["model"]) + [q for q in api["quality_id"] if q]
    bench = choose_benchmark(quality, ids, benchmark)
    if bench is None or len(at) == 0:
        return []
    colours = _colour_map(systems)
    scenarios = list(dict.fromkeys(at["cost"]))
    fig, ax = plt.subplots(figsize=(11, 6), constrained_layout=True)
    points, notes = [], []
    for _, row in at.iterrows():
        score, variant = score_of(quality, row["model"], bench)
        if not np.isfinite(score):
            continue
        label = systems.iloc[int(row["run"])]
        marker = MARKERS[scenarios.index(row["cost"]) % len(MARKERS)]
        ax.plot(score, row["usd_per_m_tokens"], marker, color=colours[label], ms=8, mec="black", mew=0.4)
        points.append((score, float(row["usd_per_m_tokens"])))
        notes.append(f"{row['model']}: {variant}")
    for _, a in api.drop_duplicates("api").iterrows():
        score, variant = score_of(quality, a["quality_id"], bench) if a["quality_id"] else (float("nan"), "")
        if not np.isfinite(score):
            continue
        ax.plot(score, a["usd_per_m_tokens"], "*", color=API_COLOR, ms=12)
        ax.annotate(a["api"], (score, a["usd_per_m_tokens"]), textcoords="offset points", xytext=(5, -3), fontsize=7)
        points.append((score, float(a["usd_per_m_tokens"])))
        notes.append(f"{a['quality_id']}: {variant}")
    if not points:
        plt.close(fig)
        return []
    front = pareto_front(points)
    if len(front) > 1:
        ax.step([q for q, _ in front], [c for _, c in front], where="post", color="0.5", lw=1, ls="--")
    # One legend entry per system (colour), per cost scenario (marker), for APIs and the front.
    from matplotlib.lines import Line2D
    handles = [Line2D([], [], ls="", marker="o", color=c, mec="black", mew=0.4, label=f"self-hosted: {name}")
               for name, c in colours.items()]
    handles += [Line2D([], [], ls="", marker=MARKERS[i % len(MARKERS)], color="0.7", mec="black", mew=0.4,
                       label=f"cost: {name}") for i, name in enumerate(scenarios)]
    handles += [Line2D([], [], ls="", marker="*", ms=10, color=API_COLOR, label="API list price"),
                Line2D([], [], ls="--", color="0.5", label="Pareto front (higher score, lower cost)")]
    ax.set_yscale("log")
    _plain_log_axes(ax, x=False)
    ax.set_xlabel(f"{bench} score (%): published, NOT simulated")
    ax.set_ylabel("$ per million tokens")
    ax.set_title("self-hosted: at SLO capacity; API: list price of the same token mix", fontsize=9)
    ax.grid(True, which="both", alpha=0.25)
    _legend_outside(ax, handles, [h.get_label() for h in handles])
    # Outside the layout (a long line would squeeze the axes): which score variant each point uses.
    fig.text(0.01, 0.03, textwrap.fill("score variants: " + "; ".join(dict.fromkeys(notes)), 200), fontsize=6,
             va="bottom", ha="left")
    figure_title(fig, experiment, f"$/M tokens vs quality ({bench}; scores are data from data/quality)", attrs, path,
                 bottom_strip=0.09)
    return save(fig, outdir, f"{path.stem}-cost-vs-quality", formats)


def draw_all(path: Path, outdir: Path, formats: Sequence[str], color_by: Optional[str] = None,
             benchmark: Optional[str] = None) -> List[Path]:
    attrs = load.root_attrs(path)
    experiment = load.experiment_name(attrs, path)
    tables = {name: load.capacity_table(path, name) for name in load.CAPACITY_TABLES}
    capacity = tables["capacity"].sort_values("run", kind="stable").reset_index(drop=True)
    tables["capacity"] = capacity
    systems = system_labels(capacity, color_by)
    # Check the options before drawing anything.
    if benchmark and benchmark not in set(tables["quality"]["benchmark"]):
        choose_benchmark(tables["quality"], [], benchmark)  # raises with the benchmarks there are
    written = []
    written += cost_vs_load(path, attrs, experiment, tables, systems, outdir, formats)
    written += cost_vs_volume(path, attrs, experiment, tables, systems, outdir, formats)
    written += cost_breakdown(path, attrs, experiment, tables, systems, outdir, formats)
    written += cost_vs_quality(path, attrs, experiment, tables, systems, outdir, formats, benchmark)
    return written
