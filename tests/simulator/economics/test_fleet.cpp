// Fleet per hour, GPU-hours, utilisation, provisioned billing, and a break-even volume by hand.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include "simulator/economics/fleet.hpp"
#include "tests/simulator/economics/econ_test_support.hpp"

using namespace moelab;
namespace tt = boost::test_tools;

namespace {

// One GPU per replica serving 1,000 tokens/s at the SLO (say 1 request/s of 1,000 tokens): one
// replica serves 86.4 M tokens a day.
sim::Deployment one_gpu_replica() {
  sim::Deployment d;
  d.capacity_tokens_per_s = 1000;
  d.gpus_per_replica = 1;
  d.busy_fraction_at_capacity = 0.8;
  d.min_replicas = 1;
  return d;
}

sim::CostModelPtr rent(double usd, const char* billing) {
  return test::cost_model(fmt::format("kind = \"rent\"\nusd_per_gpu_hour = {}\nbilling = \"{}\"\n", usd, billing),
                          test::gpu("h100-sxm", 700, 0), test::h100_tco());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fleet)

BOOST_AUTO_TEST_CASE(flat_day_by_hand) {
  // 130 M tokens/day = 1,505 tokens/s every hour -> 2 replicas, 48 GPU-hours, $96 at $2/GPU-h.
  const auto day = sim::plan_fleet(1.3e8, sim::DemandShape::flat(), one_gpu_replica(), *rent(2.0, "active"));
  BOOST_TEST(day.peak_replicas == 2);
  BOOST_TEST(day.active_gpu_hours == 48.0);
  BOOST_TEST(day.provisioned_gpu_hours == 48.0);
  BOOST_TEST(day.mean_utilisation == 1.3e8 / 1000 / 86400 / 2, tt::tolerance(1e-12));
  BOOST_TEST(day.usd_per_day == 96.0, tt::tolerance(1e-12));
  BOOST_TEST(day.usd_per_m_tokens == 96.0 / 130.0, tt::tolerance(1e-12));
  // The minimum holds a replica even when nothing is asked.
  BOOST_TEST(sim::plan_fleet(1.0, sim::DemandShape::flat(), one_gpu_replica(), *rent(2.0, "active")).peak_replicas ==
             1);
}

BOOST_AUTO_TEST_CASE(diurnal_scaling_pays_active_or_provisioned_hours) {
  // 12 quiet hours at 1/48 of the day each and 12 busy ones at 3/48: 200 M tokens/day -> quiet
  // 4.17 M tokens/h = 1,157 tokens/s -> 2 replicas; busy 3,472 tokens/s -> 4 replicas (peak).
  sim::DemandShape shape;
  shape.name = "two-level";
  for (int h = 0; h < 24; ++h) shape.hourly_fraction[static_cast<std::size_t>(h)] = h < 12 ? 1.0 / 48 : 3.0 / 48;
  const auto active = sim::plan_fleet(2e8, shape, one_gpu_replica(), *rent(2.0, "active"));
  BOOST_TEST(active.peak_replicas == 4);
  BOOST_TEST(active.active_gpu_hours == 12 * 2 + 12 * 4);
  BOOST_TEST(active.usd_per_day == 72 * 2.0, tt::tolerance(1e-12));
  // Reserved (provisioned) capacity is paid for the peak fleet all day: 4 x 24 GPU-hours.
  const auto reserved = sim::plan_fleet(2e8, shape, one_gpu_replica(), *rent(2.0, "provisioned"));
  BOOST_TEST(reserved.provisioned_gpu_hours == 96.0);
  BOOST_TEST(reserved.usd_per_day == 96 * 2.0, tt::tolerance(1e-12));
  // A within-hour peak of 1.5x provisions the quiet hours for 1,736 tokens/s (2) and the busy ones
  // for 5,208 tokens/s (6).
  shape.peak_factor = 1.5;
  BOOST_TEST(sim::plan_fleet(2e8, shape, one_gpu_replica(), *rent(2.0, "active")).active_gpu_hours == 12 * 2 + 12 * 6);
}

BOOST_AUTO_TEST_CASE(break_even_for_one_pair_by_hand) {
  // Self-hosting at $2/GPU-h (one GPU per replica, 86.4 M tokens/day per replica, flat demand)
  // against an API at $1 per M tokens. One replica costs $48/day and beats the API from 48 M
  // tokens/day; the second replica (from 86.4 M/day) costs $96/day, which the API matches at
  // 96 M/day; from the third replica on (172.8 M/day, API $172.8 vs $144) self-hosting stays
  // cheaper. So the volume from which it stays cheaper is 96 M tokens/day.
  const auto be = sim::break_even(1e6, 1e10, sim::DemandShape::flat(), one_gpu_replica(), *rent(2.0, "active"), 1.0);
  BOOST_TEST((be.status == sim::BreakEven::Status::crosses));
  BOOST_TEST(be.tokens_per_day == 9.6e7, tt::tolerance(1e-5));
  // An API cheaper than a replica's marginal cost ($2 x 24 / 86.4 M = $0.556/M) is never beaten.
  const auto never = sim::break_even(1e6, 1e10, sim::DemandShape::flat(), one_gpu_replica(), *rent(2.0, "active"), 0.5);
  BOOST_TEST((never.status == sim::BreakEven::Status::api_always_cheaper));
  // A dear API is beaten across a range that starts high enough.
  const auto always =
      sim::break_even(1e8, 1e10, sim::DemandShape::flat(), one_gpu_replica(), *rent(2.0, "active"), 5.0);
  BOOST_TEST((always.status == sim::BreakEven::Status::self_host_always_cheaper));
}

BOOST_AUTO_TEST_CASE(peak_factor_of_arrivals) {
  // 60 s bins: 10, 20, 30 arrivals (mean 20) -> peak 30 / 20; the partial last bin is ignored.
  std::vector<double> t;
  for (int i = 0; i < 10; ++i) t.push_back(0.5 + i);
  for (int i = 0; i < 20; ++i) t.push_back(60.5 + i);
  for (int i = 0; i < 30; ++i) t.push_back(120.5 + i);
  t.push_back(185.0);
  BOOST_TEST(sim::peak_factor_from_arrivals(t, 60.0) == 1.5, tt::tolerance(1e-12));
  BOOST_CHECK_THROW(sim::peak_factor_from_arrivals({0.0, 10.0}, 60.0), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
