"""Run every end-to-end point of data/validation through `moelab run` and tabulate predicted vs measured.

`run_suite()` translates each point (translate.py), runs the simulated ones one `moelab run` each (the
experiment files and their result files stay in `workdir`), and returns one row per point. Points the
simulator cannot express get a `reason` and no prediction. `write_table()` stores the rows as the
/points table of a result file of kind "validation" (lab/h5/SCHEMA.md conventions).
"""
from __future__ import annotations

import datetime
import math
import os
import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import h5py
import numpy as np
import pandas as pd

from .. import load
from ..errors import MoelabFileError
from .translate import Translation, predicted_value, to_toml, translate

KIND_VALIDATION = "validation"
TABLE = "points"
END_TO_END_FILES = ("mlperf_inference.toml", "trtllm_perf_overview.toml", "moe_deployments.toml")

# (name, unit, description) in column order. Strings first-class; NaN where undefined.
COLUMNS = [
    ("id", "", "point id in data/validation"),
    ("family", "", "point family (groups the error table)"),
    ("file", "", "data/validation file holding the point"),
    ("source", "", "where the measured value was read"),
    ("date", "", "date of the measurement"),
    ("system", "", "measured system"),
    ("model", "", "data/models id"),
    ("hardware", "", "data/hardware id"),
    ("gpus", "", "GPUs of the measured system (or deployment unit)"),
    ("scenario", "", "data/validation scenario"),
    ("metric", "", "measured metric (data/validation names)"),
    ("per", "", "what the value is counted over: system, node (8 GPUs) or request (mean)"),
    ("unit", "", "unit of measured and predicted"),
    ("measured", "", "the published value"),
    ("predicted", "", "moelab's value for the same metric and normalisation; NaN when not simulated"),
    ("ape_pct", "%", "absolute percentage error |predicted - measured| / measured x 100; NaN when not simulated"),
    ("error_pct", "%", "signed error (predicted - measured) / measured x 100; NaN when not simulated"),
    ("simulated", "", "1 when moelab ran the point, 0 when it cannot express it (see reason)"),
    ("reason", "", "why the point was not simulated (empty when it was)"),
    ("approximations", "", "what the translation could not express exactly (; separated)"),
    ("engine", "", "moelab engine profile used"),
    ("replicas", "", "measured replicas; the simulated instance's throughput is multiplied by it"),
    ("sim_requests", "", "requests in the simulated instance's run"),
    ("steady_state_change_pct", "%", "prediction with twice the requests vs this one, (2x - 1x) / 1x x 100; NaN unless checked (--steady-state-check)"),
    ("config_toml", "", "the experiment moelab ran for this point"),
]
_UNITS = {"output_tok_per_s": "tokens/s", "input_tok_per_s": "tokens/s", "ttft_mean_s": "s", "itl_mean_s": "s"}


def load_points(data_dir: Path) -> List[Dict[str, object]]:
    points = []
    for name in END_TO_END_FILES:
        with open(data_dir / "validation" / name, "rb") as f:
            for p in tomllib.load(f).get("point", []):
                p = dict(p)
                p["_file"] = name
                points.append(p)
    return points


class MoelabRunError(RuntimeError):
    pass


def _run_moelab(moelab: Path, config: Path, out: Path, data_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, MOELAB_DATA_DIR=str(data_dir))
    return subprocess.run([str(moelab), "run", str(config), "-o", str(out)], capture_output=True, text=True, env=env)


def _simulate(t: Translation, moelab: Path, workdir: Path, data_dir: Path, cache: Dict[str, object],
              tag: str = "") -> Dict[str, object]:
    """Runs the translated experiment; returns {'predicted', 'error'} (error: moelab's message for exit 2).
    Points measured in the same run (TTFT and ITL of one online benchmark) share one simulation."""
    key = to_toml({k: v for k, v in t.config.items() if k != "experiment"})
    if key not in cache:
        name = t.config["experiment"]["name"] + tag
        cfg = workdir / f"{name}.toml"
        cfg.write_text(to_toml(t.config))
        out = workdir / f"{name}.h5"
        r = _run_moelab(moelab, cfg, out, data_dir)
        if r.returncode == 2:
            message = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "exit 2"
            cache[key] = message.replace(str(workdir) + "/", "")
        elif r.returncode != 0:
            raise MoelabRunError(f"moelab run {cfg} failed with exit {r.returncode}:\n{r.stderr}")
        else:
            cache[key] = load.summary(out).iloc[0].to_dict()
    row = cache[key]
    if isinstance(row, str):
        return {"predicted": math.nan, "error": row}
    return {"predicted": predicted_value(t, row), "error": ""}


