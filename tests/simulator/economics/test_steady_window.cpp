// The steady-state window: trimming, the SLO percentile, token counts, and prices per token.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "simulator/economics/steady_window.hpp"
#include "simulator/economics/token_cost.hpp"

using namespace moelab::sim;
namespace tt = boost::test_tools;

namespace {

// 101 requests arriving at 0, 1, ..., 100 s; request i waits i ms for its first token.
std::vector<RequestRecord> ramp() {
  std::vector<RequestRecord> rs;
  for (int i = 0; i <= 100; ++i) {
    RequestRecord r;
    r.id = i;
    r.arrival_s = i;
    r.first_token_s = i + 0.001 * i;
    r.finish_s = r.first_token_s + 1.0;
    r.prompt_tokens = 100;
    r.cached_tokens = i % 2 == 0 ? 40 : 0;
    r.output_tokens = 11;  // TPOT = 1 s / 10 = 0.1 s
    rs.push_back(r);
  }
  return rs;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(steady_state_window)

BOOST_AUTO_TEST_CASE(trims_warmup_and_drain_and_takes_percentiles) {
  const auto rs = ramp();
  const auto w = steady_window(rs, {0.1, 0.2});
  BOOST_TEST(w.start_s == 10.0);
  BOOST_TEST(w.end_s == 80.0);
  const auto m = measure_window(rs, w, 90);
  BOOST_TEST(m.requests == 71);  // arrivals 10..80
  BOOST_TEST(m.finished == 71);
  // TTFTs 0.010 .. 0.080 s: the 90th percentile (numpy linear) is 0.010 + 0.9 x 0.070.
  BOOST_TEST(m.ttft_s == 0.073, tt::tolerance(1e-9));
  BOOST_TEST(m.ttft_p50_s == 0.045, tt::tolerance(1e-9));
  BOOST_TEST(m.tpot_s == 0.1, tt::tolerance(1e-12));
  BOOST_TEST(m.prompt_tokens == 7100.0);
  BOOST_TEST(m.cached_prompt_tokens == 36 * 40.0);  // the even arrivals 10, 12, ..., 80
  BOOST_TEST(m.output_tokens == 71 * 11.0);
  BOOST_TEST(m.requests_per_s() == 71.0 / 70.0, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(tokens_are_priced_by_the_window_length) {
  const auto rs = ramp();
  const auto m = measure_window(rs, steady_window(rs, {0.1, 0.2}), 99);
  // 8 GPUs at $2.50 for 70 s = $0.3889; 60% prefill, of which 10% caused by cached tokens.
  GpuHourCost cost{{{"rent", 2.5, Billing::per_active_gpu_hour}}};
  const auto c = price_tokens(m, cost, {8, 0.6, 0.1});
  const double usd = 8 * 2.5 * 70 / 3600;
  BOOST_TEST(c.usd_per_hour == 20.0);
  BOOST_TEST(c.usd_per_m_tokens == usd / ((7100 + 781) / 1e6), tt::tolerance(1e-12));
  BOOST_TEST(c.usd_per_m_output == usd * 0.4 / (781 / 1e6), tt::tolerance(1e-12));
  BOOST_TEST(c.usd_per_m_input_uncached == usd * 0.6 * 0.9 / ((7100 - 1440) / 1e6), tt::tolerance(1e-12));
  BOOST_TEST(c.usd_per_m_input_cached == usd * 0.6 * 0.1 / (1440 / 1e6), tt::tolerance(1e-12));
  BOOST_REQUIRE(c.usd_per_m_tokens_by_component.size() == 1u);
  BOOST_TEST(c.usd_per_m_tokens_by_component[0].second == c.usd_per_m_tokens, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(unfinished_requests_count_in_the_window) {
  auto rs = ramp();
  rs[50].finish_s = -1;
  rs[50].first_token_s = -1;
  const auto m = measure_window(rs, steady_window(rs, {0.1, 0.1}), 99);
  BOOST_TEST(m.requests == m.finished + 1);
}

BOOST_AUTO_TEST_SUITE_END()
