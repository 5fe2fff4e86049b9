#!/usr/bin/env python3
"""Recompute the seed article's cost arithmetic from its own figures (claims.toml) and the sourced
prices in data/prices/, and write every quantity to an HDF5 file the paper reads.

    python3 papers/seed-check/seed_arithmetic.py -o papers/seed-check/out/seed_arithmetic.h5

Output: one table `/arithmetic` with a row per quantity: claim, quantity, value, unit, formula
(how the value was computed, in words). Root attributes name the input files. Written atomically.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import tomllib
from pathlib import Path
from typing import List, Tuple

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


class ArithmeticError_(Exception):
    pass


def _load(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ArithmeticError_(f"{path}: missing") from None
    except tomllib.TOMLDecodeError as e:
        raise ArithmeticError_(f"{path}: {e}") from None


def _need(table: dict, key: str, where: str):
    if key not in table:
        raise ArithmeticError_(f"{where}: missing key {key!r}")
    return table[key]


class Prices:
    def __init__(self, api_toml: Path, rental_toml: Path, anchors_toml: Path):
        self.path = api_toml
        self.api = {p["id"]: p for p in _load(api_toml).get("price", [])}
        self.rental_path = rental_toml
        self.rental = _load(rental_toml).get("gpu", {})
        self.anchors_path = anchors_toml
        self.anchors = _load(anchors_toml)

    def price(self, api: str, kind: str) -> float:
        entry = self.api.get(api)
        if entry is None:
            raise ArithmeticError_(f"{self.path}: no price with id {api!r}")
        return float(_need(entry, f"{kind}_usd_per_mtok", f"{self.path}: price {api!r}"))

    def gpu_hour(self, gpu: str, level: str) -> float:
        entry = self.rental.get(gpu)
        if entry is None:
            raise ArithmeticError_(f"{self.rental_path}: no [gpu.{gpu}]")
        return float(_need(entry, f"{level}_usd_per_gpu_hour", f"{self.rental_path}: gpu.{gpu}"))

    def input_per_output(self, anchor: str) -> float:
        a = self.anchors.get(anchor)
        if a is None:
            raise ArithmeticError_(f"{self.anchors_path}: no [{anchor}]")
        return float(a["input_tokens_per_day"]) / float(a["output_tokens_per_day"])

    def blended(self, api: str, input_per_output: float) -> float:
        """$/M tokens of a mix of `input_per_output` uncached input tokens per output token."""
        return (input_per_output * self.price(api, "input") + self.price(api, "output")) / (input_per_output + 1)


Rows = List[Tuple[str, str, float, str, str]]


def annual_saving(c: dict, p: Prices, mix: float) -> Rows:
    claim = "annual_saving"
    rows: Rows = [(claim, "claimed_usd_per_year", c["claimed_usd_per_year"], "USD/year", "the seed's figure")]
    tokens_m_per_year = c["tokens_per_day"] * c["days_per_year"] / 1e6
    rows.append((claim, "tokens_per_day", c["tokens_per_day"], "tokens/day", "the seed's volume"))
    rows.append((claim, "m_tokens_per_year", tokens_m_per_year, "M tokens/year", "tokens/day x days/year / 1e6"))
    hi = c["expensive_api"]
    for api in c["cheap_apis"]:
        diff = p.price(hi, "input") - p.price(api, "input")
        annual = tokens_m_per_year * diff
        rows += [
            (claim, f"input_price_difference_{api}", diff, "USD/M", f"{hi} input - {api} input"),
            (claim, f"annual_usd_input_{api}", annual, "USD/year", "M tokens/year x input price difference"),
            (claim, f"claimed_over_computed_{api}", c["claimed_usd_per_year"] / annual, "x", "claimed / computed (input prices)"),
            (claim, f"tokens_per_day_for_claim_{api}", c["claimed_usd_per_year"] / diff / c["days_per_year"] * 1e6,
             "tokens/day", "claimed / price difference / days per year"),
            (claim, f"annual_usd_blended_{api}", tokens_m_per_year * (p.blended(hi, mix) - p.blended(api, mix)),
             "USD/year", "M tokens/year x blended price difference (DeepSeek's production input:output mix, no cache)"),
            (claim, f"annual_usd_all_output_{api}",
             tokens_m_per_year * (p.price(hi, "output") - p.price(api, "output")), "USD/year",
             "M tokens/year x output price difference (every token priced as output)"),
        ]
    return rows


def sglang_monthly_saving(c: dict, p: Prices) -> Rows:
    claim = "sglang_monthly_saving"
    rows: Rows = [(claim, "claimed_usd_per_month", c["claimed_usd_per_month"], "USD/month", "the seed's figure")]
    tok_per_s = c["requests_per_day"] * c["output_tokens_per_request"] / 86400
    gpus_per_tok_per_s = 1 / c["vllm_output_tok_per_s"] - 1 / c["sglang_output_tok_per_s"]
    gpus_vllm = tok_per_s / c["vllm_output_tok_per_s"]
    gpus_sglang = tok_per_s / c["sglang_output_tok_per_s"]
    rows += [
        (claim, "output_tokens_per_request", c["output_tokens_per_request"], "tokens", "ShareGPT mean response (assumption)"),
        (claim, "output_tok_per_s", tok_per_s, "tokens/s", "requests/day x output tokens/request / 86,400 s"),
        (claim, "gpus_vllm", gpus_vllm, "GPUs", "output tok/s / the seed's vLLM tok/s per GPU"),
        (claim, "gpus_sglang", gpus_sglang, "GPUs", "output tok/s / the seed's SGLang tok/s per GPU"),
        (claim, "whole_gpus_difference", math.ceil(gpus_vllm) - math.ceil(gpus_sglang), "GPUs",
         "whole GPUs needed by vLLM - by SGLang"),
        (claim, "implied_vllm_usd_per_month", c["claimed_usd_per_month"] /
         (1 - c["vllm_output_tok_per_s"] / c["sglang_output_tok_per_s"]), "USD/month",
         "the vLLM GPU bill of which the claimed saving is the seed's throughput gain"),
    ]
    for level in ("on_demand_low", "on_demand_typical", "on_demand_high"):
        price = p.gpu_hour(c["gpu"], level)
        saving = (gpus_vllm - gpus_sglang) * price * c["hours_per_month"]
        needed_tok_per_s = c["claimed_usd_per_month"] / (c["hours_per_month"] * price) / gpus_per_tok_per_s
        rows += [
            (claim, f"usd_per_gpu_hour_{level}", price, "USD/GPU-hour", f"data/prices gpu.{c['gpu']}"),
            (claim, f"saving_usd_per_month_{level}", saving, "USD/month",
             "(vLLM GPUs - SGLang GPUs) x $/GPU-hour x hours/month (fractional GPUs)"),
            (claim, f"claimed_over_computed_{level}", c["claimed_usd_per_month"] / saving, "x", "claimed / computed"),
            (claim, f"output_tokens_per_request_for_claim_{level}", needed_tok_per_s * 86400 / c["requests_per_day"],
             "tokens", "output tokens per request at which the claimed saving holds"),
        ]
    return rows


def cost_gap(c: dict, p: Prices, mix: float) -> Rows:
    claim = "cost_gap"
    hi = c["expensive_api"]
    rows: Rows = [(claim, "claimed_ratio", c["claimed_ratio"], "x", "the seed's figure"),
                  (claim, "input_per_output_tokens", mix, "tokens/token", f"anchor {c['anchor']}: input / output tokens per day")]
    for api in c["cheap_apis"]:
        rows += [
            (claim, f"ratio_input_{api}", p.price(hi, "input") / p.price(api, "input"), "x", f"{hi} / {api}, input price"),
            (claim, f"ratio_output_{api}", p.price(hi, "output") / p.price(api, "output"), "x", f"{hi} / {api}, output price"),
            (claim, f"ratio_blended_{api}", p.blended(hi, mix) / p.blended(api, mix), "x",
             f"{hi} / {api}, blended at the anchor's mix, no cache"),
        ]
    return rows


def total_advantage(c: dict) -> Rows:
    claim = "total_advantage"
    low = c["model_factor"] * c["engine_factor_low"] * c["compression_factor"]
    high = c["model_factor"] * c["engine_factor_high"] * c["compression_factor"]
    return [(claim, "claimed_low", c["claimed_low"], "x", "the seed's figure"),
            (claim, "claimed_high", c["claimed_high"], "x", "the seed's figure"),
            (claim, "product_low", low, "x", "model x engine (low) x compression factors, as the seed multiplies them"),
            (claim, "product_high", high, "x", "model x engine (high) x compression factors")]


def switch_threshold(c: dict, p: Prices, mix: float) -> Rows:
    claim = "switch_threshold"
    hi = c["expensive_api"]
    tokens_m = c["claimed_usd_per_month"] / p.blended(hi, mix)
    rows: Rows = [(claim, "claimed_usd_per_month", c["claimed_usd_per_month"], "USD/month", "the seed's figure"),
                  (claim, f"blended_usd_per_m_{hi}", p.blended(hi, mix), "USD/M", "blended at the anchor's mix, no cache"),
                  (claim, "m_tokens_per_month", tokens_m, "M tokens/month", f"claimed spend / {hi} blended price"),
                  (claim, "tokens_per_day", tokens_m * 1e6 / c["days_per_month"], "tokens/day", "per day")]
    for api in c["cheap_apis"]:
        rows.append((claim, f"same_tokens_usd_per_month_{api}", tokens_m * p.blended(api, mix), "USD/month",
                     f"the same tokens at {api}'s blended price"))
    return rows


def offline_ratio(c: dict) -> Rows:
    claim = "offline_ratio"
    ratio = c["sglang_output_tok_per_s"] / c["vllm_output_tok_per_s"]
    return [(claim, "claimed_percent", c["claimed_percent"], "%", "the seed's figure"),
            (claim, "sglang_output_tok_per_s", c["sglang_output_tok_per_s"], "tokens/s", "the seed's figure"),
            (claim, "vllm_output_tok_per_s", c["vllm_output_tok_per_s"], "tokens/s", "the seed's figure"),
            (claim, "ratio", ratio, "x", "the seed's SGLang / vLLM tok/s"),
            (claim, "percent", (ratio - 1) * 100, "%", "(ratio - 1) x 100")]


def compression(c: dict) -> Rows:
    claim = "compression"
    return [(claim, "claimed_speedup", c["claimed_speedup"], "x", "the seed's figure"),
            (claim, "source_speedup", c["source_output_tok_per_s_after"] / c["source_output_tok_per_s_before"], "x",
             "its source's measured output tok/s after / before pruning")]


def compute(claims_path: Path, data_dir: Path) -> Rows:
    claims = _load(claims_path)
    prices = Prices(data_dir / "prices" / "api.toml", data_dir / "prices" / "gpu_rental_ranges.toml",
                    data_dir / "prices" / "self_hosting_anchors.toml")
    try:
        mix = prices.input_per_output(claims["cost_gap"]["anchor"])
        return (annual_saving(claims["annual_saving"], prices, mix)
                + sglang_monthly_saving(claims["sglang_monthly_saving"], prices)
                + cost_gap(claims["cost_gap"], prices, mix)
                + total_advantage(claims["total_advantage"])
                + switch_threshold(claims["switch_threshold"], prices, mix)
                + offline_ratio(claims["offline_ratio"])
                + compression(claims["compression"]))
    except KeyError as e:
        raise ArithmeticError_(f"{claims_path}: missing key {e}") from None


def write(rows: Rows, out: Path, inputs: List[Path]) -> None:
    import h5py

    text = h5py.string_dtype("utf-8")
    dtype = np.dtype([("claim", text), ("quantity", text), ("value", "f8"), ("unit", text), ("formula", text)])
    table = np.array([(a, b, float(v), u, f) for a, b, v, u, f in rows], dtype=dtype)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with h5py.File(tmp, "w") as f:
        f.attrs["produced_by"] = "papers/seed-check/seed_arithmetic.py"
        f.attrs["inputs"] = ", ".join(str(p) for p in inputs)
        f.create_dataset("arithmetic", data=table)
    os.replace(tmp, out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=Path, default=HERE / "claims.toml")
    ap.add_argument("--data", type=Path, default=REPO / "data")
    ap.add_argument("-o", "--out", type=Path, default=HERE / "out" / "seed_arithmetic.h5")
    args = ap.parse_args(argv)
    try:
        rows = compute(args.claims, args.data)
    except ArithmeticError_ as e:
        print(f"seed_arithmetic: error: {e}", file=sys.stderr)
        return 2
    inputs = [args.claims, args.data / "prices" / "api.toml", args.data / "prices" / "gpu_rental_ranges.toml",
              args.data / "prices" / "self_hosting_anchors.toml"]
    write(rows, args.out, [p.relative_to(REPO) if p.resolve().is_relative_to(REPO) else p for p in inputs])
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
