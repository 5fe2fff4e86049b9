// The engine profiles the seed comparison uses (data/engines/vllm.toml, sglang.toml) and the
// experiments that compare them (experiments/seed/*.toml).
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <set>
#include <string>

#include "lab/config/spec_loaders.hpp"
#include "lab/experiment/simulation_plan.hpp"
#include "tests/support/paths.hpp"

using namespace moelab;

BOOST_AUTO_TEST_SUITE(seed_profiles)

BOOST_AUTO_TEST_CASE(profiles_differ_in_mechanisms_not_in_kernel_efficiency) {
  const auto base = config::load_engine_by_id("baseline");
  const auto vllm = config::load_engine_by_id("vllm");
  const auto sglang = config::load_engine_by_id("sglang");
  BOOST_TEST(vllm.cache_policy == "block_hash");
  BOOST_TEST(vllm.scheduler == "fcfs");
  BOOST_TEST(!vllm.overhead_overlapped);
  BOOST_TEST(vllm.kv_block_tokens == 16);
  BOOST_TEST(sglang.cache_policy == "radix");
  BOOST_TEST(sglang.scheduler == "longest_prefix");
  BOOST_TEST(sglang.overhead_overlapped);
  BOOST_TEST(sglang.kv_block_tokens == 1);
  // One unmeasured CPU overhead for both: the engines differ only in hiding it.
  BOOST_TEST(vllm.step_overhead_s == sglang.step_overhead_s);
  BOOST_TEST(vllm.step_overhead_s > 0.0);
  // No per-engine kernel measurement exists: both use the baseline's measured efficiencies.
  for (const auto* e : {&vllm, &sglang}) {
    BOOST_TEST(e->matmul_efficiency == base.matmul_efficiency);
    BOOST_TEST(e->attention_efficiency == base.attention_efficiency);
    BOOST_TEST(e->memory_efficiency == base.memory_efficiency);
  }
}

BOOST_AUTO_TEST_CASE(every_seed_experiment_plans_and_comparisons_run_both_engines) {
  const auto dir = test::source_dir() / "experiments" / "seed";
  std::size_t configs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    ++configs;
    // sglang_vs_vllm_* and ablation_* compare the engines; perf_*.toml time one engine per
    // invocation (chosen with --set); other configs ask other questions of the seed.
    const std::string stem = entry.path().stem().string();
    const bool compares = stem.rfind("sglang_vs_vllm_", 0) == 0 || stem.rfind("ablation_", 0) == 0;
    BOOST_TEST_CONTEXT(entry.path().filename().string()) {
      const auto plan = lab::plan_simulation(lab::ExperimentSource{entry.path(), {}}, entry.path().stem().string());
      std::set<std::string> engines;
      for (const auto& run : plan.runs) engines.insert(run.config.engine.id);
      BOOST_TEST(!plan.runs.empty());
      if (compares) {
        BOOST_TEST(engines.count("vllm") == 1u);
        BOOST_TEST(engines.count("sglang") == 1u);
      }
    }
  }
  BOOST_TEST(configs >= 4u);
}

BOOST_AUTO_TEST_SUITE_END()
