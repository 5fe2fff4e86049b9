// Expert load: routing shares, EPLB placement and the busiest EP rank, against closed forms.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <numeric>

#include "simulator/model/expert_load.hpp"
#include "simulator/model/moe_routing.hpp"

namespace {
using namespace moelab::sim;

std::vector<double> uniform(std::int64_t n) {
  return std::vector<double>(static_cast<std::size_t>(n), 1.0 / static_cast<double>(n));
}

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }
}  // namespace

BOOST_AUTO_TEST_SUITE(expert_load)

BOOST_AUTO_TEST_CASE(mean_max_load_under_uniform_routing_matches_the_closed_form) {
  // k = 1, 4 experts on 4 ranks: balls into 4 equally likely bins. E[max] by enumerating the
  // multinomial: 8 balls 3.53809, 16 balls 6.13901, 64 balls 20.20197 (imbalance = E[max] / (n/4)).
  const ExpertLoadModel balls(uniform(4), 1, 4, 0, false, 11);
  BOOST_TEST(balls.sample_mean_max_load(8, 40000, 3) == 3.53809, boost::test_tools::tolerance(0.01));
  BOOST_TEST(balls.sample_mean_max_load(64, 20000, 4) == 20.20197, boost::test_tools::tolerance(0.01));
  // The table the cost model reads (two points per octave: 8, 16 and 64 tokens are grid points).
  BOOST_TEST(balls.imbalance(16) == 6.13901 / 4, boost::test_tools::tolerance(0.03));
  BOOST_TEST(balls.imbalance(64) == 20.20197 / 16, boost::test_tools::tolerance(0.02));
  BOOST_TEST(balls.static_imbalance() == 1.0, boost::test_tools::tolerance(1e-12));

  // k = 2 distinct experts of 4, experts {0, 1} on rank 0 and {2, 3} on rank 1: per token rank 0
  // gets 2 w.p. 1/6, 1 w.p. 4/6, 0 w.p. 1/6. E[max] by convolving T tokens: T = 4: 4.85802,
  // T = 16: 17.81335, T = 64: 67.67082; the mean per rank is T.
  const ExpertLoadModel pairs(uniform(4), 2, 2, 0, false, 12);
  BOOST_TEST(pairs.sample_mean_max_load(4, 40000, 5) == 4.85802, boost::test_tools::tolerance(0.01));
  BOOST_TEST(pairs.sample_mean_max_load(64, 20000, 6) == 67.67082, boost::test_tools::tolerance(0.005));
  BOOST_TEST(pairs.imbalance(16) == 17.81335 / 16, boost::test_tools::tolerance(0.02));

  // Imbalance falls towards 1 as tokens grow (DeepSeek-V3 shape: 256 experts, top-8, EP32).
  const ExpertLoadModel ds(uniform(256), 8, 32, 0, false, 13);
  BOOST_TEST(ds.imbalance(1) > ds.imbalance(64));
  BOOST_TEST(ds.imbalance(64) > ds.imbalance(4096));
  BOOST_TEST(ds.imbalance(1e6) > 1.0);
  BOOST_TEST(ds.imbalance(1e6) < 1.01);
}

BOOST_AUTO_TEST_CASE(routing_kinds_give_shares_that_sum_to_one) {
  RoutingSpec spec;
  spec.kind = "zipf";
  spec.zipf_s = 1.2;
  const auto z = expert_shares(spec, 256, 7);
  BOOST_TEST(sum(z) == 1.0, boost::test_tools::tolerance(1e-12));
  // Zipf(1.2) over 256: the hottest expert takes 1 / H(256, 1.2) of the choices.
  double h = 0;
  for (int r = 1; r <= 256; ++r) h += std::pow(r, -1.2);
  BOOST_TEST(*std::max_element(z.begin(), z.end()) == 1.0 / h, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(expert_shares(spec, 256, 7) == z);  // deterministic under the seed
  BOOST_TEST(expert_shares(spec, 256, 8) != z);  // which expert is hot depends on it
  spec.kind = "measured";
  spec.measured_tokens_per_expert = {3, 0, 2, 1};
  const auto m = expert_shares(spec, 4, 0);
  BOOST_TEST(m[0] == 0.5);
  BOOST_TEST(m[1] == 0.0);
  BOOST_CHECK_THROW(expert_shares(spec, 8, 0), moelab::InputError);  // 4 counts for 8 experts
}

BOOST_AUTO_TEST_CASE(eplb_replicates_hot_experts_and_lowers_the_busiest_rank) {
  RoutingSpec spec;
  spec.kind = "zipf";
  spec.zipf_s = 1.2;
  const auto shares = expert_shares(spec, 256, 3);
  const ExpertLoadModel contiguous(shares, 8, 32, 0, false, 1, false);
  const ExpertLoadModel packed(shares, 8, 32, 0, true, 1, false);
  const ExpertLoadModel redundant(shares, 8, 32, 32, true, 1, false);
  // The hottest expert alone takes 1/H(256,1.2) = 17% of all choices: without copies no rank can
  // go below 17% x 32 = 5.5x the mean; 32 copies split it and the hot tail.
  BOOST_TEST(contiguous.static_imbalance() > 5.0);
  BOOST_TEST(packed.static_imbalance() <= contiguous.static_imbalance());
  BOOST_TEST(redundant.static_imbalance() < 0.6 * packed.static_imbalance());
  // Placement bookkeeping: 288 slots, 9 per rank, the hottest expert has the most copies.
  const auto& p = redundant.placement();
  BOOST_TEST(p.slot_rank.size() == 288u);
  BOOST_TEST(p.slots_per_rank == 9);
  std::vector<int> per_rank(32, 0);
  for (auto r : p.slot_rank) ++per_rank.at(static_cast<std::size_t>(r));
  for (int n : per_rank) BOOST_TEST(n == 9);
  const auto hottest = static_cast<std::size_t>(std::max_element(shares.begin(), shares.end()) - shares.begin());
  BOOST_TEST(*std::max_element(p.replicas.begin(), p.replicas.end()) == p.replicas[hottest]);
  BOOST_TEST(sum(p.rank_share) == 1.0, boost::test_tools::tolerance(1e-12));
  // Uniform routing needs no balancer: every rank gets 1/32.
  const ExpertLoadModel flat(uniform(256), 8, 32, 0, false, 1, false);
  BOOST_TEST(flat.static_imbalance() == 1.0, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_SUITE_END()
