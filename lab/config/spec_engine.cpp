// data/engines/<id>.toml -> sim::EngineSpec. Policy names must be in the engine's registries.
#include <fmt/format.h>

#include "lab/config/key_ranges.hpp"
#include "lab/config/spec_fill.hpp"
#include "lab/config/spec_loaders.hpp"
#include "simulator/engine/kv_cache.hpp"
#include "simulator/engine/scheduler.hpp"
#include "simulator/model/cost_model.hpp"
#include "simulator/model/overlap.hpp"

namespace moelab::config::detail {

namespace {
using ST = StrictTable;
}

sim::EngineSpec read_engine(SpecReader& r, const std::string& id) {
  sim::EngineSpec e;
  e.id = id;
  e.display_name = r.get(&ST::string, "display_name");
  e.max_num_seqs = r.get(&ST::integer_in, "max_num_seqs", ranges::kMaxNumSeqs);
  e.max_batched_tokens = r.get(&ST::integer_in, "max_batched_tokens", ranges::kBatchedTokens);
  e.chunked_prefill = r.get(&ST::boolean, "chunked_prefill");
  e.kv_block_tokens = r.get(&ST::integer_in, "kv_block_tokens", ranges::kKvBlockTokens);
  e.gpu_memory_utilization = r.get(&ST::fraction, "gpu_memory_utilization");
  e.step_overhead_s = r.get(&ST::number_in, "step_overhead_s", ranges::kStepSeconds);
  e.overhead_overlapped = r.get(&ST::boolean, "overhead_overlapped");
  e.matmul_efficiency = r.get(&ST::fraction, "matmul_efficiency");
  e.attention_efficiency = r.get(&ST::fraction, "attention_efficiency");
  e.memory_efficiency = r.get(&ST::fraction, "memory_efficiency");
  if (r.has("cost_model")) e.cost_model = r.get(&ST::choice, "cost_model", sim::cost_model_registry().names());
  if (r.has("mtp_draft_tokens")) {
    e.mtp_draft_tokens = r.get(&ST::integer_in, "mtp_draft_tokens", ranges::kMtpDraftTokens);
    if (e.mtp_draft_tokens > 0 && !r.has("mtp_acceptance_rate"))
      r.fail("mtp_draft_tokens", "needs mtp_acceptance_rate (the chance a draft token is accepted)");
  }
  if (r.has("mtp_acceptance_rate")) e.mtp_acceptance_rate = r.get(&ST::fraction, "mtp_acceptance_rate");
  if (r.has("overlap")) e.overlap = r.get(&ST::choice, "overlap", sim::overlap_registry().names());
  if (r.has("kernel_profile")) {
    const std::string profile = r.get(&ST::string, "kernel_profile");
    try {
      e.kernels = load_kernel_profile_by_id(profile);
    } catch (const InputError& err) {
      if (err.key() != "kernel_profile.id") throw;  // a problem inside the profile's own file
      r.fail("kernel_profile", err.problem());
    }
  }
  if (r.has("a2a_mode")) e.a2a_mode = r.get(&ST::choice, "a2a_mode", {"auto", "normal", "low_latency"});
  if (r.has("dispatch_bytes_per_element"))
    e.dispatch_bytes_per_element = r.get(&ST::number_in, "dispatch_bytes_per_element", ranges::kBytesPerElement);
  if (r.has("combine_bytes_per_element"))
    e.combine_bytes_per_element = r.get(&ST::number_in, "combine_bytes_per_element", ranges::kBytesPerElement);
  e.cache_policy = r.get(&ST::choice, "cache_policy", sim::kv_cache_registry().names());
  e.scheduler = r.get(&ST::choice, "scheduler", sim::scheduler_registry().names());
  e.source = describe_source(r);
  return e;
}

}  // namespace moelab::config::detail
