"""The validation suite: point translation, the predicted-vs-measured table, error table, parity plot."""
import math
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from moelab_analysis import cli
from moelab_analysis.errors import MoelabFileError
from moelab_analysis.validation import (error_table, load_points, parity_plot, points, predicted_value, run_suite,
                                        sensitivity, sensitivity_table, to_toml, translate, write_table)
from moelab_analysis.validation.suite import COLUMNS, SENSITIVITY_COLUMNS

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"


def _point(**over):
    p = {"id": "p", "family": "fam", "system": "sys", "software": "tensorrt-llm 0.17", "model": "llama-3.1-8b",
         "hardware": "h100-sxm", "gpus": 1, "tensor_parallel": 1, "replicas": 1, "weight_dtype": "fp8",
         "kv_dtype": "fp8", "scenario": "fixed_length", "input_tokens": 128, "output_tokens": 256,
         "num_requests": 30000, "metric": "output_tok_per_s", "value": 1000.0, "per": "system", "source": "s",
         "date": "2025-01"}
    p.update(over)
    return {k: v for k, v in p.items() if v is not None}


def test_every_end_to_end_point_is_loaded_and_translated_or_given_a_reason():
    pts = load_points(DATA)
    assert len(pts) == 73
    for p in pts:
        t = translate(p, DATA)
        assert t.simulated != bool(t.reason), p["id"]


def test_pd_disaggregated_and_production_points_say_why_they_are_not_simulated():
    # A decode phase needs its KV length and batch; a prefill phase its prompt length.
    t = translate(_point(scenario="phase_isolated_decode"), DATA)
    assert not t.simulated and "PD-disaggregated" in t.reason
    t = translate(_point(scenario="phase_isolated_prefill", input_tokens=None), DATA)
    assert not t.simulated and "PD-disaggregated" in t.reason
    t = translate(_point(scenario="production_average"), DATA)
    assert not t.simulated and "production" in t.reason
    t = translate(_point(speculative="mtp"), DATA)
    assert not t.simulated and "MTP" in t.reason


def _moe_point(**over):
    return _point(**{"model": "deepseek-v3", "gpus": 32, "tensor_parallel": 1, "replicas": None, "data_parallel": 32,
                     "expert_parallel": 32, "kv_dtype": None, "per": "node", "num_requests": None,
                     "software": "sglang (May 2025)", **over})


def test_phase_isolated_prefill_runs_the_prompts_with_one_output_token_per_node():
    t = translate(_moe_point(scenario="phase_isolated_prefill", input_tokens=1024, output_tokens=0,
                             metric="input_tok_per_s", two_batch_overlap=True, moe_dispatch="deepep_normal",
                             kernel_library="deepseek", tokens_per_gpu_batch=16384), DATA)
    c = t.config
    assert t.simulated and t.engine == "sglang"
    assert c["workload"]["prompt_tokens"] == 1024 and c["workload"]["output_tokens"] == 1
    # 4 batches of 16,384 tokens per rank at 1,024 tokens per prompt, over 32 ranks.
    assert c["workload"]["num_requests"] == 4 * 16 * 32 and c["workload"]["arrivals"] == {"kind": "burst"}
    assert c["engine"]["max_batched_tokens"] == 16384 and c["engine"]["overlap"] == "two_micro_batch"
    assert c["engine"]["a2a_mode"] == "normal" and c["engine"]["kernel_profile"] == "deepseek-hopper"
    assert c["cluster.parallel"] == {"attention_tp": 1, "attention_dp": 32, "expert_parallel": 32, "pipeline_stages": 1}
    assert predicted_value(t, {"input_tok_per_s": 400.0}) == pytest.approx(100.0)  # 4 nodes


