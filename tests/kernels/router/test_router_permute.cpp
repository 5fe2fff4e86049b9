#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "base/input_error.hpp"
#include "kernels/router/cases.hpp"
#include "kernels/router/ref/router_ref.hpp"
#include "kernels/router/routing.hpp"
#include "tests/kernels/moe_test_support.hpp"

using namespace moelab;
using namespace moelab::kernels;
using namespace moelab::kernels::router;

namespace {
PermuteShape pshape(int tokens, int experts, int k, double zipf = 0) { return {tokens, experts, k, zipf}; }
}  // namespace

BOOST_AUTO_TEST_SUITE(router_permute)

BOOST_AUTO_TEST_CASE(cpu_variants_match_ref) {
  for (auto s : {pshape(100, 6, 1), pshape(100, 60, 8), pshape(5, 60, 1), pshape(257, 256, 8, 1.2), pshape(64, 8, 2),
                 pshape(1, 384, 8)}) {
    PermuteCase c(s);
    BOOST_TEST(test::check_all_cpu_variants(c) >= 1);
  }
}

BOOST_AUTO_TEST_CASE(ref_is_a_stable_permutation_and_inverse_undoes_it) {
  PermuteCase c(pshape(300, 60, 8, 1.0));
  c.fill_inputs(11);
  c.compute_reference();
  const int n = c.assignments();
  std::vector<int> expert_of_sorted(n);
  for (int pos = 0; pos < n; ++pos) {
    BOOST_REQUIRE(c.ref_inverse[c.ref_sorted[pos]] == pos);  // inverse after sort: identity
    expert_of_sorted[pos] = c.topk_ids[c.ref_sorted[pos]];
  }
  for (int a = 0; a < n; ++a) BOOST_REQUIRE(c.ref_sorted[c.ref_inverse[a]] == a);
  BOOST_TEST(std::is_sorted(expert_of_sorted.begin(), expert_of_sorted.end()));
  for (int e = 0; e < 60; ++e) {
    BOOST_TEST(std::is_sorted(c.ref_sorted.data() + c.ref_offsets[e], c.ref_sorted.data() + c.ref_offsets[e + 1]));
    BOOST_TEST(c.ref_offsets[e + 1] - c.ref_offsets[e] == std::count(c.topk_ids.begin(), c.topk_ids.end(), e));
  }
  BOOST_TEST(c.ref_offsets[60] == n);
}

BOOST_AUTO_TEST_CASE(experts_with_zero_tokens_get_empty_segments) {
  PermuteCase c(pshape(3, 60, 1));
  c.fill_inputs(4);
  c.compute_reference();
  int empty = 0;
  for (int e = 0; e < 60; ++e) empty += c.ref_offsets[e + 1] == c.ref_offsets[e];
  BOOST_TEST(empty >= 57);
}

BOOST_AUTO_TEST_CASE(check_accepts_unstable_order_only_when_told) {
  PermuteCase c(pshape(200, 6, 2));
  c.fill_inputs(5);
  c.compute_reference();
  // A valid but unstable result: reverse every expert's segment, fix the inverse.
  std::copy(c.ref_offsets.begin(), c.ref_offsets.end(), c.offsets.begin());
  std::copy(c.ref_sorted.begin(), c.ref_sorted.end(), c.sorted.begin());
  for (int e = 0; e < 6; ++e) std::reverse(c.sorted.data() + c.offsets[e], c.sorted.data() + c.offsets[e + 1]);
  for (int pos = 0; pos < c.assignments(); ++pos) c.inverse[c.sorted[pos]] = pos;
  c.expect_stable(true);
  BOOST_TEST(!c.check_output().passed);
  c.expect_stable(false);
  BOOST_TEST(c.check_output().passed);
  // Broken inverse.
  std::swap(c.inverse[0], c.inverse[1]);
  BOOST_TEST(!c.check_output().passed);
  std::swap(c.inverse[0], c.inverse[1]);
  // An assignment moved into the wrong expert's segment.
  std::swap(c.sorted[c.offsets[0]], c.sorted[c.offsets[1]]);
  for (int pos = 0; pos < c.assignments(); ++pos) c.inverse[c.sorted[pos]] = pos;
  BOOST_TEST(!c.check_output().passed);
}

