#pragma once
// Content key -> KV block index for the block_hash cache (and request id -> blocks held for the
// "none" cache; values are any int32 >= 0): open addressing with linear probing and
// backward-shift deletion (no tombstones), doubling at half load. The keys are 64-bit hash-chain
// values (content_keys.hpp), so a multiplicative hash of the key spreads them evenly. Replaces a
// node-based std::unordered_map whose division and per-node allocation dominated the replay of
// long prompts (every 12k-token prompt inserts, looks up and evicts ~750 16-token blocks).
// Lookups only: iteration order (for_each) is used solely by invariant checks, never by results.
#include <cstdint>
#include <vector>

namespace moelab::sim {

class BlockKeyIndex {
 public:
  BlockKeyIndex() { rehash(1024); }

  // Block holding `key`, or -1.
  std::int32_t find(std::uint64_t key) const {
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.block < 0) return -1;
      if (s.key == key) return s.block;
    }
  }
  bool contains(std::uint64_t key) const { return find(key) >= 0; }

  // A hint that `key` will be looked up, inserted or erased soon: starts loading its home slot.
  // The table is larger than the L2 cache and keys land anywhere, so nearly every probe misses;
  // callers that know their next keys overlap those misses instead of waiting for each in turn.
  void prefetch(std::uint64_t key) const { __builtin_prefetch(&slots_[home(key)]); }

  // The stored value of `key`, writable (a value must stay >= 0), or nullptr.
  std::int32_t* find_value(std::uint64_t key) {
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.block < 0) return nullptr;
      if (s.key == key) return &s.block;
    }
  }

  // Precondition: `key` is absent.
  void insert(std::uint64_t key, std::int32_t block) {
    if (2 * (size_ + 1) > slots_.size()) rehash(2 * slots_.size());
    place(key, block);
    ++size_;
  }

  // Inserts `key` unless present, in one probe; returns whether it inserted.
  bool insert_if_absent(std::uint64_t key, std::int32_t block) {
    std::size_t i = home(key);
    for (; slots_[i].block >= 0; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return false;
    }
    if (2 * (size_ + 1) > slots_.size()) {
      rehash(2 * slots_.size());
      place(key, block);
    } else {
      slots_[i] = Slot{key, block};
    }
    ++size_;
    return true;
  }

  void erase(std::uint64_t key) {
    std::size_t i = home(key);
    for (;; i = (i + 1) & mask_) {
      if (slots_[i].block < 0) return;
      if (slots_[i].key == key) break;
    }
    // Backward shift: pull later entries of the probe run into the hole unless they sit between
    // their home slot and the hole already.
    for (std::size_t j = (i + 1) & mask_; slots_[j].block >= 0; j = (j + 1) & mask_) {
      const std::size_t h = home(slots_[j].key);
      const bool stays = (i <= j) ? (i < h && h <= j) : (i < h || h <= j);
      if (stays) continue;
      slots_[i] = slots_[j];
      i = j;
    }
    slots_[i].block = -1;
    --size_;
  }

  std::size_t size() const { return size_; }

  template <class F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_) {
      if (s.block >= 0) f(s.key, s.block);
    }
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::int32_t block = -1;  // -1 = empty
  };

  std::size_t home(std::uint64_t key) const {
    return static_cast<std::size_t>((key * 0x9e3779b97f4a7c15ULL) >> shift_);
  }

  void place(std::uint64_t key, std::int32_t block) {
    std::size_t i = home(key);
    while (slots_[i].block >= 0) i = (i + 1) & mask_;
    slots_[i] = Slot{key, block};
  }

  void rehash(std::size_t capacity) {  // capacity: a power of two
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    shift_ = 64;
    for (std::size_t c = capacity; c > 1; c >>= 1) --shift_;
    for (const Slot& s : old) {
      if (s.block >= 0) place(s.key, s.block);
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::size_t size_ = 0;
};

}  // namespace moelab::sim
