#pragma once
// Distributions of positive integer counts (prompt and output tokens, chat turns, document
// lengths). Each kind is one file (length_<kind>.cpp) that reads its keys, checks them and samples;
// length_distribution_registry.cpp lists them. The kind is chosen once, when the config is read:
// sampling is one virtual call, with no per-sample dispatch on names.
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "base/named_registry.hpp"
#include "base/rng.hpp"
#include "base/table_reader.hpp"
#include "simulator/workload/spec_problem.hpp"

namespace moelab::sim {

class LengthDistribution {
 public:
  virtual ~LengthDistribution() = default;
  virtual std::string_view kind() const = 0;
  // The first problem with the parameters, keyed below the distribution's table ("sigma").
  virtual MaybeProblem check() const = 0;
  // One count >= 1 (precondition: check() found nothing).
  virtual std::int32_t sample(Rng& rng) const = 0;
  // Mean before rounding and clamping (for documentation and tests of the generators).
  virtual double nominal_mean() const = 0;
};

using LengthDistributionPtr = std::shared_ptr<const LengthDistribution>;

// The clamp of every sampled kind (all but fixed): each sample is rounded to the nearest integer
// and clamped to [max(min, 1), max] (max 0 = no upper clamp), so every count is >= 1.
struct CountClamp {
  double min = 1, max = 0;

  // min (default 1) and max (default 0), both optional.
  static CountClamp read_optional(TableReader& table);
  MaybeProblem check() const;
  double lo() const;
  double hi() const;
  std::int32_t round(double x) const;
};

// `key` of `parent`: a number (shorthand for fixed) or a table {kind = "...", ...} read by its kind.
LengthDistributionPtr read_length_distribution(TableReader& parent, std::string_view key);

// Always `value` (length_fixed.cpp; also what the number shorthand means).
LengthDistributionPtr fixed_length(double value);

using ReadLengthDistribution = LengthDistributionPtr(TableReader& table);
const NamedRegistry<ReadLengthDistribution>& length_distribution_registry();

}  // namespace moelab::sim
