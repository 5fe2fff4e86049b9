#pragma once
// Experiment text -> SimConfig through the real loaders (data/models, data/hardware,
// data/engines), then simulate(); helpers to read the run's summary row.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "lab/config/strict_toml.hpp"
#include "lab/experiment/simulation_plan.hpp"
#include "simulator/simulate.hpp"
#include "tests/support/paths.hpp"

namespace moelab::test {

// `engine_and_workload` holds the [engine] and [workload...] tables; model, hardware and cluster
// are fixed: Llama-3.1-8B on one H100 SXM, as the seed's comparison.
inline sim::SimConfig config_from(const std::string& engine_and_workload, std::uint64_t seed = 1) {
  const std::string text = "[model]\nid = \"llama-3.1-8b\"\n[hardware]\nid = \"h100-sxm\"\n" + engine_and_workload +
                           "\n[output]\ntimeseries_interval_s = 0\n";
  const toml::table root = config::parse_text(text, "prefix_test.toml");
  config::StrictTable strict(root, "prefix_test.toml");
  sim::SimConfig c = lab::read_sim_config(strict, source_dir() / "experiments" / "seed");
  c.seed = seed;
  return c;
}

inline double metric(const sim::RunResult& r, const std::string& name) {
  for (const auto& m : r.summary) {
    if (m.name() == name) return m.value;
  }
  throw std::logic_error("no summary metric " + name);
}

inline sim::RunResult run_checked(const sim::SimConfig& c) {
  sim::RunResult r = sim::simulate(c);
  BOOST_TEST_REQUIRE(r.invariant_violations.empty());
  BOOST_TEST_REQUIRE(metric(r, "unfinished") == 0.0);
  return r;
}

// KV capacity of Llama-3.1-8B (16.06 GB of BF16 weights, 131,072 KV bytes per token) on one
// 80 GB H100 is set through gpu_memory_utilization; this returns the utilization that leaves
// room for about `kv_tokens` tokens of KV.
inline double utilization_for_kv_tokens(double kv_tokens) {
  const double weights = 8.03e9 * 2.0;
  const double kv_bytes_per_token = 32.0 * 2 * 8 * 128 * 2;  // layers x (K, V) x kv heads x head dim x bytes
  return (weights + kv_tokens * kv_bytes_per_token) / 80e9;
}

}  // namespace moelab::test
