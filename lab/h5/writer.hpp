#pragma once
// The one HDF5 writer for every moelab result file (simulations and kernel A/B runs).
// Written to "<final>.tmp-<pid>" in the same directory and renamed on commit(): an interrupted
// or failed run leaves no half-written file. Layout: lab/h5/SCHEMA.md.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lab/h5/table.hpp"

namespace moelab::h5 {

using AttrValue = std::variant<std::string, double, std::int64_t, std::vector<double>, std::vector<std::string>>;

// Root attributes every file carries.
struct Provenance {
  std::string kind;          // "simulation" | "kernel-ab"
  std::string config_toml;   // the effective config, overrides applied
  std::string config_path;
  std::string command_line;
};

class Writer {
 public:
  explicit Writer(std::filesystem::path final_path);
  ~Writer();  // without commit(): the temporary file is removed
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Root attributes: schema, schema_version, moelab_version, git_commit, created_utc, host + these.
  void write_provenance(const Provenance& p);
  // Groups along `object_path` are created as needed ("/" is the root).
  void set_attr(std::string_view object_path, std::string_view name, const AttrValue& value);
  // One compound dataset, fields in column order; attribute "units" holds the units in that order,
  // and "descriptions" the columns' descriptions when any column has one.
  void write_table(std::string_view dataset_path, const Table& table);
  void write_array(std::string_view dataset_path, const std::vector<double>& values, std::string_view unit);

  // Flush, close and atomically rename onto the final path.
  void commit();
  const std::filesystem::path& final_path() const { return final_path_; }

 private:
  std::int64_t ensure_group(std::string_view path);
  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  std::int64_t file_ = -1;  // hid_t
  bool committed_ = false;
  int interrupt_slot_ = -1;  // lab/h5/interrupt_cleanup.hpp: the temporary is removed on SIGINT/SIGTERM
};

inline constexpr std::int64_t kSchemaVersion = 1;

}  // namespace moelab::h5
