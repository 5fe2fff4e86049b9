// [workload] -> sim::WorkloadSpec. Keys by kind (simulator/workload/README.md has examples):
//   kind = synthetic | mooncake | csv | chat | rag | shared_prefix      (required)
//   num_requests = 0                       (0 = unbounded / whole trace; not for chat: chat.sessions)
//   generators (synthetic, chat, rag, shared_prefix):
//     [workload.arrivals] kind = poisson | gamma | burst, rate_per_s, cv (gamma)
//     prompt_tokens, output_tokens: a number (fixed) or a table {kind, value | min, max | mean, sigma | values, weights}
//   chat, rag, shared_prefix: content_block_tokens = 16 (tokens per content id)
//   traces (mooncake, csv): trace = "path" (relative to the config's directory), trace_time_scale = 1
//   [workload.chat] turns, think_time_mean_s, system_prompt_tokens, sessions, max_context_tokens
//   [workload.rag] system_prompt_tokens, corpus_documents, zipf_s, documents_per_request,
//                  document_tokens, document_order = drawn | popularity
//   [workload.shared_prefix] prefix_tokens, num_prefixes
// A trace is read and validated in full here (every bad line is reported before anything runs)
// and kept in the spec, so make_workload does not read it again.
#include "lab/config/workload_config.hpp"

#include <toml++/toml.h>

#include "simulator/workload/spec_check.hpp"
#include "simulator/workload/trace_data.hpp"

namespace moelab::config {
namespace {

// Default tokens per content id for generated prefix workloads: vLLM's default KV block size
// (16), so a paged cache with that block size can match every shared full block.
constexpr std::int64_t kDefaultGeneratedBlockTokens = 16;
constexpr std::int64_t kMooncakeBlockTokens = 512;

sim::LengthDistribution parse_length(StrictTable& parent, std::string_view key) {
  sim::LengthDistribution d;
  const toml::node* n = parent.raw().get(key);
  if (n != nullptr && n->is_number()) {
    d.kind = "fixed";
    d.value = parent.number(key);
    return d;
  }
  if (n != nullptr && !n->is_table()) parent.fail(key, "expected a number (fixed) or a table {kind = ...}");
  StrictTable t = parent.table(key);
  d.kind = t.choice("kind", {"fixed", "uniform", "lognormal", "empirical", "geometric"});
  if (d.kind == "fixed") {
    d.value = t.number("value");
  } else if (d.kind == "uniform") {
    d.min = t.number("min");
    d.max = t.number("max");
  } else {
    if (d.kind == "lognormal") {
      d.mean = t.number("mean");
      d.sigma = t.number("sigma");
    } else if (d.kind == "geometric") {
      d.mean = t.number("mean");
    } else {
      d.values = t.number_array("values");
      d.weights = t.number_array("weights");
    }
    d.min = t.number_or("min", 1);
    d.max = t.number_or("max", 0);
  }
  t.finish();
  return d;
}

sim::ArrivalProcess parse_arrivals(StrictTable& parent) {
  sim::ArrivalProcess a;
  StrictTable t = parent.table("arrivals");
  a.kind = t.choice("kind", {"poisson", "gamma", "burst"});
  if (a.kind != "burst") a.rate_per_s = t.number("rate_per_s");
  if (a.kind == "gamma") a.cv = t.number("cv");
  t.finish();
  return a;
}

void parse_chat(StrictTable& section, sim::ChatSpec& c) {
  StrictTable t = section.table("chat");
  c.turns = parse_length(t, "turns");
  c.think_time_mean_s = t.number("think_time_mean_s");
  c.system_prompt_tokens = t.integer_or("system_prompt_tokens", 0);
  c.sessions = t.integer_or("sessions", 0);
  c.max_context_tokens = t.integer_or("max_context_tokens", 0);
  t.finish();
}

void parse_rag(StrictTable& section, sim::RagSpec& r) {
  StrictTable t = section.table("rag");
  r.system_prompt_tokens = t.integer_or("system_prompt_tokens", 0);
  r.corpus_documents = t.integer("corpus_documents");
  r.zipf_s = t.number("zipf_s");
  r.documents_per_request = t.integer("documents_per_request");
  r.document_tokens = parse_length(t, "document_tokens");
  r.document_order = t.choice_or("document_order", {"drawn", "popularity"}, "drawn");
  t.finish();
}

void parse_shared_prefix(StrictTable& section, sim::SharedPrefixSpec& p) {
  StrictTable t = section.table("shared_prefix");
  p.prefix_tokens = t.integer("prefix_tokens");
  p.num_prefixes = t.integer_or("num_prefixes", 1);
  t.finish();
}

}  // namespace

sim::WorkloadSpec parse_workload(StrictTable& section, const std::filesystem::path& config_dir) {
  sim::WorkloadSpec spec;
  spec.kind = section.choice("kind", sim::workload_kinds());
  // Chat ends by its number of sessions (chat.sessions), not by a request count.
  if (spec.kind != "chat") spec.num_requests = section.integer_or("num_requests", 0);
  const bool is_trace = spec.kind == "mooncake" || spec.kind == "csv";

  if (is_trace) {
    const std::filesystem::path given = section.string("trace");
    const std::filesystem::path resolved = given.is_absolute() ? given : (config_dir / given).lexically_normal();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(resolved, ec)) section.fail("trace", "no such file: " + resolved.string());
    spec.trace_path = resolved.string();
    spec.trace_time_scale = section.number_or("trace_time_scale", 1.0);
    spec.content_block_tokens = spec.kind == "mooncake" ? section.integer_or("content_block_tokens", kMooncakeBlockTokens) : 0;
  } else {
    spec.arrivals = parse_arrivals(section);
    spec.prompt_tokens = parse_length(section, "prompt_tokens");
    spec.output_tokens = parse_length(section, "output_tokens");
    spec.content_block_tokens =
        spec.kind == "synthetic" ? 0 : section.integer_or("content_block_tokens", kDefaultGeneratedBlockTokens);
  }
  if (spec.kind == "chat") parse_chat(section, spec.chat);
  if (spec.kind == "rag") parse_rag(section, spec.rag);
  if (spec.kind == "shared_prefix") parse_shared_prefix(section, spec.shared_prefix);
  section.finish();

  if (auto p = sim::check_workload(spec)) {
    // Point at the offending value (or its table when the key was defaulted).
    const toml::node* n = toml::at_path(section.raw(), p->key).node();
    std::string parent_key = p->key;
    while (n == nullptr && parent_key.find('.') != std::string::npos) {
      parent_key.erase(parent_key.rfind('.'));
      n = toml::at_path(section.raw(), parent_key).node();
    }
    const SourceLocation where = n != nullptr ? location_of(*n, section.file()) : location_of(section.raw(), section.file());
    throw InputError(where, section.full_key(p->key), p->problem);
  }
  if (is_trace) spec.trace = std::make_shared<const sim::TraceData>(sim::load_trace(spec.kind, spec.trace_path));
  return spec;
}

}  // namespace moelab::config
