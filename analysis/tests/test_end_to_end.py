"""Runs the real moelab binary when one is built; skips cleanly otherwise."""
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

import moelab_analysis as ma
from moelab_analysis.figures import draw_figures

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = REPO / "experiments" / "quickstart.toml"


def _moelab_binary():
    candidates = sorted(REPO.glob("build/*/lab/moelab"), key=lambda p: p.stat().st_mtime, reverse=True)
    for exe in candidates:
        try:
            r = subprocess.run([str(exe), "run", "--help"], capture_output=True, text=True, timeout=30)
            if r.returncode == 0 and "--set" in r.stdout + r.stderr:  # a binary with the `run` command
                return exe
        except (OSError, subprocess.TimeoutExpired):
            continue
    return None


@pytest.fixture(scope="module")
def quickstart_h5(tmp_path_factory):
    exe = _moelab_binary()
    if exe is None:
        pytest.skip("no working moelab binary under build/*/lab/moelab")
    if not QUICKSTART.exists():
        pytest.skip("experiments/quickstart.toml does not exist yet")
    out = tmp_path_factory.mktemp("e2e") / "quickstart.h5"
    # Fewer requests keep the test quick; the file's shape does not depend on the count.
    r = subprocess.run([str(exe), "run", str(QUICKSTART), "-o", str(out), "--set", "workload.num_requests=200"],
                       capture_output=True, text=True, timeout=600, cwd=REPO)
    if r.returncode != 0 or not out.exists():
        pytest.skip(f"`moelab run` did not produce a file with this binary ({exe}): {r.stderr.strip()[:300]}")
    return out


