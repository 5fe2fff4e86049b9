#include <algorithm>
#include <cmath>

#include <boost/test/unit_test.hpp>

#include "simulator/core/event_queue.hpp"

using namespace moelab::sim;

namespace {
// Records what it was handed, to check dispatch by handler id.
struct Recorder final : EventHandler {
  std::vector<std::pair<double, std::int64_t>> seen;
  void on_event(const Event& e) override { seen.emplace_back(e.time_s, e.payload); }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(event_queue)

BOOST_AUTO_TEST_CASE(pops_in_time_order) {
  EventQueue q;
  q.push(3.0, 0);
  q.push(1.0, 1, 2);
  q.push(2.0, 0);
  BOOST_TEST(q.next_time_s() == 1.0);
  BOOST_TEST(q.pop().time_s == 1.0);
  BOOST_TEST(q.pop().time_s == 2.0);
  BOOST_TEST(q.pop().time_s == 3.0);
  BOOST_TEST(q.empty());
  BOOST_TEST(std::isinf(q.next_time_s()));
}

BOOST_AUTO_TEST_CASE(equal_times_pop_in_push_order) {
  EventQueue q;
  // Many ties interleaved with other times: heap internals must not decide the order.
  for (int i = 0; i < 100; ++i) {
    q.push(5.0, 1, i);
    q.push(0.5 + (i % 7), 0, 1000 + i);  // never 5.0
  }
  double last_t = -1;
  std::uint64_t last_seq = 0;
  int ties_seen = 0;
  while (!q.empty()) {
    const Event e = q.pop();
    BOOST_TEST(e.time_s >= last_t);
    if (e.time_s == last_t) BOOST_TEST(e.sequence > last_seq);
    if (e.time_s == 5.0) BOOST_TEST(e.payload == ties_seen++);
    last_t = e.time_s;
    last_seq = e.sequence;
  }
  BOOST_TEST(ties_seen == 100);
}

BOOST_AUTO_TEST_CASE(each_event_goes_to_the_handler_that_was_registered_for_it) {
  EventQueue q;
  Recorder a, b;
  const HandlerId ia = q.add_handler(a), ib = q.add_handler(b);
  BOOST_TEST(ia != ib);
  q.push(2.0, ib, 7);
  q.push(1.0, ia, 3);
  q.push(3.0, ia, 9);
  while (!q.empty()) q.dispatch_next();
  BOOST_TEST(a.seen.size() == 2u);
  BOOST_TEST(b.seen.size() == 1u);
  BOOST_TEST(a.seen[0].first == 1.0);
  BOOST_TEST(a.seen[0].second == 3);
  BOOST_TEST(a.seen[1].second == 9);
  BOOST_TEST(b.seen[0].second == 7);
  q.push(1.0, static_cast<HandlerId>(5));  // nobody registered id 5
  BOOST_CHECK_THROW(q.dispatch_next(), std::logic_error);
}

BOOST_AUTO_TEST_SUITE_END()

#include "base/rng.hpp"
#include "simulator/metrics/percentile.hpp"

BOOST_AUTO_TEST_CASE(percentiles_interpolate_linearly_and_selection_agrees_with_sorting) {
  using namespace moelab::sim;
  const std::vector<double> sorted = {1, 2, 3, 4};
  BOOST_TEST(percentile_linear(sorted, 0.0) == 1.0);
  BOOST_TEST(percentile_linear(sorted, 0.5) == 2.5);  // numpy.percentile([1,2,3,4], 50)
  BOOST_TEST(percentile_linear(sorted, 0.9) == 3.7, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(percentile_linear(sorted, 1.0) == 4.0);
  moelab::Rng rng(5);
  std::vector<double> v(1001);
  for (auto& x : v) x = rng.uniform01();
  std::vector<double> s = v;
  std::sort(s.begin(), s.end());
  for (double q : {0.0, 0.37, 0.5, 0.9, 0.99, 1.0}) {
    std::vector<double> work = v;
    BOOST_TEST(percentile_linear_select(work, q) == percentile_linear(s, q));
  }
}
