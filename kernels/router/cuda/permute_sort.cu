// Sort-based cuda router.permute variants, both stable:
//   cuda.cub_sort    cub::DeviceRadixSort::SortPairs on (expert id, assignment), only the
//                    ceil(log2(experts)) key bits that can be set.
//   cuda.thrust_sort thrust::stable_sort_by_key (Thrust picks a radix sort for int keys; it
//                    allocates its temporary storage inside each call, which the timing includes).
// Then one pass writes expert_offsets and the inverse from the sorted keys.
#include <thrust/execution_policy.h>
#include <thrust/sort.h>
#include <cub/device/device_radix_sort.cuh>

#include <memory>

#include "kernels/common/cuda/cuda_prepared_run.cuh"
#include "kernels/common/cuda/device_buffer.cuh"
#include "kernels/common/cuda/launch.cuh"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/router/cases.hpp"
#include "kernels/router/cuda/permute_common.cuh"
#include "kernels/router/detail/fn_variant.hpp"

namespace moelab::kernels::router {

__global__ void iota_kernel(std::int32_t* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = i;
}

__global__ void offsets_and_inverse_kernel(const std::int32_t* sorted_keys, PermuteParams p) {
  const int pos = blockIdx.x * blockDim.x + threadIdx.x;
  if (pos > p.assignments) return;
  const int prev = pos == 0 ? -1 : sorted_keys[pos - 1];
  const int cur = pos == p.assignments ? p.experts : sorted_keys[pos];
  for (int e = prev + 1; e <= cur; ++e) p.expert_offsets[e] = pos;
  if (pos < p.assignments) p.inverse[p.sorted_assignments[pos]] = pos;
}

void launch_offsets_and_inverse(const std::int32_t* sorted_keys, const PermuteParams& p, cudaStream_t stream) {
  ::moelab::kernels::cuda::launch(offsets_and_inverse_kernel, (p.assignments + 1 + 255) / 256, 256, 0, stream,
                                  sorted_keys, p);
}

namespace {

int key_bits(int experts) {
  int bits = 1;
  while ((1 << bits) < experts) ++bits;
  return bits;
}

struct DevicePermute {
  cuda::DeviceBuffer<std::int32_t> ids, keys_sorted, iota, sorted, offsets, inverse;
  cuda::DeviceBuffer<unsigned char> temp;
  std::size_t temp_bytes = 0;

  explicit DevicePermute(PermuteCase& pc) {
    const std::size_t n = pc.assignments();
    ids = cuda::DeviceBuffer<std::int32_t>(std::span<const std::int32_t>(pc.topk_ids.span()));
    keys_sorted = cuda::DeviceBuffer<std::int32_t>(n);
    iota = cuda::DeviceBuffer<std::int32_t>(n);
    sorted = cuda::DeviceBuffer<std::int32_t>(n);
    offsets = cuda::DeviceBuffer<std::int32_t>(pc.shape().experts + 1);
    inverse = cuda::DeviceBuffer<std::int32_t>(n);
    sorted.poison();
    offsets.poison();
    inverse.poison();
  }
  PermuteParams params(const PermuteCase& pc) {
    return PermuteParams{ids.data(),     sorted.data(),    offsets.data(),
                         inverse.data(), pc.assignments(), pc.shape().experts};
  }
  std::function<void()> copy_out(PermuteCase& pc) {
    return [this, &pc] {
      pc.expect_stable(true);  // the expectation travels with the output
      sorted.download(pc.sorted.span());
      offsets.download(pc.offsets.span());
      inverse.download(pc.inverse.span());
    };
  }
};

std::unique_ptr<PreparedRun> prepare_cub(OpCase& c) {
  auto& pc = moe_detail::case_as<PermuteCase>(c);
  pc.expect_stable(true);
  auto d = std::make_shared<DevicePermute>(pc);
  const PermuteParams p = d->params(pc);
  const int bits = key_bits(p.experts);
  CUDA_CHECK(cub::DeviceRadixSort::SortPairs(nullptr, d->temp_bytes, d->ids.data(), d->keys_sorted.data(),
                                             d->iota.data(), d->sorted.data(), p.assignments, 0, bits));
  d->temp = cuda::DeviceBuffer<unsigned char>(d->temp_bytes);
  auto launch = [p, d, bits](cudaStream_t s) {
    ::moelab::kernels::cuda::launch(iota_kernel, (p.assignments + 255) / 256, 256, 0, s, d->iota.data(), p.assignments);
    std::size_t bytes = d->temp_bytes;
    CUDA_CHECK(cub::DeviceRadixSort::SortPairs(d->temp.data(), bytes, p.topk_ids, d->keys_sorted.data(), d->iota.data(),
                                               p.sorted_assignments, p.assignments, 0, bits, s));
    launch_offsets_and_inverse(d->keys_sorted.data(), p, s);
  };
  auto copy = d->copy_out(pc);
  return std::make_unique<cuda::CudaPreparedRun>(
      launch, [d, copy] { copy(); }, nullptr, "cub::DeviceRadixSort::SortPairs x 1");
}

std::unique_ptr<PreparedRun> prepare_thrust(OpCase& c) {
  auto& pc = moe_detail::case_as<PermuteCase>(c);
  pc.expect_stable(true);
  auto d = std::make_shared<DevicePermute>(pc);
  const PermuteParams p = d->params(pc);
  auto launch = [p, d](cudaStream_t s) {
    CUDA_CHECK(cudaMemcpyAsync(d->keys_sorted.data(), p.topk_ids, sizeof(std::int32_t) * p.assignments,
                               cudaMemcpyDeviceToDevice, s));
    ::moelab::kernels::cuda::launch(iota_kernel, (p.assignments + 255) / 256, 256, 0, s, p.sorted_assignments,
                                    p.assignments);
    thrust::stable_sort_by_key(thrust::cuda::par.on(s), d->keys_sorted.data(), d->keys_sorted.data() + p.assignments,
                               p.sorted_assignments);
    launch_offsets_and_inverse(d->keys_sorted.data(), p, s);
  };
  auto copy = d->copy_out(pc);
  return std::make_unique<cuda::CudaPreparedRun>(
      launch, [d, copy] { copy(); }, nullptr, "thrust::stable_sort_by_key x 1 (allocates), cudaMemcpyAsync x 1",
      /*host_synchronizes=*/true);
}

}  // namespace

std::unique_ptr<Variant> make_router_permute_cuda_cub_sort() {
  return std::make_unique<moe_detail::FnVariant>(
      kPermuteOp, Backend::cuda, "cub_sort",
      "cub::DeviceRadixSort::SortPairs on (expert, assignment) over log2(E) bits + offsets/inverse pass (stable)",
      [](const OpCase&) { return true; }, prepare_cub, [] { return cuda_device_available(); });
}

std::unique_ptr<Variant> make_router_permute_cuda_thrust_sort() {
  return std::make_unique<moe_detail::FnVariant>(
      kPermuteOp, Backend::cuda, "thrust_sort",
      "thrust::stable_sort_by_key on expert ids + offsets/inverse pass (stable; Thrust allocates per call)",
      [](const OpCase&) { return true; }, prepare_thrust, [] { return cuda_device_available(); });
}

}  // namespace moelab::kernels::router
