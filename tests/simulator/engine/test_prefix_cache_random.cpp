// Randomised interleavings of concurrent sequences on a small cache: the policies' internal
// invariants hold after every operation (a block or tree node a running sequence uses is never
// evicted or freed, reference counts match the running set), and everything is released at the end.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "tests/simulator/engine/cache_test_support.hpp"

namespace {

using moelab::sim::Request;

// Requests from a few shared "documents" so that prefixes collide often.
Request random_request(std::int64_t id, std::mt19937_64& rng) {
  Request r;
  r.id = id;
  r.content_block_tokens = 32;
  const int n_ids = 1 + static_cast<int>(rng() % 12);
  const std::uint64_t family = rng() % 4;
  for (int j = 0; j < n_ids; ++j) {
    // Early positions come from few choices (shared), later ones from many (unique).
    const std::uint64_t choices = j < 3 ? 2 : 1000;
    r.content_ids.push_back(family * 1000000 + static_cast<std::uint64_t>(j) * 10000 + rng() % choices);
  }
  r.prompt_tokens = static_cast<std::int32_t>((n_ids - 1) * 32 + 1 + rng() % 32);
  r.output_tokens = 1 + static_cast<std::int32_t>(rng() % 80);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prefix_cache_random)

BOOST_AUTO_TEST_CASE(running_sequences_keep_their_blocks) {
  for (const auto& [name, make] : moelab::test::prefix_policies()) {
    for (const std::int64_t block_tokens : {1, 16}) {
      std::mt19937_64 rng(12345 + static_cast<std::uint64_t>(block_tokens));
      auto cache = make(4096 / block_tokens, block_tokens);
      struct Live {
        Request request;
        std::int64_t tokens = 0;
        bool prefilled = false;
      };
      std::map<std::int64_t, Live> live;  // ordered: deterministic choice of victims
      std::int64_t next_id = 0;
      std::int64_t failed_reserves = 0;
      for (int step = 0; step < 20000; ++step) {
        const auto op = rng() % 10;
        if (op < 3 || live.empty()) {
          Live l{random_request(next_id++, rng)};
          const auto cached = cache->start(l.request);
          BOOST_REQUIRE(cached < l.request.prompt_tokens);
          BOOST_REQUIRE(cached % block_tokens == 0);
          l.tokens = cached;
          live.emplace(l.request.id, l);
        } else {
          auto it = live.begin();
          std::advance(it, static_cast<long>(rng() % live.size()));
          Live& l = it->second;
          const std::int64_t full = static_cast<std::int64_t>(l.request.prompt_tokens) + l.request.output_tokens;
          if (op == 9) {
            cache->preempt(l.request.id);
            live.erase(it);
          } else if (l.tokens < full) {
            const std::int64_t want = std::min(full, l.tokens + 1 + static_cast<std::int64_t>(rng() % 40));
            if (cache->reserve(l.request.id, want)) {
              l.tokens = want;
              if (!l.prefilled && l.tokens >= l.request.prompt_tokens) {
                cache->prefill_done(l.request.id);
                l.prefilled = true;
              }
            } else {
              ++failed_reserves;
              cache->preempt(l.request.id);  // as the engine does when memory runs out
              live.erase(it);
            }
          } else {
            cache->finish(l.request.id);
            live.erase(it);
          }
        }
        cache->check_invariants();
        BOOST_REQUIRE(cache->pinned_blocks() + cache->cached_blocks() <= cache->total_blocks());
      }
      for (auto& [id, l] : live) cache->finish(id);
      cache->check_invariants();
      BOOST_TEST_CONTEXT(name << " block " << block_tokens) {
        BOOST_TEST(cache->pinned_blocks() == 0);
        BOOST_TEST(cache->stats().hit_tokens > 0);
        BOOST_TEST(cache->stats().evicted_blocks > 0);  // the cache was under pressure
        BOOST_TEST(failed_reserves > 0);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(aligned_trace_gives_same_hits_for_radix_and_block_hash) {
  // Random shared-prefix traffic whose content blocks are whole KV blocks.
  std::mt19937_64 rng(7);
  std::vector<Request> requests;
  for (int i = 0; i < 3000; ++i) {
    Request r = random_request(i, rng);
    r.prompt_tokens = static_cast<std::int32_t>(r.content_ids.size() * 32);
    requests.push_back(r);
  }
  auto block_hash = moelab::sim::make_kv_cache("block_hash", std::int64_t{1} << 30, 16);
  auto radix = moelab::sim::make_kv_cache("radix", std::int64_t{1} << 30, 16);
  const auto a = moelab::test::run_sequentially(*block_hash, requests);
  const auto b = moelab::test::run_sequentially(*radix, requests);
  BOOST_TEST(a.hit_tokens > 0);
  BOOST_TEST(a.hit_tokens == b.hit_tokens);
}

BOOST_AUTO_TEST_SUITE_END()
