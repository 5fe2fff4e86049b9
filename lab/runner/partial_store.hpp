#pragma once
// Finished sweep points, kept beside the result file until it is complete: `<output>.partial/`.
// Each point is one file, written to a temporary and renamed, named by its index and its key (a
// hash of the point's effective config, seed and the moelab build), so a run that is killed
// (SIGKILL, node loss, full disk) loses only the points in progress, and `--resume` reuses the
// rest. A manifest holds every point's key and the sweep's config: resuming a changed sweep is
// refused. A lock (flock) keeps two processes from writing the same results.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lab/experiment/simulation_plan.hpp"

namespace moelab::lab {

// Identifies a point's results: FNV-1a 64 of the moelab version and commit, the point's seed and
// its effective config (sweep values and overrides applied), as 16 hex digits.
std::string point_key(const PlannedRun& run);

class PartialStore {
 public:
  // Opens the store at `dir`. A missing store is created when the first point is saved (a run
  // stopped before that leaves nothing). An existing one is reused with
  // `resume` when it belongs to this same sweep (same keys), and refused otherwise; without
  // `resume` it is refused when it holds finished points (they would be lost) and cleared when
  // it holds none. `config_file` names the experiment in messages. Throws InputError.
  PartialStore(std::filesystem::path dir, std::vector<std::string> point_keys, std::string config_toml, bool resume,
               const std::string& config_file);
  ~PartialStore();
  PartialStore(const PartialStore&) = delete;
  PartialStore& operator=(const PartialStore&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  bool finished(std::size_t index) const { return finished_.at(index); }
  std::size_t finished_count() const;

  // Persists point `index` atomically (temporary + rename). Throws std::runtime_error on I/O
  // failure (a full disk): the points saved before stay usable.
  void save(std::size_t index, std::string_view bytes);
  // The bytes saved for `index`; throws std::runtime_error when the file is missing or corrupt.
  std::string load(std::size_t index) const;
  // Deletes the store (after the result file is committed).
  void remove();

 private:
  std::filesystem::path point_path(std::size_t index) const;
  void lock();
  void create_fresh();
  void adopt_existing(bool resume, const std::string& config_file);
  void check_same_sweep(const std::string& manifest_text, const std::string& config_file) const;
  std::string manifest_text() const;

  std::filesystem::path dir_;
  std::vector<std::string> keys_;
  std::string config_toml_;
  std::vector<bool> finished_;
  int lock_fd_ = -1;
};

}  // namespace moelab::lab
