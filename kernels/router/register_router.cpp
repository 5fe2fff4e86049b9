#include "kernels/common/registry.hpp"

namespace moelab::kernels {

// The router family: its ops and one line per variant.
void register_router(Registry& /*r*/) {}

}  // namespace moelab::kernels
