"""papers/seed-check/seed_arithmetic.py: the seed's cost arithmetic, checked against hand-computed values."""
import importlib.util
from pathlib import Path

import h5py
import pytest

from moelab_analysis.load import table_from_dataset

SCRIPT = Path(__file__).resolve().parents[2] / "papers" / "seed-check" / "seed_arithmetic.py"


@pytest.fixture(scope="module")
def arith():
    spec = importlib.util.spec_from_file_location("seed_arithmetic", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CLAIMS = """
[annual_saving]
claimed_usd_per_year = 7300
tokens_per_day = 1e6
expensive_api = "big"
cheap_apis = ["small"]
days_per_year = 365
[sglang_monthly_saving]
claimed_usd_per_month = 100
requests_per_day = 86400
sglang_output_tok_per_s = 20
vllm_output_tok_per_s = 10
output_tokens_per_request = 100
gpu = "g"
hours_per_month = 730
[cost_gap]
claimed_ratio = 20
expensive_api = "big"
cheap_apis = ["small"]
anchor = "a"
[total_advantage]
claimed_low = 30
claimed_high = 50
model_factor = 2
engine_factor_low = 1.5
engine_factor_high = 2
compression_factor = 3
[switch_threshold]
claimed_usd_per_month = 900
expensive_api = "big"
cheap_apis = ["small"]
days_per_month = 30
[offline_ratio]
claimed_percent = 29
sglang_output_tok_per_s = 150
vllm_output_tok_per_s = 100
[compression]
claimed_speedup = 1.3
source_output_tok_per_s_before = 100
source_output_tok_per_s_after = 160
"""


@pytest.fixture
def inputs(tmp_path):
    (tmp_path / "claims.toml").write_text(CLAIMS)
    prices = tmp_path / "data" / "prices"
    prices.mkdir(parents=True)
    (prices / "api.toml").write_text(
        '[[price]]\nid = "big"\ninput_usd_per_mtok = 3.0\noutput_usd_per_mtok = 12.0\n'
        '[[price]]\nid = "small"\ninput_usd_per_mtok = 1.0\noutput_usd_per_mtok = 2.0\n')
    (prices / "gpu_rental_ranges.toml").write_text(
        "[gpu.g]\non_demand_low_usd_per_gpu_hour = 1.0\non_demand_typical_usd_per_gpu_hour = 2.0\n"
        "on_demand_high_usd_per_gpu_hour = 4.0\n")
    (prices / "self_hosting_anchors.toml").write_text("[a]\ninput_tokens_per_day = 3e9\noutput_tokens_per_day = 1e9\n")
    return tmp_path


def _q(rows, claim, quantity):
    hits = [v for c, q, v, _, _ in rows if c == claim and q == quantity]
    assert len(hits) == 1, (claim, quantity)
    return hits[0]


def test_hand_computed_values(arith, inputs):
    rows = arith.compute(inputs / "claims.toml", inputs / "data")
    # 1M tokens/day x 365 = 365 M tokens; x ($3 - $1) = $730/year; the claim is 10x that.
    assert _q(rows, "annual_saving", "annual_usd_input_small") == pytest.approx(730.0)
    assert _q(rows, "annual_saving", "claimed_over_computed_small") == pytest.approx(10.0)
    assert _q(rows, "annual_saving", "tokens_per_day_for_claim_small") == pytest.approx(1e7)
    # every token as output: 365 x (12 - 2) = 3,650
    assert _q(rows, "annual_saving", "annual_usd_all_output_small") == pytest.approx(3650.0)
    # blended 3:1 -> big (9 + 12) / 4 = 5.25, small (3 + 2) / 4 = 1.25
    assert _q(rows, "cost_gap", "ratio_blended_small") == pytest.approx(5.25 / 1.25)
    assert _q(rows, "cost_gap", "ratio_input_small") == pytest.approx(3.0)
    # 86,400 requests/day x 100 tokens = 100 tok/s -> 10 GPUs (vLLM) vs 5 (SGLang): 5 GPUs x $2 x 730 h
    assert _q(rows, "sglang_monthly_saving", "saving_usd_per_month_on_demand_typical") == pytest.approx(7300.0)
    assert _q(rows, "sglang_monthly_saving", "whole_gpus_difference") == 5
    # $100/month at $1/GPU-h = 0.137 GPUs of difference = 2.74 tok/s -> 2.74 tokens per request
    assert _q(rows, "sglang_monthly_saving", "output_tokens_per_request_for_claim_on_demand_low") == pytest.approx(
        100 / 730 / (1 / 10 - 1 / 20))
    assert _q(rows, "sglang_monthly_saving", "implied_vllm_usd_per_month") == pytest.approx(200.0)
    assert _q(rows, "total_advantage", "product_low") == pytest.approx(9.0)
    assert _q(rows, "switch_threshold", "m_tokens_per_month") == pytest.approx(900 / 5.25)
    assert _q(rows, "offline_ratio", "percent") == pytest.approx(50.0)
    assert _q(rows, "compression", "source_speedup") == pytest.approx(1.6)


def test_written_file_and_bad_input(arith, inputs):
    out = inputs / "out" / "a.h5"
    assert arith.main(["--claims", str(inputs / "claims.toml"), "--data", str(inputs / "data"), "-o", str(out)]) == 0
    with h5py.File(out, "r") as f:
        df = table_from_dataset(f["arithmetic"])
        assert "claims.toml" in f.attrs["inputs"]
    assert set(df.claim) >= {"annual_saving", "sglang_monthly_saving", "cost_gap", "switch_threshold"}
    (inputs / "data" / "prices" / "api.toml").write_text('[[price]]\nid = "big"\ninput_usd_per_mtok = 3.0\n')
    bad = inputs / "out" / "b.h5"
    assert arith.main(["--claims", str(inputs / "claims.toml"), "--data", str(inputs / "data"), "-o", str(bad)]) == 2
    assert not bad.exists()
