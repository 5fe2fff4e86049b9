// Block content ids: an id names an exact token run in an exact context.
#include <boost/test/unit_test.hpp>

#include <set>

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

BOOST_AUTO_TEST_SUITE_END()
