#include "lab/runner/effective_values.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <variant>
#include <vector>

namespace moelab::lab {
namespace {

using Value = std::variant<double, std::int64_t, std::string>;

constexpr const char* kOpTimes = "op_times";

struct Field {
  const char* name;
  const char* unit;
  const char* description;
  std::function<Value(const PlannedRun&)> of;
};

// Each value once: name, unit, meaning and where it comes from.
const std::vector<Field>& fields() {
  static const std::vector<Field> f = {
      {"kv_block_tokens", "tokens", "paged KV block size",
       [](const PlannedRun& r) -> Value { return r.config.engine.kv_block_tokens; }},
      {"kv_capacity_blocks_per_dp_rank", "blocks", "KV blocks one data-parallel rank holds",
       [](const PlannedRun& r) -> Value { return r.kv.blocks_per_dp_rank; }},
      {"kv_capacity_blocks", "blocks", "KV blocks of one instance (all its DP ranks)",
       [](const PlannedRun& r) -> Value { return r.kv.blocks_per_dp_rank * r.config.cluster.parallel.attention_dp; }},
      {"kv_capacity_tokens", "tokens", "KV tokens of one instance: kv_capacity_blocks x kv_block_tokens",
       [](const PlannedRun& r) -> Value {
         return r.kv.blocks_per_dp_rank * r.config.cluster.parallel.attention_dp * r.config.engine.kv_block_tokens;
       }},
      {"rank_weight_bytes", "B", "weights one DP rank's GPUs hold together",
       [](const PlannedRun& r) -> Value { return r.kv.rank_weight_bytes; }},
      {"rank_kv_bytes_per_token", "B", "KV bytes one cached token costs a DP rank",
       [](const PlannedRun& r) -> Value { return r.kv.rank_kv_bytes_per_token; }},
      {"gpus_per_instance", "", "GPUs of one instance (TP x DP x pipeline stages)",
       [](const PlannedRun& r) -> Value { return r.config.cluster.parallel.gpus(); }},
      {"replicas", "", "instances", [](const PlannedRun& r) -> Value { return r.config.cluster.replicas; }},
      {"max_num_seqs", "", "running sequences per DP rank",
       [](const PlannedRun& r) -> Value { return r.config.engine.max_num_seqs; }},
      {"max_batched_tokens", "tokens", "tokens per iteration per DP rank",
       [](const PlannedRun& r) -> Value { return r.config.engine.max_batched_tokens; }},
      {"gpu_memory_utilization", "", "share of HBM for weights + KV",
       [](const PlannedRun& r) -> Value { return r.config.engine.gpu_memory_utilization; }},
      {"step_overhead_s", "s", "CPU time per iteration",
       [](const PlannedRun& r) -> Value { return r.config.engine.step_overhead_s; }},
      {"overhead_overlapped", "", "1: CPU time hides behind the previous step's GPU work",
       [](const PlannedRun& r) -> Value { return std::int64_t{r.config.engine.overhead_overlapped ? 1 : 0}; }},
      {"matmul_efficiency", "", "achieved fraction of peak FLOP/s for GEMMs",
       [](const PlannedRun& r) -> Value { return r.config.engine.matmul_efficiency; }},
      {"attention_efficiency", "", "achieved fraction of peak FLOP/s for attention",
       [](const PlannedRun& r) -> Value { return r.config.engine.attention_efficiency; }},
      {"memory_efficiency", "", "achieved fraction of peak HBM bandwidth",
       [](const PlannedRun& r) -> Value { return r.config.engine.memory_efficiency; }},
      {"cost_model", "", "instance cost model",
       [](const PlannedRun& r) -> Value { return r.config.engine.cost_model; }},
      {"weight_bytes_per_param", "B", "bytes per weight parameter (non-expert)",
       [](const PlannedRun& r) -> Value { return r.config.model.weight_bytes_per_param; }},
      {"expert_weight_bytes_per_param", "B", "bytes per routed/shared expert parameter",
       [](const PlannedRun& r) -> Value { return r.config.model.expert_bytes_per_param(); }},
      {"kv_bytes_per_element", "B", "bytes per cached KV element",
       [](const PlannedRun& r) -> Value { return r.config.model.kv_bytes_per_element; }},
      {"peak_bf16_flops_per_s", "FLOP/s", "dense BF16 tensor-core peak per GPU",
       [](const PlannedRun& r) -> Value { return r.config.hardware.peak_bf16_flops; }},
      {"peak_fp8_flops_per_s", "FLOP/s", "dense FP8 tensor-core peak per GPU (0 = none)",
       [](const PlannedRun& r) -> Value { return r.config.hardware.peak_fp8_flops; }},
      {"hbm_bytes", "B", "HBM per GPU", [](const PlannedRun& r) -> Value { return r.config.hardware.hbm_bytes; }},
      {"hbm_bytes_per_s", "B/s", "peak HBM bandwidth per GPU",
       [](const PlannedRun& r) -> Value { return r.config.hardware.hbm_bytes_per_s; }},
      {"usd_per_gpu_hour", "USD/h", "GPU price used for cost metrics",
       [](const PlannedRun& r) -> Value { return r.config.usd_per_gpu_hour; }},
  };
  return f;
}

}  // namespace

void write_effective_attributes(h5::Writer& writer, const std::string& group, const PlannedRun& run) {
  writer.set_attr(group, "effective_config_toml", run.effective_config_toml);
  for (const auto& f : fields()) {
    std::visit([&](const auto& v) { writer.set_attr(group, f.name, v); }, f.of(run));
  }
  if (run.config.engine.op_times.any()) writer.set_attr(group, kOpTimes, run.config.engine.op_times.describe());
}

h5::Table effective_table(const SimulationPlan& plan) {
  const std::size_t n = plan.runs.size();
  h5::Table t;
  std::vector<std::int64_t> run(n);
  for (std::size_t i = 0; i < n; ++i) run[i] = static_cast<std::int64_t>(plan.runs[i].index);
  t.add("run", "", "run index: its group is /runs/NNNN", std::move(run));
  for (const auto& f : fields()) {
    const Value first = n > 0 ? f.of(plan.runs.front()) : Value{0.0};
    std::visit(
        [&](const auto& sample) {
          using T = std::decay_t<decltype(sample)>;
          std::vector<T> v(n);
          for (std::size_t i = 0; i < n; ++i) v[i] = std::get<T>(f.of(plan.runs[i]));
          t.add(f.name, f.unit, f.description, std::move(v));
        },
        first);
  }
  // Only files whose runs measured some op times carry the column (the others stay as they were).
  if (std::any_of(plan.runs.begin(), plan.runs.end(),
                  [](const PlannedRun& r) { return r.config.engine.op_times.any(); })) {
    std::vector<std::string> sources(n);
    for (std::size_t i = 0; i < n; ++i) sources[i] = plan.runs[i].config.engine.op_times.describe();
    t.add(kOpTimes, "",
          "op classes priced from measured times: class=file:/summary op, variant, shape column (\"\" = all analytic)",
          std::move(sources));
  }
  return t;
}

}  // namespace moelab::lab
