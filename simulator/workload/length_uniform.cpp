// Length kind "uniform": integers min..max inclusive, equally likely.
#include <cmath>

#include "simulator/workload/length_distribution.hpp"

namespace moelab::sim {
namespace {

class UniformLength final : public LengthDistribution {
 public:
  explicit UniformLength(CountClamp bounds) : bounds_(bounds) {}
  std::string_view kind() const override { return "uniform"; }
  MaybeProblem check() const override {
    if (auto p = bounds_.check()) return p;
    if (bounds_.max <= 0) return problem("max", "uniform needs max >= min");
    return std::nullopt;
  }
  std::int32_t sample(Rng& rng) const override {
    const auto lo = static_cast<std::int64_t>(std::ceil(bounds_.lo()));
    const auto hi = static_cast<std::int64_t>(std::floor(bounds_.hi()));
    return static_cast<std::int32_t>(lo +
                                     static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(hi - lo + 1))));
  }
  double nominal_mean() const override { return 0.5 * (std::ceil(bounds_.lo()) + std::floor(bounds_.hi())); }

 private:
  CountClamp bounds_;  // inclusive bounds
};

}  // namespace

LengthDistributionPtr read_uniform_length(TableReader& table) {
  CountClamp bounds;
  bounds.min = table.number("min");
  bounds.max = table.number("max");
  return std::make_shared<UniformLength>(bounds);
}

}  // namespace moelab::sim
