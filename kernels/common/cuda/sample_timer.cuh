#pragma once
// Timing one GPU sample the way NVBench does (measure_cold + blocking_kernel + gpu_frequency):
//
//   block      a one-thread kernel spins on a flag in pinned host memory, holding the stream
//   stamp      a kernel records %globaltimer and clock64 on SM 0 (start of the window)
//   event      start event
//   <work>     the timed launches, enqueued by the host while the stream is held; the host time
//              this takes is the sample's host launch time, reported apart
//   event      stop event
//   stamp      globaltimer and clock64 on SM 0 again (end of the window)
//   release    the host sets the flag; the GPU runs everything back to back
//
// The events therefore bracket the kernels and not the host's launch latency (on an idle GPU a
// start event recorded before the launch would fire at once and time the launch too). The SM
// clock over the window is d(clock64) / d(globaltimer); NVBench drops samples below 0.75 x the
// default clock as throttled (lab/ab/stats.hpp). The blocking kernel gives up after
// kBlockTimeoutNs: the host blocked inside the enqueue, because the stream's queue filled up or
// the work synchronizes on the host (a cudaFree in thrust's temporary allocation). That sample
// includes launch latency and says so (SampleInfo::blocker_timed_out); the timer then stops
// blocking for the rest of the run, and the harness drops the sample.
#include <cuda_runtime.h>

#include <cstdint>
#include <functional>

#include "kernels/common/cuda/event_timer.cuh"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::cuda {

inline constexpr std::uint64_t kBlockTimeoutNs = 250'000'000ull;  // 0.25 s; a legitimate enqueue takes < 10 ms

class SampleTimer {
 public:
  explicit SampleTimer(cudaStream_t stream);
  ~SampleTimer();
  SampleTimer(const SampleTimer&) = delete;
  SampleTimer& operator=(const SampleTimer&) = delete;

  // Runs `enqueue` (which launches the timed work on the stream) inside the window above and
  // returns the event-timed seconds; info() describes the sample.
  double time(const std::function<void()>& enqueue, int launches);
  const SampleInfo& info() const { return info_; }
  // Off: no blocking kernel (the stream's queue could not hold the work, see above).
  void set_blocking(bool on) { blocking_ = on; }
  bool blocking() const { return blocking_; }

  struct Mapped;  // pinned, device-mapped host words: flag, timeout mark, stamps (sample_timer.cu)

 private:
  cudaStream_t stream_;
  EventTimer events_;
  Mapped* host_ = nullptr;
  Mapped* device_ = nullptr;
  int sm_count_ = 1;
  double default_clock_hz_ = 0;
  bool blocking_ = true;
  SampleInfo info_;
};

}  // namespace moelab::kernels::cuda
