// The KV-cache policy registry: one declaration and one table line per policy.
#include <iterator>
#include <string>

#include "base/input_error.hpp"
#include "simulator/engine/kv_cache.hpp"

namespace moelab::sim {

using KvCacheFactory = std::unique_ptr<KvCache> (*)(std::int64_t total_blocks, std::int64_t block_tokens);

std::unique_ptr<KvCache> make_kv_cache_none(std::int64_t total_blocks, std::int64_t block_tokens);  // kv_cache_none.cpp
// make_block_hash_kv_cache, make_radix_kv_cache: declared in kv_cache.hpp

namespace {
struct KvCachePolicy {
  const char* name;
  KvCacheFactory make;
};
const KvCachePolicy kPolicies[] = {
    {"none", &make_kv_cache_none},
    {"block_hash", &make_block_hash_kv_cache},
    {"radix", &make_radix_kv_cache},
};
}  // namespace

std::unique_ptr<KvCache> make_kv_cache(std::string_view policy, std::int64_t total_blocks, std::int64_t block_tokens) {
  for (const auto& p : kPolicies)
    if (policy == p.name) return p.make(total_blocks, block_tokens);
  std::string known;
  for (const auto& p : kPolicies) known += (known.empty() ? "" : ", ") + std::string(p.name);
  throw InputError({}, "engine.cache_policy", "unknown KV-cache policy '" + std::string(policy) + "' (known: " + known + ")");
}

std::vector<std::string> kv_cache_policies() {
  std::vector<std::string> names;
  for (const auto& p : kPolicies) names.emplace_back(p.name);
  return names;
}

}  // namespace moelab::sim
