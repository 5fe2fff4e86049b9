#include "lab/experiment/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
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

// One step along SweepAxis::sweep_path: a key of a table, or "#i" for element i of an array.
toml::node* child(toml::node& n, const std::string& step) {
  if (auto* arr = n.as_array()) return arr->get(std::stoul(step.substr(1)));
  return n.as_table()->get(step);
}

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

constexpr std::size_t kNotZipped = static_cast<std::size_t>(-1);

struct Collected {
  SweepAxis axis;
  std::size_t zip_group = kNotZipped;  // index among the [[sweep.zip]] tables
};

void collect(const toml::table& table, std::vector<std::string>& sweep_path, std::vector<std::string>& target,
             const std::string& file, std::size_t zip_group, std::vector<Collected>& out,
             std::size_t* next_group = nullptr);

// [[sweep.zip]] (or a single [sweep.zip] table): each table is one group of axes varied together.
void collect_zip(const toml::node& node, std::vector<std::string>& sweep_path, const std::string& file,
                 std::size_t& next_group, std::vector<Collected>& out) {
  const SourceLocation where = config::location_of(node, file);
  auto one_group = [&](const toml::table& t, const std::string& name) {
    if (t.empty()) throw InputError(config::location_of(t, file), name, "a zip table needs at least one axis");
    std::vector<std::string> target;
    const std::size_t first = out.size();
    collect(t, sweep_path, target, file, next_group, out);
    for (std::size_t i = first + 1; i < out.size(); ++i) {
      const auto& a = out[first].axis;
      const auto& b = out[i].axis;
      if (a.values.size() != b.values.size()) {
        throw InputError(b.where, "sweep." + b.key,
                         fmt::format("has {} values but '{}' in the same zip table has {}; zipped axes vary "
                                     "together and need equal lengths",
                                     b.values.size(), a.key, a.values.size()));
      }
    }
    ++next_group;
  };
  if (const auto* t = node.as_table()) {
    one_group(*t, "sweep.zip");
    return;
  }
  const auto* arr = node.as_array();
  if (arr == nullptr || arr->empty()) {
    throw InputError(where, "sweep.zip", "expected [[sweep.zip]] tables of axes that vary together");
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const auto* t = arr->get(i)->as_table();
    if (t == nullptr) {
      throw InputError(config::location_of(*arr->get(i), file), "sweep.zip",
                       fmt::format("element {} must be a table of axes ([[sweep.zip]])", i));
    }
    sweep_path.push_back(fmt::format("#{}", i));
    one_group(*t, fmt::format("sweep.zip[{}]", i));
    sweep_path.pop_back();
  }
}

// `next_group` is given only for [sweep] itself, where "zip" holds the zip tables.
void collect(const toml::table& table, std::vector<std::string>& sweep_path, std::vector<std::string>& target,
             const std::string& file, std::size_t zip_group, std::vector<Collected>& out, std::size_t* next_group) {
  for (const auto& [k, node] : table) {
    if (next_group != nullptr && k.str() == "zip") {
      sweep_path.push_back("zip");
      collect_zip(node, sweep_path, file, *next_group, out);
      sweep_path.pop_back();
      continue;
    }
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
      collect(*sub, sweep_path, target, file, zip_group, out);
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
      out.push_back({std::move(axis), zip_group});
    } else {
      throw InputError(where, full, "expected an array of values (one run per value)");
    }
    target.resize(target.size() - parts.size());
    sweep_path.pop_back();
  }
}

}  // namespace

std::vector<SweepAxis> read_sweep(const toml::table& root, const std::string& file,
                                  const std::vector<std::string>& written_order) {
  std::vector<SweepAxis> axes;
  const toml::node* sweep = root.get("sweep");
  if (sweep == nullptr) return axes;
  if (!sweep->is_table()) throw InputError(config::location_of(*sweep, file), "sweep", "expected a table");
  std::vector<Collected> collected;
  std::vector<std::string> sweep_path, target;
  std::size_t next_group = 0;
  collect(*sweep->as_table(), sweep_path, target, file, kNotZipped, collected, &next_group);
  // Written order (toml++ keeps keys sorted); axes added by --set have no line and go last.
  auto rank = [&](const Collected& c) {
    const auto& x = c.axis;
    const auto it = std::find(written_order.begin(), written_order.end(), x.key);
    if (it != written_order.end()) return std::make_tuple(0, static_cast<long>(it - written_order.begin()), 0);
    return std::make_tuple(x.where.file == "--set" ? 1 : 0, static_cast<long>(x.where.line), x.where.column);
  };
  std::stable_sort(collected.begin(), collected.end(),
                   [&](const Collected& a, const Collected& b) { return rank(a) < rank(b); });
  for (std::size_t i = 0; i < collected.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (collected[i].axis.key == collected[j].axis.key) {
        throw InputError(collected[i].axis.where, "sweep." + collected[i].axis.key, "swept twice");
      }
    }
  }
  // One dimension per plain axis and per zip table, in the order of their first axis.
  std::vector<std::size_t> dimension_of_group(next_group, kNotZipped);
  std::size_t dimensions = 0;
  for (auto& c : collected) {
    if (c.zip_group == kNotZipped) {
      c.axis.dimension = dimensions++;
    } else {
      if (dimension_of_group[c.zip_group] == kNotZipped) dimension_of_group[c.zip_group] = dimensions++;
      c.axis.dimension = dimension_of_group[c.zip_group];
    }
    axes.push_back(std::move(c.axis));
  }
  return axes;
}

