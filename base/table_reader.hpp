#pragma once
// One table of a config, read key by key. The simulator's extension points (workload kinds,
// length distributions, arrival processes) read their own parameters through this interface, so
// they need no TOML; lab/config implements it over its strict TOML tables. Every complaint is an
// InputError naming file:line:col and the full dotted key.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/input_error.hpp"

namespace moelab {

class TableReader {
 public:
  virtual ~TableReader() = default;

  virtual bool has(std::string_view key) const = 0;
  // What a present value holds, without counting it as read (for shorthands such as
  // `prompt_tokens = 512` standing for a table).
  virtual bool holds_number(std::string_view key) const = 0;
  virtual bool holds_table(std::string_view key) const = 0;

  // Required values; a missing key or a wrong type is an InputError at the key.
  virtual std::string string(std::string_view key) = 0;
  virtual std::int64_t integer(std::string_view key) = 0;  // a double is never truncated
  virtual double number(std::string_view key) = 0;         // integers accepted; finite
  virtual std::vector<double> number_array(std::string_view key) = 0;
  // One of `allowed`; the message lists them.
  virtual std::string choice(std::string_view key, const std::vector<std::string>& allowed) = 0;
  // A file path; a relative one is resolved against the directory of the config that holds it.
  virtual std::filesystem::path path(std::string_view key) = 0;
  // A sub-table, read (and finished) by its own owner.
  virtual std::unique_ptr<TableReader> table(std::string_view key) = 0;

  // Every key of this table that was never read is an error ("unknown key"). Call once the owner
  // has read everything it knows.
  virtual void finish() const = 0;
  // An InputError at `key` (or at this table when the key is absent).
  [[noreturn]] virtual void fail(std::string_view key, const std::string& problem) const = 0;
  // An InputError at the value a dotted path below this table names ("rag.zipf_s"), or at the
  // nearest enclosing table that is present when the value was left to its default.
  [[noreturn]] virtual void fail_at_path(std::string_view dotted_key, const std::string& problem) const = 0;

  // Optional values: the fallback when the key is absent, else as the required reads.
  std::int64_t integer_or(std::string_view key, std::int64_t fallback) { return has(key) ? integer(key) : fallback; }
  double number_or(std::string_view key, double fallback) { return has(key) ? number(key) : fallback; }
  std::string choice_or(std::string_view key, const std::vector<std::string>& allowed, std::string fallback) {
    return has(key) ? choice(key, allowed) : std::move(fallback);
  }
};

}  // namespace moelab
