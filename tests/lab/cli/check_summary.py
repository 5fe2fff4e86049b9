"""Reads a moelab simulation file the way analysis code does (h5py + pandas) and checks its shape.
Usage: check_summary.py FILE EXPECTED_RUNS FIRST_SWEPT_COLUMN"""
import sys

import h5py
import pandas

path, expected_runs, swept = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with h5py.File(path, "r") as f:
    summary = pandas.DataFrame(f["summary"][()])
    cols = list(summary.columns)
    assert cols[:3] == ["run", "label", swept], cols
    for c in ["requests", "finished", "unfinished", "input_tok_per_s", "output_tok_per_s", "ttft_p50_s",
              "ttft_p99_s", "tpot_p50_s", "tpot_p99_s", "e2e_p99_s", "goodput_requests_per_s",
              "usd_per_m_input_tok", "usd_per_m_output_tok"]:
        assert c in cols, c
    assert len(summary) == expected_runs, len(summary)
    assert list(summary["run"]) == list(range(expected_runs))
    assert (summary["requests"] > 0).all()
    assert (summary["requests"] == summary["finished"] + summary["unfinished"]).all()
    labels = summary["label"].str.decode("utf-8")
    assert labels[0].startswith(swept.replace("__", ".") + "="), labels[0]
    units = list(f["summary"].attrs["units"])
    assert len(units) == len(cols) and units[cols.index("ttft_p99_s")] == "s", units

    for key in ["schema", "kind", "moelab_version", "git_commit", "created_utc", "host", "command_line",
                "config_path", "config_toml"]:
        assert isinstance(f.attrs[key], str), key
    assert f.attrs["schema"] == "moelab-results" and f.attrs["kind"] == "simulation"
    assert int(f.attrs["schema_version"]) == 1

    for run in range(expected_runs):
        g = f[f"runs/{run:04d}"]
        assert g.attrs["invariants"] == "ok", g.attrs["invariants"]
        assert g.attrs["label"] == labels[run]
        requests = pandas.DataFrame(g["requests"][()])
        assert len(requests) == summary["requests"][run]
        for c in ["id", "arrival_s", "first_token_s", "finish_s", "prompt_tokens", "output_tokens", "ttft_s",
                  "tpot_s", "e2e_s"]:
            assert c in requests.columns, c
        done = requests[requests["finish_s"] >= 0]
        assert ((done["e2e_s"] - (done["finish_s"] - done["arrival_s"])).abs() < 1e-9).all()
        assert abs(done["ttft_s"].quantile(0.5) - summary["ttft_p50_s"][run]) < 1e-9
        timeseries = pandas.DataFrame(g["timeseries"][()])
        assert len(timeseries) > 0 and "kv_utilization" in timeseries.columns
print("OK")
