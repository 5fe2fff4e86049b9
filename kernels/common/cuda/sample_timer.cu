#include "kernels/common/cuda/sample_timer.cuh"

#include <atomic>
#include <chrono>

#include "kernels/common/cuda/check.cuh"

namespace moelab::kernels::cuda {

struct SampleTimer::Mapped {
  volatile int release;                     // host -> device: 1 = go
  volatile int timed_out;                   // device -> host: the blocking kernel gave up
  volatile unsigned long long stamp[2][2];  // [start, stop][globaltimer ns, clock64]
};

namespace {

__device__ __forceinline__ unsigned long long global_ns() {
  unsigned long long t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  return t;
}

__global__ void block_stream_kernel(SampleTimer::Mapped* m, unsigned long long timeout_ns) {
  const unsigned long long t0 = global_ns();
  while (m->release == 0) {
    if (global_ns() - t0 > timeout_ns) {
      m->timed_out = 1;
      break;
    }
    __nanosleep(1000);
  }
  __threadfence_system();
}

// One block per SM; the block that lands on SM 0 writes (NVBench's timestamps kernel).
__global__ void stamp_kernel(SampleTimer::Mapped* m, int which) {
  unsigned smid;
  asm volatile("mov.u32 %0, %%smid;" : "=r"(smid));
  if (smid == 0 && threadIdx.x == 0) {
    m->stamp[which][0] = global_ns();
    m->stamp[which][1] = static_cast<unsigned long long>(clock64());
  }
}

}  // namespace

SampleTimer::SampleTimer(cudaStream_t stream) : stream_(stream), events_(stream) {
  CUDA_CHECK(cudaHostAlloc(reinterpret_cast<void**>(&host_), sizeof(Mapped), cudaHostAllocMapped));
  CUDA_CHECK(cudaHostGetDevicePointer(reinterpret_cast<void**>(&device_), host_, 0));
  int device = 0, clock_khz = 0;
  CUDA_CHECK(cudaGetDevice(&device));
  CUDA_CHECK(cudaDeviceGetAttribute(&sm_count_, cudaDevAttrMultiProcessorCount, device));
  CUDA_CHECK(cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, device));
  default_clock_hz_ = clock_khz * 1e3;
}

SampleTimer::~SampleTimer() {
  if (host_ != nullptr) cudaFreeHost(host_);
}

double SampleTimer::time(const std::function<void()>& enqueue, int launches) {
  using Clock = std::chrono::steady_clock;
  info_ = SampleInfo{};
  info_.launches = launches;
  info_.default_sm_clock_hz = default_clock_hz_;
  info_.blocked = blocking_;
  host_->release = 0;
  host_->timed_out = 0;
  for (auto& s : host_->stamp) s[0] = s[1] = 0;
  std::atomic_thread_fence(std::memory_order_seq_cst);

  if (blocking_) block_stream_kernel<<<1, 1, 0, stream_>>>(device_, kBlockTimeoutNs);
  stamp_kernel<<<sm_count_, 32, 0, stream_>>>(device_, 0);
  events_.start();
  const auto t0 = Clock::now();
  try {
    enqueue();
  } catch (...) {
    host_->release = 1;  // never leave the stream held
    throw;
  }
  info_.host_launch_s = std::chrono::duration<double>(Clock::now() - t0).count();
  CUDA_CHECK_LAUNCH();
  CUDA_CHECK(cudaEventRecord(events_.stop_event(), stream_));
  stamp_kernel<<<sm_count_, 32, 0, stream_>>>(device_, 1);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  host_->release = 1;
  std::atomic_thread_fence(std::memory_order_seq_cst);
  CUDA_CHECK(cudaStreamSynchronize(stream_));
  const double seconds = events_.elapsed_s();

  info_.blocker_timed_out = host_->timed_out != 0;
  if (info_.blocker_timed_out) blocking_ = false;
  const unsigned long long ns0 = host_->stamp[0][0], ns1 = host_->stamp[1][0];
  const unsigned long long c0 = host_->stamp[0][1], c1 = host_->stamp[1][1];
  if (ns0 != 0 && ns1 > ns0 && c1 > c0) {
    info_.clock_window_s = static_cast<double>(ns1 - ns0) * 1e-9;
    info_.sm_clock_hz = static_cast<double>(c1 - c0) / info_.clock_window_s;
  }
  return seconds;
}

}  // namespace moelab::kernels::cuda
