#pragma once
// Identity of KV blocks from a request's content ids. KV block i (tokens [i*B, (i+1)*B)) holds the
// same keys and values in two sequences exactly when their content ids agree up to and including
// the id that covers the block's last token: equal ids mean equal tokens, and attention makes each
// token's KV depend on every token before it. So a block's key hashes that whole id prefix (a hash
// chain, as vLLM's automatic prefix caching does over token ids) together with the block index.
#include <cstdint>
#include <vector>

#include "base/rng.hpp"
#include "simulator/workload/request.hpp"

namespace moelab::sim {

// Where a request's hash chain stands after the keys computed so far: lets a caller that already
// holds the prompt's keys append the output's without rehashing the prompt (a 12k-token prompt is
// ~750 blocks; a sequence is keyed at start and again, longer, at finish).
struct BlockKeyChain {
  std::uint64_t chain = 0x6d6f656c6162ULL;  // arbitrary non-zero start
  std::int64_t chained_through = -1;        // index of the last content id folded into `chain`
};

// Appends to `out` the keys of the full KV blocks from block out.size() on that lie inside the
// first `max_tokens` tokens and inside what the content ids describe. `out` and `at` must come from
// earlier calls for the same request and block size (or be empty and fresh). Keys already in `out`
// beyond `max_tokens` stay: they are the same keys a shorter call would give.
inline void extend_full_block_keys(const Request& r, std::int64_t block_tokens, std::int64_t max_tokens,
                                   std::vector<std::uint64_t>& out, BlockKeyChain& at) {
  const std::int64_t described = described_tokens(r);
  const std::int64_t usable = described < max_tokens ? described : max_tokens;
  if (usable <= 0 || block_tokens <= 0) return;
  const std::int64_t cbt = r.content_block_tokens;
  const std::int64_t n_blocks = usable / block_tokens;
  if (n_blocks <= static_cast<std::int64_t>(out.size())) return;
  out.reserve(static_cast<std::size_t>(n_blocks));
  for (auto i = static_cast<std::int64_t>(out.size()); i < n_blocks; ++i) {
    const std::int64_t last_id = ((i + 1) * block_tokens - 1) / cbt;
    while (at.chained_through < last_id) {
      ++at.chained_through;
      at.chain = splitmix64(at.chain ^ splitmix64(r.content_ids[static_cast<std::size_t>(at.chained_through)]));
    }
    out.push_back(splitmix64(at.chain ^ static_cast<std::uint64_t>(i) * 0x100000001b3ULL));
  }
}

// Keys of the full KV blocks that lie inside the first `max_tokens` tokens and inside what the
// content ids describe. Appends to `out` (cleared first).
inline void full_block_keys(const Request& r, std::int64_t block_tokens, std::int64_t max_tokens,
                            std::vector<std::uint64_t>& out) {
  out.clear();
  BlockKeyChain at;
  extend_full_block_keys(r, block_tokens, max_tokens, out, at);
}

}  // namespace moelab::sim
