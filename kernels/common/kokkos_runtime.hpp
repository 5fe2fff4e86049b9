#pragma once
// What every kokkos variant shares: the host execution space and a once-per-process
// Kokkos::initialize (the first prepare() does it; finalize runs at exit). Only for sources
// under */kokkos/, which are compiled only when Kokkos is found (MOELAB_HAVE_KOKKOS).
#if !MOELAB_HAVE_KOKKOS
#error "kernels/common/kokkos_runtime.hpp needs Kokkos (include it only from */kokkos/ sources)"
#endif
#include <Kokkos_Core.hpp>

#include <cstdlib>

namespace moelab::kernels {

using HostExec = Kokkos::DefaultHostExecutionSpace;

inline void ensure_kokkos_initialized() {
  if (!Kokkos::is_initialized()) {
    Kokkos::initialize();
    std::atexit([] {
      if (Kokkos::is_initialized()) Kokkos::finalize();
    });
  }
}

}  // namespace moelab::kernels
