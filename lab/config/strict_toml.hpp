#pragma once
// Strict reading of TOML: every key must be read by the code that owns its table, every value
// must have the expected type and range, and every complaint names file:line:col and the full key.
// Used for experiment configs and for the data files (models, hardware, engines, prices).
#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/input_error.hpp"
#include "base/value_range.hpp"

namespace moelab::config {

// Parse a file; a syntax error becomes an InputError at the parser's position.
toml::table parse_file(const std::filesystem::path& path);
// Parse text that came from somewhere else (tests, embedded defaults); `origin` names it in errors.
toml::table parse_text(std::string_view text, const std::string& origin);

// Apply one `--set key.sub=value` override. The value is parsed as a TOML value; a bare word that
// is not valid TOML is taken as a string (so `--set model=qwen3-8b` works), and so is each bare
// word of a bracketed list (`--set sweep.engine.id=[vllm,sglang]`). Errors name "--set".
void apply_override(toml::table& root, std::string_view assignment);

// Render a table back to TOML text (stored in every HDF5 file as the effective config).
std::string to_toml_text(const toml::table& root);

class StrictTable {
 public:
  // `file` is used when a node carries no source path; `prefix` is the dotted path of this table
  // ("" for the root), so errors read `engine.max_num_seqs` rather than `max_num_seqs`.
  StrictTable(const toml::table& table, std::string file, std::string prefix = "");

  bool has(std::string_view key) const;
  std::string full_key(std::string_view key) const;
  const std::string& prefix() const { return prefix_; }
  const std::string& file() const { return file_; }
  const toml::table& raw() const { return *table_; }

  // Scalars. Integers are accepted where a double is expected (up to +/-2^53, which a double
  // holds exactly; beyond that they are an error); a double is never silently truncated to an
  // integer, and inf/nan are never a number.
  std::string string(std::string_view key);
  std::string string_or(std::string_view key, std::string fallback);
  std::int64_t integer(std::string_view key);
  std::int64_t integer_or(std::string_view key, std::int64_t fallback);
  double number(std::string_view key);
  double number_or(std::string_view key, double fallback);
  bool boolean(std::string_view key);
  bool boolean_or(std::string_view key, bool fallback);

  // Physically meaningful ranges (base/value_range.hpp; the ranges of config keys are named in
  // lab/config/key_ranges.hpp): "must be > 0, got -4", "must be <= 1048576, got 2000000".
  std::int64_t integer_in(std::string_view key, const IntRange& range);
  std::int64_t integer_in_or(std::string_view key, const IntRange& range, std::int64_t fallback);
  double number_in(std::string_view key, const NumberRange& range);
  double number_in_or(std::string_view key, const NumberRange& range, double fallback);

  // Range-checked variants: "must be > 0", "must be >= 0", "must be in [lo, hi]".
  std::int64_t positive_integer(std::string_view key);
  std::int64_t positive_integer_or(std::string_view key, std::int64_t fallback);
  std::int64_t non_negative_integer(std::string_view key);
  std::int64_t non_negative_integer_or(std::string_view key, std::int64_t fallback);
  double positive_number(std::string_view key);
  double positive_number_or(std::string_view key, double fallback);
  double non_negative_number(std::string_view key);
  double non_negative_number_or(std::string_view key, double fallback);
  double fraction(std::string_view key);                      // in (0, 1]
  double fraction_or(std::string_view key, double fallback);  // in (0, 1]
  // One of a fixed set of words; the message lists the allowed ones.
  std::string choice(std::string_view key, const std::vector<std::string>& allowed);
  std::string choice_or(std::string_view key, const std::vector<std::string>& allowed, std::string fallback);

  std::vector<double> number_array(std::string_view key);
  std::vector<std::int64_t> integer_array(std::string_view key);
  std::vector<std::string> string_array(std::string_view key);

  // Sub-tables and arrays of tables.
  StrictTable table(std::string_view key);
  std::optional<StrictTable> table_if_present(std::string_view key);
  std::vector<StrictTable> tables(std::string_view key);  // [[key]] arrays

  // Reject every key that was never read: "unknown key; did you mean 'max_num_seqs'?" (the
  // nearest keys the reader asked for) or the list of valid keys. Call once the owner has read all
  // it knows. Sub-tables obtained through table() check themselves.
  void finish() const;
  // From now on the unknown keys of this table and of every table read through it are collected
  // instead of thrown one at a time; this table's finish() then reports them all, in file order,
  // as one InputError (one line per key).
  void collect_unknown_keys();
  // `e` together with the unknown keys collected so far, in file order, as one error (for a
  // reader that stops at a bad value after sub-tables already reported unknown keys).
  [[noreturn]] void rethrow_with_unknown_keys(const InputError& e) const;
  // Count `key` as read without reading it (a layered reader whose override replaced this value).
  void mark_read(std::string_view key) const { read_.emplace(key); }

  // Errors located at a key (or at this table when the key is absent).
  [[noreturn]] void fail(std::string_view key, const std::string& problem) const;
  SourceLocation location_of(std::string_view key) const;

 private:
  const toml::node* node(std::string_view key) const;
  const toml::node& require(std::string_view key);

  std::string unknown_key_problem(std::string_view key) const;

  const toml::table* table_;
  std::string file_;
  std::string prefix_;
  mutable std::set<std::string, std::less<>> read_;
  mutable std::set<std::string, std::less<>> asked_;  // every key the reader looked for: suggestions
  std::shared_ptr<std::vector<InputError>> unknown_;  // collected unknown keys (shared with sub-tables)
  bool reports_unknown_ = false;                      // collect_unknown_keys() was called here
};

// Several input errors as one, in file order: the first's location and key, every error's
// "file:line:col: key: problem" on its own line of what().
InputError combine_input_errors(std::vector<InputError> errors);

// Source location of any node, falling back to `file` when the node has no path.
SourceLocation location_of(const toml::node& node, const std::string& file);

}  // namespace moelab::config
