#pragma once
// Shared by the fuzz targets: a scratch directory per process, input bytes written to a file in
// it, and the rule every target enforces: bad input may only ever be an InputError (what
// `moelab` reports with exit 2). Any other exception escapes LLVMFuzzerTestOneInput, which
// libFuzzer reports as a crash; sanitizer reports and hangs (-timeout) are failures too.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace moelab::fuzz {

// A fresh directory under TMPDIR for this process, removed at exit.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("moelab_fuzz_" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(
          std::filesystem::temp_directory_path() / ("moelab_fuzz_" + std::to_string(::getpid())), ec);
    });
    return d;
  }();
  return dir;
}

inline std::filesystem::path write_input(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The repository (for experiments/quickstart.toml and the small trace copies).
inline std::filesystem::path source_dir() { return MOELAB_SOURCE_DIR; }

}  // namespace moelab::fuzz
