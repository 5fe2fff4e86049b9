#include "simulator/workload/content_ids.hpp"

#include <algorithm>

#include "base/rng.hpp"

namespace moelab::sim {

std::vector<std::uint64_t> block_content_ids(std::span<const ContentSegment> segments, std::int64_t total_tokens,
                                             std::int64_t block_tokens) {
  std::vector<std::uint64_t> ids;
  if (total_tokens <= 0 || block_tokens <= 0) return ids;
  ids.reserve(static_cast<std::size_t>((total_tokens + block_tokens - 1) / block_tokens));

  std::uint64_t parent = 0x436F6E74656E7400ULL;  // root of every chain
  std::size_t seg = 0;                           // segment holding the next token
  std::int64_t seg_offset = 0;                   // offset of the next token inside it
  for (std::int64_t block_start = 0; block_start < total_tokens; block_start += block_tokens) {
    const std::int64_t block_end = std::min(block_start + block_tokens, total_tokens);
    std::uint64_t h = hash_combine(parent, static_cast<std::uint64_t>(block_end - block_start));
    std::int64_t pos = block_start;
    while (pos < block_end) {
      while (seg < segments.size() && seg_offset >= segments[seg].tokens) {
        ++seg;
        seg_offset = 0;
      }
      if (seg >= segments.size()) break;  // precondition violated; ids stop where the content does
      const std::int64_t take = std::min(block_end - pos, segments[seg].tokens - seg_offset);
      // The piece [seg_offset, seg_offset + take) of segment uid.
      h = hash_combine(hash_combine(hash_combine(h, segments[seg].uid), static_cast<std::uint64_t>(seg_offset)),
                       static_cast<std::uint64_t>(take));
      seg_offset += take;
      pos += take;
    }
    parent = h;
    ids.push_back(h);
  }
  return ids;
}

}  // namespace moelab::sim
