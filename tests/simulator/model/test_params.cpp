// Parameter counts from architecture vs published totals, and KV bytes per token vs the facts.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>
#include <set>
#include <string>

#include "lab/config/spec_loaders.hpp"
#include "simulator/model/param_count.hpp"

namespace {
using moelab::config::list_ids;
using moelab::config::load_model_by_id;

double rel_error(double got, double want) { return std::abs(got - want) / want; }

// Files whose published figures cannot be met to 2%, and why (5% is allowed for them instead):
//  - published to one significant figure ("1T"; the architecture gives 1.026T);
//  - architecture_approximate files (DeepSeek-V4: indexer/compressor weights left out).
const std::set<std::string> kRoundedTotal = {"kimi-k2", "seed-v4-1t-a32b"};
}  // namespace

BOOST_AUTO_TEST_SUITE(parameters)

BOOST_AUTO_TEST_CASE(every_model_file_loads_and_matches_its_published_counts) {
  const auto ids = list_ids("models");
  BOOST_TEST(ids.size() >= 12u);
  for (const auto& id : ids) {
    BOOST_TEST_CONTEXT("model " << id) {
      const auto m = load_model_by_id(id);
      const auto c = moelab::sim::count_params(m);
      const double total = c.total();
      const double active = c.active(m.published_active_includes_input_embedding);
      const double tol_total = (m.architecture_approximate || kRoundedTotal.count(id)) ? 0.05 : 0.02;
      const double tol_active = m.architecture_approximate ? 0.05 : 0.02;
      BOOST_TEST_MESSAGE(id << ": total " << total / 1e9 << "B vs " << m.published_total_params / 1e9 << "B, active "
                            << active / 1e9 << "B vs " << m.published_active_params / 1e9 << "B");
      BOOST_TEST(rel_error(total, m.published_total_params) <= tol_total);
      BOOST_TEST(rel_error(active, m.published_active_params) <= tol_active);
    }
  }
}

BOOST_AUTO_TEST_CASE(strict_two_percent_where_the_published_figure_is_precise) {
  // The common case, spelled out: no exception list involved.
  for (const char* id : {"llama-3.1-8b", "llama-3.1-70b", "qwen3-8b", "qwen3-30b-a3b", "qwen3-235b-a22b",
                         "mixtral-8x7b", "deepseek-v3", "gpt-oss-120b"}) {
    BOOST_TEST_CONTEXT(id) {
      const auto m = load_model_by_id(id);
      const auto c = moelab::sim::count_params(m);
      BOOST_TEST(rel_error(c.total(), m.published_total_params) <= 0.02);
      BOOST_TEST(rel_error(c.active(m.published_active_includes_input_embedding), m.published_active_params) <= 0.02);
    }
  }
}

BOOST_AUTO_TEST_CASE(llama_8b_count_by_hand) {
  // embeddings 2 x 128256 x 4096 = 1,050,673,152; per layer: q 4096^2 + kv 2 x 4096 x 1024 +
  // o 4096^2 = 41,943,040, FFN 3 x 4096 x 14336 = 176,160,768, two norms 8,192 -> 218,112,000;
  // x 32 = 6,979,584,000; final norm 4,096. Total 8,030,261,248.
  const double embeddings = 2.0 * 128256 * 4096;
  const double attention = 4096.0 * 4096 + 2.0 * 4096 * 1024 + 4096.0 * 4096;
  const double ffn = 3.0 * 4096 * 14336;
  const double per_layer = attention + ffn + 2 * 4096;
  const double expected = embeddings + 32 * per_layer + 4096;
  BOOST_TEST(expected == 8030261248.0);
  BOOST_TEST(moelab::sim::count_params(load_model_by_id("llama-3.1-8b")).total() == expected);
}

BOOST_AUTO_TEST_CASE(kv_bytes_per_token_match_the_facts_table) {
  // shared/facts/models.md, column "KV B/tok" (BF16, every layer full).
  const std::map<std::string, double> facts = {
      {"deepseek-v3", 70272},    {"kimi-k2", 70272},          {"qwen3-8b", 147456},
      {"qwen3-30b-a3b", 98304},  {"qwen3-235b-a22b", 192512}, {"llama-3.1-8b", 131072},
      {"llama-3.1-70b", 327680}, {"mixtral-8x7b", 131072},    {"gpt-oss-120b", 73728},
  };
  for (const auto& [id, bytes] : facts) {
    BOOST_TEST_CONTEXT(id) { BOOST_TEST(moelab::sim::kv_bytes_per_token_full(load_model_by_id(id)) == bytes); }
  }
  // GPT-OSS keeps full KV in half its layers only.
  BOOST_TEST(moelab::sim::kv_bytes_per_token(load_model_by_id("gpt-oss-120b")) == 73728.0 / 2);
}

BOOST_AUTO_TEST_CASE(v4_compressed_kv_is_about_a_tenth_of_v3) {
  // Facts: V4-Pro's KV is "~10% of V3.2's at 1M context" (V3.2 has V3's 70,272 B/tok latent).
  const double v4 = moelab::sim::kv_bytes_per_token(load_model_by_id("deepseek-v4-pro"));
  BOOST_TEST(v4 / 70272.0 > 0.08);
  BOOST_TEST(v4 / 70272.0 < 0.14);
}

BOOST_AUTO_TEST_CASE(weight_bytes_follow_precision) {
  // DeepSeek-V3 in FP8: one byte per parameter.
  const auto v3 = load_model_by_id("deepseek-v3");
  BOOST_TEST(moelab::sim::weight_bytes(v3) == moelab::sim::count_params(v3).total());
  // GPT-OSS: MXFP4 experts (4.25 bits), BF16 elsewhere.
  const auto oss = load_model_by_id("gpt-oss-120b");
  const auto c = moelab::sim::count_params(oss);
  BOOST_TEST(moelab::sim::weight_bytes(oss) == c.experts_total() * 0.53125 + c.non_expert() * 2.0);
}

BOOST_AUTO_TEST_SUITE_END()
