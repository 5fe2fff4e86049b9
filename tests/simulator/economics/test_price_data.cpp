// The economics data files: they load, say what they should, and every mistake names file:line:key.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <regex>
#include <sstream>

#include "base/input_error.hpp"
#include "lab/config/spec_demand.hpp"
#include "lab/config/spec_prices.hpp"
#include "lab/config/spec_quality.hpp"
#include "lab/config/spec_tco.hpp"
#include "tests/support/paths.hpp"

using namespace moelab;
namespace fs = std::filesystem;
namespace tt = boost::test_tools;

namespace {

// A copy of the data files in a private MOELAB_DATA_DIR, one of them edited.
struct EditedData {
  fs::path dir;
  explicit EditedData(const std::string& rel, const std::string& from, const std::string& to) {
    dir = fs::temp_directory_path() / ("moelab_econ_data_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const char* sub : {"hardware", "models", "prices", "demand", "quality"}) {
      fs::copy(test::data_dir() / sub, dir / sub, fs::copy_options::recursive);
    }
    std::stringstream text;
    text << std::ifstream(dir / rel).rdbuf();
    std::string s = text.str();
    const auto at = s.find(from);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, "test setup: '" << from << "' not in " << rel);
    s.replace(at, from.size(), to);
    std::ofstream(dir / rel) << s;
    setenv("MOELAB_DATA_DIR", dir.c_str(), 1);
  }
  ~EditedData() {
    unsetenv("MOELAB_DATA_DIR");
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const InputError& e) {
    return fs::path(e.where().file).filename().string() + ":" + std::to_string(e.where().line) + ": " + e.key() + ": " +
           e.problem();
  }
  return "accepted";
}

void expect_error(const std::string& message, const std::string& pattern) {
  BOOST_TEST(std::regex_search(message, std::regex(pattern)), "got: " << message);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(price_data)

BOOST_AUTO_TEST_CASE(rental_ranges_are_ordered_and_name_hardware) {
  const auto ranges = config::load_gpu_rental_ranges();
  BOOST_TEST(ranges.size() == 6u);
  for (const auto& r : ranges) {
    BOOST_TEST_CONTEXT(r.hardware_id) {
      const auto& p = r.usd_per_gpu_hour;
      if (p.count("on_demand_low") && p.count("on_demand_high"))
        BOOST_TEST(p.at("on_demand_low") <= p.at("on_demand_high"));
      if (p.count("on_demand_typical") && p.count("on_demand_high"))
        BOOST_TEST(p.at("on_demand_typical") <= p.at("on_demand_high"));
    }
  }
}

BOOST_AUTO_TEST_CASE(tco_servers_match_their_gpus) {
  const auto tco = config::load_tco();
  BOOST_TEST(tco.servers.size() == 3u);
  for (const auto& s : tco.servers) BOOST_TEST(s.gpus == 8);
  BOOST_TEST(tco.facility.depreciation_years == 5.0);
  BOOST_TEST(tco.facility.pue >= 1.0);
}

BOOST_AUTO_TEST_CASE(api_prices_have_unique_ids_and_valid_links) {
  const auto api = config::load_api_prices();
  BOOST_TEST(api.size() == 70u);
  for (const auto& p : api) {
    if (!p.tier_of.empty()) {
      BOOST_TEST((std::any_of(api.begin(), api.end(), [&](const auto& q) { return q.id == p.tier_of; })));
    }
  }
  const auto gpt = std::find_if(api.begin(), api.end(), [](const auto& p) { return p.id == "gpt-5.4"; });
  BOOST_REQUIRE(gpt != api.end());
  BOOST_TEST(gpt->input_usd_per_mtok == 2.50);
  BOOST_TEST(gpt->quality_key() == "api:gpt-5.4");
  BOOST_TEST(sim::has_batch_prices(*gpt, api));  // through the gpt-5.4-batch tier entry
}

BOOST_AUTO_TEST_CASE(diurnal_shapes_sum_to_one) {
  const auto shapes = config::load_diurnal_shapes();
  BOOST_TEST(shapes.size() == 6u);
  for (const auto& s : shapes) {
    const double sum = std::accumulate(s.shape.hourly_fraction.begin(), s.shape.hourly_fraction.end(), 0.0);
    BOOST_TEST(sum == 1.0, tt::tolerance(1e-12));
  }
}

BOOST_AUTO_TEST_CASE(quality_is_data_with_sources) {
  const auto scores = config::load_quality_scores();
  BOOST_TEST(scores.size() == 71u);
  for (const auto& s : scores) BOOST_TEST(!s.source.empty());
}

BOOST_AUTO_TEST_CASE(mistakes_name_file_line_and_key) {
  {
    EditedData d("prices/gpu_rental_ranges.toml", "spot_usd_per_gpu_hour = 1.60\n",
                 "spot_usd_per_gpu_hour = 1.60\nspto = 1\n");
    expect_error(error_of(config::load_gpu_rental_ranges),
                 "^gpu_rental_ranges.toml:[0-9]+: gpu.h100-sxm.spto: unknown key");
  }
  {
    EditedData d("prices/tco.toml", "pue = \"assumption: a modern colocation hall;",
                 "peu = \"assumption: a modern colocation hall;");
    expect_error(error_of(config::load_tco), "^tco.toml:[0-9]+: facility.sources.peu: names no field");
  }
  {
    EditedData d("prices/tco.toml", "ops_usd_per_node_year = \"derived:", "ops_note = \"derived:");
    expect_error(error_of(config::load_tco), "^tco.toml:[0-9]+: facility.sources.ops_note: names no field");
  }
  {
    EditedData d("prices/tco.toml", "h200_idle_w = \"api.serialalice.pt", "h200_idle = \"api.serialalice.pt");
    expect_error(error_of(config::load_tco), "^tco.toml:[0-9]+: evidence.idle_power.sources.h200_idle: names no field");
  }
  {
    EditedData d("prices/api.toml", "id = \"deepseek-r1\"", "id = \"deepseek-v3\"");
    expect_error(error_of(config::load_api_prices),
                 "^api.toml:[0-9]+: price\\[1\\].id: 'deepseek-v3' is already the id of price\\[0\\]");
  }
  {
    EditedData d("demand/diurnal.toml", "peak_to_mean = 1.34", "peak_to_mean = 1.5");
    expect_error(error_of(config::load_diurnal_shapes),
                 "^diurnal.toml:[0-9]+: shape.azure2024_conversation_weekday.peak_to_mean: 1.5 disagrees");
  }
  {
    EditedData d("quality/scores.toml", "model_id = \"kimi-k2\"", "model_id = \"kimi-k3\"");
    expect_error(error_of(config::load_quality_scores),
                 "^scores.toml:[0-9]+: score\\[[0-9]+\\].model_id: 'kimi-k3' is neither");
  }
}

BOOST_AUTO_TEST_CASE(an_unsourced_price_is_an_error) {
  // Delete the source of H200's typical price: the loader must refuse the number.
  EditedData d("prices/gpu_rental_ranges.toml",
               "on_demand_typical_usd_per_gpu_hour = \"RunPod H200 SXM $3.99 (skypilot-catalog v7); Crusoe $4.29 "
               "(gpuhunt crusoe.py, 2026-08)\"\n",
               "");
  expect_error(error_of(config::load_gpu_rental_ranges),
               "^gpu_rental_ranges.toml:[0-9]+: gpu.h200.on_demand_typical_usd_per_gpu_hour: no source");
}

BOOST_AUTO_TEST_SUITE_END()
