// [cluster.parallel] and [moe]: read into the SimConfig, checked with file:line:col and the key.
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <fstream>

#include "lab/experiment/simulation_plan.hpp"
#include "lab/h5/table.hpp"
#include "lab/h5/writer.hpp"
#include "tests/lab/plan_test_support.hpp"

namespace fs = std::filesystem;
using namespace moelab;

namespace {

struct Dir : test::ScratchConfigDir {
  Dir() : ScratchConfigDir("parallel") {}
};

const std::string kMoe =
    "[model]\nid = \"deepseek-v3\"\n"
    "[hardware]\nid = \"h800\"\n"
    "[engine]\nid = \"sglang\"\n"
    "[workload]\nkind = \"synthetic\"\nnum_requests = 10\nprompt_tokens = 100\noutput_tokens = 10\n"
    "arrivals = { kind = \"burst\" }\n";

std::string error_of(const fs::path& file) { return test::plan_error_of(file); }

}  // namespace

BOOST_AUTO_TEST_SUITE(parallel_config)

BOOST_AUTO_TEST_CASE(a_plan_and_routing_reach_the_sim_config) {
  Dir d;
  const auto f = d.write("p.toml", kMoe +
                                       "[cluster]\nreplicas = 2\n"
                                       "[cluster.parallel]\nattention_tp = 4\nattention_dp = 8\nexpert_parallel = 32\n"
                                       "redundant_experts = 32\ndp_dispatch = \"least_load\"\n"
                                       "[moe]\nrouting = \"zipf\"\nzipf_s = 0.8\nmax_nodes_per_token = 4\n");
  const auto plan = lab::plan_simulation({f, {}}, "x");
  const auto& c = plan.runs.at(0).config;
  BOOST_TEST(c.cluster.replicas == 2);
  BOOST_TEST(c.cluster.parallel.attention_tp == 4);
  BOOST_TEST(c.cluster.parallel.attention_dp == 8);
  BOOST_TEST(c.cluster.parallel.expert_parallel == 32);
  BOOST_TEST(c.cluster.parallel.resolved_expert_tp() == 1);
  BOOST_TEST(c.cluster.parallel.redundant_experts == 32);
  BOOST_TEST(!c.cluster.parallel.from_shorthand);
  BOOST_TEST(c.cluster.dp_dispatch == "least_load");
  BOOST_TEST(c.moe.kind == "zipf");
  BOOST_TEST(c.moe.zipf_s == 0.8);
  BOOST_TEST(c.moe.max_nodes_per_token == 4);
}

BOOST_AUTO_TEST_CASE(bad_plans_fail_at_their_key) {
  Dir d;
  // Both forms at once.
  auto f = d.write("both.toml", kMoe + "[cluster]\ntensor_parallel = 8\n[cluster.parallel]\nattention_dp = 8\n");
  BOOST_TEST(error_of(f).find("both.toml:14:19: cluster.tensor_parallel: give either") != std::string::npos,
             error_of(f));
  // 128 heads over 3 GPUs, at the value's position.
  f = d.write("heads.toml", kMoe + "[cluster.parallel]\nattention_tp = 3\n");
  BOOST_TEST(
      error_of(f).find("heads.toml:14:16: cluster.parallel.attention_tp: 128 attention heads") != std::string::npos,
      error_of(f));
  // EP x expert TP must cover the stage's GPUs.
  f = d.write("ep.toml", kMoe + "[cluster.parallel]\nattention_dp = 16\nexpert_parallel = 16\nexpert_tp = 2\n");
  BOOST_TEST(error_of(f).find("ep.toml:16:13: cluster.parallel.expert_tp: expert_parallel x expert_tp must equal") !=
                 std::string::npos,
             error_of(f));
  // A left-out key whose default breaks the plan is reported at its table: EP 1 with DP 16 would
  // TP-shard every expert over 16 GPUs, wider than an 8-GPU NVLink domain.
  f = d.write("etp.toml", kMoe + "[cluster.parallel]\nattention_dp = 16\n");
  BOOST_TEST(
      error_of(f).find("etp.toml:13:1: cluster.parallel.expert_parallel: expert TP 16 is wider") != std::string::npos,
      error_of(f));
  // Routing on a dense model; an unknown routing kind; a measured file that is not there.
  f = d.write("dense.toml", "[model]\nid = \"llama-3.1-8b\"\n" + kMoe.substr(kMoe.find("[hardware]")) +
                                "[moe]\nrouting = \"zipf\"\nzipf_s = 1\n");
  BOOST_TEST(error_of(f).find("moe.routing: llama-3.1-8b has no experts") != std::string::npos, error_of(f));
  f = d.write("kind.toml", kMoe + "[moe]\nrouting = \"hot\"\n");
  BOOST_TEST(error_of(f).find("kind.toml:14:11: moe.routing:") != std::string::npos, error_of(f));
  f = d.write("missing.toml",
              kMoe + "[moe]\nrouting = \"measured\"\nmeasured_file = \"nope.h5\"\nmeasured_dataset = \"/x\"\n");
  BOOST_TEST(error_of(f).find("moe.measured_dataset: no such file") != std::string::npos, error_of(f));
}

BOOST_AUTO_TEST_CASE(measured_routing_reads_a_kernel_lab_file) {
  Dir d;
  // A tokens_per_expert table as lab/ab/report.cpp writes it: expert order need not be sorted.
  {
    h5::Writer w(d.path / "ab.h5");
    h5::Table t;
    std::vector<std::int64_t> expert(256), tokens(256);
    for (int e = 0; e < 256; ++e) {
      expert[static_cast<std::size_t>(e)] = 255 - e;
      tokens[static_cast<std::size_t>(e)] = 255 - e == 7 ? 900 : 10;
    }
    t.add("expert", "", std::move(expert)).add("tokens", "tokens", std::move(tokens));
    w.write_table("/ab/router.topk/00_x/tokens_per_expert", t);
    w.commit();
  }
  const auto f = d.write("m.toml", kMoe +
                                       "[cluster.parallel]\nattention_dp = 32\nexpert_parallel = 32\n"
                                       "[moe]\nrouting = \"measured\"\nmeasured_file = \"ab.h5\"\n"
                                       "measured_dataset = \"/ab/router.topk/00_x/tokens_per_expert\"\n");
  const auto plan = lab::plan_simulation({f, {}}, "x");
  const auto& counts = plan.runs.at(0).config.moe.measured_tokens_per_expert;
  BOOST_REQUIRE(counts.size() == 256u);
  BOOST_TEST(counts[7] == 900.0);
  BOOST_TEST(counts[8] == 10.0);
  // The wrong number of experts for the model is reported at the dataset key.
  const auto g =
      d.write("n.toml", "[model]\nid = \"kimi-k2\"\n[hardware]\nid = \"h200\"\n" + kMoe.substr(kMoe.find("[engine]")) +
                            "[cluster.parallel]\nattention_dp = 16\nexpert_parallel = 16\n"
                            "[moe]\nrouting = \"measured\"\nmeasured_file = \"ab.h5\"\n"
                            "measured_dataset = \"/ab/router.topk/00_x/tokens_per_expert\"\n");
  BOOST_TEST(error_of(g).find("moe.measured_dataset:") != std::string::npos, error_of(g));
  BOOST_TEST(error_of(g).find("the model has 384") != std::string::npos, error_of(g));
}

BOOST_AUTO_TEST_SUITE_END()
