// Synthetic generator: determinism, arrival statistics, length distributions, spec checks.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>

#include "base/input_error.hpp"
#include "simulator/workload/samplers.hpp"
#include "simulator/workload/workload_spec.hpp"
#include "workload_test_support.hpp"

using namespace moelab;
using namespace moelab::sim;
using moelab::test::drain;
using moelab::test::fixed_length;
using moelab::test::moments;

namespace {

WorkloadSpec synthetic(double rate, std::int64_t n) {
  WorkloadSpec s;
  s.kind = "synthetic";
  s.arrivals.kind = "poisson";
  s.arrivals.rate_per_s = rate;
  s.prompt_tokens.kind = "lognormal";
  s.prompt_tokens.mean = 512;
  s.prompt_tokens.sigma = 1.0;
  s.output_tokens.kind = "uniform";
  s.output_tokens.min = 1;
  s.output_tokens.max = 256;
  s.num_requests = n;
  s.content_block_tokens = 0;
  return s;
}

std::vector<double> gaps(const std::vector<Request>& rs) {
  std::vector<double> g;
  double prev = 0;
  for (const auto& r : rs) {
    g.push_back(r.arrival_s - prev);
    prev = r.arrival_s;
  }
  return g;
}

std::vector<double> sample_lengths(const LengthDistribution& d, std::uint64_t seed, int n) {
  const LengthSampler s(d);
  Rng rng(seed);
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(s.sample(rng));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(synthetic_workload)

BOOST_AUTO_TEST_CASE(same_seed_same_stream_different_seed_differs) {
  const auto spec = synthetic(5.0, 2000);
  auto a = make_workload(spec, 42);
  auto b = make_workload(spec, 42);
  auto c = make_workload(spec, 43);
  const auto ra = drain(*a, 5000), rb = drain(*b, 5000), rc = drain(*c, 5000);
  BOOST_TEST(ra.size() == 2000u);
  BOOST_TEST(a->expected_requests() == 2000);
  int differing = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    BOOST_TEST(ra[i].id == static_cast<std::int64_t>(i));
    BOOST_TEST(ra[i].arrival_s == rb[i].arrival_s);
    BOOST_TEST(ra[i].prompt_tokens == rb[i].prompt_tokens);
    BOOST_TEST(ra[i].output_tokens == rb[i].output_tokens);
    BOOST_TEST(ra[i].content_ids.empty());
    if (ra[i].arrival_s != rc[i].arrival_s || ra[i].prompt_tokens != rc[i].prompt_tokens) ++differing;
  }
  BOOST_TEST(differing > 1900);
}

BOOST_AUTO_TEST_CASE(streams_are_separate) {
  // Changing the output distribution must not change arrivals or prompt lengths.
  auto spec = synthetic(5.0, 500);
  auto a = drain(*make_workload(spec, 7), 500);
  spec.output_tokens = fixed_length(64);
  auto b = drain(*make_workload(spec, 7), 500);
  for (std::size_t i = 0; i < a.size(); ++i) {
    BOOST_TEST(a[i].arrival_s == b[i].arrival_s);
    BOOST_TEST(a[i].prompt_tokens == b[i].prompt_tokens);
    BOOST_TEST(b[i].output_tokens == 64);
  }
}

BOOST_AUTO_TEST_CASE(poisson_mean_gap_and_cv) {
  const auto rs = drain(*make_workload(synthetic(4.0, 200'000), 1), 200'000);
  const auto m = moments(gaps(rs));
  BOOST_TEST(m.mean == 0.25, boost::test_tools::tolerance(0.01));
  BOOST_TEST(m.cv() == 1.0, boost::test_tools::tolerance(0.02));
  BOOST_TEST(std::is_sorted(rs.begin(), rs.end(), [](auto& x, auto& y) { return x.arrival_s < y.arrival_s; }));
}

BOOST_AUTO_TEST_CASE(gamma_cv_and_rate) {
  for (const double cv : {0.5, 2.0, 4.0}) {
    auto spec = synthetic(10.0, 200'000);
    spec.arrivals.kind = "gamma";
    spec.arrivals.cv = cv;
    const auto m = moments(gaps(drain(*make_workload(spec, 3), 200'000)));
    BOOST_TEST_CONTEXT("cv " << cv) {
      BOOST_TEST(m.mean == 0.1, boost::test_tools::tolerance(0.04));
      BOOST_TEST(m.cv() == cv, boost::test_tools::tolerance(0.05));
    }
  }
}

BOOST_AUTO_TEST_CASE(gamma_with_cv_one_is_the_poisson_stream) {
  auto spec = synthetic(3.0, 1000);
  const auto p = drain(*make_workload(spec, 9), 1000);
  spec.arrivals.kind = "gamma";
  spec.arrivals.cv = 1.0;
  const auto g = drain(*make_workload(spec, 9), 1000);
  for (std::size_t i = 0; i < p.size(); ++i) BOOST_TEST(p[i].arrival_s == g[i].arrival_s);
}

BOOST_AUTO_TEST_CASE(burst_puts_everything_at_zero) {
  auto spec = synthetic(1.0, 300);
  spec.arrivals.kind = "burst";
  auto w = make_workload(spec, 1);
  const auto rs = drain(*w, 1000);
  BOOST_TEST(rs.size() == 300u);
  for (const auto& r : rs) BOOST_TEST(r.arrival_s == 0.0);
  BOOST_TEST(!w->peek_arrival_s().has_value());
}

BOOST_AUTO_TEST_CASE(lognormal_mean_is_the_distribution_mean) {
  LengthDistribution d;
  d.kind = "lognormal";
  d.mean = 512;
  d.sigma = 1.0;
  const auto m = moments(sample_lengths(d, 11, 200'000));
  BOOST_TEST(m.mean == 512.0, boost::test_tools::tolerance(0.02));
  // sd of a lognormal = mean * sqrt(exp(sigma^2) - 1).
  BOOST_TEST(m.sd == 512.0 * std::sqrt(std::exp(1.0) - 1.0), boost::test_tools::tolerance(0.05));
}

BOOST_AUTO_TEST_CASE(lognormal_clamps_and_every_count_is_positive) {
  LengthDistribution d;
  d.kind = "lognormal";
  d.mean = 20;
  d.sigma = 2.0;
  d.min = 4;
  d.max = 300;
  const auto xs = sample_lengths(d, 5, 50'000);
  BOOST_TEST(*std::min_element(xs.begin(), xs.end()) == 4.0);
  BOOST_TEST(*std::max_element(xs.begin(), xs.end()) == 300.0);
}

BOOST_AUTO_TEST_CASE(empirical_frequencies) {
  LengthDistribution d;
  d.kind = "empirical";
  d.values = {10, 100, 1000};
  d.weights = {1, 2, 7};  // normalised on load
  std::map<double, int> count;
  const int n = 100'000;
  for (double v : sample_lengths(d, 2, n)) ++count[v];
  BOOST_TEST(count.size() == 3u);
  BOOST_TEST(count[10] / double(n) == 0.1, boost::test_tools::tolerance(0.05));
  BOOST_TEST(count[100] / double(n) == 0.2, boost::test_tools::tolerance(0.03));
  BOOST_TEST(count[1000] / double(n) == 0.7, boost::test_tools::tolerance(0.01));
}

BOOST_AUTO_TEST_CASE(uniform_covers_its_inclusive_range) {
  LengthDistribution d;
  d.kind = "uniform";
  d.min = 5;
  d.max = 9;
  std::map<double, int> count;
  const int n = 50'000;
  for (double v : sample_lengths(d, 4, n)) ++count[v];
  BOOST_TEST(count.size() == 5u);
  for (int v = 5; v <= 9; ++v) BOOST_TEST(count[v] / double(n) == 0.2, boost::test_tools::tolerance(0.05));
}

BOOST_AUTO_TEST_CASE(geometric_mean) {
  LengthDistribution d;
  d.kind = "geometric";
  d.mean = 3.51;
  const auto xs = sample_lengths(d, 8, 200'000);
  BOOST_TEST(moments(xs).mean == 3.51, boost::test_tools::tolerance(0.02));
  BOOST_TEST(*std::min_element(xs.begin(), xs.end()) == 1.0);
}

BOOST_AUTO_TEST_CASE(bad_specs_throw_input_error_naming_the_key) {
  auto expect_key = [](WorkloadSpec s, const std::string& key) {
    try {
      make_workload(s, 1);
      BOOST_ERROR("no error for " << key);
    } catch (const InputError& e) {
      BOOST_TEST(e.key() == key);
    }
  };
  auto s = synthetic(1, 10);
  s.prompt_tokens.sigma = -1;
  expect_key(s, "workload.prompt_tokens.sigma");
  s = synthetic(1, 10);
  s.arrivals.rate_per_s = 0;
  expect_key(s, "workload.arrivals.rate_per_s");
  s = synthetic(1, 0);
  s.arrivals.kind = "burst";
  expect_key(s, "workload.num_requests");
  s = synthetic(1, 10);
  s.output_tokens.kind = "empirical";
  s.output_tokens.values = {1, 2};
  s.output_tokens.weights = {1};
  expect_key(s, "workload.output_tokens.weights");
  s = synthetic(1, 10);
  s.kind = "nonsense";
  expect_key(s, "workload.kind");
}

BOOST_AUTO_TEST_CASE(registry_lists_every_kind) {
  const auto kinds = workload_kinds();
  for (const char* k : {"synthetic", "mooncake", "csv", "chat", "rag", "shared_prefix"}) {
    BOOST_TEST((std::find(kinds.begin(), kinds.end(), k) != kinds.end()), k);
  }
}

BOOST_AUTO_TEST_SUITE_END()
