#pragma once
// Ranges of numeric inputs. Every numeric key (config, data file, workload parameter) has a
// physically meaningful range, checked when it is read; the ranges are chosen so that the
// arithmetic done with the values cannot overflow (int64 products of model dimensions, token
// counts held in int32, time sums in double). lab/config/key_ranges.hpp names the ranges the
// config keys use; StrictTable::integer_in / number_in and TableReader users check with them.
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include <fmt/format.h>

namespace moelab {

// [lo, hi] of integers.
struct IntRange {
  std::int64_t lo = 0;
  std::int64_t hi = std::numeric_limits<std::int64_t>::max();
};

// [lo, hi] of finite reals, or (lo, hi] when lo_open.
struct NumberRange {
  double lo = 0;
  double hi = 0;
  bool lo_open = false;
};

// Largest count held in an int32 field (token counts, per-request lengths).
inline constexpr std::int64_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();
// Integers a double holds exactly: beyond this a float key would silently round.
inline constexpr std::int64_t kMaxExactDoubleInt = std::int64_t{1} << 53;

inline std::string format_limit(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<std::int64_t>(v));
  return fmt::format("{:g}", v);
}

// "must be > 0, got -4" / "must be <= 1048576, got 2000000"; nothing when `v` is in range.
inline std::optional<std::string> out_of_range(std::int64_t v, const IntRange& r) {
  if (v < r.lo)
    return r.lo == 1 ? fmt::format("must be > 0, got {}", v) : fmt::format("must be >= {}, got {}", r.lo, v);
  if (v > r.hi) return fmt::format("must be <= {}, got {}", r.hi, v);
  return std::nullopt;
}

inline std::optional<std::string> out_of_range(double v, const NumberRange& r) {
  if (std::isnan(v)) return std::string("must be a number, got nan");
  if (r.lo_open ? !(v > r.lo) : !(v >= r.lo)) {
    return fmt::format("must be {} {}, got {}", r.lo_open ? ">" : ">=", format_limit(r.lo), format_limit(v));
  }
  if (v > r.hi) return fmt::format("must be <= {}, got {}", format_limit(r.hi), format_limit(v));
  return std::nullopt;
}

}  // namespace moelab
