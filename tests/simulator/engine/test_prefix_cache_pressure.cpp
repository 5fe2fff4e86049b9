// Prefix caches under memory pressure, traced by hand on a cache of 8 blocks x 4 tokens (32
// tokens). Content ids name 4 tokens each, so one id = one block. Calls follow the engine's
// contract (kv_cache.hpp): start, reserve, prefill_done, finish, preempt; an admission the engine
// cannot complete is undone with preempt().
//
// What the traces pin down (simulator/engine/README.md, "Prefix caches under memory pressure"):
// - radix evicts the least recently used unlocked leaf WHOLE (SGLang RadixCache.evict() frees
//   x.value of each popped leaf until the requested count is reached), so a preempted sequence's
//   prompt, one leaf, disappears entirely when a later allocation needs even one block;
// - block_hash (vLLM automatic prefix caching) evicts single blocks from the head of its free
//   list, where a freed sequence's tail blocks come first, so most of that prompt survives;
// - a reservation that cannot succeed changes nothing, for either policy (radix used to evict
//   leaves first and then fail, emptying the cache for an admission that did not happen).
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <memory>
#include <vector>

#include "simulator/engine/kv_cache.hpp"

namespace {

using moelab::sim::KvCache;
using moelab::sim::Request;

constexpr std::int64_t kBlocks = 8;
constexpr std::int64_t kBlockTokens = 4;

// A request whose content ids describe its prompt only (one id per 4 tokens).
Request request(std::int64_t id, std::int32_t prompt_tokens, std::vector<std::uint64_t> ids) {
  Request r;
  r.id = id;
  r.prompt_tokens = prompt_tokens;
  r.output_tokens = 8;
  r.content_block_tokens = 4;
  r.content_ids = std::move(ids);
  return r;
}

std::unique_ptr<KvCache> make(bool radix) {
  return moelab::sim::make_kv_cache(radix ? "radix" : "block_hash", kBlocks, kBlockTokens);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prefix_cache_pressure)

// A (prompt a0 a1 a2 a3, 16 tokens) prefills, decodes one token into a 5th block and is
// preempted. B (b0..b4, 20 tokens) is admitted, which needs room; B finishes. A is admitted again.
//
// radix (memory in tokens):
//   A prefill_done   tree: [a0 a1 a2 a3] (16, locked by A)        free 16
//   A reserve 17     1 private token                               free 15
//   A preempt        private token freed; the leaf is unlocked    free 16, evictable 16
//   B reserve 20     need 20 > free 16: evict the LRU leaf, A's    free 32 -> 12 after B
//                    [a0..a3], whole (16 tokens = 4 blocks)
//   B prefill_done / finish   tree: [b0..b4] (20, unlocked)
//   A start          no match: 0 cached tokens
//   A reserve 16     need 16 > free 12: evict [b0..b4] whole (20 tokens = 5 blocks)
//   => hits 0 of 52 prompt tokens, 9 blocks evicted.
// block_hash (blocks numbered in allocation order):
//   A reserve 16 / prefill_done   blocks 0..3 keyed a0..a3; reserve 17: blank block 4
//   A preempt        block 4 to the blank list; 3, 2, 1, 0 to the LRU list in that order (tail first)
//   B reserve 20     blank 4, new 5, 6, 7, then evict LRU head 3 (a3): 1 block evicted
//   B finish         B's blocks [4 5 6 7 3] keyed b0..b4, freed tail first: LRU 2 1 0 3 7 6 5 4
//   A start          a0 a1 a2 still keyed: blocks 0, 1, 2 pinned (they leave the LRU list),
//                    12 cached tokens (the cap: one prompt token is computed, (16 - 1) / 4 = 3)
//   A reserve 16     one more block: the LRU head, 3 (b4), is evicted
//   => hits 12 of 52 prompt tokens, 2 blocks evicted.
BOOST_AUTO_TEST_CASE(a_preempted_prompt_survives_in_blocks_but_not_as_a_whole_leaf) {
  const Request a = request(0, 16, {101, 102, 103, 104});
  const Request b = request(1, 20, {201, 202, 203, 204, 205});
  struct Expected {
    bool radix;
    std::int64_t a_again_cached;
    std::int64_t evicted_after_b;
    std::int64_t evicted_at_end;
  };
  for (const Expected e : {Expected{true, 0, 4, 9}, Expected{false, 12, 1, 2}}) {
    BOOST_TEST_CONTEXT((e.radix ? "radix" : "block_hash")) {
      auto cache = make(e.radix);
      BOOST_TEST(cache->start(a) == 0);
      BOOST_REQUIRE(cache->reserve(a.id, 16));
      cache->prefill_done(a.id);
      BOOST_REQUIRE(cache->reserve(a.id, 17));
      cache->preempt(a.id);
      BOOST_TEST(cache->peek_cached_tokens(a) == 12);  // all of A's full blocks are still cached
      BOOST_TEST(cache->stats().evicted_blocks == 0);

      BOOST_TEST(cache->start(b) == 0);
      BOOST_REQUIRE(cache->reserve(b.id, 20));
      BOOST_TEST(cache->stats().evicted_blocks == e.evicted_after_b);
      cache->prefill_done(b.id);
      cache->finish(b.id);

      BOOST_TEST(cache->peek_cached_tokens(a) == e.a_again_cached);
      BOOST_TEST(cache->start(a) == e.a_again_cached);
      BOOST_REQUIRE(cache->reserve(a.id, 16));
      cache->prefill_done(a.id);
      cache->finish(a.id);

      const auto stats = cache->stats();
      BOOST_TEST(stats.lookup_tokens == 16 + 20 + 16);
      BOOST_TEST(stats.hit_tokens == e.a_again_cached);
      BOOST_TEST(stats.evicted_blocks == e.evicted_at_end);
      BOOST_TEST(cache->pinned_blocks() == 0);
      cache->check_invariants();
    }
  }
}

// C (c0 c1, 8 tokens) runs to the end: its prompt stays cached. E (16 tokens) holds memory
// mid-prefill. D (20 tokens) asks for room that free plus evictable memory cannot give:
// radix free 32 - 8 (C, unlocked) - 16 (E) = 8, evictable 8, need 20; block_hash total 8 blocks
// - 4 pinned (E) = 4 blocks, need 5. Both must refuse without touching the cache; the engine
// undoes D's start with preempt(). C2 (c0 c1 c2, 12 tokens) then reuses C's 8 tokens.
// The old radix evicted C's leaf (2 blocks) before failing, and C2 found nothing.
BOOST_AUTO_TEST_CASE(a_reservation_that_cannot_succeed_evicts_nothing) {
  const Request c = request(0, 8, {301, 302});
  const Request e_running = request(1, 16, {401, 402, 403, 404});
  const Request d = request(2, 20, {501, 502, 503, 504, 505});
  const Request c2 = request(3, 12, {301, 302, 303});
  for (const bool radix : {true, false}) {
    BOOST_TEST_CONTEXT((radix ? "radix" : "block_hash")) {
      auto cache = make(radix);
      BOOST_TEST(cache->start(c) == 0);
      BOOST_REQUIRE(cache->reserve(c.id, 8));
      cache->prefill_done(c.id);
      cache->finish(c.id);
      BOOST_TEST(cache->cached_blocks() == 2);

      BOOST_TEST(cache->start(e_running) == 0);
      BOOST_REQUIRE(cache->reserve(e_running.id, 16));
      BOOST_TEST(cache->pinned_blocks() == 4);

      BOOST_TEST(cache->start(d) == 0);
      BOOST_TEST(!cache->reserve(d.id, 20));
      cache->preempt(d.id);
      BOOST_TEST(cache->stats().evicted_blocks == 0);
      BOOST_TEST(cache->cached_blocks() == 2);
      BOOST_TEST(cache->pinned_blocks() == 4);

      BOOST_TEST(cache->start(c2) == 8);
      BOOST_REQUIRE(cache->reserve(c2.id, 12));
      cache->prefill_done(c2.id);
      cache->finish(c2.id);
      cache->prefill_done(e_running.id);
      cache->finish(e_running.id);

      const auto stats = cache->stats();
      BOOST_TEST(stats.lookup_tokens == 8 + 16 + 12);  // D's undone admission looked nothing up
      BOOST_TEST(stats.hit_tokens == 8);
      BOOST_TEST(stats.evicted_blocks == 0);
      BOOST_TEST(cache->pinned_blocks() == 0);
      cache->check_invariants();
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
