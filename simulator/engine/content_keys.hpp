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

// Keys of the full KV blocks that lie inside the first `max_tokens` tokens and inside what the
// content ids describe. Appends to `out` (cleared first).
inline void full_block_keys(const Request& r, std::int64_t block_tokens, std::int64_t max_tokens,
                            std::vector<std::uint64_t>& out) {
  out.clear();
  const std::int64_t described = described_tokens(r);
  const std::int64_t usable = described < max_tokens ? described : max_tokens;
  if (usable <= 0 || block_tokens <= 0) return;
  const std::int64_t cbt = r.content_block_tokens;
  const std::int64_t n_blocks = usable / block_tokens;
  out.reserve(static_cast<std::size_t>(n_blocks));
  std::uint64_t chain = 0x6d6f656c6162ULL;  // arbitrary non-zero start
  std::int64_t chained_through = -1;        // index of the last content id folded into `chain`
  for (std::int64_t i = 0; i < n_blocks; ++i) {
    const std::int64_t last_id = ((i + 1) * block_tokens - 1) / cbt;
    while (chained_through < last_id) {
      ++chained_through;
      chain = splitmix64(chain ^ splitmix64(r.content_ids[static_cast<std::size_t>(chained_through)]));
    }
    out.push_back(splitmix64(chain ^ static_cast<std::uint64_t>(i) * 0x100000001b3ULL));
  }
}

}  // namespace moelab::sim
