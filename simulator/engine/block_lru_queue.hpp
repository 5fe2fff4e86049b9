#pragma once
// Least-recently-freed order of the cached (unpinned, keyed) blocks of the block_hash cache: an
// append-only queue with lazy removal. A block's live entry is the one at its recorded position;
// removing it (a hit revives the block) only forgets that position, and stale entries are skipped
// when they reach the front or dropped when the queue is compacted. Same order as a doubly linked
// list, but evicting n blocks reads n entries in sequence (independent loads the CPU overlaps)
// instead of chasing n list links through a block array larger than the L2 cache, and a removal
// touches no neighbours.
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace moelab::sim {

class BlockLruQueue {
 public:
  // Blocks are numbered 0, 1, ... as the cache creates them.
  void add_block() { pos_.push_back(kAbsent); }

  std::int64_t size() const { return size_; }
  bool contains(std::int32_t b) const { return pos_[static_cast<std::size_t>(b)] != kAbsent; }

  // Appends `b` as the most recently freed block. Precondition: not queued.
  void push_back(std::int32_t b) {
    if (queue_.size() > 2 * static_cast<std::size_t>(size_) + kSlack) compact();
    pos_[static_cast<std::size_t>(b)] = static_cast<std::int32_t>(queue_.size());
    queue_.push_back(b);
    ++size_;
  }

  // Precondition: queued.
  void remove(std::int32_t b) {
    pos_[static_cast<std::size_t>(b)] = kAbsent;
    --size_;
  }

  // Removes the n least recently freed blocks (n <= size()), oldest first, handing each to
  // `take(block)`.
  template <class F>
  void pop_oldest(std::int64_t n, F&& take) {
    if (n > size_) throw std::logic_error("block lru queue: popping more blocks than queued");
    for (; n > 0; ++front_) {
      const std::int32_t b = queue_[front_];
      if (pos_[static_cast<std::size_t>(b)] != static_cast<std::int32_t>(front_)) continue;  // stale
      pos_[static_cast<std::size_t>(b)] = kAbsent;
      --size_;
      --n;
      take(b);
    }
  }

  // Every queued block, oldest first.
  template <class F>
  void for_each(F&& f) const {
    for (std::size_t i = front_; i < queue_.size(); ++i) {
      const std::int32_t b = queue_[i];
      if (pos_[static_cast<std::size_t>(b)] == static_cast<std::int32_t>(i)) f(b);
    }
  }

 private:
  static constexpr std::int32_t kAbsent = -1;
  static constexpr std::size_t kSlack = 1024;

  // Drops the consumed prefix and the stale entries. Runs when at least half of the queue is
  // dead, so its cost is paid for by the pushes that made it so.
  void compact() {
    std::size_t kept = 0;
    for (std::size_t i = front_; i < queue_.size(); ++i) {
      const std::int32_t b = queue_[i];
      if (pos_[static_cast<std::size_t>(b)] != static_cast<std::int32_t>(i)) continue;
      pos_[static_cast<std::size_t>(b)] = static_cast<std::int32_t>(kept);
      queue_[kept++] = b;
    }
    queue_.resize(kept);
    front_ = 0;
  }

  std::vector<std::int32_t> queue_;  // blocks in the order they were freed, stale entries included
  std::vector<std::int32_t> pos_;    // block -> index of its live entry in queue_, or kAbsent
  std::size_t front_ = 0;            // entries before it are consumed
  std::int64_t size_ = 0;            // live entries
};

}  // namespace moelab::sim
