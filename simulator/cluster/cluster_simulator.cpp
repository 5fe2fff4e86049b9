#include "simulator/cluster/cluster_simulator.hpp"

#include <chrono>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "base/input_error.hpp"
#include "simulator/core/rng_streams.hpp"
#include "simulator/engine/kv_capacity.hpp"
#include "simulator/metrics/kv_tier_metrics.hpp"
#include "simulator/metrics/summary.hpp"
#include "simulator/model/param_count.hpp"
#include "simulator/simulate.hpp"

namespace moelab::sim {
namespace {

// Progress is reported at most ten times per wall second; the clock is read once per 4096 events
// (events also advance inside a replica's local iteration loop, so count, don't test a modulus).
class ProgressThrottle {
 public:
  explicit ProgressThrottle(const ProgressFn& fn) : fn_(fn), last_(std::chrono::steady_clock::now()) {}
  bool due(std::int64_t events) {
    if (!fn_ || events < next_check_) return false;
    next_check_ = events + 4096;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return false;
    last_ = now;
    return true;
  }

 private:
  const ProgressFn& fn_;
  std::chrono::steady_clock::time_point last_;
  std::int64_t next_check_ = 4096;
};

}  // namespace

ClusterSimulator::ClusterSimulator(const SimConfig& config)
    : config_((check_config(config), config)),
      cost_(make_cost_model(config_.engine.cost_model,
                            CostModelContext{config_.model, config_.hardware, config_.engine, config_.cluster.parallel,
                                             config_.moe, config_.seed})),
      kv_blocks_(kv_capacity_blocks(*cost_, config_.hardware, config_.engine,
                                    config_.cluster.parallel.attention_tp * config_.cluster.parallel.pipeline_stages)),
      router_(make_router(config_.cluster.router, stream_seed(config_.seed, RngStream::routing))) {
  make_scheduler(config_.engine.scheduler);  // unknown names fail here, before any run
  make_kv_cache(config_.engine.cache_policy, 1, config_.engine.kv_block_tokens);
  arrival_events_.sim = this;
  step_end_events_.sim = this;
  arrival_handler_ = queue_.add_handler(arrival_events_);
  step_end_handler_ = queue_.add_handler(step_end_events_);
}

ClusterSimulator::~ClusterSimulator() = default;

bool ClusterSimulator::may_take_more() const {
  return !arrivals_closed_ && (config_.stop.max_requests == 0 || taken_ < config_.stop.max_requests);
}

void ClusterSimulator::schedule_arrival(double now) {
  if (!may_take_more()) return;
  const auto next = workload_->peek_arrival_s();
  if (!next) return;
  if (config_.stop.max_duration_s > 0 && *next > config_.stop.max_duration_s) return;
  const double t = std::max(*next, now);
  if (!pending_arrivals_.empty() && *pending_arrivals_.begin() <= t) return;
  pending_arrivals_.insert(t);
  queue_.push(t, arrival_handler_);
}

void ClusterSimulator::take_arrivals(double now) {
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
    for (std::size_t i = 0; i < instances_.size(); ++i) {
      loads_[i] = {instances_[i]->running(), instances_[i]->waiting(), instances_[i]->kv_used_fraction()};
      if (router_->wants_prefix_match()) loads_[i].cached_prefix_tokens = instances_[i]->cached_prefix_tokens(request);
    }
    const std::int32_t target = router_->route(request, loads_);
    RequestRecord rec;
    rec.id = request.id;
    rec.arrival_s = request.arrival_s;
    rec.prompt_tokens = request.prompt_tokens;
    rec.output_tokens = request.output_tokens;  // requested; a finish records what was generated
    rec.replica = target;
    rec.session_id = request.session_id;
    rec.turn = request.turn;
    result_.requests.push_back(rec);
    EngineInstance& instance = *instances_[static_cast<std::size_t>(target)];
    const bool idle = !instance.iterating();
    instance.enqueue(std::move(request));
    if (idle && (woken.empty() || woken.back() != &instance)) woken.push_back(&instance);
  }
  // Queue the next arrival before any replica moves, then start idle replicas through the queue
  // (no local stepping here: every replica's next step must be visible to the others first).
  schedule_arrival(now);
  for (EngineInstance* instance : woken) {
    if (instance->iterating()) continue;
    if (const auto end = instance->start_iteration(now)) queue_.push(*end, step_end_handler_, instance->index());
  }
}

