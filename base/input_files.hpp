#pragma once
// Every file this process read as an input (experiment configs, data files, traces). The HDF5
// writer refuses an output path that names one of them, so `-o` can never overwrite what the run
// was made from. Readers note a file when they open it; nothing else needs to pass lists around.
#include <filesystem>
#include <mutex>
#include <system_error>
#include <vector>

namespace moelab {

namespace detail {
struct InputFileList {
  std::mutex mutex;
  std::vector<std::filesystem::path> paths;
};
inline InputFileList& input_file_list() {
  static InputFileList list;
  return list;
}
}  // namespace detail

// Records `path` (as opened; compared by file identity, so any spelling of it matches later).
inline void note_input_file(const std::filesystem::path& path) {
  auto& list = detail::input_file_list();
  std::lock_guard lock(list.mutex);
  for (const auto& p : list.paths) {
    if (p == path) return;
  }
  list.paths.push_back(path);
}

// The noted input that is the same file as `path` (same device and inode), or an empty path.
inline std::filesystem::path input_file_same_as(const std::filesystem::path& path) {
  auto& list = detail::input_file_list();
  std::lock_guard lock(list.mutex);
  for (const auto& p : list.paths) {
    std::error_code ec;
    if (std::filesystem::equivalent(p, path, ec) && !ec) return p;
  }
  return {};
}

}  // namespace moelab
