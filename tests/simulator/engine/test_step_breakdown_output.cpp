// The per-step cost breakdown in the timeseries and the summary's communication and imbalance columns.
#include <cmath>
#include <numeric>

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

double metric(const RunResult& r, const std::string& name) {
  for (const auto& m : r.summary)
    if (m.name() == name) return m.value;
  BOOST_FAIL("no metric " << name);
  return 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(step_breakdown_output)

BOOST_AUTO_TEST_CASE(every_sampled_step_carries_its_breakdown) {
  auto c = llama8b_h100_config();
  c.engine.overhead_overlapped = false;
  c.engine.step_overhead_s = 0.002;
  c.timeseries_interval_s = 0;  // every iteration sampled
  c.cluster.parallel = ParallelPlan::tensor_parallel(2);
  const auto r = run(c, poisson_requests(30, 20.0, 3, 200, 800, 5, 40));
  BOOST_TEST_REQUIRE(r.timeseries.size() == static_cast<std::size_t>(r.iterations));
  double step = 0, exposed = 0;
  for (std::size_t i = 0; i < r.timeseries.size(); ++i) {
    const TimePoint& p = r.timeseries[i];
    BOOST_TEST(p.step_s > 0);
    // Dense TP2: operators plus the all-reduces, nothing overlapped, no experts.
    BOOST_TEST(p.step_s == p.attention_s + p.dense_gemm_s + p.allreduce_s, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(p.allreduce_s > 0);
    BOOST_TEST(p.exposed_comm_s == p.allreduce_s, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(p.expert_gemm_s == 0);
    BOOST_TEST(p.dispatch_s + p.combine_s == 0);
    BOOST_TEST(p.expert_imbalance == 1);
    // The next iteration starts when this one (GPU time + CPU overhead) ends, unless it idled.
    if (i + 1 < r.timeseries.size()) BOOST_TEST(r.timeseries[i + 1].t_s >= p.t_s + p.step_s + 0.002 - 1e-12);
    step += p.step_s;
    exposed += p.exposed_comm_s;
  }
  BOOST_TEST(metric(r, "exposed_communication_fraction") == exposed / step, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(metric(r, "exposed_communication_fraction") > 0);
  BOOST_TEST(metric(r, "expert_imbalance_mean") == 1.0);
}

BOOST_AUTO_TEST_CASE(one_gpu_exposes_no_communication) {
  auto c = llama8b_h100_config();
  const auto r = run(c, poisson_requests(10, 20.0, 3, 200, 800, 5, 40));
  BOOST_TEST(metric(r, "exposed_communication_fraction") == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
