#include <cmath>

#include "simulator/model/step_cost.hpp"

namespace moelab::sim {

// Each token picks k distinct experts of E; a given expert is missed by one token with probability
// 1 - k/E, and by all T tokens (independent routing) with (1 - k/E)^T.
double expected_distinct_experts(double experts, double k, double tokens) {
  if (experts <= 0 || k <= 0 || tokens <= 0) return 0.0;
  if (k >= experts) return experts;
  return experts * (1.0 - std::pow(1.0 - k / experts, tokens));
}

}  // namespace moelab::sim
