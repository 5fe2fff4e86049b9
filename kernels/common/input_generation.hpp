#pragma once
// A process-wide counter that a case takes a fresh value from whenever it fills new inputs, so
// device copies cached per case (kernels/common/cuda/shared_inputs.cuh) are keyed by (case,
// generation) and never outlive the inputs they copy, even if a later case reuses the address.
#include <atomic>
#include <cstdint>

namespace moelab::kernels {

inline std::uint64_t new_input_generation() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1);
}

}  // namespace moelab::kernels
