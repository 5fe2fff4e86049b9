#include "lab/runner/summary_printer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace moelab::lab {
namespace {

struct PrintedColumn {
  std::string header;
  std::string metric;  // name in RunResult::summary
  double scale;        // printed value = metric * scale
  int decimals;
};

const std::vector<PrintedColumn>& printed_columns() {
  static const std::vector<PrintedColumn> cols = {
      {"requests", "requests", 1, 0},          {"in tok/s", "input_tok_per_s", 1, 0},
      {"out tok/s", "output_tok_per_s", 1, 0}, {"TTFT p50 s", "ttft_p50_s", 1, 3},
      {"TTFT p99 s", "ttft_p99_s", 1, 3},      {"TPOT p50 ms", "tpot_p50_s", 1e3, 1},
      {"TPOT p99 ms", "tpot_p99_s", 1e3, 1},   {"goodput req/s", "goodput_requests_per_s", 1, 2},
      {"$/M in", "usd_per_m_input_tok", 1, 4}, {"$/M out", "usd_per_m_output_tok", 1, 3},
  };
  return cols;
}

std::string cell(const std::vector<sim::Metric>& metrics, const PrintedColumn& c) {
  for (const auto& m : metrics) {
    if (m.name() == c.metric) {
      if (!std::isfinite(m.value)) return "-";
      return fmt::format("{:.{}f}", m.value * c.scale, c.decimals);
    }
  }
  return "-";
}

}  // namespace

std::string format_summary(const std::vector<PrintedRun>& runs) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"run", "label"};
  for (const auto& c : printed_columns()) header.push_back(c.header);
  rows.push_back(header);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    std::vector<std::string> row = {fmt::format("{}", i), runs[i].label.empty() ? "-" : runs[i].label};
    for (const auto& c : printed_columns()) row.push_back(cell(runs[i].metrics, c));
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c > 0) line += "  ";
      // Text left-aligned, numbers right-aligned.
      line += c == 1 ? fmt::format("{:<{}}", row[c], width[c]) : fmt::format("{:>{}}", row[c], width[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace moelab::lab
