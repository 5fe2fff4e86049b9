#pragma once
// Named shapes from real models and the ShapeArgs -> case translation for the three ops.
// Dims (--dim key=value) override the preset; with no preset the base is the first preset
// (llama-3.1-8b). `vary=1` turns equal lengths into a deterministic spread L, ..., 1
// (linear in the sequence index), which exercises variable lengths and length-1 sequences.
#include <memory>
#include <string>
#include <vector>

#include "kernels/attention/cases.hpp"

namespace moelab::kernels::attention {

std::vector<std::string> prefill_preset_names();
std::vector<std::string> paged_decode_preset_names();
std::vector<std::string> cascade_decode_preset_names();

std::unique_ptr<OpCase> make_prefill_case_from_args(const ShapeArgs& args);
std::unique_ptr<OpCase> make_paged_decode_case_from_args(const ShapeArgs& args);
std::unique_ptr<OpCase> make_cascade_decode_case_from_args(const ShapeArgs& args);

// The deterministic length spread used by vary=1 (exposed for tests).
std::vector<int> spread_lengths(int batch, int max_len, int min_len);

}  // namespace moelab::kernels::attention
