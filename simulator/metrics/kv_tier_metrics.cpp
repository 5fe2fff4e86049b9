#include "simulator/metrics/kv_tier_metrics.hpp"

#include <array>
#include <string_view>

namespace moelab::sim::kv_tier_metrics {
namespace {

using M = MetricType;
const MetricDefinition hit_rate_hbm{"kv_hit_rate_hbm", "", M::real,
                                    "prompt tokens served from the GPU prefix caches / prompt tokens looked up"};
const MetricDefinition hit_rate_dram{"kv_hit_rate_dram", "", M::real,
                                     "prompt tokens loaded from the CPU DRAM tier / prompt tokens looked up"};
const MetricDefinition hit_rate_ssd{"kv_hit_rate_ssd", "", M::real,
                                    "prompt tokens loaded from the SSD tier / prompt tokens looked up"};
const MetricDefinition dram_written{
    "kv_dram_written_bytes", "bytes", M::real,
    "KV bytes written into the DRAM tier: write-through from HBM and promotions from SSD"};
const MetricDefinition dram_read{"kv_dram_read_bytes", "bytes", M::real,
                                 "KV bytes read out of the DRAM tier: loads into HBM and demotions to SSD"};
const MetricDefinition ssd_written{"kv_ssd_written_bytes", "bytes", M::real,
                                   "KV bytes written into the SSD tier (demotions from DRAM)"};
const MetricDefinition ssd_read{"kv_ssd_read_bytes", "bytes", M::real,
                                "KV bytes read out of the SSD tier (loads into HBM, which promote the chunk to DRAM)"};
const MetricDefinition load_time{"kv_tier_load_s", "s", M::real,
                                 "step time spent waiting for KV loads from lower tiers, summed over instances"};

const std::array<const MetricDefinition*, 8> kAll = {&hit_rate_hbm, &hit_rate_dram, &hit_rate_ssd, &dram_written,
                                                     &dram_read,    &ssd_written,   &ssd_read,     &load_time};

double per(double num, double den) { return den > 0 ? num / den : 0; }

}  // namespace

std::span<const MetricDefinition* const> all() { return kAll; }

void append(const KvTierStore& store, std::int64_t lookup_tokens, std::int64_t hit_tokens, double load_s,
            std::vector<Metric>& out) {
  KvTierStats dram, ssd;
  for (std::size_t t = 0; t < store.tier_count(); ++t) {
    (store.spec().tiers[t].name == "ssd" ? ssd : dram) = store.stats(t);
  }
  const auto lookups = static_cast<double>(lookup_tokens);
  const auto hbm_hits = static_cast<double>(hit_tokens - dram.hit_tokens - ssd.hit_tokens);
  out.push_back({&hit_rate_hbm, per(hbm_hits, lookups)});
  out.push_back({&hit_rate_dram, per(static_cast<double>(dram.hit_tokens), lookups)});
  out.push_back({&hit_rate_ssd, per(static_cast<double>(ssd.hit_tokens), lookups)});
  out.push_back({&dram_written, dram.written_bytes});
  out.push_back({&dram_read, dram.read_bytes});
  out.push_back({&ssd_written, ssd.written_bytes});
  out.push_back({&ssd_read, ssd.read_bytes});
  out.push_back({&load_time, load_s});
}

}  // namespace moelab::sim::kv_tier_metrics
