#pragma once
// The start of every GPU test suite: without a usable CUDA device the suite exits 77 (ctest:
// "skipped"), unless MOELAB_REQUIRE_GPU=1 (scripts/device-check.sh sets it), where a missing or
// unusable device is a failure (exit 1) with the runtime's reason. A CUDA build whose backend
// library does not open is broken, not "without a GPU": exit 1 either way.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "kernels/common/cuda_device.hpp"
#if MOELAB_HAVE_CUDA
#include "kernels/common/cuda_backend.hpp"
#endif

namespace moelab::test {

inline bool gpu_required() {
  const char* env = std::getenv("MOELAB_REQUIRE_GPU");
  return env != nullptr && std::string(env) == "1";
}

inline void require_cuda_device_or_skip(const char* suite) {
#if MOELAB_HAVE_CUDA
  if (const auto& backend = kernels::cuda_backend(); backend.api == nullptr) {
    std::printf("%s: %s\n", suite, backend.error.c_str());
    std::fflush(stdout);
    std::exit(1);
  }
#endif
  if (kernels::cuda_device_available()) return;
  const std::string why = kernels::cuda_unavailable_reason();
  if (gpu_required()) {
    std::printf("%s: MOELAB_REQUIRE_GPU=1 but no usable CUDA device: %s\n", suite, why.c_str());
    std::fflush(stdout);
    std::exit(1);
  }
  std::printf("%s: no CUDA device (%s): skipping\n", suite, why.c_str());
  std::fflush(stdout);
  std::_Exit(77);
}

}  // namespace moelab::test
