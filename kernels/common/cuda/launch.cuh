#pragma once
// Every cuda variant launches its kernels through cuda::launch(kernel, grid, block, smem, stream,
// args...) instead of <<<...>>>: the same launch, plus a record of (kernel, grid, block, dynamic
// shared memory) while a LaunchRecorder is active. CudaPreparedRun records the first (checked)
// run, and the A/B harness stores each recorded kernel's registers, shared memory, local memory
// and occupancy (launch_infos) with the timings.
#include <cuda_runtime.h>

#include <cstddef>
#include <utility>
#include <vector>

#include "kernels/common/cuda/check.cuh"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::cuda {

struct RecordedLaunch {
  const void* kernel = nullptr;
  dim3 grid, block;
  std::size_t dynamic_smem_bytes = 0;
};

// Collects the launches made on this thread between its construction and destruction.
class LaunchRecorder {
 public:
  LaunchRecorder();
  ~LaunchRecorder();
  LaunchRecorder(const LaunchRecorder&) = delete;
  LaunchRecorder& operator=(const LaunchRecorder&) = delete;
  const std::vector<RecordedLaunch>& launches() const { return launches_; }
  static void record(const void* kernel, dim3 grid, dim3 block, std::size_t smem);

 private:
  std::vector<RecordedLaunch> launches_;
  LaunchRecorder* previous_;
};

// The attributes of each distinct (kernel, grid, block, smem) of `launches`, with its count:
// cudaFuncGetAttributes (registers, static shared and local memory, PTX/binary versions),
// cudaOccupancyMaxActiveBlocksPerMultiprocessor, and the demangled cudaFuncGetName.
std::vector<LaunchInfo> launch_infos(const std::vector<RecordedLaunch>& launches);

template <class... Params, class... Args>
void launch(void (*kernel)(Params...), dim3 grid, dim3 block, std::size_t smem, cudaStream_t stream, Args&&... args) {
  LaunchRecorder::record(reinterpret_cast<const void*>(kernel), grid, block, smem);
  kernel<<<grid, block, smem, stream>>>(std::forward<Args>(args)...);
  CUDA_CHECK_LAUNCH();
}

}  // namespace moelab::kernels::cuda
