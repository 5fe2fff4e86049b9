import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

from synthetic import make_simulation_file

ANALYSIS_DIR = Path(__file__).resolve().parents[1]


def run_cli(*args, cwd=None):
    # The package directory on PYTHONPATH makes the test independent of how it was installed.
    env = {"PYTHONPATH": str(ANALYSIS_DIR), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-m", "moelab_analysis", *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_figures_prints_written_paths(tmp_path):
    one_run = make_simulation_file(tmp_path / "one.h5", rates_per_s=[4.0])
    out = tmp_path / "figs"
    r = run_cli("figures", one_run, "-o", out)
    assert r.returncode == 0, r.stderr
    printed = [Path(line) for line in r.stdout.splitlines()]
    assert len(printed) == 4 and all(p.exists() and p.parent == out for p in printed)
    assert r.stderr == ""


def test_figures_for_kernel_ab(ab_file, tmp_path):
    r = run_cli("figures", ab_file, "-o", tmp_path / "figs", "--formats", "png,pdf")
    assert r.returncode == 0, r.stderr
    assert any(line.endswith("ab-roofline.pdf") for line in r.stdout.splitlines())


def test_summary_shows_headline_columns_with_units(sim_file):
    r = run_cli("summary", sim_file)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("synthetic-sweep (simulation, 3 rows)")
    header, units = lines[1].split(), lines[2]
    assert header[:3] == ["run", "label", "workload__arrivals__rate_per_s"]
    assert "output_tok_per_s" in header and "ttft_p99_s" in header
    assert "e2e_p90_s" not in header  # only with --all
    assert "[tokens/s]" in units and "[s]" in units
    assert len(lines) == 3 + 3
    assert "workload.arrivals.rate_per_s=8" in lines[-1]


def test_summary_all_prints_every_column(sim_file):
    r = run_cli("summary", "--all", sim_file)
    assert r.returncode == 0, r.stderr
    header = r.stdout.splitlines()[1].split()
    with h5py.File(sim_file) as f:
        assert header == list(f["summary"].dtype.names)


def test_summary_of_kernel_ab(ab_file):
    r = run_cli("summary", ab_file)
    assert r.returncode == 0, r.stderr
    header = r.stdout.splitlines()[1].split()
    assert header[:4] == ["op", "case", "variant", "status"] and header[-1] == "verdict"


def test_compare_ratio_per_label(tmp_path):
    a = make_simulation_file(tmp_path / "a.h5")
    b = make_simulation_file(tmp_path / "b.h5")
    with h5py.File(b, "a") as f:  # B is twice as fast everywhere
        rows = f["summary"][()]
        rows["output_tok_per_s"] *= 2.0
        f["summary"][...] = rows
    r = run_cli("compare", a, b, "--metric", "output_tok_per_s")
    assert r.returncode == 0, r.stderr
    body = r.stdout.splitlines()[3:]
    assert len(body) == 3
    assert all(line.split()[-1] == "2" for line in body)


def test_compare_unknown_metric_is_bad_input(sim_file):
    r = run_cli("compare", sim_file, sim_file, "--metric", "no_such_metric")
    assert r.returncode == 2
    assert "no column 'no_such_metric'" in r.stderr


def test_missing_file_exits_2_with_one_message(tmp_path):
    r = run_cli("summary", tmp_path / "absent.h5")
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.strip().count("\n") == 0 and "no such file" in r.stderr


def test_non_moelab_file_exits_2(tmp_path):
    path = tmp_path / "plain.h5"
    with h5py.File(path, "w") as f:
        f["x"] = np.arange(3)
    for args in (("summary", path), ("figures", path, "-o", tmp_path / "o")):
        r = run_cli(*args)
        assert r.returncode == 2
        assert "not a moelab result file" in r.stderr
        assert "Traceback" not in r.stderr


def test_newer_schema_exits_2(tmp_path):
    path = make_simulation_file(tmp_path / "v9.h5", schema_version=9)
    r = run_cli("figures", path, "-o", tmp_path / "o")
    assert r.returncode == 2 and "schema version 9" in r.stderr


def test_usage_errors_exit_2(sim_file):
    assert run_cli().returncode == 2
    assert run_cli("figures", sim_file).returncode == 2  # -o is required
    assert run_cli("figures", sim_file, "-o", "x", "--formats", "bmp").returncode == 2


def test_figures_runs_option_limits_per_run_figures(sim_file, tmp_path):
    r = run_cli("figures", sim_file, "-o", tmp_path / "a", "--runs", "2")
    assert r.returncode == 0, r.stderr
    names = [Path(line).name for line in r.stdout.splitlines()]
    assert names == ["sweep-throughput-vs-latency.png", "sweep-latency-cdf.png",
                     "sweep-kv-usage-run0002.png", "sweep-queues-run0002.png"]
    r = run_cli("figures", sim_file, "-o", tmp_path / "b", "--runs", "none")
    assert len(r.stdout.splitlines()) == 2
    r = run_cli("figures", sim_file, "-o", tmp_path / "c", "--runs", "7")
    assert r.returncode == 2 and "no run '7'" in r.stderr


def test_diff_same_config_is_identical_and_a_change_is_named(tmp_path):
    a = make_simulation_file(tmp_path / "a.h5", rates_per_s=[4.0])
    b = make_simulation_file(tmp_path / "b.h5", rates_per_s=[4.0])
    r = run_cli("diff", a, b)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "identical datasets" in r.stdout
    with h5py.File(b, "r+") as f:
        reqs = f["runs/0000/requests"]
        data = reqs[()]
        data["prompt_tokens"][0] += 1
        reqs[...] = data
    r = run_cli("diff", a, b)
    assert r.returncode == 1
    assert "/runs/0000/requests: values differ" in r.stdout


def test_diff_allow_added_accepts_new_outputs_but_not_changed_or_missing_ones(tmp_path):
    a = make_simulation_file(tmp_path / "a.h5", rates_per_s=[4.0])
    b = make_simulation_file(tmp_path / "b.h5", rates_per_s=[4.0])
    with h5py.File(b, "r+") as f:
        f.create_dataset("effective", data=[1.0, 2.0])
        f["runs/0000"].attrs["kv_capacity_tokens"] = 123
    r = run_cli("diff", a, b)
    assert r.returncode == 1 and "only in B: /effective" in r.stdout
    assert "/runs/0000@kv_capacity_tokens: attribute differs" in r.stdout
    r = run_cli("diff", "--allow-added", a, b)
    assert r.returncode == 0, r.stdout
    # What A has must still match: a changed attribute or a dataset B lacks is a difference.
    with h5py.File(b, "r+") as f:
        f["summary"].attrs["units"] = ["x"] * len(f["summary"].attrs["units"])
    r = run_cli("diff", "--allow-added", a, b)
    assert r.returncode == 1 and "/summary@units: attribute differs" in r.stdout
    r = run_cli("diff", "--allow-added", b, a)
    assert r.returncode == 1 and "only in A: /effective" in r.stdout
