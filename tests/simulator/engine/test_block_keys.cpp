// The block_hash cache's building blocks: content keys appended in steps equal the keys computed
// in one go, the open-addressing key index answers like a std::unordered_map through inserts,
// erases (backward shift) and growth, and the lazy LRU queue keeps a linked list's order.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <list>
#include <random>
#include <unordered_map>
#include <vector>

#include "simulator/engine/block_key_index.hpp"
#include "simulator/engine/block_lru_queue.hpp"
#include "simulator/engine/content_keys.hpp"

namespace {

using moelab::sim::BlockKeyChain;
using moelab::sim::BlockKeyIndex;
using moelab::sim::BlockLruQueue;
using moelab::sim::Request;

Request multi_turn_request(std::mt19937_64& rng) {
  Request r;
  r.content_block_tokens = 1 + static_cast<std::int64_t>(rng() % 40);
  r.prompt_tokens = 1 + static_cast<std::int32_t>(rng() % 600);
  r.output_tokens = 1 + static_cast<std::int32_t>(rng() % 300);
  // Ids for the prompt and, half the time, the output too (they run on into it).
  const std::int64_t described = r.prompt_tokens + (rng() % 2 ? r.output_tokens : 0);
  const std::int64_t n_ids = (described + r.content_block_tokens - 1) / r.content_block_tokens;
  for (std::int64_t i = 0; i < n_ids; ++i) r.content_ids.push_back(rng() % 50);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(block_keys)

BOOST_AUTO_TEST_CASE(keys_extended_in_steps_equal_keys_computed_at_once) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 500; ++trial) {
    const Request r = multi_turn_request(rng);
    const std::int64_t block_tokens = 1 + static_cast<std::int64_t>(rng() % 32);
    const std::int64_t total = std::int64_t{r.prompt_tokens} + r.output_tokens;
    std::vector<std::uint64_t> stepped;
    BlockKeyChain at;
    for (std::int64_t upto = 0;; upto += 1 + static_cast<std::int64_t>(rng() % 97)) {
      if (upto > total + block_tokens) upto = total + block_tokens;
      moelab::sim::extend_full_block_keys(r, block_tokens, upto, stepped, at);
      std::vector<std::uint64_t> whole;
      moelab::sim::full_block_keys(r, block_tokens, upto, whole);
      BOOST_REQUIRE_EQUAL_COLLECTIONS(stepped.begin(), stepped.end(), whole.begin(), whole.end());
      if (upto == total + block_tokens) break;
    }
    // A shorter request afterwards keeps the longer keys (they are the same blocks).
    const std::size_t before = stepped.size();
    moelab::sim::extend_full_block_keys(r, block_tokens, block_tokens, stepped, at);
    BOOST_REQUIRE_EQUAL(stepped.size(), before);
  }
}

BOOST_AUTO_TEST_CASE(key_index_agrees_with_a_hash_map) {
  std::mt19937_64 rng(11);
  BlockKeyIndex index;
  std::unordered_map<std::uint64_t, std::int32_t> reference;
  // Few distinct keys, so inserts of present keys and erases of absent ones happen often; enough
  // live keys to grow the table several times.
  for (int step = 0; step < 200000; ++step) {
    const std::uint64_t key = rng() % 6000;
    const auto block = static_cast<std::int32_t>(rng() % 100000);
    switch (rng() % 4) {
      case 0: {
        const bool inserted = index.insert_if_absent(key, block);
        BOOST_REQUIRE_EQUAL(inserted, reference.emplace(key, block).second);
        break;
      }
      case 1:
        if (!reference.contains(key)) {
          index.insert(key, block);
          reference.emplace(key, block);
        }
        break;
      case 2:
        index.erase(key);
        reference.erase(key);
        break;
      default: {
        const auto it = reference.find(key);
        BOOST_REQUIRE_EQUAL(index.find(key), it == reference.end() ? -1 : it->second);
      }
    }
    BOOST_REQUIRE_EQUAL(index.size(), reference.size());
  }
  std::size_t seen = 0;
  index.for_each([&](std::uint64_t key, std::int32_t block) {
    BOOST_REQUIRE_EQUAL(reference.at(key), block);
    ++seen;
  });
  BOOST_REQUIRE_EQUAL(seen, reference.size());
}

BOOST_AUTO_TEST_CASE(lru_queue_keeps_the_order_of_a_linked_list) {
  std::mt19937_64 rng(13);
  constexpr std::int32_t kBlocks = 3000;
  BlockLruQueue lru;
  for (std::int32_t b = 0; b < kBlocks; ++b) lru.add_block();
  std::list<std::int32_t> reference;  // oldest first
  std::vector<std::list<std::int32_t>::iterator> where(kBlocks, reference.end());
  // Long runs of pushes and removals without pops grow and compact the queue; pops of up to a few
  // hundred blocks take from the front past stale entries.
  for (int step = 0; step < 300000; ++step) {
    const auto b = static_cast<std::int32_t>(rng() % kBlocks);
    const auto op = rng() % 100;
    if (op < 55) {
      if (where[static_cast<std::size_t>(b)] == reference.end()) {
        lru.push_back(b);
        where[static_cast<std::size_t>(b)] = reference.insert(reference.end(), b);
      }
    } else if (op < 95) {
      if (where[static_cast<std::size_t>(b)] != reference.end()) {
        lru.remove(b);
        reference.erase(where[static_cast<std::size_t>(b)]);
        where[static_cast<std::size_t>(b)] = reference.end();
      }
    } else {
      const auto n = std::min<std::int64_t>(static_cast<std::int64_t>(rng() % 300), lru.size());
      std::vector<std::int32_t> popped;
      lru.pop_oldest(n, [&](std::int32_t p) { popped.push_back(p); });
      BOOST_REQUIRE_EQUAL(static_cast<std::int64_t>(popped.size()), n);
      for (const std::int32_t p : popped) {
        BOOST_REQUIRE_EQUAL(p, reference.front());
        where[static_cast<std::size_t>(p)] = reference.end();
        reference.pop_front();
      }
    }
    BOOST_REQUIRE_EQUAL(lru.size(), static_cast<std::int64_t>(reference.size()));
    BOOST_REQUIRE_EQUAL(lru.contains(b), where[static_cast<std::size_t>(b)] != reference.end());
  }
  std::vector<std::int32_t> listed;
  lru.for_each([&](std::int32_t b) { listed.push_back(b); });
  BOOST_REQUIRE_EQUAL_COLLECTIONS(listed.begin(), listed.end(), reference.begin(), reference.end());
}

BOOST_AUTO_TEST_SUITE_END()
