#pragma once
// Content ids for generated prompts. A prompt is a concatenation of segments (system prompt,
// documents, user messages, answers, questions), each naming a run of tokens by a 64-bit uid.
// It is cut into blocks of `block_tokens`; the id of block j is a hash of the id of block j-1 and
// of the exact token run inside block j (which segments, which offsets). So:
//  - an id names an exact token run in an exact context: equal ids = equal prefix up to and
//    including that block, as vLLM's chained block hashes and the Mooncake trace's hash_ids;
//  - a partial last block (fewer than block_tokens tokens) gets its own id, different from the
//    full block at the same position in a longer prompt that continues it;
//  - content shared at a position that is not prefix-aligned (same document after a different
//    earlier document) gets different ids: prefix caches cannot reuse it, by construction.
// Ids are 64-bit hashes; two different runs collide with probability ~ n^2 / 2^65 for n ids.
#include <cstdint>
#include <span>
#include <vector>

namespace moelab::sim {

struct ContentSegment {
  std::uint64_t uid = 0;  // names this segment's tokens (equal uid = equal tokens)
  std::int64_t tokens = 0;
};

// Ids of the blocks covering the first `total_tokens` tokens of the concatenated segments
// (ceil(total_tokens / block_tokens) ids; the last is partial when total_tokens % block_tokens != 0).
// Precondition: total_tokens <= sum of segment tokens, block_tokens > 0.
std::vector<std::uint64_t> block_content_ids(std::span<const ContentSegment> segments, std::int64_t total_tokens,
                                             std::int64_t block_tokens);

}  // namespace moelab::sim
