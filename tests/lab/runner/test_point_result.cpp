// A point's result survives encoding exactly (it crosses MPI and the partial-result store).
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <limits>

#include "lab/runner/point_result.hpp"
#include "simulator/metrics/summary.hpp"

using namespace moelab;
using namespace moelab::lab;

namespace {

PointResult sample_point() {
  PointResult p;
  p.index = 7;
  p.label = "engine.id=vllm,rate=2.5 ü";
  p.requests.add("id", "", "request id", std::vector<std::int64_t>{1, -2, 3})
      .add("t_s", "s", std::vector<double>{0.5, std::numeric_limits<double>::quiet_NaN(), -0.0})
      .add("n", "tokens", std::vector<std::int32_t>{4, 5, 6})
      .add("why", "", "reason", std::vector<std::string>{"", "exceeds_kv_cache", std::string("a\0b", 3)});
  p.timeseries.add("t_s", "s", std::vector<double>{});
  p.attrs = {{"label", std::string("x")},
             {"seed", std::int64_t{42}},
             {"wall_s", 0.25},
             {"v", std::vector<double>{1, 2}},
             {"names", std::vector<std::string>{"a", ""}}};
  const auto metrics = sim::summary_metrics();
  p.summary = {{std::string(metrics[0].definition.name), 12.0}, {std::string(metrics[1].definition.name), 0.5}};
  p.invariant_violations = {"one", "two"};
  p.unservable_requests = 2;
  p.first_unservable_id = 17;
  p.first_unservable_reason = "exceeds_kv_cache";
  return p;
}

template <class T>
const std::vector<T>& column(const h5::Table& t, std::size_t i) {
  return std::get<std::vector<T>>(t.columns().at(i).data);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(point_result)

BOOST_AUTO_TEST_CASE(round_trip_is_exact) {
  const PointResult p = sample_point();
  const std::string bytes = encode_point(p);
  const PointResult q = decode_point(bytes);
  BOOST_TEST(encode_point(q) == bytes);
  BOOST_TEST(q.index == 7u);
  BOOST_TEST(q.label == p.label);
  BOOST_REQUIRE(q.requests.columns().size() == 4u);
  BOOST_TEST(q.requests.columns()[0].description == "request id");
  BOOST_TEST(q.requests.columns()[1].unit == "s");
  BOOST_TEST(column<std::int64_t>(q.requests, 0) == (std::vector<std::int64_t>{1, -2, 3}));
  const auto& t = column<double>(q.requests, 1);
  BOOST_TEST(std::isnan(t[1]));
  BOOST_TEST(std::signbit(t[2]));  // -0.0 keeps its bits
  BOOST_TEST(column<std::int32_t>(q.requests, 2) == (std::vector<std::int32_t>{4, 5, 6}));
  BOOST_TEST(column<std::string>(q.requests, 3)[2] == std::string("a\0b", 3));
  BOOST_TEST(q.timeseries.rows() == 0u);
  BOOST_REQUIRE(q.attrs.size() == 5u);
  BOOST_TEST(std::get<std::int64_t>(q.attrs[1].second) == 42);
  BOOST_TEST(std::get<std::vector<std::string>>(q.attrs[4].second)[0] == "a");
  BOOST_TEST(q.invariant_violations == p.invariant_violations);
  BOOST_TEST(q.first_unservable_id == 17);
  const auto metrics = summary_metrics_of(q);
  BOOST_REQUIRE(metrics.size() == 2u);
  BOOST_TEST(metrics[0].definition == &sim::summary_metrics()[0].definition);
  BOOST_TEST(metrics[1].value == 0.5);
}

BOOST_AUTO_TEST_CASE(truncated_or_altered_bytes_are_rejected) {
  const std::string bytes = encode_point(sample_point());
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, bytes.size() / 2, bytes.size() - 1}) {
    BOOST_CHECK_THROW(decode_point(std::string_view(bytes).substr(0, cut)), std::runtime_error);
  }
  BOOST_CHECK_THROW(decode_point(bytes + "x"), std::runtime_error);
  std::string other_version = bytes;
  other_version[0] = 99;
  BOOST_CHECK_THROW(decode_point(other_version), std::runtime_error);
  // A huge element count must fail cleanly, not allocate: the label's length field.
  std::string huge = bytes;
  const std::uint64_t n = ~std::uint64_t{0} / 2;
  std::memcpy(huge.data() + 1 + 8, &n, 8);
  BOOST_CHECK_THROW(decode_point(huge), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(unknown_metric_names_are_rejected) {
  PointResult p;
  p.summary = {{"no_such_metric", 1.0}};
  BOOST_CHECK_THROW(summary_metrics_of(p), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
