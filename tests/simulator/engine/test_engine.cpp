#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>

#include <boost/test/unit_test.hpp>

#include "base/input_error.hpp"
#include "simulator/cluster/cluster_simulator.hpp"
#include "tests/simulator/engine/engine_test_support.hpp"

using namespace moelab::sim;
using namespace moelab::sim::test;

namespace {

RunResult run(const SimConfig& config, std::vector<Request> requests) {
  ClusterSimulator sim(config);
  VectorWorkload workload(std::move(requests));
  return sim.run(workload);
}

double metric(const RunResult& r, const std::string& name) {
  for (const auto& m : r.summary)
    if (m.name() == name) return m.value;
  BOOST_FAIL("no metric " << name);
  return 0;
}

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

// Sets gpu_memory_utilization so that one replica holds exactly `blocks` KV blocks.
void set_kv_blocks(SimConfig& c, std::int64_t blocks) {
  StepCostModel cost(c.model, c.hardware, c.engine, c.cluster.parallel.attention_tp);
  const double block_bytes = cost.kv_bytes_per_token() * static_cast<double>(c.engine.kv_block_tokens);
  const double hbm = c.hardware.hbm_bytes * static_cast<double>(c.cluster.parallel.attention_tp);
  c.engine.gpu_memory_utilization = (cost.weight_bytes() + (static_cast<double>(blocks) + 0.5) * block_bytes) / hbm;
}

void check_clean(const RunResult& r) {
  for (const auto& v : r.invariant_violations) BOOST_ERROR("invariant violated: " << v);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(engine)

BOOST_AUTO_TEST_CASE(same_config_and_seed_is_bit_identical) {
  auto c = llama8b_h100_config();
  c.cluster.replicas = 3;
  c.cluster.router = "least_load";
  c.timeseries_interval_s = 0.5;
  set_kv_blocks(c, 3000);
  c.slo = {0.5, 0.05, 20};
  const auto requests = poisson_requests(4000, 60, 11, 10, 3000, 1, 600);
  const RunResult a = run(c, requests), b = run(c, requests);
  BOOST_REQUIRE_EQUAL(a.requests.size(), b.requests.size());
  for (std::size_t i = 0; i < a.requests.size(); ++i) {
    const auto &x = a.requests[i], &y = b.requests[i];
    BOOST_REQUIRE(x.id == y.id && bits(x.arrival_s) == bits(y.arrival_s) &&
                  bits(x.first_token_s) == bits(y.first_token_s) && bits(x.finish_s) == bits(y.finish_s) &&
                  x.prompt_tokens == y.prompt_tokens && x.cached_tokens == y.cached_tokens &&
                  x.output_tokens == y.output_tokens && x.preemptions == y.preemptions && x.replica == y.replica &&
                  x.session_id == y.session_id && x.turn == y.turn);
  }
  BOOST_REQUIRE_EQUAL(a.timeseries.size(), b.timeseries.size());
  for (std::size_t i = 0; i < a.timeseries.size(); ++i) {
    const auto &x = a.timeseries[i], &y = b.timeseries[i];
    BOOST_REQUIRE(bits(x.t_s) == bits(y.t_s) && x.replica == y.replica && x.running == y.running &&
                  x.waiting == y.waiting && x.kv_blocks_pinned == y.kv_blocks_pinned &&
                  x.kv_blocks_cached == y.kv_blocks_cached && x.kv_blocks_total == y.kv_blocks_total &&
                  x.batch_tokens == y.batch_tokens);
  }
  BOOST_REQUIRE_EQUAL(a.summary.size(), b.summary.size());
  for (std::size_t i = 0; i < a.summary.size(); ++i) {
    BOOST_TEST(a.summary[i].name() == b.summary[i].name());
    BOOST_TEST(bits(a.summary[i].value) == bits(b.summary[i].value), std::string(a.summary[i].name()));
  }
  BOOST_TEST(a.events == b.events);
  BOOST_TEST(a.iterations == b.iterations);
  BOOST_TEST(bits(a.simulated_s) == bits(b.simulated_s));
  BOOST_TEST(a.invariant_violations == b.invariant_violations);
  check_clean(a);
  // A different seed only changes routing randomness (none here): a different workload must differ.
  const RunResult d = run(c, poisson_requests(4000, 60, 12, 10, 3000, 1, 600));
  BOOST_TEST(bits(metric(d, "ttft_mean_s")) != bits(metric(a, "ttft_mean_s")));
}

BOOST_AUTO_TEST_CASE(summary_columns_follow_the_schema_order) {
  auto c = llama8b_h100_config();
  const auto r = run(c, poisson_requests(50, 5, 3, 100, 200, 10, 20));
  const std::vector<std::string> expected = {"requests",
                                             "finished",
                                             "unfinished",
                                             "duration_s",
                                             "input_tok_per_s",
                                             "output_tok_per_s",
                                             "requests_per_s",
                                             "ttft_mean_s",
                                             "ttft_p50_s",
                                             "ttft_p90_s",
                                             "ttft_p99_s",
                                             "tpot_mean_s",
                                             "tpot_p50_s",
                                             "tpot_p90_s",
                                             "tpot_p99_s",
                                             "e2e_mean_s",
                                             "e2e_p50_s",
                                             "e2e_p90_s",
                                             "e2e_p99_s",
                                             "goodput_requests_per_s",
                                             "slo_attainment",
                                             "kv_utilization_mean",
                                             "kv_utilization_max",
                                             "preemptions",
                                             "prefix_hit_rate",
                                             "prefill_tokens_saved",
                                             "evicted_blocks",
                                             "gpu_hours",
                                             "usd_per_m_input_tok",
                                             "usd_per_m_output_tok",
                                             "usd_per_gpu_hour",
                                             "ttft_first_turn_p50_s",
                                             "ttft_first_turn_p99_s",
                                             "ttft_later_turns_p50_s",
                                             "ttft_later_turns_p99_s",
                                             "exposed_communication_fraction",
                                             "expert_imbalance_mean"};
  std::vector<std::string> names;
  for (const auto& m : r.summary) names.emplace_back(m.name());
  BOOST_TEST(names == expected, boost::test_tools::per_element());
  BOOST_TEST(metric(r, "requests") == 50);
  BOOST_TEST(metric(r, "finished") == 50);
  BOOST_TEST(metric(r, "slo_attainment") == 1.0);  // no SLO bounds set: everyone meets them
  // Without sessions every request is a first turn.
  BOOST_TEST(metric(r, "ttft_first_turn_p50_s") == metric(r, "ttft_p50_s"));
  BOOST_TEST(std::isnan(metric(r, "ttft_later_turns_p50_s")));
  const double gpu_hours = metric(r, "gpu_hours");
  BOOST_TEST(gpu_hours == metric(r, "duration_s") / 3600, boost::test_tools::tolerance(1e-12));
  // All dollars go to input or output: $in + $out == gpu_hours * price.
  double in_tok = 0, out_tok = 0;
  for (const auto& rec : r.requests) in_tok += rec.prompt_tokens, out_tok += rec.output_tokens;
  const double usd =
      metric(r, "usd_per_m_input_tok") * in_tok / 1e6 + metric(r, "usd_per_m_output_tok") * out_tok / 1e6;
  BOOST_TEST(usd == gpu_hours * 1.99, boost::test_tools::tolerance(1e-9));  // H100 SXM at $1.99 per GPU-hour
}

BOOST_AUTO_TEST_CASE(invariants_hold_on_a_mixed_run) {
  auto c = llama8b_h100_config();
  c.cluster.replicas = 2;
  c.engine.max_num_seqs = 64;
  c.engine.max_batched_tokens = 2048;
  set_kv_blocks(c, 1500);  // tight enough to preempt sometimes
  const auto r = run(c, poisson_requests(3000, 40, 5, 1, 4000, 1, 1500));
  check_clean(r);
  BOOST_TEST(metric(r, "finished") == 3000);
  for (const auto& rec : r.requests) {
    BOOST_REQUIRE(rec.finish_s >= rec.first_token_s);
    BOOST_REQUIRE(rec.first_token_s > rec.arrival_s);
    BOOST_REQUIRE(rec.cached_tokens == 0);
  }
  const auto req = poisson_requests(3000, 40, 5, 1, 4000, 1, 1500);
  for (std::size_t i = 0; i < req.size(); ++i) BOOST_REQUIRE_EQUAL(r.requests[i].output_tokens, req[i].output_tokens);
  for (const auto& p : r.timeseries) {
    BOOST_REQUIRE(p.running <= 64);
    BOOST_REQUIRE(p.batch_tokens <= 2048);
    BOOST_REQUIRE(p.kv_blocks_pinned <= p.kv_blocks_total);
  }
}

// One sequence at a time, fixed lengths: the replica is an M/D/1 queue. Mean wait in queue
// Wq = rho * D / (2 (1 - rho)) (Pollaczek-Khinchine with zero service variance).
BOOST_AUTO_TEST_CASE(one_at_a_time_matches_md1_mean_wait) {
  auto c = llama8b_h100_config();
  c.engine.max_num_seqs = 1;
  c.timeseries_interval_s = 1e9;
  const auto single = run(c, {make_request(0, 0.0, 500, 100)});
  const double service_s = single.requests[0].finish_s - single.requests[0].arrival_s;
  const double prefill_s = single.requests[0].first_token_s - single.requests[0].arrival_s;
  BOOST_TEST_MESSAGE("D = " << service_s << " s");
  for (const double rho : {0.5, 0.7}) {
    auto requests = poisson_requests(40000, rho / service_s, 99, 500, 500, 100, 100);
    const auto r = run(c, requests);
    check_clean(r);
    double wait = 0;
    for (const auto& rec : r.requests) wait += (rec.first_token_s - rec.arrival_s) - prefill_s;
    wait /= static_cast<double>(r.requests.size());
    const double wq = rho * service_s / (2 * (1 - rho));
    BOOST_TEST_MESSAGE("rho " << rho << ": simulated Wq " << wait << " s, M/D/1 " << wq << " s");
    BOOST_TEST(wait == wq, boost::test_tools::tolerance(0.05));
  }
}

BOOST_AUTO_TEST_CASE(preemption_happens_and_recovers_when_kv_is_tiny) {
  auto c = llama8b_h100_config();
  set_kv_blocks(c, 64);  // 1024 tokens for everyone
  std::vector<Request> requests;
  for (int i = 0; i < 20; ++i) requests.push_back(make_request(i, 0.001 * i, 200, 300));
  const auto r = run(c, requests);
  check_clean(r);
  BOOST_TEST(metric(r, "finished") == 20);
  BOOST_TEST(metric(r, "preemptions") > 0);
  std::int64_t per_request = 0;
  for (const auto& rec : r.requests) {
    per_request += rec.preemptions;
    BOOST_TEST(rec.output_tokens == 300);
  }
  BOOST_TEST(per_request == metric(r, "preemptions"));
  // The victim is always the most recently admitted sequence, so the oldest one, which fits
  // alone, is never preempted.
  BOOST_TEST(r.requests[0].preemptions == 0);
  BOOST_TEST(r.requests[19].preemptions > 0);
  BOOST_TEST(metric(r, "kv_utilization_max") <= 1.0);
  BOOST_TEST(metric(r, "kv_utilization_max") > 0.9);
}

BOOST_AUTO_TEST_CASE(max_num_seqs_caps_the_batch) {
  auto c = llama8b_h100_config();
  c.engine.max_num_seqs = 3;
  std::vector<Request> requests;
  for (int i = 0; i < 10; ++i) requests.push_back(make_request(i, 0, 100, 50));
  const auto r = run(c, requests);
  check_clean(r);
  int max_running = 0, max_waiting = 0;
  for (const auto& p : r.timeseries) {
    max_running = std::max(max_running, p.running);
    max_waiting = std::max(max_waiting, p.waiting);
  }
  BOOST_TEST(max_running == 3);
  BOOST_TEST(max_waiting == 7);
  // FCFS with equal lengths: three waves, each finishing together.
  BOOST_TEST(r.requests[0].finish_s == r.requests[2].finish_s);
  BOOST_TEST(r.requests[3].first_token_s > r.requests[2].finish_s);
}

BOOST_AUTO_TEST_CASE(request_larger_than_kv_is_reported_unfinished) {
  auto c = llama8b_h100_config();
  set_kv_blocks(c, 10);  // 160 tokens
  const auto r = run(c, {make_request(0, 0, 100, 10), make_request(1, 0.1, 150, 20), make_request(2, 0.2, 20, 5)});
  check_clean(r);
  BOOST_TEST(metric(r, "finished") == 2);
  BOOST_TEST(r.requests[1].finish_s == -1);
  BOOST_TEST(r.requests[1].first_token_s == -1);
}

BOOST_AUTO_TEST_CASE(chunked_prefill_splits_a_long_prompt) {
  auto c = llama8b_h100_config();
  c.engine.max_batched_tokens = 2048;
  c.timeseries_interval_s = 0;  // one sample per iteration
  const auto r = run(c, {make_request(0, 0, 10000, 3)});
  check_clean(r);
  std::vector<std::int64_t> batch;
  for (const auto& p : r.timeseries) batch.push_back(p.batch_tokens);
  const std::vector<std::int64_t> expected = {2048, 2048, 2048, 2048, 1808, 1, 1};
  BOOST_TEST(batch == expected, boost::test_tools::per_element());
  BOOST_TEST(r.iterations == 7);
  // The first token comes with the last chunk.
  BOOST_TEST(r.requests[0].first_token_s == r.timeseries[5].t_s);
}

BOOST_AUTO_TEST_CASE(without_chunked_prefill_a_prompt_runs_whole_or_not_at_all) {
  auto c = llama8b_h100_config();
  c.engine.max_batched_tokens = 2048;
  c.engine.chunked_prefill = false;
  c.timeseries_interval_s = 0;
  const auto r = run(c, {make_request(0, 0, 1500, 2), make_request(1, 0, 1000, 2), make_request(2, 0, 5000, 2)});
  check_clean(r);
  std::vector<std::int64_t> batch;
  for (const auto& p : r.timeseries) batch.push_back(p.batch_tokens);
  // 1500 fits, 1000 does not fit the 548 left and waits; request 2 can never fit and is rejected.
  const std::vector<std::int64_t> expected = {1500, 1 + 1000, 1};
  BOOST_TEST(batch == expected, boost::test_tools::per_element());
  BOOST_TEST(r.requests[2].finish_s == -1);
  BOOST_TEST(metric(r, "unfinished") == 1);
}

BOOST_AUTO_TEST_CASE(overhead_adds_or_overlaps) {
  auto c = llama8b_h100_config();
  c.engine.step_overhead_s = 0.5;  // far above any GPU time here
  c.engine.overhead_overlapped = false;
  const auto added = run(c, {make_request(0, 0, 100, 1)});
  c.engine.overhead_overlapped = true;
  const auto overlapped = run(c, {make_request(0, 0, 100, 1)});
  const double gpu = added.requests[0].finish_s - 0.5;
  BOOST_TEST(gpu > 0);
  BOOST_TEST(gpu < 0.5);
  BOOST_TEST(overlapped.requests[0].finish_s == 0.5);
}

BOOST_AUTO_TEST_CASE(round_robin_and_least_load_route_as_specified) {
  auto c = llama8b_h100_config();
  c.cluster.replicas = 2;
  // Request 0 is long; request 1 short; request 2 arrives after 1 finished, while 0 still runs.
  const std::vector<Request> requests = {make_request(0, 0.0, 100, 2000), make_request(1, 0.0, 100, 2),
                                         make_request(2, 5.0, 100, 2), make_request(3, 5.1, 100, 2)};
  c.cluster.router = "round_robin";
  const auto rr = run(c, requests);
  std::vector<int> got;
  for (const auto& rec : rr.requests) got.push_back(rec.replica);
  BOOST_TEST(got == (std::vector<int>{0, 1, 0, 1}), boost::test_tools::per_element());
  BOOST_REQUIRE(rr.requests[0].finish_s > 5.1);  // the scenario holds
  BOOST_REQUIRE(rr.requests[1].finish_s < 5.0);
  c.cluster.router = "least_load";
  const auto ll = run(c, requests);
  got.clear();
  for (const auto& rec : ll.requests) got.push_back(rec.replica);
  // 1 ties with empty replica 1 after 0 went to replica 0; later ones avoid the busy replica 0.
  BOOST_TEST(got == (std::vector<int>{0, 1, 1, 1}), boost::test_tools::per_element());
  check_clean(ll);
}

BOOST_AUTO_TEST_CASE(stop_condition_caps_requests_and_duration_then_drains) {
  auto c = llama8b_h100_config();
  c.stop.max_requests = 100;
  const auto capped = run(c, poisson_requests(1000, 20, 1, 50, 100, 50, 100));
  BOOST_TEST(capped.requests.size() == 100u);
  BOOST_TEST(metric(capped, "finished") == 100);
  c.stop = {};
  c.stop.max_duration_s = 10;
  const auto timed = run(c, poisson_requests(1000, 20, 1, 50, 100, 50, 100));
  BOOST_TEST(timed.requests.size() > 150u);
  BOOST_TEST(timed.requests.size() < 250u);
  BOOST_TEST(timed.requests.back().arrival_s <= 10.0);
  BOOST_TEST(metric(timed, "unfinished") == 0);
  BOOST_TEST(timed.simulated_s > 10.0);  // drained past the arrival window
}

BOOST_AUTO_TEST_CASE(bad_configs_are_input_errors) {
  auto expect_key = [](SimConfig c, const std::string& key) {
    try {
      ClusterSimulator sim(c);
      BOOST_ERROR("accepted a config that should fail on " << key);
    } catch (const moelab::InputError& e) {
      BOOST_TEST(e.key() == key);
    }
  };
  auto c = llama8b_h100_config();
  c.hardware.hbm_bytes = 10e9;  // 16 GB of weights on a 10 GB GPU
  expect_key(c, "model");
  c = llama8b_h100_config();
  c.engine.gpu_memory_utilization = 0.2;  // 16 GB of 80 GB: weights fit the GPU, not the 20%
  expect_key(c, "engine.gpu_memory_utilization");
  c = llama8b_h100_config();
  c.cluster.router = "random_walk";
  expect_key(c, "cluster.router");
  c = llama8b_h100_config();
  c.engine.scheduler = "shortest_job_magic";
  expect_key(c, "engine.scheduler");
  c = llama8b_h100_config();
  c.engine.max_batched_tokens = 16;
  expect_key(c, "engine.max_batched_tokens");
  // Tensor parallelism spreads the weights: two 10 GB GPUs still cannot hold them, four can.
  c = llama8b_h100_config();
  c.hardware.hbm_bytes = 10e9;
  c.cluster.parallel = ParallelPlan::tensor_parallel(4);
  c.engine.gpu_memory_utilization = 0.9;
  BOOST_CHECK_NO_THROW(ClusterSimulator{c});
}

BOOST_AUTO_TEST_SUITE_END()
