// Every CPU variant of the attention family (ref.naive, kokkos.tiled) against the oracle on
// fresh inputs with the output poisoned first; shapes cover lengths that are not tile
// multiples, GQA ratios 1/4/8, length-1 sequences, variable lengths and page boundaries.
#include <boost/test/unit_test.hpp>
#include <functional>

#include "kernels/attention/cases.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/registry.hpp"

namespace ka = moelab::kernels::attention;
namespace mk = moelab::kernels;

namespace {

using CaseFactory = std::function<std::unique_ptr<mk::OpCase>()>;

std::vector<CaseFactory> prefill_cases() {
  return {
      [] {
        return ka::make_prefill_case({{4, 4, 64}, {1}});
      },
      [] {
        return ka::make_prefill_case({{4, 4, 64}, {70, 1, 129}});
      },
      [] {
        return ka::make_prefill_case({{8, 2, 128}, {65, 3}});
      },
      [] {
        return ka::make_prefill_case({{8, 1, 64}, {100}});
      },
      [] {
        return ka::make_prefill_case({{16, 2, 128}, {33, 64, 2}});
      },
      // Full (non-causal) attention, ragged lengths.
      [] {
        return ka::make_prefill_case({{4, 4, 64}, {70, 1, 129}, false});
      },
      [] {
        return ka::make_prefill_case({{8, 2, 128}, {65, 3}, false});
      },
  };
}

std::vector<CaseFactory> paged_decode_cases() {
  return {
      [] {
        return ka::make_paged_decode_case({{4, 4, 64}, 16, {1, 16, 17, 300}});
      },
      [] {
        return ka::make_paged_decode_case({{8, 2, 128}, 16, {1000, 5}});
      },
      [] {
        return ka::make_paged_decode_case({{8, 1, 64}, 4, {31, 32, 33}});
      },
      [] {
        return ka::make_paged_decode_case({{32, 8, 128}, 16, {600}});
      },
  };
}

std::vector<CaseFactory> cascade_cases() {
  return {
      [] {
        return ka::make_cascade_decode_case({{4, 4, 64}, 300, {0, 1, 17}});
      },
      [] {
        return ka::make_cascade_decode_case({{8, 2, 128}, 1, {40, 0}});
      },
      [] {
        return ka::make_cascade_decode_case({{8, 1, 64}, 0, {5, 3}});
      },
      [] {
        return ka::make_cascade_decode_case({{32, 8, 128}, 513, {7, 7, 7, 7, 7}});
      },
  };
}

void check_cpu_variants(const char* op, const std::vector<CaseFactory>& cases) {
  int checked = 0;
  for (const auto* v : mk::registry().variants(op)) {
    if (v->backend() == mk::Backend::cuda) continue;
    BOOST_TEST_CONTEXT(v->full_name()) {
      BOOST_TEST(v->available());
      std::uint64_t seed = 100;
      for (const auto& make : cases) {
        auto c = make();
        BOOST_TEST_CONTEXT(c->shape_text()) {
          BOOST_REQUIRE(v->supports(*c));
          c->fill_inputs(++seed);
          c->compute_reference();
          auto run = v->prepare(*c);
          c->poison_output();
          run->flush_cache();
          const double seconds = run->timed_run();
          run->copy_output_to_case();
          BOOST_TEST(seconds >= 0.0);
          const auto r = c->check_output();
          BOOST_TEST(r.passed, r.detail << " max_rel=" << r.max_rel_error);
          BOOST_TEST_MESSAGE(v->full_name() << " " << c->shape_text() << " max_rel_error=" << r.max_rel_error);
          ++checked;
        }
      }
    }
  }
  BOOST_TEST(checked >= int(cases.size()));  // ref.naive at least
}

}  // namespace

BOOST_AUTO_TEST_SUITE(attention_variants)