def run_suite(moelab: Path, data_dir: Path, workdir: Path, steady_state_check: bool = False,
              only: Optional[Sequence[str]] = None, progress=None,
              engine_overrides: Optional[Dict[str, object]] = None) -> pd.DataFrame:
    """`engine_overrides` replace [engine] values of every translated point (the sensitivity sweep's seam)."""
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    cache: Dict[str, object] = {}
    for p in load_points(data_dir):
        if only and p["id"] not in only:
            continue
        t = translate(p, data_dir)
        if t.simulated and engine_overrides:
            t.config["engine"].update(engine_overrides)
        predicted, steady = math.nan, math.nan
        reason = t.reason
        if t.simulated:
            res = _simulate(t, moelab, workdir, data_dir, cache)
            if res["error"]:
                reason = "moelab rejects the translated configuration: " + res["error"]
            else:
                predicted = res["predicted"]
                if steady_state_check:
                    doubled = Translation(**{**t.__dict__})
                    doubled.config = {k: dict(v) for k, v in t.config.items()}
                    doubled.config["workload"]["num_requests"] = 2 * t.config["workload"]["num_requests"]
                    res2 = _simulate(doubled, moelab, workdir, data_dir, cache, tag="-2x")
                    steady = (res2["predicted"] - predicted) / predicted * 100.0
        measured = float(p["value"])
        simulated = bool(t.simulated and not reason)
        err = (predicted - measured) / measured * 100.0 if simulated else math.nan
        rows.append({
            "id": p["id"], "family": p["family"], "file": p["_file"], "source": p["source"], "date": str(p["date"]),
            "system": p["system"], "model": p["model"], "hardware": p["hardware"], "gpus": int(p["gpus"]),
            "scenario": p["scenario"], "metric": p["metric"], "per": p["per"], "unit": _UNITS.get(str(p["metric"]), ""),
            "measured": measured, "predicted": predicted, "ape_pct": abs(err), "error_pct": err,
            "simulated": int(simulated), "reason": reason, "approximations": "; ".join(t.approximations),
            "engine": t.engine, "replicas": t.replicas,
            "sim_requests": int(t.config["workload"]["num_requests"]) if t.config else 0,
            "steady_state_change_pct": steady, "config_toml": to_toml(t.config) if t.config else "",
        })
        if progress:
            progress(rows[-1])
    return pd.DataFrame(rows, columns=[c[0] for c in COLUMNS])


ERRORS_TABLE = "errors"
ERRORS_COLUMNS = [
    ("family", "", "point family, or `all`"),
    ("points", "", "points in the family"),
    ("simulated", "", "points moelab ran"),
    ("median_ape_pct", "%", "median absolute percentage error of the simulated points"),
    ("mean_ape_pct", "%", "mean absolute percentage error"),
    ("worst_ape_pct", "%", "worst absolute percentage error"),
    ("median_error_pct", "%", "median signed error (predicted - measured) / measured: + over-predicted"),
    ("worst_point", "", "id of the worst point"),
]
SENSITIVITY_TABLE = "sensitivity"
SENSITIVITY_COLUMNS = [
    ("parameter", "", "the [engine] key set on every simulated point"),
    ("value", "", "its value (step_overhead_s: seconds of CPU time per engine step)"),
    ("family", "", "point family, or `all`"),
    ("simulated", "", "points simulated"),
    ("median_ape_pct", "%", "median absolute percentage error"),
    ("worst_ape_pct", "%", "worst absolute percentage error"),
    ("median_error_pct", "%", "median signed error (predicted - measured) / measured"),
]


def sensitivity(moelab: Path, data_dir: Path, workdir: Path, parameter: str, values: Sequence[float],
                only: Optional[Sequence[str]] = None, progress=None) -> pd.DataFrame:
    """The error table with one [engine] parameter set to each of `values` on every simulated point. A report of
    how much the result depends on an unmeasured value; nothing is chosen or fitted from it."""
    from .report import ALL

    rows = []
    for value in values:
        df = run_suite(moelab, data_dir, workdir / f"{parameter}-{value:g}", only=only,
                       engine_overrides={parameter: value})
        sim = df[df["simulated"] == 1]
        for family, g in [(f, g) for f, g in sim.groupby("family", sort=True)] + [(ALL, sim)]:
            rows.append({"parameter": parameter, "value": float(value), "family": family, "simulated": len(g),
                         "median_ape_pct": float(np.median(g["ape_pct"])) if len(g) else math.nan,
                         "worst_ape_pct": float(np.max(g["ape_pct"])) if len(g) else math.nan,
                         "median_error_pct": float(np.median(g["error_pct"])) if len(g) else math.nan})
        if progress:
            progress(value)
    return pd.DataFrame(rows, columns=[c[0] for c in SENSITIVITY_COLUMNS])


