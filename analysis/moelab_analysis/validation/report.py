"""The validation suite's error table (by family) and parity plot, from a kind="validation" file."""
from __future__ import annotations

from pathlib import Path
from typing import List, Sequence

import numpy as np
import pandas as pd

from ..figures.common import plt, save  # headless backend, one saving rule

ALL = "all"


def error_table(points: pd.DataFrame) -> pd.DataFrame:
    """One row per family plus `all`: points, simulated, median / mean / worst absolute % error, median signed %
    error (+ = over-predicted), worst point."""
    rows = []
    groups = [(family, g) for family, g in points.groupby("family", sort=True)] + [(ALL, points)]
    for family, g in groups:
        sim = g[g["simulated"] == 1]
        ape = sim["ape_pct"].to_numpy(dtype=float)
        worst = sim.loc[sim["ape_pct"].idxmax(), "id"] if len(sim) else ""
        rows.append({
            "family": family, "points": len(g), "simulated": len(sim),
            "median_ape_pct": float(np.median(ape)) if len(ape) else np.nan,
            "mean_ape_pct": float(np.mean(ape)) if len(ape) else np.nan,
            "worst_ape_pct": float(np.max(ape)) if len(ape) else np.nan,
            "median_error_pct": float(np.median(sim["error_pct"].to_numpy(dtype=float))) if len(ape) else np.nan,
            "worst_point": worst,
        })
    table = pd.DataFrame(rows)
    table.attrs["units"] = {"median_ape_pct": "%", "mean_ape_pct": "%", "worst_ape_pct": "%", "median_error_pct": "%"}
    return table


def worst_points(points: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    sim = points[points["simulated"] == 1]
    return sim.sort_values("ape_pct", ascending=False).head(n)[["id", "family", "metric", "measured", "predicted",
                                                                 "error_pct", "approximations"]]


def parity_plot(points: pd.DataFrame, outdir: Path, stem: str, formats: Sequence[str] = ("png",)) -> List[Path]:
    """Predicted vs measured, log-log, one panel per metric unit (throughput, latency), one colour per family."""
    sim = points[points["simulated"] == 1]
    units = [u for u in ("tokens/s", "s") if (sim["unit"] == u).any()]
    if not units:
        units = ["tokens/s"]
    fig, axes = plt.subplots(1, len(units), figsize=(5.5 * len(units), 5.0), squeeze=False)
    families = sorted(points["family"].unique())
    cmap = plt.get_cmap("tab10")
    for ax, unit in zip(axes[0], units):
        sub = sim[sim["unit"] == unit]
        for i, family in enumerate(families):
            f = sub[sub["family"] == family]
            if len(f):
                ax.scatter(f["measured"], f["predicted"], s=22, color=cmap(i % 10), label=f"{family} ({len(f)})")
        values = np.concatenate([sub["measured"].to_numpy(float), sub["predicted"].to_numpy(float)]) if len(sub) else np.array([1.0, 10.0])
        values = values[np.isfinite(values) & (values > 0)]
        lo, hi = (values.min() / 1.5, values.max() * 1.5) if len(values) else (1.0, 10.0)
        line = np.array([lo, hi])
        ax.plot(line, line, color="black", lw=1, label="parity")
        for factor, style in ((1.25, ":"), (2.0, "--")):
            ax.plot(line, line * factor, color="grey", lw=0.8, ls=style)
            ax.plot(line, line / factor, color="grey", lw=0.8, ls=style, label=f"x{factor:g} / {factor:g}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_xlabel(f"measured ({unit})")
        ax.set_ylabel(f"moelab predicted ({unit})")
        ax.set_title("throughput" if unit == "tokens/s" else "latency")
        ax.legend(fontsize=7, loc="upper left")
    not_sim = len(points) - len(sim)
    fig.suptitle(f"validation: {len(sim)} of {len(points)} points simulated ({not_sim} not expressible: see reason)",
                 fontsize=10)
    fig.tight_layout()
    return save(fig, Path(outdir), f"{stem}-parity", formats)
