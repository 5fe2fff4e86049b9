// cuda.naive for the three attention ops: one thread per (query, head), keys walked one at a
// time with an online softmax in fp32. Simple and obviously correct; the baseline the tuned
// kernels are compared with.
#include "kernels/attention/cuda/device_cases.cuh"
#include "kernels/attention/cuda/device_math.cuh"
#include "kernels/common/cuda/launch.cuh"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::attention {
namespace cuda_impl {
namespace {

// One query row against n keys; row(t) gives the element offset of key t's K and V rows.
template <int D, class RowOffset>
__device__ void attend_row(const std::uint16_t* q, const std::uint16_t* k, const std::uint16_t* v, int n, float scale,
                           RowOffset row, float* out) {
  float qf[D], acc[D];
#pragma unroll
  for (int c = 0; c < D; ++c) {
    qf[c] = bf16_to_float(q[c]) * scale;
    acc[c] = 0.0f;
  }
  float m = -INFINITY, l = 0.0f;
  for (int t = 0; t < n; ++t) {
    const std::size_t off = row(t);
    float s = 0.0f;
#pragma unroll
    for (int c = 0; c < D; ++c) s += qf[c] * bf16_to_float(k[off + c]);
    const float m_new = fmaxf(m, s);
    const float alpha = __expf(m - m_new);
    const float p = __expf(s - m_new);
    l = l * alpha + p;
#pragma unroll
    for (int c = 0; c < D; ++c) acc[c] = acc[c] * alpha + p * bf16_to_float(v[off + c]);
    m = m_new;
  }
#pragma unroll
  for (int c = 0; c < D; ++c) out[c] = acc[c] / l;
}

template <int D>
__global__ void naive_prefill_kernel(PrefillParams p) {
  const int idx = blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= p.total_tokens * p.heads) return;
  const int token = idx / p.heads, h = idx % p.heads, hk = h / (p.heads / p.kv_heads);
  int b = 0;
  while (p.cu_seqlens[b + 1] <= token) ++b;
  const int start = p.cu_seqlens[b];
  const std::size_t q_off = std::size_t(idx) * D;
  const int n_keys = p.causal ? token - start + 1 : p.cu_seqlens[b + 1] - start;
  attend_row<D>(
      p.q + q_off, p.k, p.v, n_keys, p.sm_scale, [&](int t) { return (std::size_t(start + t) * p.kv_heads + hk) * D; },
      p.out + q_off);
}

template <int D>
__global__ void naive_paged_decode_kernel(PagedDecodeParams p) {
  const int idx = blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= p.batch * p.heads) return;
  const int b = idx / p.heads, h = idx % p.heads, hk = h / (p.heads / p.kv_heads);
  const std::int32_t* pages = p.block_table + std::size_t(b) * p.max_pages_per_seq;
  attend_row<D>(
      p.q + std::size_t(idx) * D, p.k_cache, p.v_cache, p.context_lens[b], p.sm_scale,
      [&](int t) {
        const std::size_t slot = std::size_t(pages[t / p.page_size]) * p.page_size + t % p.page_size;
        return (slot * p.kv_heads + hk) * D;
      },
      p.out + std::size_t(idx) * D);
}

// Cascade, naively: plain attention over prefix + suffix, the prefix re-read by every query.
template <int D>
__global__ void naive_cascade_decode_kernel(CascadeDecodeParams p) {
  const int idx = blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= p.batch * p.heads) return;
  const int b = idx / p.heads, h = idx % p.heads, hk = h / (p.heads / p.kv_heads);
  const int s0 = p.cu_suffix[b], n_suffix = p.cu_suffix[b + 1] - s0;
  const std::uint16_t* q = p.q + std::size_t(idx) * D;
  float qf[D], acc[D];
