#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "base/input_error.hpp"
#include "kernels/common/counter_random.hpp"
#include "kernels/common/fp8_e4m3.hpp"
#include "kernels/common/random_fill.hpp"
#include "kernels/grouped_gemm/fp8_cases.hpp"
#include "tests/kernels/moe_test_support.hpp"

using namespace moelab;
using namespace moelab::kernels;
using namespace moelab::kernels::grouped_gemm;

namespace {

// The e4m3 value of a code from its definition (sign, 4-bit exponent with bias 7, 3-bit mantissa,
// subnormals at exponent 0), written independently of fp8_e4m3.hpp.
double e4m3_by_definition(int code) {
  const int sign = code >> 7, e = (code >> 3) & 15, m = code & 7;
  const double mag = e == 0 ? std::ldexp(m / 8.0, -6) : std::ldexp(1.0 + m / 8.0, e - 7);
  return sign ? -mag : mag;
}

GroupedGemmFp8Shape fshape(std::vector<std::int64_t> m, int n, int k) { return {std::move(m), n, k, "explicit"}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(fp8_e4m3)

BOOST_AUTO_TEST_CASE(decode_matches_the_definition_for_every_code) {
  for (int code = 0; code < 256; ++code) {
    const float v = fp8_e4m3_to_float(static_cast<std::uint8_t>(code));
    if ((code & 0x7f) == 0x7f) {
      BOOST_TEST(std::isnan(v), "code " << code);
      continue;
    }
    BOOST_TEST(static_cast<double>(v) == e4m3_by_definition(code), "code " << code);
  }
  BOOST_TEST(fp8_e4m3_to_float(0x7e) == 448.0f);
  BOOST_TEST(fp8_e4m3_to_float(0x01) == std::ldexp(1.0f, -9));
}

BOOST_AUTO_TEST_CASE(encode_round_trips_and_rounds_to_nearest_even) {
  for (int code = 0; code < 256; ++code) {
    if ((code & 0x7f) == 0x7f) continue;
    BOOST_TEST(fp8_e4m3_from_float(fp8_e4m3_to_float(static_cast<std::uint8_t>(code))) == code, "code " << code);
  }
  // Between every pair of adjacent positive values: below / above the midpoint go to the nearer
  // one, the midpoint itself to the even code.
  for (int code = 0; code < 0x7e; ++code) {
    const double lo = e4m3_by_definition(code), hi = e4m3_by_definition(code + 1), mid = 0.5 * (lo + hi);
    BOOST_TEST(fp8_e4m3_from_float(static_cast<float>(mid - (hi - lo) / 8)) == code);
    BOOST_TEST(fp8_e4m3_from_float(static_cast<float>(mid + (hi - lo) / 8)) == code + 1);
    BOOST_TEST(fp8_e4m3_from_float(static_cast<float>(mid)) == ((code % 2 == 0) ? code : code + 1),
               "midpoint after " << code);
    BOOST_TEST(fp8_e4m3_from_float(static_cast<float>(-mid)) == (0x80 | ((code % 2 == 0) ? code : code + 1)));
  }
  // Saturation to +-448 (satfinite) and NaN.
  BOOST_TEST(fp8_e4m3_from_float(1e6f) == 0x7e);
  BOOST_TEST(fp8_e4m3_from_float(-500.0f) == 0xfe);
  BOOST_TEST(fp8_e4m3_from_float(std::numeric_limits<float>::infinity()) == 0x7e);
  BOOST_TEST((fp8_e4m3_from_float(std::nanf("")) & 0x7f) == 0x7f);
  BOOST_TEST(fp8_e4m3_from_float(1e-30f) == 0x00);
}

BOOST_AUTO_TEST_CASE(counter_fills_depend_on_seed_and_index_only) {
  std::vector<bf16> a(100000), b(100000);
  fill_counter_bf16(a, -1.0f, 1.0f, 42);
  fill_counter_bf16(b, -1.0f, 1.0f, 42);
  BOOST_TEST(std::memcmp(a.data(), b.data(), a.size() * sizeof(bf16)) == 0);
  for (std::size_t i : {std::size_t{0}, std::size_t{12345}, a.size() - 1}) {
    BOOST_TEST(a[i].bits == counter_bf16(42, i, -1.0f, 1.0f));  // the element, not its neighbours, decides
    BOOST_TEST(to_float(a[i]) != 0.0f);
    BOOST_TEST(std::fabs(to_float(a[i])) <= 1.0f);
  }
  fill_counter_bf16(b, -1.0f, 1.0f, 43);
  BOOST_TEST(std::memcmp(a.data(), b.data(), a.size() * sizeof(bf16)) != 0);
  std::vector<std::uint8_t> q(4096);
  fill_counter_fp8_e4m3(q, 448.0f, 9);
  int distinct = 0, negative = 0;
  double sum = 0, sum_abs = 0;
  std::vector<bool> seen(256, false);
  for (auto c : q) {
    BOOST_TEST((c & 0x7f) != 0x7f);  // never NaN
    if (!seen[c]) ++distinct, seen[c] = true;
    const double x = fp8_e4m3_to_float(c);
    sum += x, sum_abs += std::fabs(x);
    negative += x < 0;
  }
  // Uniform in [-448, 448): mean ~0, mean magnitude ~224, half negative. Codes of magnitude >= 1
  // (~140 of them) are nearly all hit; smaller ones hold 1/448 of the mass and are rare.
  BOOST_TEST(std::fabs(sum / q.size()) < 15.0);
  BOOST_TEST(std::fabs(sum_abs / q.size() - 224.0) < 10.0);
  BOOST_TEST(std::abs(negative - 2048) < 150);
  BOOST_TEST(distinct > 110);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(grouped_gemm_fp8_op)

BOOST_AUTO_TEST_CASE(ref_dequantises_exactly) {
  // One group, one row, N = 1, K = 256 (two scale blocks): the value is sum over blocks of
  // sa * sb * sum(a * b), checked against a hand-made case with exact fp8 values.
  GroupedGemmFp8Case c(fshape({1}, 1, 256));
  c.allocate();
  for (int k = 0; k < 256; ++k) {
    c.a[k] = fp8_e4m3_from_float(k < 128 ? 2.0f : -0.5f);
    c.b[k] = fp8_e4m3_from_float(k % 2 == 0 ? 3.0f : 1.0f);
  }
  c.a_scale[0] = 0.25f, c.a_scale[1] = 8.0f;
  c.b_scale[0] = 0.5f, c.b_scale[1] = 2.0f;
  c.compute_reference();
  // block 0: 0.25 * 0.5 * 2 * (64 * 3 + 64 * 1) = 64; block 1: 8 * 2 * (-0.5) * 256 = -2048.
  BOOST_TEST(c.ref[0] == 64.0 - 2048.0);
}

BOOST_AUTO_TEST_CASE(cpu_variants_match_ref) {
  for (auto s : {fshape({0, 5, 0, 17, 1, 33}, 24, 128), fshape({130, 0, 3}, 136, 256), fshape({7, 9}, 7, 384),
                 fshape({1}, 200, 128)}) {
    GroupedGemmFp8Case c(s);
    BOOST_TEST(test::check_all_cpu_variants(c) >= 1);
  }
}

BOOST_AUTO_TEST_CASE(a_wrong_scale_is_caught) {
  GroupedGemmFp8Case c(fshape({4, 4}, 16, 256));
  c.fill_inputs(3);
  c.compute_reference();
  c.poison_output();
  const auto* ref = test::cpu_variants(kGroupedGemmFp8Op).front();
  auto run = ref->prepare(c);
  c.b_scale[c.b_scale.size() - 1] *= 1.01f;  // the run sees one 128x128 block scaled 1% off
  run->timed_run();
  run->copy_output_to_case();
  BOOST_TEST(!c.check_output().passed);
}

BOOST_AUTO_TEST_CASE(formulas_dims_and_presets) {
  GroupedGemmFp8Case c(fshape({0, 5, 0, 17}, 24, 256));
  BOOST_TEST(c.flops() == 2.0 * 22 * 24 * 256);
  // A + its scales (2 blocks per row) + B and scales of 2 groups (1 n-block x 2 k-blocks) + C.
  BOOST_TEST(c.bytes() == 22.0 * 256 + 4.0 * 22 * 2 + 2 * (24.0 * 256 + 4.0 * 2) + 2.0 * 22 * 24);
  BOOST_TEST((c.peak_kind() == PeakKind::fp8));
  const auto dims = c.shape_dims();
  BOOST_TEST(dims.size() == 7u);
  BOOST_TEST(dims[2].first == "tokens");
  BOOST_TEST(dims[2].second == 22.0);
  for (const auto& name : fp8_preset_names()) {
    ShapeArgs p;
    p.preset = name;
    auto big = make_fp8_case(p);
    BOOST_TEST(big->flops() > 1e11);
  }
  ShapeArgs args;
  args.preset = "deepseek-v3.gate_up";
  auto g = make_fp8_case(args);
  const auto& shape = dynamic_cast<GroupedGemmFp8Case&>(*g).shape();
  BOOST_TEST(shape.n == 4096);  // DeepGEMM's fused gate + up: 2 x 2048
  BOOST_TEST(shape.k == 7168);
  args.preset = "kimi-k2.down";
  args.dims = {{"tokens", 64}, {"groups", 8}, {"n", 256}};
  auto small = make_fp8_case(args);
  BOOST_TEST(dynamic_cast<GroupedGemmFp8Case&>(*small).shape().k == 2048);
  BOOST_TEST(test::check_all_cpu_variants(*small) >= 1);
}

BOOST_AUTO_TEST_CASE(bad_shapes_throw_input_error) {
  BOOST_CHECK_THROW(GroupedGemmFp8Case(fshape({3}, 8, 100)), InputError);  // K not a multiple of 128
  BOOST_CHECK_THROW(GroupedGemmFp8Case(fshape({3}, 0, 128)), InputError);
  BOOST_CHECK_THROW(GroupedGemmFp8Case(fshape({0}, 8, 128)), InputError);
  ShapeArgs args;
  args.preset = "deepseek-v3.up";  // the fp8 op names the fused projection gate_up
  BOOST_CHECK_THROW(make_fp8_case(args), InputError);
  args.preset = "deepseek-v3.down";
  args.dims = {{"k", 1000}};
  BOOST_CHECK_THROW(make_fp8_case(args), InputError);
}

// Sizes are bounded before the group-size vector exists, as for the bf16 op: a billion groups or
// 2^30 routed rows are an error at the dim, not gigabytes of allocation.
BOOST_AUTO_TEST_CASE(huge_routed_sizes_are_refused_before_allocating) {
  const auto key_of = [](const ShapeArgs& args) {
    try {
      make_fp8_case(args);
    } catch (const InputError& e) {
      return e.key();
    }
    return std::string("(no error)");
  };
  ShapeArgs args;
  args.preset = "deepseek-v3.down";
  args.dims = {{"groups", 1000000000}};
  BOOST_TEST(key_of(args) == "groups");
  args.dims = {{"tokens", 1 << 28}, {"topk", 8}};
  BOOST_TEST(key_of(args) == "tokens");
}

BOOST_AUTO_TEST_SUITE_END()
