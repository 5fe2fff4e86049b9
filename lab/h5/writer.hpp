#pragma once
// The one HDF5 writer for every moelab result file (simulations and kernel A/B runs).
// Written to "<final>.tmp-<host>-<pid>" in the same directory and renamed on commit(): an
// interrupted or failed run leaves no half-written file, and the file at the final path (if any)
// stays as it was until the new one is complete. Layout: lab/h5/SCHEMA.md.
//
// The final path is checked when the writer is made, before any work: it must not be a directory,
// a symbolic link, a FIFO, a device or a socket, nor any file this process read as an input
// (base/input_files.hpp); these are InputErrors. Temporaries that an earlier moelab on this host
// left behind when it was killed (SIGKILL, power loss) are removed then: only files named
// "<final>.tmp-<this host>-<pid>" whose process no longer exists and that belong to this user.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lab/h5/table.hpp"

namespace moelab::h5 {

// Writing failed for a reason of the system, not of the input: disk full, quota, I/O error.
// The temporary is removed and the final path left untouched. `moelab` exits with status 3.
class WriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using AttrValue = std::variant<std::string, double, std::int64_t, std::vector<double>, std::vector<std::string>>;

// Root attributes every file carries.
struct Provenance {
  std::string kind;         // "simulation" | "kernel-ab"
  std::string config_toml;  // the effective config, overrides applied
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

  // Flush, close and atomically rename onto the final path. On failure (WriteError) the file is
  // closed, the temporary removed and the final path left as it was.
  void commit();
  const std::filesystem::path& final_path() const { return final_path_; }
  const std::filesystem::path& temp_path() const { return temp_path_; }

 private:
  std::int64_t ensure_group(std::string_view path);
  // "; <final> is unchanged" or "; nothing was written": what a failed write leaves.
  std::string outcome() const;
  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  std::int64_t file_ = -1;  // hid_t
  bool committed_ = false;
  int interrupt_slot_ = -1;  // lab/h5/interrupt_cleanup.hpp: the temporary is removed on SIGINT/SIGTERM
};

inline constexpr std::int64_t kSchemaVersion = 1;

// The checks the constructor makes on a final path, alone (InputError): callers that learn the
// output path long before they write can fail early with the same message.
void check_output_path(const std::filesystem::path& final_path);

}  // namespace moelab::h5
