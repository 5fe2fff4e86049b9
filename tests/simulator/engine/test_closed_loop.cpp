#include <algorithm>
#include <optional>

#include <boost/test/unit_test.hpp>

#include "base/input_error.hpp"
#include "simulator/cluster/cluster_simulator.hpp"
#include "tests/simulator/engine/engine_test_support.hpp"

using namespace moelab::sim;
using namespace moelab::sim::test;

namespace {

// One session at a time: turn k+1 is released `think_s` after turn k finishes.
class SequentialSessionWorkload final : public Workload {
 public:
  SequentialSessionWorkload(int turns, double think_s) : turns_(turns), think_s_(think_s) {}
  std::optional<double> peek_arrival_s() override {
    if (released_ >= turns_ || pending_ < 0) return std::nullopt;
    return pending_;
  }
  Request pop() override {
    Request r = make_request(released_, pending_, 300, 40);
    r.session_id = 0;
    r.turn = released_;
    ++released_;
    pending_ = -1;
    return r;
  }
  void on_finished(const Request&, double finish_s) override { pending_ = finish_s + think_s_; }
  std::int64_t expected_requests() const override { return turns_; }

 private:
  int turns_;
  double think_s_;
  int released_ = 0;
  double pending_ = 0;  // next arrival time, -1 = waiting for a finish
};

}  // namespace

BOOST_AUTO_TEST_SUITE(closed_loop)

BOOST_AUTO_TEST_CASE(next_turn_arrives_after_the_previous_finish) {
  auto c = llama8b_h100_config();
  SequentialSessionWorkload workload(10, 2.5);
  ClusterSimulator sim(c);
  const auto r = sim.run(workload);
  BOOST_TEST(r.invariant_violations.empty());
  BOOST_REQUIRE_EQUAL(r.requests.size(), 10u);
  for (std::size_t i = 1; i < r.requests.size(); ++i) {
    BOOST_TEST(r.requests[i].arrival_s == r.requests[i - 1].finish_s + 2.5);
    BOOST_TEST(r.requests[i].turn == static_cast<int>(i));
    // Alone on the replica: the same service time every turn.
    BOOST_TEST(r.requests[i].finish_s - r.requests[i].arrival_s == r.requests[0].finish_s - r.requests[0].arrival_s,
               boost::test_tools::tolerance(1e-9));
  }
}

BOOST_AUTO_TEST_CASE(progress_is_monotone_and_ends_at_one) {
  auto c = llama8b_h100_config();
  c.timeseries_interval_s = 1;
  ClusterSimulator sim(c);
  VectorWorkload workload(poisson_requests(20000, 50, 3, 50, 300, 50, 400));
  std::vector<double> seen;
  const auto r = sim.run(workload, [&](double f) { seen.push_back(f); });
  BOOST_REQUIRE(!seen.empty());
  BOOST_TEST(seen.back() == 1.0);
  BOOST_TEST(std::is_sorted(seen.begin(), seen.end()));
  BOOST_TEST(seen.front() >= 0.0);
  BOOST_TEST(r.invariant_violations.empty());
}

BOOST_AUTO_TEST_CASE(unbounded_workload_without_stop_is_rejected) {
  auto c = llama8b_h100_config();
  struct Unbounded final : Workload {
    std::optional<double> peek_arrival_s() override { return 0.0; }
    Request pop() override { return make_request(n++, 0, 10, 10); }
    std::int64_t n = 0;
  } unbounded;
  ClusterSimulator sim(c);
  BOOST_CHECK_THROW(sim.run(unbounded), moelab::InputError);
  c.stop.max_requests = 25;
  ClusterSimulator capped(c);
  const auto r = capped.run(unbounded);
  BOOST_TEST(r.requests.size() == 25u);
  BOOST_TEST(r.invariant_violations.empty());
}

BOOST_AUTO_TEST_SUITE_END()
