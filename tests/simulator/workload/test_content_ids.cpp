// Block content ids: an id names an exact token run in an exact context.
#include <boost/test/unit_test.hpp>

#include <map>
#include <set>

#include "base/rng.hpp"
#include "simulator/workload/content_ids.hpp"

using namespace moelab::sim;

BOOST_AUTO_TEST_SUITE(content_ids)

BOOST_AUTO_TEST_CASE(one_id_per_block_and_partial_blocks_differ) {
  const std::vector<ContentSegment> segs = {{11, 40}, {22, 30}};
  const auto full = block_content_ids(segs, 70, 16);     // 4 full + 1 partial (6 tokens)
  const auto shorter = block_content_ids(segs, 50, 16);  // 3 full + 1 partial (2 tokens)
  BOOST_TEST(full.size() == 5u);
  BOOST_TEST(shorter.size() == 4u);
  for (int j = 0; j < 3; ++j) BOOST_TEST(full[j] == shorter[j]);
  BOOST_TEST(full[3] != shorter[3]);  // 16 tokens vs the first 2 of them
  BOOST_TEST(std::set<std::uint64_t>(full.begin(), full.end()).size() == full.size());
  BOOST_TEST(block_content_ids(segs, 70, 16) == full, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(equal_content_in_a_different_context_gets_different_ids) {
  // Document 7 (32 tokens) after document 5 vs first: same tokens, different prefix.
  const std::vector<ContentSegment> a = {{5, 32}, {7, 32}};
  const std::vector<ContentSegment> b = {{7, 32}, {5, 32}};
  const auto ia = block_content_ids(a, 64, 16), ib = block_content_ids(b, 64, 16);
  BOOST_TEST(ia[2] != ib[0]);
  BOOST_TEST(ia[0] != ib[0]);
  // The same split of the same tokens into segments in the same order is the same content.
  const std::vector<ContentSegment> c = {{5, 32}, {7, 32}, {9, 5}};
  const auto ic = block_content_ids(c, 69, 16);
  for (int j = 0; j < 4; ++j) BOOST_TEST(ia[j] == ic[j]);
}

BOOST_AUTO_TEST_CASE(a_change_inside_a_block_changes_that_block_and_every_later_one) {
  const std::vector<ContentSegment> a = {{1, 20}, {2, 60}};
  const std::vector<ContentSegment> b = {{1, 20}, {3, 60}};
  const auto ia = block_content_ids(a, 80, 16), ib = block_content_ids(b, 80, 16);
  BOOST_TEST(ia[0] == ib[0]);  // tokens 0..15 are segment 1 in both
  for (int j = 1; j < 5; ++j) BOOST_TEST(ia[j] != ib[j]);
}

BOOST_AUTO_TEST_CASE(ids_agree_with_a_token_level_reference) {
  // Random prompts from a small pool of segments (a uid always has the same length, as equal uids
  // are equal tokens). Reference: a block's identity is the full token list up to its end, each
  // token named (segment uid, offset). Equal reference <=> equal id, over every pair of blocks.
  moelab::Rng rng(77);
  std::vector<std::int64_t> pool_tokens(6);
  for (auto& t : pool_tokens) t = 1 + static_cast<std::int64_t>(rng.below(40));
  std::map<std::vector<std::pair<std::uint64_t, std::int64_t>>, std::uint64_t> id_of_prefix;
  std::map<std::uint64_t, std::vector<std::pair<std::uint64_t, std::int64_t>>> prefix_of_id;
  int shared = 0;
  for (int prompt = 0; prompt < 400; ++prompt) {
    std::vector<ContentSegment> segs;
    std::vector<std::pair<std::uint64_t, std::int64_t>> tokens;
    const int n = 1 + static_cast<int>(rng.below(4));
    for (int i = 0; i < n; ++i) {
      const auto u = rng.below(pool_tokens.size());
      segs.push_back({1000 + u, pool_tokens[u]});
      for (std::int64_t o = 0; o < pool_tokens[u]; ++o) tokens.emplace_back(1000 + u, o);
    }
    const auto total = 1 + static_cast<std::int64_t>(rng.below(tokens.size()));
    const std::int64_t block = 8;
    const auto ids = block_content_ids(segs, total, block);
    BOOST_REQUIRE(ids.size() == static_cast<std::size_t>((total + block - 1) / block));
    for (std::size_t j = 0; j < ids.size(); ++j) {
      const auto end = std::min<std::int64_t>(total, static_cast<std::int64_t>(j + 1) * block);
      std::vector<std::pair<std::uint64_t, std::int64_t>> prefix(tokens.begin(), tokens.begin() + end);
      const auto [it, fresh] = id_of_prefix.emplace(prefix, ids[j]);
      if (!fresh) {
        ++shared;
        BOOST_REQUIRE(it->second == ids[j]);  // same tokens in the same context -> same id
      }
      const auto [jt, new_id] = prefix_of_id.emplace(ids[j], prefix);
      BOOST_REQUIRE(jt->second == prefix);  // same id -> same tokens in the same context
    }
  }
  BOOST_TEST(shared > 100);  // the pool is small enough that many blocks recur
}

BOOST_AUTO_TEST_SUITE_END()
