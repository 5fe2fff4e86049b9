// The tiered KV store in full runs (colocated and disaggregated) and the prefix-affinity router.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <numeric>

#include "simulator/cluster/cluster_simulator.hpp"
#include "simulator/cluster/disaggregated_cluster.hpp"
#include "simulator/cluster/router.hpp"
#include "tests/simulator/engine/engine_test_support.hpp"

namespace {
using namespace moelab::sim;
using moelab::sim::test::VectorWorkload;

SimConfig tiered_config() {
  SimConfig c = test::llama8b_h100_config();
  c.hardware.interconnect_eff_bytes_per_s = 48e9;
  c.hardware.interconnect_latency_s = 3.7e-6;
  c.engine.cache_policy = "block_hash";
  c.cluster.kv_tiers.chunk_tokens = 256;
  c.cluster.kv_tiers.tiers = {KvTierSpec{"dram", 1e12, 50e9, 10e-6}};
  return c;
}

Request with_content(std::int64_t id, double arrival_s, std::int32_t prompt, std::uint64_t first_id) {
  Request r = test::make_request(id, arrival_s, prompt, 1);
  r.content_block_tokens = 512;
  const std::int32_t ids = (prompt + 511) / 512;
  for (std::int32_t i = 0; i < ids; ++i) r.content_ids.push_back(first_id + static_cast<std::uint64_t>(i));
  return r;
}

double summary(const RunResult& r, std::string_view name) {
  for (const auto& m : r.summary)
    if (m.name() == name) return m.value;
  BOOST_FAIL("no summary metric " << name);
  return 0;
}

bool has_metric(const RunResult& r, std::string_view name) {
  for (const auto& m : r.summary)
    if (m.name() == name) return true;
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tiered_runs)

// A (2,048 tokens) is cached; B fills the whole HBM cache and evicts all of A; A's content again
// (C) finds nothing in HBM and 2,032 tokens (whole blocks, one token computed) in DRAM. Loading
// them costs 10 us + 2,032 x 131,072 B / 50 GB/s (one GPU), far below their prefill: C loads,
// its step waits for it, and the summary says so.
BOOST_AUTO_TEST_CASE(evicted_prefix_reloads_from_dram_in_a_colocated_run) {
  const SimConfig c = tiered_config();
  ClusterSimulator cluster(c);
  const std::int64_t blocks = cluster.kv_blocks_per_replica();
  const auto b_prompt = static_cast<std::int32_t>(blocks * 16 - 1);  // + 1 output token = every block
  std::vector<Request> reqs{with_content(0, 0.0, 2048, 100), with_content(1, 100.0, b_prompt, 1000),
                            with_content(2, 10000.0, 2048, 100)};
  reqs[2].id = 2;
  VectorWorkload w(std::move(reqs));
  const RunResult r = cluster.run(w);
  BOOST_TEST_REQUIRE(r.invariant_violations.empty());
  BOOST_TEST(r.requests[2].cached_tokens == 2032);
  const double load_s = 10e-6 + 2032.0 * 131072.0 / 50e9;
  BOOST_TEST(summary(r, "kv_tier_load_s") == load_s, boost::test_tools::tolerance(1e-12));
  const double prompts = 2048.0 + b_prompt + 2048.0;
  BOOST_TEST(summary(r, "kv_hit_rate_dram") == 2032.0 / prompts, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(summary(r, "kv_hit_rate_hbm") == 0.0);
  BOOST_TEST(summary(r, "prefix_hit_rate") == 2032.0 / prompts, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(summary(r, "kv_dram_read_bytes") == 2032.0 * 131072.0);

  // The same run without the store: C recomputes, and its first token comes later by more than
  // the load took.
  SimConfig off = c;
  off.cluster.kv_tiers.tiers.clear();
  ClusterSimulator plain(off);
  std::vector<Request> again{with_content(0, 0.0, 2048, 100), with_content(1, 100.0, b_prompt, 1000),
                             with_content(2, 10000.0, 2048, 100)};
  VectorWorkload w2(std::move(again));
  const RunResult p = plain.run(w2);
  BOOST_TEST(p.requests[2].cached_tokens == 0);
  BOOST_TEST(!has_metric(p, "kv_hit_rate_dram"));  // without a store the summary is as before
  const double ttft_tiered = r.requests[2].first_token_s - r.requests[2].arrival_s;
  const double ttft_plain = p.requests[2].first_token_s - p.requests[2].arrival_s;
  BOOST_TEST(ttft_tiered + load_s < ttft_plain);
}

// Disaggregated: the store serves the prefill pool; hit rates by tier add up to the prefix hit rate.
BOOST_AUTO_TEST_CASE(disaggregated_runs_keep_the_store_consistent) {
  SimConfig c = tiered_config();
  c.cluster.kv_tiers.tiers = {KvTierSpec{"dram", 2 * 256 * 131072.0, 50e9, 10e-6},
                              KvTierSpec{"ssd", 1e12, 5e9, 100e-6}};
  auto& d = c.cluster.disaggregation;
  d.enabled = true;
  for (PoolSpec* p : {&d.prefill, &d.decode}) {
    p->instances = 2;
    p->hardware = c.hardware;
    p->parallel = ParallelPlan::tensor_parallel(1);
    p->engine = c.engine;
  }
  d.prefill.role = PoolRole::prefill;
  d.decode.role = PoolRole::decode;
  std::vector<Request> reqs;
  for (int i = 0; i < 40; ++i) reqs.push_back(with_content(i, 0.5 * i, 1024 + 64 * (i % 7), 1000 * (i % 5)));
  DisaggregatedCluster cluster(c);
  VectorWorkload w(std::move(reqs));
  const RunResult r = cluster.run(w);
  BOOST_TEST_REQUIRE(r.invariant_violations.empty());
  const double sum = summary(r, "kv_hit_rate_hbm") + summary(r, "kv_hit_rate_dram") + summary(r, "kv_hit_rate_ssd");
  BOOST_TEST(sum == summary(r, "prefix_hit_rate"), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(summary(r, "kv_ssd_written_bytes") > 0);  // a 2-chunk DRAM overflows
  BOOST_TEST(summary(r, "kv_dram_written_bytes") > 0);
}

BOOST_AUTO_TEST_CASE(prefix_affinity_router_prefers_the_longest_prefix_under_a_load_cap) {
  auto router = make_router("prefix_affinity", 1);
  BOOST_TEST(router->wants_prefix_match());
  Request r = test::make_request(0, 0, 1000, 1);
  std::vector<ReplicaLoad> loads(3);
  loads[0] = {2, 0, 0.0, 0};
  loads[1] = {5, 0, 0.0, 600};
  loads[2] = {1, 0, 0.0, 200};
  BOOST_TEST(router->route(r, loads) == 1);  // 60% of the prompt cached, loads balanced
  loads[1].cached_prefix_tokens = 250;       // 25% < 30%: least load
  BOOST_TEST(router->route(r, loads) == 2);
  loads[1] = {100, 0, 0.0, 900};  // 100 - 1 > 64 and 100 > 1.5 x 1: imbalanced
  BOOST_TEST(router->route(r, loads) == 2);
  loads[2] = {40, 0, 0.0, 0};
  loads[0] = {40, 0, 0.0, 0};  // 100 - 40 <= 64: balanced again
  BOOST_TEST(router->route(r, loads) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
