#include <algorithm>
#include <map>
#include <stdexcept>

#include <boost/test/unit_test.hpp>

#include "base/input_error.hpp"
#include "base/rng.hpp"
#include "simulator/engine/kv_cache.hpp"

using namespace moelab::sim;

namespace {
Request req(std::int64_t id, std::int32_t prompt) {
  Request r;
  r.id = id;
  r.prompt_tokens = prompt;
  r.output_tokens = 1;
  return r;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(kv_cache_none)

BOOST_AUTO_TEST_CASE(registry_lists_and_rejects) {
  const auto names = kv_cache_registry().names();
  BOOST_TEST(names == (std::vector<std::string>{"none", "block_hash", "radix"}));
  for (const auto& name : names) BOOST_TEST(make_kv_cache(name, 10, 16)->policy() == name);
  try {
    make_kv_cache("lru-magic", 10, 16);
    BOOST_FAIL("unknown policy accepted");
  } catch (const moelab::InputError& e) {
    BOOST_TEST(e.key() == "engine.cache_policy");
    BOOST_TEST(e.problem() == "unknown KV-cache policy 'lru-magic' (known: none, block_hash, radix)");
  }
}

BOOST_AUTO_TEST_CASE(reserve_grows_by_blocks_and_fails_without_change) {
  auto kv = make_kv_cache("none", 4, 16);
  BOOST_TEST(kv->start(req(0, 40)) == 0);
  BOOST_TEST(kv->reserve(0, 17));  // 2 blocks
  BOOST_TEST(kv->pinned_blocks() == 2);
  BOOST_TEST(kv->reserve(0, 32));  // still 2
  BOOST_TEST(kv->pinned_blocks() == 2);
  BOOST_TEST(kv->start(req(1, 40)) == 0);
  BOOST_TEST(!kv->reserve(1, 48));  // needs 3, 2 free: refused, nothing taken
  BOOST_TEST(kv->pinned_blocks() == 2);
  BOOST_TEST(kv->reserve(1, 32));
  BOOST_TEST(kv->free_blocks() == 0);
  kv->finish(0);
  kv->preempt(1);
  BOOST_TEST(kv->pinned_blocks() == 0);
  BOOST_TEST(kv->cached_blocks() == 0);
}

BOOST_AUTO_TEST_CASE(double_free_and_unknown_ids_are_errors) {
  auto kv = make_kv_cache("none", 8, 16);
  kv->start(req(3, 10));
  BOOST_CHECK_THROW(kv->start(req(3, 10)), std::logic_error);
  kv->finish(3);
  BOOST_CHECK_THROW(kv->finish(3), std::logic_error);
  BOOST_CHECK_THROW(kv->preempt(3), std::logic_error);
  BOOST_CHECK_THROW(kv->reserve(9, 16), std::logic_error);
}

// Random starts, growths, finishes and preemptions against a model of who owns what: the
// allocator never hands out more than it has, never loses a block, and ends at zero.
BOOST_AUTO_TEST_CASE(randomised_alloc_free_never_leaks) {
  const std::int64_t total = 40, bt = 16;
  auto kv = make_kv_cache("none", total, bt);
  moelab::Rng rng(42);
  std::map<std::int64_t, std::int64_t> owned_tokens;  // id -> tokens reserved
  std::int64_t model_blocks = 0;                      // what the model says is pinned
  std::int64_t next_id = 0, refused = 0;
  for (int step = 0; step < 100000; ++step) {
    const double u = rng.uniform01();
    if (u < 0.25 || owned_tokens.empty()) {
      const auto id = next_id++;
      kv->start(req(id, 100));
      owned_tokens[id] = 0;
    } else {
      auto it = owned_tokens.begin();
      std::advance(it, static_cast<long>(rng.next_u64() % owned_tokens.size()));
      if (u < 0.7) {
        const std::int64_t want = it->second + 1 + static_cast<std::int64_t>(rng.next_u64() % 40);
        const std::int64_t before = kv->pinned_blocks();
        const std::int64_t growth = kv->blocks_for(want) - kv->blocks_for(it->second);
        const bool fits = model_blocks + growth <= total;
        BOOST_REQUIRE_EQUAL(kv->reserve(it->first, want), fits);
        if (fits) {
          it->second = want;
          model_blocks += growth;
        } else {
          ++refused;
          BOOST_REQUIRE_EQUAL(kv->pinned_blocks(), before);
        }
      } else {
        if (u < 0.85)
          kv->finish(it->first);
        else
          kv->preempt(it->first);
        model_blocks -= kv->blocks_for(it->second);
        owned_tokens.erase(it);
      }
    }
    BOOST_REQUIRE_EQUAL(kv->pinned_blocks(), model_blocks);
    BOOST_REQUIRE(kv->pinned_blocks() <= total);
    BOOST_REQUIRE_EQUAL(kv->free_blocks(), total - kv->pinned_blocks());
  }
  BOOST_TEST(refused > 0);  // the cache really was full at times
  for (const auto& [id, t] : owned_tokens) kv->finish(id);
  BOOST_TEST(kv->pinned_blocks() == 0);
}

BOOST_AUTO_TEST_CASE(memory_follows_live_sequences_not_request_ids) {
  // One DP rank of a large instance sees sparse, growing request ids; what it keeps must not grow
  // with them (a table indexed by id would need 8 TB here).
  auto kv = make_kv_cache("none", 1000, 16);
  for (std::int64_t i = 0; i < 5000; ++i) {
    const std::int64_t id = 1'000'000'000'000 + i * 1024;
    BOOST_TEST(kv->start(req(id, 40)) == 0);
    BOOST_TEST(kv->reserve(id, 40));
    if (i >= 2) kv->finish(id - 2 * 1024);
  }
  BOOST_TEST(kv->pinned_blocks() == 2 * 3);
  BOOST_CHECK_THROW(kv->reserve(1'000'000'000'000, 48), std::logic_error);                   // finished long ago
  BOOST_CHECK_THROW(kv->start(req(1'000'000'000'000 + 4999 * 1024, 40)), std::logic_error);  // still running
}

BOOST_AUTO_TEST_SUITE_END()