def test_phase_isolated_decode_runs_a_full_batch_at_the_stated_kv_length():
    t = translate(_moe_point(scenario="phase_isolated_decode", gpus=48, data_parallel=48, expert_parallel=48,
                             hardware="gb200-nvl72", input_tokens=2000, kv_context_mean=2000, batch_per_gpu=64,
                             per="gpu", weight_dtype="fp8", expert_weight_dtype="fp4", two_batch_overlap=False,
                             kernel_library="deepseek"), DATA)
    c = t.config
    assert t.simulated
    assert c["engine"]["max_num_seqs"] == 64 and c["workload"]["num_requests"] == 64 * 48
    w = c["workload"]
    assert w["prompt_tokens"] == 1968 and w["output_tokens"] == 64  # KV 1,968 -> 2,032, mean 2,000
    assert c["engine"]["max_batched_tokens"] == 64 * 1968  # every prompt of a rank in one prefill step
    assert c["model"]["weight_bytes_per_param"] == 1.0 and c["model"]["expert_weight_bytes_per_param"] == 0.5625
    assert c["engine"]["overlap"] == "none" and "kernel_profile" not in c["engine"]
    assert any("no moelab profile" in a for a in t.approximations)
    # 64 sequences per GPU at 0.1 s per output token: 640 tokens/s per GPU.
    assert predicted_value(t, {"tpot_mean_s": 0.1, "output_tok_per_s": 1.0}) == pytest.approx(640.0)
    bad = translate(_moe_point(scenario="phase_isolated_decode", kv_context_mean=2000, batch_per_gpu=8,
                               moe_dispatch="nccl"), DATA)
    assert not bad.simulated and "nccl" in bad.reason


def test_a_point_without_input_length_is_not_simulated_until_one_is_recorded():
    p = _point(scenario="offline", input_tokens=None, output_tokens=None, output_tokens_mean=290.3)
    t = translate(p, DATA)
    assert not t.simulated and "input length" in t.reason
    t = translate({**p, "input_tokens_mean": 700.4}, DATA)
    assert t.simulated
    assert t.config["workload"]["prompt_tokens"] == 700 and t.config["workload"]["output_tokens"] == 290
    assert any("means" in a for a in t.approximations)


def test_fixed_length_point_becomes_a_burst_of_a_few_batches_with_the_stated_precision():
    t = translate(_point(tensor_parallel=2, gpus=2), DATA)
    c = t.config
    assert c["model"] == {"id": "llama-3.1-8b", "weight_bytes_per_param": 1.0, "kv_bytes_per_element": 1.0}
    assert c["cluster.parallel"]["attention_tp"] == 2 and c["cluster"]["replicas"] == 1
    assert c["workload"]["arrivals"] == {"kind": "burst"}
    with open(DATA / "engines" / "baseline.toml", "rb") as f:
        batch = tomllib.load(f)["max_num_seqs"]
    assert c["workload"]["num_requests"] == 4 * batch
    assert t.engine == "baseline" and any("TensorRT-LLM" in a for a in t.approximations)
    # Fewer stated requests than a few batches: the stated count.
    assert translate(_point(num_requests=100), DATA).config["workload"]["num_requests"] == 100


def test_fp4_and_vllm_and_concurrency_translate():
    t = translate(_point(weight_dtype="fp4", software="vLLM 0.10", concurrency=96, kv_dtype=None), DATA)
    assert t.config["model"]["weight_bytes_per_param"] == 0.5625
    assert "kv_bytes_per_element" not in t.config["model"]
    assert t.engine == "vllm" and t.config["engine"]["max_num_seqs"] == 96
    assert any("FP4" in a for a in t.approximations) and any("KV dtype" in a for a in t.approximations)


def test_replicas_split_the_load_and_scale_the_throughput_per_node_divides_by_nodes():
    p = _point(scenario="server", gpus=16, replicas=8, tensor_parallel=2, request_rate_per_s=80.0, num_requests=None,
               per="node")
    t = translate(p, DATA)
    assert t.config["workload"]["arrivals"] == {"kind": "poisson", "rate_per_s": 10.0}
    assert predicted_value(t, {"output_tok_per_s": 100.0}) == pytest.approx(100.0 * 8 / 2)
    lat = translate(_point(scenario="online_rate", metric="itl_mean_s", request_rate_per_s=4.0), DATA)
    assert predicted_value(lat, {"tpot_mean_s": 0.01}) == 0.01  # latencies are not scaled


