#pragma once
// Evicting the CPU's last-level cache before a cold sample: write (and read back) a buffer of at
// least twice the LLC, so whatever a kernel's inputs left in cache is gone.
#include <cstddef>
#include <cstdint>

#include "kernels/common/aligned_buffer.hpp"

namespace moelab::kernels {

// The largest data/unified cache level the OS reports (sysconf, then /sys); 32 MiB when unknown.
std::size_t last_level_cache_bytes();

class CpuCacheFlusher {
 public:
  // bytes = 0 -> 2 x last_level_cache_bytes().
  explicit CpuCacheFlusher(std::size_t bytes = 0);
  void flush();
  std::size_t bytes() const { return buffer_.size_bytes(); }

 private:
  AlignedBuffer<std::uint64_t> buffer_;
  std::uint64_t round_ = 0;
};

// One process-wide flusher, allocated on first use (the buffer can be hundreds of MiB).
CpuCacheFlusher& shared_cpu_cache_flusher();

}  // namespace moelab::kernels
