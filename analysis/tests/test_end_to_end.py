"""Runs the real moelab binary when one is built; skips cleanly otherwise."""
import subprocess
import sys
from pathlib import Path

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
