// The KV-cache policies. Adding one: a file kv_cache_<name>.cpp defining
// `std::unique_ptr<KvCache> make_kv_cache_<name>(std::int64_t total_blocks, std::int64_t block_tokens)`,
// plus its declaration and its table line below.
#include "simulator/engine/kv_cache.hpp"

namespace moelab::sim {

KvCacheFactory make_kv_cache_none;        // kv_cache_none.cpp
KvCacheFactory make_kv_cache_block_hash;  // kv_cache_block_hash.cpp
KvCacheFactory make_kv_cache_radix;       // kv_cache_radix.cpp

const NamedRegistry<KvCacheFactory>& kv_cache_registry() {
  static const NamedRegistry<KvCacheFactory> registry(
      "engine.cache_policy", "KV-cache policy",
      {
          {"none", "plain paged allocator, no prefix caching", make_kv_cache_none},
          {"block_hash",
           "vLLM automatic prefix caching: hash chain over full blocks, freed blocks revived from an LRU list",
           make_kv_cache_block_hash},
          {"radix", "SGLang RadixAttention: radix tree of token runs, LRU eviction of unreferenced leaves",
           make_kv_cache_radix},
      });
  return registry;
}

std::unique_ptr<KvCache> make_kv_cache(std::string_view policy, std::int64_t total_blocks, std::int64_t block_tokens) {
  return kv_cache_registry().lookup(policy).make(total_blocks, block_tokens);
}

}  // namespace moelab::sim
