// `moelab validate|run` of capacity experiments: the shipped configs validate, a small one writes
// every table, and a bad one exits 2 without leaving a file.
#include <boost/test/unit_test.hpp>

#include "tests/lab/cli/cli_fixture.hpp"
#include "tests/lab/h5_read.hpp"

using moelab::test::CliResult;
using moelab::test::H5File;
using moelab::test::Scratch;

namespace {

bool contains(const std::string& h, const std::string& n) { return h.find(n) != std::string::npos; }

const char* kSmallCapacity = R"([experiment]
name = "cap"
kind = "capacity"
[model]
id = "llama-3.1-8b"
[hardware]
id = "h100-sxm"
[engine]
id = "baseline"
[workload]
kind = "synthetic"
num_requests = 600
prompt_tokens = { kind = "lognormal", mean = 300, sigma = 0.8, min = 1, max = 4000 }
output_tokens = { kind = "lognormal", mean = 100, sigma = 0.8, min = 2, max = 1000 }
arrivals = { kind = "poisson", rate_per_s = 1 }
[capacity]
start_per_s = 8
relative_tolerance = 0.05
[capacity.slo]
ttft_s = 0.5
tpot_s = 0.05
[costs.low]
kind = "rent"
tier = "on_demand_low"
[costs.own]
kind = "own"
[demand]
tokens_per_day_min = 1e6
tokens_per_day_max = 1e9
[compare]
apis = ["gpt-5.4", "deepinfra-llama-3.1-8b"]
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(capacity_cli)

BOOST_AUTO_TEST_CASE(shipped_economics_experiments_validate) {
  Scratch s("capvalidate");
  for (const char* name : {"moe_capacity", "moe_chat_capacity"}) {
    const auto path = moelab::test::source_dir() / "experiments/economics" / (std::string(name) + ".toml");
    const CliResult r = s.moelab({"validate", path.string()});
    BOOST_TEST(r.status == 0, name << ": " << r.err);
    BOOST_TEST(contains(r.out, "capacity experiment"));
  }
}

BOOST_AUTO_TEST_CASE(small_capacity_run_writes_every_table) {
  Scratch s("caprun");
  s.write("cap.toml", kSmallCapacity);
  const CliResult r = s.moelab({"run", "cap.toml", "-o", "cap.h5"});
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  BOOST_TEST(contains(r.out, "found"));
  H5File f(s.dir() / "cap.h5");
  BOOST_TEST(f.string_attr("/", "kind") == "capacity");
  for (const char* table : {"/capacity", "/probes", "/costs", "/cost_components", "/fleet", "/api", "/break_even",
                            "/demand_shape", "/quality"}) {
    BOOST_TEST(f.exists(table), table);
  }
}

BOOST_AUTO_TEST_CASE(bad_capacity_config_exits_2_and_writes_nothing) {
  Scratch s("capbad");
  std::string text = kSmallCapacity;
  text.replace(text.find("tier = \"on_demand_low\""), 22, "tier = \"on_demand_lo\"");
  s.write("cap.toml", text);
  const CliResult r = s.moelab({"run", "cap.toml", "-o", "cap.h5"});
  BOOST_TEST(r.status == 2);
  BOOST_TEST(contains(r.err, "moelab: error: cap.toml:24:8: costs.low.tier: unknown value 'on_demand_lo'"), r.err);
  BOOST_TEST(s.files_other_than({"cap.toml"}).empty());
}

BOOST_AUTO_TEST_SUITE_END()
