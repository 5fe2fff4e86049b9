#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moelab::sim {

// One inference request as the simulator sees it. No real tokens: prompt content is described by
// content ids (as the Mooncake trace's hash_ids), each naming `content_block_tokens` tokens;
// equal ids mean equal tokens. Ids may run past the prompt into the output (multi-turn chat
// knows what the answer will be reused as); a cache may insert only blocks that ids describe.
struct Request {
  std::int64_t id = 0;              // dense, 0-based, in arrival order
  double arrival_s = 0;
  std::int32_t prompt_tokens = 0;
  std::int32_t output_tokens = 0;   // tokens to generate (>= 1)
  std::int32_t content_block_tokens = 0;  // 0 = no content ids (no prefix sharing possible)
  std::vector<std::uint64_t> content_ids;
  std::int64_t session_id = -1;     // multi-turn session, -1 = none
  std::int32_t turn = 0;            // 0-based turn within the session
};

// A stream of requests in non-decreasing arrival order. Streaming keeps 1M-request runs small.
class Workload {
 public:
  virtual ~Workload() = default;
  virtual std::optional<Request> next() = 0;
  // Multi-turn workloads release a session's next turn only after the previous one finishes
  // (plus think time); the engine reports finishes here. Open-loop workloads ignore it.
  virtual void on_finished(const Request& /*request*/, double /*finish_s*/) {}
  // True when next() may return more requests later (closed-loop sessions still thinking).
  virtual bool may_have_more() const { return false; }
};

}  // namespace moelab::sim
