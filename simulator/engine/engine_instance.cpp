#include "simulator/engine/engine_instance.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "simulator/engine/step_timing.hpp"

namespace moelab::sim {

EngineInstance::EngineInstance(std::int32_t index, const EngineSpec& engine, const InstanceCostModel& cost,
                               std::int64_t kv_blocks, double timeseries_interval_s,
                               std::vector<RequestRecord>& records, std::vector<TimePoint>& timeseries,
                               FinishListener& listener)
    : index_(index),
      engine_(engine),
      cost_(cost),
      rank_(0, engine, kv_blocks, records, listener),
      timeseries_interval_s_(timeseries_interval_s),
      timeseries_(timeseries) {}

double EngineInstance::price(const StepShape& shape) const {
  StepBreakdown b;
  cost_.price(std::span<const StepShape>(&shape, 1), b);
  return b.step_s;
}

void EngineInstance::enqueue(Request&& request) { rank_.enqueue(std::move(request)); }

std::optional<double> EngineInstance::start_iteration(double now) {
  if (iterating_) throw std::logic_error("engine instance: iteration already in flight");
  StepShape shape;
  if (!rank_.compose(shape)) return std::nullopt;  // idle
  const double gpu_s = price(shape);
  const double dt = iteration_time_s(gpu_s, engine_);
  account_iteration(shape, now, dt);
  iterating_ = true;
  return now + dt;
}

// Cost attribution for $/token: an iteration's time is split between input (prefill) and output
// (decode) work in proportion to the roofline time of its prefill-only and decode-only parts.
// Pure steps (the vast majority: every decode-only step) need no extra cost evaluation.
void EngineInstance::account_iteration(const StepShape& shape, double now, double dt) {
  ++totals_.iterations;
  totals_.busy_s += dt;
  if (shape.prefill_tokens == 0) {
    totals_.output_gpu_s += dt;
  } else if (shape.decode_seqs == 0) {
    totals_.input_gpu_s += dt;
  } else {
    StepShape prefill_only = shape, decode_only = shape;
    prefill_only.decode_seqs = prefill_only.decode_context_tokens = 0;
    decode_only.prefill_seqs = decode_only.prefill_tokens = decode_only.prefill_context_tokens = 0;
    decode_only.prefill_attention_pairs = 0;
    const double p = price(prefill_only), d = price(decode_only);
    const double input_share = (p + d) > 0 ? p / (p + d) : 0.5;
    totals_.input_gpu_s += dt * input_share;
    totals_.output_gpu_s += dt * (1 - input_share);
  }
  const KvCache& kv = rank_.kv_cache();
  const double pinned_fraction = static_cast<double>(kv.pinned_blocks()) / static_cast<double>(kv.total_blocks());
  totals_.kv_pinned_fraction_s += pinned_fraction * dt;
  totals_.kv_pinned_fraction_max = std::max(totals_.kv_pinned_fraction_max, pinned_fraction);

  if (timeseries_interval_s_ <= 0 || now >= next_sample_s_) {
    timeseries_.push_back(TimePoint{now, index_, static_cast<std::int32_t>(rank_.running()),
                                    static_cast<std::int32_t>(rank_.waiting()), kv.pinned_blocks(),
                                    kv.cached_blocks(), kv.total_blocks(), shape.tokens()});
    if (timeseries_interval_s_ > 0) next_sample_s_ = (std::floor(now / timeseries_interval_s_) + 1) * timeseries_interval_s_;
  }
}

void EngineInstance::end_iteration(double now) {
  if (!iterating_) throw std::logic_error("engine instance: no iteration in flight");
  iterating_ = false;
  rank_.apply(now);
}

}  // namespace moelab::sim
