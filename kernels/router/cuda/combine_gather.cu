// cuda.gather router.combine: one block per token; each thread owns 8 consecutive hidden
// elements (one 16-byte load per expert row when hidden % 8 == 0), gathers the token's k rows
// through the inverse permutation, accumulates w * row in fp32 and stores bf16.
#include <cuda_bf16.h>

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

constexpr int kThreads = 128;

__global__ void __launch_bounds__(kThreads) combine_kernel(CombineParams p) {
  const int t = blockIdx.x;
  const std::size_t H = p.hidden;
  const auto* rows = reinterpret_cast<const __nv_bfloat16*>(p.expert_out);
  auto* out = reinterpret_cast<__nv_bfloat16*>(p.out) + t * H;
  const bool vector_ok = H % 8 == 0;
  for (std::size_t h0 = static_cast<std::size_t>(threadIdx.x) * 8; h0 < H; h0 += kThreads * 8) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int j = 0; j < p.k; ++j) {
      const std::size_t a = static_cast<std::size_t>(t) * p.k + j;
      const float w = p.topk_weights[a];
      const __nv_bfloat16* row = rows + static_cast<std::size_t>(p.inverse[a]) * H + h0;
      if (vector_ok) {
        const uint4 raw = *reinterpret_cast<const uint4*>(row);
        const auto* v = reinterpret_cast<const __nv_bfloat162*>(&raw);
#pragma unroll
        for (int i = 0; i < 4; ++i) {
          const float2 f = __bfloat1622float2(v[i]);
          acc[2 * i] += w * f.x;
          acc[2 * i + 1] += w * f.y;
        }
      } else {
        for (int i = 0; i < 8 && h0 + i < H; ++i) acc[i] += w * __bfloat162float(row[i]);
      }
    }
    if (vector_ok) {
      uint4 packed;
      auto* v = reinterpret_cast<__nv_bfloat162*>(&packed);
#pragma unroll
      for (int i = 0; i < 4; ++i) v[i] = __floats2bfloat162_rn(acc[2 * i], acc[2 * i + 1]);
      *reinterpret_cast<uint4*>(out + h0) = packed;
    } else {
      for (int i = 0; i < 8 && h0 + i < H; ++i) out[h0 + i] = __float2bfloat16_rn(acc[i]);
    }
  }
}

struct DeviceCombine {
  cuda::DeviceBuffer<bf16> expert_out, out;
  cuda::DeviceBuffer<std::int32_t> inverse;
  cuda::DeviceBuffer<float> weights;
};

std::unique_ptr<PreparedRun> prepare(OpCase& c) {
  auto& cc = moe_detail::case_as<CombineCase>(c);
  auto d = std::make_shared<DeviceCombine>();
  d->expert_out = cuda::DeviceBuffer<bf16>(std::span<const bf16>(cc.expert_out.span()));
  d->inverse = cuda::DeviceBuffer<std::int32_t>(std::span<const std::int32_t>(cc.inverse.span()));
  d->weights = cuda::DeviceBuffer<float>(std::span<const float>(cc.weights.span()));
  d->out = cuda::DeviceBuffer<bf16>(cc.out.size());
  d->out.poison();
  CombineParams p = cc.params();
  p.expert_out = reinterpret_cast<const std::uint16_t*>(d->expert_out.data());
  p.inverse = d->inverse.data();
  p.topk_weights = d->weights.data();
  p.out = reinterpret_cast<std::uint16_t*>(d->out.data());
  return std::make_unique<cuda::CudaPreparedRun>(
      [p, d](cudaStream_t s) { ::moelab::kernels::cuda::launch(combine_kernel, p.tokens, kThreads, 0, s, p); },
      [d, &cc] { d->out.download(cc.out.span()); });
}

}  // namespace

std::unique_ptr<Variant> make_router_combine_cuda_gather() {
  return std::make_unique<moe_detail::FnVariant>(
      kCombineOp, Backend::cuda, "gather",
      "one block per token, 16-byte row loads through the inverse permutation, fp32 accumulation, bf16 store",
      [](const OpCase&) { return true; }, prepare, [] { return cuda_device_available(); });
}

}  // namespace moelab::kernels::router
