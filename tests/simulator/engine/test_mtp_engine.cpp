// Multi-token prediction in the engine: tokens per decode step, exact output accounting.
#include <boost/test/unit_test.hpp>

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

void check_clean(const RunResult& r) {
  for (const auto& v : r.invariant_violations) BOOST_ERROR("invariant violated: " << v);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mtp)

BOOST_AUTO_TEST_CASE(tokens_per_step_is_the_expected_accepted_length) {
  EngineSpec e;
  BOOST_TEST(e.mtp_tokens_per_step() == 1.0);
  e.mtp_draft_tokens = 1;
  e.mtp_acceptance_rate = 0.85;
  BOOST_TEST(e.mtp_tokens_per_step() == 1.85);
  e.mtp_draft_tokens = 3;
  e.mtp_acceptance_rate = 0.5;
  BOOST_TEST(e.mtp_tokens_per_step() == 1.875);  // 1 + 1/2 + 1/4 + 1/8
}

BOOST_AUTO_TEST_CASE(decode_steps_shrink_by_the_tokens_per_step) {
  auto c = llama8b_h100_config();
  c.timeseries_interval_s = 0;
  const auto plain = run(c, {make_request(0, 0, 500, 101)});
  check_clean(plain);
  BOOST_TEST(plain.iterations == 1 + 100);  // the prompt gives token 1, then one per step
  // One draft accepted half the time: 1.5 tokens per step, carried as 1, 2, 1, 2, ...: 100 tokens
  // take 66 steps for 99 and one more.
  c.engine.mtp_draft_tokens = 1;
  c.engine.mtp_acceptance_rate = 0.5;
  const auto mtp = run(c, {make_request(0, 0, 500, 101)});
  check_clean(mtp);
  BOOST_TEST(mtp.iterations == 1 + 67);
  BOOST_TEST(mtp.requests[0].output_tokens == 101);
  std::vector<std::int64_t> batch;
  for (const auto& p : mtp.timeseries) batch.push_back(p.batch_tokens);
  BOOST_TEST(batch.front() == 500);
  // Each verification step costs more than a plain decode step (two query tokens, a draft pass),
  // but fewer steps make the request finish sooner.
  BOOST_TEST(mtp.timeseries[1].step_s > plain.timeseries[1].step_s);
  BOOST_TEST(mtp.requests[0].finish_s < plain.requests[0].finish_s);
}

BOOST_AUTO_TEST_CASE(an_overshooting_last_step_keeps_outputs_exact) {
  auto c = llama8b_h100_config();
  c.engine.mtp_draft_tokens = 3;
  c.engine.mtp_acceptance_rate = 0.9;  // 3.439 tokens per step
  c.engine.kv_block_tokens = 4;
  const auto requests = poisson_requests(40, 50.0, 11, 20, 300, 1, 60);
  const auto r = run(c, requests);
  check_clean(r);  // includes: tokens the steps produced == tokens the records hold
  BOOST_TEST_REQUIRE(r.requests.size() == requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    BOOST_TEST(r.requests[i].finish_s >= 0);
    BOOST_TEST(r.requests[i].output_tokens == requests[i].output_tokens);
  }
}

BOOST_AUTO_TEST_SUITE_END()