BOOST_AUTO_TEST_CASE(ops_are_registered_with_presets) {
  for (const char* op : {ka::kPrefillOp, ka::kPagedDecodeOp, ka::kCascadeDecodeOp}) {
    const auto* info = mk::registry().find_op(op);
    BOOST_REQUIRE(info != nullptr);
    BOOST_TEST(info->presets.size() >= 2u);
    BOOST_TEST(mk::registry().find_variant(op, "ref.naive") != nullptr);
#if MOELAB_HAVE_KOKKOS
    BOOST_TEST(mk::registry().find_variant(op, "kokkos.tiled") != nullptr);
#endif
  }
}

BOOST_AUTO_TEST_CASE(prefill_cpu_variants_match_ref) { check_cpu_variants(ka::kPrefillOp, prefill_cases()); }
BOOST_AUTO_TEST_CASE(paged_decode_cpu_variants_match_ref) {
  check_cpu_variants(ka::kPagedDecodeOp, paged_decode_cases());
}
BOOST_AUTO_TEST_CASE(cascade_cpu_variants_match_ref) { check_cpu_variants(ka::kCascadeDecodeOp, cascade_cases()); }

BOOST_AUTO_TEST_CASE(variants_reject_other_ops_cases) {
  auto prefill = ka::make_prefill_case({{4, 4, 64}, {3}});
  auto decode = ka::make_paged_decode_case({{4, 4, 64}, 16, {3}});
  auto cascade = ka::make_cascade_decode_case({{4, 4, 64}, 3, {1}});
  for (const auto* v : mk::registry().variants()) {
    if (v->op() == ka::kPrefillOp) {
      BOOST_TEST(!v->supports(*decode));
      BOOST_TEST(!v->supports(*cascade));
    } else if (v->op() == ka::kPagedDecodeOp) {
      BOOST_TEST(!v->supports(*prefill));
      BOOST_TEST(!v->supports(*cascade));
    } else if (v->op() == ka::kCascadeDecodeOp) {
      BOOST_TEST(!v->supports(*prefill));
      BOOST_TEST(!v->supports(*decode));
    }
  }
}

BOOST_AUTO_TEST_CASE(cuda_variants_follow_the_device_and_decline_unsupported_shapes) {
  int cuda_variants = 0;
  for (const auto* v : mk::registry().variants()) {
    if (v->backend() != mk::Backend::cuda || v->op().substr(0, 10) != "attention.") continue;
    ++cuda_variants;
    BOOST_TEST(v->available() == mk::cuda_device_available(), v->full_name());
  }
#if MOELAB_HAVE_CUDA
  BOOST_TEST(cuda_variants == 9);
  // GQA groups above 8 query heads per kv head are outside the decode kernels' register budget.
  auto wide_group = ka::make_paged_decode_case({{16, 1, 64}, 16, {5}});
  BOOST_TEST(!mk::registry().find_variant(ka::kPagedDecodeOp, "cuda.paged_decode")->supports(*wide_group));
  BOOST_TEST(mk::registry().find_variant(ka::kPagedDecodeOp, "cuda.naive")->supports(*wide_group));
  auto wide_cascade = ka::make_cascade_decode_case({{16, 1, 64}, 4, {1}});
  BOOST_TEST(!mk::registry().find_variant(ka::kCascadeDecodeOp, "cuda.cascade_decode")->supports(*wide_cascade));
  BOOST_TEST(!mk::registry().find_variant(ka::kCascadeDecodeOp, "cuda.cascade_mma")->supports(*wide_cascade));
  auto prefill = ka::make_prefill_case({{4, 4, 64}, {3}});
  BOOST_TEST(mk::registry().find_variant(ka::kPrefillOp, "cuda.flash_mma")->supports(*prefill));
  // The FA3-design kernel is written for head_dim 128 only, causal or not.
  const auto* wgmma = mk::registry().find_variant(ka::kPrefillOp, "cuda.flash_wgmma");
  BOOST_TEST(!wgmma->supports(*prefill));
  BOOST_TEST(wgmma->supports(*ka::make_prefill_case({{8, 2, 128}, {3}})));
  BOOST_TEST(wgmma->supports(*ka::make_prefill_case({{8, 2, 128}, {3}, false})));
#else
  BOOST_TEST(cuda_variants == 0);
#endif
}

BOOST_AUTO_TEST_SUITE_END()
