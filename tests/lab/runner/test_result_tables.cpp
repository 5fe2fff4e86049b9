#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "lab/runner/result_tables.hpp"
#include "lab/runner/summary_printer.hpp"
#include "simulator/metrics/percentile.hpp"
#include "simulator/metrics/request_metrics.hpp"
#include "simulator/metrics/summary.hpp"

using namespace moelab;

namespace {
template <class T>
const std::vector<T>& column(const h5::Table& t, const std::string& name) {
  for (const auto& c : t.columns()) {
    if (c.name == name) return std::get<std::vector<T>>(c.data);
  }
  throw std::runtime_error("no column " + name);
}

sim::Metric metric(std::string_view name, double value) {
  const sim::MetricDefinition* def = sim::find_summary_metric(name);
  if (def == nullptr) throw std::runtime_error("no summary metric " + std::string(name));
  return {def, value};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(result_tables)

BOOST_AUTO_TEST_CASE(request_rows_derive_latencies) {
  std::vector<sim::RequestRecord> r(3);
  r[0].arrival_s = 1.0;
  r[0].first_token_s = 1.5;
  r[0].finish_s = 3.5;
  r[0].output_tokens = 5;  // tpot = 2.0 / 4
  r[1].arrival_s = 2.0;
  r[1].first_token_s = 2.25;
  r[1].finish_s = 2.25;
  r[1].output_tokens = 1;  // no tpot for one token
  r[2].arrival_s = 3.0;    // never started
  const auto t = lab::requests_table(r);
  BOOST_TEST(t.rows() == 3u);
  const auto& ttft = column<double>(t, "ttft_s");
  const auto& tpot = column<double>(t, "tpot_s");
  const auto& e2e = column<double>(t, "e2e_s");
  BOOST_TEST(ttft[0] == 0.5);
  BOOST_TEST(tpot[0] == 0.5);
  BOOST_TEST(e2e[0] == 2.5);
  BOOST_TEST(std::isnan(tpot[1]));
  BOOST_TEST(e2e[1] == 0.25);
  BOOST_TEST(std::isnan(ttft[2]));
  BOOST_TEST(std::isnan(e2e[2]));
  BOOST_TEST(t.columns().front().name == "id");
  for (const auto& c : t.columns()) BOOST_TEST(!c.description.empty(), c.name);
  const auto timeseries = lab::timeseries_table({});  // a range-for over a temporary's member dangles
  for (const auto& c : timeseries.columns()) BOOST_TEST(!c.description.empty(), c.name);
}

BOOST_AUTO_TEST_CASE(summary_has_run_label_swept_columns_then_metrics) {
  lab::SimulationPlan plan;
  plan.axes.push_back({"workload.arrivals.rate_per_s", {"workload", "arrivals", "rate_per_s"}, {}, {}, {}});
  plan.axes[0].values = {lab::SweptValue(std::int64_t{4}), lab::SweptValue(std::int64_t{8})};
  for (std::size_t i = 0; i < 2; ++i) {
    lab::PlannedRun run;
    run.index = i;
    run.label = "workload.arrivals.rate_per_s=" + std::to_string(4 * (i + 1));
    run.swept = {plan.axes[0].values[i]};
    plan.runs.push_back(run);
  }
  std::vector<std::vector<sim::Metric>> metrics = {
      {metric("requests", 100), metric("ttft_p99_s", 0.5), metric("usd_per_m_output_tok", 0.1)},
      {metric("requests", 100), metric("ttft_p99_s", 0.9), metric("usd_per_m_output_tok", 0.05)}};
  const auto t = lab::summary_table(plan, metrics);
  std::vector<std::string> names, units;
  for (const auto& c : t.columns()) {
    names.push_back(c.name);
    units.push_back(c.unit);
  }
  BOOST_TEST(names == (std::vector<std::string>{"run", "label", "workload__arrivals__rate_per_s", "requests",
                                                "ttft_p99_s", "usd_per_m_output_tok"}));
  BOOST_TEST(units == (std::vector<std::string>{"", "", "1/s", "", "s", "USD/Mtok"}));
  BOOST_TEST(column<std::int64_t>(t, "requests")[1] == 100);  // a count stays an integer
  BOOST_TEST(column<std::int64_t>(t, "workload__arrivals__rate_per_s")[1] == 8);
  BOOST_TEST(column<double>(t, "ttft_p99_s")[1] == 0.9);
  for (const auto& c : t.columns()) BOOST_TEST(!c.description.empty(), c.name);
  BOOST_TEST(t.columns()[2].description == "swept config key workload.arrivals.rate_per_s");
  BOOST_TEST(t.columns()[4].description == sim::find_summary_metric("ttft_p99_s")->description);

  const std::string printed = lab::format_summary({{"a=1", metrics[0]}, {"a=2", metrics[1]}});
  BOOST_TEST(printed.find("TTFT p99 s") != std::string::npos);
  BOOST_TEST(printed.find("0.900") != std::string::npos);
  BOOST_TEST(printed.find("a=2") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_count_that_is_not_a_whole_number_is_a_programming_error) {
  lab::SimulationPlan plan;
  plan.runs.resize(1);
  BOOST_CHECK_THROW(lab::summary_table(plan, {{metric("finished", 2.5)}}), std::logic_error);
}

BOOST_AUTO_TEST_CASE(swept_key_units_follow_name_suffixes) {
  BOOST_TEST(lab::config_key_unit("rate_per_s") == "1/s");
  BOOST_TEST(lab::config_key_unit("step_overhead_s") == "s");
  BOOST_TEST(lab::config_key_unit("max_batched_tokens") == "tokens");
  BOOST_TEST(lab::config_key_unit("usd_per_gpu_hour") == "USD/h");
  BOOST_TEST(lab::config_key_unit("n_layers") == "");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(metric_definitions)

// Names carry their units (the naming rule): wherever a name's suffix implies a unit, the
// definition must state that unit.
BOOST_AUTO_TEST_CASE(units_agree_with_name_suffixes) {
  std::vector<const sim::MetricDefinition*> defs;
  for (const auto& m : sim::summary_metrics()) defs.push_back(&m.definition);
  for (const auto& m : sim::request_metrics()) defs.push_back(&m.definition);
  for (const auto* d : defs) {
    const std::string name(d->name);
    const std::string implied = lab::config_key_unit(name);
    if (!implied.empty()) BOOST_TEST(std::string(d->unit) == implied, name);
    BOOST_TEST(!d->description.empty(), name);
  }
  BOOST_TEST(sim::find_summary_metric("ttft_p99_s")->unit == "s");
  BOOST_TEST(sim::find_summary_metric("no_such_metric") == nullptr);
}

BOOST_AUTO_TEST_CASE(names_are_unique) {
  std::vector<std::string_view> names;
  for (const auto& m : sim::summary_metrics()) names.push_back(m.definition.name);
  for (const auto& m : sim::request_metrics()) names.push_back(m.definition.name);
  std::sort(names.begin(), names.end());
  BOOST_TEST((std::adjacent_find(names.begin(), names.end()) == names.end()));
}

// The summary's latency metrics aggregate the requests table's derived columns: same functions.
BOOST_AUTO_TEST_CASE(summary_latencies_aggregate_the_request_columns) {
  std::vector<sim::RequestRecord> r(4);
  const double arrival[] = {0.0, 0.5, 1.0, 1.5}, first[] = {0.25, 1.0, 1.125, -1}, finish[] = {1.0, 3.0, 1.125, -1};
  const std::int32_t output[] = {4, 5, 1, 3};
  for (std::size_t i = 0; i < r.size(); ++i) {
    r[i].arrival_s = arrival[i];
    r[i].first_token_s = first[i];
    r[i].finish_s = finish[i];
    r[i].output_tokens = output[i];
    r[i].prompt_tokens = 10;
  }
  const auto t = lab::requests_table(r);
  const auto summary = sim::summarize(r, sim::RunTotals{}, sim::SimConfig{});
  auto value = [&](std::string_view name) {
    for (const auto& m : summary)
      if (m.name() == name) return m.value;
    throw std::runtime_error("no metric " + std::string(name));
  };
  for (const auto* stem : {"ttft", "tpot", "e2e"}) {
    const auto& col = column<double>(t, std::string(stem) + "_s");
    std::vector<double> defined;
    for (double x : col)
      if (!std::isnan(x)) defined.push_back(x);
    std::sort(defined.begin(), defined.end());
    double sum = 0;
    for (double x : defined) sum += x;
    BOOST_TEST(value(std::string(stem) + "_mean_s") == sum / static_cast<double>(defined.size()),
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(value(std::string(stem) + "_p50_s") == sim::percentile_linear(defined, 0.5));
    BOOST_TEST(value(std::string(stem) + "_p99_s") == sim::percentile_linear(defined, 0.99));
  }
  BOOST_TEST(value("tpot_p50_s") == 0.375);  // (0.75 / 3 + 2.0 / 4) / 2: request 2 has one token, 3 never started
  BOOST_TEST(value("finished") == 3);
  BOOST_TEST(value("unfinished") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
