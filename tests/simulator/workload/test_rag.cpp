// rag: Zipf popularity, draw order, prefix-aligned sharing only.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "simulator/workload/workload_spec.hpp"
#include "simulator/workload/zipf.hpp"
#include "tests/simulator/workload/workload_test_support.hpp"

using namespace moelab::sim;
using moelab::test::drain;

namespace {
// Documents of 64 tokens = 4 blocks of 16, no system prompt: block 4*i is the first block of
// the request's i-th document (in its context).
WorkloadSpec rag(std::int64_t corpus, double s, std::int64_t k, const std::vector<std::string>& sets = {}) {
  return moelab::test::workload_spec(fmt::format(R"(kind = "rag"
arrivals = {{ kind = "burst" }}
prompt_tokens = 20
output_tokens = 50
content_block_tokens = 16
num_requests = 50000
[workload.rag]
system_prompt_tokens = 0
corpus_documents = {}
zipf_s = {}
documents_per_request = {}
document_tokens = 64
)",
                                                 corpus, s, k),
                                     sets);
}

double harmonic(int n, double s) {
  double h = 0;
  for (int r = 1; r <= n; ++r) h += std::pow(r, -s);
  return h;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(rag_workload)

BOOST_AUTO_TEST_CASE(zipf_popularity_skew_is_measured_on_first_documents) {
  const auto rs = drain(*make_workload(rag(100, 1.0, 1), 3), 50'000);
  BOOST_REQUIRE(rs.size() == 50'000u);
  std::map<std::uint64_t, int> count;  // first block id = which document came first
  for (const auto& r : rs) {
    BOOST_TEST(r.prompt_tokens == 64 + 20);
    BOOST_TEST(described_tokens(r) == r.prompt_tokens);
    ++count[r.content_ids[0]];
  }
  std::vector<int> freq;
  for (const auto& [id, n] : count) freq.push_back(n);
  std::sort(freq.rbegin(), freq.rend());
  const double h = harmonic(100, 1.0);
  BOOST_TEST(freq[0] / 50'000.0 == 1.0 / h, boost::test_tools::tolerance(0.03));
  BOOST_TEST(freq[1] / 50'000.0 == 0.5 / h, boost::test_tools::tolerance(0.05));
  BOOST_TEST(freq[9] / 50'000.0 == 0.1 / h, boost::test_tools::tolerance(0.15));
  // Uniform popularity (s = 0) is flat.
  const auto flat = drain(*make_workload(rag(10, 0.0, 1), 3), 50'000);
  std::map<std::uint64_t, int> flat_count;
  for (const auto& r : flat) ++flat_count[r.content_ids[0]];
  BOOST_TEST(flat_count.size() == 10u);
  for (const auto& [id, n] : flat_count) BOOST_TEST(n / 50'000.0 == 0.1, boost::test_tools::tolerance(0.05));
}

BOOST_AUTO_TEST_CASE(zipf_sampler_probabilities) {
  const ZipfSampler z(1000, 1.2);
  const double h = harmonic(1000, 1.2);
  BOOST_TEST(z.probability(0) == 1.0 / h, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(z.probability(9) == std::pow(10, -1.2) / h, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(documents_are_distinct_and_shared_only_as_prefix) {
  const auto rs = drain(*make_workload(rag(20, 1.0, 3), 4), 20'000);
  // Group requests by first document; within a group the first document's 4 blocks are equal.
  std::map<std::uint64_t, std::set<std::vector<std::uint64_t>>> first_doc_blocks;
  std::set<std::uint64_t> second_doc_first_blocks;
  for (const auto& r : rs) {
    BOOST_REQUIRE(r.content_ids.size() == static_cast<std::size_t>((3 * 64 + 20 + 15) / 16));
    first_doc_blocks[r.content_ids[0]].insert({r.content_ids.begin(), r.content_ids.begin() + 4});
    second_doc_first_blocks.insert(r.content_ids[4]);
  }
  for (const auto& [id, variants] : first_doc_blocks) BOOST_TEST(variants.size() == 1u);
  // The second document's ids depend on the first: more distinct (first, second) pairs than
  // documents, never more than 20 * 19 ordered pairs.
  BOOST_TEST(second_doc_first_blocks.size() > 20u);
  BOOST_TEST(second_doc_first_blocks.size() <= 380u);
  // Every first-block id of a second document differs from every first-document id.
  for (const auto& [id, v] : first_doc_blocks) BOOST_TEST(second_doc_first_blocks.count(id) == 0u);
}

BOOST_AUTO_TEST_CASE(popularity_order_turns_the_same_set_into_the_same_prefix) {
  // N = k = 2: every request has both documents; drawn order gives 2 prefixes, rank order 1.
  std::set<std::uint64_t> drawn_prefixes, ranked_prefixes;
  for (const auto& r : drain(*make_workload(rag(2, 0.0, 2, {"num_requests=1000"}), 1), 1000)) {
    drawn_prefixes.insert(r.content_ids[7]);
  }
  const auto ranked = rag(2, 0.0, 2, {"num_requests=1000", "rag.document_order=popularity"});
  for (const auto& r : drain(*make_workload(ranked, 1), 1000)) ranked_prefixes.insert(r.content_ids[7]);
  BOOST_TEST(drawn_prefixes.size() == 2u);
  BOOST_TEST(ranked_prefixes.size() == 1u);
}

BOOST_AUTO_TEST_CASE(system_prompt_is_shared_by_everyone) {
  // A 40-token system prompt: 2 full blocks shared, block 2 mixes in the first document.
  const auto spec = rag(50, 1.0, 2,
                        {"rag.system_prompt_tokens=40",
                         "rag.document_tokens={ kind = \"uniform\", min = 128, max = 512 }", "num_requests=500"});
  const auto rs = drain(*make_workload(spec, 2), 500);
  std::set<std::uint64_t> b0, b1, b2;
  for (const auto& r : rs) {
    BOOST_TEST(r.prompt_tokens >= 40 + 2 * 128 + 20);
    BOOST_TEST(r.prompt_tokens <= 40 + 2 * 512 + 20);
    b0.insert(r.content_ids[0]);
    b1.insert(r.content_ids[1]);
    b2.insert(r.content_ids[2]);
  }
  BOOST_TEST(b0.size() == 1u);
  BOOST_TEST(b1.size() == 1u);
  BOOST_TEST(b2.size() > 1u);
}

BOOST_AUTO_TEST_SUITE_END()
