#include "simulator/engine/kv_capacity.hpp"

#include <cmath>

#include <fmt/format.h>

#include "base/input_error.hpp"

namespace moelab::sim {

std::int64_t kv_capacity_blocks(const InstanceCostModel& cost, const HardwareSpec& hw, const EngineSpec& engine,
                                std::int64_t rank_gpus) {
  if (engine.kv_block_tokens <= 0) throw InputError({}, "engine.kv_block_tokens", "must be > 0");
  if (!(engine.gpu_memory_utilization > 0 && engine.gpu_memory_utilization <= 1))
    throw InputError({}, "engine.gpu_memory_utilization", "must be in (0, 1]");
  const double weights = cost.rank_weight_bytes();
  const double hbm = hw.hbm_bytes * static_cast<double>(rank_gpus);
  const double usable = hbm * engine.gpu_memory_utilization;
  const double kv_block_bytes = cost.rank_kv_bytes_per_token() * static_cast<double>(engine.kv_block_tokens);
  if (!(kv_block_bytes > 0)) throw InputError({}, "model", "KV bytes per token must be > 0");
  const double blocks = std::floor((usable - weights) / kv_block_bytes);
  // Block counts (and block x token products) are int64 in the caches; far more blocks than any
  // run can fill is a config mistake (a memory or a KV size off by orders of magnitude).
  constexpr double kMaxBlocks = 1099511627776.0;  // 2^40
  if (blocks > kMaxBlocks) {
    throw InputError({}, "hardware.hbm_gb",
                     fmt::format("{:.3g} GB of HBM x {} GPUs hold {:.3g} KV blocks of {:.3g} bytes per rank, more "
                                 "than the 2^40 the simulator counts; check hbm_gb and the model's KV size",
                                 hw.hbm_bytes / 1e9, rank_gpus, blocks, kv_block_bytes));
  }
  if (blocks >= 1) return static_cast<std::int64_t>(blocks);
  const std::string what =
      fmt::format("weights {:.1f} GB do not leave room for one KV block in {:.1f} GB HBM x {} GPUs x utilization {}",
                  weights / 1e9, hw.hbm_bytes / 1e9, rank_gpus, engine.gpu_memory_utilization);
  throw InputError({}, weights >= hbm ? "model" : "engine.gpu_memory_utilization", what);
}

}  // namespace moelab::sim
