#include "simulator/cluster/disaggregated_cluster.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "base/input_error.hpp"
#include "simulator/core/rng_streams.hpp"
#include "simulator/engine/kv_capacity.hpp"
#include "simulator/metrics/kv_tier_metrics.hpp"
#include "simulator/metrics/kv_transfer_metrics.hpp"
#include "simulator/metrics/percentile.hpp"
#include "simulator/metrics/summary.hpp"
#include "simulator/model/param_count.hpp"
#include "simulator/simulate.hpp"

namespace moelab::sim {
namespace {

std::string pool_key(PoolRole role) { return role == PoolRole::prefill ? "cluster.prefill" : "cluster.decode"; }

void validate_pool(const PoolSpec& p, const SimConfig& c) {
  const std::string key = pool_key(p.role);
  if (p.instances < 1) throw InputError({}, key + ".instances", "must be >= 1");
  for (const auto& problem : validate_plan(p.parallel, c.model, p.hardware)) {
    // validate_plan speaks of cluster.parallel.*; the pool's plan is cluster.<role>.parallel.*
    std::string k = problem.key;
    if (k.rfind("cluster.", 0) == 0) k = key + "." + k.substr(8);
    throw InputError({}, k, problem.problem);
  }
  router_registry().lookup(p.router, {});
  router_registry().lookup(p.dp_dispatch, {});
  if (p.engine.max_num_seqs < 1) throw InputError({}, key + ".max_num_seqs", "must be >= 1");
  if (p.engine.max_batched_tokens < p.engine.max_num_seqs)
    throw InputError({}, key + ".max_batched_tokens", "must be >= max_num_seqs");
}

const SimConfig& validated(const SimConfig& c) {
  if (!c.cluster.disaggregation.enabled) throw std::logic_error("disaggregated cluster: disaggregation is off");
  check_config(c);
  validate_pool(c.cluster.disaggregation.prefill, c);
  validate_pool(c.cluster.disaggregation.decode, c);
  if (c.stop.max_requests < 0) throw InputError({}, "stop.max_requests", "must be >= 0");
  if (c.stop.max_duration_s < 0) throw InputError({}, "stop.max_duration_s", "must be >= 0");
  validate_kv_tiers(c.cluster.kv_tiers, c.cluster.disaggregation.prefill.engine.kv_block_tokens,
                    sim::kv_bytes_per_token(c.model));
  return c;
}

std::int64_t rank_gpus(const ParallelPlan& p) { return p.attention_tp * p.pipeline_stages; }

}  // namespace

DisaggregatedCluster::DisaggregatedCluster(const SimConfig& config) : config_(validated(config)) {
  const auto& d = config_.cluster.disaggregation;
  for (Pool* p : {&prefill_, &decode_}) {
    p->spec = p == &prefill_ ? &d.prefill : &d.decode;
    const PoolSpec& s = *p->spec;
    p->cost = make_cost_model(config_.engine.cost_model, CostModelContext{config_.model, s.hardware, s.engine,
                                                                          s.parallel, config_.moe, config_.seed});
    try {
      p->kv_blocks = kv_capacity_blocks(*p->cost, s.hardware, s.engine, rank_gpus(s.parallel));
    } catch (const InputError& e) {
      throw InputError({}, pool_key(s.role) + ".instances", fmt::format("{}: {}", e.key(), e.problem()));
    }
    p->fabric = Fabric::from_hardware(s.hardware);
    make_scheduler(s.engine.scheduler);
    make_kv_cache(s.engine.cache_policy, 1, s.engine.kv_block_tokens);
  }
  prefill_.first_index = 0;
  decode_.first_index = static_cast<std::int32_t>(d.prefill.instances);
  path_ =
      kv_transfer_path(prefill_.fabric, rank_gpus(d.prefill.parallel), decode_.fabric, rank_gpus(d.decode.parallel));
  if (path_.nic.bytes_per_s <= 0)
    throw InputError({}, "hardware.interconnect_eff_gb_per_s",
                     "disaggregation sends KV over the NICs: both pools' hardware needs a measured NIC bandwidth");
  kv_bytes_per_token_ = sim::kv_bytes_per_token(config_.model);
  arrival_events_.sim = step_end_events_.sim = transfer_events_.sim = this;
  prefill_done_.sim = decode_done_.sim = this;
  arrival_handler_ = queue_.add_handler(arrival_events_);
  step_end_handler_ = queue_.add_handler(step_end_events_);
  transfer_handler_ = queue_.add_handler(transfer_events_);
}

DisaggregatedCluster::~DisaggregatedCluster() = default;

EngineInstance& DisaggregatedCluster::instance(std::int64_t index) {
  if (index < decode_.first_index) return *prefill_.instances[static_cast<std::size_t>(index)];
  return *decode_.instances[static_cast<std::size_t>(index - decode_.first_index)];
}

bool DisaggregatedCluster::may_take_more() const {
  return !arrivals_closed_ && (config_.stop.max_requests == 0 || taken_ < config_.stop.max_requests);
}

void DisaggregatedCluster::schedule_arrival(double now) {
  if (!may_take_more()) return;
  const auto next = workload_->peek_arrival_s();
  if (!next) return;
  if (config_.stop.max_duration_s > 0 && *next > config_.stop.max_duration_s) return;
  const double t = std::max(*next, now);
  if (!pending_arrivals_.empty() && *pending_arrivals_.begin() <= t) return;
  pending_arrivals_.insert(t);
  queue_.push(t, arrival_handler_);
}

void DisaggregatedCluster::wake(EngineInstance& inst, double now) {
  if (inst.iterating()) return;
  note_step_start(inst, now);
  if (const auto end = inst.start_iteration(now)) queue_.push(*end, step_end_handler_, inst.index());
}

void DisaggregatedCluster::note_step_start(const EngineInstance& inst, double now) {
  if (inst.index() < decode_.first_index) step_start_s_[static_cast<std::size_t>(inst.index())] = now;
}

void DisaggregatedCluster::take_arrivals(double now) {
  std::vector<EngineInstance*> woken;
  while (may_take_more()) {
    const auto next = workload_->peek_arrival_s();
    if (!next || *next > now) break;
    if (config_.stop.max_duration_s > 0 && *next > config_.stop.max_duration_s) break;
    Request request = workload_->pop();
    if (request.id != static_cast<std::int64_t>(result_.requests.size()))
      throw std::logic_error(fmt::format("workload produced request id {} where {} was due (ids must be dense)",
                                         request.id, result_.requests.size()));
    if (request.output_tokens < 1 || request.prompt_tokens < 1)
      throw InputError({}, "workload",
                       fmt::format("request {} has prompt {} / output {} tokens (both must be >= 1)", request.id,
                                   request.prompt_tokens, request.output_tokens));
    ++taken_;
    auto& p = prefill_;
    for (std::size_t i = 0; i < p.instances.size(); ++i) {
      p.loads[i] = {p.instances[i]->running(), p.instances[i]->waiting(), p.instances[i]->kv_used_fraction()};
      if (p.router->wants_prefix_match())
        p.loads[i].cached_prefix_tokens = p.instances[i]->cached_prefix_tokens(request);
    }
    const std::int32_t target = p.router->route(request, p.loads);
    RequestRecord rec;
    rec.id = request.id;
    rec.arrival_s = request.arrival_s;
    rec.prompt_tokens = request.prompt_tokens;
    rec.output_tokens = request.output_tokens;  // requested; a finish records what was generated
    rec.replica = p.first_index + target;
    rec.session_id = request.session_id;
    rec.turn = request.turn;
    result_.requests.push_back(rec);
    transfer_of_.push_back(-1);
    // The prefill instance runs the prompt and produces the first token, nothing more.
    Request prefill_part = request;
    prefill_part.output_tokens = 1;
    held_.push_back(std::move(request));
    EngineInstance& inst = *p.instances[static_cast<std::size_t>(target)];
    const bool idle = !inst.iterating();
    inst.enqueue(std::move(prefill_part));
    if (idle && (woken.empty() || woken.back() != &inst)) woken.push_back(&inst);
  }
  schedule_arrival(now);
  for (EngineInstance* inst : woken) wake(*inst, now);
}

void DisaggregatedCluster::on_arrival_event(double now, std::int64_t) {
  pending_arrivals_.erase(pending_arrivals_.find(now));
  take_arrivals(now);
}

void DisaggregatedCluster::on_step_end_event(double now, std::int64_t index) {
  EngineInstance& inst = instance(index);
  inst.end_iteration(now);
  run_instance(inst, now);
}

// The prompt is prefilled: hand the KV to a decode instance (or finish, for one-token outputs).
void DisaggregatedCluster::on_prefill_done(const Request& prefill_part, double now) {
  const auto id = static_cast<std::size_t>(prefill_part.id);
  Request& request = held_[id];
  if (request.output_tokens == 1) {  // the prefill's token was the whole answer
    on_request_finished(request, now);
    request.content_ids = {};
    return;
  }
  auto& rec = result_.requests[id];
  rec.finish_s = -1;  // the prefill rank recorded its end; the request finishes on the decode side
  rec.output_tokens = request.output_tokens;  // ... and its one token: requested again until then
  rec.first_token_s = -1;                     // delivered with the KV
  auto& d = decode_;
  for (std::size_t i = 0; i < d.instances.size(); ++i)
    d.loads[i] = {d.instances[i]->running(), d.instances[i]->waiting(), d.instances[i]->kv_used_fraction()};
  const std::int32_t target = d.router->route(request, d.loads);
  KvTransferRecord t;
  t.request_id = prefill_part.id;
  t.prefill_instance = rec.replica;
  t.decode_instance = d.first_index + target;
  t.kv_bytes = kv_bytes_per_token_ * request.prompt_tokens;
  t.ready_s = now;
  const auto source = static_cast<std::size_t>(rec.replica), destination = static_cast<std::size_t>(target);
  if (config_.cluster.disaggregation.layerwise_kv_transfer) {
    const double step_s = now - step_start_s_[source];
    const double wire = path_.wire_s(t.kv_bytes);
    const std::int64_t layers = config_.model.n_layers;
    const double first = layerwise_timing(now, step_s, layers, now, wire, 0).first_layer_ready_s;
    t.start_s = nics_->free_at(source, destination, first);
    t.done_s = layerwise_timing(now, step_s, layers, t.start_s, wire, path_.nic.latency_s).done_s;
    nics_->occupy(source, destination, t.done_s);
  } else {
    const double duration = path_.seconds(t.kv_bytes);
    t.start_s = nics_->book(source, destination, now, duration);
    t.done_s = t.start_s + duration;
  }
  transfer_of_[id] = static_cast<std::int32_t>(result_.kv_transfers.size());
  result_.kv_transfers.push_back(t);
  queue_.push(t.done_s, transfer_handler_, prefill_part.id);
}

void DisaggregatedCluster::on_transfer_done_event(double now, std::int64_t request_id) {
  const auto id = static_cast<std::size_t>(request_id);
  ++transfers_done_;
  result_.requests[id].first_token_s = now;
  const auto& t = result_.kv_transfers[static_cast<std::size_t>(transfer_of_[id])];
  EngineInstance& inst = instance(t.decode_instance);
  inst.enqueue_transferred(std::move(held_[id]));
  held_[id] = Request{};
  wake(inst, now);
}

void DisaggregatedCluster::on_request_finished(const Request& request, double finish_s) {
  ++finished_;
  auto& rec = result_.requests[static_cast<std::size_t>(request.id)];
  rec.finish_s = finish_s;
  workload_->on_finished(request, finish_s);
  schedule_arrival(finish_s);
}

// Rejected as unservable by either pool: the row stays unfinished, and the workload goes on (a chat
// session issues its later turns, which are rejected in turn).
void DisaggregatedCluster::on_request_rejected(const Request& request, double now, bool after_prefill) {
  if (after_prefill) ++rejected_after_prefill_;
  workload_->on_rejected(request, now);  // session and turn are those of the whole request
  schedule_arrival(now);
}

void DisaggregatedCluster::run_instance(EngineInstance& inst, double now) {
  for (;;) {
    note_step_start(inst, now);
    const auto end = inst.start_iteration(now);
    if (!end) return;
    if (!(*end < queue_.next_time_s())) {
      queue_.push(*end, step_end_handler_, inst.index());
      return;
    }
    now = *end;
    ++result_.events;
    result_.simulated_s = now;
    inst.end_iteration(now);
  }
}

void DisaggregatedCluster::build_pool(Pool& p, FinishListener& listener) {
  const PoolSpec& s = *p.spec;
  p.router =
      make_router(s.router, derive_seed(stream_seed(config_.seed, RngStream::routing), p.first_index == 0 ? 101 : 102));
  p.instances.clear();
  // The tiered store serves the prefix caches that save prefill work: the prefill pool's.
  KvTierAttachment tiers;
  if (kv_tiers_ && s.role == PoolRole::prefill) {
    tiers.store = kv_tiers_.get();
    tiers.kv_bytes_per_token_per_gpu = p.cost->rank_kv_bytes_per_token() / static_cast<double>(rank_gpus(s.parallel));
  }
  for (std::int64_t i = 0; i < s.instances; ++i) {
    const auto index = static_cast<std::int32_t>(p.first_index + i);
    p.instances.push_back(std::make_unique<EngineInstance>(
        index, s.engine, *p.cost, s.parallel.attention_dp, p.kv_blocks,
        make_router(s.dp_dispatch,
                    derive_seed(stream_seed(config_.seed, RngStream::routing), 1 + static_cast<std::uint64_t>(index))),
        config_.timeseries_interval_s, result_.requests, result_.timeseries, listener, tiers));
  }
  p.loads.assign(p.instances.size(), {});
}

RunResult DisaggregatedCluster::run(Workload& workload, const ProgressFn& progress) {
  const auto& stop = config_.stop;
  if (stop.max_requests == 0 && stop.max_duration_s == 0 && workload.expected_requests() == 0)
    throw InputError({}, "stop", "the workload is unbounded: set stop.max_requests or stop.max_duration_s");
  workload_ = &workload;
  queue_.clear();
  pending_arrivals_.clear();
  result_ = RunResult{};
  held_.clear();
  transfer_of_.clear();
  taken_ = finished_ = transfers_done_ = rejected_after_prefill_ = 0;
  arrivals_closed_ = false;
  kv_tiers_.reset();
  if (config_.cluster.kv_tiers.enabled())
    kv_tiers_ = std::make_unique<KvTierStore>(config_.cluster.kv_tiers, kv_bytes_per_token_);
  build_pool(prefill_, prefill_done_);
  build_pool(decode_, decode_done_);
  nics_ = std::make_unique<NicSchedule>(prefill_.instances.size(), decode_.instances.size());
  step_start_s_.assign(prefill_.instances.size(), 0);
  const std::int64_t expected = stop.max_requests > 0 ? stop.max_requests : workload.expected_requests();
  if (expected > 0) result_.requests.reserve(static_cast<std::size_t>(expected));

  schedule_arrival(0);
  while (!queue_.empty()) {
    ++result_.events;
    result_.simulated_s = queue_.next_time_s();
    queue_.dispatch_next();
  }

  RunTotals totals;
  double tier_load_s = 0;
  const auto& d = config_.cluster.disaggregation;
  totals.replicas = d.prefill.instances + d.decode.instances;
  for (const Pool* p : {&prefill_, &decode_}) {
    const std::int64_t gpus = p->spec->instances * p->spec->parallel.gpus();
    totals.gpus += gpus;
    totals.usd_per_hour += static_cast<double>(gpus) * p->spec->usd_per_gpu_hour;
    for (const auto& inst : p->instances) {
      const auto& t = inst->totals();
      result_.iterations += t.iterations;
      totals.input_gpu_s += t.input_gpu_s;
      totals.output_gpu_s += t.output_gpu_s;
      totals.kv_pinned_fraction_s += t.kv_pinned_fraction_s;
      totals.kv_pinned_fraction_max = std::max(totals.kv_pinned_fraction_max, t.kv_pinned_fraction_max);
      tier_load_s += t.kv_tier_load_s;
      for (const auto& rank : inst->ranks()) {
        totals.preemptions += rank->totals().preemptions;
        // The prefix cache that saves prefill work is the prefill pool's (the decode pool's
        // admissions of transferred KV are not prefix lookups).
        if (p != &prefill_) continue;
        const auto s = rank->kv_cache().stats();
        totals.kv.lookup_tokens += s.lookup_tokens;
        totals.kv.hit_tokens += s.hit_tokens;
        totals.kv.evicted_blocks += s.evicted_blocks;
        totals.kv.inserted_blocks += s.inserted_blocks;
      }
    }
  }
  result_.summary = summarize(result_.requests, totals, config_);
  std::vector<double> seconds, waits;
  double bytes = 0;
  for (const auto& t : result_.kv_transfers) {
    seconds.push_back(t.kv_transfer_s());
    waits.push_back(std::max(0.0, t.start_s - t.ready_s));  // layer-wise transfers may start before
    bytes += t.kv_bytes;
  }
  double mean = 0;
  for (double s : seconds) mean += s;
  mean = seconds.empty() ? std::numeric_limits<double>::quiet_NaN() : mean / static_cast<double>(seconds.size());
  result_.summary.push_back({&kv_transfer_metrics::transfers, static_cast<double>(result_.kv_transfers.size())});
  result_.summary.push_back({&kv_transfer_metrics::transfer_bytes, bytes});
  result_.summary.push_back({&kv_transfer_metrics::transfer_mean_s, mean});
  result_.summary.push_back({&kv_transfer_metrics::transfer_p50_s, percentile_linear_select(seconds, 0.5)});
  result_.summary.push_back({&kv_transfer_metrics::transfer_p99_s, percentile_linear_select(seconds, 0.99)});
  result_.summary.push_back({&kv_transfer_metrics::transfer_wait_p99_s, percentile_linear_select(waits, 0.99)});
  if (kv_tiers_)
    kv_tier_metrics::append(*kv_tiers_, totals.kv.lookup_tokens, totals.kv.hit_tokens, tier_load_s, result_.summary);
  check_invariants(result_);
  if (progress) progress(1.0);
  RunResult out = std::move(result_);
  result_ = RunResult{};
  prefill_.instances.clear();
  decode_.instances.clear();
  kv_tiers_.reset();
  workload_ = nullptr;
  return out;
}

// As ClusterSimulator's checks, over both pools, plus the hand-over: every request whose prefill
// completed reached decode (its transfer ran and was admitted) or is reported unfinished.
void DisaggregatedCluster::check_invariants(RunResult& result) const {
  auto& v = result.invariant_violations;
  std::int64_t unfinished = 0, rejected = 0, recorded_output = 0, generated = 0;
  for (const auto& rec : result.requests) {
    if (rec.finish_s < 0) {
      ++unfinished;  // keeps its requested output_tokens
    } else {
      recorded_output += rec.output_tokens;
    }
  }
  // Every request the workload planned was issued and has a row (unless a stop condition ended
  // the run while the workload still had requests to give).
  const std::int64_t planned = workload_->planned_requests();
  if (planned >= 0 && !workload_->peek_arrival_s() && planned != static_cast<std::int64_t>(result.requests.size()))
    v.push_back(fmt::format("the workload planned {} requests, the results hold {}", planned, result.requests.size()));
  for (const Pool* p : {&prefill_, &decode_}) {
    for (const auto& inst : p->instances) {
      for (const auto& rank : inst->ranks()) {
        const std::string who = fmt::format("instance {} rank {}", inst->index(), rank->index());
        const auto& t = rank->totals();
        rejected += t.rejected;
        generated += t.generated_tokens;
        if (rank->kv_cache().pinned_blocks() != 0)
          v.push_back(
              fmt::format("{}: {} KV blocks still pinned after the run", who, rank->kv_cache().pinned_blocks()));
        if (rank->running() != 0 || rank->waiting() != 0)
          v.push_back(fmt::format("{}: {} running and {} waiting sequences never completed", who, rank->running(),
                                  rank->waiting()));
        if (t.prefill_mismatches != 0 || t.prefill_targets != t.prefill_cached_plus_computed)
          v.push_back(fmt::format("{}: prefill tokens not conserved ({} vs {})", who, t.prefill_cached_plus_computed,
                                  t.prefill_targets));
        if (t.output_mismatches != 0)
          v.push_back(fmt::format("{}: {} finished sequences generated a different number of tokens than asked", who,
                                  t.output_mismatches));
      }
    }
  }
  if (unfinished != rejected)
    v.push_back(fmt::format("{} requests unfinished but only {} rejected as unservable", unfinished, rejected));
  // A request decode rejected had its first token produced by its prefill: in no finished row.
  if (generated - rejected_after_prefill_ != recorded_output)
    v.push_back(
        fmt::format("output tokens not conserved: iterations produced {} ({} by prefills of requests decode "
                    "then rejected), finished records hold {}",
                    generated, rejected_after_prefill_, recorded_output));
  if (kv_tiers_) {
    for (auto& line : kv_tiers_->invariant_violations()) v.push_back(std::move(line));
  }
  if (transfers_done_ != static_cast<std::int64_t>(result.kv_transfers.size()))
    v.push_back(fmt::format("{} KV transfers started but {} completed", result.kv_transfers.size(), transfers_done_));
  for (const auto& t : result.kv_transfers) {
    const auto& rec = result.requests[static_cast<std::size_t>(t.request_id)];
    if (rec.first_token_s != t.done_s)
      v.push_back(fmt::format("request {}: first token at {} but its KV arrived at {}", t.request_id, rec.first_token_s,
                              t.done_s));
  }
}

}  // namespace moelab::sim
