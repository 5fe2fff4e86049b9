#include "kernels/common/cpu_cache.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace moelab::kernels {
namespace {

std::size_t parse_size(const std::string& text) {  // "32768K", "4M", "1024"
  if (text.empty()) return 0;
  std::size_t pos = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(text, &pos);
  } catch (...) {
    return 0;
  }
  const char unit = pos < text.size() ? text[pos] : ' ';
  if (unit == 'K') v <<= 10;
  if (unit == 'M') v <<= 20;
  if (unit == 'G') v <<= 30;
  return static_cast<std::size_t>(v);
}

std::size_t sysfs_llc_bytes() {
  std::size_t best = 0;
  for (int index = 0; index < 8; ++index) {
    std::ifstream f("/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/size");
    if (!f) break;
    std::string s;
    f >> s;
    best = std::max(best, parse_size(s));
  }
  return best;
}

}  // namespace

std::size_t last_level_cache_bytes() {
  std::size_t best = 0;
#ifdef _SC_LEVEL3_CACHE_SIZE
  for (int name : {_SC_LEVEL2_CACHE_SIZE, _SC_LEVEL3_CACHE_SIZE, _SC_LEVEL4_CACHE_SIZE}) {
    const long v = sysconf(name);
    if (v > 0) best = std::max(best, static_cast<std::size_t>(v));
  }
#endif
  if (best == 0) best = sysfs_llc_bytes();
  return best > 0 ? best : std::size_t{32} << 20;
}

CpuCacheFlusher::CpuCacheFlusher(std::size_t bytes)
    : buffer_(((bytes > 0 ? bytes : 2 * last_level_cache_bytes()) + sizeof(std::uint64_t) - 1) /
              sizeof(std::uint64_t)) {}

void CpuCacheFlusher::flush() {
  // Writing a value that changes every round keeps the stores from being elided; the volatile
  // read-back keeps the loop from being dropped as dead.
  ++round_;
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < buffer_.size(); i += 8) {  // one store per 64-byte line suffices
    buffer_[i] = round_ + i;
    sum += buffer_[i];
  }
  volatile std::uint64_t sink = sum;
  (void)sink;
}

CpuCacheFlusher& shared_cpu_cache_flusher() {
  static CpuCacheFlusher flusher;
  return flusher;
}

}  // namespace moelab::kernels
