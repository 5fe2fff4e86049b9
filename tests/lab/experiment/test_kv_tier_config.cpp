// [cluster.kv_tiers]: sourced defaults from data/kv_tiers/nodes.toml, overrides, "unlimited", and
// bad values rejected with file:line:col and the key.
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <cmath>
#include <fstream>

#include "lab/experiment/simulation_plan.hpp"
#include "tests/lab/plan_test_support.hpp"

namespace fs = std::filesystem;
using namespace moelab;

namespace {

struct Dir : test::ScratchConfigDir {
  Dir() : ScratchConfigDir("kv_tiers") {}
};

const std::string kBase =
    "[model]\nid = \"llama-3.1-70b\"\n"
    "[hardware]\nid = \"h100-sxm\"\n"
    "[engine]\nid = \"vllm\"\n"
    "[workload]\nkind = \"synthetic\"\nnum_requests = 10\nprompt_tokens = 100\noutput_tokens = 10\n"
    "arrivals = { kind = \"burst\" }\n"
    "[cluster.parallel]\nattention_tp = 8\n";

std::string error_of(const fs::path& file) { return test::plan_error_of(file); }

}  // namespace

BOOST_AUTO_TEST_SUITE(kv_tier_config)

BOOST_AUTO_TEST_CASE(defaults_come_from_the_node_entry_of_the_prefill_hardware) {
  Dir d;
  const auto f = d.write("t.toml", kBase +
                                       "[cluster.prefill]\ninstances = 3\n[cluster.decode]\ninstances = 1\n"
                                       "[cluster.kv_tiers]\ntiers = [\"dram\", \"ssd\"]\n"
                                       "[cluster.kv_tiers.ssd]\nlatency_us = 250\n");
  const auto plan = lab::plan_simulation({f, {}}, "x");
  const auto& s = plan.runs.at(0).config.cluster.kv_tiers;
  BOOST_TEST_REQUIRE(s.tiers.size() == 2u);
  BOOST_TEST(s.chunk_tokens == 256);
  BOOST_TEST(s.tiers[0].name == "dram");
  BOOST_TEST(s.tiers[0].capacity_bytes == 3 * 2000e9);  // 3 prefill nodes x 2 TB
  BOOST_TEST(s.tiers[0].read_bytes_per_s == 50e9);
  BOOST_TEST(s.tiers[1].capacity_bytes == 3 * 30720e9);
  BOOST_TEST(s.tiers[1].latency_s == 250e-6, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(s.tiers[1].read_bytes_per_s == 5.37e9, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(unlimited_and_named_defaults) {
  Dir d;
  const auto f =
      d.write("u.toml", kBase +
                            "[cluster.kv_tiers]\ntiers = [\"dram\"]\ndefaults = \"mooncake-rdma\"\nchunk_tokens = 16\n"
                            "dram = { capacity_gb = \"unlimited\" }\n");
  const auto plan = lab::plan_simulation({f, {}}, "x");  // kept: `s` refers into it
  const auto& s = plan.runs.at(0).config.cluster.kv_tiers;
  BOOST_TEST_REQUIRE(s.tiers.size() == 1u);
  BOOST_TEST(std::isinf(s.tiers[0].capacity_bytes));
  BOOST_TEST(s.tiers[0].read_bytes_per_s == 23.75e9);
  BOOST_TEST(s.chunk_tokens == 16);
}

BOOST_AUTO_TEST_CASE(no_tiers_table_means_off) {
  Dir d;
  const auto f = d.write("o.toml", kBase);
  BOOST_TEST(!lab::plan_simulation({f, {}}, "x").runs.at(0).config.cluster.kv_tiers.enabled());
}

BOOST_AUTO_TEST_CASE(bad_tiers_fail_at_their_key) {
  Dir d;
  const std::string t = "[cluster.kv_tiers]\n";
  BOOST_TEST(error_of(d.write("a.toml", kBase + t + "tiers = [\"ssd\"]\n"))
                 .find("a.toml:16:9: cluster.kv_tiers.tiers: must be [\"dram\"] or [\"dram\", \"ssd\"]") !=
             std::string::npos);
  BOOST_TEST(
      error_of(d.write("b.toml", kBase + t + "tiers = [\"dram\"]\nchunk_tokens = 20\n"))
          .find("b.toml:17:16: cluster.kv_tiers.chunk_tokens: must be a multiple of engine.kv_block_tokens (16)") !=
      std::string::npos);
  BOOST_TEST(error_of(d.write("c.toml", kBase + t + "tiers = [\"dram\"]\ndram = { capacity_gb = -4 }\n"))
                 .find("c.toml:17:24: cluster.kv_tiers.dram.capacity_gb: must be > 0") != std::string::npos);
  BOOST_TEST(error_of(d.write("d.toml", kBase + t + "tiers = [\"dram\"]\ndram = { capacity_gb = \"lots\" }\n"))
                 .find("cluster.kv_tiers.dram.capacity_gb") != std::string::npos);
  BOOST_TEST(error_of(d.write("e.toml", kBase + t + "tiers = [\"dram\"]\ndram = { capacity_gb = 0.001 }\n"))
                 .find("cluster.kv_tiers.dram.capacity_gb: holds no chunk of 256 tokens") != std::string::npos);
  BOOST_TEST(error_of(d.write("f.toml", kBase + t + "tiers = [\"dram\"]\ndram = { read_gb_per_s = 0 }\n"))
                 .find("cluster.kv_tiers.dram.read_gb_per_s: must be > 0") != std::string::npos);
  BOOST_TEST(error_of(d.write("g.toml", kBase + t + "tiers = [\"dram\"]\ndefaults = \"nope\"\n"))
                 .find("cluster.kv_tiers.defaults") != std::string::npos);
  BOOST_TEST(
      error_of(d.write("h.toml", kBase + t + "tiers = [\"dram\"]\nspeed = 3\n")).find("cluster.kv_tiers.speed") !=
      std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
