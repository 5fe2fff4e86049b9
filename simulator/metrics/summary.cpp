#include "simulator/metrics/summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "simulator/metrics/kv_tier_metrics.hpp"
#include "simulator/metrics/kv_transfer_metrics.hpp"
#include "simulator/metrics/percentile.hpp"
#include "simulator/metrics/request_metrics.hpp"

namespace moelab::sim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double per(double num, double den) { return den > 0 ? num / den : 0; }

// Values in the order they were added; the mean sums in that order, percentiles reorder in place.
class Sample {
 public:
  void reserve(std::size_t n) { values_.reserve(n); }
  void add(double v) {
    values_.push_back(v);
    sum_ += v;
  }
  double mean() const { return values_.empty() ? kNaN : sum_ / static_cast<double>(values_.size()); }
  double percentile(double q) { return percentile_linear_select(values_, q); }

 private:
  std::vector<double> values_;
  double sum_ = 0;
};

}  // namespace

struct RunAggregates {
  const RunTotals& totals;
  const SimConfig& config;
  std::int64_t requests = 0;  // taken from the workload
  std::int64_t finished = 0;
  std::int64_t meeting_slo = 0;  // finished and within every SLO bound that is set
  double input_tokens = 0;       // of finished requests
  double output_tokens = 0;      // of finished requests
  double duration_s = 0;
  Sample ttft, tpot, e2e;  // of finished requests (tpot: with > 1 output token)
  Sample ttft_first_turn, ttft_later_turns;

  double gpu_hours() const {
    const std::int64_t gpus = totals.gpus > 0 ? totals.gpus : totals.replicas * config.cluster.parallel.gpus();
    return static_cast<double>(gpus) * duration_s / 3600.0;
  }
  double usd() const {
    return totals.usd_per_hour > 0 ? totals.usd_per_hour * duration_s / 3600.0 : gpu_hours() * config.usd_per_gpu_hour;
  }
  // Share of the cost that input tokens carry: iteration time attributed to prefill.
  double input_share() const { return per(totals.input_gpu_s, totals.input_gpu_s + totals.output_gpu_s); }
};

