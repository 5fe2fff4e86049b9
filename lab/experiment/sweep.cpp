#include "lab/experiment/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace moelab::lab {
namespace {

std::vector<std::string> split_dots(std::string_view key) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : key) {
    if (c == '.') {
      parts.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(std::move(cur));
  return parts;
}

std::string join_dots(const std::vector<std::string>& parts) { return fmt::format("{}", fmt::join(parts, ".")); }

// Keys a sweep may not touch: the sweep itself and what names or routes the whole experiment.
bool is_forbidden_target(const std::string& key) {
  return key == "sweep" || key.rfind("sweep.", 0) == 0 || key == "experiment" || key == "experiment.name" ||
         key == "experiment.kind" || key == "experiment.seed_per_run" || key == "experiment.description";
}

std::optional<SweptValue> scalar_value(const toml::node& n) {
  if (auto v = n.value_exact<std::int64_t>()) return SweptValue(*v);
  if (auto v = n.value_exact<double>()) return SweptValue(*v);
  if (auto v = n.value_exact<std::string>()) return SweptValue(*v);
  if (auto v = n.value_exact<bool>()) return SweptValue(*v);
  return std::nullopt;
}

void collect(const toml::table& table, std::vector<std::string>& sweep_path, std::vector<std::string>& target,
             const std::string& file, std::vector<SweepAxis>& out) {
  for (const auto& [k, node] : table) {
    sweep_path.push_back(std::string(k.str()));
    const auto parts = split_dots(k.str());
    target.insert(target.end(), parts.begin(), parts.end());
    const std::string key = join_dots(target);
    const SourceLocation where = config::location_of(node, file);
    const std::string full = "sweep." + key;
    for (const auto& p : parts) {
      if (p.empty()) throw InputError(where, full, "empty part in dotted key");
    }
    if (const auto* sub = node.as_table()) {
      if (sub->empty()) throw InputError(where, full, "expected an array of values, got an empty table");
      collect(*sub, sweep_path, target, file, out);
    } else if (const auto* arr = node.as_array()) {
      if (is_forbidden_target(key)) throw InputError(where, full, "this key cannot be swept");
      if (arr->empty()) throw InputError(where, full, "expected at least one value");
      SweepAxis axis{key, target, sweep_path, {}, where};
      for (std::size_t i = 0; i < arr->size(); ++i) {
        auto v = scalar_value(*arr->get(i));
        if (!v) {
          throw InputError(config::location_of(*arr->get(i), file), full,
                           fmt::format("element {} must be a string, number or boolean", i));
        }
        axis.values.push_back(std::move(*v));
      }
      // One column type per axis: integers mixed with numbers become numbers; nothing else mixes.
      const bool any_double = std::any_of(axis.values.begin(), axis.values.end(),
                                          [](const SweptValue& v) { return std::holds_alternative<double>(v); });
      for (std::size_t i = 0; i < axis.values.size(); ++i) {
        auto& v = axis.values[i];
        if (any_double && std::holds_alternative<std::int64_t>(v)) v = static_cast<double>(std::get<std::int64_t>(v));
        if (v.index() != axis.values.front().index()) {
          throw InputError(config::location_of(*arr->get(i), file), full,
                           fmt::format("element {} has a different type from element 0", i));
        }
      }
      out.push_back(std::move(axis));
    } else {
      throw InputError(where, full, "expected an array of values (one run per value)");
    }
    target.resize(target.size() - parts.size());
    sweep_path.pop_back();
  }
}

}  // namespace

std::vector<SweepAxis> read_sweep(const toml::table& root, const std::string& file) {
  std::vector<SweepAxis> axes;
  const toml::node* sweep = root.get("sweep");
  if (sweep == nullptr) return axes;
  if (!sweep->is_table()) throw InputError(config::location_of(*sweep, file), "sweep", "expected a table");
  std::vector<std::string> sweep_path, target;
  collect(*sweep->as_table(), sweep_path, target, file, axes);
  // Written order (toml++ keeps keys sorted); overrides from --set have no line and go last.
  std::stable_sort(axes.begin(), axes.end(), [](const SweepAxis& a, const SweepAxis& b) {
    auto rank = [](const SweepAxis& x) {
      return std::make_tuple(x.where.file == "--set" ? 1 : 0, x.where.line, x.where.column);
    };
    return rank(a) < rank(b);
  });
  for (std::size_t i = 0; i < axes.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (axes[i].key == axes[j].key) throw InputError(axes[i].where, "sweep." + axes[i].key, "swept twice");
    }
  }
  return axes;
}

std::vector<SweepPoint> expand_sweep(const std::vector<SweepAxis>& axes) {
  std::vector<SweepPoint> points;
  std::vector<std::size_t> idx(axes.size(), 0);
  while (true) {
    SweepPoint p;
    p.value_index = idx;
    std::vector<std::string> parts;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      parts.push_back(axes[a].key + "=" + format_swept_value(axes[a].values[idx[a]]));
    }
    p.label = fmt::format("{}", fmt::join(parts, ","));
    points.push_back(std::move(p));
    // Odometer increment, last axis fastest.
    std::size_t a = axes.size();
    while (a > 0) {
      --a;
      if (++idx[a] < axes[a].values.size()) break;
      idx[a] = 0;
      if (a == 0) return points;
    }
    if (axes.empty()) return points;
  }
}

void apply_sweep_point(toml::table& root, const std::vector<SweepAxis>& axes, const SweepPoint& point) {
  if (axes.empty()) {
    root.erase("sweep");
    return;
  }
  toml::node* sweep = root.get("sweep");
  if (sweep == nullptr || !sweep->is_table()) throw std::logic_error("apply_sweep_point: config changed under us");
  // Keep the [sweep] table alive while its values are moved out; erase it at the end.
  toml::table sweep_table = std::move(*sweep->as_table());
  root.erase("sweep");
  for (std::size_t a = 0; a < axes.size(); ++a) {
    const SweepAxis& axis = axes[a];
    toml::node* n = &sweep_table;
    for (const auto& k : axis.sweep_path) n = n->as_table()->get(k);
    toml::node* value = n->as_array()->get(point.value_index[a]);

    toml::table* cur = &root;
    for (std::size_t i = 0; i + 1 < axis.target.size(); ++i) {
      toml::node* next = cur->get(axis.target[i]);
      if (next == nullptr) {
        cur->insert(axis.target[i], toml::table{});
        next = cur->get(axis.target[i]);
      }
      if (!next->is_table()) {
        throw InputError(axis.where, "sweep." + axis.key,
                         fmt::format("'{}' is not a table in this config", join_dots({axis.target.begin(),
                                                                                      axis.target.begin() + i + 1})));
      }
      cur = next->as_table();
    }
    // Move so the value keeps its position in the file for later error messages.
    value->visit([&](auto&& concrete) { cur->insert_or_assign(axis.target.back(), std::move(concrete)); });
  }
}

std::string format_swept_value(const SweptValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, std::string>) {
          return x;
        } else if constexpr (std::is_same_v<X, bool>) {
          return x ? "true" : "false";
        } else {
          return fmt::format("{}", x);
        }
      },
      v);
}

std::string swept_column_name(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '.') {
      out += "__";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace moelab::lab
