#include "simulator/engine/engine_instance.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "simulator/engine/step_timing.hpp"

namespace moelab::sim {

EngineInstance::EngineInstance(std::int32_t index, const EngineSpec& engine, const InstanceCostModel& cost,
                               std::int64_t dp_ranks, std::int64_t kv_blocks_per_rank, std::unique_ptr<Router> dispatch,
                               double timeseries_interval_s, std::vector<RequestRecord>& records,
                               std::vector<TimePoint>& timeseries, FinishListener& listener,
                               const KvTierAttachment& tiers)
    : index_(index),
      engine_(engine),
      cost_(cost),
      dispatch_(std::move(dispatch)),
      records_(records),
      timeseries_interval_s_(timeseries_interval_s),
      timeseries_(timeseries) {
  if (dp_ranks < 1) throw std::logic_error("engine instance: needs at least one rank");
  for (std::int64_t r = 0; r < dp_ranks; ++r) {
    KvTierCosts costs;
    if (tiers.store != nullptr) {
      costs.kv_bytes_per_token_per_gpu = tiers.kv_bytes_per_token_per_gpu;
      costs.prefill_s = [this](std::int64_t cached, std::int64_t prompt) { return prefill_alone_s(cached, prompt); };
    }
    ranks_.push_back(std::make_unique<DpRank>(static_cast<std::int32_t>(r), engine, kv_blocks_per_rank, records,
                                              listener, tiers.store, std::move(costs)));
  }
  rank_loads_.resize(ranks_.size());
  shapes_.resize(ranks_.size());
  split_.resize(ranks_.size());
}

ReplicaLoad EngineInstance::rank_load(std::size_t r) const {
  const KvCache& kv = ranks_[r]->kv_cache();
  return {ranks_[r]->running(), ranks_[r]->waiting(),
          static_cast<double>(kv.pinned_blocks()) / static_cast<double>(kv.total_blocks())};
}

ReplicaLoad EngineInstance::load() const {
  if (!load_) {
    ReplicaLoad sum;
    std::int64_t pinned = 0, total = 0;
    for (const auto& r : ranks_) {
      sum.running += r->running();
      sum.waiting += r->waiting();
      pinned += r->kv_cache().pinned_blocks();
      total += r->kv_cache().total_blocks();
    }
    sum.kv_used_fraction = total > 0 ? static_cast<double>(pinned) / static_cast<double>(total) : 0.0;
    load_ = sum;
  }
  return *load_;
}

std::int64_t EngineInstance::cached_prefix_tokens(const Request& request) const {
  std::int64_t best = 0;
  for (const auto& r : ranks_) best = std::max(best, r->kv_cache().peek_cached_tokens(request));
  return best;
}

double EngineInstance::price(std::span<const StepShape> shapes) const {
  StepBreakdown b;
  cost_.price(shapes, b);
  return b.step_s;
}

double EngineInstance::prefill_alone_s(std::int64_t cached, std::int64_t prompt) const {
  const std::int64_t c = prompt - cached;
  if (c <= 0) return 0;
  std::vector<StepShape> shapes(ranks_.size());
  StepShape& s = shapes[0];
  s.prefill_seqs = 1;
  s.prefill_tokens = c;
  s.prefill_attention_pairs =
      static_cast<double>(c) * static_cast<double>(cached) + static_cast<double>(c) * static_cast<double>(c + 1) / 2;
  s.prefill_context_tokens = prompt;
  return price(shapes);
}

std::size_t EngineInstance::pick_rank(const Request& request) {
  std::size_t rank = 0;
  if (ranks_.size() > 1) {
    if (ranks_changed_) {
      for (std::size_t r = 0; r < ranks_.size(); ++r) rank_loads_[r] = rank_load(r);
      ranks_changed_ = false;
    }
    if (dispatch_->wants_prefix_match()) {
      for (std::size_t r = 0; r < ranks_.size(); ++r)
        rank_loads_[r].cached_prefix_tokens = ranks_[r]->kv_cache().peek_cached_tokens(request);
    }
    rank = static_cast<std::size_t>(dispatch_->route(request, rank_loads_));
  }
  records_[static_cast<std::size_t>(request.id)].dp_rank = static_cast<std::int32_t>(rank);
  return rank;
}

void EngineInstance::enqueue(Request&& request) {
  const std::size_t rank = pick_rank(request);
  ranks_[rank]->enqueue(std::move(request));
  if (ranks_.size() > 1) rank_loads_[rank] = rank_load(rank);
  load_.reset();
}

void EngineInstance::enqueue_transferred(Request&& request) {
  const std::size_t rank = pick_rank(request);
  ranks_[rank]->enqueue_transferred(std::move(request));
  if (ranks_.size() > 1) rank_loads_[rank] = rank_load(rank);
  load_.reset();
}

std::optional<double> EngineInstance::start_iteration(double now) {
  if (iterating_) throw std::logic_error("engine instance: iteration already in flight");
  ranks_changed_ = true;
  load_.reset();
  bool any = false;
  for (std::size_t r = 0; r < ranks_.size(); ++r) {
    shapes_[r] = StepShape{};
    any = ranks_[r]->compose(shapes_[r], now) || any;
  }
  if (!any) return std::nullopt;  // idle
  StepBreakdown step;
  cost_.price(shapes_, step);
  // KV loads from lower tiers run before the step's forward pass (a synchronous load, as vLLM's
  // KV connectors do); ranks load over their own host links in parallel.
  double load_s = 0;
  for (auto& r : ranks_) load_s = std::max(load_s, r->take_tier_load_s());
  totals_.kv_tier_load_s += load_s;
  const double dt = iteration_time_s(step.step_s, engine_) + load_s;
  account_iteration(now, dt, step);
  iterating_ = true;
  return now + dt;
}

// Cost attribution for $/token: an iteration's time is split between input (prefill) and output
// (decode) work in proportion to the cost of the step with only its prefill parts and with only
// its decode parts. Pure steps (the vast majority: every decode-only step) need no extra pricing.
void EngineInstance::account_iteration(double now, double dt, const StepBreakdown& step) {
  ++totals_.iterations;
  totals_.busy_s += dt;
  totals_.step_gpu_s += step.step_s;
  totals_.exposed_comm_s += step.exposed_comm_s;
  totals_.expert_imbalance_sum += step.expert_imbalance;
  bool prefill = false, decode = false;
  for (const StepShape& s : shapes_) {
    prefill = prefill || s.prefill_tokens > 0;
    decode = decode || s.decode_seqs > 0;
  }
  if (!prefill) {
    totals_.output_gpu_s += dt;
  } else if (!decode) {
    totals_.input_gpu_s += dt;
  } else {
    for (std::size_t r = 0; r < shapes_.size(); ++r) {
      split_[r] = shapes_[r];
      split_[r].decode_seqs = split_[r].decode_context_tokens = 0;
    }
    const double p = price(split_);
    for (std::size_t r = 0; r < shapes_.size(); ++r) {
      split_[r] = shapes_[r];
      split_[r].prefill_seqs = split_[r].prefill_tokens = split_[r].prefill_context_tokens = 0;
      split_[r].prefill_attention_pairs = 0;
    }
    const double d = price(split_);
    const double input_share = (p + d) > 0 ? p / (p + d) : 0.5;
    totals_.input_gpu_s += dt * input_share;
    totals_.output_gpu_s += dt * (1 - input_share);
  }
  std::int64_t pinned = 0, total = 0;
  for (const auto& rank : ranks_) {
    pinned += rank->kv_cache().pinned_blocks();
    total += rank->kv_cache().total_blocks();
  }
  const double pinned_fraction = static_cast<double>(pinned) / static_cast<double>(total);
  totals_.kv_pinned_fraction_s += pinned_fraction * dt;
  totals_.kv_pinned_fraction_max = std::max(totals_.kv_pinned_fraction_max, pinned_fraction);

  if (timeseries_interval_s_ <= 0 || now >= next_sample_s_) {
    std::int64_t cached = 0, running = 0, waiting = 0, tokens = 0;
    for (std::size_t r = 0; r < ranks_.size(); ++r) {
      cached += ranks_[r]->kv_cache().cached_blocks();
      running += ranks_[r]->running();
      waiting += ranks_[r]->waiting();
      tokens += shapes_[r].tokens();
    }
    TimePoint& p =
        timeseries_.emplace_back(TimePoint{now, index_, static_cast<std::int32_t>(running),
                                           static_cast<std::int32_t>(waiting), pinned, cached, total, tokens});
    p.step_s = step.step_s;
    p.attention_s = step.attention_s;
    p.dense_gemm_s = step.dense_gemm_s;
    p.expert_gemm_s = step.expert_gemm_s;
    p.dispatch_s = step.dispatch_s;
    p.combine_s = step.combine_s;
    p.allreduce_s = step.allreduce_s;
    p.exposed_comm_s = step.exposed_comm_s;
    p.expert_imbalance = step.expert_imbalance;
    if (timeseries_interval_s_ > 0)
      next_sample_s_ = (std::floor(now / timeseries_interval_s_) + 1) * timeseries_interval_s_;
  }
}

void EngineInstance::end_iteration(double now) {
  if (!iterating_) throw std::logic_error("engine instance: no iteration in flight");
  iterating_ = false;
  ranks_changed_ = true;
  load_.reset();
  for (auto& r : ranks_) r->apply(now);
}

}  // namespace moelab::sim