namespace {

using M = MetricType;

// The /summary metrics: name, unit, type, description and computation, in column order.
constexpr SummaryMetric kSummaryMetrics[] = {
    {{"requests", "", M::count, "requests the run took from the workload"},
     [](RunAggregates& a) { return static_cast<double>(a.requests); }},
    {{"finished", "", M::count, "requests that produced all their output tokens"},
     [](RunAggregates& a) { return static_cast<double>(a.finished); }},
    {{"unfinished", "", M::count, "requests - finished: rejected at admission as unservable (they can never fit)"},
     [](RunAggregates& a) { return static_cast<double>(a.requests - a.finished); }},
    {{"duration_s", "s", M::real, "first arrival to last finish; 0 when nothing finished"},
     [](RunAggregates& a) { return a.duration_s; }},
    {{"input_tok_per_s", "tokens/s", M::real, "prompt tokens of finished requests / duration_s"},
     [](RunAggregates& a) { return per(a.input_tokens, a.duration_s); }},
    {{"output_tok_per_s", "tokens/s", M::real, "output tokens of finished requests / duration_s"},
     [](RunAggregates& a) { return per(a.output_tokens, a.duration_s); }},
    {{"requests_per_s", "1/s", M::real, "finished requests / duration_s"},
     [](RunAggregates& a) { return per(static_cast<double>(a.finished), a.duration_s); }},
    {{"ttft_mean_s", "s", M::real, "time to first token of finished requests: mean"},
     [](RunAggregates& a) { return a.ttft.mean(); }},
    {{"ttft_p50_s", "s", M::real, "time to first token of finished requests: median"},
     [](RunAggregates& a) { return a.ttft.percentile(0.50); }},
    {{"ttft_p90_s", "s", M::real, "time to first token of finished requests: 90th percentile"},
     [](RunAggregates& a) { return a.ttft.percentile(0.90); }},
    {{"ttft_p99_s", "s", M::real, "time to first token of finished requests: 99th percentile"},
     [](RunAggregates& a) { return a.ttft.percentile(0.99); }},
    {{"tpot_mean_s", "s", M::real, "time per output token of finished requests with > 1 output token: mean"},
     [](RunAggregates& a) { return a.tpot.mean(); }},
    {{"tpot_p50_s", "s", M::real, "time per output token of finished requests with > 1 output token: median"},
     [](RunAggregates& a) { return a.tpot.percentile(0.50); }},
    {{"tpot_p90_s", "s", M::real, "time per output token of finished requests with > 1 output token: 90th percentile"},
     [](RunAggregates& a) { return a.tpot.percentile(0.90); }},
    {{"tpot_p99_s", "s", M::real, "time per output token of finished requests with > 1 output token: 99th percentile"},
     [](RunAggregates& a) { return a.tpot.percentile(0.99); }},
    {{"e2e_mean_s", "s", M::real, "end-to-end latency of finished requests: mean"},
     [](RunAggregates& a) { return a.e2e.mean(); }},
    {{"e2e_p50_s", "s", M::real, "end-to-end latency of finished requests: median"},
     [](RunAggregates& a) { return a.e2e.percentile(0.50); }},
    {{"e2e_p90_s", "s", M::real, "end-to-end latency of finished requests: 90th percentile"},
     [](RunAggregates& a) { return a.e2e.percentile(0.90); }},
    {{"e2e_p99_s", "s", M::real, "end-to-end latency of finished requests: 99th percentile"},
     [](RunAggregates& a) { return a.e2e.percentile(0.99); }},
    {{"goodput_requests_per_s", "1/s", M::real,
      "finished requests within every [slo] bound > 0 (a 1-token output meets the tpot bound) / duration_s"},
     [](RunAggregates& a) { return per(static_cast<double>(a.meeting_slo), a.duration_s); }},
    {{"slo_attainment", "", M::real, "requests counted by goodput / requests (unfinished requests miss)"},
     [](RunAggregates& a) { return per(static_cast<double>(a.meeting_slo), static_cast<double>(a.requests)); }},
    {{"kv_utilization_mean", "", M::real,
      "KV blocks pinned by running sequences / total, time-averaged over duration_s x replicas (idle = 0)"},
     [](RunAggregates& a) {
       return per(a.totals.kv_pinned_fraction_s, a.duration_s * static_cast<double>(a.totals.replicas));
     }},
    {{"kv_utilization_max", "", M::real, "KV blocks pinned / total: maximum over replicas and iterations"},
     [](RunAggregates& a) { return a.totals.kv_pinned_fraction_max; }},
    {{"preemptions", "", M::count, "sequences preempted (KV dropped, recomputed later), all replicas"},
     [](RunAggregates& a) { return static_cast<double>(a.totals.preemptions); }},
    {{"prefix_hit_rate", "", M::real, "prompt tokens served from the prefix cache / prompt tokens looked up"},
     [](RunAggregates& a) {
       return per(static_cast<double>(a.totals.kv.hit_tokens), static_cast<double>(a.totals.kv.lookup_tokens));
     }},
    {{"prefill_tokens_saved", "tokens", M::count, "prompt tokens served from the prefix cache instead of computed"},
     [](RunAggregates& a) { return static_cast<double>(a.totals.kv.hit_tokens); }},
    {{"evicted_blocks", "blocks", M::count, "cached KV blocks evicted to make room, all replicas"},
     [](RunAggregates& a) { return static_cast<double>(a.totals.kv.evicted_blocks); }},
    {{"gpu_hours", "h", M::real,
      "replicas x GPUs per replica (TP x DP x pipeline stages) x duration_s / 3600 (idle time included)"},
     [](RunAggregates& a) { return a.gpu_hours(); }},
    {{"usd_per_m_input_tok", "USD/Mtok", M::real,
      "gpu_hours x usd_per_gpu_hour x prefill's share of iteration time / million prompt tokens of finished requests"},
     [](RunAggregates& a) { return per(a.usd() * a.input_share(), a.input_tokens / 1e6); }},
    {{"usd_per_m_output_tok", "USD/Mtok", M::real,
      "gpu_hours x usd_per_gpu_hour x decode's share of iteration time / million output tokens of finished requests"},
     [](RunAggregates& a) { return per(a.usd() * (1 - a.input_share()), a.output_tokens / 1e6); }},
    {{"usd_per_gpu_hour", "USD/h", M::real, "the GPU price used: [cost] usd_per_gpu_hour, else the hardware's"},
     [](RunAggregates& a) { return a.config.usd_per_gpu_hour; }},
    {{"ttft_first_turn_p50_s", "s", M::real,
      "time to first token of sessions' first turns and of requests without a session: median"},
     [](RunAggregates& a) { return a.ttft_first_turn.percentile(0.50); }},
    {{"ttft_first_turn_p99_s", "s", M::real,
      "time to first token of sessions' first turns and of requests without a session: 99th percentile"},
     [](RunAggregates& a) { return a.ttft_first_turn.percentile(0.99); }},
    {{"ttft_later_turns_p50_s", "s", M::real, "time to first token of later session turns (history reused): median"},
     [](RunAggregates& a) { return a.ttft_later_turns.percentile(0.50); }},
    {{"ttft_later_turns_p99_s", "s", M::real,
      "time to first token of later session turns (history reused): 99th percentile"},
     [](RunAggregates& a) { return a.ttft_later_turns.percentile(0.99); }},
    {{"exposed_communication_fraction", "", M::real,
      "communication no computation hid / GPU time, summed over every step of every instance (cost model times)"},
     [](RunAggregates& a) { return per(a.totals.exposed_comm_s, a.totals.step_gpu_s); }},
    {{"expert_imbalance_mean", "", M::real,
      "busiest EP rank's routed load / the mean, averaged over steps (1 without expert parallelism; 0 without steps)"},
     [](RunAggregates& a) { return per(a.totals.expert_imbalance_sum, static_cast<double>(a.totals.iterations)); }},
};

}  // namespace

