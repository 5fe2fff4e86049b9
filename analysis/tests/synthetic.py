"""Small moelab result files written with h5py exactly as lab/h5/SCHEMA.md (version 1) lays them out:
1-D compound datasets, fixed-length UTF-8 byte strings, a `units` attribute per table, root attrs."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import h5py
import numpy as np

Column = Tuple[str, str, Sequence]  # name, unit, values


def write_table(group: h5py.Group, name: str, columns: List[Column], vlen_units: bool = True,
                compress: bool = False) -> h5py.Dataset:
    """SCHEMA.md: fixed-length UTF-8 string columns; `units` as variable-length UTF-8 strings
    (vlen_units=False writes fixed-length ones, which the reader also accepts); large tables
    chunked with shuffle + deflate."""
    fields, arrays = [], []
    for col_name, _, values in columns:
        values = list(values)
        if values and isinstance(values[0], str):
            encoded = np.array([v.encode("utf-8") for v in values])
            width = max(1, max(len(v) for v in encoded))
            arr = encoded.astype(f"S{width}")
        else:
            arr = np.asarray(values)
            if arr.dtype.kind == "U":  # an empty string column
                arr = arr.astype("S1")
        fields.append((col_name, arr.dtype))
        arrays.append(arr)
    n = len(arrays[0])
    data = np.zeros(n, dtype=fields)
    for (col_name, _), arr in zip(fields, arrays):
        data[col_name] = arr
    if compress:
        ds = group.create_dataset(name, data=data, chunks=True, shuffle=True, compression="gzip", compression_opts=4)
    else:
        ds = group.create_dataset(name, data=data)
    units = [unit for _, unit, _ in columns]
    if vlen_units:
        ds.attrs.create("units", units, dtype=h5py.string_dtype("utf-8"))
    else:
        width = max(1, max(len(u.encode()) for u in units))
        ds.attrs["units"] = np.array([u.encode() for u in units], dtype=f"S{width}")
    return ds


def root_attributes(f: h5py.File, kind: str, config_toml: str, config_path: str, schema_version: int = 1) -> None:
    f.attrs["schema"] = "moelab-results"
    f.attrs["schema_version"] = np.int64(schema_version)
    f.attrs["kind"] = kind
    f.attrs["moelab_version"] = "0.1.0"
    f.attrs["git_commit"] = "0123456789abcdef0123456789abcdef01234567"
    f.attrs["created_utc"] = "2026-11-29T03:10:00Z"
    f.attrs["host"] = "testhost"
    f.attrs["command_line"] = f"moelab run {config_path}"
    f.attrs["config_path"] = config_path
    f.attrs["config_toml"] = config_toml


SIM_RATES_PER_S = [2.0, 4.0, 8.0]


def _requests_for(rng: np.random.Generator, rate: float, n: int, replicas: int) -> List[Column]:
    arrival = np.cumsum(rng.exponential(1.0 / rate, n))
    ttft = rng.lognormal(np.log(0.05 * rate), 0.4, n)
    out_tokens = rng.integers(20, 200, n)
    tpot = rng.lognormal(np.log(0.01 + 0.002 * rate), 0.2, n)
    first = arrival + ttft
    finish = first + tpot * (out_tokens - 1)
    unfinished = np.zeros(n, dtype=bool)
    unfinished[-2:] = True  # the last two never finish: -1 markers and NaN derived values
    first[-1] = -1.0
    finish[unfinished] = -1.0
    ttft_col = np.where(first >= 0, first - arrival, np.nan)
    tpot_col = np.where(unfinished, np.nan, tpot)
    e2e_col = np.where(unfinished, np.nan, finish - arrival)
    prompt = rng.integers(100, 2000, n)
    return [
        ("id", "", np.arange(n, dtype=np.int64)),
        ("arrival_s", "s", arrival),
        ("first_token_s", "s", first),
        ("finish_s", "s", finish),
        ("prompt_tokens", "tokens", prompt.astype(np.int64)),
        ("cached_tokens", "tokens", (prompt // 3).astype(np.int64)),
        ("output_tokens", "tokens", out_tokens.astype(np.int64)),
        ("preemptions", "", np.zeros(n, dtype=np.int64)),
        ("replica", "", (np.arange(n) % replicas).astype(np.int64)),
        ("session_id", "", np.full(n, -1, dtype=np.int64)),
        ("turn", "", np.zeros(n, dtype=np.int64)),
        ("ttft_s", "s", ttft_col),
        ("tpot_s", "s", tpot_col),
        ("e2e_s", "s", e2e_col),
    ]


def _timeseries_for(rng: np.random.Generator, duration_s: float, replicas: int) -> List[Column]:
    t = np.linspace(0.0, duration_s, 50)
    cols: Dict[str, list] = {k: [] for k in ("t_s", "replica", "running", "waiting", "kv_blocks_pinned",
                                             "kv_blocks_cached", "kv_blocks_total", "kv_utilization", "batch_tokens")}
    total = 1000
    for r in range(replicas):
        pinned = rng.integers(0, 600, t.size)
        cached = rng.integers(0, 300, t.size)
        cols["t_s"] += list(t)
        cols["replica"] += [r] * t.size
        cols["running"] += list(rng.integers(0, 32, t.size))
        cols["waiting"] += list(rng.integers(0, 10, t.size))
        cols["kv_blocks_pinned"] += list(pinned)
        cols["kv_blocks_cached"] += list(cached)
        cols["kv_blocks_total"] += [total] * t.size
        cols["kv_utilization"] += list(pinned / total)
        cols["batch_tokens"] += list(rng.integers(0, 4096, t.size))
    units = {"t_s": "s", "kv_blocks_pinned": "blocks", "kv_blocks_cached": "blocks", "kv_blocks_total": "blocks",
             "batch_tokens": "tokens"}
    return [(k, units.get(k, ""), np.asarray(v, dtype=np.float64 if k in ("t_s", "kv_utilization") else np.int64))
            for k, v in cols.items()]


SIM_CONFIG = """[experiment]
name = "synthetic-sweep"
question = "How do latencies grow with the arrival rate?"

