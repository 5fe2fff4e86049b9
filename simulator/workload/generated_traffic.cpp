#include "simulator/workload/generated_traffic.hpp"

#include <fmt/format.h>

namespace moelab::sim {
namespace {
// Default tokens per content id for generated prefix workloads: vLLM's default KV block size
// (16), so a paged cache with that block size can match every shared full block.
constexpr std::int64_t kDefaultBlockTokens = 16;
// A content id names at most this many tokens (block sums stay far from int64 limits).
constexpr std::int64_t kMaxContentBlockTokens = 1 << 20;
}  // namespace

GeneratedTraffic read_generated_traffic(TableReader& workload, TrafficKeys keys) {
  GeneratedTraffic t;
  if (keys.num_requests) t.num_requests = workload.integer_or("num_requests", 0);
  t.arrivals = read_arrival_process(workload);
  t.prompt_tokens = read_length_distribution(workload, "prompt_tokens");
  t.output_tokens = read_length_distribution(workload, "output_tokens");
  if (keys.content_block_tokens)
    t.content_block_tokens = workload.integer_or("content_block_tokens", kDefaultBlockTokens);
  return t;
}

std::optional<RequestCount> open_loop_request_count(const GeneratedTraffic& t) {
  if (t.num_requests <= 0) return std::nullopt;
  return RequestCount{static_cast<double>(t.num_requests), "num_requests"};
}

MaybeProblem check_generated_traffic(const GeneratedTraffic& t, TrafficKeys keys) {
  if (auto p = out_of_range(t.num_requests, IntRange{0, kMaxExactDoubleInt})) return problem("num_requests", *p);
  if (auto p = under("arrivals", t.arrivals->check())) return p;
  if (auto p = under("prompt_tokens", t.prompt_tokens->check())) return p;
  if (auto p = under("output_tokens", t.output_tokens->check())) return p;
  if (keys.content_block_tokens) {
    if (auto p = out_of_range(t.content_block_tokens, IntRange{1, kMaxContentBlockTokens}))
      return problem("content_block_tokens", *p);
  }
  if (keys.num_requests && t.arrivals->all_at_time_zero() && t.num_requests == 0) {
    return problem("num_requests", fmt::format("{} arrivals put every request at t = 0: give a number of requests > 0",
                                               t.arrivals->kind()));
  }
  return std::nullopt;
}

}  // namespace moelab::sim
