#include <boost/test/unit_test.hpp>

#include <cmath>

#include "lab/runner/result_tables.hpp"
#include "lab/runner/summary_printer.hpp"

using namespace moelab;

namespace {
template <class T>
const std::vector<T>& column(const h5::Table& t, const std::string& name) {
  for (const auto& c : t.columns()) {
    if (c.name == name) return std::get<std::vector<T>>(c.data);
  }
  throw std::runtime_error("no column " + name);
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
  std::vector<std::vector<sim::Metric>> metrics = {{{"requests", 100}, {"ttft_p99_s", 0.5}, {"usd_per_m_output_tok", 0.1}},
                                                   {{"requests", 100}, {"ttft_p99_s", 0.9}, {"usd_per_m_output_tok", 0.05}}};
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

  const std::string printed = lab::format_summary({{"a=1", metrics[0]}, {"a=2", metrics[1]}});
  BOOST_TEST(printed.find("TTFT p99 s") != std::string::npos);
  BOOST_TEST(printed.find("0.900") != std::string::npos);
  BOOST_TEST(printed.find("a=2") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(metric_units_follow_name_suffixes) {
  BOOST_TEST(lab::metric_unit("output_tok_per_s") == "tokens/s");
  BOOST_TEST(lab::metric_unit("goodput_requests_per_s") == "1/s");
  BOOST_TEST(lab::metric_unit("tpot_p50_s") == "s");
  BOOST_TEST(lab::metric_unit("prefill_tokens_saved") == "");
  BOOST_TEST(lab::metric_unit("usd_per_gpu_hour") == "USD/h");
  BOOST_TEST(lab::metric_unit("slo_attainment") == "");
}

BOOST_AUTO_TEST_SUITE_END()
