// Every cuda attention variant against the fp64 ref on small shapes (tile remainders, GQA 1/4/8,
// length-1 sequences, variable lengths, page boundaries), output poisoned first. Without a GPU
// the whole executable exits 77 so ctest reports it skipped.
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <functional>
#include <iostream>

#include "kernels/attention/cases.hpp"
#include "kernels/common/cuda_backend.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/registry.hpp"
#include "tests/support/require_gpu.hpp"

namespace ka = moelab::kernels::attention;
namespace mk = moelab::kernels;

namespace {

struct SkipWithoutGpu {
  SkipWithoutGpu() { moelab::test::require_cuda_device_or_skip("kernels_attention_gpu"); }
};

using CaseFactory = std::function<std::unique_ptr<mk::OpCase>()>;

void check_cuda_variants(const char* op, const std::vector<CaseFactory>& cases) {
  int checked = 0;
  for (const auto* v : mk::registry().variants(op)) {
    if (v->backend() != mk::Backend::cuda) continue;
    BOOST_TEST_CONTEXT(v->full_name()) {
      BOOST_TEST(v->available());
      std::uint64_t seed = 7;
      for (const auto& make : cases) {
        auto c = make();
        BOOST_TEST_CONTEXT(c->shape_text()) {
          if (!v->supports(*c)) continue;
          c->fill_inputs(++seed);
          c->compute_reference();
          c->poison_output();
          auto run = v->prepare(*c);
          run->flush_cache();
          const double seconds = run->timed_run();
          run->copy_output_to_case();
          BOOST_TEST(seconds > 0.0);
          const auto r = c->check_output();
          BOOST_TEST(r.passed, r.detail << " max_rel=" << r.max_rel_error);
          // A second launch on the same buffers gives the same answer (no stale workspace).
          c->poison_output();
          run->timed_run();
          run->copy_output_to_case();
          BOOST_TEST(c->check_output().passed);
          ++checked;
        }
      }
    }
  }
  BOOST_TEST(checked > 0);
}

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(SkipWithoutGpu);

BOOST_AUTO_TEST_SUITE(attention_gpu)

BOOST_AUTO_TEST_CASE(prefill_cuda_variants_match_ref) {
  check_cuda_variants(ka::kPrefillOp,
                      {
                          [] {
                            return ka::make_prefill_case({{4, 4, 64}, {1}});
                          },
                          [] {
                            return ka::make_prefill_case({{4, 4, 64}, {70, 1, 129}});
                          },
                          [] {
                            return ka::make_prefill_case({{8, 2, 128}, {65, 3, 200}});
                          },
                          [] {
                            return ka::make_prefill_case({{8, 1, 64}, {100, 64}});
                          },
                          [] {
                            return ka::make_prefill_case({{16, 2, 128}, {33, 128, 2, 257}});
                          },
                          [] {
                            return ka::make_prefill_case({{32, 8, 128}, {512}});
                          },
                          // Many tiles and blocks, GPT-OSS (d = 64, group 8) and Llama heads; the oracle samples rows.
                          [] {
                            return ka::make_prefill_case({{64, 8, 64}, {1500, 700}});
                          },
                          [] {
                            return ka::make_prefill_case({{32, 8, 128}, {2048, 1000}});
                          },
                          // Full (non-causal) attention: every key of the sequence, ragged ends masked.
                          [] {
                            return ka::make_prefill_case({{8, 2, 128}, {65, 3, 200}, false});
                          },
                          [] {
                            return ka::make_prefill_case({{4, 4, 64}, {70, 1, 129}, false});
                          },
                          [] {
                            return ka::make_prefill_case({{16, 16, 128}, {300, 128, 1}, false});
                          },
                      });
}

BOOST_AUTO_TEST_CASE(paged_decode_cuda_variants_match_ref) {
  check_cuda_variants(ka::kPagedDecodeOp,
                      {
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
                            return ka::make_paged_decode_case({{32, 8, 128}, 16, {4096, 1, 2049, 777}});
                          },
                      });
}

BOOST_AUTO_TEST_CASE(cascade_decode_cuda_variants_match_ref) {
  check_cuda_variants(ka::kCascadeDecodeOp,
                      {
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
                            return ka::make_cascade_decode_case({{32, 8, 128}, 1500, {7, 70, 0, 700, 3}});
                          },
                      });
}

BOOST_AUTO_TEST_SUITE_END()
