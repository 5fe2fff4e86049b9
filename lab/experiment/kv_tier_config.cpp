#include "lab/experiment/kv_tier_config.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "lab/config/key_ranges.hpp"
#include "lab/config/sourced_table.hpp"
#include "lab/config/spec_loaders.hpp"
#include "simulator/model/param_count.hpp"

namespace moelab::lab {
namespace {

struct NodeTierDefaults {
  double capacity_gb_per_node = 0;
  double read_gb_per_s_per_gpu = 0;
  double latency_us = 0;
};

struct NodeEntry {
  std::string id;
  std::vector<std::string> hardware;
  NodeTierDefaults dram, ssd;
};

std::vector<NodeEntry> load_node_entries() {
  const auto path = config::data_dir() / "kv_tiers" / "nodes.toml";
  const toml::table doc = config::parse_file(path);
  config::StrictTable root(doc, path.string());
  std::vector<NodeEntry> out;
  config::StrictTable nodes = root.table("node");
  for (const auto& [key, node] : nodes.raw()) {
    NodeEntry e;
    e.id = std::string(key.str());
    config::SourcedTable entry(nodes.table(e.id));
    config::StrictTable& t = entry.table();
    e.hardware = t.string_array("hardware");
    e.dram = {t.number_in("dram_gb_per_node", config::ranges::kMemoryGb),
              t.number_in("dram_read_gb_per_s_per_gpu", config::ranges::kTierGbPerS),
              t.number_in("dram_latency_us", config::ranges::kLatencyUs)};
    e.ssd = {t.number_in("ssd_gb_per_node", config::ranges::kStorageGb),
             t.number_in("ssd_read_gb_per_s_per_gpu", config::ranges::kTierGbPerS),
             t.number_in("ssd_latency_us", config::ranges::kLatencyUs)};
    t.string_or("date", "");
    entry.finish({"date"});
    out.push_back(std::move(e));
  }
  nodes.finish();
  root.finish();
  return out;
}

}  // namespace

void read_kv_tiers(config::StrictTable& cluster, sim::SimConfig& c) {
  auto t = cluster.table_if_present("kv_tiers");
  if (!t) return;
  const auto& d = c.cluster.disaggregation;
  const sim::HardwareSpec& hw = d.enabled ? d.prefill.hardware : c.hardware;
  const std::int64_t block_tokens = d.enabled ? d.prefill.engine.kv_block_tokens : c.engine.kv_block_tokens;
  const std::int64_t gpus =
      d.enabled ? d.prefill.instances * d.prefill.parallel.gpus() : c.cluster.replicas * c.cluster.parallel.gpus();
  const double nodes =
      std::ceil(static_cast<double>(gpus) / static_cast<double>(std::max<std::int64_t>(1, hw.gpus_per_node)));

  const auto names = t->string_array("tiers");
  if (names.empty() || names.size() > 2 || names[0] != "dram" || (names.size() == 2 && names[1] != "ssd"))
    t->fail("tiers", fmt::format("must be [\"dram\"] or [\"dram\", \"ssd\"], got [{}]", fmt::join(names, ", ")));

  const auto entries = load_node_entries();
  std::vector<std::string> ids;
  for (const auto& e : entries) ids.push_back(e.id);
  const NodeEntry* entry = nullptr;
  if (t->has("defaults")) {
    const std::string id = t->choice("defaults", ids);
    for (const auto& e : entries)
      if (e.id == id) entry = &e;
  } else {
    for (const auto& e : entries)
      if (std::find(e.hardware.begin(), e.hardware.end(), hw.id) != e.hardware.end()) entry = &e;
  }

  sim::KvTierStoreSpec spec;
  spec.chunk_tokens = t->integer_in_or("chunk_tokens", config::ranges::kKvBlockTokens, spec.chunk_tokens);
  if (spec.chunk_tokens % block_tokens != 0)
    t->fail("chunk_tokens",
            fmt::format("must be a multiple of engine.kv_block_tokens ({}), got {}", block_tokens, spec.chunk_tokens));
  const double chunk_bytes = sim::kv_bytes_per_token(c.model) * static_cast<double>(spec.chunk_tokens);
  for (const auto& name : names) {
    const NodeTierDefaults* defaults = entry ? (name == "dram" ? &entry->dram : &entry->ssd) : nullptr;
    std::optional<config::StrictTable> o = t->table_if_present(name);
    auto need = [&](const char* key) {
      if (o && o->has(key)) return;
      const std::string where = fmt::format("{}.{}", name, key);
      t->fail(o ? name : "tiers",
              fmt::format("{} has no default: no entry of data/kv_tiers/nodes.toml lists hardware {} (set "
                          "cluster.kv_tiers.defaults or give {})",
                          where, hw.id, where));
    };
    sim::KvTierSpec tier;
    tier.name = name;
    if (!defaults) {
      need("capacity_gb");
      need("read_gb_per_s");
      need("latency_us");
    }
    tier.capacity_bytes = defaults ? defaults->capacity_gb_per_node * 1e9 * nodes : 0;
    tier.read_bytes_per_s = defaults ? defaults->read_gb_per_s_per_gpu * 1e9 : 0;
    tier.latency_s = defaults ? defaults->latency_us * 1e-6 : 0;
    if (o) {
      if (o->has("capacity_gb")) {
        const toml::node* n = o->raw().get("capacity_gb");
        if (n->is_string()) {
          o->choice("capacity_gb", {"unlimited"});
          tier.capacity_bytes = std::numeric_limits<double>::infinity();
        } else {
          tier.capacity_bytes = o->number_in("capacity_gb", config::ranges::kStorageGb) * 1e9;
        }
      }
      tier.read_bytes_per_s =
          o->number_in_or("read_gb_per_s", config::ranges::kTierGbPerS, tier.read_bytes_per_s / 1e9) * 1e9;
      tier.latency_s = o->number_in_or("latency_us", config::ranges::kLatencyUs, tier.latency_s * 1e6) * 1e-6;
      if (tier.capacity_bytes < chunk_bytes)
        o->fail("capacity_gb",
                fmt::format("holds no chunk of {} tokens ({:.3g} GB)", spec.chunk_tokens, chunk_bytes / 1e9));
      o->finish();
    }
    spec.tiers.push_back(tier);
  }
  t->finish();
  c.cluster.kv_tiers = std::move(spec);
}

}  // namespace moelab::lab
