#pragma once
#include <functional>

#include "simulator/run_result.hpp"
#include "simulator/sim_config.hpp"

namespace moelab::sim {

// Called now and then with the fraction done in [0, 1] (by requests or simulated time).
using ProgressFn = std::function<void(double fraction_done)>;

// Deterministic: the same config (seed included) gives the same RunResult, bit for bit.
RunResult simulate(const SimConfig& config, const ProgressFn& progress = {});

}  // namespace moelab::sim
