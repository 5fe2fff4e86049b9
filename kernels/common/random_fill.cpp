#include "kernels/common/random_fill.hpp"

#include "kernels/common/counter_random.hpp"
#include "kernels/common/parallel_for.hpp"

#include <cmath>
#include <numbers>

namespace moelab::kernels {
namespace {

template <class T>
T nonzero_uniform(Rng& rng, double lo, double hi) {
  T v = static_cast<T>(lo + (hi - lo) * rng.uniform01());
  if (v == T(0)) v = static_cast<T>((lo + hi) / 2 != 0 ? (lo + hi) / 2 : hi / 2);
  return v;
}

// Box-Muller: two uniforms -> two independent standard normals (both kept, unlike Rng::normal(),
// to halve the draws for large tensors). u1 in (0, 1) so log is finite.
template <class Emit>
void normal_pairs(std::size_t n, std::uint64_t seed, Emit emit) {
  Rng rng(seed);
  for (std::size_t i = 0; i < n; i += 2) {
    const double u1 = rng.uniform_open();
    const double u2 = rng.uniform01();
    const double r = std::sqrt(-2.0 * std::log(u1));
    emit(i, r * std::cos(2.0 * std::numbers::pi * u2));
    if (i + 1 < n) emit(i + 1, r * std::sin(2.0 * std::numbers::pi * u2));
  }
}

}  // namespace

void fill_uniform(std::span<float> out, float lo, float hi, std::uint64_t seed) {
  Rng rng(seed);
  for (auto& v : out) v = nonzero_uniform<float>(rng, lo, hi);
}

void fill_uniform(std::span<double> out, double lo, double hi, std::uint64_t seed) {
  Rng rng(seed);
  for (auto& v : out) v = nonzero_uniform<double>(rng, lo, hi);
}

void fill_uniform(std::span<bf16> out, float lo, float hi, std::uint64_t seed) {
  Rng rng(seed);
  const float fallback = round_to_bf16((lo + hi) / 2 != 0 ? (lo + hi) / 2 : hi / 2);
  for (auto& v : out) {
    v = to_bf16(static_cast<float>(lo + (hi - lo) * rng.uniform01()));
    if (to_float(v) == 0.0f) v = to_bf16(fallback);
  }
}

void fill_normal(std::span<float> out, float mean, float stddev, std::uint64_t seed) {
  normal_pairs(out.size(), seed, [&](std::size_t i, double z) {
    float v = static_cast<float>(mean + stddev * z);
    out[i] = v == 0.0f ? stddev / 64 : v;
  });
}

void fill_normal(std::span<bf16> out, float mean, float stddev, std::uint64_t seed) {
  normal_pairs(out.size(), seed, [&](std::size_t i, double z) {
    bf16 v = to_bf16(static_cast<float>(mean + stddev * z));
    out[i] = to_float(v) == 0.0f ? to_bf16(stddev / 64) : v;
  });
}

void fill_counter_bf16(std::span<bf16> out, float lo, float hi, std::uint64_t seed) {
  parallel_for(out.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) out[i] = bf16{counter_bf16(seed, i, lo, hi)};
  });
}

void fill_counter_fp8_e4m3(std::span<std::uint8_t> out, float range, std::uint64_t seed) {
  parallel_for(out.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) out[i] = counter_fp8_e4m3(seed, i, range);
  });
}

void fill_counter_scale(std::span<float> out, float lo, float hi, std::uint64_t seed) {
  parallel_for(out.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) out[i] = counter_scale(seed, i, lo, hi);
  });
}

}  // namespace moelab::kernels
