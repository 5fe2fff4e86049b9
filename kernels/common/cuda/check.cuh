#pragma once
// CUDA error checking for kernels/*/cuda/: every runtime call and every launch is checked, and a
// failure throws (the harness records the variant as failed) instead of aborting the process.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace moelab::kernels::cuda {

class CudaError : public std::runtime_error {
 public:
  CudaError(cudaError_t code, const char* expr, const char* file, int line)
      : std::runtime_error(std::string(file) + ":" + std::to_string(line) + ": " + expr + ": " +
                           cudaGetErrorName(code) + " (" + cudaGetErrorString(code) + ")"),
        code_(code) {}
  cudaError_t code() const noexcept { return code_; }

 private:
  cudaError_t code_;
};

inline void check(cudaError_t code, const char* expr, const char* file, int line) {
  if (code != cudaSuccess) throw CudaError(code, expr, file, line);
}

}  // namespace moelab::kernels::cuda

#define CUDA_CHECK(expr) ::moelab::kernels::cuda::check((expr), #expr, __FILE__, __LINE__)
// After a <<<...>>> launch: launch-configuration errors show up here, not at the launch.
#define CUDA_CHECK_LAUNCH() ::moelab::kernels::cuda::check(cudaGetLastError(), "kernel launch", __FILE__, __LINE__)
