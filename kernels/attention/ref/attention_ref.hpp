#pragma once
// The oracle: plain loops, inputs widened from bf16, fp64 accumulation, two-pass softmax.
// compute_reference() of every attention case calls these; so does the ref.naive variant.
#include <cstdint>

#include "kernels/attention/params.hpp"

namespace moelab::kernels::attention::ref {

// `out` replaces p.out: the oracle keeps fp64 results. `rows` (nullptr = all) marks the output
// rows to compute: tokens for prefill, sequences for decode.
void prefill(const PrefillParams& p, double* out, const std::uint8_t* rows = nullptr);
void paged_decode(const PagedDecodeParams& p, double* out, const std::uint8_t* rows = nullptr);
// Plain attention over the concatenation prefix + suffix (the definition of the op).
void cascade_decode(const CascadeDecodeParams& p, double* out, const std::uint8_t* rows = nullptr);

}  // namespace moelab::kernels::attention::ref
