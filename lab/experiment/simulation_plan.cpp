#include "lab/experiment/simulation_plan.hpp"

#include "lab/config/spec_loaders.hpp"
#include "lab/config/workload_config.hpp"
#include "simulator/cluster/router.hpp"
#include "simulator/engine/kv_capacity.hpp"
#include "simulator/model/cost_model.hpp"

namespace moelab::lab {

sim::SimConfig read_sim_config(config::StrictTable& root, const std::filesystem::path& config_dir) {
  sim::SimConfig c;
  {
    auto t = root.table("model");
    c.model = config::load_model(t);
    t.finish();
  }
  {
    auto t = root.table("hardware");
    c.hardware = config::load_hardware(t);
    t.finish();
  }
  {
    auto t = root.table("engine");
    c.engine = config::load_engine(t);
    t.finish();
  }
  if (auto t = root.table_if_present("cluster")) {
    c.cluster.replicas = t->positive_integer_or("replicas", c.cluster.replicas);
    c.cluster.tensor_parallel = t->positive_integer_or("tensor_parallel", c.cluster.tensor_parallel);
    c.cluster.router = t->choice_or("router", sim::router_registry().names(), c.cluster.router);
    t->finish();
  }
  {
    auto t = root.table("workload");
    c.workload = config::parse_workload(t, config_dir);
    t.finish();
  }
  if (auto t = root.table_if_present("stop")) {
    c.stop.max_requests = t->non_negative_integer_or("max_requests", 0);
    c.stop.max_duration_s = t->non_negative_number_or("max_duration_s", 0);
    t->finish();
  }
  // Traces end, and so do workloads told how many requests (or chat sessions) to make.
  if (c.stop.max_requests == 0 && c.stop.max_duration_s == 0 && !c.workload.ends_by_itself()) {
    const SourceLocation where = root.has("stop") ? root.location_of("stop") : root.location_of("workload");
    throw InputError(where, "stop", "this workload never ends: set stop.max_requests, stop.max_duration_s or workload.num_requests");
  }
  if (auto t = root.table_if_present("slo")) {
    c.slo.ttft_s = t->non_negative_number_or("ttft_s", 0);
    c.slo.tpot_s = t->non_negative_number_or("tpot_s", 0);
    c.slo.e2e_s = t->non_negative_number_or("e2e_s", 0);
    t->finish();
  }
  c.usd_per_gpu_hour = c.hardware.usd_per_gpu_hour;
  if (auto t = root.table_if_present("cost")) {
    c.usd_per_gpu_hour = t->non_negative_number_or("usd_per_gpu_hour", c.usd_per_gpu_hour);
    t->finish();
  }
  if (auto t = root.table_if_present("output")) {
    c.timeseries_interval_s = t->non_negative_number_or("timeseries_interval_s", c.timeseries_interval_s);
    t->finish();
  }
  root.mark_read("experiment");  // read by read_header()
  root.finish();
  return c;
}

// Whether the weights leave room for KV cache depends on model x hardware x engine x cluster
// together: check every sweep point here, so a point that cannot run fails before any point runs.
void check_kv_capacity(const config::StrictTable& root, const sim::SimConfig& c, const std::string& label) {
  try {
    const auto cost = sim::make_cost_model(
        c.engine.cost_model, sim::CostModelContext{c.model, c.hardware, c.engine, c.cluster.tensor_parallel});
    sim::kv_capacity_blocks(*cost, c.hardware, c.engine, c.cluster.tensor_parallel);
  } catch (const InputError& e) {
    const std::string section = e.key().rfind("model", 0) == 0 ? "model" : "engine";
    const std::string point = label.empty() ? "" : " (sweep point " + label + ")";
    throw InputError(root.location_of(section), e.key(), e.problem() + point);
  }
}

SimulationPlan plan_simulation(const ExperimentSource& source, const std::string& default_name) {
  SimulationPlan plan;
  const std::string file = source.file();
  {
    toml::table root = source.load();
    config::StrictTable strict(root, file);
    plan.header = read_header(strict, default_name);
    plan.axes = read_sweep(root, file);
    plan.config_toml = config::to_toml_text(root);
  }
  const auto points = expand_sweep(plan.axes);
  for (std::size_t i = 0; i < points.size(); ++i) {
    // A fresh parse per point: values moved out of [sweep] keep their file positions.
    toml::table root = source.load();
    apply_sweep_point(root, plan.axes, points[i]);
    config::StrictTable strict(root, file);
    const ExperimentHeader header = read_header(strict, default_name);  // a swept seed differs per point
    PlannedRun run;
    run.index = i;
    run.label = points[i].label;
    for (std::size_t a = 0; a < plan.axes.size(); ++a) run.swept.push_back(plan.axes[a].values[points[i].value_index[a]]);
    run.config = read_sim_config(strict, source.config_dir());
    check_kv_capacity(strict, run.config, run.label);
    run.config.seed = seed_for_run(header, i);
    run.config_toml = config::to_toml_text(root);
    plan.runs.push_back(std::move(run));
  }
  return plan;
}

}  // namespace moelab::lab