def test_quickstart_file_reads_and_draws(quickstart_h5, tmp_path):
    attrs = ma.root_attrs(quickstart_h5)
    assert attrs["kind"] == "simulation"
    df = ma.summary(quickstart_h5)
    assert len(df) >= 1 and (df["finished"] > 0).all()
    assert df.attrs["units"]["ttft_p50_s"] == "s"
    assert df.attrs["descriptions"]["ttft_p50_s"].startswith("time to first token")
    assert all(df.attrs["descriptions"][c] for c in df.columns)
    req = ma.requests(quickstart_h5, int(df["run"].iloc[0]))
    assert len(req) == int(df["requests"].iloc[0]) == 200
    assert req["ttft_s"].notna().all() and (req["ttft_s"] > 0).all()
    ts = ma.timeseries(quickstart_h5, int(df["run"].iloc[0]))
    assert (ts["kv_blocks_pinned"] <= ts["kv_blocks_total"]).all()
    paths = draw_figures(quickstart_h5, tmp_path / "figs")
    assert paths and all(p.stat().st_size > 0 for p in paths)
    r = subprocess.run([sys.executable, "-m", "moelab_analysis", "summary", str(quickstart_h5)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


TINY_AB = """[experiment]
name = "tiny-router-ab"
kind = "kernel-ab"
seed = 1

[ab]
op = "router.topk"
variants = ["ref.naive", "kokkos.fused"]
cold_l2 = false
max_time_s = 1.0
min_samples = 8
noise = 0.05

[[ab.cases]]
preset = "qwen3-30b-a3b"
dims = { tokens = 256 }
"""


def test_kernel_ab_file_reads_and_draws(tmp_path):
    exe = _moelab_binary()
    if exe is None:
        pytest.skip("no working moelab binary under build/*/lab/moelab")
    config = tmp_path / "tiny-ab.toml"
    config.write_text(TINY_AB)
    out = tmp_path / "tiny-ab.h5"
    r = subprocess.run([str(exe), "run", str(config), "-o", str(out)], capture_output=True, text=True,
                       timeout=600, cwd=REPO)
    if r.returncode != 0 or not out.exists():
        pytest.skip(f"this binary ran no kernel A/B experiment ({exe}): {r.stderr.strip()[:300]}")
    assert ma.root_attrs(out)["kind"] == "kernel-ab"
    df = ma.ab_summary(out)
    assert df["variant"].tolist() == ["ref.naive", "kokkos.fused"]
    assert (df["status"] == "ok").all() and df["verdict"].iloc[0] == "baseline"
    (op, case), = ma.ab_cases(out)
    samples = ma.ab_samples(out, op, case)
    assert set(samples["variant"]) == {"ref.naive", "kokkos.fused"}
    assert samples.groupby("variant").size().to_dict() == dict(zip(df["variant"], df["samples"]))
    names = [p.name for p in draw_figures(out, tmp_path / "figs")]
    assert names == [f"tiny-ab-ab-{op}.png", "tiny-ab-roofline.png"]


def _all_attrs(f):
    """(object name, attribute name, value) for the root and every group and dataset."""
    out = [("/", k, v) for k, v in f.attrs.items()]
    f.visititems(lambda name, obj: out.extend((name, k, v) for k, v in obj.attrs.items()))
    return out


def _string_columns(f):
    """(dataset name, field) of every string field of every table."""
    cols = []

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and obj.dtype.names:
            cols.extend((name, field) for field in obj.dtype.names if h5py.check_string_dtype(obj.dtype[field]))

    f.visititems(visit)
    return cols


def _check_strings(path):
    """Every string attribute reads as str with plain h5py; every string column is UTF-8 and
    reads as str through moelab_analysis (h5py itself returns bytes for any string column)."""
    with h5py.File(path, "r") as f:
        attrs = _all_attrs(f)
        assert attrs
        for obj, name, value in attrs:
            if isinstance(value, np.ndarray) and value.dtype.kind == "O":
                assert all(isinstance(v, str) for v in value.tolist()), (obj, name, value)
            else:
                assert not isinstance(value, bytes), (obj, name, value)
        columns = _string_columns(f)
        for ds, field in columns:
            assert h5py.check_string_dtype(f[ds].dtype[field]).encoding == "utf-8", (ds, field)
    for ds, field in columns:
        with h5py.File(path, "r") as f:
            df = ma.load.table_from_dataset(f[ds])
        assert all(isinstance(v, str) for v in df[field]), (ds, field)
    return columns


def test_every_string_reads_back_as_str(tmp_path):
    exe = _moelab_binary()
    if exe is None:
        pytest.skip("no working moelab binary under build/*/lab/moelab")
    sim = tmp_path / "sim.h5"
    # A string sweep axis, and requests dropped as unservable (a reason string on some rows).
    r = subprocess.run([str(exe), "run", str(QUICKSTART), "-o", str(sim), "--quiet",
                        "--set", "workload.num_requests=100", "--set", "sweep.engine.id=[baseline,vllm]",
                        "--set", "engine.chunked_prefill=false", "--set", "engine.max_batched_tokens=64",
                        "--set", "engine.max_num_seqs=16"],
                       capture_output=True, text=True, timeout=600, cwd=REPO)
    assert r.returncode == 0, r.stderr
    assert "requests dropped as unservable (first: request " in r.stderr
    columns = _check_strings(sim)
    assert ("summary", "engine__id") in columns and ("runs/0000/requests", "unservable_reason") in columns
    req = ma.requests(sim, 0)
    assert set(req["unservable_reason"]) == {"", "exceeds_batch_budget"}
    assert list(ma.summary(sim)["engine__id"][:2]) == ["baseline", "vllm"]  # an added axis varies fastest

    ab = tmp_path / "ab.h5"
    r = subprocess.run([str(exe), "ab", "router.topk", "--variants", "ref.naive", "--shape", "deepseek-v3",
                        "--dim", "tokens=8,16", "--hot", "--max-time-s", "0.1", "--min-samples", "3",
                        "--warmup", "1", "-o", str(ab)], capture_output=True, text=True, timeout=600, cwd=REPO)
    assert r.returncode == 0, r.stderr
    assert ("summary", "variant") in _check_strings(ab)
    assert len(ma.ab_summary(ab)) == 2
