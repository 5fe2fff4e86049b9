#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "kernels/common/cuda_backend.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/registry.hpp"
#include "kernels/grouped_gemm/cases.hpp"
#include "kernels/router/cases.hpp"
#include "tests/support/require_gpu.hpp"

using namespace moelab::kernels;

namespace {

// No device: leave before any test with ctest's "skipped" status.
struct RequireDevice {
  RequireDevice() { moelab::test::require_cuda_device_or_skip("kernels_moe_gpu"); }
};

// Every cuda variant of the case's op that supports it, checked against ref (fresh inputs,
// poisoned output). Returns how many ran.
int check_cuda_variants(OpCase& c, std::uint64_t seed = 5) {
  int ran = 0;
  for (const auto* v : registry().variants(c.op())) {
    if (v->backend() != Backend::cuda || !v->supports(c)) continue;
    c.fill_inputs(seed);
    c.compute_reference();
    c.poison_output();
    auto run = v->prepare(c);
    run->timed_run();
    run->timed_run();  // a second launch must give the same (correct) answer
    run->copy_output_to_case();
    const auto r = c.check_output();
    BOOST_TEST_INFO(v->full_name() << " on " << c.shape_text() << ": " << r.detail);
    BOOST_TEST(r.passed);
    ++ran;
  }
  return ran;
}

router::TopkShape topk(int tokens, int E, int k, bool sigmoid, int ng, int tg, bool renorm = true) {
  router::TopkShape s;
  s.tokens = tokens;
  s.experts = E;
  s.k = k;
  s.scoring = sigmoid ? router::Scoring::sigmoid : router::Scoring::softmax;
  s.renormalize = renorm;
  s.n_group = ng;
  s.topk_group = tg;
  s.routed_scaling = sigmoid ? 2.5f : 1.0f;
  return s;
}

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(RequireDevice);

BOOST_AUTO_TEST_SUITE(moe_gpu)

BOOST_AUTO_TEST_CASE(router_topk_cuda_matches_ref) {
  for (const auto& s :
       {topk(1000, 6, 1, false, 1, 1), topk(999, 8, 2, false, 1, 1), topk(517, 60, 8, false, 1, 1, false),
        topk(4096, 128, 8, false, 1, 1), topk(4096, 256, 8, true, 8, 4), topk(333, 60, 8, true, 6, 2),
        topk(777, 384, 8, true, 1, 1), topk(100, 1000, 32, true, 20, 5)}) {
    router::TopkCase c(s);
    BOOST_TEST(check_cuda_variants(c) == 1);
  }
}

BOOST_AUTO_TEST_CASE(router_permute_cuda_matches_ref) {
  for (const auto& s : {router::PermuteShape{1000, 6, 1, 0}, router::PermuteShape{16384, 256, 8, 0},
                        router::PermuteShape{5000, 60, 8, 1.2}, router::PermuteShape{3, 384, 8, 0},
                        router::PermuteShape{4096, 8, 2, 0}}) {
    router::PermuteCase c(s);
    BOOST_TEST(check_cuda_variants(c) == 3);
  }
}

BOOST_AUTO_TEST_CASE(router_combine_cuda_matches_ref) {
  for (const auto& s : {router::CombineShape{64, 256, 8, 7168, 0}, router::CombineShape{33, 6, 1, 37, 0},
                        router::CombineShape{100, 8, 2, 4096, 1.0}}) {
    router::CombineCase c(s);
    BOOST_TEST(check_cuda_variants(c) == 1);
  }
}

BOOST_AUTO_TEST_CASE(grouped_gemm_cuda_matches_ref) {
  using grouped_gemm::GroupedGemmShape;
  std::vector<std::int64_t> many(256, 3);
  many[7] = 0;
  many[100] = 129;
  for (const auto& s :
       {GroupedGemmShape{{0, 5, 0, 17, 1, 33}, 24, 40, "explicit"},
        GroupedGemmShape{{130, 0, 0, 3}, 136, 72, "explicit"}, GroupedGemmShape{{300, 0, 257}, 256, 512, "explicit"},
        GroupedGemmShape{many, 64, 96, "explicit"}, GroupedGemmShape{{7, 9}, 7, 9, "explicit"}}) {
    grouped_gemm::GroupedGemmCase c(s);
    BOOST_TEST(check_cuda_variants(c) >= 2);
  }
}

BOOST_AUTO_TEST_CASE(grouped_gemm_cuda_on_a_model_shape_sampled_check) {
  // DeepSeek-V3 up projection shape (K = 7168, N = 2048) with 32 experts to bound memory;
  // 2048 tokens x top-8 over a Zipf(1.0) routing. Checked on a row sample.
  ShapeArgs args;
  args.preset = "deepseek-v3.up";
  args.dims = {{"tokens", 2048}, {"groups", 32}, {"zipf_x1000", 1000}};
  auto c = grouped_gemm::make_case(args);
  BOOST_TEST(check_cuda_variants(*c) == 3);
}

BOOST_AUTO_TEST_SUITE_END()
