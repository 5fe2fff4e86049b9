#pragma once
#include <vector>

namespace moelab::sim {

// Percentile q in [0, 1] of `sorted` (ascending) by linear interpolation between closest ranks:
// position q * (n - 1), as numpy's default ("linear"), so analysis scripts agree. NaN when empty.
double percentile_linear(const std::vector<double>& sorted, double q);

}  // namespace moelab::sim
