#pragma once
// Opening libmoelab_kernels_cuda.so (the cuda variants, the CUDA runtime, cuBLAS) on first use.
// Linking them into moelab made every command, `moelab --version` included, map cuBLAS at
// start-up (0.2 s, 228 MB); now only a lookup that needs a cuda variant or the device opens it.
// Why a dlopen'ed library and not a second executable: kernels/common/README.md.
//
// Where the library is looked for, first match wins:
//   1. $MOELAB_CUDA_BACKEND, when set and not empty: that path only (an explicit choice that
//      fails is reported, not silently replaced);
//   2. <directory of the running executable>/../lib/moelab/libmoelab_kernels_cuda.so: the build
//      tree (build/<preset>/lab/moelab -> build/<preset>/lib/moelab/) and an install
//      (<prefix>/bin/moelab -> <prefix>/lib/moelab/) have this layout;
//   3. the build tree's own path (build_info::cuda_backend_build_path), for test executables.
// Only in builds with CUDA (MOELAB_HAVE_CUDA); without it there is nothing to load.
#include <string>
#include <vector>

#include "kernels/common/cuda_backend_api.hpp"

namespace moelab::kernels {

inline constexpr const char* kCudaBackendFileName = "libmoelab_kernels_cuda.so";
inline constexpr const char* kCudaBackendEnv = "MOELAB_CUDA_BACKEND";

struct CudaBackend {
  const CudaBackendApi* api = nullptr;  // null when the library did not load
  std::string path;                     // the library that loaded
  std::string error;                    // why none loaded: every path tried with dlerror()'s words
};

// The paths tried, in order (see above).
std::vector<std::string> cuda_backend_candidates();

// Opens the library on the first call (thread-safe), then returns the same answer.
const CudaBackend& cuda_backend();

// Whether some earlier call opened it; never opens it.
bool cuda_backend_opened();

// The registry's loader for Backend::cuda (Registry::defer_backend): the library's variants, or
// BackendLoadError with cuda_backend().error.
std::vector<std::unique_ptr<Variant>> load_cuda_variants();

}  // namespace moelab::kernels
