// Workload kind "mooncake": the Mooncake FAST'25 JSONL reader (trace_data.hpp) and the kind's registry entry.
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string_view>

#include "base/input_error.hpp"
#include "base/input_files.hpp"
#include "simulator/workload/trace_data.hpp"
#include "simulator/workload/trace_replay.hpp"

namespace moelab::sim {
namespace {

constexpr std::int64_t kMooncakeBlockTokens = 512;

bool blank(const std::string& line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// Where each top-level member's value starts in a JSON object line (1-based columns), and where
// the elements of array members start: nlohmann::json keeps no positions, and an error should
// point at the value. Scanned only when a line has an error; the line is known to be valid JSON.
class JsonColumns {
 public:
  explicit JsonColumns(std::string_view text) : text_(text) {}

  // Column of member `key`'s value (of its element `element` when >= 0); 0 when not found.
  int column_of(std::string_view key, long element = -1) {
    pos_ = 0;
    skip_space();
    if (!eat('{')) return 0;
    while (pos_ < text_.size()) {
      skip_space();
      if (peek() != '"') return 0;
      const std::size_t key_start = pos_ + 1;
      skip_string();
      const std::string_view k = text_.substr(key_start, pos_ - 1 - key_start);
      skip_space();
      if (!eat(':')) return 0;
      skip_space();
      const std::size_t value_at = pos_;
      if (k == key) return element < 0 ? column(value_at) : element_column(element);
      skip_value();
      skip_space();
      if (!eat(',')) return 0;
    }
    return 0;
  }

 private:
  int column(std::size_t at) const { return static_cast<int>(at) + 1; }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\r')) ++pos_;
  }
  void skip_string() {  // at the opening quote
    ++pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') pos_ += text_[pos_] == '\\' ? 2 : 1;
    ++pos_;
  }
  void skip_value() {
    if (peek() == '"') return skip_string();
    if (peek() == '[' || peek() == '{') {
      int depth = 0;
      while (pos_ < text_.size()) {
        const char c = text_[pos_];
        if (c == '"') {
          skip_string();
          continue;
        }
        if (c == '[' || c == '{') ++depth;
        if (c == ']' || c == '}') --depth;
        ++pos_;
        if (depth == 0) return;
      }
      return;
    }
    while (pos_ < text_.size() && std::string_view(",}] \t\r").find(text_[pos_]) == std::string_view::npos) ++pos_;
  }
  int element_column(long element) {
    if (!eat('[')) return column(pos_);
    for (long i = 0; pos_ < text_.size(); ++i) {
      skip_space();
      if (i == element) return column(pos_);
      skip_value();
      skip_space();
      if (!eat(',')) break;
    }
    return 0;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

struct LineContext {
  const std::string& file;
  int line;
  std::string_view text;
  [[noreturn]] void fail(const std::string& key, const std::string& problem, long element = -1) const {
    throw InputError({file, line, JsonColumns(text).column_of(key, element)}, key, problem);
  }
};

// Trace times beyond this are no arrival schedule (31 years in milliseconds).
constexpr double kMaxTimestampMs = 1e12;

// An integer field in [lo, hi]. JSON floats that are integral (7.0) are accepted.
std::int64_t integer_field(const nlohmann::json& row, const char* key, std::int64_t lo, std::int64_t hi,
                           const LineContext& at) {
  const auto it = row.find(key);
  if (it == row.end()) at.fail(key, "required field is missing");
  std::int64_t v = 0;
  if (it->is_number_integer()) {
    if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(hi)) {
      at.fail(key, fmt::format("must be in [{}, {}], got {}", lo, hi, it->get<std::uint64_t>()));
    }
    v = it->get<std::int64_t>();
  } else if (it->is_number_float()) {
    const double d = it->get<double>();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9e15)
      at.fail(key, fmt::format("must be an integer, got {}", d));
    v = static_cast<std::int64_t>(d);
  } else {
    at.fail(key, fmt::format("must be an integer, got {}", it->type_name()));
  }
  if (v < lo || v > hi) at.fail(key, fmt::format("must be in [{}, {}], got {}", lo, hi, v));
  return v;
}

}  // namespace

TraceData load_mooncake_trace(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream in(path);
  if (!in) throw InputError({file, 0, 0}, "", "cannot open trace file");
  note_input_file(path);

  TraceData t;
  t.path = file;
  t.content_block_tokens = static_cast<std::int32_t>(kMooncakeBlockTokens);
  t.id_begin.push_back(0);
  constexpr std::int64_t kMaxCount = std::numeric_limits<std::int32_t>::max();

  std::string text;
  int line_no = 0;
  double last_ms = 0;
  while (std::getline(in, text)) {
    ++line_no;
    if (blank(text)) continue;
    if (line_no == 1 && text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a UTF-8 byte-order mark
    const LineContext at{file, line_no, text};
    nlohmann::json row;
    try {
      row = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      throw InputError({file, line_no, static_cast<int>(e.byte)}, "", std::string("malformed JSON: ") + e.what());
    } catch (const nlohmann::json::exception& e) {
      // A number too large for a double (1e400) and the like: the token is quoted in the message.
      const std::string what = e.what();
      int column = 0;
      const auto q = what.find('\'');
      if (q != std::string::npos) {
        const auto token = what.substr(q + 1, what.find('\'', q + 1) - q - 1);
        const auto at_token = token.empty() ? std::string::npos : text.find(token);
        if (at_token != std::string::npos) column = static_cast<int>(at_token) + 1;
      }
      throw InputError({file, line_no, column}, "", std::string("bad JSON value: ") + what);
    }
    if (!row.is_object()) throw InputError({file, line_no, 1}, "", "expected a JSON object per line");

    // Timestamps may be fractional milliseconds.
    const auto ts = row.find("timestamp");
    if (ts == row.end()) at.fail("timestamp", "required field is missing");
    if (!ts->is_number()) at.fail("timestamp", fmt::format("must be a number (ms), got {}", ts->type_name()));
    const double ms = ts->get<double>();
    if (!std::isfinite(ms) || ms < 0 || ms > kMaxTimestampMs) {
      at.fail("timestamp", fmt::format("must be in [0, {:g}] (ms), got {}", kMaxTimestampMs, ms));
    }
    if (!t.arrival_s.empty() && ms < last_ms) {
      at.fail("timestamp",
              fmt::format("{} ms is before the previous row's {} ms; rows must be in arrival order", ms, last_ms));
    }
    last_ms = ms;

    const auto input = integer_field(row, "input_length", 1, kMaxCount, at);
    const auto output = integer_field(row, "output_length", 1, kMaxCount, at);

    const auto ids = row.find("hash_ids");
    if (ids == row.end()) at.fail("hash_ids", "required field is missing");
    if (!ids->is_array()) at.fail("hash_ids", fmt::format("must be an array, got {}", ids->type_name()));
    const auto max_blocks = static_cast<std::size_t>((input + kMooncakeBlockTokens - 1) / kMooncakeBlockTokens);
    if (ids->size() > max_blocks) {
      at.fail("hash_ids", fmt::format("{} ids cannot fit input_length {} ({} blocks of {} tokens at most)", ids->size(),
                                      input, max_blocks, kMooncakeBlockTokens));
    }
    for (std::size_t i = 0; i < ids->size(); ++i) {
      const auto& id = (*ids)[i];
      if (!id.is_number_integer() ||
          (id.is_number_integer() && !id.is_number_unsigned() && id.get<std::int64_t>() < 0)) {
        at.fail("hash_ids", fmt::format("element {} must be a non-negative integer, got {}", i, id.dump()),
                static_cast<long>(i));
      }
      t.content_ids.push_back(id.get<std::uint64_t>());
    }

    t.arrival_s.push_back(ms / 1000.0);
    t.prompt_tokens.push_back(static_cast<std::int32_t>(input));
    t.output_tokens.push_back(static_cast<std::int32_t>(output));
    t.id_begin.push_back(t.content_ids.size());
  }
  if (t.arrival_s.empty()) throw InputError({file, 0, 0}, "", "trace has no requests");
  t.content_ids.shrink_to_fit();
  return t;
}

// kind = "mooncake": replay of a Mooncake FAST'25 trace (keys: trace_replay.hpp); its hash_ids are
// the content ids, 512 tokens each.
std::shared_ptr<WorkloadParams> read_mooncake_workload(TableReader& workload) {
  return read_trace_replay(workload, {"Mooncake", &load_mooncake_trace, kMooncakeBlockTokens});
}

}  // namespace moelab::sim
