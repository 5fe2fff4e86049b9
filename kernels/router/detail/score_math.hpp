#pragma once
// Selection-score arithmetic shared by every router variant, host and device.
//
// Why a hand-written exp: top-k indices must match across variants exactly, and a sigmoid
// score's last bit decides near-ties. libm's expf and CUDA's expf differ by an ulp here and
// there, so ranking on them would let a CPU and a GPU pick different experts for the same
// logits. This exp uses only correctly rounded IEEE operations (fmaf, multiply by a power of
// two, add, divide) written so that no compiler may contract them differently, hence gives
// bit-identical results on g++ and nvcc. Accuracy is ~2 ulp, plenty for routing.
#include <cmath>
#include <cstdint>
#if !defined(__CUDA_ARCH__)
#include <bit>
#endif

#if defined(__CUDACC__)
#define MOELAB_HD __host__ __device__ __forceinline__
#else
#define MOELAB_HD inline
#endif

namespace moelab::kernels::router::detail {

MOELAB_HD float exact_mul(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fmul_rn(a, b);  // never fused into an fma
#else
  return a * b;  // ISO C++ mode: g++ does not contract (-ffp-contract=off)
#endif
}

MOELAB_HD float exact_add(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fadd_rn(a, b);
#else
  return a + b;
#endif
}

MOELAB_HD float pow2_float(int n) {  // 2^n for n in [-126, 127]
  const std::uint32_t bits = static_cast<std::uint32_t>(n + 127) << 23;
#if defined(__CUDA_ARCH__)
  return __uint_as_float(bits);
#else
  return std::bit_cast<float>(bits);
#endif
}

// e^x, bit-identical on host and device. Cody-Waite reduction x = n*ln2 + r, |r| <= ln2/2,
// degree-6 Taylor polynomial in Horner form with explicit fmaf.
MOELAB_HD float portable_exp(float x) {
  if (!(x < 88.0f)) return x != x ? x : INFINITY;  // NaN stays NaN
  if (x < -87.0f) return 0.0f;
  const float n = rintf(exact_mul(x, 1.44269502f));
  float r = fmaf(n, -0.693145751953125f, x);  // ln2 split: hi has 12 significant bits
  r = fmaf(n, -1.428606765330187e-06f, r);
  float p = 1.38888889e-3f;
  p = fmaf(p, r, 8.33333333e-3f);
  p = fmaf(p, r, 4.16666667e-2f);
  p = fmaf(p, r, 1.66666667e-1f);
  p = fmaf(p, r, 0.5f);
  p = fmaf(p, r, 1.0f);
  p = fmaf(p, r, 1.0f);
  return exact_mul(p, pow2_float(static_cast<int>(n)));
}

// 1 / (1 + e^-x) with IEEE division (nvcc's default -prec-div=true).
MOELAB_HD float portable_sigmoid(float x) { return 1.0f / exact_add(1.0f, portable_exp(-x)); }

// The one ranking rule: higher score first; equal scores -> lower index first.
MOELAB_HD bool ranks_before(float score_a, int index_a, float score_b, int index_b) {
  return score_a > score_b || (score_a == score_b && index_a < index_b);
}

}  // namespace moelab::kernels::router::detail
