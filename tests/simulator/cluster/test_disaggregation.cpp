// Prefill/decode disaggregation: the KV transfer priced by hand, decode entry without a second
// prefill, NIC contention, conservation.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "simulator/cluster/cluster_simulator.hpp"
#include "simulator/cluster/disaggregated_cluster.hpp"
#include "simulator/model/param_count.hpp"
#include "tests/simulator/engine/engine_test_support.hpp"

namespace {
using namespace moelab::sim;
using moelab::sim::test::make_request;
using moelab::sim::test::VectorWorkload;

SimConfig base_config() {
  SimConfig c = test::llama8b_h100_config();
  c.hardware.interconnect_eff_bytes_per_s = 48e9;  // ConnectX-7 NDR, as data/hardware/h100-sxm.toml
  c.hardware.interconnect_latency_s = 3.7e-6;
  return c;
}

PoolSpec pool(const SimConfig& c, PoolRole role, std::int64_t instances, std::int64_t tp = 1) {
  PoolSpec p;
  p.role = role;
  p.instances = instances;
  p.hardware = c.hardware;
  p.parallel = ParallelPlan::tensor_parallel(tp);
  p.engine = c.engine;
  p.usd_per_gpu_hour = c.usd_per_gpu_hour;
  return p;
}

SimConfig disaggregated(std::int64_t prefill, std::int64_t decode, std::int64_t tp = 1) {
  SimConfig c = base_config();
  c.cluster.disaggregation.enabled = true;
  c.cluster.disaggregation.prefill = pool(c, PoolRole::prefill, prefill, tp);
  c.cluster.disaggregation.decode = pool(c, PoolRole::decode, decode, tp);
  return c;
}

RunResult run_disaggregated(const SimConfig& c, std::vector<Request> requests) {
  DisaggregatedCluster cluster(c);
  VectorWorkload w(std::move(requests));
  return cluster.run(w);
}

RunResult run_colocated(std::vector<Request> requests) {
  ClusterSimulator cluster(base_config());
  VectorWorkload w(std::move(requests));
  return cluster.run(w);
}

double summary(const RunResult& r, std::string_view name) {
  for (const auto& m : r.summary)
    if (m.name() == name) return m.value;
  BOOST_FAIL("no summary metric " << name);
  return 0;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(disaggregation)

// Llama-3.1-8B: K and V x 32 layers x 8 KV heads x 128 x 2 bytes = 131,072 bytes per token.
// 1,000 prompt tokens over one NIC pair of 48 GB/s and 3.7 us: 3.7e-6 + 131.072e6 / 48e9 s.
BOOST_AUTO_TEST_CASE(one_requests_kv_transfer_time_by_hand) {
  const SimConfig c = disaggregated(1, 1);
  BOOST_TEST(kv_bytes_per_token(c.model) == 131072.0);
  const RunResult r = run_disaggregated(c, {make_request(0, 0.0, 1000, 4)});
  BOOST_TEST_REQUIRE(r.invariant_violations.empty());
  BOOST_TEST_REQUIRE(r.kv_transfers.size() == 1u);
  const auto& t = r.kv_transfers[0];
  BOOST_TEST(t.kv_bytes == 131.072e6);
  const double expected_s = 3.7e-6 + 131.072e6 / 48e9;  // 2.7344 ms
  BOOST_TEST(t.kv_transfer_s() == expected_s, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(t.prefill_instance == 0);
  BOOST_TEST(t.decode_instance == 1);
  // TTFT includes the transfer: the prefill ends as it would colocated, the token arrives with the KV.
  const RunResult colocated = run_colocated({make_request(0, 0.0, 1000, 4)});
  BOOST_TEST(t.ready_s == colocated.requests[0].first_token_s, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(r.requests[0].first_token_s == colocated.requests[0].first_token_s + expected_s,
             boost::test_tools::tolerance(1e-12));
  BOOST_TEST(summary(r, "kv_transfer_bytes") == 131.072e6);
  BOOST_TEST(summary(r, "kv_transfers") == 1.0);
}

// Layer-wise streaming: the prompt's only prefill step ran from 0 to ready_s (w) over 32 layers;
// layer l's KV leaves at w (l + 1) / 32, so with the wire time T = 131.072e6 / 48e9 far below w
// only the last layer's share is exposed: latency + T / 32.
BOOST_AUTO_TEST_CASE(layerwise_transfer_exposes_only_the_last_layer) {
  SimConfig c = disaggregated(1, 1);
  c.cluster.disaggregation.layerwise_kv_transfer = true;
  const RunResult r = run_disaggregated(c, {make_request(0, 0.0, 1000, 4)});
  BOOST_TEST_REQUIRE(r.invariant_violations.empty());
  const auto& t = r.kv_transfers[0];
  const double wire = 131.072e6 / 48e9, w = t.ready_s;
  BOOST_TEST_REQUIRE(wire < w * 31 / 32);
  BOOST_TEST(t.kv_transfer_s() == 3.7e-6 + wire / 32, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(t.start_s == w / 32, boost::test_tools::tolerance(1e-12));  // the first layer is ready
  // A transfer longer than the step: what the step could not hide is exposed, T - w (31/32).
  const LayerwiseTiming slow = layerwise_timing(1.0, 0.032, 32, 1.0 - 0.031, 0.5, 1e-6);
  BOOST_TEST(slow.first_layer_ready_s == 1.0 - 0.031, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(slow.done_s - 1.0 == 0.5 - 0.031 + 1e-6, boost::test_tools::tolerance(1e-12));
}

// TP 2 on both sides: each GPU sends half over its own NIC.
BOOST_AUTO_TEST_CASE(tensor_parallel_ranks_send_over_every_nic) {
  const SimConfig c = disaggregated(1, 1, 2);
  const RunResult r = run_disaggregated(c, {make_request(0, 0.0, 1000, 4)});
  BOOST_TEST_REQUIRE(r.kv_transfers.size() == 1u);
  BOOST_TEST(r.kv_transfers[0].kv_transfer_s() == 3.7e-6 + 131.072e6 / (2 * 48e9), boost::test_tools::tolerance(1e-12));
}

// The decode instance starts from the transferred KV: no second prefill, and its decode steps see
// the same KV lengths as the colocated replica's, so the time from first to last token matches.
BOOST_AUTO_TEST_CASE(decode_enters_with_its_kv_and_never_prefills_again) {
  const RunResult r = run_disaggregated(disaggregated(1, 1), {make_request(0, 0.0, 1000, 50)});
  const RunResult colocated = run_colocated({make_request(0, 0.0, 1000, 50)});
  BOOST_TEST_REQUIRE(r.invariant_violations.empty());
  const auto& d = r.requests[0];
  const auto& m = colocated.requests[0];
  BOOST_TEST(d.output_tokens == 50);
  BOOST_TEST(d.finish_s - d.first_token_s == m.finish_s - m.first_token_s, boost::test_tools::tolerance(1e-9));
  // One prefill step on the prefill instance, 49 decode steps on the decode instance.
  BOOST_TEST(r.iterations == 1 + 49);
  BOOST_TEST(colocated.iterations == 50);
}

// Two prompts prefilled in one step finish together; they share both instances' NICs, so the
// second transfer starts when the first ends.
BOOST_AUTO_TEST_CASE(transfers_sharing_nics_queue) {
  const RunResult r =
      run_disaggregated(disaggregated(1, 1), {make_request(0, 0.0, 1000, 4), make_request(1, 0.0, 1000, 4)});
  BOOST_TEST_REQUIRE(r.kv_transfers.size() == 2u);
  const auto& a = r.kv_transfers[0];
  const auto& b = r.kv_transfers[1];
  BOOST_TEST(a.ready_s == b.ready_s);
  BOOST_TEST(b.start_s == a.done_s);
  BOOST_TEST(b.kv_transfer_s() == 2 * a.kv_transfer_s(), boost::test_tools::tolerance(1e-12));
  // With two decode instances (round robin) the destinations differ, but the source NICs are shared.
  const RunResult two =
      run_disaggregated(disaggregated(1, 2), {make_request(0, 0.0, 1000, 4), make_request(1, 0.0, 1000, 4)});
  BOOST_TEST(two.kv_transfers[0].decode_instance != two.kv_transfers[1].decode_instance);
  BOOST_TEST(two.kv_transfers[1].start_s == two.kv_transfers[0].done_s);
}

// Many requests, small KV on the decode side (preemptions there): every request finishes, tokens
// and KV are conserved (the invariants), one transfer per request with output > 1.
BOOST_AUTO_TEST_CASE(every_request_finishes_and_tokens_are_conserved) {
  SimConfig c = disaggregated(2, 3);
  c.cluster.disaggregation.decode.engine.gpu_memory_utilization = 0.25;  // 8B weights leave a few GB of KV
  auto requests = test::poisson_requests(400, 40.0, 11, 200, 3000, 1, 400);
  std::int64_t multi = 0, asked = 0;
  for (const auto& q : requests) {
    multi += q.output_tokens > 1;
    asked += q.output_tokens;
  }
  const RunResult r = run_disaggregated(c, requests);
  BOOST_TEST(r.invariant_violations.empty());
  for (const auto& v : r.invariant_violations) BOOST_TEST_MESSAGE(v);
  std::int64_t produced = 0;
  for (const auto& rec : r.requests) {
    BOOST_TEST(rec.finish_s >= rec.first_token_s);
    produced += rec.output_tokens;
  }
  BOOST_TEST(produced == asked);
  BOOST_TEST(static_cast<std::int64_t>(r.kv_transfers.size()) == multi);
  BOOST_TEST(summary(r, "finished") == 400.0);
}

// A request the decode pool can never hold (prompt + output beyond its KV) was still prefilled
// (the prefill pool needs room for the prompt and one token): its row stays unfinished with the
// requested lengths, and the token its prefill produced is accounted for in the invariants.
BOOST_AUTO_TEST_CASE(decode_rejection_keeps_the_requested_lengths_and_the_invariants) {
  SimConfig c = disaggregated(1, 1);
  c.cluster.disaggregation.decode.engine.gpu_memory_utilization = 0.25;  // a few GB of KV
  std::vector<Request> requests = {make_request(0, 0.0, 1000, 100), make_request(1, 0.0, 1000, 2'000'000),
                                   make_request(2, 0.5, 1000, 100)};
  const RunResult r = run_disaggregated(c, requests);
  for (const auto& v : r.invariant_violations) BOOST_TEST_MESSAGE(v);
  BOOST_TEST(r.invariant_violations.empty());
  BOOST_REQUIRE(r.requests.size() == 3u);
  BOOST_TEST(r.requests[1].finish_s < 0);
  BOOST_TEST(r.requests[1].output_tokens == 2'000'000);
  BOOST_TEST(r.requests[1].prompt_tokens == 1000);
  BOOST_TEST(r.requests[0].finish_s > 0);
  BOOST_TEST(r.requests[2].finish_s > 0);
  BOOST_TEST(r.requests[0].output_tokens == 100);
  BOOST_TEST(r.kv_transfers.size() == 3u);  // the rejected request's KV was sent, then refused
  BOOST_TEST(summary(r, "finished") == 2.0);
}

// The decode router: a long prompt holds most of instance 1's KV, a short one runs on instance
// 2. The third request goes where the KV is (least_kv: instance 2) or, with one sequence on
// each, to the lowest index (least_load: instance 1). Decodes of 1,000 tokens outlast the 3 s.
BOOST_AUTO_TEST_CASE(least_kv_decode_router_balances_memory_not_sequences) {
  auto requests = [] {
    return std::vector<Request>{make_request(0, 0.0, 20000, 1000), make_request(1, 1.0, 100, 1000),
                                make_request(2, 2.0, 100, 1000), make_request(3, 3.0, 100, 1000)};
  };
  SimConfig c = disaggregated(1, 2);
  c.cluster.disaggregation.decode.router = "least_kv";
  const RunResult kv = run_disaggregated(c, requests());
  c.cluster.disaggregation.decode.router = "least_load";
  const RunResult load = run_disaggregated(c, requests());
  BOOST_TEST_REQUIRE(kv.kv_transfers.size() == 4u);
  BOOST_TEST(kv.kv_transfers[0].decode_instance == 1);
  BOOST_TEST(kv.kv_transfers[1].decode_instance == 2);
  BOOST_TEST(kv.kv_transfers[2].decode_instance == 2);
  BOOST_TEST(kv.kv_transfers[3].decode_instance == 2);
  BOOST_TEST(load.kv_transfers[2].decode_instance == 1);  // 1 running each: lowest index
  BOOST_TEST(load.kv_transfers[3].decode_instance == 2);
  BOOST_TEST(kv.invariant_violations.empty());
}

BOOST_AUTO_TEST_CASE(gpu_hours_count_both_pools) {
  const RunResult r = run_disaggregated(disaggregated(1, 3, 2), {make_request(0, 0.0, 1000, 4)});
  BOOST_TEST(summary(r, "gpu_hours") == 8 * summary(r, "duration_s") / 3600.0, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(bad_pools_name_their_key) {
  SimConfig c = disaggregated(1, 1);
  c.cluster.disaggregation.decode.instances = 0;
  BOOST_CHECK_EXCEPTION(DisaggregatedCluster{c}, moelab::InputError,
                        [](const moelab::InputError& e) { return e.key() == "cluster.decode.instances"; });
  c = disaggregated(1, 1);
  c.cluster.disaggregation.prefill.parallel = ParallelPlan::tensor_parallel(3);  // 32 heads do not split over 3
  BOOST_CHECK_EXCEPTION(DisaggregatedCluster{c}, moelab::InputError,
                        [](const moelab::InputError& e) { return e.key() == "cluster.prefill.tensor_parallel"; });
  c = disaggregated(1, 1);
  c.cluster.disaggregation.decode.parallel.from_shorthand = false;
  c.cluster.disaggregation.decode.parallel.attention_tp = 3;
  BOOST_CHECK_EXCEPTION(DisaggregatedCluster{c}, moelab::InputError,
                        [](const moelab::InputError& e) { return e.key() == "cluster.decode.parallel.attention_tp"; });
}

BOOST_AUTO_TEST_SUITE_END()
