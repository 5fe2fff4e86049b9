// [cluster.prefill] / [cluster.decode]: read into the SimConfig (own hardware, plan, limits,
// price), swept, and rejected with file:line:col and the key when wrong.
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <fstream>

#include "lab/experiment/simulation_plan.hpp"
#include "tests/lab/plan_test_support.hpp"

namespace fs = std::filesystem;
using namespace moelab;

namespace {

struct Dir : test::ScratchConfigDir {
  Dir() : ScratchConfigDir("pools") {}
};

const std::string kBase =
    "[model]\nid = \"llama-3.1-70b\"\n"
    "[hardware]\nid = \"h100-sxm\"\n"
    "[engine]\nid = \"vllm\"\n"
    "[workload]\nkind = \"synthetic\"\nnum_requests = 10\nprompt_tokens = 100\noutput_tokens = 10\n"
    "arrivals = { kind = \"burst\" }\n";

std::string error_of(const fs::path& file) { return test::plan_error_of(file); }

}  // namespace

BOOST_AUTO_TEST_SUITE(pool_config)

BOOST_AUTO_TEST_CASE(pools_reach_the_sim_config_with_their_own_hardware_and_plan) {
  Dir d;
  const auto f =
      d.write("p.toml", kBase +
                            "[cluster]\nkv_transfer = \"layerwise\"\n"
                            "[cluster.parallel]\nattention_tp = 8\n"
                            "[cluster.prefill]\ninstances = 3\nrouter = \"least_load\"\nmax_batched_tokens = 16384\n"
                            "[cluster.decode]\ninstances = 1\nhardware = { id = \"h200\" }\n"
                            "parallel = { attention_tp = 4 }\nmax_num_seqs = 64\n"
                            "[sweep]\n\"cluster.decode.instances\" = [1, 2]\n");
  const auto plan = lab::plan_simulation({f, {}}, "x");
  BOOST_TEST_REQUIRE(plan.runs.size() == 2u);
  const auto& c = plan.runs.at(1).config;
  const auto& dis = c.cluster.disaggregation;
  BOOST_TEST(dis.enabled);
  BOOST_TEST(dis.layerwise_kv_transfer);
  BOOST_TEST(dis.prefill.instances == 3);
  BOOST_TEST(dis.prefill.router == "least_load");
  BOOST_TEST(dis.prefill.engine.max_batched_tokens == 16384);
  BOOST_TEST(dis.prefill.parallel.attention_tp == 8);  // the cluster's plan
  BOOST_TEST(dis.prefill.hardware.id == "h100-sxm");
  BOOST_TEST(dis.decode.instances == 2);  // swept
  BOOST_TEST(dis.decode.hardware.id == "h200");
  BOOST_TEST(dis.decode.parallel.attention_tp == 4);
  BOOST_TEST(dis.decode.engine.max_num_seqs == 64);
  BOOST_TEST(dis.decode.engine.max_batched_tokens == c.engine.max_batched_tokens);
  BOOST_TEST(dis.prefill.usd_per_gpu_hour == c.usd_per_gpu_hour);  // default hardware, default price
  BOOST_TEST(dis.decode.usd_per_gpu_hour == dis.decode.hardware.usd_per_gpu_hour);
  BOOST_TEST(dis.decode.usd_per_gpu_hour > 0);
}

BOOST_AUTO_TEST_CASE(bad_pools_fail_at_their_key) {
  Dir d;
  BOOST_TEST(error_of(d.write("a.toml", kBase + "[cluster]\nreplicas = 2\n[cluster.prefill]\ninstances = 1\n"
                                                "[cluster.decode]\ninstances = 1\n"))
                 .find("a.toml:14:12: cluster.replicas: with [cluster.prefill]") != std::string::npos);
  BOOST_TEST(error_of(d.write("b.toml", kBase + "[cluster.prefill]\ninstances = 1\n[cluster.decode]\ninstances = 0\n"))
                 .find("b.toml:16:13: cluster.decode.instances: must be > 0") != std::string::npos);
  BOOST_TEST(error_of(d.write("c.toml", kBase + "[cluster]\nkv_transfer = \"layerwise\"\n"))
                 .find("c.toml:14:15: cluster.kv_transfer: applies to a disaggregated cluster only") !=
             std::string::npos);
  // 70B weights (141 GB) do not fit one 80 GB GPU: the pool whose memory fails is named.
  const std::string e =
      error_of(d.write("e.toml", kBase + "[cluster.prefill]\ninstances = 1\nparallel = { attention_tp = 8 }\n"
                                         "[cluster.decode]\ninstances = 1\nparallel = { attention_tp = 1 }\n"));
  BOOST_TEST(e.find("e.toml:17:13:") != std::string::npos, e);
  BOOST_TEST(e.find("cluster.decode.instances") != std::string::npos, e);
}

BOOST_AUTO_TEST_SUITE_END()
