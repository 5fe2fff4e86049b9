#pragma once
// The streams drawn under a run's seed, one tag each: stream_seed(run_seed, tag) is
// derive_seed(run_seed, tag) (base/rng.hpp). One list, so that no two uses of the run seed share a
// stream. The values are stable: changing one changes every result drawn from that stream.
#include <cstdint>

#include "base/rng.hpp"

namespace moelab::sim {

enum class RngStream : std::uint64_t {
  arrivals = 1,          // open-loop arrival times; chat session starts
  prompt_lengths = 2,    // prompt (chat: user message, rag: question, shared_prefix: suffix) lengths
  output_lengths = 3,    // answer lengths
  content = 4,           // root of the content-id names of generated prompts
  think_times = 5,       // chat: pause between a turn's finish and the next turn
  turns = 6,             // chat: turns per session
  document_lengths = 7,  // rag: each document's length
  document_choice = 8,   // rag: which documents a request retrieves
  prefix_choice = 9,     // shared_prefix: which prefix a request uses
  routing = 10,          // cluster: randomising routers
  expert_routing = 11,   // MoE: which expert gets which popularity (zipf), expert-load Monte Carlo
};

constexpr std::uint64_t stream_seed(std::uint64_t run_seed, RngStream stream) {
  return derive_seed(run_seed, static_cast<std::uint64_t>(stream));
}

}  // namespace moelab::sim
