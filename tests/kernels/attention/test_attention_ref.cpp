// The oracle (ref) against an independent implementation on tiny cases, and the cases' own
// bookkeeping: formulas, poisoning, checks.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>

#include "kernels/attention/cases.hpp"
#include "tests/kernels/attention/independent_attention.hpp"

namespace ka = moelab::kernels::attention;
using moelab::test::attention::attend_gathered;

namespace {

double max_diff(const std::vector<double>& got, std::size_t off, const std::vector<double>& want) {
  double m = 0;
  for (std::size_t c = 0; c < want.size(); ++c) m = std::max(m, std::abs(double(got[off + c]) - want[c]));
  return m;
}

void check_prefill_ref(ka::HeadShape h, std::vector<int> lens, bool causal = true) {
  auto c = ka::make_prefill_case({h, lens, causal});
  c->fill_inputs(11);
  c->compute_reference();
  const int d = h.head_dim, group = h.heads / h.kv_heads;
  double worst = 0;
  for (std::size_t b = 0; b < lens.size(); ++b) {
    const int start = c->cu_seqlens[b];
    for (int i = 0; i < lens[b]; ++i) {
      for (int hq = 0; hq < h.heads; ++hq) {
        std::vector<const std::uint16_t*> ks, vs;
        for (int j = 0; j < (causal ? i + 1 : lens[b]); ++j) {
          ks.push_back(&c->k[((start + j) * h.kv_heads + hq / group) * d]);
          vs.push_back(&c->v[((start + j) * h.kv_heads + hq / group) * d]);
        }
        const std::size_t off = (std::size_t(start + i) * h.heads + hq) * d;
        worst = std::max(worst, max_diff(c->ref, off, attend_gathered(&c->q[off], ks, vs, d)));
      }
    }
  }
  BOOST_TEST(worst < 1e-6, "prefill ref differs by " << worst << " for " << c->shape_text());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(attention_ref)

BOOST_AUTO_TEST_CASE(prefill_ref_matches_independent_code) {
  check_prefill_ref({4, 4, 64}, {1, 5, 17});     // GQA ratio 1, a length-1 sequence
  check_prefill_ref({8, 2, 128}, {9, 1});        // ratio 4
  check_prefill_ref({8, 1, 64}, {3, 12, 2, 7});  // ratio 8 (MQA)
}

BOOST_AUTO_TEST_CASE(full_attention_prefill_ref_matches_independent_code) {
  check_prefill_ref({4, 4, 64}, {1, 5, 17}, false);  // every query attends every key of its sequence
  check_prefill_ref({8, 2, 128}, {9, 1}, false);
}

BOOST_AUTO_TEST_CASE(full_attention_differs_from_causal_and_counts_all_pairs) {
  auto causal = ka::make_prefill_case({{4, 4, 64}, {6, 3}});
  auto full = ka::make_prefill_case({{4, 4, 64}, {6, 3}, false});
  BOOST_TEST(full->flops() == 4.0 * 4 * 64 * (36 + 9));
  BOOST_TEST(causal->flops() == 4.0 * 4 * 64 * (21 + 6));
  BOOST_TEST(full->shape_text().find("full") != std::string::npos);
  causal->fill_inputs(3);
  full->fill_inputs(3);
  causal->compute_reference();
  full->compute_reference();
  // The last query of a sequence sees every key either way; the first sees only itself when causal.
  const std::size_t row = 4 * 64;  // token 0, all heads
  double first_diff = 0;
  for (std::size_t c = 0; c < row; ++c) first_diff = std::max(first_diff, std::abs(full->ref[c] - causal->ref[c]));
  BOOST_TEST(first_diff > 1e-3);
  const std::size_t last = 5 * row;  // token 5: the last of sequence 0
  double last_diff = 0;
  for (std::size_t c = 0; c < row; ++c)
    last_diff = std::max(last_diff, std::abs(full->ref[last + c] - causal->ref[last + c]));
  BOOST_TEST(last_diff < 1e-12);
}

BOOST_AUTO_TEST_CASE(paged_decode_ref_matches_independent_code) {
  const ka::HeadShape h{8, 2, 64};
  auto c = ka::make_paged_decode_case({h, 4, {1, 4, 5, 13, 16}});  // page boundaries at 4, 8, 12, 16
  c->fill_inputs(5);
  c->compute_reference();
  const int d = h.head_dim, group = h.heads / h.kv_heads;
  double worst = 0;
  for (int b = 0; b < 5; ++b) {
    for (int hq = 0; hq < h.heads; ++hq) {
      std::vector<const std::uint16_t*> ks, vs;
      for (int t = 0; t < c->context_lens[b]; ++t) {
        const int page = c->block_table[b * c->max_pages_per_seq + t / 4];
        const std::size_t off = ((std::size_t(page) * 4 + t % 4) * h.kv_heads + hq / group) * d;
        ks.push_back(&c->k_cache[off]);
        vs.push_back(&c->v_cache[off]);
      }
      const std::size_t off = (std::size_t(b) * h.heads + hq) * d;
      worst = std::max(worst, max_diff(c->ref, off, attend_gathered(&c->q[off], ks, vs, d)));
    }
  }
  BOOST_TEST(worst < 1e-6);
}

BOOST_AUTO_TEST_CASE(paged_decode_block_table_is_a_permutation) {
  auto c = ka::make_paged_decode_case({{4, 4, 64}, 16, {40, 1, 33}});
  c->fill_inputs(3);
  BOOST_TEST(c->num_pages == 3 + 1 + 3);
  std::vector<int> seen(c->num_pages, 0);
  const int pages_per_seq[] = {3, 1, 3};
  bool identity = true;
  int next = 0;
  for (int b = 0; b < 3; ++b) {
    for (int i = 0; i < pages_per_seq[b]; ++i) {
      const int p = c->block_table[b * c->max_pages_per_seq + i];
      BOOST_REQUIRE(p >= 0 && p < c->num_pages);
      ++seen[p];
      identity = identity && p == next++;
    }
  }
  for (int s : seen) BOOST_TEST(s == 1);
  BOOST_TEST(!identity);  // a seeded shuffle, so paging is really exercised
}

BOOST_AUTO_TEST_CASE(cascade_ref_equals_plain_attention_over_concatenation) {
  const ka::HeadShape h{8, 2, 128};
  auto c = ka::make_cascade_decode_case({h, 19, {0, 1, 7, 33}});
  c->fill_inputs(9);
  c->compute_reference();
  const int d = h.head_dim, group = h.heads / h.kv_heads;
  double worst = 0;
  for (int b = 0; b < 4; ++b) {
    for (int hq = 0; hq < h.heads; ++hq) {
      std::vector<const std::uint16_t*> ks, vs;
      const int hk = hq / group;
      for (int t = 0; t < 19; ++t) {
        ks.push_back(&c->k_prefix[(t * h.kv_heads + hk) * d]);
        vs.push_back(&c->v_prefix[(t * h.kv_heads + hk) * d]);
      }
      for (int t = c->cu_suffix[b]; t < c->cu_suffix[b + 1]; ++t) {
        ks.push_back(&c->k_suffix[(t * h.kv_heads + hk) * d]);
        vs.push_back(&c->v_suffix[(t * h.kv_heads + hk) * d]);
      }
      const std::size_t off = (std::size_t(b) * h.heads + hq) * d;
      worst = std::max(worst, max_diff(c->ref, off, attend_gathered(&c->q[off], ks, vs, d)));
    }
  }
  BOOST_TEST(worst < 1e-6);
}

BOOST_AUTO_TEST_CASE(check_detects_poison_and_errors) {
  auto c = ka::make_prefill_case({{4, 2, 64}, {6, 3}});
  c->fill_inputs(1);
  c->compute_reference();
  c->poison_output();
  auto r = c->check_output();
  BOOST_TEST(!r.passed);
  BOOST_TEST(r.detail.find("non-finite") != std::string::npos);

  c->out.assign(c->ref.begin(), c->ref.end());
  BOOST_TEST(c->check_output().passed);
  BOOST_TEST(c->check_output().max_abs_error < 1e-6);

  c->out[c->out.size() / 2] += 0.2f;  // one wrong element
  r = c->check_output();
  BOOST_TEST(!r.passed);
  BOOST_TEST(r.max_abs_error > 0.19);
}

BOOST_AUTO_TEST_CASE(big_cases_check_a_row_sample_and_require_finite_elsewhere) {
  auto small = ka::make_prefill_case({{4, 2, 64}, {6, 3}});
  small->allocate();  // buffers (and the row sample) exist from first use
  for (auto c : small->checked_rows()) BOOST_TEST(c == 1);

  // Llama-3.1-8B heads at 4k tokens: 6.9e10 multiply-adds, far over the oracle budget.
  auto big = ka::make_prefill_case({{32, 8, 128}, {4096, 3}});
  big->allocate();
  const auto& rows = big->checked_rows();
  BOOST_REQUIRE(rows.size() == 4099u);
  const auto n_checked = std::count(rows.begin(), rows.end(), 1);
  BOOST_TEST(n_checked > 50);
  BOOST_TEST(n_checked < 400);
  BOOST_TEST(rows[0] == 1);  // first and last token of each sequence
  BOOST_TEST(rows[4095] == 1);
  BOOST_TEST(rows[4096] == 1);
  BOOST_TEST(rows[4098] == 1);
  // Without computing the (sampled) reference: equal zeros pass, a NaN in an unchecked row fails.
  std::fill(big->out.begin(), big->out.end(), 0.0f);
  BOOST_TEST(big->check_output().passed);
  std::size_t unchecked = 1;
  while (rows[unchecked]) ++unchecked;
  big->out[unchecked * 32 * 128 + 5] = std::numeric_limits<float>::quiet_NaN();
  const auto r = big->check_output();
  BOOST_TEST(!r.passed);
  BOOST_TEST(r.detail.find("outside the checked rows") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(inputs_are_seeded_and_not_zero) {
  auto a = ka::make_prefill_case({{4, 2, 64}, {8}});
  auto b = ka::make_prefill_case({{4, 2, 64}, {8}});
  a->fill_inputs(42);
  b->fill_inputs(42);
  BOOST_TEST(a->q == b->q);
  BOOST_TEST(a->v == b->v);
  b->fill_inputs(43);
  BOOST_TEST(a->q != b->q);
  int nonzero = 0;
  for (auto x : a->k) nonzero += (x & 0x7fff) != 0;
  BOOST_TEST(nonzero > int(a->k.size()) * 9 / 10);
}

BOOST_AUTO_TEST_CASE(flop_and_byte_formulas) {
  auto p = ka::make_prefill_case({{32, 8, 128}, {3, 4}});
  // pairs = 3*4/2 + 4*5/2 = 6 + 10 = 16
  BOOST_TEST(p->flops() == 4.0 * 32 * 128 * 16);
  BOOST_TEST(p->bytes() == 7.0 * (2 * 32 * 128 + 2 * 2 * 8 * 128 + 4 * 32 * 128));

  auto d = ka::make_paged_decode_case({{32, 8, 128}, 16, {100, 28}});
  BOOST_TEST(d->flops() == 4.0 * 32 * 128 * 128);
  BOOST_TEST(d->bytes() == 2.0 * 2 * 128 * 8 * 128 + 2.0 * (2 * 32 * 128) + 4.0 * (2 * 32 * 128));

  auto c = ka::make_cascade_decode_case({{32, 8, 128}, 1000, {10, 20}});
  BOOST_TEST(c->flops() == 4.0 * 32 * 128 * (1010 + 1020));
  // the shared prefix counts once
  BOOST_TEST(c->bytes() == 2.0 * 2 * (1000 + 30) * 8 * 128 + 2.0 * (2 * 32 * 128) + 4.0 * (2 * 32 * 128));
}

BOOST_AUTO_TEST_SUITE_END()
