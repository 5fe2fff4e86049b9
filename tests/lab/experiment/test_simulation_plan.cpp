#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <fstream>

#include "lab/config/spec_loaders.hpp"
#include "lab/experiment/simulation_plan.hpp"
#include "simulator/workload/workload_spec.hpp"

namespace fs = std::filesystem;
using namespace moelab;

namespace {

struct ConfigFile {
  fs::path path;
  explicit ConfigFile(const std::string& text, const std::string& name = "plan_test.toml") {
    const auto dir = fs::temp_directory_path() / ("moelab_plan_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    path = dir / name;
    std::ofstream(path) << text;
  }
  ~ConfigFile() { fs::remove_all(path.parent_path()); }
};

const std::string kBody =
    "[model]\nid = \"llama-3.1-8b\"\n"
    "[hardware]\nid = \"h100-sxm\"\n"
    "[engine]\nid = \"baseline\"\n"
    "[workload]\nkind = \"synthetic\"\nnum_requests = 10\nprompt_tokens = 100\noutput_tokens = 10\n"
    "arrivals = { kind = \"poisson\", rate_per_s = 2 }\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(simulation_plan)

BOOST_AUTO_TEST_CASE(defaults_without_optional_tables) {
  ConfigFile f(kBody, "my-exp.toml");
  const auto plan = lab::plan_simulation({f.path, {}}, "my-exp");
  BOOST_TEST(plan.header.name == "my-exp");
  BOOST_TEST(plan.header.kind == "simulation");
  BOOST_REQUIRE(plan.runs.size() == 1u);
  const auto& c = plan.runs[0].config;
  BOOST_TEST(plan.runs[0].label == "");
  BOOST_TEST(c.cluster.replicas == 1);
  BOOST_TEST(c.cluster.parallel.attention_tp == 1);
  BOOST_TEST(c.cluster.router == "round_robin");
  BOOST_TEST(c.stop.max_requests == 0);
  BOOST_TEST(c.slo.ttft_s == 0.0);
  BOOST_TEST(c.timeseries_interval_s == 1.0);
  BOOST_TEST(c.seed == 0u);
  // The price defaults to the hardware's.
  BOOST_TEST(c.hardware.usd_per_gpu_hour > 0);
  BOOST_TEST(c.usd_per_gpu_hour == c.hardware.usd_per_gpu_hour);
  BOOST_TEST(c.model.id == "llama-3.1-8b");
  BOOST_TEST(c.workload.kind == "synthetic");
  BOOST_TEST(c.workload.ends_by_itself());  // num_requests = 10
  BOOST_TEST(sim::make_workload(c.workload, c.seed)->expected_requests() == 10);
}

BOOST_AUTO_TEST_CASE(every_table_reaches_the_sim_config) {
  ConfigFile f("[experiment]\nname = \"x\"\nseed = 99\n" + kBody +
               "[cluster]\nreplicas = 3\ntensor_parallel = 2\nrouter = \"least_load\"\n"
               "[stop]\nmax_requests = 7\nmax_duration_s = 60\n"
               "[slo]\nttft_s = 0.5\ntpot_s = 0.04\ne2e_s = 30\n"
               "[cost]\nusd_per_gpu_hour = 1.25\n"
               "[output]\ntimeseries_interval_s = 0.25\n");
  const auto plan = lab::plan_simulation({f.path, {"engine.max_num_seqs=64"}}, "unused");
  const auto& c = plan.runs.at(0).config;
  BOOST_TEST(plan.header.name == "x");
  BOOST_TEST(c.seed == 99u);
  BOOST_TEST(c.cluster.replicas == 3);
  BOOST_TEST(c.cluster.parallel.attention_tp == 2);
  BOOST_TEST(c.cluster.router == "least_load");
  BOOST_TEST(c.stop.max_requests == 7);
  BOOST_TEST(c.stop.max_duration_s == 60.0);
  BOOST_TEST(c.slo.ttft_s == 0.5);
  BOOST_TEST(c.slo.tpot_s == 0.04);
  BOOST_TEST(c.slo.e2e_s == 30.0);
  BOOST_TEST(c.usd_per_gpu_hour == 1.25);
  BOOST_TEST(c.timeseries_interval_s == 0.25);
  BOOST_TEST(c.engine.max_num_seqs == 64);  // --set reached the engine loader
  BOOST_TEST(plan.config_toml.find("max_num_seqs = 64") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sweep_points_differ_only_in_swept_values) {
  ConfigFile f("[experiment]\nseed = 5\n" + kBody +
               "[sweep]\n\"workload.arrivals.rate_per_s\" = [1, 2]\n\"cluster.replicas\" = [1, 2, 4]\n");
  const auto plan = lab::plan_simulation({f.path, {}}, "s");
  BOOST_REQUIRE(plan.runs.size() == 6u);
  BOOST_TEST(plan.axes.size() == 2u);
  const auto& last = plan.runs[5];
  BOOST_TEST(last.label == "workload.arrivals.rate_per_s=2,cluster.replicas=4");
  BOOST_TEST(last.config.cluster.replicas == 4);
  BOOST_TEST(plan.runs[1].config.cluster.replicas == 2);
  // Same seed, rate 2 instead of 1: every exponential gap is exactly half as long.
  auto at_rate_1 = sim::make_workload(plan.runs[1].config.workload, 5);
  auto at_rate_2 = sim::make_workload(last.config.workload, 5);
  for (int i = 0; i < 10; ++i) BOOST_TEST(at_rate_2->pop().arrival_s == 0.5 * at_rate_1->pop().arrival_s);
  for (const auto& r : plan.runs) BOOST_TEST(r.config.seed == 5u);
  BOOST_TEST(last.config_toml.find("[sweep]") == std::string::npos);
  BOOST_TEST(plan.config_toml.find("sweep") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(seed_per_run_is_deterministic_and_distinct) {
  ConfigFile f("[experiment]\nseed = 5\nseed_per_run = true\n" + kBody + "[sweep]\n\"cluster.replicas\" = [1, 2, 3]\n");
  const auto a = lab::plan_simulation({f.path, {}}, "s");
  const auto b = lab::plan_simulation({f.path, {}}, "s");
  BOOST_TEST(a.runs[0].config.seed != a.runs[1].config.seed);
  BOOST_TEST(a.runs[1].config.seed != a.runs[2].config.seed);
  for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(a.runs[i].config.seed == b.runs[i].config.seed);
}

BOOST_AUTO_TEST_CASE(a_swept_seed_is_per_point) {
  ConfigFile f(kBody + "[sweep]\n\"experiment.seed\" = [3, 4]\n");
  const auto plan = lab::plan_simulation({f.path, {}}, "s");
  BOOST_TEST(plan.runs[0].config.seed == 3u);
  BOOST_TEST(plan.runs[1].config.seed == 4u);
}

BOOST_AUTO_TEST_CASE(errors_in_later_points_are_found_before_running) {
  ConfigFile f(kBody + "[sweep]\n\"cluster.tensor_parallel\" = [1, 2, 0]\n");
  try {
    lab::plan_simulation({f.path, {}}, "s");
    BOOST_FAIL("expected an InputError");
  } catch (const InputError& e) {
    BOOST_TEST(e.key() == "cluster.tensor_parallel");
    BOOST_TEST(e.where().line == 14);
    BOOST_TEST(e.where().file == f.path.string());
  }
}

BOOST_AUTO_TEST_SUITE_END()
