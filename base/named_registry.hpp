#pragma once
// A table of named factories for one extension point (a KV-cache policy, a scheduler, a router,
// a workload kind): each entry is a name, a one-line description and a factory. An unknown name
// is bad input: lookup() throws InputError naming the config key and every known name.
//
// One registry per extension point, built once from an explicit table (self-registering statics
// would be dropped by the linker from a static library):
//
//   using RouterFactory = std::unique_ptr<Router>(std::uint64_t seed);
//   RouterFactory make_router_round_robin;  // defined in router_round_robin.cpp
//   const NamedRegistry<RouterFactory>& router_registry() {
//     static const NamedRegistry<RouterFactory> registry("cluster.router", "router", {
//         {"round_robin", "replicas in turn, blind to load", make_router_round_robin},
//     });
//     return registry;
//   }
//   ... router_registry().lookup(name).make(seed);
//
// `moelab list` prints entries() (name and description).
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/input_error.hpp"

namespace moelab {

template <class Signature>  // the factory's function type, e.g. std::unique_ptr<Router>(std::uint64_t)
class NamedRegistry {
 public:
  struct Entry {
    std::string name;
    std::string description;  // one line
    std::function<Signature> make;
  };

  // `key`: the config key whose value names an entry ("engine.cache_policy"); `what`: what an
  // entry is, for messages ("KV-cache policy"). Names must be unique and factories set.
  NamedRegistry(std::string key, std::string what, std::vector<Entry> entries)
      : key_(std::move(key)), what_(std::move(what)), entries_(std::move(entries)) {
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (!entries_[i].make) throw std::logic_error(what_ + " '" + entries_[i].name + "' has no factory");
      for (std::size_t j = 0; j < i; ++j) {
        if (entries_[j].name == entries_[i].name)
          throw std::logic_error(what_ + " registered twice: " + entries_[i].name);
      }
    }
  }

  // nullptr when no entry has that name.
  const Entry* find(std::string_view name) const {
    for (const auto& e : entries_) {
      if (e.name == name) return &e;
    }
    return nullptr;
  }

  // The entry called `name`, or InputError at `where`:
  // "<key>: unknown <what> '<name>' (known: a, b, c)".
  const Entry& lookup(std::string_view name, SourceLocation where = {}) const {
    if (const Entry* e = find(name)) return *e;
    throw InputError(std::move(where), key_,
                     "unknown " + what_ + " '" + std::string(name) + "' (known: " + known() + ")");
  }

  // Names in table order.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    out.reserve(entries_.size());
    for (const auto& e : entries_) out.push_back(e.name);
    return out;
  }

  const std::vector<Entry>& entries() const { return entries_; }
  const std::string& key() const { return key_; }
  const std::string& what() const { return what_; }

 private:
  std::string known() const {
    std::string out;
    for (const auto& e : entries_) out += (out.empty() ? "" : ", ") + e.name;
    return out;
  }

  std::string key_;
  std::string what_;
  std::vector<Entry> entries_;
};

}  // namespace moelab