std::vector<std::string> axis_keys_as_written(const toml::table& file_root, const std::string& file) {
  std::vector<std::string> keys;
  try {
    for (const auto& axis : read_sweep(file_root, file)) keys.push_back(axis.key);
  } catch (const InputError&) {
    keys.clear();  // reported, if it still matters after the overrides, by read_sweep
  }
  return keys;
}

namespace {

// Length of each dimension (zipped axes have equal lengths).
std::vector<std::size_t> dimension_sizes(const std::vector<SweepAxis>& axes) {
  std::vector<std::size_t> sizes;
  for (const auto& a : axes) {
    if (a.dimension >= sizes.size()) sizes.resize(a.dimension + 1, 0);
    sizes[a.dimension] = a.values.size();
  }
  return sizes;
}

}  // namespace

double sweep_size_unbounded(const std::vector<SweepAxis>& axes) {
  double n = 1;
  for (std::size_t s : dimension_sizes(axes)) n *= static_cast<double>(s);
  return n;
}

std::size_t sweep_size(const std::vector<SweepAxis>& axes) {
  std::size_t n = 1;
  for (std::size_t s : dimension_sizes(axes)) n *= s;
  return n;
}

SweepPoint sweep_point(const std::vector<SweepAxis>& axes, std::size_t index) {
  const auto sizes = dimension_sizes(axes);
  // Mixed-radix digits of `index`, the last dimension least significant (varying fastest).
  std::vector<std::size_t> digit(sizes.size(), 0);
  for (std::size_t d = sizes.size(); d > 0; --d) {
    digit[d - 1] = index % sizes[d - 1];
    index /= sizes[d - 1];
  }
  SweepPoint p;
  std::vector<std::string> parts;
  for (const auto& axis : axes) {
    p.value_index.push_back(digit[axis.dimension]);
    parts.push_back(axis.key + "=" + format_swept_value(axis.values[digit[axis.dimension]]));
  }
  p.label = fmt::format("{}", fmt::join(parts, ","));
  return p;
}

std::vector<SweepPoint> expand_sweep(const std::vector<SweepAxis>& axes) {
  std::vector<SweepPoint> points;
  const std::size_t n = sweep_size(axes);
  points.reserve(n);
  for (std::size_t i = 0; i < n; ++i) points.push_back(sweep_point(axes, i));
  return points;
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
    for (const auto& k : axis.sweep_path) n = child(*n, k);
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
                         fmt::format("'{}' is not a table in this config",
                                     join_dots({axis.target.begin(), axis.target.begin() + i + 1})));
      }
      cur = next->as_table();
    }
    // Move so the value keeps its position in the file for later error messages.
    value->visit([&](auto&& concrete) { cur->insert_or_assign(axis.target.back(), std::move(concrete)); });
  }
}

namespace {

struct AxisSlot {
  toml::table* table = nullptr;  // holds the axis' array
  std::string toml_key;          // under this key (possibly dotted: "engine.id")
};

// Where [sweep] (or one of its zip tables) keeps the values of axis `key`.
std::optional<AxisSlot> find_axis(toml::table& table, const std::string& prefix, const std::string& key, bool top) {
  for (auto&& [k, node] : table) {
    if (top && k.str() == "zip") {
      std::vector<toml::table*> zips;
      if (auto* t = node.as_table()) zips.push_back(t);
      if (auto* arr = node.as_array()) {
        for (auto& e : *arr) {
          if (auto* t = e.as_table()) zips.push_back(t);
        }
      }
      for (auto* t : zips) {
        if (auto slot = find_axis(*t, "", key, false)) return slot;
      }
      continue;
    }
    const std::string full = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (auto* sub = node.as_table()) {
      if (auto slot = find_axis(*sub, full, key, false)) return slot;
    } else if (full == key) {
      return AxisSlot{&table, std::string(k.str())};
    }
  }
  return std::nullopt;
}

}  // namespace

void apply_override_replacing_axes(toml::table& root, std::string_view assignment) {
  const auto eq = assignment.find('=');
  std::string key(assignment.substr(0, eq == std::string_view::npos ? 0 : eq));
  while (!key.empty() && key.back() == ' ') key.pop_back();
  const bool names_an_axis = key.rfind("sweep.", 0) == 0 && key != "sweep.zip" && key.rfind("sweep.zip.", 0) != 0;
  toml::node* sweep = root.get("sweep");
  if (!names_an_axis || sweep == nullptr || !sweep->is_table()) {
    config::apply_override(root, assignment);
    return;
  }
  const auto slot = find_axis(*sweep->as_table(), "", key.substr(6), true);
  if (!slot) {
    config::apply_override(root, assignment);
    return;
  }
  // Parse (and check) the value exactly as --set does, then move it into the axis' place.
  toml::table scratch;
  config::apply_override(scratch, assignment);
  toml::node* value = &scratch;
  for (const auto& part : split_dots(key)) value = value->as_table()->get(part);
  value->visit([&](auto&& concrete) { slot->table->insert_or_assign(slot->toml_key, std::move(concrete)); });
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
