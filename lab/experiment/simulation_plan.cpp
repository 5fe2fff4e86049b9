#include "lab/experiment/simulation_plan.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>

#include "base/memory_budget.hpp"
#include "lab/config/key_ranges.hpp"
#include "lab/config/spec_loaders.hpp"
#include "lab/config/workload_config.hpp"
#include "lab/experiment/kv_tier_config.hpp"
#include "lab/experiment/op_times_config.hpp"
#include "lab/experiment/pool_config.hpp"
#include "lab/h5/expert_load_reader.hpp"
#include "simulator/cluster/disaggregated_cluster.hpp"
#include "simulator/cluster/router.hpp"
#include "simulator/engine/kv_capacity.hpp"
#include "simulator/model/cost_model.hpp"
#include "simulator/model/moe_routing.hpp"
#include "simulator/simulate.hpp"

namespace moelab::lab {
namespace {

// Where a dotted key ("cluster.parallel.attention_tp") sits in the config: the value when it is
// written there, else the nearest enclosing table that is.
SourceLocation locate(const config::StrictTable& root, const std::string& dotted) {
  const toml::node* node = &root.raw();
  const toml::node* found = node;
  std::size_t pos = 0;
  while (pos <= dotted.size()) {
    const auto dot = std::min(dotted.find('.', pos), dotted.size());
    const auto* table = node->as_table();
    if (!table) break;
    node = table->get(std::string_view(dotted).substr(pos, dot - pos));
    if (!node) break;
    found = node;
    pos = dot + 1;
  }
  return config::location_of(*found, root.file());
}

// [cluster]: replicas, router, and either the shorthand tensor_parallel or a [cluster.parallel] plan.
void read_cluster(config::StrictTable& t, sim::SimConfig& c) {
  sim::ClusterSpec& cluster = c.cluster;
  cluster.replicas = t.integer_in_or("replicas", config::ranges::kReplicas, cluster.replicas);
  cluster.router = t.choice_or("router", sim::router_registry().names(), cluster.router);
  if (t.has("tensor_parallel"))
    cluster.parallel =
        sim::ParallelPlan::tensor_parallel(t.integer_in("tensor_parallel", config::ranges::kTensorParallel));
  if (auto p = t.table_if_present("parallel")) {
    if (t.has("tensor_parallel"))
      t.fail("tensor_parallel",
             "give either cluster.tensor_parallel (shorthand for attention_tp) or [cluster.parallel], not both");
    read_parallel_plan(*p, cluster.parallel, cluster.dp_dispatch);
  }
  read_pools(t, c);
  read_kv_tiers(t, c);
}

// [moe]: how tokens choose experts and how experts are placed.
void read_moe(config::StrictTable& t, const std::filesystem::path& config_dir, sim::RoutingSpec& moe) {
  moe.kind = t.choice_or("routing", sim::routing_registry().names(), moe.kind);
  if (moe.kind == "zipf") moe.zipf_s = t.number_in("zipf_s", config::ranges::kZipfExponent);
  if (moe.kind == "measured") {
    const std::string file = t.string("measured_file");
    const std::string dataset = t.string("measured_dataset");
    const std::filesystem::path path =
        std::filesystem::path(file).is_absolute() ? std::filesystem::path(file) : config_dir / file;
    try {
      moe.measured_tokens_per_expert = h5::read_tokens_per_expert(path, dataset);
    } catch (const std::runtime_error& e) {
      t.fail("measured_dataset", e.what());
    }
    moe.measured_source = path.string() + ":" + dataset;
  }
  moe.eplb = t.boolean_or("eplb", moe.eplb);
  moe.max_nodes_per_token = t.integer_in_or("max_nodes_per_token", config::ranges::kNodesOrNone, 0);
  t.finish();
}

}  // namespace

sim::SimConfig read_sim_config(config::StrictTable& root, const std::filesystem::path& config_dir,
                               ResolvedSpecs* resolved) {
  sim::SimConfig c;
  {
    auto t = root.table("model");
    c.model = config::load_model(t, resolved ? &resolved->model : nullptr);
    t.finish();
  }
  {
    auto t = root.table("hardware");
    c.hardware = config::load_hardware(t, resolved ? &resolved->hardware : nullptr);
    t.finish();
  }
  {
    auto t = root.table("engine");
    c.engine = config::load_engine(t, resolved ? &resolved->engine : nullptr);
    t.finish();
  }
  if (const auto& k = c.engine.kernels;
      !k.empty() && std::find(k.hardware.begin(), k.hardware.end(), c.hardware.id) == k.hardware.end())
    throw InputError(
        locate(root, "engine.kernel_profile"), "engine.kernel_profile",
        k.id + " was measured for " + fmt::format("{}", fmt::join(k.hardware, ", ")) + ", not for " + c.hardware.id);
  // Before [cluster]: disaggregated pools start from this engine.
  if (auto t = root.table_if_present("op_times")) read_op_times(*t, config_dir, c.engine);
  if (auto t = root.table_if_present("cluster")) {
    read_cluster(*t, c);
    t->finish();
  }
  // A plan that cannot exist on this hardware for this model fails at the key that causes it.
  for (const auto& problem : sim::validate_plan(c.cluster.parallel, c.model, c.hardware))
    throw InputError(locate(root, problem.key), problem.key, problem.problem);
  if (auto t = root.table_if_present("moe")) read_moe(*t, config_dir, c.moe);
  if (c.moe.kind != "uniform" && !c.model.is_moe())
    throw InputError(locate(root, "moe.routing"), "moe.routing", c.model.id + " has no experts to route to");
  {
    auto t = root.table("workload");
    c.workload = config::parse_workload(t, config_dir);
    t.finish();
  }
  if (auto t = root.table_if_present("stop")) {
    c.stop.max_requests = t->integer_in_or("max_requests", config::ranges::kCount, 0);
    c.stop.max_duration_s = t->number_in_or("max_duration_s", config::ranges::kSeconds, 0);
    t->finish();
  }
  // Traces end, and so do workloads told how many requests (or chat sessions) to make.
  if (c.stop.max_requests == 0 && c.stop.max_duration_s == 0 && !c.workload.ends_by_itself()) {
    const SourceLocation where = root.has("stop") ? root.location_of("stop") : root.location_of("workload");
    throw InputError(where, "stop",
                     "this workload never ends: set stop.max_requests, stop.max_duration_s or workload.num_requests");
  }
  if (auto t = root.table_if_present("slo")) {
    c.slo.ttft_s = t->number_in_or("ttft_s", config::ranges::kSeconds, 0);
    c.slo.tpot_s = t->number_in_or("tpot_s", config::ranges::kSeconds, 0);
    c.slo.e2e_s = t->number_in_or("e2e_s", config::ranges::kSeconds, 0);
    t->finish();
  }
  c.usd_per_gpu_hour = c.hardware.usd_per_gpu_hour;
  bool cost_overridden = false;
  if (auto t = root.table_if_present("cost")) {
    cost_overridden = t->has("usd_per_gpu_hour");
    c.usd_per_gpu_hour = t->number_in_or("usd_per_gpu_hour", config::ranges::kUsdPerHour, c.usd_per_gpu_hour);
    t->finish();
  }
  if (c.cluster.disaggregation.enabled) price_pools(c, cost_overridden);
  if (auto t = root.table_if_present("output")) {
    c.timeseries_interval_s =
        t->number_in_or("timeseries_interval_s", config::ranges::kSeconds, c.timeseries_interval_s);
    t->finish();
  }
  root.mark_read("experiment");  // read by read_header()
  root.finish();
  return c;
}

KvCapacity kv_capacity(const sim::SimConfig& c) {
  const auto cost = sim::make_cost_model(
      c.engine.cost_model,
      sim::CostModelContext{c.model, c.hardware, c.engine, c.cluster.parallel, c.moe, c.seed, true});
  KvCapacity kv;
  kv.blocks_per_dp_rank = sim::kv_capacity_blocks(*cost, c.hardware, c.engine,
                                                  c.cluster.parallel.attention_tp * c.cluster.parallel.pipeline_stages);
  kv.rank_weight_bytes = cost->rank_weight_bytes();
  kv.rank_kv_bytes_per_token = cost->rank_kv_bytes_per_token();
  return kv;
}

// Whether the weights leave room for KV cache depends on model x hardware x engine x cluster
// together: check every sweep point here, so a point that cannot run fails before any point runs.
KvCapacity check_kv_capacity(const config::StrictTable& root, const sim::SimConfig& c, const std::string& label) {
  if (c.cluster.disaggregation.enabled) {  // the pools' plans and memory, checked by the cluster itself
    try {
      sim::DisaggregatedCluster probe(c);
    } catch (const InputError& e) {
      const std::string point = label.empty() ? "" : " (sweep point " + label + ")";
      throw InputError(locate(root, e.key()), e.key(), e.problem() + point);
    }
    return {};  // per pool, not one instance's: the effective values leave it at zero
  }
  try {
    return kv_capacity(c);
  } catch (const InputError& e) {
    if (e.key().rfind("moe", 0) == 0 || e.key().rfind("cluster", 0) == 0 || e.key().rfind("hardware", 0) == 0) {
      const std::string point = label.empty() ? "" : " (sweep point " + label + ")";
      throw InputError(locate(root, e.key()), e.key(), e.problem() + point);
    }
    const std::string section = e.key().rfind("model", 0) == 0 ? "model" : "engine";
    const std::string point = label.empty() ? "" : " (sweep point " + label + ")";
    throw InputError(root.location_of(section), e.key(), e.problem() + point);
  }
}

// Checks that need the whole point (model x hardware x engine x cluster together: the parallel
// plan against the heads, policy names) are the simulator's own (sim::check_config): run here for
// every sweep point, so a point that cannot run fails before any point runs, at the value that is
// wrong (or its table, when the value came from a data file).
void check_point(const config::StrictTable& root, const sim::SimConfig& c, const std::string& label) {
  try {
    sim::check_config(c);
  } catch (const InputError& e) {
    if (!e.where().file.empty()) throw;
    const std::string point = label.empty() ? "" : " (sweep point " + label + ")";
    throw InputError(locate(root, e.key()), e.key(), e.problem() + point);
  }
}

// Result rows stay in memory until the file is written: about 256 bytes per request (the record
// plus the table built from it; 1M requests peak at 262 MB RSS, README "Measured performance").
constexpr double kResultBytesPerRequest = 256;

// A run that would need more memory for its rows than this machine should give fails now,
// naming the key that sets the request count, not after hours of simulation.
void check_result_memory(const config::StrictTable& root, const sim::SimConfig& c, const std::string& label) {
  double requests = 0;
  std::string key;
  if (const auto count = c.workload.params ? c.workload.params->request_count() : std::nullopt) {
    requests = count->requests;
    key = "workload." + count->key;
  }
  if (c.stop.max_requests > 0 && (key.empty() || static_cast<double>(c.stop.max_requests) < requests)) {
    requests = static_cast<double>(c.stop.max_requests);
    key = "stop.max_requests";
  }
  if (key.empty()) return;  // bounded by simulated time only
  const double need = requests * kResultBytesPerRequest;
  const double budget = memory_budget_bytes();
  if (need <= budget) return;
  const std::string point = label.empty() ? "" : " (sweep point " + label + ")";
  throw InputError(locate(root, key), key,
                   fmt::format("{:.4g} requests would need about {} for their result rows (about {:.0f} bytes each), "
                               "more than the {} this machine allows (half its memory){}",
                               requests, format_bytes(need), kResultBytesPerRequest, format_bytes(budget), point));
}

constexpr std::size_t kManySweepPoints = 1000;
// Each point is planned (and its config kept) before the first run; a million is hours of runs.
constexpr double kMaxSweepPoints = 1e6;

namespace {

// A path as the run used it: relative ones resolved against the experiment's folder.
void make_absolute(toml::table& root, std::string_view section, std::string_view key,
                   const std::filesystem::path& dir) {
  auto* table = root.get_as<toml::table>(section);
  if (table == nullptr) return;
  const auto* value = table->get_as<std::string>(key);
  if (value == nullptr) return;
  const std::filesystem::path given = value->get();
  if (!given.is_absolute())
    table->insert_or_assign(key, std::filesystem::absolute(dir / given).lexically_normal().string());
}

// The point's config with every value resolved (PlannedRun::effective_config_toml).
std::string effective_config(toml::table root, ResolvedSpecs&& resolved, const ExperimentHeader& header,
                             std::size_t run_index, const std::filesystem::path& config_dir) {
  root.insert_or_assign("model", std::move(resolved.model));
  root.insert_or_assign("hardware", std::move(resolved.hardware));
  root.insert_or_assign("engine", std::move(resolved.engine));
  if (!root.contains("experiment")) root.insert("experiment", toml::table{});
  auto& experiment = *root.get_as<toml::table>("experiment");
  experiment.insert_or_assign("seed", static_cast<std::int64_t>(header.seed));
  if (header.seed_per_run) {
    experiment.insert_or_assign("seed_per_run", true);
    experiment.insert_or_assign("run_index", static_cast<std::int64_t>(header.run_index + run_index));
  }
  make_absolute(root, "workload", "trace", config_dir);
  make_absolute(root, "moe", "measured_file", config_dir);
  make_op_time_paths_absolute(root, config_dir);
  return config::to_toml_text(root);
}

}  // namespace

SimulationPlan plan_outline(const ExperimentSource& source, const std::string& default_name) {
  SimulationPlan plan;
  const std::string file = source.file();
  toml::table root = source.load();
  config::StrictTable strict(root, file);
  // Unknown [experiment] keys are reported with every other bad key by the first point's reading.
  strict.collect_unknown_keys();
  plan.header = read_header(strict, default_name);
  plan.default_name = default_name;
  plan.axes = read_sweep(root, file, axis_keys_as_written(config::parse_file(source.config_path), file));
  if (const double product = sweep_size_unbounded(plan.axes); product > kMaxSweepPoints) {
    throw InputError(plan.axes.front().where, "sweep",
                     fmt::format("{:.4g} points (the product of the value counts, zipped axes counted once); at most "
                                 "{:.0f}: split the sweep",
                                 product, kMaxSweepPoints));
  }
  plan.point_count = sweep_size(plan.axes);
  plan.config_toml = config::to_toml_text(root);
  return plan;
}

PlannedRun plan_point(const ExperimentSource& source, const SimulationPlan& outline, std::size_t index) {
  // A fresh parse per point: values moved out of [sweep] keep their file positions.
  toml::table root = source.load();
  const SweepPoint point = sweep_point(outline.axes, index);
  apply_sweep_point(root, outline.axes, point);
  config::StrictTable strict(root, source.file());
  strict.collect_unknown_keys();  // every bad key of the file in one message
  PlannedRun run;
  run.index = index;
  run.label = point.label;
  for (std::size_t a = 0; a < outline.axes.size(); ++a) {
    run.swept.push_back(outline.axes[a].values[point.value_index[a]]);
  }
  ExperimentHeader header;
  ResolvedSpecs resolved;
  try {
    header = read_header(strict, outline.default_name);  // a swept seed differs per point
    run.config = read_sim_config(strict, source.config_dir(), &resolved);
  } catch (const InputError& e) {
    strict.rethrow_with_unknown_keys(e);
  }
  check_point(strict, run.config, run.label);
  check_result_memory(strict, run.config, run.label);
  run.kv = check_kv_capacity(strict, run.config, run.label);
  run.config.seed = seed_for_run(header, index);
  run.config_toml = config::to_toml_text(root);
  run.effective_config_toml = effective_config(root, std::move(resolved), header, index, source.config_dir());
  return run;
}

SimulationPlan plan_simulation(const ExperimentSource& source, const std::string& default_name) {
  SimulationPlan plan = plan_outline(source, default_name);
  // Every point is parsed and checked before anything runs (about a millisecond each): say so
  // when that takes noticeable time, rather than seeming to hang.
  if (plan.point_count >= kManySweepPoints) {
    std::fprintf(stderr,
                 "moelab: note: %s: checking all %zu sweep points before the first run (about a millisecond each)\n",
                 source.file().c_str(), plan.point_count);
  }
  plan.runs.reserve(plan.point_count);
  for (std::size_t i = 0; i < plan.point_count; ++i) plan.runs.push_back(plan_point(source, plan, i));
  return plan;
}

}  // namespace moelab::lab