void ClusterSimulator::on_arrival_event(double now) {
  pending_arrivals_.erase(pending_arrivals_.find(now));
  take_arrivals(now);
}

void ClusterSimulator::on_step_end_event(double now, std::int64_t instance_index) {
  EngineInstance& instance = *instances_[static_cast<std::size_t>(instance_index)];
  instance.end_iteration(now);
  run_instance(instance, now);
}

void ClusterSimulator::on_finished(const Request& request, double finish_s) {
  ++finished_;
  workload_->on_finished(request, finish_s);
  schedule_arrival(finish_s);  // a closed-loop workload may have released the next turn
}

void ClusterSimulator::on_rejected(const Request& request, double now_s) {
  workload_->on_rejected(request, now_s);
  schedule_arrival(now_s);
}

// Starts the next iteration of `instance` at `now` (after its previous one ended). Iterations that
// end before anything else in the queue are applied at once instead of going through the heap:
// every other instance's step end and the next arrival are already queued, and this instance's own
// finishes queue what they release, so no event can come between and the order of effects is
// the same as with one queued event per iteration. This is what makes long decode runs cheap.
void ClusterSimulator::run_instance(EngineInstance& instance, double now) {
  for (;;) {
    const auto end = instance.start_iteration(now);
    if (!end) return;
    if (!(*end < queue_.next_time_s())) {
      queue_.push(*end, step_end_handler_, instance.index());
      return;
    }
    now = *end;
    ++result_.events;
    result_.simulated_s = now;
    instance.end_iteration(now);
  }
}

RunResult ClusterSimulator::run(Workload& workload, const ProgressFn& progress) {
  const auto& stop = config_.stop;
  if (stop.max_requests == 0 && stop.max_duration_s == 0 && workload.expected_requests() == 0)
    throw InputError({}, "stop", "the workload is unbounded: set stop.max_requests or stop.max_duration_s");
  workload_ = &workload;
  queue_.clear();
  pending_arrivals_.clear();
  result_ = RunResult{};
  taken_ = finished_ = 0;
  arrivals_closed_ = false;
  instances_.clear();
  KvTierAttachment tiers;
  kv_tiers_.reset();
  if (config_.cluster.kv_tiers.enabled()) {
    kv_tiers_ = std::make_unique<KvTierStore>(config_.cluster.kv_tiers, sim::kv_bytes_per_token(config_.model));
    tiers.store = kv_tiers_.get();
    tiers.kv_bytes_per_token_per_gpu =
        cost_->rank_kv_bytes_per_token() /
        static_cast<double>(config_.cluster.parallel.attention_tp * config_.cluster.parallel.pipeline_stages);
  }
  for (std::int64_t i = 0; i < config_.cluster.replicas; ++i)
    instances_.push_back(std::make_unique<EngineInstance>(
        static_cast<std::int32_t>(i), config_.engine, *cost_, config_.cluster.parallel.attention_dp, kv_blocks_,
        make_router(config_.cluster.dp_dispatch,
                    derive_seed(stream_seed(config_.seed, RngStream::routing), 1 + static_cast<std::uint64_t>(i))),
        config_.timeseries_interval_s, result_.requests, result_.timeseries, static_cast<FinishListener&>(*this),
        tiers));
  loads_.assign(instances_.size(), {});
  const std::int64_t expected = stop.max_requests > 0 ? stop.max_requests : workload.expected_requests();
  // Rows grow as requests arrive; reserving only a bounded head start keeps a huge request count
  // from claiming its memory before the first arrival.
  if (expected > 0) result_.requests.reserve(static_cast<std::size_t>(std::min<std::int64_t>(expected, 1 << 20)));

  ProgressThrottle throttle(progress);
  schedule_arrival(0);
  while (!queue_.empty()) {
    ++result_.events;
    result_.simulated_s = queue_.next_time_s();
    const Event e = queue_.dispatch_next();
    if (throttle.due(result_.events)) {
      double fraction = 0;
      if (expected > 0)
        fraction = static_cast<double>(finished_) / static_cast<double>(expected);
      else if (stop.max_duration_s > 0)
        fraction = e.time_s / stop.max_duration_s;
      progress(std::min(fraction, 1.0));
    }
  }

  RunTotals totals;
  totals.replicas = config_.cluster.replicas;
  double tier_load_s = 0;
  for (const auto& instance : instances_) {
    const auto& t = instance->totals();
    result_.iterations += t.iterations;
    totals.input_gpu_s += t.input_gpu_s;
    totals.output_gpu_s += t.output_gpu_s;
    totals.kv_pinned_fraction_s += t.kv_pinned_fraction_s;
    totals.iterations += t.iterations;
    totals.step_gpu_s += t.step_gpu_s;
    totals.exposed_comm_s += t.exposed_comm_s;
    totals.expert_imbalance_sum += t.expert_imbalance_sum;
    tier_load_s += t.kv_tier_load_s;
    totals.kv_pinned_fraction_max = std::max(totals.kv_pinned_fraction_max, t.kv_pinned_fraction_max);
    for (const auto& rank : instance->ranks()) {
      totals.preemptions += rank->totals().preemptions;
      const auto s = rank->kv_cache().stats();
      totals.kv.lookup_tokens += s.lookup_tokens;
      totals.kv.hit_tokens += s.hit_tokens;
      totals.kv.evicted_blocks += s.evicted_blocks;
      totals.kv.inserted_blocks += s.inserted_blocks;
    }
  }
  result_.prefill_busy_s = totals.input_gpu_s;
  result_.decode_busy_s = totals.output_gpu_s;
  result_.summary = summarize(result_.requests, totals, config_);
  if (kv_tiers_)
    kv_tier_metrics::append(*kv_tiers_, totals.kv.lookup_tokens, totals.kv.hit_tokens, tier_load_s, result_.summary);
  check_invariants(result_);
  if (progress) progress(1.0);
  RunResult out = std::move(result_);
  result_ = RunResult{};
  instances_.clear();
  kv_tiers_.reset();
  workload_ = nullptr;
  return out;
}

