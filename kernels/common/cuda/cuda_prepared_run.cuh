#pragma once
// A PreparedRun for cuda variants. The variant owns its device buffers (upload them in prepare(),
// poison the output there too) and hands this class the launch and the copy-back; this class
//   - times each sample with SampleTimer (sample_timer.cuh): the work is enqueued behind a
//     blocking kernel, so CUDA events time the kernels and not the launch latency; the host's
//     launch time and the SM clock over the sample come back in last_sample();
//   - runs `reps` launches back to back for the batch (hot) mode, halving reps when the stream's
//     queue could not hold them (the blocking kernel timed out);
//   - records the launches of its first run (cuda::launch, launch.cuh), for launch_info();
//   - flushes L2 before cold samples (read or write flush, l2_flush.cuh).
// `library_calls` names launches this class cannot see (cuBLAS's kernels): "cublasGemmEx x 256".
// `host_synchronizes`: the launch waits on the GPU from the host (thrust's temporary allocation):
// no blocking kernel then, since the host could not enqueue behind it (sample_timer.cuh).
#include <cuda_runtime.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kernels/common/cuda/l2_flush.cuh"
#include "kernels/common/cuda/launch.cuh"
#include "kernels/common/cuda/sample_timer.cuh"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::cuda {

class CudaPreparedRun : public PreparedRun {
 public:
  CudaPreparedRun(std::function<void(cudaStream_t)> launch, std::function<void()> copy_out,
                  cudaStream_t stream = nullptr, std::string library_calls = "", bool host_synchronizes = false)
      : launch_(std::move(launch)),
        copy_out_(std::move(copy_out)),
        stream_(stream),
        timer_(stream),
        library_calls_(std::move(library_calls)) {
    timer_.set_blocking(!host_synchronizes);
  }

  double timed_run() override {
    if (!recorded_) {
      LaunchRecorder recorder;
      const double t = timer_.time([this] { launch_(stream_); }, 1);
      recorded_ = recorder.launches();
      return t;
    }
    return timer_.time([this] { launch_(stream_); }, 1);
  }

  double timed_batch(int reps) override {
    if (reps < 1) reps = 1;
    const double t = timer_.time(
        [this, reps] {
          for (int i = 0; i < reps; ++i) launch_(stream_);
        },
        reps);
    return t / reps;
  }

  SampleInfo last_sample() const override { return timer_.info(); }
  void copy_output_to_case() override {
    CUDA_CHECK(cudaStreamSynchronize(stream_));
    copy_out_();
  }
  void flush_cache() override { flush_cache_with(FlushMethod::read); }
  void flush_cache_with(FlushMethod m) override {
    shared_l2_flusher().flush(stream_, m);
    CUDA_CHECK(cudaStreamSynchronize(stream_));
  }
  std::vector<LaunchInfo> launch_info() const override {
    return recorded_ ? launch_infos(*recorded_) : std::vector<LaunchInfo>{};
  }
  std::string library_calls() const override { return library_calls_; }

 private:
  std::function<void(cudaStream_t)> launch_;
  std::function<void()> copy_out_;
  cudaStream_t stream_;
  SampleTimer timer_;
  std::string library_calls_;
  std::optional<std::vector<RecordedLaunch>> recorded_;
};

}  // namespace moelab::kernels::cuda
