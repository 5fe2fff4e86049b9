#pragma once
// One data file (data/<kind>/<id>.toml) seen through the experiment's inline overrides.
// Each field is read from the overrides when they hold it (errors point at the experiment file),
// else from the data file (errors point at the data file). finish() then enforces the data format:
//   - every field present in the data file has a source: [sources].<field> or [sources].default;
//   - [sources] and [notes] name only fields this reader knows ("default" / "general" aside);
//   - no unknown keys, in the data file or in the overrides.
// A "resolved" section (`resolved = true`, as moelab writes every run's effective config) reads
// every field from the section itself: no data file is opened.
#include <toml++/toml.h>

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "lab/config/strict_toml.hpp"

namespace moelab::config {

class SpecReader {
 public:
  // `overrides` may be null (programmatic loads by id). The data file is parsed here.
  SpecReader(const std::filesystem::path& data_file, StrictTable* overrides);
  // Resolved mode: every field comes from `section`; nothing is read from data/.
  explicit SpecReader(StrictTable& section);
  SpecReader(const SpecReader&) = delete;
  SpecReader& operator=(const SpecReader&) = delete;

  // The table that supplies `key` (overrides first), registering `key` as a known field.
  StrictTable& at(std::string_view key);
  bool has(std::string_view key) const;
  bool overridden(std::string_view key) const;

  // Typed read through at(): get(&StrictTable::positive_integer, "d_model").
  template <class R, class... A>
  R get(R (StrictTable::*read)(std::string_view, A...), std::string_view key, std::type_identity_t<A>... args) {
    return (at(key).*read)(key, args...);
  }

  [[noreturn]] void fail(std::string_view key, const std::string& problem);

  // Checks sources, notes and unknown keys (see above). Call after every field was read.
  void finish();

  const std::filesystem::path& path() const { return path_; }
  // [sources].default if present, else the file's path: the spec's one-line `source`.
  std::string source_summary() const;
  // Fields taken from the experiment rather than the data file, in reading order.
  const std::vector<std::string>& overridden_fields() const { return overridden_; }
  bool resolved_mode() const { return resolved_mode_; }

  // Every field read (from the overrides or the data file) with the value as written, plus values
  // derived from elsewhere (record()): a section that reproduces this spec with no data file.
  const toml::table& resolved() const { return resolved_; }
  void record(std::string_view key, double value) { resolved_.insert_or_assign(key, value); }

 private:
  std::filesystem::path path_;
  toml::table doc_;
  StrictTable data_;
  StrictTable* overrides_;
  std::set<std::string, std::less<>> known_;
  std::vector<std::string> overridden_;
  bool resolved_mode_ = false;
  toml::table resolved_;
};

}  // namespace moelab::config
