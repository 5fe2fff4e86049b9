"""Markdown text for the experiments' reports (experiments/*/report.py): one table and one number
format, so every NOTE.md table reads the same."""
from __future__ import annotations

import math
from typing import Iterable, Sequence


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub-flavoured markdown table; cells are written with str()."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def fixed(x, digits: int = 0) -> str:
    """`x` with thousands separators and `digits` decimals; "n/a" for None, NaN and infinities."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:,.{digits}f}"