[sweep]
"workload.arrivals.rate_per_s" = [2, 4, 8]
"""


def make_simulation_file(path: Path, schema_version: int = 1, vlen_units: bool = True, replicas: int = 2,
                         n_requests: int = 40, rates_per_s: Sequence[float] = tuple(SIM_RATES_PER_S),
                         engines: Sequence[str] = ()) -> Path:
    """One run per rate; with `engines`, a two-axis sweep engine.id x rate (the last axis fastest)."""
    points = [(e, r) for e in engines for r in rates_per_s] if engines else [(None, r) for r in rates_per_s]
    rng = np.random.default_rng(7)
    with h5py.File(path, "w") as f:
        root_attributes(f, "simulation", SIM_CONFIG, "experiments/synthetic.toml", schema_version)
        runs = f.create_group("runs")
        rows: Dict[str, list] = {}
        for i, (engine, rate) in enumerate(points):
            label = f"workload.arrivals.rate_per_s={rate:g}"
            if engine is not None:
                label = f"engine.id={engine},{label}"
            g = runs.create_group(f"{i:04d}")
            for k, v in {"label": label, "seed": np.int64(42), "model": "llama-3.1-8b", "hardware": "h100-sxm",
                         "engine": engine or "vllm", "wall_s": 0.01, "events": np.int64(1000), "iterations": np.int64(300),
                         "simulated_s": 30.0, "requests_per_wall_s": 4000.0, "invariants": "ok"}.items():
                g.attrs[k] = v
            req = _requests_for(rng, rate, n_requests, replicas)
            write_table(g, "requests", req, vlen_units, compress=True)
            duration = float(np.nanmax(dict((c[0], c[2]) for c in req)["finish_s"]))
            write_table(g, "timeseries", _timeseries_for(rng, duration, replicas), vlen_units)
            r = {c[0]: np.asarray(c[2]) for c in req}
            fin = r["finish_s"] >= 0
            out_tok = float(r["output_tokens"][fin].sum())
            row = {
                "run": i, "label": label, **({"engine__id": engine} if engine is not None else {}),
                "workload__arrivals__rate_per_s": rate,
                "requests": n_requests, "finished": int(fin.sum()), "unfinished": int((~fin).sum()),
                "duration_s": duration, "input_tok_per_s": float(r["prompt_tokens"].sum()) / duration,
                "output_tok_per_s": out_tok / duration, "requests_per_s": fin.sum() / duration,
            }
            for m in ("ttft", "tpot", "e2e"):
                v = r[f"{m}_s"][np.isfinite(r[f"{m}_s"])]
                row[f"{m}_mean_s"] = float(v.mean())
                for p in (50, 90, 99):
                    row[f"{m}_p{p}_s"] = float(np.percentile(v, p))
            row.update({"goodput_requests_per_s": 0.9 * row["requests_per_s"], "slo_attainment": 0.9,
                        "kv_utilization_mean": 0.4, "kv_utilization_max": 0.8, "preemptions": 0,
                        "prefix_hit_rate": 0.3, "prefill_tokens_saved": 1000, "evicted_blocks": 5,
                        "gpu_hours": duration / 3600, "usd_per_m_input_tok": 0.1, "usd_per_m_output_tok": 0.5,
                        "usd_per_gpu_hour": 2.5})
            for k, v in row.items():
                rows.setdefault(k, []).append(v)
        units = {"workload__arrivals__rate_per_s": "1/s", "duration_s": "s", "input_tok_per_s": "tokens/s",
                 "output_tok_per_s": "tokens/s", "requests_per_s": "1/s", "goodput_requests_per_s": "1/s",
                 "prefill_tokens_saved": "tokens", "evicted_blocks": "blocks", "gpu_hours": "h",
                 "usd_per_m_input_tok": "USD/Mtok", "usd_per_m_output_tok": "USD/Mtok", "usd_per_gpu_hour": "USD/h"}
        for m in ("ttft", "tpot", "e2e"):
            for s in ("mean", "p50", "p90", "p99"):
                units[f"{m}_{s}_s"] = "s"
        int_cols = {"run", "requests", "finished", "unfinished", "preemptions", "prefill_tokens_saved", "evicted_blocks"}
        columns = []
        for k, v in rows.items():
            if k in ("label", "engine__id"):
                columns.append((k, "", v))
            else:
                columns.append((k, units.get(k, ""), np.asarray(v, dtype=np.int64 if k in int_cols else np.float64)))
        write_table(f, "summary", columns, vlen_units)
    return path


AB_CONFIG = """[experiment]
name = "synthetic-attention-ab"
"""

# (op, case, flops, bytes, {variant: (backend, median_s, status)}); the first variant is the baseline.
AB_CASES = [
    ("attention", "b1_h8_s1024_d128", 2 * 8 * 1024 * 1024 * 128 * 2, 4 * 8 * 1024 * 128 * 2,
     {"ref.naive": ("ref", 4e-3, "ok"), "kokkos.tiled": ("kokkos", 1e-3, "ok"),
      "cuda.flash_mma": ("cuda", 2e-5, "ok")}),
    ("attention", "b4_h8_s256_d64", 2 * 4 * 8 * 256 * 256 * 64 * 2, 4 * 4 * 8 * 256 * 64 * 2,
     {"ref.naive": ("ref", 6e-4, "ok"), "kokkos.tiled": ("kokkos", 5.9e-4, "ok"),
      "cuda.flash_mma": ("cuda", 0.0, "unsupported")}),
    ("router", "t4096_e64_k8", 4096 * 64 * 2, 4096 * 64 * 4,
     {"ref.naive": ("ref", 2e-4, "ok"), "kokkos.topk": ("kokkos", 3e-4, "ok"),
      "cuda.cub_sort": ("cuda", 0.0, "skipped")}),
]
GPU_PEAK_FLOPS_PER_S = 989e12  # only for the synthetic file; the lab reads data/hardware
GPU_PEAK_BYTES_PER_S = 4.8e12


def make_kernel_ab_file(path: Path, schema_version: int = 1, vlen_units: bool = True) -> Path:
    """Mirrors lab/ab/report.cpp: percentages of peak only for GPU rows, GPU peaks as root attrs,
    verdict "baseline" for the baseline and "n/a" for variants that did not run."""
    rng = np.random.default_rng(11)
    names_units = [("op", ""), ("case", ""), ("shape", ""), ("variant", ""), ("backend", ""), ("status", ""),
                   ("detail", ""), ("flops", "FLOP"), ("bytes", "B"), ("samples", ""), ("median_s", "s"),
                   ("iqr_s", "s"), ("q25_s", "s"), ("q75_s", "s"), ("rel_noise", ""), ("tflops", "TFLOP/s"),
                   ("gbps", "GB/s"), ("pct_peak_flops", "%"), ("pct_peak_bw", "%"), ("max_rel_error", ""),
                   ("tolerance", ""), ("ratio_vs_baseline", ""), ("ratio_ci_lo", ""), ("ratio_ci_hi", ""),
                   ("verdict", "")]
    cols: Dict[str, list] = {k: [] for k, _ in names_units}
    nan = float("nan")
    with h5py.File(path, "w") as f:
        root_attributes(f, "kernel-ab", AB_CONFIG, "experiments/kernels/synthetic.toml", schema_version)
        f.attrs["device"] = "NVIDIA H200"
        f.attrs["cpu"] = "Synthetic CPU @ 3.0GHz"
        f.attrs["hardware_id"] = "h200-sxm"
        f.attrs["peak_flops_per_s"] = GPU_PEAK_FLOPS_PER_S
        f.attrs["peak_bytes_per_s"] = GPU_PEAK_BYTES_PER_S
        f.attrs["peak_source"] = "synthetic"
        for op, case, flops, nbytes, variants in AB_CASES:
            g = f.create_group(f"ab/{op}/{case}")
            baseline = next(iter(variants))
            for k, v in {"shape": case, "device": "NVIDIA H200", "cpu": "Synthetic CPU", "clocks": "n/a",
                         "driver": "n/a", "cold_l2": np.int64(0), "baseline": baseline, "flops": float(flops),
                         "bytes": float(nbytes)}.items():
                g.attrs[k] = v
            base_samples = None
            for variant, (backend, median_s, status) in variants.items():
                ok = status == "ok"
                n = 31 if ok else 0
                row = {"op": op, "case": case, "shape": case, "variant": variant, "backend": backend,
                       "status": status, "detail": "" if ok else f"{status} here", "flops": float(flops),
                       "bytes": float(nbytes), "samples": n}
                if ok:
                    samples = median_s * rng.lognormal(0.0, 0.03, n)
                    ds = g.create_dataset(f"samples_{variant}", data=samples)
                    ds.attrs.create("units", ["s"], dtype=h5py.string_dtype("utf-8"))
                    q25, med, q75 = np.percentile(samples, [25, 50, 75])
                    if base_samples is None:
                        base_samples = samples
                    ratio = med / np.median(base_samples)
                    lo, hi = (1.0, 1.0) if variant == baseline else (ratio * 0.97, ratio * 1.03)
                    verdict = ("baseline" if variant == baseline else
                               "SAME" if lo <= 1.0 <= hi else "FASTER" if hi < 1.0 else "SLOWER")
                    tflops, gbps = flops / med / 1e12, nbytes / med / 1e9
                    gpu = backend == "cuda"
                    row.update({"median_s": med, "iqr_s": q75 - q25, "q25_s": q25, "q75_s": q75,
                                "rel_noise": 0.01, "tflops": tflops, "gbps": gbps,
                                "pct_peak_flops": 100.0 * tflops * 1e12 / GPU_PEAK_FLOPS_PER_S if gpu else nan,
                                "pct_peak_bw": 100.0 * gbps * 1e9 / GPU_PEAK_BYTES_PER_S if gpu else nan,
                                "max_rel_error": 1e-7, "tolerance": 1e-3, "ratio_vs_baseline": ratio,
                                "ratio_ci_lo": lo, "ratio_ci_hi": hi, "verdict": verdict})
                else:
                    row.update({k: nan for k in ("median_s", "iqr_s", "q25_s", "q75_s", "rel_noise", "tflops",
                                                 "gbps", "pct_peak_flops", "pct_peak_bw", "max_rel_error",
                                                 "tolerance", "ratio_vs_baseline", "ratio_ci_lo", "ratio_ci_hi")})
                    row["verdict"] = "n/a"
                for k in cols:
                    cols[k].append(row[k])
        columns = []
        for k, unit in names_units:
            v = cols[k]
            if isinstance(v[0], str):
                columns.append((k, unit, v))
            else:
                columns.append((k, unit, np.asarray(v, dtype=np.int64 if k == "samples" else np.float64)))
        write_table(f, "summary", columns, vlen_units)
    return path


def make_capacity_file(path: Path, runs: int = 2) -> Path:
    """A capacity file (SCHEMA.md "Capacity files"): `runs` systems, 4 probes each, two cost
    scenarios, a demand grid of 5 volumes, two APIs and their break-evens, quality rows."""
    models = ["kimi-k2", "deepseek-v3", "kimi-k2", "deepseek-v3"][:runs]
    hardware = ["h200", "h200", "b200", "b200"][:runs]
    with h5py.File(path, "w") as f:
        root_attributes(f, "capacity", "[experiment]\nname = \"cap\"\nkind = \"capacity\"\n", "cap.toml")
        f.attrs["experiment_name"] = "cap"
        f.attrs["slo_percentile"] = 99.0
        f.attrs["slo_ttft_s"] = 2.0
        f.attrs["slo_tpot_s"] = 0.1
        caps = [2.0 + r for r in range(runs)]
        write_table(f, "capacity", [
            ("run", "", np.arange(runs, dtype=np.int64)),
            ("label", "", [f"hardware.id={h}" for h in hardware]),
            ("hardware__id", "", hardware),
            ("model", "", models),
            ("hardware", "", hardware),
            ("engine", "", ["sglang"] * runs),
            ("tensor_parallel", "", np.full(runs, 8, dtype=np.int64)),
            ("status", "", ["found"] * runs),
            ("capacity", "1/s", np.array(caps)),
            ("first_failing", "1/s", np.array(caps) * 1.02),
            ("probes", "", np.full(runs, 4, dtype=np.int64)),
            ("requests_per_s", "1/s", np.array(caps)),
            ("ttft_slo_percentile_s", "s", np.full(runs, 1.5)),
            ("tpot_slo_percentile_s", "s", np.full(runs, 0.08)),
            ("output_tok_per_s", "tokens/s", np.array(caps) * 350),
            ("busy_fraction", "", np.full(runs, 0.9)),
        ])
        probe_rows = [(r, p, caps[r] * rate, int(rate <= 1.0)) for r in range(runs)
                      for p, rate in enumerate([1.0, 2.0, 0.5, 1.0 + 1e-9])]
        # the 4th probe sits at capacity (meets), the 2nd misses
        probe_rows = [(r, p, caps[r] * (1.0, 2.0, 0.5, 1.0)[p], (1, 0, 1, 1)[p]) for r, p, _, _ in probe_rows]
        write_table(f, "probes", [
            ("run", "", np.array([r for r, _, _, _ in probe_rows], dtype=np.int64)),
            ("label", "", [f"hardware.id={hardware[r]}" for r, _, _, _ in probe_rows]),
            ("hardware__id", "", [hardware[r] for r, _, _, _ in probe_rows]),
            ("probe", "", np.array([p for _, p, _, _ in probe_rows], dtype=np.int64)),
            ("value", "1/s", np.array([v for _, _, v, _ in probe_rows])),
            ("requests_per_s", "1/s", np.array([v for _, _, v, _ in probe_rows])),
            ("meets_slo", "", np.array([m for _, _, _, m in probe_rows], dtype=np.int64)),
        ])
        cost_rows = [(r, p, c) for r in range(runs) for c in ("rent_low", "own") for p in range(4)]
        write_table(f, "costs", [
            ("run", "", np.array([r for r, _, _ in cost_rows], dtype=np.int64)),
            ("label", "", [f"hardware.id={hardware[r]}" for r, _, _ in cost_rows]),
            ("hardware__id", "", [hardware[r] for r, _, _ in cost_rows]),
            ("cost", "", [c for _, _, c in cost_rows]),
            ("cost_kind", "", ["rent" if c == "rent_low" else "own" for _, _, c in cost_rows]),
            ("probe", "", np.array([p for _, p, _ in cost_rows], dtype=np.int64)),
            ("at_capacity", "", np.array([int(p == 3) for _, p, _ in cost_rows], dtype=np.int64)),
            ("usd_per_m_tokens", "USD/Mtok",
             np.array([(2.0 if c == "rent_low" else 1.2) / (caps[r] * (1.0, 2.0, 0.5, 1.0)[p]) for r, p, c in cost_rows])),
        ])
        comp_rows = [(r, "rent_low", "rent", 2.0 / caps[r]) for r in range(runs)] + \
                    [(r, "own", comp, v / caps[r]) for r in range(runs)
                     for comp, v in (("capex", 0.8), ("hosting", 0.25), ("power", 0.15))]
        write_table(f, "cost_components", [
            ("run", "", np.array([r for r, _, _, _ in comp_rows], dtype=np.int64)),
            ("cost", "", [c for _, c, _, _ in comp_rows]),
            ("component", "", [k for _, _, k, _ in comp_rows]),
            ("usd_per_m_tokens", "USD/Mtok", np.array([v for _, _, _, v in comp_rows])),
        ])
        volumes = np.logspace(6, 10, 5)
        fleet_rows = [(r, c, d) for r in range(runs) for c in ("rent_low", "own") for d in volumes]
        write_table(f, "fleet", [
            ("run", "", np.array([r for r, _, _ in fleet_rows], dtype=np.int64)),
            ("cost", "", [c for _, c, _ in fleet_rows]),
            ("tokens_per_day", "tokens", np.array([d for _, _, d in fleet_rows])),
            ("usd_per_m_tokens", "USD/Mtok", np.array([max(0.3, 500.0 / (d / 1e6)) for _, _, d in fleet_rows])),
        ])
        write_table(f, "api", [
            ("run", "", np.array([0, 0], dtype=np.int64)),
            ("api", "", ["gpt-5.4", "deepseek-v4-flash"]),
            ("quality_id", "", ["api:gpt-5.4", "deepseek-v4-flash"]),
            ("usd_per_m_tokens", "USD/Mtok", np.array([5.2, 0.17])),
        ])
        write_table(f, "break_even", [
            ("run", "", np.array([0, 0], dtype=np.int64)),
            ("cost", "", ["rent_low", "rent_low"]),
            ("api", "", ["gpt-5.4", "deepseek-v4-flash"]),
            ("status", "", ["crosses", "api_always_cheaper"]),
            ("tokens_per_day", "tokens", np.array([9.6e7, np.nan])),
        ])
        write_table(f, "demand_shape", [
            ("run", "", np.zeros(24, dtype=np.int64)),
            ("hour", "", np.arange(24, dtype=np.int64)),
            ("hourly_fraction", "", np.full(24, 1 / 24)),
        ])
        write_table(f, "quality", [
            ("quality_id", "", ["kimi-k2", "deepseek-v3", "api:gpt-5.4", "deepseek-v3"]),
            ("benchmark", "", ["GPQA-Diamond"] * 3 + ["MMLU"]),
            ("score_percent", "%", np.array([75.1, 59.1, 91.07, 88.5])),
            ("variant", "", ["instruct", "chat", "third-party", "chat"]),
        ])
    return path
