// API prices of a token mix: cache-hit input, batch tiers and discounts.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "simulator/economics/api_price.hpp"

using namespace moelab::sim;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(api_price)

BOOST_AUTO_TEST_CASE(mix_at_list_prices) {
  // GPT-5.4 list prices (data/prices/api.toml): 2.50 input, 0.25 cache hit, 15 output per M.
  ApiPrice p;
  p.id = "gpt-5.4";
  p.input_usd_per_mtok = 2.50;
  p.cache_hit_input_usd_per_mtok = 0.25;
  p.output_usd_per_mtok = 15.0;
  // 3.6 input tokens per output token, no cache: (3.6 x 2.50 + 15) / 4.6 = 5.2174 (seed_claims' "blended").
  const TokenMix no_cache{3.6 / 4.6, 0, 1 / 4.6};
  BOOST_TEST(api_usd_per_m_tokens(p, {p}, no_cache, 0).usd_per_m_tokens == 24.0 / 4.6, tt::tolerance(1e-12));
  // Half the input cached: (1.8 x 2.50 + 1.8 x 0.25 + 15) / 4.6.
  const TokenMix half{1.8 / 4.6, 1.8 / 4.6, 1 / 4.6};
  BOOST_TEST(api_usd_per_m_tokens(p, {p}, half, 0).usd_per_m_tokens == (4.5 + 0.45 + 15) / 4.6, tt::tolerance(1e-12));
  BOOST_TEST(std::isnan(api_usd_per_m_tokens(p, {p}, half, 0).batch_usd_per_m_tokens));
  BOOST_CHECK_THROW(api_usd_per_m_tokens(p, {p}, half, 0.5), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(batch_from_a_tier_entry_or_a_discount) {
  ApiPrice p;
  p.id = "gpt-5.4";
  p.input_usd_per_mtok = 2.50;
  p.cache_hit_input_usd_per_mtok = 0.25;
  p.output_usd_per_mtok = 15.0;
  ApiPrice batch;
  batch.id = "gpt-5.4-batch";
  batch.tier = "batch";
  batch.tier_of = "gpt-5.4";
  batch.input_usd_per_mtok = 1.25;
  batch.output_usd_per_mtok = 7.5;
  const TokenMix mix{0.5, 0.25, 0.25};
  const auto b = api_usd_per_m_tokens(p, {p, batch}, mix, 1.0);
  // Cached input in batch keeps the input's relative discount: 0.25 x 1.25 / 2.50.
  BOOST_TEST(b.batch_usd_per_m_tokens == 0.5 * 1.25 + 0.25 * 0.125 + 0.25 * 7.5, tt::tolerance(1e-12));
  BOOST_TEST(b.usd_per_m_tokens == b.batch_usd_per_m_tokens);
  ApiPrice claude = p;
  claude.id = "claude";
  claude.batch_discount_fraction = 0.5;
  const auto c = api_usd_per_m_tokens(claude, {claude}, mix, 0.4);
  BOOST_TEST(c.usd_per_m_tokens == 0.6 * c.standard_usd_per_m_tokens + 0.4 * c.standard_usd_per_m_tokens / 2,
             tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_SUITE_END()
