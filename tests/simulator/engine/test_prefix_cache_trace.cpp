// Prefix caches on the real Mooncake conversation trace, requests applied one at a time.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <vector>

#include "tests/simulator/engine/cache_test_support.hpp"

using moelab::test::first_touch_hit_tokens;

BOOST_AUTO_TEST_SUITE(prefix_cache_trace)

BOOST_AUTO_TEST_CASE(unlimited_capacity_hit_rate_equals_first_touch_rate) {
  const auto requests = moelab::test::read_mooncake();
  BOOST_REQUIRE_EQUAL(requests.size(), 12031u);
  std::int64_t prompt_tokens = 0;
  for (const auto& r : requests) prompt_tokens += r.prompt_tokens;
  for (const std::int64_t block_tokens : {16, 64}) {
    const std::int64_t expected_hits = first_touch_hit_tokens(requests, block_tokens);
    BOOST_TEST_MESSAGE("block " << block_tokens << ": first-touch hit rate "
                                << static_cast<double>(expected_hits) / prompt_tokens);
    for (const auto& [name, make] : moelab::test::prefix_policies()) {
      BOOST_TEST_CONTEXT(name << " block " << block_tokens) {
        auto cache = make(std::int64_t{1} << 40, block_tokens);  // never fills
        const auto res = moelab::test::run_sequentially(*cache, requests);
        BOOST_TEST(res.lookup_tokens == prompt_tokens);
        BOOST_TEST(res.hit_tokens == expected_hits);
        BOOST_TEST(cache->stats().evicted_blocks == 0);
        BOOST_TEST(cache->pinned_blocks() == 0);
        cache->check_invariants();
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(hit_rate_never_falls_as_capacity_grows) {
  const auto requests = moelab::test::read_mooncake(3000);
  std::int64_t largest = 0;
  for (const auto& r : requests) largest = std::max<std::int64_t>(largest, r.prompt_tokens + r.output_tokens);
  for (const auto& [name, make] : moelab::test::prefix_policies()) {
    double previous = -1;
    for (std::int64_t blocks = (largest / 16 + 1) * 2; blocks <= (std::int64_t{1} << 22); blocks *= 3) {
      auto cache = make(blocks, 16);
      const double rate = moelab::test::run_sequentially(*cache, requests).hit_rate();
      BOOST_TEST_CONTEXT(name << " with " << blocks << " blocks") { BOOST_TEST(rate >= previous); }
      previous = rate;
    }
    BOOST_TEST(previous > 0.2);  // the trace does share prefixes (Mooncake reports ~40% for it)
  }
}

BOOST_AUTO_TEST_CASE(peek_agrees_with_start) {
  const auto requests = moelab::test::read_mooncake(2000);
  for (const auto& [name, make] : moelab::test::prefix_policies()) {
    auto cache = make(40000, 16);
    for (const auto& r : requests) {
      const auto peeked = cache->peek_cached_tokens(r);
      const auto cached = cache->start(r);
      BOOST_TEST_CONTEXT(name << " request " << r.id) { BOOST_TEST(peeked == cached); }
      BOOST_REQUIRE(cache->reserve(r.id, r.prompt_tokens + r.output_tokens));
      cache->prefill_done(r.id);
      cache->finish(r.id);
    }
    BOOST_TEST(cache->stats().evicted_blocks > 0);  // 40k blocks is far below the trace's footprint
  }
}

BOOST_AUTO_TEST_SUITE_END()