def test_inconsistent_gpu_counts_are_reasons_not_guesses():
    t = translate(_point(gpus=8, tensor_parallel=2, replicas=2), DATA)
    assert not t.simulated and "8 GPUs" in t.reason
    t = translate(_point(gpus=8, tensor_parallel=None, replicas=None), DATA)
    assert not t.simulated and "parallel plan" in t.reason


def test_a_stated_token_budget_becomes_the_engine_budget_per_rank():
    t = translate(_point(max_num_tokens=1151), DATA)
    assert t.config["engine"]["max_batched_tokens"] == 1151


def test_to_toml_round_trips():
    t = translate(_point(), DATA)
    back = tomllib.loads(to_toml(t.config))
    assert back["workload"]["arrivals"] == {"kind": "burst"}
    assert back["cluster"]["parallel"]["attention_tp"] == 1
    assert back["model"]["weight_bytes_per_param"] == 1.0


def _frame():
    rows = []
    for i, (fam, measured, predicted) in enumerate([("a", 100.0, 110.0), ("a", 100.0, 70.0), ("a", 100.0, 95.0),
                                                    ("b", 2.0, 1.0), ("b", 10.0, math.nan)]):
        sim = int(not math.isnan(predicted))
        err = (predicted - measured) / measured * 100 if sim else math.nan
        row = {name: "" for name, _, _ in COLUMNS}
        row.update({"id": f"p{i}", "family": fam, "metric": "output_tok_per_s", "unit": "tokens/s", "gpus": 1,
                    "measured": measured, "predicted": predicted, "ape_pct": abs(err), "error_pct": err,
                    "simulated": sim, "reason": "" if sim else "cannot", "replicas": 1, "sim_requests": 10,
                    "steady_state_change_pct": math.nan})
        rows.append(row)
    return pd.DataFrame(rows, columns=[c[0] for c in COLUMNS])


def test_error_table_by_family_and_overall():
    table = error_table(_frame()).set_index("family")
    assert table.loc["a", "median_ape_pct"] == pytest.approx(10.0)
    assert table.loc["a", "worst_ape_pct"] == pytest.approx(30.0) and table.loc["a", "worst_point"] == "p1"
    assert table.loc["b", "points"] == 2 and table.loc["b", "simulated"] == 1
    assert table.loc["all", "median_ape_pct"] == pytest.approx(np.median([10, 30, 5, 50]))
    assert table.loc["all", "worst_point"] == "p3"


def test_table_round_trips_through_hdf5_and_the_parity_plot_is_drawn(tmp_path):
    df = _frame()
    out = tmp_path / "validation.h5"
    write_table(df, out, Path("/nonexistent/moelab"), DATA, "test")
    back = points(out)
    assert list(back.columns) == [c[0] for c in COLUMNS]
    assert list(back["id"]) == list(df["id"]) and back["reason"].iloc[4] == "cannot"
    assert back.attrs["units"]["ape_pct"] == "%"
    import h5py
    from moelab_analysis.load import table_from_dataset
    with h5py.File(out, "r") as f:
        errors = table_from_dataset(f["errors"]).set_index("family")
    assert errors.loc["all", "simulated"] == 4 and errors.loc["a", "median_ape_pct"] == pytest.approx(10.0)
    np.testing.assert_array_equal(back["predicted"].to_numpy(), df["predicted"].to_numpy())
    written = parity_plot(back, tmp_path / "figs", "validation")
    assert written and written[0].stat().st_size > 1000
    assert cli.main(["validation", "report", str(out)]) == 0


