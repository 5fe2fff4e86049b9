#pragma once
// A PreparedRun for cuda variants: times one launch with CUDA events on the variant's stream,
// copies the device output back into the case, and flushes L2 (2 x L2 bytes) for cold samples.
// The variant owns its device buffers (upload them in prepare(), poison the output there too)
// and hands this class the launch and the copy-back.
#include <cuda_runtime.h>

#include <functional>
#include <utility>

#include "kernels/common/cuda/event_timer.cuh"
#include "kernels/common/cuda/l2_flush.cuh"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::cuda {

class CudaPreparedRun : public PreparedRun {
 public:
  CudaPreparedRun(std::function<void(cudaStream_t)> launch, std::function<void()> copy_out,
                  cudaStream_t stream = nullptr)
      : launch_(std::move(launch)), copy_out_(std::move(copy_out)), stream_(stream), timer_(stream) {}

  double timed_run() override {
    timer_.start();
    launch_(stream_);
    CUDA_CHECK_LAUNCH();
    return timer_.stop_s();
  }
  void copy_output_to_case() override {
    CUDA_CHECK(cudaStreamSynchronize(stream_));
    copy_out_();
  }
  void flush_cache() override {
    shared_l2_flusher().flush(stream_);
    CUDA_CHECK(cudaStreamSynchronize(stream_));
  }

 private:
  std::function<void(cudaStream_t)> launch_;
  std::function<void()> copy_out_;
  cudaStream_t stream_;
  EventTimer timer_;
};

}  // namespace moelab::kernels::cuda
