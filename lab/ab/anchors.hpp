#pragma once
// Public reference points for A/B rows: an experiment case may name an entry of
// data/validation/kernels.toml (`anchor = "<id>"`, e.g. FlashAttention-3's TFLOP/s at the same
// shape, FlashMLA's decode bandwidth, DeepGEMM's FP8 grouped GEMM, a cuBLAS dense GEMM), and each
// timed row of that case then reports its ratio to it:
//   ratio_to_anchor              this row's metric / the anchor's value (same metric: TFLOP/s or
//                                GB/s; for a "fraction_of_peak" anchor, this row's fraction)
//   ratio_to_anchor_peak_scaled  (this row / this GPU's peak) / (anchor / the anchor GPU's peak):
//                                the comparison when the anchor ran on other hardware (an H800's
//                                3.35 TB/s against an H200's 4.8 TB/s); peaks from data/hardware.
// The anchor entry's source and date travel into the file with it.
#include <optional>
#include <string>

#include "base/input_error.hpp"

namespace moelab::ab {

struct Anchor {
  std::string id;
  std::string metric;  // "tflops" | "memory_gb_per_s" | "fraction_of_peak"
  double value = 0;    // in the entry's unit (1e12 FLOP/s, 1e9 B/s, or a fraction)
  std::string unit;
  std::string library;
  std::string hardware;      // data/hardware id of the GPU it was measured on
  bool fp8 = false;          // the entry's dtype is FP8 (its FLOP peak is the FP8 one)
  double hardware_peak = 0;  // that GPU's peak for the metric (FLOP/s or B/s); 0 = unknown
  std::string source;
  std::string date;
};

// The entry `id` of data/validation/kernels.toml. Unknown id, or a metric other than the three
// above, is an InputError at `where` (key "anchor").
Anchor load_anchor(const std::string& id, const SourceLocation& where);

}  // namespace moelab::ab
