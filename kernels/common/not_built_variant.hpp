#pragma once
// Variants of a backend this build left out (cuda without nvcc or with MOELAB_ENABLE_CUDA=OFF,
// kokkos without Kokkos) are not registered, yet experiment files name them. Such a name resolves
// to a placeholder that is never available, so a run reports it "skipped" ("not built: ...")
// instead of rejecting the file; names of a backend that is built must match a real variant.
// The same placeholder stands for names of a built backend whose library did not load
// (Registry::load_error), with the loader's message as the reason.
#include <string>
#include <string_view>

#include "kernels/common/variant.hpp"

namespace moelab::kernels {

// Whether this build compiled the backend's variants (ref: always).
bool backend_built(Backend b);

// The placeholder for `backend.name` of `op`, interned: the same (op, backend, name) always gives
// the same object, which lives until exit. Requires !backend_built(backend).
const Variant& not_built_variant(std::string_view op, Backend backend, std::string_view name);

// A placeholder whose unavailable_reason() is `reason`; interned on (op, backend, name, reason).
const Variant& unavailable_variant(std::string_view op, Backend backend, std::string_view name,
                                   std::string_view reason);

}  // namespace moelab::kernels
