#pragma once
// The simulator's TableReader (base/table_reader.hpp) over a StrictTable: what lets a workload
// kind, a length distribution or an arrival process read its own keys from an experiment's TOML
// with the same strictness and file:line:col messages as the rest of the config.
#include <filesystem>
#include <memory>
#include <optional>

#include "base/table_reader.hpp"
#include "lab/config/strict_toml.hpp"

namespace moelab::config {

class StrictTableReader final : public TableReader {
 public:
  // Reads `table`, which must outlive the reader; relative paths resolve against `config_dir`
  // (the directory of the experiment file).
  StrictTableReader(StrictTable& table, std::filesystem::path config_dir);
  StrictTableReader(const StrictTableReader&) = delete;
  StrictTableReader& operator=(const StrictTableReader&) = delete;

  bool has(std::string_view key) const override;
  bool holds_number(std::string_view key) const override;
  bool holds_table(std::string_view key) const override;
  std::string string(std::string_view key) override;
  std::int64_t integer(std::string_view key) override;
  double number(std::string_view key) override;
  std::vector<double> number_array(std::string_view key) override;
  std::string choice(std::string_view key, const std::vector<std::string>& allowed) override;
  std::filesystem::path path(std::string_view key) override;
  std::unique_ptr<TableReader> table(std::string_view key) override;
  void finish() const override;
  [[noreturn]] void fail(std::string_view key, const std::string& problem) const override;
  [[noreturn]] void fail_at_path(std::string_view dotted_key, const std::string& problem) const override;

 private:
  struct SubTable {};
  StrictTableReader(SubTable, StrictTable owned, std::filesystem::path config_dir);

  std::optional<StrictTable> owned_;
  StrictTable* table_;
  std::filesystem::path config_dir_;
};

}  // namespace moelab::config
