#pragma once
#include <cstdint>

#include "simulator/engine/engine_spec.hpp"
#include "simulator/model/cost_model.hpp"
#include "simulator/model/hardware_spec.hpp"

namespace moelab::sim {

// KV blocks one DP rank can hold (its GPUs: attention TP x pipeline stages):
//   (hbm_bytes * gpu_memory_utilization * rank GPUs - rank weight bytes) / (rank KV bytes per token * block_tokens)
// An instance with DP ranks holds DP times that.
// Throws InputError (key "model" when the weights exceed the replica's HBM, else
// "engine.gpu_memory_utilization") when not even one block fits.
std::int64_t kv_capacity_blocks(const InstanceCostModel& cost, const HardwareSpec& hw, const EngineSpec& engine,
                                std::int64_t rank_gpus);

}  // namespace moelab::sim
