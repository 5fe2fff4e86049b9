#pragma once
// Which output rows of a grouped GEMM the fp64 oracle computes (both grouped_gemm ops): all of
// them up to kFullCheckMaxMacs multiply-adds, else a sample (cases.hpp: kSampledCheck*).
#include <cstdint>
#include <vector>

namespace moelab::kernels::grouped_gemm {

// `m`: rows per group; `offsets`: their exclusive prefix sum (groups + 1 entries);
// `macs_per_row`: N * K. Ascending, no duplicates; depends on the shape only, not on any seed.
std::vector<std::int64_t> choose_check_rows(const std::vector<std::int64_t>& m, const std::int32_t* offsets,
                                            double macs_per_row);

}  // namespace moelab::kernels::grouped_gemm
