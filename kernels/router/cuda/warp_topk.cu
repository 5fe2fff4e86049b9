// cuda.warp_topk router.topk: one warp per token, fused. Lane l holds experts l, l+32, ... in
// registers; scores are computed there (softmax: the logit; sigmoid: portable sigmoid + bias);
// for group-limited routing the biased scores go through shared memory so lane g can sum group
// g's top-2, and topk_group warp-argmax rounds keep the best groups; then k warp-argmax rounds
// (shuffle butterflies over (score, index), ties to the lower index) pick the experts. Lane j
// keeps the j-th pick and writes its id and weight.
#include <climits>
#include <memory>

#include "kernels/common/cuda/cuda_prepared_run.cuh"
#include "kernels/common/cuda/device_buffer.cuh"
#include "kernels/common/cuda/launch.cuh"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/router/cases.hpp"
#include "kernels/router/detail/fn_variant.hpp"
#include "kernels/router/detail/score_math.hpp"

namespace moelab::kernels::router {
namespace {

constexpr int kWarpsPerBlock = 4;
constexpr int kMaxExperts = 1024;
constexpr unsigned kFullMask = 0xffffffffu;

__device__ __forceinline__ void warp_argmax(float& v, int& i) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) {
    const float ov = __shfl_xor_sync(kFullMask, v, offset);
    const int oi = __shfl_xor_sync(kFullMask, i, offset);
    if (detail::ranks_before(ov, oi, v, i)) v = ov, i = oi;
  }
}

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(kFullMask, v, offset);
  return v;
}

template <int kPerLane>
__global__ void __launch_bounds__(kWarpsPerBlock * 32) warp_topk_kernel(TopkParams p) {
  extern __shared__ float s_scores[];  // [kWarpsPerBlock][experts], group-limited routing only
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int t = blockIdx.x * kWarpsPerBlock + warp;
  if (t >= p.tokens) return;  // whole warps leave together
  const int E = p.experts;
  const float* x = p.logits + static_cast<std::size_t>(t) * E;

  float v[kPerLane];
  float max_logit = -INFINITY;
#pragma unroll
  for (int i = 0; i < kPerLane; ++i) {
    const int e = lane + 32 * i;
    if (e < E) {
      const float xe = x[e];
      max_logit = fmaxf(max_logit, xe);
      v[i] = p.scoring == Scoring::softmax ? xe : detail::exact_add(detail::portable_sigmoid(xe), p.bias[e]);
    } else {
      v[i] = -INFINITY;
    }
  }

  if (p.scoring == Scoring::sigmoid && p.n_group > 1) {
    float* s = s_scores + warp * E;
#pragma unroll
    for (int i = 0; i < kPerLane; ++i) {
      if (lane + 32 * i < E) s[lane + 32 * i] = v[i];
    }
    __syncwarp();
    const int gs = E / p.n_group;
    float gscore = -INFINITY;
    int gindex = INT_MAX;
    if (lane < p.n_group) {
      float top1 = -INFINITY, top2 = -INFINITY;
      // Each lane starts at a different offset of its group, so with gs = 32 the lanes hit
      // 32 different banks instead of one; the order does not change the top-2 values.
      for (int i = 0, j = lane % gs; i < gs; ++i, j = j + 1 == gs ? 0 : j + 1) {
        const float se = s[lane * gs + j];
        if (se > top1) {
          top2 = top1;
          top1 = se;
        } else if (se > top2) {
          top2 = se;
        }
      }
      gscore = detail::exact_add(top1, top2);
      gindex = lane;
    }
    unsigned kept = 0;
    for (int round = 0; round < p.topk_group; ++round) {
      float bv = gscore;
      int bi = gindex;
      warp_argmax(bv, bi);
      kept |= 1u << bi;
      if (lane == bi) gscore = -INFINITY, gindex = INT_MAX;  // out of the next rounds
    }
#pragma unroll
    for (int i = 0; i < kPerLane; ++i) {
      const int e = lane + 32 * i;
      if (e < E && !((kept >> (e / gs)) & 1u)) v[i] = -INFINITY;
    }
  }

  unsigned taken = 0;
  int my_id = 0;
  float my_value = 0;
  for (int j = 0; j < p.k; ++j) {
    float bv = -INFINITY;
    int bi = INT_MAX;
#pragma unroll
    for (int i = 0; i < kPerLane; ++i) {
      const int e = lane + 32 * i;
      if (e < E && !((taken >> i) & 1u) && detail::ranks_before(v[i], e, bv, bi)) bv = v[i], bi = e;
    }
    warp_argmax(bv, bi);
    if ((bi & 31) == lane) taken |= 1u << (bi >> 5);
    if (lane == j) my_id = bi, my_value = bv;
  }

  float w = 0;
  if (p.scoring == Scoring::softmax) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1)
      max_logit = fmaxf(max_logit, __shfl_xor_sync(kFullMask, max_logit, offset));
    const float mine = lane < p.k ? expf(my_value - max_logit) : 0.0f;  // my_value is the logit
    float denom;
    if (p.renormalize) {
      denom = warp_sum(mine);
    } else {
      float part = 0;
#pragma unroll
      for (int i = 0; i < kPerLane; ++i) {
        if (lane + 32 * i < E) part += expf(x[lane + 32 * i] - max_logit);
      }
      denom = warp_sum(part);
    }
    w = mine / denom;
  } else {
    const float mine = lane < p.k ? detail::portable_sigmoid(x[my_id]) : 0.0f;  // unbiased score
    const float denom = p.renormalize ? warp_sum(mine) : 1.0f;
    w = mine / denom * p.routed_scaling;
  }
  if (lane < p.k) {
    p.topk_ids[static_cast<std::size_t>(t) * p.k + lane] = my_id;
    p.topk_weights[static_cast<std::size_t>(t) * p.k + lane] = w;
  }
}

