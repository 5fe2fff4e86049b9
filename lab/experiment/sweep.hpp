#pragma once
// [sweep]: dotted keys mapped to arrays of values; the cartesian product gives one run per point.
// Each point's values are applied to the config like --set overrides, so they pass the same
// strict checks, and errors point at the sweep entry that supplied the bad value.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "lab/config/strict_toml.hpp"

namespace moelab::lab {

using SweptValue = std::variant<std::int64_t, double, std::string, bool>;

struct SweepAxis {
  std::string key;                      // "workload.arrivals.rate_per_s"
  std::vector<std::string> target;      // the key split at dots
  std::vector<std::string> sweep_path;  // where the array sits inside [sweep] (toml keys)
  std::vector<SweptValue> values;       // all of one type (integers and numbers mix as numbers)
  SourceLocation where;
};

struct SweepPoint {
  std::vector<std::size_t> value_index;  // one per axis
  std::string label;                     // "key=value,key=value" ("" without a sweep)
};

// Axes in the order they are written in the file. Checks shapes and types, not the keys' meaning.
std::vector<SweepAxis> read_sweep(const toml::table& root, const std::string& file);

// The cartesian product, the last axis varying fastest; one empty point when there are no axes.
std::vector<SweepPoint> expand_sweep(const std::vector<SweepAxis>& axes);

// Move the point's values out of `root`'s [sweep] into their target keys and drop [sweep].
// `root` must be a fresh load of the same config the axes were read from.
void apply_sweep_point(toml::table& root, const std::vector<SweepAxis>& axes, const SweepPoint& point);

std::string format_swept_value(const SweptValue& v);
// Column name for a swept key in /summary: dots become "__".
std::string swept_column_name(const std::string& key);

}  // namespace moelab::lab
