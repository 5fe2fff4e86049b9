// cuda.hist_scan router.permute: (1) expert histogram with shared-memory atomics per block,
// flushed to global with one atomic per expert per block; (2) cub::DeviceScan::ExclusiveSum over
// E+1 counts gives expert_offsets; (3) scatter: each assignment takes a slot with a warp-aggregated
// atomicAdd on its expert's cursor. NOT stable: which warp reaches an expert's cursor first
// varies run to run, so the order inside an expert is not deterministic (the check then asks for
// the right multiset per expert and a consistent inverse). Offsets are deterministic.
#include <cub/device/device_scan.cuh>

#include <memory>

#include "kernels/common/cuda/cuda_prepared_run.cuh"
#include "kernels/common/cuda/device_buffer.cuh"
#include "kernels/common/cuda/launch.cuh"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/router/cases.hpp"
#include "kernels/router/detail/fn_variant.hpp"

namespace moelab::kernels::router {
namespace {

constexpr int kThreads = 256;
constexpr int kMaxSharedExperts = 4096;

__global__ void histogram_kernel(const std::int32_t* ids, int n, int experts, std::int32_t* counts) {
  __shared__ std::int32_t local[kMaxSharedExperts];
  for (int e = threadIdx.x; e < experts; e += blockDim.x) local[e] = 0;
  __syncthreads();
  for (int a = blockIdx.x * blockDim.x + threadIdx.x; a < n; a += gridDim.x * blockDim.x) atomicAdd(&local[ids[a]], 1);
  __syncthreads();
  for (int e = threadIdx.x; e < experts; e += blockDim.x) {
    if (local[e] != 0) atomicAdd(&counts[e], local[e]);
  }
}

__global__ void scatter_kernel(PermuteParams p, std::int32_t* cursor) {
  const int a = blockIdx.x * blockDim.x + threadIdx.x;
  const bool valid = a < p.assignments;
  const int e = valid ? p.topk_ids[a] : -1;
  // Lanes with the same expert share one atomic: the leader reserves the block of slots.
  const unsigned peers = __match_any_sync(0xffffffffu, e);
  const int lane = threadIdx.x & 31;
  const int leader = __ffs(peers) - 1;
  const int rank = __popc(peers & ((1u << lane) - 1));
  int base = 0;
  if (valid && lane == leader) base = atomicAdd(&cursor[e], __popc(peers));
  base = __shfl_sync(0xffffffffu, base, leader);
  if (valid) {
    const int pos = base + rank;
    p.sorted_assignments[pos] = a;
    p.inverse[a] = pos;
  }
}

struct DeviceHistScan {
  cuda::DeviceBuffer<std::int32_t> ids, counts, cursor, sorted, offsets, inverse;
  cuda::DeviceBuffer<unsigned char> temp;
  std::size_t temp_bytes = 0;
  int hist_blocks = 1;
};

std::unique_ptr<PreparedRun> prepare(OpCase& c) {
  auto& pc = moe_detail::case_as<PermuteCase>(c);
  pc.expect_stable(false);
  const int n = pc.assignments(), E = pc.shape().experts;
  auto d = std::make_shared<DeviceHistScan>();
  d->ids = cuda::DeviceBuffer<std::int32_t>(std::span<const std::int32_t>(pc.topk_ids.span()));
  d->counts = cuda::DeviceBuffer<std::int32_t>(E + 1);
  d->cursor = cuda::DeviceBuffer<std::int32_t>(E + 1);
  d->sorted = cuda::DeviceBuffer<std::int32_t>(n);
  d->offsets = cuda::DeviceBuffer<std::int32_t>(E + 1);
  d->inverse = cuda::DeviceBuffer<std::int32_t>(n);
  d->sorted.poison();
  d->offsets.poison();
  d->inverse.poison();
  CUDA_CHECK(cub::DeviceScan::ExclusiveSum(nullptr, d->temp_bytes, d->counts.data(), d->offsets.data(), E + 1));
  d->temp = cuda::DeviceBuffer<unsigned char>(d->temp_bytes);
  int sms = 1;
  CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  // About 16 assignments per thread, at most two blocks per SM: few global atomics per expert.
  d->hist_blocks = std::max(1, std::min(2 * sms, n / (16 * kThreads)));
  const PermuteParams p{d->ids.data(), d->sorted.data(), d->offsets.data(), d->inverse.data(), n, E};
  auto launch = [p, d](cudaStream_t s) {
    CUDA_CHECK(cudaMemsetAsync(d->counts.data(), 0, sizeof(std::int32_t) * (p.experts + 1), s));
    ::moelab::kernels::cuda::launch(histogram_kernel, d->hist_blocks, kThreads, 0, s, p.topk_ids, p.assignments,
                                    p.experts, d->counts.data());
    std::size_t bytes = d->temp_bytes;
    CUDA_CHECK(
        cub::DeviceScan::ExclusiveSum(d->temp.data(), bytes, d->counts.data(), p.expert_offsets, p.experts + 1, s));
    CUDA_CHECK(cudaMemcpyAsync(d->cursor.data(), p.expert_offsets, sizeof(std::int32_t) * (p.experts + 1),
                               cudaMemcpyDeviceToDevice, s));
    ::moelab::kernels::cuda::launch(scatter_kernel, (p.assignments + kThreads - 1) / kThreads, kThreads, 0, s, p,
                                    d->cursor.data());
  };
  return std::make_unique<cuda::CudaPreparedRun>(
      launch,
      [d, &pc] {
        pc.expect_stable(false);  // the expectation travels with the output
        d->sorted.download(pc.sorted.span());
        d->offsets.download(pc.offsets.span());
        d->inverse.download(pc.inverse.span());
      },
      nullptr, "cub::DeviceScan::ExclusiveSum x 1, cudaMemsetAsync x 1, cudaMemcpyAsync x 1");
}

}  // namespace

std::unique_ptr<Variant> make_router_permute_cuda_hist_scan() {
  return std::make_unique<moe_detail::FnVariant>(
      kPermuteOp, Backend::cuda, "hist_scan",
      "shared-atomic histogram + cub::DeviceScan + warp-aggregated atomic scatter (NOT stable within an expert)",
      [](const OpCase& c) { return dynamic_cast<const PermuteCase&>(c).shape().experts <= kMaxSharedExperts; }, prepare,
      [] { return cuda_device_available(); });
}

}  // namespace moelab::kernels::router
