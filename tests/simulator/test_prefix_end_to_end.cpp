// Prefix caching through the whole stack: experiment text -> config loaders -> simulate() -> the
// run's summary row and request records. Checks what each policy must do whatever the numbers:
// hits only where content is shared and never beyond it, saved tokens that agree between the
// cache's statistics and the engine's per-request records, and no cost for caching.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>

#include "tests/simulator/prefix_test_support.hpp"

using namespace moelab;
using moelab::test::config_from;
using moelab::test::metric;
using moelab::test::run_checked;

namespace {

constexpr std::int64_t kRequests = 400;
constexpr std::int64_t kPrefixTokens = 1024;

// 400 requests at t = 0, all starting with one 1,024-token prefix, then a unique suffix.
std::string shared_prefix_burst(const std::string& engine_table) {
  return engine_table + R"(
[workload]
kind = "shared_prefix"
num_requests = 400
content_block_tokens = 16
prompt_tokens = { kind = "lognormal", mean = 128, sigma = 0.8, max = 2048 }
output_tokens = { kind = "lognormal", mean = 64, sigma = 0.8, max = 512 }
arrivals = { kind = "burst" }
[workload.shared_prefix]
prefix_tokens = 1024
num_prefixes = 1
)";
}

std::string engine(const std::string& id, const std::string& cache_policy) {
  return "[engine]\nid = \"" + id + "\"\ncache_policy = \"" + cache_policy + "\"\n";
}

struct RecordSums {
  std::int64_t prompt_tokens = 0;
  std::int64_t cached_tokens = 0;
  std::int64_t max_cached_tokens = 0;
};

RecordSums sums(const sim::RunResult& r) {
  RecordSums s;
  for (const auto& rec : r.requests) {
    s.prompt_tokens += rec.prompt_tokens;
    s.cached_tokens += rec.cached_tokens;
    s.max_cached_tokens = std::max<std::int64_t>(s.max_cached_tokens, rec.cached_tokens);
  }
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prefix_end_to_end)

BOOST_AUTO_TEST_CASE(shared_prefix_hits_with_either_cache_and_none_without) {
  for (const char* id : {"vllm", "sglang"}) {
    for (const char* policy : {"none", "block_hash", "radix"}) {
      BOOST_TEST_CONTEXT("engine " << id << ", cache " << policy) {
        const auto r = run_checked(config_from(shared_prefix_burst(engine(id, policy))));
        const double hit_rate = metric(r, "prefix_hit_rate");
        const auto s = sums(r);
        if (std::string(policy) == "none") {
          BOOST_TEST(hit_rate == 0.0);
          BOOST_TEST(metric(r, "prefill_tokens_saved") == 0.0);
          BOOST_TEST(s.cached_tokens == 0);
        } else {
          BOOST_TEST(hit_rate > 0.0);
          // Only the shared prefix can hit: the block holding the prefix/suffix boundary is unique,
          // so no request reuses more than the prefix, and the cache cannot save more than
          // every request's prefix.
          BOOST_TEST(s.max_cached_tokens <= kPrefixTokens);
          BOOST_TEST(s.max_cached_tokens > 0);
          BOOST_TEST(metric(r, "prefill_tokens_saved") <= static_cast<double>(kRequests * kPrefixTokens));
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(saved_prefill_tokens_equal_the_hits_the_engine_recorded) {
  // Plenty of KV (no preemption): every request is admitted once, so the cache's hit statistics
  // and the engine's per-request cached_tokens describe the same admissions.
  for (const char* id : {"vllm", "sglang"}) {
    for (const char* policy : {"block_hash", "radix"}) {
      BOOST_TEST_CONTEXT("engine " << id << ", cache " << policy) {
        const auto r = run_checked(config_from(shared_prefix_burst(engine(id, policy))));
        BOOST_TEST_REQUIRE(metric(r, "preemptions") == 0.0);
        const auto s = sums(r);
        BOOST_TEST(metric(r, "prefill_tokens_saved") == static_cast<double>(s.cached_tokens));
        BOOST_TEST(
            metric(r, "prefix_hit_rate") == static_cast<double>(s.cached_tokens) / static_cast<double>(s.prompt_tokens),
            boost::test_tools::tolerance(1e-12));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(caching_never_lengthens_an_offline_burst) {
  // Same requests, same engine, cache on vs off: skipping prefill work cannot make the whole
  // batch finish later (throughput of an offline run = tokens / duration).
  for (const char* id : {"vllm", "sglang"}) {
    const auto off = run_checked(config_from(shared_prefix_burst(engine(id, "none"))));
    for (const char* policy : {"block_hash", "radix"}) {
      BOOST_TEST_CONTEXT("engine " << id << ", cache " << policy) {
        const auto on = run_checked(config_from(shared_prefix_burst(engine(id, policy))));
        BOOST_TEST(sums(on).prompt_tokens == sums(off).prompt_tokens);  // same workload
        BOOST_TEST(metric(on, "duration_s") <= metric(off, "duration_s"));
        BOOST_TEST(metric(on, "output_tok_per_s") >= metric(off, "output_tok_per_s"));
        BOOST_TEST(metric(on, "ttft_mean_s") <= metric(off, "ttft_mean_s"));
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