// Cheap end-of-run checks (O(requests)); each violated invariant adds one line.
void ClusterSimulator::check_invariants(RunResult& result) const {
  auto& v = result.invariant_violations;
  std::int64_t unfinished = 0, rejected = 0, recorded_output = 0, generated = 0;
  for (const auto& rec : result.requests) {
    if (rec.finish_s < 0) {
      ++unfinished;
    } else {
      recorded_output += rec.output_tokens;
    }
  }
  // Every request the workload planned was issued and has a row (unless a stop condition ended
  // the run while the workload still had requests to give).
  const std::int64_t planned = workload_->planned_requests();
  if (planned >= 0 && !workload_->peek_arrival_s() && planned != static_cast<std::int64_t>(result.requests.size()))
    v.push_back(fmt::format("the workload planned {} requests, the results hold {}", planned, result.requests.size()));
  for (const auto& instance : instances_) {
    for (const auto& rank : instance->ranks()) {
      const DpRank* r = rank.get();
      const std::string who = instance->ranks().size() == 1
                                  ? fmt::format("replica {}", instance->index())
                                  : fmt::format("replica {} rank {}", instance->index(), r->index());
      const auto& t = r->totals();
      rejected += t.rejected;
      generated += t.generated_tokens;
      if (r->kv_cache().pinned_blocks() != 0)
        v.push_back(fmt::format("{}: {} KV blocks still pinned after the run", who, r->kv_cache().pinned_blocks()));
      if (r->running() != 0 || r->waiting() != 0)
        v.push_back(
            fmt::format("{}: {} running and {} waiting sequences never completed", who, r->running(), r->waiting()));
      if (t.prefill_mismatches != 0 || t.prefill_targets != t.prefill_cached_plus_computed)
        v.push_back(
            fmt::format("{}: prefill tokens not conserved: {} admissions where cached + computed != "
                        "prompt (totals {} vs {})",
                        who, t.prefill_mismatches, t.prefill_cached_plus_computed, t.prefill_targets));
      if (t.output_mismatches != 0)
        v.push_back(fmt::format("{}: {} finished requests generated a different number of tokens than requested", who,
                                t.output_mismatches));
    }
  }
  if (unfinished != rejected)
    v.push_back(fmt::format("{} requests unfinished but only {} rejected as unservable", unfinished, rejected));
  // Unfinished requests never completed a prefill (rejected before admission), so every token an
  // iteration produced must be in some finished request's record.
  if (generated != recorded_output)
    v.push_back(fmt::format("output tokens not conserved: iterations produced {}, records hold {}", generated,
                            recorded_output));
  if (kv_tiers_) {
    for (auto& line : kv_tiers_->invariant_violations()) v.push_back(std::move(line));
  }
}

}  // namespace moelab::sim
