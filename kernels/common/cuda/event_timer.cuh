#pragma once
// Times GPU work on one stream with a pair of CUDA events (device-side timestamps, so host launch
// jitter does not count). Resolution is about 0.5 us.
#include <cuda_runtime.h>

#include "kernels/common/cuda/check.cuh"

namespace moelab::kernels::cuda {

class EventTimer {
 public:
  explicit EventTimer(cudaStream_t stream = nullptr) : stream_(stream) {
    CUDA_CHECK(cudaEventCreate(&start_));
    CUDA_CHECK(cudaEventCreate(&stop_));
  }
  ~EventTimer() {
    cudaEventDestroy(start_);
    cudaEventDestroy(stop_);
  }
  EventTimer(const EventTimer&) = delete;
  EventTimer& operator=(const EventTimer&) = delete;

  void start() { CUDA_CHECK(cudaEventRecord(start_, stream_)); }
  // Records the stop event, waits for it, returns the elapsed seconds.
  double stop_s() {
    CUDA_CHECK(cudaEventRecord(stop_, stream_));
    return elapsed_s();
  }
  cudaEvent_t stop_event() { return stop_; }
  // Waits for the stop event (recorded by the caller) and returns the seconds since start.
  double elapsed_s() {
    CUDA_CHECK(cudaEventSynchronize(stop_));
    float ms = 0;
    CUDA_CHECK(cudaEventElapsedTime(&ms, start_, stop_));
    return static_cast<double>(ms) * 1e-3;
  }

 private:
  cudaStream_t stream_;
  cudaEvent_t start_ = nullptr;
  cudaEvent_t stop_ = nullptr;
};

}  // namespace moelab::kernels::cuda