#pragma unroll
  for (int c = 0; c < D; ++c) {
    qf[c] = bf16_to_float(q[c]) * p.sm_scale;
    acc[c] = 0.0f;
  }
  float m = -INFINITY, l = 0.0f;
  const int n = p.prefix_len + n_suffix;
  for (int t = 0; t < n; ++t) {
    const bool in_prefix = t < p.prefix_len;
    const std::size_t off = (std::size_t(in_prefix ? t : s0 + t - p.prefix_len) * p.kv_heads + hk) * D;
    const std::uint16_t* k = in_prefix ? p.k_prefix : p.k_suffix;
    const std::uint16_t* v = in_prefix ? p.v_prefix : p.v_suffix;
    float s = 0.0f;
#pragma unroll
    for (int c = 0; c < D; ++c) s += qf[c] * bf16_to_float(k[off + c]);
    const float m_new = fmaxf(m, s);
    const float alpha = __expf(m - m_new);
    const float pr = __expf(s - m_new);
    l = l * alpha + pr;
#pragma unroll
    for (int c = 0; c < D; ++c) acc[c] = acc[c] * alpha + pr * bf16_to_float(v[off + c]);
    m = m_new;
  }
#pragma unroll
  for (int c = 0; c < D; ++c) p.out[std::size_t(idx) * D + c] = acc[c] / l;
}

constexpr int kThreads = 128;
int blocks_for(long long threads) { return static_cast<int>((threads + kThreads - 1) / kThreads); }

bool head_dim_ok(const HeadShape& h) { return h.head_dim == 64 || h.head_dim == 128; }

}  // namespace
}  // namespace cuda_impl

using namespace cuda_impl;

std::unique_ptr<Variant> make_attention_prefill_cuda_naive() {
  return std::make_unique<CudaVariant<PrefillCase, DevicePrefill>>(
      kPrefillOp, "naive", "one thread per (query, head), online softmax, fp32",
      [](const PrefillCase& c) { return head_dim_ok(c.shape().h); },
      [](DevicePrefill& d) -> std::function<void(cudaStream_t)> {
        const PrefillParams p = d.params;
        return [p](cudaStream_t s) {
          const int blocks = blocks_for(static_cast<long long>(p.total_tokens) * p.heads);
          if (p.head_dim == 64)
            ::moelab::kernels::cuda::launch(naive_prefill_kernel<64>, blocks, kThreads, 0, s, p);
          else
            ::moelab::kernels::cuda::launch(naive_prefill_kernel<128>, blocks, kThreads, 0, s, p);
        };
      });
}

std::unique_ptr<Variant> make_attention_decode_paged_cuda_naive() {
  return std::make_unique<CudaVariant<PagedDecodeCase, DevicePagedDecode>>(
      kPagedDecodeOp, "naive", "one thread per (sequence, head) walking the block table, fp32",
      [](const PagedDecodeCase& c) { return head_dim_ok(c.shape().h); },
      [](DevicePagedDecode& d) -> std::function<void(cudaStream_t)> {
        const PagedDecodeParams p = d.params;
        return [p](cudaStream_t s) {
          const int blocks = blocks_for(static_cast<long long>(p.batch) * p.heads);
          if (p.head_dim == 64)
            ::moelab::kernels::cuda::launch(naive_paged_decode_kernel<64>, blocks, kThreads, 0, s, p);
          else
            ::moelab::kernels::cuda::launch(naive_paged_decode_kernel<128>, blocks, kThreads, 0, s, p);
        };
      });
}

std::unique_ptr<Variant> make_attention_decode_cascade_cuda_naive() {
  return std::make_unique<CudaVariant<CascadeDecodeCase, DeviceCascadeDecode>>(
      kCascadeDecodeOp, "naive", "one thread per (query, head) over prefix + suffix (prefix re-read per query)",
      [](const CascadeDecodeCase& c) { return head_dim_ok(c.shape().h); },
      [](DeviceCascadeDecode& d) -> std::function<void(cudaStream_t)> {
        const CascadeDecodeParams p = d.params;
        return [p](cudaStream_t s) {
          const int blocks = blocks_for(static_cast<long long>(p.batch) * p.heads);
          if (p.head_dim == 64)
            ::moelab::kernels::cuda::launch(naive_cascade_decode_kernel<64>, blocks, kThreads, 0, s, p);
          else
            ::moelab::kernels::cuda::launch(naive_cascade_decode_kernel<128>, blocks, kThreads, 0, s, p);
        };
      });
}

}  // namespace moelab::kernels::attention
