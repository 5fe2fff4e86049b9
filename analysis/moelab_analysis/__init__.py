"""Read moelab HDF5 result files, draw figures, print summaries (layout: lab/h5/SCHEMA.md)."""
from .errors import MoelabFileError
from .load import (
    ab_case_attrs,
    ab_cases,
    ab_samples,
    ab_summary,
    capacity_table,
    file_kind,
    requests,
    root_attrs,
    run_attrs,
    run_names,
    summary,
    timeseries,
)

__version__ = "0.1.0"

__all__ = [
    "MoelabFileError", "ab_case_attrs", "ab_cases", "ab_samples", "ab_summary", "capacity_table", "file_kind", "requests",
    "root_attrs", "run_attrs", "run_names", "summary", "timeseries",
]
