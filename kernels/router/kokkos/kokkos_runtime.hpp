#pragma once
// What the MoE kokkos variants share: the host execution space and a once-per-process
// Kokkos::initialize (the first prepare() does it; finalize runs at exit).
#include <Kokkos_Core.hpp>

#include <cstdlib>

namespace moelab::kernels::moe_detail {

using HostExec = Kokkos::DefaultHostExecutionSpace;

inline void ensure_kokkos_initialized() {
  if (!Kokkos::is_initialized()) {
    Kokkos::initialize();
    std::atexit([] {
      if (Kokkos::is_initialized()) Kokkos::finalize();
    });
  }
}

}  // namespace moelab::kernels::moe_detail
