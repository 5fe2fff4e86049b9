#pragma once
// The MLA decode oracle: fp64 scores over all qk dims, two-pass softmax, fp64 weighted sum of the
// latent rows. `rows` (batch * heads flags, or nullptr for all) selects the (sequence, head) rows
// to compute; rows run in parallel.
#include <cstdint>

#include "kernels/mla/params.hpp"

namespace moelab::kernels::mla::ref {

void mla_decode(const MlaDecodeParams& p, double* out, const std::uint8_t* rows);

}  // namespace moelab::kernels::mla::ref
