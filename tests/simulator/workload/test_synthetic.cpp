// Synthetic generator: determinism, arrival statistics, length distributions, spec checks.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "base/input_error.hpp"
#include "simulator/workload/arrival_process.hpp"
#include "simulator/workload/length_distribution.hpp"
#include "simulator/workload/workload_registry.hpp"
#include "simulator/workload/workload_spec.hpp"
#include "tests/simulator/workload/workload_test_support.hpp"

using namespace moelab;
using namespace moelab::sim;
using moelab::test::drain;
using moelab::test::moments;

namespace {

std::string synthetic_body(double rate, std::int64_t n) {
  return fmt::format(R"(kind = "synthetic"
num_requests = {}
prompt_tokens = {{ kind = "lognormal", mean = 512, sigma = 1.0 }}
output_tokens = {{ kind = "uniform", min = 1, max = 256 }}
arrivals = {{ kind = "poisson", rate_per_s = {} }}
)",
                     n, rate);
}

WorkloadSpec synthetic(double rate, std::int64_t n, const std::vector<std::string>& sets = {}) {
  return moelab::test::workload_spec(synthetic_body(rate, n), sets);
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

// n draws of the length distribution written as `value` in a config.
std::vector<double> sample_lengths(const std::string& value, std::uint64_t seed, int n) {
  const auto d = moelab::test::length_distribution(value);
  BOOST_REQUIRE(!d->check());
  Rng rng(seed);
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(d->sample(rng));
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
  auto a = drain(*make_workload(synthetic(5.0, 500), 7), 500);
  auto b = drain(*make_workload(synthetic(5.0, 500, {"output_tokens=64"}), 7), 500);
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
    const auto spec = synthetic(10.0, 200'000, {"arrivals.kind=gamma", fmt::format("arrivals.cv={}", cv)});
    const auto m = moments(gaps(drain(*make_workload(spec, 3), 200'000)));
    BOOST_TEST_CONTEXT("cv " << cv) {
      BOOST_TEST(m.mean == 0.1, boost::test_tools::tolerance(0.04));
      BOOST_TEST(m.cv() == cv, boost::test_tools::tolerance(0.05));
    }
  }
}

BOOST_AUTO_TEST_CASE(gamma_with_cv_one_is_the_poisson_stream) {
  const auto p = drain(*make_workload(synthetic(3.0, 1000), 9), 1000);
  const auto g = drain(*make_workload(synthetic(3.0, 1000, {"arrivals.kind=gamma", "arrivals.cv=1.0"}), 9), 1000);
  BOOST_REQUIRE(p.size() == 1000u);
  for (std::size_t i = 0; i < p.size(); ++i) BOOST_TEST(p[i].arrival_s == g[i].arrival_s);
}

BOOST_AUTO_TEST_CASE(burst_puts_everything_at_zero) {
  auto w = make_workload(synthetic(1.0, 300, {"arrivals={ kind = \"burst\" }"}), 1);
  const auto rs = drain(*w, 1000);
  BOOST_TEST(rs.size() == 300u);
  for (const auto& r : rs) BOOST_TEST(r.arrival_s == 0.0);
  BOOST_TEST(!w->peek_arrival_s().has_value());
}

BOOST_AUTO_TEST_CASE(constant_arrivals_are_evenly_spaced_from_zero) {
  const auto rs =
      drain(*make_workload(synthetic(4.0, 1000, {"arrivals={ kind = \"constant\", rate_per_s = 4.0 }"}), 1), 2000);
  BOOST_REQUIRE(rs.size() == 1000u);
  for (std::size_t i = 0; i < rs.size(); ++i) BOOST_TEST(rs[i].arrival_s == static_cast<double>(i) / 4.0);
  // The seed does not move deterministic arrivals.
  const auto other =
      drain(*make_workload(synthetic(4.0, 1000, {"arrivals={ kind = \"constant\", rate_per_s = 4.0 }"}), 99), 2000);
  BOOST_TEST(other.back().arrival_s == rs.back().arrival_s);
}

BOOST_AUTO_TEST_CASE(lognormal_mean_is_the_distribution_mean) {
  const auto m = moments(sample_lengths("{ kind = \"lognormal\", mean = 512, sigma = 1.0 }", 11, 200'000));
  BOOST_TEST(m.mean == 512.0, boost::test_tools::tolerance(0.02));
  // sd of a lognormal = mean * sqrt(exp(sigma^2) - 1).
  BOOST_TEST(m.sd == 512.0 * std::sqrt(std::exp(1.0) - 1.0), boost::test_tools::tolerance(0.05));
}

BOOST_AUTO_TEST_CASE(lognormal_clamps_and_every_count_is_positive) {
  const auto xs = sample_lengths("{ kind = \"lognormal\", mean = 20, sigma = 2.0, min = 4, max = 300 }", 5, 50'000);
  BOOST_TEST(*std::min_element(xs.begin(), xs.end()) == 4.0);
  BOOST_TEST(*std::max_element(xs.begin(), xs.end()) == 300.0);
}

BOOST_AUTO_TEST_CASE(empirical_frequencies) {
  // Weights are normalised on load.
  const std::string d = "{ kind = \"empirical\", values = [10, 100, 1000], weights = [1, 2, 7] }";
  BOOST_TEST(moelab::test::length_distribution(d)->nominal_mean() == 0.1 * 10 + 0.2 * 100 + 0.7 * 1000,
             boost::test_tools::tolerance(1e-12));
  std::map<double, int> count;
  const int n = 100'000;
  for (double v : sample_lengths(d, 2, n)) ++count[v];
  BOOST_TEST(count.size() == 3u);
  BOOST_TEST(count[10] / double(n) == 0.1, boost::test_tools::tolerance(0.05));
  BOOST_TEST(count[100] / double(n) == 0.2, boost::test_tools::tolerance(0.03));
  BOOST_TEST(count[1000] / double(n) == 0.7, boost::test_tools::tolerance(0.01));
}

BOOST_AUTO_TEST_CASE(uniform_covers_its_inclusive_range) {
  std::map<double, int> count;
  const int n = 50'000;
  for (double v : sample_lengths("{ kind = \"uniform\", min = 5, max = 9 }", 4, n)) ++count[v];
  BOOST_TEST(count.size() == 5u);
  for (int v = 5; v <= 9; ++v) BOOST_TEST(count[v] / double(n) == 0.2, boost::test_tools::tolerance(0.05));
}

BOOST_AUTO_TEST_CASE(geometric_mean) {
  const auto xs = sample_lengths("{ kind = \"geometric\", mean = 3.51 }", 8, 200'000);
  BOOST_TEST(moments(xs).mean == 3.51, boost::test_tools::tolerance(0.02));
  BOOST_TEST(*std::min_element(xs.begin(), xs.end()) == 1.0);
}

BOOST_AUTO_TEST_CASE(bad_specs_throw_input_error_naming_the_key) {
  // Specs read without checks: make_workload checks them itself, naming "<workload spec>".
  auto expect_key = [](double rate, std::int64_t n, std::vector<std::string> sets, const std::string& key) {
    try {
      make_workload(moelab::test::unchecked_workload_spec(synthetic_body(rate, n), sets), 1);
      BOOST_ERROR("no error for " << key);
    } catch (const InputError& e) {
      BOOST_TEST(e.key() == key);
      BOOST_TEST(e.where().file == "<workload spec>");
    }
  };
  expect_key(1, 10, {"prompt_tokens.sigma=-1"}, "workload.prompt_tokens.sigma");
  expect_key(1, 10, {"arrivals.rate_per_s=0"}, "workload.arrivals.rate_per_s");
  expect_key(1, 0, {"arrivals={ kind = \"burst\" }"}, "workload.num_requests");
  expect_key(1, 10, {"output_tokens={ kind = \"empirical\", values = [1, 2], weights = [1] }"},
             "workload.output_tokens.weights");
  expect_key(1, 10, {"output_tokens={ kind = \"uniform\", min = 5, max = 4 }"}, "workload.output_tokens.max");
  expect_key(1, 10, {"arrivals={ kind = \"gamma\", rate_per_s = 1, cv = 0 }"}, "workload.arrivals.cv");
  expect_key(1, -1, {}, "workload.num_requests");
  // Kinds are looked up by name in code too; no spec at all is not a workload.
  try {
    workload_registry().lookup("nonsense");
    BOOST_ERROR("no error for an unknown kind");
  } catch (const InputError& e) {
    BOOST_TEST(e.key() == "workload.kind");
    BOOST_TEST(std::string(e.what()).find(
                   "unknown workload kind 'nonsense' (known: synthetic, mooncake, csv, chat, rag, shared_prefix)") !=
               std::string::npos);
  }
  BOOST_CHECK_THROW(make_workload(WorkloadSpec{}, 1), InputError);
}

BOOST_AUTO_TEST_CASE(length_and_arrival_kinds_are_registered_in_order) {
  const std::vector<std::string> lengths = {"fixed", "uniform", "lognormal", "empirical", "geometric"};
  BOOST_TEST(length_distribution_registry().names() == lengths, boost::test_tools::per_element());
  const std::vector<std::string> arrivals = {"poisson", "gamma", "burst", "constant"};
  BOOST_TEST(arrival_process_registry().names() == arrivals, boost::test_tools::per_element());
  for (const auto& k : length_distribution_registry().entries()) BOOST_TEST(k.description.size() > 10u);
  // The number shorthand is the fixed kind; each table names the kind it was read as.
  BOOST_TEST(moelab::test::length_distribution("7")->kind() == "fixed");
  BOOST_TEST(moelab::test::length_distribution("7")->nominal_mean() == 7.0);
  BOOST_TEST(moelab::test::length_distribution("{ kind = \"uniform\", min = 5, max = 9 }")->kind() == "uniform");
  BOOST_TEST(moelab::test::length_distribution("{ kind = \"uniform\", min = 5, max = 9 }")->nominal_mean() == 7.0);
}

BOOST_AUTO_TEST_CASE(ends_by_itself_only_with_a_count) {
  BOOST_TEST(synthetic(1, 10).ends_by_itself());
  BOOST_TEST(!synthetic(1, 0).ends_by_itself());
  BOOST_TEST(!WorkloadSpec{}.ends_by_itself());
}

BOOST_AUTO_TEST_CASE(registry_lists_every_kind) {
  const auto kinds = workload_registry().names();
  for (const char* k : {"synthetic", "mooncake", "csv", "chat", "rag", "shared_prefix"}) {
    BOOST_TEST((std::find(kinds.begin(), kinds.end(), k) != kinds.end()), k);
  }
}

BOOST_AUTO_TEST_SUITE_END()
