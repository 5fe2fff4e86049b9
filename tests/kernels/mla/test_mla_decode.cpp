#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include "base/input_error.hpp"
#include "kernels/common/bf16.hpp"
#include "kernels/common/registry.hpp"
#include "kernels/mla/cases.hpp"

using namespace moelab;
using namespace moelab::kernels;
using namespace moelab::kernels::mla;

namespace {

MlaDecodeShape small_shape(std::vector<int> ctx, int heads = 3, int page = 5) {
  MlaDecodeShape s;
  s.heads = heads;
  s.kv_lora = 64;
  s.rope = 16;
  s.page_size = page;
  s.context_lens = std::move(ctx);
  return s;
}

// Every registered CPU variant of mla.decode on the case: fresh inputs, ref, poison, run, check.
int check_cpu_variants(MlaDecodeCase& c, std::uint64_t seed = 11) {
  int ran = 0;
  for (const auto* v : registry().variants(kMlaDecodeOp)) {
    if (v->backend() == Backend::cuda || !v->available() || !v->supports(c)) continue;
    c.fill_inputs(seed);
    c.compute_reference();
    c.poison_output();
    auto run = v->prepare(c);
    run->timed_run();
    run->copy_output_to_case();
    const auto r = c.check_output();
    BOOST_TEST_INFO(v->full_name() << " on " << c.shape_text() << ": " << r.detail);
    BOOST_TEST(r.passed);
    ++ran;
  }
  return ran;
}

// Plain softmax attention of one (sequence, head), written from the definition: scores over
// kv_lora + rope dims of the cache row, values = the row's first kv_lora dims.
std::vector<double> independent_row(MlaDecodeCase& c, int b, int h) {
  const auto p = c.params();
  const int qk = p.kv_lora + p.rope, n = p.context_lens[b];
  std::vector<double> w(static_cast<std::size_t>(n)), out(static_cast<std::size_t>(p.kv_lora), 0.0);
  double mx = -1e300, sum = 0;
  auto row = [&](int t) {
    const int page = p.block_table[b * p.max_pages_per_seq + t / p.page_size];
    return p.kv_cache + (static_cast<std::size_t>(page) * p.page_size + t % p.page_size) * qk;
  };
  for (int t = 0; t < n; ++t) {
    double dot = 0;
    for (int d = 0; d < qk; ++d) {
      dot += to_float(bf16{p.q[(static_cast<std::size_t>(b) * p.heads + h) * qk + d]}) * to_float(bf16{row(t)[d]});
    }
    w[t] = dot * p.sm_scale;
    mx = std::max(mx, w[t]);
  }
  for (auto& x : w) sum += (x = std::exp(x - mx));
  for (int t = 0; t < n; ++t) {
    for (int d = 0; d < p.kv_lora; ++d) out[d] += w[t] / sum * to_float(bf16{row(t)[d]});
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mla_decode_op)

BOOST_AUTO_TEST_CASE(ref_matches_the_definition) {
  auto c = make_mla_decode_case(small_shape({1, 7, 13}));
  c->fill_inputs(5);
  c->compute_reference();
  for (int b = 0; b < 3; ++b) {
    for (int h = 0; h < 3; ++h) {
      const auto want = independent_row(*c, b, h);
      for (int d = 0; d < 64; ++d) {
        BOOST_TEST(std::fabs(c->ref[(static_cast<std::size_t>(b) * 3 + h) * 64 + d] - want[d]) < 1e-12);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(cpu_variants_match_ref_across_splits_pages_and_heads) {
  // Contexts cross the 512-key splits of kokkos.split and its 32-key tiles; pages of 5 never align.
  for (auto s : {small_shape({1, 40, 33}), small_shape({700, 1, 1025}, 2, 64), small_shape({513}, 5, 7)}) {
    auto c = make_mla_decode_case(s);
    BOOST_TEST(check_cpu_variants(*c) >= 1);
  }
}

BOOST_AUTO_TEST_CASE(block_tables_are_scattered) {
  auto c = make_mla_decode_case(small_shape({50, 50, 50}));
  c->fill_inputs(3);
  int identity = 0;
  for (std::size_t i = 0; i < c->block_table.size(); ++i) identity += c->block_table[i] == static_cast<int>(i);
  BOOST_TEST(identity < static_cast<int>(c->block_table.size()) / 2);
}

BOOST_AUTO_TEST_CASE(formulas_dims_and_presets) {
  auto c = make_mla_decode_case(small_shape({10, 20}, 4));
  BOOST_TEST(c->flops() == 2.0 * 4 * 30 * (64 + 16 + 64));
  BOOST_TEST(c->bytes() == 2.0 * 30 * 80 + 2.0 * 2 * 4 * 80 + 4.0 * 2 * 4 * 64);
  const auto dims = c->shape_dims();
  BOOST_TEST(dims[0].first == "batch");
  BOOST_TEST(dims[1].second == 20.0);
  ShapeArgs args;
  args.preset = "deepseek-v3";
  auto dsv3 = make_case_from_args(args);
  const auto& s = dynamic_cast<MlaDecodeCase&>(*dsv3).shape();
  BOOST_TEST(s.heads == 128);
  BOOST_TEST(s.kv_lora == 512);
  BOOST_TEST(s.rope == 64);
  BOOST_TEST(s.page_size == 64);
  BOOST_TEST(std::fabs(s.sm_scale - 1 / std::sqrt(192.0)) < 1e-12);
  args.preset = "kimi-k2";
  args.dims = {{"batch", 2}, {"ctx", 100}, {"vary", 1}};
  auto kimi = make_case_from_args(args);
  BOOST_TEST(dynamic_cast<MlaDecodeCase&>(*kimi).shape().heads == 64);
  BOOST_TEST(dynamic_cast<MlaDecodeCase&>(*kimi).shape().context_lens == (std::vector<int>{100, 1}));
  BOOST_TEST(check_cpu_variants(dynamic_cast<MlaDecodeCase&>(*kimi)) >= 1);
}

BOOST_AUTO_TEST_CASE(big_cases_check_a_row_sample) {
  ShapeArgs args;
  args.preset = "deepseek-v3";
  args.dims = {{"batch", 64}, {"ctx", 4096}};
  auto c = make_case_from_args(args);
  const auto& rows = dynamic_cast<MlaDecodeCase&>(*c).checked_rows();
  std::size_t checked = 0;
  for (auto r : rows) checked += r;
  BOOST_TEST(checked < rows.size());
  BOOST_TEST(checked >= 2u * 128);  // every head of the first and last sequence
  BOOST_TEST(rows.front() == 1);
  BOOST_TEST(rows.back() == 1);
}

BOOST_AUTO_TEST_CASE(bad_shapes_throw_input_error) {
  BOOST_CHECK_THROW(make_mla_decode_case(small_shape({})), InputError);
  BOOST_CHECK_THROW(make_mla_decode_case(small_shape({3, 0})), InputError);
  BOOST_CHECK_THROW(make_mla_decode_case(small_shape({3}, 0)), InputError);
  BOOST_CHECK_THROW(make_mla_decode_case(small_shape({3}, 2, 0)), InputError);
  auto bad = small_shape({3});
  bad.kv_lora = 100;
  BOOST_CHECK_THROW(make_mla_decode_case(bad), InputError);
  ShapeArgs args;
  args.preset = "llama-3.1-8b";
  BOOST_CHECK_THROW(make_case_from_args(args), InputError);
  args.preset = "deepseek-v3";
  args.dims = {{"head_dim", 128}};
  BOOST_CHECK_THROW(make_case_from_args(args), InputError);
}

// Sizes that would overflow the page arithmetic or allocate gigabytes in the constructor are an
// error at the dim (a fuzzed ctx near INT_MAX overflowed `ctx + page - 1`).
BOOST_AUTO_TEST_CASE(huge_shapes_are_refused_at_their_dim) {
  const auto key_of = [](const MlaDecodeShape& s) {
    try {
      make_mla_decode_case(s);
    } catch (const InputError& e) {
      return e.key();
    }
    return std::string("(no error)");
  };
  BOOST_TEST(key_of(small_shape({2147483647})) == "ctx");
  BOOST_TEST(key_of(small_shape({3}, 3, 2147483647)) == "page");
  BOOST_TEST(key_of(small_shape({3}, 100000)) == "heads");
  BOOST_TEST(key_of(small_shape(std::vector<int>(65536, 1 << 24))) == "batch");    // 2^40 tokens
  BOOST_TEST(key_of(small_shape(std::vector<int>(1 << 20, 3), 1000)) == "batch");  // output rows
  BOOST_TEST(key_of(small_shape({1 << 24}, 3, 1)) == "(no error)");                // 2^24 pages, one sequence
}

BOOST_AUTO_TEST_SUITE_END()