BOOST_AUTO_TEST_CASE(bad_shapes_throw_input_error) {
  BOOST_CHECK_THROW(PermuteCase(pshape(10, 4, 5)), InputError);
  BOOST_CHECK_THROW(PermuteCase(pshape(10, 0, 1)), InputError);
  BOOST_CHECK_THROW(PermuteCase(pshape(10, 4, 2, -1)), InputError);
  ShapeArgs args;
  args.preset = "mixtral-8x7b";
  args.dims = {{"k", 9}};
  BOOST_CHECK_THROW(make_permute_case(args), InputError);
  args.dims = {{"zipf_x1000", -5}};
  BOOST_CHECK_THROW(make_permute_case(args), InputError);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(router_combine)

BOOST_AUTO_TEST_CASE(cpu_variants_match_ref) {
  for (auto s : {CombineShape{33, 6, 1, 40, 0}, CombineShape{17, 60, 8, 72, 1.1}, CombineShape{8, 8, 2, 4096, 0}}) {
    CombineCase c(s);
    BOOST_TEST(test::check_all_cpu_variants(c) >= 1);
  }
}

BOOST_AUTO_TEST_CASE(ref_combines_by_hand) {
  // 2 tokens, k = 2, hidden 2. Sorted rows r0..r3; token 0's slots sit at rows 2 and 0,
  // token 1's at rows 3 and 1.
  const std::vector<float> rows = {1, 2, 10, 20, 100, 200, 1000, 2000};
  std::vector<std::uint16_t> rows_bf16;
  for (float v : rows) rows_bf16.push_back(to_bf16(v).bits);
  const std::vector<std::int32_t> inverse = {2, 0, 3, 1};
  const std::vector<float> w = {0.5f, 0.25f, 1.0f, 2.0f};
  std::vector<double> out(4);
  combine_ref(CombineParams{rows_bf16.data(), inverse.data(), w.data(), nullptr, 2, 2, 2}, out.data());
  BOOST_TEST(out == (std::vector<double>{0.5 * 100 + 0.25 * 1, 0.5 * 200 + 0.25 * 2, 1000 + 2 * 10, 2000 + 2 * 20}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(permute_then_combine_with_unit_weight_restores_rows) {
  // Gather token rows into sorted order (permute), combine back with k = 1 and weight 1:
  // the identity (bf16 values survive exactly).
  PermuteCase p(pshape(50, 6, 1));
  p.fill_inputs(9);
  p.compute_reference();
  CombineCase c(CombineShape{50, 6, 1, 16, 0});
  c.fill_inputs(9);
  std::copy(p.ref_inverse.begin(), p.ref_inverse.end(), c.inverse.begin());
  std::fill(c.weights.begin(), c.weights.end(), 1.0f);
  std::vector<bf16> tokens(50 * 16);
  for (std::size_t i = 0; i < tokens.size(); ++i) tokens[i] = to_bf16(static_cast<float>(i % 97) - 48.0f);
  for (int pos = 0; pos < 50; ++pos) {
    std::copy_n(tokens.data() + p.ref_sorted[pos] * 16, 16, c.expert_out.data() + pos * 16);
  }
  c.compute_reference();
  for (std::size_t i = 0; i < tokens.size(); ++i) BOOST_REQUIRE(c.ref[i] == to_float(tokens[i]));
  BOOST_TEST(test::check_all_cpu_variants(c, 9) >= 1);  // (fresh inputs; the variants vs ref)
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(routing_statistics)

BOOST_AUTO_TEST_CASE(tokens_per_expert_and_imbalance) {
  // 4 experts, 6 assignments: counts 3, 0, 2, 1 -> mean 1.5, max 3, imbalance 2.
  const std::vector<std::int32_t> ids = {0, 2, 0, 3, 2, 0};
  const auto s = routing_stats(ids, 4);
  BOOST_TEST(s.tokens_per_expert == (std::vector<std::int64_t>{3, 0, 2, 1}), boost::test_tools::per_element());
  BOOST_TEST(s.assignments == 6);
  BOOST_TEST(s.max_tokens == 3);
  BOOST_TEST(s.min_tokens == 0);
  BOOST_TEST(s.idle_experts == 1);
  BOOST_TEST(s.load_imbalance == 2.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(s.cv == std::sqrt((2.25 + 2.25 + 0.25 + 0.25) / 4) / 1.5, boost::test_tools::tolerance(1e-12));
  const std::vector<std::int32_t> bad = {0, 4};
  BOOST_CHECK_THROW(routing_stats(bad, 4), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(balanced_and_zipf_group_sizes) {
  const auto balanced = group_sizes(1000, 60, 8, 0, 1);
  BOOST_TEST(std::accumulate(balanced.begin(), balanced.end(), std::int64_t{0}) == 8000);
  const auto [lo, hi] = std::minmax_element(balanced.begin(), balanced.end());
  BOOST_TEST(*hi - *lo <= 1);
  const auto skewed = group_sizes(1000, 60, 8, 1.2, 1);
  BOOST_TEST(std::accumulate(skewed.begin(), skewed.end(), std::int64_t{0}) == 8000);
  BOOST_TEST(*std::max_element(skewed.begin(), skewed.end()) <= 1000);  // k distinct experts per token
  BOOST_TEST(expert_load_from_counts(skewed).load_imbalance > 2.0);
  BOOST_TEST(expert_load_from_counts(balanced).load_imbalance < 1.01);
  BOOST_TEST(group_sizes(1000, 60, 8, 1.2, 1) == skewed);  // seeded: reproducible
  // Every token's k experts are distinct.
  const auto r = sample_routing(200, 16, 8, 2.0, 3);
  for (int t = 0; t < 200; ++t) {
    std::vector<int> e(r.begin() + t * 8, r.begin() + t * 8 + 8);
    std::sort(e.begin(), e.end());
    BOOST_REQUIRE(std::adjacent_find(e.begin(), e.end()) == e.end());
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(routing_statistics_of_cases)

BOOST_AUTO_TEST_CASE(cases_expose_their_routing) {
  PermuteCase p(pshape(100, 16, 4, 1.5));
  p.fill_inputs(2);
  const auto* src = dynamic_cast<const HasExpertLoad*>(static_cast<const OpCase*>(&p));
  BOOST_REQUIRE(src != nullptr);
  const auto s = src->expert_load();
  BOOST_TEST(s.assignments == 400);
  BOOST_TEST(s.tokens_per_expert.size() == 16u);
  p.compute_reference();
  for (int e = 0; e < 16; ++e) BOOST_TEST(s.tokens_per_expert[e] == p.ref_offsets[e + 1] - p.ref_offsets[e]);
  BOOST_TEST(s.load_imbalance > 1.0);
  CombineCase c(CombineShape{50, 8, 2, 16, 0});
  c.fill_inputs(3);
  BOOST_TEST(c.expert_load().assignments == 100);
}

BOOST_AUTO_TEST_SUITE_END()