std::span<const SummaryMetric> summary_metrics() { return kSummaryMetrics; }

const MetricDefinition* find_summary_metric(std::string_view name) {
  for (const auto& m : kSummaryMetrics) {
    if (m.definition.name == name) return &m.definition;
  }
  for (const MetricDefinition* m : kv_transfer_metrics::all()) {
    if (m->name == name) return m;
  }
  for (const MetricDefinition* m : kv_tier_metrics::all()) {
    if (m->name == name) return m;
  }
  return nullptr;
}

std::vector<Metric> summarize(const std::vector<RequestRecord>& records, const RunTotals& totals,
                              const SimConfig& config) {
  RunAggregates a{totals, config};
  a.requests = static_cast<std::int64_t>(records.size());
  a.ttft.reserve(records.size());
  a.tpot.reserve(records.size());
  a.e2e.reserve(records.size());
  double first_arrival = std::numeric_limits<double>::infinity(), last_finish = 0;
  const auto& slo = config.slo;
  for (const auto& r : records) {
    first_arrival = std::min(first_arrival, r.arrival_s);
    if (r.finish_s < 0) continue;
    ++a.finished;
    last_finish = std::max(last_finish, r.finish_s);
    a.input_tokens += r.prompt_tokens;
    a.output_tokens += r.output_tokens;
    const double t_first = ttft_s(r), t_e2e = e2e_s(r), t_tok = tpot_s(r);
    a.ttft.add(t_first);
    (r.turn == 0 ? a.ttft_first_turn : a.ttft_later_turns).add(t_first);
    a.e2e.add(t_e2e);
    bool ok = (slo.ttft_s <= 0 || t_first <= slo.ttft_s) && (slo.e2e_s <= 0 || t_e2e <= slo.e2e_s);
    if (!std::isnan(t_tok)) {  // defined for outputs of more than one token
      a.tpot.add(t_tok);
      ok = ok && (slo.tpot_s <= 0 || t_tok <= slo.tpot_s);
    }
    a.meeting_slo += ok ? 1 : 0;
  }
  a.duration_s = a.finished > 0 ? last_finish - first_arrival : 0;

  std::vector<Metric> out;
  out.reserve(std::size(kSummaryMetrics));
  for (const auto& m : kSummaryMetrics) out.push_back({&m.definition, m.compute(a)});
  return out;
}

}  // namespace moelab::sim
