#pragma once
// [cluster.parallel] plans and the prefill/decode pools of a disaggregated cluster:
//   [cluster.prefill] / [cluster.decode]: instances (required), router, dp_dispatch,
//   max_num_seqs, max_batched_tokens (engine limits of the pool), [*.hardware] (id + overrides,
//   default [hardware]) and [*.parallel] (a plan, default the cluster's); [cluster] kv_transfer =
//   "whole" (default) or "layerwise".
#include "lab/config/strict_toml.hpp"
#include "simulator/sim_config.hpp"

namespace moelab::lab {

// The keys of a [..parallel] table into `plan` (and the DP dispatch policy).
void read_parallel_plan(config::StrictTable& t, sim::ParallelPlan& plan, std::string& dp_dispatch);

// Reads [cluster.prefill] and [cluster.decode] when present (both or neither); the pools start
// from the config's hardware, engine and plan, which must be read already.
void read_pools(config::StrictTable& cluster, sim::SimConfig& c);

// Once [cost] is read: a pool on the default hardware pays the config's GPU price.
void price_pools(sim::SimConfig& c, bool cost_overridden);

}  // namespace moelab::lab
