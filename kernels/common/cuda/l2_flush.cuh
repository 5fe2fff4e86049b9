#pragma once
// Evicting the GPU's L2 before a cold sample, by one of two kernels over a device buffer of
// 2 x L2 bytes (FlushMethod, kernels/common/variant.hpp):
//   read   streams the buffer in (16-byte loads, xor-reduced into one word per block): L2 ends up
//          holding clean lines of the buffer, which the timed kernel evicts for free. Default.
//   write  writes the buffer (NVBench writes its buffer with cudaMemsetAsync): L2 ends up full of
//          dirty lines, and the timed kernel pays their write-back to HBM inside its own time,
//          up to L2 bytes / HBM bandwidth (60 MB / 4.8 TB/s = 12 us on an H200).
// The harness measures the difference between the two per variant (AbOptions::flush_bias).
#include <cuda_runtime.h>

#include <cstddef>

#include "kernels/common/cuda/device_buffer.cuh"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::cuda {

class L2Flusher {
 public:
  explicit L2Flusher(int device = 0);
  void flush(cudaStream_t stream = nullptr, FlushMethod method = FlushMethod::read);  // asynchronous
  std::size_t bytes() const { return buffer_.size_bytes(); }

 private:
  DeviceBuffer<uint4> buffer_;
  DeviceBuffer<unsigned int> sink_;  // one word per block of the read kernel
  unsigned int round_ = 0;
};

// One flusher for the current device, allocated on first use.
L2Flusher& shared_l2_flusher();

}  // namespace moelab::kernels::cuda
