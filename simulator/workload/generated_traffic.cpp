#include "simulator/workload/generated_traffic.hpp"

#include <fmt/format.h>

namespace moelab::sim {
namespace {
// Default tokens per content id for generated prefix workloads: vLLM's default KV block size
// (16), so a paged cache with that block size can match every shared full block.
constexpr std::int64_t kDefaultBlockTokens = 16;
}  // namespace

GeneratedTraffic read_generated_traffic(TableReader& workload, TrafficKeys keys) {
  GeneratedTraffic t;
  if (keys.num_requests) t.num_requests = workload.integer_or("num_requests", 0);
  t.arrivals = read_arrival_process(workload);
  t.prompt_tokens = read_length_distribution(workload, "prompt_tokens");
  t.output_tokens = read_length_distribution(workload, "output_tokens");
  if (keys.content_block_tokens) t.content_block_tokens = workload.integer_or("content_block_tokens", kDefaultBlockTokens);
  return t;
}

MaybeProblem check_generated_traffic(const GeneratedTraffic& t, TrafficKeys keys) {
  if (t.num_requests < 0) return problem("num_requests", fmt::format("must be >= 0, got {}", t.num_requests));
  if (auto p = under("arrivals", t.arrivals->check())) return p;
  if (auto p = under("prompt_tokens", t.prompt_tokens->check())) return p;
  if (auto p = under("output_tokens", t.output_tokens->check())) return p;
  if (keys.content_block_tokens && t.content_block_tokens <= 0) {
    return problem("content_block_tokens", fmt::format("must be > 0, got {}", t.content_block_tokens));
  }
  if (keys.num_requests && t.arrivals->all_at_time_zero() && t.num_requests == 0) {
    return problem("num_requests", fmt::format("{} arrivals put every request at t = 0: give a number of requests > 0",
                                               t.arrivals->kind()));
  }
  return std::nullopt;
}

}  // namespace moelab::sim
