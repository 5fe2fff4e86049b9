// Cost models: owned hardware by hand, rental tiers, billing, and bad tables.
#include <boost/test/unit_test.hpp>

#include "base/input_error.hpp"
#include "tests/simulator/economics/econ_test_support.hpp"

using namespace moelab;
using moelab::test::cost_model;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(cost_models)

BOOST_AUTO_TEST_CASE(owned_hgx_h100_per_gpu_hour_by_hand) {
  // HGX H100 (8 GPUs, $310,000 server, $15,060 network per node, 10.2 kW max), 5-year straight line,
  // PUE 1.3, $0.08/kWh, colocation $184.06/kW-month, operations $10,000/node-year, GPU idle at
  // 0.115 of its 700 W TDP; the GPU busy half the hour. By hand:
  //   capex    310,000 / (5 x 8,760 h) / 8          = 0.8847032 USD/GPU-h
  //   network   15,060 / (5 x 8,760 h) / 8          = 0.04297945
  //   hosting  184.06 x 10.2 kW / 730 h / 8         = 0.3214747
  //   ops      10,000 / 8,760 h / 8                 = 0.1426941
  //   power    GPU 700 x (0.115 + 0.885 x 0.5) = 390.25 W, host (10,200 - 8 x 700) / 8 = 575 W,
  //            0.96525 kW x 1.3 x 0.08 USD/kWh      = 0.1003860
  //   total                                          = 1.4922374
  const auto model = cost_model("kind = \"own\"\n", test::gpu("h100-sxm", 700, 1.99), test::h100_tco());
  const sim::GpuHourCost c = model->per_gpu_hour(0.5);
  BOOST_REQUIRE(c.components.size() == 5u);
  const std::vector<std::pair<std::string, double>> expected = {
      {"capex", 0.8847032}, {"network", 0.04297945}, {"hosting", 0.3214747}, {"ops", 0.1426941}, {"power", 0.1003860}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    BOOST_TEST(c.components[i].name == expected[i].first);
    BOOST_TEST(c.components[i].usd_per_gpu_hour == expected[i].second, tt::tolerance(1e-6));
    BOOST_TEST((c.components[i].billing == sim::Billing::per_provisioned_gpu_hour));
  }
  BOOST_TEST(c.total_usd_per_gpu_hour() == 1.4922374, tt::tolerance(1e-7));
  // Idle: only the GPU's power falls, to 0.115 x 700 = 80.5 W: (80.5 + 575) / 1000 x 1.3 x 0.08.
  BOOST_TEST(model->per_gpu_hour(0.0).components[4].usd_per_gpu_hour == 0.0681720, tt::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(owned_overrides_and_depreciation) {
  const auto data = test::h100_tco();
  const auto base = cost_model("kind = \"own\"\n", test::gpu("h100-sxm", 700, 1.99), data)->per_gpu_hour(1.0);
  const auto longer =
      cost_model("kind = \"own\"\ndepreciation_years = 10\npue = 1.56\n", test::gpu("h100-sxm", 700, 1.99), data)
          ->per_gpu_hour(1.0);
  BOOST_TEST(longer.components[0].usd_per_gpu_hour == base.components[0].usd_per_gpu_hour / 2, tt::tolerance(1e-12));
  BOOST_TEST(longer.components[4].usd_per_gpu_hour == base.components[4].usd_per_gpu_hour * 1.56 / 1.3,
             tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(rent_tiers_and_billing) {
  const auto data = test::h100_tco();
  const auto hw = test::gpu("h100-sxm", 700, 1.99);
  const auto low = cost_model("kind = \"rent\"\ntier = \"on_demand_low\"\n", hw, data)->per_gpu_hour(0.3);
  BOOST_TEST(low.total_usd_per_gpu_hour() == 1.99);
  BOOST_TEST((low.components[0].billing == sim::Billing::per_active_gpu_hour));
  const auto reserved = cost_model("kind = \"rent\"\ntier = \"reserved\"\n", hw, data)->per_gpu_hour(0.3);
  BOOST_TEST(reserved.total_usd_per_gpu_hour() == 1.83);
  BOOST_TEST((reserved.components[0].billing == sim::Billing::per_provisioned_gpu_hour));
  // The default tier is the hardware spec's price; an explicit price wins; billing may be set.
  BOOST_TEST(cost_model("kind = \"rent\"\n", hw, data)->per_gpu_hour(1).total_usd_per_gpu_hour() == 1.99);
  const auto fixed = cost_model("kind = \"rent\"\nusd_per_gpu_hour = 3.5\nbilling = \"provisioned\"\n", hw, data);
  BOOST_TEST(fixed->per_gpu_hour(0).total_usd_per_gpu_hour() == 3.5);
  BOOST_TEST((fixed->per_gpu_hour(0).components[0].billing == sim::Billing::per_provisioned_gpu_hour));
}

BOOST_AUTO_TEST_CASE(bad_cost_tables_name_the_key) {
  const auto data = test::h100_tco();
  const auto hw = test::gpu("h100-sxm", 700, 1.99);
  auto key_of = [&](const std::string& text, const sim::HardwareSpec& h) {
    try {
      cost_model(text, h, data);
    } catch (const InputError& e) {
      return e.key() + ": " + e.problem();
    }
    return std::string("accepted");
  };
  BOOST_TEST(key_of("kind = \"rent\"\ntier = \"on_demand_high\"\n", hw) ==
             "costs.x.tier: data/prices/gpu_rental_ranges.toml gives no on_demand_high price for 'h100-sxm'");
  BOOST_TEST(key_of("kind = \"rent\"\ntier = \"spot\"\nusd_per_gpu_hour = 2\n", hw) ==
             "costs.x.tier: give either tier or usd_per_gpu_hour, not both");
  BOOST_TEST(key_of("kind = \"own\"\nserver = \"hgx-h100-8gpu\"\n", test::gpu("h200", 700, 2.5)) ==
             "costs.x.server: server 'hgx-h100-8gpu' carries h100-sxm, but the experiment runs h200");
  BOOST_TEST(key_of("kind = \"own\"\npeu = 1.2\n", hw).rfind("costs.x.peu: unknown key", 0) == 0);
  BOOST_TEST(key_of("kind = \"own\"\npue = 0.9\n", hw) ==
             "costs.x.pue: must be >= 1 (facility power / IT power), got 0.9");
  BOOST_TEST(key_of("kind = \"lease\"\n", hw).rfind("costs.x.kind: unknown value 'lease'", 0) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
