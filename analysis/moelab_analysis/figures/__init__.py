"""Figures for moelab result files; `draw_figures` picks the set by the file's `kind`."""
from __future__ import annotations

from pathlib import Path
from typing import List, Sequence

from .. import load
from .common import DEFAULT_FORMATS


def draw_figures(path, outdir, formats: Sequence[str] = DEFAULT_FORMATS, runs=None, color_by=None,
                 benchmark=None) -> List[Path]:
    """Draw every figure the file supports into `outdir`; returns the written paths in order.
    `runs` limits the per-run figures of a simulation file (numbers, names or labels; [] = none).
    Capacity files: `color_by` names the /capacity column (a swept key, model, hardware, ...) that
    sets the colours (default: the compared system, model x hardware x engine); `benchmark` the
    quality benchmark of the $/M-vs-quality figure (default: the one most systems have)."""
    path, outdir = Path(path), Path(outdir)
    kind = load.file_kind(path)
    if kind == load.KIND_CAPACITY:
        from . import capacity

        return capacity.draw_all(path, outdir, formats, color_by=color_by, benchmark=benchmark)
    if kind == load.KIND_SIMULATION:
        from . import simulation

        return simulation.draw_all(path, outdir, formats, per_run=runs)
    from . import kernel_ab

    return kernel_ab.draw_all(path, outdir, formats)


__all__ = ["draw_figures"]
