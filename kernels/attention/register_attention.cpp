#include "kernels/common/registry.hpp"

namespace moelab::kernels {

// The attention family: its ops and one line per variant.
void register_attention(Registry& /*r*/) {}

}  // namespace moelab::kernels
