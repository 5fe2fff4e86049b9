// How much prefix reuse each workload offers an ideal cache (unbounded, never evicts): the share
// of prompt tokens covered by content ids already seen as a prefix. Checks the shared-prefix
// workload against its closed form and prints the numbers for the presets in data/workloads.
#include <boost/test/unit_test.hpp>

#include <set>

#include "lab/config/workload_config.hpp"
#include "tests/simulator/workload/workload_test_support.hpp"
#include "tests/support/paths.hpp"

using namespace moelab;
using moelab::test::serve_all;

namespace {

// Ids are prefix-chained, so a set of seen ids is a prefix tree.
struct IdealPrefixCache {
  std::set<std::uint64_t> seen;
  double hit_tokens = 0, prompt_tokens = 0;

  void serve(const sim::Request& r) {
    std::size_t k = 0;
    while (k < r.content_ids.size() && seen.count(r.content_ids[k]) != 0) ++k;
    // Matched ids cover k full blocks except a matched partial last id (only an identical request).
    const double covered = std::min<double>(static_cast<double>(k) * r.content_block_tokens,
                                            static_cast<double>(sim::described_tokens(r)));
    hit_tokens += std::min<double>(covered, r.prompt_tokens);
    prompt_tokens += r.prompt_tokens;
    seen.insert(r.content_ids.begin(), r.content_ids.end());
  }
  double hit_fraction() const { return hit_tokens / prompt_tokens; }
};

// A preset from data/workloads, cut to n requests (chat: n sessions) when n > 0.
sim::WorkloadSpec preset(const std::string& name, std::int64_t n = 0) {
  const auto path = test::data_dir() / "workloads" / (name + ".toml");
  toml::table root = config::parse_file(path);
  if (n > 0) {
    const bool chat = root["workload"]["kind"].value_or(std::string()) == "chat";
    config::apply_override(root, (chat ? "workload.chat.sessions=" : "workload.num_requests=") + std::to_string(n));
  }
  config::StrictTable top(root, path.string());
  config::StrictTable section = top.table("workload");
  return config::parse_workload(section, path.parent_path());
}

double ideal_hit_fraction(const sim::WorkloadSpec& spec, std::uint64_t seed) {
  IdealPrefixCache cache;
  auto w = sim::make_workload(spec, seed);
  // Finishes must precede a chat's next turn: serve with a nominal 20 ms per output token.
  for (const auto& s : serve_all(*w, [](const sim::Request& r) { return 0.02 * r.output_tokens; }))
    cache.serve(s.request);
  return cache.hit_fraction();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prefix_reuse)

BOOST_AUTO_TEST_CASE(shared_prefix_reuse_matches_its_closed_form) {
  // Prefix 1000 tokens = 62 full blocks of 16 (992 tokens) reusable after the first request;
  // suffix fixed 200: hit fraction = 992 / 1200 (minus the first request's miss).
  const auto s = test::workload_spec(R"(kind = "shared_prefix"
arrivals = { kind = "burst" }
prompt_tokens = 200
output_tokens = 10
content_block_tokens = 16
num_requests = 2000
[workload.shared_prefix]
prefix_tokens = 1000
)");
  const double n = 2000;
  const double expected = 992.0 / 1200.0 * (n - 1) / n;
  BOOST_TEST(ideal_hit_fraction(s, 1) == expected, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(mooncake_trace_reuse) {
  IdealPrefixCache cache;
  auto w = sim::make_workload(preset("mooncake_conversation"), 0);
  while (w->peek_arrival_s()) cache.serve(w->pop());
  BOOST_TEST_MESSAGE("mooncake_conversation: ideal prefix hit fraction " << cache.hit_fraction());
  // Independent of the generators: counted from the trace's hash ids alone.
  BOOST_TEST(cache.hit_fraction() > 0.3);
  BOOST_TEST(cache.hit_fraction() < 0.5);
}

BOOST_AUTO_TEST_CASE(presets_offer_reuse_of_the_expected_kind) {
  const double chat = ideal_hit_fraction(preset("sharegpt_chat", 1000), 1);
  const double lmsys = ideal_hit_fraction(preset("lmsys_chat", 1000), 1);
  const double rag = ideal_hit_fraction(preset("rag_zipf", 3000), 1);
  const double fewshot = ideal_hit_fraction(preset("shared_prefix_fewshot", 3000), 1);
  BOOST_TEST_MESSAGE("ideal prefix hit fraction: sharegpt_chat " << chat << ", lmsys_chat " << lmsys << ", rag_zipf "
                                                                 << rag << ", shared_prefix_fewshot " << fewshot);
  // Longer conversations share more history; RAG reuses its system prompt and popular first documents.
  BOOST_TEST(chat > lmsys);
  BOOST_TEST(rag > 512.0 / (512 + 4 * 320 + 64));  // more than the system prompt alone
  BOOST_TEST(fewshot > 0.8);
}

BOOST_AUTO_TEST_SUITE_END()
