"""Read moelab HDF5 result files (layout: lab/h5/SCHEMA.md) into dicts and pandas DataFrames.

Every table comes back as a DataFrame whose byte-string columns are decoded to str and whose
units are kept in ``df.attrs["units"]`` ({column: unit}, "" when dimensionless), descriptions in
``df.attrs["descriptions"]`` ({column: one line}, "" where the file has none).
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Tuple, Union

import h5py
import numpy as np
import pandas as pd

from .errors import MoelabFileError

SCHEMA_NAME = "moelab-results"
SUPPORTED_SCHEMA_VERSION = 1
KIND_SIMULATION = "simulation"
KIND_KERNEL_AB = "kernel-ab"
KIND_CAPACITY = "capacity"
CAPACITY_TABLES = ("capacity", "probes", "costs", "cost_components", "fleet", "api", "break_even", "demand_shape",
                   "quality")

PathLike = Union[str, "os.PathLike[str]"]
RunKey = Union[int, str]


def _to_python(value):
    """HDF5 attribute value -> plain Python (str, int, float, list)."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return _to_python(value[()])
        return [_to_python(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _validated_root(f: h5py.File, path: PathLike) -> None:
    schema = _to_python(f.attrs.get("schema"))
    if schema != SCHEMA_NAME:
        found = "missing" if schema is None else f"{schema!r}"
        raise MoelabFileError(
            f"{path}: not a moelab result file (root attribute 'schema' is {found}, "
            f"expected {SCHEMA_NAME!r})"
        )
    version = _to_python(f.attrs.get("schema_version"))
    if not isinstance(version, int) or isinstance(version, bool):
        raise MoelabFileError(f"{path}: root attribute 'schema_version' is {version!r}, expected an integer")
    if version > SUPPORTED_SCHEMA_VERSION:
        raise MoelabFileError(
            f"{path}: written with schema version {version}, but this moelab_analysis reads versions "
            f"up to {SUPPORTED_SCHEMA_VERSION}; update the analysis package"
        )
    if version < 1:
        raise MoelabFileError(f"{path}: schema_version {version} is not a valid version")


@contextmanager
def open_moelab(path: PathLike) -> Iterator[h5py.File]:
    """Open a moelab result file read-only after checking its schema and version."""
    p = Path(path)
    if not p.exists():
        raise MoelabFileError(f"{path}: no such file")
    if p.is_dir():
        raise MoelabFileError(f"{path}: is a directory, not a moelab result file")
    try:
        f = h5py.File(p, "r")
    except OSError as e:
        raise MoelabFileError(f"{path}: not an HDF5 file ({e})") from None
    try:
        _validated_root(f, path)
        yield f
    finally:
        f.close()


def root_attrs(path: PathLike) -> Dict[str, object]:
    """Root attributes as a dict of plain Python values (strings decoded)."""
    with open_moelab(path) as f:
        return {k: _to_python(v) for k, v in f.attrs.items()}


def file_kind(path: PathLike) -> str:
    kind = root_attrs(path).get("kind")
    if kind not in (KIND_SIMULATION, KIND_KERNEL_AB, KIND_CAPACITY):
        raise MoelabFileError(f"{path}: unknown kind {kind!r} (expected 'simulation', 'kernel-ab' or 'capacity')")
    return kind


def _require_kind(f: h5py.File, path: PathLike, kind: str) -> None:
    found = _to_python(f.attrs.get("kind"))
    if found != kind:
        raise MoelabFileError(f"{path}: is a {found!r} file; this needs a {kind!r} file")


def _decode_column(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "S":
        return np.char.decode(values, "utf-8")
    if values.dtype.kind == "O":
        return np.array([v.decode("utf-8") if isinstance(v, bytes) else v for v in values], dtype=object)
    return values


def _per_column_attr(ds: h5py.Dataset, names: List[str], attr: str) -> Dict[str, str]:
    """A string-array attribute with one entry per field -> {column: value}; "" when absent."""
    raw = ds.attrs.get(attr)
    if raw is None:
        return {name: "" for name in names}
    values = _to_python(raw)
    if isinstance(values, str):
        values = [values]
    if len(values) != len(names):
        raise MoelabFileError(f"{ds.file.filename}:{ds.name}: '{attr}' has {len(values)} entries for {len(names)} columns")
    return dict(zip(names, values))


def table_from_dataset(ds: h5py.Dataset) -> pd.DataFrame:
    """A 1-D compound dataset -> DataFrame with str columns, df.attrs['units'] and ['descriptions']."""
    if ds.dtype.names is None:
        raise MoelabFileError(f"{ds.file.filename}:{ds.name}: not a table (expected a compound dataset)")
    names = list(ds.dtype.names)
    data = ds[()]
    df = pd.DataFrame({name: _decode_column(np.asarray(data[name])) for name in names}, columns=names)
    df.attrs["units"] = _per_column_attr(ds, names, "units")
    df.attrs["descriptions"] = _per_column_attr(ds, names, "descriptions")
    df.attrs["dataset"] = ds.name
    return df


def _read_table(path: PathLike, dataset_path: str, kind: str) -> pd.DataFrame:
    with open_moelab(path) as f:
        _require_kind(f, path, kind)
        if dataset_path not in f:
            raise MoelabFileError(f"{path}: has no dataset {dataset_path}")
        df = table_from_dataset(f[dataset_path])
    df.attrs["source"] = str(path)
    return df


def summary(path: PathLike) -> pd.DataFrame:
    """The /summary table of either kind of file."""
    with open_moelab(path) as f:
        if "summary" not in f:
            raise MoelabFileError(f"{path}: has no /summary table")
        df = table_from_dataset(f["summary"])
    df.attrs["source"] = str(path)
    return df


# ---- simulation files -------------------------------------------------------------------------

def run_names(path: PathLike) -> List[str]:
    """Run group names in order ("0000", "0001", ...)."""
    with open_moelab(path) as f:
        _require_kind(f, path, KIND_SIMULATION)
        if "runs" not in f:
            return []
        return sorted(f["runs"].keys())


def _run_group_name(f: h5py.File, path: PathLike, run: RunKey) -> str:
    """Accepts 3, "3", "0003" or a run label."""
    runs = f["runs"] if "runs" in f else {}
    if isinstance(run, (int, np.integer)):
        name = f"{int(run):04d}"
    elif isinstance(run, str) and run.isdigit():
        name = f"{int(run):04d}"
    else:
        name = None
        for key in runs:
            if _to_python(runs[key].attrs.get("label")) == run:
                name = key
                break
    if name is None or name not in runs:
        available = ", ".join(sorted(runs.keys())) or "none"
        raise MoelabFileError(f"{path}: no run {run!r} (runs: {available})")
    return name


def run_name(path: PathLike, run: RunKey) -> str:
    """The group name ("0003") of a run given by number, name or label."""
    with open_moelab(path) as f:
        _require_kind(f, path, KIND_SIMULATION)
        return _run_group_name(f, path, run)


def run_attrs(path: PathLike, run: RunKey) -> Dict[str, object]:
    with open_moelab(path) as f:
        _require_kind(f, path, KIND_SIMULATION)
        name = _run_group_name(f, path, run)
        return {k: _to_python(v) for k, v in f["runs"][name].attrs.items()}


def _run_table(path: PathLike, run: RunKey, table: str) -> pd.DataFrame:
    with open_moelab(path) as f:
        _require_kind(f, path, KIND_SIMULATION)
        name = _run_group_name(f, path, run)
        group = f["runs"][name]
        if table not in group:
            raise MoelabFileError(f"{path}: run {name} has no {table} table")
        df = table_from_dataset(group[table])
        df.attrs["run"] = name
        df.attrs["label"] = _to_python(group.attrs.get("label", name))
    df.attrs["source"] = str(path)
    return df


def requests(path: PathLike, run: RunKey) -> pd.DataFrame:
    """/runs/<run>/requests: one row per request."""
    return _run_table(path, run, "requests")


def timeseries(path: PathLike, run: RunKey) -> pd.DataFrame:
    """/runs/<run>/timeseries: one row per sample and replica."""
    return _run_table(path, run, "timeseries")


# ---- kernel A/B files -------------------------------------------------------------------------

def ab_summary(path: PathLike) -> pd.DataFrame:
    """/summary of a kernel A/B file: one row per (case, variant)."""
    return _read_table(path, "summary", KIND_KERNEL_AB)


def ab_cases(path: PathLike) -> List[Tuple[str, str]]:
    """(op, case) pairs that have an /ab/<op>/<case> group, sorted."""
    with open_moelab(path) as f:
        _require_kind(f, path, KIND_KERNEL_AB)
        if "ab" not in f:
            return []
        return [(op, case) for op in sorted(f["ab"].keys()) for case in sorted(f["ab"][op].keys())]


def _case_group(f: h5py.File, path: PathLike, op: str, case: str) -> h5py.Group:
    key = f"ab/{op}/{case}"
    if key not in f:
        raise MoelabFileError(f"{path}: no A/B case {op}/{case}")
    return f[key]


def ab_case_attrs(path: PathLike, op: str, case: str) -> Dict[str, object]:
    with open_moelab(path) as f:
        _require_kind(f, path, KIND_KERNEL_AB)
        return {k: _to_python(v) for k, v in _case_group(f, path, op, case).attrs.items()}


def ab_samples(path: PathLike, op: str, case: str) -> pd.DataFrame:
    """Timed samples of every variant of one case, long form: variant, sample, time_s."""
    prefix = "samples_"
    frames = []
    with open_moelab(path) as f:
        _require_kind(f, path, KIND_KERNEL_AB)
        group = _case_group(f, path, op, case)
        for name in sorted(group.keys()):
            if not name.startswith(prefix) or not isinstance(group[name], h5py.Dataset):
                continue
            times_s = np.asarray(group[name][()], dtype=np.float64).ravel()
            frames.append(pd.DataFrame({
                "variant": name[len(prefix):],
                "sample": np.arange(times_s.size, dtype=np.int64),
                "time_s": times_s,
            }))
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {"variant": pd.Series(dtype=str), "sample": pd.Series(dtype=np.int64), "time_s": pd.Series(dtype=float)})
    df.attrs["units"] = {"variant": "", "sample": "", "time_s": "s"}
    df.attrs["source"] = str(path)
    df.attrs["case"] = f"{op}/{case}"
    return df


# ---- capacity files ---------------------------------------------------------------------------

def capacity_table(path: PathLike, name: str) -> pd.DataFrame:
    """One table of a capacity file: capacity, probes, costs, cost_components, fleet, api,
    break_even, demand_shape or quality (SCHEMA.md, "Capacity files")."""
    if name not in CAPACITY_TABLES:
        raise MoelabFileError(f"{path}: {name!r} is not a capacity table ({', '.join(CAPACITY_TABLES)})")
    return _read_table(path, name, KIND_CAPACITY)


# ---- naming ----------------------------------------------------------------------------------

def experiment_name(attrs: Dict[str, object], path: PathLike) -> str:
    """A short name for titles: the root attribute `experiment_name`, else the name in the
    embedded config, else the config file's stem, else the result file's stem."""
    named = attrs.get("experiment_name")
    if isinstance(named, str) and named:
        return named
    text = attrs.get("config_toml")
    if isinstance(text, str) and text:
        try:
            import tomllib  # Python >= 3.11

            config = tomllib.loads(text)
        except Exception:  # an unreadable config must not stop a figure
            config = {}
        for section in (config.get("experiment"), config):
            if isinstance(section, dict):
                for key in ("name", "title"):
                    if isinstance(section.get(key), str) and section[key]:
                        return section[key]
    config_path = attrs.get("config_path")
    if isinstance(config_path, str) and config_path:
        return Path(config_path).stem
    return Path(path).stem
