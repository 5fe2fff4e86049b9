// cuda.paged_decode: split-KV flash-decoding over the block table. Each block attends one split
// of one sequence for one kv head and its whole query group (decode_split.cuh); a combine kernel
// merges the splits by log-sum-exp. Splits are sized so the grid fills the GPU about four
// blocks deep even at small batch.
#include <algorithm>

#include "kernels/attention/cuda/decode_split.cuh"
#include "kernels/attention/cuda/device_cases.cuh"
#include "kernels/common/cuda/launch.cuh"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::attention {
namespace cuda_impl {
namespace {

constexpr int kMinSplitKeys = 256;

template <int D, int G>
__global__ void __launch_bounds__(kDecodeThreads)
    paged_decode_split_kernel(PagedDecodeParams p, int split_keys, int splits, float* partial_o, float* partial_lse) {
  const int split = blockIdx.x, hk = blockIdx.y, b = blockIdx.z;
  const int group = p.heads / p.kv_heads;
  const int ctx = p.context_lens[b];
  const int begin = split * split_keys;
  const int end = min(ctx, begin + split_keys);
  const std::int32_t* pages = p.block_table + std::size_t(b) * p.max_pages_per_seq;
  const int page = p.page_size, kv_heads = p.kv_heads;
  auto kv_offset = [=](int t) {
    const std::size_t slot = std::size_t(pages[t / page]) * page + t % page;
    return (slot * kv_heads + hk) * D;
  };
  const std::size_t row0 = std::size_t(b) * p.heads + std::size_t(hk) * group;  // first query head of the group
  SplitDest dst;
  if (splits == 1) {
    dst = {p.out + row0 * D, D, nullptr, 0};
  } else {
    dst = {partial_o + (row0 * splits + split) * D, std::size_t(splits) * D, partial_lse + row0 * splits + split,
           std::size_t(splits)};
  }
  decode_split<D, G>(p.q + row0 * D, group, p.k_cache, p.v_cache, begin, end, p.sm_scale, kv_offset, dst);
}

struct SplitPlan {
  int split_keys;
  int splits;
};

SplitPlan plan_splits(const PagedDecodeParams& p) {
  const int sms = cuda_device_info().has_value() ? cuda_device_info()->sm_count : 132;
  const long long blocks_per_split = static_cast<long long>(p.batch) * p.kv_heads;
  const long long want_splits = std::max<long long>(1, (4LL * sms + blocks_per_split - 1) / blocks_per_split);
  int split_keys = static_cast<int>((p.max_context_len + want_splits - 1) / want_splits);
  split_keys = std::max(kMinSplitKeys, (split_keys + 63) / 64 * 64);
  return {split_keys, (p.max_context_len + split_keys - 1) / split_keys};
}

template <int D>
void launch(const PagedDecodeParams& p, SplitPlan plan, float* partial_o, float* partial_lse, cudaStream_t s) {
  const dim3 grid(plan.splits, p.kv_heads, p.batch);
  // Groups up to 4 (Llama, Qwen: 32/8) get a 4-head register budget, i.e. more resident blocks.
  if (p.heads / p.kv_heads <= 4) {
    ::moelab::kernels::cuda::launch(paged_decode_split_kernel<D, 4>, grid, kDecodeThreads, 0, s, p, plan.split_keys,
                                    plan.splits, partial_o, partial_lse);
  } else {
    ::moelab::kernels::cuda::launch(paged_decode_split_kernel<D, 8>, grid, kDecodeThreads, 0, s, p, plan.split_keys,
                                    plan.splits, partial_o, partial_lse);
  }
  if (plan.splits > 1) {
    ::moelab::kernels::cuda::launch(combine_partials_kernel<D>, p.batch * p.heads, D, 0, s, partial_o, partial_lse,
                                    plan.splits, p.out);
  }
}

struct Workspace {
  DeviceBuffer<float> partial_o, partial_lse;
};

}  // namespace
}  // namespace cuda_impl

using namespace cuda_impl;

std::unique_ptr<Variant> make_attention_decode_paged_cuda_paged_decode() {
  return std::make_unique<CudaVariant<PagedDecodeCase, DevicePagedDecode>>(
      kPagedDecodeOp, "paged_decode",
      "split-KV flash-decoding over the block table (GQA group per block, 16-byte loads), log-sum-exp combine",
      [](const PagedDecodeCase& c) {
        const auto& h = c.shape().h;
        return (h.head_dim == 64 || h.head_dim == 128) && h.heads / h.kv_heads <= kMaxGroup;
      },
      [](DevicePagedDecode& d) -> std::function<void(cudaStream_t)> {
        const PagedDecodeParams p = d.params;
        const SplitPlan plan = plan_splits(p);
        auto ws = std::make_shared<Workspace>();
        if (plan.splits > 1) {
          const std::size_t rows = std::size_t(p.batch) * p.heads * plan.splits;
          ws->partial_o = DeviceBuffer<float>(rows * p.head_dim);
          ws->partial_lse = DeviceBuffer<float>(rows);
        }
        return [p, plan, ws](cudaStream_t s) {
          if (p.head_dim == 64)
            launch<64>(p, plan, ws->partial_o.data(), ws->partial_lse.data(), s);
          else
            launch<128>(p, plan, ws->partial_o.data(), ws->partial_lse.data(), s);
        };
      });
}

}  // namespace moelab::kernels::attention
