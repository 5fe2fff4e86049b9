#pragma once
// How workload parameters report what is wrong with them: the first problem, keyed by its dotted
// path below [workload]. The config reader turns it into file:line:col (the value, or the
// enclosing table when the value was defaulted); make_workload into "<workload spec>".
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "base/value_range.hpp"

namespace moelab::sim {

struct SpecProblem {
  std::string key;      // dotted path below [workload], e.g. "prompt_tokens.sigma"
  std::string problem;  // "must be > 0, got -1"
};

using MaybeProblem = std::optional<SpecProblem>;

// Counts (tokens, documents) end up in int32 fields.
inline constexpr double kMaxCount = static_cast<double>(std::numeric_limits<std::int32_t>::max());

inline MaybeProblem problem(std::string_view key, std::string text) {
  return SpecProblem{std::string(key), std::move(text)};
}

// The same problem seen one table up: under("prompt_tokens", "sigma: ...") is "prompt_tokens.sigma: ...".
inline MaybeProblem under(std::string_view prefix, MaybeProblem p) {
  if (p && !prefix.empty()) p->key = std::string(prefix) + "." + p->key;
  return p;
}

}  // namespace moelab::sim
