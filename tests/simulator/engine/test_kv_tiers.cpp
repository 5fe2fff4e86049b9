// The tiered KV store behind the prefix caches (kv_tier_store.hpp, kv_cache_tiered.hpp).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "simulator/engine/content_keys.hpp"
#include "simulator/engine/kv_cache_tiered.hpp"
#include "simulator/engine/kv_tier_store.hpp"
#include "tests/simulator/engine/cache_test_support.hpp"

namespace {

using moelab::sim::KvTierCosts;
using moelab::sim::KvTierSpec;
using moelab::sim::KvTierStore;
using moelab::sim::KvTierStoreSpec;
using moelab::sim::Request;
using moelab::sim::TieredKvCache;

constexpr double kUnlimited = std::numeric_limits<double>::infinity();

// Recompute costs 10 ms per prompt token: far above any load in these tests unless a test says so.
KvTierCosts costs(double kv_bytes_per_token_per_gpu) {
  return {kv_bytes_per_token_per_gpu,
          [](std::int64_t cached, std::int64_t prompt) { return 0.01 * static_cast<double>(prompt - cached); }};
}

Request request(std::int64_t id, std::vector<std::uint64_t> ids) {
  Request r;
  r.id = id;
  r.content_block_tokens = 16;
  r.content_ids = std::move(ids);
  r.prompt_tokens = static_cast<std::int32_t>(16 * r.content_ids.size());
  r.output_tokens = 1;
  return r;
}

std::vector<std::uint64_t> chunk_keys(const Request& r) {
  std::vector<std::uint64_t> keys;
  moelab::sim::full_block_keys(r, 16, r.prompt_tokens, keys);
  return keys;
}

void serve(TieredKvCache& cache, const Request& r) {
  cache.start(r);
  BOOST_REQUIRE(cache.reserve(r.id, r.prompt_tokens));
  cache.prefill_done(r.id);
  BOOST_REQUIRE(cache.reserve(r.id, std::int64_t{r.prompt_tokens} + r.output_tokens));
  cache.finish(r.id);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kv_tiers)

// The bar: with an unlimited DRAM tier the prefix hit rate on the Mooncake trace equals
// the trace's first-touch rate (computed from the hash ids alone, cache_test_support.hpp), while
// HBM holds only a small part of the trace and evicts.
BOOST_AUTO_TEST_CASE(unlimited_dram_hit_rate_equals_first_touch_rate) {
  const auto requests = moelab::test::read_mooncake();
  BOOST_REQUIRE_EQUAL(requests.size(), 12031u);
  std::int64_t prompt_tokens = 0, longest = 0;
  for (const auto& r : requests) {
    prompt_tokens += r.prompt_tokens;
    longest = std::max<std::int64_t>(longest, std::int64_t{r.prompt_tokens} + r.output_tokens);
  }
  for (const std::int64_t block_tokens : {64}) {  // 16 works as well (the disagg notes run it); 64 is 4x cheaper
    const std::int64_t expected = moelab::test::first_touch_hit_tokens(requests, block_tokens);
    const std::int64_t hbm_blocks = 2 * (longest / block_tokens + 1);  // two of the longest sequences
    for (const auto& [name, make] : moelab::test::prefix_policies()) {
      BOOST_TEST_CONTEXT(name << " block " << block_tokens) {
        if (name == "block_hash") {  // HBM alone loses most of the reuse (checked for one policy)
          auto hbm_only = make(hbm_blocks, block_tokens);
          BOOST_TEST(moelab::test::run_sequentially(*hbm_only, requests).hit_tokens < expected / 2);
        }

        KvTierStore store(KvTierStoreSpec{{KvTierSpec{"dram", kUnlimited, 50e9, 10e-6}}, block_tokens}, 1000.0);
        TieredKvCache cache(make(hbm_blocks, block_tokens), store, costs(1000.0));
        const auto res = moelab::test::run_sequentially(cache, requests);
        BOOST_TEST(res.lookup_tokens == prompt_tokens);
        BOOST_TEST(res.hit_tokens == expected);
        BOOST_TEST(cache.stats().hit_tokens == expected);
        BOOST_TEST(cache.stats().evicted_blocks > 0);
        BOOST_TEST(cache.tier_hit_tokens()[0] == store.stats(0).hit_tokens);
        BOOST_TEST(store.stats(0).hit_tokens > expected / 2);  // most of the reuse came back from DRAM
        BOOST_TEST(store.stats(0).dropped_chunks == 0);
        BOOST_TEST(store.invariant_violations().empty());
        BOOST_TEST(cache.pinned_blocks() == 0);
        cache.check_invariants();
      }
    }
  }
}

// By hand: DRAM holds 2 chunks, SSD 4; HBM holds 4 blocks of 16 tokens; chunks = blocks = 16
// tokens; 1 MB of KV per token (store copy and per GPU alike).
//   A = [a1 a2 a3]: write-through a1, a2, a3 -> DRAM [a2 a3], a1 demoted -> SSD [a1].
//   B = [b1 b2 b3] evicts A from HBM; writes b1 b2 b3 -> DRAM [b2 b3], SSD [a1 a2 a3 b1].
//   A again: HBM has nothing; a1, a2 are in SSD; the cap (one prompt token computed, whole
//   blocks) is 32 tokens, so 32 tokens load from SSD: 100 us + 32 MB / 1 GB/s = 32.1 ms, against
//   (48 - 16) x 10 ms = 320 ms of prefill saved: load. a1, a2 promote to DRAM, demoting b2, b3:
//   DRAM [a1 a2], SSD [a3 b1 b2 b3] (full, nothing dropped).
BOOST_AUTO_TEST_CASE(demotion_and_reload_by_hand) {
  const double mb = 1e6;
  KvTierStoreSpec spec{{KvTierSpec{"dram", 2 * 16 * mb, 50e9, 10e-6}, KvTierSpec{"ssd", 4 * 16 * mb, 1e9, 100e-6}}, 16};
  KvTierStore store(spec, mb);
  TieredKvCache cache(moelab::sim::make_kv_cache("block_hash", 4, 16), store, costs(mb));
  const Request a = request(1, {11, 12, 13}), b = request(2, {21, 22, 23});
  const auto ka = chunk_keys(a), kb = chunk_keys(b);

  serve(cache, a);
  BOOST_TEST(store.tier_of(ka[0]) == 1);
  BOOST_TEST(store.tier_of(ka[1]) == 0);
  BOOST_TEST(store.tier_of(ka[2]) == 0);
  serve(cache, b);
  BOOST_TEST(store.resident_chunks(0) == 2);
  BOOST_TEST(store.resident_chunks(1) == 4);
  BOOST_TEST(store.tier_of(kb[1]) == 0);
  BOOST_TEST(store.tier_of(kb[0]) == 1);
  BOOST_TEST(cache.take_tier_load_s() == 0.0);

  Request again = a;
  again.id = 3;
  BOOST_TEST(cache.peek_cached_tokens(again) == 32);
  BOOST_TEST(cache.start(again) == 32);
  BOOST_TEST(cache.take_tier_load_s() == 0.0);  // committed only once the sequence gets its blocks
  BOOST_REQUIRE(cache.reserve(again.id, again.prompt_tokens));
  BOOST_TEST(cache.take_tier_load_s() == 100e-6 + 32 * mb / 1e9, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(cache.take_tier_load_s() == 0.0);
  cache.prefill_done(again.id);
  BOOST_REQUIRE(cache.reserve(again.id, 49));
  cache.finish(again.id);

  BOOST_TEST(store.stats(1).hit_tokens == 32);
  BOOST_TEST(store.stats(0).hit_tokens == 0);
  BOOST_TEST(store.tier_of(ka[0]) == 0);  // promoted
  BOOST_TEST(store.tier_of(ka[1]) == 0);
  BOOST_TEST(store.tier_of(ka[2]) == 1);
  BOOST_TEST(store.tier_of(kb[2]) == 1);  // demoted by the promotions
  // Bytes: DRAM took 3 + 3 write-throughs and 2 promotions of 16 MB; it gave 6 demotions.
  BOOST_TEST(store.stats(0).written_bytes == 8 * 16 * mb);
  BOOST_TEST(store.stats(0).read_bytes == 6 * 16 * mb);
  BOOST_TEST(store.stats(1).written_bytes == 6 * 16 * mb);
  BOOST_TEST(store.stats(1).read_bytes == 32 * mb);  // the load; SSD never overflowed
  BOOST_TEST(store.stats(1).dropped_chunks == 0);
  BOOST_TEST(cache.stats().hit_tokens == 32);
  BOOST_TEST(store.invariant_violations().empty());
}

// Loading must beat recomputing: with a slow SSD the same request recomputes, and nothing moves.
BOOST_AUTO_TEST_CASE(recompute_when_loading_is_slower) {
  const double mb = 1e6;
  KvTierStoreSpec spec{{KvTierSpec{"dram", 2 * 16 * mb, 50e9, 10e-6}, KvTierSpec{"ssd", 4 * 16 * mb, 1e6, 100e-6}}, 16};
  KvTierStore store(spec, mb);
  TieredKvCache cache(moelab::sim::make_kv_cache("radix", 4, 16), store, costs(mb));
  serve(cache, request(1, {11, 12, 13}));
  serve(cache, request(2, {21, 22, 23}));
  const auto before = store.stats(1);
  Request again = request(3, {11, 12, 13});
  BOOST_TEST(cache.start(again) == 0);  // 32 s of SSD reads against 0.32 s of prefill
  BOOST_REQUIRE(cache.reserve(again.id, again.prompt_tokens));
  BOOST_TEST(cache.take_tier_load_s() == 0.0);
  BOOST_TEST(store.stats(1).read_bytes == before.read_bytes);
  BOOST_TEST(store.stats(1).hit_tokens == 0);
  cache.preempt(again.id);
  BOOST_TEST(store.invariant_violations().empty());
}

BOOST_AUTO_TEST_SUITE_END()
