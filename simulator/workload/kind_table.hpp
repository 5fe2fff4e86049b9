#pragma once
// A registry of named kinds: a table of {name, description, read} and one lookup by name. Used by
// workload kinds, length distributions and arrival processes (each registry is one .cpp file with
// one declaration and one table line per kind).
#include <fmt/format.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/input_error.hpp"

namespace moelab::sim {

template <class Read>
struct NamedKind {
  const char* name;
  const char* description;  // one line, for `moelab list workloads`
  Read read;                // reads the kind's parameters from its table
};

template <class Read>
std::vector<std::string> kind_names(std::span<const NamedKind<Read>> kinds) {
  std::vector<std::string> names;
  for (const auto& k : kinds) names.emplace_back(k.name);
  return names;
}

// The kind called `name`; an unknown name is an InputError at `key` listing the known ones (the
// config reader checks names first, with file:line:col; this covers names given in code).
template <class Read>
const NamedKind<Read>& find_kind(std::span<const NamedKind<Read>> kinds, std::string_view name, const std::string& key) {
  for (const auto& k : kinds) {
    if (name == k.name) return k;
  }
  throw InputError({"<workload spec>", 0, 0}, key,
                   fmt::format("unknown value '{}'; expected one of: {}", name, fmt::join(kind_names(kinds), ", ")));
}

}  // namespace moelab::sim
