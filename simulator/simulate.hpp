#pragma once
#include <functional>

#include "simulator/run_result.hpp"
#include "simulator/sim_config.hpp"

namespace moelab::sim {

// Called now and then with the fraction done in [0, 1] (by requests or simulated time).
using ProgressFn = std::function<void(double fraction_done)>;

// Deterministic: the same config (seed included) gives the same RunResult, bit for bit.
// Requests are taken until stop.max_requests or past stop.max_duration_s (0 = no limit), then
// the run drains. Bad engine/cluster/stop settings throw InputError (keys as in the TOML);
// broken invariants do not throw: they are listed in RunResult::invariant_violations.
// Engine semantics: simulator/engine/README.md.
RunResult simulate(const SimConfig& config, const ProgressFn& progress = {});

// Every check on `config` that needs no simulation (ranges the simulator relies on, tensor
// parallelism against the model's heads, policy names, whether the weights leave room for KV).
// Throws InputError keyed as in the TOML ("engine.max_batched_tokens") without a location: the
// config reader adds it. simulate() runs it first, and `moelab validate` for every sweep point.
void check_config(const SimConfig& config);

}  // namespace moelab::sim
