#pragma once
// Resolves --dim/TOML shape arguments against a preset's defaults for the MoE ops (router.*,
// grouped_gemm): unknown keys, out-of-range values and unknown presets throw InputError naming
// the key and where it came from.
#include <climits>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/input_error.hpp"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::moe_detail {

class Dims {
 public:
  // `defaults` holds every key the op knows, with the preset's values already applied.
  Dims(const ShapeArgs& args, std::map<std::string, std::int64_t> defaults, const std::string& op)
      : values_(std::move(defaults)), origin_(args.origin) {
    for (const auto& [key, value] : args.dims) {
      if (!values_.contains(key)) {
        std::string known;
        for (const auto& [k, v] : values_) known += (known.empty() ? "" : ", ") + k;
        throw InputError({origin_, 0, 0}, key, "unknown dim for " + op + " (known: " + known + ")");
      }
      if (value < INT_MIN || value > INT_MAX) throw InputError({origin_, 0, 0}, key, "value out of range");
      values_[key] = value;
    }
  }
  int get(const std::string& key) const { return static_cast<int>(values_.at(key)); }
  int at_least(const std::string& key, int min) const {
    const int v = get(key);
    if (v < min) throw error(key, "must be >= " + std::to_string(min) + ", got " + std::to_string(v));
    return v;
  }
  bool flag(const std::string& key) const {
    const int v = get(key);
    if (v != 0 && v != 1) throw error(key, "must be 0 or 1, got " + std::to_string(v));
    return v == 1;
  }
  InputError error(const std::string& key, const std::string& problem) const {
    return InputError({origin_, 0, 0}, key, problem);
  }
  const std::string& origin() const { return origin_; }

 private:
  std::map<std::string, std::int64_t> values_;
  std::string origin_;
};

// The preset named in `args` from `names`, or the first when none is named.
inline std::size_t preset_index(const ShapeArgs& args, const std::vector<std::string>& names) {
  if (args.preset.empty()) return 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == args.preset) return i;
  }
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  throw InputError({args.origin, 0, 0}, "shape", "unknown preset '" + args.preset + "' (known: " + known + ")");
}

}  // namespace moelab::kernels::moe_detail
