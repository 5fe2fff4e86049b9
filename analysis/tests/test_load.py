import h5py
import numpy as np
import pandas as pd
import pytest

import moelab_analysis as ma
from moelab_analysis import load
from synthetic import AB_CASES, SIM_RATES_PER_S, make_kernel_ab_file, make_simulation_file


def test_root_attrs_are_plain_python(sim_file):
    attrs = ma.root_attrs(sim_file)
    assert attrs["schema"] == "moelab-results"
    assert attrs["schema_version"] == 1 and isinstance(attrs["schema_version"], int)
    assert attrs["kind"] == "simulation"
    assert isinstance(attrs["config_toml"], str) and "synthetic-sweep" in attrs["config_toml"]


def test_summary_round_trips_values_strings_and_units(sim_file):
    df = ma.summary(sim_file)
    with h5py.File(sim_file) as f:
        raw = f["summary"][()]
    assert list(df.columns) == list(raw.dtype.names)
    assert len(df) == len(SIM_RATES_PER_S)
    assert df["label"].tolist() == [f"workload.arrivals.rate_per_s={r:g}" for r in SIM_RATES_PER_S]
    assert all(isinstance(v, str) for v in df["label"])
    np.testing.assert_array_equal(df["output_tok_per_s"].to_numpy(), raw["output_tok_per_s"])
    assert df["run"].dtype == np.int64
    units = df.attrs["units"]
    assert units["ttft_p99_s"] == "s"
    assert units["output_tok_per_s"] == "tokens/s"
    assert units["label"] == ""
    assert set(units) == set(df.columns)


def test_tables_without_descriptions_read_as_empty(sim_file):
    df = ma.summary(sim_file)
    assert set(df.attrs["descriptions"]) == set(df.columns)
    assert not any(df.attrs["descriptions"].values())


def test_units_stored_as_fixed_length_strings_also_read(tmp_path):
    path = make_simulation_file(tmp_path / "fixed.h5", vlen_units=False)
    assert ma.summary(path).attrs["units"]["duration_s"] == "s"
    assert ma.timeseries(path, 0).attrs["units"]["kv_blocks_total"] == "blocks"


def test_requests_and_timeseries_by_number_name_or_label(sim_file):
    by_int = ma.requests(sim_file, 1)
    by_name = ma.requests(sim_file, "0001")
    by_label = ma.requests(sim_file, "workload.arrivals.rate_per_s=4")
    pd.testing.assert_frame_equal(by_int, by_name)
    pd.testing.assert_frame_equal(by_int, by_label)
    assert by_int.attrs["units"]["arrival_s"] == "s"
    assert by_int.attrs["label"] == "workload.arrivals.rate_per_s=4"
    assert by_int["ttft_s"].isna().sum() == 1  # the request without a first token
    ts = ma.timeseries(sim_file, 2)
    assert sorted(ts["replica"].unique()) == [0, 1]
    assert (ts["kv_blocks_total"] > 0).all()


def test_unknown_run_names_the_available_ones(sim_file):
    with pytest.raises(ma.MoelabFileError, match=r"no run 7 \(runs: 0000, 0001, 0002\)"):
        ma.requests(sim_file, 7)


def test_run_attrs(sim_file):
    attrs = ma.run_attrs(sim_file, 0)
    assert attrs["invariants"] == "ok"
    assert attrs["seed"] == 42


def test_ab_summary_and_samples(ab_file):
    df = ma.ab_summary(ab_file)
    assert len(df) == sum(len(c[4]) for c in AB_CASES)
    assert set(df["status"]) == {"ok", "skipped", "unsupported"}
    assert df.attrs["units"]["median_s"] == "s"
    samples = ma.ab_samples(ab_file, "attention", "b1_h8_s1024_d128")
    assert set(samples["variant"]) == {"ref.naive", "kokkos.tiled", "cuda.flash_mma"}
    assert samples.attrs["units"]["time_s"] == "s"
    row = df[(df["case"] == "b1_h8_s1024_d128") & (df["variant"] == "kokkos.tiled")].iloc[0]
    assert np.median(samples[samples["variant"] == "kokkos.tiled"]["time_s"]) == pytest.approx(row["median_s"])
    assert ("router", "t4096_e64_k8") in ma.ab_cases(ab_file)
    assert ma.ab_case_attrs(ab_file, "router", "t4096_e64_k8")["baseline"] == "ref.naive"


def test_kind_mismatch_is_a_clear_error(sim_file, ab_file):
    with pytest.raises(ma.MoelabFileError, match="'simulation' file; this needs a 'kernel-ab' file"):
        ma.ab_summary(sim_file)
    with pytest.raises(ma.MoelabFileError, match="'kernel-ab' file"):
        ma.requests(ab_file, 0)


def test_newer_schema_version_is_refused(tmp_path):
    path = make_simulation_file(tmp_path / "v2.h5", schema_version=2)
    with pytest.raises(ma.MoelabFileError, match="schema version 2.*reads versions up to 1"):
        ma.summary(path)


def test_non_moelab_hdf5_is_refused(tmp_path):
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f["x"] = np.arange(3)
    with pytest.raises(ma.MoelabFileError, match="not a moelab result file"):
        ma.root_attrs(path)


def test_wrong_schema_name_is_refused(tmp_path):
    path = make_simulation_file(tmp_path / "s.h5")
    with h5py.File(path, "a") as f:
        f.attrs["schema"] = "something-else"
    with pytest.raises(ma.MoelabFileError, match="'something-else'"):
        ma.summary(path)


def test_missing_and_non_hdf5_files(tmp_path):
    with pytest.raises(ma.MoelabFileError, match="no such file"):
        ma.summary(tmp_path / "absent.h5")
    text = tmp_path / "notes.h5"
    text.write_text("not hdf5")
    with pytest.raises(ma.MoelabFileError, match="not an HDF5 file"):
        ma.summary(text)


def test_units_count_mismatch_is_reported(tmp_path):
    path = make_simulation_file(tmp_path / "s.h5")
    with h5py.File(path, "a") as f:
        f["summary"].attrs["units"] = np.array([b"s", b"s"])
    with pytest.raises(ma.MoelabFileError, match="'units' has 2 entries"):
        ma.summary(path)


def test_experiment_name_prefers_config_name_then_config_path(tmp_path, sim_file):
    assert load.experiment_name(ma.root_attrs(sim_file), sim_file) == "synthetic-sweep"
    assert load.experiment_name({"config_toml": "[a]\nb = 1\n", "config_path": "experiments/quickstart.toml"},
                                sim_file) == "quickstart"
    assert load.experiment_name({}, tmp_path / "x.h5") == "x"
