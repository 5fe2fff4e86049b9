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
  std::int64_t id = 0;  // dense, 0-based, in arrival order
  double arrival_s = 0;
  std::int32_t prompt_tokens = 0;
  std::int32_t output_tokens = 0;         // tokens to generate (>= 1)
  std::int32_t content_block_tokens = 0;  // 0 = no content ids (no prefix sharing possible)
  std::vector<std::uint64_t> content_ids;
  std::int64_t session_id = -1;  // multi-turn session, -1 = none
  std::int32_t turn = 0;         // 0-based turn within the session
  // Tokens the content ids describe, when the workload states it (> 0); 0 = infer it by the rule
  // in described_tokens(). Generated workloads set it (chat: prompt + output, so the rule's
  // ambiguity when prompt and output end in the same block does not arise); traces leave it 0.
  std::int64_t content_tokens = 0;
};

// Tokens the content ids describe. Ids describe the prompt (Mooncake's hash_ids: the last id may
// cover a partial block) unless there are more ids than the prompt needs, in which case they run on
// into the output (multi-turn chat knows the answer that the next turn will carry).
inline std::int64_t described_tokens(const Request& r) {
  if (r.content_block_tokens <= 0 || r.content_ids.empty()) return 0;
  const std::int64_t cbt = r.content_block_tokens;
  const std::int64_t id_tokens = static_cast<std::int64_t>(r.content_ids.size()) * cbt;
  if (r.content_tokens > 0) return r.content_tokens < id_tokens ? r.content_tokens : id_tokens;
  const std::int64_t prompt_blocks = (r.prompt_tokens + cbt - 1) / cbt;
  const std::int64_t limit = static_cast<std::int64_t>(r.content_ids.size()) > prompt_blocks
                                 ? static_cast<std::int64_t>(r.prompt_tokens) + r.output_tokens
                                 : r.prompt_tokens;
  return id_tokens < limit ? id_tokens : limit;
}

// A source of requests. The engine asks for the earliest pending arrival, schedules it, and pops
// it when it arrives, so open-loop workloads stream (1M requests never sit in memory at once).
// Closed-loop workloads (multi-turn chat) release a session's next turn only after the previous
// one finishes plus think time: the engine reports finishes through on_finished() and then asks
// peek_arrival_s() again. A released request never arrives before the call that released it.
class Workload {
 public:
  virtual ~Workload() = default;
  // Arrival time of the earliest request known now; nullopt when none is pending now.
  virtual std::optional<double> peek_arrival_s() = 0;
  // Remove and return that request (precondition: peek_arrival_s() has a value). Ids are dense.
  virtual Request pop() = 0;
  virtual void on_finished(const Request& /*request*/, double /*finish_s*/) {}
  // The engine rejected `request` at `now_s` as unservable (it can never fit): it ends unfinished.
  // A closed-loop workload goes on as after a finish, so that every turn it planned is issued
  // and shows in the results (each later turn of a chat session is longer, hence rejected too).
  virtual void on_rejected(const Request& /*request*/, double /*now_s*/) {}
  // Total requests this workload will produce if known, else an estimate (for progress and for
  // the memory bound); 0 when unbounded.
  virtual std::int64_t expected_requests() const { return 0; }
  // Requests the workload has committed to so far (a chat session's turns are planned when it
  // starts); -1 when it does not track them. Once peek_arrival_s() has nothing left, every
  // planned request must have been issued: the simulator checks this at the end of a run.
  virtual std::int64_t planned_requests() const { return -1; }
};

}  // namespace moelab::sim
