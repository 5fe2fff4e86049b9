#pragma once
// The most memory one moelab process plans to use: half of this machine's physical memory.
// Sizes that cannot be streamed (result rows kept until the file is written, kernel A/B buffers)
// are checked against it before anything is allocated, so a config asking for too much fails at
// once with the key and the amount instead of exhausting the machine.
#include <unistd.h>

#include <string>

#include <fmt/format.h>

namespace moelab {

inline double memory_budget_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_bytes = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_bytes <= 0) return 8.0 * (1ULL << 30);  // unknown: assume a 16 GiB machine
  return 0.5 * static_cast<double>(pages) * static_cast<double>(page_bytes);
}

// "1.5 GiB", "12 TiB": for messages.
inline std::string format_bytes(double bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024 && u < 6) {
    bytes /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} bytes", bytes) : fmt::format("{:.3g} {}", bytes, units[u]);
}

}  // namespace moelab
