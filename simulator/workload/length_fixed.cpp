// Length kind "fixed": always `value` (a bare number in a config means this).
#include <fmt/format.h>

#include "simulator/workload/length_distribution.hpp"

namespace moelab::sim {
namespace {

class FixedLength final : public LengthDistribution {
 public:
  explicit FixedLength(double value) : value_(value) {}
  std::string_view kind() const override { return "fixed"; }
  MaybeProblem check() const override {
    if (!(value_ >= 1) || value_ > kMaxCount) return problem("value", fmt::format("must be >= 1, got {}", value_));
    return std::nullopt;
  }
  std::int32_t sample(Rng& /*rng*/) const override { return CountClamp{}.round(value_); }
  double nominal_mean() const override { return value_; }

 private:
  double value_;
};

}  // namespace

LengthDistributionPtr fixed_length(double value) { return std::make_shared<FixedLength>(value); }

LengthDistributionPtr read_fixed_length(TableReader& table) { return fixed_length(table.number("value")); }

}  // namespace moelab::sim
