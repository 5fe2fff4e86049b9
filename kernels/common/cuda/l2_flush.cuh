#pragma once
// Evicting the GPU's L2 before a cold sample: a kernel writes a device buffer of 2 x L2 bytes
// (NVBench flushes the same way), so a kernel's inputs are read from HBM on the timed run.
#include <cuda_runtime.h>

#include <cstddef>

#include "kernels/common/cuda/device_buffer.cuh"

namespace moelab::kernels::cuda {

class L2Flusher {
 public:
  explicit L2Flusher(int device = 0);
  void flush(cudaStream_t stream = nullptr);  // asynchronous on `stream`
  std::size_t bytes() const { return buffer_.size_bytes(); }

 private:
  DeviceBuffer<unsigned int> buffer_;
  unsigned int round_ = 0;
};

// One flusher for the current device, allocated on first use.
L2Flusher& shared_l2_flusher();

}  // namespace moelab::kernels::cuda