template <int kPerLane>
void launch(const TopkParams& p, cudaStream_t stream) {
  const bool grouped = p.scoring == Scoring::sigmoid && p.n_group > 1;
  const std::size_t smem = grouped ? sizeof(float) * kWarpsPerBlock * p.experts : 0;
  const int blocks = (p.tokens + kWarpsPerBlock - 1) / kWarpsPerBlock;
  ::moelab::kernels::cuda::launch(warp_topk_kernel<kPerLane>, blocks, kWarpsPerBlock * 32, smem, stream, p);
}

void launch_warp_topk(const TopkParams& p, cudaStream_t stream) {
  const int per_lane = (p.experts + 31) / 32;
  if (per_lane <= 1) return launch<1>(p, stream);
  if (per_lane <= 2) return launch<2>(p, stream);
  if (per_lane <= 4) return launch<4>(p, stream);
  if (per_lane <= 8) return launch<8>(p, stream);
  if (per_lane <= 16) return launch<16>(p, stream);
  return launch<32>(p, stream);
}

struct DeviceTopk {
  cuda::DeviceBuffer<float> logits, bias, weights;
  cuda::DeviceBuffer<std::int32_t> ids;
};

}  // namespace

std::unique_ptr<Variant> make_router_topk_cuda_warp_topk() {
  return std::make_unique<moe_detail::FnVariant>(
      kTopkOp, Backend::cuda, "warp_topk",
      "one warp per token, fused scores + group top-2 sums + k warp-argmax rounds in registers",
      [](const OpCase& c) {
        const auto& s = dynamic_cast<const TopkCase&>(c).shape();
        return s.experts <= kMaxExperts && s.k <= 32 && s.n_group <= 32;
      },
      [](OpCase& c) -> std::unique_ptr<PreparedRun> {
        auto& tc = moe_detail::case_as<TopkCase>(c);
        auto d = std::make_shared<DeviceTopk>();
        d->logits = cuda::DeviceBuffer<float>(std::span<const float>(tc.logits.span()));
        d->bias = cuda::DeviceBuffer<float>(std::span<const float>(tc.bias.span()));
        d->weights = cuda::DeviceBuffer<float>(tc.weights.size());
        d->ids = cuda::DeviceBuffer<std::int32_t>(tc.ids.size());
        d->weights.poison();
        d->ids.poison();
        TopkParams p = tc.params();
        p.logits = d->logits.data();
        p.bias = d->bias.data();
        p.topk_ids = d->ids.data();
        p.topk_weights = d->weights.data();
        return std::make_unique<cuda::CudaPreparedRun>([p, d](cudaStream_t s) { launch_warp_topk(p, s); },
                                                       [d, &tc] {
                                                         d->ids.download(tc.ids.span());
                                                         d->weights.download(tc.weights.span());
                                                       });
      },
      [] { return cuda_device_available(); });
}

}  // namespace moelab::kernels::router
