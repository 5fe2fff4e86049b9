#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>
#include <vector>

#include "base/input_error.hpp"
#include "kernels/common/random_fill.hpp"
#include "kernels/router/cases.hpp"
#include "tests/kernels/moe_test_support.hpp"

using namespace moelab;
using namespace moelab::kernels;
using namespace moelab::kernels::router;

namespace {

TopkShape softmax_shape(int tokens, int experts, int k, bool renorm) {
  TopkShape s;
  s.tokens = tokens;
  s.experts = experts;
  s.k = k;
  s.scoring = Scoring::softmax;
  s.renormalize = renorm;
  s.n_group = 1;
  s.topk_group = 1;
  s.routed_scaling = 1;
  return s;
}

TopkShape sigmoid_shape(int tokens, int experts, int k, int n_group, int topk_group, float scale) {
  TopkShape s;
  s.tokens = tokens;
  s.experts = experts;
  s.k = k;
  s.scoring = Scoring::sigmoid;
  s.renormalize = true;
  s.n_group = n_group;
  s.topk_group = topk_group;
  s.routed_scaling = scale;
  return s;
}

// An independent DeepSeek-V3 router: fp64 sigmoid, every subset of topk_group groups tried,
// the subset with the largest sum of group scores (group score = sum of its two best biased
// scores) kept, then the k best biased scores inside it.
std::vector<int> brute_force_group_limited(const float* x, const float* bias, int E, int k, int n_group,
                                           int topk_group) {
  const int gs = E / n_group;
  std::vector<double> s(E), group_score(n_group);
  for (int e = 0; e < E; ++e) s[e] = 1.0 / (1.0 + std::exp(-static_cast<double>(x[e]))) + bias[e];
  for (int g = 0; g < n_group; ++g) {
    std::vector<double> m(s.begin() + g * gs, s.begin() + (g + 1) * gs);
    std::sort(m.rbegin(), m.rend());
    group_score[g] = m[0] + m[1];
  }
  double best = -INFINITY;
  unsigned best_mask = 0;
  for (unsigned mask = 0; mask < (1u << n_group); ++mask) {
    if (std::popcount(mask) != topk_group) continue;
    double sum = 0;
    for (int g = 0; g < n_group; ++g) {
      if (mask & (1u << g)) sum += group_score[g];
    }
    if (sum > best) best = sum, best_mask = mask;
  }
  std::vector<int> cand;
  for (int e = 0; e < E; ++e) {
    if (best_mask & (1u << (e / gs))) cand.push_back(e);
  }
  std::sort(cand.begin(), cand.end(), [&](int a, int b) { return s[a] > s[b]; });
  cand.resize(k);
  return cand;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(router_topk)

BOOST_AUTO_TEST_CASE(cpu_variants_match_ref_softmax) {
  for (auto [E, k, renorm] : {std::tuple{6, 1, true}, {8, 2, true}, {60, 8, false}, {128, 8, true}, {60, 1, false}}) {
    TopkCase c(softmax_shape(37, E, k, renorm));
    BOOST_TEST(test::check_all_cpu_variants(c) >= 1);
  }
}

BOOST_AUTO_TEST_CASE(cpu_variants_match_ref_sigmoid_group_limited) {
  for (auto [E, k, ng, tg] : {std::tuple{64, 8, 8, 4}, {60, 1, 6, 3}, {60, 8, 6, 2}, {256, 8, 8, 4}, {24, 8, 1, 1}}) {
    TopkCase c(sigmoid_shape(29, E, k, ng, tg, 2.5f));
    BOOST_TEST(test::check_all_cpu_variants(c) >= 1);
  }
}

BOOST_AUTO_TEST_CASE(group_limited_matches_brute_force) {
  for (auto [E, k, ng, tg] : {std::tuple{64, 8, 8, 4}, {60, 3, 6, 2}, {256, 8, 8, 4}, {30, 5, 5, 1}}) {
    TopkCase c(sigmoid_shape(50, E, k, ng, tg, 1.0f));
    c.allocate();  // buffers exist from first use; here they are filled by hand
    // Continuous logits (no quantisation) so fp32 and fp64 rank the same way.
    fill_normal(c.logits.span(), 0.0f, 2.0f, 99);
    fill_uniform(c.bias.span(), -0.3f, 0.3f, 98);
    c.compute_reference();
    for (int t = 0; t < 50; ++t) {
      const auto want = brute_force_group_limited(c.logits.data() + t * E, c.bias.data(), E, k, ng, tg);
      const std::vector<int> got(c.ref_ids.data() + t * k, c.ref_ids.data() + (t + 1) * k);
      BOOST_TEST(got == want, "token " << t);
      // Weights: unbiased sigmoid renormalised over the chosen k (times scale 1).
      BOOST_TEST(std::accumulate(c.ref_weights.data() + t * k, c.ref_weights.data() + (t + 1) * k, 0.0) == 1.0,
                 boost::test_tools::tolerance(1e-12));
    }
  }
}

BOOST_AUTO_TEST_CASE(ties_go_to_the_lower_expert_index) {
  for (auto scoring : {Scoring::softmax, Scoring::sigmoid}) {
    TopkShape s = scoring == Scoring::softmax ? softmax_shape(3, 12, 4, true) : sigmoid_shape(3, 12, 4, 4, 2, 1.0f);
    TopkCase c(s);
    c.fill_inputs(1);
    std::fill(c.bias.begin(), c.bias.end(), 0.0f);
    // Token 0: all equal. Token 1: experts 9 and 5 tie for first, 2 and 7 tie for third.
    // Token 2: all equal except lower values at experts 0 and 1.
    std::fill(c.logits.begin(), c.logits.end(), 0.5f);
    for (int e = 0; e < 12; ++e) c.logits[12 + e] = -1.0f;
    c.logits[12 + 9] = c.logits[12 + 5] = 2.0f;
    c.logits[12 + 2] = c.logits[12 + 7] = 1.0f;
    c.logits[24 + 0] = c.logits[24 + 1] = -3.0f;
    c.compute_reference();
    const std::vector<int> t0(c.ref_ids.data(), c.ref_ids.data() + 4);
    const std::vector<int> t1(c.ref_ids.data() + 4, c.ref_ids.data() + 8);
    const std::vector<int> t2(c.ref_ids.data() + 8, c.ref_ids.data() + 12);
    BOOST_TEST(t0 == (std::vector<int>{0, 1, 2, 3}));
    if (scoring == Scoring::softmax) {
      BOOST_TEST(t1 == (std::vector<int>{5, 9, 2, 7}));
      BOOST_TEST(t2 == (std::vector<int>{2, 3, 4, 5}));
    } else {
      // Groups of 3: {0,1,2} {3,4,5} {6,7,8} {9,10,11}. Top-2 sums: groups 1 and 3 hold a 2
      // (s(2)+s(-1)), groups 0 and 2 a 1 (s(1)+s(-1)): keep 1 and 3; inside them 5 and 9 tie
      // first, then 3, 4 (tied at s(-1)) ahead of 10, 11.
      BOOST_TEST(t1 == (std::vector<int>{5, 9, 3, 4}));
      // Token 2: groups 1, 2, 3 tie (s(.5)+s(.5)) above group 0; the lower two win: 1 and 2.
      BOOST_TEST(t2 == (std::vector<int>{3, 4, 5, 6}));
    }
    // Every CPU variant reproduces the tie-breaking on these hand-made rows.
    for (const auto* v : test::cpu_variants(kTopkOp)) {
      c.poison_output();
      auto run = v->prepare(c);
      run->timed_run();
      run->copy_output_to_case();
      const auto r = c.check_output();
      BOOST_TEST_INFO(v->full_name());
      BOOST_TEST(r.passed, r.detail);
    }
  }
}

BOOST_AUTO_TEST_CASE(weights_follow_each_model_convention) {
  {  // Mixtral: softmax renormalised over the top-2 = softmax of the two logits.
    TopkCase c(softmax_shape(1, 8, 2, true));
    c.fill_inputs(3);
    for (int e = 0; e < 8; ++e) c.logits[e] = static_cast<float>(e) * 0.25f;  // best: 7, 6
    c.compute_reference();
    BOOST_TEST(c.ref_ids[0] == 7);
    BOOST_TEST(c.ref_ids[1] == 6);
    BOOST_TEST(c.ref_weights[0] == 1.0 / (1.0 + std::exp(-0.25)), boost::test_tools::tolerance(1e-12));
  }
  {  // No renormalisation: softmax over all experts.
    TopkCase c(softmax_shape(1, 4, 1, false));
    c.fill_inputs(3);
    for (int e = 0; e < 4; ++e) c.logits[e] = 0.0f;
    c.logits[2] = 1.0f;
    c.compute_reference();
    BOOST_TEST(c.ref_ids[0] == 2);
    BOOST_TEST(c.ref_weights[0] == std::exp(1.0) / (std::exp(1.0) + 3.0), boost::test_tools::tolerance(1e-12));
  }
  {  // DeepSeek-V3: weights sum to routed_scaling_factor, and ignore the bias.
    TopkCase c(sigmoid_shape(4, 64, 8, 8, 4, 2.5f));
    c.fill_inputs(5);
    c.compute_reference();
    for (int t = 0; t < 4; ++t) {
      BOOST_TEST(std::accumulate(c.ref_weights.data() + t * 8, c.ref_weights.data() + t * 8 + 8, 0.0) == 2.5,
                 boost::test_tools::tolerance(1e-12));
      const int e0 = c.ref_ids[t * 8], e1 = c.ref_ids[t * 8 + 1];
      const double s0 = 1 / (1 + std::exp(-double(c.logits[t * 64 + e0])));
      const double s1 = 1 / (1 + std::exp(-double(c.logits[t * 64 + e1])));
      BOOST_TEST(c.ref_weights[t * 8] / c.ref_weights[t * 8 + 1] == s0 / s1, boost::test_tools::tolerance(1e-12));
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_shapes_throw_input_error) {
  BOOST_CHECK_THROW(TopkCase(softmax_shape(4, 6, 7, true)), InputError);       // k > experts
  BOOST_CHECK_THROW(TopkCase(softmax_shape(0, 6, 1, true)), InputError);       // no tokens
  BOOST_CHECK_THROW(TopkCase(sigmoid_shape(4, 60, 8, 7, 2, 1)), InputError);   // 7 does not divide 60
  BOOST_CHECK_THROW(TopkCase(sigmoid_shape(4, 64, 8, 8, 0, 1)), InputError);   // topk_group 0
  BOOST_CHECK_THROW(TopkCase(sigmoid_shape(4, 64, 8, 8, 9, 1)), InputError);   // topk_group > n_group
  BOOST_CHECK_THROW(TopkCase(sigmoid_shape(4, 64, 20, 8, 2, 1)), InputError);  // 2 groups of 8 < k
  BOOST_CHECK_THROW(TopkCase(sigmoid_shape(4, 8, 2, 8, 2, 1)), InputError);    // groups of 1
  BOOST_CHECK_THROW(TopkCase(sigmoid_shape(4, 8, 2, 2, 1, 0)), InputError);    // scale 0
  auto bad_group_softmax = softmax_shape(4, 8, 2, true);
  bad_group_softmax.n_group = 2;
  BOOST_CHECK_THROW(TopkCase{bad_group_softmax}, InputError);
  ShapeArgs args;
  args.preset = "deepseek-v3";
  args.dims = {{"tokens", 8}, {"nonsense", 1}};
  BOOST_CHECK_THROW(make_topk_case(args), InputError);
  args.dims = {{"tokens", 8}, {"sigmoid", 2}};
  BOOST_CHECK_THROW(make_topk_case(args), InputError);
  args.dims = {};
  args.preset = "no-such-model";
  BOOST_CHECK_THROW(make_topk_case(args), InputError);
}

BOOST_AUTO_TEST_CASE(presets_build_and_run_small) {
  for (const auto& name : topk_preset_names()) {
    ShapeArgs args;
    args.preset = name;
    args.dims = {{"tokens", 17}};
    auto c = make_topk_case(args);
    BOOST_TEST(c->op() == kTopkOp);
    BOOST_TEST(c->bytes() > 0);
    BOOST_TEST(test::check_all_cpu_variants(*c) >= 1);
  }
  ShapeArgs ds;
  ds.preset = "deepseek-v3";
  ds.dims = {{"tokens", 2}};
  auto c = make_topk_case(ds);
  BOOST_TEST(c->shape_text() == "tokens=2 experts=256 k=8 sigmoid+bias groups=8/top4 scale=2.5 renorm");
}

BOOST_AUTO_TEST_CASE(poisoned_output_fails_the_check) {
  TopkCase c(softmax_shape(5, 16, 4, true));
  c.fill_inputs(2);
  c.compute_reference();
  c.poison_output();
  BOOST_TEST(!c.check_output().passed);
}

BOOST_AUTO_TEST_SUITE_END()

#include "kernels/router/detail/score_math.hpp"

BOOST_AUTO_TEST_SUITE(router_score_math)

BOOST_AUTO_TEST_CASE(portable_exp_and_sigmoid_are_accurate) {
  double worst_rel = 0;
  for (int i = -86500; i < 87500; i += 7) {  // below -87 the exp flushes to 0 on purpose
    const float x = static_cast<float>(i) * 1e-3f;
    const double want = std::exp(static_cast<double>(x));
    worst_rel = std::max(worst_rel, std::fabs(detail::portable_exp(x) - want) / want);
  }
  BOOST_TEST(worst_rel < 4e-7);  // ~3 ulp of fp32
  BOOST_TEST(detail::portable_exp(100.0f) == INFINITY);
  BOOST_TEST(detail::portable_exp(-100.0f) == 0.0f);
  BOOST_TEST(std::isnan(detail::portable_exp(NAN)));
  BOOST_TEST(detail::portable_sigmoid(0.0f) == 0.5f);
  BOOST_TEST(detail::portable_sigmoid(-200.0f) == 0.0f);
  BOOST_TEST(detail::portable_sigmoid(200.0f) == 1.0f);
  for (float x : {-5.0f, -0.3f, 0.7f, 4.0f}) {
    BOOST_TEST(detail::portable_sigmoid(x) == 1.0 / (1.0 + std::exp(-double(x))), boost::test_tools::tolerance(1e-6));
  }
}

BOOST_AUTO_TEST_CASE(ranking_rule) {
  BOOST_TEST(detail::ranks_before(2.0f, 5, 1.0f, 0));
  BOOST_TEST(detail::ranks_before(1.0f, 0, 1.0f, 5));
  BOOST_TEST(!detail::ranks_before(1.0f, 5, 1.0f, 0));
  BOOST_TEST(!detail::ranks_before(1.0f, 3, 1.0f, 3));
}

BOOST_AUTO_TEST_SUITE_END()
