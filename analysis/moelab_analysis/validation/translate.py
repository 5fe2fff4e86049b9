"""One end-to-end point of data/validation -> a moelab experiment, or the reason it cannot be one.

A point is translated from its structured fields only (data/validation/README.md, schema); free-text
`notes` are never parsed. What the translation cannot express exactly is said in `approximations`;
what it cannot express at all is said in `reason`, and such a point is not simulated.

Simulated unit: one model instance (replica). Replicas of the measured system are independent copies
serving a share of the traffic, so the instance gets 1/replicas of the requests (offline) or of the
arrival rate (server: a Poisson stream split at random over replicas is Poisson at rate / replicas),
and its throughput is multiplied by the replica count. Per-node figures divide the system's
throughput by its nodes (8 GPUs each).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

GPUS_PER_NODE = 8  # data/validation/README.md: per = "node" means 8 GPUs

# Bytes per weight parameter by the stated dtype. fp4 is NVFP4: 4-bit E2M1 values plus one FP8 (E4M3)
# scale per 16 values = 4.5 bits (NVIDIA, "Introducing NVFP4 for Efficient and Accurate Low-Precision
# Inference", developer.nvidia.com technical blog, 2025-06-24).
WEIGHT_BYTES = {"bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "fp4": 0.5625}
KV_BYTES = {"bf16": 2.0, "fp16": 2.0, "fp8": 1.0}

# Requests per simulated instance for runs that issue everything at once: enough batches to pass the
# first fill and the last drain (steady state; `run --steady-state-check` doubles it and reports the
# change), small enough for CI.
OFFLINE_BATCHES = 4
# Server / online runs: arrivals per instance (a Poisson stream reaches its steady state long before).
ONLINE_REQUESTS_MAX = 500

PD_REASON = ("PD-disaggregated measurement (one phase measured with the other assumed unlimited) without the "
             "fields that run one phase alone (prefill: input_tokens; decode: kv_context_mean and batch_per_gpu)")
MTP_REASON = ("measured with speculative decoding (MTP) at an unstated acceptance rate; moelab's MTP needs the "
              "acceptance rate")
# Phase-isolated decode: `batch_per_gpu` sequences per GPU start at t = 0 with prompts of the KV length less half
# the output, all prefilled in one step (the token budget holds them), then decode together for
# DECODE_OUTPUT_TOKENS - 1 steps, so the KV length averages `kv_context_mean` over the decode. The decode rate is
# the running sequences over the time per output token (the first token, at the end of the prefill step, is
# excluded), so the prefill step does not dilute it; a short decode keeps CI fast.
DECODE_OUTPUT_TOKENS = 64

# DeepEP as deployed by DeepSeek and SGLang: dispatch in FP8 with one float32 scale per 128 elements
# (1 + 4/128 bytes per element), combine in BF16 (open-infra-index day 6: "matrix multiplications and
# dispatch transmissions adopt the FP8 format ... combine transmissions use the BF16 format").
DEEPEP_DISPATCH_BYTES = 1.03125
DEEPEP_COMBINE_BYTES = 2.0
DEEPEP_MODES = {"deepep_normal": "normal", "deepep_low_latency": "low_latency"}
# Kernel libraries a point may name -> moelab kernel profile (data/kernels/), for the GPUs it was measured on.
KERNEL_PROFILES = {("deepseek", "hopper"): "deepseek-hopper"}
HOPPER = ("h100-sxm", "h100-pcie", "h200", "h800")
PLAN_FIELDS = ("tensor_parallel", "data_parallel", "pipeline_parallel", "replicas")
PRODUCTION_REASON = ("a day of production traffic: PD-disaggregated, prefix-cache hits and an unstated "
                     "length distribution; moelab cannot express it")


@dataclass
class Translation:
    point: Dict[str, object]
    config: Optional[Dict[str, Dict[str, object]]] = None  # experiment tables; None when not simulated
    reason: str = ""                                        # why not simulated ("" when simulated)
    approximations: List[str] = field(default_factory=list)
    engine: str = ""
    replicas: int = 1               # measured replicas; the simulated instance's throughput is multiplied by it
    nodes: float = 1.0              # divisor for per-node (gpus / 8) and per-GPU (gpus) figures
    summary_column: str = ""        # /summary column holding the prediction
    decode_sequences: int = 0       # phase-isolated decode: sequences decoding together (all GPUs)

    @property
    def simulated(self) -> bool:
        return self.config is not None


def engine_for(point: Dict[str, object]) -> (str, Optional[str]):
    """The engine profile standing in for the measured software, and a note when it is a stand-in."""
    software = str(point.get("software", "")) + " " + str(point.get("system", ""))
    low = software.lower()
    if "vllm" in low:
        return "vllm", None
    if "sglang" in low:
        return "sglang", None
    return "baseline", ("no TensorRT-LLM engine profile exists: the baseline profile (no CPU time per step, "
                        "its batching limits) stands in")


SUMMARY_COLUMN = {
    "output_tok_per_s": "output_tok_per_s",
    "input_tok_per_s": "input_tok_per_s",
    "ttft_mean_s": "ttft_mean_s",
    "itl_mean_s": "tpot_mean_s",  # inter-token latency = time per output token after the first
}
THROUGHPUT_METRICS = ("output_tok_per_s", "input_tok_per_s")


def _int(point, key, default=None):
    v = point.get(key, default)
    return None if v is None else int(v)


def translate(point: Dict[str, object], data_dir: Path) -> Translation:
    t = Translation(point=dict(point))
    scenario = str(point["scenario"])
    metric = str(point["metric"])
    if point.get("speculative") == "mtp" and point.get("mtp_acceptance_rate") is None:
        t.reason = MTP_REASON
        return t
    if scenario == "production_average":
        t.reason = PRODUCTION_REASON
        return t
    if metric not in SUMMARY_COLUMN:
        t.reason = f"metric {metric} has no moelab counterpart"
        return t
    t.summary_column = SUMMARY_COLUMN[metric]
    for kind, key in (("models", "model"), ("hardware", "hardware")):
        if not (data_dir / kind / f"{point[key]}.toml").is_file():
            t.reason = f"no data/{kind}/{point[key]}.toml"
            return t

    # Lengths: fixed ISL/OSL, or a mean output length with a mean input length. Phase-isolated points run one
    # phase alone: prefill = the prompts with one output token; decode = a full batch at the stated KV length.
    isl = point.get("input_tokens", point.get("input_tokens_mean"))
    osl = point.get("output_tokens", point.get("output_tokens_mean"))
    if scenario == "phase_isolated_prefill":
        if isl is None:
            t.reason = PD_REASON
            return t
        osl = 1
        t.approximations.append("prefill phase alone: each prompt yields one output token (decode assumed unlimited)")
    elif scenario == "phase_isolated_decode":
        kv = point.get("kv_context_mean")
        if kv is None or point.get("batch_per_gpu") is None:
            t.reason = PD_REASON
            return t
        osl = DECODE_OUTPUT_TOKENS
        isl = float(kv) - osl / 2
        if isl < 1:
            t.reason = f"KV length {kv} is shorter than half of the {osl}-token decode"
            return t
        t.summary_column = "tpot_mean_s"
        t.decode_sequences = int(point["batch_per_gpu"]) * int(point["gpus"])
        t.approximations.append(f"decode phase alone: batch_per_gpu sequences per GPU prefilled together at t = 0 "
                                f"({int(round(isl))}-token prompts), then {osl} output tokens (KV length {kv} on "
                                "average); throughput = sequences / time per output token")
    if isl is None:
        t.reason = ("input length not stated: data/validation records no input length for this dataset "
                    "(its README, 'Gaps': the MLPerf dataset files were not read)")
        return t
    if osl is None or float(osl) < 1:
        t.reason = "output length not stated (or zero: a prefill-only measurement)"
        return t
    if "input_tokens_mean" in point or "output_tokens_mean" in point:
        t.approximations.append("dataset lengths replaced by their means (fixed lengths)")

    # Parallelism: the structured fields only.
    if int(point["gpus"]) > 1 and not any(k in point for k in PLAN_FIELDS):
        t.reason = f"parallel plan of the {point['gpus']} GPUs not stated"
        return t
    tp = _int(point, "tensor_parallel", 1)
    pp = _int(point, "pipeline_parallel", 1)
    dp = _int(point, "data_parallel", 1)
    ep = _int(point, "expert_parallel", 1)
    gpus = _int(point, "gpus")
    per_replica = tp * pp * dp
    replicas = _int(point, "replicas", None)
    if replicas is None:
        if gpus % per_replica != 0:
            t.reason = f"{gpus} GPUs do not split into replicas of TP {tp} x DP {dp} x PP {pp}"
            return t
        replicas = gpus // per_replica
    if replicas * per_replica != gpus:
        t.reason = f"replicas {replicas} x TP {tp} x DP {dp} x PP {pp} != {gpus} GPUs"
        return t
    t.replicas = replicas
    per = point.get("per")
    t.nodes = gpus / GPUS_PER_NODE if per == "node" else float(gpus) if per == "gpu" else 1.0

    engine, engine_note = engine_for(point)
    t.engine = engine
    if engine_note:
        t.approximations.append(engine_note)

    model: Dict[str, object] = {"id": point["model"]}
    wd = point.get("weight_dtype")
    if wd is not None:
        if wd not in WEIGHT_BYTES:
            t.reason = f"weight dtype {wd} has no byte size here"
            return t
        model["weight_bytes_per_param"] = WEIGHT_BYTES[wd]
        ed = point.get("expert_weight_dtype", wd)
        if ed not in WEIGHT_BYTES:
            t.reason = f"expert weight dtype {ed} has no byte size here"
            return t
        if _model_sets_expert_bytes(data_dir, str(point["model"])) or ed != wd:
            model["expert_weight_bytes_per_param"] = WEIGHT_BYTES[ed]
        if "fp4" in (wd, ed):
            t.approximations.append("FP4 weights: NVFP4 bytes (4.5 bits) on every linear layer, FP8 tensor-core "
                                    "peak (data/hardware has no FP4 peak)")
    else:
        t.approximations.append("weight dtype not stated: the model file's")
    kd = point.get("kv_dtype")
    if kd is not None:
        if kd not in KV_BYTES:
            t.reason = f"KV dtype {kd} has no byte size here"
            return t
        model["kv_bytes_per_element"] = KV_BYTES[kd]
    else:
        t.approximations.append("KV dtype not stated: the model file's")

    engine_table: Dict[str, object] = {"id": engine}
    concurrency = _int(point, "concurrency")
    if concurrency is not None:
        # A closed loop of `concurrency` requests over replicas x DP ranks = that many running sequences.
        engine_table["max_num_seqs"] = max(1, concurrency // (replicas * dp))
    batch_per_gpu = _int(point, "batch_per_gpu")
    if scenario == "phase_isolated_decode":
        # Sequences per DP rank = per GPU x the GPUs of one rank; one prefill step holds all their prompts.
        engine_table["max_num_seqs"] = batch_per_gpu * tp * pp
        engine_table["max_batched_tokens"] = int(engine_table["max_num_seqs"]) * int(round(float(isl)))
    tokens_per_gpu_batch = _int(point, "tokens_per_gpu_batch")
    if tokens_per_gpu_batch is not None:
        engine_table["max_batched_tokens"] = tokens_per_gpu_batch * tp * pp
    max_num_tokens = _int(point, "max_num_tokens")
    if max_num_tokens is not None:
        engine_table["max_batched_tokens"] = max_num_tokens
    parallel = {"attention_tp": tp, "attention_dp": dp, "expert_parallel": ep, "pipeline_stages": pp}
    redundant = _int(point, "redundant_experts")
    if redundant:
        parallel["redundant_experts"] = redundant
    if not _stated_deployment(point, engine_table, t):
        return t
    if point.get("speculative") == "mtp":
        engine_table["mtp_draft_tokens"] = _int(point, "mtp_draft_tokens", 1)
        engine_table["mtp_acceptance_rate"] = float(point["mtp_acceptance_rate"])

    workload: Dict[str, object] = {"kind": "synthetic", "prompt_tokens": int(round(float(isl))),
                                   "output_tokens": int(round(float(osl)))}
    stated_requests = _int(point, "num_requests")
    if scenario == "phase_isolated_prefill":
        budget = int(engine_table.get("max_batched_tokens", _engine_value(data_dir, engine, "max_batched_tokens")))
        per_rank = OFFLINE_BATCHES * max(1, math.ceil(budget / float(isl)))
        workload["num_requests"] = per_rank * dp
        workload["arrivals"] = {"kind": "burst"}
    elif scenario == "phase_isolated_decode":
        workload["num_requests"] = int(engine_table["max_num_seqs"]) * dp
        workload["arrivals"] = {"kind": "burst"}
    elif scenario in ("offline", "fixed_length"):
        batch = int(engine_table.get("max_num_seqs", _engine_max_num_seqs(data_dir, engine))) * dp
        n = OFFLINE_BATCHES * batch
        if stated_requests is not None:
            n = min(n, max(1, stated_requests // replicas))
        workload["num_requests"] = n
        workload["arrivals"] = {"kind": "burst"}
    elif scenario in ("server", "online_rate"):
        rate = point.get("request_rate_per_s")
        if rate is None:
            t.reason = "no request rate stated"
            return t
        n = ONLINE_REQUESTS_MAX if stated_requests is None else min(ONLINE_REQUESTS_MAX, stated_requests)
        workload["num_requests"] = max(1, n // replicas) if stated_requests is not None else n
        workload["arrivals"] = {"kind": "poisson", "rate_per_s": float(rate) / replicas}
    else:
        t.reason = f"scenario {scenario} has no translation"
        return t

    t.config = {
        "experiment": {"name": _safe_name(str(point["id"])), "description": f"validation point {point['id']}",
                       "seed": 0},
        "model": model,
        "hardware": {"id": point["hardware"]},
        "engine": engine_table,
        "cluster": {"replicas": 1},
        "cluster.parallel": parallel,
        "workload": workload,
        "output": {"timeseries_interval_s": 1.0},
    }
    return t


def predicted_value(t: Translation, summary_row: Dict[str, float]) -> float:
    value = float(summary_row[t.summary_column])
    if t.decode_sequences:
        return t.decode_sequences / value / t.nodes
    if str(t.point["metric"]) in THROUGHPUT_METRICS:
        value = value * t.replicas / t.nodes
    return value


def _safe_name(s: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in s)


def _engine_max_num_seqs(data_dir: Path, engine: str) -> int:
    return int(_engine_value(data_dir, engine, "max_num_seqs"))


def _engine_value(data_dir: Path, engine: str, key: str):
    import tomllib

    with open(data_dir / "engines" / f"{engine}.toml", "rb") as f:
        return tomllib.load(f)[key]


def _stated_deployment(point: Dict[str, object], engine_table: Dict[str, object], t: Translation) -> bool:
    """Engine settings the source states: two-batch overlap, DeepEP's mode, the kernel library. False (with a
    reason) when a stated setting has no moelab counterpart."""
    tbo = point.get("two_batch_overlap")
    if tbo is not None:
        engine_table["overlap"] = "two_micro_batch" if tbo else "none"
    dispatch = point.get("moe_dispatch")
    if dispatch is not None:
        if dispatch not in DEEPEP_MODES:
            t.reason = f"MoE dispatch {dispatch} has no moelab counterpart"
            return False
        engine_table["a2a_mode"] = DEEPEP_MODES[dispatch]
        engine_table["dispatch_bytes_per_element"] = DEEPEP_DISPATCH_BYTES
        engine_table["combine_bytes_per_element"] = DEEPEP_COMBINE_BYTES
    library = point.get("kernel_library")
    if library is not None:
        family = "hopper" if point["hardware"] in HOPPER else str(point["hardware"])
        profile = KERNEL_PROFILES.get((library, family))
        if profile is None:
            t.approximations.append(f"kernel library {library} has no moelab profile for {point['hardware']}: "
                                    "the engine's efficiencies stand in")
        else:
            engine_table["kernel_profile"] = profile
    return True


def _model_sets_expert_bytes(data_dir: Path, model: str) -> bool:
    import tomllib

    with open(data_dir / "models" / f"{model}.toml", "rb") as f:
        return "expert_weight_bytes_per_param" in tomllib.load(f)


def to_toml(config: Dict[str, Dict[str, object]]) -> str:
    """Experiment tables -> TOML text (strings, numbers, booleans and inline tables only)."""
    lines: List[str] = []
    for table, keys in config.items():
        lines.append(f"[{table}]")
        for k, v in keys.items():
            lines.append(f"{k} = {_toml_value(v)}")
        lines.append("")
    return "\n".join(lines)


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"cannot write {v} to TOML")
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"no TOML form for {type(v).__name__}")
