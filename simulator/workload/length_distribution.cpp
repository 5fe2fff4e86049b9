// Reading a length distribution (the kind comes from the registry) and the clamp the kinds share.
#include "simulator/workload/length_distribution.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace moelab::sim {

LengthDistributionPtr read_length_distribution(TableReader& parent, std::string_view key) {
  if (parent.holds_number(key)) return fixed_length(parent.number(key));
  if (parent.has(key) && !parent.holds_table(key))
    parent.fail(key, "expected a number (fixed) or a table {kind = ...}");
  const auto table = parent.table(key);
  const auto& kinds = length_distribution_registry();
  const std::string kind = table->choice("kind", kinds.names());
  auto d = kinds.lookup(kind).make(*table);
  table->finish();
  return d;
}

CountClamp CountClamp::read_optional(TableReader& table) {
  CountClamp c;
  c.min = table.number_or("min", 1);
  c.max = table.number_or("max", 0);
  return c;
}

MaybeProblem CountClamp::check() const {
  if (!std::isfinite(min) || min < 1)
    return problem("min", fmt::format("must be >= 1 (every count is at least 1), got {}", min));
  if (!std::isfinite(max) || max < 0 || max > kMaxCount || (max > 0 && max < min)) {
    return problem("max", fmt::format("must be 0 (no clamp) or in [min = {}, {}], got {}", min, kMaxCount, max));
  }
  return std::nullopt;
}

double CountClamp::lo() const { return std::max(1.0, min); }
double CountClamp::hi() const { return max > 0 ? max : kMaxCount; }

std::int32_t CountClamp::round(double x) const {
  const double r = std::nearbyint(std::clamp(x, lo(), hi()));
  return static_cast<std::int32_t>(std::clamp(r, lo(), hi()));
}

}  // namespace moelab::sim
