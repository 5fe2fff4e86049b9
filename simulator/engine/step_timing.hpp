#pragma once
#include <algorithm>

#include "simulator/engine/engine_spec.hpp"

namespace moelab::sim {

// Wall time of one iteration: GPU time from the cost model plus the engine's CPU work, added, or
// hidden behind the GPU when the engine overlaps scheduling with execution.
inline double iteration_time_s(double gpu_s, const EngineSpec& engine) {
  return engine.overhead_overlapped ? std::max(gpu_s, engine.step_overhead_s) : gpu_s + engine.step_overhead_s;
}

}  // namespace moelab::sim
