#pragma once
#include <filesystem>

namespace moelab::test {
inline std::filesystem::path source_dir() { return MOELAB_SOURCE_DIR; }
inline std::filesystem::path binary_dir() { return MOELAB_BINARY_DIR; }
inline std::filesystem::path data_dir() { return source_dir() / "data"; }
inline std::filesystem::path shared_dir() { return source_dir().parent_path() / "shared"; }
}  // namespace moelab::test
