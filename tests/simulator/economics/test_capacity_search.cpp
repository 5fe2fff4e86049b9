// The search algorithms on probes with a known edge: brackets, tolerance, probe counts, statuses.
#include <boost/test/unit_test.hpp>

#include <vector>

#include "simulator/economics/capacity_search.hpp"

using namespace moelab::sim;

BOOST_AUTO_TEST_SUITE(capacity_search)

BOOST_AUTO_TEST_CASE(highest_meeting_brackets_the_edge_within_the_tolerance) {
  for (const double edge : {0.013, 0.7, 3.0, 47.5, 900.0}) {
    std::vector<double> probed;
    const auto r = highest_meeting({1.0, 0.01, 1000.0, 0.01}, [&](double v) {
      probed.push_back(v);
      return v <= edge;
    });
    BOOST_TEST_CONTEXT("edge " << edge) {
      BOOST_TEST((r.status == SearchStatus::found));
      BOOST_TEST(r.meets <= edge);
      BOOST_TEST(r.fails > edge);
      BOOST_TEST(r.fails <= r.meets * 1.01);
      BOOST_TEST(r.probes == static_cast<int>(probed.size()));
      BOOST_TEST(r.probes <= 25);
    }
  }
}

BOOST_AUTO_TEST_CASE(highest_meeting_reports_the_range_ends) {
  auto r = highest_meeting({1.0, 0.25, 8.0, 0.01}, [](double) { return true; });
  BOOST_TEST((r.status == SearchStatus::all_meet));
  BOOST_TEST(r.meets == 8.0);
  r = highest_meeting({1.0, 0.25, 8.0, 0.01}, [](double) { return false; });
  BOOST_TEST((r.status == SearchStatus::none_meet));
  BOOST_TEST(r.meets == 0.0);
  BOOST_TEST(r.fails == 0.25);
}

BOOST_AUTO_TEST_CASE(lowest_meeting_integer_finds_the_fewest) {
  for (const std::int64_t need : {1, 2, 3, 7, 8, 9, 33, 64}) {
    const auto r = lowest_meeting_integer(4, 1, 64, [&](double v) { return v >= static_cast<double>(need); });
    BOOST_TEST_CONTEXT("need " << need) {
      BOOST_TEST((r.status == SearchStatus::found));
      BOOST_TEST(r.meets == static_cast<double>(need));
      BOOST_TEST(r.fails == static_cast<double>(need - 1));
    }
  }
  const auto none = lowest_meeting_integer(1, 1, 16, [](double) { return false; });
  BOOST_TEST((none.status == SearchStatus::none_meet));
}

BOOST_AUTO_TEST_SUITE_END()