def _moelab_identity(moelab: Path) -> Dict[str, str]:
    """moelab_version and git_commit of the binary that made the predictions (`moelab --version`)."""
    try:
        first = subprocess.run([str(moelab), "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        first = ""
    match = re.match(r"moelab (\S+) \(git (\S+)\)", first)
    if not match:
        return {"moelab_version": first or "unknown", "git_commit": "unknown"}
    return {"moelab_version": match.group(1), "git_commit": match.group(2)}


def _structured(df: pd.DataFrame, spec) -> np.ndarray:
    fields, columns = [], {}
    for name, _, _ in spec:
        values = df[name].to_numpy()
        if values.dtype.kind in "OUS":
            encoded = [str(v).encode("utf-8") for v in values]
            width = max([len(v) for v in encoded] + [1])
            dt = h5py.string_dtype("utf-8", width)
            columns[name] = np.array(encoded, dtype=f"S{width}")
        elif values.dtype.kind in "iub":
            dt = np.dtype("<i8")
            columns[name] = values.astype("<i8")
        else:
            dt = np.dtype("<f8")
            columns[name] = values.astype("<f8")
        fields.append((name, dt))
    table = np.zeros(len(df), dtype=fields)
    for name, _ in fields:
        table[name] = columns[name]
    return table


def write_table(df: pd.DataFrame, path: Path, moelab: Path, data_dir: Path, command_line: str,
                sensitivity_df: Optional[pd.DataFrame] = None) -> None:
    """Writes `df` as /points of a kind="validation" file, its error table by family as /errors (and
    `sensitivity_df` as /sensitivity when given), atomically (temporary + rename)."""
    from .report import error_table

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    table = _structured(df, COLUMNS)
    errors = _structured(error_table(df), ERRORS_COLUMNS)
    try:
        with h5py.File(tmp, "w") as f:
            f.attrs["schema"] = load.SCHEMA_NAME
            f.attrs["schema_version"] = np.int64(load.SUPPORTED_SCHEMA_VERSION)
            f.attrs["kind"] = KIND_VALIDATION
            for k, v in _moelab_identity(moelab).items():
                f.attrs[k] = v
            f.attrs["created_utc"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            f.attrs["host"] = socket.gethostname()
            f.attrs["command_line"] = command_line
            f.attrs["config_path"] = str(data_dir / "validation")
            f.attrs["moelab_executable"] = str(moelab)
            ds = f.create_dataset(TABLE, data=table)
            ds.attrs["units"] = [u for _, u, _ in COLUMNS]
            ds.attrs["descriptions"] = [d for _, _, d in COLUMNS]
            ed = f.create_dataset(ERRORS_TABLE, data=errors)
            ed.attrs["units"] = [u for _, u, _ in ERRORS_COLUMNS]
            ed.attrs["descriptions"] = [d for _, _, d in ERRORS_COLUMNS]
            if sensitivity_df is not None:
                sd = f.create_dataset(SENSITIVITY_TABLE, data=_structured(sensitivity_df, SENSITIVITY_COLUMNS))
                sd.attrs["units"] = [u for _, u, _ in SENSITIVITY_COLUMNS]
                sd.attrs["descriptions"] = [d for _, _, d in SENSITIVITY_COLUMNS]
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def points(path) -> pd.DataFrame:
    """The /points table of a validation file."""
    with load.open_moelab(path) as f:
        kind = load._to_python(f.attrs.get("kind"))
        if kind != KIND_VALIDATION:
            raise MoelabFileError(f"{path}: is a {kind!r} file; this needs a {KIND_VALIDATION!r} file")
        if TABLE not in f:
            raise MoelabFileError(f"{path}: has no /{TABLE} table")
        df = load.table_from_dataset(f[TABLE])
    df.attrs["source"] = str(path)
    return df


def sensitivity_table(path) -> Optional[pd.DataFrame]:
    """The /sensitivity table of a validation file, or None when the run made none."""
    with load.open_moelab(path) as f:
        if SENSITIVITY_TABLE not in f:
            return None
        return load.table_from_dataset(f[SENSITIVITY_TABLE])
