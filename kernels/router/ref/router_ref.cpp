#include "kernels/router/ref/router_ref.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "kernels/common/bf16.hpp"
#include "kernels/router/detail/score_math.hpp"

namespace moelab::kernels::router {

using detail::ranks_before;

void topk_ref(const TopkParams& p, double* weights_out) {
  const int E = p.experts;
  const bool grouped = p.scoring == Scoring::sigmoid && p.n_group > 1;
  const int group_size = E / p.n_group;
  std::vector<float> score(E);
  std::vector<int> order(E), groups(p.n_group), candidates;
  std::vector<float> group_score(p.n_group);
  std::vector<char> group_kept(p.n_group);
  for (int t = 0; t < p.tokens; ++t) {
    const float* x = p.logits + static_cast<std::size_t>(t) * E;
    // Selection scores: the logit itself for softmax (monotone), sigmoid + bias otherwise.
    for (int e = 0; e < E; ++e) {
      score[e] = p.scoring == Scoring::softmax ? x[e] : detail::exact_add(detail::portable_sigmoid(x[e]), p.bias[e]);
    }
    std::fill(group_kept.begin(), group_kept.end(), 1);
    if (grouped) {
      for (int g = 0; g < p.n_group; ++g) {
        std::vector<float> member(score.begin() + g * group_size, score.begin() + (g + 1) * group_size);
        std::sort(member.begin(), member.end(), std::greater<float>());
        group_score[g] = detail::exact_add(member[0], member[1]);
      }
      std::iota(groups.begin(), groups.end(), 0);
      std::sort(groups.begin(), groups.end(),
                [&](int a, int b) { return ranks_before(group_score[a], a, group_score[b], b); });
      std::fill(group_kept.begin(), group_kept.end(), 0);
      for (int i = 0; i < p.topk_group; ++i) group_kept[groups[i]] = 1;
    }
    candidates.clear();
    for (int e = 0; e < E; ++e) {
      if (group_kept[e / group_size]) candidates.push_back(e);
    }
    std::sort(candidates.begin(), candidates.end(),
              [&](int a, int b) { return ranks_before(score[a], a, score[b], b); });

    std::int32_t* ids = p.topk_ids + static_cast<std::size_t>(t) * p.k;
    double* w = weights_out + static_cast<std::size_t>(t) * p.k;
    for (int j = 0; j < p.k; ++j) ids[j] = candidates[j];
    if (p.scoring == Scoring::softmax) {
      double max_logit = -INFINITY;
      for (int e = 0; e < E; ++e) max_logit = std::max(max_logit, static_cast<double>(x[e]));
      double denom = 0;
      if (p.renormalize) {
        for (int j = 0; j < p.k; ++j) denom += std::exp(static_cast<double>(x[ids[j]]) - max_logit);
      } else {
        for (int e = 0; e < E; ++e) denom += std::exp(static_cast<double>(x[e]) - max_logit);
      }
      for (int j = 0; j < p.k; ++j) w[j] = std::exp(static_cast<double>(x[ids[j]]) - max_logit) / denom;
    } else {
      // Weights use the unbiased sigmoid scores; the bias only steers selection.
      double denom = 0;
      for (int j = 0; j < p.k; ++j) {
        w[j] = 1.0 / (1.0 + std::exp(-static_cast<double>(x[ids[j]])));
        denom += w[j];
      }
      for (int j = 0; j < p.k; ++j)
        w[j] = (p.renormalize ? w[j] / denom : w[j]) * static_cast<double>(p.routed_scaling);
    }
  }
}

void permute_ref(const PermuteParams& p) {
  std::vector<std::int32_t> count(p.experts, 0);
  for (int a = 0; a < p.assignments; ++a) ++count[p.topk_ids[a]];
  p.expert_offsets[0] = 0;
  for (int e = 0; e < p.experts; ++e) p.expert_offsets[e + 1] = p.expert_offsets[e] + count[e];
  std::vector<std::int32_t> cursor(p.expert_offsets, p.expert_offsets + p.experts);
  for (int a = 0; a < p.assignments; ++a) {  // ascending a: stable by construction
    const std::int32_t pos = cursor[p.topk_ids[a]]++;
    p.sorted_assignments[pos] = a;
    p.inverse[a] = pos;
  }
}

void combine_ref(const CombineParams& p, double* out_fp64) {
  const std::size_t H = static_cast<std::size_t>(p.hidden);
  for (int t = 0; t < p.tokens; ++t) {
    double* o = out_fp64 + t * H;
    std::fill(o, o + H, 0.0);
    for (int j = 0; j < p.k; ++j) {
      const std::size_t a = static_cast<std::size_t>(t) * p.k + j;
      const double w = p.topk_weights[a];
      const auto* row = reinterpret_cast<const bf16*>(p.expert_out) + static_cast<std::size_t>(p.inverse[a]) * H;
      for (std::size_t h = 0; h < H; ++h) o[h] += w * static_cast<double>(to_float(row[h]));
    }
  }
}

}  // namespace moelab::kernels::router
