// shared_prefix: the prefix's full blocks are shared by every request using it, nothing more.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <map>
#include <set>

#include "simulator/workload/workload_spec.hpp"
#include "tests/simulator/workload/workload_test_support.hpp"

using namespace moelab::sim;
using moelab::test::drain;

namespace {
WorkloadSpec shared_prefix(std::int64_t prefix_tokens, std::int64_t prefixes) {
  return moelab::test::workload_spec(fmt::format(R"(kind = "shared_prefix"
arrivals = {{ kind = "poisson", rate_per_s = 10 }}
prompt_tokens = {{ kind = "uniform", min = 1, max = 200 }}
output_tokens = 32
content_block_tokens = 16
num_requests = 4000
[workload.shared_prefix]
prefix_tokens = {}
num_prefixes = {}
)",
                                                 prefix_tokens, prefixes));
}
}  // namespace

BOOST_AUTO_TEST_SUITE(shared_prefix_workload)

BOOST_AUTO_TEST_CASE(ids_are_shared_exactly_for_the_prefix_full_blocks) {
  const auto rs = drain(*make_workload(shared_prefix(100, 1), 5), 4000);
  BOOST_REQUIRE(rs.size() == 4000u);
  const std::size_t shared_blocks = 100 / 16;  // 6; block 6 holds 4 prefix tokens + suffix
  std::set<std::uint64_t> boundary;
  for (const auto& r : rs) {
    BOOST_TEST(r.prompt_tokens > 100);
    BOOST_TEST(r.prompt_tokens <= 300);
    BOOST_TEST(r.content_block_tokens == 16);
    BOOST_REQUIRE(r.content_ids.size() == static_cast<std::size_t>((r.prompt_tokens + 15) / 16));
    for (std::size_t j = 0; j < shared_blocks; ++j) BOOST_TEST(r.content_ids[j] == rs[0].content_ids[j]);
    boundary.insert(r.content_ids[shared_blocks]);
  }
  BOOST_TEST(boundary.size() == rs.size());  // the first block past the prefix is never shared
}

BOOST_AUTO_TEST_CASE(prefixes_are_chosen_uniformly) {
  const auto rs = drain(*make_workload(shared_prefix(64, 4), 6), 4000);
  std::map<std::uint64_t, int> first_block;
  for (const auto& r : rs) ++first_block[r.content_ids[0]];
  BOOST_TEST(first_block.size() == 4u);
  for (const auto& [id, n] : first_block) BOOST_TEST(n / 4000.0 == 0.25, boost::test_tools::tolerance(0.1));
  // A block-aligned prefix of 64 tokens shares 4 blocks; the 5th is the suffix's.
  std::set<std::uint64_t> fourth, fifth;
  for (const auto& r : rs) {
    fourth.insert(r.content_ids[3]);
    fifth.insert(r.content_ids[4]);
  }
  BOOST_TEST(fourth.size() == 4u);
  BOOST_TEST(fifth.size() == rs.size());
}

BOOST_AUTO_TEST_SUITE_END()