def test_the_sensitivity_table_round_trips_and_is_reported(tmp_path, capsys):
    sweep = pd.DataFrame([{"parameter": "step_overhead_s", "value": v, "family": "all", "simulated": 3,
                           "median_ape_pct": 10.0 + v * 1000, "worst_ape_pct": 30.0, "median_error_pct": -5.0}
                          for v in (0.0, 0.002)], columns=[c[0] for c in SENSITIVITY_COLUMNS])
    out = tmp_path / "validation.h5"
    write_table(_frame(), out, Path("/nonexistent/moelab"), DATA, "test", sweep)
    back = sensitivity_table(out)
    assert list(back["value"]) == [0.0, 0.002] and list(back["median_ape_pct"]) == [10.0, 12.0]
    assert sensitivity_table(_write_plain(tmp_path)) is None
    assert cli.main(["validation", "report", str(out)]) == 0
    assert "step_overhead_s" in capsys.readouterr().out


def _write_plain(tmp_path):
    out = tmp_path / "plain.h5"
    write_table(_frame(), out, Path("/nonexistent/moelab"), DATA, "test")
    return out


def test_report_rejects_a_file_of_another_kind(sim_file, capsys):
    assert cli.main(["validation", "report", str(sim_file)]) == 2
    assert "validation" in capsys.readouterr().err
    with pytest.raises(MoelabFileError):
        points(sim_file)


def _moelab():
    for exe in sorted(REPO.glob("build/*/lab/moelab"), key=lambda p: p.stat().st_mtime, reverse=True):
        r = subprocess.run([str(exe), "list", "models"], capture_output=True, text=True)
        if r.returncode == 0:
            return exe
    return None


def test_suite_runs_points_through_moelab(tmp_path):
    exe = _moelab()
    if exe is None:
        pytest.skip("no moelab binary under build/*/lab/moelab")
    ids = ["trtllm-v0.17-llama-3.1-8b-128-128-tp1-h100-fp8", "trtllm-v0.14-online-llama-3.1-8b-467-256-tp1-h100-qps8-ttft",
           "trtllm-v0.14-online-llama-3.1-8b-467-256-tp1-h100-qps8-itl", "deepseek-profile-2025-02-decode-4k-h800"]
    df = run_suite(exe, DATA, tmp_path / "work", only=ids)
    assert list(df["id"]) == [i for i in [p["id"] for p in load_points(DATA)] if i in ids]
    by_id = df.set_index("id")
    assert by_id.loc[ids[3], "simulated"] == 0 and "MTP" in by_id.loc[ids[3], "reason"]
    for i in ids[:3]:
        assert by_id.loc[i, "simulated"] == 1 and by_id.loc[i, "predicted"] > 0, i
        assert by_id.loc[i, "ape_pct"] == pytest.approx(abs(by_id.loc[i, "predicted"] / by_id.loc[i, "measured"] - 1) * 100)
    # TTFT and ITL of one benchmark come from one simulation (one experiment file for both).
    assert len(list((tmp_path / "work").glob("*.toml"))) == 2


def test_the_overhead_sweep_sets_the_engine_value_on_every_point(tmp_path):
    exe = _moelab()
    if exe is None:
        pytest.skip("no moelab binary under build/*/lab/moelab")
    ids = ["trtllm-v0.14-online-llama-3.1-8b-467-256-tp1-h100-qps8-itl"]
    df = run_suite(exe, DATA, tmp_path / "w", only=ids, engine_overrides={"step_overhead_s": 0.004})
    assert "step_overhead_s = 0.004" in df["config_toml"].iloc[0]
    base = run_suite(exe, DATA, tmp_path / "b", only=ids)
    # 4 ms of CPU time on every step lengthens the inter-token latency by at least that much.
    assert df["predicted"].iloc[0] >= base["predicted"].iloc[0] + 0.004 * 0.99
    sweep = sensitivity(exe, DATA, tmp_path / "s", "step_overhead_s", [0.0, 0.004], only=ids)
    assert list(sweep["value"].unique()) == [0.0, 0.004] and set(sweep["family"]) >= {"all"}
