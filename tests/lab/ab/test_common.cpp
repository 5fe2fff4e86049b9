#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "kernels/common/bf16.hpp"
#include "kernels/common/cpu_cache.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/error_metrics.hpp"
#include "kernels/common/host_tensor.hpp"
#include "kernels/common/random_fill.hpp"

using namespace moelab::kernels;

BOOST_AUTO_TEST_SUITE(kernel_common)

BOOST_AUTO_TEST_CASE(bf16_rounds_to_nearest_even) {
  BOOST_TEST(to_float(to_bf16(1.0f)) == 1.0f);
  BOOST_TEST(to_float(to_bf16(-2.5f)) == -2.5f);
  // The ulp of bf16 at 1 is 2^-7. A tie at 1 + 2^-8 goes to the even neighbour 1.0; a tie at
  // 1 + 3 * 2^-8 goes to 1 + 2^-6 (even mantissa), not 1 + 2^-7.
  BOOST_TEST(round_to_bf16(1.0f + std::ldexp(1.0f, -8)) == 1.0f);
  BOOST_TEST(round_to_bf16(1.0f + 3 * std::ldexp(1.0f, -8)) == 1.0f + std::ldexp(1.0f, -6));
  BOOST_TEST(round_to_bf16(1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -12)) == 1.0f + std::ldexp(1.0f, -7));
  BOOST_TEST(to_bf16(1.0f).bits == 0x3f80);
  BOOST_TEST(std::isnan(to_float(to_bf16(std::nanf("")))));
  BOOST_TEST(std::isnan(to_float(bf16_quiet_nan)));
  BOOST_TEST(!is_finite(bf16_quiet_nan));
  BOOST_TEST(std::isinf(to_float(to_bf16(std::numeric_limits<float>::max()))));
  BOOST_TEST(std::isinf(to_float(to_bf16(-std::numeric_limits<float>::infinity()))));
}

BOOST_AUTO_TEST_CASE(fills_are_seeded_nonzero_and_in_range) {
  std::vector<float> a(10000), b(10000), c(10000);
  fill_uniform(std::span<float>(a), -1.0f, 1.0f, 7);
  fill_uniform(std::span<float>(b), -1.0f, 1.0f, 7);
  fill_uniform(std::span<float>(c), -1.0f, 1.0f, 8);
  BOOST_TEST(a == b);
  BOOST_TEST(a != c);
  for (float v : a) {
    BOOST_TEST_REQUIRE(v != 0.0f);
    BOOST_TEST_REQUIRE((v >= -1.0f && v < 1.0f));
  }
  std::vector<bf16> h(5000);
  fill_normal(std::span<bf16>(h), 0.0f, 1.0f, 3);
  double sum = 0, sum_sq = 0;
  for (auto v : h) {
    const double x = to_float(v);
    BOOST_TEST_REQUIRE(x != 0.0);
    sum += x;
    sum_sq += x * x;
  }
  BOOST_TEST(std::fabs(sum / 5000) < 0.05);
  BOOST_TEST(std::fabs(std::sqrt(sum_sq / 5000) - 1.0) < 0.05);
}

BOOST_AUTO_TEST_CASE(check_passes_close_output_and_fails_nan_or_far) {
  const std::vector<double> ref{1.0, -2.0, 0.5, 1e-9};
  std::vector<float> out{1.0f, -2.0f, 0.5f, 0.0f};
  auto r = compare_to_reference(std::span<const float>(out), ref, 1e-4);
  BOOST_TEST(r.passed);  // the tiny element is judged on the rms scale
  out[1] = -2.1f;
  r = compare_to_reference(std::span<const float>(out), ref, 1e-4);
  BOOST_TEST(!r.passed);
  BOOST_TEST(r.max_rel_error == 0.05, boost::test_tools::tolerance(1e-5));
  BOOST_TEST(r.detail.find("[1]") != std::string::npos);
  out[1] = std::nanf("");
  r = compare_to_reference(std::span<const float>(out), ref, 1.0);
  BOOST_TEST(!r.passed);
  BOOST_TEST(count_non_finite(std::span<const float>(out)) == 1u);
  std::vector<bf16> bout{to_bf16(1.0f), to_bf16(-2.0f), to_bf16(0.5f), to_bf16(0.0f)};
  BOOST_TEST(compare_to_reference(std::span<const bf16>(bout), ref, default_tolerance(DType::bf16)).passed);
  bout[0] = bf16_quiet_nan;
  BOOST_TEST(!compare_to_reference(std::span<const bf16>(bout), ref, default_tolerance(DType::bf16)).passed);
  const std::vector<std::int32_t> idx{3, 1, 2};
  BOOST_TEST(compare_exact(idx, idx).passed);
  BOOST_TEST(!compare_exact(idx, std::vector<std::int32_t>{3, 2, 1}).passed);
  BOOST_TEST(!compare_to_reference(std::span<const float>(out.data(), 2), ref, 1.0).passed);  // size mismatch
}

BOOST_AUTO_TEST_CASE(tolerances_are_ordered_by_precision) {
  BOOST_TEST(default_tolerance(DType::f32) < default_tolerance(DType::f16));
  BOOST_TEST(default_tolerance(DType::f16) < default_tolerance(DType::bf16));
  BOOST_TEST(default_tolerance(DType::bf16) < default_tolerance(DType::fp8_e4m3));
  // A bf16-rounded output of an exact result stays within the bf16 tolerance.
  std::vector<double> ref(1000);
  fill_uniform(std::span<double>(ref), -3.0, 3.0, 11);
  std::vector<bf16> out(ref.size());
  for (std::size_t i = 0; i < ref.size(); ++i) out[i] = to_bf16(static_cast<float>(ref[i]));
  const auto r = compare_to_reference(std::span<const bf16>(out), ref, default_tolerance(DType::bf16));
  BOOST_TEST(r.passed);
  BOOST_TEST(r.max_rel_error <= std::ldexp(1.0, -8) + 1e-12);
}

BOOST_AUTO_TEST_CASE(host_tensor_and_buffers) {
  HostTensor<float> t{2, 3, 4};
  BOOST_TEST(t.size() == 24u);
  BOOST_TEST(t.dim(2) == 4);
  BOOST_TEST(reinterpret_cast<std::uintptr_t>(t.data()) % kHostAlignment == 0u);
  BOOST_TEST(t[23] == 0.0f);
  AlignedBuffer<double> b(3);
  b.fill(2.0);
  BOOST_TEST(b[2] == 2.0);
  AlignedBuffer<double> moved = std::move(b);
  BOOST_TEST(moved.size() == 3u);
  BOOST_CHECK_THROW((HostTensor<float>{2, -1}), std::logic_error);
}

BOOST_AUTO_TEST_CASE(cpu_cache_flush_covers_twice_the_llc) {
  BOOST_TEST(last_level_cache_bytes() > 0u);
  CpuCacheFlusher small(1 << 20);
  BOOST_TEST(small.bytes() >= (1u << 20));
  small.flush();
  CpuCacheFlusher full;
  BOOST_TEST(full.bytes() >= 2 * last_level_cache_bytes());
}

BOOST_AUTO_TEST_CASE(cuda_query_answers_without_aborting) {
  // On machines without a GPU (or without CUDA built) this must be a clean "no".
  const bool available = cuda_device_available();
  BOOST_TEST(available == (cuda_device_count() > 0));
  BOOST_TEST(cuda_device_info(0).has_value() == available);
  BOOST_TEST(!cuda_device_info(-1).has_value());
  BOOST_TEST(cuda_version_text(13020) == "13.2");
}

BOOST_AUTO_TEST_SUITE_END()
