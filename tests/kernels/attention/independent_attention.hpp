#pragma once
// A second, deliberately different implementation for the tests: K/V gathered into explicit
// per-query key lists, softmax with a scalar running sum in long double, no shared code with
// kernels/attention/ref.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace moelab::test::attention {

inline long double widen_bf16(std::uint16_t b) {
  std::uint32_t u = std::uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// keys/values: n rows of d bf16 values each (already gathered for this query and head).
inline std::vector<double> attend_gathered(const std::uint16_t* q, const std::vector<const std::uint16_t*>& keys,
                                           const std::vector<const std::uint16_t*>& values, int d) {
  const long double scale = 1.0L / std::sqrt((long double)d);
  std::vector<long double> logits;
  for (const auto* k : keys) {
    long double s = 0;
    for (int c = 0; c < d; ++c) s += widen_bf16(q[c]) * widen_bf16(k[c]);
    logits.push_back(s * scale);
  }
  long double hi = logits.empty() ? 0 : logits[0];
  for (auto s : logits) hi = s > hi ? s : hi;
  std::vector<double> out(d, 0.0);
  long double total = 0;
  std::vector<long double> acc(d, 0.0L);
  for (std::size_t j = 0; j < keys.size(); ++j) {
    const long double w = std::exp(logits[j] - hi);
    total += w;
    for (int c = 0; c < d; ++c) acc[c] += w * widen_bf16(values[j][c]);
  }
  for (int c = 0; c < d; ++c) out[c] = double(acc[c] / total);
  return out;
}

}  // namespace moelab::test::attention
