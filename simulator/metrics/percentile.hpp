#pragma once
#include <vector>

namespace moelab::sim {

// Percentile q in [0, 1] of `sorted` (ascending) by linear interpolation between closest ranks:
// position q * (n - 1), as numpy's default ("linear"), so analysis scripts agree. NaN when empty.
double percentile_linear(const std::vector<double>& sorted, double q);

// The same value without sorting: partially orders `values` in place (nth_element, O(n)).
// Bit-identical to percentile_linear on the sorted vector.
double percentile_linear_select(std::vector<double>& values, double q);

}  // namespace moelab::sim
