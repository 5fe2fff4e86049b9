// kokkos.fused router.topk: the GPU warp_topk algorithm in portable code. One work item per
// token: scores (softmax: logits; sigmoid: portable sigmoid + bias), group scores as the sum of
// each group's top-2, topk_group rounds of argmax over groups, then k rounds of argmax over the
// experts of the kept groups (ties: lower index), fp32 weights.
#include <cmath>

#include "kernels/common/cpu_prepared_run.hpp"
#include "kernels/common/kokkos_runtime.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/router/cases.hpp"
#include "kernels/router/detail/fn_variant.hpp"
#include "kernels/router/detail/score_math.hpp"

namespace moelab::kernels::router {
namespace {

constexpr int kMaxExperts = 1024;  // as the cuda kernel: 32 lanes x 32 registers
constexpr int kMaxGroups = 32;     // one lane per group

void topk_fused(const TopkParams& p) {
  Kokkos::parallel_for("router.topk.kokkos_fused", Kokkos::RangePolicy<HostExec>(0, p.tokens), [=](int t) {
    const int E = p.experts, gs = E / p.n_group;
    const float* x = p.logits + static_cast<std::size_t>(t) * E;
    float score[kMaxExperts];
    for (int e = 0; e < E; ++e) {
      score[e] = p.scoring == Scoring::softmax ? x[e] : detail::exact_add(detail::portable_sigmoid(x[e]), p.bias[e]);
    }
    if (p.scoring == Scoring::sigmoid && p.n_group > 1) {
      float group_score[kMaxGroups];
      for (int g = 0; g < p.n_group; ++g) {
        float top1 = -INFINITY, top2 = -INFINITY;
        for (int e = g * gs; e < (g + 1) * gs; ++e) {
          if (score[e] > top1) {
            top2 = top1;
            top1 = score[e];
          } else if (score[e] > top2) {
            top2 = score[e];
          }
        }
        group_score[g] = detail::exact_add(top1, top2);
      }
      bool kept[kMaxGroups] = {};
      for (int round = 0; round < p.topk_group; ++round) {
        int best = -1;
        for (int g = 0; g < p.n_group; ++g) {
          if (!kept[g] && (best < 0 || detail::ranks_before(group_score[g], g, group_score[best], best))) best = g;
        }
        kept[best] = true;
      }
      for (int e = 0; e < E; ++e) {
        if (!kept[e / gs]) score[e] = -INFINITY;
      }
    }
    std::int32_t* ids = p.topk_ids + static_cast<std::size_t>(t) * p.k;
    bool taken[kMaxExperts];
    for (int e = 0; e < E; ++e) taken[e] = false;
    for (int j = 0; j < p.k; ++j) {
      int best = -1;
      for (int e = 0; e < E; ++e) {
        if (!taken[e] && (best < 0 || detail::ranks_before(score[e], e, score[best], best))) best = e;
      }
      taken[best] = true;
      ids[j] = best;
    }
    float* w = p.topk_weights + static_cast<std::size_t>(t) * p.k;
    if (p.scoring == Scoring::softmax) {
      float max_logit = x[0];
      for (int e = 1; e < E; ++e) max_logit = x[e] > max_logit ? x[e] : max_logit;
      float denom = 0;
      if (p.renormalize) {
        for (int j = 0; j < p.k; ++j) denom += std::exp(x[ids[j]] - max_logit);
      } else {
        for (int e = 0; e < E; ++e) denom += std::exp(x[e] - max_logit);
      }
      for (int j = 0; j < p.k; ++j) w[j] = std::exp(x[ids[j]] - max_logit) / denom;
    } else {
      float denom = 0;
      for (int j = 0; j < p.k; ++j) {
        w[j] = detail::portable_sigmoid(x[ids[j]]);
        denom += w[j];
      }
      const float scale = p.renormalize ? p.routed_scaling / denom : p.routed_scaling;
      for (int j = 0; j < p.k; ++j) w[j] *= scale;
    }
  });
  Kokkos::fence();
}

}  // namespace

std::unique_ptr<Variant> make_router_topk_kokkos_fused() {
  return std::make_unique<moe_detail::FnVariant>(
      kTopkOp, Backend::kokkos, "fused",
      "one work item per token: scores, group top-2 sums, rounds of argmax (mirrors cuda.warp_topk)",
      [](const OpCase& c) {
        const auto& s = dynamic_cast<const TopkCase&>(c).shape();
        return s.experts <= kMaxExperts && s.n_group <= kMaxGroups;
      },
      [](OpCase& c) -> std::unique_ptr<PreparedRun> {
        ensure_kokkos_initialized();
        auto& tc = moe_detail::case_as<TopkCase>(c);
        return std::make_unique<CpuPreparedRun>([&tc] { topk_fused(tc.params()); });
      });
}

}  // namespace moelab::kernels::router
