#pragma once
// Helpers for the prefix-cache tests: the Mooncake trace read independently of the workload
// module, and a driver that runs requests one after another through a cache.
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "simulator/engine/kv_cache.hpp"
#include "tests/support/paths.hpp"

namespace moelab::test {

inline std::vector<sim::Request> read_mooncake(std::size_t limit = 0) {
  std::ifstream in(data_dir() / "traces" / "mooncake_conversation.jsonl");
  std::vector<sim::Request> out;
  std::string line;
  while (std::getline(in, line) && (limit == 0 || out.size() < limit)) {
    const auto j = nlohmann::json::parse(line);
    sim::Request r;
    r.id = static_cast<std::int64_t>(out.size());
    r.arrival_s = j.at("timestamp").get<double>() / 1000.0;
    r.prompt_tokens = j.at("input_length").get<std::int32_t>();
    r.output_tokens = j.at("output_length").get<std::int32_t>();
    r.content_block_tokens = 512;
    r.content_ids = j.at("hash_ids").get<std::vector<std::uint64_t>>();
    out.push_back(std::move(r));
  }
  return out;
}

struct SequentialResult {
  std::int64_t lookup_tokens = 0;
  std::int64_t hit_tokens = 0;
  double hit_rate() const { return lookup_tokens ? static_cast<double>(hit_tokens) / lookup_tokens : 0.0; }
};

// Each request in turn: match, prefill, decode, finish. Nothing runs concurrently, so the hit
// rate depends only on the policy and the capacity.
inline SequentialResult run_sequentially(sim::KvCache& cache, const std::vector<sim::Request>& requests) {
  SequentialResult res;
  for (const auto& r : requests) {
    const std::int64_t cached = cache.start(r);
    if (!cache.reserve(r.id, r.prompt_tokens)) throw std::runtime_error("capacity below one prompt");
    cache.prefill_done(r.id);
    if (!cache.reserve(r.id, static_cast<std::int64_t>(r.prompt_tokens) + r.output_tokens)) {
      throw std::runtime_error("capacity below one sequence");
    }
    cache.finish(r.id);
    res.lookup_tokens += r.prompt_tokens;
    res.hit_tokens += cached;
  }
  return res;
}

// The trace's first-touch reuse, computed without any cache: a request can reuse the longest run
// of leading content ids that some earlier request also began with; reuse is whole KV blocks and
// leaves at least one prompt token to compute.
inline std::int64_t first_touch_hit_tokens(const std::vector<sim::Request>& requests, std::int64_t block_tokens) {
  std::set<std::vector<std::uint64_t>> seen_prefixes;
  std::int64_t hits = 0;
  for (const auto& r : requests) {
    std::vector<std::uint64_t> prefix;
    std::int64_t matched_tokens = 0;
    bool matching = true;
    for (std::size_t j = 0; j < r.content_ids.size(); ++j) {
      prefix.push_back(r.content_ids[j]);
      const std::int64_t id_end = std::min<std::int64_t>(r.prompt_tokens, static_cast<std::int64_t>(j + 1) * 512);
      if (matching && seen_prefixes.count(prefix) != 0) {
        matched_tokens = id_end;
      } else {
        matching = false;
      }
      seen_prefixes.insert(prefix);
    }
    const std::int64_t whole_blocks = (matched_tokens / block_tokens) * block_tokens;
    const std::int64_t cap = ((r.prompt_tokens - 1) / block_tokens) * block_tokens;
    hits += std::min(whole_blocks, cap);
  }
  return hits;
}

using CacheFactory = std::function<std::unique_ptr<sim::KvCache>(std::int64_t blocks, std::int64_t block_tokens)>;

inline const std::vector<std::pair<std::string, CacheFactory>>& prefix_policies() {
  static const std::vector<std::pair<std::string, CacheFactory>> policies = {
      {"block_hash", [](std::int64_t blocks, std::int64_t bt) { return sim::make_kv_cache("block_hash", blocks, bt); }},
      {"radix", [](std::int64_t blocks, std::int64_t bt) { return sim::make_kv_cache("radix", blocks, bt); }},
  };
  return policies;
}

}  // namespace moelab::test
