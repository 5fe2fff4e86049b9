#pragma once
// The [workload] keys every generated kind (synthetic, chat, rag, shared_prefix) shares:
//   arrivals = { kind = ..., ... }      when requests (chat: sessions) arrive
//   prompt_tokens, output_tokens        length distributions (what "prompt" means is the kind's)
//   content_block_tokens = 16           kinds that name their content: tokens per content id
//   num_requests = 0                    open-loop kinds: stop after this many (0 = unbounded)
#include <cstdint>

#include "base/table_reader.hpp"
#include "simulator/workload/arrival_process.hpp"
#include "simulator/workload/length_distribution.hpp"
#include "simulator/workload/spec_problem.hpp"
#include "simulator/workload/workload_spec.hpp"

namespace moelab::sim {

struct GeneratedTraffic {
  ArrivalProcessPtr arrivals;
  LengthDistributionPtr prompt_tokens;
  LengthDistributionPtr output_tokens;
  std::int64_t content_block_tokens = 0;  // 0 = no content ids
  std::int64_t num_requests = 0;          // 0 = unbounded (or not a key of this kind)
};

// Which of the optional shared keys a kind reads (an unread key given in a config is an error).
struct TrafficKeys {
  bool num_requests;          // open loop; chat counts sessions instead
  bool content_block_tokens;  // the kind names its content (prefix sharing)
};

GeneratedTraffic read_generated_traffic(TableReader& workload, TrafficKeys keys);
// num_requests when it is > 0 (open-loop kinds end by it).
std::optional<RequestCount> open_loop_request_count(const GeneratedTraffic& traffic);
// num_requests, arrivals, prompt_tokens, output_tokens, content_block_tokens, and (open loop) a
// count when every request arrives at t = 0.
MaybeProblem check_generated_traffic(const GeneratedTraffic& traffic, TrafficKeys keys);

}  // namespace moelab::sim
