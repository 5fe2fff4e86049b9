#pragma once
// [cluster.kv_tiers]: the DRAM/SSD store behind the prefix caches of the instances that prefill
// (simulator/engine/kv_tier_store.hpp). Absent = off (KV lives in HBM only).
//   tiers = ["dram"] or ["dram", "ssd"]        which tiers, fastest first (required)
//   defaults = "<entry>"                        an entry of data/kv_tiers/nodes.toml; default: the
//                                               entry whose `hardware` lists the (prefill) hardware id
//   chunk_tokens = 256                          store granularity, a multiple of engine.kv_block_tokens
//   [cluster.kv_tiers.dram] / [cluster.kv_tiers.ssd] (optional overrides):
//     capacity_gb = <number> | "unlimited"      the whole store's tier (default: per node x nodes of
//                                               the prefilling instances)
//     read_gb_per_s = <number>                  per GPU, tier -> HBM
//     latency_us = <number>                     per load
#include "lab/config/strict_toml.hpp"
#include "simulator/sim_config.hpp"

namespace moelab::lab {

// Reads [cluster.kv_tiers] when present; model, hardware, engine, plan and pools must be read.
void read_kv_tiers(config::StrictTable& cluster, sim::SimConfig& c);

}  // namespace moelab::lab
