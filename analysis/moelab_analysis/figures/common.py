"""What every moelab figure shares: headless backend, titles naming the experiment, saving."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Tuple

import matplotlib

matplotlib.use("Agg")  # figures are files; never a display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

DEFAULT_FORMATS: Tuple[str, ...] = ("png",)


def short_key(key: str) -> str:
    """`workload.arrivals.rate_per_s` (or `..__rate_per_s`) -> `rate_per_s`; `engine.id` -> `engine`."""
    parts = [p for p in re.split(r"\.|__", key) if p]
    if not parts:
        return key
    if parts[-1] in ("id", "kind", "name") and len(parts) > 1:
        return parts[-2]
    return parts[-1]


def short_label(label: str, run: str = "") -> str:
    """`workload.arrivals.rate_per_s=8` -> `rate_per_s=8` (each key keeps its last component)."""
    if not label:
        return f"run {run}" if run else "run"
    parts = [p for p in re.split(r"[,;]\s*|\s+", label) if p]
    out = []
    for part in parts:
        if "=" in part:
            key, value = part.split("=", 1)
            out.append(f"{short_key(key)}={value}")
        else:
            out.append(part)
    return ", ".join(out)


def run_colors(n: int) -> List:
    """Distinct colours for n runs, ordered so a sweep reads as a gradient when n is large."""
    if n <= 10:
        cmap = plt.get_cmap("tab10")
        return [cmap(i) for i in range(n)]
    cmap = plt.get_cmap("viridis")
    return [cmap(x) for x in np.linspace(0.0, 0.92, n)]


def figure_title(fig, experiment: str, what: str, attrs: Dict[str, object], source: Path,
                 bottom_strip: float = 0.035) -> None:
    # Long sweep labels would run off the figure: wrap the title instead.
    fig.suptitle(textwrap.fill(f"{experiment}: {what}", width=95), fontsize=12, fontweight="bold")
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        # keep a strip at the bottom for the provenance line (and any legend line above it)
        engine.set(rect=(0.0, bottom_strip, 1.0, 1.0 - bottom_strip))
    commit = attrs.get("git_commit", "unknown")
    commit = commit[:10] if isinstance(commit, str) else "unknown"
    fig.text(0.995, 0.005, f"{source.name} · moelab {attrs.get('moelab_version', '?')} · {commit}",
             ha="right", va="bottom", fontsize=7, color="0.45")


def safe_name(text: str) -> str:
    """A file-name fragment from an op or case name (deterministic, no path separators)."""
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", text).strip("_") or "x"


def save(fig, outdir: Path, stem: str, formats: Sequence[str]) -> List[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = outdir / f"{stem}.{fmt}"
        # No timestamps or versions in the files, so the same data gives the same bytes.
        metadata = {"Software": None} if fmt == "png" else {"Creator": None, "Producer": None, "CreationDate": None}
        fig.savefig(path, dpi=150, metadata=metadata)
        written.append(path)
    plt.close(fig)
    return written


def use_log_axis(values: Iterable[float], spread: float = 30.0) -> bool:
    """Log scale when positive values span more than `spread`x."""
    v = np.asarray([x for x in values if np.isfinite(x) and x > 0], dtype=float)
    return v.size >= 2 and v.max() / v.min() > spread


def time_unit(seconds_max: float) -> Tuple[float, str]:
    """Scale and unit name to show durations readably."""
    if not np.isfinite(seconds_max) or seconds_max <= 0:
        return 1.0, "s"
    if seconds_max < 1e-6:
        return 1e9, "ns"
    if seconds_max < 1e-3:
        return 1e6, "µs"
    if seconds_max < 1.0:
        return 1e3, "ms"
    return 1.0, "s"
