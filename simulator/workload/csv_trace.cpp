// Workload kind "csv": the Vidur-style CSV trace reader (trace_data.hpp) and the kind's registry entry.
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <string_view>

#include "base/input_error.hpp"
#include "base/input_files.hpp"
#include "simulator/workload/trace_data.hpp"
#include "simulator/workload/trace_replay.hpp"

namespace moelab::sim {
namespace {

struct Field {
  std::string_view text;
  int column = 0;  // 1-based character position in the line
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<Field> split(std::string_view line) {
  std::vector<Field> out;
  std::size_t start = 0;
  for (;;) {
    const auto comma = line.find(',', start);
    const auto end = comma == std::string_view::npos ? line.size() : comma;
    out.push_back({trim(line.substr(start, end - start)), static_cast<int>(start) + 1});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

bool blank(std::string_view line) { return trim(line).empty(); }

}  // namespace

TraceData load_csv_trace(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream in(path);
  if (!in) throw InputError({file, 0, 0}, "", "cannot open trace file");
  note_input_file(path);

  TraceData t;
  t.path = file;
  t.content_block_tokens = 0;

  std::string text;
  int line_no = 0;
  // Header: the first non-blank line.
  std::vector<std::string> header;
  while (header.empty() && std::getline(in, text)) {
    ++line_no;
    if (line_no == 1 && text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a UTF-8 byte-order mark
    if (blank(text)) continue;
    for (const auto& f : split(text)) header.emplace_back(f.text);
  }
  if (header.empty()) throw InputError({file, 0, 0}, "", "empty trace: expected a header line");
  const std::vector<std::string> required = {"arrived_at", "num_prefill_tokens", "num_decode_tokens"};
  std::vector<std::size_t> col(required.size());
  for (std::size_t r = 0; r < required.size(); ++r) {
    std::size_t found = header.size();
    for (std::size_t c = 0; c < header.size(); ++c) {
      if (header[c] == required[r]) {
        if (found != header.size())
          throw InputError({file, line_no, 0}, required[r], "column appears twice in the header");
        found = c;
      }
    }
    if (found == header.size()) {
      throw InputError({file, line_no, 0}, required[r],
                       fmt::format("required column is missing from the header (found: {})", fmt::join(header, ", ")));
    }
    col[r] = found;
  }

  constexpr double kMaxCount = std::numeric_limits<std::int32_t>::max();
  constexpr double kMaxArrivalS = 1e9;  // 31 years: beyond it no arrival schedule is meant
  double last_s = 0;
  while (std::getline(in, text)) {
    ++line_no;
    if (blank(text)) continue;
    const auto fields = split(text);
    if (fields.size() != header.size()) {
      throw InputError({file, line_no, 0}, "",
                       fmt::format("expected {} fields as in the header, got {}", header.size(), fields.size()));
    }
    double v[3];
    for (std::size_t r = 0; r < required.size(); ++r) {
      const Field& f = fields[col[r]];
      const char* first = f.text.data();
      const char* last = first + f.text.size();
      auto [ptr, ec] = std::from_chars(first, last, v[r]);
      if (f.text.empty() || ec != std::errc() || ptr != last || !std::isfinite(v[r])) {
        throw InputError({file, line_no, f.column}, required[r], fmt::format("expected a number, got '{}'", f.text));
      }
      if (r == 0) {
        if (v[r] < 0 || v[r] > kMaxArrivalS) {
          throw InputError({file, line_no, f.column}, required[r],
                           fmt::format("must be in [0, {:g}] (s), got {}", kMaxArrivalS, v[r]));
        }
      } else if (v[r] != std::floor(v[r]) || v[r] < 1 || v[r] > kMaxCount) {
        throw InputError({file, line_no, f.column}, required[r],
                         fmt::format("must be an integer >= 1, got {}", f.text));
      }
    }
    if (!t.arrival_s.empty() && v[0] < last_s) {
      throw InputError(
          {file, line_no, fields[col[0]].column}, "arrived_at",
          fmt::format("{} s is before the previous row's {} s; rows must be in arrival order", v[0], last_s));
    }
    last_s = v[0];
    t.arrival_s.push_back(v[0]);
    t.prompt_tokens.push_back(static_cast<std::int32_t>(v[1]));
    t.output_tokens.push_back(static_cast<std::int32_t>(v[2]));
  }
  if (t.arrival_s.empty()) throw InputError({file, line_no, 0}, "", "trace has no requests");
  return t;
}

// kind = "csv": replay of a CSV trace (keys: trace_replay.hpp). No content ids.
std::shared_ptr<WorkloadParams> read_csv_workload(TableReader& workload) {
  return read_trace_replay(workload, {"CSV", &load_csv_trace, 0});
}

}  // namespace moelab::sim
