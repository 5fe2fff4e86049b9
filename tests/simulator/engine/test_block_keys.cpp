// The block_hash cache's building blocks: content keys appended in steps equal the keys computed
// in one go.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include "simulator/engine/content_keys.hpp"

namespace {

using moelab::sim::BlockKeyChain;
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

BOOST_AUTO_TEST_SUITE_END()
