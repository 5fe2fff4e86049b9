#pragma once
// The ranges of the config's numeric keys, in one place. Each is physically meaningful (generous
// around every real model, GPU and deployment) and small enough that the arithmetic done with the
// values cannot overflow: products of model dimensions stay far below 2^63 in int64, token counts
// fit int32, byte and FLOP totals stay finite in double, KV block counts fit int64.
//
// A new key picks the range that describes it (or adds one here, with its reason) and reads it
// with StrictTable::integer_in / number_in, or through a SpecReader:
//   m.d_model = r.get(&StrictTable::integer_in, "d_model", ranges::kModelWidth);
// Out-of-range values are InputErrors at the value's file:line:col ("must be <= 1048576, got ...").
#include "base/value_range.hpp"

namespace moelab::config::ranges {

// Model architecture. Largest public values (2026): d_model 18,432 (GPT-3-class dense 16k-20k),
// 126 layers, 128 heads, 256k vocab, 384 experts; each limit is far above and keeps
// width^2 x layers x experts < 2^60.
inline constexpr IntRange kModelWidth{1, 1 << 20};        // d_model, FFN dims, head dims, LoRA ranks
inline constexpr IntRange kModelWidthOrNone{0, 1 << 20};  // same, 0 = absent (q_lora_rank)
inline constexpr IntRange kLayers{1, 10'000};
inline constexpr IntRange kLayersOrNone{0, 10'000};
inline constexpr IntRange kHeads{1, 1 << 16};
inline constexpr IntRange kVocab{1, 1 << 24};
inline constexpr IntRange kExperts{0, 1 << 20};          // routed experts (0 = dense)
inline constexpr IntRange kExpertsPositive{1, 1 << 20};  // per token, shared, groups
inline constexpr IntRange kExpertsOrNone{0, 1 << 20};
// Published parameter counts, in billions (up to a quadrillion parameters).
inline constexpr NumberRange kBillionParams{0, 1e6, true};
// Bytes per weight or KV element: 1/16 (sub-bit codes) to 8 (fp64).
inline constexpr NumberRange kBytesPerElement{1.0 / 16, 8, false};
inline constexpr NumberRange kFraction{0, 1, true};  // (0, 1]
// Context lengths and token counts held in int32.
inline constexpr IntRange kTokensOrNone{0, kMaxInt32};
inline constexpr IntRange kTokens{1, kMaxInt32};

// Hardware, per GPU. Today's largest: ~10 PFLOP/s dense FP8, 288 GB HBM, 8 TB/s, 1.8 TB/s NVLink.
inline constexpr NumberRange kTflops{0, 1e6, true};           // peak_bf16_tflops (up to 1 EFLOP/s)
inline constexpr NumberRange kTflopsOrNone{0, 1e6, false};    // peak_fp8_tflops (0 = none)
inline constexpr NumberRange kMemoryGb{0, 1e6, true};         // hbm_gb (up to 1 PB)
inline constexpr NumberRange kBandwidthTbPerS{0, 1e4, true};  // hbm_tb_per_s
inline constexpr NumberRange kLinkGbPerS{0, 1e7, false};      // nvlink, interconnect (0 = none)
inline constexpr NumberRange kWatts{0, 1e6, true};
inline constexpr IntRange kSmCount{0, 1 << 20};
inline constexpr IntRange kGpusOrNone{0, 1 << 20};       // gpus_per_node, nvlink_domain_gpus (0 = unknown)
inline constexpr NumberRange kLatencyUs{0, 1e6, false};  // link and collective latencies (up to 1 s)
// KV tiers behind HBM (per node / per GPU): up to an exabyte of storage and 100 TB/s of reads.
inline constexpr NumberRange kStorageGb{0, 1e9, true};
inline constexpr NumberRange kTierGbPerS{0, 1e5, true};
inline constexpr NumberRange kCacheMb{0, 1e6, false};
inline constexpr NumberRange kUsdPerHour{0, 1e6, false};

// Engine and cluster.
inline constexpr IntRange kMaxNumSeqs{1, 1 << 20};
inline constexpr IntRange kBatchedTokens{1, kMaxInt32};
inline constexpr IntRange kKvBlockTokens{1, 1 << 16};  // the engine keeps a wheel of this many slots
inline constexpr NumberRange kStepSeconds{0, 3600, false};
// Each replica is an object with its own caches and queues: 65,536 is already far beyond any
// deployment (and about 100 KB each).
inline constexpr IntRange kReplicas{1, 1 << 16};
inline constexpr IntRange kTensorParallel{1, 1024};
// Parallel plan degrees (attention TP/DP, EP, expert TP, pipeline stages): products of a few of
// them count GPUs, so each stays far below what would overflow int64 together.
inline constexpr IntRange kParallelDegree{1, 1 << 16};
inline constexpr IntRange kNodesOrNone{0, 1 << 16};         // moe.max_nodes_per_token (0 = no limit)
inline constexpr NumberRange kZipfExponent{0, 100, false};  // moe.zipf_s (0 = uniform)
inline constexpr IntRange kMtpDraftTokens{0, 8};

// Run limits and times: durations up to ~30 years of simulated time, request counts up to 2^53
// (the memory their result rows need is checked separately, per run).
inline constexpr NumberRange kSeconds{0, 1e9, false};
inline constexpr IntRange kCount{0, kMaxExactDoubleInt};

}  // namespace moelab::config::ranges
