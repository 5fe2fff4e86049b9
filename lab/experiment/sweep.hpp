#pragma once
// [sweep]: dotted keys mapped to arrays of values; the cartesian product gives one run per point.
// Each point's values are applied to the config like --set overrides, so they pass the same
// strict checks, and errors point at the sweep entry that supplied the bad value.
//
// Zipped axes vary together instead of multiplying: every [[sweep.zip]] table is one dimension of
// the product whose arrays (all of one length) are read side by side:
//   [sweep]
//   "workload.arrivals.rate_per_s" = [5, 20]
//   [[sweep.zip]]
//   "model.id" = ["llama-3.1-8b", "llama-3.1-70b"]
//   "cluster.tensor_parallel" = [1, 4]
// gives 2 x 2 = 4 points.
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
  std::vector<std::string> sweep_path;  // where the array sits inside [sweep] (toml keys; "#3" = array index)
  std::vector<SweptValue> values;       // all of one type (integers and numbers mix as numbers)
  SourceLocation where;
  std::size_t dimension = 0;  // dimension of the product; zipped axes share one
};

struct SweepPoint {
  std::vector<std::size_t> value_index;  // one per axis
  std::string label;                     // "key=value,key=value" ("" without a sweep)
};

// Axes in the order they are written in the file; axes added by --set come last. An axis whose
// values --set replaced keeps its place when `written_order` (the keys as the file writes them,
// see axis_keys_as_written) names it. Checks shapes and types, not the keys' meaning.
std::vector<SweepAxis> read_sweep(const toml::table& root, const std::string& file,
                                  const std::vector<std::string>& written_order = {});

// The axis keys of the file's own [sweep], in written order; empty when it has none or an
// unreadable one (read_sweep reports that on the effective config).
std::vector<std::string> axis_keys_as_written(const toml::table& file_root, const std::string& file);

// Number of points: the product of the dimensions' lengths.
std::size_t sweep_size(const std::vector<SweepAxis>& axes);
// The same count in floating point, which cannot overflow: for bounding a sweep before sizing it.
double sweep_size_unbounded(const std::vector<SweepAxis>& axes);

// The cartesian product of the dimensions, the last varying fastest; one empty point without axes.
std::vector<SweepPoint> expand_sweep(const std::vector<SweepAxis>& axes);
// Point `index` of expand_sweep(axes), without building the others.
SweepPoint sweep_point(const std::vector<SweepAxis>& axes, std::size_t index);

// Move the point's values out of `root`'s [sweep] into their target keys and drop [sweep].
// `root` must be a fresh load of the same config the axes were read from.
void apply_sweep_point(toml::table& root, const std::vector<SweepAxis>& axes, const SweepPoint& point);

// `--set sweep.KEY=VALUES`: when [sweep] already sweeps KEY (as a dotted key, nested tables or in
// a [[sweep.zip]] table) its values are replaced where they stand; otherwise the axis is added.
// Every other assignment is config::apply_override.
void apply_override_replacing_axes(toml::table& root, std::string_view assignment);

std::string format_swept_value(const SweptValue& v);
// Column name for a swept key in /summary: dots become "__".
std::string swept_column_name(const std::string& key);

}  // namespace moelab::lab
