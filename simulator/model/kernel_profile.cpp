#include "simulator/model/kernel_profile.hpp"

#include <cmath>

namespace moelab::sim {
namespace {

double interpolate_log2(const std::vector<double>& x, const std::vector<double>& y, double at) {
  if (x.empty() || x.size() != y.size()) return 0;
  if (at <= x.front()) return y.front();
  if (at >= x.back()) return y.back();
  for (std::size_t i = 1; i < x.size(); ++i) {
    if (at <= x[i]) {
      const double f = (std::log2(at) - std::log2(x[i - 1])) / (std::log2(x[i]) - std::log2(x[i - 1]));
      return y[i - 1] + f * (y[i] - y[i - 1]);
    }
  }
  return y.back();
}

}  // namespace

double KernelProfile::grouped_gemm_efficiency(double tokens_per_expert) const {
  return interpolate_log2(grouped_gemm_tokens_per_expert, grouped_gemm_compute_efficiency, tokens_per_expert);
}

double KernelProfile::low_latency_bytes_per_s(double ep, bool combine) const {
  return interpolate_log2(a2a_low_latency_ep,
                          combine ? a2a_low_latency_combine_bytes_per_s : a2a_low_latency_dispatch_bytes_per_s, ep);
}

}  // namespace moelab::sim
